//! The one entry point (工作台): an [`Engine`] opens each ledger set once and answers many
//! questions on it — run scenarios (in parallel), compare them with a reference, sweep a
//! grid, explain a region-year, validate ledgers, evaluate a what-if overlay. The command
//! line, the tests and the web page all call it; none of them runs a stage itself.
//!
//! ```no_run
//! use fencheng::engine::Engine;
//! use fencheng::scenario::run::RunOptions;
//! use fencheng::split::Granularity;
//! let mut engine = Engine::new(Default::default());
//! let scenarios = Engine::load_scenarios(&["scenarios/reform-2022.toml".into()])?;
//! let opts = RunOptions { granularity: Granularity::Monthly, quarantine: false };
//! let results = engine.run(&scenarios, opts)?;
//! println!("{} settlement rows", results[0].settlement.len());
//! # Ok::<(), fencheng::Error>(())
//! ```

pub mod growth_memo;
pub mod incremental;
pub mod overlay;
pub mod sweep;

use crate::error::{Error, Result};
use crate::explain::{explain, Explanation};
use crate::ledger::totals::InputFile;
use crate::ledger::{LedgerScan, OnProgress, ReadOptions, Rejects};
use crate::regions::RegionTable;
use crate::rules::RuleSet;
use crate::scenario::compare::{analyse, Analysis, AnalysisOptions};
use crate::scenario::run::{run_scenario, RunOptions, ScenarioResult};
use crate::scenario::Scenario;
use rayon::prelude::*;
use std::path::PathBuf;

pub use overlay::WhatIf;
pub use sweep::SweepOutcome;

/// Inputs loaded once: every ledger set opened by the engine, by its list of sources.
pub struct Engine {
    read: ReadOptions,
    scans: Vec<(Vec<PathBuf>, LedgerScan)>,
    progress: Box<dyn Fn(crate::ledger::Progress<'_>) + Sync + Send>,
}

impl Engine {
    /// An engine reading CSV and xlsx ledgers as `read` says (encoding, sheet).
    pub fn new(read: ReadOptions) -> Engine {
        Engine {
            read,
            scans: Vec::new(),
            progress: Box::new(|_| {}),
        }
    }

    /// The same, telling `progress` how far each ledger pass has read (a front end draws
    /// its bar from it).
    pub fn with_progress(
        mut self,
        progress: impl Fn(crate::ledger::Progress<'_>) + Sync + Send + 'static,
    ) -> Engine {
        self.progress = Box::new(progress);
        self
    }

    /// Reads scenario files; two scenarios of one run may not share a name (their outputs
    /// would mix).
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

    /// The ledger set `sources` (files, folders or globs), opened and summed on first use.
    pub fn ledgers(&mut self, sources: &[PathBuf]) -> Result<&LedgerScan> {
        let i = match self.scans.iter().position(|(s, _)| s == sources) {
            Some(i) => i,
            None => {
                let on: OnProgress<'_> = &*self.progress;
                let scan = LedgerScan::open_with_progress(sources, self.read.clone(), on)?;
                self.scans.push((sources.to_vec(), scan));
                self.scans.len() - 1
            }
        };
        Ok(&self.scans[i].1)
    }

    /// The opened ledger set of `sources`, if the engine has opened it.
    pub fn opened(&self, sources: &[PathBuf]) -> Option<&LedgerScan> {
        self.scans
            .iter()
            .find(|(s, _)| s == sources)
            .map(|(_, scan)| scan)
    }

    /// Every ledger file the engine has read, in the order opened.
    pub fn ledger_files(&self) -> Vec<InputFile> {
        self.scans
            .iter()
            .flat_map(|(_, s)| s.files.iter().cloned())
            .collect()
    }

    /// Every input file behind `results`: scenario files, their tables and the ledger
    /// files (an output folder must not hold any of them).
    pub fn input_files(&self, results: &[ScenarioResult]) -> Vec<PathBuf> {
        let mut files: Vec<PathBuf> = results
            .iter()
            .flat_map(|r| r.scenario.input_files())
            .collect();
        files.extend(self.ledger_files().into_iter().map(|f| f.path));
        files
    }

    /// Settles every scenario (in parallel, same bytes on any thread count), each ledger
    /// set opened once.
    pub fn run(&mut self, scenarios: &[Scenario], opts: RunOptions) -> Result<Vec<ScenarioResult>> {
        for sc in scenarios {
            self.ledgers(&sc.ledgers)?;
        }
        let this = &*self;
        scenarios
            .par_iter()
            .map(|sc| {
                let scan = this
                    .opened(&sc.ledgers)
                    .ok_or_else(|| Error::Check("a scenario's ledgers were not opened".into()))?;
                run_scenario(sc, scan, opts)
            })
            .collect()
    }

    /// Settles one scenario.
    pub fn run_one(&mut self, sc: &Scenario, opts: RunOptions) -> Result<ScenarioResult> {
        let scan = self.ledgers(&sc.ledgers)?;
        run_scenario(sc, scan, opts)
    }

    /// Compares each of `others` with `reference`: winners, losers, prefectures, income
    /// groups, totals, retention (the analyst's figures).
    pub fn compare(
        reference: &ScenarioResult,
        others: &[ScenarioResult],
        opts: AnalysisOptions,
    ) -> Result<Vec<Analysis>> {
        others.iter().map(|s| analyse(reference, s, opts)).collect()
    }

    /// How every settlement figure of one region-year was reached; `region` is a code or a
    /// name of the region table.
    pub fn explain(result: &ScenarioResult, region: &str, year: i32) -> Result<Explanation> {
        let code = result
            .regions
            .find(region)
            .map_err(Error::Input)?
            .code
            .clone();
        explain(result, &code, year)
    }

    /// Every rejected row of the scenario's ledgers, judged against its region table and
    /// rulebook (region codes, levels, items in force) as a run would judge them.
    pub fn validate(&mut self, sc: &Scenario) -> Result<Validation> {
        let (regions, rules) = sc.regions_and_rules()?;
        self.validate_against(&sc.ledgers, Some((&regions, &rules)))
    }

    /// Every rejected row of the ledgers `sources`: the row checks, and with a region table
    /// and a rulebook the checks of codes, levels and items in force too.
    pub fn validate_against(
        &mut self,
        sources: &[PathBuf],
        tables: Option<(&RegionTable, &RuleSet)>,
    ) -> Result<Validation> {
        let scan = self.ledgers(sources)?;
        let bad_keys = match tables {
            Some((regions, rules)) => crate::split::key_problems(scan, regions, rules),
            None => Default::default(),
        };
        Ok(Validation {
            rejects: scan.rejects(&bad_keys)?,
            files: scan.files.len(),
            rows: scan.files.iter().map(|f| f.rows).sum(),
        })
    }

    /// The rows set aside by every scenario of a quarantined run, once each, sorted.
    pub fn quarantined_rows(results: &[ScenarioResult]) -> Rejects {
        let mut all = Rejects::default();
        for r in results {
            all.rows.extend(r.rejects.rows.iter().cloned());
        }
        all.rows.sort();
        all.rows.dedup();
        all
    }
}

/// What `validate` found (校验结果).
pub struct Validation {
    /// Every rejected row with all its problems.
    pub rejects: Rejects,
    /// Ledger files read.
    pub files: usize,
    /// Rows read.
    pub rows: u64,
}
