//! Item shares (分成明细): the split summed per year × month × region × item × budget level.
//! Two ways to get them: [`split_monthly`] splits each monthly total as one receipt (plain
//! Rust, for what-if work); [`split_receipts`] splits every ledger row and sums (what the
//! treasury does). Both use [`Cascade::split`] and prove conservation per key.

use super::{route, Cascade, Parts};
use crate::error::{Error, Result};
use crate::ledger::{Chunk, LedgerScan, MonthlyTotal, ShareKey};
use crate::regions::RegionTable;
use crate::rules::RuleSet;
use rayon::prelude::*;

/// How finely receipts are split (spec "Granularity").
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Granularity {
    /// Every ledger row split on its own, as the treasury does.
    Receipt,
    /// Each monthly total per region × item × level split as one receipt.
    Monthly,
}

/// One row of `item_shares`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ShareRow {
    /// Year, month, region, item, level.
    pub key: ShareKey,
    /// Where the money went.
    pub parts: Parts,
    /// Receipts summed (1 per projected or monthly total row when split monthly).
    pub receipts: u64,
    /// A projected year (预测), not actual.
    pub projected: bool,
}

/// Routes a key under the scenario's regions and rules (an error names the key).
pub fn cascade_of(regions: &RegionTable, rules: &RuleSet, k: &ShareKey) -> Result<Cascade> {
    route(regions, rules, &k.region, &k.item, k.level, k.ym()).map_err(|p| {
        Error::Input(format!(
            "{} {}-{:02} item {} level {}: {}",
            k.region,
            k.year,
            k.month,
            k.item,
            k.level,
            p.row_problem(k)
        ))
    })
}

/// The split of a receipt of `key`, refused unless it conserves the amount (every fen in
/// exactly one level).
#[inline(always)]
pub fn conserving(parts: Parts, key: &ShareKey) -> Result<Parts> {
    if parts.conserves() {
        Ok(parts)
    } else {
        Err(not_conserved(parts, key))
    }
}

/// The error of a split that does not add up (never taken while the split is right: kept
/// out of the loops that inline [`conserving`]).
#[cold]
fn not_conserved(parts: Parts, key: &ShareKey) -> Error {
    Error::Check(format!("split of {key:?} does not add up: {parts:?}"))
}

/// Splits each monthly total as one receipt.
pub fn split_monthly<'a>(
    totals: impl Iterator<Item = &'a MonthlyTotal>,
    regions: &RegionTable,
    rules: &RuleSet,
    projected: bool,
) -> Result<Vec<ShareRow>> {
    totals
        .map(|t| {
            let parts = conserving(cascade_of(regions, rules, &t.key)?.split(t.amount), &t.key)?;
            Ok(ShareRow {
                key: t.key.clone(),
                parts,
                receipts: t.receipts,
                projected,
            })
        })
        .collect()
}

