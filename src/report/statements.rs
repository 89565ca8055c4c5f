//! `statements.xlsx`: the year-end statement a bureau signs (年终结算单), one sheet per
//! county and prefecture, one A4 page each, the settled years as columns. Lines: revenue
//! collected and where it went (上划中央 and 上划省级 by tax), 本级收入, the regime base
//! (体制上解 / 体制补助, with its method), 市对县补助, 返还性收入 and 转移支付 by kind,
//! 专项上解, 结算补助/上解, 可用财力, 已预拨 and 应补(扣); then the scenario, the data's
//! nature, the inputs' SHA-256 and blank lines for 编制 / 审核 / 日期. Every line is a
//! settlement figure or sums to one ([`statement_lines`] is what the tests check).

use crate::error::{Error, Result};
use crate::regions::RegionKind;
use crate::scenario::run::ScenarioResult;
use crate::settlement::SettlementRow;
use crate::tables::{KindTable, REBATE_KINDS, TRANSFER_KINDS};
use rust_xlsxwriter::{Format, FormatBorder, Workbook, Worksheet, XlsxError};
use std::collections::BTreeMap;
use std::path::Path;

/// One line of a statement: its label and its amount per settled year, fen.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Line {
    /// 行次 label (Chinese, with the English term).
    pub label: String,
    /// Indent level: 0 a figure of the settlement, 1 a detail that sums into the line
    /// above it of level 0.
    pub level: u8,
    /// The `settlement` column this line equals (level 0), if any.
    pub column: Option<&'static str>,
    /// Amount per year, in the order of the statement's years.
    pub amounts: Vec<i64>,
}

/// Sums of `to_central` and `to_province` per (region, year, rulebook item).
type ByTax = BTreeMap<(String, i32, String), (i64, i64)>;

fn by_tax(res: &ScenarioResult) -> ByTax {
    let mut out = ByTax::new();
    for s in &res.shares {
        let item = res
            .rules
            .item_for(&s.key.item)
            .map_or_else(|| s.key.item.clone(), |i| i.code.clone());
        let e = out
            .entry((s.key.region.clone(), s.key.year, item))
            .or_default();
        e.0 += s.parts.to_central;
        e.1 += s.parts.to_province;
    }
    out
}

fn kinds_of(table: &KindTable, region: &str, years: &[i32], kinds: &[&str]) -> Vec<Line> {
    kinds
        .iter()
        .map(|k| Line {
            label: format!("  其中：{k}"),
            level: 1,
            column: None,
            amounts: years
                .iter()
                .map(|y| {
                    *table
                        .get(&(region.to_string(), *y, k.to_string()))
                        .unwrap_or(&0)
                })
                .collect(),
        })
        .filter(|l| l.amounts.iter().any(|a| *a != 0))
        .collect()
}

/// The lines of one region's statement over the scenario's settled years.
pub fn statement_lines(res: &ScenarioResult, region: &str) -> Vec<Line> {
    statement_lines_with(res, region, &by_tax(res))
}

