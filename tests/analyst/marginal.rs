//! Marginal retention: by hand for every indexation, and by a finite difference (add
//! receipts, settle again).

use super::{mini, run, run_path};
use approx::assert_relative_eq;
use fencheng::scenario::compare::marginal_retention;
use fencheng::scenario::run::ScenarioResult;

/// `file` run again with `yuan` more VAT (10101, shared) in each month of `year` in
/// `county`: the scenario extends `file` and reads one more ledger file.
fn with_more_vat(file: &str, county: &str, year: i32, yuan: i64) -> ScenarioResult {
    let dir = tempfile::tempdir().unwrap();
    let extra = dir.path().join("extra.csv");
    let mut csv = String::from("fiscal_year,month,region_code,item_code,budget_level,amount\n");
    for m in 1..=12 {
        csv.push_str(&format!("{year},{m},{county},10101,shared,{yuan}.00\n"));
    }
    std::fs::write(&extra, csv).unwrap();
    let sc = dir.path().join("more.toml");
    std::fs::write(
        &sc,
        format!(
            "[scenario]\nname = \"more\"\nextends = {:?}\nledgers = [{:?}, {:?}]\n",
            mini(file),
            mini("ledger"),
            extra
        ),
    )
    .unwrap();
    run_path(&sc)
}

fn available(r: &ScenarioResult, code: &str, year: i32) -> i64 {
    r.settlement
        .iter()
        .find(|s| s.region == code && s.year == year)
        .unwrap()
        .available
}

#[test]
fn marginal_retention_by_hand_and_by_finite_difference() {
    // VAT: central 0.50, province 0.20 of the rest: a direct county keeps 0.40 of a yuan.
    // 乙一县 2022: managed (乙市's own share 0.40) January–June, direct from July:
    //   (6 × 0.4 × 0.6 + 6 × 0.4) / 12 = 0.32; 乙二县, never direct: 0.24; 丙市: 0.40.
    // 2023, after the switch, by indexation:
    //   fixed, rate, phase-out: the due ignores this year's revenue: 0.40;
    //   increment_share 0.5: S_y ≥ shared_base, so the due takes 0.5 × the old prefecture
    //     part 0.4 × 0.30 (甲一县) = 0.06 → 0.34, and 0.5 × 0.4 × 0.40 (乙一县) → 0.32;
    //   revenue_coefficient 0.3: the due moves by 0.3 × due_2022 / L_2022 per yuan of local
    //     revenue (0.5 of a yuan): 甲一县 0.4 − 0.3 × 780 / 6100 × 0.5 = 0.380820;
    //     乙一县 (due −1800, L 10000) 0.4 + 0.3 × 1800 / 10000 × 0.5 = 0.427.
    // In the switch year (spec 2) only increment_share moves the due, by s × the old
    // prefecture part, prorated: 甲一县 (January) 0.40 − 0.5 × 0.12 = 0.34; 乙一县 (July,
    // S_2022 = 3200.00 = its shared base, so an added receipt lifts it above) 0.32 − 0.5 ×
    // 0.4 × 0.40 × 6/12 = 0.28. A base fixed in bases.csv (the pilot 甲二县) stays fixed
    // under every indexation: it keeps 0.40 under increment_share too.
    let cases: [(&str, &str, i32, f64); 15] = [
        ("increment_share.toml", "990121", 2022, 0.34),
        ("increment_share.toml", "990221", 2022, 0.28),
        ("increment_share.toml", "990122", 2023, 0.40),
        ("fixed.toml", "990221", 2022, 0.32),
        ("fixed.toml", "990222", 2022, 0.24),
        ("fixed.toml", "990301", 2023, 0.40),
        ("fixed.toml", "990121", 2022, 0.40),
        ("fixed.toml", "990121", 2023, 0.40),
        ("rate.toml", "990121", 2023, 0.40),
        ("phase_out_years.toml", "990221", 2023, 0.40),
        ("increment_share.toml", "990121", 2023, 0.34),
        ("increment_share.toml", "990221", 2023, 0.32),
        (
            "revenue_coefficient.toml",
            "990121",
            2023,
            0.4 - 0.3 * 780.0 / 6100.0 * 0.5,
        ),
        ("revenue_coefficient.toml", "990221", 2023, 0.427),
        ("no_reform.toml", "990121", 2023, 0.28),
    ];
    for (file, county, year, by_hand) in cases {
        let base = run(file);
        let m = marginal_retention(&base)
            .into_iter()
            .find(|r| r.region == county && r.year == year && r.item == "10101")
            .unwrap()
            .marginal;
        assert_relative_eq!(m, by_hand, epsilon = 1e-9);
        // 1000.00 more each month: available moves by marginal × 12000.00, within rounding
        // (a fen per monthly split and per due)
        let more = with_more_vat(file, county, year, 1000);
        let moved = available(&more, county, year) - available(&base, county, year);
        let expected = m * 1_200_000.0;
        assert!(
            (moved as f64 - expected).abs() <= 15.0,
            "{file} {county} {year}: moved {moved} fen, marginal {m} predicts {expected}"
        );
    }
}
