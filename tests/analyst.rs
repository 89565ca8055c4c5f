//! The analyst's figures of `compare` on the hand-made province of `tests/cases/mini`: the
//! 2022 reform (`fixed.toml`) against its counterfactual (`no_reform.toml`: the 2022
//! switches cancelled). Every expected figure is computed by hand in the comments, to the
//! fen; `marginal` is also checked by adding receipts and settling again.

use approx::assert_relative_eq;
use fencheng::ledger::{Encoding, LedgerScan};
use fencheng::scenario::compare::{analyse, marginal_retention, Analysis, AnalysisOptions};
use fencheng::scenario::run::{run_scenario, RunOptions, ScenarioResult};
use fencheng::scenario::Scenario;
use fencheng::split::Granularity;
use rust_decimal::Decimal;
use std::path::{Path, PathBuf};

const MONTHLY: RunOptions = RunOptions {
    granularity: Granularity::Monthly,
    quarantine: false,
};

fn mini(file: &str) -> PathBuf {
    std::fs::canonicalize(Path::new("tests/cases/mini").join(file)).unwrap()
}

fn run_path(path: &Path) -> ScenarioResult {
    let sc = Scenario::load(path).unwrap();
    let scan = LedgerScan::open(&sc.ledgers, Encoding::Utf8).unwrap();
    run_scenario(&sc, &scan, MONTHLY).unwrap()
}

fn run(file: &str) -> ScenarioResult {
    run_path(&mini(file))
}

fn reform_against_none() -> Analysis {
    analyse(
        &run("no_reform.toml"),
        &run("fixed.toml"),
        AnalysisOptions::default(),
    )
    .unwrap()
}

// Available resources (yuan), reform | no reform, worked out from the ledger:
// 2022  甲一县 990121: VAT 12000 → central 6000, province 1200, rest 4800; reform: kept 4800
//         + rebates 50 + transfers 1000 − base 780 = 5070; managed: prefecture 0.30 × 4800 =
//         1440, kept 3360 → 4410.                                           Δ +660.00
//       乙一县 990221: VAT 10000 in March and September; reform (direct from July): March's
//         rest 4000 gives 0.40 → 1600 to 乙市, kept 2400 + 4000 + base received 900 = 7300;
//         managed all year: 3200 to 乙市, kept 4800.                          Δ +2500.00
//       甲市 990100: own 2000 + from counties 100 + bases 780 + 1000 = 3880 | own 2000 +
//         1440 + 100 + the pilot's 1000 = 4540.                              Δ −660.00
//       乙市 990200: 1600 + 160 (乙二县) − 900 = 860 | 3200 + 160 = 3360.      Δ −2500.00
//       甲二县 990122 (pilot, base 1000, no revenue) −1000 both; 乙二县 240 both; 丙市 0 both.
// 2023  甲一县: VAT 15000 → rest 6000 − 780 = 5220 | kept 4200.                Δ +1020.00
//       乙一县: VAT 22000 → rest 8800 + 1800 = 10600 | kept 5280.              Δ +5320.00
//       甲市: 780 + 1000 = 1780 | 1800 + 1000 = 2800.                          Δ −1020.00
//       乙市: 160 − 1800 = −1640 | 3520 + 160 = 3680.                          Δ −5320.00

#[test]
fn comparison_gains_per_capita_and_retention_by_hand() {
    let a = reform_against_none();
    let row = |code: &str, y: i32| {
        a.rows
            .iter()
            .find(|r| r.region == code && r.year == y)
            .unwrap()
    };
    // Δ per resident, rounded to the fen: 660.00 / 100 = 6.60; 2500.00 / 300 = 8.333… → 8.33;
    // −660.00 / 1000 = −0.66; −2500.00 / 2000 = −1.25; 乙二县 has no residents
    assert_eq!(row("990121", 2022).delta, 66_000);
    assert_eq!(row("990121", 2022).delta_per_capita, Some(660));
    assert_eq!(row("990221", 2022).delta_per_capita, Some(833));
    assert_eq!(row("990100", 2022).delta_per_capita, Some(-66));
    assert_eq!(row("990200", 2022).delta_per_capita, Some(-125));
    assert_eq!(row("990222", 2022).delta_per_capita, None);
    // retention = (retained − base_paid + base_received) / (collected − to_central):
    // 甲一县 2022 (4800 − 780) / 6100 under the reform, 3360 / 6100 without;
    // 乙一县 (6400 + 900) / 10000 and 4800 / 10000; 乙二县 240 / 500 both
    let r = row("990121", 2022);
    assert_relative_eq!(r.retention.unwrap(), 4020.0 / 6100.0, epsilon = 1e-12);
    assert_relative_eq!(
        r.retention_reference.unwrap(),
        3360.0 / 6100.0,
        epsilon = 1e-12
    );
    let r = row("990221", 2022);
    assert_relative_eq!(r.retention.unwrap(), 0.73, epsilon = 1e-12);
    assert_relative_eq!(r.retention_reference.unwrap(), 0.48, epsilon = 1e-12);
    assert_relative_eq!(
        row("990222", 2023).retention.unwrap(),
        0.48,
        epsilon = 1e-12
    );
    // no local revenue (the pilot, 丙市 in 2022) or a prefecture: empty
    assert_eq!(row("990122", 2022).retention, None);
    assert_eq!(row("990301", 2022).retention_reference, None);
    assert_eq!(row("990100", 2022).retention, None);
}

