//! Money and rates: integer fen (分), rates in parts per million, and the one rounding rule
//! of the engine (四舍五入: half away from zero, negatives symmetric).
//!
//! Every amount inside the engine is an `i64` count of fen; every share is a [`Rate`] held as
//! an integer number of millionths, so a product is exact in `i128` before it is rounded.

use rust_decimal::Decimal;
use std::fmt;
use std::str::FromStr;

/// One million: the denominator of a [`Rate`].
pub const PPM: i64 = 1_000_000;

/// Largest amount accepted anywhere, in fen: 10^12 yuan (the spec's upper bound) × 100.
pub const MAX_FEN: i64 = 100_000_000_000_000;

/// A share (分享比例) between 0 and 1 with at most 6 decimals, held as parts per million.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Rate(u32);

impl Rate {
    /// The zero share.
    pub const ZERO: Rate = Rate(0);
    /// The whole (100 %).
    pub const ONE: Rate = Rate(PPM as u32);

    /// A rate from parts per million; `None` above one.
    pub fn from_ppm(ppm: u32) -> Option<Rate> {
        (ppm as i64 <= PPM).then_some(Rate(ppm))
    }

    /// Parts per million.
    pub fn ppm(self) -> u32 {
        self.0
    }

    /// Parses a decimal string such as `"0.15"`: 0 ≤ rate ≤ 1, at most 6 decimals.
    pub fn parse(text: &str) -> Result<Rate, String> {
        let d = Decimal::from_str_exact(text.trim())
            .map_err(|_| format!("`{text}` is not a decimal number"))?;
        Rate::from_decimal(d).map_err(|e| format!("`{text}`: {e}"))
    }

    /// A rate from an exact decimal: 0 ≤ d ≤ 1, at most 6 decimals.
    pub fn from_decimal(d: Decimal) -> Result<Rate, String> {
        if d.is_sign_negative() && !d.is_zero() || d > Decimal::ONE {
            return Err("a rate must lie between 0 and 1".into());
        }
        let scaled = d * Decimal::from(PPM);
        if scaled.fract() != Decimal::ZERO {
            return Err("a rate has at most 6 decimals".into());
        }
        let ppm = rust_decimal::prelude::ToPrimitive::to_u32(&scaled)
            .ok_or_else(|| "rate out of range".to_string())?;
        Ok(Rate(ppm))
    }

    /// The rate as an exact decimal.
    pub fn to_decimal(self) -> Decimal {
        Decimal::new(self.0 as i64, 6).normalize()
    }

    /// `round(amount × rate)` in fen, half away from zero.
    #[inline(always)]
    pub fn apply(self, amount: i64) -> i64 {
        // Below 1.8 × 10^13 fen the product and the half fit in u64, and the division by
        // the constant 10^6 compiles to a multiplication: the common case of a receipt.
        const FAST: u64 = (u64::MAX - PPM as u64) / PPM as u64;
        let a = amount.unsigned_abs();
        if a <= FAST {
            let q = ((a * self.0 as u64 + (PPM / 2) as u64) / PPM as u64) as i64;
            return if amount < 0 { -q } else { q };
        }
        round_div(amount as i128 * self.0 as i128, PPM as i128) as i64
    }
}

impl serde::Serialize for Rate {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_string())
    }
}

impl fmt::Display for Rate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.to_decimal())
    }
}

/// `round(n / d)` half away from zero, for `d > 0` (四舍五入, negatives symmetric).
pub fn round_div(n: i128, d: i128) -> i128 {
    debug_assert!(d > 0);
    let q = (n.abs() + d / 2) / d;
    if n < 0 {
        -q
    } else {
        q
    }
}

/// Rounds an exact decimal number of fen to a whole fen, half away from zero.
pub fn round_decimal_fen(fen: Decimal) -> Result<i64, String> {
    let r = fen.round_dp_with_strategy(0, rust_decimal::RoundingStrategy::MidpointAwayFromZero);
    i64::try_from(r).map_err(|_| format!("{fen} fen is out of range"))
}

/// Why a text is not an amount in yuan (元): the one classification of every yuan parser
/// of the engine ([`yuan_fen`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum YuanProblem {
    /// Nothing written.
    Empty,
    /// 3 or more decimals (`12.345`): never rounded, refused.
    TooManyDecimals,
    /// Thousands separators (`1,234.00`).
    ThousandsSeparator,
    /// Scientific notation (`5.39748E+09`), as Excel displays large numbers: the digits
    /// beyond the sixth are lost, so the amount cannot be read.
    ScientificNotation,
    /// Anything else that is not digits with an optional `-` and 1–2 decimals.
    NotYuan,
    /// Above 10^12 yuan in absolute value.
    AboveLimit,
}

