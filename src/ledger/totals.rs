//! One pass over the checked ledger: row counts per file, row problems, and the monthly
//! totals per region × item × budget level (月度汇总) of the good rows. Key-level problems
//! (unknown region, no rule in force…) depend on a scenario's rules and are found by
//! [`LedgerScan::key_problems`]; the rows behind any problem are listed by
//! [`LedgerScan::rejects`].

use super::check::{with_row_checks, PROBLEM_SEPARATOR};
use super::columns::*;
use super::pass::{duplicate_vouchers, sum_ledger, ReceiptStore};
use super::read::{resolve_sources, scan_file, Encoding};
use super::BudgetLevel;
use crate::error::{Error, Result};
use crate::period::YearMonth;
use crate::regions::RegionTable;
use crate::rules::RuleSet;
use crate::split::{route, RouteProblem};
use polars::prelude::*;
use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::path::PathBuf;

/// One input file, for the manifest.
#[derive(Clone, Debug, serde::Serialize)]
pub struct InputFile {
    /// Path as given or found.
    pub path: PathBuf,
    /// SHA-256 of the bytes.
    pub sha256: String,
    /// Data rows.
    pub rows: u64,
}

/// The key of a monthly total and of an `item_shares` row.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ShareKey {
    /// Fiscal year.
    pub year: i32,
    /// Month 1–12.
    pub month: u32,
    /// Collecting region.
    pub region: String,
    /// Item code as in the ledger.
    pub item: String,
    /// Budget level.
    pub level: BudgetLevel,
}

impl ShareKey {
    /// The key's month.
    pub fn ym(&self) -> YearMonth {
        YearMonth {
            year: self.year,
            month: self.month,
        }
    }
}

/// Sum of the good receipts of one key (月度汇总).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MonthlyTotal {
    /// Year, month, region, item, level.
    pub key: ShareKey,
    /// Sum in fen.
    pub amount: i64,
    /// Number of receipts.
    pub receipts: u64,
}

/// A rejected ledger row.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct RejectedRow {
    /// File it came from.
    pub file: PathBuf,
    /// 1-based data row.
    pub row: u64,
    /// Why.
    pub reason: String,
    /// The row's fields as read (fiscal_year, month, region_code, item_code, budget_level, amount).
    pub fields: Vec<String>,
}

/// Every rejected row of a ledger, grouped by reason kind.
#[derive(Clone, Debug, Default)]
pub struct Rejects {
    /// All rejected rows, by file and row.
    pub rows: Vec<RejectedRow>,
}

impl Rejects {
    /// Number of rejected rows.
    pub fn count(&self) -> u64 {
        self.rows.len() as u64
    }

    /// Kind of a reason: its words without the quoted value.
    fn kind(reason: &str) -> String {
        let mut out = String::new();
        let mut quoted = false;
        for ch in reason.chars() {
            if ch == '`' {
                quoted = !quoted;
                if quoted {
                    out.push('…');
                }
            } else if !quoted {
                out.push(ch);
            }
        }
        out
    }

    /// Grouped listing: each kind of problem with its count of rows and its first `first`
    /// rows (a row with several problems is listed under each).
    pub fn summary(&self, first: usize) -> String {
        let mut kinds: BTreeMap<String, Vec<(&RejectedRow, &str, usize)>> = BTreeMap::new();
        // a row with several problems counts under each of their kinds
        for r in &self.rows {
            let problems: Vec<&str> = r.reason.split(PROBLEM_SEPARATOR).collect();
            for p in &problems {
                kinds
                    .entry(Rejects::kind(p))
                    .or_default()
                    .push((r, p, problems.len() - 1));
            }
        }
        let mut out = String::new();
        for (kind, rows) in kinds {
            out.push_str(&format!("  {} row(s): {kind}\n", rows.len()));
            for (r, problem, others) in rows.iter().take(first) {
                let more = match others {
                    0 => String::new(),
                    n => format!(" (and {n} more problem(s) in this row)"),
                };
                out.push_str(&format!(
                    "    {}: row {}: {problem}{more}\n",
                    r.file.display(),
                    r.row,
                ));
            }
        }
        out
    }

    /// Writes every rejected row as CSV: file, row, reason and the fields read.
    pub fn write_csv(&self, path: &std::path::Path) -> Result<()> {
        let mut w = csv::Writer::from_path(path).map_err(|e| Error::file(path, e.to_string()))?;
        let mut header = vec!["file".to_string(), "row".into(), "reason".into()];
        header.extend(REQUIRED.iter().map(|s| s.to_string()));
        w.write_record(&header)
            .map_err(|e| Error::file(path, e.to_string()))?;
        for r in &self.rows {
            let mut rec = vec![
                r.file.display().to_string(),
                r.row.to_string(),
                r.reason.clone(),
            ];
            rec.extend(r.fields.iter().cloned());
            w.write_record(&rec)
                .map_err(|e| Error::file(path, e.to_string()))?;
        }
        w.flush().map_err(|e| Error::io(path, e))
    }
}