#[test]
fn prefectures_cancel_their_own_base_flows() {
    let a = reform_against_none();
    let got: Vec<_> = a
        .prefectures
        .iter()
        .map(|p| {
            (
                p.year,
                p.prefecture.as_str(),
                p.delta_proper,
                p.delta_counties,
                p.delta_total,
                p.population,
                p.delta_total_per_capita,
            )
        })
        .collect();
    // what the prefecture proper loses its counties gain: the totals are 0; residents
    // 甲市 1000 + 100 + 200, 乙市 2000 + 300 + 0; 丙市 has no prefecture and no row
    assert_eq!(
        got,
        vec![
            (2022, "990100", -66_000, 66_000, 0, 1_300, Some(0)),
            (2022, "990200", -250_000, 250_000, 0, 2_300, Some(0)),
            (2023, "990100", -102_000, 102_000, 0, 1_300, Some(0)),
            (2023, "990200", -532_000, 532_000, 0, 2_300, Some(0)),
        ]
    );
}

#[test]
fn prefecture_totals_show_a_change_from_outside() {
    // the province takes 10 % instead of 20 % of local VAT from 2023 in the reform:
    // 甲一县 2023 keeps 0.5 × 0.9 × 15000 = 6750 instead of 6000 (+750.00); 乙一县 9900
    // instead of 8800 (+1100.00); 乙二县, still managed: rest 450 instead of 400, 0.40 to 乙市
    // (+20.00), kept 270 instead of 240 (+30.00). 甲市 +750 over 1300 residents = 0.576… →
    // 0.58; 乙市 proper +20, counties +1130, total +1150 over 2300 = 0.50.
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("vat10.toml");
    std::fs::write(
        &file,
        format!(
            "[scenario]\nname = \"vat10\"\nextends = {:?}\n\n[[override]]\nitem = \"10101\"\n\
             from = \"2023-01\"\nprovince = \"0.10\"\n",
            mini("fixed.toml")
        ),
    )
    .unwrap();
    let a = analyse(
        &run("fixed.toml"),
        &run_path(&file),
        AnalysisOptions::default(),
    )
    .unwrap();
    let p = |code: &str| {
        a.prefectures
            .iter()
            .find(|p| p.prefecture == code && p.year == 2023)
            .unwrap()
    };
    let (j, y) = (p("990100"), p("990200"));
    assert_eq!(
        (j.delta_proper, j.delta_counties, j.delta_total),
        (0, 75_000, 75_000)
    );
    assert_eq!(j.delta_total_per_capita, Some(58));
    assert_eq!(
        (y.delta_proper, y.delta_counties, y.delta_total),
        (2_000, 113_000, 115_000)
    );
    assert_eq!(y.delta_total_per_capita, Some(50));
    // nothing changes in 2022
    assert!(a
        .prefectures
        .iter()
        .filter(|p| p.year == 2022)
        .all(|p| p.delta_total == 0));
}

