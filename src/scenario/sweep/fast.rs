//! Fast evaluation of sweep points. A point differs from the sweep's base scenario only by
//! its axis values, so only the receipts those values touch are split again — an item's
//! shared receipts from an override's month, or the projected totals when a growth rate
//! changes — and their change is added to the base's per region-year sums. Baselines,
//! statements and the comparison are then rebuilt from the sums. `tests/sweep.rs` checks
//! that this equals a full run of the same scenario, to the fen.

use super::plan::Point;
use crate::baseline::{compute_baselines, BaselineInputs, FixedBase};
use crate::error::{Error, Result};
use crate::money::round_decimal_fen;
use crate::regions::RegionKind;
use crate::scenario::compare::{compare_statements, SummaryRow};
use crate::scenario::run::ScenarioResult;
use crate::settlement::{settle, verify_statements, ProvinceRow, SettlementInputs, SettlementRow};
use crate::split::{Cascade, Parts};
use crate::tables::{self, AmountTable};
use rust_decimal::Decimal;
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// What a base row needs to be split again under a point's values.
struct Row {
    /// Index in the base result's shares.
    share: usize,
    /// Index of its (region, year) in `Evaluator::cells`.
    cell: usize,
    /// The rulebook item code the row's item resolves to.
    rule_item: String,
    /// Month index (`YearMonth::index`).
    ym: i32,
    /// The base cascade.
    cascade: Cascade,
    /// Shared receipt (rules apply).
    shared: bool,
    /// County with a prefecture whose own rule is not in force (default prefecture share applies).
    default_prefecture_share: bool,
    /// County prefecture-managed in that month.
    managed: bool,
    /// For projected rows: last actual total and years ahead.
    projected_from: Option<(i64, i64)>,
}

/// Evaluates grid points against a reference.
pub struct Evaluator<'a> {
    base: &'a ScenarioResult,
    reference: &'a ScenarioResult,
    rows: Vec<Row>,
    by_item: HashMap<String, Vec<usize>>,
    projected_rows: Vec<usize>,
    sums: BTreeMap<(String, i32), Parts>,
    cells: Vec<(String, i32)>,
    projected_years: BTreeSet<i32>,
    subsidies: AmountTable,
    rebates: AmountTable,
    transfers: AmountTable,
    fixed_bases: BTreeMap<String, FixedBase>,
}

/// What one point produced.
pub struct PointResult {
    /// Statements.
    pub settlement: Vec<SettlementRow>,
    /// Province roll-up.
    pub province: Vec<ProvinceRow>,
    /// Summary against the reference, per year.
    pub summary: Vec<SummaryRow>,
}

