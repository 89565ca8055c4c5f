//! Report stage: `report.html`, one self-contained UTF-8 page — inline CSS and SVG drawn in
//! Rust, no scripts, nothing fetched from a network — for analysts: per scenario the
//! province's revenue by level, the prefectures, winners and losers against a reference,
//! the Lorenz curve of county per-capita resources, the base due (体制上解) against
//! what the prefectures would have shared, and the analyst's comparison sections (by
//! prefecture, by income group, the kept share of a new yuan, weighted gaps, totals).

mod analyst;
mod charts;
mod comparison;
mod sections;
mod svg;

use crate::error::{Error, Result};
use crate::money::{format_yuan, round_div};
use crate::scenario::run::ScenarioResult;
use std::path::Path;
use svg::esc;

/// One comparison handed to the report: every figure of a scenario against the reference.
pub type Comparison = crate::scenario::compare::Analysis;

const CSS: &str = r#"
body { font-family: "Noto Sans CJK SC", "Source Han Sans SC", "WenQuanYi Micro Hei",
  "WenQuanYi Zen Hei", "Microsoft YaHei", "PingFang SC", sans-serif;
  max-width: 1240px; margin: 24px auto; padding: 0 16px; color: #222; background: #fff; }
h1 { font-size: 26px; margin-bottom: 4px; }
h2 { font-size: 21px; margin-top: 36px; border-bottom: 2px solid #4e79a7; padding-bottom: 4px; }
h3 { font-size: 16px; margin: 4px 0 8px; }
p.meta, p.note { color: #555; font-size: 13px; margin: 4px 0; }
p.banner { background: #fff4ce; border: 1px solid #e0b400; border-radius: 4px;
  padding: 6px 10px; font-size: 14px; font-weight: bold; margin: 8px 0; }
section.chart { border: 1px solid #ddd; border-radius: 6px; padding: 12px 16px; margin: 16px 0; }
section.chart svg { width: 100%; height: auto; display: block; }
svg text { font-family: inherit; fill: #222; }
table { border-collapse: collapse; font-size: 13px; margin-top: 10px; }
th, td { border-bottom: 1px solid #e3e3e3; padding: 3px 10px; }
th { background: #eef3f9; text-align: center; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
tr.total td { font-weight: bold; }
"#;

/// The display unit of a chart or table: 亿元, 万元 or 元, chosen from the largest amount.
#[derive(Clone, Copy, Debug)]
struct Unit {
    label: &'static str,
    fen: i64,
}

impl Unit {
    fn for_max(max_abs_fen: i64) -> Unit {
        match max_abs_fen {
            m if m >= 10_000_000_000 => Unit {
                label: "亿元",
                fen: 10_000_000_000,
            },
            m if m >= 1_000_000 => Unit {
                label: "万元",
                fen: 1_000_000,
            },
            _ => Unit {
                label: "元",
                fen: 100,
            },
        }
    }

    fn of<'a>(amounts: impl IntoIterator<Item = &'a i64>) -> Unit {
        Unit::for_max(amounts.into_iter().map(|a| a.abs()).max().unwrap_or(0))
    }

    /// For placing a mark only: the amount in this unit.
    fn value(self, fen: i64) -> f64 {
        fen as f64 / self.fen as f64
    }

    /// The amount in this unit with 2 decimals, rounded half away from zero in integers,
    /// with thousands separators.
    fn text(self, fen: i64) -> String {
        thousands(&format_yuan(
            round_div(fen as i128, (self.fen / 100) as i128) as i64,
        ))
    }
}

/// Inserts thousands separators into a plain decimal (`-1234567.89` → `-1,234,567.89`).
pub fn thousands(plain: &str) -> String {
    let (sign, body) = plain.strip_prefix('-').map_or(("", plain), |b| ("-", b));
    let (int, frac) = body
        .split_once('.')
        .map_or((body, None), |(i, f)| (i, Some(f)));
    let mut out = String::from(sign);
    for (i, ch) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(ch);
    }
    if let Some(f) = frac {
        out.push('.');
        out.push_str(f);
    }
    out
}

/// A table: header cells, then rows whose cells from column `numeric_from` on are numbers;
/// rows flagged `true` are totals.
fn table(headers: &[&str], rows: &[(Vec<String>, bool)], numeric_from: usize) -> String {
    let mut out = String::from("<table>\n<tr>");
    for h in headers {
        out.push_str(&format!("<th>{}</th>", esc(h)));
    }
    out.push_str("</tr>\n");
    for (cells, total) in rows {
        out.push_str(if *total {
            "<tr class=\"total\">"
        } else {
            "<tr>"
        });
        for (i, c) in cells.iter().enumerate() {
            let class = if i >= numeric_from {
                " class=\"num\""
            } else {
                ""
            };
            out.push_str(&format!("<td{class}>{}</td>", esc(c)));
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</table>\n");
    out
}

/// A report section holding exactly one chart, then optional notes and tables (HTML).
fn section(id: &str, heading: &str, chart: String, after: &str) -> String {
    format!(
        "<section class=\"chart\" id=\"{}\">\n<h3>{}</h3>\n{chart}\n{after}</section>\n",
        esc(id),
        esc(heading)
    )
}

fn note(text: &str) -> String {
    format!("<p class=\"note\">{}</p>\n", esc(text))
}

/// The scenario a comparison is about (its rows' or summary's `scenario`).
fn compared_scenario(c: &Comparison) -> Option<&str> {
    Some(c.scenario.as_str())
}

/// The reference's results among those of the run, if it is there.
fn reference_of<'a>(results: &'a [ScenarioResult], c: &Comparison) -> Option<&'a ScenarioResult> {
    results.iter().find(|r| r.scenario.name == c.reference)
}

/// The scenario's warnings (预警, 踩刹车) and set-aside rows where the reader looks: a
/// table of every warning, or "无 none".
fn warnings_block(id: &str, res: &ScenarioResult) -> String {
    let ws = crate::supervision::warnings(res);
    let mut out = format!(
        "<div class=\"warnings\" id=\"{}-warnings\">\n<h3>{}</h3>\n",
        esc(id),
        esc(&format!(
            "{}：预警 warnings ({}) — region-years to look at; no warning changes a figure",
            res.scenario.name,
            ws.len()
        ))
    );
    if let Some(q) = &res.quarantined {
        out.push_str(&note(&format!(
            "隔离行 {} ledger row(s) set aside by --quarantine ({} yuan where readable): \
             every figure leaves them out",
            q.rows,
            crate::money::format_yuan(q.amount_fen)
        )));
    }
    if ws.is_empty() {
        out.push_str(&note("无 none"));
    } else {
        let rows: Vec<(Vec<String>, bool)> = ws
            .iter()
            .map(|w| {
                (
                    vec![
                        w.year.to_string(),
                        format!("{} {}", w.region, w.region_name),
                        w.rule.to_string(),
                        w.detail.clone(),
                    ],
                    false,
                )
            })
            .collect();
        out.push_str(&table(
            &["年度 year", "地区 region", "规则 rule", "说明 detail"],
            &rows,
            4,
        ));
    }
    out + "</div>\n"
}

/// The whole page.
pub fn render(results: &[ScenarioResult], comparisons: &[Comparison]) -> String {
    let mut body = String::new();
    let names: Vec<String> = results.iter().map(|r| r.scenario.name.clone()).collect();
    body.push_str("<h1>fencheng 分成 — 结算与情景报告 settlement and scenario report</h1>\n");
    let mut banners: Vec<String> = results.iter().map(|r| r.scenario.data_banner()).collect();
    banners.dedup();
    for b in &banners {
        body.push_str(&format!("<p class=\"banner\">{}</p>\n", esc(b)));
    }
    let compared = if comparisons.is_empty() {
        String::new()
    } else {
        format!(
            " 对比 comparisons: {}.",
            comparisons
                .iter()
                .map(|c| format!("{} vs {}", c.scenario, c.reference))
                .collect::<Vec<_>>()
                .join(", ")
        )
    };
    body.push_str(&format!(
        "<p class=\"meta\">情景 scenarios: {}.{} fencheng {}.</p>\n",
        esc(&names.join(", ")),
        esc(&compared),
        env!("CARGO_PKG_VERSION")
    ));
    body.push_str("<p class=\"meta\">");
    for (k, n) in names.iter().enumerate() {
        body.push_str(&format!("<a href=\"#s{k}\">{}</a> ", esc(n)));
    }
    body.push_str("</p>\n");
    let mut shown = vec![false; comparisons.len()];
    for (k, res) in results.iter().enumerate() {
        let sc = &res.scenario;
        body.push_str(&format!("<h2 id=\"s{k}\">情景 {}</h2>\n", esc(&sc.name)));
        if let Some(d) = &sc.description {
            body.push_str(&note(d));
        }
        body.push_str(&note(&format!(
            "years {:?}; last actual ledger year {}; granularity {}",
            sc.years,
            res.last_actual_year,
            format!("{:?}", res.granularity).to_lowercase()
        )));
        let mine: Vec<usize> = (0..comparisons.len())
            .filter(|&i| compared_scenario(&comparisons[i]) == Some(sc.name.as_str()))
            .collect();
        let id = format!("s{k}");
        body.push_str(&sections::levels(&id, res));
        body.push_str(&sections::prefectures(&id, res));
        for &i in &mine {
            let c = &comparisons[i];
            body.push_str(&comparison::winners_losers(&format!("{id}c{i}"), res, c));
            body.push_str(&analyst::sections(
                &format!("{id}c{i}"),
                res,
                reference_of(results, c),
                c,
            ));
            shown[i] = true;
        }
        body.push_str(&comparison::lorenz(
            &id,
            res,
            mine.first().map(|&i| &comparisons[i]),
        ));
        body.push_str(&sections::base_vs_shared(&id, res));
        body.push_str(&warnings_block(&id, res));
    }
    if let Some(first) = results.first() {
        for (i, c) in comparisons.iter().enumerate().filter(|(i, _)| !shown[*i]) {
            body.push_str(&comparison::winners_losers(&format!("c{i}"), first, c));
            body.push_str(&analyst::sections(
                &format!("c{i}"),
                first,
                reference_of(results, c),
                c,
            ));
        }
    }
    format!(
        "<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>fencheng 分成 report</title>\n<style>{CSS}</style>\n</head>\n<body>\n{body}\
         <p class=\"meta\">Amounts are computed in fen; tables round them half away from zero \
         to the unit shown. Exact figures: settlement.xlsx / settlement.csv.</p>\n</body>\n</html>\n"
    )
}

/// Writes `report.html` at `path` (see the module doc); `comparisons` may be empty.
pub fn write_html(
    path: &Path,
    results: &[ScenarioResult],
    comparisons: &[Comparison],
) -> Result<()> {
    std::fs::write(path, render(results, comparisons)).map_err(|e| Error::io(path, e))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn units_round_exactly_and_group_digits() {
        assert_eq!(thousands("-1234567.89"), "-1,234,567.89");
        assert_eq!(thousands("123.00"), "123.00");
        let yi = Unit::for_max(12_345_678_901_234);
        assert_eq!(yi.label, "亿元");
        // 1234.567890 亿 → 1,234.57
        assert_eq!(yi.text(12_345_678_901_234), "1,234.57");
        assert_eq!(Unit::for_max(999_999).text(-12_345), "-123.45");
        assert_eq!(Unit::for_max(1_000_000).text(-1_005_000), "-1.01");
    }
}
