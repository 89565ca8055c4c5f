//! The analyst's sections of a comparison: the change by prefecture, by income group, the
//! kept share of a new yuan (VAT, CIT, PIT) before and after, the population-weighted gaps
//! between all units, and the change summed and discounted over the compared years. Each
//! section holds one chart; titles say the unit, what is counted and the period covered.

mod by_region;
mod new_yuan;
mod over_time;

use super::Comparison;
use crate::scenario::run::ScenarioResult;

/// `2022–2030 合计 summed over 9 years`, the period of a sum over the compared years.
pub(super) fn period(c: &Comparison) -> String {
    let first = c.summary.iter().map(|s| s.year).min().unwrap_or_default();
    let last = c.summary.iter().map(|s| s.year).max().unwrap_or_default();
    format!("{first}–{last} 合计 summed over {} years", c.summary.len())
}

/// Every analyst section of one comparison, in order.
pub fn sections(
    id: &str,
    res: &ScenarioResult,
    reference: Option<&ScenarioResult>,
    c: &Comparison,
) -> String {
    let mut out = by_region::prefectures(id, res, c);
    out.push_str(&by_region::groups(id, c));
    if let Some(r) = reference {
        out.push_str(&new_yuan::retention(id, res, r, c));
    }
    out.push_str(&over_time::inequality(id, c));
    out.push_str(&over_time::totals(id, res, c));
    out
}
