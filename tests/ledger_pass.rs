//! The streamed pass over receipt-level ledgers: typed Parquet (Decimal amounts, integer
//! months, hive years) and its CSV twin give the same totals and the same exact split,
//! which equals a plain per-receipt oracle; rows of typed columns are judged by the one
//! row judge, each rejected row quoting its values; duplicate voucher ids are found exactly.

use fencheng::ledger::{BudgetLevel, Encoding, LedgerScan};
use fencheng::scenario::run::{run_scenario, RunOptions};
use fencheng::scenario::Scenario;
use fencheng::split::{route, Granularity, Parts};
use fencheng::synth::{receipts, ReceiptOptions};
use polars::prelude::*;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

fn scenario(dir: &Path, name: &str, ledger: &str) -> Scenario {
    let base = std::env::current_dir()
        .unwrap()
        .join("scenarios/reform-2022.toml");
    let path = dir.join(format!("{name}.toml"));
    std::fs::write(
        &path,
        format!(
            "[scenario]\nname = \"{name}\"\nextends = \"{}\"\nledgers = [\"{}\"]\nyears = [2022]\n",
            base.display(),
            dir.join(ledger).display()
        ),
    )
    .unwrap();
    Scenario::load(&path).unwrap()
}

/// Year, month, region, item, level.
type Key = (i32, u32, String, String, String);

#[test]
fn parquet_and_csv_twins_give_the_same_totals_and_the_per_receipt_split() {
    let dir = tempfile::tempdir().unwrap();
    let sc = scenario(dir.path(), "pq", "r/*/*.parquet");
    let opts = ReceiptOptions {
        receipts: 20_000,
        years: 2021..=2022,
        seed: 11,
        out: dir.path().join("r"),
        csv: true,
    };
    receipts(&sc.regions().unwrap(), &sc.rules().unwrap(), &opts).unwrap();
    let csv = scenario(dir.path(), "csv", "r/*/*.csv");
    let (pq_scan, csv_scan) = (
        LedgerScan::open(&sc.ledgers, Encoding::Utf8).unwrap(),
        LedgerScan::open(&csv.ledgers, Encoding::Utf8).unwrap(),
    );
    assert_eq!(pq_scan.totals, csv_scan.totals);
    assert_eq!(pq_scan.row_problem_count, 0);
    assert_eq!(pq_scan.receipts().len(), 20_000);
    let rows = |s: &LedgerScan| s.files.iter().map(|f| f.rows).collect::<Vec<_>>();
    assert_eq!(rows(&pq_scan), rows(&csv_scan));
    let opts = RunOptions {
        granularity: Granularity::Receipt,
        quarantine: false,
    };
    let pq = run_scenario(&sc, &pq_scan, opts).unwrap();
    let cs = run_scenario(&csv, &csv_scan, opts).unwrap();
    assert_eq!(pq.shares, cs.shares);

    // Oracle: every CSV row split on its own by the cascade, summed per key.
    let (regions, rules) = (sc.regions().unwrap(), sc.rules().unwrap());
    let mut oracle: BTreeMap<Key, (Parts, u64)> = BTreeMap::new();
    let mut paths: Vec<PathBuf> = glob::glob(&dir.path().join("r/*/*.csv").to_string_lossy())
        .unwrap()
        .flatten()
        .collect();
    paths.sort();
    for p in paths {
        let mut r = csv::Reader::from_path(p).unwrap();
        for rec in r.records() {
            let rec = rec.unwrap();
            let (year, month): (i32, u32) = (rec[0].parse().unwrap(), rec[1].parse().unwrap());
            let level = BudgetLevel::parse(&rec[4]).unwrap();
            let fen = fencheng::money::parse_yuan(&rec[5]).unwrap();
            let ym = fencheng::period::YearMonth::new(year, month).unwrap();
            let c = route(&regions, &rules, &rec[2], &rec[3], level, ym).unwrap();
            let e = oracle
                .entry((year, month, rec[2].into(), rec[3].into(), rec[4].into()))
                .or_default();
            e.0 += c.split(fen);
            e.1 += 1;
        }
    }
    let got: BTreeMap<_, _> = pq
        .shares
        .iter()
        .map(|s| {
            let k = &s.key;
            (
                (
                    k.year,
                    k.month,
                    k.region.clone(),
                    k.item.clone(),
                    k.level.to_string(),
                ),
                (s.parts, s.receipts),
            )
        })
        .collect();
    assert_eq!(got, oracle);
}

