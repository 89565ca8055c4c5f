//! Routing: which cascade applies to a receipt, from its region, item, budget level and
//! month. Every rate comes from `RuleSet::in_force`; the regime comes from the regions.

use super::cascade::Cascade;
use crate::ledger::BudgetLevel;
use crate::money::Rate;
use crate::period::YearMonth;
use crate::regions::{RegionKind, RegionTable};
use crate::rules::RuleSet;

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
    /// A short reason, for messages and reject files.
    pub fn reason(&self) -> &'static str {
        match self {
            RouteProblem::UnknownRegion => "unknown region_code (not in the region table)",
            RouteProblem::ProvinceRegion => {
                "region_code is the province; receipts belong to a county or prefecture"
            }
            RouteProblem::UnknownItem => "unknown item_code (no rulebook item is a prefix of it)",
            RouteProblem::NoRuleInForce => "shared item has no rule in force in that month",
            RouteProblem::CountyLevelInPrefecture => "budget_level county in a prefecture proper",
            RouteProblem::PrefectureLevelWithoutPrefecture => {
                "budget_level prefecture in a county with no prefecture"
            }
        }
    }
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
        (kind, BudgetLevel::Shared) => {
            let rule = rules
                .in_force(item_code, ym)
                .ok_or(RouteProblem::NoRuleInForce)?;
            let old = match (kind, prefecture) {
                (RegionKind::County, Some(p)) => rules
                    .prefecture_share(&p.code, item_code, ym)
                    .unwrap_or(rule.prefecture),
                _ => Rate::ZERO,
            };
            let managed = regions.is_prefecture_managed(region, ym);
            Ok(Cascade {
                central: rule.central,
                province: rule.province,
                prefecture: if managed { old } else { Rate::ZERO },
                prefecture_if_managed: old,
            })
        }
    }
}
