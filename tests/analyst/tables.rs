//! The income groups' default year and its refusal. The comparison's figures by hand are
//! the case folders `tests/cases/mini-reform-vs-none` (and `-undiscounted`: at 0 % the
//! present value is the sum) and `tests/cases/mini-vat-province-10`.

use super::{reform_against_none, run};
use fencheng::scenario::compare::{analyse, AnalysisOptions};

#[test]
fn income_groups_sort_by_the_year_before_the_first_switch() {
    let a = reform_against_none();
    // groups year: the year before the first switch the reference cancels (2022-01) = 2021
    // (the groups by hand: tests/cases/mini-reform-vs-none/expected/comparison_groups.csv)
    assert_eq!(a.groups_year, 2021);
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