#[test]
fn typed_parquet_rows_are_rejected_with_their_values_quoted_and_duplicates_found() {
    let dir = tempfile::tempdir().unwrap();
    let year = [
        2022i64,
        1990,
        2022,
        2022,
        2022,
        2022,
        2022,
        2022,
        3_000_000_000,
        2022,
    ];
    let month = [1i8, 1, 13, 0, 2, 3, 4, 5, 1, 6];
    let region = [
        Some("410102"),
        Some("410102"),
        Some("410102"),
        Some("410102"),
        Some("41010"),
        None,
        Some("410102"),
        Some("410102"),
        Some("410102"),
        Some("410102"),
    ];
    let level = [
        "shared", "shared", "shared", "shared", "shared", "shared", "local", "shared", "shared",
        "shared",
    ];
    let fen: [Option<i128>; 10] = [
        Some(123),
        Some(1),
        Some(1),
        Some(1),
        Some(1),
        Some(1),
        Some(1),
        Some(10_000_000_000_000_001), // 10^14 yuan: above the 10^12 limit
        Some(1),
        None,
    ];
    let voucher = ["V1", "V2", "V3", "V4", "V5", "V6", "V7", "V8", "V9", "V10"];
    let amount = Int128Chunked::from_iter_options("amount".into(), fen.into_iter())
        .into_decimal(18, 2)
        .unwrap()
        .into_series();
    let mut df = DataFrame::new_infer_height(vec![
        Column::new("fiscal_year".into(), year),
        Column::new("month".into(), month),
        Column::new("region_code".into(), region),
        Column::new("item_code".into(), ["10101"; 10]),
        Column::new("budget_level".into(), level),
        amount.into(),
        Column::new("voucher_id".into(), voucher),
    ])
    .unwrap();
    let write = |name: &str, df: &mut DataFrame| {
        let f = std::fs::File::create(dir.path().join(name)).unwrap();
        ParquetWriter::new(f).finish(df).unwrap();
    };
    write("a.parquet", &mut df);
    // A second file repeating the good receipt's voucher in the same year, and one of a
    // bad row's voucher (rows with a problem are not in the duplicate check).
    let mut dup = df.slice(0, 2);
    write("b.parquet", &mut dup);
    let scan = LedgerScan::open(&[dir.path().to_path_buf()], Encoding::Utf8).unwrap();
    assert_eq!(scan.row_problem_count, 9 + 1);
    let rejects = scan.rejects(&Default::default()).unwrap();
    let dups: Vec<_> = rejects
        .rows
        .iter()
        .filter(|r| r.reason().starts_with("duplicate voucher_id `V1`"))
        .map(|r| {
            (
                r.file.file_name().unwrap().to_string_lossy().to_string(),
                r.row,
            )
        })
        .collect();
    assert_eq!(dups, [("a.parquet".into(), 1), ("b.parquet".into(), 1)]);
    assert_eq!(
        rejects.count(),
        scan.row_problem_count + 2,
        "{}",
        rejects.summary(20)
    );
    assert!(scan.totals.is_empty() || scan.totals.iter().all(|t| t.amount == 246));
    // every rejected row of a.parquet, by row, quoting the values as the file holds them
    let reasons: Vec<(u64, String)> = rejects
        .rows
        .iter()
        .filter(|r| r.file.ends_with("a.parquet") && r.row > 1)
        .map(|r| (r.row, r.reason()))
        .collect();
    let want = [
        (2, "fiscal_year `1990` is not a year in 1994–2100"),
        (3, "month `13` is not a month 1–12"),
        (4, "month `0` is not a month 1–12"),
        (5, "region_code `41010` is not a 6-digit region code"),
        (6, "missing region_code"),
        (7, "budget_level `local` is not shared"),
        (8, "amount `100000000000000.01` is above 10^12 yuan"),
        (9, "fiscal_year `3000000000` is not a year"),
        (10, "missing amount"),
    ];
    assert_eq!(reasons.len(), want.len(), "{reasons:?}");
    for ((row, reason), (want_row, words)) in reasons.iter().zip(want) {
        assert_eq!(*row, want_row);
        assert!(reason.starts_with(words), "row {row}: {reason}");
    }
}

