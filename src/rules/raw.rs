//! The rulebook as written in TOML (raw serde types). Nothing outside `rules/` sees these:
//! [`super::RuleSet::from_raw`] validates them into the rule set.

use serde::Deserialize;

/// The whole rulebook file.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawRulebook {
    /// `[rulebook]` header.
    pub rulebook: RawHeader,
    /// `[[item]]` entries.
    #[serde(default)]
    pub item: Vec<RawItem>,
    /// `[[prefecture_rule]]` entries (一市一策).
    #[serde(default)]
    pub prefecture_rule: Vec<RawPrefectureRule>,
}

/// `[rulebook]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawHeader {
    pub name: String,
    #[serde(default)]
    pub source: Option<String>,
    #[serde(default)]
    pub note: Option<String>,
}

/// `[[item]]`: one budget revenue item code (收入科目).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawItem {
    pub code: String,
    pub name: String,
    #[serde(default)]
    pub rule: Vec<RawRule>,
}

/// `[[item.rule]]`: the shares of an item from a month on.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawRule {
    pub from: String,
    #[serde(default)]
    pub until: Option<String>,
    #[serde(deserialize_with = "crate::money::decimal_text")]
    pub central: String,
    #[serde(deserialize_with = "crate::money::decimal_text")]
    pub province: String,
    #[serde(deserialize_with = "crate::money::decimal_text")]
    pub prefecture: String,
    #[serde(default)]
    pub source: Option<String>,
    #[serde(default)]
    pub note: Option<String>,
}

/// `[[prefecture_rule]]`: a prefecture's own share of its counties' revenue of an item.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawPrefectureRule {
    pub prefecture: String,
    pub item: String,
    pub from: String,
    #[serde(default)]
    pub until: Option<String>,
    #[serde(deserialize_with = "crate::money::decimal_text")]
    pub share: String,
    #[serde(default)]
    pub source: Option<String>,
}
