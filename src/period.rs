//! Periods: the year-month (`YYYY-MM`) in which a receipt is collected, a rule takes effect
//! or a county becomes province-direct.

use serde::{Deserialize, Serialize};
use std::fmt;

/// Earliest fiscal year the engine accepts (the 1994 tax-sharing reform, 分税制).
pub const FIRST_YEAR: i32 = 1994;
/// Latest fiscal year the engine accepts.
pub const LAST_YEAR: i32 = 2100;

/// A month of a fiscal year (财政年度 = calendar year in China).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct YearMonth {
    /// Fiscal year.
    pub year: i32,
    /// Month 1–12.
    pub month: u32,
}

impl YearMonth {
    /// A year-month, checked: year in 1994–2100, month in 1–12.
    pub fn new(year: i32, month: u32) -> Result<YearMonth, String> {
        if !(FIRST_YEAR..=LAST_YEAR).contains(&year) {
            return Err(format!("year {year} is outside {FIRST_YEAR}–{LAST_YEAR}"));
        }
        if !(1..=12).contains(&month) {
            return Err(format!("month {month} is outside 1–12"));
        }
        Ok(YearMonth { year, month })
    }

    /// Parses `YYYY-MM`.
    pub fn parse(text: &str) -> Result<YearMonth, String> {
        let t = text.trim();
        let bad = || format!("`{text}` is not a month of the form YYYY-MM");
        let (y, m) = t.split_once('-').ok_or_else(bad)?;
        if y.len() != 4 || m.len() != 2 {
            return Err(bad());
        }
        let year = y.parse::<i32>().map_err(|_| bad())?;
        let month = m.parse::<u32>().map_err(|_| bad())?;
        YearMonth::new(year, month).map_err(|e| format!("`{text}`: {e}"))
    }

    /// January of `year`.
    pub fn january(year: i32) -> YearMonth {
        YearMonth { year, month: 1 }
    }

    /// Months since January 1994, for compact keys and ordering.
    pub fn index(self) -> i32 {
        (self.year - FIRST_YEAR) * 12 + self.month as i32 - 1
    }
}

impl fmt::Display for YearMonth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}", self.year, self.month)
    }
}

impl TryFrom<String> for YearMonth {
    type Error = String;
    fn try_from(s: String) -> Result<Self, String> {
        YearMonth::parse(&s)
    }
}

impl From<YearMonth> for String {
    fn from(ym: YearMonth) -> String {
        ym.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_orders() {
        let a = YearMonth::parse("2016-04").unwrap();
        let b = YearMonth::parse("2016-05").unwrap();
        assert!(a < b);
        assert_eq!(b.index() - a.index(), 1);
        assert_eq!(a.to_string(), "2016-04");
        assert!(YearMonth::parse("2016-13").is_err());
        assert!(YearMonth::parse("2016-4").is_err());
        assert!(YearMonth::parse("1990-01").is_err());
        assert!(YearMonth::parse("201605").is_err());
    }
}
