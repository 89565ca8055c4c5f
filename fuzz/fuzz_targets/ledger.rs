//! Ledger reader: arbitrary bytes as a one-file CSV ledger, read as UTF-8 and as GBK.
//! Any `Err` is an acceptable answer; a panic or an abort is a finding.
#![no_main]

use fencheng::ledger::{Encoding, LedgerScan};
use libfuzzer_sys::fuzz_target;
use std::path::PathBuf;
use std::sync::OnceLock;

/// One temporary folder per fuzzing process; `x.csv` in it is rewritten for every input.
fn ledger_path() -> &'static PathBuf {
    static DIR: OnceLock<(tempfile::TempDir, PathBuf)> = OnceLock::new();
    &DIR.get_or_init(|| {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("x.csv");
        (dir, path)
    })
    .1
}

fuzz_target!(|data: &[u8]| {
    let path = ledger_path();
    std::fs::write(path, data).expect("write x.csv");
    for encoding in [Encoding::Utf8, Encoding::Gbk] {
        if let Ok(scan) = LedgerScan::open(std::slice::from_ref(path), encoding) {
            let _ = scan.rejects(&Default::default());
        }
    }
});
