//! Sweep files (参数扫描): a base scenario, a reference, and a grid of one or more axes — a
//! rule share, a base-year list, an indexation value, a growth rate. Each grid point is the
//! base scenario with the axis values set.

use super::super::Scenario;
use crate::baseline::{to_ppm, Indexation};
use crate::error::{Error, Result};
use crate::money::{parse_decimal, Rate};
use crate::period::YearMonth;
use crate::rules::RuleChange;
use crate::split::Granularity;
use rust_decimal::Decimal;
use serde::Deserialize;
use std::path::{Path, PathBuf};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSweep {
    sweep: RawHeader,
    #[serde(default)]
    axis: Vec<RawAxis>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawHeader {
    name: String,
    scenario: PathBuf,
    against: PathBuf,
    #[serde(default)]
    granularity: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawAxis {
    name: String,
    kind: String,
    #[serde(default)]
    item: Option<String>,
    #[serde(default)]
    from: Option<String>,
    #[serde(default)]
    field: Option<String>,
    #[serde(default)]
    method: Option<String>,
    #[serde(default)]
    prefix: Option<String>,
    #[serde(default)]
    values: Option<toml::Value>,
    #[serde(default)]
    range: Option<RawRange>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRange {
    start: String,
    stop: String,
    step: String,
}

/// Which share an override axis sets.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ShareField {
    /// Central share.
    Central,
    /// Provincial share.
    Province,
    /// Default prefecture share.
    Prefecture,
}

/// What an axis changes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AxisKind {
    /// A rule share of an item from a month (`[[override]]`).
    Override {
        item: String,
        from: YearMonth,
        field: ShareField,
    },
    /// The indexation parameter of a method (`rate`, `revenue_coefficient`, `phase_out_years`, `increment_share`).
    Indexation { method: String },
    /// The base-year list.
    BaseYears,
    /// The projection growth of an item prefix (or `default`).
    Growth { prefix: String },
}

/// One value of an axis.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AxisValue {
    /// A decimal (share, rate, growth, years for phase-out).
    Number(Decimal),
    /// A list of base years.
    Years(Vec<i32>),
}

impl AxisValue {
    /// Text for the summary table.
    pub fn label(&self) -> String {
        match self {
            AxisValue::Number(d) => d.normalize().to_string(),
            AxisValue::Years(y) => y.iter().map(i32::to_string).collect::<Vec<_>>().join(";"),
        }
    }
}

/// One axis of the grid.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Axis {
    /// Column name in the summary.
    pub name: String,
    /// What it changes.
    pub kind: AxisKind,
    /// Its values, in order.
    pub values: Vec<AxisValue>,
}

/// The most points a sweep may have (each point's summary is kept in memory).
pub const MAX_POINTS: usize = 200_000;

/// Why a sweep does not take receipt granularity.
pub const RECEIPT_REFUSED: &str = "`receipt` is not available for sweeps: a point re-splits \
the monthly totals it changes (run or compare one point's scenario for the receipt-exact split)";

/// A parsed sweep.
#[derive(Clone, Debug)]
pub struct SweepPlan {
    /// Sweep name.
    pub name: String,
    /// The sweep file.
    pub file: PathBuf,
    /// The scenario every point starts from.
    pub scenario: Scenario,
    /// The reference scenario.
    pub against: Scenario,
    /// Split granularity (default monthly).
    pub granularity: Granularity,
    /// Axes; the grid is their product, the last axis varying fastest.
    pub axes: Vec<Axis>,
}

/// One grid point: the axis values and the scenario they make.
#[derive(Clone, Debug)]
pub struct Point {
    /// Index in the grid.
    pub index: usize,
    /// One value per axis.
    pub values: Vec<AxisValue>,
    /// The base scenario with the values set.
    pub scenario: Scenario,
}

