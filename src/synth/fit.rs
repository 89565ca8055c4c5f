//! Fitting the region model to published revenue (一般公共预算收入): after [`model::build`],
//! each region with a figure in [`PUBLISHED`] is scaled until the monthly totals it
//! generates meet the figure, then the prefecture propers without a figure are scaled
//! together until the province's anchor-year revenue is met. Every figure is measured on
//! the rows the generator itself emits, split by the rulebook as the engine splits them.
//!
//! - A county: collected − central − provincial parts in the figure's year; its whole
//!   model is scaled. A second published year of the same region sets a level factor from
//!   that year on ([`RegionModel::shift`]), so the earlier year stays met.
//! - A prefecture: the same over its proper and its counties; only the proper is scaled
//!   (its counties keep the model, or their own figure).
//! - The province: collected − central over every region in the anchor year.
//!
//! Figures of regions absent from the table are skipped, so other region tables get the
//! plain model and the province total only.

use super::model::{self, RegionModel};
use super::monthly::{refund_months, region_year};
use super::params::{Published, ANCHOR_YEAR, FIT_TOLERANCE, PROVINCE_2021, PUBLISHED};
use super::LedgerRow;
use crate::error::{Error, Result};
use crate::ledger::BudgetLevel;
use crate::period::YearMonth;
use crate::regions::{RegionKind, RegionTable};
use crate::rules::RuleSet;

/// Rounds of rescaling before a figure must be met (each round is exact up to rounding
/// and the clamp-free model is linear in the scale, so one or two suffice).
const ROUNDS: usize = 6;

/// The region model of `regions` for `seed`, fitted to [`PUBLISHED`] and to the province's
/// anchor-year revenue `anchor_local` fen.
pub(crate) fn fitted(
    regions: &RegionTable,
    rules: &RuleSet,
    seed: u64,
    anchor_local: i64,
) -> Result<Vec<RegionModel>> {
    fitted_to(regions, rules, seed, anchor_local, PUBLISHED)
}

/// [`fitted`] with other figures than [`PUBLISHED`] (each region's years in order).
pub(crate) fn fitted_to(
    regions: &RegionTable,
    rules: &RuleSet,
    seed: u64,
    anchor_local: i64,
    targets: &[Published],
) -> Result<Vec<RegionModel>> {
    let mut models = model::build(regions, seed, anchor_local)?;
    let mut fit = Fit {
        models: &mut models,
        regions,
        rules,
        seed,
        targets,
    };
    let present = |p: &&Published| fit.index(p.code).is_some();
    let (counties, prefectures): (Vec<&Published>, Vec<&Published>) = targets
        .iter()
        .filter(present)
        .partition(|p| fit.kind(p.code) == Some(RegionKind::County));
    for p in counties {
        fit.county(p)?;
    }
    for p in prefectures {
        fit.prefecture(p)?;
    }
    fit.province(anchor_local)?;
    Ok(models)
}

/// Which part of a region's receipts a figure counts.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Scope {
    /// Collected − central − provincial parts (a county's or prefecture's own revenue).
    Own,
    /// Collected − central part (the province's revenue, provincial parts included).
    Local,
}

/// The models being fitted and what measuring them needs.
struct Fit<'a> {
    models: &'a mut Vec<RegionModel>,
    regions: &'a RegionTable,
    rules: &'a RuleSet,
    seed: u64,
    targets: &'a [Published],
}

