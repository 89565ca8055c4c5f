//! A sweep point's comparison summary (情景比较摘要) computed straight from its flat
//! region-year sums: the base dues ([`measure_base`], [`dues`]), each region's available
//! resources (可用财力) from the settlement's dense kernel ([`year_flows`]) and, per year,
//! the winners, losers and totals of the change ([`SummaryRow::tally`]), the county spread
//! ([`spread_member`], [`spread`]) and the population-weighted inequality over every unit
//! that settles. Every rule is the full run's own function, called on denser data; what
//! is the sweep's alone is the layout of its arrays and its conservation check.
//! `tests/sweep.rs` still checks both paths agree on every point.

use super::dense::{DenseSums, Layout};
use crate::baseline::{dues, measure_base, FixedBase};
use crate::error::{Error, Result};
use crate::period::YearMonth;
use crate::regions::RegionKind;
use crate::scenario::compare::{
    county_per_capita, spread, spread_member, statements_inequality, weighted_inequality,
    Inequality, Spread, SummaryRow,
};
use crate::scenario::run::ScenarioResult;
use crate::scenario::Scenario;
use crate::settlement::kernel::{year_flows, Own, Unit};
use crate::settlement::{input_amount, per_capita, subsidy_for_months};
use crate::tables::SettlementTables;
use crate::tables::{annual_subsidy, region_rows, AmountTable};
use std::collections::BTreeSet;

/// A county that owes or receives a transfer base (a switched county with a prefecture).
struct SwitchedCounty {
    /// Index in the region table.
    ix: usize,
    /// Month of the switch.
    switch: YearMonth,
    /// Its rows of the subsidies table.
    subsidies: AmountTable,
    /// Its base from `bases.csv`, if any.
    fixed: Option<FixedBase>,
}

/// The reference's figures of one settled year.
struct ReferenceYear {
    /// The province's own revenue.
    to_province: i64,
    /// Available resources per region index (`None` where the reference has no statement).
    available: Vec<Option<i64>>,
    /// County spread.
    spread: Spread,
    /// Population-weighted inequality over every unit that settles.
    weighted: Inequality,
}

/// Computes sweep points' summaries from their sums.
pub struct Summarizer {
    layout: Layout,
    /// Settled years, in the scenario's order, and whether each is projected.
    years: Vec<(i32, bool)>,
    population: Vec<u64>,
    /// Regions with a statement (all but the province), in table order.
    settled: Vec<usize>,
    /// Every region's place in the settlement kernel (kind, prefecture).
    units: Vec<Unit>,
    switched: Vec<SwitchedCounty>,
    /// 返还性收入 per cell (held flat into projected years).
    rebates: Vec<i64>,
    /// 转移支付 per cell (held flat into projected years).
    transfers: Vec<i64>,
    /// 市对县补助 per county cell for its managed months (positive = from its prefecture).
    subsidy: Vec<i64>,
    /// Per settled year, the reference's figures if it settles that year.
    reference: Vec<Option<ReferenceYear>>,
}

impl Summarizer {
    /// Prepares the summaries of points of `base` (same regions, tables and years) against
    /// `reference`.
    pub fn new(
        base: &ScenarioResult,
        reference: &ScenarioResult,
        layout: &Layout,
        projected_years: &BTreeSet<i32>,
        tables: &SettlementTables,
    ) -> Summarizer {
        let regions = base.regions.all();
        let last = base
            .scenario
            .years
            .iter()
            .copied()
            .max()
            .unwrap_or(i32::MIN);
        let switched = regions
            .iter()
            .enumerate()
            .filter_map(|(ix, c)| {
                let switch = c.direct_since?;
                base.regions.prefecture_of(c)?;
                (switch.year <= last).then(|| SwitchedCounty {
                    ix,
                    switch,
                    subsidies: tables
                        .subsidies
                        .range((c.code.clone(), i32::MIN)..=(c.code.clone(), i32::MAX))
                        .map(|(k, v)| (k.clone(), *v))
                        .collect(),
                    fixed: tables.fixed_bases.get(&c.code).cloned(),
                })
            })
            .collect();
        let mut rebates = vec![0; layout.len()];
        let mut transfers = vec![0; layout.len()];
        let mut subsidy = vec![0; layout.len()];
        for (ix, r) in regions.iter().enumerate() {
            for &y in &base.scenario.years {
                let Some(c) = layout.cell(ix, y) else {
                    continue;
                };
                let p = projected_years.contains(&y);
                rebates[c] = input_amount(&region_rows(&tables.rebates, &r.code), y, p);
                transfers[c] = input_amount(&region_rows(&tables.transfers, &r.code), y, p);
                subsidy[c] = subsidy_for_months(
                    annual_subsidy(&tables.subsidies, &r.code, y),
                    base.regions.managed_months(r, y),
                );
            }
        }
        let reference_years = base
            .scenario
            .years
            .iter()
            .map(|&y| {
                let p = reference.province.iter().find(|p| p.year == y)?;
                let mut available = vec![None; regions.len()];
                for s in reference.settlement.iter().filter(|s| s.year == y) {
                    if let Some(ix) = base.regions.index_of(&s.region) {
                        available[ix] = Some(s.available);
                    }
                }
                Some(ReferenceYear {
                    to_province: p.to_province,
                    available,
                    spread: spread(&county_per_capita(&reference.settlement, y)),
                    weighted: statements_inequality(&reference.settlement, y),
                })
            })
            .collect();
        Summarizer {
            layout: layout.clone(),
            years: base
                .scenario
                .years
                .iter()
                .map(|&y| (y, projected_years.contains(&y)))
                .collect(),
            population: regions.iter().map(|r| r.population).collect(),
            settled: (0..regions.len())
                .filter(|&i| regions[i].kind != RegionKind::Province)
                .collect(),
            units: Unit::all(&base.regions),
            switched,
            rebates,
            transfers,
            subsidy,
            reference: reference_years,
        }
    }

