//! Scenario stage (情景): a scenario is the inputs plus overlays — regime dates, rule
//! overrides, the baseline method and a projection. [`file`] reads and merges the TOML
//! chain; [`run`] settles one scenario; [`compare`] sets scenarios against a reference.

pub mod compare;
pub mod file;
pub mod projection;
pub mod run;
pub mod sweep;

use crate::baseline::Indexation;
use crate::error::{Error, Result};
use crate::period::YearMonth;
use crate::regions::{RegionKind, RegionTable};
use crate::rules::{RuleChange, RuleSet};
use rust_decimal::Decimal;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Changes to the regions' `direct_since` (`[regime]`), applied in this order.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct RegimeChange {
    /// Every county not direct by then switches then (全面直管).
    pub all_direct_from: Option<YearMonth>,
    /// Every switch on or after then is cancelled (counterfactual: no reform).
    pub cancel_from: Option<YearMonth>,
    /// One county's date (`None` = never), applied last.
    pub county: BTreeMap<String, Option<YearMonth>>,
}

/// A yearly growth rate of receipts if in range: above −1 (receipts may fall), at most 1,
/// with at most 6 decimals like every rate.
pub fn checked_growth(g: Decimal) -> std::result::Result<Decimal, String> {
    crate::baseline::to_ppm(g)?;
    if g <= -Decimal::ONE || g > Decimal::ONE {
        return Err(format!("growth `{g}` must be above −1 and at most 1"));
    }
    Ok(g)
}

/// Growth of receipts after the last ledger year (`[projection]`).
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Projection {
    /// Last projected year.
    pub through: i32,
    /// Yearly growth per item code prefix; key `default` for the rest (0 if absent).
    pub growth: BTreeMap<String, Decimal>,
}

impl Projection {
    /// Growth for an item code: longest matching prefix, else `default`, else 0.
    pub fn growth_for(&self, item: &str) -> Decimal {
        (3..=item.len())
            .rev()
            .find_map(|n| self.growth.get(&item[..n]))
            .or_else(|| self.growth.get("default"))
            .copied()
            .unwrap_or_default()
    }
}

/// What the figures of a scenario's inputs are (数据性质), declared in `[scenario]
/// data_nature` so that every report can say it: a fen-exact total of made-up data must not
/// be quoted as real.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DataNature {
    /// 真实数据: the bureau's own ledgers and tables.
    Real,
    /// 示意数据: made-up parameters or amounts that imitate real ones.
    Illustrative,
    /// 模拟数据: generated data (e.g. a seeded synthetic ledger).
    Synthetic,
}

impl DataNature {
    /// Parses `real`, `illustrative` or `synthetic`.
    pub fn parse(text: &str) -> std::result::Result<DataNature, String> {
        match text {
            "real" => Ok(DataNature::Real),
            "illustrative" => Ok(DataNature::Illustrative),
            "synthetic" => Ok(DataNature::Synthetic),
            other => Err(format!(
                "`{other}` is not a data nature: write \"real\", \"illustrative\" or \"synthetic\""
            )),
        }
    }

    /// Chinese and English label (`模拟数据 synthetic`).
    pub fn label(self) -> &'static str {
        match self {
            DataNature::Real => "真实数据 real",
            DataNature::Illustrative => "示意数据 illustrative",
            DataNature::Synthetic => "模拟数据 synthetic",
        }
    }
}

