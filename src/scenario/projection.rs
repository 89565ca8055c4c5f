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
        let n = (year - last) as i64;
        for t in &base {
            let g = p.growth_for(&t.key.item);
            let mut factor = Decimal::ONE;
            for _ in 0..n {
                factor = factor
                    .checked_mul(Decimal::ONE + g)
                    .ok_or_else(|| Error::Input(format!("growth {g} over {n} years overflows")))?;
            }
            let amount = Decimal::from(t.amount).checked_mul(factor).ok_or_else(|| {
                Error::Input(format!("projected amount of {:?} overflows", t.key))
            })?;
            let amount = round_decimal_fen(amount).map_err(|e| {
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
