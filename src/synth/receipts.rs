//! Receipt-level ledgers (入库凭证明细): one row per treasury receipt, of any number of rows
//! in bounded memory. Each receipt picks a month, region and (item, level) in proportion to
//! the amounts the region model expects there, and a size from a heavy-tailed distribution
//! ([`RECEIPT_DECADES`]); 3 % are refunds (退库, negative). Rows are written in parts of
//! [`RECEIPTS_PER_PART`], each seeded from (seed, year, part) and generated on any thread,
//! as `out/fiscal_year=YYYY/part-NNN.parquet` (and `.csv` with all columns on request).
//!
//! Sizes do not depend on the number of receipts: with ≈ 16.7 million receipts a year
//! (100 million over 2019–2024) the totals come near the monthly calibration.

use super::model;
use super::params::*;
use super::parts::{write_part, Part, PartDone, YearCells};
use crate::error::{Error, Result};
use crate::money::format_yuan;
use crate::regions::RegionTable;
use crate::rules::RuleSet;
use std::fmt;
use std::ops::RangeInclusive;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

/// Receipts per part file. Memory is bounded by the parts in flight: about 200 MB per part
/// being generated and written, at most [`PARTS_IN_FLIGHT`] at once.
pub const RECEIPTS_PER_PART: u64 = 1_000_000;
/// Most parts generated at once (one per thread, never more than this).
pub const PARTS_IN_FLIGHT: usize = 4;
/// Most receipts a year can hold (voucher ids have 9 digits).
const MAX_PER_YEAR: u64 = 999_999_999;

/// Options of [`receipts`] (receipt-level ledger, 入库凭证明细).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReceiptOptions {
    /// Total receipts over all years, spread evenly (the first years take the remainder).
    pub receipts: u64,
    /// Fiscal years to generate.
    pub years: RangeInclusive<i32>,
    /// Seed: the same seed gives the same files.
    pub seed: u64,
    /// Output folder; must be new or empty.
    pub out: PathBuf,
    /// Also write each part as CSV with every column, `fiscal_year` included, next to its
    /// Parquet twin. Point a ledger reader at one format (`out/*/*.parquet` or
    /// `out/*/*.csv`), not at the folder, or it reads every receipt twice.
    pub csv: bool,
}

/// Receipts written for one fiscal year.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct YearReport {
    /// Fiscal year.
    pub year: i32,
    /// Receipts.
    pub rows: u64,
    /// Part files (Parquet).
    pub parts: u64,
    /// Refund receipts (negative amounts).
    pub refunds: u64,
    /// Sum of amounts, fen.
    pub collected: i128,
}

/// What [`receipts`] wrote.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SynthReport {
    /// Per year, in order.
    pub years: Vec<YearReport>,
    /// Receipts in all.
    pub rows: u64,
    /// Every file written, sorted.
    pub files: Vec<PathBuf>,
    /// Bytes written.
    pub bytes: u64,
    /// Wall-clock time.
    pub elapsed: Duration,
}

impl fmt::Display for SynthReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for y in &self.years {
            let share = y.refunds as f64 / y.rows.max(1) as f64 * 100.0;
            let total = format_yuan(i64::try_from(y.collected).unwrap_or(i64::MAX));
            writeln!(
                f,
                "{}: {} receipts in {} part(s), {share:.2} % refunds, total {total} yuan",
                y.year, y.rows, y.parts
            )?;
        }
        write!(
            f,
            "{} receipts, {} files, {} bytes, {:.1} s",
            self.rows,
            self.files.len(),
            self.bytes,
            self.elapsed.as_secs_f64()
        )
    }
}

/// Generates `opts.receipts` receipts over `opts.years` for every county and prefecture
/// proper of `regions` and writes them under `opts.out` (see the module doc). Voucher ids
/// (`V2022-000000123`) are unique within a year. The same options give the same bytes.
pub fn receipts(
    regions: &RegionTable,
    rules: &RuleSet,
    opts: &ReceiptOptions,
) -> Result<SynthReport> {
    write_receipts(regions, rules, opts, RECEIPTS_PER_PART)
}

