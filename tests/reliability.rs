//! Reliability: quarantine sets bad rows aside and accounts for them; a failure while
//! writing (simulated, and a real kill) leaves the earlier output intact; random ledgers
//! and rules always conserve every fen; a refund cancels its receipt in every level.

use assert_cmd::Command;
use fencheng::ledger::{Encoding, LedgerScan};
use fencheng::report::{write_output, Table, Values, WriteOptions};
use fencheng::scenario::run::{run_scenario, RunOptions};
use fencheng::scenario::Scenario;
use fencheng::split::Granularity;
use proptest::prelude::*;
use std::path::{Path, PathBuf};

const MINI: &str = "tests/cases/mini";

fn fencheng() -> Command {
    Command::cargo_bin("fencheng").unwrap()
}

/// Copies the mini case into a temp dir so a test can add or edit files.
fn mini_copy() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for entry in walk(Path::new(MINI)) {
        let rel = entry.strip_prefix(MINI).unwrap();
        let to = dir.path().join(rel);
        std::fs::create_dir_all(to.parent().unwrap()).unwrap();
        std::fs::copy(&entry, to).unwrap();
    }
    dir
}

fn walk(p: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(p).unwrap().flatten() {
        if e.path().is_dir() {
            out.extend(walk(&e.path()));
        } else {
            out.push(e.path());
        }
    }
    out
}

fn read(p: &Path) -> String {
    std::fs::read_to_string(p).unwrap()
}

#[test]
fn quarantine_sets_bad_rows_aside_and_accounts_for_them() {
    let dir = mini_copy();
    let clean_out = dir.path().join("clean");
    let sc = dir.path().join("fixed.toml");
    fencheng()
        .args([
            "run",
            sc.to_str().unwrap(),
            "--quiet",
            "--out",
            clean_out.to_str().unwrap(),
        ])
        .assert()
        .success();
    std::fs::write(
        dir.path().join("ledger/bad.csv"),
        "fiscal_year,month,region_code,item_code,budget_level,amount\n\
         2022,1,990121,10101,shared,12.345\n\
         2022,2,999999,10101,shared,500.00\n\
         2022,13,990121,10101,shared,1.00\n",
    )
    .unwrap();
    let out = dir.path().join("out");
    let q = dir.path().join("rejected.csv");
    // refused without --quarantine, nothing written
    fencheng()
        .args(["run", sc.to_str().unwrap(), "--out", out.to_str().unwrap()])
        .assert()
        .code(1);
    assert!(!out.exists());
    fencheng()
        .args([
            "run",
            sc.to_str().unwrap(),
            "--quiet",
            "--out",
            out.to_str().unwrap(),
            "--quarantine",
            q.to_str().unwrap(),
        ])
        .assert()
        .success();
    let rejected = read(&q);
    assert_eq!(rejected.lines().count(), 4, "{rejected}");
    for words in [
        // rows as an editor shows them: the header is row 1
        "bad.csv,2,amount `12.345` has more than 2 decimals",
        "bad.csv,3,region_code `999999` is not in the region table",
        "bad.csv,4,month `13` is not a month 1–12",
    ] {
        assert!(rejected.contains(words), "{words}: {rejected}");
    }
    // every field as read, the year and month of rows with a problem included
    for fields in [
        "2022,1,990121,10101,shared,12.345",
        "2022,2,999999,10101,shared,500.00",
        "2022,13,990121,10101,shared,1.00",
    ] {
        assert!(rejected.contains(fields), "{fields}: {rejected}");
    }
    let manifest: serde_json::Value =
        serde_json::from_str(&read(&out.join("manifest.json"))).unwrap();
    let qd = &manifest["scenarios"][0]["quarantined"];
    assert_eq!(qd["rows"], 3);
    assert_eq!(
        qd["amount_fen"],
        50_000 + 100,
        "500.00 + 1.00 readable; 12.345 not"
    );
    assert!(read(&out.join("warnings.csv")).contains("quarantined_rows"));
    // the good rows settle exactly as without the bad file
    assert_eq!(
        read(&out.join("settlement.csv")),
        read(&clean_out.join("settlement.csv"))
    );
}

