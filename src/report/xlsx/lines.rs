//! The statement lines of one scenario-year in the order a finance bureau reads them:
//! prefecture by prefecture (counties, their 小计, the prefecture proper 市本级, the whole
//! prefecture's 全市合计), the counties with no prefecture, then 全省合计 — every total
//! summed in integer fen.

use crate::money::round_div;
use crate::regions::RegionKind;
use crate::scenario::run::ScenarioResult;
use crate::settlement::{Regime, SettlementRow};

/// Number of money columns of a statement line (收入合计 … 可用财力).
pub const MONEY_COLUMNS: usize = 13;
/// Index of 上划市级 among the money columns.
pub const TO_PREFECTURE: usize = 3;
/// Index of 本级收入.
pub const RETAINED: usize = 4;
/// Index of 市级分享收入.
pub const FROM_COUNTIES: usize = 5;
/// Index of 体制上解.
pub const BASE_PAID: usize = 6;
/// Index of 体制补助.
pub const BASE_RECEIVED: usize = 7;
/// Index of 市对县补助支出.
pub const SUBSIDY_PAID: usize = 8;
/// Index of 市对县补助收入.
pub const SUBSIDY_RECEIVED: usize = 9;

/// What a line of a statement sheet stands for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LineKind {
    /// A county's own statement.
    County,
    /// 小计: the sum of one group's counties (a prefecture's, or those with no prefecture).
    Subtotal,
    /// 市本级: the prefecture proper's own statement.
    Prefecture,
    /// 全市合计: the prefecture proper and its counties as one, the flows between them
    /// netted ([`net_city`]): a county's 上划市级 stays in the city's 本级收入, and the
    /// bases and subsidies between the prefecture and its own counties cancel.
    City,
    /// 全省合计: every county and prefecture of the province, the flows between prefectures
    /// and counties netted like a 全市合计 (they never leave the province).
    Province,
}

/// One line of a statement sheet: a region's statement or a total, money in fen.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StatementLine {
    /// What the line is.
    pub kind: LineKind,
    /// Region code; the province's for 全省合计, empty for a subtotal.
    pub code: String,
    /// Region name, or the total's label (`郑州市所属县小计`, `郑州市本级`, `郑州市全市合计`,
    /// `全省合计`).
    pub name: String,
    /// County regime in Chinese (市管县, 省直管县, 当年改直管); empty otherwise.
    pub regime: String,
    /// collected, to_central, to_province, to_prefecture, retained, from_counties,
    /// base_paid, base_received, subsidy_paid, subsidy_received, rebates, transfers,
    /// available — fen.
    pub money: [i64; MONEY_COLUMNS],
    /// Residents (常住人口).
    pub population: u64,
    /// round(available / population) in fen; `None` when there are no residents.
    pub available_per_capita: Option<i64>,
}

/// The money columns of a settlement row, in [`StatementLine::money`] order.
pub fn money_of(r: &SettlementRow) -> [i64; MONEY_COLUMNS] {
    let p = &r.parts;
    [
        p.collected,
        p.to_central,
        p.to_province,
        p.to_prefecture,
        p.retained,
        r.from_counties,
        r.base_paid,
        r.base_received,
        r.subsidy_paid,
        r.subsidy_received,
        r.rebates,
        r.transfers,
        r.available,
    ]
}

fn regime_label(r: Option<Regime>) -> &'static str {
    match r {
        Some(Regime::Prefecture) => "市管县",
        Some(Regime::Direct) => "省直管县",
        Some(Regime::Switched) => "当年改直管",
        None => "",
    }
}

/// The line of one region's statement.
fn region_line(res: &ScenarioResult, r: &SettlementRow) -> StatementLine {
    let name = res.regions.get(&r.region).map_or("", |g| g.name.as_str());
    let (kind, name) = match r.kind {
        RegionKind::County => (LineKind::County, name.to_string()),
        _ => (LineKind::Prefecture, format!("{name}本级")),
    };
    StatementLine {
        kind,
        code: r.region.clone(),
        name,
        regime: regime_label(r.regime).to_string(),
        money: money_of(r),
        population: r.population,
        available_per_capita: r.available_per_capita,
    }
}

/// A total of rows, summed in fen; per capita from the summed figures.
fn total_line(kind: LineKind, code: &str, name: String, rows: &[&SettlementRow]) -> StatementLine {
    let mut money = [0i64; MONEY_COLUMNS];
    for r in rows {
        for (m, v) in money.iter_mut().zip(money_of(r)) {
            *m += v;
        }
    }
    let population: u64 = rows.iter().map(|r| r.population).sum();
    let available = money[MONEY_COLUMNS - 1];
    StatementLine {
        kind,
        code: code.to_string(),
        name,
        regime: String::new(),
        money,
        population,
        available_per_capita: (population > 0)
            .then(|| round_div(available as i128, population as i128) as i64),
    }
}

/// Nets a 全市合计 (a prefecture proper plus its counties; likewise 全省合计): what counties pass up
/// (上划市级 = its 市级分享收入) is revenue the city keeps, and every base and subsidy of
/// the city flows between the prefecture and its own counties, so they cancel. Available
/// resources are unchanged: only internal flows move.
pub fn net_city(mut line: StatementLine) -> StatementLine {
    let m = &mut line.money;
    m[RETAINED] += m[TO_PREFECTURE];
    for col in [
        TO_PREFECTURE,
        FROM_COUNTIES,
        BASE_PAID,
        BASE_RECEIVED,
        SUBSIDY_PAID,
        SUBSIDY_RECEIVED,
    ] {
        m[col] = 0;
    }
    line
}

/// The statement lines of one scenario-year in the order a bureau reads them: for each
/// prefecture (code order) its counties (code order), their 小计, the prefecture proper and
/// 全市合计;
/// then the counties with no prefecture (济源) and their 小计; last 全省合计.
pub fn statement_lines(res: &ScenarioResult, year: i32) -> Vec<StatementLine> {
    let mut rows: Vec<&SettlementRow> = res.settlement.iter().filter(|r| r.year == year).collect();
    rows.sort_by(|a, b| a.region.cmp(&b.region));
    let counties_of = |pref: &str| -> Vec<&SettlementRow> {
        rows.iter()
            .copied()
            .filter(|r| r.kind == RegionKind::County && r.prefecture_code == pref)
            .collect()
    };
    let mut lines = Vec::new();
    for p in rows.iter().filter(|r| r.kind == RegionKind::Prefecture) {
        let counties = counties_of(&p.region);
        let name = res.regions.get(&p.region).map_or("", |g| g.name.as_str());
        lines.extend(counties.iter().map(|c| region_line(res, c)));
        lines.push(total_line(
            LineKind::Subtotal,
            "",
            format!("{name}所属县小计"),
            &counties,
        ));
        lines.push(region_line(res, p));
        let mut city = counties;
        city.push(p);
        lines.push(net_city(total_line(
            LineKind::City,
            "",
            format!("{name}全市合计"),
            &city,
        )));
    }
    let loose = counties_of("");
    if !loose.is_empty() {
        lines.extend(loose.iter().map(|c| region_line(res, c)));
        lines.push(total_line(
            LineKind::Subtotal,
            "",
            "省直辖县（市）小计".to_string(),
            &loose,
        ));
    }
    let province = res.regions.province().code.as_str();
    lines.push(net_city(total_line(
        LineKind::Province,
        province,
        "全省合计".to_string(),
        &rows,
    )));
    lines
}