impl<'a> Evaluator<'a> {
    /// Prepares the rows of `base` (the sweep's scenario, fully run) for re-splitting.
    pub fn new(base: &'a ScenarioResult, reference: &'a ScenarioResult) -> Result<Evaluator<'a>> {
        let (sums, projected_years) = crate::settlement::region_years(&base.shares);
        let cells: Vec<(String, i32)> = sums.keys().cloned().collect();
        let last = base.last_actual_year;
        let last_totals: HashMap<(u32, &str, &str, crate::ledger::BudgetLevel), i64> = base
            .shares
            .iter()
            .filter(|s| s.key.year == last && !s.projected)
            .map(|s| {
                (
                    (
                        s.key.month,
                        s.key.region.as_str(),
                        s.key.item.as_str(),
                        s.key.level,
                    ),
                    s.parts.collected,
                )
            })
            .collect();
        let mut rows = Vec::new();
        let mut by_item: HashMap<String, Vec<usize>> = HashMap::new();
        let mut projected_rows = Vec::new();
        for (i, s) in base.shares.iter().enumerate() {
            let shared = s.key.level == crate::ledger::BudgetLevel::Shared;
            if !shared && !s.projected {
                continue;
            }
            let k = &s.key;
            let region = base
                .regions
                .get(&k.region)
                .ok_or_else(|| Error::Check(format!("region {} vanished", k.region)))?;
            let pref = base.regions.prefecture_of(region);
            let cascade = crate::split::shares::cascade_of(&base.regions, &base.rules, k)?;
            let projected_from = if s.projected {
                let total = *last_totals
                    .get(&(k.month, k.region.as_str(), k.item.as_str(), k.level))
                    .unwrap_or(&0);
                Some((total, (k.year - last) as i64))
            } else {
                None
            };
            let row = Row {
                share: i,
                cell: cells
                    .binary_search(&(k.region.clone(), k.year))
                    .map_err(|_| Error::Check("region-year missing from the sums".into()))?,
                rule_item: base
                    .rules
                    .item_for(&k.item)
                    .map(|r| r.code.clone())
                    .unwrap_or_default(),
                ym: k.ym().index(),
                cascade,
                shared,
                default_prefecture_share: region.kind == RegionKind::County
                    && pref.is_some_and(|p| {
                        base.rules
                            .prefecture_rule_in_force(&p.code, &k.item, k.ym())
                            .is_none()
                    }),
                managed: base.regions.is_prefecture_managed(region, k.ym()),
                projected_from,
            };
            if shared {
                by_item
                    .entry(row.rule_item.clone())
                    .or_default()
                    .push(rows.len());
            }
            if s.projected {
                projected_rows.push(rows.len());
            }
            rows.push(row);
        }
        let sc = &base.scenario;
        let load = |p: &Option<std::path::PathBuf>,
                    f: fn(
            &std::path::Path,
            &crate::regions::RegionTable,
        ) -> Result<AmountTable>| {
            p.as_deref()
                .map(|p| f(p, &base.regions))
                .transpose()
                .map(Option::unwrap_or_default)
        };
        Ok(Evaluator {
            base,
            reference,
            rows,
            by_item,
            projected_rows,
            sums,
            cells,
            projected_years,
            subsidies: load(&sc.subsidies, tables::load_subsidies)?,
            rebates: load(&sc.rebates, tables::load_amounts)?,
            transfers: load(&sc.transfers, tables::load_amounts)?,
            fixed_bases: sc
                .bases
                .as_deref()
                .map(|p| tables::load_bases(p, &base.regions))
                .transpose()?
                .unwrap_or_default(),
        })
    }

    /// Evaluates one point (its scenario must be the base scenario plus its axis values).
    pub fn evaluate(&self, point: &Point) -> Result<PointResult> {
        let sc = &point.scenario;
        let extra = sc
            .overrides
            .get(self.base.scenario.overrides.len()..)
            .unwrap_or_default();
        let growth_changed = sc.projection != self.base.scenario.projection;
        let mut touched: Vec<usize> = Vec::new();
        for ov in extra {
            let ym = ov.from.index();
            touched.extend(
                self.by_item
                    .get(&ov.item)
                    .into_iter()
                    .flatten()
                    .filter(|&&r| self.rows[r].ym >= ym),
            );
        }
        if growth_changed {
            touched.extend(&self.projected_rows);
        }
        touched.sort_unstable();
        touched.dedup();
        let mut delta = vec![Parts::default(); self.cells.len()];
        for &r in &touched {
            let row = &self.rows[r];
            let old = self.base.shares[row.share].parts;
            let mut c = row.cascade;
            if row.shared {
                for ov in extra
                    .iter()
                    .filter(|o| o.item == row.rule_item && row.ym >= o.from.index())
                {
                    c.central = ov.central.unwrap_or(c.central);
                    c.province = ov.province.unwrap_or(c.province);
                    if let (Some(f), true) = (ov.prefecture, row.default_prefecture_share) {
                        c.prefecture_if_managed = f;
                        c.prefecture = if row.managed {
                            f
                        } else {
                            crate::money::Rate::ZERO
                        };
                    }
                }
            }
            let amount = match (row.projected_from, &sc.projection) {
                (Some((total, n)), Some(p)) if growth_changed => {
                    let g = Decimal::ONE + p.growth_for(&self.base.shares[row.share].key.item);
                    let mut f = Decimal::ONE;
                    for _ in 0..n {
                        f = f
                            .checked_mul(g)
                            .ok_or_else(|| Error::Input("projection overflows".into()))?;
                    }
                    round_decimal_fen(Decimal::from(total) * f).map_err(Error::Input)?
                }
                _ => old.collected,
            };
            let new = c.split(amount);
            if !new.conserves() {
                return Err(Error::Check(format!(
                    "sweep point {}: split does not add up",
                    point.index
                )));
            }
            delta[row.cell] += new - old;
        }
        let mut sums = self.sums.clone();
        for (cell, d) in self.cells.iter().zip(&delta) {
            if *d != Parts::default() {
                if let Some(s) = sums.get_mut(cell) {
                    *s += *d;
                }
            }
        }
        let baselines = compute_baselines(&BaselineInputs {
            regions: &self.base.regions,
            county_years: &sums,
            subsidies: &self.subsidies,
            fixed_bases: &self.fixed_bases,
            base_years: sc.base_years.as_deref(),
            indexation: sc.indexation,
            years: &sc.years,
        })?;
        let (settlement, province) = settle(&SettlementInputs {
            regions: &self.base.regions,
            sums: &sums,
            projected: &self.projected_years,
            baselines: &baselines,
            rebates: &self.rebates,
            transfers: &self.transfers,
            years: &sc.years,
        });
        if let Some(failed) = verify_statements(&settlement, &province)
            .into_iter()
            .find(|c| !c.passed)
        {
            return Err(Error::Check(format!(
                "sweep point {}: {}: {}",
                point.index, failed.name, failed.detail
            )));
        }
        let (_, summary) = compare_statements(self.reference, &sc.name, &settlement, &province);
        Ok(PointResult {
            settlement,
            province,
            summary,
        })
    }
}
