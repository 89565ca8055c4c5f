//! Comparison (情景比较): each scenario's available resources against a reference, region
//! by region and year by year, with winners, losers, totals of the change by kind and the
//! gaps between regions ([`spread`]); then the analyst's figures built on those rows: the
//! cost by prefecture ([`prefectures`]), the change by income group ([`groups`]), the
//! change summed and discounted over the years ([`totals`]) and how much of a new yuan a
//! county keeps ([`retention`]). [`analyse`] computes them all for one scenario.

pub mod groups;
pub mod prefectures;
pub mod retention;
pub mod spread;
pub mod totals;

pub use groups::{default_groups_year, GroupRow};
pub use prefectures::PrefectureRow;
pub use retention::{marginal_retention, marginal_retention_in, RetentionRow};
pub use spread::{
    county_per_capita, spread, spread_member, statements_inequality, weighted_inequality,
    Inequality, Spread,
};
pub use totals::TotalRow;

use super::run::ScenarioResult;
use crate::error::Result;
use crate::regions::RegionKind;
use crate::settlement::{per_capita, ProvinceRow, SettlementRow};
use rust_decimal::Decimal;
use rustc_hash::FxHashMap;
use std::collections::BTreeMap;

/// One region-year of a scenario against the reference.
#[derive(Clone, Debug, PartialEq)]
pub struct ComparisonRow {
    /// Scenario compared.
    pub scenario: String,
    /// Fiscal year.
    pub year: i32,
    /// Region code.
    pub region: String,
    /// Prefecture or county.
    pub kind: RegionKind,
    /// The county's prefecture, or the prefecture itself; empty for a county with none.
    pub prefecture_code: String,
    /// Residents (常住人口).
    pub population: u64,
    /// Available resources under the reference, fen.
    pub available_reference: i64,
    /// Available resources under the scenario, fen.
    pub available: i64,
    /// `available − available_reference`.
    pub delta: i64,
    /// `delta / |available_reference|`; `None` when the reference is 0.
    pub delta_pct: Option<f64>,
    /// 人均增减: `round(delta / population)` in fen; `None` without residents.
    pub delta_per_capita: Option<i64>,
    /// [`retention`] of the county's local revenue under the reference; `None` for a
    /// prefecture or when its local revenue is ≤ 0.
    pub retention_reference: Option<f64>,
    /// The same under the scenario.
    pub retention: Option<f64>,
    /// [`retention_with_subsidy`] under the reference.
    pub retention_with_subsidy_reference: Option<f64>,
    /// The same under the scenario.
    pub retention_with_subsidy: Option<f64>,
    /// The year is projected.
    pub projected: bool,
}

/// [`retention`] with the prefecture's subsidy (市对县补助) counted as the county keeps it:
/// `(retained − base_paid + base_received + subsidy_received − subsidy_paid) /
/// (collected − to_central)`. Since spec 2 nets the subsidy into the base, this is the
/// share to compare across regimes: without it a county whose base is negative because of
/// its subsidy shows a retention above 1 after the switch while it keeps no more.
pub fn retention_with_subsidy(row: &SettlementRow) -> Option<f64> {
    let local = row.parts.local();
    (row.kind == RegionKind::County && local > 0).then(|| {
        (row.parts.retained - row.base_paid + row.base_received + row.subsidy_received
            - row.subsidy_paid) as f64
            / local as f64
    })
}

/// 留成率: the share of a county's local revenue (`collected − to_central`) that stays with
/// it after the province's and prefecture's parts and the regime base,
/// `(retained − base_paid + base_received) / (collected − to_central)`; `None` for a
/// prefecture or when the denominator is ≤ 0.
pub fn retention(row: &SettlementRow) -> Option<f64> {
    let local = row.parts.local();
    (row.kind == RegionKind::County && local > 0)
        .then(|| (row.parts.retained - row.base_paid + row.base_received) as f64 / local as f64)
}

/// One scenario-year summary.
#[derive(Clone, Debug, PartialEq)]
pub struct SummaryRow {
    /// Scenario compared.
    pub scenario: String,
    /// Fiscal year.
    pub year: i32,
    /// Counties that gain.
    pub winners: u32,
    /// Counties that lose.
    pub losers: u32,
    /// Σ delta of counties, fen.
    pub delta_counties: i64,
    /// Σ delta of prefectures, fen.
    pub delta_prefectures: i64,
    /// Δ of the province's own revenue (to_province), fen.
    pub delta_province: i64,
    /// County spread under the reference.
    pub reference: Spread,
    /// County spread under the scenario.
    pub spread: Spread,
    /// Population-weighted inequality over every unit that settles, under the reference.
    pub weighted_reference: Inequality,
    /// The same under the scenario.
    pub weighted: Inequality,
    /// The year is projected.
    pub projected: bool,
}

