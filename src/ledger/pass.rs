//! The summing pass over a ledger, in bounded memory: each file is streamed in batches
//! (polars' streaming engine, one file per worker thread, typed columns: a Parquet
//! `Decimal(p, 2)` amount is read as its integer fen, never through text), and each batch
//! is checked and summed by plain Rust loops. One pass yields the row counts, the number of
//! rows with a problem, the monthly totals per key, 64-bit hashes of the voucher ids
//! (duplicates are confirmed exactly afterwards, only when two hashes meet), and the good
//! receipts as compact (key, fen) records, 12 bytes each — the first 128 MiB per worker in
//! memory, the rest in anonymous temporary files — from which the receipt-level split of
//! every scenario runs without reading the ledger again.
//!
//! Keys are found without comparing text: region, item and level are at most 12 bytes when
//! valid, so their 16-byte string views identify them (a small cache per column), and the
//! key is one packed integer, looked up in a map per month (ledgers come in date order).
//!
//! Memory is bounded by the keys, the voucher hashes (8 bytes a receipt), the in-memory
//! part of the receipt store and one batch per worker; never by the ledger's text.
//!
//! The row checks here decide the same rows as [`super::check::with_row_checks`], which
//! stays the one place that words the reasons (rejected rows are listed from it).

use super::columns::*;
use super::read::{
    csv_shape_problem, describe_polars, format_of, typed_file, AmountColumn, Encoding, Format,
};
use super::totals::ShareKey;
use super::BudgetLevel;
use crate::error::{Error, Result};
use crate::money::MAX_FEN;
use crate::period::{FIRST_YEAR, LAST_YEAR};
use polars::prelude::*;
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, HashMap, HashSet};
use std::fs::File;
use std::hash::{BuildHasherDefault, Hasher};
use std::io::Write;
use std::os::unix::fs::FileExt;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

/// A fast multiplicative hasher for the small keys of the pass (not for untrusted
/// adversarial input: a slow map is the worst a collision can cause).
#[derive(Default, Clone, Copy)]
pub(crate) struct Fx(u64);

impl Fx {
    #[inline]
    fn add(&mut self, w: u64) {
        self.0 = (self.0.rotate_left(5) ^ w).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
}

impl Hasher for Fx {
    #[inline]
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            self.add(u64::from_le_bytes(c.try_into().expect("8 bytes")));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut b = [0u8; 8];
            b[..rest.len()].copy_from_slice(rest);
            self.add(u64::from_le_bytes(b));
        }
    }
    #[inline]
    fn write_u8(&mut self, i: u8) {
        self.add(i as u64);
    }
    #[inline]
    fn write_u32(&mut self, i: u32) {
        self.add(i as u64);
    }
    #[inline]
    fn write_u64(&mut self, i: u64) {
        self.add(i);
    }
    #[inline]
    fn write_usize(&mut self, i: usize) {
        self.add(i as u64);
    }
    #[inline]
    fn finish(&self) -> u64 {
        // The product's high bits are the well-mixed ones; hash tables index by the low.
        self.0.rotate_left(26)
    }
}

pub(crate) type FxMap<K, V> = HashMap<K, V, BuildHasherDefault<Fx>>;

/// 64-bit hash of (fiscal year, voucher id), well mixed in every bit (wyhash-style: every
/// byte is read, ids of up to 16 bytes in two overlapping words).
#[inline]
pub(crate) fn voucher_hash(year: i32, voucher: &[u8]) -> u64 {
    #[inline]
    fn mum(a: u64, b: u64) -> u64 {
        let p = (a as u128).wrapping_mul(b as u128);
        (p as u64) ^ ((p >> 64) as u64)
    }
    #[inline]
    fn r8(b: &[u8], at: usize) -> u64 {
        u64::from_le_bytes(b[at..at + 8].try_into().expect("8 bytes"))
    }
    #[inline]
    fn r4(b: &[u8], at: usize) -> u64 {
        u32::from_le_bytes(b[at..at + 4].try_into().expect("4 bytes")) as u64
    }
    const K0: u64 = 0xa076_1d64_78bd_642f;
    const K1: u64 = 0xe703_7ed1_a0b4_28db;
    const K2: u64 = 0x8ebc_6af0_9c88_c6e3;
    let n = voucher.len();
    let mut seed = (year as u32 as u64) << 32 ^ n as u64 ^ K0;
    let (a, b) = match n {
        0 => (0, 0),
        1..=3 => (
            (voucher[0] as u64) << 16 | (voucher[n / 2] as u64) << 8 | voucher[n - 1] as u64,
            0,
        ),
        4..=7 => (r4(voucher, 0), r4(voucher, n - 4)),
        8..=16 => (r8(voucher, 0), r8(voucher, n - 8)),
        _ => {
            let mut i = 0;
            while i + 16 < n {
                seed = mum(r8(voucher, i) ^ K1, r8(voucher, i + 8) ^ seed);
                i += 16;
            }
            (r8(voucher, n - 16), r8(voucher, n - 8))
        }
    };
    mum(mum(a ^ K1, b ^ seed) ^ K2, n as u64 ^ K1)
}

