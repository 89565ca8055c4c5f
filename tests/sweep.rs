//! Sweeps: the fast evaluation of a grid point (re-splitting only what the point changes)
//! equals a full run of the same scenario, to the fen, for every kind of axis; and the
//! grid is the product of the axes.

use fencheng::ledger::{Encoding, LedgerScan};
use fencheng::scenario::run::{run_scenario, RunOptions};
use fencheng::scenario::sweep::{Evaluator, SweepPlan};
use fencheng::split::Granularity;
use std::path::Path;

#[test]
fn fast_points_equal_full_runs_for_every_axis_kind() {
    let plan = SweepPlan::load(Path::new("tests/cases/mini/sweep.toml")).unwrap();
    let points = plan.points().unwrap();
    assert_eq!(points.len(), 2 * 2 * 2 * 2 * 2);
    let scan = LedgerScan::open(&plan.scenario.ledgers, Encoding::Utf8).unwrap();
    let opts = RunOptions {
        granularity: Granularity::Monthly,
        quarantine: false,
    };
    let base = run_scenario(&plan.scenario, &scan, opts).unwrap();
    let reference = run_scenario(&plan.against, &scan, opts).unwrap();
    let ev = Evaluator::new(&base, &reference).unwrap();
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