/// Excel writes large amounts as `5.39748E+09`: set aside, such rows must show up in the
/// year they belong to, apart from the amounts that can be read, with the notation named.
#[test]
fn quarantine_counts_rows_per_year_and_file_and_names_scientific_notation() {
    let dir = mini_copy();
    std::fs::write(
        dir.path().join("ledger/excel.csv"),
        "fiscal_year,month,region_code,item_code,budget_level,amount\n\
         2023,1,990121,10101,shared,5.39748E+09\n\
         2023,2,990121,10101,shared,1.2E+10\n\
         2023,3,999999,10101,shared,7.50\n",
    )
    .unwrap();
    let out = dir.path().join("out");
    let run = fencheng()
        .args(["run", "--granularity", "monthly"])
        .arg(dir.path().join("fixed.toml"))
        .arg("--out")
        .arg(&out)
        .arg("--quarantine")
        .arg(dir.path().join("q.csv"))
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&run.stdout);
    assert!(run.status.success(), "{stdout}");
    assert!(
        stdout.contains("quarantined: 3 row(s), 7.50 yuan, plus 2 amount(s) that cannot be read (2 in scientific notation"),
        "{stdout}"
    );
    assert!(stdout.contains("2023: 3 row(s) of "), "{stdout}");
    let warnings = read(&out.join("warnings.csv"));
    let quarantined: Vec<&str> = warnings
        .lines()
        .filter(|l| l.contains("quarantined_rows"))
        .collect();
    assert_eq!(quarantined.len(), 1, "{warnings}");
    assert!(
        quarantined[0].contains(",2023,") && quarantined[0].contains("scientific notation"),
        "{warnings}"
    );
    let manifest: serde_json::Value =
        serde_json::from_str(&read(&out.join("manifest.json"))).unwrap();
    let q = &manifest["scenarios"][0]["quarantined"];
    assert_eq!(q["groups"][0]["fiscal_year"], 2023);
    assert_eq!(q["groups"][0]["rows"], 3);
    assert_eq!(q["groups"][0]["amount_fen"], 750);
    assert_eq!(q["groups"][0]["unreadable_amounts"], 2);
    assert_eq!(q["groups"][0]["scientific_notation"], 2);
}

#[test]
fn a_failed_write_leaves_the_earlier_output_intact() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    std::fs::create_dir(&out).unwrap();
    std::fs::write(out.join("settlement.csv"), "earlier").unwrap();
    let table = Table::new("t").col("x", Values::Int(vec![1, 2]));
    let failing = |d: &Path| -> fencheng::Result<()> {
        std::fs::write(d.join("half.csv"), "half").unwrap();
        Err(fencheng::Error::Input("disk full (simulated)".into()))
    };
    let err = write_output(
        &out,
        &[table],
        &serde_json::json!({}),
        WriteOptions {
            force: true,
            csv_bom: false,
        },
        &failing,
    );
    assert!(err.is_err());
    assert_eq!(read(&out.join("settlement.csv")), "earlier");
    assert!(!out.join("half.csv").exists() && !out.join("t.csv").exists());
    let names: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .flatten()
        .map(|e| e.file_name())
        .collect();
    assert_eq!(
        names,
        vec![std::ffi::OsString::from("out")],
        "no partial sibling folder"
    );
}

#[test]
fn a_killed_run_leaves_the_earlier_output_intact() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let mini = format!("{MINI}/fixed.toml");
    fencheng()
        .args(["run", &mini, "--quiet", "--out", out.to_str().unwrap()])
        .assert()
        .success();
    let before = read(&out.join("settlement.csv"));
    // a long run (the whole Henan ledger, every receipt) killed part-way
    let bin = assert_cmd::cargo::cargo_bin("fencheng");
    let mut child = std::process::Command::new(bin)
        .args([
            "run",
            "scenarios/reform-2022.toml",
            "scenarios/no-reform.toml",
            "--quiet",
            "--force",
            "--out",
            out.to_str().unwrap(),
        ])
        .spawn()
        .unwrap();
    std::thread::sleep(std::time::Duration::from_millis(1500));
    child.kill().unwrap();
    child.wait().unwrap();
    assert_eq!(
        read(&out.join("settlement.csv")),
        before,
        "earlier output intact"
    );
    // the next run cleans up whatever the killed one left beside it
    fencheng()
        .args([
            "run",
            &mini,
            "--quiet",
            "--force",
            "--out",
            out.to_str().unwrap(),
        ])
        .assert()
        .success();
    let names: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .flatten()
        .map(|e| e.file_name())
        .collect();
    assert_eq!(names, vec![std::ffi::OsString::from("out")]);
}

