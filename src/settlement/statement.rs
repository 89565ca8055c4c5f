//! The annual settlement statement (年终结算) of every county and prefecture, and the
//! province's roll-up: revenue by level, regime base flows, rebates, transfers and
//! available fiscal resources (可用财力), also per resident.

use super::flows::{balance_due, per_capita, subsidy_for_months};
use super::kernel::{year_flows, Own, Unit};
use crate::baseline::BaselineRow;
use crate::regions::{RegionKind, RegionTable};
use crate::split::{Parts, ShareRow};
use crate::tables::{annual_subsidy_of, AmountTable, ByRegion};
use std::collections::{BTreeMap, BTreeSet};

/// Regime of a county in a year.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Regime {
    /// 市管县 all year.
    Prefecture,
    /// 省直管 all year, switched in an earlier year.
    Direct,
    /// Became province-direct this year.
    Switched,
}

impl Regime {
    /// Name in the `settlement` table.
    pub fn as_str(self) -> &'static str {
        match self {
            Regime::Prefecture => "prefecture",
            Regime::Direct => "direct",
            Regime::Switched => "switched",
        }
    }
}

/// One statement: a region in a year.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SettlementRow {
    /// Fiscal year.
    pub year: i32,
    /// Region code.
    pub region: String,
    /// Prefecture or county.
    pub kind: RegionKind,
    /// The county's prefecture, or the prefecture itself; empty for a county with none.
    pub prefecture_code: String,
    /// County regime; `None` for a prefecture.
    pub regime: Option<Regime>,
    /// Revenue collected and where it went.
    pub parts: Parts,
    /// For a prefecture: Σ `to_prefecture` of its counties (市级分享收入).
    pub from_counties: i64,
    /// 体制上解: base paid (county: positive due; prefecture: its counties' negative dues).
    pub base_paid: i64,
    /// 体制补助: base received (prefecture: its counties' positive dues; county: a negative due).
    pub base_received: i64,
    /// 返还性收入 (input).
    pub rebates: i64,
    /// 转移支付 (input).
    pub transfers: i64,
    /// 市对县补助 paid: a prefecture's subsidies to its prefecture-managed counties.
    pub subsidy_paid: i64,
    /// 市对县补助 received: a county's subsidy from its prefecture while managed.
    pub subsidy_received: i64,
    /// 可用财力 = retained + from_counties + rebates + transfers − base_paid + base_received
    /// − subsidy_paid + subsidy_received ([`Flows::available`]).
    pub available: i64,
    /// The 专项 part of `transfers` (专项转移支付).
    pub transfers_special: i64,
    /// 专项上解 (input).
    pub special_remit: i64,
    /// 结算补助 (positive) or 结算上解 (negative) (input).
    pub adjustment: i64,
    /// available − transfers_special (可用财力, 不含专项).
    pub disposable: i64,
    /// 已预拨: paid out to the region during the year (input).
    pub advances: i64,
    /// 应补(扣) = the statement's net with the levels above less the advances
    /// ([`Flows::statement_net`], [`balance_due`]).
    pub balance_due: i64,
    /// Residents.
    pub population: u64,
    /// round(available / population) in fen; `None` when population is 0.
    pub available_per_capita: Option<i64>,
    /// The year is projected, not actual.
    pub projected: bool,
}

/// The province's roll-up of one year.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProvinceRow {
    /// Fiscal year.
    pub year: i32,
    /// Everything collected in the province.
    pub collected: i64,
    /// 上划中央.
    pub to_central: i64,
    /// 上划省级 (the province's own revenue from the split).
    pub to_province: i64,
    /// Σ available of prefectures.
    pub prefectures_available: i64,
    /// Σ available of counties.
    pub counties_available: i64,
    /// Net regime base passing through the province from counties to prefectures.
    pub base_flow: i64,
    /// The year is projected.
    pub projected: bool,
}

/// Inputs of the settlement beyond the split.
pub struct SettlementInputs<'a> {
    /// Regions with the scenario's switch dates.
    pub regions: &'a RegionTable,
    /// Item shares summed per (region, year), actual and projected ([`region_years`]).
    pub sums: &'a BTreeMap<(String, i32), Parts>,
    /// Years that are projected.
    pub projected: &'a BTreeSet<i32>,
    /// Baselines with their dues.
    pub baselines: &'a [BaselineRow],
    /// 返还性收入 per (region, year), fen.
    pub rebates: &'a BTreeMap<(String, i32), i64>,
    /// 转移支付 per (region, year), fen.
    pub transfers: &'a BTreeMap<(String, i32), i64>,
    /// 市对县补助 per (county, year), fen, as the table gives them.
    pub subsidies: &'a AmountTable,
    /// 专项转移支付 per (region, year) (held flat into projected years like transfers).
    pub special_transfers: &'a AmountTable,
    /// 专项上解 per (region, year) (held flat into projected years).
    pub remits: &'a AmountTable,
    /// 结算补助/结算上解 per (region, year) (0 where the table has no row).
    pub adjustments: &'a AmountTable,
    /// 已预拨 per (region, year) (0 where the table has no row).
    pub advances: &'a AmountTable,
    /// Years to settle.
    pub years: &'a [i32],
}

/// Sums item shares per (region, year); also says which years are projected.
pub fn region_years(shares: &[ShareRow]) -> (BTreeMap<(String, i32), Parts>, BTreeSet<i32>) {
    let mut sums: BTreeMap<(String, i32), Parts> = BTreeMap::new();
    let mut projected = BTreeSet::new();
    for r in shares {
        *sums.entry((r.key.region.clone(), r.key.year)).or_default() += r.parts;
        if r.projected {
            projected.insert(r.key.year);
        }
    }
    (sums, projected)
}

