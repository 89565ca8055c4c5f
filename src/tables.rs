//! Optional input tables: subsidies (市对县补助), fixed bases (划转基数 fixed before the
//! ledgers, e.g. the pilots'), tax rebates (返还性收入) and transfer payments (转移支付).
//! Each is a small CSV; amounts are yuan with at most 2 decimals.

use crate::error::{Error, Result};
use crate::money::yuan_fen;
use crate::period::{FIRST_YEAR, LAST_YEAR};
use crate::regions::csv_reason;
use crate::regions::{RegionKind, RegionTable};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::Path;

/// A base fixed before the ledgers begin (`bases.csv`), e.g. a pilot county's.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FixedBase {
    /// County code.
    pub county: String,
    /// Year from which the base holds (the switch year).
    pub from_year: i32,
    /// The base, in fen (counts as `shared_base`).
    pub base: i64,
}

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
            // rows as an editor shows them: the header is row 1
            r.map(|v| (i as u64 + 2, v))
                .map_err(|e| Error::row(path, i as u64 + 2, csv_reason(&e)))
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
    #[serde(default)]
    kind: Option<String>,
}

/// Amounts in fen per (region code, fiscal year, kind).
pub type KindTable = BTreeMap<(String, i32, String), i64>;

/// The kinds of 返还性收入 a `rebates.csv` row may name (`kind` column); without the
/// column a row is `其他`.
pub const REBATE_KINDS: [&str; 4] = [
    "增值税和消费税返还",
    "所得税基数返还",
    "成品油税费改革返还",
    "其他",
];
/// The kinds of 转移支付 a `transfers.csv` row may name; without the column a row is
/// `一般性`. `专项` transfers are left out of `disposable`.
pub const TRANSFER_KINDS: [&str; 3] = ["一般性", "共同财政事权", "专项"];
/// The transfer kind `disposable` leaves out (专项转移支付).
pub const SPECIAL_TRANSFERS: &str = "专项";

/// One checked row of a region-year table: a prefecture or county and its amount.
fn amount_row(regions: &RegionTable, path: &Path, row: u64, r: &AmountRow) -> Result<i64> {
    known(regions, path, row, &r.region_code, None)?;
    if r.region_code == regions.province().code {
        return Err(Error::row(
            path,
            row,
            format!(
                "region {} is the province: these amounts are settled for prefectures and \
                 counties (the province has no statement)",
                r.region_code
            ),
        ));
    }
    yuan(path, row, "amount", &r.amount)
}

/// Reads a region-year table without kinds (`remits.csv`, `adjustments.csv`,
/// `advances.csv`) into fen per (region, year).
pub fn load_amounts(path: &Path, regions: &RegionTable) -> Result<AmountTable> {
    let mut out = BTreeMap::new();
    for (row, r) in read::<AmountRow>(path)? {
        let fen = amount_row(regions, path, row, &r)?;
        if let Some(k) = &r.kind {
            return Err(Error::row(
                path,
                row,
                format!("kind `{k}`: this table has no kind column"),
            ));
        }
        put(&mut out, path, row, (r.region_code, r.fiscal_year), fen)?;
    }
    Ok(out)
}

/// Reads `rebates.csv` or `transfers.csv` (optional `kind` column, one of `kinds`;
/// `default` without it) into fen per (region, year, kind): one row per key.
pub fn load_kinds(
    path: &Path,
    regions: &RegionTable,
    kinds: &[&str],
    default: &str,
) -> Result<KindTable> {
    let mut out = BTreeMap::new();
    for (row, r) in read::<AmountRow>(path)? {
        let fen = amount_row(regions, path, row, &r)?;
        let kind = r.kind.clone().unwrap_or_else(|| default.to_string());
        if !kinds.contains(&kind.as_str()) {
            return Err(Error::row(
                path,
                row,
                format!("kind `{kind}` is not one of {}", kinds.join(", ")),
            ));
        }
        if !(FIRST_YEAR..=LAST_YEAR).contains(&r.fiscal_year) {
            return Err(Error::row(
                path,
                row,
                format!(
                    "fiscal_year {} is not a year in {FIRST_YEAR}–{LAST_YEAR}",
                    r.fiscal_year
                ),
            ));
        }
        let key = (r.region_code.clone(), r.fiscal_year, kind.clone());
        if out.insert(key, fen).is_some() {
            return Err(Error::row(
                path,
                row,
                format!(
                    "a second row for {} in {} of kind `{kind}`: one row per region, year \
                     and kind (sum them first)",
                    r.region_code, r.fiscal_year
                ),
            ));
        }
    }
    Ok(out)
}

/// Region-year totals of a table by kind, over the kinds `keep` accepts.
pub fn kind_totals(table: &KindTable, keep: impl Fn(&str) -> bool) -> AmountTable {
    let mut out = AmountTable::new();
    for ((code, year, kind), v) in table {
        if keep(kind) {
            *out.entry((code.clone(), *year)).or_default() += v;
        }
    }
    out
}

