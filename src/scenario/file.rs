//! Scenario files (情景): TOML with `extends` chains. Each file's paths are made absolute
//! relative to that file, then the chain is merged parent-first (tables key by key, arrays
//! replaced, `[[override]]` lists appended) and validated into a [`Scenario`].

use super::{DataNature, Projection, RegimeChange, Scenario};
use crate::baseline::{to_ppm, Indexation};
use crate::error::{Error, Result};
use crate::money::{parse_decimal, Rate};
use crate::period::YearMonth;
use crate::rules::RuleChange;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use toml::{Table, Value};

/// The `[scenario]` keys that hold paths (relative to their file), `ledgers` a list.
pub const PATH_KEYS: [&str; 10] = [
    "regions",
    "rulebook",
    "subsidies",
    "bases",
    "rebates",
    "transfers",
    "remits",
    "adjustments",
    "advances",
    "ledgers",
];

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawScenarioFile {
    scenario: RawHeader,
    #[serde(default)]
    regime: Option<RawRegime>,
    #[serde(default, rename = "override")]
    overrides: Vec<RawOverride>,
    #[serde(default)]
    baseline: Option<RawBaseline>,
    #[serde(default)]
    projection: Option<RawProjection>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawHeader {
    name: String,
    #[serde(default)]
    description: Option<String>,
    #[serde(default)]
    data_nature: Option<String>,
    #[serde(default)]
    data_note: Option<String>,
    regions: PathBuf,
    ledgers: Vec<PathBuf>,
    rulebook: PathBuf,
    years: Vec<i32>,
    #[serde(default)]
    subsidies: Option<PathBuf>,
    #[serde(default)]
    bases: Option<PathBuf>,
    #[serde(default)]
    rebates: Option<PathBuf>,
    #[serde(default)]
    transfers: Option<PathBuf>,
    #[serde(default)]
    remits: Option<PathBuf>,
    #[serde(default)]
    adjustments: Option<PathBuf>,
    #[serde(default)]
    advances: Option<PathBuf>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRegime {
    #[serde(default)]
    all_direct_from: Option<String>,
    #[serde(default)]
    cancel_from: Option<String>,
    #[serde(default)]
    county: BTreeMap<String, String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawOverride {
    item: String,
    from: String,
    #[serde(default, deserialize_with = "crate::money::opt_decimal_text")]
    central: Option<String>,
    #[serde(default, deserialize_with = "crate::money::opt_decimal_text")]
    province: Option<String>,
    #[serde(default, deserialize_with = "crate::money::opt_decimal_text")]
    prefecture: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawBaseline {
    #[serde(default)]
    base_years: Option<Vec<i32>>,
    #[serde(default)]
    indexation: Option<RawIndexation>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawIndexation {
    #[serde(default)]
    fixed: Option<bool>,
    #[serde(default, deserialize_with = "crate::money::opt_decimal_text")]
    rate: Option<String>,
    #[serde(default, deserialize_with = "crate::money::opt_decimal_text")]
    revenue_coefficient: Option<String>,
    #[serde(default)]
    phase_out_years: Option<u32>,
    #[serde(default, deserialize_with = "crate::money::opt_decimal_text")]
    increment_share: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawProjection {
    through: i32,
    #[serde(default, deserialize_with = "crate::money::decimal_text_map")]
    growth: BTreeMap<String, String>,
}

/// Reads a scenario file with its `extends` chain into one merged TOML table; also returns
/// the files read (canonical paths), the scenario's own first.
pub fn load_merged(path: &Path) -> Result<(Table, Vec<PathBuf>)> {
    let mut chain = Vec::new();
    let table = load_chain(path, &mut chain)?;
    Ok((table, chain))
}

fn load_chain(path: &Path, seen: &mut Vec<PathBuf>) -> Result<Table> {
    let canon = path
        .canonicalize()
        .map_err(|e| Error::file(path, format!("cannot open scenario: {e}")))?;
    if seen.contains(&canon) {
        let cycle: Vec<String> = seen
            .iter()
            .chain([&canon])
            .map(|p| p.display().to_string())
            .collect();
        return Err(Error::key(
            path,
            "scenario.extends",
            format!("extends cycle: {}", cycle.join(" → ")),
        ));
    }
    seen.push(canon.clone());
    let text = std::fs::read_to_string(&canon).map_err(|e| Error::io(path, e))?;
    let mut table: Table =
        toml::from_str(&text).map_err(|e| Error::file(path, format!("bad TOML: {e}")))?;
    let dir = canon.parent().unwrap_or(Path::new(".")).to_path_buf();
    let header = table.get_mut("scenario").and_then(Value::as_table_mut);
    let mut parent = None;
    if let Some(h) = header {
        for key in PATH_KEYS {
            if let Some(v) = h.get_mut(key) {
                absolutize(v, &dir);
            }
        }
        if let Some(ext) = h.remove("extends") {
            let rel = ext
                .as_str()
                .ok_or_else(|| Error::key(path, "scenario.extends", "must be a path string"))?;
            parent = Some(load_chain(&dir.join(rel), seen).map_err(|e| match e {
                Error::File { file, reason } if reason.starts_with("cannot open") => Error::key(
                    path,
                    "scenario.extends",
                    format!("{}: {reason}", file.display()),
                ),
                other => other,
            })?);
        }
    }
    Ok(match parent {
        Some(mut p) => {
            // a description speaks of its own file's scenario: never inherited
            if let Some(h) = p.get_mut("scenario").and_then(Value::as_table_mut) {
                h.remove("description");
            }
            merge(p, table)
        }
        None => table,
    })
}

/// The keys an overlay (a what-if on top of a scenario, 情景叠加) may hold: the tables of a
/// scenario file that change rules, regime, base or projection, and `scenario.name` /
/// `scenario.description` / `scenario.years`.
pub const OVERLAY_KEYS: [&str; 5] = ["scenario", "override", "regime", "baseline", "projection"];

/// The scenario of `path` with `overlay` merged over it as a child file would be (its
/// `override` list appended). Errors name the overlay's own keys: `override[0].province`
/// is the overlay's first override whatever the scenario already holds.
pub fn load_with_overlay(path: &Path, overlay: &Table) -> Result<(Table, Vec<PathBuf>)> {
    let (base, chain) = load_merged(path)?;
    Ok((overlay_on(path, base, overlay)?, chain))
}

/// `overlay` merged over `base`, the merged table of the scenario file `path` (read once
/// by [`load_merged`]); errors as [`load_with_overlay`].
pub fn overlay_on(path: &Path, base: Table, overlay: &Table) -> Result<Table> {
    for k in overlay.keys() {
        if !OVERLAY_KEYS.contains(&k.as_str()) {
            return Err(Error::key(
                path,
                k,
                format!(
                    "`{k}` is not a key of an overlay (one of {})",
                    OVERLAY_KEYS.join(", ")
                ),
            ));
        }
    }
    if let Some(h) = overlay.get("scenario") {
        let allowed = ["name", "description", "years"];
        match h.as_table() {
            Some(h) => {
                if let Some(k) = h.keys().find(|k| !allowed.contains(&k.as_str())) {
                    return Err(Error::key(
                        path,
                        format!("scenario.{k}"),
                        format!(
                            "an overlay may set scenario.{} only (the inputs are the served scenario's)",
                            allowed.join(", scenario.")
                        ),
                    ));
                }
            }
            None => return Err(Error::key(path, "scenario", "must be a table")),
        }
    }
    // the overlay alone on the scenario's header: its own indices in errors
    let mut alone = overlay.clone();
    let mut header = base
        .get("scenario")
        .cloned()
        .unwrap_or(Value::Table(Table::new()));
    if let (Some(h), Some(Value::Table(o))) = (header.as_table_mut(), overlay.get("scenario")) {
        for (k, v) in o {
            h.insert(k.clone(), v.clone());
        }
    }
    alone.insert("scenario".into(), header);
    parse(path, alone)?;
    Ok(merge(base, overlay.clone()))
}

fn absolutize(v: &mut Value, dir: &Path) {
    match v {
        // a glob stays a glob only in its own part: the folder it is relative to is
        // escaped (a folder named `数据 [2022]` must not be read as a pattern)
        Value::String(s) if s.contains(['*', '?', '[']) && Path::new(&*s).is_relative() => {
            let folder = glob::Pattern::escape(&dir.to_string_lossy());
            *s = Path::new(&folder).join(&*s).to_string_lossy().into_owned();
        }
        Value::String(s) => *s = dir.join(&*s).to_string_lossy().into_owned(),
        Value::Array(items) => items.iter_mut().for_each(|i| absolutize(i, dir)),
        _ => {}
    }
}

/// Child over parent: tables merged key by key, `override` lists appended, the
/// `indexation` table and every other value replaced.
fn merge(mut parent: Table, child: Table) -> Table {
    for (k, v) in child {
        match (parent.remove(&k), v) {
            (Some(Value::Array(mut a)), Value::Array(b)) if k == "override" => {
                a.extend(b);
                parent.insert(k, Value::Array(a));
            }
            (Some(Value::Table(a)), Value::Table(b)) if k != "indexation" => {
                parent.insert(k, Value::Table(merge(a, b)));
            }
            (_, v) => {
                parent.insert(k, v);
            }
        }
    }
    parent
}

/// A key of the wrong type, missing or unknown, named by its dotted path
/// (`override[0].province`, an unknown key by its own name: `baseline.indexaton`).
fn shape_error(path: &Path, e: serde_path_to_error::Error<toml::de::Error>) -> Error {
    let key = e.path().to_string();
    // the first line: the key path says where, better than the parser's own context
    let reason = e.inner().to_string();
    let reason = reason.lines().next().unwrap_or_default().trim().to_string();
    if key == "." {
        return Error::file(path, format!("bad scenario: {reason}"));
    }
    Error::key(path, key, reason)
}

/// Validates a merged scenario table.
pub fn parse(path: &Path, table: Table) -> Result<Scenario> {
    let raw: RawScenarioFile =
        serde_path_to_error::deserialize(Value::Table(table)).map_err(|e| shape_error(path, e))?;
    let key = |k: &str, e: String| Error::key(path, k, e);
    let ym = |k: &str, v: &str| YearMonth::parse(v).map_err(|e| key(k, e));
    let mut regime = RegimeChange::default();
    if let Some(r) = raw.regime {
        regime.all_direct_from = r
            .all_direct_from
            .as_deref()
            .map(|v| ym("regime.all_direct_from", v))
            .transpose()?;
        regime.cancel_from = r
            .cancel_from
            .as_deref()
            .map(|v| ym("regime.cancel_from", v))
            .transpose()?;
        for (code, date) in r.county {
            let k = format!("regime.county.{code}");
            let d = if date.is_empty() {
                None
            } else {
                Some(ym(&k, &date)?)
            };
            regime.county.insert(code, d);
        }
    }
    let mut overrides = Vec::new();
    for (i, o) in raw.overrides.into_iter().enumerate() {
        let k = |f: &str| format!("override[{i}].{f}");
        let rate = |f: &str, v: &Option<String>| {
            v.as_deref()
                .map(Rate::parse)
                .transpose()
                .map_err(|e| key(&k(f), e))
        };
        let change = RuleChange {
            from: ym(&k("from"), &o.from)?,
            central: rate("central", &o.central)?,
            province: rate("province", &o.province)?,
            prefecture: rate("prefecture", &o.prefecture)?,
            item: o.item,
        };
        if change.central.is_none() && change.province.is_none() && change.prefecture.is_none() {
            return Err(key(
                &k("item"),
                "an override changes at least one of central, province, prefecture".into(),
            ));
        }
        overrides.push(change);
    }
    let (base_years, indexation) = match raw.baseline {
        None => (None, Indexation::Fixed),
        Some(b) => (
            b.base_years,
            parse_indexation(b.indexation).map_err(|e| key("baseline.indexation", e))?,
        ),
    };
    if let Some(Err(e)) = base_years.as_deref().map(crate::baseline::check_base_years) {
        return Err(key("baseline.base_years", e));
    }
    let projection = match raw.projection {
        None => None,
        Some(p) => {
            if !(1994..=2040).contains(&p.through) {
                return Err(key(
                    "projection.through",
                    format!("{} is outside 1994–2040", p.through),
                ));
            }
            let mut growth = BTreeMap::new();
            for (prefix, g) in p.growth {
                let d = parse_decimal(&g)
                    .and_then(super::checked_growth)
                    .map_err(|e| key(&format!("projection.growth.{prefix}"), e))?;
                if prefix != "default"
                    && !(prefix.len() >= 3 && prefix.bytes().all(|b| b.is_ascii_digit()))
                {
                    return Err(key(
                        &format!("projection.growth.{prefix}"),
                        "keys are `default` or an item code prefix".into(),
                    ));
                }
                growth.insert(prefix, d);
            }
            Some(Projection {
                through: p.through,
                growth,
            })
        }
    };
    let h = raw.scenario;
    if h.years.is_empty() {
        return Err(key("scenario.years", "needs at least one year".into()));
    }
    if h.ledgers.is_empty() {
        return Err(key(
            "scenario.ledgers",
            "needs at least one file, folder or glob".into(),
        ));
    }
    let data_nature = h
        .data_nature
        .as_deref()
        .map(|v| DataNature::parse(v).map_err(|e| key("scenario.data_nature", e)))
        .transpose()?;
    let mut years = h.years;
    years.sort();
    years.dedup();
    Ok(Scenario {
        name: h.name,
        description: h.description,
        data_nature,
        data_note: h.data_note,
        file: path.to_path_buf(),
        extends: Vec::new(),
        regions: h.regions,
        ledgers: h.ledgers,
        rulebook: h.rulebook,
        years,
        subsidies: h.subsidies,
        bases: h.bases,
        rebates: h.rebates,
        transfers: h.transfers,
        remits: h.remits,
        adjustments: h.adjustments,
        advances: h.advances,
        regime,
        overrides,
        base_years,
        indexation,
        projection,
    })
}

fn parse_indexation(raw: Option<RawIndexation>) -> Result<Indexation, String> {
    let Some(r) = raw else {
        return Ok(Indexation::Fixed);
    };
    let ppm = |s: &str| parse_decimal(s).and_then(to_ppm);
    let set = [
        r.fixed.is_some(),
        r.rate.is_some(),
        r.revenue_coefficient.is_some(),
        r.phase_out_years.is_some(),
        r.increment_share.is_some(),
    ];
    if set.iter().filter(|b| **b).count() != 1 {
        return Err("give exactly one of fixed, rate, revenue_coefficient, phase_out_years, increment_share".into());
    }
    let ix = if let Some(f) = r.fixed {
        if !f {
            return Err("`fixed = false` means nothing: choose another indexation".into());
        }
        Indexation::Fixed
    } else if let Some(v) = r.rate {
        Indexation::Rate(ppm(&v)?)
    } else if let Some(v) = r.revenue_coefficient {
        Indexation::RevenueCoefficient(ppm(&v)?)
    } else if let Some(n) = r.phase_out_years {
        Indexation::PhaseOut(n)
    } else {
        Indexation::IncrementShare(ppm(r.increment_share.as_deref().unwrap_or_default())?)
    };
    ix.validated()
}
