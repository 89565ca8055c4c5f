//! The scenario sections of the report, each one chart (and perhaps a table): revenue by
//! level, the prefectures, and the base due against the old-rule share. Figures are gathered
//! in fen, then scaled to the section's unit only for drawing.

use super::charts;
use super::svg::Series;
use super::{note, section, table, Unit};
use crate::ledger::BudgetLevel;
use crate::money::{format_yuan, round_div};
use crate::regions::RegionKind;
use crate::scenario::run::ScenarioResult;
use crate::settlement::SettlementRow;
use std::collections::{BTreeMap, BTreeSet};

/// The scenario's settled years, ascending, with whether each is projected.
pub(super) fn years(res: &ScenarioResult) -> Vec<(i32, bool)> {
    res.province
        .iter()
        .map(|p| (p.year, p.projected))
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect()
}

/// `2024`, or `2030 预测` for a projected year.
pub(super) fn year_label((y, projected): (i32, bool)) -> String {
    if projected {
        format!("{y} 预测")
    } else {
        y.to_string()
    }
}

/// The settlement rows of one kind in one year.
pub(super) fn rows_of(
    res: &ScenarioResult,
    year: i32,
    kind: RegionKind,
) -> impl Iterator<Item = &SettlementRow> {
    res.settlement
        .iter()
        .filter(move |r| r.year == year && r.kind == kind)
}

/// A region's Chinese name (its code if unknown).
pub(super) fn name_of<'a>(res: &'a ScenarioResult, code: &'a str) -> &'a str {
    res.regions.get(code).map_or(code, |g| g.name.as_str())
}

/// Province revenue by level per year: to_central, to_province, prefectures (retained +
/// from_counties) and counties (retained) — stacked, they make up everything collected.
pub fn levels(id: &str, res: &ScenarioResult) -> String {
    let ys = years(res);
    let mut table_rows = Vec::new();
    let mut columns: [Vec<i64>; 4] = Default::default();
    for &(y, projected) in &ys {
        let p = res
            .province
            .iter()
            .find(|p| p.year == y)
            .expect("year from province rows");
        let prefectures: i64 = rows_of(res, y, RegionKind::Prefecture)
            .map(|r| r.parts.retained + r.from_counties)
            .sum();
        let counties: i64 = rows_of(res, y, RegionKind::County)
            .map(|r| r.parts.retained)
            .sum();
        let four = [p.to_central, p.to_province, prefectures, counties];
        debug_assert_eq!(
            four.iter().sum::<i64>(),
            p.collected,
            "levels make up collected"
        );
        for (c, v) in columns.iter_mut().zip(four) {
            c.push(v);
        }
        table_rows.push((y, projected, p.collected, four));
    }
    let unit = Unit::of(table_rows.iter().map(|r| &r.2));
    let names = [
        "上划中央 to_central",
        "上划省级 to_province",
        "市级 prefectures (本级+县上划)",
        "县级 counties (本级收入)",
    ];
    let series: Vec<Series> = names
        .iter()
        .zip(&columns)
        .map(|(n, c)| Series {
            name: n.to_string(),
            values: c.iter().map(|v| unit.value(*v)).collect(),
        })
        .collect();
    let cats: Vec<String> = ys.iter().map(|y| year_label(*y)).collect();
    let faded: Vec<bool> = ys.iter().map(|y| y.1).collect();
    let title = format!(
        "{}：全省收入分级 province revenue by level ({})",
        res.scenario.name, unit.label
    );
    let chart = charts::stacked_bars(
        &format!("{id}-levels"),
        &title,
        &cats,
        &series,
        &faded,
        unit.label,
    );
    let rows: Vec<(Vec<String>, bool)> = table_rows
        .iter()
        .map(|(y, projected, collected, four)| {
            let mut cells = vec![year_label((*y, *projected)), unit.text(*collected)];
            cells.extend(four.iter().map(|v| unit.text(*v)));
            (cells, false)
        })
        .collect();
    let headers = [
        "年度 year",
        "收入合计 collected",
        "上划中央",
        "上划省级",
        "市级",
        "县级",
    ];
    let after = note("柱高 = 收入合计 (collected); 预测 years are lighter and hatched.")
        + &table(&headers, &rows, 1);
    section(&format!("{id}-levels"), &title, chart, &after)
}

