//! The baseline part of an explanation: a county's transfer baseline (划转基数) rebuilt from
//! its base years and subsidies, each indexation step recomputed with
//! [`crate::baseline::step`] and [`crate::baseline::prorate`] and checked against the
//! `baselines` row; and a prefecture's revenue and base flows with each of its counties.

use super::{BaseExplanation, BaseYear, CountyFlow, IndexStep, Yuan};
use crate::baseline::{
    effective_indexation, prorate, step, BaselineRow, Indexation, YearFacts, FROM_TABLE,
};
use crate::error::{Error, Result};
use crate::money::round_div;
use crate::regions::RegionKind;
use crate::scenario::run::ScenarioResult;
use crate::settlement::{subsidy_for_months, SettlementRow};
use crate::split::Parts;
use crate::tables::annual_subsidy;
use rust_decimal::Decimal;
use std::collections::BTreeMap;

type CountyYears = BTreeMap<(String, i32), Parts>;

fn check(what: &str, county: &str, ours: i64, theirs: i64) -> Result<()> {
    if ours == theirs {
        Ok(())
    } else {
        Err(Error::Check(format!(
            "county {county}: {what} recomputes to {ours} fen, the baselines table has {theirs}"
        )))
    }
}

/// Rebuilds the base of `b.county` and its dues from the switch year to `b.year`.
pub(super) fn explain_base(
    r: &ScenarioResult,
    county_years: &CountyYears,
    b: &BaselineRow,
) -> Result<BaseExplanation> {
    let c = &b.county;
    let mut base_years = Vec::new();
    if b.source != FROM_TABLE {
        let (mut s, mut sb) = (0i128, 0i128);
        for &y in &b.base_years {
            let part = county_years.get(&(c.clone(), y)).ok_or_else(|| {
                Error::Check(format!("county {c}: base year {y} has no item shares"))
            })?;
            let subsidy = annual_subsidy(&r.tables.subsidies, c, y);
            s += part.prefecture_if_managed as i128;
            sb += subsidy as i128;
            base_years.push(BaseYear {
                year: y,
                prefecture_share: Yuan(part.prefecture_if_managed),
                subsidy: Yuan(subsidy),
            });
        }
        let n = b.base_years.len().max(1) as i128;
        check("shared_base", c, round_div(s, n) as i64, b.shared_base)?;
        check("subsidy_base", c, round_div(sb, n) as i64, b.subsidy_base)?;
    }
    check("net_base", c, b.shared_base - b.subsidy_base, b.net_base)?;
    let ix = effective_indexation(&b.source, r.scenario.indexation);
    let y0 = b.direct_since.year;
    let part = |y: i32| county_years.get(&(c.clone(), y));
    let mut steps = Vec::new();
    let mut due = b.net_base;
    for y in y0..=b.year {
        let how = if y == y0 && !ix.applies_in_switch_year() {
            let kept = if b.source == FROM_TABLE && r.scenario.indexation != ix {
                " (a base fixed in bases.csv stays fixed whatever the scenario's indexation)"
            } else {
                ""
            };
            format!("due({y0}) = net_base = {}{kept}", Yuan(b.net_base))
        } else {
            let facts = YearFacts {
                local: part(y).map(Parts::local),
                local_before: part(y - 1).map(Parts::local),
                old_share: part(y).map(|p| p.prefecture_if_managed),
            };
            let prev = due;
            due = step(ix, b.net_base, b.shared_base, y0, y, prev, facts);
            step_how(ix, b, y0, y, prev, facts, due)
        };
        let settled = if y == y0 {
            prorate(due, b.direct_since.month)
        } else {
            due
        };
        let how = if settled != due {
            let m = b.direct_since.month;
            format!(
                "{how}; switch in month {m}: round({} × (13 − {m}) / 12) = {}",
                Yuan(due),
                Yuan(settled)
            )
        } else {
            how
        };
        steps.push(IndexStep {
            year: y,
            due: Yuan(due),
            settled_due: Yuan(settled),
            how,
        });
    }
    let last = steps.last().map_or(0, |s| s.settled_due.0);
    check(&format!("the due of {}", b.year), c, last, b.due)?;
    Ok(BaseExplanation {
        direct_since: b.direct_since,
        source: b.source.clone(),
        method: b.method.clone(),
        base_years,
        shared_base: Yuan(b.shared_base),
        subsidy_base: Yuan(b.subsidy_base),
        net_base: Yuan(b.net_base),
        steps,
        due: Yuan(b.due),
    })
}

