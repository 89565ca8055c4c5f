//! Excel ledgers, as bureaus keep them: the same ledger as CSV and as xlsx settles
//! identically; the bad inputs a bureau's workbook has are refused with file, sheet and
//! row (an extra sheet with data, merged cells, a date or a formula in an amount cell, an
//! empty sheet, a number stored as text with a thousands separator).

use fencheng::ledger::{Encoding, LedgerScan};
use fencheng::scenario::run::{run_scenario, RunOptions, ScenarioResult};
use fencheng::scenario::Scenario;
use fencheng::split::Granularity;
use rust_xlsxwriter::{ExcelDateTime, Formula, Workbook, Worksheet};
use std::path::{Path, PathBuf};

const MINI: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/cases/mini");

fn run(sc: &Scenario) -> fencheng::Result<ScenarioResult> {
    let scan = LedgerScan::open(&sc.ledgers, Encoding::Utf8)?;
    let opts = RunOptions {
        granularity: Granularity::Receipt,
        quarantine: false,
    };
    run_scenario(sc, &scan, opts)
}

/// The rows of one mini ledger year: the header, then the fields.
fn rows(year: i32) -> Vec<Vec<String>> {
    std::fs::read_to_string(format!("{MINI}/ledger/{year}.csv"))
        .unwrap()
        .lines()
        .map(|l| l.split(',').map(str::to_string).collect())
        .collect()
}

/// Writes a ledger sheet: codes and levels as text, years, months and amounts as numbers.
fn fill(ws: &mut Worksheet, rows: &[Vec<String>]) {
    for (r, row) in rows.iter().enumerate() {
        for (c, v) in row.iter().enumerate() {
            let numeric = r > 0 && [0, 1, 5].contains(&c);
            if numeric {
                ws.write_number(r as u32, c as u16, v.parse::<f64>().unwrap())
                    .unwrap();
            } else {
                ws.write_string(r as u32, c as u16, v).unwrap();
            }
        }
    }
}

/// The mini ledger as one xlsx per year in `dir/ledger`, `edit` applied to the 2022 book.
fn xlsx_ledger(dir: &Path, edit: impl Fn(&mut Workbook)) -> Scenario {
    std::fs::create_dir_all(dir.join("ledger")).unwrap();
    for y in 2021..=2023 {
        let mut wb = Workbook::new();
        fill(wb.add_worksheet(), &rows(y));
        if y == 2022 {
            edit(&mut wb);
        }
        wb.save(dir.join(format!("ledger/{y}.xlsx"))).unwrap();
    }
    let sc = dir.join("s.toml");
    std::fs::write(
        &sc,
        format!(
            "[scenario]\nname = \"mini-fixed\"\nextends = \"{MINI}/fixed.toml\"\nledgers = [{:?}]\n",
            dir.join("ledger")
        ),
    )
    .unwrap();
    Scenario::load(&sc).unwrap()
}

fn refused(edit: impl Fn(&mut Workbook), words: &[&str]) {
    let dir = tempfile::tempdir().unwrap();
    let Err(e) = run(&xlsx_ledger(dir.path(), edit)) else {
        panic!("must be refused: {words:?}")
    };
    let e = e.to_string();
    for w in words.iter().chain(&["2022.xlsx"]) {
        assert!(e.contains(w), "`{w}` not in {e}");
    }
}

#[test]
fn the_same_ledger_as_csv_and_xlsx_settles_identically() {
    let dir = tempfile::tempdir().unwrap();
    let xlsx = run(&xlsx_ledger(dir.path(), |_| {})).unwrap();
    let csv = run(&Scenario::load(&PathBuf::from(format!("{MINI}/fixed.toml"))).unwrap()).unwrap();
    assert_eq!(xlsx.settlement, csv.settlement);
    assert_eq!(xlsx.shares, csv.shares);
}

#[test]
fn a_bureaus_bad_workbooks_are_refused_with_file_sheet_and_row() {
    // a second sheet with data: which is the ledger?
    refused(
        |wb| {
            wb.add_worksheet()
                .set_name("汇总")
                .unwrap()
                .write_string(0, 0, "合计")
                .unwrap();
        },
        &["2 sheets hold data", "`Sheet1`", "`汇总`", "--sheet"],
    );
    // merged cells
    refused(
        |wb| {
            let ws = wb.worksheet_from_index(0).unwrap();
            ws.merge_range(2, 2, 3, 2, "990221", &rust_xlsxwriter::Format::new())
                .unwrap();
        },
        &["sheet `Sheet1` row 3", "merged cells C3:C4"],
    );
    // a date in an amount cell
    refused(
        |wb| {
            let ws = wb.worksheet_from_index(0).unwrap();
            let date = ExcelDateTime::from_ymd(2022, 3, 1).unwrap();
            ws.write_datetime_with_format(
                2,
                5,
                &date,
                &rust_xlsxwriter::Format::new().set_num_format("yyyy-mm-dd"),
            )
            .unwrap();
        },
        &["sheet `Sheet1` row 3", "cell F3 holds a date"],
    );
    // a formula in an amount cell
    refused(
        |wb| {
            let ws = wb.worksheet_from_index(0).unwrap();
            ws.write_formula(4, 5, Formula::new("=F2+F3").set_result("22000"))
                .unwrap();
        },
        &[
            "sheet `Sheet1` row 5",
            "cell F5 holds the formula",
            "paste the values",
        ],
    );
    // a number stored as text with a thousands separator (the row judge's word)
    refused(
        |wb| {
            let ws = wb.worksheet_from_index(0).unwrap();
            ws.write_string(2, 5, "10,000.00").unwrap();
        },
        &["row", "`10,000.00`"],
    );
}

#[test]
fn an_empty_workbook_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("ledger")).unwrap();
    let mut wb = Workbook::new();
    wb.add_worksheet();
    wb.save(dir.path().join("ledger/2022.xlsx")).unwrap();
    let Err(e) = LedgerScan::open(&[dir.path().join("ledger")], Encoding::Utf8) else {
        panic!("an empty workbook must be refused")
    };
    assert!(e.to_string().contains("sheets are empty"), "{e}");
}

#[test]
fn sheet_names_the_ledger_of_a_workbook_with_several() {
    use fencheng::ledger::ReadOptions;
    let dir = tempfile::tempdir().unwrap();
    let sc = xlsx_ledger(dir.path(), |wb| {
        wb.add_worksheet()
            .set_name("汇总")
            .unwrap()
            .write_string(0, 0, "合计")
            .unwrap();
    });
    let read = |sheet: &str| {
        LedgerScan::open(
            &sc.ledgers,
            ReadOptions {
                encoding: Encoding::Utf8,
                sheet: Some(sheet.to_string()),
            },
        )
    };
    // every workbook of the folder is read from its `Sheet1`
    let scan = read("Sheet1").unwrap();
    let opts = RunOptions {
        granularity: Granularity::Receipt,
        quarantine: false,
    };
    let by_sheet = run_scenario(&sc, &scan, opts).unwrap();
    let csv = run(&Scenario::load(&PathBuf::from(format!("{MINI}/fixed.toml"))).unwrap()).unwrap();
    assert_eq!(by_sheet.settlement, csv.settlement);
    // a sheet that is not there is named, with the sheets there are
    let Err(e) = read("台账") else {
        panic!("an absent sheet must be refused")
    };
    let e = e.to_string();
    assert!(
        e.contains("--sheet `台账`") && e.contains("`Sheet1`"),
        "{e}"
    );
}
