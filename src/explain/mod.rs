//! Explain stage (结算说明): takes one scenario's results and a region-year and gives how
//! every figure of its settlement statement was reached — the receipts by item and budget
//! level with the rules applied, the transfer baseline and its indexation, the flows between
//! a prefecture and its counties, and the settlement formula with its numbers.
//!
//! Every figure is recomputed or re-summed from the results and checked against the
//! statement (a mismatch is an [`Error::Check`]); [`Explanation::render_text`] prints it,
//! and it serialises to JSON with money as yuan strings (`"-1234.56"`).

mod base;
mod lines;
mod text;

use crate::error::{Error, Result};
use crate::money::{format_yuan, Rate};
use crate::period::YearMonth;
use crate::regions::RegionKind;
use crate::scenario::run::ScenarioResult;
use crate::settlement::{region_years, subsidy_for_months};
use crate::split::{Granularity, Parts};
use crate::tables::annual_subsidy;
use serde::Serialize;
use std::fmt;

/// An amount of money (金额) in fen, shown and serialised as yuan with 2 decimals.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord)]
pub struct Yuan(pub i64);

impl fmt::Display for Yuan {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&format_yuan(self.0))
    }
}

impl Serialize for Yuan {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.serialize_str(&format_yuan(self.0))
    }
}

/// Where the revenue went (收入去向): collected = to_central + to_province + to_prefecture +
/// retained.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Split {
    /// 收入合计: collected in the region.
    pub collected: Yuan,
    /// 上划中央.
    pub to_central: Yuan,
    /// 上划省级.
    pub to_province: Yuan,
    /// 上划市级: from a county to its prefecture.
    pub to_prefecture: Yuan,
    /// 本级收入: kept by the region.
    pub retained: Yuan,
}

impl From<Parts> for Split {
    fn from(p: Parts) -> Split {
        Split {
            collected: Yuan(p.collected),
            to_central: Yuan(p.to_central),
            to_province: Yuan(p.to_province),
            to_prefecture: Yuan(p.to_prefecture),
            retained: Yuan(p.retained),
        }
    }
}

/// A prefecture's own share rule (一市一策) used for some months of a line.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PrefectureRuleUsed {
    /// Item code prefix of the rule.
    pub item: String,
    /// First month in force.
    pub from: YearMonth,
    /// Last month in force, if it ends.
    pub until: Option<YearMonth>,
    /// The prefecture's share of what is left after central and province.
    pub share: Rate,
    /// Source document (文号), if given.
    pub source: Option<String>,
}

/// One distinct sharing rule (分成规则) applied to some months of an item line.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct RuleUsed {
    /// Months of the line it applied to.
    pub months: Vec<u32>,
    /// Whether the county was prefecture-managed (市管县) in those months.
    pub prefecture_managed: bool,
    /// Code of the rulebook item whose rule it is (longest prefix of the line's code).
    pub item_rule: String,
    /// First month the rule is in force.
    pub from: YearMonth,
    /// Last month in force, if it ends.
    pub until: Option<YearMonth>,
    /// Central share of the whole receipt.
    pub central: Rate,
    /// Province's share of the local remainder.
    pub province: Rate,
    /// The item's default prefecture share of the rest.
    pub prefecture_default: Rate,
    /// Source document (文号) or scenario override, if known.
    pub source: Option<String>,
    /// The prefecture's own rule in force, for a county with a prefecture.
    pub prefecture_rule: Option<PrefectureRuleUsed>,
    /// Prefecture share applied to the receipts (0 when province-direct or a prefecture).
    pub prefecture_applied: Rate,
    /// Prefecture share under the old rules, the measure of the transfer baseline.
    pub prefecture_if_managed: Rate,
}

/// Receipts of one item code and budget level (预算级次) summed over the year's months.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ItemLine {
    /// Item code as in the ledger.
    pub item: String,
    /// Item name from the rulebook.
    pub item_name: String,
    /// Budget level: shared, central, province, prefecture or county.
    pub level: String,
    /// Months with receipts.
    pub months: Vec<u32>,
    /// Receipts summed.
    pub receipts: u64,
    /// How the money of this line was split.
    pub split: Split,
    /// The prefecture's part under the old rules (划转基数 measure), not money moved.
    pub prefecture_if_managed: Yuan,
    /// How a receipt of this level is split, in words.
    pub how: String,
    /// The distinct rules used (shared receipts only), in month order.
    pub rules: Vec<RuleUsed>,
    /// More than one item or prefecture rule applied during the year.
    pub rule_changed: bool,
}

