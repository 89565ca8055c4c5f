//! Ledger stage, rejected rows (拒收行): every row the judge refused or a scenario's keys
//! cannot route, with its file, row, problems and fields as read; the listing `validate`
//! and `run` print (grouped by problem kind), the rejects CSV, and what `--quarantine`
//! sets aside, counted per file and fiscal year.

use super::columns::*;
use super::row::{ProblemKind, RowProblem};
use super::totals::ShareKey;
use crate::error::{Error, Result};
use crate::money::{format_yuan, YuanProblem};
use std::collections::BTreeMap;
use std::path::PathBuf;

/// A rejected ledger row.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct RejectedRow {
    /// File it came from.
    pub file: PathBuf,
    /// 1-based data row.
    pub row: u64,
    /// Every problem of the row, in column order.
    pub problems: Vec<RowProblem>,
    /// The row's fields as read (fiscal_year, month, region_code, item_code, budget_level, amount).
    pub fields: Vec<String>,
    /// Its fiscal year, where it can be read.
    pub year: Option<i32>,
    /// Its amount in fen, where it can be read.
    pub fen: Option<i64>,
    /// Its key, for a row the judge accepted (rejected for its key or its voucher).
    pub key: Option<ShareKey>,
}

/// Separates the problems of one row in [`RejectedRow::reason`].
pub const PROBLEM_SEPARATOR: &str = "; ";

impl RejectedRow {
    /// Every problem in words, joined by [`PROBLEM_SEPARATOR`].
    pub fn reason(&self) -> String {
        let words: Vec<String> = self.problems.iter().map(ToString::to_string).collect();
        words.join(PROBLEM_SEPARATOR)
    }

    /// Whether one of the row's problems is of this kind.
    pub fn has(&self, kind: ProblemKind) -> bool {
        self.problems.iter().any(|p| p.kind == kind)
    }
}

/// Every rejected row of a ledger.
#[derive(Clone, Debug, Default)]
pub struct Rejects {
    /// All rejected rows, by file and row.
    pub rows: Vec<RejectedRow>,
}

impl Rejects {
    /// Number of rejected rows.
    pub fn count(&self) -> u64 {
        self.rows.len() as u64
    }

    /// Grouped listing: each kind of problem with its count of rows and its first `first`
    /// rows (a row with several problems is listed under each).
    pub fn summary(&self, first: usize) -> String {
        let mut kinds: BTreeMap<ProblemKind, Vec<(&RejectedRow, &RowProblem)>> = BTreeMap::new();
        for r in &self.rows {
            for p in &r.problems {
                kinds.entry(p.kind).or_default().push((r, p));
            }
        }
        let mut out = String::new();
        for (kind, rows) in kinds {
            out.push_str(&format!("  {} row(s): {}\n", rows.len(), kind.title()));
            for (r, problem) in rows.iter().take(first) {
                let more = match r.problems.len() - 1 {
                    0 => String::new(),
                    n => format!(" (and {n} more problem(s) in this row)"),
                };
                out.push_str(&format!(
                    "    {}: row {}: {problem}{more}\n",
                    r.file.display(),
                    r.row,
                ));
            }
        }
        out
    }

    /// Writes every rejected row as CSV: file, row, reason and the fields read.
    pub fn write_csv(&self, path: &std::path::Path) -> Result<()> {
        let mut w = csv::Writer::from_path(path).map_err(|e| Error::file(path, e.to_string()))?;
        let mut header = vec!["file".to_string(), "row".into(), "reason".into()];
        header.extend(REQUIRED.iter().map(|s| s.to_string()));
        w.write_record(&header)
            .map_err(|e| Error::file(path, e.to_string()))?;
        for r in &self.rows {
            let mut rec = vec![r.file.display().to_string(), r.row.to_string(), r.reason()];
            rec.extend(r.fields.iter().cloned());
            w.write_record(&rec)
                .map_err(|e| Error::file(path, e.to_string()))?;
        }
        w.flush().map_err(|e| Error::io(path, e))
    }

    /// What setting these rows aside leaves out, per file and fiscal year.
    pub fn set_aside(&self) -> Quarantined {
        let mut groups: BTreeMap<(PathBuf, Option<i32>), SetAside> = BTreeMap::new();
        for r in &self.rows {
            let g = groups
                .entry((r.file.clone(), r.year))
                .or_insert_with(|| SetAside {
                    file: r.file.clone(),
                    fiscal_year: r.year,
                    ..SetAside::default()
                });
            g.rows += 1;
            match r.fen {
                Some(fen) => g.amount_fen += fen,
                None => g.unreadable_amounts += 1,
            }
            if r.has(ProblemKind::Amount(YuanProblem::ScientificNotation)) {
                g.scientific_notation += 1;
            }
        }
        let groups: Vec<SetAside> = groups.into_values().collect();
        Quarantined {
            rows: groups.iter().map(|g| g.rows).sum(),
            amount_fen: groups.iter().map(|g| g.amount_fen).sum(),
            unreadable_amounts: groups.iter().map(|g| g.unreadable_amounts).sum(),
            scientific_notation: groups.iter().map(|g| g.scientific_notation).sum(),
            groups,
        }
    }
}

