//! Ledger reading: a file, a folder (hive partitions `fiscal_year=YYYY/` included) or a glob
//! of CSV (UTF-8 with or without BOM, or GBK) and Parquet files → for each file, one lazy
//! frame of its ledger columns as read, each row with its 1-based row number, streamed in
//! batches by the pass ([`super::pass`]).

use super::columns::*;
use crate::error::{Error, Result};
use polars::prelude::*;
use std::path::{Path, PathBuf};

/// Text encoding of CSV ledgers.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Encoding {
    /// UTF-8, with or without byte-order mark.
    #[default]
    Utf8,
    /// GBK / GB18030, as Chinese finance systems export it.
    Gbk,
}

/// How to read ledger files: the text encoding of CSV files and, for Excel workbooks with
/// several sheets, which sheet holds the ledger.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct ReadOptions {
    /// Encoding of CSV ledgers.
    pub encoding: Encoding,
    /// The sheet of an `.xlsx` ledger (`--sheet`); `None`: its one sheet with data.
    pub sheet: Option<String>,
}

impl From<Encoding> for ReadOptions {
    fn from(encoding: Encoding) -> ReadOptions {
        ReadOptions {
            encoding,
            sheet: None,
        }
    }
}

/// File format of one ledger file, from its extension.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// `.csv`
    Csv,
    /// `.parquet` / `.pq`
    Parquet,
    /// `.xlsx`: its one data sheet, read as CSV.
    Xlsx,
}

pub(crate) fn format_of(path: &Path) -> Option<Format> {
    match path.extension()?.to_str()?.to_ascii_lowercase().as_str() {
        "csv" | "txt" => Some(Format::Csv),
        "parquet" | "pq" => Some(Format::Parquet),
        "xlsx" => Some(Format::Xlsx),
        _ => None,
    }
}

/// Expands ledger arguments (files, folders, globs) into a sorted list of files.
pub fn resolve_sources(inputs: &[PathBuf]) -> Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    for input in inputs {
        let text = input.to_string_lossy();
        if input.is_dir() {
            let before = files.len();
            walk(input, &mut files)?;
            if files.len() == before {
                return Err(Error::file(input, "folder holds no .csv or .parquet file"));
            }
        } else if input.is_file() {
            if format_of(input).is_none() {
                return Err(Error::file(
                    input,
                    "not a ledger file (expected .csv or .parquet)",
                ));
            }
            files.push(input.clone());
        } else if text.contains(['*', '?', '[']) {
            let paths =
                glob::glob(&text).map_err(|e| Error::file(input, format!("bad glob: {e}")))?;
            let before = files.len();
            for p in paths.flatten() {
                if p.is_file() && format_of(&p).is_some() {
                    files.push(p);
                }
            }
            if files.len() == before {
                return Err(Error::file(input, "glob matches no .csv or .parquet file"));
            }
        } else {
            return Err(Error::file(input, "no such file or folder"));
        }
    }
    // one file reached twice (a symlink, a folder and a glob over it) is read once
    files.sort();
    let mut seen = std::collections::HashSet::new();
    let mut unique = Vec::with_capacity(files.len());
    for f in files {
        let canonical = f.canonicalize().map_err(|e| Error::io(&f, e))?;
        if seen.insert(canonical) {
            unique.push(f);
        }
    }
    Ok(unique)
}

/// Collects the ledger files under `dir`, each folder once: a symlink back to a folder
/// already walked (a loop, or a second name) is not walked again.
fn walk(dir: &Path, out: &mut Vec<PathBuf>) -> Result<()> {
    let mut visited = std::collections::HashSet::new();
    walk_once(dir, out, &mut visited)
}

fn walk_once(
    dir: &Path,
    out: &mut Vec<PathBuf>,
    visited: &mut std::collections::HashSet<PathBuf>,
) -> Result<()> {
    let canonical = dir.canonicalize().map_err(|e| Error::io(dir, e))?;
    if !visited.insert(canonical) {
        return Ok(());
    }
    let mut entries = std::fs::read_dir(dir)
        .map_err(|e| Error::io(dir, e))?
        .map(|e| e.map(|e| e.path()).map_err(|e| Error::io(dir, e)))
        .collect::<Result<Vec<_>>>()?;
    entries.sort();
    for path in entries {
        if path.is_dir() {
            walk_once(&path, out, visited)?;
        } else if format_of(&path).is_some() {
            out.push(path);
        }
    }
    Ok(())
}

