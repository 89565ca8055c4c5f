//! Projection (预测): receipts of the years after the last ledger year, from the last
//! actual year's monthly totals grown by the scenario's rates: `round(total × (1+g)^n)`.

use super::Projection;
use crate::error::{Error, Result};
use crate::ledger::totals::{MonthlyTotal, ShareKey};
use crate::money::round_decimal_fen;
use rust_decimal::Decimal;

/// `(1 + g)^n`, exactly: the growth factor of `years` years at rate `growth`.
pub fn growth_factor(growth: Decimal, years: u32) -> std::result::Result<Decimal, String> {
    let mut factor = Decimal::ONE;
    for _ in 0..years {
        factor = factor
            .checked_mul(Decimal::ONE + growth)
            .ok_or_else(|| format!("growth {growth} over {years} years overflows"))?;
    }
    Ok(factor)
}

/// A last-year total times a growth factor, to the fen, half away from zero.
pub fn grown_by(total: i64, factor: Decimal) -> std::result::Result<i64, String> {
    let amount = Decimal::from(total)
        .checked_mul(factor)
        .ok_or_else(|| format!("{total} fen times {factor} overflows"))?;
    round_decimal_fen(amount)
}

/// A last-year total grown `years` years at rate `growth`: `round(total × (1+g)^n)`, to
/// the fen, half away from zero. The one growth formula: the projection, the sweep's
/// re-split and the server's incremental re-split all come here (the server through its
/// two steps, [`growth_factor`] once per item and year, then [`grown_by`] per total).
pub fn grown(total: i64, growth: Decimal, years: u32) -> std::result::Result<i64, String> {
    grown_by(total, growth_factor(growth, years)?)
}

/// Projected monthly totals for every year from `last + 1` to `p.through`.
pub fn project(totals: &[MonthlyTotal], last: i32, p: &Projection) -> Result<Vec<MonthlyTotal>> {
    let base: Vec<&MonthlyTotal> = totals.iter().filter(|t| t.key.year == last).collect();
    let mut out = Vec::new();
    for year in last + 1..=p.through {
        let n = (year - last) as u32;
        for t in &base {
            let amount = grown(t.amount, p.growth_for(&t.key.item), n).map_err(|e| {
                Error::Input(format!(
                    "projected {year}-{:02} of region {} item {}: {e}",
                    t.key.month, t.key.region, t.key.item
                ))
            })?;
            out.push(MonthlyTotal {
                key: ShareKey {
                    year,
                    ..t.key.clone()
                },
                amount,
                receipts: 1,
            });
        }
    }
    Ok(out)
}
