//! The small hand-made province of `tests/cases/mini`: two prefectures, four counties (a
//! 2014 pilot with a given base, a 2022-01 switch with subsidies, a 2022-07 switch whose
//! subsidies make its base negative, one never switched) and a county with no prefecture.
//! Every figure below is computed by hand in the comments, to the fen.

use fencheng::ledger::{Encoding, LedgerScan};
use fencheng::scenario::run::{run_scenario, RunOptions, ScenarioResult};
use fencheng::scenario::Scenario;
use fencheng::split::Granularity;
use std::path::Path;

fn run(file: &str, granularity: Granularity) -> ScenarioResult {
    let sc = Scenario::load(&Path::new("tests/cases/mini").join(file)).unwrap();
    let scan = LedgerScan::open(&sc.ledgers, Encoding::Utf8).unwrap();
    run_scenario(
        &sc,
        &scan,
        RunOptions {
            granularity,
            quarantine: false,
        },
    )
    .unwrap()
}

/// (county, year) → due in fen.
fn dues(r: &ScenarioResult) -> Vec<(String, i32, i64)> {
    r.baselines
        .iter()
        .map(|b| (b.county.clone(), b.year, b.due))
        .collect()
}

fn due_table(rows: &[(&str, i32, i64)]) -> Vec<(String, i32, i64)> {
    rows.iter()
        .map(|(c, y, d)| (c.to_string(), *y, *d))
        .collect()
}

#[test]
fn fixed_bases_and_settlement_2022_by_hand() {
    for g in [Granularity::Receipt, Granularity::Monthly] {
        let r = run("fixed.toml", g);
        // 甲一县 990121: 2021 VAT 10000.00 and a −1000.00 refund; prefecture share 0.30 of
        // rest (after 50 % central, 20 % province): 1200.00 − 120.00 = 1080.00; subsidy 300.00.
        let a1 = r
            .baselines
            .iter()
            .find(|b| b.county == "990121" && b.year == 2022)
            .unwrap();
        assert_eq!(
            (a1.shared_base, a1.subsidy_base, a1.net_base, a1.due),
            (108_000, 30_000, 78_000, 78_000)
        );
        // 乙一县 990221: 2021 VAT 20000.00, prefecture rule 0.40 → 3200.00; subsidy 5000.00 →
        // net −1800.00; switch in July: 2022 due round(−1800.00 × 6/12) = −900.00.
        let b1 = r
            .baselines
            .iter()
            .find(|b| b.county == "990221" && b.year == 2022)
            .unwrap();
        assert_eq!(
            (b1.shared_base, b1.net_base, b1.due),
            (320_000, -180_000, -90_000)
        );
        // the pilot 990122 takes its base from bases.csv
        let a2 = r
            .baselines
            .iter()
            .find(|b| b.county == "990122" && b.year == 2022)
            .unwrap();
        assert_eq!((a2.net_base, a2.source.as_str()), (100_000, "bases.csv"));
        // never-switched 990222 and prefecture-less 990301 have no base
        assert!(r
            .baselines
            .iter()
            .all(|b| b.county != "990222" && b.county != "990301"));

        let row = |code: &str, y: i32| {
            r.settlement
                .iter()
                .find(|s| s.region == code && s.year == y)
                .unwrap()
        };
        // 甲一县 2022: VAT 12000.00 direct + 100.00 prefecture-level CIT.
        let s = row("990121", 2022);
        assert_eq!(
            (
                s.parts.collected,
                s.parts.to_central,
                s.parts.to_province,
                s.parts.to_prefecture,
                s.parts.retained
            ),
            (1_210_000, 600_000, 120_000, 10_000, 480_000)
        );
        // available = 4800 + rebates 50 + transfers 1000 − base 780 = 5070.00; 100 residents
        assert_eq!(
            (s.base_paid, s.available, s.available_per_capita),
            (78_000, 507_000, Some(5_070))
        );
        // 乙一县 2022: March (managed, 0.40) 10000.00 → 1600.00 to the prefecture; September
        // direct. Its prefecture still pays the subsidy for the six managed months (spec 2):
        // 2021's 5000.00 held flat × 6 / 12 = 2500.00.
        let s = row("990221", 2022);
        assert_eq!(
            (
                s.parts.to_prefecture,
                s.parts.retained,
                s.base_received,
                s.subsidy_received,
                s.available
            ),
            (160_000, 640_000, 90_000, 250_000, 980_000)
        );
        assert_eq!(s.available_per_capita, Some(3_267)); // 9800.00 / 300 = 32.666 → 32.67
                                                         // 甲一县 switched in January: no managed month, no subsidy
        assert_eq!(row("990121", 2022).subsidy_received, 0);
        // 乙二县: population 0 → no per-capita figure
        assert_eq!(row("990222", 2022).available_per_capita, None);
        // 甲市 2022: own 2000.00 + from counties 100.00 + bases received 780 + 1000 = 3880.00
        let s = row("990100", 2022);
        assert_eq!(
            (
                s.parts.retained,
                s.from_counties,
                s.base_received,
                s.available
            ),
            (200_000, 10_000, 178_000, 388_000)
        );
        // 乙市 2022: from counties 1600 + 160, pays the negative base 900 and 乙一县's
        // subsidy 2500 → −1640.00
        let s = row("990200", 2022);
        assert_eq!(
            (s.from_counties, s.base_paid, s.subsidy_paid, s.available),
            (176_000, 90_000, 250_000, -164_000)
        );
        // 2023: both switched counties are direct all year: no subsidy flows
        assert_eq!(
            (
                row("990221", 2023).subsidy_received,
                row("990200", 2023).subsidy_paid
            ),
            (0, 0)
        );
        let p = r.province.iter().find(|p| p.year == 2022).unwrap();
        assert_eq!(
            (p.collected, p.to_central, p.to_province, p.base_flow),
            (3_810_000, 1_900_000, 380_000, 88_000)
        );
        // 2023: the 0.01 and −0.01 receipts round half away from zero both ways and cancel
        let s = row("990222", 2023);
        assert_eq!((s.parts.collected, s.parts.to_central), (100_000, 50_000));
        assert!(r.checks.iter().all(|c| c.passed));
    }
}

