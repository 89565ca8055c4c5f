//! Tests of the synthetic monthly ledgers: determinism, the calibration targets, the rules in
//! force, budget levels by region kind, and the CSV round trip.

use super::*;
use crate::money::{parse_yuan, MAX_FEN};
use crate::period::YearMonth;
use crate::regions::{RegionKind, RegionTable};
use crate::rules::RuleSet;
use std::path::Path;
use std::sync::OnceLock;

pub(super) fn henan() -> &'static (RegionTable, RuleSet) {
    static H: OnceLock<(RegionTable, RuleSet)> = OnceLock::new();
    H.get_or_init(|| {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("datasets/henan");
        (
            RegionTable::load(&root.join("regions.csv")).unwrap(),
            RuleSet::load(&root.join("rulebook.toml")).unwrap(),
        )
    })
}

/// The default run (seed 2022, 2019–2024) and its calibration, computed once.
fn default_run() -> &'static (Vec<LedgerRow>, Calibration) {
    static R: OnceLock<(Vec<LedgerRow>, Calibration)> = OnceLock::new();
    R.get_or_init(|| {
        let (regions, rules) = henan();
        let rows = monthly(regions, rules, &MonthlyOptions::default()).unwrap();
        let cal = summarize(&rows, regions, rules).unwrap();
        println!("{cal}");
        (rows, cal)
    })
}

const BN: i64 = 100_000_000_000; // one billion yuan in fen

#[test]
fn same_seed_same_rows_other_seed_other_rows() {
    let (regions, rules) = henan();
    let opts = MonthlyOptions {
        years: 2021..=2022,
        ..Default::default()
    };
    let a = monthly(regions, rules, &opts).unwrap();
    let b = monthly(regions, rules, &opts).unwrap();
    assert_eq!(a, b);
    let c = monthly(
        regions,
        rules,
        &MonthlyOptions {
            seed: 2,
            ..opts.clone()
        },
    )
    .unwrap();
    assert_ne!(a, c);
    // A year does not depend on the other years asked for.
    let full = &default_run().0;
    let only_2022: Vec<_> = full
        .iter()
        .filter(|r| r.fiscal_year == 2022)
        .cloned()
        .collect();
    let alone = monthly(
        regions,
        rules,
        &MonthlyOptions {
            years: 2022..=2022,
            ..Default::default()
        },
    )
    .unwrap();
    assert_eq!(alone, only_2022);
}

#[test]
fn province_local_revenue_2021_meets_the_published_4347_yi() {
    let y = default_run().1.year(2021).unwrap();
    let published: i64 = 434_700_000_000 * 100; // ≈ 4,347 亿元 (provincial statistics), fen
    assert_eq!(params::PROVINCE_LOCAL_2021_YUAN * 100, published);
    assert!(
        (y.local - published).abs() as f64 <= params::FIT_TOLERANCE * published as f64,
        "2021 local {} fen",
        y.local
    );
    // Taxes about two thirds of local revenue.
    let tax_share = y.tax_local as f64 / y.local as f64;
    assert!((0.6..0.72).contains(&tax_share), "tax share {tax_share}");
    // 郑州 is the largest prefecture proper.
    assert_eq!(y.largest_prefecture.as_ref().unwrap().0, "410100");
}

#[test]
fn county_local_revenue_median_is_1_to_2_bn() {
    for y in &default_run().1.years {
        assert_eq!(y.counties, 103);
        assert!(
            (BN..=2 * BN).contains(&y.county_median),
            "{}: median {}",
            y.year,
            y.county_median
        );
        assert!(
            y.county_min < BN && y.county_max > 3 * BN,
            "{}: {}..{}",
            y.year,
            y.county_min,
            y.county_max
        );
    }
}

#[test]
fn every_year_has_net_refund_rows_and_2022_vat_dips() {
    let cal = &default_run().1;
    for y in &cal.years {
        assert!(y.negative_rows > 0, "{} has no negative row", y.year);
    }
    let (v21, v22) = (cal.year(2021).unwrap(), cal.year(2022).unwrap());
    assert!(v22.vat_collected < v21.vat_collected);
    let dip = v22.vat_local as f64 / v21.vat_local as f64 - 1.0;
    assert!((-0.32..-0.18).contains(&dip), "VAT 2022 vs 2021: {dip}");
    assert!(v22.negative_rows > 5 * v21.negative_rows);
    // Growth 2019 → 2021, COVID dip in 2020, recovery after 2022.
    let local = |y: i32| cal.year(y).unwrap().local;
    assert!(local(2020) <= local(2019) && local(2021) > local(2020) && local(2024) > local(2022));
}

