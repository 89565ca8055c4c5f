//! The cost by prefecture (分市增减): what each prefecture proper (市本级) and its counties
//! gain or lose against the reference in a year. Base flows between a prefecture and its
//! own counties leave one and reach the other, so they cancel in the total.

use super::ComparisonRow;
use crate::money::round_div;
use crate::regions::RegionKind;
use std::collections::BTreeMap;

/// One prefecture in one year of a scenario against the reference.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PrefectureRow {
    /// Scenario compared.
    pub scenario: String,
    /// Fiscal year.
    pub year: i32,
    /// Prefecture code.
    pub prefecture: String,
    /// Change of the prefecture proper's available resources, fen.
    pub delta_proper: i64,
    /// Σ change of its counties' available resources, fen.
    pub delta_counties: i64,
    /// `delta_proper + delta_counties` (全市合计), fen.
    pub delta_total: i64,
    /// Residents of the prefecture proper and its counties.
    pub population: u64,
    /// `round(delta_total / population)` in fen; `None` without residents.
    pub delta_total_per_capita: Option<i64>,
    /// The year is projected.
    pub projected: bool,
}

/// Sums the comparison rows per scenario, year and prefecture (counties by their
/// `prefecture_code`; a county without a prefecture is in no row). Sorted by key.
pub fn by_prefecture(rows: &[ComparisonRow]) -> Vec<PrefectureRow> {
    let mut out: BTreeMap<(&str, i32, &str), PrefectureRow> = BTreeMap::new();
    for r in rows.iter().filter(|r| !r.prefecture_code.is_empty()) {
        let e = out
            .entry((&r.scenario, r.year, &r.prefecture_code))
            .or_insert_with(|| PrefectureRow {
                scenario: r.scenario.clone(),
                year: r.year,
                prefecture: r.prefecture_code.clone(),
                delta_proper: 0,
                delta_counties: 0,
                delta_total: 0,
                population: 0,
                delta_total_per_capita: None,
                projected: r.projected,
            });
        if r.kind == RegionKind::Prefecture {
            e.delta_proper += r.delta;
        } else {
            e.delta_counties += r.delta;
        }
        e.delta_total += r.delta;
        e.population += r.population;
    }
    out.into_values()
        .map(|mut p| {
            p.delta_total_per_capita = (p.population > 0)
                .then(|| round_div(p.delta_total as i128, p.population as i128) as i64);
            p
        })
        .collect()
}
