//! Ledger stage: revenue ledgers (收入台账) in CSV or Parquet → checked rows → monthly
//! totals per region × item × budget level, or receipt-level frames for the exact split.

pub mod check;
pub mod columns;
mod level;
pub mod read;
pub mod totals;

pub use level::BudgetLevel;
pub use read::{resolve_sources, Encoding};
pub use totals::{LedgerScan, MonthlyTotal, Rejects};
