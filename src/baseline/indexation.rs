//! How a transfer baseline evolves after the switch year: fixed (保存量, the reform), a
//! yearly rate, linked to the county's revenue growth (1:k, like the 1994 rebate rule),
//! phased out, or the prefecture's share of the increment (基数+增量分成).

use crate::money::{round_div, PPM};
use rust_decimal::Decimal;
use serde::Serialize;

/// The indexation of a baseline, with its parameter in millionths where it has one.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Indexation {
    /// `due = net_base` every year (the Henan reform: 保存量, the base never grows).
    Fixed,
    /// `due(y) = round(due(y−1) × (1 + r))`; `r` in ppm, above −1 and at most 1 (may be
    /// negative).
    Rate(i64),
    /// `due(y) = round(due(y−1) × (1 + k × g_y))`, `g_y` the growth of the county's local
    /// revenue (0 when ≤ 0); `k` in ppm.
    RevenueCoefficient(i64),
    /// `due(y) = round(net_base × max(0, N − (y − Y0)) / N)`.
    PhaseOut(u32),
    /// `due(y) = net_base + round(s × max(0, S_y − shared_base))`; `s` in ppm.
    IncrementShare(i64),
}

/// A decimal with at most 6 decimals, as millionths.
pub fn to_ppm(d: Decimal) -> Result<i64, String> {
    let scaled = d * Decimal::from(PPM);
    if scaled.fract() != Decimal::ZERO {
        return Err(format!("`{d}` has more than 6 decimals"));
    }
    i64::try_from(scaled).map_err(|_| format!("`{d}` is out of range"))
}

impl Indexation {
    /// The indexation if its parameter is in range, else why not: `rate` a yearly growth
    /// of the base above −1 and at most 1 (negative shrinks the base);
    /// `revenue_coefficient` and `increment_share` shares of 0 to 1 (the spec's range of
    /// rates); `phase_out_years` 1 to 100. The refusal quotes the parameter.
    pub fn validated(self) -> Result<Indexation, String> {
        let share = |name: &str, v: i64| {
            if (0..=PPM).contains(&v) {
                Ok(self)
            } else {
                Err(format!("{name} `{}` is not between 0 and 1", ppm_text(v)))
            }
        };
        match self {
            Indexation::Fixed => Ok(self),
            Indexation::Rate(r) if r > -PPM && r <= PPM => Ok(self),
            Indexation::Rate(r) => Err(format!(
                "rate `{}` is not above −1 and at most 1",
                ppm_text(r)
            )),
            Indexation::RevenueCoefficient(k) => share("revenue_coefficient", k),
            Indexation::IncrementShare(s) => share("increment_share", s),
            Indexation::PhaseOut(n) if (1..=100).contains(&n) => Ok(self),
            Indexation::PhaseOut(n) => {
                Err(format!("phase_out_years `{n}` is not between 1 and 100"))
            }
        }
    }

    /// Whether the step applies in the switch year too: `increment_share` adds its
    /// increment from `Y0` on, so that `s = 1` reproduces no reform in the switch year as
    /// well; every other indexation starts from the net base.
    pub fn applies_in_switch_year(self) -> bool {
        matches!(self, Indexation::IncrementShare(_))
    }

    /// The name written in the `baselines` table's `method` column.
    pub fn method(&self) -> String {
        let d = |ppm: i64| Decimal::new(ppm, 6).normalize();
        match *self {
            Indexation::Fixed => "fixed".into(),
            Indexation::Rate(r) => format!("rate={}", d(r)),
            Indexation::RevenueCoefficient(k) => format!("revenue_coefficient={}", d(k)),
            Indexation::PhaseOut(n) => format!("phase_out_years={n}"),
            Indexation::IncrementShare(s) => format!("increment_share={}", d(s)),
        }
    }
}

/// What one year's step needs beyond the previous due.
#[derive(Clone, Copy, Debug, Default)]
pub struct YearFacts {
    /// County local revenue (collected − central part) in the year, if known.
    pub local: Option<i64>,
    /// County local revenue the year before, if known.
    pub local_before: Option<i64>,
    /// The prefecture's part of the county's shared receipts under the old rules.
    pub old_share: Option<i64>,
}

/// The unprorated due of year `y` (`y > y0`, or `y = y0` where
/// [`Indexation::applies_in_switch_year`]), from the previous unprorated due.
pub fn step(
    ix: Indexation,
    net_base: i64,
    shared_base: i64,
    y0: i32,
    y: i32,
    prev: i64,
    facts: YearFacts,
) -> i64 {
    match ix {
        Indexation::Fixed => net_base,
        Indexation::Rate(r) => round_div(prev as i128 * (PPM + r) as i128, PPM as i128) as i64,
        Indexation::RevenueCoefficient(k) => match (facts.local, facts.local_before) {
            (Some(now), Some(before)) if before > 0 && now > before => {
                // prev × (1 + k × (now − before)/before), exactly, then rounded
                let num = prev as i128
                    * (before as i128 * PPM as i128 + k as i128 * (now - before) as i128);
                round_div(num, before as i128 * PPM as i128) as i64
            }
            _ => prev,
        },
        Indexation::PhaseOut(n) => {
            let left = (n as i64 - (y - y0) as i64).max(0);
            round_div(net_base as i128 * left as i128, n.max(1) as i128) as i64
        }
        Indexation::IncrementShare(s) => {
            let growth = (facts.old_share.unwrap_or(shared_base) - shared_base).max(0);
            net_base + round_div(growth as i128 * s as i128, PPM as i128) as i64
        }
    }
}

/// First-year proration for a switch in month `m0 > 1`: `round(due × (13 − m0) / 12)`.
pub fn prorate(due: i64, m0: u32) -> i64 {
    if m0 <= 1 {
        due
    } else {
        round_div(due as i128 * (13 - m0 as i128), 12) as i64
    }
}

/// A parameter in millionths as it was written (`0.25`, `-1.5`), for messages.
fn ppm_text(v: i64) -> rust_decimal::Decimal {
    rust_decimal::Decimal::new(v, 6).normalize()
}
