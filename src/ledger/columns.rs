//! Column names of the revenue ledger (收入台账) and of the frames built from it.

/// Fiscal year (财政年度).
pub const FISCAL_YEAR: &str = "fiscal_year";
/// Month 1–12.
pub const MONTH: &str = "month";
/// Region where the receipt was collected.
pub const REGION_CODE: &str = "region_code";
/// Budget revenue item code (收入科目).
pub const ITEM_CODE: &str = "item_code";
/// Budget level (预算级次).
pub const BUDGET_LEVEL: &str = "budget_level";
/// Amount in yuan.
pub const AMOUNT: &str = "amount";
/// Receipt id (optional).
pub const VOUCHER_ID: &str = "voucher_id";
/// The columns every ledger must have.
pub const REQUIRED: [&str; 6] = [
    FISCAL_YEAR,
    MONTH,
    REGION_CODE,
    ITEM_CODE,
    BUDGET_LEVEL,
    AMOUNT,
];
/// The key of monthly totals and of `item_shares`.
pub const KEYS: [&str; 5] = [FISCAL_YEAR, MONTH, REGION_CODE, ITEM_CODE, BUDGET_LEVEL];
/// The Chinese column names finance systems export, read as their English twins
/// (年度 → `fiscal_year`, …). A file naming a column both ways is refused as a repeat.
pub const ALIASES: [(&str, &str); 7] = [
    ("年度", FISCAL_YEAR),
    ("月份", MONTH),
    ("地区代码", REGION_CODE),
    ("科目代码", ITEM_CODE),
    ("级次", BUDGET_LEVEL),
    ("金额", AMOUNT),
    ("凭证号", VOUCHER_ID),
];

/// A header as the ledger's column name: an alias of [`ALIASES`] as its English twin.
pub fn canonical(name: &str) -> &str {
    ALIASES
        .iter()
        .find(|(zh, _)| *zh == name)
        .map_or(name, |(_, en)| en)
}

/// 1-based data row within its file.
pub const ROW: &str = "row";
