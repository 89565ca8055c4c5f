//! Split stage: every receipt divided to the fen between central, province, prefecture and
//! the collecting region. [`route`] picks the rates, [`Cascade::split`] does the arithmetic
//! for one amount (for every receipt of a receipt-level ledger, from the scan's receipt
//! store, and for monthly totals), and [`frame`] builds the same arithmetic as polars
//! expressions, for frames that carry rate columns.

mod cascade;
pub mod frame;
mod route;
pub mod shares;

pub use cascade::{Cascade, Parts};
pub use route::{key_problems, route, RouteProblem};
pub use shares::{split_monthly, split_receipts, Granularity, ShareRow};