fn statement_lines_with(res: &ScenarioResult, region: &str, taxes: &ByTax) -> Vec<Line> {
    let years = &res.scenario.years;
    let rows: Vec<Option<&SettlementRow>> = years
        .iter()
        .map(|y| {
            res.settlement
                .iter()
                .find(|s| s.region == region && s.year == *y)
        })
        .collect();
    let col = |label: &str, column: &'static str, f: fn(&SettlementRow) -> i64| Line {
        label: label.to_string(),
        level: 0,
        column: Some(column),
        amounts: rows.iter().map(|r| r.map_or(0, f)).collect(),
    };
    let tax_lines = |pick: fn(&(i64, i64)) -> i64| -> Vec<Line> {
        res.rules
            .items()
            .map(|item| Line {
                label: format!("  其中：{} {}", item.code, item.name),
                level: 1,
                column: None,
                amounts: years
                    .iter()
                    .map(|y| {
                        taxes
                            .get(&(region.to_string(), *y, item.code.clone()))
                            .map_or(0, pick)
                    })
                    .collect(),
            })
            .filter(|l| l.amounts.iter().any(|a| *a != 0))
            .collect()
    };
    let is_county = res.regions.get(region).map(|r| r.kind) == Some(RegionKind::County);
    let method = res
        .baselines
        .iter()
        .find(|b| b.county == region)
        .map(|b| format!("（基数 {}，{}）", b.method, b.source))
        .unwrap_or_default();
    let mut lines = vec![col("收入合计 collected", "collected", |r| {
        r.parts.collected
    })];
    lines.push(col("上划中央 to central", "to_central", |r| {
        r.parts.to_central
    }));
    lines.extend(tax_lines(|t| t.0));
    lines.push(col("上划省级 to province", "to_province", |r| {
        r.parts.to_province
    }));
    lines.extend(tax_lines(|t| t.1));
    lines.push(col("上划市级 to prefecture", "to_prefecture", |r| {
        r.parts.to_prefecture
    }));
    lines.push(col("本级收入 retained", "retained", |r| {
        r.parts.retained
    }));
    if !is_county {
        lines.push(col(
            "自所属县上划收入 from counties",
            "from_counties",
            |r| r.from_counties,
        ));
    }
    lines.push(col(
        &format!("体制上解 base paid{method}"),
        "base_paid",
        |r| r.base_paid,
    ));
    lines.push(col(
        &format!("体制补助 base received{method}"),
        "base_received",
        |r| r.base_received,
    ));
    if is_county {
        lines.push(col(
            "市对县补助收入 subsidy received",
            "subsidy_received",
            |r| r.subsidy_received,
        ));
    } else {
        lines.push(col(
            "市对县补助支出 subsidy paid",
            "subsidy_paid",
            |r| r.subsidy_paid,
        ));
    }
    lines.push(col("返还性收入 rebates", "rebates", |r| r.rebates));
    lines.extend(kinds_of(
        &res.tables.rebates_by_kind,
        region,
        years,
        &REBATE_KINDS,
    ));
    lines.push(col("转移支付 transfers", "transfers", |r| r.transfers));
    lines.extend(kinds_of(
        &res.tables.transfers_by_kind,
        region,
        years,
        &TRANSFER_KINDS,
    ));
    lines.push(col("专项上解 special remit", "special_remit", |r| {
        r.special_remit
    }));
    lines.push(col(
        "结算补助(+)/结算上解(−) settlement adjustment",
        "adjustment",
        |r| r.adjustment,
    ));
    lines.push(col("可用财力 available", "available", |r| r.available));
    lines.push(col(
        "可用财力（不含专项）disposable",
        "disposable",
        |r| r.disposable,
    ));
    lines.push(col("已预拨 advances", "advances", |r| r.advances));
    lines.push(col("应补(扣) balance due", "balance_due", |r| {
        r.balance_due
    }));
    lines
}

/// A sheet name `CODE NAME` within Excel's 31 characters.
fn sheet_name(code: &str, name: &str) -> String {
    let mut s = format!("{code} {name}");
    while s.encode_utf16().count() > 31 {
        s.pop();
    }
    s
}