impl SweepPlan {
    /// Reads a sweep file; its scenario paths are relative to it.
    pub fn load(path: &Path) -> Result<SweepPlan> {
        let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
        let raw: RawSweep =
            toml::from_str(&text).map_err(|e| Error::file(path, format!("bad TOML: {e}")))?;
        let dir = path.parent().unwrap_or(Path::new("."));
        let load = |p: &Path| Scenario::load(&dir.join(p));
        let granularity = match raw.sweep.granularity.as_deref() {
            None | Some("monthly") => Granularity::Monthly,
            Some("receipt") => {
                return Err(Error::key(path, "sweep.granularity", RECEIPT_REFUSED));
            }
            Some(g) => {
                return Err(Error::key(
                    path,
                    "sweep.granularity",
                    format!("`{g}` is not monthly or receipt"),
                ))
            }
        };
        if raw.axis.is_empty() {
            return Err(Error::key(
                path,
                "axis",
                "a sweep needs at least one [[axis]]",
            ));
        }
        let axes = raw
            .axis
            .into_iter()
            .enumerate()
            .map(|(i, a)| {
                parse_axis(a).map_err(|(k, e)| Error::key(path, format!("axis[{i}].{k}"), e))
            })
            .collect::<Result<Vec<_>>>()?;
        let scenario = load(&raw.sweep.scenario)?;
        let rules = scenario.rules()?;
        for (i, axis) in axes.iter().enumerate() {
            if axes[..i].iter().any(|a| a.name == axis.name) {
                return Err(Error::key(
                    path,
                    format!("axis[{i}].name"),
                    format!(
                        "`{}` names two axes (each is a column of the summary)",
                        axis.name
                    ),
                ));
            }
            if let AxisKind::Override { item, .. } = &axis.kind {
                if !rules.has_item(item) {
                    return Err(Error::key(
                        path,
                        format!("axis[{i}].item"),
                        format!("item {item} is not in the rulebook"),
                    ));
                }
            }
        }
        let points = axes
            .iter()
            .try_fold(1usize, |n, a| n.checked_mul(a.values.len()));
        if points.is_none_or(|n| n > MAX_POINTS) {
            return Err(Error::key(
                path,
                "axis",
                format!(
                    "the grid has {} points, more than {MAX_POINTS}: split the sweep",
                    axes.iter()
                        .map(|a| a.values.len().to_string())
                        .collect::<Vec<_>>()
                        .join(" × ")
                ),
            ));
        }
        Ok(SweepPlan {
            name: raw.sweep.name,
            file: path.to_path_buf(),
            scenario,
            against: load(&raw.sweep.against)?,
            granularity,
            axes,
        })
    }

    /// Every grid point, in order (last axis fastest).
    pub fn points(&self) -> Result<Vec<Point>> {
        let total: usize = self.axes.iter().map(|a| a.values.len()).product();
        (0..total)
            .map(|index| {
                let mut rest = index;
                let mut values = vec![AxisValue::Number(Decimal::ZERO); self.axes.len()];
                for (k, axis) in self.axes.iter().enumerate().rev() {
                    values[k] = axis.values[rest % axis.values.len()].clone();
                    rest /= axis.values.len();
                }
                let mut scenario = self.scenario.clone();
                scenario.name = format!("{}[{index}]", self.name);
                for (axis, v) in self.axes.iter().zip(&values) {
                    apply(&mut scenario, axis, v).map_err(|e| {
                        Error::key(
                            &self.file,
                            format!("axis `{}` value {}", axis.name, v.label()),
                            e,
                        )
                    })?;
                }
                Ok(Point {
                    index,
                    values,
                    scenario,
                })
            })
            .collect()
    }
}

/// Sets one axis value on a scenario.
pub fn apply(sc: &mut Scenario, axis: &Axis, v: &AxisValue) -> Result<(), String> {
    let num = || match v {
        AxisValue::Number(d) => Ok(*d),
        AxisValue::Years(_) => Err("expects a number".to_string()),
    };
    match &axis.kind {
        AxisKind::Override { item, from, field } => {
            let rate = Some(Rate::from_decimal(num()?)?);
            let mut change = RuleChange {
                item: item.clone(),
                from: *from,
                central: None,
                province: None,
                prefecture: None,
            };
            match field {
                ShareField::Central => change.central = rate,
                ShareField::Province => change.province = rate,
                ShareField::Prefecture => change.prefecture = rate,
            }
            sc.overrides.push(change);
        }
        AxisKind::Indexation { method } => {
            let d = num()?;
            sc.indexation = match method.as_str() {
                "rate" => Indexation::Rate(to_ppm(d)?),
                "revenue_coefficient" => Indexation::RevenueCoefficient(to_ppm(d)?),
                "increment_share" => Indexation::IncrementShare(to_ppm(d)?),
                "phase_out_years" if d.fract().is_zero() => Indexation::PhaseOut(
                    u32::try_from(d.trunc().mantissa()).map_err(|_| "years out of range")?,
                ),
                "phase_out_years" => return Err(format!("`{d}` is not a whole number of years")),
                m => return Err(format!("unknown indexation method `{m}`")),
            }
            .validated()?;
        }
        AxisKind::BaseYears => match v {
            AxisValue::Years(y) => {
                crate::baseline::check_base_years(y)?;
                sc.base_years = Some(y.clone());
            }
            AxisValue::Number(_) => return Err("base_years values are lists of years".into()),
        },
        AxisKind::Growth { prefix } => {
            let p = sc
                .projection
                .as_mut()
                .ok_or("the scenario has no [projection] to vary")?;
            p.growth
                .insert(prefix.clone(), crate::scenario::checked_growth(num()?)?);
        }
    }
    Ok(())
}

