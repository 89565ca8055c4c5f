//! `fencheng synth`: the seeded synthetic ledger — monthly totals per region × item ×
//! level (one CSV per year), or receipts with `--receipts N` (Parquet by `fiscal_year=`).

use super::default_file;
use clap::Args;
use fencheng::regions::RegionTable;
use fencheng::rules::RuleSet;
use fencheng::synth::{self, MonthlyOptions, ReceiptOptions};
use fencheng::{Error, Result};
use std::path::PathBuf;

#[derive(Args, Debug)]
pub struct SynthArgs {
    /// Region table [default: datasets/henan/regions.csv, found from the working
    /// directory or beside the binary].
    #[arg(long)]
    regions: Option<PathBuf>,
    /// Rulebook (items and rules in force) [default: datasets/henan/rulebook.toml, found
    /// the same way].
    #[arg(long)]
    rulebook: Option<PathBuf>,
    /// Output folder.
    #[arg(long)]
    out: PathBuf,
    /// Random seed (the shipped ledger uses the default).
    #[arg(long, default_value_t = 2022)]
    seed: u64,
    /// Years, e.g. 2019-2024.
    #[arg(long, default_value = "2019-2024")]
    years: String,
    /// Receipt-level ledger with this many receipts (Parquet by year) instead of monthly totals.
    #[arg(long)]
    receipts: Option<u64>,
    /// With --receipts, also write CSV.
    #[arg(long, requires = "receipts")]
    csv: bool,
}

fn parse_years(text: &str) -> Result<std::ops::RangeInclusive<i32>> {
    let bad = || Error::Usage(format!("--years `{text}`: expected YYYY-YYYY"));
    let (a, b) = text.split_once('-').ok_or_else(bad)?;
    let (a, b) = (
        a.parse::<i32>().map_err(|_| bad())?,
        b.parse::<i32>().map_err(|_| bad())?,
    );
    if a > b {
        return Err(bad());
    }
    Ok(a..=b)
}

pub fn synth(a: SynthArgs) -> Result<()> {
    let regions = match &a.regions {
        Some(p) => p.clone(),
        None => default_file("datasets/henan/regions.csv", "--regions")?,
    };
    let rulebook = match &a.rulebook {
        Some(p) => p.clone(),
        None => default_file("datasets/henan/rulebook.toml", "--rulebook")?,
    };
    let regions = RegionTable::load(&regions)?;
    let rules = RuleSet::load(&rulebook)?;
    let years = parse_years(&a.years)?;
    match a.receipts {
        Some(n) => {
            let opts = ReceiptOptions {
                receipts: n,
                years,
                seed: a.seed,
                out: a.out.clone(),
                csv: a.csv,
            };
            let report = synth::receipts(&regions, &rules, &opts)?;
            println!("{report}");
        }
        None => {
            let opts = MonthlyOptions {
                years,
                seed: a.seed,
                ..Default::default()
            };
            let rows = synth::monthly(&regions, &rules, &opts)?;
            std::fs::create_dir_all(&a.out).map_err(|e| Error::io(&a.out, e))?;
            let files = synth::write_monthly_csv(&rows, &a.out)?;
            let cal = synth::summarize(&rows, &regions, &rules)?;
            println!(
                "{} rows in {} files under {}",
                rows.len(),
                files.len(),
                a.out.display()
            );
            // calibration per year, in 亿元 (100 million yuan)
            let yi = super::summary::yi;
            println!(
                "year      rows  refunds  collected      local   VAT local  counties  county median"
            );
            for y in &cal.years {
                println!(
                    "{} {:>9} {:>8} {:>10} {:>10} {:>11} {:>9} {:>14}",
                    y.year,
                    y.rows,
                    y.negative_rows,
                    yi(y.collected),
                    yi(y.local),
                    yi(y.vat_local),
                    y.counties,
                    yi(y.county_median)
                );
            }
            let checks = synth::published(&rows, &regions, &rules)?;
            if !checks.is_empty() {
                println!("published figures (一般公共预算收入, 亿元): ledger / published");
            }
            for c in &checks {
                println!(
                    "  {} {} {:>10} / {:>10}  {}",
                    c.figure.code,
                    c.figure.year,
                    yi(c.measured),
                    yi(c.figure.yuan * 100),
                    c.figure.source
                );
            }
        }
    }
    Ok(())
}