impl Fit<'_> {
    fn index(&self, code: &str) -> Option<usize> {
        self.models.iter().position(|m| m.code == code)
    }

    fn kind(&self, code: &str) -> Option<RegionKind> {
        self.regions.get(code).map(|r| r.kind)
    }

    /// The figure of region `ri` in `year`, fen, from the rows it generates.
    fn measure(&self, ri: usize, year: i32, scope: Scope) -> Result<i64> {
        let refunds = refund_months(self.models, self.seed, year);
        let mut rows = Vec::new();
        region_year(
            self.models,
            ri,
            self.rules,
            self.seed,
            year,
            &refunds,
            &mut rows,
        )?;
        rows.iter().map(|r| own_part(r, self.rules, scope)).sum()
    }

    /// A county: scales its model (or, for a later second year, its level from then on).
    fn county(&mut self, p: &Published) -> Result<()> {
        let ri = self.index(p.code).expect("present");
        let earlier = self
            .targets
            .iter()
            .any(|q| q.code == p.code && q.year < p.year);
        let target = p.yuan * 100;
        self.solve(
            p,
            target,
            |fit, f| {
                let m = &mut fit.models[ri];
                if earlier {
                    let (_, level) = m.shift.unwrap_or((p.year, 1.0));
                    m.shift = Some((p.year, level * f));
                } else {
                    m.rescale(f);
                }
            },
            |fit| fit.measure(ri, p.year, Scope::Own),
        )
    }

    /// A prefecture: scales its proper so that proper + counties meet the figure.
    fn prefecture(&mut self, p: &Published) -> Result<()> {
        let ri = self.index(p.code).expect("present");
        let counties: Vec<usize> = (0..self.models.len())
            .filter(|&i| {
                self.regions.get(&self.models[i].code).is_some_and(|r| {
                    r.parent.as_deref() == Some(p.code) && r.kind == RegionKind::County
                })
            })
            .collect();
        let mut from_counties = 0;
        for &i in &counties {
            from_counties += self.measure(i, p.year, Scope::Own)?;
        }
        let target = p.yuan * 100 - from_counties;
        if target <= 0 {
            return Err(Error::Input(format!(
                "published figure `{}`: its counties alone give {} fen",
                p.source, from_counties
            )));
        }
        self.solve(
            p,
            target,
            |fit, f| fit.models[ri].rescale(f),
            |fit| fit.measure(ri, p.year, Scope::Own),
        )
    }

    /// The province: scales the prefecture propers without a figure of their own.
    fn province(&mut self, anchor_local: i64) -> Result<()> {
        let targets = self.targets;
        let published = |code: &str| targets.iter().any(|p| p.code == code);
        let free: Vec<usize> = (0..self.models.len())
            .filter(|&i| {
                self.models[i].kind == RegionKind::Prefecture && !published(&self.models[i].code)
            })
            .collect();
        if free.is_empty() {
            return Ok(()); // nothing left to move: the model's own distribution stands
        }
        let mut fixed = 0;
        for i in (0..self.models.len()).filter(|i| !free.contains(i)) {
            fixed += self.measure(i, ANCHOR_YEAR, Scope::Local)?;
        }
        let target = anchor_local - fixed;
        let what = Published {
            yuan: anchor_local / 100,
            ..PROVINCE_2021
        };
        if target <= 0 {
            return Err(Error::Input(format!(
                "{}: the regions with published figures alone give {fixed} fen",
                what.source
            )));
        }
        self.solve(
            &what,
            target,
            |fit, f| free.iter().for_each(|&i| fit.models[i].rescale(f)),
            |fit| {
                free.iter()
                    .map(|&i| fit.measure(i, ANCHOR_YEAR, Scope::Local))
                    .sum()
            },
        )
    }

    /// Rescales by `target / measured` until the measure is within [`FIT_TOLERANCE`].
    fn solve(
        &mut self,
        p: &Published,
        target: i64,
        mut apply: impl FnMut(&mut Self, f64),
        measure: impl Fn(&Self) -> Result<i64>,
    ) -> Result<()> {
        for _ in 0..ROUNDS {
            let got = measure(self)?;
            if got <= 0 {
                return Err(Error::Input(format!(
                    "published figure `{}` cannot be fitted: the model gives {got} fen",
                    p.source
                )));
            }
            if ((got - target) as f64).abs() <= FIT_TOLERANCE * target as f64 {
                return Ok(());
            }
            apply(self, target as f64 / got as f64);
        }
        Err(Error::Input(format!(
            "published figure `{}` not met after {ROUNDS} rounds",
            p.source
        )))
    }
}

/// A published figure and what a ledger gives for it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PublishedCheck {
    /// The figure, with its source.
    pub figure: Published,
    /// What the ledger gives, fen (same definition as the figure).
    pub measured: i64,
}

/// Measures on `rows` every figure of [`PUBLISHED`] whose region is in `regions`, and
/// [`PROVINCE_2021`] when the table's province is Henan's: a county's collected − central −
/// provincial parts, a prefecture's over its proper and counties, the province's collected
/// − central over every region.
pub fn published(
    rows: &[LedgerRow],
    regions: &RegionTable,
    rules: &RuleSet,
) -> Result<Vec<PublishedCheck>> {
    let mut out = Vec::new();
    for p in std::iter::once(&PROVINCE_2021).chain(PUBLISHED) {
        let Some(kind) = regions.get(p.code).map(|r| r.kind) else {
            continue;
        };
        let scope = if kind == RegionKind::Province {
            Scope::Local
        } else {
            Scope::Own
        };
        let counts = |code: &str| match kind {
            RegionKind::Province => true,
            RegionKind::County => code == p.code,
            RegionKind::Prefecture => {
                code == p.code
                    || regions
                        .get(code)
                        .is_some_and(|r| r.parent.as_deref() == Some(p.code))
            }
        };
        let mut measured = 0;
        for r in rows
            .iter()
            .filter(|r| r.fiscal_year == p.year && counts(&r.region_code))
        {
            measured += own_part(r, rules, scope)?;
        }
        out.push(PublishedCheck {
            figure: *p,
            measured,
        });
    }
    Ok(out)
}

/// A row's part in a figure: collected less the central part, and in [`Scope::Own`] less
/// the provincial part too (a `province`-level row counts only in [`Scope::Local`]).
fn own_part(r: &LedgerRow, rules: &RuleSet, scope: Scope) -> Result<i64> {
    Ok(match r.budget_level {
        BudgetLevel::Central => 0,
        BudgetLevel::Province if scope == Scope::Own => 0,
        BudgetLevel::Shared => {
            let ym = YearMonth::new(r.fiscal_year, r.month).map_err(Error::Input)?;
            let rule = rules.in_force(&r.item_code, ym).ok_or_else(|| {
                Error::Input(format!(
                    "shared row {} {} {ym}: no rule in force",
                    r.region_code, r.item_code
                ))
            })?;
            let local = r.amount - rule.central.apply(r.amount);
            match scope {
                Scope::Own => local - rule.province.apply(local),
                Scope::Local => local,
            }
        }
        _ => r.amount,
    })
}
