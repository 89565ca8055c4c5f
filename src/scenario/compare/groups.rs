//! Who gains by income group (分组): counties sorted by local revenue per head (人均地方
//!收入) in a base year and cut into five groups of about equal population, poorest first;
//! per group and year, the change of available resources against the reference, in total
//! and per resident. It shows whether a reform favours the richer counties.

use super::ComparisonRow;
use crate::error::{Error, Result};
use crate::money::round_div;
use crate::regions::RegionKind;
use crate::scenario::run::ScenarioResult;
use crate::settlement::SettlementRow;
use crate::split::Parts;
use std::collections::BTreeMap;

/// Number of income groups (quintiles of population).
pub const GROUPS: u32 = 5;

/// One income group in one year of a scenario against the reference.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GroupRow {
    /// Scenario compared.
    pub scenario: String,
    /// Fiscal year.
    pub year: i32,
    /// Group 1 (poorest) to 5 (richest).
    pub group: u32,
    /// Counties in the group.
    pub counties: u32,
    /// Their residents.
    pub population: u64,
    /// Σ change of their available resources, fen.
    pub delta_total: i64,
    /// `round(delta_total / population)` in fen; `None` for an empty group.
    pub delta_per_capita: Option<i64>,
    /// The year is projected.
    pub projected: bool,
}

/// The default year of the groups: the year before the first switch to province-direct
/// that differs between the scenario and the reference (the reform's last year under the
/// old regime); when their regimes agree, the year before the first compared year.
pub fn default_groups_year(reference: &ScenarioResult, s: &ScenarioResult) -> i32 {
    let first_switch = s
        .regions
        .all()
        .iter()
        .filter(|c| c.kind == RegionKind::County)
        .filter_map(|c| {
            let theirs = reference.regions.get(&c.code)?.direct_since;
            (theirs != c.direct_since).then_some([theirs, c.direct_since])
        })
        .flatten()
        .flatten()
        .min();
    match first_switch {
        Some(ym) => ym.year - 1,
        None => s.scenario.years.iter().min().copied().unwrap_or_default() - 1,
    }
}

/// Each county's group (1–5) from its local revenue (`collected − to_central`) per head in
/// `year` under the reference. Counties with residents are sorted by that figure (exactly,
/// ties by code) and each goes to the group holding the middle of its population on the
/// cumulative scale: `⌊5 × (residents before it + its residents / 2) / all residents⌋ + 1`.
pub fn county_groups(reference: &ScenarioResult, year: i32) -> Result<BTreeMap<String, u32>> {
    let local = local_by_region(reference, year);
    if local.is_empty() {
        let years: Vec<i32> = reference.shares.iter().map(|s| s.key.year).collect();
        let (first, last) = (years.iter().min(), years.iter().max());
        return Err(Error::Usage(format!(
            "--groups-year `{year}`: the ledgers of {} hold no revenue that year (they hold {}–{}); \
             income groups need a year with receipts",
            reference.scenario.name,
            first.copied().unwrap_or_default(),
            last.copied().unwrap_or_default()
        )));
    }
    let mut counties: Vec<(&str, i64, u64)> = reference
        .regions
        .all()
        .iter()
        .filter(|r| r.kind == RegionKind::County && r.population > 0)
        .map(|r| {
            let l = local.get(r.code.as_str()).copied().unwrap_or(0);
            (r.code.as_str(), l, r.population)
        })
        .collect();
    counties.sort_by(|a, b| {
        (a.1 as i128 * b.2 as i128)
            .cmp(&(b.1 as i128 * a.2 as i128))
            .then(a.0.cmp(b.0))
    });
    let all: u128 = counties.iter().map(|c| c.2 as u128).sum();
    let mut before = 0u128;
    let mut out = BTreeMap::new();
    for (code, _, pop) in counties {
        let mid2 = 2 * before + pop as u128; // twice the middle of its population
        let g = (GROUPS as u128 * mid2 / (2 * all)) as u32 + 1;
        out.insert(code.to_string(), g.min(GROUPS));
        before += pop as u128;
    }
    Ok(out)
}

/// Each region's local revenue (`collected − to_central`) in `year`: from the year's
/// statements when the reference settles that year with some revenue (the statements'
/// parts are the item shares summed per region-year, 120 rows instead of every item
/// share), else from its item shares. Empty when the ledgers hold nothing that year.
fn local_by_region(reference: &ScenarioResult, year: i32) -> BTreeMap<&str, i64> {
    let settled: Vec<&SettlementRow> = reference
        .settlement
        .iter()
        .filter(|r| r.year == year)
        .collect();
    if settled.iter().any(|r| r.parts != Parts::default()) {
        return settled
            .into_iter()
            .map(|r| (r.region.as_str(), r.parts.local()))
            .collect();
    }
    let mut local: BTreeMap<&str, i64> = BTreeMap::new();
    for s in reference.shares.iter().filter(|s| s.key.year == year) {
        *local.entry(s.key.region.as_str()).or_default() += s.parts.local();
    }
    local
}

/// The change per income group and year, every group listed (an empty one with zeros).
pub fn income_groups(
    reference: &ScenarioResult,
    rows: &[ComparisonRow],
    year: i32,
) -> Result<Vec<GroupRow>> {
    let group_of = county_groups(reference, year)?;
    let mut out: BTreeMap<(&str, i32, u32), GroupRow> = BTreeMap::new();
    for r in rows {
        for g in 1..=GROUPS {
            out.entry((&r.scenario, r.year, g))
                .or_insert_with(|| GroupRow {
                    scenario: r.scenario.clone(),
                    year: r.year,
                    group: g,
                    counties: 0,
                    population: 0,
                    delta_total: 0,
                    delta_per_capita: None,
                    projected: r.projected,
                });
        }
        let Some(&g) = group_of.get(&r.region) else {
            continue;
        };
        if let Some(e) = out.get_mut(&(r.scenario.as_str(), r.year, g)) {
            e.counties += 1;
            e.population += r.population;
            e.delta_total += r.delta;
        }
    }
    Ok(out
        .into_values()
        .map(|mut g| {
            g.delta_per_capita = (g.population > 0)
                .then(|| round_div(g.delta_total as i128, g.population as i128) as i64);
            g
        })
        .collect())
}
