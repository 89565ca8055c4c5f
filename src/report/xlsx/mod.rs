//! Report stage: `settlement.xlsx`, the workbook a finance bureau opens. One sheet per
//! scenario × year holds the statements (年终结算) in reading order — each prefecture's
//! counties, their subtotal (小计) and the prefecture proper (市本级), the counties with no
//! prefecture, then the province (全省合计) — and a `baselines` sheet lists 划转基数. Money
//! cells are yuan numbers formatted `#,##0.00`; every total is summed in integer fen first.

mod lines;
mod page;
mod warnings;

use crate::error::{Error, Result};
use crate::scenario::run::ScenarioResult;
pub use lines::{money_of, net_city, statement_lines, LineKind, StatementLine, MONEY_COLUMNS};
pub use page::DisplayUnit;
use rust_xlsxwriter::{Color, Format, FormatBorder, Workbook, Worksheet, XlsxError};
use std::path::Path;

/// Number format of every money cell: yuan with thousands separators and 2 decimals.
pub const MONEY_FORMAT: &str = "#,##0.00";

/// Name of the sheet listing every scenario's transfer baselines (划转基数).
pub const BASELINES_SHEET: &str = "baselines";

/// Headers of a statement sheet: (Chinese, English = the `settlement` table's column).
/// Columns 3–15 are money in [`StatementLine::money`] order, 16 population, 17 per capita.
pub const STATEMENT_HEADERS: [(&str, &str); 18] = [
    ("地区代码", "region_code"),
    ("地区名称", "region_name"),
    ("体制", "regime"),
    ("收入合计", "collected"),
    ("上划中央", "to_central"),
    ("上划省级", "to_province"),
    ("上划市级", "to_prefecture"),
    ("本级收入", "retained"),
    ("自所属县上划收入", "from_counties"),
    ("体制上解", "base_paid"),
    ("体制补助", "base_received"),
    ("市对县补助支出", "subsidy_paid"),
    ("市对县补助收入", "subsidy_received"),
    ("返还性收入", "rebates"),
    ("转移支付", "transfers"),
    ("可用财力", "available"),
    ("常住人口", "population"),
    ("人均可用财力", "available_per_capita"),
];

/// Headers of the `baselines` sheet: (Chinese, English = the `baselines` table's column).
pub const BASELINE_HEADERS: [(&str, &str); 13] = [
    ("情景", "scenario"),
    ("年度", "fiscal_year"),
    ("地区代码", "region_code"),
    ("地区名称", "region_name"),
    ("直管起始", "direct_since"),
    ("基期年份", "base_years"),
    ("方法", "method"),
    ("收入基数", "shared_base"),
    ("补助基数", "subsidy_base"),
    ("净基数", "net_base"),
    ("当年应解", "due"),
    ("来源", "source"),
    ("预测", "projected"),
];

/// Row of a sheet's title (the scenario, the year and the data's nature, 数据性质).
pub const TITLE_ROW: u32 = 0;
/// Row saying the unit of the money cells (单位).
pub const UNIT_ROW: u32 = 1;
/// Row of the Chinese headers; the English ones follow on the next row.
pub const HEADER_ROW: u32 = 2;
/// First data row of a sheet.
pub const FIRST_DATA_ROW: u32 = 4;
/// Name of the sheet listing the warnings (预警) and set-aside rows of every scenario.
pub const WARNINGS_SHEET: &str = "warnings";

/// How the workbook shows its figures.
#[derive(Clone, Copy, Debug, Default)]
pub struct WorkbookOptions {
    /// 元 or 万元 (display only).
    pub unit: DisplayUnit,
}

/// Cell formats of the workbook.
struct Formats {
    title: Format,
    header: Format,
    header_en: Format,
    text: Format,
    text_bold: Format,
    money: Format,
    money_bold: Format,
    count: Format,
    count_bold: Format,
    note: Format,
    notice: Format,
}

impl Formats {
    fn new() -> Formats {
        let money = Format::new().set_num_format(MONEY_FORMAT);
        let count = Format::new().set_num_format("#,##0");
        Formats {
            title: Format::new().set_bold().set_font_size(13),
            header: Format::new()
                .set_bold()
                .set_text_wrap()
                .set_background_color(Color::RGB(0xDDEBF7)),
            header_en: Format::new()
                .set_italic()
                .set_font_color(Color::RGB(0x595959))
                .set_background_color(Color::RGB(0xDDEBF7))
                .set_border_bottom(FormatBorder::Thin),
            text: Format::new(),
            text_bold: Format::new().set_bold(),
            money_bold: money.clone().set_bold(),
            money,
            count_bold: count.clone().set_bold(),
            count,
            note: Format::new()
                .set_italic()
                .set_font_color(Color::RGB(0x7F6000)),
            notice: Format::new()
                .set_bold()
                .set_font_color(Color::RGB(0xC00000)),
        }
    }
}

