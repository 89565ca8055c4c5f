//! Comparison (情景比较): each scenario's available resources against a reference, region
//! by region and year by year, with winners, losers, totals of the change by kind, and the
//! spread between counties' per-capita resources (Gini, coefficient of variation, max/min).

use super::run::ScenarioResult;
use crate::regions::RegionKind;
use crate::settlement::{ProvinceRow, SettlementRow};
use std::collections::BTreeMap;

/// One region-year of a scenario against the reference.
#[derive(Clone, Debug, PartialEq)]
pub struct ComparisonRow {
    /// Scenario compared.
    pub scenario: String,
    /// Fiscal year.
    pub year: i32,
    /// Region code.
    pub region: String,
    /// Prefecture or county.
    pub kind: RegionKind,
    /// Available resources under the reference, fen.
    pub available_reference: i64,
    /// Available resources under the scenario, fen.
    pub available: i64,
    /// `available − available_reference`.
    pub delta: i64,
    /// `delta / |available_reference|`; `None` when the reference is 0.
    pub delta_pct: Option<f64>,
    /// The year is projected.
    pub projected: bool,
}

/// Spread of county per-capita available resources (县际差距).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Spread {
    /// Gini coefficient (0 = equal).
    pub gini: f64,
    /// Coefficient of variation: population standard deviation / mean.
    pub cv: f64,
    /// Largest / smallest; `None` when the smallest is ≤ 0.
    pub max_min_ratio: Option<f64>,
}

/// One scenario-year summary.
#[derive(Clone, Debug, PartialEq)]
pub struct SummaryRow {
    /// Scenario compared.
    pub scenario: String,
    /// Fiscal year.
    pub year: i32,
    /// Counties that gain.
    pub winners: u32,
    /// Counties that lose.
    pub losers: u32,
    /// Σ delta of counties, fen.
    pub delta_counties: i64,
    /// Σ delta of prefectures, fen.
    pub delta_prefectures: i64,
    /// Δ of the province's own revenue (to_province), fen.
    pub delta_province: i64,
    /// Spread under the reference.
    pub reference: Spread,
    /// Spread under the scenario.
    pub spread: Spread,
    /// The year is projected.
    pub projected: bool,
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
/// left out of the county statistics).
pub fn county_per_capita(rows: &[SettlementRow], year: i32) -> Vec<f64> {
    rows.iter()
        .filter(|r| r.year == year && r.kind == RegionKind::County)
        .filter(|r| !r.prefecture_code.is_empty())
        .filter_map(|r| r.available_per_capita.map(|f| f as f64 / 100.0))
        .collect()
}

/// Compares `s` with `reference` over the years both settle.
pub fn compare(
    reference: &ScenarioResult,
    s: &ScenarioResult,
) -> (Vec<ComparisonRow>, Vec<SummaryRow>) {
    compare_statements(reference, &s.scenario.name, &s.settlement, &s.province)
}

/// Compares the statements of a scenario called `name` with `reference`.
pub fn compare_statements(
    reference: &ScenarioResult,
    name: &str,
    settlement: &[SettlementRow],
    province: &[ProvinceRow],
) -> (Vec<ComparisonRow>, Vec<SummaryRow>) {
    let refs: BTreeMap<(i32, &str), &SettlementRow> = reference
        .settlement
        .iter()
        .map(|r| ((r.year, r.region.as_str()), r))
        .collect();
    let mut rows = Vec::new();
    for r in settlement {
        let Some(base) = refs.get(&(r.year, r.region.as_str())) else {
            continue;
        };
        let delta = r.available - base.available;
        rows.push(ComparisonRow {
            scenario: name.to_string(),
            year: r.year,
            region: r.region.clone(),
            kind: r.kind,
            available_reference: base.available,
            available: r.available,
            delta,
            delta_pct: (base.available != 0).then(|| delta as f64 / base.available.abs() as f64),
            projected: r.projected,
        });
    }
    let mut summary = Vec::new();
    for p in province {
        let Some(rp) = reference.province.iter().find(|x| x.year == p.year) else {
            continue;
        };
        let year_rows: Vec<&ComparisonRow> = rows.iter().filter(|r| r.year == p.year).collect();
        let counties = year_rows.iter().filter(|r| r.kind == RegionKind::County);
        summary.push(SummaryRow {
            scenario: name.to_string(),
            year: p.year,
            winners: counties.clone().filter(|r| r.delta > 0).count() as u32,
            losers: counties.clone().filter(|r| r.delta < 0).count() as u32,
            delta_counties: counties.map(|r| r.delta).sum(),
            delta_prefectures: year_rows
                .iter()
                .filter(|r| r.kind == RegionKind::Prefecture)
                .map(|r| r.delta)
                .sum(),
            delta_province: p.to_province - rp.to_province,
            reference: spread(&county_per_capita(&reference.settlement, p.year)),
            spread: spread(&county_per_capita(settlement, p.year)),
            projected: p.projected,
        });
    }
    (rows, summary)
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
}
