//! Scenario parser: arbitrary bytes as `s.toml` in a folder holding copies of the mini
//! case's files (so `extends = "fixed.toml"`, `regions = "regions.csv"`, … resolve), then
//! the regions and rules of whatever loaded.
//! Any `Err` is an acceptable answer; a panic or an abort is a finding.
#![no_main]

use fencheng::scenario::Scenario;
use libfuzzer_sys::fuzz_target;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

const MINI: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../tests/cases/mini");

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("create dir");
    for entry in std::fs::read_dir(from).expect("read mini case") {
        let entry = entry.expect("dir entry");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("file type").is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).expect("copy mini file");
        }
    }
}

/// One temporary copy of the mini case per fuzzing process; `s.toml` in it is rewritten
/// for every input.
fn scenario_path() -> &'static PathBuf {
    static DIR: OnceLock<(tempfile::TempDir, PathBuf)> = OnceLock::new();
    &DIR.get_or_init(|| {
        let dir = tempfile::tempdir().expect("temp dir");
        copy_dir(Path::new(MINI), dir.path());
        let path = dir.path().join("s.toml");
        (dir, path)
    })
    .1
}

fuzz_target!(|data: &[u8]| {
    let path = scenario_path();
    std::fs::write(path, data).expect("write s.toml");
    if let Ok(sc) = Scenario::load(path) {
        let _ = sc.regions();
        let _ = sc.rules();
    }
});
