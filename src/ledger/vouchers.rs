//! Ledger stage, voucher ids (凭证号): a fast hasher for the pass's small keys, 64-bit
//! hashes of (fiscal year, voucher id), and the hashes seen more than once — candidates
//! for duplicate vouchers, confirmed exactly by a second look at only those rows.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

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
pub(crate) const HASH_BUCKET_BITS: u32 = 10;

/// The values that occur more than once in the slices (one bucket of every worker): a
/// small open-addressing set in `table` (reused from bucket to bucket), no sort.
pub(crate) fn repeated<'a>(
    table: &mut Vec<u64>,
    slices: impl Iterator<Item = &'a [u64]> + Clone,
) -> Vec<u64> {
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

#[cfg(test)]
mod tests {
    use super::*;

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
