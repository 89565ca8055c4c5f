//! `fencheng compare` on the mini province: what it prints, what it writes, what it refuses.

use std::path::Path;

fn compare_cmd(out: &Path, extra: &[&str]) -> assert_cmd::assert::Assert {
    let mut cmd = assert_cmd::Command::cargo_bin("fencheng").unwrap();
    cmd.args([
        "compare",
        "tests/cases/mini/fixed.toml",
        "--against",
        "tests/cases/mini/no_reform.toml",
        "--top",
        "3",
        "--out",
        out.to_str().unwrap(),
    ])
    .args(extra);
    cmd.assert()
}

#[test]
fn compare_prints_like_run_and_writes_the_same_bytes_on_any_thread_count() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("a");
    let done = compare_cmd(&out, &[]).success();
    let stdout = String::from_utf8(done.get_output().stdout.clone()).unwrap();
    for words in [
        "summed over 2022–2023 (2 years); monthly granularity; 亿元",
        "by prefecture (市本级 + 所辖县 = 全市), summed over 2022–2023 (2 years)",
        "  990100 甲市",
        "top 3 counties losing, summed over 2022–2023 (2 years) (亿元):\n  无 none",
        "in 2023 alone: 2 counties gain, 0 lose",
    ] {
        assert!(stdout.contains(words), "{words}\n{stdout}");
    }
    let names: Vec<String> = std::fs::read_dir(&out)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    for t in [
        "comparison_prefectures",
        "comparison_groups",
        "comparison_totals",
        "retention",
    ] {
        for ext in ["csv", "parquet"] {
            assert!(names.contains(&format!("{t}.{ext}")), "{t}.{ext}");
        }
    }
    let header = |t: &str| {
        std::fs::read_to_string(out.join(format!("{t}.csv")))
            .unwrap()
            .lines()
            .next()
            .unwrap()
            .to_string()
    };
    assert_eq!(
        header("comparison_totals"),
        "scenario,reference,region_code,region_name,kind,delta_sum,delta_present_value,break_even_year"
    );
    assert_eq!(
        header("retention"),
        "scenario,fiscal_year,region_code,item_code,marginal,projected"
    );
    // single-threaded: the same bytes in every table and the report
    let one = tmp.path().join("b");
    let mut cmd = assert_cmd::Command::cargo_bin("fencheng").unwrap();
    cmd.env("POLARS_MAX_THREADS", "1")
        .env("RAYON_NUM_THREADS", "1")
        .args([
            "compare",
            "tests/cases/mini/fixed.toml",
            "--against",
            "tests/cases/mini/no_reform.toml",
            "--quiet",
            "--out",
            one.to_str().unwrap(),
        ])
        .assert()
        .success();
    for n in names
        .iter()
        .filter(|n| !n.ends_with(".json") && out.join(n).is_file())
    {
        assert_eq!(
            std::fs::read(out.join(n)).unwrap(),
            std::fs::read(one.join(n)).unwrap(),
            "{n} differs"
        );
    }
}

#[test]
fn bad_discount_or_groups_year_exit_2_and_leave_no_folder() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("x");
    let e = compare_cmd(&out, &["--discount", "1.5"]).code(2);
    let stderr = String::from_utf8(e.get_output().stderr.clone()).unwrap();
    assert!(stderr.contains("--discount `1.5`"), "{stderr}");
    let e = compare_cmd(&out, &["--groups-year", "2012"]).code(2);
    let stderr = String::from_utf8(e.get_output().stderr.clone()).unwrap();
    assert!(stderr.contains("--groups-year `2012`"), "{stderr}");
    assert!(!out.exists(), "no partial output");
}
