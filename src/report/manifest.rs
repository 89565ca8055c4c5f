//! `manifest.json`: what ran, on what, with which result — engine version, each scenario
//! as resolved, every input file with its SHA-256 and rows, the checks and stage times.
//! Everything in it is deterministic except the `seconds` of each stage.

use crate::error::{Error, Result};
use crate::ledger::totals::InputFile;
use crate::scenario::run::ScenarioResult;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use std::path::Path;

fn file_entry(path: &Path) -> Result<Value> {
    let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
    let rows = bytes
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        .saturating_sub(1);
    Ok(
        json!({ "path": path.display().to_string(), "sha256": hex::encode(Sha256::digest(&bytes)), "rows": rows }),
    )
}

/// Builds the manifest of a run.
pub fn manifest(
    command: &str,
    results: &[ScenarioResult],
    ledger_files: &[InputFile],
) -> Result<Value> {
    let mut scenarios = Vec::new();
    for r in results {
        let sc = &r.scenario;
        let mut inputs = vec![
            file_entry(&sc.file)?,
            file_entry(&sc.regions)?,
            file_entry(&sc.rulebook)?,
        ];
        for p in [&sc.subsidies, &sc.bases, &sc.rebates, &sc.transfers]
            .into_iter()
            .flatten()
        {
            inputs.push(file_entry(p)?);
        }
        scenarios.push(json!({
            "name": sc.name,
            "resolved": sc,
            "granularity": r.granularity,
            "last_actual_year": r.last_actual_year,
            "inputs": inputs,
            "checks": r.checks,
            "quarantined": r.quarantined,
            "stages": r.timings.iter().map(|(s, t)| json!({"stage": s, "seconds": t})).collect::<Vec<_>>(),
        }));
    }
    Ok(json!({
        "engine": { "name": "fencheng", "version": env!("CARGO_PKG_VERSION") },
        "command": command,
        "ledger": ledger_files,
        "scenarios": scenarios,
        "all_checks_passed": results.iter().all(|r| r.checks.iter().all(|c| c.passed)),
    }))
}
