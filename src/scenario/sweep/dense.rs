//! Region × year sums of the split held in one flat array, so that a sweep point can copy,
//! change and read them without string keys.

use crate::regions::RegionTable;
use crate::split::Parts;
use std::collections::BTreeMap;

/// Where a (region, year) lives in the flat arrays: region index in
/// [`RegionTable::all`] × a contiguous run of years.
#[derive(Clone, Debug)]
pub struct Layout {
    /// First year held.
    pub first_year: i32,
    /// Number of years held.
    pub n_years: usize,
    /// Number of regions (all of the table, the province included).
    pub n_regions: usize,
}

impl Layout {
    /// A layout covering every region and the years from `first` to `last`.
    pub fn new(regions: &RegionTable, first: i32, last: i32) -> Layout {
        Layout {
            first_year: first,
            n_years: (last - first + 1).max(0) as usize,
            n_regions: regions.all().len(),
        }
    }

    /// Number of cells.
    pub fn len(&self) -> usize {
        self.n_regions * self.n_years
    }

    /// Whether the layout holds no cell.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The cell of region `r` (index in the table) in `year`, if the year is held.
    pub fn cell(&self, r: usize, year: i32) -> Option<usize> {
        let y = usize::try_from(year.checked_sub(self.first_year)?).ok()?;
        (y < self.n_years && r < self.n_regions).then(|| r * self.n_years + y)
    }
}

/// Sums of the split per region-year (the settlement's input), flat, with which cells the
/// ledgers (or the projection) actually filled: a base year without any receipt must stay
/// an error, not read as zero.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DenseSums {
    /// Parts per cell.
    pub parts: Vec<Parts>,
    /// Whether the cell has receipts.
    pub present: Vec<bool>,
}

impl DenseSums {
    /// From the keyed sums of [`crate::settlement::region_years`]; `None` if a key falls
    /// outside the layout or names an unknown region.
    pub fn from_map(
        layout: &Layout,
        regions: &RegionTable,
        map: &BTreeMap<(String, i32), Parts>,
    ) -> Option<DenseSums> {
        let mut d = DenseSums {
            parts: vec![Parts::default(); layout.len()],
            present: vec![false; layout.len()],
        };
        for ((code, year), p) in map {
            let c = layout.cell(regions.index_of(code)?, *year)?;
            d.parts[c] = *p;
            d.present[c] = true;
        }
        Some(d)
    }

    /// Back to keyed sums (only the cells with receipts).
    pub fn to_map(&self, layout: &Layout, regions: &RegionTable) -> BTreeMap<(String, i32), Parts> {
        let mut map = BTreeMap::new();
        for (r, region) in regions.all().iter().enumerate() {
            for y in 0..layout.n_years {
                let c = r * layout.n_years + y;
                if self.present[c] {
                    map.insert(
                        (region.code.clone(), layout.first_year + y as i32),
                        self.parts[c],
                    );
                }
            }
        }
        map
    }

    /// The sums of region `r` in `year`, if it had receipts.
    pub fn get(&self, layout: &Layout, r: usize, year: i32) -> Option<Parts> {
        layout
            .cell(r, year)
            .filter(|&c| self.present[c])
            .map(|c| self.parts[c])
    }
}
