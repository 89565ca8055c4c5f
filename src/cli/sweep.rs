//! `fencheng sweep SWEEP.toml --out DIR`: every grid point against the reference, one
//! summary row per point (`sweep_summary`) and one per point and year
//! (`comparison_summary`), with a progress bar on a terminal.

use super::run::run_all;
use clap::Args;
use fencheng::ledger::Encoding;
use fencheng::report::manifest::{file_entry, manifest};
use fencheng::report::table::{Table, Values::*};
use fencheng::report::write_output;
use fencheng::scenario::compare::SummaryRow;
use fencheng::scenario::run::RunOptions;
use fencheng::scenario::sweep::{plan, Evaluator, Point, SweepPlan};
use fencheng::split::Granularity;
use fencheng::{Error, Result};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::IsTerminal;
use std::path::PathBuf;
use std::time::Instant;

#[derive(Args, Debug)]
pub struct SweepArgs {
    /// Sweep file (TOML).
    sweep: PathBuf,
    #[command(flatten)]
    output: super::output::OutputArgs,
    /// Monthly totals, the only granularity of sweeps (`receipt` is refused: points re-split
    /// monthly totals).
    #[arg(long, value_enum)]
    granularity: Option<Granularity>,
    /// Encoding of CSV ledgers.
    #[arg(long, value_enum, default_value_t = Encoding::Utf8)]
    encoding: Encoding,
    /// The sheet of .xlsx ledgers (needed when a workbook has data on several sheets).
    #[arg(long)]
    sheet: Option<String>,
    /// Print nothing but errors.
    #[arg(long)]
    quiet: bool,
}

fn progress(n: usize, quiet: bool) -> ProgressBar {
    let bar = ProgressBar::new(n as u64);
    if quiet || !std::io::stderr().is_terminal() {
        bar.set_draw_target(ProgressDrawTarget::hidden());
    }
    bar.set_style(
        ProgressStyle::with_template("{bar:40} {pos}/{len} points {per_sec} eta {eta}")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    bar
}

/// One row per grid point: axis values, then the change summed over the years and the
/// spread of the last year.
fn sweep_summary(plan: &SweepPlan, points: &[Point], summaries: &[Vec<SummaryRow>]) -> Table {
    let mut t = Table::new("sweep_summary")
        .col("sweep", Text(vec![plan.name.clone(); points.len()]))
        .col(
            "point",
            Int(points.iter().map(|p| p.index as i64).collect()),
        );
    for (k, axis) in plan.axes.iter().enumerate() {
        t = t.col(
            &axis.name,
            Text(points.iter().map(|p| p.values[k].label()).collect()),
        );
    }
    let last = |s: &Vec<SummaryRow>| s.last().cloned();
    let sum = |f: fn(&SummaryRow) -> i64| {
        Money(summaries.iter().map(|s| s.iter().map(f).sum()).collect())
    };
    t.col(
        "years",
        Text(
            summaries
                .iter()
                .map(|s| {
                    format!(
                        "{}–{}",
                        s.first().map_or(0, |r| r.year),
                        s.last().map_or(0, |r| r.year)
                    )
                })
                .collect(),
        ),
    )
    .col("delta_counties", sum(|r| r.delta_counties))
    .col("delta_prefectures", sum(|r| r.delta_prefectures))
    .col("delta_province", sum(|r| r.delta_province))
    .col(
        "winners_last_year",
        Int(summaries
            .iter()
            .map(|s| last(s).map_or(0, |r| r.winners as i64))
            .collect()),
    )
    .col(
        "losers_last_year",
        Int(summaries
            .iter()
            .map(|s| last(s).map_or(0, |r| r.losers as i64))
            .collect()),
    )
    .col(
        "gini_reference_last_year",
        Float(
            summaries
                .iter()
                .map(|s| last(s).map(|r| r.reference.gini))
                .collect(),
        ),
    )
    .col(
        "gini_last_year",
        Float(
            summaries
                .iter()
                .map(|s| last(s).map(|r| r.spread.gini))
                .collect(),
        ),
    )
    .col(
        "cv_last_year",
        Float(
            summaries
                .iter()
                .map(|s| last(s).map(|r| r.spread.cv))
                .collect(),
        ),
    )
    .col(
        "max_min_ratio_last_year",
        Float(
            summaries
                .iter()
                .map(|s| last(s).and_then(|r| r.spread.max_min_ratio))
                .collect(),
        ),
    )
}

pub fn sweep(a: SweepArgs) -> Result<()> {
    let start = Instant::now();
    let plan = SweepPlan::load(&a.sweep)?;
    let points = plan.points()?;
    let granularity = a.granularity.unwrap_or(plan.granularity);
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
    let same = plan.scenario == plan.against;
    let to_run = if same {
        vec![plan.scenario.clone()]
    } else {
        vec![plan.scenario.clone(), plan.against.clone()]
    };
    let (results, scans) = run_all(&to_run, opts, &super::read_options(a.encoding, &a.sheet))?;
    let mut inputs = super::output::inputs_of(&results, &scans);
    inputs.push(a.sweep.clone());
    super::output::refuse_over_inputs("--out", &a.output.out, &inputs)?;
    let (base, reference) = (&results[0], &results[if same { 0 } else { 1 }]);
    // preparing = reading the ledgers, the full run of the base (and the reference), and
    // the evaluator's tables; evaluating = the points alone
    let evaluator = Evaluator::new(base, reference, &plan.axes)?;
    let prepared = start.elapsed().as_secs_f64();
    let eval_start = Instant::now();
    let bar = progress(points.len(), a.quiet);
    let summaries = evaluator.summarize_all(&points, &|| bar.inc(1))?;
    bar.finish_and_clear();
    let eval_secs = eval_start.elapsed().as_secs_f64();
    let all: Vec<SummaryRow> = summaries.iter().flatten().cloned().collect();
    let out_tables = vec![
        sweep_summary(&plan, &points, &summaries),
        fencheng::report::comparison::comparison_summary(&all, &reference.scenario.name),
    ];
    let ledger_files: Vec<_> = scans.iter().flat_map(|s| s.files.clone()).collect();
    let mut m = manifest("sweep", &results, &ledger_files)?;
    m["sweep"] = serde_json::json!({
        "name": plan.name,
        "file": file_entry(&a.sweep)?,
        "points": points.len(),
        "axes": plan.axes.iter().map(|x| x.name.clone()).collect::<Vec<_>>(),
        "granularity": granularity,
        "seconds_preparing": prepared,
        "seconds_evaluating": eval_secs,
    });
    let out = write_output(&a.output.out, &out_tables, &m, a.output.options(), &|_| {
        Ok(())
    })?;
    if !a.quiet {
        let rate = points.len() as f64 / eval_secs.max(1e-9);
        println!(
            "{} points against {}: prepared in {prepared:.2} s, evaluated in {eval_secs:.3} s ({rate:.0} points/s); total {:.2} s",
            points.len(),
            reference.scenario.name,
            start.elapsed().as_secs_f64()
        );
        println!("wrote {}", out.display());
    }
    if points.is_empty() {
        return Err(Error::Usage("the grid has no points".into()));
    }
    Ok(())
}
