//! Ledger stage, one worker of the streamed pass: each batch of a file, row by row, through
//! the one judge ([`check_row`]); a good row's key found without comparing text (interned
//! region and item ids by string view, one packed integer looked up in a map per month)
//! and summed, its voucher hashed and the receipt kept; a rejected row recorded with its
//! file, row, problems and fields. In a listing pass the worker sums nothing and records
//! the good rows of bad keys and of repeated voucher hashes instead.

use super::columns::*;
use super::intern::{Interner, LocalKey, ViewCache};
use super::read::AmountColumn;
use super::rejects::RejectedRow;
use super::row::{
    check_row, judge_month, judge_year, AmountField, Field, GoodRow, RawRow, RowProblem, Verdict,
};
use super::store::Spill;
use super::totals::ShareKey;
use super::vouchers::{voucher_hash, FxMap, HASH_BUCKET_BITS};
use super::BudgetLevel;
use crate::period::FIRST_YEAR;
use polars::prelude::*;
use std::collections::HashSet;
use std::path::PathBuf;

/// Bad keys by (year, month, level): their (region, item) and problem.
pub(crate) type BadKeys = FxMap<(i32, u8, BudgetLevel), Vec<(String, String, RowProblem)>>;

/// What a listing pass looks for among the good rows.
pub(crate) struct Listing {
    /// Keys refused under a scenario's regions and rules, with their problem.
    pub bad_keys: BadKeys,
    /// Voucher hashes seen more than once in the summing pass.
    pub candidates: HashSet<u64>,
    /// Rows of bad keys.
    pub found: Vec<RejectedRow>,
    /// Rows whose voucher hash is a candidate: (year, voucher id, row).
    pub vouchers: Vec<(i32, String, RejectedRow)>,
}

/// The file a worker is reading.
pub(crate) struct FileCtx {
    /// The path, for rejected rows.
    pub path: PathBuf,
    /// How `amount` is carried.
    pub amount: AmountColumn,
    /// The folder's `fiscal_year=`, when the file has no such column.
    pub hive_year: Option<String>,
}

/// One worker's share of the pass: its files' keys and sums, voucher hashes, receipts and
/// rejected rows.
pub(crate) struct Worker {
    pub regions: Interner,
    pub items: Interner,
    region_views: ViewCache,
    item_views: ViewCache,
    /// Budget levels (as `BudgetLevel as u32`) by string view.
    level_views: ViewCache,
    /// Key ids by month (`(year − 1994) × 12 + month − 1`), then by level, region and
    /// item: ledgers come roughly in date order, so the map in use stays small and cached.
    keys: Vec<FxMap<u64, u32>>,
    pub key_list: Vec<u64>,
    pub sums: Vec<(i64, u64)>,
    /// This batch's voucher hashes, scattered into `hashes` when the batch is done (one
    /// tight loop: the row loop stays free of scattered writes).
    batch_hashes: Vec<u64>,
    pub has_vouchers: bool,
    pub hashes: Vec<Vec<u64>>,
    /// Whether to keep the good receipts (not in a listing pass).
    pub keep: bool,
    pub spill: Spill,
    /// Rows read (good or not).
    pub rows: u64,
    /// Σ |fen| of the good rows: bounds every sum the engine makes of them.
    pub abs_fen: u128,
    /// Rows the judge refused.
    pub rejected: Vec<RejectedRow>,
    /// In a listing pass: what to look for, and what was found.
    pub listing: Option<Listing>,
    file: Option<FileCtx>,
}