/// A scenario as resolved from its file and `extends` chain; paths are absolute.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Scenario {
    /// Name, the `scenario` column of every output table.
    pub name: String,
    /// Free text about this scenario (not inherited through `extends`).
    pub description: Option<String>,
    /// What the input figures are (`None`: not declared); inherited through `extends`.
    pub data_nature: Option<DataNature>,
    /// Free text saying which inputs are real, illustrative or synthetic.
    pub data_note: Option<String>,
    /// The file it was read from.
    pub file: PathBuf,
    /// The files its `extends` chain read, nearest parent first (empty without `extends`).
    pub extends: Vec<PathBuf>,
    /// Region table.
    pub regions: PathBuf,
    /// Ledger files, folders or globs.
    pub ledgers: Vec<PathBuf>,
    /// Rulebook.
    pub rulebook: PathBuf,
    /// Years to settle and report.
    pub years: Vec<i32>,
    /// `subsidies.csv`, if any.
    pub subsidies: Option<PathBuf>,
    /// `bases.csv`, if any.
    pub bases: Option<PathBuf>,
    /// `rebates.csv`, if any.
    pub rebates: Option<PathBuf>,
    /// `transfers.csv`, if any.
    pub transfers: Option<PathBuf>,
    /// `remits.csv` (专项上解), if any.
    pub remits: Option<PathBuf>,
    /// `adjustments.csv` (结算补助/结算上解), if any.
    pub adjustments: Option<PathBuf>,
    /// `advances.csv` (已预拨), if any.
    pub advances: Option<PathBuf>,
    /// Regime overlay.
    pub regime: RegimeChange,
    /// Rule overrides, in order.
    pub overrides: Vec<RuleChange>,
    /// Base years (default: the year before each switch).
    pub base_years: Option<Vec<i32>>,
    /// Base indexation.
    pub indexation: Indexation,
    /// Projection after the last ledger year.
    pub projection: Option<Projection>,
}

impl Scenario {
    /// Reads a scenario file (and its `extends` chain).
    pub fn load(path: &Path) -> Result<Scenario> {
        let (table, chain) = file::load_merged(path)?;
        let mut sc = file::parse(path, table)?;
        sc.extends = chain.into_iter().skip(1).collect();
        Ok(sc)
    }

    /// The scenario of `path` with a what-if `overlay` (the tables of a scenario file:
    /// `override`, `regime`, `baseline`, `projection`, and `scenario.name`) merged over it,
    /// validated as a scenario file is; see [`file::load_with_overlay`].
    pub fn load_with_overlay(path: &Path, overlay: &toml::Table) -> Result<Scenario> {
        let (table, chain) = file::load_merged(path)?;
        Scenario::with_overlay(path, &table, &chain, overlay)
    }

    /// The same on the merged table of `path` read before ([`file::load_merged`]: the
    /// table and the chain of files it read): no file is read again.
    pub fn with_overlay(
        path: &Path,
        merged: &toml::Table,
        chain: &[PathBuf],
        overlay: &toml::Table,
    ) -> Result<Scenario> {
        let table = file::overlay_on(path, merged.clone(), overlay)?;
        let mut sc = file::parse(path, table)?;
        sc.extends = chain.iter().skip(1).cloned().collect();
        Ok(sc)
    }

    /// The regions (regime applied) and the rules (overrides applied), checked against each
    /// other: every `prefecture_rule` names a prefecture of the table.
    pub fn regions_and_rules(&self) -> Result<(RegionTable, RuleSet)> {
        self.check_regions_and_rules(self.regions()?, self.rules()?)
    }

    /// The same on tables read before: `regions` and `rules` as their files hold them.
    pub fn regions_and_rules_on(
        &self,
        regions: &RegionTable,
        rules: &RuleSet,
    ) -> Result<(RegionTable, RuleSet)> {
        self.check_regions_and_rules(
            self.regions_on(regions.clone())?,
            self.rules_on(rules.clone())?,
        )
    }

    fn check_regions_and_rules(
        &self,
        regions: RegionTable,
        rules: RuleSet,
    ) -> Result<(RegionTable, RuleSet)> {
        rules
            .check_regions(&regions)
            .map_err(|(k, e)| Error::key(&self.rulebook, k, e))?;
        Ok((regions, rules))
    }