    /// Each county's due per cell under `sc`'s base years and indexation (0 elsewhere).
    fn dues(&self, base: &ScenarioResult, sums: &DenseSums, sc: &Scenario) -> Result<Vec<i64>> {
        let mut due = vec![0i64; self.layout.len()];
        let last = self.years.iter().map(|y| y.0).max().unwrap_or(i32::MIN);
        for c in &self.switched {
            let part = |y: i32| sums.get(&self.layout, c.ix, y);
            let measured = measure_base(
                &base.regions.all()[c.ix],
                c.switch,
                part,
                |y| annual_subsidy(&c.subsidies, &base.regions.all()[c.ix].code, y),
                c.fixed.as_ref(),
                sc.base_years.as_deref(),
            )?;
            dues(sc.indexation, &measured, c.switch, last, part, |y, d| {
                if let Some(cell) = self.layout.cell(c.ix, y) {
                    due[cell] = d;
                }
            });
        }
        Ok(due)
    }

    /// The summary rows of a point of `base` whose scenario is `sc` and sums `sums`.
    pub fn summarize(
        &self,
        base: &ScenarioResult,
        sums: &DenseSums,
        sc: &Scenario,
    ) -> Result<Vec<SummaryRow>> {
        let due = self.dues(base, sums, sc)?;
        let n = self.layout.n_regions;
        let mut out = Vec::with_capacity(self.years.len());
        let mut available = vec![0i64; n];
        let mut own: Vec<Own> = Vec::with_capacity(n);
        let mut flows = Vec::with_capacity(n);
        for (&(year, projected), reference) in self.years.iter().zip(&self.reference) {
            let cell = |r: usize| self.layout.cell(r, year);
            let parts = |r: usize| cell(r).map(|c| sums.parts[c]).unwrap_or_default();
            let due_of = |r: usize| cell(r).map_or(0, |c| due[c]);
            // 可用财力, from each region's flows (the settlement's kernel)
            own.clear();
            own.extend((0..n).map(|r| {
                let (p, c) = (parts(r), cell(r));
                let at = |v: &[i64]| c.map_or(0, |c| v[c]);
                Own {
                    retained: p.retained,
                    to_prefecture: p.to_prefecture,
                    rebates: at(&self.rebates),
                    transfers: at(&self.transfers),
                    due: due_of(r),
                    subsidy: at(&self.subsidy),
                }
            }));
            year_flows(&self.units, &own, &mut flows);
            for &r in &self.settled {
                available[r] = flows[r].available();
            }
            // province identity: every fen collected is the centre's, the province's or
            // some region's available resources, and base dues cancel out
            let (mut local, mut total_available, mut to_province) = (0i64, 0i64, 0i64);
            for &r in &self.settled {
                let p = parts(r);
                local +=
                    p.collected - p.to_central - p.to_province + own[r].rebates + own[r].transfers;
                total_available += available[r];
                to_province += p.to_province;
            }
            if local != total_available {
                return Err(Error::Check(format!(
                    "scenario {} {year}: regions' available resources {total_available} ≠ local revenue kept plus inputs {local}",
                    sc.name
                )));
            }
            let Some(reference) = reference else {
                continue;
            };
            let delta_province = to_province - reference.to_province;
            let mut row = SummaryRow::start(&sc.name, year, delta_province, projected);
            row.reference = reference.spread;
            row.weighted_reference = reference.weighted;
            let mut members = Vec::new();
            for &r in &self.settled {
                let (kind, population) = (self.units[r].kind, self.population[r]);
                let under_prefecture = self.units[r].prefecture.is_some();
                let pc = per_capita(available[r], population);
                members.extend(spread_member(kind, under_prefecture, pc));
                if let Some(ra) = reference.available[r] {
                    row.tally(kind, available[r] - ra);
                }
            }
            row.spread = spread(&members);
            let settled_available: Vec<i64> = self.settled.iter().map(|&r| available[r]).collect();
            let settled_population: Vec<u64> =
                self.settled.iter().map(|&r| self.population[r]).collect();
            row.weighted = weighted_inequality(&settled_available, &settled_population);
            out.push(row);
        }
        Ok(out)
    }
}
