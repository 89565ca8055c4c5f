//! The supervision rules, one function each: they read a scenario's item shares, baselines
//! and settlement rows and push a [`Warning`] per flagged region-year.

use super::*;
use crate::money::{format_yuan, round_div, PPM};
use crate::regions::RegionKind;
use crate::settlement::region_years;
use crate::tables::annual_subsidy;
use std::collections::{BTreeMap, BTreeSet};

fn warning(
    r: &ScenarioResult,
    year: i32,
    region: &str,
    rule: &'static str,
    detail: String,
) -> Warning {
    Warning {
        scenario: r.scenario.name.clone(),
        year,
        region: region.to_string(),
        region_name: r
            .regions
            .get(region)
            .map(|g| g.name.clone())
            .unwrap_or_default(),
        rule,
        detail,
    }
}

/// A share as a percentage for messages: 0.3 → "30".
fn percent(rate: Rate) -> String {
    (rate.to_decimal() * rust_decimal::Decimal::from(100))
        .normalize()
        .to_string()
}

fn settled(r: &ScenarioResult, year: i32) -> bool {
    r.scenario.years.contains(&year)
}

/// `revenue_collapse`: collected revenue fell by more than `limit` of the year before.
pub(super) fn revenue_collapse(r: &ScenarioResult, limit: Rate, out: &mut Vec<Warning>) {
    let (sums, _) = region_years(&r.shares);
    for row in &r.settlement {
        let Some(before) = sums.get(&(row.region.clone(), row.year - 1)) else {
            continue;
        };
        let (prev, now) = (before.collected, row.parts.collected);
        if prev <= 0 {
            continue;
        }
        // (prev − now) / prev > limit, exactly: (prev − now) × 10^6 > limit_ppm × prev
        let fall = (prev - now) as i128 * PPM as i128;
        if fall > limit.ppm() as i128 * prev as i128 {
            let change = (now - prev) as f64 / prev as f64 * 100.0;
            out.push(warning(
                r,
                row.year,
                &row.region,
                REVENUE_COLLAPSE,
                format!(
                    "collected {} against {} in {}: {change:+.1} % (a fall of more than {} %)",
                    format_yuan(now),
                    format_yuan(prev),
                    row.year - 1,
                    percent(limit)
                ),
            ));
        }
    }
}

/// `refunds_exceed_receipts`: an item code's net collected over a settled year is negative.
pub(super) fn refunds_exceed_receipts(r: &ScenarioResult, out: &mut Vec<Warning>) {
    let mut net: BTreeMap<(i32, &str, &str), i64> = BTreeMap::new();
    for s in r.shares.iter().filter(|s| settled(r, s.key.year)) {
        *net.entry((s.key.year, &s.key.region, &s.key.item))
            .or_default() += s.parts.collected;
    }
    for ((year, region, item), amount) in net {
        if amount < 0 {
            let name = r.rules.item_for(item).map_or("", |i| i.name.as_str());
            out.push(warning(
                r,
                year,
                region,
                REFUNDS_EXCEED_RECEIPTS,
                format!(
                    "item {item} {name}: net collected {} over the year — refunds exceed \
                     receipts (monthly totals show only each month's net amount)",
                    format_yuan(amount)
                ),
            ));
        }
    }
}

/// `base_above_retained`: a county's base due is above the revenue it retained that year.
pub(super) fn base_above_retained(r: &ScenarioResult, out: &mut Vec<Warning>) {
    for b in r.baselines.iter().filter(|b| settled(r, b.year)) {
        let Some(row) = r
            .settlement
            .iter()
            .find(|s| s.region == b.county && s.year == b.year)
        else {
            continue;
        };
        if b.due > row.parts.retained {
            out.push(warning(
                r,
                b.year,
                &b.county,
                BASE_ABOVE_RETAINED,
                format!(
                    "base due {} ({}) is above the revenue retained, {}",
                    format_yuan(b.due),
                    b.method,
                    format_yuan(row.parts.retained)
                ),
            ));
        }
    }
}

/// `low_per_capita`: a county's available per resident is below `share` of the county median.
pub(super) fn low_per_capita(r: &ScenarioResult, share: Rate, out: &mut Vec<Warning>) {
    for &year in &r.scenario.years {
        let counties: Vec<(&str, i64)> = r
            .settlement
            .iter()
            .filter(|s| s.year == year && s.kind == RegionKind::County)
            .filter_map(|s| s.available_per_capita.map(|pc| (s.region.as_str(), pc)))
            .collect();
        let mut values: Vec<i64> = counties.iter().map(|c| c.1).collect();
        values.sort_unstable();
        let n = values.len();
        if n == 0 {
            continue;
        }
        // twice the median, so that an even count stays exact in fen
        let median2 = if n % 2 == 1 {
            2 * values[n / 2] as i128
        } else {
            values[n / 2 - 1] as i128 + values[n / 2] as i128
        };
        for (region, pc) in counties {
            if 2 * (pc as i128) * (PPM as i128) < (share.ppm() as i128) * median2 {
                out.push(warning(
                    r,
                    year,
                    region,
                    LOW_PER_CAPITA,
                    format!(
                        "available per resident {} is below {} % of the county median {}",
                        format_yuan(pc),
                        percent(share),
                        format_yuan(round_div(median2, 2) as i64)
                    ),
                ));
            }
        }
    }
}