/// A county's annual subsidy `T(y)` from its prefecture (市对县补助, the subsidy of a full
/// prefecture-managed year): its `subsidies.csv` amount for `year`, or, when the table has
/// no row for that year, the amount of its latest earlier row, held flat (in actual and
/// projected years alike); 0 when it has none. The one definition of a year's subsidy:
/// the base's subsidy part (补助基数) and the settlement's subsidy flow both read it.
pub fn annual_subsidy(subsidies: &AmountTable, county: &str, year: i32) -> i64 {
    annual_subsidy_of(&region_rows(subsidies, county), year)
}

/// [`annual_subsidy`] from the county's rows of the table (year, amount), in year order
/// ([`region_rows`], [`ByRegion::of`]): the latest row up to `year`.
pub fn annual_subsidy_of(rows: &[(i32, i64)], year: i32) -> i64 {
    let after = rows.partition_point(|&(y, _)| y <= year);
    after.checked_sub(1).map_or(0, |i| rows[i].1)
}

/// One region's rows of a region-year table, (year, value) in year order.
pub fn region_rows<T: Copy>(table: &BTreeMap<(String, i32), T>, region: &str) -> Vec<(i32, T)> {
    let region = region.to_string();
    table
        .range((region.clone(), i32::MIN)..=(region, i32::MAX))
        .map(|((_, y), v)| (*y, *v))
        .collect()
}

/// A region-year table laid out by region, in the order of a [`RegionTable`] (by code):
/// each region's rows (year, value) in year order, one slice. A loop over every region and
/// year (the settlement) reads it by index instead of searching the table by text key at
/// each step. Rows of codes the region table does not hold are left out (no region asks
/// for them).
pub struct ByRegion<T> {
    /// Where each region's rows start in `rows`, and their end (one more than regions).
    starts: Vec<usize>,
    rows: Vec<(i32, T)>,
}

impl<T: Copy> ByRegion<T> {
    /// Lays `table` out by the regions of `regions`: both are in code order, so one merge
    /// of the two lists.
    pub fn new(table: &BTreeMap<(String, i32), T>, regions: &RegionTable) -> ByRegion<T> {
        let regions = regions.all();
        let mut starts = Vec::with_capacity(regions.len() + 1);
        let mut rows = Vec::with_capacity(table.len());
        let mut entries = table.iter().peekable();
        for r in regions {
            // rows of a code the region table lacks are passed over
            while entries.next_if(|((c, _), _)| *c < r.code).is_some() {}
            starts.push(rows.len());
            while let Some(((_, y), v)) = entries.next_if(|((c, _), _)| *c == r.code) {
                rows.push((*y, *v));
            }
        }
        starts.push(rows.len());
        ByRegion { starts, rows }
    }

    /// The rows of the region at `index` ([`RegionTable::index_of`]), (year, value) in
    /// year order.
    pub fn of(&self, index: usize) -> &[(i32, T)] {
        match (self.starts.get(index), self.starts.get(index + 1)) {
            (Some(&a), Some(&b)) => &self.rows[a..b],
            _ => &[],
        }
    }

    /// The value of the region at `index` in `year`, if the table has one.
    pub fn at(&self, index: usize, year: i32) -> Option<T> {
        let rows = self.of(index);
        rows.binary_search_by_key(&year, |&(y, _)| y)
            .ok()
            .map(|i| rows[i].1)
    }
}

/// Where the optional tables are (each optional).
#[derive(Clone, Copy, Debug, Default)]
pub struct TablePaths<'a> {
    /// `subsidies.csv`.
    pub subsidies: Option<&'a Path>,
    /// `bases.csv`.
    pub bases: Option<&'a Path>,
    /// `rebates.csv`.
    pub rebates: Option<&'a Path>,
    /// `transfers.csv`.
    pub transfers: Option<&'a Path>,
    /// `remits.csv` (专项上解).
    pub remits: Option<&'a Path>,
    /// `adjustments.csv` (结算补助 + / 结算上解 −).
    pub adjustments: Option<&'a Path>,
    /// `advances.csv` (已预拨).
    pub advances: Option<&'a Path>,
}