impl YuanProblem {
    /// The reason, for a message that quotes the text first (`` `12.345` has … ``).
    pub fn reason(self) -> &'static str {
        match self {
            YuanProblem::Empty => "is empty",
            YuanProblem::TooManyDecimals => "has more than 2 decimals (fen)",
            YuanProblem::ThousandsSeparator => {
                "has thousands separators: export the column as a plain number (Excel: \
                 Format Cells → Number, 2 decimals, without the 1000 separator)"
            }
            YuanProblem::ScientificNotation => {
                "is in scientific notation (as Excel shows large numbers; the digits past \
                 the sixth are lost): export the column as a number with 2 decimals"
            }
            YuanProblem::NotYuan => "is not an amount in yuan (digits, optional `-`, `.`)",
            YuanProblem::AboveLimit => "is above 10^12 yuan",
        }
    }
}

#[inline]
fn all_digits(b: &[u8]) -> bool {
    b.iter().all(u8::is_ascii_digit)
}

/// The one yuan parser: an amount in yuan with at most 2 decimals (`-1234.5`, `12.30`,
/// `007.50`, `-0`) → fen, exactly, without allocating. The text is taken as written (no
/// blanks around it). Refuses 3+ decimals, thousands separators, scientific notation,
/// anything else and amounts above 10^12 yuan, each with its [`YuanProblem`].
#[inline]
pub fn yuan_fen(text: &str) -> Result<i64, YuanProblem> {
    let b = text.as_bytes();
    if b.is_empty() {
        return Err(YuanProblem::Empty);
    }
    let (neg, body) = match b.split_first() {
        Some((b'-', rest)) => (true, rest),
        _ => (false, b),
    };
    let (int, frac) = match body.iter().position(|&c| c == b'.') {
        Some(p) => (&body[..p], Some(&body[p + 1..])),
        None => (body, None),
    };
    if int.is_empty() || !all_digits(int) {
        return Err(unreadable(body));
    }
    let cents = match frac {
        None => 0,
        Some(f) if (1..=2).contains(&f.len()) && all_digits(f) => {
            (f[0] - b'0') as i64 * 10 + f.get(1).map_or(0, |d| (d - b'0') as i64)
        }
        Some(f) if f.len() > 2 && all_digits(f) => return Err(YuanProblem::TooManyDecimals),
        Some(_) => return Err(unreadable(body)),
    };
    if int.len() > 13 {
        return Err(YuanProblem::AboveLimit);
    }
    let yuan = int.iter().fold(0i64, |n, d| n * 10 + (d - b'0') as i64);
    let fen = yuan * 100 + cents;
    if fen > MAX_FEN {
        return Err(YuanProblem::AboveLimit);
    }
    Ok(if neg { -fen } else { fen })
}

/// What an unreadable amount (without its sign) looks like: thousands separators
/// (`1,234` or `1,234.5`), scientific notation (`5.39748E+09`), or neither.
#[cold]
fn unreadable(body: &[u8]) -> YuanProblem {
    let text = std::str::from_utf8(body).unwrap_or("");
    let (int, frac) = text.split_once('.').unwrap_or((text, ""));
    let groups: Vec<&str> = int.split(',').collect();
    if groups.len() > 1
        && (1..=3).contains(&groups[0].len())
        && groups.iter().all(|g| all_digits(g.as_bytes()))
        && groups[1..].iter().all(|g| g.len() == 3)
        && all_digits(frac.as_bytes())
    {
        return YuanProblem::ThousandsSeparator;
    }
    if let Some((mantissa, exp)) = text.split_once(['e', 'E']) {
        let exp = exp.strip_prefix(['+', '-']).unwrap_or(exp);
        let (m_int, m_frac) = mantissa.split_once('.').unwrap_or((mantissa, "0"));
        if !m_int.is_empty()
            && !m_frac.is_empty()
            && !exp.is_empty()
            && all_digits(m_int.as_bytes())
            && all_digits(m_frac.as_bytes())
            && all_digits(exp.as_bytes())
        {
            return YuanProblem::ScientificNotation;
        }
    }
    YuanProblem::NotYuan
}

/// Parses a yuan amount of an optional table (subsidies, bases, rebates, transfers) into
/// fen with [`yuan_fen`], blanks around it allowed; the error quotes the text.
pub fn parse_yuan(text: &str) -> Result<i64, String> {
    yuan_fen(text.trim()).map_err(|p| format!("`{text}` {}", p.reason()))
}

