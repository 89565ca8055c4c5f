//! `fencheng validate SCENARIO.toml` or `fencheng validate LEDGER… [--regions F --rulebook F]`:
//! every problem of a ledger, grouped, with rejected rows written to a file on request.
//! Exit 1 when any row is rejected.

use super::Encoding;
use clap::Args;
use fencheng::regions::RegionTable;
use fencheng::rules::RuleSet;
use fencheng::scenario::Scenario;
use fencheng::{Error, Result};
use std::path::PathBuf;

#[derive(Args, Debug)]
pub struct ValidateArgs {
    /// A scenario file (its ledgers judged against its region table and rulebook, as `run`
    /// judges them), or ledger files, folders or globs (CSV, Parquet or xlsx).
    #[arg(required = true)]
    inputs: Vec<PathBuf>,
    /// Region table, to check the ledgers' region codes and levels (with ledger inputs).
    #[arg(long)]
    regions: Option<PathBuf>,
    /// Rulebook, to check item codes and rules in force (with ledger inputs).
    #[arg(long)]
    rulebook: Option<PathBuf>,
    /// Write every rejected row (file, row, reason, fields) to this CSV.
    #[arg(long)]
    rejects: Option<PathBuf>,
    /// Encoding of CSV ledgers.
    #[arg(long, value_enum, default_value_t = Encoding::Utf8)]
    encoding: Encoding,
    /// The sheet of .xlsx ledgers (needed when a workbook has data on several sheets).
    #[arg(long)]
    sheet: Option<String>,
}

/// The one scenario file among the inputs, if the inputs are one `.toml` file.
fn scenario_input(inputs: &[PathBuf]) -> Option<&PathBuf> {
    match inputs {
        [one] if one.extension().is_some_and(|e| e == "toml") => Some(one),
        _ => None,
    }
}

pub fn validate(a: ValidateArgs) -> Result<()> {
    let mut engine = super::engine(a.encoding, &a.sheet);
    let found =
        if let Some(path) = scenario_input(&a.inputs) {
            if a.regions.is_some() || a.rulebook.is_some() {
                return Err(Error::Usage(
                    "a scenario names its region table and rulebook: drop --regions and --rulebook"
                        .into(),
                ));
            }
            engine.validate(&Scenario::load(path)?)?
        } else {
            match (&a.regions, &a.rulebook) {
                (Some(r), Some(b)) => {
                    let (regions, rules) = (RegionTable::load(r)?, RuleSet::load(b)?);
                    rules
                        .check_regions(&regions)
                        .map_err(|(k, e)| Error::key(b, k, e))?;
                    engine.validate_against(&a.inputs, Some((&regions, &rules)))?
                }
                (None, None) => engine.validate_against(&a.inputs, None)?,
                _ => return Err(Error::Usage(
                    "give both --regions and --rulebook, or neither (or a scenario file instead \
                     of the ledgers)"
                        .into(),
                )),
            }
        };
    println!(
        "{} file(s), {} row(s), {} rejected",
        found.files,
        found.rows,
        found.rejects.count()
    );
    if let Some(p) = &a.rejects {
        found.rejects.write_csv(p)?;
    }
    if found.rejects.count() > 0 {
        return Err(Error::Ledger {
            count: found.rejects.count(),
            summary: found.rejects.summary(5),
        });
    }
    Ok(())
}
