//! `fencheng run SCENARIO… --out DIR`: settle scenarios (in parallel) and write the tables.

use super::summary::print_summary;
use super::{Encoding, Granularity};
use clap::Args;
use fencheng::engine::Engine;
use fencheng::report::{manifest::manifest, run_tables, write_output};
use fencheng::scenario::run::{RunOptions, ScenarioResult};
use fencheng::Result;
use std::path::PathBuf;

#[derive(Args, Debug)]
pub struct RunArgs {
    /// Scenario files (TOML).
    #[arg(required = true)]
    scenarios: Vec<PathBuf>,
    #[command(flatten)]
    output: super::output::OutputArgs,
    /// Split each receipt (exact, the treasury's way) or each monthly total.
    #[arg(long, value_enum, default_value_t = Granularity::Receipt)]
    granularity: Granularity,
    /// Encoding of CSV ledgers.
    #[arg(long, value_enum, default_value_t = Encoding::Utf8)]
    encoding: Encoding,
    /// The sheet of .xlsx ledgers (needed when a workbook has data on several sheets).
    #[arg(long)]
    sheet: Option<String>,
    /// Run without the bad rows and write them to this CSV file.
    #[arg(long)]
    quarantine: Option<PathBuf>,
    /// Print nothing but errors.
    #[arg(long)]
    quiet: bool,
    /// Print a JSON summary (for scripts) instead of the tables.
    #[arg(long, conflicts_with = "quiet")]
    json: bool,
}

pub fn run(a: RunArgs) -> Result<()> {
    let scenarios = Engine::load_scenarios(&a.scenarios)?;
    let opts = RunOptions {
        granularity: a.granularity.into(),
        quarantine: a.quarantine.is_some(),
    };
    let mut engine = super::engine(a.encoding, &a.sheet);
    let results = engine.run(&scenarios, opts)?;
    let inputs = engine.input_files(&results);
    super::output::refuse_over_inputs("--out", &a.output.out, &inputs)?;
    if let Some(q) = &a.quarantine {
        super::output::refuse_over_inputs("--quarantine", q, &inputs)?;
        // every scenario's rejected rows, once each; written even when there are none, so
        // an earlier run's file never stands for this one
        Engine::quarantined_rows(&results).write_csv(q)?;
    }
    let manifest = manifest("run", &results, &engine.ledger_files())?;
    let out = write_output(
        &a.output.out,
        &run_tables(&results),
        &manifest,
        a.output.options(),
        &|dir| write_workbook_and_report(dir, &results, &[], a.output.workbook()),
    )?;
    if a.json {
        println!(
            "{}",
            serde_json::to_string_pretty(&json_summary(&results, &out)).unwrap_or_default()
        );
    } else if !a.quiet {
        for r in &results {
            print_summary(r);
            print_warnings(r);
        }
        println!("wrote {}", out.display());
    }
    Ok(())
}

/// Writes `settlement.xlsx` (for the bureau) and `report.html` (charts) into the output.
pub fn write_workbook_and_report(
    dir: &std::path::Path,
    results: &[ScenarioResult],
    comparisons: &[fencheng::scenario::compare::Analysis],
    workbook: fencheng::report::xlsx::WorkbookOptions,
) -> Result<()> {
    fencheng::report::write_documents(dir, results, comparisons, workbook)
}

/// Warnings (踩刹车) counted by rule, with the first few, at the end of `run`.
fn print_warnings(r: &ScenarioResult) {
    let ws = fencheng::supervision::warnings(r);
    if ws.is_empty() {
        println!("warnings: none");
        return;
    }
    let mut by_rule: std::collections::BTreeMap<&str, usize> = Default::default();
    for w in &ws {
        *by_rule.entry(w.rule).or_default() += 1;
    }
    let counts: Vec<String> = by_rule.iter().map(|(k, n)| format!("{k} {n}")).collect();
    println!(
        "warnings: {} ({}); see warnings.csv",
        ws.len(),
        counts.join(", ")
    );
    for w in ws.iter().take(5) {
        println!(
            "  {} {} {}: {}: {}",
            w.year, w.region, w.region_name, w.rule, w.detail
        );
    }
    if ws.len() > 5 {
        println!("  … {} more in warnings.csv", ws.len() - 5);
    }
}

/// The `--json` summary: per scenario the province by year, checks and warnings.
fn json_summary(results: &[ScenarioResult], out: &std::path::Path) -> serde_json::Value {
    use fencheng::money::format_yuan;
    let scenarios: Vec<_> = results
        .iter()
        .map(|r| {
            serde_json::json!({
                "scenario": r.scenario.name,
                "granularity": r.granularity,
                "province": r.province.iter().map(|p| serde_json::json!({
                    "fiscal_year": p.year,
                    "collected": format_yuan(p.collected),
                    "to_central": format_yuan(p.to_central),
                    "to_province": format_yuan(p.to_province),
                    "prefectures_available": format_yuan(p.prefectures_available),
                    "counties_available": format_yuan(p.counties_available),
                    "base_flow": format_yuan(p.base_flow),
                    "projected": p.projected,
                })).collect::<Vec<_>>(),
                "checks_passed": r.checks.iter().all(|c| c.passed),
                "warnings": fencheng::supervision::warnings(r).len(),
                "quarantined_rows": r.quarantined.as_ref().map_or(0, |q| q.rows),
            })
        })
        .collect();
    serde_json::json!({ "out": out.display().to_string(), "scenarios": scenarios })
}
