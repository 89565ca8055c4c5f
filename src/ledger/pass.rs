//! Ledger stage, the streamed pass over a ledger, in bounded memory: each file is read in
//! batches (polars' streaming engine, one file per worker thread, columns as read: a
//! Parquet `Decimal(p, 2)` amount is taken as its integer fen, never through text), and
//! each row is judged once, by [`super::row::check_row`], in a [`Worker`]. One pass
//! yields the row counts, the rejected rows (file, row, every problem, fields as read),
//! the monthly totals per key, 64-bit hashes of the voucher ids (duplicates are confirmed
//! exactly afterwards, only when two hashes meet) and the good receipts as compact (key,
//! fen) records ([`super::store`]), from which the receipt-level split of every scenario
//! runs without reading the ledger again. A listing pass ([`list_rows`]) reads the files
//! again only when a scenario's keys or repeated vouchers reject good rows.
//!
//! Memory is bounded by the keys, the voucher hashes (8 bytes a receipt), the in-memory
//! part of the receipt store, the rejected rows and one batch per worker; never by the
//! ledger's text (a GBK file is decoded chunk by chunk into a temporary UTF-8 file, read
//! as any UTF-8 ledger).

use super::columns::*;
use super::merge::merge;
use super::read::{csv_shape_problem, format_of, is_not_utf8, typed_file, Format, ReadOptions};
use super::rejects::RejectedRow;
use super::row::{ProblemKind, RowProblem};
use super::store::ReceiptStore;
use super::totals::ShareKey;
use super::worker::{BadKeys, FileCtx, Listing, Worker};
use crate::error::{Error, Result};
use polars::prelude::*;
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, HashSet};
use std::fs::File;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

/// The largest Σ |amount| of a ledger's good receipts, in fen (i64::MAX / 8, about
/// 1.15 × 10^16 yuan: thousands of years of a province's revenue).
pub const MAX_LEDGER_ABS_FEN: u128 = (i64::MAX / 8) as u128;

/// What the pass found.
pub(crate) struct PassResult {
    pub rows_per_file: Vec<u64>,
    pub sha256: Vec<String>,
    /// Totals of the good rows per key, sorted by key: (key, fen, receipts).
    pub totals: Vec<(ShareKey, i64, u64)>,
    /// Rows the judge refused, by file and row.
    pub rejected: Vec<RejectedRow>,
    /// Voucher hashes seen more than once (maybe duplicates; confirmed by a re-check).
    pub voucher_candidates: HashSet<u64>,
    pub store: ReceiptStore,
    /// Seconds: reading and summing, then merging.
    pub timings: Vec<(String, f64)>,
}

/// How far a pass over the ledger files is, for a progress display: called after each
/// file with the bytes and rows read so far, out of `total_bytes`.
#[derive(Clone, Copy, Debug)]
pub struct Progress<'a> {
    /// What the pass does (`reading`, `listing`).
    pub what: &'a str,
    /// Bytes of the files read so far.
    pub bytes: u64,
    /// Bytes of all the files.
    pub total_bytes: u64,
    /// Rows read so far.
    pub rows: u64,
}

