//! The flags every command that writes an output folder shares.

use clap::Args;
use fencheng::report::WriteOptions;
use std::path::PathBuf;

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
}

impl OutputArgs {
    /// The writer's options.
    pub fn options(&self) -> WriteOptions {
        WriteOptions {
            force: self.force,
            csv_bom: self.csv_bom,
        }
    }
}
