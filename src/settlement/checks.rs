//! The run's proof of itself (对账): every fen collected lands in exactly one level, bases
//! paid equal bases received, subsidies paid equal subsidies received (市对县补助), and the
//! province-wide identity holds. Each check returns a
//! named result for the manifest; a failed check stops the run.

use super::statement::{ProvinceRow, SettlementRow};
use crate::regions::RegionKind;
use crate::split::ShareRow;
use serde::Serialize;

/// One check and its outcome.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct CheckResult {
    /// What was checked.
    pub name: String,
    /// Whether it held.
    pub passed: bool,
    /// Figures or the first breach.
    pub detail: String,
}

fn result(name: &str, breaches: Vec<String>, ok_detail: String) -> CheckResult {
    CheckResult {
        name: name.to_string(),
        passed: breaches.is_empty(),
        detail: breaches
            .into_iter()
            .next()
            .map(|b| format!("breach: {b}"))
            .unwrap_or(ok_detail),
    }
}

/// Runs every check over the item shares and the statements.
pub fn verify(
    shares: &[ShareRow],
    rows: &[SettlementRow],
    provinces: &[ProvinceRow],
) -> Vec<CheckResult> {
    let mut out = Vec::new();
    let bad: Vec<String> = shares
        .iter()
        .filter(|r| !r.parts.conserves())
        .map(|r| format!("{:?}", r.key))
        .collect();
    out.push(result(
        "conservation per item_shares row",
        bad,
        format!("{} rows", shares.len()),
    ));
    let bad: Vec<String> = provinces
        .iter()
        .filter_map(|p| {
            let collected: i64 = shares
                .iter()
                .filter(|s| s.key.year == p.year)
                .map(|s| s.parts.collected)
                .sum();
            (collected != p.collected).then(|| {
                format!(
                    "{}: item shares {collected} ≠ statements {}",
                    p.year, p.collected
                )
            })
        })
        .collect();
    out.push(result(
        "item shares total = statements total",
        bad,
        format!("{} years", provinces.len()),
    ));
    out.extend(verify_statements(rows, provinces));
    out
}

/// The checks that need only the statements (used again by sweeps, which re-split only
/// the receipts a grid point changes and check each of those on its own).
pub fn verify_statements(rows: &[SettlementRow], provinces: &[ProvinceRow]) -> Vec<CheckResult> {
    let mut out = Vec::new();

    let bad: Vec<String> = rows
        .iter()
        .filter(|r| !r.parts.conserves())
        .map(|r| format!("{} {}", r.region, r.year))
        .collect();
    out.push(result(
        "conservation per region-year",
        bad,
        format!("{} statements", rows.len()),
    ));

    let mut bad = Vec::new();
    for p in provinces {
        let year_rows = rows.iter().filter(|r| r.year == p.year);
        let collected: i64 = year_rows.clone().map(|r| r.parts.collected).sum();
        let retained: i64 = year_rows.clone().map(|r| r.parts.retained).sum();
        let from: i64 = year_rows.clone().map(|r| r.from_counties).sum();
        if collected != p.collected || p.collected != p.to_central + p.to_province + retained + from
        {
            bad.push(format!(
                "{}: collected {} (statements {collected}) ≠ central {} + province {} + retained {retained} + from_counties {from}",
                p.year, p.collected, p.to_central, p.to_province
            ));
        }
        let county_to_pref: i64 = year_rows
            .clone()
            .filter(|r| r.kind == RegionKind::County)
            .map(|r| r.parts.to_prefecture)
            .sum();
        if county_to_pref != from {
            bad.push(format!(
                "{}: counties' to_prefecture {county_to_pref} ≠ prefectures' from_counties {from}",
                p.year
            ));
        }
    }
    out.push(result(
        "province total: collected = to_central + to_province + Σ retained + Σ from_counties",
        bad,
        format!("{} years", provinces.len()),
    ));

    let mut bad = Vec::new();
    for p in provinces {
        let by_kind = |k: RegionKind, f: fn(&SettlementRow) -> i64| -> i64 {
            rows.iter()
                .filter(|r| r.year == p.year && r.kind == k)
                .map(f)
                .sum()
        };
        let (cp, cr) = (
            by_kind(RegionKind::County, |r| r.base_paid),
            by_kind(RegionKind::County, |r| r.base_received),
        );
        let (pp, pr) = (
            by_kind(RegionKind::Prefecture, |r| r.base_paid),
            by_kind(RegionKind::Prefecture, |r| r.base_received),
        );
        if cp != pr || cr != pp {
            bad.push(format!("{}: counties paid {cp}, prefectures received {pr}; prefectures paid {pp}, counties received {cr}", p.year));
        }
    }
    out.push(result(
        "bases paid = bases received",
        bad,
        format!("{} years", provinces.len()),
    ));

    let mut bad = Vec::new();
    for p in provinces {
        let sum = |f: fn(&SettlementRow) -> i64| -> i64 {
            rows.iter().filter(|r| r.year == p.year).map(f).sum()
        };
        let (paid, received) = (sum(|r| r.subsidy_paid), sum(|r| r.subsidy_received));
        if paid != received {
            bad.push(format!(
                "{}: prefectures paid {paid}, counties received {received}",
                p.year
            ));
        }
    }
    out.push(result(
        "subsidies paid = subsidies received",
        bad,
        format!("{} years", provinces.len()),
    ));
    out
}
