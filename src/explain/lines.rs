//! Item lines of an explanation: a region-year's item shares summed over the months per
//! item code and budget level, with the rules that routed each month (through the same
//! `route` the split uses) and their dates and sources.

use super::{ItemLine, PrefectureRuleUsed, RuleUsed, Split, Yuan};
use crate::error::Result;
use crate::ledger::BudgetLevel;
use crate::period::YearMonth;
use crate::regions::{Region, RegionKind};
use crate::scenario::run::ScenarioResult;
use crate::split::shares::cascade_of;
use crate::split::Parts;
use std::collections::BTreeMap;

/// The lines of `region` in `year`, by item code then budget level.
pub(super) fn item_lines(r: &ScenarioResult, region: &Region, year: i32) -> Result<Vec<ItemLine>> {
    let mut groups: BTreeMap<(&str, BudgetLevel), Vec<&crate::split::ShareRow>> = BTreeMap::new();
    for s in r
        .shares
        .iter()
        .filter(|s| s.key.region == region.code && s.key.year == year)
    {
        groups
            .entry((s.key.item.as_str(), s.key.level))
            .or_default()
            .push(s);
    }
    let mut lines = Vec::new();
    for ((item, level), rows) in groups {
        let mut parts = Parts::default();
        let mut receipts = 0;
        let mut months = Vec::new();
        let mut rules: Vec<RuleUsed> = Vec::new();
        for s in rows {
            parts += s.parts;
            receipts += s.receipts;
            months.push(s.key.month);
            if level == BudgetLevel::Shared {
                let used = rule_used(r, region, &s.key)?;
                match rules.iter_mut().find(|u| same_rule(u, &used)) {
                    Some(u) => u.months.push(s.key.month),
                    None => rules.push(used),
                }
            }
        }
        months.sort_unstable();
        months.dedup();
        let distinct: std::collections::BTreeSet<_> = rules
            .iter()
            .map(|u| {
                (
                    u.item_rule.clone(),
                    u.from,
                    u.prefecture_rule.as_ref().map(|p| (p.item.clone(), p.from)),
                )
            })
            .collect();
        lines.push(ItemLine {
            item: item.to_string(),
            item_name: r
                .rules
                .item_for(item)
                .map(|i| i.name.clone())
                .unwrap_or_default(),
            level: level.as_str().to_string(),
            months,
            receipts,
            split: Split::from(parts),
            prefecture_if_managed: Yuan(parts.prefecture_if_managed),
            how: how(r, region, level),
            rule_changed: distinct.len() > 1,
            rules,
        });
    }
    Ok(lines)
}

/// Same rule and regime (months aside).
fn same_rule(a: &RuleUsed, b: &RuleUsed) -> bool {
    RuleUsed {
        months: vec![],
        ..a.clone()
    } == RuleUsed {
        months: vec![],
        ..b.clone()
    }
}

/// The rule that routed one month of a shared line, with its metadata.
fn rule_used(
    r: &ScenarioResult,
    region: &Region,
    key: &crate::ledger::totals::ShareKey,
) -> Result<RuleUsed> {
    let ym: YearMonth = key.ym();
    let cascade = cascade_of(&r.regions, &r.rules, key)?;
    let missing = || {
        crate::error::Error::Check(format!(
            "{} {ym} item {}: routed, yet no rule in force",
            key.region, key.item
        ))
    };
    let rule = r.rules.in_force(&key.item, ym).ok_or_else(missing)?;
    let item_rule = r.rules.item_for(&key.item).ok_or_else(missing)?;
    let prefecture = r.regions.prefecture_of(region);
    let prefecture_rule = prefecture
        .and_then(|p| r.rules.prefecture_rule_in_force(&p.code, &key.item, ym))
        .map(|p| PrefectureRuleUsed {
            item: p.item.clone(),
            from: p.from,
            until: p.until,
            share: p.share,
            source: p.source.clone(),
        });
    Ok(RuleUsed {
        months: vec![key.month],
        prefecture_managed: r.regions.is_prefecture_managed(region, ym),
        item_rule: item_rule.code.clone(),
        from: rule.from,
        until: rule.until,
        central: rule.central,
        province: rule.province,
        prefecture_default: rule.prefecture,
        source: rule.source.clone(),
        prefecture_rule,
        prefecture_applied: cascade.prefecture,
        prefecture_if_managed: cascade.prefecture_if_managed,
    })
}

/// How a receipt of this level in this region is split, in words.
fn how(r: &ScenarioResult, region: &Region, level: BudgetLevel) -> String {
    let county = region.kind == RegionKind::County;
    match level {
        BudgetLevel::Central => "central-level receipt (中央级): all to the centre".into(),
        BudgetLevel::Province => "province-level receipt (省级): all to the province".into(),
        BudgetLevel::Prefecture if county => {
            "prefecture-level receipt (市级) in a county: all to its prefecture".into()
        }
        BudgetLevel::Prefecture => {
            "prefecture-level receipt (市级) of the prefecture: all kept".into()
        }
        BudgetLevel::County => "county-level receipt (县级): all kept".into(),
        BudgetLevel::Shared if county && r.regions.prefecture_of(region).is_some() => {
            "shared receipt (共享收入): central = round(A × central); province = round((A − \
             central) × province); prefecture = round(rest × prefecture share) in months the \
             county is prefecture-managed, else 0; the county keeps the rest"
                .into()
        }
        BudgetLevel::Shared if county => {
            "shared receipt (共享收入) of a county with no prefecture: central = round(A × \
             central); province = round((A − central) × province); the county keeps the rest"
                .into()
        }
        BudgetLevel::Shared => {
            "shared receipt (共享收入) of a prefecture proper: central = round(A × central); \
             province = round((A − central) × province); the prefecture keeps the rest"
                .into()
        }
    }
}
