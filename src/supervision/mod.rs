//! Supervision stage (监督预警, the seed's 踩刹车 "brake" mechanism): takes one scenario's
//! results and gives the region-years a province should look at, as [`Warning`]s and as the
//! `warnings` output table. A warning is a prompt to check, never a change to any figure.
//!
//! Every rule has a stable name (the `rule` column). Only the scenario's settled years
//! (`scenario.years`) are flagged.
//!
//! | rule | fires when |
//! | --- | --- |
//! | `revenue_collapse` | a county's or prefecture's collected revenue (收入合计) falls by more than [`Thresholds::collapse`] (30 %) from the year before. The year before may be any ledger year, settled or not; a region that collected nothing (or a net refund) the year before is not compared. |
//! | `refunds_exceed_receipts` | refunds (退库) exceed receipts in an item-year of a region. Ledgers of monthly totals show only the net amount of each month, so the rule flags an item code (as in the ledger, all budget levels and months together) whose net collected over the year is negative. |
//! | `base_above_retained` | a county's base due that year (划转基数, the `baselines` due) is above the revenue it retained (本级收入). |
//! | `low_per_capita` | a county's available resources per resident (人均可用财力) are below [`Thresholds::low_per_capita`] (half) of the median of the province's counties that year. Counties with no population have no per-capita figure and are left out, also of the median. |
//! | `missing_months` | an actual (not projected) year in which a county or prefecture has receipts in some months but not in all 12. A region with no receipts at all that year is not flagged here (`revenue_collapse` sees it). |
//! | `subsidy_while_direct` | `subsidies.csv` has a row for a settled year in which the county is province-direct all twelve months: the subsidy is not paid (the base has replaced it). |
//! | `subsidy_spike_in_base` | a base year's subsidy of a measured base is more than [`SPIKE_FACTOR`] (3) × the mean of the county's other rows of `subsidies.csv`: a one-off subsidy the base nets out every year. Flagged once, in the county's first settled year with a base. |
//! | `quarantined_rows` | rows were set aside by `--quarantine`: one warning per fiscal year of the rows (the first settled year when a row's year cannot be read), region `""`, with each file's count, readable amount and unreadable amounts. |

mod rules;

use crate::money::Rate;
use crate::scenario::run::ScenarioResult;

/// Rule name: collected revenue fell sharply year on year (收入大幅下滑).
pub const REVENUE_COLLAPSE: &str = "revenue_collapse";
/// Rule name: an item's refunds exceed its receipts over the year (退库大于入库).
pub const REFUNDS_EXCEED_RECEIPTS: &str = "refunds_exceed_receipts";
/// Rule name: a county's base due is above its retained revenue (基数高于本级收入).
pub const BASE_ABOVE_RETAINED: &str = "base_above_retained";
/// Rule name: per-capita available resources far below the county median (人均财力偏低).
pub const LOW_PER_CAPITA: &str = "low_per_capita";
/// Rule name: some months of a year have no receipts (月份缺失).
pub const MISSING_MONTHS: &str = "missing_months";
/// Rule name: a subsidy row for a year the county is direct all year (直管后仍有补助).
pub const SUBSIDY_WHILE_DIRECT: &str = "subsidy_while_direct";
/// Rule name: a base year's subsidy far above the county's other years (基期补助异常).
pub const SUBSIDY_SPIKE_IN_BASE: &str = "subsidy_spike_in_base";
/// `subsidy_spike_in_base` fires above this multiple of the mean of the other years.
pub const SPIKE_FACTOR: i128 = 3;
/// Rule name: ledger rows were quarantined (隔离行).
pub const QUARANTINED_ROWS: &str = "quarantined_rows";

/// One supervision warning (预警): a region-year and the rule it trips, with the figures.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Warning {
    /// Scenario name.
    pub scenario: String,
    /// Fiscal year flagged.
    pub year: i32,
    /// Region code; empty for a warning about the whole run.
    pub region: String,
    /// Region name; empty with an empty code.
    pub region_name: String,
    /// Stable rule name, one of the constants of this module.
    pub rule: &'static str,
    /// What was seen, with the amounts in yuan.
    pub detail: String,
}

/// The thresholds of the rules that have one (预警阈值), as exact shares.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Thresholds {
    /// `revenue_collapse` fires on a fall of more than this share of last year's revenue.
    pub collapse: Rate,
    /// `low_per_capita` fires below this share of the county median.
    pub low_per_capita: Rate,
}

impl Default for Thresholds {
    /// A fall of more than 30 %; below half the median.
    fn default() -> Self {
        Thresholds {
            collapse: Rate::from_ppm(300_000).expect("below one"),
            low_per_capita: Rate::from_ppm(500_000).expect("below one"),
        }
    }
}

/// Every warning of a scenario's settled years with the default [`Thresholds`], sorted by
/// (year, region, rule, detail).
pub fn warnings(r: &ScenarioResult) -> Vec<Warning> {
    warnings_with(r, &Thresholds::default())
}

/// Every warning of a scenario's settled years with the given thresholds, sorted by
/// (year, region, rule, detail).
pub fn warnings_with(r: &ScenarioResult, t: &Thresholds) -> Vec<Warning> {
    let mut out = Vec::new();
    rules::revenue_collapse(r, t.collapse, &mut out);
    rules::refunds_exceed_receipts(r, &mut out);
    rules::base_above_retained(r, &mut out);
    rules::low_per_capita(r, t.low_per_capita, &mut out);
    rules::missing_months(r, &mut out);
    rules::subsidy_while_direct(r, &mut out);
    rules::subsidy_spike_in_base(r, &mut out);
    rules::quarantined_rows(r, &mut out);
    out.sort_by(|a, b| {
        (a.year, &a.region, a.rule, &a.detail).cmp(&(b.year, &b.region, b.rule, &b.detail))
    });
    out
}