#[test]
fn income_groups_by_local_revenue_per_head_by_hand() {
    let a = reform_against_none();
    // groups year: the year before the first switch the reference cancels (2022-01) = 2021.
    // local revenue per head 2021: 甲二县 500/200 = 2.50, 丙市 1000/50 = 20.00, 乙一县
    // 10000/300 = 33.33, 甲一县 4500/100 = 45.00 (乙二县 has no residents). 650 residents;
    // each county's group holds the middle of its residents: 100/650 → 1, 225/650 → 2,
    // 400/650 → 4, 600/650 → 5; group 3 is empty.
    assert_eq!(a.groups_year, 2021);
    let got: Vec<_> = a
        .groups
        .iter()
        .filter(|g| g.year == 2022)
        .map(|g| {
            (
                g.group,
                g.counties,
                g.population,
                g.delta_total,
                g.delta_per_capita,
            )
        })
        .collect();
    assert_eq!(
        got,
        vec![
            (1, 1, 200, 0, Some(0)),
            (2, 1, 50, 0, Some(0)),
            (3, 0, 0, 0, None),
            (4, 1, 300, 250_000, Some(833)),
            (5, 1, 100, 66_000, Some(660)),
        ]
    );
    // a year without receipts is refused, naming the value
    let e = analyse(
        &run("no_reform.toml"),
        &run("fixed.toml"),
        AnalysisOptions {
            groups_year: Some(2019),
            ..AnalysisOptions::default()
        },
    )
    .unwrap_err()
    .to_string();
    assert!(e.contains("--groups-year `2019`"), "{e}");
}

#[test]
fn totals_discount_to_the_first_year_by_hand() {
    let a = reform_against_none();
    let t = |code: &str| a.totals.iter().find(|t| t.region == code).unwrap();
    // 甲一县: 660 + 1020 = 1680.00; present value 660 + 1020 / 1.03 = 1650.291… → 1650.29
    let c = t("990121");
    assert_eq!((c.delta_sum, c.delta_present_value), (168_000, 165_029));
    assert_eq!(c.break_even_year, Some(2022));
    // 乙一县: 2500 + 5320 = 7820.00; 2500 + 5165.0485… = 7665.05
    let c = t("990221");
    assert_eq!((c.delta_sum, c.delta_present_value), (782_000, 766_505));
    // 甲市 loses every year: never breaks even; 甲二县 never changes: even from the start
    let p = t("990100");
    assert_eq!((p.delta_sum, p.delta_present_value), (-168_000, -165_029));
    assert_eq!(p.break_even_year, None);
    assert_eq!(t("990122").break_even_year, Some(2022));
    // at 0 % the present value is the sum
    let none = analyse(
        &run("no_reform.toml"),
        &run("fixed.toml"),
        AnalysisOptions {
            discount: Decimal::ZERO,
            ..AnalysisOptions::default()
        },
    )
    .unwrap();
    assert!(none
        .totals
        .iter()
        .all(|t| t.delta_present_value == t.delta_sum));
}

/// Brute force: the population-weighted Gini and Theil of one year's statements.
fn direct_gini_theil(r: &ScenarioResult, year: i32) -> (f64, Option<f64>) {
    let units: Vec<(f64, f64)> = r
        .settlement
        .iter()
        .filter(|s| s.year == year && s.population > 0)
        .map(|s| {
            (
                s.available as f64 / s.population as f64,
                s.population as f64,
            )
        })
        .collect();
    let people: f64 = units.iter().map(|u| u.1).sum();
    let mean = units.iter().map(|u| u.0 * u.1).sum::<f64>() / people;
    let mut pairs = 0.0;
    for a in &units {
        for b in &units {
            pairs += a.1 * b.1 * (a.0 - b.0).abs();
        }
    }
    let theil = units.iter().all(|u| u.0 > 0.0).then(|| {
        units
            .iter()
            .map(|u| u.1 / people * (u.0 / mean) * (u.0 / mean).ln())
            .sum()
    });
    (pairs / (2.0 * people * people * mean), theil)
}

#[test]
fn weighted_gini_and_theil_against_the_direct_formula() {
    let (reference, reform) = (run("no_reform.toml"), run("fixed.toml"));
    let a = analyse(&reference, &reform, AnalysisOptions::default()).unwrap();
    for s in &a.summary {
        let (g, t) = direct_gini_theil(&reform, s.year);
        assert_relative_eq!(s.weighted.gini.unwrap(), g, epsilon = 1e-12);
        let (gr, tr) = direct_gini_theil(&reference, s.year);
        assert_relative_eq!(s.weighted_reference.gini.unwrap(), gr, epsilon = 1e-12);
        // the pilot 甲二县 pays its base from no revenue: a negative unit, no Theil
        assert_eq!((s.weighted.theil, s.weighted_reference.theil), (t, tr));
        assert_eq!(t, None);
    }
    // the reform narrows the gap between the prefectures proper and their counties in 2023
    let s = a.summary.iter().find(|s| s.year == 2023).unwrap();
    assert!(s.weighted.gini.unwrap() != s.weighted_reference.gini.unwrap());
}

