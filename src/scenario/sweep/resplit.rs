//! Splitting again only the receipts a sweep point changes (重新分成): an override's item
//! from its month, or every projected total when a growth rate changes. The change of each
//! such receipt is added to the base scenario's region-year sums.

use super::dense::{DenseSums, Layout};
use super::plan::{Axis, AxisKind};
use crate::error::{Error, Result};
use crate::ledger::BudgetLevel;
use crate::regions::RegionKind;
use crate::rules::{RuleChange, Shares};
use crate::scenario::projection::GrowthRate;
use crate::scenario::run::ScenarioResult;
use crate::scenario::{Projection, Scenario};
use crate::split::{shared_cascade, Below, Cascade, Parts};
use std::collections::HashMap;

/// What a base row needs to be split again under a point's values.
struct Row {
    /// Its (region, year) cell.
    cell: usize,
    /// Index of the rulebook item it resolves to, in `Resplitter::rule_items`.
    rule_item: usize,
    /// Index of its own item code, in `Resplitter::items` (for growth rates).
    item: usize,
    /// Month index (`YearMonth::index`).
    ym: i32,
    /// The base cascade.
    cascade: Cascade,
    /// The base split.
    old: Parts,
    /// For a shared receipt, the shares of the base rule in force and who stands below
    /// the province: what an override changes and [`shared_cascade`] turns into a cascade.
    shared: Option<(Shares, Below)>,
    /// For projected rows: last actual total and years ahead.
    projected_from: Option<(i64, u32)>,
}

/// The base scenario's rows that the sweep's axes can change, ready to be split again.
pub struct Resplitter {
    rows: Vec<Row>,
    /// Rulebook items: first the overridden ones (indices of `by_rule_item`), then others.
    rule_items: Vec<String>,
    items: Vec<String>,
    by_rule_item: Vec<Vec<usize>>,
    projected_rows: Vec<usize>,
    growth_prepared: bool,
    base_overrides: usize,
    base_projection: Option<Projection>,
}

fn intern(list: &mut Vec<String>, index: &mut HashMap<String, usize>, s: &str) -> usize {
    if let Some(&i) = index.get(s) {
        return i;
    }
    list.push(s.to_string());
    index.insert(s.to_string(), list.len() - 1);
    list.len() - 1
}

impl Resplitter {
    /// Prepares the rows of `base` that `axes` reach: shared receipts of every overridden
    /// item, and every projected total when an axis varies growth.
    pub fn new(base: &ScenarioResult, layout: &Layout, axes: &[Axis]) -> Result<Resplitter> {
        let override_items: Vec<&str> = axes
            .iter()
            .filter_map(|a| match &a.kind {
                AxisKind::Override { item, .. } => Some(item.as_str()),
                _ => None,
            })
            .collect();
        let growth = axes
            .iter()
            .any(|a| matches!(a.kind, AxisKind::Growth { .. }));
        let last = base.last_actual_year;
        let last_totals: HashMap<(u32, &str, &str, BudgetLevel), i64> = if growth {
            base.shares
                .iter()
                .filter(|s| s.key.year == last && !s.projected)
                .map(|s| {
                    let k = &s.key;
                    (
                        (k.month, k.region.as_str(), k.item.as_str(), k.level),
                        s.parts.collected,
                    )
                })
                .collect()
        } else {
            HashMap::new()
        };
        let mut r = Resplitter {
            rows: Vec::new(),
            rule_items: Vec::new(),
            items: Vec::new(),
            by_rule_item: Vec::new(),
            projected_rows: Vec::new(),
            growth_prepared: growth,
            base_overrides: base.scenario.overrides.len(),
            base_projection: base.scenario.projection.clone(),
        };
        if let Some(missing) = override_items.iter().find(|it| !base.rules.has_item(it)) {
            return Err(Error::Input(format!(
                "an override axis names item {missing}, which is not in the rulebook"
            )));
        }
        for axis in axes {
            if let AxisKind::Growth { prefix } = &axis.kind {
                let reaches = |s: &&crate::split::ShareRow| {
                    s.projected && (prefix == "default" || s.key.item.starts_with(prefix.as_str()))
                };
                if !base.shares.iter().any(|s| reaches(&s)) {
                    return Err(Error::Input(format!(
                        "growth axis `{}`: prefix {prefix} matches no projected receipt",
                        axis.name
                    )));
                }
            }
        }
        let (mut rule_index, mut item_index) = (HashMap::new(), HashMap::new());
        for it in &override_items {
            intern(&mut r.rule_items, &mut rule_index, it);
        }
        r.by_rule_item = vec![Vec::new(); r.rule_items.len()];
        for s in &base.shares {
            let k = &s.key;
            let shared = k.level == BudgetLevel::Shared;
            let rule_item = base
                .rules
                .item_for(&k.item)
                .map(|i| i.code.as_str())
                .unwrap_or_default();
            // overridden items are the first interned; later ones come from projected rows
            let overridden = shared
                && rule_index
                    .get(rule_item)
                    .is_some_and(|&i| i < r.by_rule_item.len());
            if !(overridden || growth && s.projected) {
                continue;
            }
            let region_ix = base
                .regions
                .index_of(&k.region)
                .ok_or_else(|| Error::Check(format!("region {} vanished", k.region)))?;
            let region = &base.regions.all()[region_ix];
            let pref = base.regions.prefecture_of(region);
            let projected_from = if s.projected {
                let total = *last_totals
                    .get(&(k.month, k.region.as_str(), k.item.as_str(), k.level))
                    .unwrap_or(&0);
                Some((total, (k.year - last) as u32))
            } else {
                None
            };
            let shared_route = if shared {
                let rule = base
                    .rules
                    .in_force(&k.item, k.ym())
                    .ok_or_else(|| Error::Check(format!("item {} has no rule in force", k.item)))?;
                let below = match (region.kind, pref) {
                    (RegionKind::County, Some(p)) => Below::Prefecture {
                        own_rule: base
                            .rules
                            .prefecture_rule_in_force(&p.code, &k.item, k.ym())
                            .map(|r| r.share),
                        managed: base.regions.is_prefecture_managed(region, k.ym()),
                    },
                    _ => Below::NoPrefecture,
                };
                Some((rule.shares(), below))
            } else {
                None
            };
            let row = Row {
                cell: layout
                    .cell(region_ix, k.year)
                    .ok_or_else(|| Error::Check("a share's year is outside the sweep".into()))?,
                rule_item: intern(&mut r.rule_items, &mut rule_index, rule_item),
                item: intern(&mut r.items, &mut item_index, &k.item),
                ym: k.ym().index(),
                cascade: crate::split::shares::cascade_of(&base.regions, &base.rules, k)?,
                old: s.parts,
                shared: shared_route,
                projected_from,
            };
            if overridden {
                r.by_rule_item[row.rule_item].push(r.rows.len());
            }
            if s.projected {
                r.projected_rows.push(r.rows.len());
            }
            r.rows.push(row);
        }
        Ok(r)
    }

