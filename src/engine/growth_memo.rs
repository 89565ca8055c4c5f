//! Growth answers kept between what-if evaluations (增长推演缓存): an item's projected
//! rows grown at one rate, split and summed per region-year. The page sends its whole state
//! with every request, so once an analyst sets a growth rate, every later answer (another
//! indexation, an override, a moved switch date) asks for the same growth again; this keeps
//! the sums of the last rates asked so that those answers add them instead of growing and
//! splitting every projected row again. The rows are grown and split by the run's own
//! functions when an entry is made ([`super::incremental`]); an entry is only a sum of
//! them, exact to the fen (integers), so an answer is the same bytes from an entry or not.

use crate::split::Parts;
use rust_decimal::Decimal;
use rustc_hash::FxHashMap;
use std::sync::{Arc, Mutex};

/// One projected item's rows grown at one rate: the change from the served parts, summed.
pub struct ItemGrowth {
    /// Per region-year (an index into the incremental index's cells), in cell order: Σ of
    /// each row's parts split from its grown total minus its served parts.
    pub cells: Vec<(u32, Parts)>,
    /// Per projected year (index: years after the last actual year, minus 1): Σ |grown
    /// total| − |served total| (the projected total's check), and the rows grown.
    pub per_year: Vec<(i128, usize)>,
}

/// An entry's key: the projected item (an index into the incremental index's projected
/// items) and its growth rate as written, mantissa and scale (`0.050` and `0.05` are two
/// entries: the factor's digits, which the rows are grown with, are the written rate's).
pub type Key = (u16, i128, u32);

/// The key of `item` grown at `growth`.
pub fn key(item: u16, growth: Decimal) -> Key {
    (item, growth.mantissa(), growth.scale())
}

/// The entries, at most [`GrowthMemo::CAPACITY`] region-year sums in all; past it the least
/// recently used go.
#[derive(Default)]
pub struct GrowthMemo {
    entries: Mutex<Entries>,
}

#[derive(Default)]
struct Entries {
    map: FxHashMap<Key, (Arc<ItemGrowth>, u64)>,
    /// Region-year sums held in all.
    held: usize,
    /// A counter: an entry's last use.
    clock: u64,
}

impl GrowthMemo {
    /// Region-year sums held at most (~56 bytes each: about 14 MB). An item of the shipped
    /// Henan data has about 1,000 (regions × projected years), so some 250 item-rates.
    pub const CAPACITY: usize = 250_000;

    /// The entry of `key`, when held.
    pub fn get(&self, key: &Key) -> Option<Arc<ItemGrowth>> {
        let mut e = self.entries.lock().ok()?;
        e.clock += 1;
        let now = e.clock;
        e.map.get_mut(key).map(|(entry, used)| {
            *used = now;
            Arc::clone(entry)
        })
    }

    /// Keeps `entry` under `key`, letting the least recently used go past the capacity.
    pub fn put(&self, key: Key, entry: Arc<ItemGrowth>) {
        let Ok(mut e) = self.entries.lock() else {
            return;
        };
        e.clock += 1;
        let now = e.clock;
        e.held += entry.cells.len();
        if let Some((old, _)) = e.map.insert(key, (entry, now)) {
            e.held -= old.cells.len();
        }
        while e.held > Self::CAPACITY && e.map.len() > 1 {
            let Some(oldest) = e
                .map
                .iter()
                .min_by_key(|(_, (_, used))| *used)
                .map(|(k, _)| *k)
            else {
                break;
            };
            if let Some((gone, _)) = e.map.remove(&oldest) {
                e.held -= gone.cells.len();
            }
        }
    }

    /// Entries held.
    pub fn len(&self) -> usize {
        self.entries.lock().map_or(0, |e| e.map.len())
    }

    /// No entry held.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(cells: usize) -> Arc<ItemGrowth> {
        Arc::new(ItemGrowth {
            cells: (0..cells as u32).map(|c| (c, Parts::default())).collect(),
            per_year: vec![(0, cells)],
        })
    }

    #[test]
    fn the_least_recently_used_go_past_the_capacity() {
        let memo = GrowthMemo::default();
        let half = GrowthMemo::CAPACITY / 2;
        let rate = |item, s: &str| key(item, s.parse::<Decimal>().unwrap());
        memo.put(rate(0, "0.05"), entry(half));
        memo.put(rate(1, "0.05"), entry(half));
        assert_eq!(memo.len(), 2);
        // item 0 used again: item 1 is now the least recently used
        assert!(memo.get(&rate(0, "0.05")).is_some());
        // the same rate written with another scale is another entry
        assert!(memo.get(&rate(0, "0.050")).is_none());
        memo.put(rate(2, "0.05"), entry(10));
        assert_eq!(memo.len(), 2);
        assert!(memo.get(&rate(1, "0.05")).is_none());
        assert!(memo.get(&rate(0, "0.05")).is_some());
        assert!(memo.get(&rate(2, "0.05")).is_some());
        // replacing an entry does not count it twice
        memo.put(rate(2, "0.05"), entry(10));
        assert_eq!(memo.len(), 2);
    }

    #[test]
    fn an_entry_larger_than_the_capacity_is_still_kept_alone() {
        let memo = GrowthMemo::default();
        memo.put(key(0, Decimal::ONE), entry(10));
        memo.put(key(1, Decimal::ONE), entry(GrowthMemo::CAPACITY + 1));
        assert_eq!(memo.len(), 1);
        assert!(memo.get(&key(1, Decimal::ONE)).is_some());
    }
}
