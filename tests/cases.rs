//! Tests as data: every folder `tests/cases/<name>/` holding a `case.toml` is one test named
//! `<name>`. The case runs its scenario files (and, with `against`, compares them with a
//! reference) through the library's entry point, writes every output table as the CSV
//! writer writes it, and checks each `expected/<table>.csv` against it: key columns select
//! the row, every other cell given must be equal, as text (money `1234.56`; `(none)` for
//! an empty cell; an empty expected cell is not checked). Every failing
//! cell of a case is reported, not just the first. `tests/cases/README.md` says how to
//! write a case.
//!
//! Each case is its own test (through `libtest-mimic`), so `cargo test --test cases
//! mini-phase-out` runs one case and a failure names its folder.

use fencheng::engine::Engine;
use fencheng::report::comparison::comparison_tables;
use fencheng::report::{run_tables, Table};
use fencheng::scenario::compare::AnalysisOptions;
use fencheng::scenario::run::RunOptions;
use fencheng::split::Granularity;
use libtest_mimic::{Arguments, Failed, Trial};
use rust_decimal::Decimal;
use serde::Deserialize;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

const CASES: &str = "tests/cases";

/// An expected cell saying the output cell is empty (a per-capita figure without
/// residents); an empty expected cell is not checked.
const NONE: &str = "(none)";

/// The key columns of each output table: an expected row selects the output row whose
/// key cells equal its own (for the keys the expected file has).
const KEYS: &[(&str, &[&str])] = &[
    (
        "item_shares",
        &[
            "scenario",
            "fiscal_year",
            "month",
            "region_code",
            "item_code",
            "budget_level",
        ],
    ),
    ("baselines", &["scenario", "fiscal_year", "region_code"]),
    (
        "base_items",
        &["scenario", "region_code", "base_year", "line", "item_code"],
    ),
    ("settlement", &["scenario", "fiscal_year", "region_code"]),
    ("province", &["scenario", "fiscal_year"]),
    (
        "warnings",
        &["scenario", "fiscal_year", "region_code", "rule"],
    ),
    (
        "comparison",
        &["scenario", "reference", "fiscal_year", "region_code"],
    ),
    (
        "comparison_summary",
        &["scenario", "reference", "fiscal_year"],
    ),
    (
        "comparison_prefectures",
        &["scenario", "reference", "fiscal_year", "prefecture_code"],
    ),
    (
        "comparison_groups",
        &["scenario", "reference", "fiscal_year", "group"],
    ),
    (
        "comparison_totals",
        &["scenario", "reference", "region_code"],
    ),
    (
        "retention",
        &["scenario", "fiscal_year", "region_code", "item_code"],
    ),
];

/// `case.toml`: what to run. Paths are relative to the case folder.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CaseFile {
    /// What the case shows, in words.
    description: String,
    /// Scenario files to run (in the folder, or `../mini/…`).
    scenarios: Vec<PathBuf>,
    /// `receipt` (default), `monthly`, or both as a list: the same figures must hold for each.
    #[serde(default)]
    granularity: Granularities,
    /// The reference scenario: adds the comparison tables (`comparison`, …, `retention`).
    against: Option<PathBuf>,
    /// With `against`: the year of the income groups (default as `compare`).
    groups_year: Option<i32>,
    /// With `against`: the discount rate of `delta_present_value` (default 0.03).
    discount: Option<Decimal>,
    /// Tables whose expected file lists every output row: an output row it lacks fails.
    #[serde(default)]
    complete: Vec<String>,
    /// The run must fail with an error containing each of these words.
    expect_error: Option<Vec<String>>,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum Granularities {
    One(String),
    Many(Vec<String>),
}

impl Default for Granularities {
    fn default() -> Self {
        Granularities::One("receipt".into())
    }
}

impl Granularities {
    fn list(&self) -> Result<Vec<Granularity>, String> {
        let names = match self {
            Granularities::One(g) => std::slice::from_ref(g),
            Granularities::Many(v) => v.as_slice(),
        };
        names
            .iter()
            .map(|g| match g.as_str() {
                "receipt" => Ok(Granularity::Receipt),
                "monthly" => Ok(Granularity::Monthly),
                other => Err(format!(
                    "granularity `{other}`: write `receipt` or `monthly`"
                )),
            })
            .collect()
    }
}

/// An output table as its CSV file reads: the header and every row's cells.
struct Written {
    header: Vec<String>,
    rows: Vec<Vec<String>>,
}

fn main() {
    let args = Arguments::from_args();
    libtest_mimic::run(&args, trials()).exit();
}

