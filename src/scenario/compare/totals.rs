//! The change over the whole period (累计增减): per region, the change of available
//! resources summed over the compared years, its present value discounted to the first
//! compared year, and the year from which the cumulative change stays ≥ 0 (盈亏平衡年).

use super::ComparisonRow;
use crate::regions::RegionKind;
use rust_decimal::{Decimal, RoundingStrategy};
use std::collections::BTreeMap;

/// One region of a scenario against the reference, over every compared year.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TotalRow {
    /// Scenario compared.
    pub scenario: String,
    /// Region code.
    pub region: String,
    /// Prefecture or county.
    pub kind: RegionKind,
    /// Σ delta over the compared years, fen.
    pub delta_sum: i64,
    /// `Σ delta_y / (1 + d)^(y − first year)`, rounded to the fen once, half away from zero.
    pub delta_present_value: i64,
    /// The first compared year from which the cumulative change is ≥ 0 in every later
    /// compared year; `None` when it ends below 0.
    pub break_even_year: Option<i32>,
}

/// `Σ delta_y / (1 + discount)^(y − first)` in exact decimals, rounded once to the fen.
/// `deltas` are (year, fen) in year order; `first` is the year discounted to.
pub fn present_value(deltas: &[(i32, i64)], first: i32, discount: Decimal) -> i64 {
    let factor = Decimal::ONE + discount;
    let mut total = Decimal::ZERO;
    for &(y, d) in deltas {
        let mut divisor = Decimal::ONE;
        for _ in 0..(y - first).max(0) {
            divisor *= factor;
        }
        total += Decimal::from(d) / divisor;
    }
    let fen = total.round_dp_with_strategy(0, RoundingStrategy::MidpointAwayFromZero);
    i64::try_from(fen).unwrap_or(if fen.is_sign_negative() {
        i64::MIN
    } else {
        i64::MAX
    })
}

/// The first year from which the running sum of `deltas` (year order) stays ≥ 0.
pub fn break_even_year(deltas: &[(i32, i64)]) -> Option<i32> {
    let mut cumulative = 0i64;
    let mut from = None;
    for &(y, d) in deltas {
        cumulative += d;
        if cumulative < 0 {
            from = None;
        } else if from.is_none() {
            from = Some(y);
        }
    }
    from
}

/// The totals of every region of every scenario in `rows`, sorted by scenario and region.
pub fn totals(rows: &[ComparisonRow], discount: Decimal) -> Vec<TotalRow> {
    type Deltas = (RegionKind, Vec<(i32, i64)>);
    let mut by: BTreeMap<(&str, &str), Deltas> = BTreeMap::new();
    let mut first: BTreeMap<&str, i32> = BTreeMap::new();
    for r in rows {
        by.entry((&r.scenario, &r.region))
            .or_insert((r.kind, Vec::new()))
            .1
            .push((r.year, r.delta));
        let f = first.entry(&r.scenario).or_insert(r.year);
        *f = (*f).min(r.year);
    }
    by.into_iter()
        .map(|((scenario, region), (kind, mut deltas))| {
            deltas.sort();
            TotalRow {
                scenario: scenario.to_string(),
                region: region.to_string(),
                kind,
                delta_sum: deltas.iter().map(|d| d.1).sum(),
                delta_present_value: present_value(&deltas, first[scenario], discount),
                break_even_year: break_even_year(&deltas),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn present_value_and_break_even_by_hand() {
        // 103.00 yuan a year later at 3 % is worth 100.00 now; 106.09 two years later too
        let d = Decimal::new(3, 2);
        assert_eq!(present_value(&[(2023, 10_300)], 2022, d), 10_000);
        assert_eq!(
            present_value(&[(2022, -100), (2024, 10_609)], 2022, d),
            9_900
        );
        // 1 fen a year later: 0.97087… → 1; 0.5 exactly rounds away from zero
        assert_eq!(present_value(&[(2023, 1)], 2022, d), 1);
        assert_eq!(present_value(&[(2023, -3)], 2022, Decimal::ONE), -2);
        // −5, +3 (cum −2), +4 (cum 2), −1 (cum 1): stays ≥ 0 from the third year
        let deltas = [(2022, -5), (2023, 3), (2024, 4), (2025, -1)];
        assert_eq!(break_even_year(&deltas), Some(2024));
        assert_eq!(break_even_year(&[(2022, 1), (2023, -2)]), None);
        assert_eq!(break_even_year(&[(2022, 0)]), Some(2022));
        // a dip below 0 after breaking even moves the year on
        assert_eq!(
            break_even_year(&[(2022, 1), (2023, -2), (2024, 5)]),
            Some(2024)
        );
    }
}
