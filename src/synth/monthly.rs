//! Monthly totals (月度汇总): one ledger row per year × month × region × item × budget level,
//! the granularity of `--granularity monthly`. Each stream of the region model is spread
//! over the months by the year's growth factor and seasonality with ±12 % noise; VAT gets
//! the 2022 refunds (留抵退税) in April–July and a few net-refund county-months every year.

use super::fit;
use super::model::{self, Basis, RegionModel, Stream};
use super::params::{self, *};
use super::{noise, rng_for, scale, LedgerRow, Purpose};
use crate::error::{Error, Result};
use crate::ledger::BudgetLevel;
use crate::money::{format_yuan, round_div, PPM};
use crate::period::YearMonth;
use crate::regions::{RegionKind, RegionTable};
use crate::rules::RuleSet;
use rand::Rng;
use std::collections::{BTreeMap, BTreeSet};
use std::io::Write;
use std::ops::RangeInclusive;
use std::path::{Path, PathBuf};

/// Options of [`monthly`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MonthlyOptions {
    /// Fiscal years to generate (default 2019–2024).
    pub years: RangeInclusive<i32>,
    /// Seed: the same seed gives the same rows (default 2022, the seed of the shipped
    /// `datasets/henan/ledger`).
    pub seed: u64,
    /// Province local revenue (地方一般公共预算收入) in the anchor year 2021, fen
    /// (default [`PROVINCE_LOCAL_2021_YUAN`] × 100).
    pub anchor_local_fen: i64,
}

impl Default for MonthlyOptions {
    fn default() -> Self {
        MonthlyOptions {
            years: 2019..=2024,
            seed: 2022,
            anchor_local_fen: PROVINCE_LOCAL_2021_YUAN * 100,
        }
    }
}

/// Generates monthly totals for every county and prefecture proper of `regions` (never the
/// province), items and rates from `rules`, sorted by year, month, region, item, level.
/// A `shared` row is emitted only where `rules` has a rule in force for its item and month.
pub fn monthly(
    regions: &RegionTable,
    rules: &RuleSet,
    opts: &MonthlyOptions,
) -> Result<Vec<LedgerRow>> {
    model::check_years(&opts.years)?;
    let models = fit::fitted(regions, rules, opts.seed, opts.anchor_local_fen)?;
    let mut rows = Vec::new();
    for year in opts.years.clone() {
        let refunds = refund_months(&models, opts.seed, year);
        for ri in 0..models.len() {
            region_year(&models, ri, rules, opts.seed, year, &refunds, &mut rows)?;
        }
    }
    rows.sort();
    Ok(rows)
}

/// Appends the monthly totals of one region (`models[ri]`) in one year to `rows`;
/// `refunds` are the year's net-refund county-months ([`refund_months`]).
pub(crate) fn region_year(
    models: &[RegionModel],
    ri: usize,
    rules: &RuleSet,
    seed: u64,
    year: i32,
    refunds: &BTreeSet<(usize, u32)>,
    rows: &mut Vec<LedgerRow>,
) -> Result<()> {
    let m = &models[ri];
    let season = params::season(year);
    let mut rng = rng_for(seed, Purpose::Month, &[m.key, year as u64]);
    for s in &m.streams {
        let ctx = Ctx {
            rules,
            model: m,
            year,
            season: &season,
            net_refund: refunds,
            ri,
        };
        ctx.emit(s, &mut rng, rows)?;
    }
    Ok(())
}

/// The county-months of `year` whose VAT total is a net refund (indices into `models`).
pub(crate) fn refund_months(
    models: &[RegionModel],
    seed: u64,
    year: i32,
) -> BTreeSet<(usize, u32)> {
    let mut rng = rng_for(seed, Purpose::RefundMonths, &[year as u64]);
    let counties: Vec<usize> = (0..models.len())
        .filter(|&i| models[i].kind == RegionKind::County)
        .collect();
    let pool = if counties.is_empty() {
        (0..models.len()).collect()
    } else {
        counties
    };
    (0..REFUND_MONTHS_PER_YEAR)
        .map(|_| {
            (
                pool[rng.random_range(0..pool.len())],
                rng.random_range(1..=12u32),
            )
        })
        .collect()
}

