//! Warnings where the clerk looks: the `warnings` sheet (预警: every scenario's warnings and
//! the rows set aside by `--quarantine`) and the notice under each year's statement.

use super::{write_headers, Formats, FIRST_DATA_ROW, TITLE_ROW, UNIT_ROW};
use crate::money::format_yuan;
use crate::scenario::run::ScenarioResult;
use crate::supervision::Warning;
use rust_xlsxwriter::{Worksheet, XlsxError};
use std::collections::BTreeMap;

/// Headers of the `warnings` sheet: (Chinese, English = the `warnings` table's column).
pub const WARNING_HEADERS: [(&str, &str); 6] = [
    ("情景", "scenario"),
    ("年度", "fiscal_year"),
    ("地区代码", "region_code"),
    ("地区名称", "region_name"),
    ("预警规则", "rule"),
    ("说明", "detail"),
];

/// The notice under a year's statement: how many warnings of which rules the year has, and
/// the rows set aside, pointing to the `warnings` sheet; empty when there are none.
pub fn notice(res: &ScenarioResult, warnings: &[Warning], year: i32) -> String {
    let mut by_rule: BTreeMap<&str, usize> = BTreeMap::new();
    for w in warnings.iter().filter(|w| w.year == year) {
        *by_rule.entry(w.rule).or_default() += 1;
    }
    let mut parts = Vec::new();
    if !by_rule.is_empty() {
        let n: usize = by_rule.values().sum();
        let rules: Vec<String> = by_rule.iter().map(|(r, k)| format!("{r} {k}")).collect();
        parts.push(format!(
            "本年预警 {n} 条 {n} warning(s) this year ({}): see sheet {}",
            rules.join(", "),
            super::WARNINGS_SHEET
        ));
    }
    if let Some(q) = &res.quarantined {
        parts.push(format!(
            "隔离行 {} row(s) set aside by --quarantine ({} yuan where readable): every \
             figure leaves them out",
            q.rows,
            format_yuan(q.amount_fen)
        ));
    }
    parts.join("；")
}

/// Writes the `warnings` sheet: every warning of every scenario, in the `warnings` table's
/// order, under a title saying what the rules are for.
pub(super) fn write_sheet(
    ws: &mut Worksheet,
    results: &[ScenarioResult],
    warnings: &[Vec<Warning>],
    f: &Formats,
) -> Result<(), XlsxError> {
    let mut banners: Vec<String> = results.iter().map(|r| r.scenario.data_banner()).collect();
    banners.dedup();
    ws.write_string_with_format(
        TITLE_ROW,
        0,
        format!(
            "预警 warnings (踩刹车): region-years to look at; no warning changes a figure — {}",
            banners.join(" / ")
        ),
        &f.title,
    )?;
    let total: usize = warnings.iter().map(Vec::len).sum();
    let set_aside: u64 = results
        .iter()
        .filter_map(|r| r.quarantined.as_ref().map(|q| q.rows))
        .sum();
    ws.write_string_with_format(
        UNIT_ROW,
        0,
        format!("{total} warning(s); {set_aside} ledger row(s) set aside"),
        &f.note,
    )?;
    write_headers(ws, &WARNING_HEADERS, f)?;
    let mut row = FIRST_DATA_ROW;
    for w in warnings.iter().flatten() {
        ws.write_string(row, 0, &w.scenario)?;
        ws.write_number(row, 1, w.year)?;
        ws.write_string(row, 2, &w.region)?;
        ws.write_string(row, 3, &w.region_name)?;
        ws.write_string(row, 4, w.rule)?;
        ws.write_string(row, 5, &w.detail)?;
        row += 1;
    }
    if total == 0 {
        ws.write_string_with_format(row, 0, "无 none", &f.note)?;
    }
    for (c, w) in [16, 8, 10, 14, 24, 110].into_iter().enumerate() {
        ws.set_column_width(c as u16, w)?;
    }
    ws.set_freeze_panes(FIRST_DATA_ROW, 0)?;
    super::page::print_setup(ws, super::page::A4, super::HEADER_ROW, "预警 warnings")?;
    Ok(())
}
