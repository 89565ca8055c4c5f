//! Report stage: the output folder — every table as Parquet and CSV, and `manifest.json` —
//! written whole or not at all.

pub mod base_items;
pub mod carry_forward;
pub mod comparison;
pub mod html;
pub mod manifest;
pub mod output;
pub mod statements;
pub mod sweep;
pub mod table;
pub mod tables;
pub mod xlsx;

use crate::error::{Error, Result};
use crate::scenario::run::ScenarioResult;
use std::path::{Path, PathBuf};
pub use table::{Table, Values};

/// Output options.
#[derive(Clone, Copy, Debug, Default)]
pub struct WriteOptions {
    /// Replace a non-empty `--out`.
    pub force: bool,
    /// Add a UTF-8 BOM to CSV files (for Excel).
    pub csv_bom: bool,
}

/// The tables of every run — `item_shares`, `baselines`, `base_items` (核定表),
/// `settlement`, `province` and `warnings` (踩刹车 supervision) — all scenarios appended in
/// order.
pub fn run_tables(results: &[ScenarioResult]) -> Vec<Table> {
    let builders: [fn(&ScenarioResult) -> Table; 6] = [
        tables::item_shares,
        tables::baselines,
        base_items::base_items_table,
        tables::settlement,
        tables::province,
        |r| tables::warnings_table(&crate::supervision::warnings(r)),
    ];
    builders
        .iter()
        .map(|b| {
            let mut t = Table::new("");
            for r in results {
                t.append(b(r));
            }
            t
        })
        .collect()
}

/// Writes the documents of a run beside its tables: `settlement.xlsx` (the bureau's
/// workbook), `report.html` (charts), `statements.xlsx` (a 结算单 per region) and
/// `carry_forward/` (next year's bases).
pub fn write_documents(
    dir: &Path,
    results: &[ScenarioResult],
    comparisons: &[html::Comparison],
    workbook: xlsx::WorkbookOptions,
) -> Result<()> {
    xlsx::write_workbook_with(&dir.join("settlement.xlsx"), results, workbook)?;
    html::write_html(&dir.join("report.html"), results, comparisons)?;
    for r in results {
        let name = statements::file_name(r, results.len() > 1);
        statements::write_statements(&dir.join(name), r)?;
    }
    carry_forward::write(dir, results)
}

/// Writes tables (Parquet + CSV), the manifest and whatever `extra` writes (workbook,
/// HTML report) into `out`, atomically: a failure anywhere leaves no partial folder.
pub fn write_output(
    out: &Path,
    tables: &[Table],
    manifest: &serde_json::Value,
    opts: WriteOptions,
    extra: &dyn Fn(&Path) -> Result<()>,
) -> Result<PathBuf> {
    let staging = output::Staging::new(out, opts.force)?;
    extra(staging.dir())?;
    // Each table to its two files, all at once: they are independent, and the receipt-level
    // item_shares is large enough for its CSV and Parquet to take a noticeable time.
    {
        use rayon::prelude::*;
        let dir = staging.dir();
        tables.par_iter().try_for_each(|t| {
            let (parquet, csv) =
                rayon::join(|| t.write_parquet(dir), || t.write_csv(dir, opts.csv_bom));
            parquet.and(csv)
        })?;
    }
    let mut manifest = manifest.clone();
    manifest["outputs"] = serde_json::Value::Array(output_entries(staging.dir())?);
    let path = staging.dir().join("manifest.json");
    let text = serde_json::to_string_pretty(&manifest).map_err(|e| Error::Input(e.to_string()))?;
    std::fs::write(&path, text + "\n").map_err(|e| Error::io(&path, e))?;
    staging.commit()
}

/// Every file written so far under `dir` (sub-folders included), sorted by path, with its
/// SHA-256 and size: the manifest's `outputs`.
fn output_entries(dir: &Path) -> Result<Vec<serde_json::Value>> {
    use sha2::{Digest, Sha256};
    let mut files = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).map_err(|e| Error::io(&d, e))? {
            let p = e.map_err(|e| Error::io(&d, e))?.path();
            if p.is_dir() {
                stack.push(p);
            } else {
                files.push(p);
            }
        }
    }
    files.sort();
    files
        .iter()
        .map(|p| {
            let bytes = std::fs::read(p).map_err(|e| Error::io(p, e))?;
            Ok(serde_json::json!({
                "path": manifest::relative_to(p, dir),
                "sha256": hex::encode(Sha256::digest(&bytes)),
                "bytes": bytes.len(),
            }))
        })
        .collect()
}
