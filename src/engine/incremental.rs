//! Incremental what-if evaluation (增量推演): the served scenario's item shares and their
//! region-year sums are kept; an overlay splits again only the rows it can change — the
//! shared receipts of an overridden item, the shared receipts of a county whose switch date
//! moves, the projected totals whose growth or year changes — with the run's own functions
//! ([`cascade_of`], [`Cascade::split`](crate::split::Cascade::split), [`project`]), adds
//! the change of each to the sums, and settles from the sums as a full run does
//! ([`settle_sums`]). `tests/serve_api.rs` proves it equal to `fencheng run` on the saved
//! scenario.

use crate::error::{Error, Result};
use crate::ledger::totals::MonthlyTotal;
use crate::regions::{RegionKind, RegionTable};
use crate::rules::RuleSet;
use crate::scenario::run::{
    check_growth_keys, check_projected_total, check_years, settle_sums, LedgerFacts, ScenarioResult,
};
use crate::scenario::Scenario;
use crate::settlement::{region_years, verify_statements, CheckResult};
use crate::split::shares::cascade_of;
use crate::split::{split_monthly, Parts};
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// Region-year sums of item shares (`region_years`).
pub type Sums = BTreeMap<(String, i32), Parts>;

/// The served scenario's item shares, indexed by what can change them.
pub struct Incremental {
    facts: LedgerFacts,
    sums: Sums,
    projected_years: BTreeSet<i32>,
    /// Shared rows (indices into the served `shares`) by rulebook item code.
    shared_by_rule_item: HashMap<String, Vec<usize>>,
    /// Shared rows by collecting county.
    shared_by_county: HashMap<String, Vec<usize>>,
    /// Projected rows by ledger item code.
    projected_by_item: HashMap<String, Vec<usize>>,
    /// The last actual year's totals (what the projection grows).
    last_totals: Vec<MonthlyTotal>,
}

/// An overlay's evaluation: the scenario's result without its item shares (`shares` is
/// empty; baselines, settlement and province are the full run's), and its region-year sums.
pub struct Evaluated {
    /// The result; `shares` left empty.
    pub result: ScenarioResult,
    /// Region-year sums of its item shares.
    pub sums: Sums,
    /// Rows split again.
    pub resplit: usize,
}

impl Incremental {
    /// Indexes the served scenario's run (monthly granularity).
    pub fn new(base: &ScenarioResult) -> Result<Incremental> {
        let actual: Vec<MonthlyTotal> = base
            .shares
            .iter()
            .filter(|s| !s.projected)
            .map(|s| MonthlyTotal {
                key: s.key.clone(),
                amount: s.parts.collected,
                receipts: s.receipts,
            })
            .collect();
        let facts = LedgerFacts::of(&actual)?;
        let (sums, projected_years) = region_years(&base.shares);
        let mut inc = Incremental {
            last_totals: actual
                .into_iter()
                .filter(|t| t.key.year == facts.last)
                .collect(),
            facts,
            sums,
            projected_years,
            shared_by_rule_item: HashMap::new(),
            shared_by_county: HashMap::new(),
            projected_by_item: HashMap::new(),
        };
        let counties: BTreeSet<&str> = base
            .regions
            .all()
            .iter()
            .filter(|r| r.kind == RegionKind::County)
            .map(|r| r.code.as_str())
            .collect();
        for (i, s) in base.shares.iter().enumerate() {
            let k = &s.key;
            if s.projected {
                inc.projected_by_item
                    .entry(k.item.clone())
                    .or_default()
                    .push(i);
            }
            if k.level != crate::ledger::BudgetLevel::Shared {
                continue;
            }
            if let Some(item) = base.rules.item_for(&k.item) {
                inc.shared_by_rule_item
                    .entry(item.code.clone())
                    .or_default()
                    .push(i);
            }
            if counties.contains(k.region.as_str()) {
                inc.shared_by_county
                    .entry(k.region.clone())
                    .or_default()
                    .push(i);
            }
        }
        Ok(inc)
    }

