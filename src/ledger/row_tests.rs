//! Tests of the row judge: a good row typed exactly, every problem kind worded with its
//! column and value, every problem of a row in column order, blank lines.

use super::columns::*;
use super::row::*;
use super::BudgetLevel;

fn row<'a>(
    year: &'a str,
    month: &'a str,
    region: &'a str,
    item: &'a str,
    level: &'a str,
    amount: &'a str,
) -> RawRow<'a> {
    RawRow {
        year: Field::Text(year),
        month: Field::Text(month),
        region: Some(region),
        item: Some(item),
        level: Some(level),
        amount: AmountField::Text(amount),
        voucher: None,
    }
}

fn messages(r: RawRow<'_>) -> Vec<String> {
    match check_row(&r) {
        Verdict::Bad(p) => p.iter().map(ToString::to_string).collect(),
        other => panic!("not bad: {other:?}"),
    }
}

#[test]
fn a_good_row_is_typed_exactly() {
    let good = row("2022", "05", "410122", "10101", "shared", "-12.30");
    assert_eq!(
        check_row(&good),
        Verdict::Good(GoodRow {
            year: 2022,
            month: 5,
            region: "410122",
            item: "10101",
            level: BudgetLevel::Shared,
            fen: -1230,
        })
    );
    let parquet = RawRow {
        year: Field::Int(2022),
        month: Field::Int(12),
        amount: AmountField::Fen(123),
        ..good
    };
    assert!(matches!(check_row(&parquet), Verdict::Good(g) if g.fen == 123 && g.month == 12));
}

#[test]
fn every_problem_kind_quotes_its_column_and_value() {
    for (r, want) in [
        (
            row("1990", "1", "410122", "10101", "shared", "1"),
            "fiscal_year `1990` is not a year in 1994–2100",
        ),
        (
            row("20x2", "1", "410122", "10101", "shared", "1"),
            "fiscal_year `20x2` is not a year",
        ),
        (
            row("", "1", "410122", "10101", "shared", "1"),
            "missing fiscal_year",
        ),
        (
            row("2022", "13", "410122", "10101", "shared", "1"),
            "month `13` is not a month 1–12",
        ),
        (
            row("2022", "1", "41012", "10101", "shared", "1"),
            "region_code `41012` is not a 6-digit region code",
        ),
        (
            row("2022", "1", "410122", "1010A", "shared", "1"),
            "item_code `1010A` is not a 3–9 digit item code",
        ),
        (
            row("2022", "1", "410122", "10101", "local", "1"),
            "budget_level `local` is not shared, central",
        ),
        (
            row("2022", "1", "410122", "10101", "shared", ""),
            "missing amount",
        ),
        (
            row("2022", "1", "410122", "10101", "shared", "12.345"),
            "amount `12.345` has more than 2 decimals",
        ),
        (
            row("2022", "1", "410122", "10101", "shared", "1,234.00"),
            "amount `1,234.00` has thousands separators",
        ),
        (
            row("2022", "1", "410122", "10101", "shared", "5.39748E+09"),
            "amount `5.39748E+09` is in scientific notation",
        ),
        (
            row("2022", "1", "410122", "10101", "shared", "12 yuan"),
            "amount `12 yuan` is not an amount in yuan",
        ),
        (
            row("2022", "1", "410122", "10101", "shared", "10000000000000"),
            "amount `10000000000000` is above 10^12 yuan",
        ),
    ] {
        let got = messages(r);
        assert_eq!(got.len(), 1, "{got:?}");
        assert!(got[0].starts_with(want), "{got:?} is not {want}");
    }
    let big = RawRow {
        amount: AmountField::Fen(10_000_000_000_000_001),
        ..row("2022", "1", "410122", "10101", "shared", "")
    };
    assert_eq!(
        messages(big),
        ["amount `100000000000000.01` is above 10^12 yuan"]
    );
    let int_year = RawRow {
        year: Field::Int(3_000_000_000),
        ..row("", "1", "410122", "10101", "shared", "1")
    };
    assert_eq!(
        messages(int_year),
        ["fiscal_year `3000000000` is not a year in 1994–2100"]
    );
}

#[test]
fn a_row_gets_every_problem_in_column_order_and_a_blank_line_none() {
    let got = messages(row("2022", "0", "x", "1", "sharde", "1.005"));
    assert_eq!(got.len(), 5, "{got:?}");
    assert!(got[0].starts_with("month `0`") && got[4].starts_with("amount `1.005`"));
    let blank = RawRow {
        month: Field::Null,
        region: None,
        item: Some(""),
        level: None,
        amount: AmountField::Null,
        ..row("2022", "", "", "", "", "")
    };
    assert_eq!(check_row(&blank), Verdict::Blank);
    let half = RawRow {
        level: Some("shared"),
        ..blank
    };
    assert!(matches!(check_row(&half), Verdict::Bad(p) if p.len() == 4));
}

#[test]
fn key_problems_word_their_month_or_region() {
    let p = RowProblem::new(ProblemKind::NoRuleInForce, ITEM_CODE, "20999").at(
        crate::period::YearMonth {
            year: 2021,
            month: 5,
        },
    );
    assert_eq!(
        p.to_string(),
        "item_code `20999` is shared but its rulebook item has no rule in force at 2021-05"
    );
    let p = RowProblem::new(ProblemKind::UnknownRegion, REGION_CODE, "123456");
    assert_eq!(
        p.to_string(),
        "region_code `123456` is not in the region table"
    );
}
