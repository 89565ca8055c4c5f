//! `fencheng explain SCENARIO --region CODE --year YEAR`: how every settlement figure of
//! one region-year was reached, line by line; `--format json` for tools.

use super::{Encoding, Granularity};
use clap::{Args, ValueEnum};
use fencheng::engine::Engine;
use fencheng::scenario::run::RunOptions;
use fencheng::scenario::Scenario;
use fencheng::{Error, Result};
use std::path::PathBuf;

#[derive(Clone, Copy, Debug, ValueEnum)]
enum Format {
    Text,
    Json,
}

#[derive(Args, Debug)]
pub struct ExplainArgs {
    /// Scenario file.
    scenario: PathBuf,
    /// Region code or name (county or prefecture): 410825 or 温县.
    #[arg(long)]
    region: String,
    /// Fiscal year (one of the scenario's years).
    #[arg(long)]
    year: i32,
    /// Text for people, JSON for tools.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
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

pub fn explain(a: ExplainArgs) -> Result<()> {
    let sc = Scenario::load(&a.scenario)?;
    let r = super::engine(a.encoding, &a.sheet).run_one(
        &sc,
        RunOptions {
            granularity: a.granularity.into(),
            quarantine: false,
        },
    )?;
    let e = Engine::explain(&r, &a.region, a.year)?;
    match a.format {
        Format::Text => print!("{}", e.render_text()),
        Format::Json => println!(
            "{}",
            serde_json::to_string_pretty(&e).map_err(|x| Error::Input(x.to_string()))?
        ),
    }
    Ok(())
}
