//! The validated rule set: per item code its dated share rules, per prefecture its own
//! shares (一市一策), with longest-prefix lookup and scenario overrides.

use super::raw::{RawRule, RawRulebook};
use crate::error::{Error, Result};
use crate::money::Rate;
use crate::period::YearMonth;
use crate::regions::{RegionKind, RegionTable};
use std::collections::BTreeMap;
use std::path::Path;

/// The shares of one item in force from `from` until the next rule (or `until`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ShareRule {
    /// First month in force.
    pub from: YearMonth,
    /// Last month in force, when the rule (or the item) ends without a successor.
    pub until: Option<YearMonth>,
    /// Central share of the whole receipt (中央分享).
    pub central: Rate,
    /// Province's share of the local remainder (省级分享).
    pub province: Rate,
    /// Default prefecture share of what is left, for prefecture-managed counties (市级分享).
    pub prefecture: Rate,
    /// Source document (文号), if the rulebook gives one.
    pub source: Option<String>,
}

/// The three shares a rule sets (分享比例): central, provincial, default prefecture.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Shares {
    /// Central share of the whole receipt (中央分享).
    pub central: Rate,
    /// Province's share of the local remainder (省级分享).
    pub province: Rate,
    /// Default prefecture share of what is left (市级分享).
    pub prefecture: Rate,
}

impl ShareRule {
    /// The rule's three shares.
    pub fn shares(&self) -> Shares {
        Shares {
            central: self.central,
            province: self.province,
            prefecture: self.prefecture,
        }
    }
}

impl RuleChange {
    /// The shares of a rule this change reaches (its item, from its month), changed: each
    /// share the change gives replaces the rule's. The one place an override applies —
    /// [`RuleSet::apply_change`] patches the rulebook with it, the sweep's re-split a
    /// receipt's shares.
    pub fn patch(&self, s: Shares) -> Shares {
        Shares {
            central: self.central.unwrap_or(s.central),
            province: self.province.unwrap_or(s.province),
            prefecture: self.prefecture.unwrap_or(s.prefecture),
        }
    }

    /// The shares of a receipt of month `ym` ([`YearMonth::index`]) under a rule with
    /// `shares`, with each of `changes` (the receipt's item's) that reaches that month
    /// applied in order, as the rulebook applies them. The one place a what-if's overrides
    /// meet a receipt: the sweep's re-split and the server's evaluation both call it.
    pub fn patch_in_order<'a>(
        shares: Shares,
        changes: impl IntoIterator<Item = &'a RuleChange>,
        ym: i32,
    ) -> Shares {
        changes
            .into_iter()
            .filter(|c| ym >= c.from.index())
            .fold(shares, |s, c| c.patch(s))
    }
}

/// All rules of one item code (收入科目), ordered and non-overlapping.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ItemRules {
    /// Item code, 3–9 digits; covers every longer code it prefixes.
    pub code: String,
    /// Item name, e.g. 增值税.
    pub name: String,
    /// Rules ordered by `from`.
    pub rules: Vec<ShareRule>,
}

/// A prefecture's own share of its counties' revenue of an item (一市一策).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PrefectureRule {
    /// Prefecture code.
    pub prefecture: String,
    /// Item code prefix.
    pub item: String,
    /// First month in force.
    pub from: YearMonth,
    /// Last month in force, if it ends without a successor.
    pub until: Option<YearMonth>,
    /// The prefecture's share of what is left after central and province.
    pub share: Rate,
    /// Source document, if given.
    pub source: Option<String>,
    /// Its place in the rulebook's `[[prefecture_rule]]` list (for error messages).
    pub index: usize,
}

/// A scenario's change to an item's shares from a month on (`[[override]]`).
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct RuleChange {
    /// Item code (must be an item of the rulebook).
    pub item: String,
    /// First month of the change.
    pub from: YearMonth,
    /// New central share, if changed.
    pub central: Option<Rate>,
    /// New provincial share, if changed.
    pub province: Option<Rate>,
    /// New default prefecture share, if changed.
    pub prefecture: Option<Rate>,
}

/// The validated rulebook.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RuleSet {
    /// Rulebook name.
    pub name: String,
    items: BTreeMap<String, ItemRules>,
    /// prefecture → item prefix → rules in order.
    prefecture_rules: BTreeMap<String, BTreeMap<String, Vec<PrefectureRule>>>,
}

fn in_range(from: YearMonth, until: Option<YearMonth>, ym: YearMonth) -> bool {
    from <= ym && until.is_none_or(|u| ym <= u)
}

fn valid_code(code: &str) -> bool {
    (3..=9).contains(&code.len()) && code.bytes().all(|b| b.is_ascii_digit())
}

impl RuleSet {
    /// Reads and validates a rulebook TOML file.
    pub fn load(path: &Path) -> Result<RuleSet> {
        let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
        let raw: RawRulebook =
            toml::from_str(&text).map_err(|e| Error::file(path, format!("bad TOML: {e}")))?;
        RuleSet::from_raw(raw).map_err(|(key, reason)| Error::key(path, key, reason))
    }