fn ppm(v: i64) -> Decimal {
    Decimal::new(v, 6).normalize()
}

/// One indexation step in words and numbers.
fn step_how(
    ix: Indexation,
    b: &BaselineRow,
    y0: i32,
    y: i32,
    prev: i64,
    f: YearFacts,
    due: i64,
) -> String {
    let (net, prev, now) = (Yuan(b.net_base), Yuan(prev), Yuan(due));
    match ix {
        Indexation::Fixed => format!("fixed (保存量): due = net_base = {now}"),
        Indexation::Rate(r) => format!("round({prev} × (1 + {})) = {now}", ppm(r)),
        Indexation::RevenueCoefficient(k) => match (f.local, f.local_before) {
            (Some(a), Some(b0)) if b0 > 0 && a > b0 => format!(
                "local revenue {} → {}, g = {:.6}; round({prev} × (1 + {} × g)) = {now}",
                Yuan(b0),
                Yuan(a),
                (a - b0) as f64 / b0 as f64,
                ppm(k)
            ),
            (a, b0) => format!(
                "local revenue {} → {}: growth not measurable or ≤ 0, due stays {now}",
                b0.map_or("none".into(), |v| Yuan(v).to_string()),
                a.map_or("none".into(), |v| Yuan(v).to_string()),
            ),
        },
        Indexation::PhaseOut(n) => {
            let left = (n as i64 - (y - y0) as i64).max(0);
            format!("round({net} × max(0, {n} − ({y} − {y0})) / {n}) = round({net} × {left} / {n}) = {now}")
        }
        Indexation::IncrementShare(s) => {
            let sy = f.old_share.unwrap_or(b.shared_base);
            format!(
                "net_base {net} + round({} × max(0, S_{y} {} − shared_base {})) = {now}",
                ppm(s),
                Yuan(sy),
                Yuan(b.shared_base)
            )
        }
    }
}

/// A prefecture's flows with each of its counties, checked against its statement.
pub(super) fn county_flows(
    r: &ScenarioResult,
    county_years: &CountyYears,
    row: &SettlementRow,
) -> Result<Vec<CountyFlow>> {
    let mut flows = Vec::new();
    for c in r.regions.all().iter().filter(|c| {
        c.kind == RegionKind::County && c.parent.as_deref() == Some(row.region.as_str())
    }) {
        let due = r
            .baselines
            .iter()
            .find(|b| b.county == c.code && b.year == row.year)
            .map(|b| b.due);
        let d = due.unwrap_or(0);
        flows.push(CountyFlow {
            county: c.code.clone(),
            name: c.name.clone(),
            to_prefecture: Yuan(
                county_years
                    .get(&(c.code.clone(), row.year))
                    .map_or(0, |p| p.to_prefecture),
            ),
            base_due: due.map(Yuan),
            base_received: Yuan(d.max(0)),
            base_paid: Yuan((-d).max(0)),
            subsidy: Yuan(subsidy_for_months(
                annual_subsidy(&r.tables.subsidies, &c.code, row.year),
                r.regions.managed_months(c, row.year),
            )),
        });
    }
    let sum = |f: fn(&CountyFlow) -> i64| flows.iter().map(f).sum::<i64>();
    let ours = (
        sum(|f| f.to_prefecture.0),
        sum(|f| f.base_received.0),
        sum(|f| f.base_paid.0),
        sum(|f| f.subsidy.0),
    );
    let theirs = (
        row.from_counties,
        row.base_received,
        row.base_paid,
        row.subsidy_paid,
    );
    if ours != theirs {
        return Err(Error::Check(format!(
            "prefecture {} {}: county flows (from_counties, base received, base paid, \
             subsidies paid) sum to {ours:?}, the statement has {theirs:?}",
            row.region, row.year
        )));
    }
    Ok(flows)
}
