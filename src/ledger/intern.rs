//! Ledger stage, the pass's keys without text: region and item codes interned per worker
//! ([`Interner`]), found by their 16-byte string view ([`ViewCache`]), and a worker's key
//! packed into one integer ([`LocalKey`]).

use super::vouchers::FxMap;
use crate::period::FIRST_YEAR;

/// Strings seen by a worker, each given a small id.
#[derive(Default)]
pub(crate) struct Interner {
    ids: FxMap<Box<str>, u32>,
    pub(crate) names: Vec<Box<str>>,
}

impl Interner {
    #[inline]
    pub(crate) fn id(&mut self, s: &str) -> u32 {
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
pub(crate) struct LocalKey;

impl LocalKey {
    #[inline]
    pub(crate) fn pack(year: i32, month: u8, level: u8, region: u32, item: u32) -> u64 {
        ((year - FIRST_YEAR) as u64) << 57
            | (month as u64) << 53
            | (level as u64) << 50
            | (region as u64) << 30
            | item as u64
    }

    pub(crate) fn unpack(k: u64) -> (i32, u8, u8, u32, u32) {
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
pub(crate) struct ViewCache {
    slots: Vec<(u128, u32)>,
}

impl ViewCache {
    const BITS: u32 = 10;
    const EMPTY: u32 = u32::MAX;

    pub(crate) fn new() -> ViewCache {
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
    pub(crate) fn get(&self, v: u128) -> Option<u32> {
        let (view, id) = self.slots[Self::slot(v)];
        (view == v && id != Self::EMPTY).then_some(id)
    }

    #[inline]
    pub(crate) fn put(&mut self, v: u128, id: u32) {
        self.slots[Self::slot(v)] = (v, id);
    }
}
