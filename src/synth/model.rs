//! The region model both generators draw from: each county and prefecture proper gets an
//! anchor-year local revenue (地方收入) and a list of streams — (item code, budget level,
//! annual amount) — that add up to it, plus central-level streams that are not local revenue.

use super::params::*;
use super::{code_key, noise, rng_for, scale, Purpose};
use crate::error::{Error, Result};
use crate::ledger::BudgetLevel;
use crate::period::{FIRST_YEAR, LAST_YEAR};
use crate::regions::{Region, RegionKind, RegionTable};
use rand::seq::SliceRandom;
use rand_chacha::ChaCha8Rng;
use std::ops::RangeInclusive;

/// What a stream's annual amount measures.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Basis {
    /// Local revenue: a shared row's amount is grossed up by the central share in force.
    Local,
    /// The amount collected (central-level rows, items shared 100 % to the centre).
    Collected,
}

/// One (item, level) of a region with its anchor-year amount in fen.
#[derive(Clone, Debug)]
pub(crate) struct Stream {
    pub item: &'static str,
    pub level: BudgetLevel,
    pub basis: Basis,
    pub annual: i64,
}

/// One county or prefecture proper.
#[derive(Clone, Debug)]
pub(crate) struct RegionModel {
    pub code: String,
    pub key: u64,
    pub kind: RegionKind,
    pub streams: Vec<Stream>,
    /// From this year on every amount is multiplied by the factor (set by the fit when a
    /// region has a published figure for a second year).
    pub shift: Option<(i32, f64)>,
}

impl RegionModel {
    /// The region's own level factor in `year` (1 unless a shift applies).
    pub fn level(&self, year: i32) -> f64 {
        match self.shift {
            Some((from, f)) if year >= from => f,
            _ => 1.0,
        }
    }

    /// Multiplies every stream's anchor-year amount by `f`.
    pub fn rescale(&mut self, f: f64) {
        self.streams
            .iter_mut()
            .for_each(|s| s.annual = scale(s.annual, f));
    }
}

/// Extras a region was picked for.
#[derive(Clone, Copy, Debug, Default)]
struct Extras {
    central_cit: bool,
    prefecture_enterprise: Option<&'static str>,
    province_level: bool,
    consumption: bool,
    vehicle_purchase: bool,
}

/// Checks a year range: not empty, every year within 1994–2100.
pub(crate) fn check_years(years: &RangeInclusive<i32>) -> Result<()> {
    if years.is_empty() {
        return Err(Error::Input(format!(
            "empty year range {}–{}",
            years.start(),
            years.end()
        )));
    }
    if *years.start() < FIRST_YEAR || *years.end() > LAST_YEAR {
        return Err(Error::Input(format!(
            "years {}–{} must lie within {FIRST_YEAR}–{LAST_YEAR}",
            years.start(),
            years.end()
        )));
    }
    Ok(())
}

fn lookup(table: &[(&str, f64)], code: &str) -> f64 {
    table
        .iter()
        .find(|(c, _)| *c == code)
        .map_or(1.0, |&(_, f)| f)
}

fn pick(rng: &mut ChaCha8Rng, pool: &[usize], n: usize) -> Vec<usize> {
    let mut v = pool.to_vec();
    v.shuffle(rng);
    v.truncate(n);
    v
}

/// Splits `total` fen by weights; the rounding remainder goes to the first largest weight,
/// so the parts add up to `total` exactly.
fn distribute(total: i64, weights: &[f64]) -> Vec<i64> {
    let sum: f64 = weights.iter().sum();
    if sum <= 0.0 {
        return vec![0; weights.len()];
    }
    let mut parts: Vec<i64> = weights.iter().map(|w| scale(total, w / sum)).collect();
    let rest = total - parts.iter().sum::<i64>();
    let big = (0..weights.len()).fold(0, |b, i| if weights[i] > weights[b] { i } else { b });
    parts[big] += rest;
    parts
}

