//! Runs one scenario end to end on an opened ledger: regime and rules → split (receipt or
//! monthly) → projection → baselines → settlement → checks. A pure function of its inputs,
//! so scenarios can run in parallel and give the same bytes on any thread count.

use super::projection::project;
use super::Scenario;
use crate::baseline::{compute_baselines, BaselineInputs, BaselineRow};
use crate::error::{Error, Result};
use crate::ledger::{LedgerScan, MonthlyTotal, ProblemKind, Rejects, RowProblem, ShareKey};
use crate::regions::RegionTable;
use crate::rules::RuleSet;
use crate::settlement::{
    region_years, settle, verify, CheckResult, ProvinceRow, SettlementInputs, SettlementRow,
};
use crate::split::{key_problems, split_monthly, split_receipts, Granularity, ShareRow};
use std::collections::{BTreeMap, BTreeSet};
use std::time::Instant;

/// How to run.
#[derive(Clone, Copy, Debug)]
pub struct RunOptions {
    /// Receipt-level (exact, as the treasury) or monthly totals.
    pub granularity: Granularity,
    /// Set bad rows aside instead of refusing the ledger.
    pub quarantine: bool,
}

/// Rows set aside by `--quarantine` (隔离行), per file and fiscal year.
pub use crate::ledger::Quarantined;

/// Everything one scenario produced.
pub struct ScenarioResult {
    /// The scenario as resolved.
    pub scenario: Scenario,
    /// Regions after the regime overlay.
    pub regions: RegionTable,
    /// Rules after the overrides.
    pub rules: RuleSet,
    /// Granularity used.
    pub granularity: Granularity,
    /// `item_shares`, sorted by key.
    pub shares: Vec<ShareRow>,
    /// `baselines`.
    pub baselines: Vec<BaselineRow>,
    /// `settlement`.
    pub settlement: Vec<SettlementRow>,
    /// `province`.
    pub province: Vec<ProvinceRow>,
    /// Checks run, all passed.
    pub checks: Vec<CheckResult>,
    /// Rejected rows (empty unless quarantined).
    pub rejects: Rejects,
    /// Quarantine summary.
    pub quarantined: Option<Quarantined>,
    /// Seconds per stage.
    pub timings: Vec<(String, f64)>,
    /// Last actual ledger year.
    pub last_actual_year: i32,
    /// The optional tables (subsidies, bases, rebates, transfers) as loaded, shared (a
    /// what-if's result holds the served tables without copying them).
    pub tables: std::sync::Arc<crate::tables::SettlementTables>,
}

struct Clock(Instant, Vec<(String, f64)>);
impl Clock {
    fn lap(&mut self, stage: &str) {
        self.1
            .push((stage.to_string(), self.0.elapsed().as_secs_f64()));
        self.0 = Instant::now();
    }
}

/// The tables a scenario reads besides its ledgers — regions and rulebook as their files
/// hold them, and the optional tables — read once, for many scenarios on the same files
/// (a what-if server answers every question on them without reading a file again).
#[derive(Clone)]
pub struct ReadTables {
    /// The region table as read (no regime applied).
    pub regions: RegionTable,
    /// The rulebook as read (no override applied).
    pub rules: RuleSet,
    /// Subsidies, bases, rebates, transfers, … as read.
    pub tables: std::sync::Arc<crate::tables::SettlementTables>,
}

impl ReadTables {
    /// Reads the files of `sc`.
    pub fn read(sc: &Scenario) -> Result<ReadTables> {
        let (regions, rules) = (
            RegionTable::load(&sc.regions)?,
            RuleSet::load(&sc.rulebook)?,
        );
        let tables = sc.tables(&regions)?;
        Ok(ReadTables {
            regions,
            rules,
            tables: tables.into(),
        })
    }
}

/// Runs `sc` on the opened ledger `scan`.
pub fn run_scenario(sc: &Scenario, scan: &LedgerScan, opts: RunOptions) -> Result<ScenarioResult> {
    let (regions, rules) = sc.regions_and_rules()?;
    run_with(sc, scan, opts, regions, rules, &|r| {
        sc.tables(r).map(std::sync::Arc::new)
    })
}

/// Runs `sc` on the opened ledger `scan` and on `read`, the tables of its files read
/// before (they must be the files `sc` names): the same result as [`run_scenario`].
pub fn run_scenario_on(
    sc: &Scenario,
    scan: &LedgerScan,
    opts: RunOptions,
    read: &ReadTables,
) -> Result<ScenarioResult> {
    let (regions, rules) = sc.regions_and_rules_on(&read.regions, &read.rules)?;
    run_with(sc, scan, opts, regions, rules, &|_| Ok(read.tables.clone()))
}

