//! Projection (预测): receipts of the years after the last ledger year, from the last
//! actual year's monthly totals grown by the scenario's rates: `round(total × (1+g)^n)`.

use super::Projection;
use crate::error::{Error, Result};
use crate::ledger::totals::{MonthlyTotal, ShareKey};
use crate::money::{round_decimal_fen, round_div};
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

/// A last-year total times a growth factor, to the fen, half away from zero. Exact: the
/// product `total × mantissa` is taken in 128-bit integers and divided by `10^scale` with
/// the engine's one rounding rule ([`round_div`]); only a product beyond 128 bits goes
/// through `Decimal`.
pub fn grown_by(total: i64, factor: Decimal) -> std::result::Result<i64, String> {
    let scale = factor.scale();
    if let Some(product) = i128::from(total).checked_mul(factor.mantissa()) {
        let rounded = round_div(product, 10i128.pow(scale));
        return i64::try_from(rounded).map_err(|_| format!("{total} fen times {factor} overflows"));
    }
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

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    /// The Decimal product rounded half away from zero: what `grown_by` must equal.
    fn by_decimal(total: i64, factor: Decimal) -> Option<i64> {
        round_decimal_fen(Decimal::from(total).checked_mul(factor)?).ok()
    }

    #[test]
    fn grown_by_rounds_half_away_from_zero_as_the_decimal_product() {
        let f = |s: &str| Decimal::from_str(s).unwrap();
        assert_eq!(grown_by(5, f("0.1")).unwrap(), 1);
        assert_eq!(grown_by(-5, f("0.1")).unwrap(), -1);
        assert_eq!(grown_by(4, f("0.1")).unwrap(), 0);
        assert_eq!(grown_by(1_000_000, f("1.05")).unwrap(), 1_050_000);
        let factors = [
            "1",
            "1.05",
            "0.97",
            "1.1025",
            "1.157625",
            "0.5",
            "1.0000001",
        ];
        let mut total: i64 = 1;
        for _ in 0..60 {
            for s in factors {
                let factor = growth_factor(f(s), 7).unwrap();
                assert_eq!(grown_by(total, factor).ok(), by_decimal(total, factor));
                assert_eq!(grown_by(-total, factor).ok(), by_decimal(-total, factor));
            }
            total = total.saturating_mul(3).saturating_add(1);
        }
        // beyond 64 bits of fen: refused, not wrapped
        assert!(grown_by(i64::MAX, f("2")).is_err());
    }
}
