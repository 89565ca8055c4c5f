//! Every file in `tests/bad_inputs/` is refused with a non-zero exit, a message naming the
//! file and the reason, no panic and no output folder. Cases are data: file → words.

use assert_cmd::Command;
use std::path::Path;

const MINI: &str = "tests/cases/mini";

fn fencheng() -> Command {
    Command::cargo_bin("fencheng").unwrap()
}

/// Runs `args`, expects exit 1 and every word in stderr; returns stderr.
fn refused(args: &[&str], words: &[&str]) -> String {
    let out = fencheng().args(args).output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr).to_string();
    assert_eq!(out.status.code(), Some(1), "args {args:?}: {err}");
    assert!(!err.contains("panicked"), "panic: {err}");
    for w in words {
        assert!(err.contains(w), "args {args:?}: `{w}` not in: {err}");
    }
    err
}

fn ledger_case(file: &str, words: &[&str]) {
    let path = format!("tests/bad_inputs/{file}");
    let regions = format!("{MINI}/regions.csv");
    let rulebook = format!("{MINI}/rulebook.toml");
    let mut all = vec![file];
    all.extend_from_slice(words);
    refused(
        &[
            "validate",
            &path,
            "--regions",
            &regions,
            "--rulebook",
            &rulebook,
        ],
        &all,
    );
}

#[test]
fn bad_ledgers_are_refused_with_file_row_and_reason() {
    ledger_case("missing_column.csv", &["missing column", "budget_level"]);
    ledger_case("misspelt_column.csv", &["budget_levle", "misspelt"]);
    ledger_case(
        "three_decimals.csv",
        &["row 1", "12.345", "more than 2 decimals"],
    );
    ledger_case("month_13.csv", &["row 1", "month `13`"]);
    ledger_case("unknown_region.csv", &["row 1", "unknown region_code"]);
    ledger_case("unknown_item.csv", &["row 1", "unknown item_code"]);
    ledger_case(
        "county_level_in_prefecture.csv",
        &["row 1", "county in a prefecture proper"],
    );
    ledger_case(
        "thousands_separator.csv",
        &["row 1", "thousands separators"],
    );
    ledger_case("header_only.csv", &["empty file"]);
    ledger_case("empty.csv", &["empty file"]);
    ledger_case("truncated.parquet", &["not a readable Parquet"]);
    let err = refused(
        &["validate", "tests/bad_inputs/gbk_as_utf8.csv"],
        &["gbk_as_utf8.csv"],
    );
    assert!(err.contains("--encoding gbk"), "{err}");
}

#[test]
fn bad_rulebooks_name_the_key() {
    let dir = tempfile::tempdir().unwrap();
    for (file, words) in [
        (
            "rate_over_one.toml",
            &["item[0] (10101).rule[0].central", "between 0 and 1"][..],
        ),
        (
            "overlapping_rules.toml",
            &["item[0] (10101).rule[1].from", "overlap"][..],
        ),
        ("unknown_key.toml", &["unknown field", "author"][..]),
    ] {
        let sc = dir.path().join("sc.toml");
        let mini = std::fs::canonicalize(MINI).unwrap();
        let rb = std::fs::canonicalize(Path::new("tests/bad_inputs").join(file)).unwrap();
        std::fs::write(
            &sc,
            format!(
                "[scenario]\nname = \"x\"\nextends = \"{}\"\nrulebook = \"{}\"\n",
                mini.join("fixed.toml").display(),
                rb.display()
            ),
        )
        .unwrap();
        let out = dir.path().join("out");
        let mut w = vec![file];
        w.extend_from_slice(words);
        refused(
            &["run", sc.to_str().unwrap(), "--out", out.to_str().unwrap()],
            &w,
        );
        assert!(!out.exists(), "no output folder after an error");
    }
}

#[test]
fn bad_scenarios_name_the_key() {
    for (file, words) in [
        ("cycle_a.toml", &["scenario.extends", "cycle"][..]),
        (
            "extends_missing.toml",
            &["scenario.extends", "no_such_parent.toml"][..],
        ),
        ("scenario_unknown_key.toml", &["unknown field", "bogus"][..]),
        (
            "two_indexations.toml",
            &["baseline.indexation", "exactly one"][..],
        ),
    ] {
        let path = format!("tests/bad_inputs/{file}");
        refused(&["run", &path, "--out", "target/never-written"], words);
        assert!(!Path::new("target/never-written").exists());
    }
}

#[test]
fn existing_output_is_refused_without_force_and_kept_intact() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    std::fs::create_dir(&out).unwrap();
    std::fs::write(out.join("keep.txt"), "earlier output").unwrap();
    let sc = format!("{MINI}/fixed.toml");
    refused(
        &["run", &sc, "--out", out.to_str().unwrap()],
        &["not empty", "--force"],
    );
    assert_eq!(
        std::fs::read_to_string(out.join("keep.txt")).unwrap(),
        "earlier output"
    );
    fencheng()
        .args([
            "run",
            &sc,
            "--out",
            out.to_str().unwrap(),
            "--force",
            "--quiet",
        ])
        .assert()
        .success();
    assert!(out.join("settlement.parquet").exists() && !out.join("keep.txt").exists());
    // no partial sibling folders remain
    let leftovers: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .flatten()
        .filter(|e| e.file_name() != "out")
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}