/// A random ledger over the mini regions: (year, month, region, item, level, fen).
fn ledger_rows() -> impl Strategy<Value = Vec<(i32, u32, usize, usize, usize, i64)>> {
    proptest::collection::vec(
        (
            2021..=2023i32,
            1..=12u32,
            0..5usize,
            0..3usize,
            0..5usize,
            -5_000_000_000i64..5_000_000_000,
        ),
        1..60,
    )
}

/// A percentage as an exact decimal string.
fn pct(p: u32) -> String {
    if p == 100 {
        "1".into()
    } else {
        format!("0.{p:02}")
    }
}

const REGIONS: [&str; 5] = ["990100", "990121", "990122", "990221", "990222"];
const ITEMS: [&str; 3] = ["10101", "1010401", "10302"];
const LEVELS: [&str; 5] = ["shared", "central", "province", "prefecture", "county"];

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    #[test]
    fn random_ledgers_and_rules_conserve_every_fen(
        rows in ledger_rows(),
        vat in (0u32..=100, 0u32..=100, 0u32..=100),
    ) {
        let dir = mini_copy();
        let mut csv = String::from("fiscal_year,month,region_code,item_code,budget_level,amount\n");
        let mut total = 0i64;
        for (y, m, r, i, l, fen) in &rows {
            // a county level in a prefecture proper is invalid input; skip that combination
            if REGIONS[*r] == "990100" && LEVELS[*l] == "county" { continue; }
            csv.push_str(&format!("{y},{m},{},{},{},{}\n", REGIONS[*r], ITEMS[*i], LEVELS[*l], fencheng::money::format_yuan(*fen)));
            total += fen;
        }
        for f in ["2021.csv", "2022.csv", "2023.csv"] {
            std::fs::remove_file(dir.path().join("ledger").join(f)).unwrap();
        }
        // every base year and every settled year needs the ledger to cover it
        csv.push_str("2021,1,990121,10101,shared,1.00\n2021,1,990221,10101,shared,1.00\n2022,1,990222,103,county,1.00\n2023,1,990222,103,county,1.00\n");
        total += 400;
        std::fs::write(dir.path().join("ledger/random.csv"), csv).unwrap();
        let rb = read(&dir.path().join("rulebook.toml"))
            .replace("central = \"0.50\"", &format!("central = \"{}\"", pct(vat.0)))
            .replace("province = \"0.20\"", &format!("province = \"{}\"", pct(vat.1)))
            .replace("prefecture = \"0.30\"", &format!("prefecture = \"{}\"", pct(vat.2)));
        std::fs::write(dir.path().join("rulebook.toml"), rb).unwrap();
        let sc = Scenario::load(&dir.path().join("fixed.toml")).unwrap();
        let scan = LedgerScan::open(&sc.ledgers, Encoding::Utf8).unwrap();
        for g in [Granularity::Receipt, Granularity::Monthly] {
            let r = run_scenario(&sc, &scan, RunOptions { granularity: g, quarantine: false }).unwrap();
            prop_assert!(r.checks.iter().all(|c| c.passed));
            let sum: i64 = r.shares.iter().map(|s| s.parts.collected).sum();
            prop_assert_eq!(sum, total);
            let parts: i64 = r.shares.iter().map(|s| s.parts.to_central + s.parts.to_province + s.parts.to_prefecture + s.parts.retained).sum();
            prop_assert_eq!(parts, total);
        }
    }

    #[test]
    fn a_refund_cancels_its_receipt_in_every_level(fen in 1i64..5_000_000_000, r in 0..5usize, i in 0..3usize, l in 0..5usize, m in 1..=12u32) {
        prop_assume!(!(REGIONS[r] == "990100" && LEVELS[l] == "county"));
        let dir = mini_copy();
        let line = |a: i64| format!("2022,{m},{},{},{},{}\n", REGIONS[r], ITEMS[i], LEVELS[l], fencheng::money::format_yuan(a));
        let mut csv = read(&dir.path().join("ledger/2022.csv"));
        csv.push_str(&line(fen));
        csv.push_str(&line(-fen));
        std::fs::write(dir.path().join("ledger/2022.csv"), csv).unwrap();
        let sc = Scenario::load(&dir.path().join("fixed.toml")).unwrap();
        let with = run_scenario(&sc, &LedgerScan::open(&sc.ledgers, Encoding::Utf8).unwrap(), RunOptions { granularity: Granularity::Receipt, quarantine: false }).unwrap();
        let base = Scenario::load(&Path::new(MINI).join("fixed.toml")).unwrap();
        let without = run_scenario(&base, &LedgerScan::open(&base.ledgers, Encoding::Utf8).unwrap(), RunOptions { granularity: Granularity::Receipt, quarantine: false }).unwrap();
        prop_assert_eq!(with.settlement, without.settlement);
    }
}

