//! The parts of a receipt-level ledger: where a receipt can fall (month, region, item,
//! level, weighted by the amount the region model expects there), how large it is, and the
//! writing of one part — generated from its own seed (seed, year, part), sorted by month,
//! numbered, and written as Parquet (and CSV) through a temporary file renamed when whole.

use super::model::{Basis, RegionModel};
use super::params::*;
use super::receipts::ReceiptOptions;
use super::{rng_for, Purpose};
use crate::error::{Error, Result};
use crate::ledger::BudgetLevel;
use crate::money::{format_yuan, round_div, PPM};
use crate::period::YearMonth;
use crate::rules::RuleSet;
use polars::prelude::*;
use rand::Rng;
use std::fmt::Write as _;
use std::io::Write as _;
use std::path::{Path, PathBuf};

/// One (month, region, item, level) a receipt can fall in.
struct Cell {
    month: u8,
    region: u32,
    item: &'static str,
    level: BudgetLevel,
}

/// The cells of one year with cumulative weights (expected amount collected, fen).
pub(super) struct YearCells {
    cells: Vec<Cell>,
    cum: Vec<u64>,
}

impl YearCells {
    /// The cells of `year`; a `shared` cell only where its item has a rule in force.
    pub(super) fn new(models: &[RegionModel], rules: &RuleSet, year: i32) -> Result<YearCells> {
        let season = season(year);
        let (mut cells, mut cum, mut total) = (Vec::new(), Vec::new(), 0u64);
        for month in 1..=12u32 {
            let ym = YearMonth::new(year, month).map_err(Error::Input)?;
            let bt = rules.in_force("10103", ym).is_some();
            for (ri, m) in models.iter().enumerate() {
                for s in &m.streams {
                    let f = year_factor(growth_of(s.item), year)
                        * m.level(year)
                        * season[month as usize - 1]
                        / 12.0;
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
                                region: ri as u32,
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

/// One part file to write: `rows` receipts of `year`, numbered from `first + 1`.
pub(super) struct Part {
    pub(super) year: i32,
    pub(super) index: u64,
    pub(super) first: u64,
    pub(super) rows: u64,
}

/// What writing a part produced: receipts, refunds, their sum in fen, files with sizes.
pub(super) struct PartDone {
    pub(super) year: i32,
    pub(super) rows: u64,
    pub(super) refunds: u64,
    pub(super) collected: i128,
    pub(super) files: Vec<(PathBuf, u64)>,
}

/// Generates part `p` and writes its file(s); returns what it wrote.
pub(super) fn write_part(
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
    let mut sized = Vec::with_capacity(files.len());
    for f in files {
        let bytes = std::fs::metadata(&f).map_err(|e| Error::io(&f, e))?.len();
        sized.push((f, bytes));
    }
    Ok(PartDone {
        year: p.year,
        rows: n as u64,
        refunds,
        collected,
        files: sized,
    })
}

/// Name of the receipt id column.
const VOUCHER: &str = "voucher_id";

/// Columns of a part: month, region, item, level, amount in fen.
type Cols<'a> = (Vec<i8>, Vec<&'a str>, Vec<&'a str>, Vec<&'a str>, Vec<i128>);

/// Writes a part as CSV with every column (`fiscal_year` included), amounts as plain yuan.
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
