//! Routing: which cascade applies to a receipt, from its region, item, budget level and
//! month. Every rate comes from `RuleSet::in_force`; the regime comes from the regions.

use super::cascade::Cascade;
use crate::ledger::columns::{BUDGET_LEVEL, ITEM_CODE, REGION_CODE};
use crate::ledger::{BudgetLevel, LedgerScan, ProblemKind, RowProblem, ShareKey};
use crate::money::Rate;
use crate::period::YearMonth;
use crate::regions::{Region, RegionKind, RegionTable};
use crate::rules::{RuleSet, Shares};
use std::collections::BTreeMap;

/// Why a receipt cannot be routed: a key-level problem of the ledger.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum RouteProblem {
    /// The region code is not in the region table.
    UnknownRegion,
    /// Receipts are collected in counties and prefectures, not in the province row.
    ProvinceRegion,
    /// No rulebook item is a prefix of the item code.
    UnknownItem,
    /// A shared receipt whose item has no rule in force in its month.
    NoRuleInForce,
    /// A county-level receipt collected in a prefecture proper.
    CountyLevelInPrefecture,
    /// A prefecture-level receipt in a county that has no prefecture.
    PrefectureLevelWithoutPrefecture,
}

impl RouteProblem {
    /// The problem of every receipt of key `k`, quoting the value at fault.
    pub fn row_problem(&self, k: &ShareKey) -> RowProblem {
        let (kind, column, value) = match self {
            RouteProblem::UnknownRegion => (ProblemKind::UnknownRegion, REGION_CODE, &*k.region),
            RouteProblem::ProvinceRegion => (ProblemKind::ProvinceRegion, REGION_CODE, &*k.region),
            RouteProblem::UnknownItem => (ProblemKind::UnknownItem, ITEM_CODE, &*k.item),
            RouteProblem::NoRuleInForce => {
                let p = RowProblem::new(ProblemKind::NoRuleInForce, ITEM_CODE, &*k.item);
                return p.at(k.ym());
            }
            RouteProblem::CountyLevelInPrefecture => {
                let p =
                    RowProblem::new(ProblemKind::CountyLevelInPrefecture, BUDGET_LEVEL, "county");
                return p.at(&k.region);
            }
            RouteProblem::PrefectureLevelWithoutPrefecture => {
                let p = RowProblem::new(
                    ProblemKind::PrefectureLevelWithoutPrefecture,
                    BUDGET_LEVEL,
                    "prefecture",
                );
                return p.at(&k.region);
            }
        };
        RowProblem::new(kind, column, value)
    }
}

/// The keys of a scanned ledger whose receipts cannot be routed under these regions and
/// rules, each with the problem its rows are rejected for.
pub fn key_problems(
    scan: &LedgerScan,
    regions: &RegionTable,
    rules: &RuleSet,
) -> BTreeMap<ShareKey, RowProblem> {
    scan.totals
        .iter()
        .filter_map(|t| {
            let k = &t.key;
            route(regions, rules, &k.region, &k.item, k.level, k.ym())
                .err()
                .map(|p| (k.clone(), p.row_problem(k)))
        })
        .collect()
}

/// Resolves the cascade of a receipt.
pub fn route(
    regions: &RegionTable,
    rules: &RuleSet,
    region_code: &str,
    item_code: &str,
    level: BudgetLevel,
    ym: YearMonth,
) -> Result<Cascade, RouteProblem> {
    let region = regions
        .get(region_code)
        .ok_or(RouteProblem::UnknownRegion)?;
    rules.item_for(item_code).ok_or(RouteProblem::UnknownItem)?;
    let prefecture = regions.prefecture_of(region);
    let fixed = |central, province, pref| Cascade {
        central,
        province,
        prefecture: pref,
        prefecture_if_managed: Rate::ZERO,
    };
    let (one, zero) = (Rate::ONE, Rate::ZERO);
    match (region.kind, level) {
        (RegionKind::Province, _) => Err(RouteProblem::ProvinceRegion),
        (_, BudgetLevel::Central) => Ok(fixed(one, zero, zero)),
        (_, BudgetLevel::Province) => Ok(fixed(zero, one, zero)),
        (RegionKind::Prefecture, BudgetLevel::Prefecture) => Ok(fixed(zero, zero, zero)),
        (RegionKind::Prefecture, BudgetLevel::County) => Err(RouteProblem::CountyLevelInPrefecture),
        (RegionKind::County, BudgetLevel::Prefecture) => match prefecture {
            Some(_) => Ok(fixed(zero, zero, one)),
            None => Err(RouteProblem::PrefectureLevelWithoutPrefecture),
        },
        (RegionKind::County, BudgetLevel::County) => Ok(fixed(zero, zero, zero)),
        (_, BudgetLevel::Shared) => {
            let (shares, below) = shared_route(regions, rules, region, item_code, ym)?;
            Ok(shared_cascade(shares, below))
        }
    }
}

/// What routes a shared receipt (共享收入) of `region`: the shares of the item's rule in
/// force in its month, and who stands below the province ([`Below`]). [`route`] turns
/// them into the cascade with [`shared_cascade`]; a what-if that changes only an item's
/// shares or a county's regime keeps them and changes that part.
pub fn shared_route(
    regions: &RegionTable,
    rules: &RuleSet,
    region: &Region,
    item_code: &str,
    ym: YearMonth,
) -> Result<(Shares, Below), RouteProblem> {
    let rule = rules
        .in_force(item_code, ym)
        .ok_or(RouteProblem::NoRuleInForce)?;
    let below = match (region.kind, regions.prefecture_of(region)) {
        (RegionKind::County, Some(p)) => Below::Prefecture {
            own_rule: rules
                .prefecture_rule_in_force(&p.code, item_code, ym)
                .map(|r| r.share),
            managed: regions.is_prefecture_managed(region, ym),
        },
        _ => Below::NoPrefecture,
    };
    Ok((rule.shares(), below))
}

/// What stands between the province and a region that collects a shared receipt.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Below {
    /// A prefecture proper, or a county without a prefecture: no prefecture share.
    NoPrefecture,
    /// A county under a prefecture: the prefecture's own rule for the item if it has one in
    /// force (`own_rule`), else the rule's default share; taken only in months the county
    /// is prefecture-managed (`managed`, 市管县), not province-direct.
    Prefecture {
        /// The prefecture's own share in force, if any (`[[prefecture_rule]]`).
        own_rule: Option<Rate>,
        /// Prefecture-managed in the receipt's month.
        managed: bool,
    },
}

/// The cascade of a shared receipt (共享收入) from the shares of the rule in force and
/// who stands below the province: the one formula the split and the sweep's re-split use.
pub fn shared_cascade(rule: Shares, below: Below) -> Cascade {
    let (share, managed) = match below {
        Below::NoPrefecture => (Rate::ZERO, false),
        Below::Prefecture { own_rule, managed } => (own_rule.unwrap_or(rule.prefecture), managed),
    };
    Cascade {
        central: rule.central,
        province: rule.province,
        prefecture: share,
        prefecture_if_managed: share,
    }
    .managed(managed)
}
