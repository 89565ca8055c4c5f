//! Ledger stage: revenue ledgers (收入台账) in CSV or Parquet → checked rows → monthly
//! totals per region × item × budget level and, for the exact split, the good receipts as
//! compact (key, fen) records — all from one streamed pass ([`pass`]).

pub mod check;
pub mod columns;
mod level;
pub mod pass;
pub mod read;
pub mod totals;

pub use level::BudgetLevel;
pub use read::{resolve_sources, Encoding};
pub use totals::{LedgerScan, MonthlyTotal, Rejects};
