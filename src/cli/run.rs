//! `fencheng run SCENARIO… --out DIR`: settle scenarios (in parallel) and write the tables.

use super::summary::print_summary;
use clap::Args;
use fencheng::ledger::{Encoding, LedgerScan};
use fencheng::report::{manifest::manifest, run_tables, write_output, WriteOptions};
use fencheng::scenario::run::{run_scenario, RunOptions, ScenarioResult};
use fencheng::scenario::Scenario;
use fencheng::split::Granularity;
use fencheng::{Error, Result};
use rayon::prelude::*;
use std::path::PathBuf;

#[derive(Args, Debug)]
pub struct RunArgs {
    /// Scenario files (TOML).
    #[arg(required = true)]
    scenarios: Vec<PathBuf>,
    /// Output folder (written whole or not at all).
    #[arg(long)]
    out: PathBuf,
    /// Split each receipt (exact, the treasury's way) or each monthly total.
    #[arg(long, value_enum, default_value_t = Granularity::Receipt)]
    granularity: Granularity,
    /// Encoding of CSV ledgers.
    #[arg(long, value_enum, default_value_t = Encoding::Utf8)]
    encoding: Encoding,
    /// Run without the bad rows and write them to this CSV file.
    #[arg(long)]
    quarantine: Option<PathBuf>,
    /// Replace a non-empty output folder.
    #[arg(long)]
    force: bool,
    /// Add a UTF-8 BOM to CSV outputs (for Excel).
    #[arg(long)]
    csv_bom: bool,
    /// Print nothing but errors.
    #[arg(long)]
    quiet: bool,
}

/// Opens each distinct ledger set once and runs every scenario on it.
pub fn run_all(
    scenarios: &[Scenario],
    opts: RunOptions,
    encoding: Encoding,
) -> Result<(Vec<ScenarioResult>, Vec<LedgerScan>)> {
    let mut ledger_sets: Vec<Vec<PathBuf>> = scenarios.iter().map(|s| s.ledgers.clone()).collect();
    ledger_sets.sort();
    ledger_sets.dedup();
    let scans = ledger_sets
        .iter()
        .map(|l| LedgerScan::open(l, encoding))
        .collect::<Result<Vec<_>>>()?;
    let results = scenarios
        .par_iter()
        .map(|sc| {
            let i = ledger_sets
                .iter()
                .position(|l| *l == sc.ledgers)
                .expect("ledger set opened");
            run_scenario(sc, &scans[i], opts)
        })
        .collect::<Result<Vec<_>>>()?;
    Ok((results, scans))
}

pub fn load_scenarios(paths: &[PathBuf]) -> Result<Vec<Scenario>> {
    let scenarios = paths
        .iter()
        .map(|p| Scenario::load(p))
        .collect::<Result<Vec<_>>>()?;
    for (i, a) in scenarios.iter().enumerate() {
        if scenarios[..i].iter().any(|b| b.name == a.name) {
            return Err(Error::key(
                &a.file,
                "scenario.name",
                format!("two scenarios are named `{}`", a.name),
            ));
        }
    }
    Ok(scenarios)
}

pub fn run(a: RunArgs) -> Result<()> {
    let scenarios = load_scenarios(&a.scenarios)?;
    let opts = RunOptions {
        granularity: a.granularity,
        quarantine: a.quarantine.is_some(),
    };
    let (results, scans) = run_all(&scenarios, opts, a.encoding)?;
    if let Some(q) = &a.quarantine {
        if let Some(r) = results.iter().find(|r| r.rejects.count() > 0) {
            r.rejects.write_csv(q)?;
        }
    }
    let ledger_files: Vec<_> = scans.iter().flat_map(|s| s.files.clone()).collect();
    let manifest = manifest("run", &results, &ledger_files)?;
    let out = write_output(
        &a.out,
        &run_tables(&results),
        &manifest,
        WriteOptions {
            force: a.force,
            csv_bom: a.csv_bom,
        },
        &|_| Ok(()),
    )?;
    if !a.quiet {
        for r in &results {
            print_summary(r);
        }
        println!("wrote {}", out.display());
    }
    Ok(())
}
