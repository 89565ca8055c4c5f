//! `explain` and the supervision warnings on the hand-made province of `tests/cases/mini`:
//! explanations that add up to every statement and reproduce every due, and each warning
//! rule fired by one edit of a clean copy of the case (and not fired without it).

use fencheng::explain::{explain, Explanation};
use fencheng::ledger::{Encoding, LedgerScan};
use fencheng::money::{parse_yuan, Rate};
use fencheng::report::tables::warnings_table;
use fencheng::scenario::run::{run_scenario, RunOptions, ScenarioResult};
use fencheng::scenario::Scenario;
use fencheng::split::Granularity;
use fencheng::supervision::{warnings, warnings_with, Thresholds, Warning};
use fencheng::Error;
use serde_json::Value;
use std::path::Path;

const MINI: &str = "tests/cases/mini";
const INDEXATIONS: [&str; 5] = [
    "fixed.toml",
    "rate.toml",
    "revenue_coefficient.toml",
    "phase_out_years.toml",
    "increment_share.toml",
];

fn run_in(dir: &Path, file: &str, granularity: Granularity, quarantine: bool) -> ScenarioResult {
    let sc = Scenario::load(&dir.join(file)).unwrap();
    let scan = LedgerScan::open(&sc.ledgers, Encoding::Utf8).unwrap();
    let opts = RunOptions {
        granularity,
        quarantine,
    };
    run_scenario(&sc, &scan, opts).unwrap()
}

fn run(file: &str, granularity: Granularity) -> ScenarioResult {
    run_in(Path::new(MINI), file, granularity, false)
}

/// A yuan string of the JSON back to fen.
fn fen(v: &Value) -> i64 {
    parse_yuan(v.as_str().expect("money is a yuan string")).unwrap()
}

fn json(e: &Explanation) -> Value {
    serde_json::to_value(e).unwrap()
}

#[test]
fn explained_item_lines_add_up_to_every_statement() {
    for g in [Granularity::Receipt, Granularity::Monthly] {
        let r = run("fixed.toml", g);
        for row in &r.settlement {
            let v = json(&explain(&r, &row.region, row.year).unwrap());
            let sum = |part: &str| -> i64 {
                v["lines"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|l| fen(&l["split"][part]))
                    .sum()
            };
            let p = row.parts;
            for (part, figure) in [
                ("collected", p.collected),
                ("to_central", p.to_central),
                ("to_province", p.to_province),
                ("to_prefecture", p.to_prefecture),
                ("retained", p.retained),
            ] {
                assert_eq!(sum(part), figure, "{} {} {part}", row.region, row.year);
            }
            let s = &v["settlement"];
            let formula = fen(&s["retained"])
                + fen(&s["from_counties"])
                + fen(&s["rebates"])
                + fen(&s["transfers"])
                - fen(&s["base_paid"])
                + fen(&s["base_received"])
                - fen(&s["subsidy_paid"])
                + fen(&s["subsidy_received"]);
            assert_eq!(
                (formula, fen(&s["available"])),
                (row.available, row.available)
            );
            let flows = v["counties"].as_array().unwrap();
            let to_pref: i64 = flows.iter().map(|c| fen(&c["to_prefecture"])).sum();
            assert_eq!(to_pref, row.from_counties, "{} {}", row.region, row.year);
        }
    }
}

#[test]
fn explanation_of_990121_2023_reads_out_the_statement() {
    let r = run("fixed.toml", Granularity::Receipt);
    let e = explain(&r, "990121", 2023).unwrap();
    let t = e.render_text();
    for words in [
        "collected 15000.00 = central 7500.00 + province 1500.00 + prefecture 0.00 + retained 6000.00",
        "base year 2021: S (prefecture's old-rule part of shared receipts) 1080.00, subsidy B (市对县补助 T of that year, the base's subsidy part) 300.00",
        "net_base = shared_base − subsidy_base = 1080.00 − 300.00 = 780.00",
        "− base_paid 780.00 + base_received 0.00 − subsidy_paid 0.00 + subsidy_received 0.00 = 5220.00",
        "per capita = round(5220.00 / 100 residents) = 52.20",
        "province-direct, prefecture share 0 (old rules: 0.3)",
    ] {
        assert!(t.contains(words), "missing `{words}` in:\n{t}");
    }
    assert_eq!(e.direct_months, (1..=12).collect::<Vec<_>>());
}

