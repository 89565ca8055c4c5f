//! Projection (预测): receipts of the years after the last ledger year, from the last
//! actual year's monthly totals grown by the scenario's rates: `round(total × (1+g)^n)`.

use super::Projection;
use crate::error::{Error, Result};
use crate::ledger::totals::{MonthlyTotal, ShareKey};
use crate::money::round_decimal_fen;
use rust_decimal::Decimal;

/// Projected monthly totals for every year from `last + 1` to `p.through`.
pub fn project(totals: &[MonthlyTotal], last: i32, p: &Projection) -> Result<Vec<MonthlyTotal>> {
    let base: Vec<&MonthlyTotal> = totals.iter().filter(|t| t.key.year == last).collect();
    let mut out = Vec::new();
    for year in last + 1..=p.through {
        let n = (year - last) as u32;
        for t in &base {
            let factor = growth_factor(p.growth_for(&t.key.item), n)?;
            let amount = grown(t.amount, factor).map_err(|e| match e {
                Grown::Overflow => {
                    Error::Input(format!("projected amount of {:?} overflows", t.key))
                }
                Grown::Rounding(e) => Error::Input(format!(
                    "projected {year}-{:02} of region {} item {}: {e}",
                    t.key.month, t.key.region, t.key.item
                )),
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

/// `(1 + g)^n`, exactly.
pub fn growth_factor(g: Decimal, n: u32) -> Result<Decimal> {
    let mut factor = Decimal::ONE;
    for _ in 0..n {
        factor = factor
            .checked_mul(Decimal::ONE + g)
            .ok_or_else(|| Error::Input(format!("growth {g} over {n} years overflows")))?;
    }
    Ok(factor)
}

/// Why an amount cannot be grown.
#[derive(Debug)]
pub enum Grown {
    /// The product overflows.
    Overflow,
    /// The result is not an amount of fen.
    Rounding(String),
}

/// A projected total: `round(amount × factor)` to the fen.
pub fn grown(amount: i64, factor: Decimal) -> std::result::Result<i64, Grown> {
    let a = Decimal::from(amount)
        .checked_mul(factor)
        .ok_or(Grown::Overflow)?;
    round_decimal_fen(a).map_err(Grown::Rounding)
}
