//! Fast evaluation of sweep points. A point differs from the sweep's base scenario only by
//! its axis values, so only the receipts those values touch are split again
//! ([`super::resplit`]) and their change is added to the base's region-year sums; points
//! that split alike (say, the same VAT share under different indexations) share one
//! re-split. The summary is then computed from the sums ([`super::summary`]).
//! [`Evaluator::evaluate`] builds a point's full statements instead; `tests/sweep.rs`
//! checks that those equal a full run and that both paths give the same summary.

use super::dense::{DenseSums, Layout};
use super::plan::{Axis, Point};
use super::resplit::Resplitter;
use super::summary::Summarizer;
use crate::baseline::{compute_baselines, BaselineInputs};
use crate::error::{Error, Result};
use crate::scenario::compare::{compare_summary, ReferenceSide, SummaryRow};
use crate::scenario::run::ScenarioResult;
use crate::settlement::{settle, verify_statements, ProvinceRow, SettlementInputs, SettlementRow};
use crate::tables::SettlementTables;
use rayon::prelude::*;
use std::collections::{BTreeMap, BTreeSet};

/// Evaluates grid points against a reference.
pub struct Evaluator<'a> {
    base: &'a ScenarioResult,
    reference: ReferenceSide,
    layout: Layout,
    sums: DenseSums,
    projected_years: BTreeSet<i32>,
    resplit: Resplitter,
    summarizer: Summarizer,
    tables: SettlementTables,
}

/// What one point produced, in full.
pub struct PointResult {
    /// Statements.
    pub settlement: Vec<SettlementRow>,
    /// Province roll-up.
    pub province: Vec<ProvinceRow>,
    /// Summary against the reference, per year.
    pub summary: Vec<SummaryRow>,
}

impl<'a> Evaluator<'a> {
    /// Prepares the points of a sweep over `axes` whose base scenario is `base` (fully run).
    pub fn new(
        base: &'a ScenarioResult,
        reference: &'a ScenarioResult,
        axes: &[Axis],
    ) -> Result<Evaluator<'a>> {
        let (map, projected_years) = crate::settlement::region_years(&base.shares);
        let years = map
            .keys()
            .map(|k| k.1)
            .chain(base.scenario.years.iter().copied());
        let (first, last) = years.fold((i32::MAX, i32::MIN), |(a, b), y| (a.min(y), b.max(y)));
        let layout = Layout::new(&base.regions, first, last);
        let sums = DenseSums::from_map(&layout, &base.regions, &map)
            .ok_or_else(|| Error::Check("a region-year of the split is unknown".into()))?;
        let tables = base.scenario.tables(&base.regions)?;
        let summarizer = Summarizer::new(base, reference, &layout, &projected_years, &tables);
        Ok(Evaluator {
            base,
            reference: ReferenceSide::of(reference),
            resplit: Resplitter::new(base, &layout, axes)?,
            layout,
            sums,
            projected_years,
            summarizer,
            tables,
        })
    }

    /// One point's summary against the reference, per year.
    pub fn summarize(&self, point: &Point) -> Result<Vec<SummaryRow>> {
        self.resplit
            .sums(&self.sums, &point.scenario)
            .and_then(|sums| self.summarizer.summarize(self.base, &sums, &point.scenario))
            .map_err(|e| at_point(point, e))
    }

    /// Every point's summary, in the points' order. Points that split alike are re-split
    /// once; `tick` is called after each point. On failure, the error of the first failing
    /// point in grid order.
    pub fn summarize_all(
        &self,
        points: &[Point],
        tick: &(dyn Fn() + Sync),
    ) -> Result<Vec<Vec<SummaryRow>>> {
        let mut groups: BTreeMap<String, Vec<&Point>> = BTreeMap::new();
        for p in points {
            groups
                .entry(self.resplit.key(&p.scenario))
                .or_default()
                .push(p);
        }
        let groups: Vec<Vec<&Point>> = groups.into_values().collect();
        let mut done: Vec<(usize, Result<Vec<SummaryRow>>)> = groups
            .par_iter()
            .flat_map_iter(
                |group| match self.resplit.sums(&self.sums, &group[0].scenario) {
                    // the group's first point (its lowest index) carries the error
                    Err(e) => vec![(group[0].index, Err(at_point(group[0], e)))],
                    Ok(sums) => group
                        .par_iter()
                        .map(|p| {
                            let r = self
                                .summarizer
                                .summarize(self.base, &sums, &p.scenario)
                                .map_err(|e| at_point(p, e));
                            tick();
                            (p.index, r)
                        })
                        .collect(),
                },
            )
            .collect();
        done.sort_by_key(|(i, _)| *i);
        done.into_iter().map(|(_, r)| r).collect()
    }

    /// Evaluates one point in full: baselines, statements, checks and comparison (its
    /// scenario must be the base scenario plus its axis values).
    pub fn evaluate(&self, point: &Point) -> Result<PointResult> {
        let sc = &point.scenario;
        let sums = self
            .resplit
            .sums(&self.sums, sc)?
            .to_map(&self.layout, &self.base.regions);
        let baselines = compute_baselines(&BaselineInputs {
            regions: &self.base.regions,
            county_years: &sums,
            subsidies: &self.tables.subsidies,
            fixed_bases: &self.tables.fixed_bases,
            base_years: sc.base_years.as_deref(),
            indexation: sc.indexation,
            years: &sc.years,
        })?;
        let (settlement, province) = settle(&SettlementInputs {
            regions: &self.base.regions,
            sums: &sums,
            projected: &self.projected_years,
            baselines: &baselines,
            rebates: &self.tables.rebates,
            transfers: &self.tables.transfers,
            subsidies: &self.tables.subsidies,
            special_transfers: &self.tables.special_transfers,
            remits: &self.tables.remits,
            adjustments: &self.tables.adjustments,
            advances: &self.tables.advances,
            years: &sc.years,
        });
        if let Some(failed) = verify_statements(&settlement, &province)
            .into_iter()
            .find(|c| !c.passed)
        {
            return Err(Error::Check(format!(
                "sweep point {}: {}: {}",
                point.index, failed.name, failed.detail
            )));
        }
        let summary = compare_summary(&self.reference, &sc.name, &settlement, &province);
        Ok(PointResult {
            settlement,
            province,
            summary,
        })
    }
}

/// Names the point in an error.
fn at_point(p: &Point, e: Error) -> Error {
    match e {
        Error::Check(m) => Error::Check(format!("sweep point {}: {m}", p.index)),
        Error::Input(m) => Error::Input(format!("sweep point {}: {m}", p.index)),
        other => other,
    }
}
