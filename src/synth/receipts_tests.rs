//! Tests of receipt-level ledgers: Parquet parts read back with polars (row count, unique
//! voucher ids per year, refund share, decimal amounts, hive years), CSV twins, determinism.

use super::receipts::write_receipts;
use super::tests::henan;
use super::*;
use crate::money::parse_yuan;
use polars::prelude::*;
use std::path::{Path, PathBuf};

fn receipts_into(dir: &Path, seed: u64, part_rows: u64) -> SynthReport {
    let (regions, rules) = henan();
    let opts = ReceiptOptions {
        receipts: 20_000,
        years: 2021..=2022,
        seed,
        out: dir.to_path_buf(),
        csv: true,
    };
    write_receipts(regions, rules, &opts, part_rows).unwrap()
}

fn scan(dir: &Path) -> DataFrame {
    let glob = format!("{}/fiscal_year=*/*.parquet", dir.display());
    let args = ScanArgsParquet {
        hive_options: HiveOptions::new_enabled(),
        ..Default::default()
    };
    LazyFrame::scan_parquet(PlRefPath::new(glob.as_str()), args)
        .unwrap()
        .collect()
        .unwrap()
}

#[test]
fn receipts_read_back_with_polars() {
    let tmp = tempfile::tempdir().unwrap();
    let report = receipts_into(tmp.path(), 7, 3_000);
    assert_eq!(report.rows, 20_000);
    assert_eq!(
        report.years.iter().map(|y| y.parts).collect::<Vec<_>>(),
        vec![4, 4]
    );
    assert_eq!(report.files.len(), 16);
    let df = scan(tmp.path());
    assert_eq!(df.height(), 20_000);
    assert!(matches!(
        df.column("amount").unwrap().dtype(),
        DataType::Decimal(18, 2)
    ));
    // fiscal_year comes from the partition, not from the file.
    let one: PathBuf = report
        .files
        .iter()
        .find(|f| f.extension().unwrap() == "parquet")
        .unwrap()
        .clone();
    let no_hive = ScanArgsParquet {
        hive_options: HiveOptions::new_disabled(),
        ..Default::default()
    };
    let file_df = LazyFrame::scan_parquet(PlRefPath::new(one.to_str().unwrap()), no_hive)
        .unwrap()
        .collect()
        .unwrap();
    assert!(file_df.column("fiscal_year").is_err());
    let per_year = df
        .lazy()
        .group_by([col("fiscal_year")])
        .agg([
            len().alias("n"),
            col("voucher_id").n_unique().alias("unique"),
            col("amount").lt(lit(0)).sum().alias("neg"),
        ])
        .sort(["fiscal_year"], Default::default())
        .collect()
        .unwrap();
    let n = per_year
        .column("n")
        .unwrap()
        .cast(&DataType::Int64)
        .unwrap();
    let unique = per_year
        .column("unique")
        .unwrap()
        .cast(&DataType::Int64)
        .unwrap();
    let neg = per_year
        .column("neg")
        .unwrap()
        .cast(&DataType::Int64)
        .unwrap();
    assert_eq!(n.i64().unwrap().to_vec(), vec![Some(10_000), Some(10_000)]);
    assert_eq!(
        unique.i64().unwrap().to_vec(),
        vec![Some(10_000), Some(10_000)]
    );
    for (y, k) in neg.i64().unwrap().to_vec().into_iter().enumerate() {
        let share = k.unwrap() as f64 / 10_000.0;
        assert!(
            (0.02..0.04).contains(&share),
            "year {y}: refund share {share}"
        );
        assert_eq!(k.unwrap() as u64, report.years[y].refunds);
    }
    // The CSV twins hold the same receipts, fiscal_year included.
    let csv: Vec<&PathBuf> = report
        .files
        .iter()
        .filter(|f| f.extension().unwrap() == "csv")
        .collect();
    let text = std::fs::read_to_string(csv[0]).unwrap();
    assert!(text.starts_with(
        "fiscal_year,month,region_code,item_code,budget_level,amount,voucher_id\n2021,"
    ));
    let lines: usize = csv
        .iter()
        .map(|f| std::fs::read_to_string(f).unwrap().lines().count() - 1)
        .sum();
    assert_eq!(lines, 20_000);
    let total: i64 = csv
        .iter()
        .flat_map(|f| {
            std::fs::read_to_string(f)
                .unwrap()
                .lines()
                .skip(1)
                .map(str::to_string)
                .collect::<Vec<_>>()
        })
        .map(|l| parse_yuan(l.split(',').nth(5).unwrap()).unwrap())
        .sum();
    assert_eq!(
        total as i128,
        report.years.iter().map(|y| y.collected).sum::<i128>()
    );
}

#[test]
fn receipts_are_deterministic_and_refuse_a_used_folder() {
    let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let ra = receipts_into(a.path(), 7, 6_000);
    // One thread instead of several: same bytes.
    let one = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .unwrap();
    let rb = one.install(|| receipts_into(b.path(), 7, 6_000));
    assert_eq!(ra.files.len(), rb.files.len());
    for (fa, fb) in ra.files.iter().zip(&rb.files) {
        assert_eq!(
            fa.strip_prefix(a.path()).unwrap(),
            fb.strip_prefix(b.path()).unwrap()
        );
        assert_eq!(
            std::fs::read(fa).unwrap(),
            std::fs::read(fb).unwrap(),
            "{}",
            fa.display()
        );
    }
    let c = tempfile::tempdir().unwrap();
    let rc = receipts_into(c.path(), 8, 6_000);
    assert_ne!(
        std::fs::read(&ra.files[0]).unwrap(),
        std::fs::read(&rc.files[0]).unwrap()
    );
    let (regions, rules) = henan();
    let opts = ReceiptOptions {
        receipts: 10,
        years: 2021..=2021,
        seed: 7,
        out: a.path().to_path_buf(),
        csv: false,
    };
    assert!(receipts(regions, rules, &opts)
        .unwrap_err()
        .to_string()
        .contains("not empty"));
}
