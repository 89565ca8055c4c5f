//! Gaps between regions (地区差距) in one year: the county-only spread of per-capita
//! available resources (Gini, CV, max/min, each county counted once) and the
//! population-weighted Gini and Theil over every unit that settles (counties, prefectures
//! proper, counties without a prefecture), where the city–county gap shows.

use crate::regions::RegionKind;
use crate::settlement::SettlementRow;

/// Spread of county per-capita available resources (县际差距), unweighted.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Spread {
    /// Gini coefficient (0 = equal).
    pub gini: f64,
    /// Coefficient of variation: population standard deviation / mean.
    pub cv: f64,
    /// Largest / smallest; `None` when the smallest is ≤ 0.
    pub max_min_ratio: Option<f64>,
}

/// Population-weighted inequality of per-capita available resources over every unit that
/// settles (人口加权的地区差距): each resident counts once, so a prefecture proper weighs
/// as much as its residents.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Inequality {
    /// Population-weighted Gini (基尼系数); `None` when the total is ≤ 0.
    pub gini: Option<f64>,
    /// Population-weighted Theil T index (泰尔指数); `None` when some unit's per-capita
    /// resources are ≤ 0 (its logarithm is undefined) or the total is ≤ 0.
    pub theil: Option<f64>,
}

/// Gini, CV and max/min of a list of values (per-capita yuan).
pub fn spread(values: &[f64]) -> Spread {
    let n = values.len() as f64;
    if values.is_empty() {
        return Spread::default();
    }
    let mean = values.iter().sum::<f64>() / n;
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    // Gini = Σ_i (2i − n − 1) x_(i) / (n Σ x), i = 1..n on sorted values
    let total: f64 = sorted.iter().sum();
    let gini = if total == 0.0 {
        0.0
    } else {
        sorted
            .iter()
            .enumerate()
            .map(|(i, x)| (2.0 * (i as f64 + 1.0) - n - 1.0) * x)
            .sum::<f64>()
            / (n * total)
    };
    let var = values.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / n;
    let cv = if mean == 0.0 {
        0.0
    } else {
        var.sqrt() / mean.abs()
    };
    let (min, max) = (sorted[0], sorted[sorted.len() - 1]);
    Spread {
        gini,
        cv,
        max_min_ratio: (min > 0.0).then(|| max / min),
    }
}

/// Per-capita available of the counties of one year, in yuan: counties under a prefecture
/// with residents (a county without a prefecture, such as 济源, is fiscally a 省辖市 and is
/// left out of the county statistics; it counts in the weighted measures over every unit).
pub fn county_per_capita(rows: &[SettlementRow], year: i32) -> Vec<f64> {
    rows.iter()
        .filter(|r| r.year == year)
        .filter_map(|r| {
            spread_member(
                r.kind,
                !r.prefecture_code.is_empty(),
                r.available_per_capita,
            )
        })
        .collect()
}

/// A unit's value in the county spread, yuan per head: counties under a prefecture with
/// residents (济源 settles as a 省辖市 and prefectures propers are not counties); `None`
/// for any other unit. The comparison and the sweep's summary both ask here.
pub fn spread_member(
    kind: RegionKind,
    under_prefecture: bool,
    available_per_capita: Option<i64>,
) -> Option<f64> {
    (kind == RegionKind::County && under_prefecture)
        .then_some(available_per_capita)
        .flatten()
        .map(|fen| fen as f64 / 100.0)
}

