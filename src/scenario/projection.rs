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
/// product `total × mantissa` is taken in 128-bit integers and rounded by the engine's one
/// rounding rule ([`round_div`], through [`GrowthFactor::grow`]); only a product beyond 128
/// bits goes through `Decimal`.
pub fn grown_by(total: i64, factor: Decimal) -> std::result::Result<i64, String> {
    GrowthFactor::new(factor).grow(total)
}

/// A growth factor (增长系数, `(1+g)^n`) prepared to grow many totals (the what-if server
/// grows every projected total of an item by one factor per year ahead): its power of ten
/// taken once, and each product's quotient found from a float's estimate settled exactly
/// in integers instead of a 128-bit division (the division when the estimate cannot be
/// trusted). The result is [`round_div`]'s, fen for fen.
#[derive(Clone, Copy, Debug)]
pub struct GrowthFactor {
    value: Decimal,
    mantissa: i128,
    /// `10^scale`: the factor is `mantissa / divisor`.
    divisor: u128,
    /// The factor as a float: an estimate only, every quotient is checked in integers.
    approx: f64,
}

impl GrowthFactor {
    /// Prepares `value` (a factor `(1+g)^n`, [`growth_factor`]).
    pub fn new(value: Decimal) -> GrowthFactor {
        GrowthFactor {
            value,
            mantissa: value.mantissa(),
            divisor: 10u128.pow(value.scale()),
            approx: rust_decimal::prelude::ToPrimitive::to_f64(&value).unwrap_or(f64::NAN),
        }
    }

    /// `round(total × factor)`, to the fen, half away from zero.
    #[inline(always)]
    pub fn grow(&self, total: i64) -> std::result::Result<i64, String> {
        // inline in the loops that grow many totals; the rare cases (a product past 128
        // bits, a result past an i64) in cold functions
        let Some(product) = i128::from(total).checked_mul(self.mantissa) else {
            return self.grow_by_decimal(total);
        };
        let estimate = (total as f64 * self.approx).abs();
        let magnitude = self.quotient(product.unsigned_abs(), estimate);
        let Ok(magnitude) = i64::try_from(magnitude) else {
            return self.past_i64(total, product, magnitude);
        };
        let rounded = if product < 0 { -magnitude } else { magnitude };
        debug_assert_eq!(
            i128::from(rounded),
            round_div(product, self.divisor as i128)
        );
        Ok(rounded)
    }

    /// [`GrowthFactor::grow`] of a product past 128 bits: through `Decimal`.
    #[cold]
    fn grow_by_decimal(&self, total: i64) -> std::result::Result<i64, String> {
        let amount = Decimal::from(total)
            .checked_mul(self.value)
            .ok_or_else(|| self.overflow(total))?;
        round_decimal_fen(amount)
    }

    /// [`GrowthFactor::grow`] of a rounded magnitude past `i64::MAX`: refused, but for
    /// exactly `i64::MIN` of a negative product.
    #[cold]
    fn past_i64(
        &self,
        total: i64,
        product: i128,
        magnitude: u128,
    ) -> std::result::Result<i64, String> {
        let rounded = i128::try_from(magnitude).map_err(|_| self.overflow(total))?;
        let rounded = if product < 0 { -rounded } else { rounded };
        i64::try_from(rounded).map_err(|_| self.overflow(total))
    }

    /// The message of a total the factor grows past 64 bits of fen.
    fn overflow(&self, total: i64) -> String {
        format!("{total} fen times {} overflows", self.value)
    }

    /// `(a + divisor / 2) / divisor` (the magnitude [`round_div`] gives): `estimate` moved
    /// by whole steps until `q·d ≤ a + d/2 < (q+1)·d` holds, which only the true quotient
    /// satisfies; the division itself when the estimate is not within a few steps.
    #[inline(always)]
    fn quotient(&self, a: u128, estimate: f64) -> u128 {
        let d = self.divisor;
        let t = a + d / 2;
        // below 2^52 a float holds every integer, and the estimate is within a step or two
        // (rounded by adding a half and truncating: a float-to-u64 cast is one instruction,
        // `round` and a cast to u128 are library calls)
        if estimate.is_finite() && estimate < 4_503_599_627_370_496.0 {
            let mut q = u128::from((estimate + 0.5) as u64);
            for _ in 0..4 {
                let Some(low) = q.checked_mul(d) else { break };
                if low > t {
                    q -= 1;
                } else if t - low >= d {
                    q += 1;
                } else {
                    return q;
                }
            }
        }
        t / d
    }
}

/// A last-year total grown `years` years at rate `growth`: `round(total × (1+g)^n)`, to
/// the fen, half away from zero. The one growth formula; the projection, the sweep's
/// re-split and the server's incremental re-split grow many totals at one rate through
/// [`GrowthRate`], which prepares each year's factor once.
pub fn grown(total: i64, growth: Decimal, years: u32) -> std::result::Result<i64, String> {
    GrowthRate::new(growth).grow(total, years)
}

/// A growth rate (增长率) with its factors `(1+g)^n` prepared as they are asked for, once
/// each: [`grown`] for many totals at one rate.
#[derive(Clone, Debug)]
pub struct GrowthRate {
    growth: Decimal,
    /// The factor of `n` years ahead at index `n`.
    factors: Vec<GrowthFactor>,
}

impl GrowthRate {
    /// The rate `growth` (0.05 for 5 % a year), no factor prepared yet.
    pub fn new(growth: Decimal) -> GrowthRate {
        GrowthRate {
            growth,
            factors: Vec::new(),
        }
    }

    /// `total` grown `years` years: [`grown`].
    pub fn grow(&mut self, total: i64, years: u32) -> std::result::Result<i64, String> {
        let n = years as usize;
        while self.factors.len() <= n {
            let ahead = self.factors.len() as u32;
            self.factors
                .push(GrowthFactor::new(growth_factor(self.growth, ahead)?));
        }
        self.factors[n].grow(total)
    }
}

/// Projected monthly totals for every year from `last + 1` to `p.through`.
pub fn project(totals: &[MonthlyTotal], last: i32, p: &Projection) -> Result<Vec<MonthlyTotal>> {
    let base: Vec<&MonthlyTotal> = totals.iter().filter(|t| t.key.year == last).collect();
    // each item's rate, its factors prepared once a year ahead
    let mut rates: rustc_hash::FxHashMap<&str, GrowthRate> = rustc_hash::FxHashMap::default();
    let mut out = Vec::new();
    for year in last + 1..=p.through {
        let n = (year - last) as u32;
        for t in &base {
            let rate = rates
                .entry(t.key.item.as_str())
                .or_insert_with(|| GrowthRate::new(p.growth_for(&t.key.item)));
            let amount = rate.grow(t.amount, n).map_err(|e| {
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
        // the float's estimate settled in integers, at every distance from a half fen:
        // totals whose product lands on, just under and just over x.5 fen
        for s in [
            "1.05",
            "1.5",
            "0.995",
            "1.0000005",
            "2.5",
            "1.000000000000000000000001",
        ] {
            let factor = f(s);
            let prepared = GrowthFactor::new(factor);
            for total in (0..20_000i64).chain((0..2_000).map(|k| 9_007_199_254_740_000 + k)) {
                for t in [total, -total] {
                    assert_eq!(prepared.grow(t).ok(), by_decimal(t, factor), "{t} × {s}");
                }
            }
        }
    }
}