struct Ctx<'a> {
    rules: &'a RuleSet,
    model: &'a RegionModel,
    year: i32,
    season: &'a [f64; 12],
    net_refund: &'a BTreeSet<(usize, u32)>,
    ri: usize,
}

impl Ctx<'_> {
    fn emit(&self, s: &Stream, rng: &mut impl Rng, rows: &mut Vec<LedgerRow>) -> Result<()> {
        let factor = year_factor(growth_of(s.item), self.year) * self.model.level(self.year);
        let vat = s.item == "10101" && s.level == BudgetLevel::Shared;
        let (refund_share, refund_sd, refund_split) = VAT_REFUND_2022;
        let refund = if vat && self.year == 2022 {
            scale(s.annual, refund_share * noise(rng, refund_sd))
        } else {
            0
        };
        for month in 1..=12u32 {
            // Both draws are made every month, so skipped months do not shift later ones.
            let draw = noise(rng, MONTH_NOISE_SD);
            let depth = 0.2 + 0.6 * rng.random::<f64>();
            let ym = YearMonth::new(self.year, month).map_err(Error::Input)?;
            let mut base = scale(
                s.annual,
                factor * self.season[month as usize - 1] / 12.0 * draw,
            );
            if (4..=7).contains(&month) {
                base -= scale(refund, refund_split[month as usize - 4]);
            }
            if vat && self.net_refund.contains(&(self.ri, month)) {
                base = -scale(base.abs(), depth);
            }
            let business_tax = vat && self.rules.in_force("10103", ym).is_some();
            let bt = if business_tax {
                scale(base, BUSINESS_TAX_SHARE)
            } else {
                0
            };
            for (item, value) in [(s.item, base - bt), ("10103", bt)] {
                if value == 0 {
                    continue;
                }
                let Some(rule) = self.rules.in_force(item, ym) else {
                    continue;
                };
                let amount = match (s.level, s.basis) {
                    (BudgetLevel::Shared, Basis::Local) => {
                        let c = rule.central.ppm() as i128;
                        if c >= PPM as i128 {
                            continue;
                        }
                        round_div(value as i128 * PPM as i128, PPM as i128 - c) as i64
                    }
                    _ => value,
                };
                rows.push(LedgerRow {
                    fiscal_year: self.year,
                    month,
                    region_code: self.model.code.clone(),
                    item_code: item.to_string(),
                    budget_level: s.level,
                    amount,
                });
            }
        }
        Ok(())
    }
}

/// Writes rows as one CSV per fiscal year, `dir/<year>.csv` (columns `fiscal_year,month,
/// region_code,item_code,budget_level,amount`, amounts in yuan with 2 decimals), sorted;
/// creates `dir` if needed and returns the files written, by year.
pub fn write_monthly_csv(rows: &[LedgerRow], dir: &Path) -> Result<Vec<PathBuf>> {
    std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    let mut by_year: BTreeMap<i32, Vec<&LedgerRow>> = BTreeMap::new();
    for r in rows {
        by_year.entry(r.fiscal_year).or_default().push(r);
    }
    let mut files = Vec::new();
    for (year, mut rows) in by_year {
        rows.sort();
        let path = dir.join(format!("{year}.csv"));
        let file = std::fs::File::create(&path).map_err(|e| Error::io(&path, e))?;
        let mut w = std::io::BufWriter::new(file);
        let io = |e| Error::io(&path, e);
        writeln!(
            w,
            "fiscal_year,month,region_code,item_code,budget_level,amount"
        )
        .map_err(io)?;
        for r in rows {
            writeln!(
                w,
                "{},{},{},{},{},{}",
                r.fiscal_year,
                r.month,
                r.region_code,
                r.item_code,
                r.budget_level,
                format_yuan(r.amount)
            )
            .map_err(io)?;
        }
        w.flush().map_err(io)?;
        files.push(path);
    }
    Ok(files)
}
