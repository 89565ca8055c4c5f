//! The `sweep_summary` table (参数扫描汇总): one row per grid point.

use crate::report::table::{Table, Values::*};
use crate::scenario::compare::SummaryRow;
use crate::scenario::sweep::{Point, SweepPlan};

/// One row per grid point: axis values, then the change summed over the years and the
/// spread of the last year.
pub fn sweep_summary(plan: &SweepPlan, points: &[Point], summaries: &[Vec<SummaryRow>]) -> Table {
    let mut t = Table::new("sweep_summary")
        .col("sweep", Text(vec![plan.name.clone(); points.len()]))
        .col(
            "point",
            Int(points.iter().map(|p| p.index as i64).collect()),
        );
    for (k, axis) in plan.axes.iter().enumerate() {
        t = t.col(
            &axis.name,
            Text(points.iter().map(|p| p.values[k].label()).collect()),
        );
    }
    let last = |s: &Vec<SummaryRow>| s.last().cloned();
    let sum = |f: fn(&SummaryRow) -> i64| {
        Money(summaries.iter().map(|s| s.iter().map(f).sum()).collect())
    };
    t.col(
        "years",
        Text(
            summaries
                .iter()
                .map(|s| {
                    format!(
                        "{}–{}",
                        s.first().map_or(0, |r| r.year),
                        s.last().map_or(0, |r| r.year)
                    )
                })
                .collect(),
        ),
    )
    .col("delta_counties", sum(|r| r.delta_counties))
    .col("delta_prefectures", sum(|r| r.delta_prefectures))
    .col("delta_province", sum(|r| r.delta_province))
    .col(
        "winners_last_year",
        Int(summaries
            .iter()
            .map(|s| last(s).map_or(0, |r| r.winners as i64))
            .collect()),
    )
    .col(
        "losers_last_year",
        Int(summaries
            .iter()
            .map(|s| last(s).map_or(0, |r| r.losers as i64))
            .collect()),
    )
    .col(
        "gini_reference_last_year",
        Float(
            summaries
                .iter()
                .map(|s| last(s).map(|r| r.reference.gini))
                .collect(),
        ),
    )
    .col(
        "gini_last_year",
        Float(
            summaries
                .iter()
                .map(|s| last(s).map(|r| r.spread.gini))
                .collect(),
        ),
    )
    .col(
        "cv_last_year",
        Float(
            summaries
                .iter()
                .map(|s| last(s).map(|r| r.spread.cv))
                .collect(),
        ),
    )
    .col(
        "max_min_ratio_last_year",
        Float(
            summaries
                .iter()
                .map(|s| last(s).and_then(|r| r.spread.max_min_ratio))
                .collect(),
        ),
    )
}
