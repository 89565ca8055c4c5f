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

fn ledger_case(file: &str, words: &[&str]) -> String {
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
    )
}

#[test]
fn bad_ledgers_are_refused_with_file_row_and_reason() {
    ledger_case("missing_column.csv", &["missing column", "budget_level"]);
    ledger_case("misspelt_column.csv", &["budget_levle", "misspelt"]);
    ledger_case(
        "three_decimals.csv",
        &["row 2: amount `12.345` has more than 2 decimals"],
    );
    ledger_case("month_13.csv", &["row 2: month `13` is not a month 1–12"]);
    // a field too many must not shift into an unread column (`note`) and pass
    ledger_case(
        "extra_field_in_row.csv",
        &[
            "row 3 has 8 fields where the header has 7",
            "unquoted comma",
        ],
    );
    ledger_case(
        "stray_quote.csv",
        &["row 3 has 3 fields where the header has 6", "stray quote"],
    );
    ledger_case(
        "duplicate_column.csv",
        &["column `amount` appears more than once"],
    );
    // every problem of a row, each under its kind
    let err = ledger_case(
        "several_problems_in_a_row.csv",
        &[
            "1 rejected",
            "month `13` is not a month",
            "region_code `99012`",
            "budget_level `sharde`",
            "amount `1.005` has more than 2 decimals",
            "and 3 more problem(s) in this row",
        ],
    );
    assert_eq!(err.matches("row(s): ").count(), 4, "four kinds: {err}");
    ledger_case(
        "unknown_region.csv",
        &["row 2: region_code `123456` is not in the region table"],
    );
    ledger_case(
        "province_region.csv",
        &["row 2: region_code `990000` is the province"],
    );
    ledger_case(
        "unknown_item.csv",
        &["row 2: item_code `99999` has no rulebook item"],
    );
    ledger_case(
        "county_level_in_prefecture.csv",
        &["row 2: budget_level `county` in region_code `990100`, a prefecture proper"],
    );
    ledger_case(
        "thousands_separator.csv",
        &["row 2: amount `1,234.00` has thousands separators"],
    );
    ledger_case("header_only.csv", &["empty file"]);
    ledger_case("empty.csv", &["empty file"]);
    ledger_case("truncated.parquet", &["not a readable Parquet"]);
    ledger_case(
        "year_out_of_range.csv",
        &["row 2: fiscal_year `1990` is not a year in 1994–2100"],
    );
    ledger_case("missing_year.csv", &["row 2: missing fiscal_year"]);
    ledger_case(
        "item_code_letters.csv",
        &["row 2: item_code `1010A` is not a 3–9 digit item code"],
    );
    ledger_case(
        "region_code_5_digits.csv",
        &["row 2: region_code `99012` is not a 6-digit region code"],
    );
    ledger_case(
        "bad_budget_level.csv",
        &["row 2: budget_level `local` is not shared, central"],
    );
    ledger_case("missing_amount.csv", &["row 2: missing amount"]);
    // the same voucher in another fiscal year (row 4) is no duplicate
    let err = ledger_case(
        "duplicate_vouchers.csv",
        &[
            "2 rejected",
            "row 2: duplicate voucher_id `V1` within the fiscal year 2021",
            "row 3: duplicate voucher_id `V1`",
        ],
    );
    assert!(!err.contains("row 4"), "{err}");
    ledger_case(
        "prefecture_level_without_prefecture.csv",
        &["row 2: budget_level `prefecture` in region_code `990301`, a county with no prefecture"],
    );
    ledger_case(
        "no_rule_in_force.csv",
        &["row 2: item_code `10101` is shared but its rulebook item has no rule in force at 2018-01"],
    );
    ledger_case(
        "exponent_amount.csv",
        &["row 2: amount `1e5` is in scientific notation"],
    );
    ledger_case(
        "scientific_amount.csv",
        &[
            "row 2: amount `5.39748E+09` is in scientific notation",
            "Excel",
        ],
    );
    ledger_case(
        "amount_above_limit.csv",
        &["row 2: amount `10000000000000.00` is above 10^12 yuan"],
    );
    ledger_case(
        "amount_not_yuan.csv",
        &["row 2: amount `12 yuan` is not an amount in yuan"],
    );
    ledger_case("ragged_row.csv", &["ragged_row.csv"]);
    let err = refused(
        &["validate", "tests/bad_inputs/gbk_as_utf8.csv"],
        &["gbk_as_utf8.csv"],
    );
    assert_eq!(
        err.matches("--encoding gbk").count(),
        1,
        "the hint once: {err}"
    );
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
        // 一市一策 rules that would never apply must not pass silently
        (
            "prefecture_rule_unknown_prefecture.toml",
            &[
                "prefecture_rule[0].prefecture",
                "990299",
                "not in the regions",
            ][..],
        ),
        (
            "prefecture_rule_on_county.toml",
            &["prefecture_rule[0].prefecture", "990121", "county"][..],
        ),
        (
            "prefecture_rule_unknown_item.toml",
            &["prefecture_rule[0].item", "10199", "prefix"][..],
        ),
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
        // validate with the rulebook refuses it the same way
        let regions = format!("{MINI}/regions.csv");
        refused(
            &[
                "validate",
                &format!("{MINI}/ledger"),
                "--regions",
                &regions,
                "--rulebook",
                rb.to_str().unwrap(),
            ],
            &w,
        );
    }
}