/// Population-weighted Gini and Theil of per-capita available resources over units given
/// as parallel slices of available resources (fen) and residents; units without residents
/// are left out. The result does not depend on the units' order (they are sorted first),
/// so the full comparison and the sweep's summary get the same bits.
///
/// With `x_i = available_i / population_i`, weights `p_i`, `P = Σ p_i`, `μ = Σ p_i x_i / P`:
/// Gini `= 1 − Σ_i (p_i / P) (L_{i−1} + L_i)` on units sorted by `x`, `L_i` the cumulative
/// share of resources (the area under the Lorenz curve; equal to
/// `Σ_i Σ_j p_i p_j |x_i − x_j| / (2 P² μ)`); Theil `= Σ_i (p_i / P)(x_i / μ) ln(x_i / μ)`.
pub fn weighted_inequality(available: &[i64], population: &[u64]) -> Inequality {
    let mut units: Vec<(i64, u64)> = available
        .iter()
        .zip(population)
        .filter(|(_, &p)| p > 0)
        .map(|(&a, &p)| (a, p))
        .collect();
    // by per-capita a/p, exactly (cross-multiplied), ties by the figures themselves
    units.sort_by(|x, y| {
        (x.0 as i128 * y.1 as i128)
            .cmp(&(y.0 as i128 * x.1 as i128))
            .then(x.cmp(y))
    });
    let total: i128 = units.iter().map(|u| u.0 as i128).sum();
    let people: u128 = units.iter().map(|u| u.1 as u128).sum();
    if units.is_empty() || total <= 0 {
        return Inequality::default();
    }
    let (total, people) = (total as f64, people as f64);
    let mut area = 0.0;
    let mut cumulative = 0.0;
    for &(a, p) in &units {
        let before = cumulative;
        cumulative += a as f64 / total;
        area += (p as f64 / people) * (before + cumulative);
    }
    let mean = total / people;
    let theil = units.iter().all(|u| u.0 > 0).then(|| {
        units
            .iter()
            .map(|&(a, p)| {
                let ratio = (a as f64 / p as f64) / mean;
                (p as f64 / people) * ratio * ratio.ln()
            })
            .sum()
    });
    Inequality {
        gini: Some(1.0 - area),
        theil,
    }
}

/// [`weighted_inequality`] over the statements of one year (every unit that settles).
pub fn statements_inequality(rows: &[SettlementRow], year: i32) -> Inequality {
    let year_rows = rows.iter().filter(|r| r.year == year);
    let available: Vec<i64> = year_rows.clone().map(|r| r.available).collect();
    let population: Vec<u64> = year_rows.map(|r| r.population).collect();
    weighted_inequality(&available, &population)
}

#[cfg(test)]
mod tests {
    use super::*;
    use approx::assert_relative_eq;

    #[test]
    fn spread_by_hand() {
        // 1, 2, 3, 4: mean 2.5; Σ|xi−xj| over ordered pairs = 20; Gini = 20 / (2 × 16 × 2.5) = 0.25
        let s = spread(&[4.0, 1.0, 3.0, 2.0]);
        assert_relative_eq!(s.gini, 0.25, epsilon = 1e-12);
        // population variance 1.25 → sd 1.118034; cv = 0.4472136
        assert_relative_eq!(s.cv, 1.25f64.sqrt() / 2.5, epsilon = 1e-12);
        assert_relative_eq!(s.max_min_ratio.unwrap(), 4.0);
        let equal = spread(&[5.0, 5.0, 5.0]);
        assert_relative_eq!(equal.gini, 0.0);
        assert_relative_eq!(equal.cv, 0.0);
        // one holds everything: Gini = (n−1)/n
        assert_relative_eq!(spread(&[0.0, 0.0, 0.0, 8.0]).gini, 0.75, epsilon = 1e-12);
        assert_eq!(spread(&[0.0, 1.0]).max_min_ratio, None);
    }

    #[test]
    fn weighted_gini_and_theil_by_hand() {
        // two units: 1 resident with 1 yuan, 3 residents with 9 yuan (3 each).
        // μ = 10/4 = 2.5; Gini = 2 × 1 × 3 × |1 − 3| / (2 × 16 × 2.5) = 12 / 80 = 0.15;
        // Theil = ¼ × 0.4 ln 0.4 + ¾ × 1.2 ln 1.2
        let w = weighted_inequality(&[900, 100], &[3, 1]);
        assert_relative_eq!(w.gini.unwrap(), 0.15, epsilon = 1e-12);
        let theil = 0.25 * 0.4 * 0.4f64.ln() + 0.75 * 1.2 * 1.2f64.ln();
        assert_relative_eq!(w.theil.unwrap(), theil, epsilon = 1e-12);
        // equal per-capita resources: no inequality; a unit without residents is left out
        let e = weighted_inequality(&[200, 600, 5], &[1, 3, 0]);
        assert_relative_eq!(e.gini.unwrap(), 0.0, epsilon = 1e-12);
        assert_relative_eq!(e.theil.unwrap(), 0.0, epsilon = 1e-12);
        // a unit at zero: Gini defined, Theil not
        assert_eq!(weighted_inequality(&[0, 100], &[1, 1]).theil, None);
        assert_eq!(
            weighted_inequality(&[-100, 50], &[1, 1]),
            Inequality::default()
        );
    }
}
