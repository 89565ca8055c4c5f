//! Ledger stage, the one judge of a ledger row (台账行): a row's fields as read → either
//! the typed receipt (year, month, region, item, budget level, fen) or every problem of
//! the row, each a [`RowProblem`] naming its kind, its column and the value as read.
//! The streamed pass judges every row with [`check_row`], and nothing else judges rows;
//! problems of a key under a scenario's regions and rules (an unknown region, no rule in
//! force…) and repeated vouchers are [`RowProblem`]s too, made where they are found.

use super::columns::*;
use super::BudgetLevel;
use crate::money::{format_yuan, yuan_fen, YuanProblem};
use crate::period::{FIRST_YEAR, LAST_YEAR};
use std::fmt;

/// A field as the file gives it: text (CSV, Parquet strings) or an integer (Parquet).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Field<'a> {
    /// Null or absent.
    Null,
    /// Text as written.
    Text(&'a str),
    /// An integer column's value.
    Int(i64),
}

/// An amount as the file gives it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AmountField<'a> {
    /// Null or absent.
    Null,
    /// Yuan as text.
    Text(&'a str),
    /// A `Decimal(p, 2)` column's integer: fen, exactly (Parquet).
    Fen(i128),
}

/// One ledger row as read, before any judgement.
#[derive(Clone, Copy, Debug)]
pub struct RawRow<'a> {
    /// `fiscal_year` (from the folder name when the file has no such column).
    pub year: Field<'a>,
    /// `month`.
    pub month: Field<'a>,
    /// `region_code`.
    pub region: Option<&'a str>,
    /// `item_code`.
    pub item: Option<&'a str>,
    /// `budget_level`.
    pub level: Option<&'a str>,
    /// `amount`.
    pub amount: AmountField<'a>,
    /// `voucher_id`, when the file has one.
    pub voucher: Option<&'a str>,
}

/// A row that passed [`check_row`]: a receipt with its key and amount in fen.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct GoodRow<'a> {
    /// Fiscal year (财政年度).
    pub year: i32,
    /// Month 1–12.
    pub month: u8,
    /// Six-digit region code.
    pub region: &'a str,
    /// Item code (收入科目), 3–9 digits.
    pub item: &'a str,
    /// Budget level (预算级次).
    pub level: BudgetLevel,
    /// Amount in fen.
    pub fen: i64,
}

/// What [`check_row`] decides.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Verdict<'a> {
    /// A receipt.
    Good(GoodRow<'a>),
    /// A blank line (nothing but perhaps a year): not a row at all.
    Blank,
    /// Every problem of the row, in column order.
    Bad(Vec<RowProblem>),
}

/// The kind of a row problem: the group it is listed under.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ProblemKind {
    /// A required field is empty.
    Missing,
    /// `fiscal_year` is not a year in the engine's range.
    NotAYear,
    /// `month` is not 1–12.
    NotAMonth,
    /// `region_code` is not six digits.
    RegionShape,
    /// `item_code` is not 3–9 digits.
    ItemShape,
    /// `budget_level` is not one of the five levels.
    NotALevel,
    /// `amount` cannot be read as yuan (the reason says why).
    Amount(YuanProblem),
    /// `region_code` is not in the region table.
    UnknownRegion,
    /// `region_code` is the province itself.
    ProvinceRegion,
    /// No rulebook item is a prefix of `item_code`.
    UnknownItem,
    /// A shared receipt whose item has no rule in force in its month.
    NoRuleInForce,
    /// A county-level receipt collected in a prefecture proper.
    CountyLevelInPrefecture,
    /// A prefecture-level receipt in a county with no prefecture.
    PrefectureLevelWithoutPrefecture,
    /// The voucher id occurs more than once in the fiscal year.
    DuplicateVoucher,
}