/// Splits every good receipt of the ledger (rows without problems, keys in `totals`) with
/// [`Cascade::split`], sums per key, and checks each key against its monthly total.
/// The receipts come from the scan's compact store (no second read of the ledger), in
/// parallel chunks; `excluded` are receipts set aside one by one (duplicate vouchers under
/// `--quarantine`), by key and fen, and are taken out of their key's sums.
pub fn split_receipts<'a>(
    scan: &LedgerScan,
    totals: impl Iterator<Item = &'a MonthlyTotal>,
    regions: &RegionTable,
    rules: &RuleSet,
    excluded: &[(ShareKey, i64)],
) -> Result<Vec<ShareRow>> {
    let keys = &scan.totals;
    let index = |k: &ShareKey| {
        keys.binary_search_by(|t| t.key.cmp(k))
            .map_err(|_| Error::Check(format!("key {k:?} is not a key of the ledger")))
    };
    let mut cascades: Vec<Option<Cascade>> = vec![None; keys.len()];
    let mut expected: Vec<Option<(i64, u64)>> = vec![None; keys.len()];
    // `totals` is a sorted subset of the scan's keys: walk both, search only when unsorted.
    let mut next = 0;
    for t in totals {
        let i = match keys.get(next) {
            Some(k) if k.key == t.key => next,
            _ => index(&t.key)?,
        };
        next = i + 1;
        cascades[i] = Some(cascade_of(regions, rules, &t.key)?);
        expected[i] = Some((t.amount, t.receipts));
    }
    let store = scan.receipts();
    // Runs of chunks, each within one part of the store (a worker's receipts), about one
    // run per thread. A run sums into accumulators indexed by the part's own key ids —
    // dense, in the order the keys were met (so mostly month by month) — and only then
    // into the scan's keys.
    let threads = rayon::current_num_threads().max(1);
    let per_part = threads.div_ceil(store.part_count().max(1)).max(1);
    let mut runs: Vec<(usize, Vec<Chunk>)> = Vec::new();
    for part in 0..store.part_count() {
        let chunks = store.chunks_of(part);
        for run in chunks.chunks(chunks.len().div_ceil(per_part).max(1)) {
            runs.push((part, run.to_vec()));
        }
    }
    let sums = runs
        .par_iter()
        .map(|(part, run)| -> Result<KeySums> {
            let to_total = store.to_total(*part);
            let local_cascade: Vec<Option<Cascade>> =
                to_total.iter().map(|&i| cascades[i as usize]).collect();
            let mut local = vec![(Parts::default(), 0u64); to_total.len()];
            let mut breaches = 0u64;
            let mut buf = Vec::new();
            for &chunk in run {
                store.for_each(chunk, &mut buf, |k, fen| {
                    if let Some(c) = &local_cascade[k] {
                        let p = c.split(fen);
                        breaches += u64::from(breach(&p));
                        let slot = &mut local[k];
                        slot.0 += p;
                        slot.1 += 1;
                    }
                })?;
            }
            let mut acc = KeySums::new(keys.len());
            acc.breaches = breaches;
            for (k, (p, n)) in local.into_iter().enumerate() {
                if n > 0 {
                    let i = to_total[k] as usize;
                    acc.parts[i] += p;
                    acc.receipts[i] += n;
                }
            }
            Ok(acc)
        })
        .try_reduce(|| KeySums::new(keys.len()), |a, b| Ok(a.merge(b)))?;
    let KeySums {
        mut parts,
        mut receipts,
        breaches,
    } = sums;
    if breaches > 0 {
        return Err(Error::Check(format!(
            "{breaches} receipt(s) split into parts that do not add up to the receipt"
        )));
    }
    for (k, fen) in excluded {
        let i = index(k)?;
        if let Some(c) = &cascades[i] {
            parts[i] = parts[i] - c.split(*fen);
            receipts[i] -= 1;
        }
    }
    let mut rows = Vec::new();
    for (i, t) in keys.iter().enumerate() {
        if cascades[i].is_none() || receipts[i] == 0 {
            continue;
        }
        let r = ShareRow {
            key: t.key.clone(),
            parts: parts[i],
            receipts: receipts[i],
            projected: false,
        };
        match expected[i].take() {
            Some((amount, n))
                if amount == r.parts.collected && n == r.receipts && r.parts.conserves() => {}
            other => {
                return Err(Error::Check(format!(
                    "receipts of {:?}: split sums to {} fen in {} receipts, ledger total {:?}",
                    r.key, r.parts.collected, r.receipts, other
                )))
            }
        }
        rows.push(r);
    }
    if let Some((i, v)) = expected
        .iter()
        .enumerate()
        .find_map(|(i, e)| e.map(|v| (i, v)))
    {
        return Err(Error::Check(format!(
            "ledger key {:?} ({v:?}) lost in the split",
            keys[i].key
        )));
    }
    Ok(rows)
}

/// Per-key sums of split receipts (one per parallel chunk, then merged).
struct KeySums {
    parts: Vec<Parts>,
    receipts: Vec<u64>,
    breaches: u64,
}

impl KeySums {
    fn new(n: usize) -> KeySums {
        KeySums {
            parts: vec![Parts::default(); n],
            receipts: vec![0; n],
            breaches: 0,
        }
    }

    fn merge(mut self, o: KeySums) -> KeySums {
        for (a, b) in self.parts.iter_mut().zip(o.parts) {
            *a += b;
        }
        for (a, b) in self.receipts.iter_mut().zip(o.receipts) {
            *a += b;
        }
        self.breaches += o.breaches;
        self
    }
}

/// A receipt whose parts do not add up to it, or a part of the opposite sign of the
/// receipt or larger than it (which rounding must never produce).
fn breach(p: &Parts) -> bool {
    let a = p.collected;
    let bad = |x: i64| (x < 0 && a > 0) || (x > 0 && a < 0) || x.unsigned_abs() > a.unsigned_abs();
    !p.conserves()
        || bad(p.to_central)
        || bad(p.to_province)
        || bad(p.to_prefecture)
        || bad(p.retained)
}
