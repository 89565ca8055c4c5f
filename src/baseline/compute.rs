//! Computes each switched county's base (shared_base − subsidy_base = net_base) and its
//! due for every settled year, as a fold over the years from the switch.

use super::indexation::{prorate, step, Indexation, YearFacts};
use crate::error::{Error, Result};
use crate::money::round_div;
use crate::period::YearMonth;
use crate::regions::{Region, RegionTable};
use crate::split::Parts;
use crate::tables::{annual_subsidy, FixedBase};
use std::collections::BTreeMap;

/// Everything the baselines are computed from.
pub struct BaselineInputs<'a> {
    /// Regions with the scenario's switch dates.
    pub regions: &'a RegionTable,
    /// Sums of the split per (county, year), actual and projected.
    pub county_years: &'a BTreeMap<(String, i32), Parts>,
    /// Prefecture → county subsidies (市对县补助) per (county, year), fen.
    pub subsidies: &'a BTreeMap<(String, i32), i64>,
    /// Bases fixed before the ledgers, by county.
    pub fixed_bases: &'a BTreeMap<String, FixedBase>,
    /// The scenario's base years; `None` = the year before each county's switch.
    pub base_years: Option<&'a [i32]>,
    /// How the base evolves.
    pub indexation: Indexation,
    /// Years to report.
    pub years: &'a [i32],
}

/// One row of the `baselines` table: a county's base and its due in one year.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BaselineRow {
    /// County code.
    pub county: String,
    /// Fiscal year of the due.
    pub year: i32,
    /// Month of the switch to province-direct.
    pub direct_since: YearMonth,
    /// Base years averaged (empty when the base comes from `bases.csv`).
    pub base_years: Vec<i32>,
    /// Indexation name.
    pub method: String,
    /// round(mean of the prefecture's old-rule part of shared receipts) (划转基数, 收入部分).
    pub shared_base: i64,
    /// round(mean of subsidies paid to the county) (补助基数).
    pub subsidy_base: i64,
    /// shared_base − subsidy_base.
    pub net_base: i64,
    /// Due this year: positive = the county pays (体制上解), negative = it receives.
    pub due: i64,
    /// `ledger` (computed) or `bases.csv`.
    pub source: String,
}

/// Checks a list of base years: at least one, none twice (a mean over the years must not
/// weigh one double).
pub fn check_base_years(years: &[i32]) -> std::result::Result<(), String> {
    if years.is_empty() {
        return Err("needs at least one year".into());
    }
    if let Some(y) = years
        .iter()
        .enumerate()
        .find_map(|(i, y)| years[..i].contains(y).then_some(y))
    {
        return Err(format!("lists {y} twice"));
    }
    Ok(())
}

/// How a county's transfer baseline (划转基数) was measured, before any due.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MeasuredBase {
    /// Base years averaged (empty when the base comes from `bases.csv`).
    pub base_years: Vec<i32>,
    /// round(mean of the prefecture's old-rule part of shared receipts).
    pub shared_base: i64,
    /// round(mean of subsidies paid to the county) (补助基数).
    pub subsidy_base: i64,
    /// `ledger` (computed) or `bases.csv`.
    pub source: &'static str,
}

impl MeasuredBase {
    /// shared_base − subsidy_base (净划转基数).
    pub fn net(&self) -> i64 {
        self.shared_base - self.subsidy_base
    }

    /// The indexation this base follows under a scenario's `ix`: a base fixed in
    /// `bases.csv` stays fixed whatever the scenario says (a what-if on one cohort must not
    /// re-index the pilots' bases or rewrite settled years); a measured base follows `ix`.
    pub fn indexation(&self, ix: Indexation) -> Indexation {
        effective_indexation(self.source, ix)
    }
}

/// The indexation a base with this `source` follows under a scenario's `ix`: `fixed` for a
/// base from `bases.csv` (spec 2: a fixed base keeps its amount), `ix` for a measured one.
pub fn effective_indexation(source: &str, ix: Indexation) -> Indexation {
    if source == FROM_TABLE {
        Indexation::Fixed
    } else {
        ix
    }
}

/// `source` of a base fixed in `bases.csv`.
pub const FROM_TABLE: &str = "bases.csv";
/// `source` of a base measured from the ledgers.
pub const FROM_LEDGER: &str = "ledger";