/// One base year of a computed transfer baseline.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct BaseYear {
    /// The base year.
    pub year: i32,
    /// S: the prefecture's part of the county's shared receipts under the old rules.
    pub prefecture_share: Yuan,
    /// B: subsidies the prefecture paid the county that year (市对县补助).
    pub subsidy: Yuan,
}

/// One year of the base's indexation, from the switch year on.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct IndexStep {
    /// Fiscal year.
    pub year: i32,
    /// Unprorated due, the value the next year chains from.
    pub due: Yuan,
    /// Due of the year as settled (prorated in a switch year after January).
    pub settled_due: Yuan,
    /// The formula with its numbers.
    pub how: String,
}

/// A county's transfer baseline (划转基数) and its due this year.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct BaseExplanation {
    /// First month of province-direct administration.
    pub direct_since: YearMonth,
    /// `ledger` (computed) or `bases.csv` (fixed before the ledgers).
    pub source: String,
    /// Indexation method.
    pub method: String,
    /// Base years with S and B (empty for a `bases.csv` base).
    pub base_years: Vec<BaseYear>,
    /// round(mean S).
    pub shared_base: Yuan,
    /// round(mean B).
    pub subsidy_base: Yuan,
    /// shared_base − subsidy_base.
    pub net_base: Yuan,
    /// Each year from the switch to the explained year.
    pub steps: Vec<IndexStep>,
    /// The due of the explained year: positive paid by the county (体制上解).
    pub due: Yuan,
}

/// One county's flows with its prefecture in the year.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct CountyFlow {
    /// County code.
    pub county: String,
    /// County name.
    pub name: String,
    /// Its revenue shared up to the prefecture (上划市级).
    pub to_prefecture: Yuan,
    /// Its base due this year, if it has a base.
    pub base_due: Option<Yuan>,
    /// Base the prefecture receives from it (a positive due).
    pub base_received: Yuan,
    /// Base the prefecture pays it (a negative due).
    pub base_paid: Yuan,
    /// 市对县补助 the prefecture pays it this year (while it is prefecture-managed).
    pub subsidy: Yuan,
}

/// A county's subsidy from its prefecture in the explained year (市对县补助).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SubsidyLine {
    /// T: the annual subsidy (its `subsidies.csv` row for the year, or the latest earlier
    /// row held flat).
    pub annual: Yuan,
    /// The year of the table row T comes from (`None`: no row, T = 0).
    pub from_row_of: Option<i32>,
    /// Months of the year the county is prefecture-managed.
    pub managed_months: u32,
    /// round(T × months / 12): what the county receives.
    pub received: Yuan,
}

/// The settlement statement's closing figures (可用财力).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Settlement {
    /// 本级收入.
    pub retained: Yuan,
    /// 市级分享收入 from counties (prefectures only).
    pub from_counties: Yuan,
    /// 返还性收入 (input table).
    pub rebates: Yuan,
    /// 转移支付 (input table).
    pub transfers: Yuan,
    /// 体制上解.
    pub base_paid: Yuan,
    /// 体制补助.
    pub base_received: Yuan,
    /// 市对县补助 paid (a prefecture, to its managed counties).
    pub subsidy_paid: Yuan,
    /// 市对县补助 received (a managed county).
    pub subsidy_received: Yuan,
    /// retained + from_counties + rebates + transfers − base_paid + base_received
    /// − subsidy_paid + subsidy_received.
    pub available: Yuan,
    /// Residents.
    pub population: u64,
    /// round(available / population); none when population is 0.
    pub available_per_capita: Option<Yuan>,
}

/// How the settlement statement (年终结算) of one region-year was reached.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Explanation {
    /// Scenario name.
    pub scenario: String,
    /// Region code.
    pub region: String,
    /// Region name.
    pub region_name: String,
    /// `county` or `prefecture`.
    pub kind: String,
    /// Fiscal year.
    pub year: i32,
    /// A projected year (预测), not actual.
    pub projected: bool,
    /// Receipts split one by one or as monthly totals.
    pub granularity: Granularity,
    /// The county's prefecture, if any.
    pub prefecture: Option<String>,
    /// County regime that year: prefecture, switched or direct.
    pub regime: Option<String>,
    /// Months the county was prefecture-managed (市管县).
    pub prefecture_managed_months: Vec<u32>,
    /// Months the county was province-direct (省直管).
    pub direct_months: Vec<u32>,
    /// Receipts by item and budget level.
    pub lines: Vec<ItemLine>,
    /// Sum of the lines; equals the statement's revenue figures.
    pub totals: Split,
    /// The county's transfer baseline, if it has a due this year.
    pub base: Option<BaseExplanation>,
    /// A county's subsidy from its prefecture (a county with a prefecture).
    pub subsidy: Option<SubsidyLine>,
    /// A prefecture's flows with each of its counties.
    pub counties: Vec<CountyFlow>,
    /// Closing figures.
    pub settlement: Settlement,
}