/// A scenario in a temp dir that extends the mini case and replaces one input path.
fn with_table(dir: &Path, key: &str, file: &str) -> std::path::PathBuf {
    let mini = std::fs::canonicalize(MINI).unwrap();
    let bad = std::fs::canonicalize(Path::new("tests/bad_inputs").join(file)).unwrap();
    let sc = dir.join(format!("{key}.toml"));
    std::fs::write(
        &sc,
        format!(
            "[scenario]\nname = \"x\"\nextends = \"{}\"\n{key} = \"{}\"\n",
            mini.join("fixed.toml").display(),
            bad.display()
        ),
    )
    .unwrap();
    sc
}

#[test]
fn bad_tables_name_file_row_and_reason() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    for (key, file, words) in [
        (
            "regions",
            "regions_duplicate_code.csv",
            &["990100 appears twice"][..],
        ),
        (
            "regions",
            "regions_bad_kind.csv",
            &["row 3", "kind `city`"][..],
        ),
        (
            "regions",
            "regions_gbk.csv",
            &[
                "invalid UTF-8",
                "save the file as UTF-8",
                "--encoding gbk is for ledgers",
            ][..],
        ),
        (
            "regions",
            "regions_unknown_parent.csv",
            &["parent 990777"][..],
        ),
        (
            "regions",
            "regions_negative_population.csv",
            &["row 3", "population `-5`"][..],
        ),
        (
            "subsidies",
            "subsidies_unknown_county.csv",
            &["row 2", "unknown region 990999"][..],
        ),
        (
            "subsidies",
            "subsidies_repeated_row.csv",
            &["row 3", "a second row for 990121 in 2021"][..],
        ),
        (
            "rebates",
            "rebates_year_out_of_range.csv",
            &["row 2", "fiscal_year 2202"][..],
        ),
        (
            "subsidies",
            "subsidies_wrong_prefecture.csv",
            &["row 2", "not the prefecture of county 990121"][..],
        ),
        (
            "bases",
            "bases_three_decimals.csv",
            &[
                "row 2: base `1.005` has more than 2 decimals",
                "hint: amounts are yuan with at most 2 decimals",
            ][..],
        ),
        (
            "transfers",
            "transfers_bad_column.csv",
            &["row 2", "region_code"][..],
        ),
        (
            "transfers",
            "transfers_to_province.csv",
            &["row 3", "990000", "the province"][..],
        ),
        (
            "rulebook",
            "malformed_month.toml",
            &["item[1] (10104).rule[0].from", "2019-13"][..],
        ),
        (
            "rulebook",
            "rate_as_float.toml",
            &["line 9", "`0.5` is a TOML number", "\"0.5\""][..],
        ),
        (
            "rulebook",
            "bad_item_code.toml",
            &["item[1].code", "1A104"][..],
        ),
        (
            "rulebook",
            "unordered_rules.toml",
            &["item[0] (10101).rule[1].from", "out of order"][..],
        ),
    ] {
        let sc = with_table(dir.path(), key, file);
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
        (
            "base_year_not_in_ledger.toml",
            &["990121", "base year 2012", "not in the ledgers"][..],
        ),
        (
            "key_in_wrong_table.toml",
            &["unknown field", "key `scenario.base_years`"][..],
        ),
        (
            "malformed_regime_month.toml",
            &["regime.all_direct_from", "2022/01", "YYYY-MM"][..],
        ),
        (
            "override_rate_over_one.toml",
            &["override[0].province", "between 0 and 1"][..],
        ),
        (
            "override_unknown_item.toml",
            &["override[0].item", "`10199`", "not in the rulebook"][..],
        ),
        (
            "years_before_ledger.toml",
            &["scenario.years", "2010", "no good rows", "2021–2023"][..],
        ),
        (
            "years_beyond_ledger.toml",
            &["scenario.years", "2030", "no [projection]"][..],
        ),
        (
            "indexation_coefficient_over_one.toml",
            &[
                "baseline.indexation",
                "revenue_coefficient `2.5` is not between 0 and 1",
            ][..],
        ),
        (
            "indexation_rate_below_minus_one.toml",
            &["baseline.indexation", "above −1"][..],
        ),
        (
            "base_years_twice.toml",
            &["baseline.base_years", "lists 2021 twice"][..],
        ),
        ("no_ledgers.toml", &["scenario.ledgers", "at least one"][..]),
        (
            "growth_unknown_item.toml",
            &["projection.growth.99999", "matches no item"][..],
        ),
        (
            "growth_seven_decimals.toml",
            &["projection.growth.default", "more than 6 decimals"][..],
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
    // --force replaces only fencheng's own output: a folder of other files is refused
    // (exit 2), untouched
    let args = [
        "run",
        &sc,
        "--out",
        out.to_str().unwrap(),
        "--force",
        "--quiet",
    ];
    let err = fencheng()
        .args(args)
        .assert()
        .code(2)
        .get_output()
        .stderr
        .clone();
    let err = String::from_utf8_lossy(&err);
    assert!(
        err.contains("nothing was touched") && err.contains("manifest.json"),
        "{err}"
    );
    assert_eq!(std::fs::read_dir(&out).unwrap().count(), 1);
    // a manifest that is not fencheng's does not count either
    std::fs::write(
        out.join("manifest.json"),
        r#"{"engine": {"name": "other"}}"#,
    )
    .unwrap();
    fencheng().args(args).assert().code(2);
    assert!(out.join("keep.txt").exists());
    // an earlier fencheng output is replaced whole
    std::fs::remove_file(out.join("keep.txt")).unwrap();
    std::fs::remove_file(out.join("manifest.json")).unwrap();
    fencheng().args(args).assert().success();
    std::fs::write(out.join("keep.txt"), "a file inside an earlier output").unwrap();
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

#[test]
fn crlf_bom_and_gbk_ledgers_are_accepted() {
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(format!("{MINI}/ledger/2021.csv")).unwrap();
    let crlf = dir.path().join("crlf_bom.csv");
    std::fs::write(&crlf, format!("\u{feff}{}", text.replace('\n', "\r\n"))).unwrap();
    fencheng()
        .args(["validate", crlf.to_str().unwrap()])
        .assert()
        .success();
    let with_notes = text
        .replace("amount\n", "amount,备注\n")
        .replace(".00\n", ".00,测试\n");
    let (gbk_bytes, _, _) = encoding_rs::GBK.encode(&with_notes);
    let gbk = dir.path().join("gbk.csv");
    std::fs::write(&gbk, &gbk_bytes).unwrap();
    fencheng()
        .args(["validate", gbk.to_str().unwrap(), "--encoding", "gbk"])
        .assert()
        .success();
    let err = refused(&["validate", gbk.to_str().unwrap()], &["--encoding gbk"]);
    assert_eq!(
        err.matches("--encoding gbk").count(),
        1,
        "the hint once: {err}"
    );
    // a GBK file behind a UTF-8 byte-order mark: the hint leads to a file that is read
    let gbk_bom = dir.path().join("gbk_bom.csv");
    std::fs::write(&gbk_bom, [&b"\xEF\xBB\xBF"[..], &gbk_bytes].concat()).unwrap();
    refused(
        &["validate", gbk_bom.to_str().unwrap()],
        &["--encoding gbk"],
    );
    fencheng()
        .args(["validate", gbk_bom.to_str().unwrap(), "--encoding", "gbk"])
        .assert()
        .success();
    // and a UTF-8 file read as GBK is told to drop the flag
    let utf8_notes = dir.path().join("utf8_notes.csv");
    std::fs::write(&utf8_notes, format!("\u{feff}{with_notes}")).unwrap();
    refused(
        &[
            "validate",
            utf8_notes.to_str().unwrap(),
            "--encoding",
            "gbk",
        ],
        &["is UTF-8: read it without --encoding gbk"],
    );
}

#[test]
fn every_broken_file_has_a_case() {
    // a file in tests/bad_inputs/ that no case names would be a test that never runs;
    // cycle_b.toml is reached through cycle_a.toml's `extends`
    let cases = include_str!("bad_inputs.rs");
    let mut files = 0;
    for f in std::fs::read_dir("tests/bad_inputs").unwrap() {
        let name = f.unwrap().file_name().to_string_lossy().to_string();
        files += 1;
        if name == "cycle_b.toml" {
            continue;
        }
        assert!(
            cases.contains(&format!("\"{name}\"")),
            "tests/bad_inputs/{name} is not used by any case"
        );
    }
    assert!(files >= 30, "{files} broken files");
}

#[test]
fn a_ledger_too_large_to_sum_exactly_is_refused() {
    // each row within the 10^12-yuan cap, their sum beyond what i64 fen can hold with room:
    // refused up front, never summed with a wrap
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("huge.csv");
    let mut csv = String::from("fiscal_year,month,region_code,item_code,budget_level,amount\n");
    for i in 0..12_000 {
        csv.push_str(&format!(
            "2022,{},990121,10101,shared,999999999999.99\n",
            1 + i % 12
        ));
    }
    std::fs::write(&path, csv).unwrap();
    refused(
        &["validate", path.to_str().unwrap()],
        &["add up to", "fencheng sums exactly"],
    );
}

#[test]
fn synth_csv_without_receipts_is_a_usage_error() {
    let dir = tempfile::tempdir().unwrap();
    let out = fencheng()
        .args(["synth", "--csv", "--out"])
        .arg(dir.path().join("s"))
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("--receipts"), "{err}");
    assert!(!dir.path().join("s").exists());
}
