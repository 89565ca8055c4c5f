//! The split of one receipt for every rule shape, by hand, on the mini province's rulebook
//! (VAT 50 % central, 20 % of local to the province, 30 % of the rest to the prefecture;
//! 乙市 990200 has its own VAT share of 40 %).

use fencheng::ledger::BudgetLevel;
use fencheng::money::Rate;
use fencheng::period::YearMonth;
use fencheng::regions::RegionTable;
use fencheng::rules::{RuleChange, RuleSet};
use fencheng::split::{route, Cascade, Parts, RouteProblem};
use proptest::prelude::*;
use std::path::Path;

fn inputs() -> (RegionTable, RuleSet) {
    let dir = Path::new("tests/cases/mini");
    (
        RegionTable::load(&dir.join("regions.csv")).unwrap(),
        RuleSet::load(&dir.join("rulebook.toml")).unwrap(),
    )
}

fn ym(y: i32, m: u32) -> YearMonth {
    YearMonth::new(y, m).unwrap()
}

fn split(region: &str, item: &str, level: BudgetLevel, at: YearMonth, fen: i64) -> Parts {
    let (regions, rules) = inputs();
    route(&regions, &rules, region, item, level, at)
        .unwrap()
        .split(fen)
}

fn four(p: Parts) -> (i64, i64, i64, i64) {
    (p.to_central, p.to_province, p.to_prefecture, p.retained)
}

#[test]
fn cascade_in_a_prefecture_managed_county() {
    // 1000.00: central 500.00; province 20 % of 500.00 = 100.00; prefecture 30 % of 400.00
    let p = split("990121", "10101", BudgetLevel::Shared, ym(2021, 5), 100_000);
    assert_eq!(four(p), (50_000, 10_000, 12_000, 28_000));
    assert_eq!(p.prefecture_if_managed, 12_000);
}

#[test]
fn direct_month_versus_managed_month() {
    // 990221 switches in 2022-07: June still shares with the prefecture, July does not.
    let june = split("990221", "10101", BudgetLevel::Shared, ym(2022, 6), 100_000);
    let july = split("990221", "10101", BudgetLevel::Shared, ym(2022, 7), 100_000);
    assert_eq!(four(june), (50_000, 10_000, 16_000, 24_000)); // its prefecture's own 40 %
    assert_eq!(four(july), (50_000, 10_000, 0, 40_000));
    assert_eq!(july.prefecture_if_managed, 16_000); // the old-rule measure stays
}

#[test]
fn prefecture_proper_keeps_the_rest() {
    let p = split("990100", "10101", BudgetLevel::Shared, ym(2021, 1), 100_000);
    assert_eq!(four(p), (50_000, 10_000, 0, 40_000));
    assert_eq!(p.prefecture_if_managed, 0);
}

#[test]
fn fixed_levels_go_whole_to_their_level() {
    let at = ym(2022, 3);
    assert_eq!(
        four(split("990121", "10104", BudgetLevel::Central, at, 12_345)),
        (12_345, 0, 0, 0)
    );
    assert_eq!(
        four(split("990121", "10104", BudgetLevel::Province, at, 12_345)),
        (0, 12_345, 0, 0)
    );
    assert_eq!(
        four(split(
            "990121",
            "10104",
            BudgetLevel::Prefecture,
            at,
            12_345
        )),
        (0, 0, 12_345, 0)
    );
    assert_eq!(
        four(split("990121", "103", BudgetLevel::County, at, 12_345)),
        (0, 0, 0, 12_345)
    );
    assert_eq!(
        four(split("990100", "103", BudgetLevel::Prefecture, at, 12_345)),
        (0, 0, 0, 12_345)
    );
    // fixed-level prefecture receipts are not part of the baseline measure
    assert_eq!(
        split("990121", "10104", BudgetLevel::Prefecture, at, 12_345).prefecture_if_managed,
        0
    );
}

