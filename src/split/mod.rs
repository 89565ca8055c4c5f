//! Split stage: every receipt divided to the fen between central, province, prefecture and
//! the collecting region. [`route`] picks the rates, [`Cascade::split`] does the arithmetic
//! for one amount (for every receipt of a receipt-level ledger, from the scan's receipt
//! store, and for monthly totals). [`key_problems`] names the keys of a scanned ledger
//! that cannot be routed.

mod cascade;
mod route;
pub mod shares;

pub use cascade::{Cascade, Parts};
pub use route::{key_problems, route, shared_cascade, shared_route, Below, RouteProblem};
pub use shares::{split_monthly, split_receipts, Granularity, ShareRow};
