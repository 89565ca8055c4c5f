//! Split stage: every receipt divided to the fen between central, province, prefecture and
//! the collecting region. [`route`] picks the rates, [`Cascade::split`] does the arithmetic
//! for one amount, and [`frame`] builds the same arithmetic as polars expressions for
//! receipt-level ledgers.

mod cascade;
pub mod frame;
mod route;
pub mod shares;

pub use cascade::{Cascade, Parts};
pub use route::{route, RouteProblem};
pub use shares::{split_monthly, split_receipts, Granularity, ShareRow};
