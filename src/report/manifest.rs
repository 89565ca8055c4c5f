//! `manifest.json`: what ran, on what, with which result — engine version and commit, the
//! command line, each scenario as resolved (paths relative to its file), every input file
//! with its SHA-256 and rows, the checks, stage times, and every output file with its
//! SHA-256 (added when the folder is written). Everything in it is deterministic except
//! the `seconds` of each stage.

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

/// `path` relative to the folder `base` (both made absolute), with `..` where needed and
/// `/` separators: the manifest names inputs as a bureau's folder holds them, not as one
/// machine's absolute paths.
pub fn relative_to(path: &Path, base: &Path) -> String {
    let abs = |p: &Path| p.canonicalize().unwrap_or_else(|_| p.to_path_buf());
    let (path, base) = (abs(path), abs(base));
    let (p, b): (Vec<_>, Vec<_>) = (path.components().collect(), base.components().collect());
    let common = p.iter().zip(&b).take_while(|(x, y)| x == y).count();
    if common == 0 {
        return path.display().to_string();
    }
    let mut parts: Vec<String> = vec!["..".to_string(); b.len() - common];
    parts.extend(
        p[common..]
            .iter()
            .map(|c| c.as_os_str().to_string_lossy().into_owned()),
    );
    if parts.is_empty() {
        ".".into()
    } else {
        parts.join("/")
    }
}

/// The scenario as resolved, its file paths relative to the scenario's folder.
fn resolved(sc: &crate::scenario::Scenario, dir: &Path) -> Value {
    let mut v = json!(sc);
    let rel = |s: &str| relative_to(Path::new(s), dir);
    // every path key of a scenario file, and the file itself; lists below
    for key in crate::scenario::file::PATH_KEYS.iter().chain(&["file"]) {
        if let Some(Value::String(s)) = v.get(*key).cloned() {
            v[*key] = json!(rel(&s));
        }
    }
    for key in ["ledgers", "extends"] {
        if let Some(Value::Array(items)) = v.get(key).cloned() {
            v[key] = json!(items
                .iter()
                .map(|i| i.as_str().map_or(i.clone(), |s| json!(rel(s))))
                .collect::<Vec<_>>());
        }
    }
    v
}

/// The engine's name, version and the commit it was built from (`-dirty` when the checkout
/// had uncommitted changes; `unknown` outside git).
pub fn engine() -> Value {
    json!({
        "name": "fencheng",
        "version": env!("CARGO_PKG_VERSION"),
        "commit": env!("FENCHENG_COMMIT"),
    })
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
        let dir = sc.file.parent().unwrap_or(Path::new("."));
        let inputs = sc
            .input_files()
            .iter()
            .map(|p| {
                let mut e = file_entry(p)?;
                e["path"] = json!(relative_to(p, dir));
                Ok(e)
            })
            .collect::<Result<Vec<_>>>()?;
        scenarios.push(json!({
            "name": sc.name,
            "file": relative_to(&sc.file, Path::new(".")),
            "data": { "nature": sc.data_nature, "note": sc.data_note, "banner": sc.data_banner() },
            "resolved": resolved(sc, dir),
            "granularity": r.granularity,
            "last_actual_year": r.last_actual_year,
            "inputs": inputs,
            "checks": r.checks,
            "quarantined": r.quarantined,
            "stages": r.timings.iter().map(|(s, t)| json!({"stage": s, "seconds": t})).collect::<Vec<_>>(),
        }));
    }
    // ledger files relative to the (first) scenario's folder, like every input
    let base = results
        .first()
        .and_then(|r| r.scenario.file.parent().map(Path::to_path_buf))
        .unwrap_or_default();
    let ledger_files: Vec<Value> = ledger_files
        .iter()
        .map(|f| {
            let mut v = json!(f);
            v["path"] = json!(relative_to(&f.path, &base));
            v
        })
        .collect();
    Ok(json!({
        "engine": engine(),
        "command": command,
        "arguments": std::env::args().collect::<Vec<_>>(),
        "ledger": ledger_files,
        "scenarios": scenarios,
        "all_checks_passed": results.iter().all(|r| r.checks.iter().all(|c| c.passed)),
    }))
}