#[test]
fn a_switch_in_july_shows_both_regimes_and_the_prefectures_own_rule() {
    let r = run("fixed.toml", Granularity::Receipt);
    let e = explain(&r, "990221", 2022).unwrap();
    assert_eq!(
        (e.prefecture_managed_months.clone(), e.direct_months.clone()),
        ((1..=6).collect(), (7..=12).collect())
    );
    let vat = &e.lines[0];
    let regimes: Vec<(Vec<u32>, bool, u32)> = vat
        .rules
        .iter()
        .map(|u| {
            (
                u.months.clone(),
                u.prefecture_managed,
                u.prefecture_applied.ppm(),
            )
        })
        .collect();
    assert_eq!(regimes, vec![(vec![3], true, 400_000), (vec![9], false, 0)]);
    assert!(!vat.rule_changed); // same item rule and prefecture rule all year
    assert_eq!(
        vat.rules[0].prefecture_rule.as_ref().map(|p| p.share),
        Some(Rate::parse("0.40").unwrap())
    );
    let base = e.base.unwrap();
    assert_eq!(
        (
            base.base_years[0].prefecture_share.0,
            base.base_years[0].subsidy.0
        ),
        (320_000, 500_000)
    );
    assert_eq!(
        (base.steps[0].due.0, base.steps[0].settled_due.0),
        (-180_000, -90_000)
    );
}

#[test]
fn a_rule_change_within_the_year_lists_each_rule() {
    let dir = copy_mini();
    std::fs::write(
        dir.path().join("vat_june.toml"),
        "[scenario]\nname = \"vat-june\"\nextends = \"fixed.toml\"\n\n\
         [[override]]\nitem = \"10101\"\nfrom = \"2022-06\"\nprovince = \"0.10\"\n",
    )
    .unwrap();
    let r = run_in(dir.path(), "vat_june.toml", Granularity::Receipt, false);
    let e = explain(&r, "990221", 2022).unwrap();
    let vat = &e.lines[0];
    assert!(vat.rule_changed);
    let rules: Vec<(String, u32)> = vat
        .rules
        .iter()
        .map(|u| (u.from.to_string(), u.province.ppm()))
        .collect();
    assert_eq!(
        rules,
        vec![("2019-01".into(), 200_000), ("2022-06".into(), 100_000)]
    );
    assert!(e.render_text().contains("the rule changed within the year"));
}

#[test]
fn indexation_steps_reproduce_the_due_of_every_indexation() {
    for file in INDEXATIONS {
        let r = run(file, Granularity::Receipt);
        assert!(!r.baselines.is_empty(), "{file}");
        for b in &r.baselines {
            let e = explain(&r, &b.county, b.year).unwrap();
            let base = e.base.as_ref().unwrap();
            assert_eq!(base.due.0, b.due, "{file} {} {}", b.county, b.year);
            assert_eq!(base.steps.first().unwrap().year, b.direct_since.year);
            assert_eq!(base.steps.last().unwrap().year, b.year);
            // every settled year on the way is the baselines table's due of that year
            for other in r.baselines.iter().filter(|o| o.county == b.county) {
                if let Some(s) = base.steps.iter().find(|s| s.year == other.year) {
                    assert_eq!(s.settled_due.0, other.due, "{file} {} {}", b.county, s.year);
                }
            }
            let v = json(&e);
            let last = v["base"]["steps"]
                .as_array()
                .unwrap()
                .last()
                .unwrap()
                .clone();
            assert_eq!(fen(&last["settled_due"]), b.due);
        }
    }
    // 990122 (bases.csv, from 2014) under a 3 % scenario: a fixed base stays 1000.00
    let r = run("rate.toml", Granularity::Monthly);
    let base = explain(&r, "990122", 2023).unwrap().base.unwrap();
    assert_eq!(
        (
            base.source.as_str(),
            base.base_years.len(),
            base.method.as_str()
        ),
        ("bases.csv", 0, "fixed")
    );
    assert_eq!(base.steps.len(), 10);
    assert!(base.steps.iter().all(|s| s.due.0 == 100_000));
    assert!(
        base.steps[0].how.contains("stays fixed"),
        "{}",
        base.steps[0].how
    );
}

