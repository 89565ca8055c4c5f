//! The analyst's section on the kept share of a new yuan (边际留成) of VAT, CIT and PIT
//! before and after, for the median county and the spread between counties.

use super::super::charts;
use super::super::sections::year_label;
use super::super::svg::Series;
use super::super::{note, section, table, Comparison};
use crate::scenario::compare::{marginal_retention, RetentionRow};
use crate::scenario::run::ScenarioResult;

/// The items whose new yuan the report follows: 增值税, 企业所得税, 个人所得税.
const RETENTION_ITEMS: [&str; 3] = ["10101", "10104", "10106"];

/// The median and the 10th–90th percentile of a list (sorted inside); `None` if empty.
fn median_and_spread(mut v: Vec<f64>) -> Option<(f64, f64, f64)> {
    if v.is_empty() {
        return None;
    }
    v.sort_by(f64::total_cmp);
    let at = |q: f64| v[((v.len() - 1) as f64 * q).round() as usize];
    Some((at(0.5), at(0.1), at(0.9)))
}

/// The kept share of a new yuan of VAT, CIT and PIT in the last compared year, for the
/// median county and the 10th–90th percentile, under the reference and the scenario.
pub(super) fn retention(
    id: &str,
    res: &ScenarioResult,
    reference: &ScenarioResult,
    c: &Comparison,
) -> String {
    let year = c
        .summary
        .iter()
        .map(|s| (s.year, s.projected))
        .max()
        .unwrap_or_default();
    let pick = |rows: &[RetentionRow], item: &str| {
        median_and_spread(
            rows.iter()
                .filter(|r| r.year == year.0 && r.item == item)
                .map(|r| r.marginal)
                .collect(),
        )
    };
    let (mine, theirs) = (marginal_retention(res), marginal_retention(reference));
    let items: Vec<(&str, String)> = RETENTION_ITEMS
        .iter()
        .filter_map(|code| {
            res.rules
                .items()
                .find(|i| i.code == *code)
                .map(|i| (*code, i.name.clone()))
        })
        .collect();
    let stats: Vec<_> = items
        .iter()
        .map(|(code, _)| (pick(&theirs, code), pick(&mine, code)))
        .collect();
    let fen = |s: Option<(f64, f64, f64)>| s.map_or(0.0, |x| x.0 * 100.0);
    let series = vec![
        Series {
            name: format!("{} 参照 reference (median county)", c.reference),
            values: stats.iter().map(|s| fen(s.0)).collect(),
        },
        Series {
            name: format!("{} (median county)", c.scenario),
            values: stats.iter().map(|s| fen(s.1)).collect(),
        },
    ];
    let labels: Vec<String> = items
        .iter()
        .map(|(code, name)| format!("{name} {code}"))
        .collect();
    let title = format!(
        "新增一元留县 fen of one more yuan of shared receipts a county keeps, {} (单年 one year; 分 per 元, median county)",
        year_label(year)
    );
    let chart = charts::grouped_bars(&format!("{id}-retention"), &title, &labels, &series, "分");
    let text = |s: Option<(f64, f64, f64)>| {
        s.map_or(String::new(), |(m, lo, hi)| {
            format!("{:.1} ({:.1}–{:.1})", m * 100.0, lo * 100.0, hi * 100.0)
        })
    };
    let rows: Vec<(Vec<String>, bool)> = labels
        .iter()
        .zip(&stats)
        .map(|(l, s)| (vec![l.clone(), text(s.0), text(s.1)], false))
        .collect();
    let headers = [
        "科目 item",
        "参照 reference: median (P10–P90), 分",
        "情景 scenario: median (P10–P90), 分",
    ];
    let after = note("Counted: every county, one more yuan spread over the year's months; the base's indexation included (retention.csv, derivation in the README).");
    section(
        &format!("{id}-retention"),
        &title,
        chart,
        &(table(&headers, &rows, 1) + &after),
    )
}