/// The optional tables a scenario names, loaded (absent ones empty): what the baselines
/// and statements take beyond the split.
#[derive(Clone, Debug, Default)]
pub struct SettlementTables {
    /// 市对县补助 per (county, year).
    pub subsidies: AmountTable,
    /// 返还性收入 per (region, year), all kinds.
    pub rebates: AmountTable,
    /// 转移支付 per (region, year), all kinds.
    pub transfers: AmountTable,
    /// 返还性收入 per (region, year, kind).
    pub rebates_by_kind: KindTable,
    /// 转移支付 per (region, year, kind).
    pub transfers_by_kind: KindTable,
    /// 专项转移支付 per (region, year): the `专项` kind of `transfers`.
    pub special_transfers: AmountTable,
    /// 专项上解 per (region, year).
    pub remits: AmountTable,
    /// 结算补助 (positive) or 结算上解 (negative) per (region, year).
    pub adjustments: AmountTable,
    /// 已预拨: paid out to the region during the year, per (region, year).
    pub advances: AmountTable,
    /// Bases fixed before the ledgers (`bases.csv`), by county.
    pub fixed_bases: BTreeMap<String, FixedBase>,
}

impl SettlementTables {
    /// Loads the tables at the given paths.
    pub fn load(paths: TablePaths, regions: &RegionTable) -> Result<SettlementTables> {
        let amounts = |p: Option<&Path>, f: fn(&Path, &RegionTable) -> Result<AmountTable>| {
            p.map(|p| f(p, regions))
                .transpose()
                .map(Option::unwrap_or_default)
        };
        let kinds = |p: Option<&Path>, kinds: &[&str], default: &str| {
            p.map(|p| load_kinds(p, regions, kinds, default))
                .transpose()
                .map(Option::unwrap_or_default)
        };
        let rebates_by_kind = kinds(paths.rebates, &REBATE_KINDS, "其他")?;
        let transfers_by_kind = kinds(paths.transfers, &TRANSFER_KINDS, "一般性")?;
        Ok(SettlementTables {
            subsidies: amounts(paths.subsidies, load_subsidies)?,
            rebates: kind_totals(&rebates_by_kind, |_| true),
            transfers: kind_totals(&transfers_by_kind, |_| true),
            special_transfers: kind_totals(&transfers_by_kind, |k| k == SPECIAL_TRANSFERS),
            rebates_by_kind,
            transfers_by_kind,
            remits: amounts(paths.remits, load_amounts)?,
            adjustments: amounts(paths.adjustments, load_amounts)?,
            advances: amounts(paths.advances, load_amounts)?,
            fixed_bases: paths
                .bases
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::period::YearMonth;
    use crate::regions::Region;
    use crate::settlement::input_amount;

    fn region(code: &str, kind: RegionKind, parent: Option<&str>) -> Region {
        Region {
            code: code.into(),
            name: code.into(),
            kind,
            parent: parent.map(str::to_string),
            direct_since: None::<YearMonth>,
            population: 1,
        }
    }

    fn regions() -> RegionTable {
        RegionTable::new(vec![
            region("410000", RegionKind::Province, None),
            region("410100", RegionKind::Prefecture, Some("410000")),
            region("410122", RegionKind::County, Some("410100")),
            region("410181", RegionKind::County, Some("410100")),
        ])
        .unwrap()
    }

    #[test]
    fn by_region_reads_what_the_table_holds_by_index() {
        let regions = regions();
        let mut table: AmountTable = BTreeMap::new();
        for (code, year, amount) in [
            ("410122", 2019, 5),
            ("410122", 2021, 7),
            ("410100", 2020, 3),
            ("419999", 2020, 99), // a code the region table lacks
            ("400000", 2020, 98), // before every region
        ] {
            table.insert((code.to_string(), year), amount);
        }
        let by = ByRegion::new(&table, &regions);
        for (ix, r) in regions.all().iter().enumerate() {
            assert_eq!(
                by.of(ix),
                region_rows(&table, &r.code).as_slice(),
                "{}",
                r.code
            );
            for year in 2018..=2022 {
                assert_eq!(by.at(ix, year), table.get(&(r.code.clone(), year)).copied());
            }
        }
        assert_eq!(by.of(regions.all().len()), &[] as &[(i32, i64)]);
        let county = regions.index_of("410122").unwrap();
        assert_eq!(by.of(county), &[(2019, 5), (2021, 7)]);
    }

    #[test]
    fn amounts_held_flat_only_where_the_rule_says() {
        let rows = [(2019, 5), (2021, 7)];
        // the year's own amount, projected or not
        assert_eq!(input_amount(&rows, 2021, false), 7);
        assert_eq!(input_amount(&rows, 2021, true), 7);
        // an actual year without a row is 0; a projected one holds the latest earlier
        assert_eq!(input_amount(&rows, 2020, false), 0);
        assert_eq!(input_amount(&rows, 2020, true), 5);
        assert_eq!(input_amount(&rows, 2024, true), 7);
        assert_eq!(input_amount(&rows, 2018, true), 0);
        // the subsidy holds its latest row up to the year, in every year
        assert_eq!(annual_subsidy_of(&rows, 2018), 0);
        assert_eq!(annual_subsidy_of(&rows, 2019), 5);
        assert_eq!(annual_subsidy_of(&rows, 2020), 5);
        assert_eq!(annual_subsidy_of(&rows, 2023), 7);
    }
}