impl SummaryRow {
    /// A year's summary before any region is tallied and its spreads are measured.
    pub fn start(scenario: &str, year: i32, delta_province: i64, projected: bool) -> SummaryRow {
        SummaryRow {
            scenario: scenario.to_string(),
            year,
            winners: 0,
            losers: 0,
            delta_counties: 0,
            delta_prefectures: 0,
            delta_province,
            reference: Spread::default(),
            spread: Spread::default(),
            weighted_reference: Inequality::default(),
            weighted: Inequality::default(),
            projected,
        }
    }

    /// Counts one region's change of available resources into the year's tallies: a county
    /// that gains is a winner, one that loses a loser, and the change adds to its kind's
    /// total. The comparison and the sweep's summary both count here.
    pub fn tally(&mut self, kind: RegionKind, delta: i64) {
        match kind {
            RegionKind::County => {
                self.winners += u32::from(delta > 0);
                self.losers += u32::from(delta < 0);
                self.delta_counties += delta;
            }
            RegionKind::Prefecture => self.delta_prefectures += delta,
            RegionKind::Province => {}
        }
    }
}

/// Compares `s` with `reference` over the years both settle.
pub fn compare(
    reference: &ScenarioResult,
    s: &ScenarioResult,
) -> (Vec<ComparisonRow>, Vec<SummaryRow>) {
    compare_statements(reference, &s.scenario.name, &s.settlement, &s.province)
}

/// One comparison row from a scenario's statement and the reference's.
fn comparison_row(name: &str, r: &SettlementRow, base: &SettlementRow) -> ComparisonRow {
    let delta = available_delta(r, base.available);
    ComparisonRow {
        scenario: name.to_string(),
        year: r.year,
        region: r.region.clone(),
        kind: r.kind,
        prefecture_code: r.prefecture_code.clone(),
        population: r.population,
        available_reference: base.available,
        available: r.available,
        delta,
        delta_pct: (base.available != 0).then(|| delta as f64 / base.available.abs() as f64),
        delta_per_capita: per_capita(delta, r.population),
        retention_reference: retention(base),
        retention: retention(r),
        retention_with_subsidy_reference: retention_with_subsidy(base),
        retention_with_subsidy: retention_with_subsidy(r),
        projected: r.projected,
    }
}

/// A region-year's gain (positive) or loss of available resources (可用财力) against the
/// reference: what makes a winner or a loser.
fn available_delta(r: &SettlementRow, reference_available: i64) -> i64 {
    r.available - reference_available
}

/// Each statement of `settlement` beside the reference's of the same region and year
/// (statements the reference lacks are left out).
fn matched<'a>(
    reference: &'a ScenarioResult,
    settlement: &'a [SettlementRow],
) -> impl Iterator<Item = (&'a SettlementRow, &'a SettlementRow)> {
    let refs: rustc_hash::FxHashMap<(i32, &str), &SettlementRow> = reference
        .settlement
        .iter()
        .map(|r| ((r.year, r.region.as_str()), r))
        .collect();
    settlement
        .iter()
        .filter_map(move |r| Some((r, *refs.get(&(r.year, r.region.as_str()))?)))
}

/// Compares the statements of a scenario called `name` with `reference`.
pub fn compare_statements(
    reference: &ScenarioResult,
    name: &str,
    settlement: &[SettlementRow],
    province: &[ProvinceRow],
) -> (Vec<ComparisonRow>, Vec<SummaryRow>) {
    let pairs: Vec<(&SettlementRow, &SettlementRow)> = matched(reference, settlement).collect();
    let rows: Vec<ComparisonRow> = pairs
        .iter()
        .map(|(r, base)| comparison_row(name, r, base))
        .collect();
    let beside = pairs.iter().map(|(r, base)| (*r, base.available));
    let summary = summarize(
        &reference_years(reference),
        name,
        settlement,
        province,
        beside,
    );
    (rows, summary)
}

/// A reference run's side of the summary (比较基准), worked out once for comparing many
/// scenarios with it (the server's answers, the sweep's points): per year the province's
/// revenue, the county spread and the weighted inequality, and each statement's available
/// resources by region and year.
#[derive(Clone, Debug)]
pub struct ReferenceSide {
    years: BTreeMap<i32, ReferenceYear>,
    /// 可用财力 of each statement, by region code and year.
    available: FxHashMap<String, FxHashMap<i32, i64>>,
}

/// The reference's figures of one year.
#[derive(Clone, Copy, Debug)]
struct ReferenceYear {
    to_province: i64,
    spread: Spread,
    weighted: Inequality,
}

impl ReferenceSide {
    /// The summary's side of `reference`.
    pub fn of(reference: &ScenarioResult) -> ReferenceSide {
        let mut available: FxHashMap<String, FxHashMap<i32, i64>> = FxHashMap::default();
        for r in &reference.settlement {
            available
                .entry(r.region.clone())
                .or_default()
                .insert(r.year, r.available);
        }
        ReferenceSide {
            years: reference_years(reference),
            available,
        }
    }
}

