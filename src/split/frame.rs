//! The cascade as polars expressions, for receipt-level ledgers: the same arithmetic as
//! [`super::Cascade::split`], column by column, in `i64` fen without overflow up to
//! 10^12 yuan. Rates arrive as integer parts-per-million columns (see [`col`]).

use crate::money::PPM;
use polars::prelude::*;

/// Column names used by the split stage.
pub mod col {
    /// Amount in fen (`i64`).
    pub const AMOUNT_FEN: &str = "amount_fen";
    /// Central share, ppm.
    pub const RATE_CENTRAL: &str = "rate_central";
    /// Provincial share, ppm.
    pub const RATE_PROVINCE: &str = "rate_province";
    /// Prefecture share applied, ppm.
    pub const RATE_PREFECTURE: &str = "rate_prefecture";
    /// Prefecture share under the old rules, ppm.
    pub const RATE_PREFECTURE_OLD: &str = "rate_prefecture_old";
    /// Output columns, in fen.
    pub const COLLECTED: &str = "collected";
    /// 上划中央.
    pub const TO_CENTRAL: &str = "to_central";
    /// 上划省级.
    pub const TO_PROVINCE: &str = "to_province";
    /// 上划市级.
    pub const TO_PREFECTURE: &str = "to_prefecture";
    /// 本级收入.
    pub const RETAINED: &str = "retained";
    /// Prefecture's part under prefecture-managed rules.
    pub const PREFECTURE_IF_MANAGED: &str = "prefecture_if_managed";
    /// The five money columns that must add up, then the measure.
    pub const PARTS: [&str; 6] = [
        COLLECTED,
        TO_CENTRAL,
        TO_PROVINCE,
        TO_PREFECTURE,
        RETAINED,
        PREFECTURE_IF_MANAGED,
    ];
}

/// `round(amount × rate / 10^6)`, half away from zero, for `i64` fen and a ppm rate in
/// [0, 10^6]. The amount is cut into millions and a remainder so no product leaves `i64`.
pub fn round_ppm(amount: Expr, rate_ppm: Expr) -> Expr {
    let ppm = || lit(PPM);
    let a = amount.clone().abs();
    let high = a.clone().floor_div(ppm());
    let low = a - high.clone() * ppm();
    let q = high * rate_ppm.clone() + (low * rate_ppm + lit(PPM / 2)).floor_div(ppm());
    when(amount.lt(lit(0i64)))
        .then(lit(0i64) - q.clone())
        .otherwise(q)
}

/// Adds the split columns to a frame holding [`col::AMOUNT_FEN`] and the four rate columns.
pub fn with_split(lf: LazyFrame) -> LazyFrame {
    use col::*;
    let amount = || polars::prelude::col(AMOUNT_FEN);
    let c = |n: &str| polars::prelude::col(n);
    lf.with_column(round_ppm(amount(), c(RATE_CENTRAL)).alias(TO_CENTRAL))
        .with_column((amount() - c(TO_CENTRAL)).alias("__local"))
        .with_column(round_ppm(c("__local"), c(RATE_PROVINCE)).alias(TO_PROVINCE))
        .with_column((c("__local") - c(TO_PROVINCE)).alias("__rest"))
        .with_columns([
            round_ppm(c("__rest"), c(RATE_PREFECTURE)).alias(TO_PREFECTURE),
            round_ppm(c("__rest"), c(RATE_PREFECTURE_OLD)).alias(PREFECTURE_IF_MANAGED),
            amount().alias(COLLECTED),
        ])
        .with_column((c("__rest") - c(TO_PREFECTURE)).alias(RETAINED))
        .drop(cols(["__local", "__rest"]))
}

/// A per-row conservation flag: 1 where the four parts do not add up to the receipt or a
/// part has the opposite sign of the receipt or exceeds it (which rounding must never do).
pub fn conservation_breach() -> Expr {
    use col::*;
    let c = |n: &str| polars::prelude::col(n);
    let sum = c(TO_CENTRAL) + c(TO_PROVINCE) + c(TO_PREFECTURE) + c(RETAINED);
    let out_of_bounds = |n: &str| {
        let sign_bad = (c(n).lt(lit(0i64)).and(c(AMOUNT_FEN).gt(lit(0i64))))
            .or(c(n).gt(lit(0i64)).and(c(AMOUNT_FEN).lt(lit(0i64))));
        sign_bad.or(c(n).abs().gt(c(AMOUNT_FEN).abs()))
    };
    sum.neq(c(AMOUNT_FEN))
        .or(out_of_bounds(TO_CENTRAL))
        .or(out_of_bounds(TO_PROVINCE))
        .or(out_of_bounds(TO_PREFECTURE))
        .or(out_of_bounds(RETAINED))
        .cast(DataType::UInt32)
}
