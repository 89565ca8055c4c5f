//! What-if evaluation (情景推演): a served scenario and its reference run once; each
//! question is an overlay — the tables of a scenario file (`override`, `regime`,
//! `baseline`, `projection`) — answered on the ledgers already in memory, never read again
//! from disk. The web page's API and the tests call this.

use super::incremental::{Incremental, Sums};
use super::Engine;
use crate::error::{Error, Result};
use crate::explain::Explanation;
use crate::ledger::ReadOptions;
use crate::scenario::compare::{
    analyse, compare_summary, Analysis, AnalysisOptions, ReferenceSide, SummaryRow,
};
use crate::scenario::file::load_merged;
use crate::scenario::run::{run_scenario_on, ReadTables, RunOptions, ScenarioResult};
use crate::scenario::Scenario;
use crate::settlement::region_years;
use crate::split::Granularity;
use std::borrow::Cow;
use std::path::{Path, PathBuf};

/// A served scenario, its reference and their ledgers, ready for what-if questions.
pub struct WhatIf {
    engine: Engine,
    file: PathBuf,
    /// The served file's merged table and the files its `extends` chain read.
    merged: (toml::Table, Vec<PathBuf>),
    /// Its regions, rulebook and optional tables as read.
    read: ReadTables,
    /// The served run's item shares, indexed for incremental evaluation.
    incremental: Incremental,
    /// The served scenario's full run (monthly).
    pub base: ScenarioResult,
    /// The reference's full run (monthly).
    pub reference: ScenarioResult,
    /// The summary's side of the reference and of the served scenario (either can be what
    /// an answer is compared with), worked out once.
    sides: [ReferenceSide; 2],
}

/// One overlay's answer.
pub struct Evaluation {
    /// The scenario the overlay makes (served scenario + overlay). Answered incrementally,
    /// its `shares` are empty (its region-year sums are in `sums`); [`WhatIf::run`] gives
    /// every item share.
    pub result: ScenarioResult,
    /// Region-year sums of its item shares.
    pub sums: Sums,
    /// Its summary against the reference, per year.
    pub summary: Vec<SummaryRow>,
}

/// The granularity of every what-if (monthly totals re-split, as `compare` and `sweep`).
pub const WHAT_IF: RunOptions = RunOptions {
    granularity: Granularity::Monthly,
    quarantine: false,
};

impl WhatIf {
    /// Opens `scenario` and `against` (their ledgers read once) and runs both.
    pub fn open(scenario: &Path, against: &Path, read: ReadOptions) -> Result<WhatIf> {
        let mut engine = Engine::new(read);
        let scenarios = Engine::load_scenarios(&[scenario.to_path_buf(), against.to_path_buf()])?;
        let mut results = engine.run(&scenarios, WHAT_IF)?.into_iter();
        let (Some(base), Some(reference)) = (results.next(), results.next()) else {
            return Err(Error::Check("the served scenarios did not run".into()));
        };
        // absolute: a saved scenario `extends` it from wherever it is saved
        let file = scenario
            .canonicalize()
            .map_err(|e| Error::file(scenario, format!("cannot open scenario: {e}")))?;
        Ok(WhatIf {
            engine,
            file,
            merged: load_merged(scenario)?,
            read: ReadTables::read(&scenarios[0])?,
            incremental: Incremental::new(&base)?,
            sides: [ReferenceSide::of(&reference), ReferenceSide::of(&base)],
            base,
            reference,
        })
    }

    /// The served scenario's file.
    pub fn file(&self) -> &Path {
        &self.file
    }

    /// The served scenario's table, its `extends` chain merged (its own `[baseline]`,
    /// `[projection]`, `[regime]` as a page shows them).
    pub fn served_table(&self) -> &toml::Table {
        &self.merged.0
    }

