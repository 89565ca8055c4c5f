//! How much of a new yuan a county keeps (边际留成): for every county, settled year and
//! rulebook item, the fen of one more yuan of that item's shared receipts, spread evenly
//! over the year's twelve months, that end in the county's available resources that year
//! under the scenario — the split of each month (the cascade [`crate::split::route`] picks,
//! the one reader of the rulebook, applied to a probe amount) less the change it causes in
//! that year's base due (the base's indexation). Derived per indexation in the README
//! ("Comparing scenarios: the analyst's figures"); `tests/analyst/marginal.rs` checks each
//! case by adding receipts and settling again.

use crate::baseline::{
    dues, effective_indexation, Indexation, MeasuredBase, FROM_LEDGER, FROM_TABLE,
};
use crate::ledger::BudgetLevel;
use crate::money::PPM;
use crate::period::YearMonth;
use crate::regions::RegionKind;
use crate::scenario::run::ScenarioResult;
use crate::settlement::region_years;
use crate::split::{route, Parts};
use std::collections::BTreeMap;

/// One county, year and item of a scenario.
#[derive(Clone, Debug, PartialEq)]
pub struct RetentionRow {
    /// Scenario.
    pub scenario: String,
    /// Fiscal year.
    pub year: i32,
    /// County code.
    pub region: String,
    /// Rulebook item code.
    pub item: String,
    /// Share of one more yuan of the item's shared receipts (spread over the year's
    /// months) that raises the county's available resources that year.
    pub marginal: f64,
    /// The year is projected.
    pub projected: bool,
}

/// What a county's base due in a year responds to.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct DueFacts {
    /// The county has a base due this year (its switch year or later).
    pub has_due: bool,
    /// The year is the county's switch year.
    pub switch_year: bool,
    /// The share of the switch year's due that is settled, `(13 − M0) / 12` (1 after it).
    pub prorated: f64,
    /// County local revenue (`collected − to_central`) this year, fen.
    pub local: i64,
    /// The same the year before, if the ledgers (or the projection) have it.
    pub local_before: Option<i64>,
    /// The prefecture's old-rule part of the county's shared receipts this year (`S_y`).
    pub old_share: i64,
    /// The base's old-rule part (`shared_base`).
    pub shared_base: i64,
    /// Last year's due before any proration, fen.
    pub due_before: i64,
}

/// How this year's due moves with one more yuan of the county's local revenue and one more
/// yuan of the prefecture's old-rule part, `(∂due/∂L_y, ∂due/∂S_y)`, on the side of an
/// added receipt: the one-sided derivative of [`crate::baseline::step`].
/// - `fixed`, `rate`, `phase_out_years`: the due does not depend on this year's revenue: 0.
/// - `increment_share = s`: `due = net_base + round(s × max(0, S_y − shared_base))`, from
///   the switch year on (spec 2): `s` per yuan of `S_y` once `S_y ≥ shared_base`, else 0;
///   in the switch year times the prorated share `(13 − M0) / 12`.
/// - `revenue_coefficient = k`: `due = round(due_{y−1} × (1 + k × (L_y − L_{y−1}) / L_{y−1}))`
///   while `L_y ≥ L_{y−1} > 0`: `k × due_{y−1} / L_{y−1}` per yuan of `L_y`, else 0.
///
/// Every other method's switch-year due is the net base (prorated), whatever the year's
/// revenue: 0. `ix` is the indexation the base follows (a `bases.csv` base: `fixed`).
pub fn due_slope(ix: Indexation, f: DueFacts) -> (f64, f64) {
    if !f.has_due {
        return (0.0, 0.0);
    }
    let ppm = |v: i64| v as f64 / PPM as f64;
    // every method named: a new indexation must say how its due moves
    match ix {
        Indexation::Fixed | Indexation::Rate(_) | Indexation::PhaseOut(_) => (0.0, 0.0),
        Indexation::IncrementShare(s) if f.old_share >= f.shared_base => (0.0, ppm(s) * f.prorated),
        Indexation::IncrementShare(_) => (0.0, 0.0),
        Indexation::RevenueCoefficient(_) if f.switch_year => (0.0, 0.0),
        Indexation::RevenueCoefficient(k) => match f.local_before {
            Some(before) if before > 0 && f.local >= before => {
                (ppm(k) * f.due_before as f64 / before as f64, 0.0)
            }
            _ => (0.0, 0.0),
        },
    }
}

/// The amount split to read the cascade's parts per yuan: 10¹⁰ yuan, so that the split's
/// rounding (half a fen) moves them by less than 10⁻¹².
const PROBE_FEN: i64 = 1_000_000_000_000;

