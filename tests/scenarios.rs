//! Scenario files and what they mean: inheritance adds exactly a child's changes, and the
//! increment-share indexation spans the reform (s = 0) and no reform (s = 1).

use fencheng::baseline::Indexation;
use fencheng::ledger::{BudgetLevel, Encoding, LedgerScan};
use fencheng::scenario::run::{run_scenario, RunOptions, ScenarioResult};
use fencheng::scenario::Scenario;
use fencheng::split::Granularity;
use std::path::Path;

fn load(f: &str) -> Scenario {
    Scenario::load(Path::new(f)).unwrap()
}

#[test]
fn a_child_is_its_parent_plus_exactly_its_overrides() {
    let parent = load("scenarios/reform-2022.toml");
    let child = load("scenarios/vat-province-10.toml");
    let mut expected = parent.clone();
    expected.name = "vat-province-10".into();
    // its own description (a hypothetical lever) is one of its changes
    expected.description = Some(
        "Hypothetical: a flat 10 % provincial share of local VAT from 2022 (Henan's rule has none)"
            .into(),
    );
    expected.file = child.file.clone();
    // the files its chain read, recorded for the manifest: its parent, then the parent's
    expected.extends = vec![std::fs::canonicalize("scenarios/reform-2022.toml").unwrap()];
    expected.extends.extend(parent.extends.iter().cloned());
    assert!(
        !parent.extends.is_empty(),
        "reform-2022 extends henan-inputs"
    );
    expected.overrides.push(child.overrides[0].clone());
    assert_eq!(child, expected);
    assert_eq!(child.overrides.len(), 1);
    assert_eq!(child.overrides[0].province.unwrap().to_string(), "0.1");
    // a grandchild keeps its parent's regime and changes the indexation only
    let no_reform = load("scenarios/no-reform.toml");
    assert_eq!(no_reform.regime.cancel_from.unwrap().to_string(), "2022-01");
    let rate = load("scenarios/base-rate-3pct.toml");
    assert_eq!(rate.indexation, Indexation::Rate(30_000));
    assert_eq!(
        (rate.regions.clone(), rate.years.clone()),
        (parent.regions.clone(), parent.years.clone())
    );
}

fn run(sc: &Scenario, scan: &LedgerScan) -> ScenarioResult {
    run_scenario(
        sc,
        scan,
        RunOptions {
            granularity: Granularity::Monthly,
            quarantine: false,
        },
    )
    .unwrap()
}

#[test]
fn increment_share_spans_reform_and_no_reform() {
    let mut reform = load("scenarios/reform-2022.toml");
    reform.subsidies = None; // the prefecture's subsidies are outside the settlement formula
    let scan = LedgerScan::open(&reform.ledgers, Encoding::Utf8).unwrap();
    let mut none = reform.clone();
    none.regime.cancel_from = Some(fencheng::period::YearMonth::parse("2022-01").unwrap());
    let (mut s0, mut s1) = (reform.clone(), reform.clone());
    s0.indexation = Indexation::IncrementShare(0);
    s1.indexation = Indexation::IncrementShare(1_000_000);
    let (r_reform, r_none, r0, r1) = (
        run(&reform, &scan),
        run(&none, &scan),
        run(&s0, &scan),
        run(&s1, &scan),
    );
    // s = 0 is the reform: the same due for every county and year
    assert_eq!(
        r0.baselines.iter().map(|b| b.due).collect::<Vec<_>>(),
        r_reform.baselines.iter().map(|b| b.due).collect::<Vec<_>>()
    );
    // s = 1: the prefecture receives its old-rule share whenever that share is at or above
    // the base, i.e. exactly what it takes from the county without the reform
    let mut equal = 0;
    for b in r1.baselines.iter().filter(|b| b.direct_since.year == 2022) {
        let old_share: i64 = r_none
            .shares
            .iter()
            .filter(|s| {
                s.key.region == b.county
                    && s.key.year == b.year
                    && s.key.level == BudgetLevel::Shared
            })
            .map(|s| s.parts.to_prefecture)
            .sum();
        if b.year > 2022 {
            assert_eq!(
                b.due,
                old_share.max(b.shared_base),
                "county {} {}",
                b.county,
                b.year
            );
            if old_share >= b.shared_base {
                equal += 1;
            }
        }
    }
    assert!(
        equal > 100,
        "most county-years grow above the base ({equal})"
    );
}