    /// The scenario `overlay` makes, validated as a scenario file (errors name the
    /// overlay's key, e.g. `override[0].province`). Its ledgers must be the served ones.
    pub fn scenario(&self, overlay: &toml::Table) -> Result<Scenario> {
        let mut sc = Scenario::with_overlay(&self.file, &self.merged.0, &self.merged.1, overlay)?;
        if overlay
            .get("scenario")
            .and_then(|h| h.get("name"))
            .is_none()
        {
            sc.name = format!("{}-what-if", self.base.scenario.name);
        }
        Ok(sc)
    }

    /// Settles the overlay's scenario on the ledgers and tables in memory (no file is read)
    /// and compares it with the reference; `{}` answers the served scenario itself.
    pub fn evaluate(&self, overlay: &toml::Table) -> Result<Evaluation> {
        self.evaluate_against(overlay, &self.reference)
    }

    /// The same compared with `reference` (the served reference, or the served scenario
    /// itself: [`WhatIf::base`]).
    pub fn evaluate_against(
        &self,
        overlay: &toml::Table,
        reference: &ScenarioResult,
    ) -> Result<Evaluation> {
        let sc = self.scenario(overlay)?;
        let (regions, rules) = sc.regions_and_rules_on(&self.read.regions, &self.read.rules)?;
        let (result, sums) =
            match self
                .incremental
                .evaluate(&self.base, &sc, regions, rules, &self.read.tables)?
            {
                Some(e) => (e.result, e.sums),
                None => {
                    let r = self.run_scenario(&sc)?;
                    let sums = region_years(&r.shares).0;
                    (r, sums)
                }
            };
        let side = if std::ptr::eq(reference, &self.reference) {
            Cow::Borrowed(&self.sides[0])
        } else if std::ptr::eq(reference, &self.base) {
            Cow::Borrowed(&self.sides[1])
        } else {
            Cow::Owned(ReferenceSide::of(reference))
        };
        let summary = compare_summary(&side, &sc.name, &result.settlement, &result.province);
        Ok(Evaluation {
            result,
            sums,
            summary,
        })
    }

    /// The overlay's scenario run in full on the ledgers and tables in memory: every item
    /// share (what `explain` and the workbook need).
    pub fn run(&self, overlay: &toml::Table) -> Result<ScenarioResult> {
        self.run_scenario(&self.scenario(overlay)?)
    }

    fn run_scenario(&self, sc: &Scenario) -> Result<ScenarioResult> {
        let scan = self
            .engine
            .opened(&sc.ledgers)
            .ok_or_else(|| Error::Check("the served ledgers are not open".into()))?;
        run_scenario_on(sc, scan, WHAT_IF, &self.read)
    }

    /// The analyst's figures of an evaluated overlay against the reference.
    pub fn analyse(&self, e: &Evaluation, opts: AnalysisOptions) -> Result<Analysis> {
        analyse(&self.reference, &e.result, opts)
    }

    /// How one region-year of the overlay's scenario was reached (region by code or name).
    pub fn explain(&self, overlay: &toml::Table, region: &str, year: i32) -> Result<Explanation> {
        Engine::explain(&self.run(overlay)?, region, year)
    }

    /// The scenario file of an overlay: `extends` the served file (by its absolute path)
    /// and holds the overlay's tables, so `fencheng run --granularity monthly` on it
    /// settles exactly what the overlay answered.
    pub fn scenario_toml(&self, overlay: &toml::Table) -> Result<String> {
        let sc = self.scenario(overlay)?;
        let mut t = overlay.clone();
        let mut header = toml::Table::new();
        header.insert("name".into(), toml::Value::String(sc.name.clone()));
        header.insert(
            "extends".into(),
            toml::Value::String(self.file.display().to_string()),
        );
        if let Some(toml::Value::Table(h)) = overlay.get("scenario") {
            for (k, v) in h {
                header.insert(k.clone(), v.clone());
            }
        }
        t.insert("scenario".into(), toml::Value::Table(header));
        let body = toml::to_string(&t).map_err(|e| Error::Input(e.to_string()))?;
        Ok(format!(
            "# What-if scenario saved from `fencheng serve` on {}: `fencheng run --granularity monthly` on this file\n\
             # settles what the page showed.\n{body}",
            self.base.scenario.name
        ))
    }
}