/// Builds the model of every county and prefecture proper of `regions` (never the province)
/// for `seed`, with the province's anchor-year local revenue `anchor_local` fen.
pub(crate) fn build(
    regions: &RegionTable,
    seed: u64,
    anchor_local: i64,
) -> Result<Vec<RegionModel>> {
    if anchor_local <= 0 || anchor_local > crate::money::MAX_FEN {
        return Err(Error::Input(
            "the anchor-year local revenue must lie between 0 and 10^12 yuan".into(),
        ));
    }
    let list: Vec<&Region> = regions
        .all()
        .iter()
        .filter(|r| r.kind != RegionKind::Province)
        .collect();
    if list.is_empty() {
        return Err(Error::Input(
            "the region table has no county or prefecture to generate revenue for".into(),
        ));
    }
    let is_county = |i: &usize| list[*i].kind == RegionKind::County;
    let all: Vec<usize> = (0..list.len()).collect();
    let counties: Vec<usize> = all.iter().copied().filter(is_county).collect();
    let prefectures: Vec<usize> = all.iter().copied().filter(|i| !is_county(i)).collect();

    // Extras, from one structural generator.
    let mut extras = vec![Extras::default(); list.len()];
    let mut srng = rng_for(seed, Purpose::Structure, &[]);
    for i in pick(&mut srng, &counties, CENTRAL_CIT_COUNTIES) {
        extras[i].central_cit = true;
    }
    let managed: Vec<usize> = counties
        .iter()
        .copied()
        .filter(|&i| regions.prefecture_of(list[i]).is_some())
        .collect();
    for (n, i) in pick(&mut srng, &managed, PREFECTURE_ENTERPRISE_COUNTIES)
        .into_iter()
        .enumerate()
    {
        extras[i].prefecture_enterprise = Some(if n % 2 == 0 { "10104" } else { "10101" });
    }
    let capital = all
        .iter()
        .copied()
        .find(|&i| list[i].code == PROVINCE_CAPITAL);
    let others: Vec<usize> = all
        .iter()
        .copied()
        .filter(|&i| Some(i) != capital)
        .collect();
    for i in pick(&mut srng, &others, PROVINCE_LEVEL_REGIONS)
        .into_iter()
        .chain(capital)
    {
        extras[i].province_level = true;
    }
    for i in pick(&mut srng, &counties, CONSUMPTION_COUNTIES) {
        extras[i].consumption = true;
    }
    for i in pick(&mut srng, &counties, VEHICLE_PURCHASE_COUNTIES) {
        extras[i].vehicle_purchase = true;
    }
    for &i in &prefectures {
        extras[i].consumption = true;
        extras[i].vehicle_purchase = true;
    }

    // Anchor-year local revenue: counties by population, prefectures share the rest.
    let mut rngs: Vec<ChaCha8Rng> = list
        .iter()
        .map(|r| rng_for(seed, Purpose::Region, &[code_key(&r.code)]))
        .collect();
    let mut pops: Vec<u64> = counties.iter().map(|&i| list[i].population).collect();
    pops.sort_unstable();
    let median = pops.get(pops.len() / 2).copied().unwrap_or(1).max(1) as f64;
    let mut local = vec![0i64; list.len()];
    let mut weight = vec![0f64; list.len()];
    for i in 0..list.len() {
        let r = list[i];
        if r.kind == RegionKind::County {
            let f = (r.population as f64 / median).sqrt() * noise(&mut rngs[i], COUNTY_NOISE_SD);
            let v = scale(
                COUNTY_TYPICAL_YUAN * 100,
                f * lookup(COUNTY_MULTIPLIERS, &r.code),
            );
            local[i] = v.clamp(COUNTY_MIN_YUAN * 100, COUNTY_MAX_YUAN * 100);
        } else {
            let f =
                lookup(PREFECTURE_PER_CAPITA, &r.code) * noise(&mut rngs[i], PREFECTURE_NOISE_SD);
            weight[i] = r.population as f64 * f;
        }
    }
    let county_total: i64 = counties.iter().map(|&i| local[i]).sum();
    let cap = if prefectures.is_empty() {
        anchor_local
    } else {
        scale(anchor_local, COUNTIES_MAX_SHARE)
    };
    if county_total > cap || prefectures.is_empty() {
        let f = cap as f64 / county_total as f64;
        counties.iter().for_each(|&i| local[i] = scale(local[i], f));
    }
    let rest = anchor_local - counties.iter().map(|&i| local[i]).sum::<i64>();
    let weights: Vec<f64> = prefectures.iter().map(|&i| weight[i]).collect();
    let equal = weights.iter().sum::<f64>() <= 0.0;
    let weights = if equal {
        vec![1.0; weights.len()]
    } else {
        weights
    };
    for (&i, v) in prefectures.iter().zip(distribute(rest, &weights)) {
        local[i] = v;
    }

    let models = (0..list.len())
        .map(|i| RegionModel {
            code: list[i].code.clone(),
            key: code_key(&list[i].code),
            kind: list[i].kind,
            streams: streams(list[i], local[i], extras[i], &mut rngs[i]),
            shift: None,
        })
        .collect();
    Ok(models)
}

