//! Ledger stage, what a scanned ledger offers the later stages: row counts per file, the
//! rejected rows, and the monthly totals per region × item × budget level (月度汇总) of the
//! good rows, with their receipts. Key-level problems (unknown region, no rule in force…)
//! depend on a scenario's rules and are found by the split stage
//! (`split::key_problems`); the rows behind any problem are listed by
//! [`LedgerScan::rejects`].

use super::pass::{list_rows, sum_ledger, OnProgress};
use super::read::{resolve_sources, ReadOptions};
use super::rejects::{RejectedRow, Rejects};
use super::row::RowProblem;
use super::store::ReceiptStore;
use super::BudgetLevel;
use crate::error::{Error, Result};
use crate::period::YearMonth;
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

/// A ledger opened and summed once: its files, the rows the judge refused, the monthly
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
    rejected: Vec<RejectedRow>,
    voucher_candidates: HashSet<u64>,
    store: ReceiptStore,
    paths: Vec<PathBuf>,
    read: ReadOptions,
}

impl LedgerScan {
    /// Opens every ledger file and makes the one summing pass (streamed, in bounded memory).
    /// `read` is an [`Encoding`] or [`ReadOptions`] (an xlsx ledger's sheet).
    pub fn open(inputs: &[PathBuf], read: impl Into<ReadOptions>) -> Result<LedgerScan> {
        LedgerScan::open_with_progress(inputs, read, &|_| {})
    }

    /// The same, telling `progress` after each file.
    pub fn open_with_progress(
        inputs: &[PathBuf],
        read: impl Into<ReadOptions>,
        progress: OnProgress<'_>,
    ) -> Result<LedgerScan> {
        let read = read.into();
        let paths = resolve_sources(inputs)?;
        let pass = sum_ledger(&paths, &read, progress)?;
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
            row_problem_count: pass.rejected.len() as u64,
            timings: pass.timings,
            rejected: pass.rejected,
            voucher_candidates: pass.voucher_candidates,
            store: pass.store,
            paths,
            read,
        })
    }

    /// The good receipts (rows without a row problem) as (index in [`Self::totals`], fen).
    pub fn receipts(&self) -> &ReceiptStore {
        &self.store
    }

    /// Every rejected row: the rows the judge refused (recorded by the pass), and the
    /// good rows of the given bad keys or with a voucher id repeated within its fiscal
    /// year (listed by a second pass, only when there are any).
    pub fn rejects(&self, bad_keys: &BTreeMap<ShareKey, RowProblem>) -> Result<Rejects> {
        let mut rows = self.rejected.clone();
        rows.extend(list_rows(
            &self.paths,
            &self.read,
            bad_keys,
            &self.voucher_candidates,
        )?);
        rows.sort();
        Ok(Rejects { rows })
    }

    /// The distinct bad keys' rows are excluded from these totals (quarantine).
    pub fn good_totals<'a>(
        &'a self,
        bad: &'a BTreeSet<ShareKey>,
    ) -> impl Iterator<Item = &'a MonthlyTotal> + 'a {
        self.totals.iter().filter(move |t| !bad.contains(&t.key))
    }
}