/// The number of a file's first data row as an editor or Excel shows it: 2 under a
/// header line (CSV, xlsx), 1 for Parquet's first record.
pub(crate) fn first_row(path: &Path) -> u32 {
    match format_of(path) {
        Some(Format::Parquet) => 1,
        _ => 2,
    }
}

/// The `fiscal_year=YYYY` hive partition a path sits in, if any.
pub fn hive_year(path: &Path) -> Option<String> {
    path.components().rev().find_map(|c| {
        let s = c.as_os_str().to_str()?;
        s.strip_prefix("fiscal_year=").map(str::to_string)
    })
}

/// A ledger file opened, its columns checked: the raw lazy frame, its schema and the
/// `fiscal_year=` partition it sits in (used when the file has no `fiscal_year` column).
pub(crate) struct Opened {
    /// The file as polars reads it.
    pub lf: LazyFrame,
    /// Its columns.
    pub schema: SchemaRef,
    /// The hive year, when the file has no `fiscal_year` column of its own.
    pub hive_year: Option<String>,
    /// For a CSV whose last column is none the engine reads: that column. Reading it too
    /// makes the CSV reader check every row's full length (a row with a field too many
    /// would otherwise shift silently into the unread columns).
    pub length_guard: Option<String>,
    /// A GBK file's UTF-8 decoding, read in its place (deleted when dropped).
    pub decoded: Option<tempfile::NamedTempFile>,
}

/// The lazy reader of a UTF-8 CSV ledger: every column as text, empty fields null.
fn csv_reader(path: PlRefPath) -> PolarsResult<LazyFrame> {
    LazyCsvReader::new(path)
        .with_infer_schema_length(Some(0))
        .with_glob(false)
        .with_missing_is_null(true)
        .finish()
}

/// Column name under which [`Opened::length_guard`] is read (and then ignored).
pub(crate) const LENGTH_GUARD: &str = "__row_length_guard";

/// The expression reading a file's [`Opened::length_guard`] column, if it has one.
fn guard(length_guard: Option<String>) -> Option<Expr> {
    length_guard.map(|c| col(c).cast(DataType::String).alias(LENGTH_GUARD))
}

