//! Synthetic revenue ledgers (合成收入台账) over a region table, for demonstrations, tests and
//! benchmarks: seeded, documented, and calibrated on the orders of magnitude of Henan's
//! budget (every figure is in [`params`]).
//!
//! Two generators share one model of the regions ([`model`]): each county and prefecture
//! proper gets an anchor-year local revenue, split into taxes and non-tax revenue, then into
//! *streams* of (item code, budget level) with an annual amount. The fit then scales regions
//! so that the published revenue figures of [`params::PUBLISHED`] and the province's
//! anchor-year figure hold (`fit.rs`); [`published`] measures them on a generated ledger.
//! - [`monthly`] writes monthly totals (one row per year × month × region × item × level),
//!   with growth, seasonality, the 2022 VAT refunds (留抵退税) and a few net-refund months;
//!   [`summarize`] measures what came out ([`Calibration`]).
//! - [`receipts`] writes receipt-level ledgers (one row per treasury receipt, 入库凭证) of
//!   any size, in bounded memory, as hive-partitioned Parquet (and CSV on request).
//!
//! Never emitted: a `shared` row whose item has no rule in force that month (e.g. business
//! tax 10103 after 2016-04, environmental tax 10121 before 2018), a `prefecture` row in a
//! prefecture proper or in a county without a prefecture, a `county` row in a prefecture,
//! a row of the province itself, a zero amount.
//!
//! Determinism: every random draw comes from a ChaCha8 generator seeded with
//! [`derive_seed`] from the user's seed and what is being drawn (region, year, part), so a
//! region-year does not depend on the other years asked for, and the thread count changes
//! nothing. Draws become amounts through `+ − × ÷ √` and explicit rounding only (no `exp`
//! or `ln`, whose last bit varies between math libraries), so the same seed gives the same
//! bytes on any platform. Amounts are integer fen (分) throughout.

mod calibration;
mod fit;
mod model;
mod monthly;
pub mod params;
mod parts;
mod receipts;

pub use calibration::{summarize, Calibration, YearFigures};
pub use fit::{published, PublishedCheck};
pub use monthly::{monthly, write_monthly_csv, MonthlyOptions};
pub use receipts::{
    receipts, ReceiptOptions, SynthReport, YearReport, PARTS_IN_FLIGHT, RECEIPTS_PER_PART,
};

use crate::ledger::BudgetLevel;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// One row of a synthetic monthly ledger: the total of a region's receipts of one item and
/// budget level (预算级次) in one month. Ordered by year, month, region, item, level.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct LedgerRow {
    /// Fiscal year (财政年度).
    pub fiscal_year: i32,
    /// Month 1–12.
    pub month: u32,
    /// Region where the revenue was collected (a county or a prefecture proper).
    pub region_code: String,
    /// Budget revenue item code (收入科目).
    pub item_code: String,
    /// Budget level: `shared` (共享收入) or fixed to one level.
    pub budget_level: BudgetLevel,
    /// Amount in fen; negative for a net refund (退库).
    pub amount: i64,
}

/// What a seed is drawn for; keeps the streams of different purposes apart.
#[derive(Clone, Copy, Debug)]
#[repr(u64)]
pub(crate) enum Purpose {
    /// Which regions get which extras.
    Structure = 1,
    /// One region's anchor revenue and item mix.
    Region = 2,
    /// One region's monthly totals of one year.
    Month = 3,
    /// The net-refund county-months of one year.
    RefundMonths = 4,
    /// One part file of receipts.
    Receipts = 5,
}

/// A 64-bit seed derived from the user's seed and a list of keys (SplitMix64 mixing), so
/// each region, year or part has its own independent generator.
pub fn derive_seed(seed: u64, keys: &[u64]) -> u64 {
    fn mix(mut z: u64) -> u64 {
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
    keys.iter()
        .fold(mix(seed.wrapping_add(0x9e37_79b9_7f4a_7c15)), |h, &k| {
            mix(h ^ mix(k.wrapping_add(0x9e37_79b9_7f4a_7c15)))
        })
}

/// The generator for one purpose and keys.
pub(crate) fn rng_for(seed: u64, purpose: Purpose, keys: &[u64]) -> ChaCha8Rng {
    let mut all = vec![purpose as u64];
    all.extend_from_slice(keys);
    ChaCha8Rng::seed_from_u64(derive_seed(seed, &all))
}

/// A random factor with mean 1 and standard deviation `sd`: the centred sum of four
/// uniforms (Irwin–Hall, close to normal), bounded within `1 ± 3.47·sd`, arithmetic only.
pub(crate) fn noise(rng: &mut impl Rng, sd: f64) -> f64 {
    let s: f64 = (0..4).map(|_| rng.random::<f64>()).sum();
    1.0 + sd * (s - 2.0) * 3f64.sqrt()
}

/// `fen × factor`, rounded half away from zero to a whole fen.
pub(crate) fn scale(fen: i64, factor: f64) -> i64 {
    (fen as f64 * factor).round() as i64
}

/// A region code as a number, for seeding (codes are 6 digits).
pub(crate) fn code_key(code: &str) -> u64 {
    code.bytes()
        .fold(0u64, |h, b| h.wrapping_mul(131).wrapping_add(b as u64))
}

#[cfg(test)]
mod receipts_tests;
#[cfg(test)]
mod tests;