/// A ledger opened and summed once: its files, its checked rows (lazily), the monthly
/// totals of its good rows and, for the receipt-level split, its good receipts as compact
/// (key, fen) records (see [`super::pass`]).
pub struct LedgerScan {
    /// Input files with digests and row counts.
    pub files: Vec<InputFile>,
    /// Monthly totals of rows without row problems, sorted by key.
    pub totals: Vec<MonthlyTotal>,
    /// Rows with a row problem.
    pub row_problem_count: u64,
    /// Seconds the pass took, by stage.
    pub timings: Vec<(String, f64)>,
    checked: LazyFrame,
    has_vouchers: bool,
    voucher_candidates: HashSet<u64>,
    store: ReceiptStore,
    paths: Vec<PathBuf>,
    encoding: Encoding,
}

impl LedgerScan {
    /// Opens every ledger file and makes the one summing pass (streamed, in bounded memory).
    pub fn open(inputs: &[PathBuf], encoding: Encoding) -> Result<LedgerScan> {
        let paths = resolve_sources(inputs)?;
        let frames = paths
            .iter()
            .enumerate()
            .map(|(i, p)| scan_file(p, i as u32, encoding))
            .collect::<Result<Vec<_>>>()?;
        let all = concat(
            frames,
            UnionArgs {
                rechunk: false,
                parallel: true,
                ..Default::default()
            },
        )?;
        let checked = with_row_checks(all);
        let pass = sum_ledger(&paths, encoding)?;
        let mut files = Vec::new();
        for ((path, rows), sha256) in paths.iter().zip(pass.rows_per_file).zip(pass.sha256) {
            if rows == 0 {
                return Err(Error::file(path, "empty file (a header but no rows)"));
            }
            files.push(InputFile {
                path: path.clone(),
                sha256,
                rows,
            });
        }
        let totals = pass
            .totals
            .into_iter()
            .map(|(key, amount, receipts)| MonthlyTotal {
                key,
                amount,
                receipts,
            })
            .collect();
        Ok(LedgerScan {
            files,
            totals,
            row_problem_count: pass.row_problems,
            timings: pass.timings,
            checked,
            has_vouchers: pass.has_vouchers,
            voucher_candidates: pass.voucher_candidates,
            store: pass.store,
            paths,
            encoding,
        })
    }

    /// The good receipts (rows without a row problem) as (index in [`Self::totals`], fen).
    pub fn receipts(&self) -> &ReceiptStore {
        &self.store
    }

    /// The checked rows (typed keys, `amount_fen`, `problem`) as a lazy frame.
    pub fn checked(&self) -> LazyFrame {
        self.checked.clone()
    }

    /// Keys whose receipts cannot be routed under these regions and rules.
    pub fn key_problems(
        &self,
        regions: &RegionTable,
        rules: &RuleSet,
    ) -> BTreeMap<ShareKey, RouteProblem> {
        self.totals
            .iter()
            .filter_map(|t| {
                let k = &t.key;
                route(regions, rules, &k.region, &k.item, k.level, k.ym())
                    .err()
                    .map(|p| (k.clone(), p))
            })
            .collect()
    }

