//! Sweeps: the fast evaluation of a grid point (re-splitting only what the point changes)
//! equals a full run of the same scenario, to the fen, for every kind of axis; the summary
//! computed from flat sums equals the comparison of the full statements; and the grid is
//! the product of the axes.

use fencheng::ledger::{Encoding, LedgerScan};
use fencheng::scenario::compare::compare;
use fencheng::scenario::run::{run_scenario, RunOptions};
use fencheng::scenario::sweep::{Evaluator, SweepPlan};
use fencheng::split::Granularity;
use std::path::Path;

/// Sweeps split monthly totals.
const MONTHLY: RunOptions = RunOptions {
    granularity: Granularity::Monthly,
    quarantine: false,
};

#[test]
fn fast_points_equal_full_runs_for_every_axis_kind() {
    let plan = SweepPlan::load(Path::new("tests/cases/mini/sweep.toml")).unwrap();
    let points = plan.points().unwrap();
    assert_eq!(points.len(), 2 * 2 * 2 * 2 * 2);
    let scan = LedgerScan::open(&plan.scenario.ledgers, Encoding::Utf8).unwrap();
    let opts = MONTHLY;
    let base = run_scenario(&plan.scenario, &scan, opts).unwrap();
    let reference = run_scenario(&plan.against, &scan, opts).unwrap();
    let ev = Evaluator::new(&base, &reference, &plan.axes).unwrap();
    let ticks = std::sync::atomic::AtomicUsize::new(0);
    let all = ev
        .summarize_all(&points, &|| {
            ticks.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        })
        .unwrap();
    assert_eq!(ticks.into_inner(), points.len());
    let mut differing_points = 0;
    for p in &points {
        let fast = ev.evaluate(p).unwrap();
        let full = run_scenario(&p.scenario, &scan, opts).unwrap();
        assert_eq!(
            fast.settlement, full.settlement,
            "point {} {:?}",
            p.index, p.values
        );
        assert_eq!(fast.province, full.province, "point {}", p.index);
        let (_, full_summary) = compare(&reference, &full);
        assert!(!full_summary.is_empty());
        assert_eq!(fast.summary, full_summary, "point {}", p.index);
        assert_eq!(ev.summarize(p).unwrap(), full_summary, "point {}", p.index);
        assert_eq!(all[p.index], full_summary, "point {}", p.index);
        if fast.settlement != reference.settlement {
            differing_points += 1;
        }
    }
    // every point but the one equal to the base moves some figure
    assert!(
        differing_points >= points.len() - 1,
        "{differing_points} of {}",
        points.len()
    );
}

#[test]
fn a_point_changing_what_the_axes_did_not_prepare_is_refused() {
    let plan = SweepPlan::load(Path::new("tests/cases/mini/sweep.toml")).unwrap();
    let points = plan.points().unwrap();
    let scan = LedgerScan::open(&plan.scenario.ledgers, Encoding::Utf8).unwrap();
    let opts = MONTHLY;
    let base = run_scenario(&plan.scenario, &scan, opts).unwrap();
    // prepared for the indexation axis only: the VAT overrides and growth were not
    let only_rate: Vec<_> = plan
        .axes
        .iter()
        .filter(|a| a.name == "rate")
        .cloned()
        .collect();
    let ev = Evaluator::new(&base, &base, &only_rate).unwrap();
    let err = ev.summarize(&points[0]).unwrap_err().to_string();
    assert!(err.contains("not prepared"), "{err}");
    let err = ev.summarize_all(&points, &|| {}).unwrap_err().to_string();
    assert!(err.contains("sweep point 0"), "{err}");
}

