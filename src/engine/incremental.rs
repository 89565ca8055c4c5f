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
use crate::ledger::BudgetLevel;
use crate::period::YearMonth;
use crate::regions::{RegionKind, RegionTable};
use crate::rules::RuleSet;
use crate::scenario::projection::{grown_by, growth_factor};
use crate::scenario::run::{
    check_growth_keys, check_projected_total, check_years, settle_sums, LedgerFacts, ScenarioResult,
};
use crate::scenario::Scenario;
use crate::settlement::{region_years, verify_statements, CheckResult};
use crate::split::shares::cascade_of;
use crate::split::{split_monthly, Cascade, Parts};
use rust_decimal::Decimal;
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
    /// Every served row's cascade.
    cascades: Vec<Cascade>,
    /// A projected row's last actual total and years ahead (0, 0 for actual rows).
    projected_from: Vec<(i64, u32)>,
    /// Σ |collected| of the served projected rows.
    projected_abs: u128,
    /// The region-year of each served row, an index into `cells`.
    cell: Vec<u32>,
    /// The region-years of the served sums, in order.
    cells: Vec<(String, i32)>,
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
            cascades: Vec::with_capacity(base.shares.len()),
            projected_from: Vec::with_capacity(base.shares.len()),
            cell: Vec::new(),
            cells: Vec::new(),
            projected_abs: base
                .shares
                .iter()
                .filter(|s| s.projected)
                .map(|s| u128::from(s.parts.collected.unsigned_abs()))
                .sum(),
        };
        let last_total: HashMap<(u32, &str, &str, BudgetLevel), i64> = inc
            .last_totals
            .iter()
            .map(|t| {
                let k = &t.key;
                (
                    (k.month, k.region.as_str(), k.item.as_str(), k.level),
                    t.amount,
                )
            })
            .collect();
        inc.cells = inc.sums.keys().cloned().collect();
        let cell_of: HashMap<(&str, i32), u32> = inc
            .cells
            .iter()
            .enumerate()
            .map(|(i, (r, y))| ((r.as_str(), *y), i as u32))
            .collect();
        inc.cell = base
            .shares
            .iter()
            .map(|s| cell_of[&(s.key.region.as_str(), s.key.year)])
            .collect();
        for s in &base.shares {
            let k = &s.key;
            inc.cascades
                .push(cascade_of(&base.regions, &base.rules, k)?);
            inc.projected_from.push(if s.projected {
                let total = last_total
                    .get(&(k.month, k.region.as_str(), k.item.as_str(), k.level))
                    .copied()
                    .ok_or_else(|| Error::Check(format!("no last total for {k:?}")))?;
                (total, (k.year - inc.facts.last) as u32)
            } else {
                (0, 0)
            });
        }
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
            if k.level != BudgetLevel::Shared {
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
        // what happens to each served row: bit 1 grows again, 2 is routed again (an
        // overridden item), 4 changes regime, 8 is gone (a year no longer projected)
        const GROW: u8 = 1;
        const ROUTE: u8 = 2;
        const REGIME: u8 = 4;
        const GONE: u8 = 8;
        let mut plan = vec![0u8; shares.len()];
        let mark = |rows: &[usize], bit: u8, plan: &mut Vec<u8>| {
            for &i in rows {
                plan[i] |= bit;
            }
        };
        let mut added: Vec<crate::split::ShareRow> = Vec::new();
        let mut projected_years = self.projected_years.clone();
        let mut dropped_after = None;
        let mut factors: HashMap<&str, Vec<Decimal>> = HashMap::new();
        let last = self.facts.last;
        // 1. projected totals whose growth changes, or whose year goes or comes
        if sc.projection != base.scenario.projection {
            let old = base.scenario.projection.as_ref();
            let new = sc.projection.as_ref();
            let new_through = new.map_or(last, |p| p.through);
            let old_through = old.map_or(last, |p| p.through);
            for (item, rows) in &self.projected_by_item {
                let gone: Vec<usize> = rows
                    .iter()
                    .copied()
                    .filter(|&i| shares[i].key.year > new_through)
                    .collect();
                mark(&gone, GONE, &mut plan);
                if let (Some(o), Some(p)) = (old, new) {
                    let g = p.growth_for(item);
                    if o.growth_for(item) != g {
                        let n = (new_through.min(old_through) - last).max(0) as u32;
                        let f = (1..=n)
                            .map(|n| growth_factor(g, n).map_err(Error::Input))
                            .collect::<Result<Vec<_>>>()?;
                        factors.insert(item.as_str(), f);
                        let kept: Vec<usize> = rows
                            .iter()
                            .copied()
                            .filter(|&i| shares[i].key.year <= new_through)
                            .collect();
                        mark(&kept, GROW, &mut plan);
                    }
                }
            }
            projected_years.retain(|y| *y <= new_through);
            dropped_after = Some(new_through);
            // years the served run did not project: projected in full
            if let Some(p) = new.filter(|p| p.through > old_through) {
                let more = crate::scenario::projection::project(&self.last_totals, last, p)?;
                let more: Vec<MonthlyTotal> = more
                    .into_iter()
                    .filter(|t| t.key.year > old_through)
                    .collect();
                projected_years.extend(more.iter().map(|t| t.key.year));
                added.extend(split_monthly(more.iter(), &regions, &rules, true)?);
            }
        }
        // 2. shared receipts of overridden items (routed again) and of counties whose
        // switch date moves (the same rates, managed or not month by month)
        for ov in &sc.overrides[n..] {
            let item = rules
                .item_for(&ov.item)
                .ok_or_else(|| Error::Check(format!("override of unknown item {}", ov.item)))?;
            if let Some(rows) = self.shared_by_rule_item.get(&item.code) {
                mark(rows, ROUTE, &mut plan);
            }
        }
        let mut moved: HashMap<&str, &crate::regions::Region> = HashMap::new();
        for r in regions
            .all()
            .iter()
            .filter(|r| r.kind == RegionKind::County)
        {
            if base.regions.get(&r.code).map(|b| b.direct_since) != Some(r.direct_since) {
                if let Some(rows) = self.shared_by_county.get(&r.code) {
                    mark(rows, REGIME, &mut plan);
                    moved.insert(r.code.as_str(), r);
                }
            }
        }
        // per region-year of a county whose switch date moves: managed (市管县) or not,
        // month by month, from the one rule (`is_prefecture_managed`), asked once a month
        // instead of once a row
        let mut managed_by_cell: Vec<Option<[bool; 12]>> = vec![None; self.cells.len()];
        for (ci, (code, year)) in self.cells.iter().enumerate() {
            if let Some(county) = moved.get(code.as_str()) {
                let mut months = [false; 12];
                for (m, slot) in (1u32..).zip(months.iter_mut()) {
                    *slot = YearMonth::new(*year, m)
                        .is_ok_and(|ym| regions.is_prefecture_managed(county, ym));
                }
                managed_by_cell[ci] = Some(months);
            }
        }
        // the rows to split again, in row order (a scan of the plan, not a sort)
        let touched = plan
            .iter()
            .enumerate()
            .filter(|(_, p)| **p != 0)
            .map(|(i, _)| i);
        let mut by_cell = vec![Parts::default(); self.cells.len()];
        let mut delta: HashMap<(&str, i32), Parts> = HashMap::new();
        let mut resplit = added.len();
        let mut abs_change: i128 = 0;
        for i in touched {
            let (s, what) = (&shares[i], plan[i]);
            let new = if what & GONE != 0 {
                Parts::default()
            } else {
                let amount = if what & GROW != 0 {
                    let (total, years) = self.projected_from[i];
                    let factor = factors
                        .get(s.key.item.as_str())
                        .and_then(|f| f.get(years as usize - 1))
                        .ok_or_else(|| Error::Check(format!("no growth factor for {:?}", s.key)))?;
                    grown_by(total, *factor).map_err(|e| {
                        Error::Input(format!("projected amount of {:?}: {e}", s.key))
                    })?
                } else {
                    s.parts.collected
                };
                let cascade = if what & ROUTE != 0 {
                    cascade_of(&regions, &rules, &s.key)?
                } else if what & REGIME != 0 {
                    let months = managed_by_cell[self.cell[i] as usize]
                        .ok_or_else(|| Error::Check(format!("no regime for {:?}", s.key)))?;
                    let month = (s.key.month as usize).clamp(1, 12) - 1;
                    self.cascades[i].managed(months[month])
                } else {
                    self.cascades[i]
                };
                let parts = cascade.split(amount);
                if !parts.conserves() {
                    return Err(Error::Check(format!(
                        "split of {:?} does not add up: {parts:?}",
                        s.key
                    )));
                }
                resplit += 1;
                parts
            };
            if s.projected {
                abs_change += i128::from(new.collected.unsigned_abs())
                    - i128::from(s.parts.collected.unsigned_abs());
            }
            by_cell[self.cell[i] as usize] += new - s.parts;
        }
        if sc.projection.is_some() {
            let abs = (self.projected_abs as i128 + abs_change) as u128
                + added
                    .iter()
                    .map(|s| u128::from(s.parts.collected.unsigned_abs()))
                    .sum::<u128>();
            check_projected_total(sc, abs)?;
        }
        for (c, d) in self.cells.iter().zip(by_cell) {
            if d != Parts::default() {
                *delta.entry((&c.0, c.1)).or_default() += d;
            }
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
