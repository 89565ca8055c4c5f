//! How the workbook prints and shows its money: the display unit (元 or 万元, display only:
//! CSV and Parquet stay in yuan), column widths wide enough for every figure (no `###`),
//! and the page setup of a sheet a bureau prints — A4 landscape, one page wide, the header
//! rows repeated on every page, page numbers with the scenario and year in the footer.

use crate::money::format_yuan;
use rust_xlsxwriter::{Worksheet, XlsxError};
use unicode_width::UnicodeWidthStr;

/// The unit money cells show (显示单位); the figures are exact fen either way.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum DisplayUnit {
    /// 元, two decimals.
    #[default]
    Yuan,
    /// 万元 (10,000 yuan), two decimals shown, the cell holding the exact value.
    Wan,
}

impl DisplayUnit {
    /// Parses `yuan` or `wan`.
    pub fn parse(text: &str) -> Result<DisplayUnit, String> {
        match text {
            "yuan" => Ok(DisplayUnit::Yuan),
            "wan" => Ok(DisplayUnit::Wan),
            other => Err(format!("unit `{other}`: write yuan or wan")),
        }
    }

    /// The unit row's words.
    pub fn label(self) -> &'static str {
        match self {
            DisplayUnit::Yuan => "单位：元 (unit: yuan)",
            DisplayUnit::Wan => "单位：万元 (unit: 10,000 yuan; the cells hold the exact amount)",
        }
    }

    /// The cell value of an amount in fen (only for display: every sum was made in fen).
    pub fn value(self, fen: i64) -> f64 {
        match self {
            DisplayUnit::Yuan => fen as f64 / 100.0,
            DisplayUnit::Wan => fen as f64 / 1_000_000.0,
        }
    }

    /// The amount as the cell shows it (`1,234.56`), to size its column.
    pub fn shown(self, fen: i64) -> String {
        let text = match self {
            DisplayUnit::Yuan => format_yuan(fen),
            DisplayUnit::Wan => format_yuan(crate::money::round_div(fen as i128, 10_000) as i64),
        };
        let (sign, digits) = text.split_at(usize::from(text.starts_with('-')));
        let (int, dec) = digits.split_once('.').unwrap_or((digits, "00"));
        let mut grouped = String::new();
        for (i, c) in int.chars().enumerate() {
            if i > 0 && (int.len() - i) % 3 == 0 {
                grouped.push(',');
            }
            grouped.push(c);
        }
        format!("{sign}{grouped}.{dec}")
    }
}

/// Display width of a cell's text in Excel's character units (a CJK character counts two).
pub fn width_of(text: &str) -> f64 {
    UnicodeWidthStr::width(text) as f64
}

/// Sets each column's width to its widest text plus a margin: `widths[c]` is the widest
/// text of column `c` (headers included).
pub fn set_widths(ws: &mut Worksheet, widths: &[f64]) -> Result<(), XlsxError> {
    for (c, w) in widths.iter().enumerate() {
        ws.set_column_width(c as u16, (w + 2.0).clamp(6.0, 60.0))?;
    }
    Ok(())
}

/// Paper sizes, as Excel numbers them.
pub const A3: u8 = 8;
/// A4.
pub const A4: u8 = 9;

/// Landscape on `paper`, one page wide, the two header rows from `header_row` repeated on
/// every page, centred, and a footer with `what` (scenario and year) and 第 N 页 / 共 M 页.
/// The caller sets the print area (long notes overflowing to the right must not widen the
/// page).
pub fn print_setup(
    ws: &mut Worksheet,
    paper: u8,
    header_row: u32,
    what: &str,
) -> Result<(), XlsxError> {
    ws.set_landscape();
    ws.set_paper_size(paper);
    ws.set_print_fit_to_pages(1, 0);
    ws.set_print_center_horizontally(true);
    ws.set_repeat_rows(header_row, header_row + 1)?;
    // `&` starts a control code in headers and footers: a literal one is doubled
    let what: String = what.replace('&', "&&").chars().take(120).collect();
    ws.set_footer(format!("&L{what}&R第 &P 页 / 共 &N 页 (page &P of &N)"));
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shown_amounts_group_digits_in_the_unit() {
        assert_eq!(DisplayUnit::Yuan.shown(-123_456_789), "-1,234,567.89");
        assert_eq!(DisplayUnit::Yuan.shown(5), "0.05");
        // 1,234,567.89 yuan = 123.456789 万元, shown 123.46
        assert_eq!(DisplayUnit::Wan.shown(123_456_789), "123.46");
        assert_eq!(DisplayUnit::Wan.value(123_456_789), 123.456789);
        assert_eq!(width_of("全省合计"), 8.0);
    }
}