/// One trial per case folder, sorted by name. A folder with `expected/` but no
/// `case.toml` fails (it would otherwise check nothing); a folder with neither holds
/// shared inputs (`mini/`).
fn trials() -> Vec<Trial> {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(CASES)
        .expect("tests/cases is readable")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    dirs.into_iter()
        .filter(|d| d.join("case.toml").exists() || d.join("expected").exists())
        .map(|dir| {
            let name = dir.file_name().unwrap().to_string_lossy().into_owned();
            Trial::test(name, move || run_case(&dir))
        })
        .collect()
}

fn run_case(dir: &Path) -> Result<(), Failed> {
    let case = read_case(dir)?;
    let expected = expected_files(dir)?;
    let mut failures: Vec<String> = case
        .complete
        .iter()
        .filter(|t| !expected.iter().any(|(e, _)| e == *t))
        .map(|t| {
            format!(
                "{}: `complete` names `{t}`, which has no expected file",
                dir.display()
            )
        })
        .collect();
    for g in case.granularity.list()? {
        let label = format!("{} [{}]", dir.display(), granularity_name(g));
        let outcome = run_outputs(&case, dir, g);
        match (&case.expect_error, outcome) {
            (Some(words), Err(e)) => {
                let e = e.to_string();
                for w in words.iter().filter(|w| !e.contains(w.as_str())) {
                    failures.push(format!("{label}: `{w}` is not in the error: {e}"));
                }
            }
            (Some(words), Ok(_)) => failures.push(format!(
                "{label}: the run succeeded; expected an error with {words:?}"
            )),
            (None, Err(e)) => failures.push(format!("{label}: the run failed: {e}")),
            (None, Ok(tables)) => {
                let written = write_and_read(&tables)?;
                for (table, path) in &expected {
                    let label = format!("{label} {table}.csv");
                    match written.iter().find(|(n, _)| n == table) {
                        Some((_, out)) => {
                            let complete = case.complete.contains(table);
                            let checked =
                                check_table(&label, path, table, out, complete, &mut failures);
                            if let Err(e) = checked {
                                failures.push(format!("{label}: {e}"));
                            }
                        }
                        None => failures.push(format!("{label}: the run writes no `{table}`")),
                    }
                }
            }
        }
    }
    if failures.is_empty() {
        Ok(())
    } else {
        Err(format!("{} failure(s):\n{}", failures.len(), failures.join("\n")).into())
    }
}

fn read_case(dir: &Path) -> Result<CaseFile, String> {
    let path = dir.join("case.toml");
    let text = std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
    let case: CaseFile = toml::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))?;
    if case.description.trim().is_empty() {
        return Err(format!("{}: `description` is empty", path.display()));
    }
    if case.against.is_none() && (case.groups_year.is_some() || case.discount.is_some()) {
        return Err(format!(
            "{}: `groups_year` and `discount` need `against`",
            path.display()
        ));
    }
    let has_expected = dir.join("expected").exists();
    match (&case.expect_error, has_expected) {
        (None, false) => Err(format!(
            "{}: no `expected/` folder and no `expect_error`: the case checks nothing",
            dir.display()
        )),
        (Some(_), true) => Err(format!(
            "{}: a case that expects an error has no `expected/` tables",
            dir.display()
        )),
        _ => Ok(case),
    }
}

/// `expected/<table>.csv` files, by table name; an unknown table name fails.
fn expected_files(dir: &Path) -> Result<Vec<(String, PathBuf)>, String> {
    let folder = dir.join("expected");
    if !folder.exists() {
        return Ok(Vec::new());
    }
    let mut files = Vec::new();
    for e in std::fs::read_dir(&folder).map_err(|e| format!("{}: {e}", folder.display()))? {
        let path = e.map_err(|e| e.to_string())?.path();
        let table = match (path.file_stem(), path.extension()) {
            (Some(stem), Some(ext)) if ext == "csv" => stem.to_string_lossy().into_owned(),
            _ => return Err(format!("{}: not a `<table>.csv` file", path.display())),
        };
        if !KEYS.iter().any(|(t, _)| *t == table) {
            return Err(format!(
                "{}: `{table}` is not an output table",
                path.display()
            ));
        }
        files.push((table, path));
    }
    files.sort();
    Ok(files)
}

fn granularity_name(g: Granularity) -> &'static str {
    match g {
        Granularity::Receipt => "receipt",
        Granularity::Monthly => "monthly",
    }
}