#[test]
fn rows_respect_rules_levels_and_bounds() {
    let (regions, rules) = henan();
    for r in &default_run().0 {
        let ym = YearMonth::new(r.fiscal_year, r.month).unwrap();
        let region = regions.get(&r.region_code).unwrap();
        assert_ne!(region.kind, RegionKind::Province);
        assert_ne!(r.amount, 0);
        assert!(r.amount.abs() < MAX_FEN);
        assert_ne!(r.item_code, "10103");
        if r.budget_level == BudgetLevel::Shared {
            assert!(rules.in_force(&r.item_code, ym).is_some(), "{r:?}");
        }
        match (region.kind, r.budget_level) {
            (RegionKind::Prefecture, BudgetLevel::Prefecture) => {
                assert!(r.item_code.starts_with("103"))
            }
            (RegionKind::Prefecture, BudgetLevel::County) => {
                panic!("county row in a prefecture: {r:?}")
            }
            (RegionKind::County, BudgetLevel::Prefecture) => {
                assert!(regions.prefecture_of(region).is_some())
            }
            _ => {}
        }
    }
    let fixed = |level: BudgetLevel, item: &str| {
        let mut codes: Vec<&str> = default_run()
            .0
            .iter()
            .filter(|r| r.budget_level == level && r.item_code == item)
            .map(|r| r.region_code.as_str())
            .collect();
        codes.sort_unstable();
        codes.dedup();
        codes.len()
    };
    assert_eq!(
        fixed(BudgetLevel::Central, "10104"),
        params::CENTRAL_CIT_COUNTIES
    );
    let pref = fixed(BudgetLevel::Prefecture, "10104") + fixed(BudgetLevel::Prefecture, "10101");
    assert_eq!(pref, params::PREFECTURE_ENTERPRISE_COUNTIES);
    // Province-level taxpayers' CIT and VAT (Henan's VAT rule): the capital's proper and
    // PROVINCE_LEVEL_REGIONS others.
    for item in ["10104", "10101"] {
        assert_eq!(
            fixed(BudgetLevel::Province, item),
            params::PROVINCE_LEVEL_REGIONS + 1,
            "{item}"
        );
    }
    assert!(default_run()
        .0
        .iter()
        .any(|r| r.region_code == params::PROVINCE_CAPITAL
            && r.budget_level == BudgetLevel::Province
            && r.item_code == "10101"));
}

#[test]
fn years_before_2016_book_business_tax_and_no_environmental_tax() {
    let (regions, rules) = henan();
    let rows = monthly(
        regions,
        rules,
        &MonthlyOptions {
            years: 2015..=2016,
            ..Default::default()
        },
    )
    .unwrap();
    assert!(rows
        .iter()
        .any(|r| r.item_code == "10103" && r.fiscal_year == 2016 && r.month == 4));
    assert!(!rows
        .iter()
        .any(|r| r.item_code == "10103" && r.fiscal_year == 2016 && r.month == 5));
    assert!(!rows.iter().any(|r| r.item_code == "10121"));
    assert!(summarize(&rows, regions, rules).is_ok());
    assert!(monthly(
        regions,
        rules,
        &MonthlyOptions {
            years: 1990..=1995,
            ..Default::default()
        }
    )
    .is_err());
}

#[test]
fn monthly_csv_round_trips_to_the_fen() {
    let dir = tempfile::tempdir().unwrap();
    let rows: Vec<LedgerRow> = default_run()
        .0
        .iter()
        .filter(|r| r.fiscal_year >= 2023)
        .cloned()
        .collect();
    let files = write_monthly_csv(&rows, dir.path()).unwrap();
    assert_eq!(
        files,
        vec![dir.path().join("2023.csv"), dir.path().join("2024.csv")]
    );
    let mut back = Vec::new();
    for f in &files {
        let text = std::fs::read_to_string(f).unwrap();
        let mut lines = text.lines();
        assert_eq!(
            lines.next().unwrap(),
            "fiscal_year,month,region_code,item_code,budget_level,amount"
        );
        for line in lines {
            let c: Vec<&str> = line.split(',').collect();
            back.push(LedgerRow {
                fiscal_year: c[0].parse().unwrap(),
                month: c[1].parse().unwrap(),
                region_code: c[2].to_string(),
                item_code: c[3].to_string(),
                budget_level: BudgetLevel::parse(c[4]).unwrap(),
                amount: parse_yuan(c[5]).unwrap(),
            });
        }
    }
    assert_eq!(back, rows);
}

#[test]
fn seed_2022_rebuilds_the_shipped_henan_ledger() {
    let shipped = Path::new(env!("CARGO_MANIFEST_DIR")).join("datasets/henan/ledger");
    if !shipped.join("2021.csv").exists() {
        return;
    }
    let (regions, rules) = henan();
    let opts = MonthlyOptions {
        seed: 2022,
        ..Default::default()
    };
    let rows = monthly(regions, rules, &opts).unwrap();
    let dir = tempfile::tempdir().unwrap();
    for f in write_monthly_csv(&rows, dir.path()).unwrap() {
        let name = f.file_name().unwrap();
        let same = std::fs::read(&f).unwrap() == std::fs::read(shipped.join(name)).unwrap();
        assert!(
            same,
            "{name:?} differs from the shipped ledger: regenerate it or restore the generator"
        );
    }
}

#[test]
fn the_fit_meets_every_published_figure_within_its_tolerance() {
    let (regions, rules) = henan();
    let checks = published(&default_run().0, regions, rules).unwrap();
    assert_eq!(
        checks.len(),
        params::PUBLISHED.len() + 1,
        "province included"
    );
    for c in checks {
        let target = c.figure.yuan * 100;
        let off = (c.measured - target).abs() as f64 / target as f64;
        assert!(off <= params::FIT_TOLERANCE, "{}: {off}", c.figure.source);
    }
}

#[test]
fn a_figure_the_model_cannot_meet_is_refused_naming_its_source() {
    let (regions, rules) = henan();
    let anchor = params::PROVINCE_LOCAL_2021_YUAN * 100;
    let fit = |targets: &[params::Published]| {
        fit::fitted_to(regions, rules, 2022, anchor, targets)
            .err()
            .map(|e| e.to_string())
    };
    let figure = |code, yuan, source| params::Published {
        code,
        year: 2021,
        yuan,
        source,
    };
    // 新乡's eight counties alone give far more than 1 亿元
    let err = fit(&[figure("410700", 100_000_000, "新乡 test figure")]).unwrap();
    assert!(
        err.contains("新乡 test figure") && err.contains("counties alone"),
        "{err}"
    );
    // a county as large as the whole province leaves nothing for the propers
    let err = fit(&[figure("410783", anchor / 100, "长垣 test figure")]).unwrap();
    assert!(err.contains("alone give"), "{err}");
    assert_eq!(fit(&[]), None, "the plain model meets the province figure");
}
