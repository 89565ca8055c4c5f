//! The analyst's sections over the years: the population-weighted gaps between all units
//! that settle, and the cumulative and discounted change.

use super::super::charts;
use super::super::sections::{name_of, year_label};
use super::super::svg::Series;
use super::super::{note, section, table, Comparison, Unit};
use super::period;
use crate::regions::RegionKind;
use crate::scenario::compare::SummaryRow;
use crate::scenario::run::ScenarioResult;

/// Population-weighted Gini and Theil over every unit that settles, by year.
pub(super) fn inequality(id: &str, c: &Comparison) -> String {
    let years: Vec<String> = c
        .summary
        .iter()
        .map(|s| year_label((s.year, s.projected)))
        .collect();
    let faded: Vec<bool> = c.summary.iter().map(|s| s.projected).collect();
    let v = |f: fn(&SummaryRow) -> Option<f64>| -> Vec<f64> {
        c.summary.iter().map(|s| f(s).unwrap_or(f64::NAN)).collect()
    };
    let mut series = vec![
        Series {
            name: format!("Gini {} 参照 reference", c.reference),
            values: v(|s| s.weighted_reference.gini),
        },
        Series {
            name: format!("Gini {}", c.scenario),
            values: v(|s| s.weighted.gini),
        },
    ];
    series.iter_mut().for_each(|s| {
        s.values.iter_mut().for_each(|x| {
            if x.is_nan() {
                *x = 0.0
            }
        })
    });
    let title = format!(
        "城乡差距 population-weighted Gini of per-capita available resources over every unit that settles (counties, prefectures proper), by year (index 0–1): {} 相对 {}",
        c.scenario, c.reference
    );
    let chart = charts::lines(
        &format!("{id}-gaps"),
        &title,
        &years,
        &series,
        &faded,
        "Gini",
    );
    let opt = |x: Option<f64>| x.map_or("—".to_string(), |x| format!("{x:.4}"));
    let rows: Vec<(Vec<String>, bool)> = c
        .summary
        .iter()
        .map(|s| {
            (
                vec![
                    year_label((s.year, s.projected)),
                    format!(
                        "{} → {}",
                        opt(s.weighted_reference.gini),
                        opt(s.weighted.gini)
                    ),
                    format!(
                        "{} → {}",
                        opt(s.weighted_reference.theil),
                        opt(s.weighted.theil)
                    ),
                    format!("{:.4} → {:.4}", s.reference.gini, s.spread.gini),
                ],
                false,
            )
        })
        .collect();
    let headers = [
        "年度",
        "Gini 加权 weighted (参照 → 情景)",
        "Theil 加权 weighted",
        "Gini 县际 counties only, unweighted",
    ];
    let after = note("Each resident counts once; Theil is empty (—) when some unit's resources are ≤ 0. A falling weighted Gini means the gap between cities and counties narrows.");
    section(
        &format!("{id}-gaps"),
        &title,
        chart,
        &(table(&headers, &rows, 1) + &after),
    )
}

/// Cumulative change of counties and prefectures over the compared years (lines), with the
/// sums, present values and break-even years.
pub(super) fn totals(id: &str, res: &ScenarioResult, c: &Comparison) -> String {
    let years: Vec<String> = c
        .summary
        .iter()
        .map(|s| year_label((s.year, s.projected)))
        .collect();
    let faded: Vec<bool> = c.summary.iter().map(|s| s.projected).collect();
    let cumulative = |f: fn(&SummaryRow) -> i64| -> Vec<i64> {
        c.summary
            .iter()
            .scan(0i64, |acc, s| {
                *acc += f(s);
                Some(*acc)
            })
            .collect()
    };
    let (counties, prefectures) = (
        cumulative(|s| s.delta_counties),
        cumulative(|s| s.delta_prefectures),
    );
    let unit = Unit::of(counties.iter().chain(&prefectures));
    let series = vec![
        Series {
            name: "县 counties".into(),
            values: counties.iter().map(|&v| unit.value(v)).collect(),
        },
        Series {
            name: "市本级 prefectures proper".into(),
            values: prefectures.iter().map(|&v| unit.value(v)).collect(),
        },
    ];
    let title = format!(
        "累计增减 cumulative change of available resources, {} ({}): {} 相对 {}",
        period(c),
        unit.label,
        c.scenario,
        c.reference
    );
    let chart = charts::lines(
        &format!("{id}-totals"),
        &title,
        &years,
        &series,
        &faded,
        unit.label,
    );
    let mut rows = Vec::new();
    for kind in [RegionKind::County, RegionKind::Prefecture] {
        let of: Vec<_> = c.totals.iter().filter(|t| t.kind == kind).collect();
        let sum: i64 = of.iter().map(|t| t.delta_sum).sum();
        let pv: i64 = of.iter().map(|t| t.delta_present_value).sum();
        let never = of.iter().filter(|t| t.break_even_year.is_none()).count();
        let label = if kind == RegionKind::County {
            "县 counties"
        } else {
            "市本级 prefectures proper"
        };
        rows.push((
            vec![
                label.to_string(),
                unit.text(sum),
                unit.text(pv),
                format!("{never} 个未回正 never break even"),
            ],
            false,
        ));
    }
    // the counties the comparison changes (a county whose change is 0 every year, such as a
    // pilot both scenarios leave direct, has nothing to show here)
    let mut lowest: Vec<_> = c
        .totals
        .iter()
        .filter(|t| t.kind == RegionKind::County)
        .filter(|t| c.rows.iter().any(|r| r.region == t.region && r.delta != 0))
        .collect();
    lowest.sort_by(|a, b| {
        a.delta_present_value
            .cmp(&b.delta_present_value)
            .then(a.region.cmp(&b.region))
    });
    for t in lowest.iter().take(5) {
        rows.push((
            vec![
                format!("{} {}", t.region, name_of(res, &t.region)),
                unit.text(t.delta_sum),
                unit.text(t.delta_present_value),
                t.break_even_year
                    .map_or("无 none".into(), |y| y.to_string()),
            ],
            false,
        ));
    }
    let (s, p) = (
        format!("Δ 合计 summed ({})", unit.label),
        format!("现值 present value at {} ({})", c.discount, unit.label),
    );
    let headers = [
        "",
        &s,
        &p,
        "回正年 break-even year (totals: how many never)",
    ];
    let after = note(&format!(
        "Present values discount each year's change to {} at {} a year. The first two rows are totals (their last column counts the regions that never break even); then the five counties with the lowest present value among those the comparison changes; a county's break-even year is the first from which its cumulative change stays ≥ 0.",
        c.summary.first().map_or(0, |s| s.year),
        c.discount
    ));
    section(
        &format!("{id}-totals"),
        &title,
        chart,
        &(table(&headers, &rows, 1) + &after),
    )
}