/// Buckets of voucher hashes, by their top bits (sorted bucket by bucket at the end).
const HASH_BUCKET_BITS: u32 = 10;

/// The values that occur more than once in the slices (one bucket of every worker): a
/// small open-addressing set in `table` (reused from bucket to bucket), no sort.
fn repeated<'a>(table: &mut Vec<u64>, slices: impl Iterator<Item = &'a [u64]> + Clone) -> Vec<u64> {
    let len: usize = slices.clone().map(<[u64]>::len).sum();
    let cap = (len * 2).next_power_of_two().max(16);
    let mask = cap - 1;
    table.clear();
    table.resize(cap, 0);
    let (mut zero, mut out) = (false, Vec::new());
    for &h in slices.flatten() {
        if h == 0 {
            if zero {
                out.push(0);
            }
            zero = true;
            continue;
        }
        // The top bits chose the bucket; the low bits place the hash in the table.
        let mut i = h as usize & mask;
        loop {
            match table[i] {
                0 => {
                    table[i] = h;
                    break;
                }
                t if t == h => {
                    out.push(h);
                    break;
                }
                _ => i = (i + 1) & mask,
            }
        }
    }
    out
}

/// Bytes of receipts a worker keeps in memory before it spills the rest to a temporary
/// file (12 bytes each: 128 MiB, about 11 million receipts). The environment variable
/// `FENCHENG_SPILL_MEMORY_BYTES` overrides it (tests use it to exercise the file).
const SPILL_IN_MEMORY: usize = 128 << 20;

