//! A report table held column by column, written as Parquet (money as `Decimal(18,2)`) and
//! as CSV (money as plain `-1234.56`). Rows arrive sorted; writing never reorders them.

use crate::error::{Error, Result};
use crate::money::format_yuan;
use polars::prelude::*;
use std::io::Write;
use std::path::Path;

/// The values of one column.
#[derive(Clone, Debug, PartialEq)]
pub enum Values {
    /// Text.
    Text(Vec<String>),
    /// Text from a fixed vocabulary (a region's kind, a county's regime): the same as
    /// `Text` in every file, without a `String` per cell.
    Label(Vec<&'static str>),
    /// Integers (years, months, counts, population).
    Int(Vec<i64>),
    /// Integers that may be absent (a year that never comes).
    OptInt(Vec<Option<i64>>),
    /// Money in fen, written as yuan with 2 decimals.
    Money(Vec<i64>),
    /// Money that may be absent (per-capita with no population).
    OptMoney(Vec<Option<i64>>),
    /// Flags.
    Bool(Vec<bool>),
    /// Derived statistics (ratios, Gini); never money.
    Float(Vec<Option<f64>>),
}

impl Values {
    fn len(&self) -> usize {
        match self {
            Values::Text(v) => v.len(),
            Values::Label(v) => v.len(),
            Values::Int(v) | Values::Money(v) => v.len(),
            Values::OptMoney(v) | Values::OptInt(v) => v.len(),
            Values::Bool(v) => v.len(),
            Values::Float(v) => v.len(),
        }
    }

    fn cell(&self, i: usize) -> String {
        match self {
            Values::Text(v) => v[i].clone(),
            Values::Label(v) => v[i].to_string(),
            Values::Int(v) => v[i].to_string(),
            Values::OptInt(v) => v[i].map(|x| x.to_string()).unwrap_or_default(),
            Values::Money(v) => format_yuan(v[i]),
            Values::OptMoney(v) => v[i].map(format_yuan).unwrap_or_default(),
            Values::Bool(v) => v[i].to_string(),
            Values::Float(v) => v[i].map(|f| format!("{f:.6}")).unwrap_or_default(),
        }
    }

    fn to_column(&self, name: &str) -> Result<Column> {
        let money = |v: Vec<Option<i128>>| -> Result<Column> {
            let ca = Int128Chunked::from_iter_options(name.into(), v.into_iter());
            Ok(ca.into_decimal(18, 2)?.into_series().into_column())
        };
        Ok(match self {
            Values::Text(v) => Column::new(name.into(), v),
            Values::Label(v) => Column::new(name.into(), v),
            Values::Int(v) => Column::new(name.into(), v),
            Values::OptInt(v) => Column::new(name.into(), v),
            Values::Money(v) => money(v.iter().map(|x| Some(*x as i128)).collect())?,
            Values::OptMoney(v) => money(v.iter().map(|x| x.map(|x| x as i128)).collect())?,
            Values::Bool(v) => Column::new(name.into(), v),
            Values::Float(v) => Column::new(name.into(), v),
        })
    }
}

/// A named output table.
#[derive(Clone, Debug, PartialEq)]
pub struct Table {
    /// File stem: `settlement` → `settlement.parquet`, `settlement.csv`.
    pub name: String,
    /// Columns in order.
    pub columns: Vec<(String, Values)>,
}

impl Table {
    /// An empty table.
    pub fn new(name: &str) -> Table {
        Table {
            name: name.to_string(),
            columns: Vec::new(),
        }
    }

    /// Adds a column.
    pub fn col(mut self, name: &str, values: Values) -> Table {
        self.columns.push((name.to_string(), values));
        self
    }

    /// Number of rows.
    pub fn height(&self) -> usize {
        self.columns.first().map_or(0, |c| c.1.len())
    }

    /// Appends another table with the same columns (several scenarios in one run).
    pub fn append(&mut self, other: Table) {
        if self.columns.is_empty() {
            *self = other;
            return;
        }
        for ((_, a), (_, b)) in self.columns.iter_mut().zip(other.columns) {
            match (a, b) {
                (Values::Text(a), Values::Text(b)) => a.extend(b),
                (Values::Label(a), Values::Label(b)) => a.extend(b),
                (Values::Int(a), Values::Int(b)) | (Values::Money(a), Values::Money(b)) => {
                    a.extend(b)
                }
                (Values::OptMoney(a), Values::OptMoney(b))
                | (Values::OptInt(a), Values::OptInt(b)) => a.extend(b),
                (Values::Bool(a), Values::Bool(b)) => a.extend(b),
                (Values::Float(a), Values::Float(b)) => a.extend(b),
                _ => unreachable!("tables of one name have the same columns"),
            }
        }
    }

    /// The table as a polars frame (money as `Decimal(18,2)`).
    pub fn to_frame(&self) -> Result<DataFrame> {
        let cols = self
            .columns
            .iter()
            .map(|(n, v)| v.to_column(n))
            .collect::<Result<Vec<_>>>()?;
        Ok(DataFrame::new(self.height(), cols)?)
    }

    /// Writes `DIR/NAME.parquet`.
    pub fn write_parquet(&self, dir: &Path) -> Result<()> {
        let path = dir.join(format!("{}.parquet", self.name));
        let mut df = self.to_frame()?;
        let file = std::fs::File::create(&path).map_err(|e| Error::io(&path, e))?;
        ParquetWriter::new(file)
            .finish(&mut df)
            .map_err(|e| Error::file(&path, e.to_string()))?;
        Ok(())
    }

    /// Writes `DIR/NAME.csv` (UTF-8, optional BOM for Excel).
    pub fn write_csv(&self, dir: &Path, bom: bool) -> Result<()> {
        let path = dir.join(format!("{}.csv", self.name));
        let file = std::fs::File::create(&path).map_err(|e| Error::io(&path, e))?;
        let mut buf = std::io::BufWriter::new(file);
        self.write_csv_to(&mut buf, bom)
            .map_err(|e| Error::file(&path, e.to_string()))?;
        buf.flush().map_err(|e| Error::io(&path, e))
    }

    /// The bytes of `NAME.csv`, exactly as [`Table::write_csv`] writes them.
    pub fn csv_bytes(&self, bom: bool) -> Vec<u8> {
        let mut buf = Vec::new();
        // writing to memory cannot fail
        let _ = self.write_csv_to(&mut buf, bom);
        buf
    }

    fn write_csv_to(&self, out: &mut impl Write, bom: bool) -> csv::Result<()> {
        if bom {
            out.write_all(b"\xEF\xBB\xBF")?;
        }
        let mut w = csv::Writer::from_writer(out);
        w.write_record(self.columns.iter().map(|c| c.0.as_str()))?;
        for i in 0..self.height() {
            w.write_record(self.columns.iter().map(|(_, v)| v.cell(i)))?;
        }
        w.flush()?;
        Ok(())
    }
}
