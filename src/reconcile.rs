//! Reconcile (对账): a run's settlement against figures a bureau already holds. The
//! expected file is CSV or xlsx with `region_code`, `fiscal_year` and any settlement
//! columns, under their English names or the workbook's Chinese headers (地区代码, 年度,
//! 收入合计 …); every figure is compared to the fen and each difference listed.

use crate::error::{Error, Result};
use crate::money::{format_yuan, parse_yuan};
use crate::report::xlsx::STATEMENT_HEADERS;
use crate::scenario::run::ScenarioResult;
use crate::settlement::SettlementRow;
use calamine::{open_workbook_auto, Data, Reader};
use std::path::Path;

/// Columns that describe a row and are not compared.
const DESCRIPTIVE: [&str; 6] = [
    "region_name",
    "kind",
    "prefecture_code",
    "regime",
    "projected",
    "scenario",
];

/// The settlement figure of `row` named `column`, if it is a compared column: money in fen,
/// `population` in residents. `None` for an unknown column.
pub fn figure(row: &SettlementRow, column: &str) -> Option<Option<i64>> {
    let p = &row.parts;
    Some(Some(match column {
        "collected" => p.collected,
        "to_central" => p.to_central,
        "to_province" => p.to_province,
        "to_prefecture" => p.to_prefecture,
        "retained" => p.retained,
        "from_counties" => row.from_counties,
        "base_paid" => row.base_paid,
        "base_received" => row.base_received,
        "subsidy_paid" => row.subsidy_paid,
        "subsidy_received" => row.subsidy_received,
        "rebates" => row.rebates,
        "transfers" => row.transfers,
        "available" => row.available,
        "transfers_special" => row.transfers_special,
        "special_remit" => row.special_remit,
        "adjustment" => row.adjustment,
        "disposable" => row.disposable,
        "advances" => row.advances,
        "balance_due" => row.balance_due,
        "population" => row.population as i64,
        "available_per_capita" => return Some(row.available_per_capita),
        _ => return None,
    }))
}

/// A header as the settlement's column name: English as is, the workbook's Chinese
/// headers (and 年度) mapped to their English twins.
fn canonical(header: &str) -> String {
    let h = header.trim();
    if h == "年度" {
        return "fiscal_year".into();
    }
    STATEMENT_HEADERS
        .iter()
        .find(|(zh, _)| *zh == h)
        .map_or_else(|| h.to_string(), |(_, en)| en.to_string())
}

/// One figure the bureau expects.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Expected {
    /// Row of the file as an editor or Excel shows it (the header is row 1 or below).
    pub row: u64,
    /// Region code.
    pub region: String,
    /// Fiscal year.
    pub year: i32,
    /// Settlement column.
    pub column: String,
    /// The expected figure (fen; residents for `population`); `None` for an empty cell.
    pub value: Option<i64>,
}

/// A cell's text and, for a number, its value in fen (money) as Excel shows it.
fn cell_text(d: &Data) -> String {
    match d {
        Data::String(s) => s.trim().to_string(),
        Data::Float(f) => format!("{f}"),
        Data::Int(i) => i.to_string(),
        Data::Empty => String::new(),
        other => other.to_string(),
    }
}

fn amount(path: &Path, row: u64, column: &str, d: &Data) -> Result<Option<i64>> {
    let bad = |why: String| Error::row(path, row, format!("{column}: {why}"));
    let scale = if column == "population" { 1.0 } else { 100.0 };
    match d {
        Data::Empty => Ok(None),
        Data::Float(f) => Ok(Some((f * scale).round() as i64)),
        Data::Int(i) => Ok(Some(*i * scale as i64)),
        Data::String(s) if s.trim().is_empty() => Ok(None),
        Data::String(s) if column == "population" => s
            .trim()
            .parse()
            .map(Some)
            .map_err(|_| bad(format!("`{s}` is not a number of residents"))),
        Data::String(s) => parse_yuan(s.trim())
            .map(Some)
            .map_err(|e| bad(format!("`{s}`: {e}"))),
        other => Err(bad(format!("`{other}` is not an amount"))),
    }
}