/// Opens one ledger file and checks that it has the required columns.
pub(crate) fn open_file(path: &Path, opts: &ReadOptions) -> Result<Opened> {
    let format = format_of(path).ok_or_else(|| {
        Error::file(
            path,
            "not a ledger file: fencheng reads .csv, .txt, .parquet and .xlsx",
        )
    })?;
    let meta = std::fs::metadata(path).map_err(|e| Error::io(path, e))?;
    if meta.len() == 0 {
        return Err(Error::file(path, "empty file (no header, no rows)"));
    }
    let pl_path = PlRefPath::new(path.to_string_lossy().as_ref());
    let mut decoded = None;
    let lf = match (format, opts.encoding) {
        (Format::Parquet, _) => {
            let args = ScanArgsParquet {
                glob: false,
                ..Default::default()
            };
            LazyFrame::scan_parquet(pl_path, args)
        }
        (Format::Csv, Encoding::Utf8) => csv_reader(pl_path),
        (Format::Xlsx, _) => {
            let tmp = super::xlsx::xlsx_to_csv(path, opts.sheet.as_deref())?;
            let lf = csv_reader(PlRefPath::new(tmp.path().to_string_lossy().as_ref()));
            decoded = Some(tmp);
            lf
        }
        (Format::Csv, Encoding::Gbk) => {
            let tmp = super::gbk::decode_gbk(path)?;
            let lf = csv_reader(PlRefPath::new(tmp.path().to_string_lossy().as_ref()));
            decoded = Some(tmp);
            lf
        }
    }
    .map_err(|e| reading_error(path, &e, format))?;
    let mut lf = lf;
    let mut schema = lf
        .collect_schema()
        .map_err(|e| reading_error(path, &e, format))?;
    let mut names: Vec<String> = schema.iter_names().map(|n| n.to_string()).collect();
    // Chinese headers (年度, 金额, …) read as their English twins
    let aliased: Vec<(String, String)> = names
        .iter()
        .filter(|n| super::columns::canonical(n) != n.as_str())
        .map(|n| (n.clone(), super::columns::canonical(n).to_string()))
        .collect();
    if !aliased.is_empty() {
        if let Some((zh, en)) = aliased.iter().find(|(_, en)| names.contains(en)) {
            return Err(Error::file(
                path,
                format!("column `{en}` appears twice in the header (also as `{zh}`)"),
            ));
        }
        lf = lf.rename(
            aliased.iter().map(|a| a.0.as_str()),
            aliased.iter().map(|a| a.1.as_str()),
            true,
        );
        schema = lf
            .collect_schema()
            .map_err(|e| reading_error(path, &e, format))?;
        names = schema.iter_names().map(|n| n.to_string()).collect();
    }
    // polars renames a repeated header name `x` to `x_duplicated_0`: a second `amount`
    // would otherwise be silently ignored
    if let Some(dup) = names
        .iter()
        .find_map(|n| n.split_once("_duplicated_").map(|(base, _)| base))
    {
        return Err(Error::file(
            path,
            format!("column `{dup}` appears more than once in the header"),
        ));
    }
    let mut required: Vec<&str> = REQUIRED.to_vec();
    let hive = hive_year(path).filter(|_| !names.iter().any(|n| n == FISCAL_YEAR));
    if hive.is_some() {
        required.retain(|c| *c != FISCAL_YEAR);
    }
    let missing: Vec<&str> = required
        .iter()
        .copied()
        .filter(|c| !names.iter().any(|n| n == c))
        .collect();
    if !missing.is_empty() {
        let mut reason = format!(
            "missing column(s) {}",
            missing
                .iter()
                .map(|c| format!("`{c}`"))
                .collect::<Vec<_>>()
                .join(", ")
        );
        for m in &missing {
            if let Some(near) = names.iter().find(|n| edit_distance(n, m) <= 2) {
                reason.push_str(&format!("; `{near}` looks like a misspelt `{m}`"));
            }
        }
        reason.push_str(&format!(" (columns found: {})", names.join(", ")));
        return Err(Error::file(path, reason));
    }
    let read = |n: &str| REQUIRED.contains(&n) || n == VOUCHER_ID;
    let length_guard = match format {
        Format::Csv | Format::Xlsx => names.last().filter(|n| !read(n)).cloned(),
        Format::Parquet => None,
    };
    Ok(Opened {
        lf,
        schema,
        hive_year: hive,
        length_guard,
        decoded,
    })
}

/// How the frame of [`typed_file`] carries `amount`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum AmountColumn {
    /// `Decimal(p, 2)`: the physical integer is fen (Parquet's exact decimals).
    Fen,
    /// Text, judged and converted to fen exactly by [`crate::money::yuan_fen`].
    Text,
}

/// A ledger file ready for the streamed pass.
pub(crate) struct Typed {
    /// The ledger columns and [`ROW`] (the row as editors show it, [`first_row`]).
    pub lf: LazyFrame,
    /// How `amount` is carried.
    pub amount: AmountColumn,
    /// The `fiscal_year=` folder's year, when the file has no `fiscal_year` column (the
    /// frame then has none either).
    pub hive_year: Option<String>,
    /// A GBK file's UTF-8 decoding, which `lf` reads: keep it until the pass is done.
    pub decoded: Option<tempfile::NamedTempFile>,
}