impl ProblemKind {
    /// The kind in words, without any value: the heading of its group in listings.
    pub fn title(self) -> String {
        match self {
            ProblemKind::Missing => "missing value".into(),
            ProblemKind::NotAYear => format!("fiscal_year not a year in {FIRST_YEAR}–{LAST_YEAR}"),
            ProblemKind::NotAMonth => "month not 1–12".into(),
            ProblemKind::RegionShape => "region_code not 6 digits".into(),
            ProblemKind::ItemShape => "item_code not 3–9 digits".into(),
            ProblemKind::NotALevel => "budget_level not a budget level".into(),
            ProblemKind::Amount(p) => match p {
                YuanProblem::Empty => "amount missing",
                YuanProblem::TooManyDecimals => "amount with more than 2 decimals",
                YuanProblem::ThousandsSeparator => "amount with thousands separators",
                YuanProblem::ScientificNotation => "amount in scientific notation",
                YuanProblem::NotYuan => "amount not in yuan",
                YuanProblem::AboveLimit => "amount above 10^12 yuan",
            }
            .into(),
            ProblemKind::UnknownRegion => "region_code not in the region table".into(),
            ProblemKind::ProvinceRegion => "region_code is the province".into(),
            ProblemKind::UnknownItem => "item_code without a rulebook item".into(),
            ProblemKind::NoRuleInForce => "shared item_code without a rule in force".into(),
            ProblemKind::CountyLevelInPrefecture => {
                "budget_level county in a prefecture proper".into()
            }
            ProblemKind::PrefectureLevelWithoutPrefecture => {
                "budget_level prefecture in a county with no prefecture".into()
            }
            ProblemKind::DuplicateVoucher => "voucher_id repeated within a fiscal year".into(),
        }
    }
}

/// One problem of one row: its kind, the column and the value as read, and for a key
/// problem the month or region it was judged at.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct RowProblem {
    /// What is wrong.
    pub kind: ProblemKind,
    /// The column at fault.
    pub column: &'static str,
    /// The value as read (empty when missing).
    pub value: String,
    /// Where it was judged, for key problems: the month (`2021-05`), the region, the year.
    pub at: String,
}

impl RowProblem {
    /// A problem of `column` with its value as read.
    pub fn new(kind: ProblemKind, column: &'static str, value: impl Into<String>) -> RowProblem {
        RowProblem {
            kind,
            column,
            value: value.into(),
            at: String::new(),
        }
    }

    /// The same, judged at a month, region or year.
    pub fn at(mut self, at: impl fmt::Display) -> RowProblem {
        self.at = at.to_string();
        self
    }
}

impl fmt::Display for RowProblem {
    /// Every message quotes the column and the value: ``region_code `123456` is not in
    /// the region table``.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (c, v, at) = (self.column, &self.value, &self.at);
        match self.kind {
            ProblemKind::Missing => write!(f, "missing {c}"),
            ProblemKind::NotAYear => {
                write!(f, "{c} `{v}` is not a year in {FIRST_YEAR}–{LAST_YEAR}")
            }
            ProblemKind::NotAMonth => write!(f, "{c} `{v}` is not a month 1–12"),
            ProblemKind::RegionShape => write!(f, "{c} `{v}` is not a 6-digit region code"),
            ProblemKind::ItemShape => write!(f, "{c} `{v}` is not a 3–9 digit item code"),
            ProblemKind::NotALevel => write!(
                f,
                "{c} `{v}` is not shared, central, province, prefecture or county"
            ),
            ProblemKind::Amount(p) => write!(f, "{c} `{v}` {}", p.reason()),
            ProblemKind::UnknownRegion => write!(f, "{c} `{v}` is not in the region table"),
            ProblemKind::ProvinceRegion => write!(
                f,
                "{c} `{v}` is the province; receipts belong to a county or prefecture"
            ),
            ProblemKind::UnknownItem => write!(
                f,
                "{c} `{v}` has no rulebook item (no item code is a prefix of it)"
            ),
            ProblemKind::NoRuleInForce => write!(
                f,
                "{c} `{v}` is shared but its rulebook item has no rule in force at {at}"
            ),
            ProblemKind::CountyLevelInPrefecture => write!(
                f,
                "{c} `{v}` in region_code `{at}`, a prefecture proper (county-level receipts \
                 belong to counties)"
            ),
            ProblemKind::PrefectureLevelWithoutPrefecture => write!(
                f,
                "{c} `{v}` in region_code `{at}`, a county with no prefecture"
            ),
            ProblemKind::DuplicateVoucher => {
                write!(f, "duplicate {c} `{v}` within the fiscal year {at}")
            }
        }
    }
}

