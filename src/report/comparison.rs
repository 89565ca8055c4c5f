//! The tables of `compare` (情景比较): `comparison`, `comparison_summary`,
//! `comparison_prefectures`, `comparison_groups`, `comparison_totals` and `retention`, built
//! from each scenario's [`Analysis`]. Columns are documented in the README ("Comparing
//! scenarios: the analyst's figures"); rows come sorted from the analysis.

use super::table::{Table, Values::*};
use super::tables::{region_names, repeat};
use crate::regions::RegionTable;
use crate::scenario::compare::{
    marginal_retention, Analysis, ComparisonRow, GroupRow, PrefectureRow, RetentionRow, SummaryRow,
    TotalRow,
};
use crate::scenario::run::ScenarioResult;

/// Every comparison table of a `compare` run: the analyses appended in order, and
/// `retention` for every scenario run (the reference included: before and after).
pub fn comparison_tables(
    analyses: &[Analysis],
    results: &[ScenarioResult],
    regions: &RegionTable,
) -> Vec<Table> {
    let builders: [&dyn Fn(&Analysis) -> Table; 5] = [
        &|a| comparison(&a.rows, regions),
        &|a| comparison_summary(&a.summary, &a.reference),
        &|a| comparison_prefectures(&a.prefectures, &a.reference, regions),
        &|a| comparison_groups(&a.groups, &a.reference),
        &|a| comparison_totals(&a.totals, &a.reference, regions),
    ];
    let mut tables: Vec<Table> = builders
        .iter()
        .map(|b| {
            let mut t = Table::new("");
            for a in analyses {
                t.append(b(a));
            }
            t
        })
        .collect();
    let mut r = Table::new("");
    for res in results {
        r.append(retention(res));
    }
    tables.push(r);
    tables
}

/// `comparison`: one row per scenario, year and region against the reference.
pub fn comparison(rows: &[ComparisonRow], regions: &RegionTable) -> Table {
    Table::new("comparison")
        .col(
            "scenario",
            Text(rows.iter().map(|x| x.scenario.clone()).collect()),
        )
        .col(
            "fiscal_year",
            Int(rows.iter().map(|x| x.year as i64).collect()),
        )
        .col(
            "region_code",
            Text(rows.iter().map(|x| x.region.clone()).collect()),
        )
        .col(
            "region_name",
            region_names(regions, rows.iter().map(|x| x.region.as_str())),
        )
        .col(
            "kind",
            Label(rows.iter().map(|x| x.kind.as_str()).collect()),
        )
        .col(
            "available_reference",
            Money(rows.iter().map(|x| x.available_reference).collect()),
        )
        .col(
            "available",
            Money(rows.iter().map(|x| x.available).collect()),
        )
        .col("delta", Money(rows.iter().map(|x| x.delta).collect()))
        .col(
            "delta_pct",
            Float(rows.iter().map(|x| x.delta_pct).collect()),
        )
        .col(
            "delta_per_capita",
            OptMoney(rows.iter().map(|x| x.delta_per_capita).collect()),
        )
        .col(
            "retention_reference",
            Float(rows.iter().map(|x| x.retention_reference).collect()),
        )
        .col(
            "retention",
            Float(rows.iter().map(|x| x.retention).collect()),
        )
        .col(
            "retention_with_subsidy_reference",
            Float(
                rows.iter()
                    .map(|x| x.retention_with_subsidy_reference)
                    .collect(),
            ),
        )
        .col(
            "retention_with_subsidy",
            Float(rows.iter().map(|x| x.retention_with_subsidy).collect()),
        )
        .col(
            "projected",
            Bool(rows.iter().map(|x| x.projected).collect()),
        )
}

/// `comparison_summary`: one row per scenario and year.
pub fn comparison_summary(rows: &[SummaryRow], reference: &str) -> Table {
    let f = |g: fn(&SummaryRow) -> Option<f64>| Float(rows.iter().map(g).collect());
    let m = |g: fn(&SummaryRow) -> i64| Money(rows.iter().map(g).collect());
    Table::new("comparison_summary")
        .col(
            "scenario",
            Text(rows.iter().map(|x| x.scenario.clone()).collect()),
        )
        .col("reference", Text(repeat(reference, rows.len())))
        .col(
            "fiscal_year",
            Int(rows.iter().map(|x| x.year as i64).collect()),
        )
        .col(
            "winners",
            Int(rows.iter().map(|x| x.winners as i64).collect()),
        )
        .col(
            "losers",
            Int(rows.iter().map(|x| x.losers as i64).collect()),
        )
        .col("delta_counties", m(|x| x.delta_counties))
        .col("delta_prefectures", m(|x| x.delta_prefectures))
        .col("delta_province", m(|x| x.delta_province))
        .col("gini_reference", f(|x| Some(x.reference.gini)))
        .col("gini", f(|x| Some(x.spread.gini)))
        .col("cv_reference", f(|x| Some(x.reference.cv)))
        .col("cv", f(|x| Some(x.spread.cv)))
        .col("max_min_ratio_reference", f(|x| x.reference.max_min_ratio))
        .col("max_min_ratio", f(|x| x.spread.max_min_ratio))
        .col("gini_weighted_reference", f(|x| x.weighted_reference.gini))
        .col("gini_weighted", f(|x| x.weighted.gini))
        .col(
            "theil_weighted_reference",
            f(|x| x.weighted_reference.theil),
        )
        .col("theil_weighted", f(|x| x.weighted.theil))
        .col(
            "projected",
            Bool(rows.iter().map(|x| x.projected).collect()),
        )
}