/// A year or month column: integers, or text.
enum IntOrText<'a> {
    Int(&'a <Int64Type as PolarsDataType>::Array),
    Text(&'a <StringType as PolarsDataType>::Array),
}

impl<'a> IntOrText<'a> {
    fn of(s: &'a Series) -> PolarsResult<IntOrText<'a>> {
        Ok(match s.dtype() {
            DataType::Int64 => IntOrText::Int(first(s.i64()?)),
            _ => IntOrText::Text(first(s.str()?)),
        })
    }

    #[inline]
    fn get(&self, i: usize) -> Field<'a> {
        match self {
            IntOrText::Int(a) => a.get(i).map_or(Field::Null, Field::Int),
            IntOrText::Text(a) => a.get(i).map_or(Field::Null, Field::Text),
        }
    }
}

/// The one chunk of a rechunked column.
fn first<T: PolarsDataType>(ca: &ChunkedArray<T>) -> &T::Array {
    ca.downcast_iter()
        .next()
        .expect("a rechunked column has one chunk")
}

impl Worker {
    /// A worker of the summing pass (`keep`: also store the good receipts), or of a
    /// listing pass.
    pub fn new(keep: bool, listing: Option<Listing>) -> Worker {
        let keep = keep && listing.is_none();
        Worker {
            regions: Interner::default(),
            items: Interner::default(),
            region_views: ViewCache::new(),
            item_views: ViewCache::new(),
            level_views: ViewCache::new(),
            keys: Vec::new(),
            key_list: Vec::new(),
            sums: Vec::new(),
            batch_hashes: Vec::new(),
            abs_fen: 0,
            has_vouchers: false,
            hashes: vec![Vec::new(); 1 << HASH_BUCKET_BITS],
            keep,
            spill: Spill::new(keep),
            rows: 0,
            rejected: Vec::new(),
            listing,
            file: None,
        }
    }

    /// The file whose batches come next.
    pub fn start_file(&mut self, file: FileCtx) {
        self.file = Some(file);
    }

    /// Judges and sums one batch; returns its number of rows.
    pub fn batch(&mut self, df: &DataFrame) -> PolarsResult<u64> {
        let n = df.height();
        if n == 0 {
            return Ok(0);
        }
        self.rows += n as u64;
        let file = self.file.take().expect("a file is started");
        let res = self.rows_of(df, &file);
        self.file = Some(file);
        res?;
        Ok(n as u64)
    }

    fn rows_of(&mut self, df: &DataFrame, file: &FileCtx) -> PolarsResult<()> {
        let n = df.height();
        let series = |name: &str| -> PolarsResult<Series> {
            Ok(df.column(name)?.as_materialized_series().rechunk())
        };
        let year = match file.hive_year {
            Some(_) => None,
            None => Some(series(FISCAL_YEAR)?),
        };
        let month = series(MONTH)?;
        let (region, item, level) = (
            series(REGION_CODE)?,
            series(ITEM_CODE)?,
            series(BUDGET_LEVEL)?,
        );
        let amount = series(AMOUNT)?;
        let voucher = match df.column(VOUCHER_ID) {
            Ok(c) => Some(c.as_materialized_series().rechunk()),
            Err(_) => None,
        };
        let row_numbers = df.column(ROW)?.as_materialized_series().clone();
        let year = year.as_ref().map(IntOrText::of).transpose()?;
        // a folder's year, read once for the whole batch
        let hive = match file.hive_year.as_deref() {
            Some(y) => y.parse().map_or(Field::Text(y), Field::Int),
            None => Field::Null,
        };
        let month = IntOrText::of(&month)?;
        // A null's string view says nothing: with nulls in the batch, each row's codes are
        // checked for one before their views are looked up.
        let codes_null = region.null_count() + item.null_count() + level.null_count() > 0;
        let (region, item, level) = (
            first(region.str()?),
            first(item.str()?),
            first(level.str()?),
        );
        let voucher = voucher.as_ref().map(|v| v.str()).transpose()?.map(first);
        let (fen, text) = match file.amount {
            AmountColumn::Fen => (Some(first(amount.decimal()?.physical())), None),
            AmountColumn::Text => (None, Some(first(amount.str()?))),
        };
        let views = (region.views(), item.views(), level.views());
        let memo = self.listing.is_none();
        for i in 0..n {
            let (year_f, month_f) = (year.as_ref().map_or(hive, |y| y.get(i)), month.get(i));
            let amount_f = match (fen, text) {
                (Some(a), _) => a.get(i).map_or(AmountField::Null, AmountField::Fen),
                (_, Some(a)) => a.get(i).map_or(AmountField::Null, AmountField::Text),
                _ => AmountField::Null,
            };
            let voucher_f = voucher.and_then(|v| v.get(i));
            if voucher_f.is_some() {
                self.has_vouchers = true;
            }
            let (rv, iv, lv) = (
                views.0[i].as_u128(),
                views.1[i].as_u128(),
                views.2[i].as_u128(),
            );
            // The judge with its verdicts on the three codes memoized: a code found in its
            // column's cache was judged good before (only good codes enter it), so the
            // row's other fields are judged here, by the same field judges, and the row
            // is taken without its codes' text.
            if memo
                && (!codes_null
                    || (region.get(i).is_some() && item.get(i).is_some() && level.get(i).is_some()))
            {
                if let (Some(r), Some(it), Some(l)) = (
                    self.region_views.get(rv),
                    self.item_views.get(iv),
                    self.level_views.get(lv),
                ) {
                    if let (Some(y), Some(m), Ok(f)) =
                        (judge_year(&year_f), judge_month(&month_f), amount_f.fen())
                    {
                        self.take(y, m, l as u8, r, it, f, voucher_f)?;
                        continue;
                    }
                }
            }
            let raw = RawRow {
                year: year_f,
                month: month_f,
                region: region.get(i),
                item: item.get(i),
                level: level.get(i),
                amount: amount_f,
                voucher: voucher_f,
            };
            let good = match check_row(&raw) {
                Verdict::Good(g) => g,
                Verdict::Blank => continue,
                Verdict::Bad(problems) => {
                    // (a listing pass has these rows from the summing pass already)
                    if self.listing.is_none() {
                        let row = row_number(&row_numbers, i);
                        self.rejected
                            .push(rejected(file, row, &raw, problems, None));
                    }
                    continue;
                }
            };
            if self.listing.is_some() {
                self.list(file, &raw, &good, || row_number(&row_numbers, i));
                continue;
            }
            // Region and item ids by string view (the judge made them ≤ 12 bytes: whole in
            // the view), else interned; the verdicts remembered with them.
            let r = match self.region_views.get(rv) {
                Some(r) => r,
                None => {
                    let r = self.regions.id(good.region);
                    self.region_views.put(rv, r);
                    r
                }
            };
            let it = match self.item_views.get(iv) {
                Some(it) => it,
                None => {
                    let it = self.items.id(good.item);
                    if it >= 1 << 30 {
                        return Err(
                            polars_err!(ComputeError: "more than 2^30 distinct item codes"),
                        );
                    }
                    self.item_views.put(iv, it);
                    it
                }
            };
            self.level_views.put(lv, good.level as u32);
            self.take(
                good.year,
                good.month,
                good.level as u8,
                r,
                it,
                good.fen,
                raw.voucher,
            )?;
        }
        for h in self.batch_hashes.drain(..) {
            self.hashes[(h >> (64 - HASH_BUCKET_BITS)) as usize].push(h);
        }
        Ok(())
    }

    /// Takes a good receipt: hashes its voucher, adds it to its key's sum and keeps it.
    #[inline]
    #[allow(clippy::too_many_arguments)]
    fn take(
        &mut self,
        year: i32,
        month: u8,
        level: u8,
        region: u32,
        item: u32,
        fen: i64,
        voucher: Option<&str>,
    ) -> PolarsResult<()> {
        if let Some(v) = voucher {
            self.batch_hashes.push(voucher_hash(year, v.as_bytes()));
        }
        let packed = LocalKey::pack(year, month, level, region, item);
        let ym = ((year - FIRST_YEAR) * 12) as usize + month as usize - 1;
        if ym >= self.keys.len() {
            self.keys.resize_with(ym + 1, FxMap::default);
        }
        let inner = packed & ((1 << 53) - 1);
        let k = match self.keys[ym].get(&inner) {
            Some(&k) => k,
            None => {
                let k = self.key_list.len() as u32;
                self.keys[ym].insert(inner, k);
                self.key_list.push(packed);
                self.sums.push((0, 0));
                k
            }
        };
        let s = &mut self.sums[k as usize];
        s.0 = s.0.checked_add(fen).ok_or_else(
            || polars_err!(ComputeError: "a monthly total is beyond ±9.2 × 10^16 yuan"),
        )?;
        s.1 += 1;
        self.abs_fen += u128::from(fen.unsigned_abs());
        if self.keep {
            self.spill
                .keep(k, fen)
                .map_err(|e| polars_err!(ComputeError: "receipt spill: {e}"))?;
        }
        Ok(())
    }

    /// In a listing pass: records a good row of a bad key, or with a candidate voucher.
    #[cold]
    fn list(&mut self, file: &FileCtx, raw: &RawRow<'_>, g: &GoodRow<'_>, row: impl Fn() -> u64) {
        let Some(listing) = &mut self.listing else {
            return;
        };
        let key = ShareKey {
            year: g.year,
            month: g.month as u32,
            region: g.region.to_string(),
            item: g.item.to_string(),
            level: g.level,
        };
        if let Some(bad) = listing.bad_keys.get(&(g.year, g.month, g.level)) {
            if let Some((_, _, p)) = bad.iter().find(|(r, i, _)| r == g.region && i == g.item) {
                let r = rejected(file, row(), raw, vec![p.clone()], Some(key.clone()));
                listing.found.push(r);
            }
        }
        if let Some(v) = raw.voucher {
            if listing
                .candidates
                .contains(&voucher_hash(g.year, v.as_bytes()))
            {
                let r = rejected(file, row(), raw, Vec::new(), Some(key));
                listing.vouchers.push((g.year, v.to_string(), r));
            }
        }
    }
}

fn row_number(rows: &Series, i: usize) -> u64 {
    rows.get(i)
        .ok()
        .and_then(|v| v.extract::<u64>())
        .unwrap_or(0)
}

#[cold]
fn rejected(
    file: &FileCtx,
    row: u64,
    raw: &RawRow<'_>,
    problems: Vec<RowProblem>,
    key: Option<ShareKey>,
) -> RejectedRow {
    RejectedRow {
        file: file.path.clone(),
        row,
        problems,
        fields: raw.fields(),
        year: raw.year_as_read(),
        fen: raw.amount.fen().ok(),
        key,
    }
}