/// Explains the statement of `region` in `year`; an unknown region, the province itself or
/// a year the scenario does not settle is an [`Error::Input`].
pub fn explain(r: &ScenarioResult, region: &str, year: i32) -> Result<Explanation> {
    let reg = r
        .regions
        .get(region)
        .ok_or_else(|| Error::Input(format!("region {region} is not in the region table")))?;
    if reg.kind == RegionKind::Province {
        return Err(Error::Input(format!(
            "region {region} is the province, which has no settlement statement of its own \
             (see the province table)"
        )));
    }
    if !r.scenario.years.contains(&year) {
        let years: Vec<String> = r.scenario.years.iter().map(i32::to_string).collect();
        return Err(Error::Input(format!(
            "year {year} is not settled by scenario {} (years: {})",
            r.scenario.name,
            years.join(", ")
        )));
    }
    let row = r
        .settlement
        .iter()
        .find(|s| s.region == region && s.year == year)
        .ok_or_else(|| Error::Check(format!("no settlement row for {region} in {year}")))?;
    let lines = lines::item_lines(r, reg, year)?;
    let mut sum = Parts::default();
    for l in &lines {
        sum += Parts {
            collected: l.split.collected.0,
            to_central: l.split.to_central.0,
            to_province: l.split.to_province.0,
            to_prefecture: l.split.to_prefecture.0,
            retained: l.split.retained.0,
            prefecture_if_managed: l.prefecture_if_managed.0,
        };
    }
    if sum != row.parts {
        return Err(Error::Check(format!(
            "{region} {year}: item lines sum to {sum:?}, the statement has {:?}",
            row.parts
        )));
    }
    let (county_years, _) = region_years(&r.shares);
    let base = r
        .baselines
        .iter()
        .find(|b| b.county == region && b.year == year)
        .map(|b| base::explain_base(r, &county_years, b))
        .transpose()?;
    let counties = if reg.kind == RegionKind::Prefecture {
        base::county_flows(r, &county_years, row)?
    } else {
        vec![]
    };
    let subsidy = r.regions.prefecture_of(reg).map(|_| {
        let annual = annual_subsidy(&r.tables.subsidies, region, year);
        let months = r.regions.managed_months(reg, year);
        SubsidyLine {
            annual: Yuan(annual),
            from_row_of: r
                .tables
                .subsidies
                .range((region.to_string(), i32::MIN)..=(region.to_string(), year))
                .next_back()
                .map(|((_, y), _)| *y),
            managed_months: months,
            received: Yuan(subsidy_for_months(annual, months)),
        }
    });
    if let Some(sl) = &subsidy {
        if sl.received.0 != row.subsidy_received {
            return Err(Error::Check(format!(
                "{region} {year}: subsidy recomputes to {} fen, the statement has {}",
                sl.received.0, row.subsidy_received
            )));
        }
    }
    let (managed, direct): (Vec<u32>, Vec<u32>) = match reg.kind {
        RegionKind::County => (1..=12).partition(|&m| {
            r.regions
                .is_prefecture_managed(reg, YearMonth { year, month: m })
        }),
        _ => (vec![], vec![]),
    };
    Ok(Explanation {
        scenario: r.scenario.name.clone(),
        region: region.to_string(),
        region_name: reg.name.clone(),
        kind: reg.kind.as_str().to_string(),
        year,
        projected: row.projected,
        granularity: r.granularity,
        prefecture: r.regions.prefecture_of(reg).map(|p| p.code.clone()),
        regime: row.regime.map(|g| g.as_str().to_string()),
        prefecture_managed_months: managed,
        direct_months: direct,
        lines,
        totals: row.parts.into(),
        base,
        subsidy,
        counties,
        settlement: Settlement {
            retained: Yuan(row.parts.retained),
            from_counties: Yuan(row.from_counties),
            rebates: Yuan(row.rebates),
            transfers: Yuan(row.transfers),
            base_paid: Yuan(row.base_paid),
            base_received: Yuan(row.base_received),
            subsidy_paid: Yuan(row.subsidy_paid),
            subsidy_received: Yuan(row.subsidy_received),
            available: Yuan(row.available),
            population: row.population,
            available_per_capita: row.available_per_capita.map(Yuan),
        },
    })
}