/// The reference's own figures of each year it settles.
fn reference_years(reference: &ScenarioResult) -> BTreeMap<i32, ReferenceYear> {
    by_year(&reference.settlement, &reference.province)
        .map(|(p, rows)| {
            let side = ReferenceYear {
                to_province: p.to_province,
                spread: spread(&county_per_capita(rows, p.year)),
                weighted: statements_inequality(rows, p.year),
            };
            (p.year, side)
        })
        .collect()
}

/// Each province row with the statements of its year: the year's run of `settlement` when
/// the statements come year by year (as the settlement writes them), else all of them
/// (the measures read only the year's rows).
fn by_year<'a>(
    settlement: &'a [SettlementRow],
    province: &'a [ProvinceRow],
) -> impl Iterator<Item = (&'a ProvinceRow, &'a [SettlementRow])> {
    let in_order = settlement.is_sorted_by_key(|r| r.year);
    province.iter().map(move |p| {
        let rows = if in_order {
            let from = settlement.partition_point(|r| r.year < p.year);
            let to = settlement.partition_point(|r| r.year <= p.year);
            &settlement[from..to]
        } else {
            settlement
        };
        (p, rows)
    })
}

/// The per-year summary of [`compare_statements`] alone (winners, losers, the province's
/// change, the spread and the weighted inequality), without a comparison row per
/// region-year: what the server's answers and the sweep's points keep.
pub fn compare_summary(
    reference: &ReferenceSide,
    name: &str,
    settlement: &[SettlementRow],
    province: &[ProvinceRow],
) -> Vec<SummaryRow> {
    let beside = settlement.iter().filter_map(|r| {
        let years = reference.available.get(r.region.as_str())?;
        Some((r, *years.get(&r.year)?))
    });
    summarize(&reference.years, name, settlement, province, beside)
}

/// The summary of a scenario's statements against the reference's figures of each year
/// and each statement's reference available resources (`beside`: statements the
/// reference lacks are left out).
fn summarize<'a>(
    reference: &BTreeMap<i32, ReferenceYear>,
    name: &str,
    settlement: &[SettlementRow],
    province: &[ProvinceRow],
    beside: impl IntoIterator<Item = (&'a SettlementRow, i64)>,
) -> Vec<SummaryRow> {
    let mut summary: Vec<SummaryRow> = Vec::new();
    for (p, rows) in by_year(settlement, province) {
        let Some(rp) = reference.get(&p.year) else {
            continue;
        };
        let mut row = SummaryRow::start(name, p.year, p.to_province - rp.to_province, p.projected);
        row.reference = rp.spread;
        row.spread = spread(&county_per_capita(rows, p.year));
        row.weighted_reference = rp.weighted;
        row.weighted = statements_inequality(rows, p.year);
        summary.push(row);
    }
    for (r, base) in beside {
        if let Some(row) = summary.iter_mut().find(|s| s.year == r.year) {
            row.tally(r.kind, available_delta(r, base));
        }
    }
    summary
}

/// The analyst's choices for [`analyse`].
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct AnalysisOptions {
    /// Year whose local revenue per head sorts counties into income groups; `None` = the
    /// year before the first switch that differs from the reference
    /// ([`default_groups_year`]).
    pub groups_year: Option<i32>,
    /// Yearly discount rate of `delta_present_value` (贴现率), e.g. 0.03.
    pub discount: Decimal,
}

impl Default for AnalysisOptions {
    fn default() -> Self {
        AnalysisOptions {
            groups_year: None,
            discount: Decimal::new(3, 2),
        }
    }
}

/// Every comparison figure of one scenario against the reference.
#[derive(Clone, Debug, PartialEq)]
pub struct Analysis {
    /// The reference scenario's name.
    pub reference: String,
    /// The compared scenario's name.
    pub scenario: String,
    /// `comparison`: region-years.
    pub rows: Vec<ComparisonRow>,
    /// `comparison_summary`: years.
    pub summary: Vec<SummaryRow>,
    /// `comparison_prefectures`: prefecture-years.
    pub prefectures: Vec<PrefectureRow>,
    /// `comparison_groups`: income group-years.
    pub groups: Vec<GroupRow>,
    /// The year the income groups were formed on.
    pub groups_year: i32,
    /// `comparison_totals`: regions, over the compared years.
    pub totals: Vec<TotalRow>,
    /// The discount rate of the totals.
    pub discount: Decimal,
}

/// Compares `s` with `reference` and computes every figure built on the comparison.
/// Fails when the income groups' year has no ledger revenue.
pub fn analyse(
    reference: &ScenarioResult,
    s: &ScenarioResult,
    opts: AnalysisOptions,
) -> Result<Analysis> {
    let (rows, summary) = compare(reference, s);
    let groups_year = match opts.groups_year {
        Some(y) => y,
        None => default_groups_year(reference, s),
    };
    let groups = groups::income_groups(reference, &rows, groups_year)?;
    Ok(Analysis {
        reference: reference.scenario.name.clone(),
        scenario: s.scenario.name.clone(),
        prefectures: prefectures::by_prefecture(&rows),
        totals: totals::totals(&rows, opts.discount),
        groups,
        groups_year,
        discount: opts.discount,
        rows,
        summary,
    })
}
