//! `fencheng compare A.toml … --against REF.toml --out DIR`: run the scenarios and the
//! reference (in parallel), write every table plus the comparison's (`comparison`,
//! `comparison_summary`, `comparison_prefectures`, `comparison_groups`,
//! `comparison_totals`, `retention`), and print the change by level, by prefecture and the
//! biggest winners and losers ([`super::compare_text`]).

use super::{Encoding, Granularity};
use clap::Args;
use fencheng::engine::Engine;
use fencheng::report::comparison::comparison_tables;
use fencheng::report::{manifest::manifest, run_tables, write_output};
use fencheng::scenario::compare::AnalysisOptions;
use fencheng::scenario::run::RunOptions;
use fencheng::{Error, Result};
use rust_decimal::Decimal;
use std::path::PathBuf;

#[derive(Args, Debug)]
pub struct CompareArgs {
    /// Scenario files to compare.
    #[arg(required = true)]
    scenarios: Vec<PathBuf>,
    /// The reference scenario.
    #[arg(long)]
    against: PathBuf,
    #[command(flatten)]
    output: super::output::OutputArgs,
    /// Monthly totals (default, fast) or every receipt.
    #[arg(long, value_enum, default_value_t = Granularity::Monthly)]
    granularity: Granularity,
    /// Encoding of CSV ledgers.
    #[arg(long, value_enum, default_value_t = Encoding::Utf8)]
    encoding: Encoding,
    /// The sheet of .xlsx ledgers (needed when a workbook has data on several sheets).
    #[arg(long)]
    sheet: Option<String>,
    /// How many winners and losers to print.
    #[arg(long, default_value_t = 10)]
    top: usize,
    /// Year whose local revenue per head sorts counties into five income groups (default:
    /// the year before the first switch that differs from the reference).
    #[arg(long)]
    groups_year: Option<i32>,
    /// Yearly discount rate of `delta_present_value`, 0 to 1 with at most 6 decimals.
    #[arg(long, default_value = "0.03")]
    discount: String,
    /// Print nothing but errors.
    #[arg(long)]
    quiet: bool,
}

/// The `--discount` rate if it is a decimal from 0 to 1 with at most 6 decimals.
fn discount_rate(text: &str) -> Result<Decimal> {
    let bad = |why: &str| Error::Usage(format!("--discount `{text}`: {why}"));
    let d: Decimal = text
        .trim()
        .parse()
        .map_err(|_| bad("not a decimal number (e.g. 0.03)"))?;
    if d.scale() > 6 && d.normalize().scale() > 6 {
        return Err(bad("more than 6 decimals"));
    }
    if d < Decimal::ZERO || d > Decimal::ONE {
        return Err(bad("must lie between 0 and 1"));
    }
    Ok(d)
}

pub fn compare_cmd(a: CompareArgs) -> Result<()> {
    let opts = AnalysisOptions {
        groups_year: a.groups_year,
        discount: discount_rate(&a.discount)?,
    };
    let mut paths = vec![a.against.clone()];
    paths.extend(a.scenarios.iter().cloned());
    let scenarios = Engine::load_scenarios(&paths)?;
    let run_opts = RunOptions {
        granularity: a.granularity.into(),
        quarantine: false,
    };
    let mut engine = super::engine(a.encoding, &a.sheet);
    let results = engine.run(&scenarios, run_opts)?;
    super::output::refuse_over_inputs("--out", &a.output.out, &engine.input_files(&results))?;
    let (reference, others) = results
        .split_first()
        .ok_or_else(|| Error::Usage("no scenario".into()))?;
    let analyses = Engine::compare(reference, others, opts)?;
    let mut out_tables = run_tables(&results);
    out_tables.extend(comparison_tables(&analyses, &results, &reference.regions));
    let mut manifest = manifest("compare", &results, &engine.ledger_files())?;
    manifest["reference"] = serde_json::json!(reference.scenario.name);
    manifest["discount"] = serde_json::json!(opts.discount.to_string());
    manifest["groups_year"] = serde_json::json!(analyses
        .iter()
        .map(|x| (x.scenario.clone(), x.groups_year))
        .collect::<std::collections::BTreeMap<_, _>>());
    let out = write_output(
        &a.output.out,
        &out_tables,
        &manifest,
        a.output.options(),
        &|dir| super::run::write_workbook_and_report(dir, &results, &analyses, a.output.workbook()),
    )?;
    if !a.quiet {
        for x in &analyses {
            super::compare_text::print_analysis(x, reference, a.top);
        }
        println!("wrote {}", out.display());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::discount_rate;

    #[test]
    fn discount_rates_in_range_only() {
        assert_eq!(discount_rate("0.03").unwrap().to_string(), "0.03");
        assert_eq!(discount_rate("0").unwrap().to_string(), "0");
        for bad in ["abc", "-0.01", "1.5", "0.0000001"] {
            let e = discount_rate(bad).unwrap_err().to_string();
            assert!(e.contains(&format!("`{bad}`")), "{e}");
        }
    }
}