/// Up to `room` UTF-16 units of `s` (Excel counts sheet names in UTF-16).
fn truncate_utf16(s: &str, room: usize) -> String {
    let mut used = 0;
    s.chars()
        .take_while(|c| {
            used += c.len_utf16();
            used <= room
        })
        .collect()
}

/// A sheet name `SCENARIO YEAR[ 预测]` within Excel's 31 characters, without the characters
/// Excel refuses, and different (ignoring case) from every name in `taken`.
fn sheet_name(scenario: &str, year: i32, projected: bool, taken: &mut Vec<String>) -> String {
    let suffix = format!(" {year}{}", if projected { " 预测" } else { "" });
    let clean: String = scenario
        .chars()
        .map(|c| if "[]:*?/\\".contains(c) { '_' } else { c })
        .collect();
    let clean = clean.trim_matches('\'');
    for n in 1.. {
        let tag = if n == 1 {
            String::new()
        } else {
            format!("~{n}")
        };
        let room = 31usize.saturating_sub(suffix.encode_utf16().count() + tag.len());
        let name = format!("{}{tag}{suffix}", truncate_utf16(clean, room));
        if !taken
            .iter()
            .any(|t| t.to_lowercase() == name.to_lowercase())
        {
            taken.push(name.clone());
            return name;
        }
    }
    unreachable!("some suffix is free")
}

fn write_headers(
    ws: &mut Worksheet,
    headers: &[(&str, &str)],
    f: &Formats,
) -> Result<(), XlsxError> {
    for (c, (zh, en)) in headers.iter().enumerate() {
        ws.write_string_with_format(HEADER_ROW, c as u16, *zh, &f.header)?;
        ws.write_string_with_format(HEADER_ROW + 1, c as u16, *en, &f.header_en)?;
    }
    Ok(())
}

fn yuan(fen: i64) -> f64 {
    // Only for the cell value: the figure was computed (and summed) in fen.
    fen as f64 / 100.0
}

/// What a statement sheet shows besides its lines.
struct SheetText<'a> {
    title: &'a str,
    note: &'a str,
    /// Warnings and set-aside rows of the year, for the clerk (may be empty).
    notice: &'a str,
    /// Scenario and year, for the footer.
    footer: &'a str,
}

fn write_statement_sheet(
    ws: &mut Worksheet,
    lines: &[StatementLine],
    text: &SheetText,
    f: &Formats,
    unit: DisplayUnit,
) -> Result<(), XlsxError> {
    ws.write_string_with_format(TITLE_ROW, 0, text.title, &f.title)?;
    ws.write_string_with_format(UNIT_ROW, 0, unit.label(), &f.note)?;
    write_headers(ws, &STATEMENT_HEADERS, f)?;
    let pop_col = 3 + MONEY_COLUMNS as u16;
    let mut widths: Vec<f64> = STATEMENT_HEADERS
        .iter()
        .map(|(zh, en)| page::width_of(zh).max(page::width_of(en)))
        .collect();
    for (i, l) in lines.iter().enumerate() {
        let row = i as u32 + FIRST_DATA_ROW;
        let bold = matches!(
            l.kind,
            LineKind::Subtotal | LineKind::City | LineKind::Province
        );
        let (text, money, count) = if bold {
            (&f.text_bold, &f.money_bold, &f.count_bold)
        } else {
            (&f.text, &f.money, &f.count)
        };
        ws.write_string_with_format(row, 0, &l.code, text)?;
        ws.write_string_with_format(row, 1, &l.name, text)?;
        ws.write_string_with_format(row, 2, &l.regime, text)?;
        for (c, v) in [&l.code, &l.name, &l.regime].into_iter().enumerate() {
            widths[c] = widths[c].max(page::width_of(v));
        }
        for (c, v) in l.money.iter().enumerate() {
            ws.write_number_with_format(row, 3 + c as u16, unit.value(*v), money)?;
            let w = &mut widths[3 + c];
            *w = w.max(page::width_of(&unit.shown(*v)));
        }
        ws.write_number_with_format(row, pop_col, l.population as f64, count)?;
        let pop = &mut widths[pop_col as usize];
        *pop = pop.max(page::width_of(&l.population.to_string()) * 4.0 / 3.0);
        match l.available_per_capita {
            // per resident always in yuan: 万元 per head would read 0.xx
            Some(v) => ws.write_number_with_format(row, pop_col + 1, yuan(v), money)?,
            None => ws.write_blank(row, pop_col + 1, money)?,
        };
        if let Some(v) = l.available_per_capita {
            let w = &mut widths[pop_col as usize + 1];
            *w = w.max(page::width_of(&DisplayUnit::Yuan.shown(v)));
        }
    }
    let after = lines.len() as u32 + FIRST_DATA_ROW + 1;
    ws.write_string_with_format(after, 0, text.note, &f.note)?;
    if !text.notice.is_empty() {
        ws.write_string_with_format(after + 1, 0, text.notice, &f.notice)?;
    }
    ws.set_freeze_panes(FIRST_DATA_ROW, 2)?;
    page::set_widths(ws, &widths)?;
    // 18 columns of figures: A3 landscape keeps them legible one page wide
    page::print_setup(ws, page::A3, HEADER_ROW, text.footer)?;
    ws.set_print_area(0, 0, after + 1, pop_col + 1)?;
    Ok(())
}

