//! Item shares (分成明细): the split summed per year × month × region × item × budget level.
//! Two ways to get them: [`split_monthly`] splits each monthly total as one receipt (plain
//! Rust, for what-if work); [`split_receipts`] splits every ledger row with the polars
//! cascade and sums (what the treasury does). Both prove conservation per key.

use super::frame::{col as c, conservation_breach, with_split};
use super::{route, Cascade, Parts};
use crate::error::{Error, Result};
use crate::ledger::columns::*;
use crate::ledger::totals::{keys_frame, LedgerScan, MonthlyTotal, ShareKey};
use crate::regions::RegionTable;
use crate::rules::RuleSet;
use polars::prelude::*;
use std::collections::BTreeMap;

/// How finely receipts are split (spec "Granularity").
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Granularity {
    /// Every ledger row split on its own, as the treasury does.
    Receipt,
    /// Each monthly total per region × item × level split as one receipt.
    Monthly,
}

/// One row of `item_shares`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ShareRow {
    /// Year, month, region, item, level.
    pub key: ShareKey,
    /// Where the money went.
    pub parts: Parts,
    /// Receipts summed (1 per projected or monthly total row when split monthly).
    pub receipts: u64,
    /// A projected year (预测), not actual.
    pub projected: bool,
}

/// Routes a key under the scenario's regions and rules (an error names the key).
pub fn cascade_of(regions: &RegionTable, rules: &RuleSet, k: &ShareKey) -> Result<Cascade> {
    route(regions, rules, &k.region, &k.item, k.level, k.ym()).map_err(|p| {
        Error::Input(format!(
            "{} {}-{:02} item {} level {}: {}",
            k.region,
            k.year,
            k.month,
            k.item,
            k.level,
            p.reason()
        ))
    })
}

/// Splits each monthly total as one receipt.
pub fn split_monthly<'a>(
    totals: impl Iterator<Item = &'a MonthlyTotal>,
    regions: &RegionTable,
    rules: &RuleSet,
    projected: bool,
) -> Result<Vec<ShareRow>> {
    totals
        .map(|t| {
            let parts = cascade_of(regions, rules, &t.key)?.split(t.amount);
            if !parts.conserves() {
                return Err(Error::Check(format!(
                    "split of {:?} does not add up: {parts:?}",
                    t.key
                )));
            }
            Ok(ShareRow {
                key: t.key.clone(),
                parts,
                receipts: t.receipts,
                projected,
            })
        })
        .collect()
}

