//! Regions (行政区划): the province, its prefectures (省辖市) and counties (县/县级市), with the
//! month each county became province-direct (省直管县) and its residents. Read from
//! `regions.csv`; a scenario's `[regime]` may change the dates.

use crate::error::{Error, Result};
use crate::period::YearMonth;
use rustc_hash::FxHashMap;
use serde::Deserialize;
use std::path::Path;

/// Level of a region in the fiscal hierarchy.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum RegionKind {
    /// 省: the province.
    Province,
    /// 省辖市/地级市: a prefecture, as one fiscal unit (市本级 and its districts 市辖区).
    Prefecture,
    /// 县/县级市: a county or county-level city.
    County,
}

impl RegionKind {
    /// The name used in files: `province`, `prefecture`, `county`.
    pub fn as_str(self) -> &'static str {
        match self {
            RegionKind::Province => "province",
            RegionKind::Prefecture => "prefecture",
            RegionKind::County => "county",
        }
    }
}

/// One region of the table.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Region {
    /// 6-digit GB/T 2260 code.
    pub code: String,
    /// Chinese name.
    pub name: String,
    /// Province, prefecture or county.
    pub kind: RegionKind,
    /// Parent code: a county's prefecture, or the province (for prefectures and for counties
    /// with no prefecture, such as 济源 419001); `None` for the province.
    pub parent: Option<String>,
    /// First month of province-direct administration (财政直管); `None` = never.
    pub direct_since: Option<YearMonth>,
    /// Residents (常住人口), for per-capita figures.
    pub population: u64,
}

/// The validated region table, sorted by code.
#[derive(Clone, Debug)]
pub struct RegionTable {
    regions: Vec<Region>,
    by_code: FxHashMap<String, usize>,
    province: usize,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRegion {
    code: String,
    name: String,
    kind: String,
    parent: String,
    direct_since: String,
    population: String,
}

impl RegionTable {
    /// Reads and validates `regions.csv`.
    pub fn load(path: &Path) -> Result<RegionTable> {
        let mut reader = csv::ReaderBuilder::new()
            .trim(csv::Trim::All)
            .from_path(path)
            .map_err(|e| Error::file(path, format!("cannot read: {e}")))?;
        let mut regions = Vec::new();
        for (i, rec) in reader.deserialize::<RawRegion>().enumerate() {
            let row = i as u64 + 2; // as an editor shows it: the header is row 1
            let raw = rec.map_err(|e| Error::row(path, row, csv_reason(&e)))?;
            regions.push(parse_region(raw).map_err(|r| Error::row(path, row, r))?);
        }
        RegionTable::new(regions).map_err(|r| Error::file(path, r))
    }

    /// Builds a table from regions, checking codes, kinds, parents and dates.
    pub fn new(mut regions: Vec<Region>) -> Result<RegionTable, String> {
        regions.sort_by(|a, b| a.code.cmp(&b.code));
        let mut by_code = FxHashMap::default();
        for (i, r) in regions.iter().enumerate() {
            if by_code.insert(r.code.clone(), i).is_some() {
                return Err(format!("region {} appears twice", r.code));
            }
        }
        let provinces: Vec<usize> = (0..regions.len())
            .filter(|&i| regions[i].kind == RegionKind::Province)
            .collect();
        let [province] = provinces[..] else {
            return Err(format!(
                "exactly one province row expected, found {}",
                provinces.len()
            ));
        };
        for r in &regions {
            let parent_kind = r
                .parent
                .as_ref()
                .map(|p| by_code.get(p).map(|&i| regions[i].kind));
            match (r.kind, parent_kind) {
                (RegionKind::Province, None) => {}
                (RegionKind::Prefecture, Some(Some(RegionKind::Province))) => {}
                (RegionKind::County, Some(Some(RegionKind::Prefecture | RegionKind::Province))) => {
                }
                (_, Some(None)) => {
                    return Err(format!(
                        "region {}: parent {} is not in the table",
                        r.code,
                        r.parent.as_deref().unwrap_or("")
                    ))
                }
                _ => {
                    return Err(format!(
                        "region {}: a {} cannot have this parent",
                        r.code,
                        r.kind.as_str()
                    ))
                }
            }
            if r.kind != RegionKind::County && r.direct_since.is_some() {
                return Err(format!(
                    "region {}: only counties have direct_since",
                    r.code
                ));
            }
        }
        Ok(RegionTable {
            regions,
            by_code,
            province,
        })
    }

    /// All regions, sorted by code.
    pub fn all(&self) -> &[Region] {
        &self.regions
    }

    /// The region with this code.
    pub fn get(&self, code: &str) -> Option<&Region> {
        self.by_code.get(code).map(|&i| &self.regions[i])
    }