#[test]
fn henan_sweep_points_summarize_like_their_full_runs() {
    // the worst case of the shipped sweeps: two override axes, no shared re-splits; the
    // corners and one inner point, each against a full run of its own scenario
    let plan = SweepPlan::load(Path::new("scenarios/sweep-vat-x-income-tax.toml")).unwrap();
    let points = plan.points().unwrap();
    assert_eq!(points.len(), 31 * 33);
    let scan = LedgerScan::open(&plan.scenario.ledgers, Encoding::Utf8).unwrap();
    let opts = MONTHLY;
    let base = run_scenario(&plan.scenario, &scan, opts).unwrap();
    let ev = Evaluator::new(&base, &base, &plan.axes).unwrap();
    for i in [0, 500, points.len() - 1] {
        let p = &points[i];
        let full = run_scenario(&p.scenario, &scan, opts).unwrap();
        let (_, expected) = compare(&base, &full);
        assert_eq!(expected.len(), 12, "2019–2030");
        assert!(expected.iter().any(|r| r.delta_province != 0));
        assert_eq!(ev.summarize(p).unwrap(), expected, "point {i}");
    }
}

#[test]
fn sweeps_refuse_receipt_granularity_and_take_csv_bom() {
    use assert_cmd::Command;
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let sweep = "tests/cases/mini/sweep.toml";
    // the flag: a usage error (exit 2)
    let r = Command::cargo_bin("fencheng")
        .unwrap()
        .args(["sweep", sweep, "--out", out.to_str().unwrap()])
        .args(["--granularity", "receipt"])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&r.stderr);
    assert_eq!(r.status.code(), Some(2), "{err}");
    assert!(err.contains("not available for sweeps"), "{err}");
    assert!(!out.exists());
    // the sweep file's key: an input error naming the key
    let text = std::fs::read_to_string(sweep).unwrap().replace(
        "against = \"projected.toml\"",
        &format!(
            "against = {:?}\ngranularity = \"receipt\"",
            std::fs::canonicalize("tests/cases/mini/projected.toml").unwrap()
        ),
    );
    let text = text.replace(
        "scenario = \"projected.toml\"",
        &format!(
            "scenario = {:?}",
            std::fs::canonicalize("tests/cases/mini/projected.toml").unwrap()
        ),
    );
    let file = dir.path().join("receipt.toml");
    std::fs::write(&file, text).unwrap();
    let r = Command::cargo_bin("fencheng")
        .unwrap()
        .args(["sweep", file.to_str().unwrap(), "--out"])
        .arg(&out)
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&r.stderr);
    assert_eq!(r.status.code(), Some(1), "{err}");
    assert!(err.contains("sweep.granularity"), "{err}");
    // --csv-bom puts a BOM before the header of every CSV table
    Command::cargo_bin("fencheng")
        .unwrap()
        .args(["sweep", sweep, "--quiet", "--csv-bom", "--out"])
        .arg(&out)
        .assert()
        .success();
    for t in ["sweep_summary.csv", "comparison_summary.csv"] {
        let bytes = std::fs::read(out.join(t)).unwrap();
        assert!(
            bytes.starts_with(b"\xEF\xBB\xBFsweep") || bytes.starts_with(b"\xEF\xBB\xBFscenario"),
            "{t}"
        );
    }
}

#[test]
fn a_growth_axis_alone_reaches_every_projected_item() {
    // growth only: every projected row must be prepared (a first version of the evaluator
    // took the second projected row of an item for an overridden one and panicked)
    let mut plan = SweepPlan::load(Path::new("tests/cases/mini/sweep.toml")).unwrap();
    plan.axes.retain(|a| a.name == "growth");
    let points = plan.points().unwrap();
    assert_eq!(points.len(), 2);
    let scan = LedgerScan::open(&plan.scenario.ledgers, Encoding::Utf8).unwrap();
    let opts = MONTHLY;
    let base = run_scenario(&plan.scenario, &scan, opts).unwrap();
    assert!(base.shares.iter().filter(|s| s.projected).count() > 1);
    let ev = Evaluator::new(&base, &base, &plan.axes).unwrap();
    // a growth axis on a prefix no projected receipt has would vary nothing
    let mut typo = plan.axes.clone();
    typo[0].kind = fencheng::scenario::sweep::AxisKind::Growth {
        prefix: "99999".into(),
    };
    let err = Evaluator::new(&base, &base, &typo)
        .err()
        .unwrap()
        .to_string();
    assert!(
        err.contains("99999") && err.contains("no projected"),
        "{err}"
    );
    for p in &points {
        let full = run_scenario(&p.scenario, &scan, opts).unwrap();
        let (_, expected) = compare(&base, &full);
        assert_eq!(ev.summarize(p).unwrap(), expected, "point {}", p.index);
    }
}

