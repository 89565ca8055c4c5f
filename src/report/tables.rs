//! The spec's output tables built from a scenario's results: `item_shares`, `baselines`,
//! `settlement`, `province` (the comparison's tables are in
//! [`super::comparison`]). Column names keep the ledger's names; rows are sorted.

use super::table::{Table, Values, Values::*};
use crate::scenario::run::ScenarioResult;
use crate::supervision::Warning;

/// The Chinese names of regions, by code (empty for an unknown code).
pub(crate) fn region_names<'a>(
    regions: &crate::regions::RegionTable,
    codes: impl Iterator<Item = &'a str>,
) -> Values {
    Text(
        codes
            .map(|c| regions.get(c).map(|g| g.name.clone()).unwrap_or_default())
            .collect(),
    )
}

pub(crate) fn repeat(s: &str, n: usize) -> Vec<String> {
    vec![s.to_string(); n]
}

/// `item_shares`: one row per scenario, year, month, region, item, level.
pub fn item_shares(r: &ScenarioResult) -> Table {
    let s = &r.shares;
    let m = |f: fn(&crate::split::Parts) -> i64| Money(s.iter().map(|x| f(&x.parts)).collect());
    Table::new("item_shares")
        .col("scenario", Text(repeat(&r.scenario.name, s.len())))
        .col(
            "fiscal_year",
            Int(s.iter().map(|x| x.key.year as i64).collect()),
        )
        .col("month", Int(s.iter().map(|x| x.key.month as i64).collect()))
        .col(
            "region_code",
            Text(s.iter().map(|x| x.key.region.clone()).collect()),
        )
        .col(
            "item_code",
            Text(s.iter().map(|x| x.key.item.clone()).collect()),
        )
        .col(
            "budget_level",
            Text(s.iter().map(|x| x.key.level.to_string()).collect()),
        )
        .col("collected", m(|p| p.collected))
        .col("to_central", m(|p| p.to_central))
        .col("to_province", m(|p| p.to_province))
        .col("to_prefecture", m(|p| p.to_prefecture))
        .col("retained", m(|p| p.retained))
        .col("prefecture_if_managed", m(|p| p.prefecture_if_managed))
        .col(
            "receipts",
            Int(s.iter().map(|x| x.receipts as i64).collect()),
        )
        .col("projected", Bool(s.iter().map(|x| x.projected).collect()))
}

/// `baselines`: one row per scenario, county and year from the switch.
pub fn baselines(r: &ScenarioResult) -> Table {
    let b = &r.baselines;
    let projected = |y: i32| y > r.last_actual_year;
    Table::new("baselines")
        .col("scenario", Text(repeat(&r.scenario.name, b.len())))
        .col(
            "fiscal_year",
            Int(b.iter().map(|x| x.year as i64).collect()),
        )
        .col(
            "region_code",
            Text(b.iter().map(|x| x.county.clone()).collect()),
        )
        .col(
            "region_name",
            region_names(&r.regions, b.iter().map(|x| x.county.as_str())),
        )
        .col(
            "direct_since",
            Text(b.iter().map(|x| x.direct_since.to_string()).collect()),
        )
        .col(
            "base_years",
            Text(
                b.iter()
                    .map(|x| {
                        x.base_years
                            .iter()
                            .map(i32::to_string)
                            .collect::<Vec<_>>()
                            .join(";")
                    })
                    .collect(),
            ),
        )
        .col("method", Text(b.iter().map(|x| x.method.clone()).collect()))
        .col(
            "shared_base",
            Money(b.iter().map(|x| x.shared_base).collect()),
        )
        .col(
            "subsidy_base",
            Money(b.iter().map(|x| x.subsidy_base).collect()),
        )
        .col("net_base", Money(b.iter().map(|x| x.net_base).collect()))
        .col("due", Money(b.iter().map(|x| x.due).collect()))
        .col("source", Text(b.iter().map(|x| x.source.clone()).collect()))
        .col(
            "projected",
            Bool(b.iter().map(|x| projected(x.year)).collect()),
        )
}