    /// Settles `sc` — the served scenario `base` with an overlay; `regions` and `rules`
    /// are its own ([`Scenario::regions_and_rules_on`]) — from the served sums and the rows
    /// it changes. `None` when the overlay does not extend the served overrides (then only a
    /// full run answers it).
    pub fn evaluate(
        &self,
        base: &ScenarioResult,
        sc: &Scenario,
        regions: RegionTable,
        rules: RuleSet,
        tables: &crate::tables::SettlementTables,
    ) -> Result<Option<Evaluated>> {
        let n = base.scenario.overrides.len();
        if sc.overrides.get(..n) != Some(&base.scenario.overrides[..]) {
            return Ok(None);
        }
        check_growth_keys(sc, &self.facts)?;
        check_years(sc, &self.facts)?;
        let shares = &base.shares;
        let mut removed = vec![false; shares.len()];
        let mut added: Vec<crate::split::ShareRow> = Vec::new();
        let mut projected_years = self.projected_years.clone();
        let mut dropped_after = None;
        // 1. projected totals whose amount changes (growth) or that come or go (last year)
        if sc.projection != base.scenario.projection {
            let last = self.facts.last;
            let old = base.scenario.projection.as_ref();
            let new = sc.projection.as_ref();
            let through = |p: Option<&crate::scenario::Projection>| p.map_or(last, |p| p.through);
            let regrow: BTreeSet<&str> = match (old, new) {
                (Some(o), Some(p)) if p.through <= o.through => self
                    .projected_by_item
                    .keys()
                    .filter(|i| o.growth_for(i) != p.growth_for(i))
                    .map(String::as_str)
                    .collect(),
                _ => self.projected_by_item.keys().map(String::as_str).collect(),
            };
            let new_through = through(new);
            for (item, rows) in &self.projected_by_item {
                let all = regrow.contains(item.as_str());
                for &i in rows {
                    if all || shares[i].key.year > new_through {
                        removed[i] = true;
                    }
                }
            }
            projected_years.retain(|y| *y <= new_through);
            dropped_after = Some(new_through);
            if let Some(p) = new {
                let grown: Vec<MonthlyTotal> = self
                    .last_totals
                    .iter()
                    .filter(|t| regrow.contains(t.key.item.as_str()))
                    .cloned()
                    .collect();
                let projected = crate::scenario::projection::project(&grown, last, p)?;
                projected_years.extend(projected.iter().map(|t| t.key.year));
                added.extend(split_monthly(projected.iter(), &regions, &rules, true)?);
                let kept = shares
                    .iter()
                    .zip(&removed)
                    .filter(|(s, r)| s.projected && !**r)
                    .map(|(s, _)| s.parts.collected);
                check_projected_total(sc, kept.chain(added.iter().map(|s| s.parts.collected)))?;
            }
        }
        // 2. shared receipts of overridden items and of counties whose date moves, split
        // again with the same amount
        let mut again: Vec<usize> = Vec::new();
        for ov in &sc.overrides[n..] {
            let item = rules
                .item_for(&ov.item)
                .ok_or_else(|| Error::Check(format!("override of unknown item {}", ov.item)))?;
            again.extend(
                self.shared_by_rule_item
                    .get(&item.code)
                    .into_iter()
                    .flatten(),
            );
        }
        for r in regions
            .all()
            .iter()
            .filter(|r| r.kind == RegionKind::County)
        {
            if base.regions.get(&r.code).map(|b| b.direct_since) != Some(r.direct_since) {
                again.extend(self.shared_by_county.get(&r.code).into_iter().flatten());
            }
        }
        again.sort_unstable();
        again.dedup();
        let mut delta: HashMap<(&str, i32), Parts> = HashMap::new();
        let mut resplit = added.len();
        for i in again {
            if removed[i] {
                continue;
            }
            let s = &shares[i];
            let parts = cascade_of(&regions, &rules, &s.key)?.split(s.parts.collected);
            if !parts.conserves() {
                return Err(Error::Check(format!(
                    "split of {:?} does not add up: {parts:?}",
                    s.key
                )));
            }
            resplit += 1;
            *delta.entry((&s.key.region, s.key.year)).or_default() += parts - s.parts;
        }
        for (s, _) in shares.iter().zip(&removed).filter(|(_, r)| **r) {
            *delta.entry((&s.key.region, s.key.year)).or_default() += Parts::default() - s.parts;
        }
        for s in &added {
            *delta.entry((&s.key.region, s.key.year)).or_default() += s.parts;
        }
        let mut sums = self.sums.clone();
        if let Some(through) = dropped_after {
            // years no longer projected have no rows left (a full run has no sums for them)
            sums.retain(|(_, y), _| *y <= through);
        }
        for ((region, year), d) in delta {
            *sums.entry((region.to_string(), year)).or_default() += d;
        }
        let (baselines, settlement, province) =
            settle_sums(sc, &regions, tables, &sums, &projected_years)?;
        let mut checks = vec![CheckResult {
            name: "conservation per receipt split".into(),
            passed: true,
            detail: format!(
                "{resplit} monthly totals split again, each into parts adding up to it; the \
                 others as the served scenario's run"
            ),
        }];
        checks.extend(verify_statements(&settlement, &province));
        if let Some(failed) = checks.iter().find(|c| !c.passed) {
            return Err(Error::Check(format!("{}: {}", failed.name, failed.detail)));
        }
        Ok(Some(Evaluated {
            result: ScenarioResult {
                scenario: sc.clone(),
                regions,
                rules,
                granularity: base.granularity,
                shares: Vec::new(),
                baselines,
                settlement,
                province,
                checks,
                rejects: Default::default(),
                quarantined: None,
                timings: Vec::new(),
                last_actual_year: self.facts.last,
                tables: tables.clone(),
            },
            sums,
            resplit,
        }))
    }
}
