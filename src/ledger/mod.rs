//! Ledger stage: revenue ledgers (收入台账) in CSV or Parquet → rows judged one by one
//! ([`row::check_row`], the only judge) → monthly totals per region × item × budget level
//! and, for the exact split, the good receipts as compact (key, fen) records, plus every
//! rejected row — all from one streamed pass ([`pass`]).
//!
//! Rooms, in the order of the flow: [`read`] (files → batches; `gbk` decodes GBK), [`row`] (the judge),
//! `worker` (a batch through the judge into sums), `intern` (keys without text),
//! `vouchers` (hashes, repeats), `store` (the receipt spill), [`pass`] (the workers over
//! the files, the listing pass), `merge` (workers → totals), [`rejects`] (rejected rows,
//! quarantine), [`totals`] (the scanned ledger for the later stages).

pub mod columns;
mod gbk;
mod intern;
mod level;
mod merge;
pub mod pass;
pub mod read;
pub mod rejects;
pub mod row;
#[cfg(test)]
mod row_tests;
mod store;
pub mod totals;
mod vouchers;
mod worker;
mod xlsx;

pub use level::BudgetLevel;
pub use pass::{OnProgress, Progress};
pub use read::{resolve_sources, Encoding, ReadOptions};
pub use rejects::{Quarantined, RejectedRow, Rejects, SetAside};
pub use row::{ProblemKind, RowProblem};
pub(crate) use store::Chunk;
pub use store::ReceiptStore;
pub use totals::{LedgerScan, MonthlyTotal, ShareKey};
