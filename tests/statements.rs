//! `statements.xlsx`, the 结算单 a bureau signs: one sheet per county and prefecture, every
//! line a settlement figure or a detail that sums into one, on the mini province with
//! every statement table (by-kind rebates and transfers, 专项上解, 结算上解, 已预拨).

use calamine::{open_workbook, Data, Reader, Xlsx};
use fencheng::ledger::{Encoding, LedgerScan};
use fencheng::report::statements::{statement_lines, write_statements};
use fencheng::scenario::run::{run_scenario, RunOptions, ScenarioResult};
use fencheng::scenario::Scenario;
use fencheng::settlement::SettlementRow;
use fencheng::split::Granularity;
use std::path::Path;

fn run(file: &str) -> ScenarioResult {
    let sc = Scenario::load(&Path::new("tests/cases/mini").join(file)).unwrap();
    let scan = LedgerScan::open(&sc.ledgers, Encoding::Utf8).unwrap();
    let opts = RunOptions {
        granularity: Granularity::Receipt,
        quarantine: false,
    };
    run_scenario(&sc, &scan, opts).unwrap()
}

/// A settlement column of a row by its CSV name (the reconcile command's one mapping).
fn column(r: &SettlementRow, name: &str) -> i64 {
    fencheng::reconcile::figure(r, name)
        .flatten()
        .unwrap_or_else(|| panic!("no money column {name}"))
}

#[test]
fn every_line_is_a_settlement_figure_or_sums_into_one() {
    let r = run("statement.toml");
    for region in r.regions.all().iter().filter(|g| g.parent.is_some()) {
        let lines = statement_lines(&r, &region.code);
        let mut last_total: Option<(usize, Vec<i64>)> = None;
        for (i, l) in lines.iter().enumerate() {
            if l.level == 0 {
                if let Some((at, sum)) = last_total.take() {
                    assert_eq!(
                        sum, lines[at].amounts,
                        "{} {}",
                        region.code, lines[at].label
                    );
                }
                let col = l.column.expect("a level-0 line is a settlement column");
                for (y, a) in r.scenario.years.iter().zip(&l.amounts) {
                    let s = r
                        .settlement
                        .iter()
                        .find(|s| s.region == region.code && s.year == *y)
                        .unwrap();
                    assert_eq!(*a, column(s, col), "{} {y} {col}", region.code);
                }
                // the details under to_central, to_province, rebates, transfers sum to it
                if ["to_central", "to_province", "rebates", "transfers"].contains(&col)
                    && lines.get(i + 1).is_some_and(|n| n.level == 1)
                {
                    last_total = Some((i, vec![0; l.amounts.len()]));
                }
            } else if let Some((_, sum)) = last_total.as_mut() {
                sum.iter_mut().zip(&l.amounts).for_each(|(s, a)| *s += a);
            }
        }
    }
    // 甲一县 2022 by kind: rebates 30 + 20, transfers 700 + 专项 300
    let lines = statement_lines(&r, "990121");
    let find = |label: &str| lines.iter().find(|l| l.label.contains(label)).unwrap();
    assert_eq!(find("增值税和消费税返还").amounts[0], 3_000);
    assert_eq!(find("其中：专项").amounts[0], 30_000);
    assert_eq!(find("应补(扣)").amounts[0], -38_500);
    assert!(find("体制上解").label.contains("基数 fixed"));
}

#[test]
fn one_sheet_per_county_and_prefecture_with_title_and_signature_lines() {
    let r = run("statement.toml");
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("statements.xlsx");
    write_statements(&path, &r).unwrap();
    let mut wb: Xlsx<_> = open_workbook(&path).unwrap();
    let names = wb.sheet_names();
    // 2 prefectures, 5 counties; counties first within each prefecture, 丙市 last
    assert_eq!(
        names,
        [
            "990121 甲一县",
            "990122 甲二县",
            "990100 甲市",
            "990221 乙一县",
            "990222 乙二县",
            "990200 乙市",
            "990301 丙市"
        ]
    );
    let range = wb.worksheet_range("990121 甲一县").unwrap();
    let text = |row: u32, col: u32| match range.get_value((row, col)) {
        Some(Data::String(s)) => s.clone(),
        _ => String::new(),
    };
    assert_eq!(text(0, 0), "2022—2023年度 甲一县 财政体制结算单");
    assert!(text(1, 0).contains("数据性质"));
    assert_eq!((text(3, 1), text(3, 2)), ("2022".into(), "2023".into()));
    let all: Vec<String> = (0..range.height() as u32).map(|r| text(r, 0)).collect();
    for words in ["编制", "审核", "日期", "sha256", "应补(扣)"] {
        assert!(all.iter().any(|l| l.contains(words)), "{words}");
    }
}
