//! A sweep (参数扫描) through the engine: the base scenario and the reference run in full
//! once, then every grid point is evaluated on their sums ([`crate::scenario::sweep`]).

use super::Engine;
use crate::error::{Error, Result};
use crate::scenario::compare::SummaryRow;
use crate::scenario::run::{RunOptions, ScenarioResult};
use crate::scenario::sweep::{plan, Evaluator, Point, SweepPlan};
use crate::split::Granularity;
use std::time::Instant;

/// What a sweep produced.
pub struct SweepOutcome {
    /// The grid's points, in grid order.
    pub points: Vec<Point>,
    /// The base scenario's full run, then the reference's when it is another scenario.
    pub results: Vec<ScenarioResult>,
    /// Per point (grid order), its comparison summary per year.
    pub summaries: Vec<Vec<SummaryRow>>,
    /// The granularity used (monthly).
    pub granularity: Granularity,
    /// Seconds spent reading the ledgers, running the base and the reference and preparing
    /// the evaluator.
    pub seconds_preparing: f64,
    /// Seconds spent evaluating the points alone.
    pub seconds_evaluating: f64,
}

impl SweepOutcome {
    /// The reference's full run.
    pub fn reference(&self) -> &ScenarioResult {
        self.results.last().unwrap_or(&self.results[0])
    }
}

impl Engine {
    /// Evaluates every point of `plan` against its reference; `granularity` overrides the
    /// plan's (only monthly is accepted); `tick` is called after each point.
    pub fn sweep(
        &mut self,
        plan: &SweepPlan,
        granularity: Option<Granularity>,
        tick: &(dyn Fn() + Sync),
    ) -> Result<SweepOutcome> {
        let start = Instant::now();
        let points = plan.points()?;
        let granularity = granularity.unwrap_or(plan.granularity);
        if granularity == Granularity::Receipt {
            return Err(Error::Usage(format!(
                "--granularity {}",
                plan::RECEIPT_REFUSED
            )));
        }
        let opts = RunOptions {
            granularity,
            quarantine: false,
        };
        // the reference is often the base itself: run it once then
        let to_run = if plan.scenario == plan.against {
            vec![plan.scenario.clone()]
        } else {
            vec![plan.scenario.clone(), plan.against.clone()]
        };
        let results = self.run(&to_run, opts)?;
        let (base, reference) = (&results[0], results.last().unwrap_or(&results[0]));
        let evaluator = Evaluator::new(base, reference, &plan.axes)?;
        let seconds_preparing = start.elapsed().as_secs_f64();
        let eval_start = Instant::now();
        let summaries = evaluator.summarize_all(&points, tick)?;
        let seconds_evaluating = eval_start.elapsed().as_secs_f64();
        drop(evaluator);
        Ok(SweepOutcome {
            points,
            results,
            summaries,
            granularity,
            seconds_preparing,
            seconds_evaluating,
        })
    }
}
