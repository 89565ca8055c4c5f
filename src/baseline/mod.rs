//! Baseline stage: the transfer baseline (划转基数) of every county that becomes
//! province-direct — measured once from what its prefecture used to share (保存量), less
//! the prefecture's subsidies (市对县补助) — and the base due each year under an indexation.

mod compute;
mod indexation;

pub use crate::tables::FixedBase;
pub use compute::{
    check_base_years, compute_baselines, dues, effective_indexation, measure_base, BaselineInputs,
    BaselineRow, MeasuredBase, FROM_LEDGER, FROM_TABLE,
};
pub use indexation::{prorate, step, to_ppm, Indexation, YearFacts};