fn spill_in_memory() -> usize {
    std::env::var("FENCHENG_SPILL_MEMORY_BYTES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(SPILL_IN_MEMORY)
}

/// Records of the receipt spill: key (u32) and fen (i64), little-endian.
const RECORD: usize = 12;
/// Records buffered before a write, and read at once by [`ReceiptStore::chunks`].
const SPILL_CHUNK: usize = 1 << 16;

/// The one chunk of a rechunked column.
fn first<T: PolarsDataType>(ca: &ChunkedArray<T>) -> &T::Array {
    ca.downcast_iter()
        .next()
        .expect("a rechunked column has one chunk")
}

#[inline]
fn digits(s: &[u8], min: usize, max: usize) -> bool {
    (min..=max).contains(&s.len()) && s.iter().all(u8::is_ascii_digit)
}

#[inline]
fn level_of(s: &str) -> Option<BudgetLevel> {
    match s {
        "shared" => Some(BudgetLevel::Shared),
        "central" => Some(BudgetLevel::Central),
        "province" => Some(BudgetLevel::Province),
        "prefecture" => Some(BudgetLevel::Prefecture),
        "county" => Some(BudgetLevel::County),
        _ => None,
    }
}

/// Fen of an amount written as text, where the row checks accept it: `-?[0-9]{1,13}`
/// with an optional `.` and 1–2 decimals, at most 10^12 yuan.
#[inline]
pub(crate) fn text_fen(s: &str) -> Option<i64> {
    let b = s.as_bytes();
    let (neg, b) = match b.first() {
        Some(b'-') => (true, &b[1..]),
        _ => (false, b),
    };
    let (int, frac) = match b.iter().position(|&c| c == b'.') {
        Some(p) => (&b[..p], Some(&b[p + 1..])),
        None => (b, None),
    };
    if !digits(int, 1, 13) {
        return None;
    }
    let mut fen: i64 = 0;
    for &d in int {
        fen = fen * 10 + (d - b'0') as i64;
    }
    fen *= 100;
    match frac {
        None => {}
        Some(f) if digits(f, 1, 2) => {
            fen += (f[0] - b'0') as i64 * 10;
            if f.len() == 2 {
                fen += (f[1] - b'0') as i64;
            }
        }
        Some(_) => return None,
    }
    if fen > MAX_FEN {
        return None;
    }
    Some(if neg { -fen } else { fen })
}

/// Strings seen by a worker, each given a small id.
#[derive(Default)]
struct Interner {
    ids: FxMap<Box<str>, u32>,
    names: Vec<Box<str>>,
}

impl Interner {
    #[inline]
    fn id(&mut self, s: &str) -> u32 {
        if let Some(&i) = self.ids.get(s) {
            return i;
        }
        let i = self.names.len() as u32;
        self.names.push(s.into());
        self.ids.insert(s.into(), i);
        i
    }
}

/// A worker's key: year, month, level and the worker's region and item ids, packed so
/// that one integer hash finds it ([`LocalKey::pack`]).
struct LocalKey;

impl LocalKey {
    #[inline]
    fn pack(year: i32, month: u8, level: u8, region: u32, item: u32) -> u64 {
        ((year - FIRST_YEAR) as u64) << 57
            | (month as u64) << 53
            | (level as u64) << 50
            | (region as u64) << 30
            | item as u64
    }

    fn unpack(k: u64) -> (i32, u8, u8, u32, u32) {
        (
            (k >> 57) as i32 + FIRST_YEAR,
            ((k >> 53) & 0xf) as u8,
            ((k >> 50) & 0x7) as u8,
            ((k >> 30) & 0xf_ffff) as u32,
            (k & 0x3fff_ffff) as u32,
        )
    }
}

/// Ids of the values of a text column by their 16-byte string view, for values that are
/// valid and at most 12 bytes long (held whole in the view): a small direct-mapped cache,
/// so a row costs one multiplication and one comparison, no text.
struct ViewCache {
    slots: Vec<(u128, u32)>,
}

impl ViewCache {
    const BITS: u32 = 10;
    const EMPTY: u32 = u32::MAX;

    fn new() -> ViewCache {
        ViewCache {
            slots: vec![(0, Self::EMPTY); 1 << Self::BITS],
        }
    }

    #[inline]
    fn slot(v: u128) -> usize {
        let h =
            ((v as u64) ^ ((v >> 64) as u64).rotate_left(29)).wrapping_mul(0x9e37_79b9_7f4a_7c15);
        (h >> (64 - Self::BITS)) as usize
    }

    #[inline]
    fn get(&self, v: u128) -> Option<u32> {
        let (view, id) = self.slots[Self::slot(v)];
        (view == v && id != Self::EMPTY).then_some(id)
    }

    #[inline]
    fn put(&mut self, v: u128, id: u32) {
        self.slots[Self::slot(v)] = (v, id);
    }
}

/// Voucher hashes to look for, and the (year, voucher id) of the rows that had them.
type Recheck = (HashSet<u64>, Vec<(i32, String)>);

/// One worker's share of the pass: its files' keys and sums, voucher hashes and spill.
struct Worker {
    regions: Interner,
    items: Interner,
    region_views: ViewCache,
    item_views: ViewCache,
    level_views: ViewCache,
    /// Key ids by month (`(year − 1994) × 12 + month − 1`), then by level, region and
    /// item: ledgers come roughly in date order, so the map in use stays small and cached.
    keys: Vec<FxMap<u64, u32>>,
    key_list: Vec<u64>,
    sums: Vec<(i64, u64)>,
    /// This batch's voucher hashes, scattered into `hashes` when the batch is done (one
    /// tight loop: the row loop stays free of scattered writes).
    batch_hashes: Vec<u64>,
    row_problems: u64,
    has_vouchers: bool,
    hashes: Vec<Vec<u64>>,
    /// Whether to keep the good receipts (not in the voucher re-check).
    keep: bool,
    /// The first receipts, in memory (up to `budget` bytes, [`SPILL_IN_MEMORY`]).
    kept: Vec<u8>,
    budget: usize,
    /// The rest, in an anonymous temporary file (made when needed), through a buffer.
    spill: Option<File>,
    spill_buf: Vec<u8>,
    spilled: u64,
    /// Rows read (good or not).
    rows: u64,
    /// Σ |fen| of the good rows: bounds every sum the engine makes of them.
    abs_fen: u128,
    /// In the re-check of voucher hashes: the candidates, and what matched them.
    recheck: Option<Recheck>,
}

impl Worker {
    fn new(spill: bool, recheck: Option<HashSet<u64>>) -> Result<Worker> {
        let keep = spill && recheck.is_none();
        Ok(Worker {
            regions: Interner::default(),
            items: Interner::default(),
            region_views: ViewCache::new(),
            item_views: ViewCache::new(),
            level_views: ViewCache::new(),
            keys: Vec::new(),
            key_list: Vec::new(),
            sums: Vec::new(),
            batch_hashes: Vec::new(),
            row_problems: 0,
            abs_fen: 0,
            has_vouchers: false,
            hashes: vec![Vec::new(); 1 << HASH_BUCKET_BITS],
            keep,
            // Reserved whole (address space only: pages are taken as receipts arrive), so
            // growing never copies.
            kept: Vec::with_capacity(if keep { spill_in_memory() } else { 0 }),
            budget: spill_in_memory(),
            spill: None,
            spill_buf: Vec::new(),
            spilled: 0,
            rows: 0,
            recheck: recheck.map(|c| (c, Vec::new())),
        })
    }

    fn flush_spill(&mut self) -> std::io::Result<()> {
        if self.spill_buf.is_empty() {
            return Ok(());
        }
        if self.spill.is_none() {
            self.spill = Some(tempfile::tempfile()?);
        }
        if let Some(f) = &mut self.spill {
            f.write_all(&self.spill_buf)?;
        }
        self.spill_buf.clear();
        Ok(())
    }

    /// Keeps a good receipt: in memory while under budget, else through the spill file.
    #[inline]
    fn keep(&mut self, k: u32, fen: i64) -> PolarsResult<()> {
        let to = if self.kept.len() + RECORD <= self.budget {
            &mut self.kept
        } else {
            &mut self.spill_buf
        };
        to.extend_from_slice(&k.to_le_bytes());
        to.extend_from_slice(&fen.to_le_bytes());
        self.spilled += 1;
        if self.spill_buf.len() >= SPILL_CHUNK * RECORD {
            self.flush_spill()
                .map_err(|e| polars_err!(ComputeError: "receipt spill: {e}"))?;
        }
        Ok(())
    }

    /// Checks and sums one batch; returns its number of rows.
    fn batch(&mut self, df: &DataFrame, amount_kind: AmountColumn) -> PolarsResult<u64> {
        let n = df.height();
        if n == 0 {
            return Ok(0);
        }
        self.rows += n as u64;
        let series = |name: &str| -> PolarsResult<Series> {
            Ok(df.column(name)?.as_materialized_series().rechunk())
        };
        // A year from the folder (`fiscal_year=2022/`) is one value for the whole batch.
        let year_col = df.column(FISCAL_YEAR)?;
        let year_const: Option<Option<i32>> = year_col
            .as_scalar_column()
            .map(|c| c.scalar().value().extract::<i32>());
        let year = match year_const {
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
        let year = year.as_ref().map(|y| y.i32()).transpose()?.map(first);
        let month = first(month.i32()?);
        let (region, item, level) = (region.str()?, item.str()?, level.str()?);
        let any_null = region.null_count() + item.null_count() + level.null_count() > 0;
        let (region, item, level) = (first(region), first(item), first(level));
        let voucher = voucher.as_ref().map(|v| v.str()).transpose()?;
        let voucher = voucher.map(first);
        let fen_ca = match amount_kind {
            AmountColumn::Fen => Some(amount.decimal()?.physical()),
            AmountColumn::Text => None,
        };
        let fen_arr = fen_ca.map(first);
        let text_ca = match amount_kind {
            AmountColumn::Text => Some(amount.str()?),
            AmountColumn::Fen => None,
        };
        let text_arr = text_ca.map(first);
        // a blank line (nothing but perhaps a year) is not a row: skipped, as check.rs does
        let empty = |v: Option<&str>| v.is_none_or(str::is_empty);
        let blank = |i: usize| {
            month.get(i).is_none()
                && empty(region.get(i))
                && empty(item.get(i))
                && empty(level.get(i))
                && fen_arr.is_none_or(|a| a.get(i).is_none())
                && text_arr.is_none_or(|a| empty(a.get(i)))
                && voucher.is_none_or(|v| empty(v.get(i)))
        };
        for i in 0..n {
            let vch = voucher.and_then(|v| v.get(i));
            if vch.is_some() {
                self.has_vouchers = true;
            }
            let y = match year_const.unwrap_or_else(|| year.and_then(|y| y.get(i))) {
                Some(y) if (FIRST_YEAR..=LAST_YEAR).contains(&y) => y,
                _ => {
                    self.row_problems += u64::from(!blank(i));
                    continue;
                }
            };
            let m = match month.get(i) {
                Some(m) if (1..=12).contains(&m) => m as u8,
                _ => {
                    self.row_problems += u64::from(!blank(i));
                    continue;
                }
            };
            let fen = match (fen_arr, text_arr) {
                (Some(a), _) => a
                    .get(i)
                    .and_then(|v| i64::try_from(v).ok())
                    .filter(|f| f.unsigned_abs() <= MAX_FEN as u64),
                (_, Some(a)) => a.get(i).and_then(text_fen),
                _ => None,
            };
            let Some(fen) = fen else {
                self.row_problems += 1;
                continue;
            };
            if any_null
                && (region.get(i).is_none() || item.get(i).is_none() || level.get(i).is_none())
            {
                self.row_problems += 1;
                continue;
            }
            let views = (region.views()[i], item.views()[i], level.views()[i]);
            let (rv, iv, lv) = (views.0.as_u128(), views.1.as_u128(), views.2.as_u128());
            // Region, item and level ids: from the caches, else checked and interned.
            let r = match self.region_views.get(rv) {
                Some(r) => r,
                None => {
                    let text = region.value(i);
                    if !digits(text.as_bytes(), 6, 6) {
                        self.row_problems += 1;
                        continue;
                    }
                    let r = self.regions.id(text);
                    self.region_views.put(rv, r);
                    r
                }
            };
            let it = match self.item_views.get(iv) {
                Some(it) => it,
                None => {
                    let text = item.value(i);
                    if !digits(text.as_bytes(), 3, 9) {
                        self.row_problems += 1;
                        continue;
                    }
                    let it = self.items.id(text);
                    if it >= 1 << 30 {
                        return Err(
                            polars_err!(ComputeError: "more than 2^30 distinct item codes"),
                        );
                    }
                    self.item_views.put(iv, it);
                    it
                }
            };
            let lvl = match self.level_views.get(lv) {
                Some(l) => l,
                None => match level_of(level.value(i)) {
                    Some(l) => {
                        self.level_views.put(lv, l as u32);
                        l as u32
                    }
                    None => {
                        self.row_problems += 1;
                        continue;
                    }
                },
            };
            if let Some(v) = vch {
                let h = voucher_hash(y, v.as_bytes());
                match &mut self.recheck {
                    Some((cands, found)) => {
                        if cands.contains(&h) {
                            found.push((y, v.to_string()));
                        }
                    }
                    None => self.batch_hashes.push(h),
                }
            }
            if self.recheck.is_some() {
                continue;
            }
            let packed = LocalKey::pack(y, m, lvl as u8, r, it);
            let ym = ((y - FIRST_YEAR) * 12) as usize + m as usize - 1;
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
                self.keep(k, fen)?;
            }
        }
        for h in self.batch_hashes.drain(..) {
            self.hashes[(h >> (64 - HASH_BUCKET_BITS)) as usize].push(h);
        }
        Ok(n as u64)
    }
}

/// A chunk of the receipt store: (part, first record, records).
pub(crate) type Chunk = (usize, u64, usize);

/// The good receipts of a ledger as (key, fen) records: the first ones in memory (a fixed
/// budget per worker), the rest in anonymous temporary files, deleted when dropped.
pub struct ReceiptStore {
    parts: Vec<SpillPart>,
}

struct SpillPart {
    /// Records `0..in_memory`.
    memory: Vec<u8>,
    in_memory: u64,
    /// Records `in_memory..records`.
    file: Option<File>,
    records: u64,
    /// Worker key → index of the key in the scan's totals.
    to_total: Vec<u32>,
}

impl ReceiptStore {
    /// Number of receipts stored.
    pub fn len(&self) -> u64 {
        self.parts.iter().map(|p| p.records).sum()
    }

    /// Whether no receipt is stored.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Number of parts (one per worker of the pass).
    pub(crate) fn part_count(&self) -> usize {
        self.parts.len()
    }

    /// A part's key ids → index of the key in the scan's totals.
    pub(crate) fn to_total(&self, part: usize) -> &[u32] {
        &self.parts[part].to_total
    }

    /// A part as chunks of work.
    pub(crate) fn chunks_of(&self, part: usize) -> Vec<Chunk> {
        let p = &self.parts[part];
        let mut out = Vec::new();
        let mut first = 0;
        while first < p.records {
            // A chunk lies wholly in memory or wholly in the file.
            let end = if first < p.in_memory {
                p.in_memory
            } else {
                p.records
            };
            let n = (end - first).min(SPILL_CHUNK as u64 * 16) as usize;
            out.push((part, first, n));
            first += n as u64;
        }
        out
    }

    /// Reads one chunk and calls `f(key id in the part, fen)` for each receipt in it.
    pub(crate) fn for_each(
        &self,
        (part, first, n): Chunk,
        buf: &mut Vec<u8>,
        mut f: impl FnMut(usize, i64),
    ) -> Result<()> {
        let p = &self.parts[part];
        let records: &[u8] = if first < p.in_memory {
            &p.memory[first as usize * RECORD..(first as usize + n) * RECORD]
        } else {
            let file = p
                .file
                .as_ref()
                .expect("records past memory are in the file");
            buf.resize(n * RECORD, 0);
            file.read_exact_at(buf, (first - p.in_memory) * RECORD as u64)
                .map_err(|e| Error::io(std::env::temp_dir(), e))?;
            buf
        };
        for r in records.chunks_exact(RECORD) {
            let k = u32::from_le_bytes(r[..4].try_into().expect("4 bytes"));
            let fen = i64::from_le_bytes(r[4..].try_into().expect("8 bytes"));
            f(k as usize, fen);
        }
        Ok(())
    }
}

/// The largest Σ |amount| of a ledger's good receipts, in fen (i64::MAX / 8, about
/// 1.15 × 10^16 yuan: thousands of years of a province's revenue).
pub const MAX_LEDGER_ABS_FEN: u128 = (i64::MAX / 8) as u128;

/// What the pass found.
pub(crate) struct PassResult {
    pub rows_per_file: Vec<u64>,
    pub sha256: Vec<String>,
    /// Totals of the good rows per key, sorted by key: (key, fen, receipts).
    pub totals: Vec<(ShareKey, i64, u64)>,
    pub row_problems: u64,
    pub has_vouchers: bool,
    /// Voucher hashes seen more than once (maybe duplicates; confirmed by a re-check).
    pub voucher_candidates: HashSet<u64>,
    pub store: ReceiptStore,
    /// Seconds: reading and summing, then merging.
    pub timings: Vec<(String, f64)>,
}

fn read_error(path: &Path, e: &PolarsError) -> Error {
    let msg = e.to_string();
    if msg.contains("utf-8") || msg.contains("utf8") {
        Error::file(path, describe_polars(e, Format::Csv))
    } else if let Some(shape) = (format_of(path) == Some(Format::Csv))
        .then(|| csv_shape_problem(path))
        .flatten()
    {
        Error::file(path, shape)
    } else {
        Error::file(path, format!("cannot read the ledger: {msg}"))
    }
}

fn sha256_file(path: &Path) -> Result<String> {
    let mut file = File::open(path).map_err(|e| Error::io(path, e))?;
    let mut hasher = Sha256::new();
    std::io::copy(&mut file, &mut hasher).map_err(|e| Error::io(path, e))?;
    Ok(hex::encode(hasher.finalize()))
}

/// A progress bar on stderr when it is a terminal, hidden otherwise.
fn progress(paths: &[PathBuf], what: &str) -> indicatif::ProgressBar {
    use std::io::IsTerminal;
    let bytes: u64 = paths
        .iter()
        .filter_map(|p| std::fs::metadata(p).ok())
        .map(|m| m.len())
        .sum();
    if !std::io::stderr().is_terminal() || bytes < 64 << 20 {
        return indicatif::ProgressBar::hidden();
    }
    let bar = indicatif::ProgressBar::new(bytes);
    bar.set_style(
        indicatif::ProgressStyle::with_template(
            "{prefix} [{bar:30}] {binary_bytes}/{binary_total_bytes} {msg} ({elapsed})",
        )
        .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar())
        .progress_chars("=> "),
    );
    bar.set_prefix(what.to_string());
    bar
}

