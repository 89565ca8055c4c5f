//! The analyst's figures of `compare` on the hand-made province of `tests/cases/mini`: the
//! 2022 reform (`fixed.toml`) against its counterfactual (`no_reform.toml`: the 2022
//! switches cancelled). Every expected figure is computed by hand in the comments, to the
//! fen; `marginal` is also checked by adding receipts and settling again (`marginal.rs`),
//! and the command's output in `cli.rs`.

mod cli;
mod gaps;
mod marginal;
mod tables;

use fencheng::ledger::{Encoding, LedgerScan};
use fencheng::scenario::compare::{analyse, Analysis, AnalysisOptions};
use fencheng::scenario::run::{run_scenario, RunOptions, ScenarioResult};
use fencheng::scenario::Scenario;
use fencheng::split::Granularity;
use std::path::{Path, PathBuf};

const MONTHLY: RunOptions = RunOptions {
    granularity: Granularity::Monthly,
    quarantine: false,
};

pub fn mini(file: &str) -> PathBuf {
    std::fs::canonicalize(Path::new("tests/cases/mini").join(file)).unwrap()
}

pub fn run_path(path: &Path) -> ScenarioResult {
    let sc = Scenario::load(path).unwrap();
    let scan = LedgerScan::open(&sc.ledgers, Encoding::Utf8).unwrap();
    run_scenario(&sc, &scan, MONTHLY).unwrap()
}

pub fn run(file: &str) -> ScenarioResult {
    run_path(&mini(file))
}

pub fn reform_against_none() -> Analysis {
    analyse(
        &run("no_reform.toml"),
        &run("fixed.toml"),
        AnalysisOptions::default(),
    )
    .unwrap()
}
