//! `carry_forward/bases.csv`: every base a run settled (划转基数), in the `bases.csv`
//! format, so that next year's settlement runs from its own year's ledger without the base
//! years' ledgers (a bureau settling 2025 holds the 2025 ledger, not 2021's).
//!
//! Each county with a base gets `county,from_year,base` = its switch year and its net base
//! (a measured one, or the one it was given). A `bases.csv` base stays fixed (spec 2), so
//! the carried file continues the reform's `fixed` bases exactly; a scenario that indexes
//! its bases would be frozen at the net base by it (see the README).

use crate::error::{Error, Result};
use crate::money::format_yuan;
use crate::scenario::run::ScenarioResult;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Folder of the carried files inside an output folder.
pub const FOLDER: &str = "carry_forward";

/// The `bases.csv` text of one scenario's bases: one row per county, sorted by code.
pub fn bases_csv(r: &ScenarioResult) -> String {
    let mut bases: BTreeMap<&str, (i32, i64)> = BTreeMap::new();
    for b in &r.baselines {
        bases
            .entry(b.county.as_str())
            .or_insert((b.direct_since.year, b.net_base));
    }
    let mut out = String::from("county,from_year,base\n");
    for (county, (year, base)) in bases {
        out += &format!("{county},{year},{}\n", format_yuan(base));
    }
    out
}

/// Where a scenario's carried bases go: `carry_forward/bases.csv` for a run of one
/// scenario, `carry_forward/SCENARIO/bases.csv` for each of several.
pub fn path_of(dir: &Path, r: &ScenarioResult, several: bool) -> PathBuf {
    let folder = dir.join(FOLDER);
    if several {
        folder.join(&r.scenario.name).join("bases.csv")
    } else {
        folder.join("bases.csv")
    }
}

/// Writes the carried bases of every scenario under `dir`.
pub fn write(dir: &Path, results: &[ScenarioResult]) -> Result<()> {
    for r in results {
        let path = path_of(dir, r, results.len() > 1);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(|e| Error::io(parent, e))?;
        }
        std::fs::write(&path, bases_csv(r)).map_err(|e| Error::io(&path, e))?;
    }
    Ok(())
}
