//! Relations on the small hand-made province of `tests/cases/mini` that are not table
//! figures: properties of the county statistics, of the statement tables and of the 核定表.
//! The province's hand-computed figures are case folders `tests/cases/mini-*` (run by
//! `tests/cases.rs`), each with its reasoning next to the figures.

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

fn settled(r: &ScenarioResult, code: &str, y: i32) -> fencheng::settlement::SettlementRow {
    r.settlement
        .iter()
        .find(|s| s.region == code && s.year == y)
        .unwrap()
        .clone()
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
fn the_statement_tables_change_no_other_figure() {
    let (plain, lines) = (
        run("fixed.toml", Granularity::Receipt),
        run("statement.toml", Granularity::Receipt),
    );
    // rebates and transfers by kind add up to the same totals: every figure of the plain
    // run stays (the statement lines by hand: tests/cases/mini-statement-lines)
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
}

#[test]
fn the_base_items_add_up_to_each_base() {
    use fencheng::report::base_items::base_items;
    // on every base measured from the ledger: Σ items / n and Σ subsidies / n, rounded,
    // are the base's parts (the lines by hand: tests/cases/mini-base-items)
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
