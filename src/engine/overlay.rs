//! What-if evaluation (情景推演): a served scenario and its reference run once; each
//! question is an overlay — the tables of a scenario file (`override`, `regime`,
//! `baseline`, `projection`) — answered on the ledgers already in memory, never read again
//! from disk. The web page's API and the tests call this.

use super::Engine;
use crate::error::{Error, Result};
use crate::explain::Explanation;
use crate::ledger::ReadOptions;
use crate::scenario::compare::{
    analyse, compare_statements, Analysis, AnalysisOptions, SummaryRow,
};
use crate::scenario::run::{run_scenario, RunOptions, ScenarioResult};
use crate::scenario::Scenario;
use crate::split::Granularity;
use std::path::{Path, PathBuf};

/// A served scenario, its reference and their ledgers, ready for what-if questions.
pub struct WhatIf {
    engine: Engine,
    file: PathBuf,
    /// The served scenario's full run (monthly).
    pub base: ScenarioResult,
    /// The reference's full run (monthly).
    pub reference: ScenarioResult,
}

/// One overlay's answer.
pub struct Evaluation {
    /// The scenario the overlay makes (served scenario + overlay).
    pub result: ScenarioResult,
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
        Ok(WhatIf {
            engine,
            file: scenario.to_path_buf(),
            base,
            reference,
        })
    }

    /// The served scenario's file.
    pub fn file(&self) -> &Path {
        &self.file
    }

    /// The scenario `overlay` makes, validated as a scenario file (errors name the
    /// overlay's key, e.g. `override[0].province`). Its ledgers must be the served ones.
    pub fn scenario(&self, overlay: &toml::Table) -> Result<Scenario> {
        let mut sc = Scenario::load_with_overlay(&self.file, overlay)?;
        if overlay
            .get("scenario")
            .and_then(|h| h.get("name"))
            .is_none()
        {
            sc.name = format!("{}-what-if", self.base.scenario.name);
        }
        Ok(sc)
    }

    /// Settles the overlay's scenario on the ledgers in memory and compares it with the
    /// reference; `{}` answers the served scenario itself.
    pub fn evaluate(&self, overlay: &toml::Table) -> Result<Evaluation> {
        let sc = self.scenario(overlay)?;
        let scan = self
            .engine
            .opened(&sc.ledgers)
            .ok_or_else(|| Error::Check("the served ledgers are not open".into()))?;
        let result = run_scenario(&sc, scan, WHAT_IF)?;
        let (_, summary) = compare_statements(
            &self.reference,
            &sc.name,
            &result.settlement,
            &result.province,
        );
        Ok(Evaluation { result, summary })
    }

    /// The analyst's figures of an evaluated overlay against the reference.
    pub fn analyse(&self, e: &Evaluation, opts: AnalysisOptions) -> Result<Analysis> {
        analyse(&self.reference, &e.result, opts)
    }

    /// How one region-year of the overlay's scenario was reached (region by code or name).
    pub fn explain(&self, overlay: &toml::Table, region: &str, year: i32) -> Result<Explanation> {
        let e = self.evaluate(overlay)?;
        Engine::explain(&e.result, region, year)
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
