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
    expected.file = child.file.clone();
    // the files its chain read, recorded for the manifest: its parent, then the parent's
    expected.extends = vec![std::fs::canonicalize("scenarios/reform-2022.toml").unwrap()];
    expected.extends.extend(parent.extends.iter().cloned());
    assert!(
        !parent.extends.is_empty(),
        "reform-2022 extends henan-inputs"
    );
    expected.overrides.push(child.overrides[0].clone());
    // its own description, never its parent's (spec 2); the data's nature is inherited
    expected.description = child.description.clone();
    assert_ne!(child.description, parent.description);
    assert_eq!(child, expected);
    assert_eq!(
        child.data_nature,
        Some(fencheng::scenario::DataNature::Synthetic)
    );
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

#[test]
fn a_description_is_not_inherited() {
    let dir = tempfile::tempdir().unwrap();
    let parent = std::fs::canonicalize("scenarios/reform-2022.toml").unwrap();
    let child = dir.path().join("child.toml");
    std::fs::write(
        &child,
        format!(
            "[scenario]\nname = \"child\"\nextends = {:?}\n",
            parent.to_str().unwrap()
        ),
    )
    .unwrap();
    let sc = Scenario::load(&child).unwrap();
    assert!(load("scenarios/reform-2022.toml").description.is_some());
    assert_eq!(sc.description, None);
    assert!(
        sc.data_banner().contains("synthetic"),
        "{}",
        sc.data_banner()
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
    let reform = load("scenarios/reform-2022.toml");
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
    // s = 1 (spec 2): for a January switch, wherever the old-rule share S_y is at or above
    // the base, the county ends with exactly what it has without the reform — from the
    // switch year on, subsidies included (the no-reform county keeps receiving its 2021
    // subsidy, held flat, which is the base's subsidy part)
    let available = |r: &ScenarioResult, c: &str, y: i32| {
        r.settlement
            .iter()
            .find(|s| s.region == c && s.year == y)
            .unwrap()
            .available
    };
    let (mut equal, mut below) = (0, 0);
    for b in r1.baselines.iter().filter(|b| b.direct_since.year == 2022) {
        assert_eq!(b.direct_since.month, 1);
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
        let (a1, a_none) = (
            available(&r1, &b.county, b.year),
            available(&r_none, &b.county, b.year),
        );
        if old_share >= b.shared_base {
            assert_eq!(a1, a_none, "county {} {}", b.county, b.year);
            equal += 1;
        } else {
            // the base holds the due at net_base: the county pays more than without reform
            assert!(a1 < a_none, "county {} {}", b.county, b.year);
            below += 1;
        }
    }
    assert!(
        equal > 100,
        "most county-years grow above the base ({equal}, {below} below)"
    );
}

#[test]
fn a_rate_written_as_a_toml_number_says_to_write_a_string() {
    let dir = tempfile::tempdir().unwrap();
    let parent = std::fs::canonicalize("tests/cases/mini/fixed.toml").unwrap();
    for (overlay, key) in [
        (
            "[[override]]\nitem = \"10101\"\nfrom = \"2022-01\"\nprovince = 0.10\n",
            "key `override[0].province`",
        ),
        (
            "[baseline]\nindexation = { rate = 0.03 }\n",
            "baseline.indexation.rate",
        ),
        (
            "[projection]\nthrough = 2025\ngrowth = { default = 0.05 }\n",
            "projection.growth",
        ),
    ] {
        let file = dir.path().join("s.toml");
        std::fs::write(
            &file,
            format!(
                "[scenario]\nname = \"s\"\nextends = {:?}\n{overlay}",
                parent.to_str().unwrap()
            ),
        )
        .unwrap();
        let err = Scenario::load(&file).unwrap_err().to_string();
        assert!(
            err.contains("is a TOML number: write it as a string"),
            "{err}"
        );
        assert!(err.contains(key), "`{key}` not in {err}");
    }
}