#[test]
fn one_penny_receipt_rounds_away_from_zero_at_receipt_granularity() {
    let r = run("fixed.toml", Granularity::Receipt);
    let penny = |m: u32| {
        r.shares
            .iter()
            .find(|s| s.key.region == "990222" && s.key.year == 2023 && s.key.month == m)
            .unwrap()
    };
    assert_eq!((penny(2).parts.to_central, penny(2).parts.retained), (1, 0)); // round(0.5) = 1
    assert_eq!(
        (penny(3).parts.to_central, penny(3).parts.retained),
        (-1, 0)
    ); // round(−0.5) = −1
}

#[test]
fn rate_indexation_by_hand() {
    let r = run("rate.toml", Granularity::Receipt);
    // 990121: 780.00 → round(780.00 × 1.03) = 803.40.
    // 990122 (bases.csv, from 2014): a fixed base stays 1000.00 whatever the indexation.
    // 990221: −900.00 prorated in 2022; 2023 round(−1800.00 × 1.03) = −1854.00.
    assert_eq!(
        dues(&r),
        due_table(&[
            ("990121", 2022, 78_000),
            ("990121", 2023, 80_340),
            ("990122", 2022, 100_000),
            ("990122", 2023, 100_000),
            ("990221", 2022, -90_000),
            ("990221", 2023, -185_400),
        ])
    );
}

#[test]
fn revenue_coefficient_indexation_by_hand() {
    let r = run("revenue_coefficient.toml", Granularity::Receipt);
    // 990121: local 2022 = 12100 − 6000 = 6100; 2023 = 15000 − 7500 = 7500; g = 1400/6100;
    //   780.00 × (6100 + 0.3 × 1400)/6100 = 833.7049… → 833.70.
    // 990122: no revenue in the ledgers before 2022 and none after: g = 0 → 1000.00.
    // 990221: local 10000 → 11000, g = 0.1 → −1800 × 1.03 = −1854.00.
    assert_eq!(
        dues(&r),
        due_table(&[
            ("990121", 2022, 78_000),
            ("990121", 2023, 83_370),
            ("990122", 2022, 100_000),
            ("990122", 2023, 100_000),
            ("990221", 2022, -90_000),
            ("990221", 2023, -185_400),
        ])
    );
}

