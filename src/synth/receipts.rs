//! Receipt-level ledgers (入库凭证明细): one row per treasury receipt, of any number of rows
//! in bounded memory. Each receipt picks a month, region and (item, level) in proportion to
//! the amounts the region model expects there, and a size from a heavy-tailed distribution
//! ([`RECEIPT_DECADES`]); 3 % are refunds (退库, negative). Rows are written in parts of
//! [`RECEIPTS_PER_PART`], each seeded from (seed, year, part) and generated on any thread,
//! as `out/fiscal_year=YYYY/part-NNN.parquet` (and `.csv` with all columns on request).
//!
//! Sizes do not depend on the number of receipts: with ≈ 16.7 million receipts a year
//! (100 million over 2019–2024) the totals come near the monthly calibration.

use super::model::{self, Basis, RegionModel};
use super::params::*;
use super::{rng_for, Purpose};
use crate::error::{Error, Result};
use crate::ledger::BudgetLevel;
use crate::money::{format_yuan, round_div, PPM};
use crate::period::YearMonth;
use crate::regions::RegionTable;
use crate::rules::RuleSet;
use polars::prelude::*;
use rand::Rng;
use rayon::prelude::*;
use std::fmt::{self, Write as _};
use std::io::Write as _;
use std::ops::RangeInclusive;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// Receipts per part file. Memory is bounded by the parts in flight: about 300 MB per part
/// being generated and written, at most [`PARTS_IN_FLIGHT`] at once.
pub const RECEIPTS_PER_PART: u64 = 1_000_000;
/// Most parts generated at once (one per thread, never more than this).
pub const PARTS_IN_FLIGHT: usize = 4;
/// Most receipts a year can hold (voucher ids have 9 digits).
const MAX_PER_YEAR: u64 = 999_999_999;

/// Options of [`receipts`].
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
    /// Also write each part as CSV with every column, `fiscal_year` included.
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

/// One (month, region, item, level) a receipt can fall in.
struct Cell {
    month: u8,
    region: u16,
    item: &'static str,
    level: BudgetLevel,
}

/// The cells of one year with cumulative weights (expected amount collected, fen).
struct YearCells {
    cells: Vec<Cell>,
    cum: Vec<u64>,
}

impl YearCells {
    fn new(models: &[RegionModel], rules: &RuleSet, year: i32) -> Result<YearCells> {
        let season = season(year);
        let (mut cells, mut cum, mut total) = (Vec::new(), Vec::new(), 0u64);
        for month in 1..=12u32 {
            let ym = YearMonth::new(year, month).map_err(Error::Input)?;
            let bt = rules.in_force("10103", ym).is_some();
            for (ri, m) in models.iter().enumerate() {
                for s in &m.streams {
                    let f =
                        year_factor(growth_of(s.item), year) * season[month as usize - 1] / 12.0;
                    let local = super::scale(s.annual, f);
                    let vat = s.item == "10101" && s.level == BudgetLevel::Shared;
                    let split = if vat && bt {
                        super::scale(local, BUSINESS_TAX_SHARE)
                    } else {
                        0
                    };
                    for (item, v) in [(s.item, local - split), ("10103", split)] {
                        let Some(rule) = rules.in_force(item, ym) else {
                            continue;
                        };
                        let c = rule.central.ppm() as i128;
                        let w = match (s.level, s.basis) {
                            (BudgetLevel::Shared, Basis::Local) if c >= PPM as i128 => 0,
                            (BudgetLevel::Shared, Basis::Local) => {
                                round_div(v as i128 * PPM as i128, PPM as i128 - c) as i64
                            }
                            _ => v,
                        };
                        if w > 0 {
                            total += w as u64;
                            cells.push(Cell {
                                month: month as u8,
                                region: ri as u16,
                                item,
                                level: s.level,
                            });
                            cum.push(total);
                        }
                    }
                }
            }
        }
        if cells.is_empty() {
            return Err(Error::Input(format!(
                "no item of the rulebook is in force in {year}"
            )));
        }
        Ok(YearCells { cells, cum })
    }

    /// Index of a cell drawn in proportion to its weight.
    fn pick(&self, rng: &mut impl Rng) -> usize {
        let x = rng.random_range(0..*self.cum.last().expect("at least one cell"));
        self.cum.partition_point(|&c| c <= x)
    }
}

/// A receipt size in fen from [`RECEIPT_DECADES`]: decade by its probability, then
/// `lo / (1 − 0.9 u)` within it.
fn size(rng: &mut impl Rng) -> i64 {
    let u = rng.random_range(0..PPM as u32);
    let v: f64 = rng.random();
    let mut acc = 0;
    let lo = RECEIPT_DECADES
        .iter()
        .find(|&&(_, p)| {
            acc += p;
            u < acc
        })
        .map_or(RECEIPT_DECADES[8].0, |d| d.0);
    ((lo * 100) as f64 / (1.0 - 0.9 * v)).round() as i64
}

struct Part {
    year: i32,
    index: u64,
    first: u64,
    rows: u64,
}

