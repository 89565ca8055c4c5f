//! Population-weighted Gini and Theil against their direct formulas.

use super::run;
use approx::assert_relative_eq;
use fencheng::scenario::compare::{analyse, AnalysisOptions};
use fencheng::scenario::run::ScenarioResult;

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

#[test]
fn spread_functions_match_the_direct_formula_on_positive_units() {
    // seven units of uneven size, all positive: Gini and Theil both defined
    let available = [120_000i64, 5_000, 98_765, 43_210, 1_000_000, 77_777, 300];
    let population = [10u64, 3, 40, 7, 250, 1, 2];
    let w = fencheng::scenario::compare::weighted_inequality(&available, &population);
    let units: Vec<(f64, f64)> = available
        .iter()
        .zip(&population)
        .map(|(&a, &p)| (a as f64 / p as f64, p as f64))
        .collect();
    let people: f64 = units.iter().map(|u| u.1).sum();
    let mean = units.iter().map(|u| u.0 * u.1).sum::<f64>() / people;
    let mut pairs = 0.0;
    for a in &units {
        for b in &units {
            pairs += a.1 * b.1 * (a.0 - b.0).abs();
        }
    }
    let theil: f64 = units
        .iter()
        .map(|u| u.1 / people * (u.0 / mean) * (u.0 / mean).ln())
        .sum();
    assert_relative_eq!(
        w.gini.unwrap(),
        pairs / (2.0 * people * people * mean),
        epsilon = 1e-12
    );
    assert_relative_eq!(w.theil.unwrap(), theil, epsilon = 1e-12);
    // the order of the units does not matter, to the bit
    let (mut a2, mut p2) = (available.to_vec(), population.to_vec());
    a2.reverse();
    p2.reverse();
    assert_eq!(
        fencheng::scenario::compare::weighted_inequality(&a2, &p2),
        w
    );
}
