//! `fencheng validate LEDGER…`: every problem of a ledger, grouped, with rejected rows
//! written to a file on request. Exit 1 when any row is rejected.

use clap::Args;
use fencheng::ledger::{Encoding, LedgerScan};
use fencheng::regions::RegionTable;
use fencheng::rules::RuleSet;
use fencheng::{Error, Result};
use std::collections::BTreeMap;
use std::path::PathBuf;

#[derive(Args, Debug)]
pub struct ValidateArgs {
    /// Ledger files, folders or globs.
    #[arg(required = true)]
    ledgers: Vec<PathBuf>,
    /// Region table, to check region codes and levels.
    #[arg(long)]
    regions: Option<PathBuf>,
    /// Rulebook, to check item codes and rules in force.
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

pub fn validate(a: ValidateArgs) -> Result<()> {
    let scan = LedgerScan::open_with_progress(
        &a.ledgers,
        super::read_options(a.encoding, &a.sheet),
        &super::progress::bar(),
    )?;
    let bad_keys = match (&a.regions, &a.rulebook) {
        (Some(r), Some(b)) => {
            let (regions, rules) = (RegionTable::load(r)?, RuleSet::load(b)?);
            rules
                .check_regions(&regions)
                .map_err(|(k, e)| Error::key(b, k, e))?;
            fencheng::split::key_problems(&scan, &regions, &rules)
        }
        (None, None) => BTreeMap::new(),
        _ => {
            return Err(Error::Usage(
                "give both --regions and --rulebook, or neither".into(),
            ))
        }
    };
    let rejects = scan.rejects(&bad_keys)?;
    let rows: u64 = scan.files.iter().map(|f| f.rows).sum();
    println!(
        "{} file(s), {rows} row(s), {} rejected",
        scan.files.len(),
        rejects.count()
    );
    if let Some(p) = &a.rejects {
        rejects.write_csv(p)?;
    }
    if rejects.count() > 0 {
        return Err(Error::Ledger {
            count: rejects.count(),
            summary: rejects.summary(5),
        });
    }
    Ok(())
}