#[test]
fn unknown_region_province_or_unsettled_year_is_an_input_error() {
    let r = run("fixed.toml", Granularity::Monthly);
    for (region, year, words) in [
        ("999999", 2022, "999999"),
        ("990000", 2022, "province"),
        ("990121", 2021, "2021"),
        ("990121", 2024, "2024"),
    ] {
        match explain(&r, region, year) {
            Err(Error::Input(m)) => assert!(m.contains(words), "{m}"),
            other => panic!("{region} {year}: expected an input error, got {other:?}"),
        }
    }
}

// ---- warnings ----

fn copy_mini() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("ledger")).unwrap();
    for sub in ["", "ledger"] {
        for f in std::fs::read_dir(Path::new(MINI).join(sub)).unwrap() {
            let f = f.unwrap().path();
            if f.is_file() {
                let to = dir.path().join(sub).join(f.file_name().unwrap());
                std::fs::copy(&f, to).unwrap();
            }
        }
    }
    dir
}

/// A ledger row: year, month, region, item, amount (all shared).
type Row = (i32, u32, String, String, String);

fn row(y: i32, m: u32, region: &str, item: &str, amount: &str) -> Row {
    (y, m, region.into(), item.into(), amount.into())
}

/// The mini case with a clean ledger: every region collects 1000.00 of VAT every month of
/// 2021–2023; `edit` changes the rows first.
fn clean_case(edit: impl Fn(&mut Vec<Row>)) -> tempfile::TempDir {
    let dir = copy_mini();
    let regions = [
        "990100", "990121", "990122", "990200", "990221", "990222", "990301",
    ];
    let mut rows = Vec::new();
    for y in 2021..=2023 {
        for r in regions {
            rows.extend((1..=12).map(|m| row(y, m, r, "10101", "1000.00")));
        }
    }
    edit(&mut rows);
    for y in 2021..=2023 {
        let mut text = "fiscal_year,month,region_code,item_code,budget_level,amount\n".to_string();
        for (_, m, r, i, a) in rows.iter().filter(|row| row.0 == y) {
            text += &format!("{y},{m},{r},{i},shared,{a}\n");
        }
        std::fs::write(dir.path().join(format!("ledger/{y}.csv")), text).unwrap();
    }
    dir
}

fn clean_warnings(edit: impl Fn(&mut Vec<Row>)) -> Vec<Warning> {
    let dir = clean_case(edit);
    warnings(&run_in(
        dir.path(),
        "fixed.toml",
        Granularity::Monthly,
        true,
    ))
}

/// (year, region) of the warnings of one rule.
fn fired(ws: &[Warning], rule: &str) -> Vec<(i32, String)> {
    let hits = ws.iter().filter(|w| w.rule == rule);
    hits.map(|w| (w.year, w.region.clone())).collect()
}

/// Checks that the first warning of `rule` names every one of `words`.
fn detail_names(ws: &[Warning], rule: &str, words: &[&str]) {
    let w = ws.iter().find(|w| w.rule == rule).expect("the rule fired");
    for word in words {
        assert!(
            w.detail.contains(word),
            "{rule}: `{word}` not in `{}`",
            w.detail
        );
    }
}

fn set_amount(rows: &mut [Row], y: i32, region: &str, a: &str) {
    for row in rows.iter_mut().filter(|r| r.0 == y && r.2 == region) {
        row.4 = a.to_string();
    }
}

#[test]
fn a_clean_case_fires_no_rule() {
    let ws = clean_warnings(|_| {});
    assert_eq!(ws, vec![]);
    let t = warnings_table(&ws);
    let names: Vec<&str> = t.columns.iter().map(|c| c.0.as_str()).collect();
    let want = [
        "scenario",
        "fiscal_year",
        "region_code",
        "region_name",
        "rule",
        "detail",
    ];
    assert_eq!(names, want);
}

#[test]
fn revenue_collapse_fires_on_a_fall_of_more_than_30_percent() {
    let ws = clean_warnings(|rows| set_amount(rows, 2023, "990121", "500.00"));
    assert_eq!(
        fired(&ws, "revenue_collapse"),
        vec![(2023, "990121".into())]
    );
    detail_names(&ws, "revenue_collapse", &["6000.00", "12000.00", "-50.0 %"]);
    assert_eq!(ws[0].region_name, "甲一县");
    // a fall of exactly 30 % is not "more than 30 %"
    let ws = clean_warnings(|rows| set_amount(rows, 2023, "990121", "700.00"));
    assert_eq!(fired(&ws, "revenue_collapse"), vec![]);
    // a looser threshold lets the 50 % fall pass
    let dir = clean_case(|rows| set_amount(rows, 2023, "990121", "500.00"));
    let r = run_in(dir.path(), "fixed.toml", Granularity::Monthly, false);
    let loose = Thresholds {
        collapse: Rate::parse("0.60").unwrap(),
        ..Thresholds::default()
    };
    assert_eq!(
        fired(&warnings_with(&r, &loose), "revenue_collapse"),
        vec![]
    );
}