/// Each prefecture in the last settled year: the prefecture proper's available resources
/// beside its counties' (bar chart), and a table with what flows between them.
pub fn prefectures(id: &str, res: &ScenarioResult) -> String {
    let Some(&(year, projected)) = years(res).last() else {
        return section(
            &format!("{id}-prefectures"),
            "prefectures",
            charts::grouped_bars(id, "", &[], &[], ""),
            "",
        );
    };
    let prefs: Vec<&SettlementRow> = rows_of(res, year, RegionKind::Prefecture).collect();
    let counties_of = |code: &str| -> Vec<&SettlementRow> {
        rows_of(res, year, RegionKind::County)
            .filter(|c| c.prefecture_code == code)
            .collect()
    };
    let sum = |rows: &[&SettlementRow], f: fn(&SettlementRow) -> i64| {
        rows.iter().map(|r| f(r)).sum::<i64>()
    };
    let per_capita = |rows: &[&SettlementRow]| {
        let pop: u64 = rows.iter().map(|r| r.population).sum();
        if pop == 0 {
            String::new()
        } else {
            super::thousands(&format_yuan(
                round_div(sum(rows, |r| r.available) as i128, pop as i128) as i64,
            ))
        }
    };
    let mut amounts = Vec::new();
    for p in &prefs {
        amounts.push(p.available);
        amounts.push(sum(&counties_of(&p.region), |r| r.available));
    }
    let unit = Unit::of(&amounts);
    let cats: Vec<String> = prefs
        .iter()
        .map(|p| name_of(res, &p.region).to_string())
        .collect();
    let series = vec![
        Series {
            name: "市本级可用财力 prefecture proper".into(),
            values: amounts.iter().step_by(2).map(|v| unit.value(*v)).collect(),
        },
        Series {
            name: "所属县可用财力 its counties".into(),
            values: amounts
                .iter()
                .skip(1)
                .step_by(2)
                .map(|v| unit.value(*v))
                .collect(),
        },
    ];
    let y = year_label((year, projected));
    let title = format!(
        "{}：各市可用财力 {y} available resources by prefecture ({})",
        res.scenario.name, unit.label
    );
    let chart = charts::grouped_bars(
        &format!("{id}-prefectures"),
        &title,
        &cats,
        &series,
        unit.label,
    );
    let mut rows: Vec<(Vec<String>, bool)> = Vec::new();
    for p in &prefs {
        let cs = counties_of(&p.region);
        rows.push((
            vec![
                name_of(res, &p.region).to_string(),
                cs.len().to_string(),
                unit.text(p.parts.collected + sum(&cs, |r| r.parts.collected)),
                unit.text(p.from_counties),
                unit.text(p.base_received - p.base_paid),
                unit.text(p.available),
                unit.text(sum(&cs, |r| r.available)),
                per_capita(&cs),
            ],
            false,
        ));
    }
    let loose = counties_of("");
    if !loose.is_empty() {
        let names: Vec<&str> = loose.iter().map(|c| name_of(res, &c.region)).collect();
        rows.push((
            vec![
                format!("省直辖 ({})", names.join("、")),
                loose.len().to_string(),
                unit.text(sum(&loose, |r| r.parts.collected)),
                "—".into(),
                "—".into(),
                "—".into(),
                unit.text(sum(&loose, |r| r.available)),
                per_capita(&loose),
            ],
            false,
        ));
    }
    let counties: Vec<&SettlementRow> = rows_of(res, year, RegionKind::County).collect();
    rows.push((
        vec![
            "全省合计 province".into(),
            counties.len().to_string(),
            unit.text(sum(&prefs, |r| r.parts.collected) + sum(&counties, |r| r.parts.collected)),
            unit.text(sum(&prefs, |r| r.from_counties)),
            unit.text(sum(&prefs, |r| r.base_received - r.base_paid)),
            unit.text(sum(&prefs, |r| r.available)),
            unit.text(sum(&counties, |r| r.available)),
            per_capita(&counties),
        ],
        true,
    ));
    let headers = [
        "市 prefecture",
        "县(市)数",
        &format!("全市收入合计 ({})", unit.label),
        "自所属县上划收入 from_counties",
        "体制补助净额 base net",
        "市本级可用财力",
        "所属县可用财力",
        "所属县人均 (元)",
    ];
    let after = note(&format!(
        "金额单位 amounts in {}; 人均 in 元; 体制补助净额 = base received − base paid.",
        unit.label
    )) + &table(&headers, &rows, 1);
    section(&format!("{id}-prefectures"), &title, chart, &after)
}

