//! Plain-text rendering of an [`Explanation`], for `fencheng explain`: one block per stage
//! (receipts, baseline, county flows, settlement), amounts in yuan with 2 decimals.

use super::{
    BaseExplanation, CountyFlow, Explanation, ItemLine, RuleUsed, Split, SubsidyLine, Yuan,
};
use crate::split::Granularity;
use std::fmt::Write;

/// Months as compact ranges: `1–6, 9`; `none` when empty.
fn months(ms: &[u32]) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut i = 0;
    while i < ms.len() {
        let mut j = i;
        while j + 1 < ms.len() && ms[j + 1] == ms[j] + 1 {
            j += 1;
        }
        parts.push(if j > i {
            format!("{}–{}", ms[i], ms[j])
        } else {
            ms[i].to_string()
        });
        i = j + 1;
    }
    if parts.is_empty() {
        "none".into()
    } else {
        parts.join(", ")
    }
}

fn split_line(s: &Split) -> String {
    format!(
        "collected {} = central {} + province {} + prefecture {} + retained {}",
        s.collected, s.to_central, s.to_province, s.to_prefecture, s.retained
    )
}

fn rule_text(out: &mut String, u: &RuleUsed, same_as_before: bool, county_with_prefecture: bool) {
    if !same_as_before {
        rule_header(out, u);
    }
    let regime = if !county_with_prefecture {
        String::new()
    } else if u.prefecture_managed {
        format!(
            ": prefecture-managed, prefecture share {} applied",
            u.prefecture_applied
        )
    } else {
        format!(
            ": province-direct, prefecture share 0 (old rules: {})",
            u.prefecture_if_managed
        )
    };
    let _ = writeln!(out, "      months {}{regime}", months(&u.months));
}

fn rule_header(out: &mut String, u: &RuleUsed) {
    let until = u.until.map_or("no end".to_string(), |d| d.to_string());
    let source = u.source.as_deref().unwrap_or("source not given");
    let _ = writeln!(
        out,
        "    rule of item {} in force {} to {until} ({source}): central {}, province {}, \
         prefecture {}",
        u.item_rule, u.from, u.central, u.province, u.prefecture_default
    );
    if let Some(p) = &u.prefecture_rule {
        let until = p.until.map_or("no end".to_string(), |d| d.to_string());
        let source = p.source.as_deref().unwrap_or("source not given");
        let _ = writeln!(
            out,
            "    the prefecture's own rule (一市一策) on {} in force {} to {until} ({source}): \
             share {}",
            p.item, p.from, p.share
        );
    }
}

fn line_text(out: &mut String, l: &ItemLine, county_with_prefecture: bool) {
    let _ = writeln!(
        out,
        "  {} {} · {} · months {} · {} receipt(s)",
        l.item,
        l.item_name,
        l.level,
        months(&l.months),
        l.receipts
    );
    let _ = writeln!(out, "    {}", split_line(&l.split));
    let _ = writeln!(out, "    {}", l.how);
    let same = |a: &RuleUsed, b: &RuleUsed| {
        (&a.item_rule, a.from, &a.prefecture_rule) == (&b.item_rule, b.from, &b.prefecture_rule)
    };
    for (i, u) in l.rules.iter().enumerate() {
        let same_as_before = i > 0 && same(&l.rules[i - 1], u);
        rule_text(out, u, same_as_before, county_with_prefecture);
    }
    if l.rule_changed {
        let _ = writeln!(
            out,
            "    the rule changed within the year: {} rules applied, each to the months shown",
            l.rules.len()
        );
    }
    if county_with_prefecture && l.level == "shared" {
        let _ = writeln!(
            out,
            "    prefecture's part under the old rules (measure of the base): {}",
            l.prefecture_if_managed
        );
    }
}

fn base_text(out: &mut String, b: &BaseExplanation, year: i32) {
    let _ = writeln!(
        out,
        "\nTransfer baseline 划转基数 (province-direct since {}; method {}; source {})",
        b.direct_since, b.method, b.source
    );
    if b.base_years.is_empty() {
        let _ = writeln!(
            out,
            "  base from bases.csv, fixed before the ledgers: counts as shared_base {}, \
             subsidy_base {}",
            b.shared_base, b.subsidy_base
        );
    }
    for y in &b.base_years {
        let _ = writeln!(
            out,
            "  base year {}: S (prefecture's old-rule part of shared receipts) {}, \
             subsidy B (市对县补助 T of that year, the base's subsidy part) {}",
            y.year, y.prefecture_share, y.subsidy
        );
    }
    if !b.base_years.is_empty() {
        let n = b.base_years.len();
        let _ = writeln!(
            out,
            "  shared_base = round(ΣS / {n}) = {}; subsidy_base = round(ΣB / {n}) = {}",
            b.shared_base, b.subsidy_base
        );
    }
    let _ = writeln!(
        out,
        "  net_base = shared_base − subsidy_base = {} − {} = {}",
        b.shared_base, b.subsidy_base, b.net_base
    );
    for s in &b.steps {
        let _ = writeln!(out, "  {}: {} → due {}", s.year, s.how, s.settled_due);
    }
    let flow = match b.due.0 {
        d if d > 0 => "paid by the county, through the province, to its prefecture (体制上解)",
        d if d < 0 => "paid by the prefecture, through the province, to the county (体制补助)",
        _ => "nothing flows",
    };
    let _ = writeln!(out, "  due {year}: {} {flow}", Yuan(b.due.0.abs()));
}