/// Reads a table of expected figures (CSV, or the first sheet of an xlsx). The header row
/// is the first row naming `region_code` (or 地区代码) among the first ten, so the
/// settlement workbook's own sheets read as they are; a second English header row under
/// it, empty codes (subtotals) and the province's own code (全省合计) are skipped, and the
/// table ends at its first blank row. Without a year column, every row is of `year`.
pub fn read_expected(path: &Path, year: Option<i32>, province: &str) -> Result<Vec<Expected>> {
    let rows: Vec<Vec<Data>> = if path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("xlsx"))
    {
        let mut wb = open_workbook_auto(path)
            .map_err(|e| Error::file(path, format!("cannot open the workbook: {e}")))?;
        let range = wb
            .worksheet_range_at(0)
            .ok_or_else(|| Error::file(path, "the workbook has no sheet"))?
            .map_err(|e| Error::file(path, format!("cannot read its first sheet: {e}")))?;
        // rows as Excel numbers them: pad the rows above the used range
        let start = range.start().map_or(0, |(r, _)| r as usize);
        let mut rows = vec![Vec::new(); start];
        rows.extend(range.rows().map(<[Data]>::to_vec));
        rows
    } else {
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_path(path)
            .map_err(|e| Error::file(path, format!("cannot read: {e}")))?;
        reader
            .records()
            .map(|r| {
                r.map(|r| r.iter().map(|c| Data::String(c.to_string())).collect())
                    .map_err(|e| Error::file(path, format!("cannot read: {e}")))
            })
            .collect::<Result<_>>()?
    };
    let header_at = rows
        .iter()
        .take(10)
        .position(|r| {
            r.iter()
                .any(|c| canonical(cell_text(c).trim_start_matches('\u{feff}')) == "region_code")
        })
        .ok_or_else(|| {
            Error::file(
                path,
                "no header row naming region_code (or 地区代码) among the first ten rows",
            )
        })?;
    let headers: Vec<String> = rows[header_at]
        .iter()
        .map(|c| canonical(cell_text(c).trim_start_matches('\u{feff}')))
        .collect();
    let find = |name: &str| headers.iter().position(|h| h == name);
    let code_at = find("region_code").expect("found above");
    let year_at = find("fiscal_year");
    if year_at.is_none() && year.is_none() {
        return Err(Error::file(
            path,
            "no fiscal_year (年度) column: give the year with --year",
        ));
    }
    let mut compared = Vec::new();
    for (i, h) in headers.iter().enumerate() {
        if h.is_empty()
            || h == "region_code"
            || h == "fiscal_year"
            || DESCRIPTIVE.contains(&h.as_str())
        {
            continue;
        }
        if figure(&probe_row(), h).is_none() {
            return Err(Error::file(
                path,
                format!("column `{h}` is not a settlement column"),
            ));
        }
        compared.push((i, h.clone()));
    }
    let mut out = Vec::new();
    for (k, r) in rows.iter().enumerate().skip(header_at + 1) {
        let row = k as u64 + 1;
        // the table ends at its first blank row (notes may follow, as in the workbook)
        if r.iter().all(|c| cell_text(c).is_empty()) {
            break;
        }
        let code = r.get(code_at).map(cell_text).unwrap_or_default();
        if code.is_empty() || code == "region_code" || code == province {
            continue;
        }
        let y = match year_at {
            Some(at) => {
                let t = r.get(at).map(cell_text).unwrap_or_default();
                t.parse::<i32>().map_err(|_| {
                    Error::row(path, row, format!("fiscal_year `{t}` is not a year"))
                })?
            }
            None => year.expect("checked above"),
        };
        for (at, column) in &compared {
            let value = amount(path, row, column, r.get(*at).unwrap_or(&Data::Empty))?;
            out.push(Expected {
                row,
                region: code.clone(),
                year: y,
                column: column.clone(),
                value,
            });
        }
    }
    Ok(out)
}

/// A settlement row of zeros: asks [`figure`] whether a column is known.
fn probe_row() -> SettlementRow {
    SettlementRow {
        year: 0,
        region: String::new(),
        kind: crate::regions::RegionKind::County,
        prefecture_code: String::new(),
        regime: None,
        parts: Default::default(),
        from_counties: 0,
        base_paid: 0,
        base_received: 0,
        rebates: 0,
        transfers: 0,
        subsidy_paid: 0,
        subsidy_received: 0,
        available: 0,
        transfers_special: 0,
        special_remit: 0,
        adjustment: 0,
        disposable: 0,
        advances: 0,
        balance_due: 0,
        population: 0,
        available_per_capita: None,
        projected: false,
    }
}

/// One figure that differs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Difference {
    /// Row of the expected file.
    pub row: u64,
    /// Region code.
    pub region: String,
    /// Region name.
    pub region_name: String,
    /// Fiscal year.
    pub year: i32,
    /// Settlement column.
    pub column: String,
    /// The bureau's figure.
    pub expected: Option<i64>,
    /// fencheng's figure.
    pub computed: Option<i64>,
}

/// Compares every expected figure with the settlement; an unknown region or a year the
/// scenario does not settle is an error naming it and its row.
pub fn reconcile(
    res: &ScenarioResult,
    path: &Path,
    expected: &[Expected],
) -> Result<Vec<Difference>> {
    let mut out = Vec::new();
    for e in expected {
        let Some(region) = res.regions.get(&e.region) else {
            return Err(Error::row(
                path,
                e.row,
                format!("region_code `{}` is not in the region table", e.region),
            ));
        };
        if !res.scenario.years.contains(&e.year) {
            return Err(Error::row(
                path,
                e.row,
                format!(
                    "fiscal_year `{}` is not settled by scenario {} (years {:?})",
                    e.year, res.scenario.name, res.scenario.years
                ),
            ));
        }
        let row = res
            .settlement
            .iter()
            .find(|s| s.region == e.region && s.year == e.year)
            .ok_or_else(|| Error::row(path, e.row, format!("no statement for `{}`", e.region)))?;
        let computed = figure(row, &e.column).flatten();
        if e.value.is_some() && e.value != computed {
            out.push(Difference {
                row: e.row,
                region: e.region.clone(),
                region_name: region.name.clone(),
                year: e.year,
                column: e.column.clone(),
                expected: e.value,
                computed,
            });
        }
    }
    Ok(out)
}

/// `reconcile.csv`: one line per difference, amounts in yuan (residents for `population`).
pub fn differences_csv(diffs: &[Difference]) -> String {
    let show = |column: &str, v: Option<i64>| match v {
        None => String::new(),
        Some(v) if column == "population" => v.to_string(),
        Some(v) => format_yuan(v),
    };
    let mut out = String::from(
        "row,region_code,region_name,fiscal_year,column,expected,computed,difference\n",
    );
    for d in diffs {
        let diff = match (d.expected, d.computed) {
            (Some(a), Some(b)) => show(&d.column, Some(b - a)),
            _ => String::new(),
        };
        out += &format!(
            "{},{},{},{},{},{},{},{}\n",
            d.row,
            d.region,
            d.region_name,
            d.year,
            d.column,
            show(&d.column, d.expected),
            show(&d.column, d.computed),
            diff
        );
    }
    out
}
