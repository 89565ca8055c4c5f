//! Properties of the shipped Henan data under the reform and its counterfactual, and
//! byte-identical output for repeated runs and any thread count.

use assert_cmd::Command;
use fencheng::ledger::{BudgetLevel, Encoding, LedgerScan};
use fencheng::scenario::run::{run_scenario, RunOptions, ScenarioResult};
use fencheng::scenario::Scenario;
use fencheng::split::Granularity;
use fencheng::tables::load_subsidies;
use std::path::Path;

fn run(file: &str) -> ScenarioResult {
    let sc = Scenario::load(Path::new(file)).unwrap();
    let scan = LedgerScan::open(&sc.ledgers, Encoding::Utf8).unwrap();
    run_scenario(
        &sc,
        &scan,
        RunOptions {
            granularity: Granularity::Monthly,
            quarantine: false,
        },
    )
    .unwrap()
}

#[test]
fn counties_switched_in_2022_keep_their_prefectures_2021_share_as_base() {
    let r = run("scenarios/reform-2022.toml");
    let subsidies = load_subsidies(Path::new("datasets/henan/subsidies.csv"), &r.regions).unwrap();
    let switched: Vec<_> = r
        .regions
        .all()
        .iter()
        .filter(|c| {
            c.direct_since.is_some_and(|d| d.year == 2022) && r.regions.prefecture_of(c).is_some()
        })
        .collect();
    assert_eq!(switched.len(), 92, "102 counties less the 10 pilots");
    for c in switched {
        let share_2021: i64 = r
            .shares
            .iter()
            .filter(|s| {
                s.key.region == c.code && s.key.year == 2021 && s.key.level == BudgetLevel::Shared
            })
            .map(|s| s.parts.to_prefecture)
            .sum();
        let subsidy = subsidies.get(&(c.code.clone(), 2021)).copied().unwrap_or(0);
        for b in r.baselines.iter().filter(|b| b.county == c.code) {
            assert_eq!(b.net_base, share_2021 - subsidy, "county {}", c.code);
            assert_eq!(b.due, b.net_base, "fixed base, county {}", c.code);
        }
        for year in 2022..=2024 {
            let rows = r
                .shares
                .iter()
                .filter(|s| s.key.region == c.code && s.key.year == year);
            let to_pref: i64 = rows.clone().map(|s| s.parts.to_prefecture).sum();
            let fixed: i64 = rows
                .filter(|s| s.key.level == BudgetLevel::Prefecture)
                .map(|s| s.parts.collected)
                .sum();
            assert_eq!(
                to_pref, fixed,
                "county {} {year}: only fixed-level prefecture receipts",
                c.code
            );
        }
    }
    assert!(r.checks.iter().all(|c| c.passed));
}

#[test]
fn no_reform_keeps_prefecture_managed_shares_after_2022() {
    let r = run("scenarios/no-reform.toml");
    assert!(
        r.baselines.iter().all(|b| b.direct_since.year == 2014),
        "only the pilots have bases"
    );
    let s = r
        .settlement
        .iter()
        .find(|s| s.region == "410122" && s.year == 2023)
        .unwrap(); // 中牟县
    assert_eq!(s.regime.unwrap().as_str(), "prefecture");
    assert!(s.parts.to_prefecture > 0);
    let managed_shared: i64 = r
        .shares
        .iter()
        .filter(|x| {
            x.key.region == "410122" && x.key.year == 2023 && x.key.level == BudgetLevel::Shared
        })
        .map(|x| x.parts.to_prefecture - x.parts.prefecture_if_managed)
        .sum();
    assert_eq!(managed_shared, 0, "prefecture takes its old-rule share");
}

fn outputs(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| {
            p.extension()
                .is_some_and(|x| ["csv", "parquet", "xlsx", "html"].iter().any(|e| x == *e))
        })
        .map(|p| {
            (
                p.file_name().unwrap().to_string_lossy().into_owned(),
                std::fs::read(&p).unwrap(),
            )
        })
        .collect();
    files.sort();
    files
}

#[test]
fn same_inputs_same_bytes_on_any_thread_count() {
    let tmp = tempfile::tempdir().unwrap();
    let mut runs = Vec::new();
    for (i, threads) in [None, None, Some("1")].into_iter().enumerate() {
        let out = tmp.path().join(format!("run{i}"));
        let mut cmd = Command::cargo_bin("fencheng").unwrap();
        cmd.args([
            "run",
            "scenarios/reform-2022.toml",
            "scenarios/no-reform.toml",
            "--quiet",
            "--out",
            out.to_str().unwrap(),
        ]);
        if let Some(n) = threads {
            cmd.env("POLARS_MAX_THREADS", n).env("RAYON_NUM_THREADS", n);
        }
        cmd.assert().success();
        runs.push(outputs(&out));
    }
    assert_eq!(
        runs[0].len(),
        16,
        "six tables as Parquet and CSV, the workbook, the report, a statements workbook per \
         scenario (carry_forward/ is a folder)"
    );
    assert_eq!(runs[0], runs[1], "second run differs");
    assert_eq!(runs[0], runs[2], "single-threaded run differs");
}
