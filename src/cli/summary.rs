//! The short table `run` prints: the province per year, then each prefecture with its
//! counties in the last settled year, in 亿元 (100 million yuan).

use fencheng::regions::RegionKind;
use fencheng::scenario::run::ScenarioResult;

pub(super) fn yi(fen: i64) -> String {
    // fen → 亿元 with 2 decimals, rounded half away from zero
    let v = fencheng::money::round_div(fen as i128, 100_000_000) as i64;
    fencheng::money::format_yuan(v)
}

pub fn print_summary(r: &ScenarioResult) {
    let sc = &r.scenario;
    println!(
        "\n== scenario {} ({} granularity; amounts in 亿元) ==",
        sc.name,
        format!("{:?}", r.granularity).to_lowercase()
    );
    println!("{}", sc.data_banner());
    println!(
        "{:<6} {:>12} {:>12} {:>12} {:>22} {:>19} {:>10}",
        "year",
        "collected",
        "to_central",
        "to_province",
        "prefectures_available",
        "counties_available",
        "base_flow"
    );
    for p in &r.province {
        println!(
            "{:<6} {:>12} {:>12} {:>12} {:>22} {:>19} {:>10}{}",
            p.year,
            yi(p.collected),
            yi(p.to_central),
            yi(p.to_province),
            yi(p.prefectures_available),
            yi(p.counties_available),
            yi(p.base_flow),
            if p.projected { "  (projected)" } else { "" }
        );
    }
    let Some(&year) = sc.years.last() else { return };
    println!(
        "\n{year}, each prefecture and its counties (collected: proper and counties; \
         base_net_received: base received − base paid; available: the prefecture proper's)"
    );
    println!(
        "{:<10} {:>10} {:>11} {:>13} {:>17} {:>11} {:>18}",
        "prefecture",
        "n_counties",
        "collected",
        "from_counties",
        "base_net_received",
        "available",
        "counties_available"
    );
    for p in r
        .settlement
        .iter()
        .filter(|s| s.year == year && s.kind == RegionKind::Prefecture)
    {
        let counties: Vec<_> = r
            .settlement
            .iter()
            .filter(|s| {
                s.year == year && s.kind == RegionKind::County && s.prefecture_code == p.region
            })
            .collect();
        let name = r
            .regions
            .get(&p.region)
            .map(|g| g.name.as_str())
            .unwrap_or("");
        println!(
            "{} {:>10} {:>11} {:>13} {:>17} {:>11} {:>18}",
            super::text::pad(name, 10),
            counties.len(),
            yi(p.parts.collected + counties.iter().map(|c| c.parts.collected).sum::<i64>()),
            yi(p.from_counties),
            yi(p.base_received - p.base_paid),
            yi(p.available),
            yi(counties.iter().map(|c| c.available).sum()),
        );
    }
    let checks = r.checks.iter().filter(|c| c.passed).count();
    println!("checks passed: {checks}/{}", r.checks.len());
    if let Some(q) = &r.quarantined {
        println!("quarantined: {}", q.describe());
        for g in &q.groups {
            println!("  {}", g.describe());
        }
    }
}