fn write_baselines_sheet(
    ws: &mut Worksheet,
    results: &[ScenarioResult],
    f: &Formats,
) -> Result<(), XlsxError> {
    let mut banners: Vec<String> = results.iter().map(|r| r.scenario.data_banner()).collect();
    banners.dedup();
    let title = format!("划转基数 transfer baselines — {}", banners.join(" / "));
    ws.write_string_with_format(TITLE_ROW, 0, &title, &f.title)?;
    ws.write_string_with_format(UNIT_ROW, 0, DisplayUnit::Yuan.label(), &f.note)?;
    write_headers(ws, &BASELINE_HEADERS, f)?;
    let mut row = FIRST_DATA_ROW;
    for res in results {
        for b in &res.baselines {
            let name = res.regions.get(&b.county).map_or("", |g| g.name.as_str());
            let years: Vec<String> = b.base_years.iter().map(i32::to_string).collect();
            ws.write_string(row, 0, &res.scenario.name)?;
            ws.write_number(row, 1, b.year)?;
            ws.write_string(row, 2, &b.county)?;
            ws.write_string(row, 3, name)?;
            ws.write_string(row, 4, b.direct_since.to_string())?;
            ws.write_string(row, 5, years.join(";"))?;
            ws.write_string(row, 6, &b.method)?;
            for (c, v) in [b.shared_base, b.subsidy_base, b.net_base, b.due]
                .into_iter()
                .enumerate()
            {
                ws.write_number_with_format(row, 7 + c as u16, yuan(v), &f.money)?;
            }
            ws.write_string(row, 11, &b.source)?;
            let projected = b.year > res.last_actual_year;
            ws.write_string(row, 12, if projected { "预测" } else { "" })?;
            row += 1;
        }
    }
    ws.set_freeze_panes(FIRST_DATA_ROW, 4)?;
    for (c, w) in [14, 8, 10, 14, 10, 16, 16, 16, 16, 16, 16, 10, 8]
        .into_iter()
        .enumerate()
    {
        ws.set_column_width(c as u16, w)?;
    }
    page::print_setup(ws, page::A4, HEADER_ROW, "划转基数 transfer baselines")?;
    Ok(())
}

fn note(res: &ScenarioResult, year: i32, projected: bool) -> String {
    let sc = &res.scenario;
    let kind = if projected {
        format!(
            "预测 projected: receipts grown from the {} ledger at the scenario's rates",
            res.last_actual_year
        )
    } else {
        "实际 actual ledger".to_string()
    };
    let description = sc
        .description
        .as_deref()
        .map(|d| format!("（{d}）"))
        .unwrap_or_default();
    format!(
        "情景 {}{description}；{year} 年：{kind}；小计 = 所属县合计，全市合计 = 小计 + 市本级\
         （市县之间的上划、基数与补助相抵 flows between the prefecture and its counties netted），\
         全省合计 = 各县 + 各市本级（同样相抵 netted likewise）；granularity: {}",
        sc.name,
        format!("{:?}", res.granularity).to_lowercase()
    )
}

/// Writes `settlement.xlsx` at `path` in yuan ([`write_workbook_with`]).
pub fn write_workbook(path: &Path, results: &[ScenarioResult]) -> Result<()> {
    write_workbook_with(path, results, WorkbookOptions::default())
}

