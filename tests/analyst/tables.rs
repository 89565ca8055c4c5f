//! The comparison's columns and tables, by hand.

use super::{mini, reform_against_none, run, run_path};
use approx::assert_relative_eq;
use fencheng::scenario::compare::{analyse, AnalysisOptions};
use rust_decimal::Decimal;

// Available resources (yuan), reform | no reform, worked out from the ledger. Spec 2: the
// prefecture pays its subsidy while a county is managed (the 2021 amounts held flat: 甲一县
// 300, 乙一县 5000), prorated by the managed months; the reform stops it once direct.
// 2022  甲一县 990121: VAT 12000 → central 6000, province 1200, rest 4800; reform: kept 4800
//         + rebates 50 + transfers 1000 − base 780 = 5070; managed: prefecture 0.30 × 4800 =
//         1440, kept 3360 + 1050 + subsidy 300 → 4710.                       Δ +360.00
//       乙一县 990221: VAT 10000 in March and September; reform (direct from July): March's
//         rest 4000 gives 0.40 → 1600 to 乙市, kept 2400 + 4000 + base received 900 +
//         subsidy for six managed months 2500 = 9800; managed all year: 3200 to 乙市, kept
//         4800 + subsidy 5000 = 9800.                                          Δ 0.00
//       甲市 990100: own 2000 + from counties 100 + bases 780 + 1000 = 3880 | own 2000 +
//         1440 + 100 + the pilot's 1000 − subsidy 300 = 4240.                 Δ −360.00
//       乙市 990200: 1600 + 160 (乙二县) − 900 − 2500 = −1640 | 3200 + 160 − 5000 = −1640.
//                                                                             Δ 0.00
//       甲二县 990122 (pilot, base 1000, no revenue) −1000 both; 乙二县 240 both; 丙市 0 both.
// 2023  甲一县: VAT 15000 → rest 6000 − 780 = 5220 | kept 4200 + 300 = 4500.   Δ +720.00
//       乙一县: VAT 22000 → rest 8800 + 1800 = 10600 | kept 5280 + 5000 = 10280. Δ +320.00
//       甲市: 780 + 1000 = 1780 | 1800 + 1000 − 300 = 2500.                    Δ −720.00
//       乙市: 160 − 1800 = −1640 | 3520 + 160 − 5000 = −1320.                  Δ −320.00

#[test]
fn comparison_gains_per_capita_and_retention_by_hand() {
    let a = reform_against_none();
    let row = |code: &str, y: i32| {
        a.rows
            .iter()
            .find(|r| r.region == code && r.year == y)
            .unwrap()
    };
    // Δ per resident, rounded to the fen: 360.00 / 100 = 3.60; 0 / 300; −360.00 / 1000 =
    // −0.36; 2023: 320.00 / 300 = 1.0666… → 1.07, −320.00 / 2000 = −0.16; 乙二县 has no
    // residents
    assert_eq!(row("990121", 2022).delta, 36_000);
    assert_eq!(row("990121", 2022).delta_per_capita, Some(360));
    assert_eq!(row("990221", 2022).delta_per_capita, Some(0));
    assert_eq!(row("990100", 2022).delta_per_capita, Some(-36));
    assert_eq!(row("990200", 2022).delta_per_capita, Some(0));
    assert_eq!(row("990221", 2023).delta_per_capita, Some(107));
    assert_eq!(row("990200", 2023).delta_per_capita, Some(-16));
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
    // with the subsidy counted: 甲一县 (4800 − 780) / 6100 and (3360 + 300) / 6100 = 0.6;
    // 乙一县 (6400 + 900 + 2500) / 10000 = 0.98 and (4800 + 5000) / 10000 = 0.98: the
    // switch in July left it keeping exactly as much in 2022
    let r = row("990121", 2022);
    assert_relative_eq!(
        r.retention_with_subsidy.unwrap(),
        4020.0 / 6100.0,
        epsilon = 1e-12
    );
    assert_relative_eq!(
        r.retention_with_subsidy_reference.unwrap(),
        0.6,
        epsilon = 1e-12
    );
    let r = row("990221", 2022);
    assert_relative_eq!(r.retention_with_subsidy.unwrap(), 0.98, epsilon = 1e-12);
    assert_relative_eq!(
        r.retention_with_subsidy_reference.unwrap(),
        0.98,
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
            (2022, "990100", -36_000, 36_000, 0, 1_300, Some(0)),
            (2022, "990200", 0, 0, 0, 2_300, Some(0)),
            (2023, "990100", -72_000, 72_000, 0, 1_300, Some(0)),
            (2023, "990200", -32_000, 32_000, 0, 2_300, Some(0)),
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
            (4, 1, 300, 0, Some(0)),
            (5, 1, 100, 36_000, Some(360)),
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
    // 甲一县: 360 + 720 = 1080.00; present value 360 + 720 / 1.03 = 1059.029… → 1059.03
    let c = t("990121");
    assert_eq!((c.delta_sum, c.delta_present_value), (108_000, 105_903));
    assert_eq!(c.break_even_year, Some(2022));
    // 乙一县: 0 + 320 = 320.00; 320 / 1.03 = 310.679… → 310.68; even in 2022 already
    let c = t("990221");
    assert_eq!((c.delta_sum, c.delta_present_value), (32_000, 31_068));
    assert_eq!(c.break_even_year, Some(2022));
    // 甲市 loses every year: never breaks even; 甲二县 never changes: even from the start
    let p = t("990100");
    assert_eq!((p.delta_sum, p.delta_present_value), (-108_000, -105_903));
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