    /// Index of a region in [`RegionTable::all`].
    pub fn index_of(&self, code: &str) -> Option<usize> {
        self.by_code.get(code).copied()
    }

    /// The province row.
    pub fn province(&self) -> &Region {
        &self.regions[self.province]
    }

    /// The prefecture a county belongs to (`None` for a county under the province itself).
    pub fn prefecture_of(&self, county: &Region) -> Option<&Region> {
        let parent = self.get(county.parent.as_deref()?)?;
        (county.kind == RegionKind::County && parent.kind == RegionKind::Prefecture)
            .then_some(parent)
    }

    /// Whether a county is prefecture-managed (市管县) in month `ym`: it has a prefecture and
    /// is not yet province-direct.
    pub fn is_prefecture_managed(&self, county: &Region, ym: YearMonth) -> bool {
        self.prefecture_of(county).is_some() && before_switch(county, ym)
    }

    /// A region by its code or its name (甲一县, 郑州市): the code first, then an exact
    /// name; a name two regions share is refused naming both codes.
    pub fn find(&self, code_or_name: &str) -> Result<&Region, String> {
        let wanted = code_or_name.trim();
        if let Some(r) = self.get(wanted) {
            return Ok(r);
        }
        let named: Vec<&Region> = self.regions.iter().filter(|r| r.name == wanted).collect();
        match named.as_slice() {
            [one] => Ok(one),
            [] => Err(format!(
                "region `{wanted}` is neither a code nor a name of the region table"
            )),
            many => Err(format!(
                "region name `{wanted}` is shared by {}: give the code",
                many.iter()
                    .map(|r| r.code.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            )),
        }
    }

    /// The months of `year` in which a county is prefecture-managed (0 to 12): what its
    /// prefecture's subsidy (市对县补助) is prorated by.
    pub fn managed_months(&self, county: &Region, year: i32) -> u32 {
        // [`RegionTable::is_prefecture_managed`] month by month, its prefecture looked up
        // once (the settlement asks this of every region every year)
        if self.prefecture_of(county).is_none() {
            return 0;
        }
        (1..=12)
            .filter(|&m| YearMonth::new(year, m).is_ok_and(|ym| before_switch(county, ym)))
            .count() as u32
    }

    /// Changes one county's switch date (a scenario's `[regime]`).
    pub fn set_direct_since(&mut self, code: &str, date: Option<YearMonth>) -> Result<(), String> {
        let i = self
            .index_of(code)
            .ok_or_else(|| format!("unknown region {code}"))?;
        if self.regions[i].kind != RegionKind::County {
            return Err(format!("region {code} is not a county"));
        }
        self.regions[i].direct_since = date;
        Ok(())
    }
}

fn parse_region(raw: RawRegion) -> Result<Region, String> {
    if raw.code.len() != 6 || !raw.code.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!(
            "code `{}` is not a 6-digit GB/T 2260 code",
            raw.code
        ));
    }
    let kind = match raw.kind.as_str() {
        "province" => RegionKind::Province,
        "prefecture" => RegionKind::Prefecture,
        "county" => RegionKind::County,
        other => {
            return Err(format!(
                "kind `{other}` is not province, prefecture or county"
            ))
        }
    };
    let direct_since = match raw.direct_since.as_str() {
        "" => None,
        t => Some(YearMonth::parse(t).map_err(|e| format!("direct_since: {e}"))?),
    };
    let population = raw
        .population
        .parse::<u64>()
        .map_err(|_| format!("population `{}` is not an integer ≥ 0", raw.population))?;
    Ok(Region {
        code: raw.code,
        name: raw.name,
        kind,
        parent: (!raw.parent.is_empty()).then_some(raw.parent),
        direct_since,
        population,
    })
}

/// A readable reason from a CSV deserialisation error (missing or extra columns, bad types).
pub fn csv_reason(e: &csv::Error) -> String {
    match e.kind() {
        csv::ErrorKind::Deserialize { err, .. } => err.to_string(),
        csv::ErrorKind::UnequalLengths {
            expected_len, len, ..
        } => {
            format!("{len} fields where the header has {expected_len}")
        }
        csv::ErrorKind::Utf8 { .. } => "invalid UTF-8: regions and tables are read as UTF-8 \
                                         (save the file as UTF-8; --encoding gbk is for ledgers)"
            .to_string(),
        _ => e.to_string(),
    }
}

/// Whether `ym` falls before a county's switch to province-direct management (直管), or it
/// has no switch date: the date half of [`RegionTable::is_prefecture_managed`].
fn before_switch(county: &Region, ym: YearMonth) -> bool {
    county.direct_since.is_none_or(|d| ym < d)
}
