//! Row checks of a ledger: each row gets every problem found in it (or null), and the
//! typed columns the split needs (`fiscal_year`, `month` as integers, `amount_fen` in fen).
//! Amounts are validated as text before any conversion, so `12.345` is refused, never rounded.

use super::columns::*;
use crate::money::MAX_FEN;
use crate::period::{FIRST_YEAR, LAST_YEAR};
use crate::split::frame::col::AMOUNT_FEN;
use polars::prelude::*;

fn quoted(name: &str, what: &str) -> Expr {
    concat_str(
        [
            lit(format!("{name} `")),
            col(name).fill_null(lit("")),
            lit(format!("` {what}")),
        ],
        "",
        false,
    )
}

fn matches(name: &str, pattern: &str) -> Expr {
    col(name)
        .str()
        .contains(lit(pattern), true)
        .fill_null(lit(false))
}

/// Separates the problems of one row in [`PROBLEM`].
pub const PROBLEM_SEPARATOR: &str = "; ";

/// Adds [`PROBLEM`] (every problem of the row, at most one per column, joined by
/// [`PROBLEM_SEPARATOR`]; null for a good row) and typed `fiscal_year`, `month` (Int32)
/// and `amount_fen` (Int64, fen); typed values are null on rows with a problem, whose year
/// and month as read stay in [`RAW_FISCAL_YEAR`] and [`RAW_MONTH`].
pub fn with_row_checks(lf: LazyFrame) -> LazyFrame {
    let year = col(FISCAL_YEAR).cast(DataType::Int32);
    let month = col(MONTH).cast(DataType::Int32);
    let levels = Series::new(
        "levels".into(),
        ["shared", "central", "province", "prefecture", "county"],
    );
    let amount_ok = matches(AMOUNT, r"^-?[0-9]{1,13}(\.[0-9]{1,2})?$");
    let fen = col(AMOUNT).cast(DataType::Decimal(38, 2)) * lit(100i64);
    let fen_checked = when(amount_ok.clone())
        .then(fen.strict_cast(DataType::Int64))
        .otherwise(lit(NULL).cast(DataType::Int64));
    let none = || lit(NULL).cast(DataType::String);
    // one problem per column: the first that applies to it
    let year_problem = when(col(FISCAL_YEAR).is_null().or(col(FISCAL_YEAR).eq(lit(""))))
        .then(lit("missing fiscal_year"))
        .when(
            year.clone()
                .is_null()
                .or(year.clone().lt(lit(FIRST_YEAR)))
                .or(year.clone().gt(lit(LAST_YEAR))),
        )
        .then(quoted(
            FISCAL_YEAR,
            &format!("is not a year in {FIRST_YEAR}–{LAST_YEAR}"),
        ))
        .otherwise(none());
    let month_problem = when(
        month
            .clone()
            .is_null()
            .or(month.clone().lt(lit(1)))
            .or(month.clone().gt(lit(12))),
    )
    .then(quoted(MONTH, "is not a month 1–12"))
    .otherwise(none());
    let region_problem = when(matches(REGION_CODE, r"^[0-9]{6}$").not())
        .then(quoted(REGION_CODE, "is not a 6-digit region code"))
        .otherwise(none());
    let item_problem = when(matches(ITEM_CODE, r"^[0-9]{3,9}$").not())
        .then(quoted(ITEM_CODE, "is not a 3–9 digit item code"))
        .otherwise(none());
    let level_problem = when(
        col(BUDGET_LEVEL)
            .is_in(lit(levels).implode(false), false)
            .fill_null(lit(false))
            .not(),
    )
    .then(quoted(
        BUDGET_LEVEL,
        "is not shared, central, province, prefecture or county",
    ))
    .otherwise(none());
    let amount_problem = when(col(AMOUNT).is_null().or(col(AMOUNT).eq(lit(""))))
        .then(lit("missing amount"))
        .when(matches(AMOUNT, r"^-?[0-9]+\.[0-9]{3,}$"))
        .then(quoted(AMOUNT, "has more than 2 decimals (fen)"))
        .when(matches(AMOUNT, r"^-?[0-9]{1,3}(,[0-9]{3})+(\.[0-9]*)?$"))
        .then(quoted(AMOUNT, "has thousands separators"))
        .when(amount_ok.not())
        .then(quoted(AMOUNT, "is not an amount in yuan"))
        .when(fen_checked.clone().abs().gt(lit(MAX_FEN)))
        .then(quoted(AMOUNT, "is above 10^12 yuan"))
        .otherwise(none());
    let joined = concat_str(
        [
            year_problem,
            month_problem,
            region_problem,
            item_problem,
            level_problem,
            amount_problem,
        ],
        PROBLEM_SEPARATOR,
        true,
    );
    // a blank line (nothing but perhaps a year) is not a row: no problem, and no key
    let empty = |c: &str| {
        col(c)
            .is_null()
            .or(col(c).cast(DataType::String).eq(lit("")))
    };
    let blank = [
        MONTH,
        REGION_CODE,
        ITEM_CODE,
        BUDGET_LEVEL,
        AMOUNT,
        VOUCHER_ID,
    ]
    .into_iter()
    .map(empty)
    .reduce(|a, b| a.and(b))
    .expect("columns");
    let problem = when(
        joined
            .clone()
            .is_null()
            .or(joined.clone().eq(lit("")))
            .or(blank),
    )
    .then(none())
    .otherwise(joined);
    lf.with_columns([
        problem.alias(PROBLEM),
        fen_checked.alias(AMOUNT_FEN),
        col(FISCAL_YEAR)
            .cast(DataType::String)
            .alias(RAW_FISCAL_YEAR),
        col(MONTH).cast(DataType::String).alias(RAW_MONTH),
    ])
    .with_columns([
        when(col(PROBLEM).is_null())
            .then(year)
            .otherwise(lit(NULL).cast(DataType::Int32))
            .alias(FISCAL_YEAR),
        when(col(PROBLEM).is_null())
            .then(month)
            .otherwise(lit(NULL).cast(DataType::Int32))
            .alias(MONTH),
    ])
}