fn parse_axis(a: RawAxis) -> Result<Axis, (String, String)> {
    let need = |v: Option<String>, k: &str| {
        v.ok_or_else(|| (k.to_string(), "is required for this kind".to_string()))
    };
    let kind = match a.kind.as_str() {
        "override" => {
            let field = match need(a.field, "field")?.as_str() {
                "central" => ShareField::Central,
                "province" => ShareField::Province,
                "prefecture" => ShareField::Prefecture,
                f => {
                    return Err((
                        "field".into(),
                        format!("`{f}` is not central, province or prefecture"),
                    ))
                }
            };
            let from =
                YearMonth::parse(&need(a.from, "from")?).map_err(|e| ("from".to_string(), e))?;
            AxisKind::Override {
                item: need(a.item, "item")?,
                from,
                field,
            }
        }
        "indexation" => AxisKind::Indexation {
            method: need(a.method, "method")?,
        },
        "base_years" => AxisKind::BaseYears,
        "growth" => AxisKind::Growth {
            prefix: need(a.prefix, "prefix")?,
        },
        k => {
            return Err((
                "kind".into(),
                format!("`{k}` is not override, indexation, base_years or growth"),
            ))
        }
    };
    let values = match (a.values, a.range, &kind) {
        (Some(v), None, AxisKind::BaseYears) => {
            let lists = v
                .as_array()
                .ok_or(("values".to_string(), "a list of year lists".to_string()))?;
            lists
                .iter()
                .map(|l| {
                    l.as_array()
                        .and_then(|ys| {
                            ys.iter()
                                .map(|y| y.as_integer().map(|y| y as i32))
                                .collect::<Option<Vec<_>>>()
                        })
                        .map(AxisValue::Years)
                        .ok_or((
                            "values".to_string(),
                            "each value is a list of years".to_string(),
                        ))
                })
                .collect::<Result<Vec<_>, _>>()?
        }
        (Some(v), None, _) => {
            let list = v.as_array().ok_or((
                "values".to_string(),
                "a list of decimal strings".to_string(),
            ))?;
            list.iter()
                .map(|x| match x {
                    toml::Value::String(s) => parse_decimal(s)
                        .map(AxisValue::Number)
                        .map_err(|e| ("values".to_string(), e)),
                    toml::Value::Integer(i) => Ok(AxisValue::Number(Decimal::from(*i))),
                    _ => Err((
                        "values".to_string(),
                        "values are decimal strings".to_string(),
                    )),
                })
                .collect::<Result<Vec<_>, _>>()?
        }
        (None, Some(r), k) if *k != AxisKind::BaseYears => {
            let d = |s: &str, k: &str| parse_decimal(s).map_err(|e| (format!("range.{k}"), e));
            let (start, stop, step) = (
                d(&r.start, "start")?,
                d(&r.stop, "stop")?,
                d(&r.step, "step")?,
            );
            if step <= Decimal::ZERO || stop < start {
                return Err(("range".into(), "needs start ≤ stop and step > 0".into()));
            }
            let mut out = Vec::new();
            let mut x = start;
            while x <= stop {
                out.push(AxisValue::Number(x));
                x += step;
                if out.len() > 100_000 {
                    return Err(("range".into(), "more than 100000 values".into()));
                }
            }
            out
        }
        _ => {
            return Err((
                "values".into(),
                "give either `values` or `range` (base_years: `values` only)".into(),
            ))
        }
    };
    if values.is_empty() {
        return Err(("values".into(), "an axis needs at least one value".into()));
    }
    Ok(Axis {
        name: a.name,
        kind,
        values,
    })
}
