//! Writes the per-key rates a scenario applies, for checking the split with other tools
//! (`bench/duckdb_split.py` joins receipts to this table and redoes the cascade in SQL).
//!
//! `cargo run --release --bin fencheng-rates -- SCENARIO.toml OUT.csv` (a benchmark helper,
//! not part of the `fencheng` command)
//!
//! One row per (fiscal_year, month, region_code, item_code, budget_level) key of the
//! scenario's ledger that routes: the central share, the provincial share and the
//! prefecture's share applied, in parts per million (`round(A × ppm / 10^6)` half away
//! from zero is the spec's rounding).

use fencheng::ledger::{Encoding, LedgerScan};
use fencheng::scenario::Scenario;
use fencheng::split::route;
use std::io::Write;
use std::path::PathBuf;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [scenario, out] = args.as_slice() else {
        return Err("usage: fencheng-rates SCENARIO.toml OUT.csv".into());
    };
    let sc = Scenario::load(&PathBuf::from(scenario))?;
    let (regions, rules) = sc.regions_and_rules()?;
    let scan = LedgerScan::open(&sc.ledgers, Encoding::Utf8)?;
    let mut w = std::io::BufWriter::new(std::fs::File::create(out)?);
    writeln!(
        w,
        "fiscal_year,month,region_code,item_code,budget_level,central_ppm,province_ppm,prefecture_ppm"
    )?;
    let mut rows = 0;
    for t in &scan.totals {
        let k = &t.key;
        if let Ok(c) = route(&regions, &rules, &k.region, &k.item, k.level, k.ym()) {
            writeln!(
                w,
                "{},{},{},{},{},{},{},{}",
                k.year,
                k.month,
                k.region,
                k.item,
                k.level,
                c.central.ppm(),
                c.province.ppm(),
                c.prefecture.ppm()
            )?;
            rows += 1;
        }
    }
    w.flush()?;
    eprintln!("{rows} keys written to {out}");
    Ok(())
}
