//! Incremental what-if evaluation (增量推演): the served scenario's item shares and their
//! region-year sums are kept; an overlay splits again only the rows it can change — the
//! shared receipts of an overridden item, the shared receipts of a county whose switch date
//! moves, the projected totals whose growth or year changes — with the run's own functions
//! ([`cascade_of`], [`Cascade::split`](crate::split::Cascade::split), [`project`]), adds
//! the change of each to the sums, and settles from the sums as a full run does
//! ([`settle_sums`]). `tests/serve_api.rs` proves it equal to `fencheng run` on the saved
//! scenario.

use super::growth_memo::{GrowthMemo, ItemGrowth};
use crate::error::{Error, Result};
use crate::ledger::totals::MonthlyTotal;
use crate::ledger::BudgetLevel;
use crate::period::YearMonth;
use crate::regions::{RegionKind, RegionTable};
use crate::rules::RuleSet;
use crate::rules::Shares;
use crate::scenario::projection::{growth_factor, GrowthFactor};
use crate::scenario::run::{
    check_growth_keys, check_projected_total, check_years, settle_sums, LedgerFacts, ScenarioResult,
};
use crate::scenario::Scenario;
use crate::settlement::{region_years, verify_statements, CheckResult};
use crate::split::shares::{cascade_of, conserving};
use crate::split::{shared_cascade, shared_route, split_monthly, Below, Cascade, Parts};
use rustc_hash::FxHashMap;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

/// Region-year sums of item shares (`region_years`).
pub type Sums = BTreeMap<(String, i32), Parts>;

/// One served row as the evaluation reads it, dense (the served `ShareRow` holds its key as
/// text; a loop over 200 k rows reads these instead).
#[derive(Clone, Copy)]
struct Served {
    /// Its parts in the served run.
    parts: Parts,
    /// Its cascade in the served run.
    cascade: Cascade,
    /// A projected row's last actual total (0 for actual rows).
    grown_from: i64,
    /// The region-year it adds to, an index into `cells`.
    cell: u32,
    /// Month 1–12 as the index of its month in a year, 0–11.
    month: u8,
    /// A projected row's years after the last actual year (0 for actual rows).
    ahead: u8,
    /// A projected row's item, an index into `projected_items`.
    item: u16,
    /// A projected row.
    projected: bool,
    /// A shared receipt of a county: its regime is the county's, month by month.
    county_shared: bool,
}

// a growth change reads every projected row: 88 bytes a row (its route is beside it)
const _: () = assert!(std::mem::size_of::<Served>() <= 88);

/// A shared receipt's served route, read only when an override routes it again (kept
/// beside the rows, not in them: the loops over many rows read less memory).
#[derive(Clone, Copy)]
struct Route {
    /// Its month ([`YearMonth::index`]): an override's shares apply from their month on.
    ym: i32,
    /// Its rulebook item, an index into `shared_by_rule_item`.
    rule_item: u16,
    /// Its rule's shares and who stands below the province ([`shared_route`]); an
    /// override changes the shares from its month on.
    shared: Option<(Shares, Below)>,
}

/// A county's shared receipts of one region-year summed per month: as served and split
/// under each regime (prefecture-managed, province-direct). A county whose switch date
/// moves takes, month by month, the sum under its new regime in place of the served one:
/// the same splits as row by row ([`Cascade::managed`], [`Cascade::split`]), added up in
/// advance.
struct RegimeSums {
    served: [Parts; 12],
    managed: [Parts; 12],
    direct: [Parts; 12],
    /// The rows summed (indices into the served rows): an answer that takes a projected
    /// row's growth from [`GrowthMemo`] still splits these again when their regime moves.
    rows: Vec<u32>,
}