/// Runs the workers over the files; `f` makes a worker, and gets each file's batches.
fn run_workers(
    paths: &[PathBuf],
    encoding: Encoding,
    make: impl Fn() -> Result<Worker> + Sync,
    hash_files: bool,
    what: &str,
) -> Result<(Vec<Worker>, Vec<u64>, Vec<String>)> {
    let threads = std::thread::available_parallelism()
        .map_or(2, |n| n.get())
        .min(paths.len())
        .max(1);
    let next = AtomicUsize::new(0);
    let failed = AtomicBool::new(false);
    let rows = Mutex::new(vec![0u64; paths.len()]);
    let sums = Mutex::new(vec![String::new(); paths.len()]);
    let bar = progress(paths, what);
    let receipts = std::sync::atomic::AtomicU64::new(0);
    let work = || -> Result<Worker> {
        // The worker is fed by polars' streaming engine, batch by batch, through a callback.
        let shared = Arc::new(Mutex::new(make()?));
        while !failed.load(Ordering::Relaxed) {
            let i = next.fetch_add(1, Ordering::Relaxed);
            let Some(path) = paths.get(i) else { break };
            let res = (|| -> Result<()> {
                let (lf, kind, _) = typed_file(path, encoding)?;
                let before = shared.lock().expect("worker lock").rows;
                let w = Arc::clone(&shared);
                let sink = PlanCallback::new(move |df: DataFrame| {
                    let mut w = w.lock().expect("worker lock");
                    w.batch(&df, kind)?;
                    Ok(false)
                });
                lf.sink_batches(sink, false, None)
                    .and_then(|lf| lf.collect_with_engine(Engine::Streaming))
                    .map_err(|e| read_error(path, &e))?;
                let n = shared.lock().expect("worker lock").rows - before;
                rows.lock().expect("rows lock")[i] = n;
                if hash_files {
                    sums.lock().expect("sums lock")[i] = sha256_file(path)?;
                }
                let all = receipts.fetch_add(n, Ordering::Relaxed) + n;
                bar.set_message(format!("{all} rows"));
                if let Ok(m) = std::fs::metadata(path) {
                    bar.inc(m.len());
                }
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
        w.flush_spill()
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
    bar.finish_and_clear();
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

/// Packs a key whose region and item are ranks in the sorted lists of all names seen, so
/// that the packed order is [`ShareKey`]'s order: year, month, region, item, level.
fn pack(year: i32, month: u8, region: u32, item: u32, level: u8) -> u64 {
    ((year - FIRST_YEAR) as u64) << 57
        | (month as u64) << 53
        | (region as u64) << 33
        | (item as u64) << 3
        | level as u64
}

/// Sorted, deduplicated names over the workers, and each worker's id → rank.
fn ranks(
    workers: &[Worker],
    names: impl Fn(&Worker) -> &[Box<str>],
    limit: usize,
    what: &str,
) -> Result<(Vec<String>, Vec<Vec<u32>>)> {
    let mut all: Vec<&str> = workers
        .iter()
        .flat_map(|w| names(w).iter().map(|s| &**s))
        .collect();
    all.sort_unstable();
    all.dedup();
    if all.len() > limit {
        return Err(Error::Input(format!(
            "the ledger has more than {limit} distinct {what} codes"
        )));
    }
    let per_worker = workers
        .iter()
        .map(|w| {
            names(w)
                .iter()
                .map(|n| all.binary_search(&&**n).expect("a name seen") as u32)
                .collect()
        })
        .collect();
    Ok((all.into_iter().map(str::to_string).collect(), per_worker))
}

/// The summing pass (see the module doc).
pub(crate) fn sum_ledger(paths: &[PathBuf], encoding: Encoding) -> Result<PassResult> {
    let start = std::time::Instant::now();
    let (mut workers, rows_per_file, sha256) =
        run_workers(paths, encoding, || Worker::new(true, None), true, "reading")?;
    let read_secs = start.elapsed().as_secs_f64();
    let start = std::time::Instant::now();
    // Totals per key over the workers, on packed keys (region and item by rank).
    let (region_names, region_rank) = ranks(&workers, |w| &w.regions.names, 1 << 20, "region")?;
    let (item_names, item_rank) = ranks(&workers, |w| &w.items.names, 1 << 30, "item")?;
    let packed_of = |wi: usize, k: &u64| {
        let (year, month, level, region, item) = LocalKey::unpack(*k);
        pack(
            year,
            month,
            region_rank[wi][region as usize],
            item_rank[wi][item as usize],
            level,
        )
    };
    let mut all: Vec<(u64, i128, u64)> = Vec::new();
    for (wi, w) in workers.iter().enumerate() {
        for (k, &(amount, n)) in w.key_list.iter().zip(&w.sums) {
            all.push((packed_of(wi, k), amount as i128, n));
        }
    }
    all.sort_unstable_by_key(|e| e.0);
    let mut packed: Vec<u64> = Vec::new();
    let mut totals: Vec<(ShareKey, i64, u64)> = Vec::new();
    let mut sums: Vec<(i128, u64)> = Vec::new();
    for (p, amount, n) in all {
        if packed.last() == Some(&p) {
            let s = sums.last_mut().expect("a key");
            s.0 += amount;
            s.1 += n;
        } else {
            packed.push(p);
            sums.push((amount, n));
        }
    }
    for (&p, &(amount, n)) in packed.iter().zip(&sums) {
        let key = ShareKey {
            year: (p >> 57) as i32 + FIRST_YEAR,
            month: ((p >> 53) & 0xf) as u32,
            region: region_names[((p >> 33) & 0xf_ffff) as usize].clone(),
            item: item_names[((p >> 3) & 0x3fff_ffff) as usize].clone(),
            level: BudgetLevel::ALL[(p & 0x7) as usize],
        };
        let amount = i64::try_from(amount).map_err(|_| {
            Error::Input(format!(
                "ledger total of {} {}-{:02} item {} level {} is beyond the range of the engine",
                key.region, key.year, key.month, key.item, key.level
            ))
        })?;
        totals.push((key, amount, n));
    }
    let to_totals: Vec<Vec<u32>> = workers
        .iter()
        .enumerate()
        .map(|(wi, w)| {
            w.key_list
                .iter()
                .map(|k| {
                    packed
                        .binary_search(&packed_of(wi, k))
                        .expect("every worker key is in the totals") as u32
                })
                .collect()
        })
        .collect();
    let mut parts = Vec::new();
    for (w, to_total) in workers.iter_mut().zip(to_totals) {
        if w.keep {
            parts.push(SpillPart {
                in_memory: (w.kept.len() / RECORD) as u64,
                memory: std::mem::take(&mut w.kept),
                file: w.spill.take(),
                records: w.spilled,
                to_total,
            });
        }
    }
    // Voucher hashes seen twice, bucket by bucket.
    let has_vouchers = workers.iter().any(|w| w.has_vouchers);
    let row_problems = workers.iter().map(|w| w.row_problems).sum();
    // every sum the engine makes of the receipts (per key, region, year, province, in any
    // order) is at most their Σ |fen|: keep that within i64 with room for the few fields
    // a statement adds together, so no sum can wrap
    let abs_fen: u128 = workers.iter().map(|w| w.abs_fen).sum();
    if abs_fen > MAX_LEDGER_ABS_FEN {
        return Err(Error::Input(format!(
            "the ledger's receipts add up to {} yuan in absolute value, more than the {} \
             yuan fencheng sums exactly",
            abs_fen / 100,
            MAX_LEDGER_ABS_FEN / 100
        )));
    }
    let mut voucher_candidates = HashSet::new();
    if has_vouchers {
        use rayon::prelude::*;
        let workers = &workers;
        let found: Vec<Vec<u64>> = (0..1usize << HASH_BUCKET_BITS)
            .into_par_iter()
            .map_init(Vec::new, |table, b| {
                repeated(table, workers.iter().map(|w| w.hashes[b].as_slice()))
            })
            .collect();
        voucher_candidates = found.into_iter().flatten().collect();
    }
    drop(workers);
    Ok(PassResult {
        rows_per_file,
        sha256,
        totals,
        row_problems,
        has_vouchers,
        voucher_candidates,
        store: ReceiptStore { parts },
        timings: vec![
            ("read ledger".to_string(), read_secs),
            (
                "sum keys, voucher hashes".to_string(),
                start.elapsed().as_secs_f64(),
            ),
        ],
    })
}

/// The (fiscal year, voucher id) pairs that occur more than once among the good rows,
/// exactly: a second pass keeping only the rows whose hash is a candidate.
pub(crate) fn duplicate_vouchers(
    paths: &[PathBuf],
    encoding: Encoding,
    candidates: &HashSet<u64>,
) -> Result<Vec<(i32, String)>> {
    if candidates.is_empty() {
        return Ok(Vec::new());
    }
    let (workers, _, _) = run_workers(
        paths,
        encoding,
        || Worker::new(false, Some(candidates.clone())),
        false,
        "vouchers",
    )?;
    let mut count: BTreeMap<(i32, String), u64> = BTreeMap::new();
    for w in workers {
        if let Some((_, found)) = w.recheck {
            for f in found {
                *count.entry(f).or_default() += 1;
            }
        }
    }
    Ok(count
        .into_iter()
        .filter(|(_, n)| *n > 1)
        .map(|(k, _)| k)
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_amounts_are_read_exactly_where_the_checks_accept_them() {
        assert_eq!(text_fen("12.3"), Some(1230));
        assert_eq!(text_fen("-0.05"), Some(-5));
        assert_eq!(text_fen("7"), Some(700));
        assert_eq!(text_fen("007.50"), Some(750));
        assert_eq!(text_fen("-0"), Some(0));
        assert_eq!(text_fen("1000000000000.00"), Some(MAX_FEN));
        assert_eq!(text_fen("1000000000000.01"), None);
        for bad in [
            "",
            "-",
            "12.",
            ".5",
            "12.345",
            "1,234.00",
            "1e5",
            " 1",
            "1 ",
            "+1",
            "--1",
            "1.2.3",
            "12345678901234",
            "٣",
        ] {
            assert_eq!(text_fen(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn repeated_finds_each_value_seen_twice() {
        let mut t = Vec::new();
        let (a, b): (&[u64], &[u64]) = (&[5, 0, 7, 5, 9], &[0, 7, 7, 1 << 40, 3]);
        let mut got = repeated(&mut t, [a, b].into_iter());
        got.sort_unstable();
        got.dedup();
        assert_eq!(got, [0, 5, 7]);
        assert!(repeated(&mut t, std::iter::empty()).is_empty());
        let many: Vec<u64> = (1..10_000u64)
            .map(|i| i.wrapping_mul(0x9e37_79b9_7f4a_7c15))
            .collect();
        assert!(repeated(&mut t, [many.as_slice()].into_iter()).is_empty());
    }

    #[test]
    fn voucher_hashes_differ_by_year_and_by_text() {
        let a = voucher_hash(2022, b"V2022-000000001");
        assert_eq!(a, voucher_hash(2022, b"V2022-000000001"));
        assert_ne!(a, voucher_hash(2023, b"V2022-000000001"));
        assert_ne!(a, voucher_hash(2022, b"V2022-000000002"));
        assert_ne!(voucher_hash(2022, b""), voucher_hash(2022, b"\0"));
        // every byte counts, at every length
        for n in 0..40usize {
            let base: Vec<u8> = (0..n as u8).map(|b| b'A' + b % 26).collect();
            for at in 0..n {
                let mut other = base.clone();
                other[at] ^= 1;
                assert_ne!(
                    voucher_hash(2022, &base),
                    voucher_hash(2022, &other),
                    "{n} {at}"
                );
            }
        }
    }
}