#[test]
fn receipts_spilled_to_a_file_split_as_those_kept_in_memory() {
    let dir = tempfile::tempdir().unwrap();
    let sc = scenario(dir.path(), "spill", "r/*/*.parquet");
    let opts = ReceiptOptions {
        receipts: 30_000,
        years: 2021..=2022,
        seed: 5,
        out: dir.path().join("r"),
        csv: false,
    };
    receipts(&sc.regions().unwrap(), &sc.rules().unwrap(), &opts).unwrap();
    let run = |budget: Option<&str>, out: &str| {
        let mut cmd = assert_cmd::Command::cargo_bin("fencheng").unwrap();
        if let Some(b) = budget {
            cmd.env("FENCHENG_SPILL_MEMORY_BYTES", b);
        }
        let out = dir.path().join(out);
        cmd.args(["run", sc.file.to_str().unwrap(), "--quiet", "--out"])
            .arg(&out)
            .assert()
            .success();
        std::fs::read(out.join("item_shares.csv")).unwrap()
    };
    let memory = run(None, "memory");
    assert_eq!(run(Some("0"), "file"), memory);
    assert_eq!(run(Some("100000"), "both"), memory);
}

#[test]
fn blank_lines_are_not_rows_for_the_pass_nor_the_checks() {
    let dir = tempfile::tempdir().unwrap();
    let header = "fiscal_year,month,region_code,item_code,budget_level,amount\n";
    let rows = "2022,1,410122,10101,shared,5.00\n2022,2,410122,10101,shared,3.00\n";
    std::fs::write(dir.path().join("plain.csv"), format!("{header}{rows}")).unwrap();
    // blank lines inside and at the end, LF and CRLF, and a row with only a year
    let blanks = format!(
        "{header}2022,1,410122,10101,shared,5.00\n\n,,,,,\r\n2022,,,,,\n2022,2,410122,10101,shared,3.00\n\n\n"
    );
    std::fs::write(dir.path().join("blank.csv"), blanks).unwrap();
    let open = |f: &str| LedgerScan::open(&[dir.path().join(f)], Encoding::Utf8).unwrap();
    let (plain, blank) = (open("plain.csv"), open("blank.csv"));
    assert_eq!(blank.totals, plain.totals);
    assert_eq!(blank.row_problem_count, 0);
    assert_eq!(blank.rejects(&BTreeMap::new()).unwrap().count(), 0);
    // a row with a value left is still a row, and a bad one
    std::fs::write(
        dir.path().join("half.csv"),
        format!("{header}{rows},,,,shared,\n"),
    )
    .unwrap();
    let half = open("half.csv");
    assert_eq!(half.row_problem_count, 1);
    assert_eq!(half.rejects(&BTreeMap::new()).unwrap().count(), 1);
}

#[test]
fn a_gbk_ledger_decoded_in_chunks_sums_as_its_utf8_twin() {
    // more than one 1 MiB chunk, with a two-byte character cut at every chunk's end
    // somewhere: the decoded text must be the same as the UTF-8 twin's
    let dir = tempfile::tempdir().unwrap();
    let mut text =
        String::from("fiscal_year,month,region_code,item_code,budget_level,amount,备注\n");
    for i in 0..40_000u32 {
        let note = "测试收入".repeat(1 + (i % 3) as usize);
        text.push_str(&format!(
            "2022,{},410122,10101,shared,{}.{:02},{note}\n",
            1 + i % 12,
            i % 1000,
            i % 100
        ));
    }
    assert!(text.len() > 2 << 20);
    std::fs::write(dir.path().join("utf8.csv"), &text).unwrap();
    let (gbk, _, _) = encoding_rs::GBK.encode(&text);
    std::fs::write(dir.path().join("gbk.csv"), &gbk).unwrap();
    let utf8 = LedgerScan::open(&[dir.path().join("utf8.csv")], Encoding::Utf8).unwrap();
    let gbk = LedgerScan::open(&[dir.path().join("gbk.csv")], Encoding::Gbk).unwrap();
    assert_eq!(gbk.totals, utf8.totals);
    assert_eq!(gbk.files[0].rows, 40_000);
    assert_eq!(gbk.totals.len(), 12);
}