impl Field<'_> {
    /// The value as read, as text.
    pub fn as_read(&self) -> String {
        match self {
            Field::Null => String::new(),
            Field::Text(s) => s.to_string(),
            Field::Int(i) => i.to_string(),
        }
    }

    fn is_empty(&self) -> bool {
        matches!(self, Field::Null | Field::Text(""))
    }

    /// An integer written in digits (an optional `-`), or an integer column's value.
    #[inline]
    fn integer(&self) -> Option<i64> {
        match *self {
            Field::Int(i) => Some(i),
            Field::Text(s) => {
                let digits = s.strip_prefix('-').unwrap_or(s);
                if digits.is_empty()
                    || digits.len() > 18
                    || !digits.bytes().all(|b| b.is_ascii_digit())
                {
                    return None;
                }
                s.parse().ok()
            }
            Field::Null => None,
        }
    }
}

impl AmountField<'_> {
    /// The value as read, as text (a Parquet decimal with its 2 decimals).
    pub fn as_read(&self) -> String {
        match *self {
            AmountField::Null => String::new(),
            AmountField::Text(s) => s.to_string(),
            AmountField::Fen(f) => match i64::try_from(f) {
                Ok(f) => format_yuan(f),
                Err(_) => format!("{}.{:02}", f / 100, (f % 100).unsigned_abs()),
            },
        }
    }

    /// The amount in fen, where it can be read.
    #[inline]
    pub fn fen(&self) -> Result<i64, YuanProblem> {
        match *self {
            AmountField::Null => Err(YuanProblem::Empty),
            AmountField::Text(s) => yuan_fen(s),
            AmountField::Fen(f) => i64::try_from(f)
                .ok()
                .filter(|f| f.unsigned_abs() <= crate::money::MAX_FEN as u64)
                .ok_or(YuanProblem::AboveLimit),
        }
    }
}

impl RawRow<'_> {
    /// The six ledger fields as read, in [`REQUIRED`] order (for reject files).
    pub fn fields(&self) -> Vec<String> {
        let text = |v: Option<&str>| v.unwrap_or("").to_string();
        vec![
            self.year.as_read(),
            self.month.as_read(),
            text(self.region),
            text(self.item),
            text(self.level),
            self.amount.as_read(),
        ]
    }

    /// The fiscal year, where it can be read (an integer in 1994–2100).
    pub fn year_as_read(&self) -> Option<i32> {
        judge_year(&self.year)
    }

    /// A blank line: every field but the year empty.
    fn is_blank(&self) -> bool {
        let empty = |v: Option<&str>| v.is_none_or(str::is_empty);
        self.month.is_empty()
            && empty(self.region)
            && empty(self.item)
            && empty(self.level)
            && matches!(self.amount, AmountField::Null | AmountField::Text(""))
            && empty(self.voucher)
    }
}

fn text_problem(column: &'static str, v: Option<&str>, kind: ProblemKind) -> RowProblem {
    match v {
        None | Some("") => RowProblem::new(ProblemKind::Missing, column, ""),
        Some(v) => RowProblem::new(kind, column, v),
    }
}

fn field_problem(column: &'static str, v: &Field<'_>, kind: ProblemKind) -> RowProblem {
    if v.is_empty() {
        RowProblem::new(ProblemKind::Missing, column, "")
    } else {
        RowProblem::new(kind, column, v.as_read())
    }
}

#[inline]
fn digits(s: &str, min: usize, max: usize) -> bool {
    (min..=max).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit())
}

/// The judge of `fiscal_year` (财政年度): an integer in 1994–2100.
#[inline]
pub(crate) fn judge_year(f: &Field<'_>) -> Option<i32> {
    f.integer()
        .filter(|y| (FIRST_YEAR as i64..=LAST_YEAR as i64).contains(y))
        .map(|y| y as i32)
}