#[test]
fn refunds_exceed_receipts_fires_on_a_negative_item_year_only() {
    let ws = clean_warnings(|rows| {
        rows.push(row(2023, 5, "990221", "10104", "-500.00"));
        rows.push(row(2023, 3, "990121", "10101", "-500.00"));
    });
    let want = vec![(2023, "990221".into())];
    assert_eq!(fired(&ws, "refunds_exceed_receipts"), want);
    detail_names(&ws, "refunds_exceed_receipts", &["10104", "-500.00"]);
}

#[test]
fn missing_months_fires_for_a_partial_year_not_an_empty_one() {
    let ws = clean_warnings(|rows| {
        rows.retain(|r| !(r.0 == 2022 && r.1 == 7 && r.2 == "990222"));
        rows.retain(|r| !(r.0 == 2023 && r.2 == "990301"));
    });
    assert_eq!(fired(&ws, "missing_months"), vec![(2022, "990222".into())]);
    detail_names(&ws, "missing_months", &["11 of 12", "month(s) 7"]);
    assert_eq!(
        fired(&ws, "revenue_collapse"),
        vec![(2023, "990301".into())]
    );
}

#[test]
fn base_above_retained_fires_when_the_due_exceeds_kept_revenue() {
    // 2023: 1200.00 collected, retained 480.00 < base due 1140.00 (1440.00 − 300.00)
    let ws = clean_warnings(|rows| set_amount(rows, 2023, "990121", "100.00"));
    let want = vec![(2023, "990121".into())];
    assert_eq!(fired(&ws, "base_above_retained"), want);
    detail_names(&ws, "base_above_retained", &["1140.00", "480.00"]);
}

#[test]
fn low_per_capita_fires_below_half_the_county_median() {
    let dir = clean_case(|_| {});
    let path = dir.path().join("regions.csv");
    let text = std::fs::read_to_string(&path).unwrap();
    let (small, large) = (
        "990301,丙市,county,990000,,50",
        "990301,丙市,county,990000,,10000",
    );
    std::fs::write(&path, text.replace(small, large)).unwrap();
    let ws = warnings(&run_in(
        dir.path(),
        "fixed.toml",
        Granularity::Monthly,
        false,
    ));
    let want = vec![(2022, "990301".into()), (2023, "990301".into())];
    assert_eq!(fired(&ws, "low_per_capita"), want);
    // 2022: 4800.00 / 10000 = 0.48 against half of the county median (19.00 + 26.27) / 2 =
    // 22.64 (990122 3800.00 / 200; 990221 retained 3840.00 + base 1540.00 + subsidy
    // 2500.00 (5000.00 for its six managed months) = 7880.00 / 300 = 26.27)
    detail_names(&ws, "low_per_capita", &["0.48", "22.64"]);
}

#[test]
fn quarantined_rows_give_one_warning_for_the_run() {
    let ws = clean_warnings(|rows| rows.push(row(2022, 5, "990999", "10101", "123.45")));
    assert_eq!(fired(&ws, "quarantined_rows"), vec![(2022, String::new())]);
    detail_names(&ws, "quarantined_rows", &["1 ledger row", "123.45"]);
}

#[test]
fn the_mini_case_flags_its_empty_years_in_order() {
    let ws = warnings(&run("fixed.toml", Granularity::Monthly));
    // 甲二县 collected 1000.00 in 2021 and nothing in 2022
    assert!(fired(&ws, "revenue_collapse").contains(&(2022, "990122".into())));
    let keys: Vec<(i32, &str, &str)> = ws
        .iter()
        .map(|w| (w.year, w.region.as_str(), w.rule))
        .collect();
    let mut sorted = keys.clone();
    sorted.sort();
    assert_eq!(keys, sorted);
    let t = warnings_table(&ws);
    assert_eq!((t.name.as_str(), t.height()), ("warnings", ws.len()));
}

