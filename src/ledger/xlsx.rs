//! Excel ledgers (`.xlsx`, the files bureaus keep): the one sheet holding the ledger is
//! written out as a temporary UTF-8 CSV, cell by cell, and read like any CSV ledger, with
//! every check. The sheet is the one `--sheet` names, or the workbook's one sheet with
//! data. What a CSV cannot say is refused here with file, sheet and row: data on more than
//! one sheet without `--sheet` (which one is the ledger?), an empty sheet, merged cells,
//! formulas, and dates, booleans or errors where text or numbers belong.

use crate::error::{Error, Result};
use calamine::{open_workbook, Data, Reader, Xlsx};
use std::path::Path;

/// A number cell as the CSV text the row judge reads: integers without a decimal point,
/// other values in the shortest form that reads back as the same number (5070.01).
fn number_text(f: f64) -> String {
    if f.fract() == 0.0 && f.abs() < 1e15 {
        format!("{}", f as i64)
    } else {
        format!("{f}")
    }
}

/// Converts the ledger sheet of `path` to a temporary CSV file (deleted when dropped): the
/// sheet named `sheet`, or else the workbook's one sheet with data.
pub(crate) fn xlsx_to_csv(path: &Path, sheet: Option<&str>) -> Result<tempfile::NamedTempFile> {
    let mut wb: Xlsx<_> = open_workbook(path)
        .map_err(|e| Error::file(path, format!("cannot open the workbook: {e}")))?;
    let names = wb.sheet_names();
    let listed = |names: &[String]| {
        names
            .iter()
            .map(|n| format!("`{n}`"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let mut with_data = Vec::new();
    for name in names
        .iter()
        .filter(|n| sheet.is_none_or(|s| s == n.as_str()))
    {
        let range = wb
            .worksheet_range(name)
            .map_err(|e| Error::file(path, format!("sheet `{name}`: cannot read it: {e}")))?;
        if range.used_cells().next().is_some() {
            with_data.push((name.clone(), range));
        }
    }
    if let Some(s) = sheet {
        if !names.iter().any(|n| n == s) {
            return Err(Error::Usage(format!(
                "--sheet `{s}`: {} has no such sheet (it has {})",
                path.display(),
                listed(&names)
            )));
        }
    }
    let (sheet, range) = match with_data.len() {
        1 => with_data.pop().expect("one"),
        0 => {
            return Err(Error::file(
                path,
                match sheet {
                    Some(s) => format!("sheet `{s}` is empty: no ledger"),
                    None => "the workbook's sheets are empty: no ledger".to_string(),
                },
            ))
        }
        _ => {
            let data: Vec<String> = with_data.iter().map(|(n, _)| n.clone()).collect();
            return Err(Error::file(
                path,
                format!(
                    "{} sheets hold data ({}): name the ledger's with --sheet (nothing on \
                     another sheet may go unread silently)",
                    with_data.len(),
                    listed(&data)
                ),
            ));
        }
    };
    let at = |row: u32| Error::file(path, format!("sheet `{sheet}` row {}", row + 1));
    let row_err = |row: u32, why: String| {
        let Error::File { file, reason } = at(row) else {
            unreachable!("at gives a file error")
        };
        Error::File {
            file,
            reason: format!("{reason}: {why}"),
        }
    };
    let merged = wb.merge_cells_by_sheet_name(&sheet).map_err(|e| {
        Error::file(
            path,
            format!("sheet `{sheet}`: cannot read merged cells: {e}"),
        )
    })?;
    if let Some(dim) = merged.first() {
        return Err(row_err(
            dim.start.0,
            format!(
                "merged cells {}: unmerge them so that every row holds its own values",
                cells(dim.start, dim.end)
            ),
        ));
    }
    if let Ok(formulas) = wb.worksheet_formula(&sheet) {
        if let Some((r, c, f)) = formulas.used_cells().find(|(_, _, f)| !f.is_empty()) {
            let (r0, c0) = formulas.start().unwrap_or((0, 0));
            return Err(row_err(
                r0 + r as u32,
                format!(
                    "cell {} holds the formula `={f}`: paste the values (a ledger records \
                     receipts, not calculations)",
                    cell_name(r0 + r as u32, c0 + c as u32)
                ),
            ));
        }
    }
    let tmp = tempfile::NamedTempFile::new().map_err(|e| Error::io(std::env::temp_dir(), e))?;
    {
        let mut out = csv::Writer::from_writer(std::io::BufWriter::new(tmp.as_file()));
        let (r0, c0) = range.start().unwrap_or((0, 0));
        for (i, row) in range.rows().enumerate() {
            let r = r0 + i as u32;
            let mut fields = Vec::with_capacity(row.len());
            for (j, cell) in row.iter().enumerate() {
                let c = c0 + j as u32;
                fields.push(match cell {
                    Data::Empty => String::new(),
                    Data::String(s) => s.clone(),
                    Data::Float(f) => number_text(*f),
                    Data::Int(n) => n.to_string(),
                    Data::DateTime(_) | Data::DateTimeIso(_) | Data::DurationIso(_) => {
                        return Err(row_err(
                            r,
                            format!(
                                "cell {} holds a date (`{cell}`): a ledger cell holds text or \
                                 a number",
                                cell_name(r, c)
                            ),
                        ))
                    }
                    Data::Bool(_) | Data::Error(_) => {
                        return Err(row_err(
                            r,
                            format!(
                                "cell {} holds `{cell}`, not text or a number",
                                cell_name(r, c)
                            ),
                        ))
                    }
                });
            }
            out.write_record(&fields)
                .map_err(|e| Error::file(path, format!("cannot convert sheet `{sheet}`: {e}")))?;
        }
        out.flush().map_err(|e| Error::io(tmp.path(), e))?;
    }
    Ok(tmp)
}

/// `B7`: a cell's name as Excel shows it (0-based row and column).
fn cell_name(row: u32, col: u32) -> String {
    let mut c = col + 1;
    let mut letters = String::new();
    while c > 0 {
        let rem = (c - 1) % 26;
        letters.insert(0, (b'A' + rem as u8) as char);
        c = (c - 1) / 26;
    }
    format!("{letters}{}", row + 1)
}

/// `A2:A3`.
fn cells(start: (u32, u32), end: (u32, u32)) -> String {
    format!(
        "{}:{}",
        cell_name(start.0, start.1),
        cell_name(end.0, end.1)
    )
}