fn subsidy_text(out: &mut String, sl: &SubsidyLine, year: i32) {
    let _ = writeln!(out, "\nSubsidy from the prefecture 市对县补助");
    let t = match sl.from_row_of {
        Some(y) if y == year => format!("T = {} (subsidies.csv, {year})", sl.annual),
        Some(y) => format!(
            "T = {} (subsidies.csv has no row for {year}: its {y} row held flat)",
            sl.annual
        ),
        None => "T = 0.00 (no row in subsidies.csv)".to_string(),
    };
    let why = if sl.managed_months == 0 {
        " — province-direct all year: its subsidies are part of its base and no longer paid"
    } else {
        ""
    };
    let _ = writeln!(
        out,
        "  {t}; prefecture-managed {} of 12 months: received = round(T × {} / 12) = {}{why}",
        sl.managed_months, sl.managed_months, sl.received
    );
}

fn counties_text(out: &mut String, e: &Explanation, cs: &[CountyFlow]) {
    let _ = writeln!(out, "\nCounties of {} {}", e.region_name, e.region);
    for c in cs {
        let base = c.base_due.map_or("no base".to_string(), |d| {
            format!(
                "base due {d} → received {}, paid {}",
                c.base_received, c.base_paid
            )
        });
        let _ = writeln!(
            out,
            "  {} {}: to_prefecture {}; {base}; subsidy paid (市对县补助) {}",
            c.county, c.name, c.to_prefecture, c.subsidy
        );
    }
    let s = &e.settlement;
    let _ = writeln!(
        out,
        "  from_counties = Σ to_prefecture = {}; base_received = {}; base_paid = {}; \
         subsidy_paid = {}",
        s.from_counties, s.base_received, s.base_paid, s.subsidy_paid
    );
}

impl super::Explanation {
    /// The explanation as plain text: every figure of the statement with how it was reached.
    pub fn render_text(&self) -> String {
        let mut out = String::new();
        let e = self;
        let parent = e
            .prefecture
            .as_ref()
            .map_or(String::new(), |p| format!(" of prefecture {p}"));
        let _ = writeln!(
            out,
            "{} {} ({}{parent}), fiscal year {}{} — scenario {}",
            e.region_name,
            e.region,
            e.kind,
            e.year,
            if e.projected { " (projected)" } else { "" },
            e.scenario
        );
        let county_with_prefecture = e.kind == "county" && e.prefecture.is_some();
        if let Some(regime) = &e.regime {
            let _ = writeln!(
                out,
                "regime {regime}: prefecture-managed (市管县) in months {}; province-direct \
                 (省直管) in months {}",
                months(&e.prefecture_managed_months),
                months(&e.direct_months)
            );
        }
        let _ = writeln!(
            out,
            "\nReceipts 收入 by item and budget level, summed over the months ({})",
            match e.granularity {
                Granularity::Receipt => "each receipt split on its own, as the treasury does",
                Granularity::Monthly => "each monthly total split as one receipt",
            }
        );
        if e.lines.is_empty() {
            let _ = writeln!(out, "  no receipts");
        }
        for l in &e.lines {
            line_text(&mut out, l, county_with_prefecture);
        }
        let _ = writeln!(out, "  total: {}", split_line(&e.totals));
        if let Some(b) = &e.base {
            base_text(&mut out, b, e.year);
        }
        if let Some(sl) = &e.subsidy {
            subsidy_text(&mut out, sl, e.year);
        }
        if e.kind == "prefecture" {
            counties_text(&mut out, e, &e.counties);
        }
        let s = &e.settlement;
        let _ = writeln!(out, "\nSettlement 结算");
        let _ = writeln!(
            out,
            "  available (可用财力) = retained {} + from_counties {} + rebates {} + transfers {} \
             − base_paid {} + base_received {} − subsidy_paid {} + subsidy_received {} = {}",
            s.retained,
            s.from_counties,
            s.rebates,
            s.transfers,
            s.base_paid,
            s.base_received,
            s.subsidy_paid,
            s.subsidy_received,
            s.available
        );
        if s.rebates.0 != 0 || s.transfers.0 != 0 {
            let _ = writeln!(
                out,
                "  rebates (返还性收入) and transfers (转移支付) are the scenario's input tables"
            );
        }
        let _ = match s.available_per_capita {
            Some(pc) => writeln!(
                out,
                "  per capita = round({} / {} residents) = {pc}",
                s.available, s.population
            ),
            None => writeln!(out, "  per capita: none (population 0)"),
        };
        out
    }
}