/// Formats fen as plain yuan with 2 decimals: `-1234.56` (the CSV money format).
pub fn format_yuan(fen: i64) -> String {
    let mut out = String::with_capacity(24);
    write_yuan(&mut out, fen);
    out
}

/// Appends fen as [`format_yuan`] writes them, without an intermediate string (the
/// server writes thousands of money cells an answer).
pub fn write_yuan(out: &mut String, fen: i64) {
    if fen < 0 {
        out.push('-');
    }
    // the fen's digits at once, the point set before the last two
    let mut buf = itoa::Buffer::new();
    let digits = buf.format(fen.unsigned_abs());
    match digits.len() {
        1 => out.push_str("0.0"),
        2 => out.push_str("0."),
        _ => {}
    }
    let (yuan, cents) = digits.split_at(digits.len().saturating_sub(2));
    if !yuan.is_empty() {
        out.push_str(yuan);
        out.push('.');
    }
    out.push_str(cents);
}

/// Appends an integer in decimal digits, as `Display` writes it, without the formatter.
pub fn write_int(out: &mut String, n: i64) {
    if n < 0 {
        out.push('-');
    }
    push_digits(out, n.unsigned_abs());
}

/// The digits of `a` (a settlement answer writes tens of thousands of numbers: `itoa`
/// writes them two at a time, without the formatter's machinery).
fn push_digits(out: &mut String, a: u64) {
    out.push_str(itoa::Buffer::new().format(a));
}

/// Fen as an exact decimal number of yuan.
pub fn fen_to_decimal(fen: i64) -> Decimal {
    Decimal::new(fen, 2)
}

/// Parses a decimal string from TOML (growth rates, indexation rates) exactly.
pub fn parse_decimal(text: &str) -> Result<Decimal, String> {
    Decimal::from_str(text.trim()).map_err(|_| format!("`{text}` is not a decimal number"))
}

/// Deserializes a rate or amount written in TOML as a string (`"0.10"`). A TOML number is
/// refused with a message saying how to write it: a binary float must never carry a rate.
pub fn decimal_text<'de, D: serde::Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    struct V;
    impl serde::de::Visitor<'_> for V {
        type Value = String;
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("a decimal written as a string, such as \"0.10\"")
        }
        fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<String, E> {
            Ok(v.to_string())
        }
        fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<String, E> {
            Err(E::custom(format!(
                "`{v}` is a TOML number: write it as a string, \"{v}\" (rates are exact \
                 decimals, never binary floating point)"
            )))
        }
        fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<String, E> {
            Err(E::custom(format!(
                "`{v}` is a TOML number: write it as a string, \"{v}\""
            )))
        }
        fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<String, E> {
            self.visit_i64(v as i64)
        }
    }
    d.deserialize_any(V)
}

/// [`decimal_text`] for an optional key.
pub fn opt_decimal_text<'de, D: serde::Deserializer<'de>>(
    d: D,
) -> Result<Option<String>, D::Error> {
    decimal_text(d).map(Some)
}