#[test]
fn phase_out_indexation_by_hand() {
    let r = run("phase_out_years.toml", Granularity::Receipt);
    // 5 years: 990121 780.00 then 780 × 4/5 = 624.00; the 2014 pilot's base from bases.csv
    // stays fixed (spec 2); 990221 −1800 prorated to −900.00, then −1800 × 4/5 = −1440.00.
    assert_eq!(
        dues(&r),
        due_table(&[
            ("990121", 2022, 78_000),
            ("990121", 2023, 62_400),
            ("990122", 2022, 100_000),
            ("990122", 2023, 100_000),
            ("990221", 2022, -90_000),
            ("990221", 2023, -144_000),
        ])
    );
}

#[test]
fn increment_share_indexation_by_hand() {
    let r = run("increment_share.toml", Granularity::Receipt);
    // 990121 2022 (the switch year counts, spec 2): old-rule share 0.30 × 4800.00 = 1440.00;
    //   growth over 1080.00 = 360.00; 780 + 0.5 × 360 = 960.00.
    // 990121 2023: old-rule share 0.30 × 6000.00 = 1800.00; growth over 1080.00 = 720.00;
    //   780 + 0.5 × 720 = 1140.00.
    // 990122: no shared revenue → no growth → 1000.00.
    // 990221 2022: S = 0.40 × 8000.00 = 3200.00, no growth: −1800 prorated to −900.00.
    // 990221 2023: 0.40 × 8800.00 = 3520.00; growth 320.00 → −1800 + 160 = −1640.00.
    assert_eq!(
        dues(&r),
        due_table(&[
            ("990121", 2022, 96_000),
            ("990121", 2023, 114_000),
            ("990122", 2022, 100_000),
            ("990122", 2023, 100_000),
            ("990221", 2022, -90_000),
            ("990221", 2023, -164_000),
        ])
    );
}

#[test]
fn projected_years_hold_rebates_and_transfers_at_their_last_amount() {
    let r = run("projected.toml", Granularity::Monthly);
    let row = |y: i32| {
        r.settlement
            .iter()
            .find(|s| s.region == "990121" && s.year == y)
            .unwrap()
    };
    // the tables give 990121 rebates 50.00 and transfers 1000.00 in 2022 only
    assert_eq!(
        (row(2022).rebates, row(2022).transfers, row(2022).projected),
        (5_000, 100_000, false)
    );
    assert_eq!(
        (row(2023).rebates, row(2023).transfers),
        (0, 0),
        "an actual year without a row is 0"
    );
    for y in [2024, 2025] {
        assert!(row(y).projected);
        assert_eq!(
            (row(y).rebates, row(y).transfers),
            (5_000, 100_000),
            "{y} carries 2022 forward"
        );
    }
    // projected receipts: 2023's monthly totals grown, VAT at 7 % a year
    let vat = |y: i32| {
        r.shares
            .iter()
            .filter(|s| s.key.region == "990121" && s.key.year == y)
            .map(|s| s.parts.collected)
            .sum::<i64>()
    };
    assert_eq!(vat(2024), 1_605_000); // 15000.00 × 1.07
    assert_eq!(vat(2025), 1_717_350); // 15000.00 × 1.07²
}

fn settled(r: &ScenarioResult, code: &str, y: i32) -> fencheng::settlement::SettlementRow {
    r.settlement
        .iter()
        .find(|s| s.region == code && s.year == y)
        .unwrap()
        .clone()
}

#[test]
fn a_mid_year_switch_prorates_the_subsidy_and_rounds_half_fen_ties_away_from_zero() {
    for g in [Granularity::Receipt, Granularity::Monthly] {
        let r = run("subsidy-tie.toml", g);
        // 乙一县's 2021 subsidy 5000.01: base −1800.01, prorated round(−180001 × 6 / 12) =
        // round(−90000.5) = −90001; subsidy for six managed months round(500001 × 6 / 12)
        // = round(250000.5) = 250001
        let b = r
            .baselines
            .iter()
            .find(|b| b.county == "990221" && b.year == 2022)
            .unwrap();
        assert_eq!(
            (b.subsidy_base, b.net_base, b.due),
            (500_001, -180_001, -90_001)
        );
        let s = settled(&r, "990221", 2022);
        assert_eq!(
            (s.base_received, s.subsidy_received, s.available),
            (90_001, 250_001, 640_000 + 90_001 + 250_001)
        );
        // 乙市: 1760.00 from counties − 900.01 base − 2500.01 subsidy
        let p = settled(&r, "990200", 2022);
        assert_eq!(
            (p.subsidy_paid, p.available),
            (250_001, 176_000 - 90_001 - 250_001)
        );
        assert!(r
            .checks
            .iter()
            .any(|c| c.name == "subsidies paid = subsidies received" && c.passed));
    }
}