fn run_with(
    sc: &Scenario,
    scan: &LedgerScan,
    opts: RunOptions,
    regions: RegionTable,
    rules: RuleSet,
    tables: &dyn Fn(&RegionTable) -> Result<std::sync::Arc<crate::tables::SettlementTables>>,
) -> Result<ScenarioResult> {
    let mut clock = Clock(Instant::now(), scan.timings.clone());
    let bad_keys = key_problems(scan, &regions, &rules);
    let rejects = scan.rejects(&bad_keys)?;
    clock.lap("check ledger");
    if rejects.count() > 0 && !opts.quarantine {
        return Err(Error::Ledger {
            count: rejects.count(),
            summary: rejects.summary(3),
        });
    }
    let (totals, excluded) = good_totals(scan, &bad_keys, &rejects);
    let quarantined = (rejects.count() > 0).then(|| rejects.set_aside());
    let mut shares = match opts.granularity {
        Granularity::Monthly => split_monthly(totals.iter(), &regions, &rules, false)?,
        Granularity::Receipt => split_receipts(scan, totals.iter(), &regions, &rules, &excluded)?,
    };
    clock.lap("split");
    let facts = LedgerFacts::of(&totals)?;
    let last = facts.last;
    if let Some(p) = &sc.projection {
        check_growth_keys(sc, &facts)?;
        let projected = project(&totals, last, p)?;
        let abs = projected
            .iter()
            .map(|t| u128::from(t.amount.unsigned_abs()))
            .sum();
        check_projected_total(sc, abs)?;
        shares.extend(split_monthly(projected.iter(), &regions, &rules, true)?);
    }
    check_years(sc, &facts)?;
    clock.lap("project");
    let tables = tables(&regions)?;
    let (sums, projected) = region_years(&shares);
    let (baselines, settlement, province) = settle_sums(sc, &regions, &tables, &sums, &projected)?;
    clock.lap("baselines");
    // the split itself checked every receipt (or monthly total) and stops the run at the
    // first breach, so reaching here means the check held; recorded like the others
    let (units, what) = match opts.granularity {
        Granularity::Receipt => (
            shares.iter().map(|s| s.receipts).sum::<u64>(),
            "receipts (and projected totals)",
        ),
        Granularity::Monthly => (shares.len() as u64, "monthly totals"),
    };
    let mut checks = vec![CheckResult {
        name: "conservation per receipt split".into(),
        passed: true,
        detail: format!("{units} {what}, each split into parts adding up to it"),
    }];
    checks.extend(verify(&shares, &settlement, &province));
    if let Some(failed) = checks.iter().find(|c| !c.passed) {
        return Err(Error::Check(format!("{}: {}", failed.name, failed.detail)));
    }
    clock.lap("settlement");
    Ok(ScenarioResult {
        scenario: sc.clone(),
        regions,
        rules,
        granularity: opts.granularity,
        shares,
        baselines,
        settlement,
        province,
        checks,
        rejects,
        quarantined,
        timings: clock.1,
        last_actual_year: last,
        tables,
    })
}

/// What a scenario's growth keys and years are checked against: the ledger's years with
/// good rows and the item codes of its last year.
#[derive(Clone, Debug)]
pub struct LedgerFacts {
    /// Last actual ledger year.
    pub last: i32,
    /// Years with good rows.
    pub actual: BTreeSet<i32>,
    /// Item codes of the last year's good rows (what a growth key may match).
    pub last_items: BTreeSet<String>,
}

impl LedgerFacts {
    /// The facts of the good monthly totals.
    pub fn of(totals: &[MonthlyTotal]) -> Result<LedgerFacts> {
        let last = totals
            .iter()
            .map(|t| t.key.year)
            .max()
            .ok_or_else(|| Error::Input("the ledger has no good rows".into()))?;
        Ok(LedgerFacts {
            last,
            actual: totals.iter().map(|t| t.key.year).collect(),
            last_items: totals
                .iter()
                .filter(|t| t.key.year == last)
                .map(|t| t.key.item.clone())
                .collect(),
        })
    }
}