    /// Validates raw rulebook types; an error is `(TOML key, reason)`.
    pub fn from_raw(raw: RawRulebook) -> Result<RuleSet, (String, String)> {
        let mut items = BTreeMap::new();
        for (i, item) in raw.item.into_iter().enumerate() {
            let key = format!("item[{i}]");
            if !valid_code(&item.code) {
                return Err((
                    format!("{key}.code"),
                    format!("`{}` is not a 3–9 digit item code", item.code),
                ));
            }
            let key = format!("item[{i}] ({})", item.code);
            let mut rules = Vec::new();
            for (j, r) in item.rule.iter().enumerate() {
                rules.push(parse_rule(r).map_err(|(k, e)| (format!("{key}.rule[{j}].{k}"), e))?);
            }
            check_sequence(rules.iter().map(|r| (r.from, r.until)))
                .map_err(|(j, e)| (format!("{key}.rule[{j}].from"), e))?;
            let code = item.code.clone();
            if items
                .insert(
                    code.clone(),
                    ItemRules {
                        code,
                        name: item.name,
                        rules,
                    },
                )
                .is_some()
            {
                return Err((
                    format!("{key}.code"),
                    format!("item {} is defined twice", item.code),
                ));
            }
        }
        let mut prefecture_rules: BTreeMap<String, BTreeMap<String, Vec<PrefectureRule>>> =
            BTreeMap::new();
        for (i, p) in raw.prefecture_rule.into_iter().enumerate() {
            let key = format!("prefecture_rule[{i}]");
            if p.prefecture.len() != 6 || !p.prefecture.bytes().all(|b| b.is_ascii_digit()) {
                return Err((
                    format!("{key}.prefecture"),
                    format!("`{}` is not a 6-digit region code", p.prefecture),
                ));
            }
            if !valid_code(&p.item) {
                return Err((
                    format!("{key}.item"),
                    format!("`{}` is not a 3–9 digit item code", p.item),
                ));
            }
            let rule = PrefectureRule {
                from: YearMonth::parse(&p.from).map_err(|e| (format!("{key}.from"), e))?,
                until: p
                    .until
                    .as_deref()
                    .map(YearMonth::parse)
                    .transpose()
                    .map_err(|e| (format!("{key}.until"), e))?,
                share: Rate::parse(&p.share).map_err(|e| (format!("{key}.share"), e))?,
                prefecture: p.prefecture,
                item: p.item,
                source: p.source,
                index: i,
            };
            // a rule on an item prefix that reaches no item of the rulebook would never apply
            let reaches =
                |c: &String| c.starts_with(&rule.item) || rule.item.starts_with(c.as_str());
            if !items.keys().any(reaches) {
                return Err((
                    format!("{key}.item"),
                    format!(
                        "`{}` is neither an item of the rulebook nor a prefix of one",
                        rule.item
                    ),
                ));
            }
            prefecture_rules
                .entry(rule.prefecture.clone())
                .or_default()
                .entry(rule.item.clone())
                .or_default()
                .push(rule);
        }
        for (pref, item, rules) in prefecture_rules
            .iter()
            .flat_map(|(p, m)| m.iter().map(move |(i, r)| (p, i, r)))
        {
            check_sequence(rules.iter().map(|r| (r.from, r.until))).map_err(|(_, e)| {
                (
                    format!("prefecture_rule (prefecture {pref}, item {item})"),
                    e,
                )
            })?;
        }
        Ok(RuleSet {
            name: raw.rulebook.name,
            items,
            prefecture_rules,
        })
    }

    /// Checks the prefecture rules against the region table: each must name a prefecture
    /// (a rule for an unknown code, or a county's, would silently never apply). An error
    /// is `(TOML key, reason)`.
    pub fn check_regions(&self, regions: &RegionTable) -> Result<(), (String, String)> {
        let mut rules: Vec<&PrefectureRule> = self.prefecture_rules().collect();
        rules.sort_by_key(|r| r.index);
        for rule in rules {
            let kind = regions.get(&rule.prefecture).map(|r| r.kind);
            if kind != Some(RegionKind::Prefecture) {
                return Err((
                    format!("prefecture_rule[{}].prefecture", rule.index),
                    match kind {
                        None => format!("`{}` is not in the regions table", rule.prefecture),
                        Some(k) => format!(
                            "`{}` is a {}, not a prefecture",
                            rule.prefecture,
                            k.as_str()
                        ),
                    },
                ));
            }
        }
        Ok(())
    }

    /// Whether the rulebook has an item with exactly this code (what an override names).
    pub fn has_item(&self, code: &str) -> bool {
        self.items.contains_key(code)
    }

    /// Every item, by code.
    pub fn items(&self) -> impl Iterator<Item = &ItemRules> {
        self.items.values()
    }