/// `settlement`: one row per scenario, year and region (counties and prefectures).
pub fn settlement(r: &ScenarioResult) -> Table {
    let s = &r.settlement;
    let m = |f: fn(&crate::settlement::SettlementRow) -> i64| Money(s.iter().map(f).collect());
    Table::new("settlement")
        .col("scenario", Text(repeat(&r.scenario.name, s.len())))
        .col(
            "fiscal_year",
            Int(s.iter().map(|x| x.year as i64).collect()),
        )
        .col(
            "region_code",
            Text(s.iter().map(|x| x.region.clone()).collect()),
        )
        .col(
            "region_name",
            region_names(&r.regions, s.iter().map(|x| x.region.as_str())),
        )
        .col("kind", Label(s.iter().map(|x| x.kind.as_str()).collect()))
        .col(
            "prefecture_code",
            Text(s.iter().map(|x| x.prefecture_code.clone()).collect()),
        )
        .col(
            "regime",
            Label(
                s.iter()
                    .map(|x| x.regime.map(|g| g.as_str()).unwrap_or(""))
                    .collect(),
            ),
        )
        .col("collected", m(|x| x.parts.collected))
        .col("to_central", m(|x| x.parts.to_central))
        .col("to_province", m(|x| x.parts.to_province))
        .col("to_prefecture", m(|x| x.parts.to_prefecture))
        .col("retained", m(|x| x.parts.retained))
        .col("from_counties", m(|x| x.from_counties))
        .col("base_paid", m(|x| x.base_paid))
        .col("base_received", m(|x| x.base_received))
        .col("subsidy_paid", m(|x| x.subsidy_paid))
        .col("subsidy_received", m(|x| x.subsidy_received))
        .col("rebates", m(|x| x.rebates))
        .col("transfers", m(|x| x.transfers))
        .col("available", m(|x| x.available))
        .col("transfers_special", m(|x| x.transfers_special))
        .col("special_remit", m(|x| x.special_remit))
        .col("adjustment", m(|x| x.adjustment))
        .col("disposable", m(|x| x.disposable))
        .col("advances", m(|x| x.advances))
        .col("balance_due", m(|x| x.balance_due))
        .col(
            "population",
            Int(s.iter().map(|x| x.population as i64).collect()),
        )
        .col(
            "available_per_capita",
            OptMoney(s.iter().map(|x| x.available_per_capita).collect()),
        )
        .col("projected", Bool(s.iter().map(|x| x.projected).collect()))
}

/// `province`: one row per scenario and year.
pub fn province(r: &ScenarioResult) -> Table {
    let p = &r.province;
    let m = |f: fn(&crate::settlement::ProvinceRow) -> i64| Money(p.iter().map(f).collect());
    Table::new("province")
        .col("scenario", Text(repeat(&r.scenario.name, p.len())))
        .col(
            "fiscal_year",
            Int(p.iter().map(|x| x.year as i64).collect()),
        )
        .col("collected", m(|x| x.collected))
        .col("to_central", m(|x| x.to_central))
        .col("to_province", m(|x| x.to_province))
        .col("prefectures_available", m(|x| x.prefectures_available))
        .col("counties_available", m(|x| x.counties_available))
        .col("base_flow", m(|x| x.base_flow))
        .col("projected", Bool(p.iter().map(|x| x.projected).collect()))
}

/// The `warnings` table: scenario, fiscal_year, region_code, region_name, rule, detail, one
/// row per warning in the order given.
pub fn warnings_table(ws: &[Warning]) -> Table {
    let text = |f: fn(&Warning) -> String| Values::Text(ws.iter().map(f).collect());
    Table::new("warnings")
        .col("scenario", text(|w| w.scenario.clone()))
        .col(
            "fiscal_year",
            Values::Int(ws.iter().map(|w| w.year as i64).collect()),
        )
        .col("region_code", text(|w| w.region.clone()))
        .col("region_name", text(|w| w.region_name.clone()))
        .col("rule", text(|w| w.rule.to_string()))
        .col("detail", text(|w| w.detail.clone()))
}
