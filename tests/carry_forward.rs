//! Next year without last year's ledger: the bases a run carries forward
//! (`carry_forward/bases.csv`) settle the following years from their own ledgers alone,
//! to the fen, and a missing base year says where a carried base would come from.

use fencheng::ledger::{Encoding, LedgerScan};
use fencheng::report::carry_forward::bases_csv;
use fencheng::scenario::run::{run_scenario, RunOptions, ScenarioResult};
use fencheng::scenario::Scenario;
use fencheng::split::Granularity;
use std::path::Path;

const MINI: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/cases/mini");

fn run(sc: &Scenario) -> fencheng::Result<ScenarioResult> {
    let scan = LedgerScan::open(&sc.ledgers, Encoding::Utf8)?;
    let opts = RunOptions {
        granularity: Granularity::Receipt,
        quarantine: false,
    };
    run_scenario(sc, &scan, opts)
}

/// A scenario on the mini inputs with only the 2022 and 2023 ledgers and `bases`.
fn without_2021(dir: &Path, bases: &str) -> Scenario {
    let text = format!(
        "[scenario]\nname = \"mini-next-year\"\nregions = \"{MINI}/regions.csv\"\n\
         ledgers = [\"{MINI}/ledger/2022.csv\", \"{MINI}/ledger/2023.csv\"]\n\
         rulebook = \"{MINI}/rulebook.toml\"\nsubsidies = \"{MINI}/subsidies.csv\"\n\
         rebates = \"{MINI}/rebates.csv\"\ntransfers = \"{MINI}/transfers.csv\"\n\
         bases = \"{bases}\"\nyears = [2022, 2023]\n"
    );
    let path = dir.join("next.toml");
    std::fs::write(&path, text).unwrap();
    Scenario::load(&path).unwrap()
}

#[test]
fn carried_bases_settle_the_next_years_from_their_own_ledgers() {
    let full = run(&Scenario::load(&Path::new(MINI).join("fixed.toml")).unwrap()).unwrap();
    let carried = bases_csv(&full);
    // 甲一县 1080.00 − 300.00; the pilot's given base; 乙一县 3200.00 − 5000.00
    assert_eq!(
        carried,
        "county,from_year,base\n990121,2022,780.00\n990122,2014,1000.00\n990221,2022,-1800.00\n"
    );
    let dir = tempfile::tempdir().unwrap();
    let bases = dir.path().join("bases.csv");
    std::fs::write(&bases, &carried).unwrap();
    let next = run(&without_2021(dir.path(), bases.to_str().unwrap())).unwrap();
    assert_eq!(next.settlement.len(), full.settlement.len());
    for (a, b) in next.settlement.iter().zip(&full.settlement) {
        assert_eq!((&a.region, a.year), (&b.region, b.year));
        assert_eq!(
            (
                a.available,
                a.base_paid,
                a.base_received,
                a.subsidy_received
            ),
            (
                b.available,
                b.base_paid,
                b.base_received,
                b.subsidy_received
            ),
            "{} {}",
            a.region,
            a.year
        );
    }
}

#[test]
fn a_missing_base_year_names_the_carried_file() {
    let dir = tempfile::tempdir().unwrap();
    let sc = without_2021(dir.path(), &format!("{MINI}/bases.csv"));
    let Err(err) = run(&sc) else {
        panic!("a base year without its ledger must be refused")
    };
    let err = err.to_string();
    for words in ["990121", "base year 2021", "carry_forward/bases.csv"] {
        assert!(err.contains(words), "`{words}` not in {err}");
    }
}

#[test]
fn a_run_writes_the_carried_bases_into_its_output() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    assert_cmd::Command::cargo_bin("fencheng")
        .unwrap()
        .args(["run", &format!("{MINI}/fixed.toml"), "--quiet", "--out"])
        .arg(&out)
        .assert()
        .success();
    let text = std::fs::read_to_string(out.join("carry_forward/bases.csv")).unwrap();
    assert!(
        text.starts_with("county,from_year,base\n990121,2022,780.00\n"),
        "{text}"
    );
}