/// One ledger file for the streamed pass, columns as read so that a rejected row can
/// quote them: `fiscal_year` and `month` as `Int64` when the file stores integers, else as
/// text; `region_code`, `item_code`, `budget_level` (and `voucher_id` when the file has it)
/// as text; `amount` kept as `Decimal(p, 2)` when it is one (no text round trip), else as
/// text; and [`ROW`], the row as editors show it ([`first_row`]).
pub(crate) fn typed_file(path: &Path, opts: &ReadOptions) -> Result<Typed> {
    let Opened {
        lf,
        schema,
        hive_year,
        length_guard,
        decoded,
    } = open_file(path, opts)?;
    let dtype = |c: &str| schema.get(c).cloned().unwrap_or(DataType::Null);
    let text = |c: &str| {
        if dtype(c) == DataType::String {
            col(c)
        } else {
            col(c).cast(DataType::String).alias(c)
        }
    };
    let integer = |c: &str| {
        if dtype(c).is_integer() {
            col(c).cast(DataType::Int64).alias(c)
        } else {
            text(c)
        }
    };
    let (amount, kind) = match dtype(AMOUNT) {
        DataType::Decimal(_, 2) => (col(AMOUNT), AmountColumn::Fen),
        _ => (text(AMOUNT), AmountColumn::Text),
    };
    let mut exprs = Vec::new();
    if hive_year.is_none() {
        exprs.push(integer(FISCAL_YEAR));
    }
    exprs.extend([
        integer(MONTH),
        text(REGION_CODE),
        text(ITEM_CODE),
        text(BUDGET_LEVEL),
        amount,
    ]);
    if schema.contains(VOUCHER_ID) {
        exprs.push(text(VOUCHER_ID));
    }
    exprs.extend(guard(length_guard));
    exprs.push(col(ROW));
    Ok(Typed {
        // rows as editors and Excel number them: a CSV's or sheet's header is row 1, so its
        // first data row is row 2; a Parquet file's first record is row 1
        lf: lf.with_row_index(ROW, Some(first_row(path))).select(exprs),
        amount: kind,
        hive_year,
        decoded,
    })
}

/// Whether a polars reading error is a CSV that is not UTF-8.
pub(crate) fn is_not_utf8(e: &PolarsError) -> bool {
    let msg = e.to_string();
    msg.contains("utf-8") || msg.contains("utf8")
}

/// The error of a ledger file polars cannot read: a CSV that is not UTF-8 gets its own
/// error (with its hint), anything else a readable reason.
pub(crate) fn reading_error(path: &Path, e: &PolarsError, format: Format) -> Error {
    if format == Format::Csv && is_not_utf8(e) {
        return Error::NotUtf8 {
            file: path.to_path_buf(),
        };
    }
    Error::file(path, describe_polars(e, format))
}

/// A readable reason from a polars reading error.
pub fn describe_polars(e: &PolarsError, format: Format) -> String {
    match format {
        Format::Parquet => {
            format!("not a readable Parquet file (truncated or another format?): {e}")
        }
        Format::Csv | Format::Xlsx => format!("cannot read CSV: {e}"),
    }
}

/// Where a CSV breaks its own shape, for a message naming the row: the first data row
/// whose number of fields differs from the header's (or that the CSV parser cannot read,
/// such as an unterminated quote). Rows as an editor shows them: the header is row 1.
pub fn csv_shape_problem(path: &Path) -> Option<String> {
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .from_path(path)
        .ok()?;
    let width = reader.byte_headers().ok()?.len();
    for (i, record) in reader.byte_records().enumerate() {
        let row = i as u64 + 2; // as an editor shows it: the header is row 1
        match record {
            Ok(r) if r.len() != width => {
                let hint = if r.len() > width {
                    "an unquoted comma in an amount or a name?"
                } else {
                    "a missing field or a stray quote?"
                };
                return Some(format!(
                    "row {row} has {} fields where the header has {width} ({hint})",
                    r.len()
                ));
            }
            Ok(_) => {}
            Err(e) => return Some(format!("row {row}: {}", crate::regions::csv_reason(&e))),
        }
    }
    None
}

/// Levenshtein distance, for "did you mean" on misspelt column names.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            cur.push(
                (prev[j] + usize::from(ca != *cb))
                    .min(prev[j + 1] + 1)
                    .min(cur[j] + 1),
            );
        }
        prev = cur;
    }
    prev[b.len()]
}