#[test]
fn explain_shows_the_subsidy_of_a_managed_year_and_the_base_subsidy_part() {
    let r = run("fixed.toml", Granularity::Receipt);
    let t = explain(&r, "990221", 2022).unwrap().render_text();
    for words in [
        "T = 5000.00 (subsidies.csv has no row for 2022: its 2021 row held flat); \
         prefecture-managed 6 of 12 months: received = round(T × 6 / 12) = 2500.00",
        "subsidy B (市对县补助 T of that year, the base's subsidy part) 5000.00",
        "− subsidy_paid 0.00 + subsidy_received 2500.00 = 9800.00",
    ] {
        assert!(t.contains(words), "missing `{words}` in:\n{t}");
    }
    let t = explain(&r, "990200", 2022).unwrap().render_text();
    assert!(t.contains("subsidy paid (市对县补助) 2500.00"), "{t}");
    assert!(t.contains("subsidy_paid = 2500.00"), "{t}");
    // direct all year: the subsidy has become part of the base
    let t = explain(&r, "990121", 2023).unwrap().render_text();
    assert!(t.contains("province-direct all year"), "{t}");
}

/// The clean case with `subsidies` as its subsidies.csv rows.
fn clean_with_subsidies(rows: &str) -> Vec<Warning> {
    let dir = clean_case(|_| {});
    std::fs::write(
        dir.path().join("subsidies.csv"),
        format!("prefecture,county,fiscal_year,amount\n{rows}"),
    )
    .unwrap();
    warnings(&run_in(
        dir.path(),
        "fixed.toml",
        Granularity::Monthly,
        false,
    ))
}

#[test]
fn a_subsidy_row_for_a_year_the_county_is_direct_is_flagged() {
    // 甲一县 is direct from 2022-01: its 2022 row is not paid; 2021 is not settled
    let ws = clean_with_subsidies("990100,990121,2021,300.00\n990100,990121,2022,400.00\n");
    assert_eq!(
        fired(&ws, "subsidy_while_direct"),
        vec![(2022, "990121".into())]
    );
    detail_names(&ws, "subsidy_while_direct", &["400.00", "2022-01"]);
    // 乙一县 switches in July: a 2022 row is paid for six months, not flagged
    let ws = clean_with_subsidies("990200,990221,2022,400.00\n");
    assert_eq!(fired(&ws, "subsidy_while_direct"), vec![]);
}

#[test]
fn a_base_year_subsidy_above_three_times_the_other_years_is_flagged() {
    // 2021 is the base year; 300.00 = 3 × the mean of 100.00 and 100.00: not above
    let ws = clean_with_subsidies(
        "990100,990121,2019,100.00\n990100,990121,2020,100.00\n990100,990121,2021,300.00\n",
    );
    assert_eq!(fired(&ws, "subsidy_spike_in_base"), vec![]);
    let ws = clean_with_subsidies(
        "990100,990121,2019,100.00\n990100,990121,2020,100.00\n990100,990121,2021,300.01\n",
    );
    assert_eq!(
        fired(&ws, "subsidy_spike_in_base"),
        vec![(2022, "990121".into())]
    );
    detail_names(
        &ws,
        "subsidy_spike_in_base",
        &["2021", "300.01", "100.00 in 2019", "100.00 in 2020"],
    );
}

#[test]
fn explain_takes_a_region_name_as_well_as_a_code() {
    let by_name = assert_cmd::Command::cargo_bin("fencheng")
        .unwrap()
        .args([
            "explain",
            "tests/cases/mini/fixed.toml",
            "--region",
            "乙一县",
            "--year",
            "2022",
        ])
        .assert()
        .success();
    let text = String::from_utf8_lossy(&by_name.get_output().stdout).to_string();
    assert!(text.starts_with("乙一县 990221"), "{text}");
    let unknown = assert_cmd::Command::cargo_bin("fencheng")
        .unwrap()
        .args([
            "explain",
            "tests/cases/mini/fixed.toml",
            "--region",
            "丁县",
            "--year",
            "2022",
        ])
        .assert()
        .code(1);
    let err = String::from_utf8_lossy(&unknown.get_output().stderr).to_string();
    assert!(err.contains("region `丁县`"), "{err}");
}
