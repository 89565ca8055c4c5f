//! The comparison sections of the report: the counties that gain and lose most against the
//! reference (增减), and the Lorenz curve of county per-capita resources with its Gini.

use super::charts;
use super::sections::{name_of, rows_of, year_label, years};
use super::{note, section, table, Comparison, Unit};
use crate::money::round_div;
use crate::regions::RegionKind;
use crate::scenario::compare::{county_per_capita, spread, ComparisonRow};
use crate::scenario::run::ScenarioResult;
use std::collections::BTreeMap;

/// The counties that gain and lose most against the reference in the last compared year.
pub fn winners_losers(id: &str, res: &ScenarioResult, c: &Comparison) -> String {
    let (reference, rows, summary) = (&c.reference, &c.rows, &c.summary);
    let year = rows.iter().map(|r| r.year).max().unwrap_or_default();
    let projected = rows.iter().any(|r| r.year == year && r.projected);
    let mut counties: Vec<_> = rows
        .iter()
        .filter(|r| r.year == year && r.kind == RegionKind::County)
        .collect();
    counties.sort_by(|a, b| b.delta.cmp(&a.delta).then_with(|| a.region.cmp(&b.region)));
    let unit = Unit::of(counties.iter().map(|r| &r.delta));
    let pick = |rs: Vec<&&ComparisonRow>| -> Vec<(String, f64)> {
        rs.into_iter()
            .map(|r| (name_of(res, &r.region).to_string(), unit.value(r.delta)))
            .collect()
    };
    let gains = pick(counties.iter().filter(|r| r.delta > 0).take(15).collect());
    let losses = pick(
        counties
            .iter()
            .rev()
            .filter(|r| r.delta < 0)
            .take(15)
            .collect(),
    );
    let scenario = super::compared_scenario(c).unwrap_or("");
    let title = format!(
        "县级赢家与输家 {} 单年 one year (bars), every year (table)：{scenario} 相对 {reference} counties' change in available resources ({})",
        year_label((year, projected)),
        unit.label
    );
    let chart = charts::diverging_bars(
        &format!("{id}-winners"),
        &title,
        &gains,
        &losses,
        unit.label,
    );
    let u = Unit::of(
        summary
            .iter()
            .flat_map(|s| [&s.delta_counties, &s.delta_prefectures, &s.delta_province]),
    );
    let srows: Vec<(Vec<String>, bool)> = summary
        .iter()
        .map(|s| {
            (
                vec![
                    year_label((s.year, s.projected)),
                    s.winners.to_string(),
                    s.losers.to_string(),
                    u.text(s.delta_counties),
                    u.text(s.delta_prefectures),
                    u.text(s.delta_province),
                    format!("{:.4} → {:.4}", s.reference.gini, s.spread.gini),
                ],
                false,
            )
        })
        .collect();
    let (dc, dp, dv) = (
        format!("Δ 县 counties ({})", u.label),
        format!("Δ 市 prefectures ({})", u.label),
        format!("Δ 省 province ({})", u.label),
    );
    let headers = [
        "年度",
        "增加县数 winners",
        "减少县数 losers",
        &dc,
        &dp,
        &dv,
        "Gini 参照 → 情景",
    ];
    let caption = note(&format!(
        "The bars: the {} year alone. The table: every compared year, each on its own (not \
         summed); 预测 marks a projected year, which rests on the scenario's assumed growth.",
        year_label((year, projected))
    ));
    section(
        &format!("{id}-winners"),
        &title,
        chart,
        &(caption + &table(&headers, &srows, 1)),
    )
}

/// Lorenz curve of county per-capita available resources in the last settled year, with
/// the reference's when the scenario is compared.
pub fn lorenz(id: &str, res: &ScenarioResult, c: Option<&Comparison>) -> String {
    let last = years(res).last().copied().unwrap_or_default();
    let year = last.0;
    let mine = county_per_capita(&res.settlement, year);
    let g = spread(&mine).gini;
    let mut curves = vec![(format!("{} (Gini {g:.4})", res.scenario.name), mine)];
    let mut title = format!(
        "县人均可用财力分布 {} Lorenz curve — {} Gini {g:.4}",
        year_label(last),
        res.scenario.name
    );
    if let Some(Comparison {
        reference, rows, ..
    }) = c
    {
        // the same counties as `county_per_capita`: under a prefecture, with residents
        let population: BTreeMap<&str, u64> = rows_of(res, year, RegionKind::County)
            .filter(|r| !r.prefecture_code.is_empty())
            .map(|r| (r.region.as_str(), r.population))
            .collect();
        let theirs: Vec<f64> = rows
            .iter()
            .filter(|r| r.year == year && r.kind == RegionKind::County)
            .filter_map(|r| {
                let pop = *population.get(r.region.as_str())?;
                (pop > 0)
                    .then(|| round_div(r.available_reference as i128, pop as i128) as f64 / 100.0)
            })
            .collect();
        let rg = spread(&theirs).gini;
        title.push_str(&format!(" vs {reference} {rg:.4}"));
        curves.push((format!("{reference} 参照 (Gini {rg:.4})"), theirs));
    }
    let notes: Vec<String> = match c {
        Some(Comparison {
            reference, summary, ..
        }) => std::iter::once(format!(
            "Gini by year ({reference} → {})",
            res.scenario.name
        ))
        .chain(summary.iter().map(|s| {
            format!(
                "{}: {:.4} → {:.4}",
                year_label((s.year, s.projected)),
                s.reference.gini,
                s.spread.gini
            )
        }))
        .collect(),
        None => std::iter::once("Gini by year".to_string())
            .chain(years(res).into_iter().map(|y| {
                format!(
                    "{}: {:.4}",
                    year_label(y),
                    spread(&county_per_capita(&res.settlement, y.0)).gini
                )
            }))
            .collect(),
    };
    let chart = charts::lorenz(&format!("{id}-lorenz"), &title, &curves, &notes);
    let after = note("Counties under a prefecture with residents (济源, fiscally a 省辖市, is left out, as in comparison_summary), ranked by per-capita available resources (人均可用财力); the further below the diagonal, the larger the gaps between counties.");
    section(&format!("{id}-lorenz"), &title, chart, &after)
}
