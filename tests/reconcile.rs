//! `fencheng reconcile`: the settlement against a bureau's own figures — an exact copy
//! (CSV, or the workbook's own sheet with its Chinese headers) reconciles with exit 0; one
//! changed figure exits 1 naming it, with the explain lines of its region-year; unknown
//! regions, years and columns are errors naming them.

use assert_cmd::Command;
use std::path::{Path, PathBuf};

const MINI: &str = "tests/cases/mini/fixed.toml";

fn fencheng() -> Command {
    Command::cargo_bin("fencheng").unwrap()
}

/// A run of the mini case into `dir/out`.
fn settled(dir: &Path) -> PathBuf {
    let out = dir.join("out");
    fencheng()
        .args(["run", MINI, "--quiet", "--out"])
        .arg(&out)
        .assert()
        .success();
    out
}

fn reconcile(dir: &Path, expected: &Path, extra: &[&str]) -> assert_cmd::assert::Assert {
    fencheng()
        .args(["reconcile", MINI, "--expected"])
        .arg(expected)
        .arg("--out")
        .arg(dir.join("reconcile.csv"))
        .args(extra)
        .assert()
}

#[test]
fn an_exact_copy_reconciles_and_one_changed_figure_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let out = settled(dir.path());
    let csv = out.join("settlement.csv");
    let ok = reconcile(dir.path(), &csv, &[]).success();
    let said = String::from_utf8_lossy(&ok.get_output().stdout).to_string();
    assert!(said.contains("reconciled"), "{said}");
    let written = std::fs::read_to_string(dir.path().join("reconcile.csv")).unwrap();
    assert_eq!(written.lines().count(), 1, "header only: {written}");

    // the bureau holds 5070.01 for 甲一县's 2022 available resources
    let text = std::fs::read_to_string(&csv).unwrap();
    let header: Vec<&str> = text.lines().next().unwrap().split(',').collect();
    let at = header.iter().position(|h| *h == "available").unwrap();
    let line = text
        .lines()
        .find(|l| l.contains(",2022,990121,"))
        .unwrap()
        .to_string();
    let mut fields: Vec<&str> = line.split(',').collect();
    assert_eq!(fields[at], "5070.00");
    fields[at] = "5070.01";
    let changed = dir.path().join("bureau.csv");
    std::fs::write(&changed, text.replace(&line, &fields.join(","))).unwrap();
    let bad = reconcile(dir.path(), &changed, &[]).code(1);
    let out_text = String::from_utf8_lossy(&bad.get_output().stdout).to_string();
    let err = String::from_utf8_lossy(&bad.get_output().stderr).to_string();
    assert!(
        out_text.contains("990121 甲一县 2022 available: expected 5070.01, fencheng 5070.00"),
        "{out_text}"
    );
    // the explain lines of that region-year follow
    assert!(
        out_text.contains("available (可用财力) = retained"),
        "{out_text}"
    );
    assert!(err.contains("1 of") && err.contains("available"), "{err}");
    let written = std::fs::read_to_string(dir.path().join("reconcile.csv")).unwrap();
    assert!(
        written.contains(",990121,甲一县,2022,available,5070.01,5070.00,-0.01"),
        "{written}"
    );
}

#[test]
fn the_workbooks_own_sheet_reconciles_with_its_chinese_headers() {
    let dir = tempfile::tempdir().unwrap();
    let out = settled(dir.path());
    // the first sheet is mini-fixed 2022: no year column, so the year is given
    let xlsx = out.join("settlement.xlsx");
    reconcile(dir.path(), &xlsx, &["--year", "2022"]).success();
    let e = reconcile(dir.path(), &xlsx, &[]).code(1);
    let err = String::from_utf8_lossy(&e.get_output().stderr).to_string();
    assert!(err.contains("--year"), "{err}");
}

#[test]
fn unknown_regions_years_and_columns_are_named() {
    let dir = tempfile::tempdir().unwrap();
    for (text, words) in [
        (
            "region_code,fiscal_year,available\n990999,2022,1.00\n",
            "region_code `990999`",
        ),
        (
            "region_code,fiscal_year,available\n990121,2019,1.00\n",
            "fiscal_year `2019`",
        ),
        (
            "地区代码,年度,可用财力,利润\n990121,2022,5070.00,1\n",
            "column `利润`",
        ),
        (
            "region_code,fiscal_year,available\n990121,2022,\"5,070.00\"\n",
            "`5,070.00`",
        ),
    ] {
        let file = dir.path().join("bureau.csv");
        std::fs::write(&file, text).unwrap();
        let e = reconcile(dir.path(), &file, &[]).code(1);
        let err = String::from_utf8_lossy(&e.get_output().stderr).to_string();
        assert!(err.contains(words), "`{words}` not in {err}");
    }
    // Chinese headers alone, one figure: reconciles
    let file = dir.path().join("zh.csv");
    std::fs::write(&file, "地区代码,年度,可用财力\n990121,2022,5070.00\n").unwrap();
    reconcile(dir.path(), &file, &[]).success();
}