/// Runs `fixed.toml` in `dir` at monthly granularity and returns its settlement CSV.
fn settlement_of(dir: &Path) -> String {
    let out = dir.join("out");
    fencheng()
        .args(["run", "--quiet", "--force", "--granularity", "monthly"])
        .arg(dir.join("fixed.toml"))
        .arg("--out")
        .arg(&out)
        .assert()
        .success();
    read(&out.join("settlement.csv"))
}

#[cfg(unix)]
#[test]
fn a_file_reached_twice_is_read_once() {
    let clean = mini_copy();
    let expected = settlement_of(clean.path());
    // a symlink loop in the ledger folder and a second name for one file
    let dir = mini_copy();
    let ledger = dir.path().join("ledger");
    std::os::unix::fs::symlink(".", ledger.join("loop")).unwrap();
    std::os::unix::fs::symlink("2022.csv", ledger.join("again.csv")).unwrap();
    assert_eq!(settlement_of(dir.path()), expected);
}

#[test]
fn a_folder_name_with_glob_characters_is_not_a_pattern() {
    // the scenario's folder is `data [2022]`; a sibling `data 2` holds other figures that
    // an unescaped `data [2022]/ledger/*.csv` would match
    let root = tempfile::tempdir().unwrap();
    let copy = |name: &str| {
        let dir = root.path().join(name);
        for entry in walk(Path::new(MINI)) {
            let to = dir.join(entry.strip_prefix(MINI).unwrap());
            std::fs::create_dir_all(to.parent().unwrap()).unwrap();
            std::fs::copy(&entry, to).unwrap();
        }
        dir
    };
    let clean = mini_copy();
    let expected = settlement_of(clean.path());
    let dir = copy("data [2022]");
    let sibling = copy("data 2");
    let doubled = read(&sibling.join("ledger/2022.csv")).replace(",shared,", ",shared,9");
    std::fs::write(sibling.join("ledger/2022.csv"), doubled).unwrap();
    let sc = read(&dir.join("fixed.toml"))
        .replace("ledgers = [\"ledger\"]", "ledgers = [\"ledger/*.csv\"]");
    std::fs::write(dir.join("fixed.toml"), sc).unwrap();
    assert_eq!(settlement_of(&dir), expected);
}

#[test]
fn outputs_never_overwrite_inputs() {
    let dir = mini_copy();
    let sc = dir.path().join("fixed.toml");
    let ledger_file = dir.path().join("ledger/2022.csv");
    let before = read(&ledger_file);
    for args in [
        vec!["--out".to_string(), dir.path().display().to_string()],
        vec![
            "--out".to_string(),
            dir.path().join("ledger").display().to_string(),
        ],
        vec![
            "--out".to_string(),
            dir.path().join("o").display().to_string(),
            "--quarantine".to_string(),
            ledger_file.display().to_string(),
        ],
    ] {
        let r = fencheng()
            .args(["run", "--quiet", "--force"])
            .arg(&sc)
            .args(&args)
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&r.stderr);
        assert_eq!(r.status.code(), Some(2), "{args:?}: {err}");
        assert!(err.contains("would overwrite the input"), "{err}");
    }
    assert_eq!(read(&ledger_file), before);
    assert!(sc.exists() && !dir.path().join("o").exists());
}

