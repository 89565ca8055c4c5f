//! Ledger stage, the receipt store: the good receipts of a ledger as compact (key, fen)
//! records, 12 bytes each — the first 128 MiB per worker in memory, the rest in anonymous
//! temporary files — from which the receipt-level split of every scenario runs without
//! reading the ledger again.

use crate::error::{Error, Result};
use std::fs::File;
use std::io::Write;
use std::os::unix::fs::FileExt;

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
/// Records buffered before a write, and read at once by [`ReceiptStore::for_each`].
const SPILL_CHUNK: usize = 1 << 16;

/// A chunk of the receipt store: (part, first record, records).
pub(crate) type Chunk = (usize, u64, usize);

/// The good receipts of a ledger as (key, fen) records: the first ones in memory (a fixed
/// budget per worker), the rest in anonymous temporary files, deleted when dropped.
pub struct ReceiptStore {
    pub(crate) parts: Vec<SpillPart>,
}

pub(crate) struct SpillPart {
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

/// One worker's receipts as they arrive: in memory while under the budget, the rest
/// through a buffer into an anonymous temporary file (made when needed).
pub(crate) struct Spill {
    /// The first receipts (up to `budget` bytes, [`SPILL_IN_MEMORY`]).
    kept: Vec<u8>,
    budget: usize,
    file: Option<File>,
    buf: Vec<u8>,
    records: u64,
}

impl Spill {
    /// A spill that keeps receipts (`keep`), or one that keeps none.
    pub(crate) fn new(keep: bool) -> Spill {
        Spill {
            // Reserved whole (address space only: pages are taken as receipts arrive), so
            // growing never copies.
            kept: Vec::with_capacity(if keep { spill_in_memory() } else { 0 }),
            budget: spill_in_memory(),
            file: None,
            buf: Vec::new(),
            records: 0,
        }
    }

    /// Writes the buffered records to the file.
    pub(crate) fn flush(&mut self) -> std::io::Result<()> {
        if self.buf.is_empty() {
            return Ok(());
        }
        if self.file.is_none() {
            self.file = Some(tempfile::tempfile()?);
        }
        if let Some(f) = &mut self.file {
            f.write_all(&self.buf)?;
        }
        self.buf.clear();
        Ok(())
    }

    /// Keeps a good receipt: key id `k` of the worker, amount in fen.
    #[inline]
    pub(crate) fn keep(&mut self, k: u32, fen: i64) -> std::io::Result<()> {
        let to = if self.kept.len() + RECORD <= self.budget {
            &mut self.kept
        } else {
            &mut self.buf
        };
        to.extend_from_slice(&k.to_le_bytes());
        to.extend_from_slice(&fen.to_le_bytes());
        self.records += 1;
        if self.buf.len() >= SPILL_CHUNK * RECORD {
            self.flush()?;
        }
        Ok(())
    }

    /// The records as a part of the store (after [`Spill::flush`]); `to_total` maps the
    /// worker's key ids to the scan's totals.
    pub(crate) fn into_part(self, to_total: Vec<u32>) -> SpillPart {
        SpillPart {
            in_memory: (self.kept.len() / RECORD) as u64,
            memory: self.kept,
            file: self.file,
            records: self.records,
            to_total,
        }
    }
}