/// `comparison_prefectures`: one row per scenario, year and prefecture.
pub fn comparison_prefectures(
    rows: &[PrefectureRow],
    reference: &str,
    regions: &RegionTable,
) -> Table {
    let m = |g: fn(&PrefectureRow) -> i64| Money(rows.iter().map(g).collect());
    Table::new("comparison_prefectures")
        .col(
            "scenario",
            Text(rows.iter().map(|x| x.scenario.clone()).collect()),
        )
        .col("reference", Text(repeat(reference, rows.len())))
        .col(
            "fiscal_year",
            Int(rows.iter().map(|x| x.year as i64).collect()),
        )
        .col(
            "prefecture_code",
            Text(rows.iter().map(|x| x.prefecture.clone()).collect()),
        )
        .col(
            "prefecture_name",
            region_names(regions, rows.iter().map(|x| x.prefecture.as_str())),
        )
        .col("delta_proper", m(|x| x.delta_proper))
        .col("delta_counties", m(|x| x.delta_counties))
        .col("delta_total", m(|x| x.delta_total))
        .col(
            "population",
            Int(rows.iter().map(|x| x.population as i64).collect()),
        )
        .col(
            "delta_total_per_capita",
            OptMoney(rows.iter().map(|x| x.delta_total_per_capita).collect()),
        )
        .col(
            "projected",
            Bool(rows.iter().map(|x| x.projected).collect()),
        )
}

/// `comparison_groups`: one row per scenario, year and income group.
pub fn comparison_groups(rows: &[GroupRow], reference: &str) -> Table {
    Table::new("comparison_groups")
        .col(
            "scenario",
            Text(rows.iter().map(|x| x.scenario.clone()).collect()),
        )
        .col("reference", Text(repeat(reference, rows.len())))
        .col(
            "fiscal_year",
            Int(rows.iter().map(|x| x.year as i64).collect()),
        )
        .col("group", Int(rows.iter().map(|x| x.group as i64).collect()))
        .col(
            "counties",
            Int(rows.iter().map(|x| x.counties as i64).collect()),
        )
        .col(
            "population",
            Int(rows.iter().map(|x| x.population as i64).collect()),
        )
        .col(
            "delta_total",
            Money(rows.iter().map(|x| x.delta_total).collect()),
        )
        .col(
            "delta_per_capita",
            OptMoney(rows.iter().map(|x| x.delta_per_capita).collect()),
        )
        .col(
            "projected",
            Bool(rows.iter().map(|x| x.projected).collect()),
        )
}

/// `comparison_totals`: one row per scenario and region, over the compared years.
pub fn comparison_totals(rows: &[TotalRow], reference: &str, regions: &RegionTable) -> Table {
    Table::new("comparison_totals")
        .col(
            "scenario",
            Text(rows.iter().map(|x| x.scenario.clone()).collect()),
        )
        .col("reference", Text(repeat(reference, rows.len())))
        .col(
            "region_code",
            Text(rows.iter().map(|x| x.region.clone()).collect()),
        )
        .col(
            "region_name",
            region_names(regions, rows.iter().map(|x| x.region.as_str())),
        )
        .col(
            "kind",
            Label(rows.iter().map(|x| x.kind.as_str()).collect()),
        )
        .col(
            "delta_sum",
            Money(rows.iter().map(|x| x.delta_sum).collect()),
        )
        .col(
            "delta_present_value",
            Money(rows.iter().map(|x| x.delta_present_value).collect()),
        )
        .col(
            "break_even_year",
            OptInt(
                rows.iter()
                    .map(|x| x.break_even_year.map(i64::from))
                    .collect(),
            ),
        )
}

/// `retention`: one row per scenario, year, county and rulebook item.
pub fn retention(res: &ScenarioResult) -> Table {
    retention_table(&marginal_retention(res))
}

/// `retention` of the rows given (e.g. one year's).
pub fn retention_table(rows: &[RetentionRow]) -> Table {
    Table::new("retention")
        .col(
            "scenario",
            Text(rows.iter().map(|x| x.scenario.clone()).collect()),
        )
        .col(
            "fiscal_year",
            Int(rows.iter().map(|x| x.year as i64).collect()),
        )
        .col(
            "region_code",
            Text(rows.iter().map(|x| x.region.clone()).collect()),
        )
        .col(
            "item_code",
            Text(rows.iter().map(|x| x.item.clone()).collect()),
        )
        .col(
            "marginal",
            Float(rows.iter().map(|x| Some(x.marginal)).collect()),
        )
        .col(
            "projected",
            Bool(rows.iter().map(|x| x.projected).collect()),
        )
}
