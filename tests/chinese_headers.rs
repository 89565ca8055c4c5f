//! The headers and levels finance systems export: a ledger with Chinese column names
//! (年度, 月份, 地区代码, 科目代码, 级次, 金额, 凭证号) and Chinese budget levels (共享, 市级, …)
//! settles exactly as its English twin; a column named both ways is refused.

use fencheng::ledger::{Encoding, LedgerScan};
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

/// The mini ledger rewritten with `header` and Chinese levels, and a scenario reading it.
fn chinese(dir: &Path, header: &str) -> Scenario {
    std::fs::create_dir_all(dir.join("ledger")).unwrap();
    for y in 2021..=2023 {
        let text = std::fs::read_to_string(format!("{MINI}/ledger/{y}.csv")).unwrap();
        let mut lines = text.lines();
        lines.next();
        let mut out = format!("{header}\n");
        for (i, l) in lines.enumerate() {
            let l = l
                .replace(",shared,", ",共享,")
                .replace(",prefecture,", ",市级,");
            out += &format!("{l},V{y}-{i}\n");
        }
        std::fs::write(dir.join(format!("ledger/{y}.csv")), out).unwrap();
    }
    let sc = dir.join("s.toml");
    std::fs::write(
        &sc,
        format!(
            "[scenario]\nname = \"mini-fixed\"\nextends = \"{MINI}/fixed.toml\"\nledgers = [{:?}]\n",
            dir.join("ledger")
        ),
    )
    .unwrap();
    Scenario::load(&sc).unwrap()
}

#[test]
fn chinese_headers_and_levels_settle_as_the_english_ledger() {
    let dir = tempfile::tempdir().unwrap();
    let sc = chinese(dir.path(), "年度,月份,地区代码,科目代码,级次,金额,凭证号");
    let zh = run(&sc).unwrap();
    let en = run(&Scenario::load(Path::new(&format!("{MINI}/fixed.toml"))).unwrap()).unwrap();
    assert_eq!(zh.settlement, en.settlement);
    assert_eq!(zh.baselines, en.baselines);
}

#[test]
fn a_column_named_both_ways_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let sc = chinese(dir.path(), "年度,月份,地区代码,科目代码,级次,amount,金额");
    let Err(e) = run(&sc) else {
        panic!("a repeated column must be refused")
    };
    let e = e.to_string();
    assert!(
        e.contains("`amount` appears twice") && e.contains("`金额`"),
        "{e}"
    );
}