/// Per year, the base due by the counties that are province-direct (Σ due) against what
/// their prefectures would have shared of those counties' shared receipts under the old
/// rules (Σ `prefecture_if_managed`).
pub fn base_vs_shared(id: &str, res: &ScenarioResult) -> String {
    let ys = years(res);
    // one pass over the baselines and one over the item shares, each row to its year
    let mut sums: BTreeMap<i32, (i64, i64)> = ys.iter().map(|&(y, _)| (y, (0, 0))).collect();
    let mut direct: BTreeSet<(i32, &str)> = BTreeSet::new();
    for b in &res.baselines {
        if let Some(s) = sums.get_mut(&b.year) {
            s.0 += b.due;
            direct.insert((b.year, b.county.as_str()));
        }
    }
    for sh in &res.shares {
        if sh.key.level != BudgetLevel::Shared {
            continue;
        }
        if let Some(s) = sums.get_mut(&sh.key.year) {
            if direct.contains(&(sh.key.year, sh.key.region.as_str())) {
                s.1 += sh.parts.prefecture_if_managed;
            }
        }
    }
    let due: Vec<i64> = ys.iter().map(|(y, _)| sums[y].0).collect();
    let shared: Vec<i64> = ys.iter().map(|(y, _)| sums[y].1).collect();
    let unit = Unit::of(due.iter().chain(&shared));
    let series = vec![
        Series {
            name: "体制上解基数 base due (Σ due)".into(),
            values: due.iter().map(|v| unit.value(*v)).collect(),
        },
        Series {
            name: "市级原分享 prefectures' old-rule share (Σ prefecture_if_managed)".into(),
            values: shared.iter().map(|v| unit.value(*v)).collect(),
        },
    ];
    let cats: Vec<String> = ys.iter().map(|y| year_label(*y)).collect();
    let faded: Vec<bool> = ys.iter().map(|y| y.1).collect();
    let title = format!(
        "{}：体制上解基数与市级原分享 base due against what prefectures would have shared ({})",
        res.scenario.name, unit.label
    );
    let chart = charts::lines(
        &format!("{id}-base"),
        &title,
        &cats,
        &series,
        &faded,
        unit.label,
    );
    let after = match ys.last() {
        Some(&(y, _)) => cohorts(res, y, unit),
        None => String::new(),
    };
    section(&format!("{id}-base"), &title, chart, &after)
}

/// The last year's gap between the old-rule share and the base due, by cohort (the year
/// counties switched): how much of it is the subsidies netted into the base (市对县补助,
/// which the prefecture no longer pays: not a gain of the county) and how much the growth
/// above the base that the switch leaves with the counties.
fn cohorts(res: &ScenarioResult, y: i32, unit: Unit) -> String {
    // cohort → (counties, old-rule share, due, subsidy part)
    let mut by: std::collections::BTreeMap<i32, (usize, i64, i64, i64)> = Default::default();
    for b in res.baselines.iter().filter(|b| b.year == y) {
        let old: i64 = res
            .shares
            .iter()
            .filter(|s| {
                s.key.year == y && s.key.level == BudgetLevel::Shared && s.key.region == b.county
            })
            .map(|s| s.parts.prefecture_if_managed)
            .sum();
        let e = by.entry(b.direct_since.year).or_default();
        *e = (e.0 + 1, e.1 + old, e.2 + b.due, e.3 + b.subsidy_base);
    }
    if by.is_empty() {
        return String::new();
    }
    let headers = [
        "改直管年份 cohort",
        "县数 counties",
        "市级原分享 old-rule share",
        "应解基数 base due",
        "差额 gap",
        "其中：基数中的补助 of which subsidies netted in the base",
        "其中：基数以上增长 of which growth above the base",
    ];
    let rows: Vec<(Vec<String>, bool)> = by
        .iter()
        .map(|(cohort, (n, old, due, sub))| {
            let gap = old - due;
            (
                vec![
                    cohort.to_string(),
                    n.to_string(),
                    unit.text(*old),
                    unit.text(*due),
                    unit.text(gap),
                    unit.text(*sub),
                    unit.text(gap - sub),
                ],
                false,
            )
        })
        .collect();
    note(&format!(
        "{y}, by the year the counties switched ({u}): the gap between what prefectures \
         would have shared under the old rules and the base due. Part of it is the \
         prefectures' subsidies netted into the base: those the prefecture no longer pays \
         (市对县补助 stops once a county is direct), so they are not a gain of the county. \
         The rest is the old-rule share above the base, which the switch leaves with the \
         counties (for a base fixed in bases.csv, such as the 2014 pilots', it is measured \
         against that given base).",
        u = unit.label
    )) + &table(&headers, &rows, 1)
}