/// Splits every receipt of the ledger (rows without problems, keys in `totals`) with the
/// polars cascade, sums per key, and checks each key against its monthly total.
pub fn split_receipts<'a>(
    scan: &LedgerScan,
    totals: impl Iterator<Item = &'a MonthlyTotal>,
    regions: &RegionTable,
    rules: &RuleSet,
    excluded: Option<&Vec<(std::path::PathBuf, u64)>>,
) -> Result<Vec<ShareRow>> {
    let mut expected: BTreeMap<ShareKey, (i64, u64)> = BTreeMap::new();
    let mut rates: [Vec<i64>; 4] = Default::default();
    for t in totals {
        let cas = cascade_of(regions, rules, &t.key)?;
        for (v, r) in rates.iter_mut().zip([
            cas.central,
            cas.province,
            cas.prefecture,
            cas.prefecture_if_managed,
        ]) {
            v.push(r.ppm() as i64);
        }
        expected.insert(t.key.clone(), (t.amount, t.receipts));
    }
    let mut rate_df = keys_frame(expected.keys().map(|k| (k, "")))?.drop(PROBLEM)?;
    for (name, v) in [
        c::RATE_CENTRAL,
        c::RATE_PROVINCE,
        c::RATE_PREFECTURE,
        c::RATE_PREFECTURE_OLD,
    ]
    .iter()
    .zip(rates)
    {
        rate_df.with_column(Column::new((*name).into(), v))?;
    }
    let mut rows_in = scan.checked().filter(col(PROBLEM).is_null());
    if let Some(ex) = excluded {
        let ids: Vec<u32> = ex
            .iter()
            .filter_map(|(f, _)| {
                scan.files
                    .iter()
                    .position(|x| &x.path == f)
                    .map(|i| i as u32)
            })
            .collect();
        let rows: Vec<u64> = ex.iter().map(|(_, r)| *r).collect();
        let df = DataFrame::new_infer_height(vec![
            Column::new(FILE_ID.into(), ids),
            Column::new(ROW.into(), rows),
        ])?;
        rows_in = rows_in.with_column(col(ROW).cast(DataType::UInt64)).join(
            df.lazy(),
            [col(FILE_ID), col(ROW)],
            [col(FILE_ID), col(ROW)],
            JoinArgs::new(JoinType::Anti),
        );
    }
    let joined = rows_in
        .select(
            KEYS.map(col)
                .into_iter()
                .chain([col(c::AMOUNT_FEN)])
                .collect::<Vec<_>>(),
        )
        .join(
            rate_df.lazy(),
            KEYS.map(col),
            KEYS.map(col),
            JoinArgs::new(JoinType::Inner),
        );
    let mut aggs: Vec<Expr> = c::PARTS.iter().map(|p| col(*p).sum().alias(*p)).collect();
    aggs.push(len().cast(DataType::UInt64).alias(RECEIPTS));
    aggs.push(col("__breach").sum().alias("__breach"));
    let df = with_split(joined)
        .with_column(conservation_breach().alias("__breach"))
        .group_by(KEYS.map(col))
        .agg(aggs)
        .collect()?;
    let s = |n: &str| df.column(n).map(|c| c.as_materialized_series().clone());
    let (year, month, region, item, level) = (
        s(FISCAL_YEAR)?,
        s(MONTH)?,
        s(REGION_CODE)?,
        s(ITEM_CODE)?,
        s(BUDGET_LEVEL)?,
    );
    let (year, month, region, item, level) = (
        year.i32()?,
        month.i32()?,
        region.str()?,
        item.str()?,
        level.str()?,
    );
    let parts: Vec<Series> = c::PARTS.iter().map(|p| s(p)).collect::<PolarsResult<_>>()?;
    let parts: Vec<&Int64Chunked> = parts.iter().map(|p| p.i64()).collect::<PolarsResult<_>>()?;
    let receipts = s(RECEIPTS)?;
    let receipts = receipts.u64()?;
    let breach = s("__breach")?.cast(&DataType::UInt64)?;
    let breaches: u64 = breach.u64()?.sum().unwrap_or(0);
    if breaches > 0 {
        return Err(Error::Check(format!(
            "{breaches} receipt(s) split into parts that do not add up to the receipt"
        )));
    }
    let mut rows = Vec::with_capacity(df.height());
    for i in 0..df.height() {
        let key = ShareKey {
            year: year.get(i).unwrap_or_default(),
            month: month.get(i).unwrap_or_default() as u32,
            region: region.get(i).unwrap_or_default().to_string(),
            item: item.get(i).unwrap_or_default().to_string(),
            level: crate::ledger::BudgetLevel::parse(level.get(i).unwrap_or_default())
                .ok_or_else(|| Error::Check("level did not parse".into()))?,
        };
        let p = |j: usize| parts[j].get(i).unwrap_or(0);
        let parts = Parts {
            collected: p(0),
            to_central: p(1),
            to_province: p(2),
            to_prefecture: p(3),
            retained: p(4),
            prefecture_if_managed: p(5),
        };
        rows.push(ShareRow {
            key,
            parts,
            receipts: receipts.get(i).unwrap_or(0),
            projected: false,
        });
    }
    rows.sort_by(|a, b| a.key.cmp(&b.key));
    for r in &rows {
        match expected.remove(&r.key) {
            Some((amount, n))
                if amount == r.parts.collected && n == r.receipts && r.parts.conserves() => {}
            other => {
                return Err(Error::Check(format!(
                    "receipts of {:?}: split sums to {} fen in {} receipts, ledger total {:?}",
                    r.key, r.parts.collected, r.receipts, other
                )))
            }
        }
    }
    if let Some((k, v)) = expected.into_iter().next() {
        return Err(Error::Check(format!(
            "ledger key {k:?} ({v:?}) lost in the split"
        )));
    }
    Ok(rows)
}