/// Writes `settlement.xlsx` at `path`: a statement sheet per scenario × year (see
/// [`statement_lines`]; projected years are named `… 预测`), each with its year's warnings
/// as a notice, the `baselines` sheet and the `warnings` sheet.
pub fn write_workbook_with(
    path: &Path,
    results: &[ScenarioResult],
    opts: WorkbookOptions,
) -> Result<()> {
    let fail = |e: XlsxError| Error::file(path, format!("cannot write the workbook: {e}"));
    workbook(path, results, opts)?.save(path).map_err(fail)
}

/// The bytes of `settlement.xlsx` (in yuan), as [`write_workbook`] writes them: the
/// server's download.
pub fn workbook_bytes(results: &[ScenarioResult]) -> Result<Vec<u8>> {
    let name = Path::new("settlement.xlsx");
    workbook(name, results, WorkbookOptions::default())?
        .save_to_buffer()
        .map_err(|e| Error::file(name, format!("cannot write the workbook: {e}")))
}

/// The workbook of [`write_workbook_with`]; `path` names it in errors.
fn workbook(path: &Path, results: &[ScenarioResult], opts: WorkbookOptions) -> Result<Workbook> {
    let fail = |e: XlsxError| Error::file(path, format!("cannot write the workbook: {e}"));
    let f = Formats::new();
    let mut wb = Workbook::new();
    // A fixed creation date (31 December of the last settled year), not the clock, so the
    // same inputs give the same bytes.
    let last = results
        .iter()
        .flat_map(|r| r.scenario.years.iter().copied())
        .max()
        .unwrap_or(2000);
    let stamp =
        rust_xlsxwriter::ExcelDateTime::from_ymd(u16::try_from(last).unwrap_or(2000), 12, 31)
            .map_err(fail)?;
    wb.set_properties(&rust_xlsxwriter::DocProperties::new().set_creation_datetime(&stamp));
    let mut taken = vec![
        BASELINES_SHEET.to_string(),
        WARNINGS_SHEET.to_string(),
        super::base_items::BASE_ITEMS_SHEET.to_string(),
    ];
    let all_warnings: Vec<_> = results.iter().map(crate::supervision::warnings).collect();
    for (res, ws_of) in results.iter().zip(&all_warnings) {
        let mut years = res.scenario.years.clone();
        years.sort_unstable();
        years.dedup();
        for year in years {
            let projected = res.province.iter().any(|p| p.year == year && p.projected);
            let name = sheet_name(&res.scenario.name, year, projected, &mut taken);
            let ws = wb.add_worksheet().set_name(name).map_err(fail)?;
            let lines = statement_lines(res, year);
            let title = format!(
                "{year}年度 财政体制结算 settlement — 情景 {} — {}",
                res.scenario.name,
                res.scenario.data_banner()
            );
            let text = SheetText {
                title: &title,
                note: &note(res, year, projected),
                notice: &warnings::notice(res, ws_of, year),
                footer: &format!("情景 {} · {year}年度", res.scenario.name),
            };
            write_statement_sheet(ws, &lines, &text, &f, opts.unit).map_err(fail)?;
        }
    }
    let ws = wb.add_worksheet().set_name(BASELINES_SHEET).map_err(fail)?;
    write_baselines_sheet(ws, results, &f).map_err(fail)?;
    let ws = wb
        .add_worksheet()
        .set_name(super::base_items::BASE_ITEMS_SHEET)
        .map_err(fail)?;
    super::base_items::write_sheet(ws, results).map_err(fail)?;
    let ws = wb.add_worksheet().set_name(WARNINGS_SHEET).map_err(fail)?;
    warnings::write_sheet(ws, results, &all_warnings, &f).map_err(fail)?;
    Ok(wb)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sheet_names_fit_excel_and_stay_unique() {
        let mut taken = vec![BASELINES_SHEET.to_string()];
        assert_eq!(
            sheet_name("reform-2022", 2022, false, &mut taken),
            "reform-2022 2022"
        );
        assert_eq!(
            sheet_name("reform-2022", 2026, true, &mut taken),
            "reform-2022 2026 预测"
        );
        let long = "base-increment-share-50-with-a-long-tail";
        let a = sheet_name(long, 2022, false, &mut taken);
        let b = sheet_name(&long.to_uppercase(), 2022, false, &mut taken);
        assert_eq!(a.encode_utf16().count(), 31);
        assert!(a.ends_with(" 2022") && b.ends_with("~2 2022"), "{a} / {b}");
        assert!(b.encode_utf16().count() <= 31);
        assert_eq!(sheet_name("a/b:c", 2022, false, &mut taken), "a_b_c 2022");
    }
}