    /// Every file the scenario reads besides its ledgers: itself, its `extends` chain, the
    /// regions, the rulebook and the optional tables.
    pub fn input_files(&self) -> Vec<PathBuf> {
        let mut files = vec![self.file.clone()];
        files.extend(self.extends.iter().cloned());
        files.push(self.regions.clone());
        files.push(self.rulebook.clone());
        files.extend(
            [
                &self.subsidies,
                &self.bases,
                &self.rebates,
                &self.transfers,
                &self.remits,
                &self.adjustments,
                &self.advances,
            ]
            .into_iter()
            .flatten()
            .cloned(),
        );
        files
    }

    /// The one line every report shows about the data's nature (数据性质): the declared
    /// nature and note, or a warning that none was declared.
    pub fn data_banner(&self) -> String {
        let note = self
            .data_note
            .as_deref()
            .map(|n| format!(" — {n}"))
            .unwrap_or_default();
        match self.data_nature {
            Some(DataNature::Real) => format!("数据性质 data: {}{note}", DataNature::Real.label()),
            Some(n) => format!(
                "数据性质 data: {} — 非真实财政数据，不可引用为实际数字 not real fiscal figures, \
                 do not quote them as such{note}",
                n.label()
            ),
            None => format!(
                "数据性质未声明 data nature not declared (set [scenario] data_nature){note}"
            ),
        }
    }

    /// The optional tables the scenario names (subsidies, bases, rebates, transfers,
    /// remits, adjustments, advances).
    pub fn tables(&self, regions: &RegionTable) -> Result<crate::tables::SettlementTables> {
        crate::tables::SettlementTables::load(
            crate::tables::TablePaths {
                subsidies: self.subsidies.as_deref(),
                bases: self.bases.as_deref(),
                rebates: self.rebates.as_deref(),
                transfers: self.transfers.as_deref(),
                remits: self.remits.as_deref(),
                adjustments: self.adjustments.as_deref(),
                advances: self.advances.as_deref(),
            },
            regions,
        )
    }

    /// The regions with the scenario's regime applied.
    pub fn regions(&self) -> Result<RegionTable> {
        self.regions_on(RegionTable::load(&self.regions)?)
    }

    /// The scenario's regime applied to `regions`, the table of its `regions` file as read
    /// (a what-if server reads the file once and applies each question's regime to a copy).
    pub fn regions_on(&self, mut regions: RegionTable) -> Result<RegionTable> {
        let key = |k: String, e: String| Error::key(&self.file, k, e);
        let counties: Vec<(String, Option<YearMonth>)> = regions
            .all()
            .iter()
            .filter(|r| r.kind == RegionKind::County)
            .map(|r| (r.code.clone(), r.direct_since))
            .collect();
        for (code, since) in counties {
            let mut date = since;
            if let Some(all) = self.regime.all_direct_from {
                if date.is_none_or(|d| d > all) {
                    date = Some(all);
                }
            }
            if let Some(cancel) = self.regime.cancel_from {
                if date.is_some_and(|d| d >= cancel) {
                    date = None;
                }
            }
            regions
                .set_direct_since(&code, date)
                .map_err(|e| key("regime".into(), e))?;
        }
        for (code, date) in &self.regime.county {
            regions
                .set_direct_since(code, *date)
                .map_err(|e| key(format!("regime.county.{code}"), e))?;
        }
        Ok(regions)
    }

    /// The rulebook with the scenario's overrides applied.
    pub fn rules(&self) -> Result<RuleSet> {
        self.rules_on(RuleSet::load(&self.rulebook)?)
    }

    /// The scenario's overrides applied to `rules`, its rulebook as read.
    pub fn rules_on(&self, mut rules: RuleSet) -> Result<RuleSet> {
        for (i, change) in self.overrides.iter().enumerate() {
            rules
                .apply_change(change)
                .map_err(|e| Error::key(&self.file, format!("override[{i}].item"), e))?;
        }
        Ok(rules)
    }
}