/// [`decimal_text`] for every value of a table (`growth = { default = "0.05" }`).
pub fn decimal_text_map<'de, D: serde::Deserializer<'de>>(
    d: D,
) -> Result<std::collections::BTreeMap<String, String>, D::Error> {
    #[derive(serde::Deserialize)]
    struct Text(#[serde(deserialize_with = "decimal_text")] String);
    let m: std::collections::BTreeMap<String, Text> = serde::Deserialize::deserialize(d)?;
    Ok(m.into_iter().map(|(k, v)| (k, v.0)).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integers_written_as_the_formatter_would() {
        for n in [0, 7, -7, 10, 2030, -123_456_789, i64::MAX, i64::MIN] {
            let mut out = String::new();
            write_int(&mut out, n);
            assert_eq!(out, n.to_string());
        }
    }

    #[test]
    fn yuan_written_as_the_formatter_would() {
        for fen in [
            0,
            5,
            -5,
            99,
            -99,
            100,
            -100,
            12_345,
            -12_345,
            i64::MAX,
            i64::MIN,
        ] {
            let mut out = String::new();
            write_yuan(&mut out, fen);
            let a = fen.unsigned_abs();
            let sign = if fen < 0 { "-" } else { "" };
            assert_eq!(out, format!("{sign}{}.{:02}", a / 100, a % 100), "{fen}");
        }
    }

    #[test]
    fn rounding_ties_go_away_from_zero_both_signs() {
        assert_eq!(round_div(5, 10), 1);
        assert_eq!(round_div(-5, 10), -1);
        assert_eq!(round_div(4, 10), 0);
        assert_eq!(round_div(-4, 10), 0);
        assert_eq!(round_div(15, 10), 2);
        assert_eq!(round_div(-25, 10), -3);
    }

    #[test]
    fn rate_parse_limits() {
        assert_eq!(Rate::parse("0.15").unwrap().ppm(), 150_000);
        assert_eq!(Rate::parse("1").unwrap(), Rate::ONE);
        assert_eq!(Rate::parse("0.000001").unwrap().ppm(), 1);
        assert!(Rate::parse("1.01").is_err());
        assert!(Rate::parse("-0.1").is_err());
        assert!(Rate::parse("0.0000001").is_err());
        assert!(Rate::parse("abc").is_err());
    }

    #[test]
    fn rate_apply_is_exact_at_the_top_of_the_range() {
        // 10^12 yuan × 0.333333 — i64 product would overflow, i128 does not.
        assert_eq!(
            Rate::parse("0.333333").unwrap().apply(MAX_FEN),
            33_333_300_000_000
        );
        assert_eq!(Rate::parse("0.5").unwrap().apply(-1), -1); // -0.5 → -1
        assert_eq!(Rate::parse("0.5").unwrap().apply(1), 1);
    }

    #[test]
    fn rate_apply_fast_path_agrees_with_i128_on_both_sides_of_its_bound() {
        let exact = |r: Rate, a: i64| round_div(a as i128 * r.ppm() as i128, PPM as i128) as i64;
        let bound = ((u64::MAX - PPM as u64) / PPM as u64) as i64;
        for ppm in [0, 1, 333_333, 499_999, 500_000, 999_999, 1_000_000] {
            let r = Rate::from_ppm(ppm).unwrap();
            for a in [
                0,
                1,
                2,
                3,
                7,
                999_999,
                1_000_001,
                bound - 1,
                bound,
                bound + 1,
                MAX_FEN,
            ] {
                assert_eq!(r.apply(a), exact(r, a), "{ppm} × {a}");
                assert_eq!(r.apply(-a), exact(r, -a), "{ppm} × -{a}");
            }
        }
    }

    #[test]
    fn yuan_parsing_is_exact_and_strict() {
        assert_eq!(parse_yuan("12.3").unwrap(), 1230);
        assert_eq!(parse_yuan("-0.05").unwrap(), -5);
        assert_eq!(parse_yuan("7").unwrap(), 700);
        assert!(parse_yuan("12.345")
            .unwrap_err()
            .contains("more than 2 decimals"));
        assert!(parse_yuan("1,234.00").is_err());
        assert!(parse_yuan("1e5")
            .unwrap_err()
            .contains("scientific notation"));
        assert!(parse_yuan("").is_err());
        assert!(parse_yuan("12.").is_err());
        assert!(parse_yuan("10000000000000.01").is_err());
        assert_eq!(format_yuan(-123456), "-1234.56");
        assert_eq!(format_yuan(5), "0.05");
        assert_eq!(format_yuan(-5), "-0.05");
    }

    #[test]
    fn the_yuan_parser_reads_exactly_what_it_accepts_and_names_what_it_refuses() {
        assert_eq!(yuan_fen("12.3"), Ok(1230));
        assert_eq!(yuan_fen("-0.05"), Ok(-5));
        assert_eq!(yuan_fen("007.50"), Ok(750));
        assert_eq!(yuan_fen("-0"), Ok(0));
        assert_eq!(yuan_fen("1000000000000.00"), Ok(MAX_FEN));
        assert_eq!(yuan_fen("-1000000000000"), Ok(-MAX_FEN));
        use YuanProblem::*;
        for (text, problem) in [
            ("", Empty),
            ("1000000000000.01", AboveLimit),
            ("12345678901234", AboveLimit),
            ("12.345", TooManyDecimals),
            ("-0.001", TooManyDecimals),
            ("1,234.00", ThousandsSeparator),
            ("-12,345,678", ThousandsSeparator),
            ("5.39748E+09", ScientificNotation),
            ("-1e5", ScientificNotation),
            ("1.2e-3", ScientificNotation),
            ("-", NotYuan),
            ("12.", NotYuan),
            (".5", NotYuan),
            (" 1", NotYuan),
            ("1 ", NotYuan),
            ("+1", NotYuan),
            ("--1", NotYuan),
            ("1.2.3", NotYuan),
            ("12,34", NotYuan),
            ("e5", NotYuan),
            ("٣", NotYuan),
        ] {
            assert_eq!(yuan_fen(text), Err(problem), "{text:?}");
        }
        // tables allow blanks around the figure; the ledger takes the text as written
        assert_eq!(parse_yuan(" 12.30 "), Ok(1230));
    }
}