/// `file` run again with `yuan` more VAT (10101, shared) in each month of `year` in
/// `county`: the scenario extends `file` and reads one more ledger file.
fn with_more_vat(file: &str, county: &str, year: i32, yuan: i64) -> ScenarioResult {
    let dir = tempfile::tempdir().unwrap();
    let extra = dir.path().join("extra.csv");
    let mut csv = String::from("fiscal_year,month,region_code,item_code,budget_level,amount\n");
    for m in 1..=12 {
        csv.push_str(&format!("{year},{m},{county},10101,shared,{yuan}.00\n"));
    }
    std::fs::write(&extra, csv).unwrap();
    let sc = dir.path().join("more.toml");
    std::fs::write(
        &sc,
        format!(
            "[scenario]\nname = \"more\"\nextends = {:?}\nledgers = [{:?}, {:?}]\n",
            mini(file),
            mini("ledger"),
            extra
        ),
    )
    .unwrap();
    run_path(&sc)
}

fn available(r: &ScenarioResult, code: &str, year: i32) -> i64 {
    r.settlement
        .iter()
        .find(|s| s.region == code && s.year == year)
        .unwrap()
        .available
}

#[test]
fn marginal_retention_by_hand_and_by_finite_difference() {
    // VAT: central 0.50, province 0.20 of the rest: a direct county keeps 0.40 of a yuan.
    // 乙一县 2022: managed (乙市's own share 0.40) January–June, direct from July:
    //   (6 × 0.4 × 0.6 + 6 × 0.4) / 12 = 0.32; 乙二县, never direct: 0.24; 丙市: 0.40.
    // 2023, after the switch, by indexation:
    //   fixed, rate, phase-out: the due ignores this year's revenue: 0.40;
    //   increment_share 0.5: S_y ≥ shared_base, so the due takes 0.5 × the old prefecture
    //     part 0.4 × 0.30 (甲一县) = 0.06 → 0.34, and 0.5 × 0.4 × 0.40 (乙一县) → 0.32;
    //   revenue_coefficient 0.3: the due moves by 0.3 × due_2022 / L_2022 per yuan of local
    //     revenue (0.5 of a yuan): 甲一县 0.4 − 0.3 × 780 / 6100 × 0.5 = 0.380820;
    //     乙一县 (due −1800, L 10000) 0.4 + 0.3 × 1800 / 10000 × 0.5 = 0.427.
    let cases: [(&str, &str, i32, f64); 12] = [
        ("fixed.toml", "990221", 2022, 0.32),
        ("fixed.toml", "990222", 2022, 0.24),
        ("fixed.toml", "990301", 2023, 0.40),
        ("fixed.toml", "990121", 2022, 0.40),
        ("fixed.toml", "990121", 2023, 0.40),
        ("rate.toml", "990121", 2023, 0.40),
        ("phase_out_years.toml", "990221", 2023, 0.40),
        ("increment_share.toml", "990121", 2023, 0.34),
        ("increment_share.toml", "990221", 2023, 0.32),
        (
            "revenue_coefficient.toml",
            "990121",
            2023,
            0.4 - 0.3 * 780.0 / 6100.0 * 0.5,
        ),
        ("revenue_coefficient.toml", "990221", 2023, 0.427),
        ("no_reform.toml", "990121", 2023, 0.28),
    ];
    for (file, county, year, by_hand) in cases {
        let base = run(file);
        let m = marginal_retention(&base)
            .into_iter()
            .find(|r| r.region == county && r.year == year && r.item == "10101")
            .unwrap()
            .marginal;
        assert_relative_eq!(m, by_hand, epsilon = 1e-9);
        // 1000.00 more each month: available moves by marginal × 12000.00, within rounding
        // (a fen per monthly split and per due)
        let more = with_more_vat(file, county, year, 1000);
        let moved = available(&more, county, year) - available(&base, county, year);
        let expected = m * 1_200_000.0;
        assert!(
            (moved as f64 - expected).abs() <= 15.0,
            "{file} {county} {year}: moved {moved} fen, marginal {m} predicts {expected}"
        );
    }
}