/// Every county's unprorated base dues by year (`dues` with a January switch, so that the
/// switch year shows the value later years chain from).
fn unprorated_dues(
    res: &ScenarioResult,
    sums: &BTreeMap<(String, i32), Parts>,
    last: i32,
) -> BTreeMap<(String, i32), i64> {
    let mut out = BTreeMap::new();
    let mut seen = std::collections::BTreeSet::new();
    for b in &res.baselines {
        if !seen.insert(b.county.clone()) {
            continue;
        }
        let base = MeasuredBase {
            base_years: b.base_years.clone(),
            shared_base: b.shared_base,
            subsidy_base: b.subsidy_base,
            source: if b.source == FROM_TABLE {
                FROM_TABLE
            } else {
                FROM_LEDGER
            },
        };
        let january = YearMonth {
            year: b.direct_since.year,
            month: 1,
        };
        let part = |y: i32| sums.get(&(b.county.clone(), y)).copied();
        dues(
            res.scenario.indexation,
            &base,
            january,
            last,
            part,
            |y, d| {
                out.insert((b.county.clone(), y), d);
            },
        );
    }
    out
}

/// The marginal retention of every county, settled year and rulebook item of `res`; an
/// item-year with a month without a rule in force is left out. Sorted by year, county, item.
pub fn marginal_retention(res: &ScenarioResult) -> Vec<RetentionRow> {
    marginal_retention_in(res, &region_years(&res.shares).0, &res.scenario.years)
}

/// [`marginal_retention`] in `years` only, from `sums`, the scenario's region-year sums of
/// item shares (what a what-if evaluation holds instead of every item share).
pub fn marginal_retention_in(
    res: &ScenarioResult,
    sums: &BTreeMap<(String, i32), Parts>,
    years: &[i32],
) -> Vec<RetentionRow> {
    let last = res.scenario.years.iter().max().copied().unwrap_or_default();
    let due_before = unprorated_dues(res, sums, last);
    let base: BTreeMap<(&str, i32), &crate::baseline::BaselineRow> = res
        .baselines
        .iter()
        .map(|b| ((b.county.as_str(), b.year), b))
        .collect();
    let mut out = Vec::new();
    let mut years: Vec<i32> = years
        .iter()
        .copied()
        .filter(|y| res.scenario.years.contains(y))
        .collect();
    years.sort_unstable();
    years.dedup();
    for &y in &years {
        let projected = res.settlement.iter().any(|s| s.year == y && s.projected);
        for c in res
            .regions
            .all()
            .iter()
            .filter(|r| r.kind == RegionKind::County)
        {
            let parts = |y: i32| sums.get(&(c.code.clone(), y)).copied();
            let this = parts(y).unwrap_or_default();
            let facts = match base.get(&(c.code.as_str(), y)) {
                Some(b) => DueFacts {
                    has_due: true,
                    switch_year: y == b.direct_since.year,
                    prorated: if y == b.direct_since.year {
                        f64::from(13 - b.direct_since.month) / 12.0
                    } else {
                        1.0
                    },
                    local: this.local(),
                    local_before: parts(y - 1).map(|p: Parts| p.local()),
                    old_share: this.prefecture_if_managed,
                    shared_base: b.shared_base,
                    due_before: due_before
                        .get(&(c.code.clone(), y - 1))
                        .copied()
                        .unwrap_or(b.net_base),
                },
                _ => DueFacts::default(),
            };
            let ix = base
                .get(&(c.code.as_str(), y))
                .map_or(res.scenario.indexation, |b| {
                    effective_indexation(&b.source, res.scenario.indexation)
                });
            let (per_local, per_old) = due_slope(ix, facts);
            for item in res.rules.items() {
                let mut sum = 0.0;
                let mut every_month = true;
                for m in 1..=12 {
                    let ym = YearMonth { year: y, month: m };
                    let Ok(k) = route(
                        &res.regions,
                        &res.rules,
                        &c.code,
                        &item.code,
                        BudgetLevel::Shared,
                        ym,
                    ) else {
                        every_month = false;
                        break;
                    };
                    // the split itself on a probe: its parts per yuan, exact to 10⁻¹²
                    let p = k.split(PROBE_FEN);
                    let per = |fen: i64| fen as f64 / PROBE_FEN as f64;
                    sum += per(p.retained)
                        - per_local * per(p.local())
                        - per_old * per(p.prefecture_if_managed);
                }
                if every_month {
                    out.push(RetentionRow {
                        scenario: res.scenario.name.clone(),
                        year: y,
                        region: c.code.clone(),
                        item: item.code.clone(),
                        marginal: sum / 12.0,
                        projected,
                    });
                }
            }
        }
    }
    out
}
