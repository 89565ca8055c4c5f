//! `fencheng sweep SWEEP.toml --out DIR`: every grid point against the reference, one
//! summary row per point (`sweep_summary`) and one per point and year
//! (`comparison_summary`), with a progress bar on a terminal.

use super::{Encoding, Granularity};
use clap::Args;
use fencheng::report::manifest::{file_entry, manifest};
use fencheng::report::sweep::sweep_summary;
use fencheng::report::write_output;
use fencheng::scenario::compare::SummaryRow;
use fencheng::scenario::sweep::SweepPlan;
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

pub fn sweep(a: SweepArgs) -> Result<()> {
    let start = Instant::now();
    let plan = SweepPlan::load(&a.sweep)?;
    let mut engine = super::engine(a.encoding, &a.sheet);
    let bar = progress(plan.points()?.len(), a.quiet);
    let outcome = engine.sweep(&plan, a.granularity.map(Into::into), &|| bar.inc(1))?;
    bar.finish_and_clear();
    let mut inputs = engine.input_files(&outcome.results);
    inputs.push(a.sweep.clone());
    super::output::refuse_over_inputs("--out", &a.output.out, &inputs)?;
    let reference = outcome.reference();
    let all: Vec<SummaryRow> = outcome.summaries.iter().flatten().cloned().collect();
    let out_tables = vec![
        sweep_summary(&plan, &outcome.points, &outcome.summaries),
        fencheng::report::comparison::comparison_summary(&all, &reference.scenario.name),
    ];
    let mut m = manifest("sweep", &outcome.results, &engine.ledger_files())?;
    let (prepared, eval_secs) = (outcome.seconds_preparing, outcome.seconds_evaluating);
    m["sweep"] = serde_json::json!({
        "name": plan.name,
        "file": file_entry(&a.sweep)?,
        "points": outcome.points.len(),
        "axes": plan.axes.iter().map(|x| x.name.clone()).collect::<Vec<_>>(),
        "granularity": outcome.granularity,
        "seconds_preparing": prepared,
        "seconds_evaluating": eval_secs,
    });
    let out = write_output(&a.output.out, &out_tables, &m, a.output.options(), &|_| {
        Ok(())
    })?;
    if !a.quiet {
        let rate = outcome.points.len() as f64 / eval_secs.max(1e-9);
        println!(
            "{} points against {}: prepared in {prepared:.2} s, evaluated in {eval_secs:.3} s ({rate:.0} points/s); total {:.2} s",
            outcome.points.len(),
            reference.scenario.name,
            start.elapsed().as_secs_f64()
        );
        println!("wrote {}", out.display());
    }
    if outcome.points.is_empty() {
        return Err(Error::Usage("the grid has no points".into()));
    }
    Ok(())
}
