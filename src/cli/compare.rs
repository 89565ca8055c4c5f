//! `fencheng compare A.toml … --against REF.toml --out DIR`: run the scenarios and the
//! reference (in parallel), write every table plus `comparison` and `comparison_summary`,
//! and print the biggest county winners and losers.

use super::run::{load_scenarios, run_all};
use clap::Args;
use fencheng::ledger::Encoding;
use fencheng::money::format_yuan;
use fencheng::regions::RegionKind;
use fencheng::report::{manifest::manifest, run_tables, tables, write_output};
use fencheng::scenario::compare::{compare, ComparisonRow};
use fencheng::scenario::run::RunOptions;
use fencheng::split::Granularity;
use fencheng::{Error, Result};
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
    /// How many winners and losers to print.
    #[arg(long, default_value_t = 10)]
    top: usize,
    /// Print nothing but errors.
    #[arg(long)]
    quiet: bool,
}

pub fn compare_cmd(a: CompareArgs) -> Result<()> {
    let mut paths = vec![a.against.clone()];
    paths.extend(a.scenarios.iter().cloned());
    let scenarios = load_scenarios(&paths)?;
    let opts = RunOptions {
        granularity: a.granularity,
        quarantine: false,
    };
    let (results, scans) = run_all(&scenarios, opts, a.encoding)?;
    super::output::refuse_over_inputs(
        "--out",
        &a.output.out,
        &super::output::inputs_of(&results, &scans),
    )?;
    let (reference, others) = results
        .split_first()
        .ok_or_else(|| Error::Usage("no scenario".into()))?;
    let mut rows = Vec::new();
    let mut summary = Vec::new();
    let mut comparisons = Vec::new();
    for s in others {
        let (r, sm) = compare(reference, s);
        rows.extend(r.iter().cloned());
        summary.extend(sm.iter().cloned());
        comparisons.push((reference.scenario.name.clone(), r, sm));
    }
    let mut out_tables = run_tables(&results);
    out_tables.push(tables::comparison(&rows, &reference.regions));
    out_tables.push(tables::comparison_summary(
        &summary,
        &reference.scenario.name,
    ));
    let ledger_files: Vec<_> = scans.iter().flat_map(|s| s.files.clone()).collect();
    let mut manifest = manifest("compare", &results, &ledger_files)?;
    manifest["reference"] = serde_json::json!(reference.scenario.name);
    let out = write_output(
        &a.output.out,
        &out_tables,
        &manifest,
        a.output.options(),
        &|dir| {
            super::run::write_workbook_and_report(dir, &results, &comparisons, a.output.workbook())
        },
    )?;
    if !a.quiet {
        print_winners(&rows, &summary, reference, a.top);
        println!("wrote {}", out.display());
    }
    Ok(())
}

fn print_winners(
    rows: &[ComparisonRow],
    summary: &[fencheng::scenario::compare::SummaryRow],
    reference: &fencheng::scenario::run::ScenarioResult,
    top: usize,
) {
    let name = |code: &str| {
        reference
            .regions
            .get(code)
            .map(|r| r.name.clone())
            .unwrap_or_default()
    };
    let mut scenarios: Vec<&str> = rows.iter().map(|r| r.scenario.as_str()).collect();
    scenarios.dedup();
    for sc in scenarios {
        // cumulative change over every compared year, per county and per prefecture
        let mut total: std::collections::BTreeMap<&str, (RegionKind, i64)> = Default::default();
        let years: std::collections::BTreeSet<i32> = rows
            .iter()
            .filter(|r| r.scenario == sc)
            .map(|r| r.year)
            .collect();
        for r in rows.iter().filter(|r| r.scenario == sc) {
            total.entry(&r.region).or_insert((r.kind, 0)).1 += r.delta;
        }
        let by = |f: fn(&fencheng::scenario::compare::SummaryRow) -> i64| -> i64 {
            summary.iter().filter(|r| r.scenario == sc).map(f).sum()
        };
        let span = format!(
            "{}–{}",
            years.first().unwrap_or(&0),
            years.last().unwrap_or(&0)
        );
        println!(
            "\n== {sc} against {}: change of available resources {span}, summed (yuan) ==",
            reference.scenario.name
        );
        println!(
            "counties {} · prefectures {} · province {} (own revenue)",
            format_yuan(by(|r| r.delta_counties)),
            format_yuan(by(|r| r.delta_prefectures)),
            format_yuan(by(|r| r.delta_province))
        );
        for kind in [RegionKind::County, RegionKind::Prefecture] {
            let mut v: Vec<(&str, i64)> = total
                .iter()
                .filter(|(_, (k, _))| *k == kind)
                .map(|(c, (_, d))| (*c, *d))
                .collect();
            v.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
            let label = if kind == RegionKind::County {
                "counties"
            } else {
                "prefectures"
            };
            println!("top {label} gaining:");
            for (c, d) in v.iter().filter(|x| x.1 > 0).take(top) {
                println!(
                    "  {c} {} {:>20}",
                    super::text::pad(&name(c), 10),
                    format_yuan(*d)
                );
            }
            println!("top {label} losing:");
            for (c, d) in v.iter().rev().filter(|x| x.1 < 0).take(top) {
                println!(
                    "  {c} {} {:>20}",
                    super::text::pad(&name(c), 10),
                    format_yuan(*d)
                );
            }
        }
    }
}