#[test]
fn without_the_reform_the_subsidy_is_paid_every_year_held_flat() {
    let r = run("no_reform.toml", Granularity::Receipt);
    // subsidies.csv has 2021 rows only: 300.00 and 5000.00 are paid in 2022 and 2023 too
    for y in [2022, 2023] {
        assert_eq!(settled(&r, "990121", y).subsidy_received, 30_000, "{y}");
        assert_eq!(settled(&r, "990221", y).subsidy_received, 500_000, "{y}");
        assert_eq!(settled(&r, "990100", y).subsidy_paid, 30_000, "{y}");
        assert_eq!(settled(&r, "990200", y).subsidy_paid, 500_000, "{y}");
        assert_eq!(
            settled(&r, "990222", y).subsidy_received,
            0,
            "{y}: no row, no subsidy"
        );
    }
    // 甲一县 2022: VAT 12000.00 → central 6000, province 1200, prefecture 0.30 × 4800 =
    // 1440.00, kept 3360.00; + rebates 50 + transfers 1000 + subsidy 300 = 4710.00
    assert_eq!(settled(&r, "990121", 2022).available, 471_000);
    // 乙一县 2023: VAT 22000.00 → rest 8800.00, prefecture 0.40 → 3520.00, kept 5280.00;
    // + subsidy 5000.00 = 10280.00
    assert_eq!(settled(&r, "990221", 2023).available, 1_028_000);
    // the 2014 pilot stays direct with its fixed base
    assert!(r
        .baselines
        .iter()
        .all(|b| b.county == "990122" && b.due == 100_000));
}

#[test]
fn increment_share_one_equals_no_reform_to_the_fen() {
    // January switch (甲一县), old-rule share at or above the base every year (1440.00 and
    // 1800.00 against 1080.00), the held-flat subsidy 300.00 equal to the base's subsidy
    // part; 乙一县 (July) has S = 3200.00 = its shared base in 2022 and 3520.00 in 2023:
    // every region-year ends equal
    let (one, none) = (
        run("increment-one.toml", Granularity::Receipt),
        run("no_reform.toml", Granularity::Receipt),
    );
    assert_eq!(one.settlement.len(), none.settlement.len());
    for (a, b) in one.settlement.iter().zip(&none.settlement) {
        assert_eq!((&a.region, a.year), (&b.region, b.year));
        assert_eq!(a.available, b.available, "{} {}", a.region, a.year);
    }
    // 甲一县 2022: due = 780.00 + (1440.00 − 1080.00) = 1140.00 = 1440.00 − 300.00
    let b = one
        .baselines
        .iter()
        .find(|b| b.county == "990121" && b.year == 2022)
        .unwrap();
    assert_eq!(b.due, 114_000);
}

#[test]
fn county_statistics_leave_out_counties_without_a_prefecture() {
    let (fixed, none) = (
        run("fixed.toml", Granularity::Monthly),
        run("no_reform.toml", Granularity::Monthly),
    );
    let (_, summary) = fencheng::scenario::compare::compare(&none, &fixed);
    for s in &summary {
        // 甲一县, 甲二县, 乙一县 (乙二县 has no residents; 丙市 has no prefecture)
        let pc: Vec<f64> = ["990121", "990122", "990221"]
            .iter()
            .map(|c| settled(&fixed, c, s.year).available_per_capita.unwrap() as f64 / 100.0)
            .collect();
        let want = fencheng::scenario::compare::spread(&pc);
        assert_eq!(s.spread, want, "{}", s.year);
        let mut with_bing = pc.clone();
        with_bing.push(
            settled(&fixed, "990301", s.year)
                .available_per_capita
                .unwrap() as f64
                / 100.0,
        );
        assert_ne!(s.spread, fencheng::scenario::compare::spread(&with_bing));
    }
}