/// The served scenario's item shares, indexed by what can change them.
pub struct Incremental {
    facts: LedgerFacts,
    sums: Sums,
    projected_years: BTreeSet<i32>,
    /// Rulebook item codes of shared rows, an index into `shared_by_rule_item`.
    rule_items: FxHashMap<String, u16>,
    /// Shared rows (indices into the served `shares`) by rulebook item, each with its
    /// month ([`YearMonth::index`]): an override plans its rows without reaching into
    /// `rows`.
    shared_by_rule_item: Vec<Vec<(u32, i32)>>,
    /// Cells of each county with shared receipts (indices into `cells`).
    county_cells: FxHashMap<String, Vec<u32>>,
    /// Projected rows by ledger item code, each with its year (read beside the index: a
    /// growth change plans every projected row without reaching into `rows`).
    projected_items: Vec<(String, Vec<(u32, i32)>)>,
    /// The last actual year's totals (what the projection grows).
    last_totals: Vec<MonthlyTotal>,
    /// Every served row, dense.
    rows: Vec<Served>,
    /// Every served row's route, by row.
    routes: Vec<Route>,
    /// Σ |collected| of the served projected rows, per year.
    projected_abs: BTreeMap<i32, u128>,
    /// The region-years of the served sums, in order.
    cells: Vec<(String, i32)>,
    /// Per cell of a county with shared receipts, their sums per month under each regime.
    regime: Vec<Option<Box<RegimeSums>>>,
    /// The projected items' rows grown at the rates of earlier answers, summed.
    growth: GrowthMemo,
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

// What an overlay does to a served row, bits of its byte in the plan of
// `Incremental::evaluate`.
/// Grows again (its item's growth changes).
const GROW: u8 = 1;
/// Routed again (an override of its item from its month or before).
const ROUTE: u8 = 2;
/// Changes regime: a county's shared row whose switch date moves (its cell's months are
/// summed under the new regime; split again here only when it also grows or is routed).
const REGIME: u8 = 4;
/// Gone: a year no longer projected.
const GONE: u8 = 8;
/// Its growth is in an entry of the memo (summed there: split again here only when it is
/// also routed again or changes regime, and the entry's row taken off).
const MEMO: u8 = 16;

/// Whether a row planned `what` is split again one by one: it grows or is routed again,
/// its year stays, and its growth is not in the memo's sums or something else changes it
/// too. The definition; [`rows_to_split`] is the same eight rows at a time.
#[cfg(test)]
fn splits_again(what: u8) -> bool {
    what & (GROW | ROUTE) != 0
        && what & GONE == 0
        && (what & MEMO == 0 || what & (ROUTE | REGIME) != 0)
}

/// The rows of `plan` that [`splits_again`], in row order: eight plan bytes at a time (a
/// plan has a byte for each of ~200 k served rows, most of them 0 or only memo-grown).
fn rows_to_split(plan: &[u8]) -> Vec<u32> {
    // bit 0 of each byte of a word, after shifting the flag to bit 0
    const LOW: u64 = 0x0101_0101_0101_0101;
    #[inline(always)]
    fn hits(w: u64) -> u64 {
        let flag = |bit: u8| (w >> bit.trailing_zeros()) & LOW;
        let changed = flag(GROW) | flag(ROUTE);
        let stays = flag(GONE) ^ LOW;
        let own = (flag(MEMO) ^ LOW) | flag(ROUTE) | flag(REGIME);
        changed & stays & own
    }
    let mut out = Vec::new();
    let mut push = |first: usize, mut hits: u64| {
        while hits != 0 {
            out.push((first + hits.trailing_zeros() as usize / 8) as u32);
            hits &= hits - 1;
        }
    };
    let words = plan.chunks_exact(8);
    let tail = words.remainder();
    for (c, word) in words.enumerate() {
        let w = u64::from_le_bytes([
            word[0], word[1], word[2], word[3], word[4], word[5], word[6], word[7],
        ]);
        if w != 0 {
            push(c * 8, hits(w));
        }
    }
    let mut last = [0u8; 8];
    last[..tail.len()].copy_from_slice(tail);
    push(plan.len() - tail.len(), hits(u64::from_le_bytes(last)));
    out
}

/// How many rows ahead of the one being split [`prefetch`] asks for.
const PREFETCH_AHEAD: usize = 8;

/// Asks the processor to bring `x` into its cache (a hint: nothing is read, nothing can
/// fail); a no-op off x86-64.
#[inline(always)]
fn prefetch<T>(x: &T) {
    #[cfg(target_arch = "x86_64")]
    {
        use std::arch::x86_64::{_mm_prefetch, _MM_HINT_T0};
        let p = (x as *const T).cast::<i8>();
        // SAFETY: SSE, which has the instruction, is in every x86-64 processor (the
        // target's baseline); a prefetch reads nothing and cannot fault, whatever the
        // address. The second cache line too: a row may straddle two.
        unsafe {
            _mm_prefetch::<_MM_HINT_T0>(p);
            _mm_prefetch::<_MM_HINT_T0>(p.wrapping_add(64));
        }
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = x;
}

/// The change of a projected row's |collected| (the projected total's check,
/// [`check_projected_total`]) from its served parts to `new`.
fn abs_change_of(new: &Parts, served: &Parts) -> i128 {
    i128::from(new.collected.unsigned_abs()) - i128::from(served.collected.unsigned_abs())
}

/// The index of a month 1–12 in a year.
fn month_index(month: u32) -> u8 {
    (month.clamp(1, 12) - 1) as u8
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
        let last_totals: Vec<MonthlyTotal> = actual
            .into_iter()
            .filter(|t| t.key.year == facts.last)
            .collect();
        let last_total: FxHashMap<(u32, &str, &str, BudgetLevel), i64> = last_totals
            .iter()
            .map(|t| {
                let k = &t.key;
                (
                    (k.month, k.region.as_str(), k.item.as_str(), k.level),
                    t.amount,
                )
            })
            .collect();
        let cells: Vec<(String, i32)> = sums.keys().cloned().collect();
        let cell_of: FxHashMap<(&str, i32), u32> = cells
            .iter()
            .enumerate()
            .map(|(i, (r, y))| ((r.as_str(), *y), i as u32))
            .collect();
        let counties: BTreeSet<&str> = base
            .regions
            .all()
            .iter()
            .filter(|r| r.kind == RegionKind::County)
            .map(|r| r.code.as_str())
            .collect();
        let mut projected_items: Vec<(String, Vec<(u32, i32)>)> = Vec::new();
        let mut item_index: FxHashMap<&str, u16> = FxHashMap::default();
        let mut rule_items: FxHashMap<String, u16> = FxHashMap::default();
        let mut shared_by_rule_item: Vec<Vec<(u32, i32)>> = Vec::new();
        let mut county_cells: FxHashMap<String, Vec<u32>> = FxHashMap::default();
        let mut regime: Vec<Option<Box<RegimeSums>>> = (0..cells.len()).map(|_| None).collect();
        let mut rows = Vec::with_capacity(base.shares.len());
        let mut routes = Vec::with_capacity(base.shares.len());
        for (i, s) in base.shares.iter().enumerate() {
            let k = &s.key;
            let row = i as u32;
            let cell = cell_of[&(k.region.as_str(), k.year)];
            let cascade = cascade_of(&base.regions, &base.rules, k)?;
            let (grown_from, ahead, item) = if s.projected {
                let total = last_total
                    .get(&(k.month, k.region.as_str(), k.item.as_str(), k.level))
                    .copied()
                    .ok_or_else(|| Error::Check(format!("no last total for {k:?}")))?;
                let item = *item_index.entry(k.item.as_str()).or_insert_with(|| {
                    projected_items.push((k.item.clone(), Vec::new()));
                    (projected_items.len() - 1) as u16
                });
                projected_items[item as usize].1.push((row, k.year));
                let ahead = u8::try_from(k.year - facts.last)
                    .map_err(|_| Error::Check(format!("projected too far: {k:?}")))?;
                (total, ahead, item)
            } else {
                (0, 0, u16::MAX)
            };
            let shared = k.level == BudgetLevel::Shared;
            let mut rule_item = u16::MAX;
            let mut shared_parts = None;
            if shared {
                if let Some(item) = base.rules.item_for(&k.item) {
                    let next = u16::try_from(shared_by_rule_item.len())
                        .map_err(|_| Error::Check("too many rulebook items".into()))?;
                    rule_item = *rule_items.entry(item.code.clone()).or_insert(next);
                    if rule_item == next {
                        shared_by_rule_item.push(Vec::new());
                    }
                    shared_by_rule_item[rule_item as usize].push((row, k.ym().index()));
                }
                let region = base
                    .regions
                    .get(&k.region)
                    .ok_or_else(|| Error::Check(format!("no region for {k:?}")))?;
                let route = shared_route(&base.regions, &base.rules, region, &k.item, k.ym())
                    .map_err(|p| Error::Check(format!("{k:?}: {}", p.row_problem(k))))?;
                // the served cascade is the route's: what an override changes starts there
                if shared_cascade(route.0, route.1) != cascade {
                    return Err(Error::Check(format!(
                        "the route of {k:?} is not its cascade"
                    )));
                }
                shared_parts = Some(route);
            }
            let county_shared = shared && counties.contains(k.region.as_str());
            let month = month_index(k.month);
            if county_shared {
                let sums = regime[cell as usize].get_or_insert_with(|| {
                    let list = county_cells.entry(k.region.clone()).or_default();
                    list.push(cell);
                    Box::new(RegimeSums {
                        served: [Parts::default(); 12],
                        managed: [Parts::default(); 12],
                        direct: [Parts::default(); 12],
                        rows: Vec::new(),
                    })
                });
                let m = month as usize;
                sums.served[m] += s.parts;
                sums.managed[m] += conserving(cascade.managed(true).split(s.parts.collected), k)?;
                sums.direct[m] += conserving(cascade.managed(false).split(s.parts.collected), k)?;
                sums.rows.push(row);
            }
            rows.push(Served {
                parts: s.parts,
                cascade,
                grown_from,
                cell,
                month,
                ahead,
                item,
                projected: s.projected,
                county_shared,
            });
            routes.push(Route {
                ym: k.ym().index(),
                rule_item,
                shared: shared_parts,
            });
        }
        Ok(Incremental {
            projected_abs: base.shares.iter().filter(|s| s.projected).fold(
                BTreeMap::new(),
                |mut by_year, s| {
                    *by_year.entry(s.key.year).or_default() +=
                        u128::from(s.parts.collected.unsigned_abs());
                    by_year
                },
            ),
            last_totals,
            facts,
            sums,
            projected_years,
            rule_items,
            shared_by_rule_item,
            county_cells,
            projected_items,
            rows,
            routes,
            cells,
            regime,
            growth: GrowthMemo::default(),
        })
    }

    /// The rows of projected item `item` grown at `growth` and split, summed per
    /// region-year (each row as step 4 of [`Incremental::evaluate`] grows and splits it):
    /// from the memo (`true`: kept from an earlier answer), or made and kept. `None` when a
    /// factor or a row overflows (then the rows are grown one by one, and the one that
    /// overflows says so).
    fn item_growth(
        &self,
        shares: &[crate::split::ShareRow],
        item: u16,
        growth: rust_decimal::Decimal,
    ) -> Option<(Arc<ItemGrowth>, bool)> {
        let key = super::growth_memo::key(item, growth);
        if let Some(entry) = self.growth.get(&key) {
            return Some((entry, true));
        }
        let item_rows = &self.projected_items[usize::from(item)].1;
        // the list's years, not the rows' (a read of every row, far apart, to find one)
        let years = item_rows
            .iter()
            .map(|&(_, year)| year - self.facts.last)
            .max()
            .map_or(Some(0), |n| u8::try_from(n).ok())?;
        let factors = (1..=u32::from(years))
            .map(|n| growth_factor(growth, n).ok().map(GrowthFactor::new))
            .collect::<Option<Vec<_>>>()?;
        // the sums by cell in a dense array (a map's search per row cost more than the
        // split), the cells touched listed
        let mut by_cell = vec![Parts::default(); self.cells.len()];
        let mut touched: Vec<u32> = Vec::new();
        let mut per_year = vec![(0i128, 0usize); usize::from(years)];
        for (k, &(i, _)) in item_rows.iter().enumerate() {
            // an item's rows lie far apart among every item's
            if let Some(&(ahead, _)) = item_rows.get(k + PREFETCH_AHEAD) {
                prefetch(&self.rows[ahead as usize]);
            }
            let r = &self.rows[i as usize];
            let ahead = usize::from(r.ahead).checked_sub(1)?;
            let amount = factors.get(ahead)?.grow(r.grown_from).ok()?;
            let new = conserving(r.cascade.split(amount), &shares[i as usize].key).ok()?;
            let sum = &mut by_cell[r.cell as usize];
            if *sum == Parts::default() {
                touched.push(r.cell);
            }
            *sum += new - r.parts;
            let (abs, rows) = &mut per_year[ahead];
            *abs += abs_change_of(&new, &r.parts);
            *rows += 1;
        }
        // a cell whose sum came back to zero and moved again is listed twice
        touched.sort_unstable();
        touched.dedup();
        let entry = Arc::new(ItemGrowth {
            cells: touched
                .into_iter()
                .map(|c| (c, by_cell[c as usize]))
                .filter(|(_, d)| *d != Parts::default())
                .collect(),
            per_year,
        });
        self.growth.put(key, Arc::clone(&entry));
        Some((entry, false))
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
        tables: &std::sync::Arc<crate::tables::SettlementTables>,
    ) -> Result<Option<Evaluated>> {
        let n = base.scenario.overrides.len();
        if sc.overrides.get(..n) != Some(&base.scenario.overrides[..]) {
            return Ok(None);
        }
        check_growth_keys(sc, &self.facts)?;
        check_years(sc, &self.facts)?;
        let shares = &base.shares;
        let rows = &self.rows;
        // what happens to each served row ([`GROW`], [`ROUTE`], [`REGIME`], [`GONE`],
        // [`MEMO`])
        let mut plan = vec![0u8; rows.len()];
        let mut added: Vec<crate::split::ShareRow> = Vec::new();
        let mut projected_years = self.projected_years.clone();
        let mut dropped_after = None;
        let mut factors: Vec<Option<Vec<GrowthFactor>>> = vec![None; self.projected_items.len()];
        let mut memo: Vec<(Arc<ItemGrowth>, bool)> = Vec::new();
        let last = self.facts.last;
        // 1. projected totals whose growth changes, or whose year goes or comes
        if sc.projection != base.scenario.projection {
            let old = base.scenario.projection.as_ref();
            let new = sc.projection.as_ref();
            let new_through = new.map_or(last, |p| p.through);
            let old_through = old.map_or(last, |p| p.through);
            for (j, ((item, item_rows), factor)) in
                self.projected_items.iter().zip(&mut factors).enumerate()
            {
                let mut grow = 0;
                if let (Some(o), Some(p)) = (old, new) {
                    let g = p.growth_for(item);
                    if o.growth_for(item) != g {
                        let n = (new_through.min(old_through) - last).max(0) as u32;
                        let f = (1..=n)
                            .map(|n| {
                                growth_factor(g, n)
                                    .map(GrowthFactor::new)
                                    .map_err(Error::Input)
                            })
                            .collect::<Result<Vec<_>>>()?;
                        *factor = Some(f);
                        grow = GROW;
                        if let Some(entry) = self.item_growth(shares, j as u16, g) {
                            memo.push(entry);
                            grow |= MEMO;
                        }
                    }
                }
                for &(i, year) in item_rows {
                    plan[i as usize] |= if year > new_through { GONE } else { grow };
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
        // 2. shared receipts of overridden items from the override's month on (routed
        // again: before it the item's rules are the served ones)
        let mut extra: Vec<(&crate::rules::RuleChange, u16)> = Vec::new();
        for ov in &sc.overrides[n..] {
            let item = rules
                .item_for(&ov.item)
                .ok_or_else(|| Error::Check(format!("override of unknown item {}", ov.item)))?;
            let Some(&id) = self.rule_items.get(&item.code) else {
                continue;
            };
            extra.push((ov, id));
            let from = ov.from.index();
            for &(i, ym) in &self.shared_by_rule_item[id as usize] {
                if ym >= from {
                    plan[i as usize] |= ROUTE;
                }
            }
        }
        // 3. counties whose switch date moves (the same rates, managed or not month by
        // month, from the one rule `is_prefecture_managed`, asked once a month): each of
        // their region-years takes its shared receipts' sums under the new regime, month by
        // month, in place of the served ones
        let mut by_cell = vec![Parts::default(); self.cells.len()];
        let mut managed_by_cell: Vec<Option<[bool; 12]>> = vec![None; self.cells.len()];
        let mut resplit = added.len();
        for r in regions
            .all()
            .iter()
            .filter(|r| r.kind == RegionKind::County)
        {
            if base.regions.get(&r.code).map(|b| b.direct_since) == Some(r.direct_since) {
                continue;
            }
            let Some(cells) = self.county_cells.get(&r.code) else {
                continue;
            };
            for &ci in cells {
                let ci = ci as usize;
                let year = self.cells[ci].1;
                let mut months = [false; 12];
                for (m, slot) in (1u32..).zip(months.iter_mut()) {
                    *slot = YearMonth::new(year, m)
                        .is_ok_and(|ym| regions.is_prefecture_managed(r, ym));
                }
                managed_by_cell[ci] = Some(months);
                let sums = self.regime[ci]
                    .as_ref()
                    .ok_or_else(|| Error::Check(format!("no regime sums for {r:?} {year}")))?;
                for &i in &sums.rows {
                    plan[i as usize] |= REGIME;
                }
                let d = &mut by_cell[ci];
                for (m, &managed) in months.iter().enumerate() {
                    *d += if managed {
                        sums.managed[m]
                    } else {
                        sums.direct[m]
                    } - sums.served[m];
                }
                resplit += sums.rows.len();
            }
        }
        // 4. the rows to split again, in row order (a scan of the plan, not a sort); a row
        // of a county whose regime moved starts from its split under the new regime (step 3
        // added that)
        let mut abs_change: i128 = 0;
        let mut counted_twice = 0;
        let work = rows_to_split(&plan);
        for (k, &i) in work.iter().enumerate() {
            // the rows are read far apart (an item's among every item's): the row a few
            // ahead is asked of memory while this one is split
            if let Some(&ahead) = work.get(k + PREFETCH_AHEAD) {
                prefetch(&rows[ahead as usize]);
                prefetch(&self.routes[ahead as usize]);
            }
            let i = i as usize;
            let what = plan[i];
            let r = &rows[i];
            let month = r.month as usize;
            let regime = if r.county_shared {
                managed_by_cell[r.cell as usize].map(|months| months[month])
            } else {
                None
            };
            let was = match regime {
                Some(managed) => r.cascade.managed(managed).split(r.parts.collected),
                None => r.parts,
            };
            let new = {
                let key = || &shares[i].key;
                let amount = if what & GROW != 0 {
                    let factor = factors
                        .get(r.item as usize)
                        .and_then(Option::as_ref)
                        .and_then(|f| f.get(usize::from(r.ahead).wrapping_sub(1)))
                        .ok_or_else(|| Error::Check(format!("no growth factor for {:?}", key())))?;
                    factor.grow(r.grown_from).map_err(|e| {
                        Error::Input(format!("projected amount of {:?}: {e}", key()))
                    })?
                } else {
                    r.parts.collected
                };
                let cascade = if what & ROUTE != 0 {
                    // the served shares with the overlay's overrides of the item applied in
                    // order (as the rulebook applies them), under the row's regime now
                    let route = &self.routes[i];
                    let (shares, below) = route
                        .shared
                        .ok_or_else(|| Error::Check(format!("no served route for {:?}", key())))?;
                    let own = extra
                        .iter()
                        .filter(|(_, id)| *id == route.rule_item)
                        .map(|(ov, _)| *ov);
                    let shares = crate::rules::RuleChange::patch_in_order(shares, own, route.ym);
                    let below = match (below, regime) {
                        (Below::Prefecture { own_rule, .. }, Some(managed)) => {
                            Below::Prefecture { own_rule, managed }
                        }
                        (below, _) => below,
                    };
                    shared_cascade(shares, below)
                } else if let Some(managed) = regime {
                    r.cascade.managed(managed)
                } else {
                    r.cascade
                };
                if regime.is_none() && what & MEMO == 0 {
                    resplit += 1;
                }
                if regime.is_some() && what & MEMO != 0 {
                    // counted with its county's regime sums (step 3) and with its entry
                    counted_twice += 1;
                }
                if what & MEMO != 0 {
                    // the entry added this row grown and split as served: taken off
                    let in_entry = conserving(r.cascade.split(amount), key())?;
                    by_cell[r.cell as usize] += r.parts - in_entry;
                }
                conserving(cascade.split(amount), key())?
            };
            if r.projected && what & MEMO == 0 {
                abs_change += abs_change_of(&new, &r.parts);
            }
            by_cell[r.cell as usize] += new - was;
        }
        // the memo's entries: every row of their items but those of years no longer
        // projected; their rows kept from an earlier answer, or made now
        let (mut kept_rows, mut made_rows) = (0, 0);
        let through = dropped_after.unwrap_or(i32::MAX);
        for (entry, kept) in &memo {
            for &(cell, d) in &entry.cells {
                if self.cells[cell as usize].1 <= through {
                    by_cell[cell as usize] += d;
                }
            }
            for (year, &(abs, rows)) in (last + 1..).zip(&entry.per_year) {
                if year <= through {
                    abs_change += abs;
                    *(if *kept {
                        &mut kept_rows
                    } else {
                        &mut made_rows
                    }) += rows;
                }
            }
        }
        resplit += kept_rows + made_rows - counted_twice;
        if sc.projection.is_some() {
            let kept: u128 = self
                .projected_abs
                .iter()
                .filter(|(y, _)| dropped_after.is_none_or(|through| **y <= through))
                .map(|(_, abs)| abs)
                .sum();
            let abs = (kept as i128 + abs_change) as u128
                + added
                    .iter()
                    .map(|s| u128::from(s.parts.collected.unsigned_abs()))
                    .sum::<u128>();
            check_projected_total(sc, abs)?;
        }
        let mut sums = self.sums.clone();
        for (sum, d) in sums.values_mut().zip(&by_cell) {
            *sum += *d;
        }
        for s in &added {
            *sums.entry((s.key.region.clone(), s.key.year)).or_default() += s.parts;
        }
        if let Some(through) = dropped_after {
            // years no longer projected have no rows left (a full run has no sums for them)
            sums.retain(|(_, y), _| *y <= through);
        }
        let (baselines, settlement, province) =
            settle_sums(sc, &regions, tables, &sums, &projected_years)?;
        let mut checks = vec![CheckResult {
            name: "conservation per receipt split".into(),
            passed: true,
            detail: format!(
                "{resplit} monthly totals split again, each into parts adding up to it \
                 ({kept_rows} of them grown at a rate an earlier answer asked for, their sums \
                 kept from it; {made_rows} grown now, their sums kept for later answers); the \
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_to_split_are_those_that_split_again_at_every_place_of_a_word() {
        // every value of the five flags at every offset, the plan's length not a multiple
        // of eight (its last chunk short)
        for what in 0u8..32 {
            for at in 0..19 {
                let mut plan = vec![0u8; 19];
                plan[at] = what;
                // a neighbour that splits again, for a word with two hits
                plan[(at + 5) % 19] = ROUTE;
                let want: Vec<u32> = (0u32..)
                    .zip(&plan)
                    .filter(|(_, &w)| splits_again(w))
                    .map(|(i, _)| i)
                    .collect();
                assert_eq!(rows_to_split(&plan), want, "{what:#07b} at {at}");
            }
        }
        assert!(splits_again(GROW) && splits_again(ROUTE | REGIME));
        assert!(!splits_again(GROW | MEMO) && !splits_again(REGIME) && !splits_again(GROW | GONE));
        assert!(splits_again(GROW | MEMO | REGIME));
    }
}