/// The judge of `month`: an integer 1–12.
#[inline]
pub(crate) fn judge_month(f: &Field<'_>) -> Option<u8> {
    f.integer()
        .filter(|m| (1..=12).contains(m))
        .map(|m| m as u8)
}

/// The judge of `region_code` (行政区划代码): six digits.
#[inline]
pub(crate) fn judge_region(v: Option<&str>) -> Option<&str> {
    v.filter(|r| digits(r, 6, 6))
}

/// The judge of `item_code` (收入科目编码): 3–9 digits.
#[inline]
pub(crate) fn judge_item(v: Option<&str>) -> Option<&str> {
    v.filter(|i| digits(i, 3, 9))
}

/// The judge of `budget_level` (预算级次): one of the five levels ([`BudgetLevel::parse`]).
#[inline]
pub(crate) fn judge_level(v: Option<&str>) -> Option<BudgetLevel> {
    v.and_then(BudgetLevel::parse)
}

/// The judge of a ledger row, and the only one: a year in 1994–2100, a month 1–12, a
/// six-digit region code, an item code of 3–9 digits, one of the five budget levels and
/// an amount in yuan read by [`yuan_fen`] (a Parquet decimal's fen taken as they are),
/// each field by its own judge (`judge_year` … `judge_level`, [`AmountField::fen`]).
/// A good row costs no allocation; a bad one gets every problem, in column order; a
/// blank line (nothing but perhaps a year) is no row. (Inlined into the pass's loop; the
/// rare bad row is worded out of line, by [`bad_row`]. The pass memoizes the verdicts on
/// the three code fields per distinct value, so a code is judged once per worker.)
#[inline]
pub fn check_row<'a>(row: &RawRow<'a>) -> Verdict<'a> {
    let year = judge_year(&row.year);
    let month = judge_month(&row.month);
    let region = judge_region(row.region);
    let item = judge_item(row.item);
    let level = judge_level(row.level);
    let fen = row.amount.fen();
    if let (Some(year), Some(month), Some(region), Some(item), Some(level), Ok(fen)) =
        (year, month, region, item, level, fen)
    {
        return Verdict::Good(GoodRow {
            year,
            month,
            region,
            item,
            level,
            fen,
        });
    }
    bad_row(row, year, month, region, item, level, fen)
}

/// Every problem of a row [`check_row`] did not find good, in column order, from what it
/// read of each field; or a blank line.
#[cold]
#[inline(never)]
fn bad_row<'a>(
    row: &RawRow<'a>,
    year: Option<i32>,
    month: Option<u8>,
    region: Option<&'a str>,
    item: Option<&'a str>,
    level: Option<BudgetLevel>,
    fen: Result<i64, YuanProblem>,
) -> Verdict<'a> {
    if row.is_blank() {
        return Verdict::Blank;
    }
    let mut problems = Vec::new();
    if year.is_none() {
        problems.push(field_problem(FISCAL_YEAR, &row.year, ProblemKind::NotAYear));
    }
    if month.is_none() {
        problems.push(field_problem(MONTH, &row.month, ProblemKind::NotAMonth));
    }
    if region.is_none() {
        problems.push(text_problem(
            REGION_CODE,
            row.region,
            ProblemKind::RegionShape,
        ));
    }
    if item.is_none() {
        problems.push(text_problem(ITEM_CODE, row.item, ProblemKind::ItemShape));
    }
    if level.is_none() {
        problems.push(text_problem(
            BUDGET_LEVEL,
            row.level,
            ProblemKind::NotALevel,
        ));
    }
    match fen {
        Ok(_) => {}
        Err(YuanProblem::Empty) => {
            problems.push(RowProblem::new(ProblemKind::Missing, AMOUNT, ""));
        }
        Err(p) => problems.push(RowProblem::new(
            ProblemKind::Amount(p),
            AMOUNT,
            row.amount.as_read(),
        )),
    }
    Verdict::Bad(problems)
}
