//! Ledger stage, the merge after the summing pass: every worker's keys and sums → the
//! monthly totals per key in [`ShareKey`] order, the receipt store's parts, the bound on
//! Σ |fen|, and the voucher hashes seen more than once.

use super::intern::LocalKey;
use super::pass::{PassResult, MAX_LEDGER_ABS_FEN};
use super::rejects::RejectedRow;
use super::store::{ReceiptStore, Spill};
use super::totals::ShareKey;
use super::vouchers::{repeated, HASH_BUCKET_BITS};
use super::worker::Worker;
use super::BudgetLevel;
use crate::error::{Error, Result};
use crate::period::FIRST_YEAR;
use std::collections::HashSet;

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

/// Merges the workers of the summing pass (see the module doc).
pub(crate) fn merge(
    mut workers: Vec<Worker>,
    rows_per_file: Vec<u64>,
    sha256: Vec<String>,
    read_secs: f64,
) -> Result<PassResult> {
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
            let spill = std::mem::replace(&mut w.spill, Spill::new(false));
            parts.push(spill.into_part(to_total));
        }
    }
    let mut rejected: Vec<RejectedRow> = workers
        .iter_mut()
        .flat_map(|w| std::mem::take(&mut w.rejected))
        .collect();
    rejected.sort();
    // Voucher hashes seen twice, bucket by bucket.
    let has_vouchers = workers.iter().any(|w| w.has_vouchers);
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
        rejected,
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
