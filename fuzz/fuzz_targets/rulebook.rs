//! Rulebook parser: arbitrary text as a rulebook TOML → raw types → validated rule set,
//! then look-ups and a scenario-style change on whatever parsed.
//! Any `Err` is an acceptable answer; a panic or an abort is a finding.
#![no_main]

use fencheng::money::Rate;
use fencheng::period::YearMonth;
use fencheng::rules::raw::RawRulebook;
use fencheng::rules::{RuleChange, RuleSet};
use libfuzzer_sys::fuzz_target;

const CODES: [&str; 5] = ["10101", "1010101", "10104", "103", "101"];

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(raw) = toml::from_str::<RawRulebook>(text) else {
        return;
    };
    let Ok(rules) = RuleSet::from_raw(raw) else {
        return;
    };
    let months = [(1994, 1), (2016, 4), (2016, 5), (2019, 1), (2022, 1), (2022, 7), (2100, 12)]
        .map(|(y, m)| YearMonth::new(y, m).expect("valid month"));
    // every code the rulebook names, plus a few fixed ones
    let mut codes: Vec<String> = rules.items().map(|i| i.code.clone()).collect();
    codes.extend(CODES.iter().map(|c| c.to_string()));
    let prefectures: Vec<String> = rules.prefecture_rules().map(|p| p.prefecture.clone()).collect();
    for code in &codes {
        for &ym in &months {
            let _ = rules.in_force(code, ym);
            let _ = rules.prefecture_share("990200", code, ym);
            for p in &prefectures {
                let _ = rules.prefecture_share(p, code, ym);
            }
        }
    }
    for code in &codes {
        for (&ym, rate) in months.iter().zip(["0", "0.1", "0.5", "1"].iter().cycle()) {
            let mut changed = rules.clone();
            let change = RuleChange {
                item: code.clone(),
                from: ym,
                central: None,
                province: Some(Rate::parse(rate).expect("valid rate")),
                prefecture: None,
            };
            if changed.apply_change(&change).is_ok() {
                let _ = changed.in_force(code, ym);
            }
        }
    }
});