#[test]
fn refund_splits_like_a_receipt_with_the_sign_turned() {
    let at = ym(2021, 2);
    let plus = split("990222", "10101", BudgetLevel::Shared, at, 33_333);
    let minus = split("990222", "10101", BudgetLevel::Shared, at, -33_333);
    assert_eq!(
        four(minus),
        (
            -plus.to_central,
            -plus.to_province,
            -plus.to_prefecture,
            -plus.retained
        )
    );
    assert_eq!((plus + minus).collected, 0);
    assert_eq!(four(plus + minus), (0, 0, 0, 0));
}

#[test]
fn rounding_ties_go_away_from_zero_in_both_signs() {
    let at = ym(2021, 2);
    // 0.03: central round(1.5) = 2 fen; local 1, province round(0.2) = 0; prefecture round(0.4) = 0
    assert_eq!(
        four(split("990222", "10101", BudgetLevel::Shared, at, 3)),
        (2, 0, 0, 1)
    );
    assert_eq!(
        four(split("990222", "10101", BudgetLevel::Shared, at, -3)),
        (-2, 0, 0, -1)
    );
}

#[test]
fn longest_prefix_and_unknown_codes() {
    let (regions, rules) = inputs();
    let at = ym(2021, 2);
    let sub = route(
        &regions,
        &rules,
        "990121",
        "1010101",
        BudgetLevel::Shared,
        at,
    )
    .unwrap();
    assert_eq!(
        sub,
        route(&regions, &rules, "990121", "10101", BudgetLevel::Shared, at).unwrap()
    );
    assert_eq!(
        route(&regions, &rules, "990121", "10199", BudgetLevel::Shared, at),
        Err(RouteProblem::UnknownItem)
    );
    assert_eq!(
        route(&regions, &rules, "999999", "10101", BudgetLevel::Shared, at),
        Err(RouteProblem::UnknownRegion)
    );
    assert_eq!(
        route(&regions, &rules, "990100", "103", BudgetLevel::County, at),
        Err(RouteProblem::CountyLevelInPrefecture)
    );
    assert_eq!(
        route(
            &regions,
            &rules,
            "990301",
            "103",
            BudgetLevel::Prefecture,
            at
        ),
        Err(RouteProblem::PrefectureLevelWithoutPrefecture)
    );
    assert_eq!(
        route(
            &regions,
            &rules,
            "990121",
            "10101",
            BudgetLevel::Shared,
            ym(2018, 12)
        ),
        Err(RouteProblem::NoRuleInForce)
    );
}

#[test]
fn rule_change_mid_year_applies_from_its_month() {
    let (regions, mut rules) = inputs();
    rules
        .apply_change(&RuleChange {
            item: "10101".into(),
            from: ym(2022, 7),
            central: None,
            province: Some(Rate::parse("0.10").unwrap()),
            prefecture: None,
        })
        .unwrap();
    let june = route(
        &regions,
        &rules,
        "990222",
        "10101",
        BudgetLevel::Shared,
        ym(2022, 6),
    )
    .unwrap()
    .split(100_000);
    let july = route(
        &regions,
        &rules,
        "990222",
        "10101",
        BudgetLevel::Shared,
        ym(2022, 7),
    )
    .unwrap()
    .split(100_000);
    assert_eq!(june.to_province, 10_000);
    assert_eq!(july.to_province, 5_000);
}

fn rate() -> impl Strategy<Value = Rate> {
    (0u32..=1_000_000).prop_map(|p| Rate::from_ppm(p).unwrap())
}

proptest! {
    #[test]
    fn the_four_parts_always_sum_to_the_receipt(
        amount in -fencheng::money::MAX_FEN..=fencheng::money::MAX_FEN,
        c in rate(), p in rate(), f in rate(),
    ) {
        let parts = Cascade { central: c, province: p, prefecture: f, prefecture_if_managed: f }.split(amount);
        prop_assert!(parts.conserves());
        for x in [parts.to_central, parts.to_province, parts.to_prefecture, parts.retained] {
            prop_assert!(x == 0 || (x > 0) == (amount > 0));
            prop_assert!(x.abs() <= amount.abs());
        }
    }
}