/// A region's rebates or transfers in a year, from its rows of the table (year, amount,
/// in year order: [`region_rows`](crate::tables::region_rows), [`ByRegion::of`]): the
/// table's amount; in a projected year without one, the region's latest earlier amount,
/// held flat (no growth is assumed for central transfers); an actual year without a row
/// is 0.
pub(crate) fn input_amount(rows: &[(i32, i64)], year: i32, projected: bool) -> i64 {
    let at = rows.partition_point(|&(y, _)| y < year);
    match rows.get(at) {
        Some(&(y, v)) if y == year => v,
        _ if projected => at.checked_sub(1).map_or(0, |i| rows[i].1),
        _ => 0,
    }
}

/// Builds the statements of every county and prefecture and the province roll-up: per
/// year, each region's own figures go through the dense kernel
/// ([`kernel::year_flows`]), and each statement is read from its flows.
pub fn settle(inp: &SettlementInputs) -> (Vec<SettlementRow>, Vec<ProvinceRow>) {
    let (sums, projected) = (inp.sums, inp.projected);
    let regions = inp.regions.all();
    let units = Unit::all(inp.regions);
    let due: rustc_hash::FxHashMap<(&str, i32), i64> = inp
        .baselines
        .iter()
        .map(|b| ((b.county.as_str(), b.year), b.due))
        .collect();
    let mut rows = Vec::new();
    let mut provinces = Vec::new();
    let mut own = Vec::with_capacity(regions.len());
    let mut flows = Vec::with_capacity(regions.len());
    let mut parts: Vec<Parts> = Vec::with_capacity(regions.len());
    // every table laid out by region once: the loop below reads them by index
    let by_region = |t: &AmountTable| ByRegion::new(t, inp.regions);
    let sums = ByRegion::new(sums, inp.regions);
    let rebates = by_region(inp.rebates);
    let transfers = by_region(inp.transfers);
    let subsidies = by_region(inp.subsidies);
    let special_transfers = by_region(inp.special_transfers);
    let remits = by_region(inp.remits);
    let adjustments = by_region(inp.adjustments);
    let advances = by_region(inp.advances);
    for &year in inp.years {
        let is_projected = projected.contains(&year);
        parts.clear();
        parts.extend((0..regions.len()).map(|ix| sums.at(ix, year).unwrap_or_default()));
        own.clear();
        own.extend(regions.iter().zip(&parts).enumerate().map(|(ix, (r, p))| {
            Own {
                retained: p.retained,
                to_prefecture: p.to_prefecture,
                rebates: input_amount(rebates.of(ix), year, is_projected),
                transfers: input_amount(transfers.of(ix), year, is_projected),
                due: *due.get(&(r.code.as_str(), year)).unwrap_or(&0),
                // 市对县补助 of a county: its annual subsidy for the managed months
                subsidy: subsidy_for_months(
                    annual_subsidy_of(subsidies.of(ix), year),
                    inp.regions.managed_months(r, year),
                ),
            }
        }));
        year_flows(&units, &own, &mut flows);
        let mut year_rows: Vec<SettlementRow> = Vec::new();
        for (ix, region) in regions.iter().enumerate() {
            if region.kind == RegionKind::Province {
                continue;
            }
            let flows = flows[ix];
            let (prefecture_code, regime) = match region.kind {
                RegionKind::County => {
                    let regime = match region.direct_since {
                        _ if units[ix].prefecture.is_none() => Regime::Direct,
                        Some(ds) if ds.year == year => Regime::Switched,
                        Some(ds) if ds.year < year => Regime::Direct,
                        _ => Regime::Prefecture,
                    };
                    let pref = units[ix]
                        .prefecture
                        .map(|p| regions[p].code.clone())
                        .unwrap_or_default();
                    (pref, Some(regime))
                }
                _ => (region.code.clone(), None),
            };
            let available = flows.available();
            let transfers_special = input_amount(special_transfers.of(ix), year, is_projected);
            let special_remit = input_amount(remits.of(ix), year, is_projected);
            let adjustment = input_amount(adjustments.of(ix), year, false);
            let advances = input_amount(advances.of(ix), year, false);
            year_rows.push(SettlementRow {
                year,
                region: region.code.clone(),
                kind: region.kind,
                prefecture_code,
                regime,
                parts: parts[ix],
                from_counties: flows.from_counties,
                base_paid: flows.base_paid,
                base_received: flows.base_received,
                rebates: flows.rebates,
                transfers: flows.transfers,
                subsidy_paid: flows.subsidy_paid,
                subsidy_received: flows.subsidy_received,
                available,
                transfers_special,
                special_remit,
                adjustment,
                disposable: flows.disposable(transfers_special),
                advances,
                balance_due: balance_due(flows.statement_net(special_remit, adjustment), advances),
                population: region.population,
                available_per_capita: per_capita(available, region.population),
                projected: is_projected,
            });
        }
        let sum = |kind: RegionKind, f: fn(&SettlementRow) -> i64| -> i64 {
            year_rows.iter().filter(|r| r.kind == kind).map(f).sum()
        };
        let total: Parts = year_rows
            .iter()
            .map(|r| r.parts)
            .fold(Parts::default(), |a, b| a + b);
        provinces.push(ProvinceRow {
            year,
            collected: total.collected,
            to_central: total.to_central,
            to_province: total.to_province,
            prefectures_available: sum(RegionKind::Prefecture, |r| r.available),
            counties_available: sum(RegionKind::County, |r| r.available),
            base_flow: sum(RegionKind::County, |r| r.base_paid - r.base_received),
            projected: projected.contains(&year),
        });
        rows.extend(year_rows);
    }
    (rows, provinces)
}