#[test]
fn sweep_files_are_checked_before_any_run() {
    let dir = tempfile::tempdir().unwrap();
    let mini = std::fs::canonicalize("tests/cases/mini/projected.toml").unwrap();
    let head = format!("[sweep]\nname = \"s\"\nscenario = {mini:?}\nagainst = {mini:?}\n");
    for (axes, words) in [
        (
            "[[axis]]\nname = \"a\"\nkind = \"override\"\nitem = \"99999\"\nfrom = \"2022-01\"\nfield = \"province\"\nvalues = [\"0.1\"]\n",
            &["axis[0].item", "99999", "not in the rulebook"][..],
        ),
        (
            "[[axis]]\nname = \"a\"\nkind = \"indexation\"\nmethod = \"rate\"\nvalues = [\"0.1\"]\n\
             [[axis]]\nname = \"a\"\nkind = \"indexation\"\nmethod = \"rate\"\nvalues = [\"0.2\"]\n",
            &["axis[1].name", "names two axes"][..],
        ),
        (
            "[[axis]]\nname = \"a\"\nkind = \"indexation\"\nmethod = \"rate\"\nrange = { start = \"0\", stop = \"0.9\", step = \"0.001\" }\n\
             [[axis]]\nname = \"b\"\nkind = \"indexation\"\nmethod = \"increment_share\"\nrange = { start = \"0\", stop = \"0.9\", step = \"0.001\" }\n",
            &["901 × 901", "more than 200000"][..],
        ),
        (
            "[[axis]]\nname = \"by\"\nkind = \"base_years\"\nvalues = [[2021, 2021]]\n",
            &["axis `by` value 2021;2021", "twice"][..],
        ),
        (
            "[[axis]]\nname = \"k\"\nkind = \"indexation\"\nmethod = \"revenue_coefficient\"\nvalues = [\"1.5\"]\n",
            &["axis `k` value 1.5", "between 0 and 1"][..],
        ),
    ] {
        let file = dir.path().join("s.toml");
        std::fs::write(&file, format!("{head}{axes}")).unwrap();
        let err = SweepPlan::load(&file)
            .and_then(|p| p.points())
            .err()
            .unwrap_or_else(|| panic!("accepted: {axes}"))
            .to_string();
        for w in words {
            assert!(err.contains(w), "`{w}` not in: {err}");
        }
        assert!(err.contains("s.toml"), "{err}");
    }
}

#[test]
fn henan_points_against_another_reference_summarize_like_compare() {
    // the reference is the counterfactual, not the sweep's base: the summary must still be
    // what `compare` gives for the point's scenario against it
    let plan = SweepPlan::load(Path::new("scenarios/sweep-vat-province.toml")).unwrap();
    let reference =
        fencheng::scenario::Scenario::load(Path::new("scenarios/no-reform-2030.toml")).unwrap();
    let points = plan.points().unwrap();
    let scan = LedgerScan::open(&plan.scenario.ledgers, Encoding::Utf8).unwrap();
    let opts = MONTHLY;
    let base = run_scenario(&plan.scenario, &scan, opts).unwrap();
    let reference = run_scenario(&reference, &scan, opts).unwrap();
    let ev = Evaluator::new(&base, &reference, &plan.axes).unwrap();
    let p = &points[10];
    let full = run_scenario(&p.scenario, &scan, opts).unwrap();
    let (_, expected) = compare(&reference, &full);
    assert_eq!(expected.len(), 12);
    assert!(expected
        .iter()
        .any(|r| r.winners > 0 && r.delta_prefectures < 0));
    assert_eq!(ev.summarize(p).unwrap(), expected);
}
