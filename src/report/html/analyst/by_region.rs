//! The analyst's sections by region: the change by prefecture (proper and counties) and
//! by income group of counties, summed over the compared years.

use super::super::charts;
use super::super::sections::name_of;
use super::super::svg::Series;
use super::super::{note, section, table, thousands, Comparison, Unit};
use super::period;
use crate::money::{format_yuan, round_div};
use crate::scenario::run::ScenarioResult;
use std::collections::BTreeMap;

/// Prefecture proper and counties, summed over the compared years (grouped bars), with the
/// total and the total per resident.
pub(super) fn prefectures(id: &str, res: &ScenarioResult, c: &Comparison) -> String {
    let mut by: BTreeMap<&str, (i64, i64, i64, u64)> = BTreeMap::new();
    for p in &c.prefectures {
        let e = by.entry(&p.prefecture).or_default();
        e.0 += p.delta_proper;
        e.1 += p.delta_counties;
        e.2 += p.delta_total;
        e.3 = p.population;
    }
    let unit = Unit::of(by.values().flat_map(|v| [&v.0, &v.1, &v.2]));
    let names: Vec<String> = by.keys().map(|k| name_of(res, k).to_string()).collect();
    let series = vec![
        Series {
            name: "市本级 prefecture proper".into(),
            values: by.values().map(|v| unit.value(v.0)).collect(),
        },
        Series {
            name: "所辖县 its counties".into(),
            values: by.values().map(|v| unit.value(v.1)).collect(),
        },
    ];
    let title = format!(
        "分市增减 change of available resources by prefecture, {} ({}): {} 相对 {}",
        period(c),
        unit.label,
        c.scenario,
        c.reference
    );
    let chart = charts::grouped_bars(&format!("{id}-pref"), &title, &names, &series, unit.label);
    let rows: Vec<(Vec<String>, bool)> = by
        .iter()
        .map(|(code, v)| {
            let per_head = if v.3 > 0 {
                thousands(&format_yuan(round_div(v.2 as i128, v.3 as i128) as i64))
            } else {
                String::new()
            };
            (
                vec![
                    format!("{code} {}", name_of(res, code)),
                    unit.text(v.0),
                    unit.text(v.1),
                    unit.text(v.2),
                    per_head,
                ],
                false,
            )
        })
        .collect();
    let h = |s: &str| format!("{s} ({})", unit.label);
    let headers = [
        "市 prefecture".to_string(),
        h("市本级 proper"),
        h("所辖县 counties"),
        h("全市 total"),
        "全市人均 per resident (元)".to_string(),
    ];
    let headers: Vec<&str> = headers.iter().map(String::as_str).collect();
    let after = note("Base flows between a prefecture and its own counties leave one and reach the other: they cancel in the total.");
    section(
        &format!("{id}-pref"),
        &title,
        chart,
        &(table(&headers, &rows, 1) + &after),
    )
}

/// Five groups of counties by local revenue per head in the groups year, poorest first:
/// the change per resident summed over the compared years.
pub(super) fn groups(id: &str, c: &Comparison) -> String {
    let mut by: BTreeMap<u32, (u32, u64, i64)> = BTreeMap::new();
    for g in &c.groups {
        let e = by.entry(g.group).or_default();
        e.0 = g.counties;
        e.1 = g.population;
        e.2 += g.delta_total;
    }
    let per_head =
        |v: &(u32, u64, i64)| (v.1 > 0).then(|| round_div(v.2 as i128, v.1 as i128) as i64);
    let labels: Vec<String> = by.keys().map(|g| format!("{g} 组 group {g}")).collect();
    let series = vec![Series {
        name: format!("人均增减 change per resident (元), {}", period(c)),
        values: by
            .values()
            .map(|v| per_head(v).unwrap_or(0) as f64 / 100.0)
            .collect(),
    }];
    let title = format!(
        "按人均地方收入分组 counties in five groups by local revenue per head in {} (1 = poorest), change per resident, {} (元)",
        c.groups_year,
        period(c)
    );
    let chart = charts::grouped_bars(&format!("{id}-groups"), &title, &labels, &series, "元");
    let unit = Unit::of(by.values().map(|v| &v.2));
    let rows: Vec<(Vec<String>, bool)> = by
        .iter()
        .map(|(g, v)| {
            (
                vec![
                    g.to_string(),
                    v.0.to_string(),
                    v.1.to_string(),
                    unit.text(v.2),
                    per_head(v).map_or(String::new(), |p| thousands(&format_yuan(p))),
                ],
                false,
            )
        })
        .collect();
    let total = format!("Δ 合计 total ({})", unit.label);
    let headers = [
        "组 group",
        "县数 counties",
        "人口 residents",
        &total,
        "人均 per resident (元)",
    ];
    let after = note("Groups hold about a fifth of the counties' residents each; a county belongs to the group holding the middle of its residents. An empty group has no row figures.");
    section(
        &format!("{id}-groups"),
        &title,
        chart,
        &(table(&headers, &rows, 1) + &after),
    )
}
