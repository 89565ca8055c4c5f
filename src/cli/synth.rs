//! `fencheng synth`: the seeded synthetic ledger (monthly totals, or receipts with
//! `--receipts N`).

use clap::Args;
use fencheng::Result;
use std::path::PathBuf;

#[derive(Args, Debug)]
pub struct SynthArgs {
    /// Region table.
    #[arg(long, default_value = "datasets/henan/regions.csv")]
    regions: PathBuf,
    /// Rulebook (items and rules in force).
    #[arg(long, default_value = "datasets/henan/rulebook.toml")]
    rulebook: PathBuf,
    /// Output folder.
    #[arg(long)]
    out: PathBuf,
    /// Random seed.
    #[arg(long, default_value_t = 2022)]
    seed: u64,
    /// Years, e.g. 2019-2024.
    #[arg(long, default_value = "2019-2024")]
    years: String,
    /// Receipt-level ledger with this many receipts (Parquet by year) instead of monthly totals.
    #[arg(long)]
    receipts: Option<u64>,
    /// With --receipts, also write CSV.
    #[arg(long)]
    csv: bool,
}

pub fn synth(_a: SynthArgs) -> Result<()> {
    Err(fencheng::Error::Usage("synth is being wired in".into()))
}