/// `missing_months`: an actual settled year with receipts in some, not all, of its months.
pub(super) fn missing_months(r: &ScenarioResult, out: &mut Vec<Warning>) {
    let mut months: BTreeMap<(i32, &str), BTreeSet<u32>> = BTreeMap::new();
    for s in r
        .shares
        .iter()
        .filter(|s| !s.projected && settled(r, s.key.year))
    {
        months
            .entry((s.key.year, &s.key.region))
            .or_default()
            .insert(s.key.month);
    }
    for ((year, region), present) in months {
        if present.len() < 12 {
            let missing: Vec<String> = (1..=12)
                .filter(|m| !present.contains(m))
                .map(|m| m.to_string())
                .collect();
            out.push(warning(
                r,
                year,
                region,
                MISSING_MONTHS,
                format!(
                    "receipts in {} of 12 months; none in month(s) {}",
                    present.len(),
                    missing.join(", ")
                ),
            ));
        }
    }
}

/// `quarantined_rows`: one warning per fiscal year of the rows set aside (rows whose year
/// cannot be read go to the first settled year), with their count, the amount that can be
/// read and the amounts that cannot, each file named.
pub(super) fn quarantined_rows(r: &ScenarioResult, out: &mut Vec<Warning>) {
    let (Some(q), Some(&first)) = (&r.quarantined, r.scenario.years.iter().min()) else {
        return;
    };
    let mut years: Vec<Option<i32>> = q.groups.iter().map(|g| g.fiscal_year).collect();
    years.sort();
    years.dedup();
    for year in years {
        let groups: Vec<String> = q.of_year(year).map(|g| g.describe()).collect();
        let rows: u64 = q.of_year(year).map(|g| g.rows).sum();
        out.push(warning(
            r,
            year.unwrap_or(first),
            "",
            QUARANTINED_ROWS,
            format!(
                "{rows} ledger row(s) set aside by --quarantine; every figure of this run \
                 leaves them out ({})",
                groups.join("; ")
            ),
        ));
    }
}

/// `subsidy_while_direct`: a subsidies row for a settled year in which the county is
/// province-direct all twelve months: it is not paid (the base has replaced it).
pub(super) fn subsidy_while_direct(r: &ScenarioResult, out: &mut Vec<Warning>) {
    for ((county, year), amount) in &r.tables.subsidies {
        let Some(c) = r.regions.get(county) else {
            continue;
        };
        if settled(r, *year) && r.regions.managed_months(c, *year) == 0 {
            out.push(warning(
                r,
                *year,
                county,
                SUBSIDY_WHILE_DIRECT,
                format!(
                    "subsidies.csv gives {} for {year}, but the county is province-direct all \
                     year (since {}): not paid — its subsidies are netted into its base",
                    format_yuan(*amount),
                    c.direct_since.map(|d| d.to_string()).unwrap_or_default()
                ),
            ));
        }
    }
}

/// `subsidy_spike_in_base`: a base year's subsidy (补助基数 part of a measured base) above
/// [`SPIKE_FACTOR`] × the mean of the county's other subsidies rows: a one-off subsidy
/// that the base would net out every year. Flagged once, in the county's first settled
/// year with a base.
pub(super) fn subsidy_spike_in_base(r: &ScenarioResult, out: &mut Vec<Warning>) {
    let mut seen = BTreeSet::new();
    for b in r.baselines.iter().filter(|b| settled(r, b.year)) {
        if b.base_years.is_empty() || !seen.insert(b.county.as_str()) {
            continue;
        }
        let rows: Vec<(i32, i64)> = r
            .tables
            .subsidies
            .range((b.county.clone(), i32::MIN)..=(b.county.clone(), i32::MAX))
            .map(|((_, y), v)| (*y, *v))
            .collect();
        for &by in &b.base_years {
            let t = annual_subsidy(&r.tables.subsidies, &b.county, by);
            let others: Vec<&(i32, i64)> = rows.iter().filter(|(y, _)| *y != by).collect();
            if others.is_empty() || t <= 0 {
                continue;
            }
            let sum: i128 = others.iter().map(|(_, v)| *v as i128).sum();
            // t > SPIKE_FACTOR × sum / n, exactly
            if (t as i128) * (others.len() as i128) > SPIKE_FACTOR * sum {
                let listed: Vec<String> = others
                    .iter()
                    .map(|(y, v)| format!("{} in {y}", format_yuan(*v)))
                    .collect();
                out.push(warning(
                    r,
                    b.year,
                    &b.county,
                    SUBSIDY_SPIKE_IN_BASE,
                    format!(
                        "base year {by} subsidy {} is more than {SPIKE_FACTOR} × the mean {} of \
                         its other years ({}): the base nets it out every year",
                        format_yuan(t),
                        format_yuan(round_div(sum, others.len() as i128) as i64),
                        listed.join(", ")
                    ),
                ));
            }
        }
    }
}