/// The streams of one region with anchor-year local revenue `local` fen.
fn streams(r: &Region, local: i64, ex: Extras, rng: &mut ChaCha8Rng) -> Vec<Stream> {
    let county = r.kind == RegionKind::County;
    let tax_share = (TAX_SHARE + noise(rng, TAX_SHARE_SD) - 1.0).clamp(0.5, 0.8);
    let tax = scale(local, tax_share);
    let non_tax = local - tax;
    let has = |code: &str| match code {
        "10107" => RESOURCE_REGIONS.contains(&r.code.as_str()),
        "10120" => TOBACCO_COUNTIES.contains(&r.code.as_str()),
        _ => true,
    };
    let tax_w: Vec<f64> = TAX_MIX
        .iter()
        .map(|&(c, _, w)| w * noise(rng, MIX_NOISE_SD) * if has(c) { 1.0 } else { 0.0 })
        .collect();
    let non_tax_w: Vec<f64> = NON_TAX_MIX
        .iter()
        .map(|&(_, _, w)| w * noise(rng, MIX_NOISE_SD))
        .collect();
    let mut taxes: Vec<(&'static str, i64)> = TAX_MIX
        .iter()
        .map(|t| t.0)
        .zip(distribute(tax, &tax_w))
        .collect();

    let mut out = Vec::new();
    let fixed = |item, level, annual| Stream {
        item,
        level,
        basis: Basis::Local,
        annual,
    };
    let central = |item, annual| Stream {
        item,
        level: BudgetLevel::Central,
        basis: Basis::Collected,
        annual,
    };
    if ex.province_level {
        for item in ["10104", "10101"] {
            if let Some(t) = taxes.iter_mut().find(|t| t.0 == item) {
                let moved = scale(t.1, PROVINCE_LEVEL_SHARE);
                t.1 -= moved;
                out.push(fixed(item, BudgetLevel::Province, moved));
            }
        }
    }
    if let Some(item) = ex.prefecture_enterprise {
        if let Some(t) = taxes.iter_mut().find(|t| t.0 == item) {
            let moved = scale(t.1, PREFECTURE_ENTERPRISE_SHARE);
            t.1 -= moved;
            out.push(fixed(item, BudgetLevel::Prefecture, moved));
        }
    }
    let cit = taxes.iter().find(|t| t.0 == "10104").map_or(0, |t| t.1);
    out.extend(
        taxes
            .iter()
            .map(|&(item, annual)| fixed(item, BudgetLevel::Shared, annual)),
    );
    if ex.central_cit {
        out.push(central("10104", scale(cit, CENTRAL_CIT_SHARE)));
    }
    let by_kind = |(p, c): (f64, f64)| if county { c } else { p };
    if ex.consumption {
        out.push(central("10102", scale(tax, by_kind(CONSUMPTION_SHARE))));
    }
    if ex.vehicle_purchase {
        out.push(central(
            "10116",
            scale(tax, by_kind(VEHICLE_PURCHASE_SHARE)),
        ));
    }
    if r.code == SECURITIES_STAMP.0 {
        let annual = scale(tax, SECURITIES_STAMP.1);
        out.push(Stream {
            item: "1011102",
            level: BudgetLevel::Shared,
            basis: Basis::Collected,
            annual,
        });
    }
    let level = if county {
        BudgetLevel::County
    } else {
        BudgetLevel::Prefecture
    };
    let parts = distribute(non_tax, &non_tax_w);
    out.extend(
        NON_TAX_MIX
            .iter()
            .zip(parts)
            .map(|(&(item, _, _), annual)| fixed(item, level, annual)),
    );
    out.retain(|s| s.annual > 0);
    out
}
