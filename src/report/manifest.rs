//! `manifest.json`: what ran, on what, with which result — engine version, each scenario
//! as resolved, every input file with its SHA-256 and rows, the checks and stage times.
//! Everything in it is deterministic except the `seconds` of each stage.

use crate::error::{Error, Result};
use crate::ledger::totals::InputFile;
use crate::scenario::run::ScenarioResult;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use std::path::Path;

/// An input file's manifest entry: path, SHA-256 and rows — the data records of a CSV
/// (header excluded, quoted line breaks inside a record counted once), the lines of any
/// other text file (TOML).
pub fn file_entry(path: &Path) -> Result<Value> {
    let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
    let is_csv = path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("csv"));
    let rows = if is_csv {
        csv::ReaderBuilder::new()
            .flexible(true)
            .from_reader(bytes.as_slice())
            .into_byte_records()
            .count()
    } else {
        bytes
            .split(|&b| b == b'\n')
            .filter(|l| !l.is_empty())
            .count()
    };
    Ok(json!({
        "path": path.display().to_string(),
        "sha256": hex::encode(Sha256::digest(&bytes)),
        "rows": rows,
    }))
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
        let inputs = sc
            .input_files()
            .iter()
            .map(|p| file_entry(p))
            .collect::<Result<Vec<_>>>()?;
        scenarios.push(json!({
            "name": sc.name,
            "data": { "nature": sc.data_nature, "note": sc.data_note, "banner": sc.data_banner() },
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