/// [`receipts`] with `part_rows` receipts per part file.
pub(crate) fn write_receipts(
    regions: &RegionTable,
    rules: &RuleSet,
    opts: &ReceiptOptions,
    part_rows: u64,
) -> Result<SynthReport> {
    let start = Instant::now();
    model::check_years(&opts.years)?;
    if opts.receipts == 0 {
        return Err(Error::Input("ask for at least one receipt".into()));
    }
    let years: Vec<i32> = opts.years.clone().collect();
    let per_year = opts.receipts / years.len() as u64;
    let extra = opts.receipts % years.len() as u64;
    if per_year + u64::from(extra > 0) > MAX_PER_YEAR {
        return Err(Error::Input(format!(
            "at most {MAX_PER_YEAR} receipts a year"
        )));
    }
    prepare_out(&opts.out)?;
    let models = super::fit::fitted(regions, rules, opts.seed, PROVINCE_LOCAL_2021_YUAN * 100)?;
    let cells: Vec<YearCells> = years
        .iter()
        .map(|&y| YearCells::new(&models, rules, y))
        .collect::<Result<_>>()?;
    let mut parts = Vec::new();
    for (i, &year) in years.iter().enumerate() {
        let n = per_year + u64::from((i as u64) < extra);
        let dir = opts.out.join(format!("fiscal_year={year}"));
        std::fs::create_dir_all(&dir).map_err(|e| Error::io(&dir, e))?;
        parts.extend((0..n.div_ceil(part_rows)).map(|index| Part {
            year,
            index,
            first: index * part_rows,
            rows: part_rows.min(n - index * part_rows),
        }));
    }
    let done = run_parts(&parts, |p| {
        write_part(p, &cells[(p.year - years[0]) as usize], &models, opts)
    });
    let done = done.inspect_err(|_| {
        // The folder was empty: leave it so, not with a partial ledger.
        for year in &years {
            let _ = std::fs::remove_dir_all(opts.out.join(format!("fiscal_year={year}")));
        }
    })?;
    let mut report = SynthReport::default();
    for &year in &years {
        report.years.push(YearReport {
            year,
            ..Default::default()
        });
    }
    for d in done {
        let y = &mut report.years[(d.year - years[0]) as usize];
        y.rows += d.rows;
        y.parts += 1;
        y.refunds += d.refunds;
        y.collected += d.collected;
        for (file, bytes) in d.files {
            report.bytes += bytes;
            report.files.push(file);
        }
    }
    report.rows = report.years.iter().map(|y| y.rows).sum();
    report.files.sort();
    report.elapsed = start.elapsed();
    Ok(report)
}

/// Runs `write` over the parts on plain threads (as many as rayon's, at most
/// [`PARTS_IN_FLIGHT`]), each taking the next part when done with one. Not rayon workers: a
/// rayon worker waiting for polars' own pool would start more parts meanwhile, and memory
/// would grow with the number of parts. Stops at the first error.
fn run_parts<F>(parts: &[Part], write: F) -> Result<Vec<PartDone>>
where
    F: Fn(&Part) -> Result<PartDone> + Sync,
{
    let threads = rayon::current_num_threads().clamp(1, PARTS_IN_FLIGHT);
    let (next, failed) = (AtomicUsize::new(0), AtomicBool::new(false));
    let worker = || -> Result<Vec<PartDone>> {
        let mut done = Vec::new();
        while !failed.load(Ordering::Relaxed) {
            let Some(p) = parts.get(next.fetch_add(1, Ordering::Relaxed)) else {
                break;
            };
            done.push(write(p).inspect_err(|_| failed.store(true, Ordering::Relaxed))?);
        }
        Ok(done)
    };
    let results: Vec<Result<Vec<PartDone>>> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..threads).map(|_| scope.spawn(worker)).collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("a receipt worker panicked"))
            .collect()
    });
    let mut all = Vec::new();
    for r in results {
        all.extend(r?);
    }
    Ok(all)
}

/// Creates `out`, refusing a folder that already holds anything.
fn prepare_out(out: &Path) -> Result<()> {
    if out.exists() {
        let mut entries = std::fs::read_dir(out).map_err(|e| Error::io(out, e))?;
        if entries.next().is_some() {
            return Err(Error::file(
                out,
                "folder is not empty: receipts are written into a new or empty folder",
            ));
        }
    }
    std::fs::create_dir_all(out).map_err(|e| Error::io(out, e))
}
