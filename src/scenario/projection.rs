//! Projection (预测): receipts of the years after the last ledger year, from the last
//! actual year's monthly totals grown by the scenario's rates: `round(total × (1+g)^n)`.

use super::Projection;
use crate::error::{Error, Result};
use crate::ledger::totals::{MonthlyTotal, ShareKey};
use crate::money::round_decimal_fen;
use rust_decimal::Decimal;

/// A last-year total grown `years` years at rate `growth`: `round(total × (1+g)^n)`, to
/// the fen, half away from zero. The one growth formula: the projection and the sweep's
/// re-split both call it.
pub fn grown(total: i64, growth: Decimal, years: u32) -> std::result::Result<i64, String> {
    let overflow = || format!("{total} fen grown at {growth} over {years} years overflows");
    let mut factor = Decimal::ONE;
    for _ in 0..years {
        factor = factor
            .checked_mul(Decimal::ONE + growth)
            .ok_or_else(overflow)?;
    }
    let amount = Decimal::from(total)
        .checked_mul(factor)
        .ok_or_else(overflow)?;
    round_decimal_fen(amount)
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
