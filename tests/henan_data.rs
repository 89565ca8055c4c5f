//! What is real in the shipped Henan data, checked against its sources: the 2020 census
//! populations of `regions.csv`, every published revenue figure the synthetic ledger is
//! fitted to (split by the engine under the shipped rulebook), Henan's VAT rule in the
//! rulebook, and `datasets/README.md` naming every shipped file.

use fencheng::ledger::{BudgetLevel, Encoding, LedgerScan};
use fencheng::period::YearMonth;
use fencheng::regions::{RegionKind, RegionTable};
use fencheng::rules::RuleSet;
use fencheng::scenario::run::{run_scenario, RunOptions, ScenarioResult};
use fencheng::scenario::Scenario;
use fencheng::split::Granularity;
use fencheng::tables::load_subsidies;
use std::collections::BTreeMap;
use std::path::Path;

fn regions() -> RegionTable {
    RegionTable::load(Path::new("datasets/henan/regions.csv")).unwrap()
}

fn population(t: &RegionTable, code: &str) -> u64 {
    t.get(code)
        .unwrap_or_else(|| panic!("{code} not in regions.csv"))
        .population
}

/// Census 2020 (第七次全国人口普查), sheet 七普（年鉴） of leiii/census
/// `census_county_2020_v1.xlsx`: resident population.
#[test]
fn census_2020_populations_of_five_counties_and_the_province() {
    let t = regions();
    for (code, name, census) in [
        ("410122", "中牟县", 973_665),
        ("410783", "长垣市", 905_436),
        ("411481", "永城市", 1_256_409),
        ("411624", "沈丘县", 956_631),
        ("419001", "济源市", 727_265),
    ] {
        assert_eq!(population(&t, code), census, "{name} {code}: census 2020");
    }
    assert_eq!(population(&t, "410000"), 99_365_519, "河南省: census 2020");
    let others: u64 = t
        .all()
        .iter()
        .filter(|r| r.kind != RegionKind::Province)
        .map(|r| r.population)
        .sum();
    assert_eq!(others, 99_365_519, "prefectures and counties add up");
}

/// Every unit against the census file shipped in `datasets/sources/`: counties their own
/// figure; a prefecture proper the prefecture's total less its counties in the table, so
/// 洛阳市本级 holds 孟津 (410322) and 偃师 (410381), counties in 2020.
#[test]
fn every_region_matches_the_shipped_census_file() {
    let text =
        std::fs::read_to_string("datasets/sources/census-2020/henan-census-2020.csv").unwrap();
    let census: BTreeMap<String, u64> = text
        .lines()
        .skip(1)
        .map(|l| {
            let f: Vec<&str> = l.trim_end().split(',').collect();
            (f[0].to_string(), f[4].parse().unwrap())
        })
        .collect();
    assert_eq!(census.len(), 194);
    let t = regions();
    for r in t.all() {
        let expected = match r.kind {
            RegionKind::Prefecture => {
                let counties: u64 = t
                    .all()
                    .iter()
                    .filter(|c| c.parent.as_deref() == Some(r.code.as_str()))
                    .map(|c| census[&c.code])
                    .sum();
                census[&r.code] - counties
            }
            _ => census[&r.code],
        };
        assert_eq!(r.population, expected, "{} {}", r.code, r.name);
    }
    let luoyang_districts = 3_512_947 - census["410322"] - census["410381"];
    assert!(luoyang_districts > 0);
    assert_eq!(
        population(&t, "410300"),
        3_512_947,
        "洛阳市本级 with 孟津, 偃师"
    );
}

/// A published 一般公共预算收入 figure, 亿元.
struct Published {
    code: &'static str,
    year: i32,
    yi: f64,
    source: &'static str,
}

const PUBLISHED: &[Published] = &[
    Published {
        code: "410000",
        year: 2021,
        yi: 4347.0,
        source: "河南省 2021 ≈ 4,347 亿元, provincial statistics (大河报 2021-10-22 for Jan–Sep)",
    },
    Published {
        code: "410100",
        year: 2020,
        yi: 1259.2,
        source: "郑州市 2020 1,259.2 亿元, 郑州日报 2021-01-30",
    },
    Published {
        code: "410800",
        year: 2021,
        yi: 160.72,
        source: "焦作市 2021 160.72 亿元, 焦作 statistical bulletin 2021",
    },
    Published {
        code: "410700",
        year: 2020,
        yi: 194.03,
        source: "新乡市 2020 194.03 亿元, 新乡 statistical bulletin 2020",
    },
    Published {
        code: "410783",
        year: 2020,
        yi: 34.08,
        source: "长垣市 2020 34.08 亿元, 新乡日报 2021-02-06",
    },
    Published {
        code: "411481",
        year: 2020,
        yi: 47.71,
        source: "永城市 2020 47.71 亿元, 河南商报",
    },
    Published {
        code: "411624",
        year: 2021,
        yi: 17.13,
        source: "沈丘县 2021 17.13 亿元, journal article on 沈丘县",
    },
    Published {
        code: "411624",
        year: 2022,
        yi: 17.69,
        source: "沈丘县 2022 17.69 亿元, journal article on 沈丘县",
    },
];

fn reform() -> ScenarioResult {
    let sc = Scenario::load(Path::new("scenarios/reform-2022.toml")).unwrap();
    let scan = LedgerScan::open(&sc.ledgers, Encoding::Utf8).unwrap();
    let opts = RunOptions {
        granularity: Granularity::Receipt,
        quarantine: false,
    };
    run_scenario(&sc, &scan, opts).unwrap()
}

