//! A sweep point's comparison summary (情景比较摘要) computed straight from its flat
//! region-year sums: the base dues, each region's available resources (可用财力) and, per
//! year, the winners, losers, totals of the change, the county spread and the
//! population-weighted inequality over every unit that settles. It is the
//! settlement and comparison of [`crate::settlement::settle`] and
//! [`crate::scenario::compare::compare_statements`] restricted to what the summary reads;
//! `tests/sweep.rs` checks the two agree on every point.

use super::dense::{DenseSums, Layout};
use crate::baseline::{dues, measure_base, FixedBase};
use crate::error::{Error, Result};
use crate::money::round_div;
use crate::period::YearMonth;
use crate::regions::RegionKind;
use crate::scenario::compare::{
    county_per_capita, spread, statements_inequality, weighted_inequality, Inequality, Spread,
    SummaryRow,
};
use crate::scenario::run::ScenarioResult;
use crate::scenario::Scenario;
use crate::settlement::{input_amount, subsidy_for_months, Flows};
use crate::tables::SettlementTables;
use crate::tables::{annual_subsidy, AmountTable};
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
    kind: Vec<RegionKind>,
    population: Vec<u64>,
    /// Regions with a statement (all but the province), in table order.
    settled: Vec<usize>,
    /// A county's prefecture (the region its `parent` names, when that is a prefecture).
    prefecture: Vec<Option<usize>>,
    switched: Vec<SwitchedCounty>,
    /// Rebates + transfers per cell (held flat into projected years).
    inputs: Vec<i64>,
    /// 市对县补助 per cell: received by a county (positive = from its prefecture); a
    /// prefecture's cell holds what it pays its counties.
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
        let prefecture = regions
            .iter()
            .map(|r| {
                let p = base.regions.index_of(r.parent.as_deref()?)?;
                (r.kind == RegionKind::County && regions[p].kind == RegionKind::Prefecture)
                    .then_some(p)
            })
            .collect();
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
        let mut inputs = vec![0; layout.len()];
        let mut subsidy = vec![0; layout.len()];
        for (ix, r) in regions.iter().enumerate() {
            for &y in &base.scenario.years {
                if let Some(c) = layout.cell(ix, y) {
                    let key = (r.code.clone(), y);
                    let p = projected_years.contains(&y);
                    inputs[c] = input_amount(&tables.rebates, &key, p)
                        + input_amount(&tables.transfers, &key, p);
                }
                let Some(pref) = base.regions.prefecture_of(r) else {
                    continue;
                };
                let received = subsidy_for_months(
                    annual_subsidy(&tables.subsidies, &r.code, y),
                    base.regions.managed_months(r, y),
                );
                let pref_ix = base.regions.index_of(&pref.code);
                if let (Some(c), Some(pc)) =
                    (layout.cell(ix, y), pref_ix.and_then(|p| layout.cell(p, y)))
                {
                    subsidy[c] = received;
                    subsidy[pc] += received;
                }
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
            kind: regions.iter().map(|r| r.kind).collect(),
            population: regions.iter().map(|r| r.population).collect(),
            settled: (0..regions.len())
                .filter(|&i| regions[i].kind != RegionKind::Province)
                .collect(),
            prefecture,
            switched,
            inputs,
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
        let mut flows: Vec<Flows> = vec![Flows::default(); n];
        for (&(year, projected), reference) in self.years.iter().zip(&self.reference) {
            let cell = |r: usize| self.layout.cell(r, year);
            let parts = |r: usize| cell(r).map(|c| sums.parts[c]).unwrap_or_default();
            let due_of = |r: usize| cell(r).map_or(0, |c| due[c]);
            // 可用财力, from each region's flows (the settlement's one formula)
            flows.fill(Flows::default());
            for &r in &self.settled {
                let f = &mut flows[r];
                f.retained = parts(r).retained;
                f.transfers = cell(r).map_or(0, |c| self.inputs[c]);
                let subsidy = cell(r).map_or(0, |c| self.subsidy[c]);
                if self.kind[r] == RegionKind::County {
                    f.base_paid = due_of(r).max(0);
                    f.base_received = (-due_of(r)).max(0);
                    f.subsidy_received = subsidy;
                } else {
                    f.subsidy_paid = subsidy;
                }
            }
            for &r in &self.settled {
                if let Some(p) = self.prefecture[r] {
                    flows[p].from_counties += parts(r).to_prefecture;
                    flows[p].base_received += due_of(r).max(0);
                    flows[p].base_paid += (-due_of(r)).max(0);
                }
            }
            for &r in &self.settled {
                available[r] = flows[r].available();
            }
            // province identity: every fen collected is the centre's, the province's or
            // some region's available resources, and base dues cancel out
            let (mut local, mut total_available, mut to_province) = (0i64, 0i64, 0i64);
            for &r in &self.settled {
                let p = parts(r);
                local += p.collected - p.to_central - p.to_province
                    + cell(r).map_or(0, |c| self.inputs[c]);
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
            let mut row = SummaryRow {
                scenario: sc.name.clone(),
                year,
                winners: 0,
                losers: 0,
                delta_counties: 0,
                delta_prefectures: 0,
                delta_province: to_province - reference.to_province,
                reference: reference.spread,
                spread: Spread::default(),
                weighted_reference: reference.weighted,
                weighted: Inequality::default(),
                projected,
            };
            let mut per_capita = Vec::new();
            for &r in &self.settled {
                let is_county = self.kind[r] == RegionKind::County;
                // county statistics: counties under a prefecture (济源 is fiscally a 省辖市)
                if is_county && self.prefecture[r].is_some() && self.population[r] > 0 {
                    let pc = round_div(available[r] as i128, self.population[r] as i128);
                    per_capita.push(pc as i64 as f64 / 100.0);
                }
                let Some(ra) = reference.available[r] else {
                    continue;
                };
                let delta = available[r] - ra;
                if is_county {
                    row.winners += u32::from(delta > 0);
                    row.losers += u32::from(delta < 0);
                    row.delta_counties += delta;
                } else {
                    row.delta_prefectures += delta;
                }
            }
            row.spread = spread(&per_capita);
            let settled_available: Vec<i64> = self.settled.iter().map(|&r| available[r]).collect();
            let settled_population: Vec<u64> =
                self.settled.iter().map(|&r| self.population[r]).collect();
            row.weighted = weighted_inequality(&settled_available, &settled_population);
            out.push(row);
        }
        Ok(out)
    }
}