/// A progress callback (the command line draws a bar with it; the library draws nothing).
pub type OnProgress<'a> = &'a (dyn Fn(Progress<'_>) + Sync);

fn read_error(path: &Path, e: &PolarsError) -> Error {
    if is_not_utf8(e) {
        Error::NotUtf8 {
            file: path.to_path_buf(),
        }
    } else if let Some(shape) = (format_of(path) == Some(Format::Csv))
        .then(|| csv_shape_problem(path))
        .flatten()
    {
        Error::file(path, shape)
    } else {
        Error::file(path, format!("cannot read the ledger: {e}"))
    }
}

fn sha256_file(path: &Path) -> Result<String> {
    let mut file = File::open(path).map_err(|e| Error::io(path, e))?;
    let mut hasher = Sha256::new();
    std::io::copy(&mut file, &mut hasher).map_err(|e| Error::io(path, e))?;
    Ok(hex::encode(hasher.finalize()))
}

/// Runs the workers over the files, one file at a time each; `make` makes a worker, which
/// gets each of its files' batches. Returns the workers, the rows per file and, with
/// `hash_files`, each file's SHA-256.
fn run_workers(
    paths: &[PathBuf],
    opts: &ReadOptions,
    make: impl Fn() -> Worker + Sync,
    hash_files: bool,
    what: &str,
    progress: OnProgress<'_>,
) -> Result<(Vec<Worker>, Vec<u64>, Vec<String>)> {
    let threads = std::thread::available_parallelism()
        .map_or(2, |n| n.get())
        .min(paths.len())
        .max(1);
    let next = AtomicUsize::new(0);
    let failed = AtomicBool::new(false);
    let rows = Mutex::new(vec![0u64; paths.len()]);
    let sums = Mutex::new(vec![String::new(); paths.len()]);
    let total_bytes: u64 = paths
        .iter()
        .filter_map(|p| std::fs::metadata(p).ok())
        .map(|m| m.len())
        .sum();
    let (bytes, receipts) = (AtomicU64::new(0), AtomicU64::new(0));
    let work = || -> Result<Worker> {
        // The worker is fed by polars' streaming engine, batch by batch, through a callback.
        let shared = Arc::new(Mutex::new(make()));
        while !failed.load(Ordering::Relaxed) {
            let i = next.fetch_add(1, Ordering::Relaxed);
            let Some(path) = paths.get(i) else { break };
            let res = (|| -> Result<()> {
                let typed = typed_file(path, opts)?;
                let before = {
                    let mut w = shared.lock().expect("worker lock");
                    w.start_file(FileCtx {
                        path: path.clone(),
                        amount: typed.amount,
                        hive_year: typed.hive_year,
                    });
                    w.rows
                };
                let w = Arc::clone(&shared);
                let sink = PlanCallback::new(move |df: DataFrame| {
                    let mut w = w.lock().expect("worker lock");
                    w.batch(&df)?;
                    Ok(false)
                });
                let (lf, _decoded) = (typed.lf, typed.decoded);
                lf.sink_batches(sink, false, None)
                    .and_then(|lf| lf.collect_with_engine(Engine::Streaming))
                    .map_err(|e| read_error(path, &e))?;
                let n = shared.lock().expect("worker lock").rows - before;
                rows.lock().expect("rows lock")[i] = n;
                if hash_files {
                    sums.lock().expect("sums lock")[i] = sha256_file(path)?;
                }
                let len = std::fs::metadata(path).map_or(0, |m| m.len());
                progress(Progress {
                    what,
                    bytes: bytes.fetch_add(len, Ordering::Relaxed) + len,
                    total_bytes,
                    rows: receipts.fetch_add(n, Ordering::Relaxed) + n,
                });
                Ok(())
            })();
            if let Err(e) = res {
                failed.store(true, Ordering::Relaxed);
                return Err(e);
            }
        }
        let mut w = Arc::try_unwrap(shared)
            .map_err(|_| Error::Check("a ledger batch callback outlived its query".into()))?
            .into_inner()
            .expect("worker lock");
        w.spill
            .flush()
            .map_err(|e| Error::io(std::env::temp_dir(), e))?;
        Ok(w)
    };
    let results: Vec<Result<Worker>> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..threads).map(|_| scope.spawn(work)).collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("a ledger worker panicked"))
            .collect()
    });
    // The first error in file order is the one reported.
    let mut workers = Vec::new();
    let mut first_err: Option<Error> = None;
    for r in results {
        match r {
            Ok(w) => workers.push(w),
            Err(e) => {
                first_err.get_or_insert(e);
            }
        }
    }
    if let Some(e) = first_err {
        return Err(e);
    }
    Ok((
        workers,
        rows.into_inner().expect("rows lock"),
        sums.into_inner().expect("sums lock"),
    ))
}

/// The summing pass (see the module doc).
pub(crate) fn sum_ledger(
    paths: &[PathBuf],
    opts: &ReadOptions,
    progress: OnProgress<'_>,
) -> Result<PassResult> {
    let start = std::time::Instant::now();
    let (workers, rows_per_file, sha256) = run_workers(
        paths,
        opts,
        || Worker::new(true, None),
        true,
        "reading",
        progress,
    )?;
    merge(
        workers,
        rows_per_file,
        sha256,
        start.elapsed().as_secs_f64(),
    )
}

/// The good rows rejected for their key (bad under a scenario's regions and rules) or for
/// a voucher id repeated within its fiscal year (confirmed exactly among the rows whose
/// hash met another), by a listing pass over the files; a row with both gets both.
pub(crate) fn list_rows(
    paths: &[PathBuf],
    opts: &ReadOptions,
    bad_keys: &BTreeMap<ShareKey, RowProblem>,
    candidates: &HashSet<u64>,
) -> Result<Vec<RejectedRow>> {
    if bad_keys.is_empty() && candidates.is_empty() {
        return Ok(Vec::new());
    }
    let mut keys = BadKeys::default();
    for (k, p) in bad_keys {
        keys.entry((k.year, k.month as u8, k.level))
            .or_default()
            .push((k.region.clone(), k.item.clone(), p.clone()));
    }
    let make = || {
        Worker::new(
            false,
            Some(Listing {
                bad_keys: keys.clone(),
                candidates: candidates.clone(),
                found: Vec::new(),
                vouchers: Vec::new(),
            }),
        )
    };
    let (workers, _, _) = run_workers(paths, opts, make, false, "listing", &|_| {})?;
    let mut rows: BTreeMap<(PathBuf, u64), RejectedRow> = BTreeMap::new();
    let mut vouchers: BTreeMap<(i32, String), Vec<RejectedRow>> = BTreeMap::new();
    for w in workers {
        let Some(listing) = w.listing else { continue };
        for r in listing.found {
            rows.insert((r.file.clone(), r.row), r);
        }
        for (year, id, r) in listing.vouchers {
            vouchers.entry((year, id)).or_default().push(r);
        }
    }
    for ((year, id), same) in vouchers.into_iter().filter(|(_, v)| v.len() > 1) {
        for r in same {
            let problem =
                RowProblem::new(ProblemKind::DuplicateVoucher, VOUCHER_ID, id.clone()).at(year);
            rows.entry((r.file.clone(), r.row))
                .or_insert(r)
                .problems
                .push(problem);
        }
    }
    Ok(rows.into_values().collect())
}