    /// Every rejected row: row problems, duplicate voucher ids within a fiscal year, and
    /// the rows of the given bad keys.
    pub fn rejects(&self, bad_keys: &BTreeMap<ShareKey, RouteProblem>) -> Result<Rejects> {
        let mut rows = Vec::new();
        // the fields as read: a rejected row's typed year and month are null
        let fields = || {
            REQUIRED
                .iter()
                .map(|&c| match c {
                    FISCAL_YEAR => col(RAW_FISCAL_YEAR).alias(FISCAL_YEAR),
                    MONTH => col(RAW_MONTH).alias(MONTH),
                    _ => col(c).cast(DataType::String),
                })
                .collect::<Vec<_>>()
        };
        let mut select = vec![col(FILE_ID), col(ROW), col(PROBLEM)];
        select.extend(fields());
        if self.row_problem_count > 0 {
            let df = collect(
                self.checked
                    .clone()
                    .filter(col(PROBLEM).is_not_null())
                    .select(select.clone()),
            )?;
            rows.extend(self.rows_of(&df, None)?);
        }
        if !bad_keys.is_empty() {
            let keys = keys_frame(bad_keys.iter().map(|(k, p)| (k, p.reason())))?;
            let df = collect(
                self.checked
                    .clone()
                    .filter(col(PROBLEM).is_null())
                    .drop(cols([PROBLEM]))
                    .join(
                        keys.lazy(),
                        KEYS.map(col),
                        KEYS.map(col),
                        JoinArgs::new(JoinType::Inner),
                    )
                    .select(select.clone()),
            )?;
            rows.extend(self.rows_of(&df, None)?);
        }
        // Only when two voucher hashes met in the pass: confirm exactly, list those rows.
        let dups = duplicate_vouchers(&self.paths, self.encoding, &self.voucher_candidates)?;
        if !dups.is_empty() {
            let (years, ids): (Vec<i32>, Vec<String>) = dups.into_iter().unzip();
            let dups = DataFrame::new_infer_height(vec![
                Column::new(FISCAL_YEAR.into(), years),
                Column::new(VOUCHER_ID.into(), ids),
            ])?;
            let df = collect(
                self.checked
                    .clone()
                    .filter(col(PROBLEM).is_null().and(col(VOUCHER_ID).is_not_null()))
                    .join(
                        dups.lazy(),
                        [col(FISCAL_YEAR), col(VOUCHER_ID)],
                        [col(FISCAL_YEAR), col(VOUCHER_ID)],
                        JoinArgs::new(JoinType::Semi),
                    )
                    .with_column(
                        concat_str(
                            [
                                lit("duplicate voucher_id `"),
                                col(VOUCHER_ID),
                                lit("` within the fiscal year"),
                            ],
                            "",
                            false,
                        )
                        .alias(PROBLEM),
                    )
                    .select(select),
            )?;
            rows.extend(self.rows_of(&df, None)?);
        }
        rows.sort();
        Ok(Rejects { rows })
    }

    fn rows_of(&self, df: &DataFrame, reason: Option<&str>) -> Result<Vec<RejectedRow>> {
        let file = df.column(FILE_ID)?.as_materialized_series().u32()?.clone();
        let row = df
            .column(ROW)?
            .as_materialized_series()
            .cast(&DataType::UInt64)?;
        let row = row.u64()?;
        let problem = df.column(PROBLEM)?.as_materialized_series().str()?.clone();
        let field_cols = REQUIRED
            .iter()
            .map(|c| Ok(df.column(c)?.as_materialized_series().str()?.clone()))
            .collect::<Result<Vec<_>>>()?;
        Ok((0..df.height())
            .map(|i| RejectedRow {
                file: self
                    .files
                    .get(file.get(i).unwrap_or(0) as usize)
                    .map(|f| f.path.clone())
                    .unwrap_or_default(),
                row: row.get(i).unwrap_or(0),
                reason: reason
                    .map(str::to_string)
                    .or_else(|| problem.get(i).map(str::to_string))
                    .unwrap_or_default(),
                fields: field_cols
                    .iter()
                    .map(|c| c.get(i).unwrap_or("").to_string())
                    .collect(),
            })
            .collect())
    }

    /// Whether the ledger carries voucher ids.
    pub fn has_vouchers(&self) -> bool {
        self.has_vouchers
    }

    /// The distinct bad keys' rows are excluded from these totals (quarantine).
    pub fn good_totals<'a>(
        &'a self,
        bad: &'a BTreeSet<ShareKey>,
    ) -> impl Iterator<Item = &'a MonthlyTotal> + 'a {
        self.totals.iter().filter(move |t| !bad.contains(&t.key))
    }
}

/// A frame of keys (typed as the checked ledger) with an extra text column `problem`.
pub fn keys_frame<'a>(keys: impl Iterator<Item = (&'a ShareKey, &'a str)>) -> Result<DataFrame> {
    let (mut y, mut m, mut r, mut it, mut l, mut p) =
        (vec![], vec![], vec![], vec![], vec![], vec![]);
    for (k, reason) in keys {
        y.push(k.year);
        m.push(k.month as i32);
        r.push(k.region.clone());
        it.push(k.item.clone());
        l.push(k.level.as_str());
        p.push(reason.to_string());
    }
    Ok(DataFrame::new_infer_height(vec![
        Column::new(FISCAL_YEAR.into(), y),
        Column::new(MONTH.into(), m),
        Column::new(REGION_CODE.into(), r),
        Column::new(ITEM_CODE.into(), it),
        Column::new(BUDGET_LEVEL.into(), l),
        Column::new(PROBLEM.into(), p),
    ])?)
}

/// Collects a (filtered) view of the ledger with the streaming engine: memory bounded by
/// what is kept, not by the ledger.
fn collect(lf: LazyFrame) -> Result<DataFrame> {
    Ok(lf.collect_with_engine(Engine::Streaming)?.unwrap_single())
}
