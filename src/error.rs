//! Typed errors of every stage. Each names what the user must look at: the file, the row or
//! the TOML key, and the reason; the CLI prints the message and a `hint:` line where one helps.

use crate::money::YuanProblem;
use std::path::{Path, PathBuf};

/// Result of any fencheng operation.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Everything that can go wrong, with where and why.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A row of an input table is wrong (rows as editors and Excel show them: the header is row 1).
    #[error("{file}: row {row}: {reason}")]
    Row {
        /// The input file.
        file: PathBuf,
        /// Row as an editor shows it (the header is row 1; a Parquet file's first record is 1).
        row: u64,
        /// What is wrong.
        reason: String,
    },
    /// A key of a TOML file (rulebook or scenario) is wrong.
    #[error("{file}: key `{key}`: {reason}")]
    Key {
        /// The TOML file.
        file: PathBuf,
        /// Dotted key path, e.g. `item[3].rule[0].province`.
        key: String,
        /// What is wrong.
        reason: String,
    },
    /// An amount in yuan of a table row cannot be read.
    #[error("{file}: row {row}: {column} `{text}` {}", problem.reason())]
    Amount {
        /// The input file.
        file: PathBuf,
        /// Row as an editor shows it (the header is row 1; a Parquet file's first record is 1).
        row: u64,
        /// The column.
        column: &'static str,
        /// The text as read.
        text: String,
        /// Why it is not an amount.
        problem: YuanProblem,
    },
    /// A whole file is wrong (missing, unreadable, wrong columns, not Parquet…).
    #[error("{file}: {reason}")]
    File {
        /// The file.
        file: PathBuf,
        /// What is wrong.
        reason: String,
    },
    /// A CSV that is not UTF-8 (a GBK export read without `--encoding gbk`?).
    #[error("{file}: invalid UTF-8 sequence (the file may be GBK-encoded)")]
    NotUtf8 {
        /// The file.
        file: PathBuf,
    },
    /// A ledger has problems; the message lists them grouped by kind.
    #[error("the ledger has {count} rejected row(s):\n{summary}")]
    Ledger {
        /// Number of rejected rows.
        count: u64,
        /// Grouped listing, first rows of each kind.
        summary: String,
    },
    /// The inputs do not allow a computation (a base year missing from the ledgers, …).
    #[error("{0}")]
    Input(String),
    /// A run's own proof failed: money created or lost (守恒 check). Never expected.
    #[error("check failed: {0}")]
    Check(String),
    /// Wrong command-line use.
    #[error("{0}")]
    Usage(String),
    /// An I/O error on a path.
    #[error("{path}: {source}")]
    Io {
        /// The path.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// An error from polars not tied to one file.
    #[error("data engine: {0}")]
    Polars(#[from] polars::error::PolarsError),
}

impl Error {
    /// A file-level error.
    pub fn file(file: impl AsRef<Path>, reason: impl Into<String>) -> Error {
        Error::File {
            file: file.as_ref().to_path_buf(),
            reason: reason.into(),
        }
    }

    /// A TOML key error.
    pub fn key(file: impl AsRef<Path>, key: impl Into<String>, reason: impl Into<String>) -> Error {
        Error::Key {
            file: file.as_ref().to_path_buf(),
            key: key.into(),
            reason: reason.into(),
        }
    }

    /// A row error.
    pub fn row(file: impl AsRef<Path>, row: u64, reason: impl Into<String>) -> Error {
        Error::Row {
            file: file.as_ref().to_path_buf(),
            row,
            reason: reason.into(),
        }
    }

    /// An I/O error on a path.
    pub fn io(path: impl AsRef<Path>, source: std::io::Error) -> Error {
        Error::Io {
            path: path.as_ref().to_path_buf(),
            source,
        }
    }

    /// A short suggestion for the user, where one helps.
    pub fn hint(&self) -> Option<&'static str> {
        match self {
            Error::NotUtf8 { .. } => {
                Some("if the file comes from a Chinese finance system, try --encoding gbk")
            }
            Error::Amount {
                problem: YuanProblem::TooManyDecimals,
                ..
            } => Some("amounts are yuan with at most 2 decimals (fen); fix the export, do not round"),
            Error::Amount {
                problem: YuanProblem::ScientificNotation,
                ..
            } => Some("format the column as a number with 2 decimals before saving the CSV"),
            Error::Ledger { .. } => Some("run `fencheng validate` with --rejects FILE to list every rejected row, or `run --quarantine FILE` to set them aside"),
            _ => None,
        }
    }
}