/// Each figure from the engine's split (`item_shares`) of the shipped ledger under the
/// shipped rulebook: a county's collected − central − provincial parts; a prefecture's the
/// same over its proper and counties; the province's collected − central over all.
#[test]
fn every_published_revenue_figure_is_met_within_1_percent() {
    let r = reform();
    let t = &r.regions;
    let in_scope = |region: &str, code: &str| -> bool {
        let reg = t.get(region).unwrap();
        code == "410000" || region == code || reg.parent.as_deref() == Some(code)
    };
    for p in PUBLISHED {
        let fen: i64 = r
            .shares
            .iter()
            .filter(|s| s.key.year == p.year && in_scope(&s.key.region, p.code))
            .map(|s| {
                let local = s.parts.collected - s.parts.to_central;
                if p.code == "410000" {
                    local
                } else {
                    local - s.parts.to_province
                }
            })
            .sum();
        let yi = fen as f64 / 1e10;
        let off = yi / p.yi - 1.0;
        assert!(
            off.abs() <= 0.01,
            "{}: the shipped data give {yi:.2} 亿元 ({:+.2} %)",
            p.source,
            off * 100.0
        );
    }
    assert!(r.checks.iter().all(|c| c.passed));
}

/// The 2019 base period a journal article on 沈丘县 names, shipped beside the default (the
/// year before the switch): every 2022 county's base is its prefecture's 2019 share of its
/// shared receipts less the 2019 subsidy, held fixed; the pilots keep their 2014 bases.
#[test]
fn base_2019_scenario_measures_the_2022_cohort_in_2019() {
    let sc = Scenario::load(Path::new("scenarios/reform-2022-base-2019.toml")).unwrap();
    assert_eq!(sc.base_years, Some(vec![2019]));
    let scan = LedgerScan::open(&sc.ledgers, Encoding::Utf8).unwrap();
    let opts = RunOptions {
        granularity: Granularity::Monthly,
        quarantine: false,
    };
    let r = run_scenario(&sc, &scan, opts).unwrap();
    let subsidies = load_subsidies(Path::new("datasets/henan/subsidies.csv"), &r.regions).unwrap();
    let mut cohort = 0;
    for b in &r.baselines {
        if b.direct_since.year != 2022 {
            assert_eq!(
                b.direct_since.year, 2014,
                "{}: only pilots besides",
                b.county
            );
            continue;
        }
        assert_eq!(b.base_years, vec![2019], "{}", b.county);
        let share_2019: i64 = r
            .shares
            .iter()
            .filter(|s| {
                s.key.region == b.county && s.key.year == 2019 && s.key.level == BudgetLevel::Shared
            })
            .map(|s| s.parts.to_prefecture)
            .sum();
        let subsidy = subsidies
            .get(&(b.county.clone(), 2019))
            .copied()
            .unwrap_or(0);
        assert_eq!(b.net_base, share_2019 - subsidy, "county {}", b.county);
        assert_eq!(b.due, b.net_base, "fixed, county {} {}", b.county, b.year);
        cohort += 1;
    }
    assert_eq!(cohort, 92 * 3, "92 counties × 2022–2024");
    assert!(r.checks.iter().all(|c| c.passed));
}

/// 豫政〔2016〕44号, 豫政〔2020〕13号: no flat provincial share of shared VAT; the province's
/// VAT comes from province-level taxpayers' rows.
#[test]
fn henan_vat_rule_no_flat_share_and_province_level_rows() {
    let rules = RuleSet::load(Path::new("datasets/henan/rulebook.toml")).unwrap();
    for ym in ["2015-12", "2016-05", "2021-06", "2022-01"] {
        let rule = rules
            .in_force("10101", YearMonth::parse(ym).unwrap())
            .unwrap();
        assert_eq!(rule.province.ppm(), 0, "VAT provincial share in {ym}");
    }
    let since = rules
        .in_force("10101", YearMonth::parse("2022-01").unwrap())
        .unwrap();
    let source = since.source.as_deref().unwrap();
    assert!(source.contains("豫政〔2016〕44号") && source.contains("豫政〔2020〕13号"));
    let text = std::fs::read_to_string("datasets/henan/ledger/2021.csv").unwrap();
    let rows = text
        .lines()
        .filter(|l| l.contains(",10101,province,"))
        .count();
    assert!(rows >= 12, "province-level VAT rows in 2021: {rows}");
    let scan = LedgerScan::open(
        &[Path::new("datasets/henan/ledger").to_path_buf()],
        Encoding::Utf8,
    )
    .unwrap();
    let province_vat: i64 = scan
        .totals
        .iter()
        .filter(|m| m.key.item == "10101" && m.key.level == BudgetLevel::Province)
        .map(|m| m.amount)
        .sum();
    assert!(province_vat > 0);
}

/// `datasets/README.md` names every file shipped under `datasets/`.
#[test]
fn datasets_readme_names_every_shipped_file() {
    let readme = std::fs::read_to_string("datasets/README.md").unwrap();
    let mut stack = vec![Path::new("datasets").to_path_buf()];
    let mut seen = 0;
    while let Some(dir) = stack.pop() {
        for e in std::fs::read_dir(&dir).unwrap().flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
                continue;
            }
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            if name == "README.md" {
                continue;
            }
            seen += 1;
            assert!(
                readme.contains(&format!("`{name}`")),
                "datasets/README.md does not name {}",
                p.display()
            );
        }
    }
    assert_eq!(
        seen, 19,
        "files under datasets/: name a new one in datasets/README.md"
    );
}