fn write_sheet(
    ws: &mut Worksheet,
    res: &ScenarioResult,
    region: &str,
    lines: &[Line],
    inputs: &[(String, String)],
) -> std::result::Result<(), XlsxError> {
    let name = res.regions.get(region).map_or("", |r| r.name.as_str());
    let years = &res.scenario.years;
    let span = match (years.first(), years.last()) {
        (Some(a), Some(b)) if a != b => format!("{a}—{b}"),
        (Some(a), _) => a.to_string(),
        _ => String::new(),
    };
    let title = Format::new().set_bold().set_font_size(14);
    let header = Format::new()
        .set_bold()
        .set_border_bottom(FormatBorder::Thin);
    let money = Format::new().set_num_format(super::xlsx::MONEY_FORMAT);
    let money_bold = money.clone().set_bold();
    let small = Format::new().set_font_size(9);
    ws.write_string_with_format(0, 0, format!("{span}年度 {name} 财政体制结算单"), &title)?;
    ws.write_string_with_format(
        1,
        0,
        format!(
            "{region} · 情景 scenario {} · 单位：元 yuan · {}",
            res.scenario.name,
            res.scenario.data_banner()
        ),
        &small,
    )?;
    ws.write_string_with_format(3, 0, "项目 line", &header)?;
    for (c, y) in years.iter().enumerate() {
        let projected = res.province.iter().any(|p| p.year == *y && p.projected);
        let label = if projected {
            format!("{y} 预测")
        } else {
            y.to_string()
        };
        ws.write_string_with_format(3, 1 + c as u16, label, &header)?;
    }
    let mut row = 4;
    for l in lines {
        ws.write_string(row, 0, &l.label)?;
        let f = if l.level == 0 { &money_bold } else { &money };
        for (c, a) in l.amounts.iter().enumerate() {
            ws.write_number_with_format(row, 1 + c as u16, *a as f64 / 100.0, f)?;
        }
        row += 1;
    }
    row += 1;
    for (path, sha) in inputs {
        ws.write_string_with_format(row, 0, format!("{path}  sha256 {sha}"), &small)?;
        row += 1;
    }
    row += 1;
    for who in ["编制 prepared by：", "审核 checked by：", "日期 date："] {
        ws.write_string(row, 0, format!("{who}________________"))?;
        row += 2;
    }
    ws.set_column_width(0, 44)?;
    for c in 0..years.len() {
        ws.set_column_width(1 + c as u16, 18)?;
    }
    ws.set_landscape();
    ws.set_paper_size(9);
    ws.set_print_fit_to_pages(1, 1);
    ws.set_print_center_horizontally(true);
    ws.set_footer(format!(
        "&L{} {}&R情景 {}",
        region,
        name.replace('&', "&&"),
        res.scenario.name.replace('&', "&&")
    ));
    Ok(())
}

/// The regions with a statement, in reading order: each prefecture's counties, then the
/// prefecture; the counties without a prefecture last.
fn regions_in_order(res: &ScenarioResult) -> Vec<String> {
    let mut out = Vec::new();
    let all = res.regions.all();
    for p in all.iter().filter(|r| r.kind == RegionKind::Prefecture) {
        out.extend(
            all.iter()
                .filter(|c| c.kind == RegionKind::County && c.parent.as_deref() == Some(&p.code))
                .map(|c| c.code.clone()),
        );
        out.push(p.code.clone());
    }
    out.extend(
        all.iter()
            .filter(|c| c.kind == RegionKind::County && res.regions.prefecture_of(c).is_none())
            .map(|c| c.code.clone()),
    );
    out
}

/// Writes one scenario's statements to `path`: a sheet per county and prefecture.
pub fn write_statements(path: &Path, res: &ScenarioResult) -> Result<()> {
    let fail = |e: XlsxError| Error::file(path, format!("cannot write the statements: {e}"));
    let mut wb = Workbook::new();
    let last = res.scenario.years.iter().max().copied().unwrap_or(2000);
    let stamp =
        rust_xlsxwriter::ExcelDateTime::from_ymd(u16::try_from(last).unwrap_or(2000), 12, 31)
            .map_err(fail)?;
    wb.set_properties(&rust_xlsxwriter::DocProperties::new().set_creation_datetime(&stamp));
    let dir = res.scenario.file.parent().unwrap_or(Path::new("."));
    let inputs: Vec<(String, String)> = res
        .scenario
        .input_files()
        .iter()
        .map(|p| {
            let e = super::manifest::file_entry(p)?;
            Ok((
                super::manifest::relative_to(p, dir),
                e["sha256"].as_str().unwrap_or_default().to_string(),
            ))
        })
        .collect::<Result<_>>()?;
    let taxes = by_tax(res);
    for code in regions_in_order(res) {
        let name = res.regions.get(&code).map_or("", |r| r.name.as_str());
        let lines = statement_lines_with(res, &code, &taxes);
        let ws = wb
            .add_worksheet()
            .set_name(sheet_name(&code, name))
            .map_err(fail)?;
        write_sheet(ws, res, &code, &lines, &inputs).map_err(fail)?;
    }
    wb.save(path).map_err(fail)
}

/// Where a scenario's statements go: `statements.xlsx` for a run of one scenario,
/// `statements-SCENARIO.xlsx` for each of several.
pub fn file_name(res: &ScenarioResult, several: bool) -> String {
    if several {
        format!("statements-{}.xlsx", res.scenario.name)
    } else {
        "statements.xlsx".to_string()
    }
}