/// Measures the base of `county`, switched at `switch`: from `bases.csv` when it holds
/// from the switch year, else the mean over the base years (default: the year before the
/// switch) of the prefecture's old-rule part (`part(year)`) less the subsidies
/// (`subsidy(year)`). A base year without figures is an error naming the county.
pub fn measure_base(
    county: &Region,
    switch: YearMonth,
    part: impl Fn(i32) -> Option<Parts>,
    subsidy: impl Fn(i32) -> i64,
    fixed: Option<&FixedBase>,
    base_years: Option<&[i32]>,
) -> Result<MeasuredBase> {
    if let Some(fb) = fixed.filter(|fb| fb.from_year == switch.year) {
        return Ok(MeasuredBase {
            base_years: vec![],
            shared_base: fb.base,
            subsidy_base: 0,
            source: FROM_TABLE,
        });
    }
    let years: Vec<i32> = base_years
        .map(<[i32]>::to_vec)
        .unwrap_or_else(|| vec![switch.year - 1]);
    let mut s = 0i128;
    let mut b = 0i128;
    for &by in &years {
        let p = part(by).ok_or_else(|| {
            Error::Input(format!(
                "county {} ({}): base year {by} is not in the ledgers (switch {switch}); to \
                 settle without the base years' ledgers, name the carry_forward/bases.csv \
                 of the run that measured the base as the scenario's `bases`",
                county.code, county.name
            ))
        })?;
        s += p.prefecture_if_managed as i128;
        b += subsidy(by) as i128;
    }
    let n = years.len().max(1) as i128;
    Ok(MeasuredBase {
        base_years: years,
        shared_base: round_div(s, n) as i64,
        subsidy_base: round_div(b, n) as i64,
        source: FROM_LEDGER,
    })
}

/// The dues of a base from the switch year to `last`, in order, as `(year, due)`: the
/// indexation's step year after year from the net base (an `increment_share` from the
/// switch year itself), the switch year prorated. A base fixed in `bases.csv` stays fixed
/// ([`MeasuredBase::indexation`]).
pub fn dues(
    ix: Indexation,
    base: &MeasuredBase,
    switch: YearMonth,
    last: i32,
    part: impl Fn(i32) -> Option<Parts>,
    mut each: impl FnMut(i32, i64),
) {
    let ix = base.indexation(ix);
    let (net_base, y0) = (base.net(), switch.year);
    let mut due = net_base;
    for y in y0..=last {
        if y > y0 || ix.applies_in_switch_year() {
            let facts = YearFacts {
                local: part(y).map(|p| p.local()),
                local_before: part(y - 1).map(|p| p.local()),
                old_share: part(y).map(|p| p.prefecture_if_managed),
            };
            due = step(ix, net_base, base.shared_base, y0, y, due, facts);
        }
        each(
            y,
            if y == y0 {
                prorate(due, switch.month)
            } else {
                due
            },
        );
    }
}

/// Computes the baselines of every county with a prefecture that is province-direct by the
/// last year reported.
pub fn compute_baselines(inp: &BaselineInputs) -> Result<Vec<BaselineRow>> {
    let Some(&last) = inp.years.iter().max() else {
        return Ok(vec![]);
    };
    let mut rows = Vec::new();
    for county in inp.regions.all() {
        let (Some(switch), Some(_)) = (county.direct_since, inp.regions.prefecture_of(county))
        else {
            continue;
        };
        if switch.year > last {
            continue;
        }
        // the county's sums by year, read once from the region-year sums
        let by_year: Vec<(i32, Parts)> = inp
            .county_years
            .range((county.code.clone(), i32::MIN)..=(county.code.clone(), i32::MAX))
            .map(|((_, y), p)| (*y, *p))
            .collect();
        let part = |y: i32| {
            by_year
                .binary_search_by_key(&y, |(year, _)| *year)
                .ok()
                .map(|i| by_year[i].1)
        };
        let base = measure_base(
            county,
            switch,
            part,
            |y| annual_subsidy(inp.subsidies, &county.code, y),
            inp.fixed_bases.get(&county.code),
            inp.base_years,
        )?;
        dues(inp.indexation, &base, switch, last, part, |year, due| {
            if inp.years.contains(&year) {
                rows.push(BaselineRow {
                    county: county.code.clone(),
                    year,
                    direct_since: switch,
                    base_years: base.base_years.clone(),
                    method: base.indexation(inp.indexation).method(),
                    shared_base: base.shared_base,
                    subsidy_base: base.subsidy_base,
                    net_base: base.net(),
                    due,
                    source: base.source.to_string(),
                });
            }
        });
    }
    rows.sort_by(|a, b| (&a.county, a.year).cmp(&(&b.county, b.year)));
    Ok(rows)
}