struct PartDone {
    year: i32,
    rows: u64,
    refunds: u64,
    collected: i128,
    files: Vec<(PathBuf, u64)>,
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
    let models = model::build(regions, opts.seed, PROVINCE_LOCAL_2021_YUAN * 100)?;
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
    let threads = rayon::current_num_threads().clamp(1, PARTS_IN_FLIGHT);
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .map_err(|e| Error::Input(format!("cannot start worker threads: {e}")))?;
    let done: Vec<PartDone> = pool.install(|| {
        parts
            .par_iter()
            .map(|p| write_part(p, &cells[(p.year - years[0]) as usize], &models, opts))
            .collect::<Result<_>>()
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

fn write_part(
    p: &Part,
    cells: &YearCells,
    models: &[RegionModel],
    opts: &ReceiptOptions,
) -> Result<PartDone> {
    let mut rng = rng_for(opts.seed, Purpose::Receipts, &[p.year as u64, p.index]);
    let mut rows: Vec<(u8, u32, i64)> = Vec::with_capacity(p.rows as usize);
    let (mut refunds, mut collected) = (0u64, 0i128);
    for _ in 0..p.rows {
        let ci = cells.pick(&mut rng);
        let cell = &cells.cells[ci];
        let mut fen = size(&mut rng);
        if rng.random::<f64>() < RECEIPT_REFUND_SHARE {
            if p.year == 2022 && cell.item == "10101" && (4..=7).contains(&cell.month) {
                fen *= 10; // 留抵退税: large VAT refunds
            }
            fen = -fen;
            refunds += 1;
        }
        collected += fen as i128;
        rows.push((cell.month, ci as u32, fen));
    }
    rows.sort_by_key(|r| r.0); // stable: by month, then in drawing order
    let n = rows.len();
    let mut vouchers = StringChunkedBuilder::new(VOUCHER.into(), n);
    let mut buf = String::new();
    let mut cols: Cols<'_> = Default::default();
    for (i, &(month, ci, fen)) in rows.iter().enumerate() {
        let cell = &cells.cells[ci as usize];
        buf.clear();
        write!(buf, "V{}-{:09}", p.year, p.first + i as u64 + 1).expect("write to string");
        vouchers.append_value(&buf);
        cols.0.push(month as i8);
        cols.1.push(models[cell.region as usize].code.as_str());
        cols.2.push(cell.item);
        cols.3.push(cell.level.as_str());
        cols.4.push(fen as i128);
    }
    let dir = opts.out.join(format!("fiscal_year={}", p.year));
    let mut files = Vec::new();
    if opts.csv {
        let path = dir.join(format!("part-{:03}.csv", p.index));
        write_csv(&path, p, &cols)?;
        files.push(path);
    }
    let amount = Int128Chunked::from_vec("amount".into(), cols.4)
        .into_decimal(18, 2)?
        .into_series();
    let columns: Vec<Column> = vec![
        Series::new("month".into(), cols.0).into(),
        Series::new("region_code".into(), cols.1).into(),
        Series::new("item_code".into(), cols.2).into(),
        Series::new("budget_level".into(), cols.3).into(),
        amount.into(),
        vouchers.finish().into_series().into(),
    ];
    let mut df = DataFrame::new(n, columns)?;
    let path = dir.join(format!("part-{:03}.parquet", p.index));
    let tmp = path.with_extension("parquet.tmp");
    let file = std::fs::File::create(&tmp).map_err(|e| Error::io(&tmp, e))?;
    ParquetWriter::new(file)
        .with_compression(ParquetCompression::Zstd(None))
        .finish(&mut df)
        .map_err(|e| Error::file(&tmp, format!("cannot write Parquet: {e}")))?;
    std::fs::rename(&tmp, &path).map_err(|e| Error::io(&path, e))?;
    files.push(path);
    let files = files
        .into_iter()
        .map(|f| {
            Ok((
                std::fs::metadata(&f).map_err(|e| Error::io(&f, e))?.len(),
                f,
            ))
        })
        .map(|r: Result<(u64, PathBuf)>| r.map(|(bytes, f)| (f, bytes)))
        .collect::<Result<_>>()?;
    Ok(PartDone {
        year: p.year,
        rows: n as u64,
        refunds,
        collected,
        files,
    })
}

const VOUCHER: &str = "voucher_id";

/// Columns of a part: month, region, item, level, amount in fen.
type Cols<'a> = (Vec<i8>, Vec<&'a str>, Vec<&'a str>, Vec<&'a str>, Vec<i128>);

fn write_csv(path: &Path, p: &Part, cols: &Cols<'_>) -> Result<()> {
    let tmp = path.with_extension("csv.tmp");
    let io = |e| Error::io(&tmp, e);
    let mut w = std::io::BufWriter::new(std::fs::File::create(&tmp).map_err(io)?);
    writeln!(
        w,
        "fiscal_year,month,region_code,item_code,budget_level,amount,voucher_id"
    )
    .map_err(io)?;
    for i in 0..cols.0.len() {
        let (year, seq, amount) = (
            p.year,
            p.first + i as u64 + 1,
            format_yuan(cols.4[i] as i64),
        );
        writeln!(
            w,
            "{year},{},{},{},{},{amount},V{year}-{seq:09}",
            cols.0[i], cols.1[i], cols.2[i], cols.3[i]
        )
        .map_err(io)?;
    }
    w.flush().map_err(io)?;
    drop(w);
    std::fs::rename(&tmp, path).map_err(|e| Error::io(path, e))
}
