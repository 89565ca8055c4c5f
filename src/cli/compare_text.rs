//! What `compare` prints, like `run`: amounts in 亿元 with separators (per head in 元), the
//! granularity used, and each heading saying which period its figures cover (summed over
//! the compared years, or one year); an empty list prints "无 none".

use super::summary::yi;
use fencheng::money::{format_yuan, round_div};
use fencheng::regions::RegionKind;
use fencheng::report::html::thousands;
use fencheng::scenario::compare::Analysis;
use fencheng::scenario::run::ScenarioResult;
use std::collections::BTreeMap;

/// 亿元 with 2 decimals and thousands separators.
fn yi_grouped(fen: i64) -> String {
    thousands(&yi(fen))
}

/// 元 with 2 decimals and thousands separators.
fn yuan_grouped(fen: i64) -> String {
    thousands(&format_yuan(fen))
}

/// The change of one scenario against the reference: by level, by prefecture, the biggest
/// county and prefecture winners and losers (all summed over the compared years), then the
/// last year's counts and gaps.
pub fn print_analysis(a: &Analysis, reference: &ScenarioResult, top: usize) {
    let name = |code: &str| {
        reference
            .regions
            .get(code)
            .map(|r| r.name.clone())
            .unwrap_or_default()
    };
    let years: Vec<i32> = a.summary.iter().map(|s| s.year).collect();
    let (Some(&first), Some(&last)) = (years.iter().min(), years.iter().max()) else {
        println!(
            "\n== {} against {}: no year settled by both ==",
            a.scenario, a.reference
        );
        return;
    };
    let period = format!("summed over {first}–{last} ({} years)", years.len());
    let granularity = format!("{:?}", reference.granularity).to_lowercase();
    println!(
        "\n== {} against {}: change of available resources (可用财力), {period}; \
         {granularity} granularity; 亿元 ==",
        a.scenario, a.reference
    );
    let by = |f: fn(&fencheng::scenario::compare::SummaryRow) -> i64| -> i64 {
        a.summary.iter().map(f).sum()
    };
    println!(
        "counties {} · prefectures {} · province {} (own revenue)",
        yi_grouped(by(|r| r.delta_counties)),
        yi_grouped(by(|r| r.delta_prefectures)),
        yi_grouped(by(|r| r.delta_province))
    );
    // the same change split into actual and projected years, and each actual year in which
    // the scenarios differ: a sum over projected years rests on assumed growth
    let part = |projected: bool| -> (i64, Vec<i32>) {
        let rows = a.summary.iter().filter(|r| r.projected == projected);
        (
            rows.clone().map(|r| r.delta_counties).sum(),
            rows.map(|r| r.year).collect(),
        )
    };
    for (projected, label) in [(false, "actual"), (true, "projected")] {
        let (sum, ys) = part(projected);
        if let (Some(a0), Some(a1)) = (ys.first(), ys.last()) {
            println!(
                "  of which counties, {label} {a0}–{a1}: {}",
                yi_grouped(sum)
            );
        }
    }
    for r in a.summary.iter().filter(|r| !r.projected) {
        if r.winners + r.losers > 0 {
            println!(
                "  {} alone: {} counties gain, {} lose ({})",
                r.year,
                r.winners,
                r.losers,
                yi_grouped(r.delta_counties)
            );
        }
    }

    // prefectures: proper + counties = total, summed over the years; per head over residents
    let mut pref: BTreeMap<&str, (i64, i64, i64, u64)> = BTreeMap::new();
    for p in &a.prefectures {
        let e = pref.entry(&p.prefecture).or_default();
        e.0 += p.delta_proper;
        e.1 += p.delta_counties;
        e.2 += p.delta_total;
        e.3 = p.population;
    }
    println!("\nby prefecture (市本级 + 所辖县 = 全市), {period}; 亿元, per head 元:");
    if pref.is_empty() {
        println!("  无 none");
    } else {
        println!(
            "  {:<6} {} {:>12} {:>12} {:>12} {:>14}",
            "code",
            super::text::pad("name", 10),
            "proper",
            "counties",
            "total",
            "total/head"
        );
    }
    for (code, (proper, counties, total, population)) in &pref {
        let per_head = if *population > 0 {
            yuan_grouped(round_div(*total as i128, *population as i128) as i64)
        } else {
            String::new()
        };
        println!(
            "  {code} {} {:>12} {:>12} {:>12} {:>14}",
            super::text::pad(&name(code), 10),
            yi_grouped(*proper),
            yi_grouped(*counties),
            yi_grouped(*total),
            per_head
        );
    }

    for kind in [RegionKind::County, RegionKind::Prefecture] {
        let mut v: Vec<(&str, i64)> = a
            .totals
            .iter()
            .filter(|t| t.kind == kind)
            .map(|t| (t.region.as_str(), t.delta_sum))
            .collect();
        v.sort_by(|x, y| y.1.cmp(&x.1).then(x.0.cmp(y.0)));
        let label = match kind {
            RegionKind::County => "counties",
            _ => "prefectures proper",
        };
        let gaining: Vec<_> = v.iter().filter(|x| x.1 > 0).take(top).collect();
        let losing: Vec<_> = v.iter().rev().filter(|x| x.1 < 0).take(top).collect();
        for (what, list) in [("gaining", gaining), ("losing", losing)] {
            println!("top {top} {label} {what}, {period} (亿元):");
            if list.is_empty() {
                println!("  无 none");
            }
            for (c, d) in list {
                println!(
                    "  {c} {} {:>12}",
                    super::text::pad(&name(c), 10),
                    yi_grouped(*d)
                );
            }
        }
    }

    if let Some(s) = a.summary.iter().find(|s| s.year == last) {
        let opt = |v: Option<f64>| v.map_or("—".to_string(), |x| format!("{x:.4}"));
        println!(
            "in {last} alone{}: {} counties gain, {} lose; Gini of county per-capita resources \
             {:.4} → {:.4}; population-weighted over every unit: Gini {} → {}, Theil {} → {}",
            if s.projected { " (projected)" } else { "" },
            s.winners,
            s.losers,
            s.reference.gini,
            s.spread.gini,
            opt(s.weighted_reference.gini),
            opt(s.weighted.gini),
            opt(s.weighted_reference.theil),
            opt(s.weighted.theil),
        );
    }
    println!(
        "income groups: counties by local revenue per head in {} (see comparison_groups.csv); \
         present values at {} a year to {first} (comparison_totals.csv)",
        a.groups_year, a.discount
    );
}