/// Rows of one file and fiscal year set aside by `--quarantine` (隔离行).
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct SetAside {
    /// The ledger file.
    pub file: PathBuf,
    /// Their fiscal year (none where it cannot be read).
    pub fiscal_year: Option<i32>,
    /// Number of rows.
    pub rows: u64,
    /// Their amount in fen, over the rows whose amount can be read.
    pub amount_fen: i64,
    /// Rows whose amount cannot be read (not in `amount_fen`).
    pub unreadable_amounts: u64,
    /// Of those, amounts written in scientific notation (`5.39748E+09`).
    pub scientific_notation: u64,
}

impl SetAside {
    /// One line in words: ``2024: 60 row(s), 0.00 yuan readable, 60 amount(s) unreadable
    /// (60 in scientific notation) in `ledger/2024.csv` ``.
    pub fn describe(&self) -> String {
        let year = self
            .fiscal_year
            .map_or("year unreadable".to_string(), |y| y.to_string());
        format!(
            "{year}: {} row(s) of {}, {} yuan{}",
            self.rows,
            self.file.display(),
            format_yuan(self.amount_fen),
            unreadable_words(self.unreadable_amounts, self.scientific_notation),
        )
    }
}

/// `, plus N amount(s) unreadable (M in scientific notation)`, or nothing.
fn unreadable_words(unreadable: u64, scientific: u64) -> String {
    match (unreadable, scientific) {
        (0, _) => String::new(),
        (n, 0) => format!(", plus {n} amount(s) that cannot be read"),
        (n, s) => format!(
            ", plus {n} amount(s) that cannot be read ({s} in scientific notation, as Excel \
             shows large numbers)"
        ),
    }
}

/// Everything `--quarantine` set aside (隔离行): totals, and per file and fiscal year.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct Quarantined {
    /// Number of rows.
    pub rows: u64,
    /// Their amount in fen, where it could be read.
    pub amount_fen: i64,
    /// Rows whose amount cannot be read.
    pub unreadable_amounts: u64,
    /// Of those, amounts in scientific notation.
    pub scientific_notation: u64,
    /// Per file and fiscal year, in file and year order.
    pub groups: Vec<SetAside>,
}

impl Quarantined {
    /// The totals in words: `3 row(s), 501.00 yuan, plus 1 amount(s) that cannot be read`.
    pub fn describe(&self) -> String {
        format!(
            "{} row(s), {} yuan{}",
            self.rows,
            format_yuan(self.amount_fen),
            unreadable_words(self.unreadable_amounts, self.scientific_notation)
        )
    }

    /// The groups of one fiscal year (none: those whose year cannot be read).
    pub fn of_year(&self, year: Option<i32>) -> impl Iterator<Item = &SetAside> {
        self.groups.iter().filter(move |g| g.fiscal_year == year)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ledger::row::RowProblem;

    fn rejected(
        file: &str,
        row: u64,
        year: Option<i32>,
        fen: Option<i64>,
        kind: ProblemKind,
    ) -> RejectedRow {
        RejectedRow {
            file: file.into(),
            row,
            problems: vec![RowProblem::new(kind, AMOUNT, "x")],
            fields: vec![],
            year,
            fen,
            key: None,
        }
    }

    #[test]
    fn set_aside_rows_are_counted_per_file_and_year_with_unreadable_amounts_apart() {
        let sci = ProblemKind::Amount(YuanProblem::ScientificNotation);
        let rejects = Rejects {
            rows: vec![
                rejected("a.csv", 1, Some(2024), None, sci),
                rejected("a.csv", 2, Some(2024), None, sci),
                rejected(
                    "a.csv",
                    3,
                    Some(2023),
                    Some(150),
                    ProblemKind::UnknownRegion,
                ),
                rejected("b.csv", 1, None, Some(-50), ProblemKind::NotAYear),
            ],
        };
        let q = rejects.set_aside();
        assert_eq!(
            (
                q.rows,
                q.amount_fen,
                q.unreadable_amounts,
                q.scientific_notation
            ),
            (4, 100, 2, 2)
        );
        let y2024: Vec<_> = q.of_year(Some(2024)).collect();
        assert_eq!(y2024.len(), 1);
        assert_eq!(
            (
                y2024[0].rows,
                y2024[0].amount_fen,
                y2024[0].unreadable_amounts
            ),
            (2, 0, 2)
        );
        assert!(
            y2024[0].describe().contains("scientific notation"),
            "{}",
            y2024[0].describe()
        );
        assert_eq!(q.of_year(None).map(|g| g.amount_fen).sum::<i64>(), -50);
        assert_eq!(q.groups.len(), 3);
    }
}
