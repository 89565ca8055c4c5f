//! `base_items` (核定表): how each county's transfer base was measured, line by line — the
//! prefecture's old-rule part of its shared receipts by rulebook item and base year, the
//! subsidies netted, and the prefecture that receives the base. A base given in `bases.csv`
//! is one line of its own.

use super::table::{Table, Values::*};
use crate::baseline::FROM_TABLE;
use crate::ledger::BudgetLevel;
use crate::scenario::run::ScenarioResult;
use crate::tables::annual_subsidy;
use std::collections::BTreeMap;

/// One line of the 核定表.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BaseItem {
    /// County code.
    pub county: String,
    /// The prefecture that receives the base (or pays a negative one).
    pub prefecture: String,
    /// Base year (the `from_year` for a `bases.csv` base).
    pub base_year: i32,
    /// `item` (the prefecture's old-rule part of one rulebook item), `subsidy` (市对县补助
    /// netted) or `bases.csv` (a base given before the ledgers).
    pub line: &'static str,
    /// Rulebook item code for an `item` line, else empty.
    pub item: String,
    /// Amount in fen: the old-rule part, the subsidy (positive = paid to the county, netted
    /// out of the base), or the given base.
    pub amount: i64,
}

/// The 核定表 of one scenario, by county, base year, line, item. Per county and base year
/// the `item` lines add up to S and the `subsidy` line is T, so `shared_base` and
/// `subsidy_base` are their means over the base years (rounded half away from zero).
pub fn base_items(res: &ScenarioResult) -> Vec<BaseItem> {
    let mut first: BTreeMap<&str, &crate::baseline::BaselineRow> = BTreeMap::new();
    for b in &res.baselines {
        first.entry(b.county.as_str()).or_insert(b);
    }
    let mut by_item: BTreeMap<(&str, i32, String), i64> = BTreeMap::new();
    for s in res
        .shares
        .iter()
        .filter(|s| s.key.level == BudgetLevel::Shared)
    {
        if let Some(b) = first.get(s.key.region.as_str()) {
            if b.base_years.contains(&s.key.year) {
                let item = res
                    .rules
                    .item_for(&s.key.item)
                    .map_or_else(|| s.key.item.clone(), |i| i.code.clone());
                *by_item
                    .entry((b.county.as_str(), s.key.year, item))
                    .or_default() += s.parts.prefecture_if_managed;
            }
        }
    }
    let mut out = Vec::new();
    for (county, b) in first {
        let prefecture = res
            .regions
            .get(county)
            .and_then(|c| res.regions.prefecture_of(c))
            .map(|p| p.code.clone())
            .unwrap_or_default();
        if b.source == FROM_TABLE {
            out.push(BaseItem {
                county: county.to_string(),
                prefecture,
                base_year: b.direct_since.year,
                line: FROM_TABLE,
                item: String::new(),
                amount: b.shared_base,
            });
            continue;
        }
        for &y in &b.base_years {
            let items: Vec<(&String, &i64)> = by_item
                .iter()
                .filter(|((c, yy, _), _)| *c == county && *yy == y)
                .map(|((_, _, i), a)| (i, a))
                .collect();
            for (item, amount) in items {
                out.push(BaseItem {
                    county: county.to_string(),
                    prefecture: prefecture.clone(),
                    base_year: y,
                    line: "item",
                    item: item.clone(),
                    amount: *amount,
                });
            }
            out.push(BaseItem {
                county: county.to_string(),
                prefecture: prefecture.clone(),
                base_year: y,
                line: "subsidy",
                item: String::new(),
                amount: annual_subsidy(&res.tables.subsidies, county, y),
            });
        }
    }
    out
}

/// The `base_items` table of one scenario.
pub fn base_items_table(res: &ScenarioResult) -> Table {
    let rows = base_items(res);
    let name = |code: &str| {
        res.regions
            .get(code)
            .map(|r| r.name.clone())
            .unwrap_or_default()
    };
    let item_name = |code: &str| {
        res.rules
            .item_for(code)
            .filter(|_| !code.is_empty())
            .map(|i| i.name.clone())
            .unwrap_or_default()
    };
    Table::new("base_items")
        .col(
            "scenario",
            Text(vec![res.scenario.name.clone(); rows.len()]),
        )
        .col(
            "region_code",
            Text(rows.iter().map(|r| r.county.clone()).collect()),
        )
        .col(
            "region_name",
            Text(rows.iter().map(|r| name(&r.county)).collect()),
        )
        .col(
            "prefecture_code",
            Text(rows.iter().map(|r| r.prefecture.clone()).collect()),
        )
        .col(
            "base_year",
            Int(rows.iter().map(|r| r.base_year as i64).collect()),
        )
        .col(
            "line",
            Text(rows.iter().map(|r| r.line.to_string()).collect()),
        )
        .col(
            "item_code",
            Text(rows.iter().map(|r| r.item.clone()).collect()),
        )
        .col(
            "item_name",
            Text(rows.iter().map(|r| item_name(&r.item)).collect()),
        )
        .col("amount", Money(rows.iter().map(|r| r.amount).collect()))
}

/// Name of the workbook sheet of the 核定表.
pub const BASE_ITEMS_SHEET: &str = "base_items";

/// Writes the 核定表 of every scenario as a workbook sheet: a title, then one row per line.
pub fn write_sheet(
    ws: &mut rust_xlsxwriter::Worksheet,
    results: &[ScenarioResult],
) -> Result<(), rust_xlsxwriter::XlsxError> {
    use rust_xlsxwriter::Format;
    let bold = Format::new().set_bold();
    let money = Format::new().set_num_format(super::xlsx::MONEY_FORMAT);
    ws.write_string_with_format(
        0,
        0,
        "核定表 base items: each base by item and base year, the subsidies netted, the \
         receiving prefecture (单位：元 yuan)",
        &bold,
    )?;
    let headers = [
        ("情景", "scenario"),
        ("地区代码", "region_code"),
        ("地区名称", "region_name"),
        ("接收市", "prefecture_code"),
        ("基期年份", "base_year"),
        ("行", "line"),
        ("科目代码", "item_code"),
        ("科目名称", "item_name"),
        ("金额", "amount"),
    ];
    for (c, (zh, en)) in headers.iter().enumerate() {
        ws.write_string_with_format(2, c as u16, *zh, &bold)?;
        ws.write_string(3, c as u16, *en)?;
    }
    let mut row = 4;
    for res in results {
        for b in base_items(res) {
            let name = res.regions.get(&b.county).map_or("", |r| r.name.as_str());
            let item = res
                .rules
                .item_for(&b.item)
                .filter(|_| !b.item.is_empty())
                .map_or("", |i| i.name.as_str());
            ws.write_string(row, 0, &res.scenario.name)?;
            ws.write_string(row, 1, &b.county)?;
            ws.write_string(row, 2, name)?;
            ws.write_string(row, 3, &b.prefecture)?;
            ws.write_number(row, 4, b.base_year)?;
            ws.write_string(row, 5, b.line)?;
            ws.write_string(row, 6, &b.item)?;
            ws.write_string(row, 7, item)?;
            ws.write_number_with_format(row, 8, b.amount as f64 / 100.0, &money)?;
            row += 1;
        }
    }
    for (c, w) in [16, 10, 12, 10, 8, 10, 10, 16, 18].into_iter().enumerate() {
        ws.set_column_width(c as u16, w)?;
    }
    ws.set_freeze_panes(4, 0)?;
    Ok(())
}
