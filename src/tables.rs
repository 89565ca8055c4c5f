//! Optional input tables: subsidies (市对县补助), fixed bases (划转基数 fixed before the
//! ledgers, e.g. the pilots'), tax rebates (返还性收入) and transfer payments (转移支付).
//! Each is a small CSV; amounts are yuan with at most 2 decimals.

use crate::baseline::FixedBase;
use crate::error::{Error, Result};
use crate::money::yuan_fen;
use crate::period::{FIRST_YEAR, LAST_YEAR};
use crate::regions::csv_reason;
use crate::regions::{RegionKind, RegionTable};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::Path;

/// Amounts in fen per (region code, fiscal year).
pub type AmountTable = BTreeMap<(String, i32), i64>;

/// Checks a table's year (the ledger's range) and stores one amount per key: a second row
/// for the same region and year is refused (a repeated export line would count twice).
fn put(
    out: &mut AmountTable,
    path: &Path,
    row: u64,
    (code, year): (String, i32),
    fen: i64,
) -> Result<()> {
    if !(FIRST_YEAR..=LAST_YEAR).contains(&year) {
        return Err(Error::row(
            path,
            row,
            format!("fiscal_year {year} is not a year in {FIRST_YEAR}–{LAST_YEAR}"),
        ));
    }
    if out.insert((code.clone(), year), fen).is_some() {
        return Err(Error::row(
            path,
            row,
            format!(
                "a second row for {code} in {year}: one row per region and year (sum them first)"
            ),
        ));
    }
    Ok(())
}

fn read<T: for<'de> Deserialize<'de>>(path: &Path) -> Result<Vec<(u64, T)>> {
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .from_path(path)
        .map_err(|e| Error::file(path, format!("cannot read: {e}")))?;
    reader
        .deserialize::<T>()
        .enumerate()
        .map(|(i, r)| {
            r.map(|v| (i as u64 + 1, v))
                .map_err(|e| Error::row(path, i as u64 + 1, csv_reason(&e)))
        })
        .collect()
}

fn known(
    regions: &RegionTable,
    path: &Path,
    row: u64,
    code: &str,
    kind: Option<RegionKind>,
) -> Result<()> {
    match regions.get(code) {
        Some(r) if kind.is_none_or(|k| k == r.kind) => Ok(()),
        Some(_) => Err(Error::row(
            path,
            row,
            format!(
                "region {code} is not a {}",
                kind.map_or("", RegionKind::as_str)
            ),
        )),
        None => Err(Error::row(path, row, format!("unknown region {code}"))),
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SubsidyRow {
    prefecture: String,
    county: String,
    fiscal_year: i32,
    amount: String,
}

/// Reads `subsidies.csv` into fen per (county, year); the prefecture must be the county's.
pub fn load_subsidies(path: &Path, regions: &RegionTable) -> Result<AmountTable> {
    let mut out = BTreeMap::new();
    for (row, r) in read::<SubsidyRow>(path)? {
        known(regions, path, row, &r.county, Some(RegionKind::County))?;
        let county = regions.get(&r.county).expect("checked");
        if regions.prefecture_of(county).map(|p| p.code.as_str()) != Some(r.prefecture.as_str()) {
            return Err(Error::row(
                path,
                row,
                format!(
                    "{} is not the prefecture of county {}",
                    r.prefecture, r.county
                ),
            ));
        }
        let fen = yuan(path, row, "amount", &r.amount)?;
        put(&mut out, path, row, (r.county, r.fiscal_year), fen)?;
    }
    Ok(out)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct BaseRow {
    county: String,
    from_year: i32,
    base: String,
}

/// Reads `bases.csv`: one fixed base per county.
pub fn load_bases(path: &Path, regions: &RegionTable) -> Result<BTreeMap<String, FixedBase>> {
    let mut out = BTreeMap::new();
    for (row, r) in read::<BaseRow>(path)? {
        known(regions, path, row, &r.county, Some(RegionKind::County))?;
        let base = yuan(path, row, "base", &r.base)?;
        if !(FIRST_YEAR..=LAST_YEAR).contains(&r.from_year) {
            return Err(Error::row(
                path,
                row,
                format!(
                    "from_year {} is not a year in {FIRST_YEAR}–{LAST_YEAR}",
                    r.from_year
                ),
            ));
        }
        let fb = FixedBase {
            county: r.county.clone(),
            from_year: r.from_year,
            base,
        };
        if out.insert(r.county.clone(), fb).is_some() {
            return Err(Error::row(
                path,
                row,
                format!("county {} has a second base", r.county),
            ));
        }
    }
    Ok(out)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct AmountRow {
    region_code: String,
    fiscal_year: i32,
    amount: String,
}

/// Reads `rebates.csv` or `transfers.csv` into fen per (region, year).
pub fn load_amounts(path: &Path, regions: &RegionTable) -> Result<AmountTable> {
    let mut out = BTreeMap::new();
    for (row, r) in read::<AmountRow>(path)? {
        known(regions, path, row, &r.region_code, None)?;
        if r.region_code == regions.province().code {
            return Err(Error::row(
                path,
                row,
                format!(
                    "region {} is the province: rebates and transfers are settled for \
                     prefectures and counties (the province has no statement)",
                    r.region_code
                ),
            ));
        }
        let fen = yuan(path, row, "amount", &r.amount)?;
        put(&mut out, path, row, (r.region_code, r.fiscal_year), fen)?;
    }
    Ok(out)
}

/// The optional tables a scenario names, loaded (absent ones empty): what the baselines
/// and statements take beyond the split.
#[derive(Clone, Debug, Default)]
pub struct SettlementTables {
    /// 市对县补助 per (county, year).
    pub subsidies: AmountTable,
    /// 返还性收入 per (region, year).
    pub rebates: AmountTable,
    /// 转移支付 per (region, year).
    pub transfers: AmountTable,
    /// Bases fixed before the ledgers (`bases.csv`), by county.
    pub fixed_bases: BTreeMap<String, FixedBase>,
}

impl SettlementTables {
    /// Loads the tables at the given paths (each optional).
    pub fn load(
        subsidies: Option<&Path>,
        bases: Option<&Path>,
        rebates: Option<&Path>,
        transfers: Option<&Path>,
        regions: &RegionTable,
    ) -> Result<SettlementTables> {
        let amounts = |p: Option<&Path>, f: fn(&Path, &RegionTable) -> Result<AmountTable>| {
            p.map(|p| f(p, regions))
                .transpose()
                .map(Option::unwrap_or_default)
        };
        Ok(SettlementTables {
            subsidies: amounts(subsidies, load_subsidies)?,
            rebates: amounts(rebates, load_amounts)?,
            transfers: amounts(transfers, load_amounts)?,
            fixed_bases: bases
                .map(|p| load_bases(p, regions))
                .transpose()?
                .unwrap_or_default(),
        })
    }
}

/// A table's amount in yuan → fen by the one yuan parser (blanks around it allowed); the
/// error quotes the column and the text.
fn yuan(path: &Path, row: u64, column: &'static str, text: &str) -> Result<i64> {
    yuan_fen(text.trim()).map_err(|problem| Error::Amount {
        file: path.to_path_buf(),
        row,
        column,
        text: text.to_string(),
        problem,
    })
}
