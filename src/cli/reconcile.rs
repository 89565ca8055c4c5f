//! `fencheng reconcile SCENARIO --expected FILE`: the settlement against a bureau's own
//! figures; every difference listed with the explain lines of its region-year, written to
//! `reconcile.csv`; exit 0 only when nothing differs.

use super::{Encoding, Granularity};
use clap::Args;
use fencheng::reconcile::{differences_csv, read_expected, reconcile};
use fencheng::scenario::run::RunOptions;
use fencheng::scenario::Scenario;
use fencheng::{Error, Result};
use std::collections::BTreeSet;
use std::path::PathBuf;

#[derive(Args, Debug)]
pub struct ReconcileArgs {
    /// Scenario file.
    scenario: PathBuf,
    /// The bureau's figures: CSV or xlsx with region_code, fiscal_year and settlement
    /// columns (English names or the workbook's Chinese headers).
    #[arg(long)]
    expected: PathBuf,
    /// The year of every row, for a file without a fiscal_year (年度) column.
    #[arg(long)]
    year: Option<i32>,
    /// Where to write the differences.
    #[arg(long, default_value = "reconcile.csv")]
    out: PathBuf,
    /// Split each receipt (default) or each monthly total.
    #[arg(long, value_enum, default_value_t = Granularity::Receipt)]
    granularity: Granularity,
    /// Encoding of CSV ledgers.
    #[arg(long, value_enum, default_value_t = Encoding::Utf8)]
    encoding: Encoding,
    /// The sheet of .xlsx ledgers (needed when a workbook has data on several sheets).
    #[arg(long)]
    sheet: Option<String>,
}

pub fn reconcile_cmd(a: ReconcileArgs) -> Result<()> {
    let sc = Scenario::load(&a.scenario)?;
    let mut engine = super::engine(a.encoding, &a.sheet);
    let ledger_files = engine.ledgers(&sc.ledgers)?.files.clone();
    let inputs: Vec<PathBuf> = sc
        .input_files()
        .into_iter()
        .chain(ledger_files.into_iter().map(|f| f.path))
        .chain([a.expected.clone()])
        .collect();
    super::output::refuse_over_inputs("--out", &a.out, &inputs)?;
    let opts = RunOptions {
        granularity: a.granularity.into(),
        quarantine: false,
    };
    let r = engine.run_one(&sc, opts)?;
    let expected = read_expected(&a.expected, a.year, &r.regions.province().code)?;
    let diffs = reconcile(&r, &a.expected, &expected)?;
    std::fs::write(&a.out, differences_csv(&diffs)).map_err(|e| Error::io(&a.out, e))?;
    let checked = expected.iter().filter(|e| e.value.is_some()).count();
    if diffs.is_empty() {
        println!(
            "reconciled: {checked} figure(s) of {} equal the settlement of {} to the fen; wrote {}",
            a.expected.display(),
            sc.name,
            a.out.display()
        );
        return Ok(());
    }
    let mut explained = BTreeSet::new();
    for d in &diffs {
        let show = |v: Option<i64>| v.map_or("(empty)".into(), fencheng::money::format_yuan);
        println!(
            "row {}: {} {} {} {}: expected {}, fencheng {}",
            d.row,
            d.region,
            d.region_name,
            d.year,
            d.column,
            show(d.expected),
            show(d.computed)
        );
        if explained.insert((d.region.clone(), d.year)) {
            let e = fencheng::explain::explain(&r, &d.region, d.year)?;
            for line in e.render_text().lines() {
                println!("    {line}");
            }
        }
    }
    let first = &diffs[0];
    Err(Error::Input(format!(
        "{} of {checked} figure(s) differ from {} (first: row {}, {} {} {}); every \
         difference is in {}",
        diffs.len(),
        a.expected.display(),
        first.row,
        first.region,
        first.year,
        first.column,
        a.out.display()
    )))
}