#[test]
fn the_statement_lines_and_balance_due_by_hand() {
    let (plain, lines) = (
        run("fixed.toml", Granularity::Receipt),
        run("statement.toml", Granularity::Receipt),
    );
    // the same totals by kind: every figure of the plain run stays
    for (a, b) in plain.settlement.iter().zip(&lines.settlement) {
        assert_eq!(
            (a.available, a.rebates, a.transfers),
            (b.available, b.rebates, b.transfers)
        );
        // without the new tables: no 专项, nothing remitted, adjusted or advanced
        assert_eq!(a.disposable, a.available);
        assert_eq!(
            (
                a.transfers_special,
                a.special_remit,
                a.adjustment,
                a.advances
            ),
            (0, 0, 0, 0)
        );
    }
    // 甲一县 2022: available 5070.00 (see above); 专项 transfers 300.00 → disposable 4770.00;
    // the statement: rebates 50 + transfers 1000 − base paid 780 − 专项上解 40 + 结算上解 −15
    // = 215.00, less 600.00 paid out during the year: 应补(扣) −385.00 (the province deducts)
    let s = settled(&lines, "990121", 2022);
    assert_eq!(
        (
            s.available,
            s.transfers_special,
            s.disposable,
            s.special_remit,
            s.adjustment
        ),
        (507_000, 30_000, 477_000, 4_000, -1_500)
    );
    assert_eq!((s.advances, s.balance_due), (60_000, -38_500));
    // 乙市 2022: base paid 900 to 乙一县, subsidy 2500 paid: statement −3400.00; advanced 100
    let p = settled(&lines, "990200", 2022);
    assert_eq!(p.balance_due, -90_000 - 250_000 - 10_000);
    // 2023 has no rows: nothing advanced, no adjustment
    assert_eq!(settled(&lines, "990121", 2023).advances, 0);
}

#[test]
fn a_kind_outside_the_list_is_refused_with_its_value() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("rebates.csv");
    std::fs::write(
        &bad,
        "region_code,fiscal_year,amount,kind\n990121,2022,1.00,增值税返还\n",
    )
    .unwrap();
    let sc = dir.path().join("s.toml");
    std::fs::write(
        &sc,
        format!(
            "[scenario]\nname = \"k\"\nextends = {:?}\nrebates = {:?}\n",
            std::fs::canonicalize("tests/cases/mini/fixed.toml").unwrap(),
            bad
        ),
    )
    .unwrap();
    let sc = Scenario::load(&sc).unwrap();
    let regions = sc.regions().unwrap();
    let err = sc.tables(&regions).unwrap_err().to_string();
    for words in [
        "rebates.csv",
        "row 2",
        "kind `增值税返还`",
        "所得税基数返还",
    ] {
        assert!(err.contains(words), "`{words}` not in {err}");
    }
}

#[test]
fn the_base_items_add_up_to_each_base() {
    use fencheng::report::base_items::base_items;
    let r = run("fixed.toml", Granularity::Receipt);
    let items = base_items(&r);
    let got: Vec<(&str, i32, &str, &str, i64)> = items
        .iter()
        .map(|b| {
            (
                b.county.as_str(),
                b.base_year,
                b.line,
                b.item.as_str(),
                b.amount,
            )
        })
        .collect();
    // 甲一县: 2021 VAT's old-rule part 1080.00, subsidy 300.00, to 甲市; the pilot's given
    // base; 乙一县: 3200.00 and 5000.00
    assert_eq!(
        got,
        vec![
            ("990121", 2021, "item", "10101", 108_000),
            ("990121", 2021, "subsidy", "", 30_000),
            ("990122", 2014, "bases.csv", "", 100_000),
            ("990221", 2021, "item", "10101", 320_000),
            ("990221", 2021, "subsidy", "", 500_000),
        ]
    );
    assert!(items.iter().all(|b| b.prefecture
        == if b.county.starts_with("9901") {
            "990100"
        } else {
            "990200"
        }));
    // and on every base of the three-year-average scenario of Henan's shape: Σ items / n
    // and Σ subsidies / n, rounded, are the base's parts
    let r = run("rate.toml", Granularity::Monthly);
    for b in r.baselines.iter().filter(|b| b.source == "ledger") {
        let of = |line: &str| -> i128 {
            base_items(&r)
                .iter()
                .filter(|i| i.county == b.county && i.line == line)
                .map(|i| i.amount as i128)
                .sum()
        };
        let n = b.base_years.len() as i128;
        assert_eq!(
            fencheng::money::round_div(of("item"), n) as i64,
            b.shared_base
        );
        assert_eq!(
            fencheng::money::round_div(of("subsidy"), n) as i64,
            b.subsidy_base
        );
    }
}