    /// Every prefecture rule.
    pub fn prefecture_rules(&self) -> impl Iterator<Item = &PrefectureRule> {
        self.prefecture_rules
            .values()
            .flat_map(|m| m.values())
            .flatten()
    }

    /// The item whose code is the longest prefix of `code` (a rule on 10101 covers 1010101).
    pub fn item_for(&self, code: &str) -> Option<&ItemRules> {
        (3..=code.len().min(9))
            .rev()
            .find_map(|n| self.items.get(&code[..n]))
    }

    /// The share rule in force for an item code in a month: the only path to a rate.
    pub fn in_force(&self, code: &str, ym: YearMonth) -> Option<&ShareRule> {
        self.item_for(code)?
            .rules
            .iter()
            .rev()
            .find(|r| in_range(r.from, r.until, ym))
    }

    /// The prefecture's own rule in force for an item code, by longest item prefix.
    pub fn prefecture_rule_in_force(
        &self,
        prefecture: &str,
        code: &str,
        ym: YearMonth,
    ) -> Option<&PrefectureRule> {
        let by_item = self.prefecture_rules.get(prefecture)?;
        (3..=code.len().min(9)).rev().find_map(|n| {
            let rules = by_item.get(&code[..n])?;
            rules.iter().rev().find(|r| in_range(r.from, r.until, ym))
        })
    }

    /// The prefecture share for a county of `prefecture`: its own rule if one is in force,
    /// else the item's default `prefecture` share.
    pub fn prefecture_share(&self, prefecture: &str, code: &str, ym: YearMonth) -> Option<Rate> {
        match self.prefecture_rule_in_force(prefecture, code, ym) {
            Some(p) => Some(p.share),
            None => self.in_force(code, ym).map(|r| r.prefecture),
        }
    }

    /// Applies a scenario's rule change: from `change.from` on, every rule of the item takes
    /// the changed shares (the rule in force at that month is cut in two).
    pub fn apply_change(&mut self, change: &RuleChange) -> Result<(), String> {
        let item = self
            .items
            .get_mut(&change.item)
            .ok_or_else(|| format!("item `{}` is not in the rulebook", change.item))?;
        let mut out = Vec::new();
        for rule in item.rules.drain(..) {
            let patch = |mut r: ShareRule| {
                let s = change.patch(r.shares());
                (r.central, r.province, r.prefecture) = (s.central, s.province, s.prefecture);
                r.source = Some(format!("scenario override from {}", change.from));
                r
            };
            if rule.from >= change.from {
                out.push(patch(rule));
            } else if in_range(rule.from, rule.until, change.from) {
                let before = YearMonth::new(
                    if change.from.month == 1 {
                        change.from.year - 1
                    } else {
                        change.from.year
                    },
                    if change.from.month == 1 {
                        12
                    } else {
                        change.from.month - 1
                    },
                )?;
                let mut head = rule.clone();
                head.until = Some(before);
                out.push(head);
                let mut tail = patch(rule);
                tail.from = change.from;
                out.push(tail);
            } else {
                out.push(rule);
            }
        }
        if !out.iter().any(|r| in_range(r.from, r.until, change.from)) {
            return Err(format!(
                "item {} has no rule in force at {} to change",
                change.item, change.from
            ));
        }
        item.rules = out;
        Ok(())
    }
}

fn parse_rule(r: &RawRule) -> Result<ShareRule, (String, String)> {
    let rate = |k: &str, v: &str| Rate::parse(v).map_err(|e| (k.to_string(), e));
    Ok(ShareRule {
        from: YearMonth::parse(&r.from).map_err(|e| ("from".to_string(), e))?,
        until: r
            .until
            .as_deref()
            .map(YearMonth::parse)
            .transpose()
            .map_err(|e| ("until".to_string(), e))?,
        central: rate("central", &r.central)?,
        province: rate("province", &r.province)?,
        prefecture: rate("prefecture", &r.prefecture)?,
        source: r.source.clone(),
    })
}

/// Rules must be in `from` order and must not overlap; `Err((index, reason))`.
fn check_sequence(
    periods: impl Iterator<Item = (YearMonth, Option<YearMonth>)>,
) -> Result<(), (usize, String)> {
    let mut prev: Option<(YearMonth, Option<YearMonth>)> = None;
    for (j, (from, until)) in periods.enumerate() {
        if let Some(u) = until {
            if u < from {
                return Err((j, format!("until {u} is before from {from}")));
            }
        }
        if let Some((pf, pu)) = prev {
            if from <= pf {
                return Err((j, format!("from {from} is not after the previous rule's from {pf} (rules overlap or are out of order)")));
            }
            if pu.is_some_and(|u| from <= u) {
                return Err((
                    j,
                    format!(
                        "from {from} overlaps the previous rule, in force until {}",
                        pu.unwrap()
                    ),
                ));
            }
        }
        prev = Some((from, until));
    }
    Ok(())
}
