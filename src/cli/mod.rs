//! Command-line definitions (clap) and one small file per command.

mod compare;
mod compare_text;
mod explain;
mod output;
mod progress;
mod reconcile;
mod run;
mod summary;
mod sweep;
mod synth;
mod text;
mod validate;

use clap::{Parser, Subcommand};
use fencheng::Result;

/// fencheng 分成 — exact revenue split, transfer baselines and annual settlement under
/// the province-direct-county regime (省直管县).
#[derive(Parser, Debug)]
#[command(name = "fencheng", version, about, long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Settle one or more scenarios and write the output tables.
    Run(run::RunArgs),
    /// Compare scenarios against a reference (winners, losers, gaps between counties).
    Compare(compare::CompareArgs),
    /// Sweep a grid of parameters against a reference, one summary row per point.
    Sweep(sweep::SweepArgs),
    /// Show how every settlement figure of one region-year was reached.
    Explain(explain::ExplainArgs),
    /// Check ledgers and list every problem.
    Validate(validate::ValidateArgs),
    /// Generate the synthetic Henan ledger (seeded, reproducible).
    Synth(synth::SynthArgs),
    /// Compare the settlement with a bureau's own figures (CSV or xlsx); exit 0 only when
    /// nothing differs.
    Reconcile(reconcile::ReconcileArgs),
}

/// How the commands read ledgers: `--encoding` and `--sheet`.
fn read_options(
    encoding: fencheng::ledger::Encoding,
    sheet: &Option<String>,
) -> fencheng::ledger::ReadOptions {
    fencheng::ledger::ReadOptions {
        encoding,
        sheet: sheet.clone(),
    }
}

/// Runs the chosen command.
pub fn dispatch(cli: Cli) -> Result<()> {
    match cli.command {
        Command::Run(a) => run::run(a),
        Command::Compare(a) => compare::compare_cmd(a),
        Command::Sweep(a) => sweep::sweep(a),
        Command::Explain(a) => explain::explain(a),
        Command::Validate(a) => validate::validate(a),
        Command::Synth(a) => synth::synth(a),
        Command::Reconcile(a) => reconcile::reconcile_cmd(a),
    }
}