#[test]
fn quarantine_lists_every_scenarios_rejects_and_is_rewritten_each_run() {
    let dir = mini_copy();
    // a second scenario on a second ledger folder, each with one bad row
    let second = dir.path().join("ledger2");
    std::fs::create_dir(&second).unwrap();
    for f in ["2021.csv", "2022.csv", "2023.csv"] {
        std::fs::copy(dir.path().join("ledger").join(f), second.join(f)).unwrap();
    }
    let bad =
        |row: &str| format!("fiscal_year,month,region_code,item_code,budget_level,amount\n{row}\n");
    std::fs::write(
        dir.path().join("ledger/bad.csv"),
        bad("2022,13,990121,10101,shared,1.00"),
    )
    .unwrap();
    std::fs::write(
        second.join("bad.csv"),
        bad("2022,1,990121,10101,shared,1.005"),
    )
    .unwrap();
    let s2 = dir.path().join("s2.toml");
    std::fs::write(
        &s2,
        "[scenario]\nname = \"s2\"\nextends = \"fixed.toml\"\nledgers = [\"ledger2\"]\n",
    )
    .unwrap();
    let q = dir.path().join("q.csv");
    let run = |scenarios: &[&Path]| {
        fencheng()
            .args(["run", "--quiet", "--force", "--granularity", "monthly"])
            .args(scenarios)
            .arg("--out")
            .arg(dir.path().join("out"))
            .arg("--quarantine")
            .arg(&q)
            .assert()
            .success();
    };
    run(&[&dir.path().join("fixed.toml"), &s2]);
    let listed = read(&q);
    assert!(
        listed.contains("month `13`") && listed.contains("1.005"),
        "{listed}"
    );
    assert_eq!(
        listed.lines().count(),
        3,
        "header + one row per ledger: {listed}"
    );
    // a later run without bad rows leaves a file that says so, not the old rows
    std::fs::remove_file(dir.path().join("ledger/bad.csv")).unwrap();
    run(&[&dir.path().join("fixed.toml")]);
    assert_eq!(read(&q).lines().count(), 1, "{}", read(&q));
}

#[test]
fn the_current_folder_is_never_an_output_and_nothing_is_left_behind() {
    let mini = mini_copy();
    let work = tempfile::tempdir().unwrap();
    let r = fencheng()
        .current_dir(work.path())
        .args(["run", "--quiet", "--force", "--granularity", "monthly"])
        .arg(mini.path().join("fixed.toml"))
        .args(["--out", "."])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&r.stderr);
    assert_eq!(r.status.code(), Some(1), "{err}");
    assert!(err.contains("current folder"), "{err}");
    let left: Vec<_> = std::fs::read_dir(work.path()).unwrap().flatten().collect();
    assert!(left.is_empty(), "{left:?}");
}

#[test]
fn synth_finds_its_default_inputs_from_any_folder() {
    // a folder without datasets/: the defaults are found beside the binary
    let cwd = tempfile::tempdir().unwrap();
    fencheng()
        .current_dir(cwd.path())
        .args(["synth", "--years", "2020-2020", "--out", "ledger"])
        .assert()
        .success();
    assert!(
        walk(&cwd.path().join("ledger"))
            .iter()
            .any(|p| p.extension().is_some_and(|e| e == "csv")),
        "synth wrote no ledger"
    );
    // a region table given and missing: the message names the file
    let out = fencheng()
        .current_dir(cwd.path())
        .args(["synth", "--regions", "nowhere.csv", "--out", "again"])
        .assert()
        .failure();
    let err = String::from_utf8_lossy(&out.get_output().stderr).to_string();
    assert!(err.contains("nowhere.csv"), "{err}");
}
