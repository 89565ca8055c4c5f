//! Command-line definitions (clap) and one small file per command.

mod compare;
mod compare_text;
mod explain;
mod output;
mod progress;
mod reconcile;
mod run;
mod serve;
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
    /// Serve the what-if page and its JSON API (http://127.0.0.1:8350/ by default).
    Serve(serve::ServeArgs),
}

/// `--granularity`: the library's [`fencheng::split::Granularity`] as a flag value.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Granularity {
    /// Every ledger row split on its own, as the treasury does.
    Receipt,
    /// Each monthly total per region × item × level split as one receipt.
    Monthly,
}

impl From<Granularity> for fencheng::split::Granularity {
    fn from(g: Granularity) -> Self {
        match g {
            Granularity::Receipt => Self::Receipt,
            Granularity::Monthly => Self::Monthly,
        }
    }
}

/// `--encoding`: the library's [`fencheng::ledger::Encoding`] as a flag value.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Encoding {
    /// UTF-8, with or without byte-order mark.
    Utf8,
    /// GBK / GB18030, as Chinese finance systems export it.
    Gbk,
}

impl From<Encoding> for fencheng::ledger::Encoding {
    fn from(e: Encoding) -> Self {
        match e {
            Encoding::Utf8 => Self::Utf8,
            Encoding::Gbk => Self::Gbk,
        }
    }
}

/// The engine every command calls, reading ledgers as `--encoding` and `--sheet` say and
/// drawing a progress bar of each ledger pass on a terminal.
/// A default input file (a scenario, the region table, the rulebook): from the working directory, else from the project the binary
/// was built in (beside `target/`), else from the source tree it was compiled from.
pub(crate) fn default_file(rel: &str, flag: &str) -> Result<std::path::PathBuf> {
    let mut places: Vec<std::path::PathBuf> = vec![std::path::PathBuf::from(".")];
    if let Ok(exe) = std::env::current_exe() {
        places.extend(
            exe.ancestors()
                .skip(1)
                .take(4)
                .map(std::path::Path::to_path_buf),
        );
    }
    places.push(std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")));
    places
        .iter()
        .map(|p| p.join(rel))
        .find(|p| p.is_file())
        .ok_or_else(|| {
            fencheng::Error::Usage(format!(
                "cannot find {rel} here or beside the binary: give {flag} FILE"
            ))
        })
}

fn engine(encoding: Encoding, sheet: &Option<String>) -> fencheng::engine::Engine {
    fencheng::engine::Engine::new(fencheng::ledger::ReadOptions {
        encoding: encoding.into(),
        sheet: sheet.clone(),
    })
    .with_progress(progress::bar())
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
        Command::Serve(a) => serve::serve_cmd(a),
    }
}
