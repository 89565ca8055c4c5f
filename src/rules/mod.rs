//! Rules stage: the rulebook (分成办法) as dated data. TOML → [`raw`] types → validated
//! [`RuleSet`]; `RuleSet::in_force` is the only path to a rate.

pub mod raw;
mod ruleset;

pub use ruleset::{ItemRules, PrefectureRule, RuleChange, RuleSet, ShareRule, Shares};