    /// What a point changes in the split: the overrides it adds to the base scenario's and
    /// its projection. Points with equal keys have equal sums.
    pub fn key(&self, sc: &Scenario) -> String {
        let extra = sc.overrides.get(self.base_overrides..).unwrap_or_default();
        let growth = (sc.projection != self.base_projection).then_some(&sc.projection);
        format!("{extra:?}{growth:?}")
    }

    /// The base sums with the change of every receipt `sc` splits differently.
    pub fn sums(&self, base: &DenseSums, sc: &Scenario) -> Result<DenseSums> {
        let extra = sc.overrides.get(self.base_overrides..).unwrap_or_default();
        let growth_changed = sc.projection != self.base_projection;
        let mut sums = base.clone();
        if extra.is_empty() && !growth_changed {
            return Ok(sums);
        }
        let extra_ids = extra
            .iter()
            .map(|ov| {
                self.rule_items[..self.by_rule_item.len()]
                    .iter()
                    .position(|i| *i == ov.item)
                    .ok_or_else(|| {
                        Error::Check(format!(
                            "scenario {}: override of item {} was not prepared for the sweep",
                            sc.name, ov.item
                        ))
                    })
            })
            .collect::<Result<Vec<usize>>>()?;
        let projection = match (growth_changed, &sc.projection) {
            (true, Some(p)) if self.growth_prepared => Some(p),
            (true, _) => {
                return Err(Error::Check(format!(
                    "scenario {}: its projection differs from the sweep's base but no growth axis prepared it",
                    sc.name
                )))
            }
            _ => None,
        };
        // the rows the point changes, marked once each and walked in row order (a flag
        // per prepared row: cheaper than sorting and deduplicating their indices)
        let mut touched = vec![false; self.rows.len()];
        for (ov, &id) in extra.iter().zip(&extra_ids) {
            let from = ov.from.index();
            for &r in &self.by_rule_item[id] {
                if self.rows[r].ym >= from {
                    touched[r] = true;
                }
            }
        }
        if projection.is_some() {
            for &r in &self.projected_rows {
                touched[r] = true;
            }
        }
        let touched = (0..self.rows.len()).filter(|&r| touched[r]);
        let mut growth: Vec<Option<GrowthRate>> = vec![None; self.items.len()];
        for r in touched {
            let row = &self.rows[r];
            let c = match row.shared {
                Some((rule, below)) => {
                    // the point's overrides of the row's item, in order
                    let own = extra
                        .iter()
                        .zip(&extra_ids)
                        .filter(|(_, &id)| id == row.rule_item)
                        .map(|(ov, _)| ov);
                    shared_cascade(RuleChange::patch_in_order(rule, own, row.ym), below)
                }
                None => row.cascade,
            };
            let amount = match (row.projected_from, projection) {
                (Some((total, n)), Some(p)) => growth[row.item]
                    .get_or_insert_with(|| GrowthRate::new(p.growth_for(&self.items[row.item])))
                    .grow(total, n)
                    .map_err(Error::Input)?,
                _ => row.old.collected,
            };
            let new = c.split(amount);
            if !new.conserves() {
                return Err(Error::Check(format!(
                    "scenario {}: a split does not add up: {new:?}",
                    sc.name
                )));
            }
            sums.parts[row.cell] += new - row.old;
        }
        Ok(sums)
    }
}