/// A growth key that matches no item grown would be a typo growing nothing.
pub fn check_growth_keys(sc: &Scenario, f: &LedgerFacts) -> Result<()> {
    let Some(p) = &sc.projection else {
        return Ok(());
    };
    for prefix in p.growth.keys().filter(|k| *k != "default") {
        if !f.last_items.iter().any(|i| i.starts_with(prefix.as_str())) {
            return Err(Error::key(
                &sc.file,
                format!("projection.growth.{prefix}"),
                format!("matches no item of the last ledger year {}", f.last),
            ));
        }
    }
    Ok(())
}

/// The projected receipts must stay within what fencheng sums exactly.
/// `abs`: Σ |amount| of the projected totals, in fen.
pub fn check_projected_total(sc: &Scenario, abs: u128) -> Result<()> {
    if abs > crate::ledger::pass::MAX_LEDGER_ABS_FEN {
        return Err(Error::key(
            &sc.file,
            "projection",
            format!(
                "the projected receipts add up to {} yuan in absolute value, more than \
                 the {} yuan fencheng sums exactly",
                abs / 100,
                crate::ledger::pass::MAX_LEDGER_ABS_FEN / 100
            ),
        ));
    }
    Ok(())
}

/// Every year to settle is in the ledgers (a year with no receipt would settle as all
/// zeros) or reached by the projection.
pub fn check_years(sc: &Scenario, f: &LedgerFacts) -> Result<()> {
    let last = f.last;
    if let Some(y) = sc
        .years
        .iter()
        .find(|&&y| y <= last && !f.actual.contains(&y))
    {
        let first = f.actual.first().copied().unwrap_or(last);
        return Err(Error::key(
            &sc.file,
            "scenario.years",
            format!("year {y} has no good rows in the ledgers (they hold {first}–{last})"),
        ));
    }
    let covered = sc.projection.as_ref().map_or(last, |p| p.through.max(last));
    if let Some(y) = sc.years.iter().find(|&&y| y > covered) {
        return Err(Error::key(
            &sc.file,
            "scenario.years",
            format!("year {y} is after the last ledger year {last} and no [projection] reaches it"),
        ));
    }
    Ok(())
}

/// The baselines, statements and province roll-up of `sc` from its region-year sums of
/// item shares (`projected`: the projected years).
pub fn settle_sums(
    sc: &Scenario,
    regions: &RegionTable,
    tables: &crate::tables::SettlementTables,
    sums: &BTreeMap<(String, i32), crate::split::Parts>,
    projected: &BTreeSet<i32>,
) -> Result<(Vec<BaselineRow>, Vec<SettlementRow>, Vec<ProvinceRow>)> {
    let baselines = compute_baselines(&BaselineInputs {
        regions,
        county_years: sums,
        subsidies: &tables.subsidies,
        fixed_bases: &tables.fixed_bases,
        base_years: sc.base_years.as_deref(),
        indexation: sc.indexation,
        years: &sc.years,
    })?;
    let (settlement, province) = settle(&SettlementInputs {
        regions,
        sums,
        projected,
        baselines: &baselines,
        rebates: &tables.rebates,
        transfers: &tables.transfers,
        subsidies: &tables.subsidies,
        special_transfers: &tables.special_transfers,
        remits: &tables.remits,
        adjustments: &tables.adjustments,
        advances: &tables.advances,
        years: &sc.years,
    });
    Ok((baselines, settlement, province))
}

/// Monthly totals without bad keys and without rows rejected one by one (duplicate
/// vouchers), plus those rows as (key, fen) for the receipt split to leave out.
fn good_totals(
    scan: &LedgerScan,
    bad_keys: &BTreeMap<ShareKey, RowProblem>,
    rejects: &Rejects,
) -> (Vec<MonthlyTotal>, Vec<(ShareKey, i64)>) {
    let bad: BTreeSet<ShareKey> = bad_keys.keys().cloned().collect();
    let mut totals: Vec<MonthlyTotal> = scan.good_totals(&bad).cloned().collect();
    let excluded: Vec<(ShareKey, i64)> = rejects
        .rows
        .iter()
        .filter(|r| r.has(ProblemKind::DuplicateVoucher))
        .filter_map(|r| Some((r.key.clone()?, r.fen?)))
        .collect();
    if excluded.is_empty() {
        return (totals, excluded);
    }
    let mut minus: BTreeMap<&ShareKey, (i64, u64)> = BTreeMap::new();
    for (key, fen) in &excluded {
        let e = minus.entry(key).or_default();
        e.0 += fen;
        e.1 += 1;
    }
    for t in &mut totals {
        if let Some((a, n)) = minus.get(&t.key) {
            t.amount -= a;
            t.receipts -= n;
        }
    }
    totals.retain(|t| t.receipts > 0);
    (totals, excluded)
}
