//! The flags every command that writes an output folder shares.

use clap::Args;
use fencheng::report::xlsx::{DisplayUnit, WorkbookOptions};
use fencheng::report::WriteOptions;
use fencheng::{Error, Result};
use std::path::{Path, PathBuf};

/// Where and how a command writes its output folder.
#[derive(Args, Debug)]
pub struct OutputArgs {
    /// Output folder (written whole or not at all).
    #[arg(long)]
    pub out: PathBuf,
    /// Replace a non-empty output folder.
    #[arg(long)]
    pub force: bool,
    /// Add a UTF-8 BOM to CSV outputs (for Excel).
    #[arg(long)]
    pub csv_bom: bool,
    /// Unit of the workbook's money cells (run, compare): yuan (元) or wan (万元); display only, the CSV
    /// and Parquet tables stay in yuan.
    #[arg(long, default_value = "yuan", value_parser = DisplayUnit::parse)]
    pub unit: DisplayUnit,
}

impl OutputArgs {
    /// How the workbook shows its figures.
    pub fn workbook(&self) -> WorkbookOptions {
        WorkbookOptions { unit: self.unit }
    }

    /// The writer's options.
    pub fn options(&self) -> WriteOptions {
        WriteOptions {
            force: self.force,
            csv_bom: self.csv_bom,
        }
    }
}

/// `path` made absolute without requiring it to exist (its parent must).
fn absolute(path: &Path) -> Option<PathBuf> {
    if let Ok(p) = path.canonicalize() {
        return Some(p);
    }
    let parent = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.canonicalize().ok()?,
        _ => std::env::current_dir().ok()?,
    };
    Some(parent.join(path.file_name()?))
}

/// Refuses a `flag` target (an output folder or file) that is one of the `inputs` or
/// holds one: `--force` replaces the folder, which would destroy the inputs.
pub fn refuse_over_inputs(flag: &str, target: &Path, inputs: &[PathBuf]) -> Result<()> {
    let Some(target_abs) = absolute(target) else {
        return Ok(());
    };
    for input in inputs {
        let Ok(input_abs) = input.canonicalize() else {
            continue;
        };
        if input_abs.starts_with(&target_abs) {
            return Err(Error::Usage(format!(
                "{flag} {} would overwrite the input {}: choose a folder outside the inputs",
                target.display(),
                input.display()
            )));
        }
    }
    Ok(())
}