/// The case's output tables: the run's (`against` first, then the scenarios, as
/// `fencheng compare` orders them) and, with `against`, the comparison's.
fn run_outputs(case: &CaseFile, dir: &Path, g: Granularity) -> fencheng::Result<Vec<Table>> {
    let mut paths: Vec<PathBuf> = case.against.iter().map(|a| dir.join(a)).collect();
    paths.extend(case.scenarios.iter().map(|s| dir.join(s)));
    let scenarios = Engine::load_scenarios(&paths)?;
    let mut engine = Engine::new(Default::default());
    let opts = RunOptions {
        granularity: g,
        quarantine: false,
    };
    let results = engine.run(&scenarios, opts)?;
    let mut tables = run_tables(&results);
    if case.against.is_some() {
        let (reference, others) = results.split_first().expect("the reference ran");
        let defaults = AnalysisOptions::default();
        let opts = AnalysisOptions {
            groups_year: case.groups_year,
            discount: case.discount.unwrap_or(defaults.discount),
        };
        let analyses = Engine::compare(reference, others, opts)?;
        tables.extend(comparison_tables(&analyses, &results, &reference.regions));
    }
    Ok(tables)
}

/// Each table written by its own CSV writer into a temporary folder and read back.
fn write_and_read(tables: &[Table]) -> Result<Vec<(String, Written)>, String> {
    let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
    tables
        .iter()
        .map(|t| {
            t.write_csv(dir.path(), false).map_err(|e| e.to_string())?;
            let path = dir.path().join(format!("{}.csv", t.name));
            let mut r = csv::Reader::from_path(&path).map_err(|e| e.to_string())?;
            let header = r
                .headers()
                .map_err(|e| e.to_string())?
                .iter()
                .map(String::from)
                .collect();
            let rows = r
                .records()
                .map(|rec| rec.map(|rec| rec.iter().map(String::from).collect()))
                .collect::<Result<_, _>>()
                .map_err(|e| e.to_string())?;
            Ok((t.name.clone(), Written { header, rows }))
        })
        .collect()
}

/// Checks one expected file against its output table, pushing one line per failure.
fn check_table(
    label: &str,
    path: &Path,
    table: &str,
    out: &Written,
    complete: bool,
    failures: &mut Vec<String>,
) -> Result<(), String> {
    let mut reader = csv::ReaderBuilder::new()
        .comment(Some(b'#'))
        .trim(csv::Trim::All)
        .from_path(path)
        .map_err(|e| format!("{}: {e}", path.display()))?;
    let header: Vec<String> = reader
        .headers()
        .map_err(|e| format!("{}: {e}", path.display()))?
        .iter()
        .map(String::from)
        .collect();
    // each expected column's index in the output
    let mut at = Vec::new();
    for name in &header {
        match out.header.iter().position(|h| h == name) {
            Some(i) => at.push(i),
            None => {
                failures.push(format!(
                    "{label}: unknown column `{name}` (the table has {})",
                    out.header.join(", ")
                ));
                return Ok(());
            }
        }
    }
    let keys = KEYS
        .iter()
        .find(|(t, _)| *t == table)
        .map_or(&[][..], |k| k.1);
    let is_key: Vec<bool> = header.iter().map(|h| keys.contains(&h.as_str())).collect();
    let mut matched = BTreeSet::new();
    for rec in reader.records() {
        let rec = rec.map_err(|e| format!("{}: {e}", path.display()))?;
        let line = rec.position().map_or(0, |p| p.line());
        let key_text = (0..header.len())
            .filter(|&c| is_key[c])
            .map(|c| format!("{}={}", header[c], &rec[c]))
            .collect::<Vec<_>>()
            .join(", ");
        let here = format!("{label} line {line} ({key_text})");
        let rows: Vec<usize> = (0..out.rows.len())
            .filter(|&r| (0..header.len()).all(|c| !is_key[c] || out.rows[r][at[c]] == rec[c]))
            .collect();
        let [row] = rows[..] else {
            failures.push(match rows.len() {
                0 => format!("{here}: no output row has these keys"),
                n => format!("{here}: {n} output rows have these keys; give more key columns"),
            });
            continue;
        };
        matched.insert(row);
        for c in (0..header.len()).filter(|&c| !is_key[c] && !rec[c].is_empty()) {
            let got = &out.rows[row][at[c]];
            let want = if &rec[c] == NONE { "" } else { &rec[c] };
            if got != want {
                failures.push(format!(
                    "{here}: `{}` expected `{}`, got `{got}`",
                    header[c], &rec[c]
                ));
            }
        }
    }
    if complete {
        for (r, row) in out.rows.iter().enumerate() {
            if !matched.contains(&r) {
                let key_text = out
                    .header
                    .iter()
                    .zip(row)
                    .filter(|(h, _)| keys.contains(&h.as_str()))
                    .map(|(h, v)| format!("{h}={v}"))
                    .collect::<Vec<_>>()
                    .join(", ");
                failures.push(format!(
                    "{label}: output row ({key_text}) is missing from the expected file (`complete`)"
                ));
            }
        }
    }
    Ok(())
}
