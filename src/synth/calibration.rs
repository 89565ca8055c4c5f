//! What a generated ledger adds up to, year by year: the province's local revenue
//! (地方收入 = collected − central part), taxes and non-tax revenue, VAT, refund rows, and
//! the spread of county local revenue — the figures [`super::params`] aims at.

use super::LedgerRow;
use crate::error::{Error, Result};
use crate::ledger::BudgetLevel;
use crate::period::YearMonth;
use crate::regions::{RegionKind, RegionTable};
use crate::rules::RuleSet;
use std::collections::BTreeMap;
use std::fmt;

/// Figures of one fiscal year of a ledger, all amounts in fen.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct YearFigures {
    /// Fiscal year.
    pub year: i32,
    /// Rows of the year.
    pub rows: u64,
    /// Rows with a negative amount (net refunds, 退库).
    pub negative_rows: u64,
    /// Collected (收入合计), every level.
    pub collected: i64,
    /// Local revenue of the province (collected − central part), counties and prefectures.
    pub local: i64,
    /// Local tax revenue (items 101…).
    pub tax_local: i64,
    /// Local non-tax revenue (items 103…).
    pub non_tax_local: i64,
    /// VAT (增值税, 10101) collected, every level.
    pub vat_collected: i64,
    /// VAT local revenue.
    pub vat_local: i64,
    /// Local revenue collected in prefecture propers.
    pub prefecture_local: i64,
    /// The prefecture proper with the largest local revenue, and that revenue.
    pub largest_prefecture: Option<(String, i64)>,
    /// Number of counties with revenue this year.
    pub counties: u64,
    /// Median of county local revenue (lower middle for an even count).
    pub county_median: i64,
    /// Smallest county local revenue.
    pub county_min: i64,
    /// Largest county local revenue.
    pub county_max: i64,
}

/// Calibration summary of a ledger, one entry per fiscal year in order.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Calibration {
    /// Figures by year.
    pub years: Vec<YearFigures>,
}

impl Calibration {
    /// Figures of one year.
    pub fn year(&self, year: i32) -> Option<&YearFigures> {
        self.years.iter().find(|y| y.year == year)
    }
}

/// Measures a ledger: local revenue is `amount − round(amount × central)` for `shared`
/// rows (rule in force from `rules`), 0 for `central` rows, the whole amount otherwise.
/// A shared row with no rule in force, or a region not in `regions`, is an error.
pub fn summarize(
    rows: &[LedgerRow],
    regions: &RegionTable,
    rules: &RuleSet,
) -> Result<Calibration> {
    let mut years: BTreeMap<i32, YearFigures> = BTreeMap::new();
    let mut by_region: BTreeMap<(i32, &str), i64> = BTreeMap::new();
    for r in rows {
        let f = years.entry(r.fiscal_year).or_insert_with(|| YearFigures {
            year: r.fiscal_year,
            ..Default::default()
        });
        let local = match r.budget_level {
            BudgetLevel::Shared => {
                let ym = YearMonth::new(r.fiscal_year, r.month).map_err(Error::Input)?;
                let rule = rules.in_force(&r.item_code, ym).ok_or_else(|| {
                    Error::Input(format!(
                        "shared row {} {} {ym}: no rule in force",
                        r.region_code, r.item_code
                    ))
                })?;
                r.amount - rule.central.apply(r.amount)
            }
            BudgetLevel::Central => 0,
            _ => r.amount,
        };
        f.rows += 1;
        f.negative_rows += u64::from(r.amount < 0);
        f.collected += r.amount;
        f.local += local;
        if r.item_code.starts_with("101") {
            f.tax_local += local;
        } else if r.item_code.starts_with("103") {
            f.non_tax_local += local;
        }
        if r.item_code.starts_with("10101") {
            f.vat_collected += r.amount;
            f.vat_local += local;
        }
        *by_region
            .entry((r.fiscal_year, r.region_code.as_str()))
            .or_default() += local;
    }
    let mut county_locals: BTreeMap<i32, Vec<i64>> = BTreeMap::new();
    for ((year, code), local) in by_region {
        let region = regions
            .get(code)
            .ok_or_else(|| Error::Input(format!("region {code} is not in the table")))?;
        let f = years.get_mut(&year).expect("year seen");
        if region.kind == RegionKind::County {
            county_locals.entry(year).or_default().push(local);
        } else {
            f.prefecture_local += local;
            if f.largest_prefecture
                .as_ref()
                .is_none_or(|(_, v)| local > *v)
            {
                f.largest_prefecture = Some((code.to_string(), local));
            }
        }
    }
    for (year, mut v) in county_locals {
        v.sort_unstable();
        let f = years.get_mut(&year).expect("year seen");
        f.counties = v.len() as u64;
        f.county_min = v[0];
        f.county_max = v[v.len() - 1];
        f.county_median = v[(v.len() - 1) / 2];
    }
    Ok(Calibration {
        years: years.into_values().collect(),
    })
}

/// Fen as billions of yuan with one decimal (for display only).
fn bn(fen: i64) -> String {
    format!("{:.1}", fen as f64 / 1e11)
}

impl fmt::Display for Calibration {
    /// A table in billions of yuan (十亿元), one line per year.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "year   rows  neg  collected  local   tax  non-tax  VAT(loc)  prefs  largest-pref      counties  median   min    max"
        )?;
        for y in &self.years {
            let (pc, pv) = y.largest_prefecture.clone().unwrap_or_default();
            writeln!(
                f,
                "{} {:>6} {:>4} {:>10} {:>6} {:>5} {:>8} {:>9} {:>6}  {} {:>6}  {:>8} {:>6} {:>5} {:>6}",
                y.year,
                y.rows,
                y.negative_rows,
                bn(y.collected),
                bn(y.local),
                bn(y.tax_local),
                bn(y.non_tax_local),
                bn(y.vat_local),
                bn(y.prefecture_local),
                pc,
                bn(pv),
                y.counties,
                bn(y.county_median),
                bn(y.county_min),
                bn(y.county_max)
            )?;
        }
        write!(
            f,
            "(amounts in billions of yuan; local = collected − central part)"
        )
    }
}
