//! The reports people open, read back: `settlement.xlsx` (sheet names, both header rows,
//! the money format, totals that add up to the fen and equal the settlement figures) and
//! `report.html` (self-contained: no network references, one chart per section, Chinese
//! names), on the hand-made mini province and on the shipped Henan scenarios; and the
//! manifest's list of inputs.

use calamine::{open_workbook, Data, Range, Reader, Xlsx};
use fencheng::ledger::{Encoding, LedgerScan};
use fencheng::regions::RegionKind;
use fencheng::report::html::write_html;
use fencheng::report::xlsx::{
    money_of, write_workbook, BASELINES_SHEET, BASELINE_HEADERS, FIRST_DATA_ROW, HEADER_ROW,
    MONEY_COLUMNS, MONEY_FORMAT, STATEMENT_HEADERS, TITLE_ROW, UNIT_ROW, WARNINGS_SHEET,
};
use fencheng::scenario::compare::{analyse, AnalysisOptions};
use fencheng::scenario::run::{run_scenario, RunOptions, ScenarioResult};
use fencheng::scenario::Scenario;
use fencheng::split::Granularity;
use std::path::{Path, PathBuf};

fn run(file: &Path) -> ScenarioResult {
    let sc = Scenario::load(file).unwrap();
    let scan = LedgerScan::open(&sc.ledgers, Encoding::Utf8).unwrap();
    let opts = RunOptions {
        granularity: Granularity::Monthly,
        quarantine: false,
    };
    run_scenario(&sc, &scan, opts).unwrap()
}

fn manifest_path(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(rel)
}

/// The mini case, and the same with its last ledger year projected one year further.
fn mini_with_projection(dir: &Path) -> (ScenarioResult, ScenarioResult) {
    let projected = dir.join("projected.toml");
    let base = manifest_path("tests/cases/mini/fixed.toml");
    let text = format!(
        "[scenario]\nname = \"mini-projected\"\nextends = {:?}\nyears = [2022, 2023, 2024]\n\n\
         [projection]\nthrough = 2024\ngrowth = {{ default = \"0.10\" }}\n",
        base.to_str().unwrap()
    );
    std::fs::write(&projected, text).unwrap();
    (run(&base), run(&projected))
}

fn fen(d: &Data) -> i64 {
    match d {
        Data::Float(x) => (x * 100.0).round() as i64,
        Data::Int(i) => i * 100,
        other => panic!("not a number: {other:?}"),
    }
}

fn text(d: &Data) -> String {
    match d {
        Data::String(s) => s.clone(),
        Data::Empty => String::new(),
        other => panic!("not text: {other:?}"),
    }
}

fn cell(range: &Range<Data>, row: u32, col: u32) -> &Data {
    range.get_value((row, col)).unwrap_or(&Data::Empty)
}

fn assert_headers(range: &Range<Data>, headers: &[(&str, &str)]) {
    for (c, (zh, en)) in headers.iter().enumerate() {
        assert_eq!(
            text(cell(range, HEADER_ROW, c as u32)),
            *zh,
            "Chinese header {c}"
        );
        assert_eq!(
            text(cell(range, HEADER_ROW + 1, c as u32)),
            *en,
            "English header {c}"
        );
    }
}

/// A data row of a statement sheet: code, name, money in fen, population.
struct Line {
    row: u32,
    code: String,
    name: String,
    money: [i64; MONEY_COLUMNS],
    population: i64,
}

fn lines(range: &Range<Data>) -> Vec<Line> {
    (FIRST_DATA_ROW..)
        .map_while(|row| {
            let name = text(cell(range, row, 1));
            (!name.is_empty()).then(|| Line {
                row,
                code: text(cell(range, row, 0)),
                name,
                money: std::array::from_fn(|i| fen(cell(range, row, 3 + i as u32))),
                population: fen(cell(range, row, 3 + MONEY_COLUMNS as u32)) / 100,
            })
        })
        .collect()
}

fn add(a: &mut [i64; MONEY_COLUMNS], b: &[i64; MONEY_COLUMNS]) {
    a.iter_mut().zip(b).for_each(|(x, y)| *x += y);
}

/// Checks one statement sheet against the scenario's settlement of `year`: reading order,
/// every region's figures, every subtotal and the province total to the fen, formats.
fn check_statement_sheet(
    wb: &mut Xlsx<std::io::BufReader<std::fs::File>>,
    sheet: &str,
    r: &ScenarioResult,
    year: i32,
) {
    let range = wb.worksheet_range(sheet).unwrap();
    assert_headers(&range, &STATEMENT_HEADERS);
    // the title row names the year, the scenario and the data's nature
    let title = text(cell(&range, TITLE_ROW, 0));
    for words in [
        format!("{year}年度"),
        r.scenario.name.clone(),
        r.scenario.data_banner(),
    ] {
        assert!(
            title.contains(&words),
            "{sheet}: title `{title}` lacks `{words}`"
        );
    }
    let styles = wb.worksheet_style(sheet).unwrap();
    let rows: Vec<_> = r.settlement.iter().filter(|s| s.year == year).collect();
    let ls = lines(&range);
    let (mut group, mut all_regions, mut subtotals) =
        ([0; MONEY_COLUMNS], [0; MONEY_COLUMNS], [0; MONEY_COLUMNS]);
    // the last 小计 and 市本级 read, for 全市合计
    let (mut last_subtotal, mut last_prefecture) = ([0; MONEY_COLUMNS], [0; MONEY_COLUMNS]);
    let mut cities = 0;
    let mut expected_codes = Vec::new();
    for l in &ls {
        let style = styles.get((l.row, 3)).unwrap();
        let format = style.number_format.as_ref().unwrap();
        assert_eq!(format.format_code, MONEY_FORMAT, "{sheet} row {}", l.row);
        let bold = style.font.as_ref().is_some_and(|f| f.is_bold());
        if l.name.ends_with("小计") {
            assert!(bold, "{sheet}: subtotal bold");
            assert_eq!(l.money, group, "{sheet}: {} = Σ its counties", l.name);
            add(&mut subtotals, &l.money);
            last_subtotal = l.money;
            group = [0; MONEY_COLUMNS];
            continue;
        }
        if l.name.ends_with("全市合计") {
            assert!(bold, "{sheet}: city total bold");
            // 小计 + 市本级 with the flows between them netted: 上划市级 (= 市级分享收入)
            // stays in 本级收入; bases and subsidies cancel; 可用财力 unchanged
            let mut expected = last_subtotal;
            add(&mut expected, &last_prefecture);
            assert_eq!(expected[3], expected[5], "{sheet}: 上划市级 = 市级分享收入");
            expected[4] += expected[3];
            for col in [3, 5, 6, 7, 8, 9] {
                expected[col] = 0;
            }
            assert_eq!(
                l.money, expected,
                "{sheet}: {} = 小计 + 市本级, netted",
                l.name
            );
            let m = &l.money;
            assert_eq!(m[0], m[1] + m[2] + m[4], "{sheet}: {} conserves", l.name);
            assert_eq!(m[12], m[4] + m[10] + m[11], "{sheet}: {} available", l.name);
            cities += 1;
            continue;
        }
        if l.name == "全省合计" {
            assert!(bold, "{sheet}: province total bold");
            assert_eq!(l.code, r.regions.province().code);
            // Σ counties + Σ prefectures, the flows between them netted (as 全市合计)
            let netted = |mut m: [i64; MONEY_COLUMNS]| {
                assert_eq!(m[3], m[5], "{sheet}: 上划市级 = 市级收入 province-wide");
                m[4] += m[3];
                for col in [3, 5, 6, 7, 8, 9] {
                    m[col] = 0;
                }
                m
            };
            assert_eq!(
                l.money,
                netted(all_regions),
                "{sheet}: 全省合计 = Σ counties + Σ prefectures, netted"
            );
            let pref_rows = rows.iter().filter(|s| s.kind == RegionKind::Prefecture);
            let mut expected = subtotals;
            pref_rows.for_each(|p| add(&mut expected, &money_of(p)));
            assert_eq!(
                l.money,
                netted(expected),
                "{sheet}: 全省合计 = Σ 小计 + Σ 市本级, netted"
            );
            let p = r.province.iter().find(|p| p.year == year).unwrap();
            assert_eq!(
                (l.money[0], l.money[1], l.money[2]),
                (p.collected, p.to_central, p.to_province)
            );
            assert_eq!(
                l.money[MONEY_COLUMNS - 1],
                p.prefectures_available + p.counties_available
            );
            continue;
        }
        assert!(!bold, "{sheet}: {} not bold", l.name);
        let s = rows
            .iter()
            .find(|s| s.region == l.code)
            .unwrap_or_else(|| panic!("{sheet}: row {}", l.code));
        assert_eq!(
            l.money,
            money_of(s),
            "{sheet}: {} equals the settlement row",
            l.code
        );
        assert_eq!(l.population, s.population as i64);
        let per_capita = cell(&range, l.row, 4 + MONEY_COLUMNS as u32);
        assert_eq!(
            s.available_per_capita,
            (*per_capita != Data::Empty).then(|| fen(per_capita))
        );
        add(&mut all_regions, &l.money);
        if s.kind == RegionKind::County {
            add(&mut group, &l.money);
        } else {
            last_prefecture = l.money;
        }
        expected_codes.push(s.region.clone());
    }
    assert_eq!(
        ls.last().map(|l| l.name.as_str()),
        Some("全省合计"),
        "{sheet}: ends with the province"
    );
    assert_eq!(
        cities,
        rows.iter()
            .filter(|s| s.kind == RegionKind::Prefecture)
            .count(),
        "{sheet}: one 全市合计 per prefecture"
    );
    let mut reading_order: Vec<String> = Vec::new();
    let mut prefs: Vec<_> = rows
        .iter()
        .filter(|s| s.kind == RegionKind::Prefecture)
        .collect();
    prefs.sort_by(|a, b| a.region.cmp(&b.region));
    for p in prefs.iter().map(|p| p.region.as_str()).chain([""]) {
        let mut cs: Vec<_> = rows
            .iter()
            .filter(|s| s.kind == RegionKind::County && s.prefecture_code == p)
            .map(|s| s.region.clone())
            .collect();
        cs.sort();
        reading_order.extend(cs);
        if !p.is_empty() {
            reading_order.push(p.to_string());
        }
    }
    assert_eq!(
        expected_codes, reading_order,
        "{sheet}: prefecture by prefecture, counties first"
    );
}

fn open(path: &Path) -> Xlsx<std::io::BufReader<std::fs::File>> {
    open_workbook(path).unwrap()
}

#[test]
fn mini_workbook_totals_add_up_to_the_fen_and_equal_the_settlement() {
    let tmp = tempfile::tempdir().unwrap();
    let (fixed, projected) = mini_with_projection(tmp.path());
    let path = tmp.path().join("settlement.xlsx");
    let results = vec![fixed, projected];
    write_workbook(&path, &results).unwrap();
    let mut wb = open(&path);
    assert_eq!(
        wb.sheet_names(),
        [
            "mini-fixed 2022",
            "mini-fixed 2023",
            "mini-projected 2022",
            "mini-projected 2023",
            "mini-projected 2024 预测",
            BASELINES_SHEET,
            "base_items",
            WARNINGS_SHEET
        ]
    );
    for (r, sheets) in results.iter().zip([
        &["mini-fixed 2022", "mini-fixed 2023"][..],
        &[
            "mini-projected 2022",
            "mini-projected 2023",
            "mini-projected 2024 预测",
        ],
    ]) {
        for (sheet, year) in sheets.iter().zip(2022..) {
            check_statement_sheet(&mut wb, sheet, r, year);
        }
    }
    let range = wb.worksheet_range("mini-fixed 2022").unwrap();
    let order: Vec<String> = lines(&range)
        .iter()
        .map(|l| format!("{} {}", l.code, l.name))
        .collect();
    assert_eq!(
        order,
        [
            "990121 甲一县",
            "990122 甲二县",
            " 甲市所属县小计",
            "990100 甲市本级",
            " 甲市全市合计",
            "990221 乙一县",
            "990222 乙二县",
            " 乙市所属县小计",
            "990200 乙市本级",
            " 乙市全市合计",
            "990301 丙市",
            " 省直辖县（市）小计",
            "990000 全省合计"
        ]
    );
    // 乙二县 has no residents: its per-capita cell is empty
    let row = FIRST_DATA_ROW + 6;
    assert_eq!(text(cell(&range, row, 1)), "乙二县");
    assert_eq!(cell(&range, row, 4 + MONEY_COLUMNS as u32), &Data::Empty);
    let note = text(cell(
        &wb.worksheet_range("mini-projected 2024 预测").unwrap(),
        FIRST_DATA_ROW + 13 + 1,
        0,
    ));
    assert!(note.contains("预测"), "{note}");

    let range = wb.worksheet_range(BASELINES_SHEET).unwrap();
    assert_headers(&range, &BASELINE_HEADERS);
    assert!(text(cell(&range, TITLE_ROW, 0)).contains("划转基数"));
    let mut row = FIRST_DATA_ROW;
    for r in &results {
        for b in &r.baselines {
            assert_eq!(text(cell(&range, row, 0)), r.scenario.name);
            assert_eq!(fen(cell(&range, row, 1)), b.year as i64 * 100);
            assert_eq!(text(cell(&range, row, 2)), b.county);
            let money: Vec<i64> = (7..11).map(|c| fen(cell(&range, row, c))).collect();
            assert_eq!(money, [b.shared_base, b.subsidy_base, b.net_base, b.due]);
            assert_eq!(
                text(cell(&range, row, 12)) == "预测",
                b.year > r.last_actual_year
            );
            row += 1;
        }
    }
    assert_eq!(
        cell(&range, row, 0),
        &Data::Empty,
        "one row per baseline row"
    );
}

/// One `<svg` in every `<section class="chart">`, and none outside them.
fn assert_one_chart_per_section(html: &str) -> usize {
    let sections: Vec<&str> = html.split("<section class=\"chart\"").skip(1).collect();
    for (i, s) in sections.iter().enumerate() {
        let body = &s[..s.find("</section>").expect("closed section")];
        assert_eq!(body.matches("<svg").count(), 1, "section {i}");
    }
    assert_eq!(html.matches("<svg").count(), sections.len());
    sections.len()
}

fn assert_self_contained(html: &str) {
    for bad in [
        "src=\"http",
        "href=\"http",
        "url(http",
        "src='http",
        "href='http",
        "<script",
        "@import",
    ] {
        assert!(!html.contains(bad), "the page must not contain {bad}");
    }
    assert!(html.contains("<meta charset=\"utf-8\">"));
    assert!(html.contains("Noto Sans CJK SC"));
}

#[test]
fn mini_html_is_self_contained_with_one_chart_per_section() {
    let tmp = tempfile::tempdir().unwrap();
    let (fixed, projected) = mini_with_projection(tmp.path());
    // a base indexed at 3 % a year: in 2023 甲一县 pays more, 乙一县 receives more
    let rate = run(&manifest_path("tests/cases/mini/rate.toml"));
    let analysis = analyse(&fixed, &rate, AnalysisOptions::default()).unwrap();
    let path = tmp.path().join("report.html");
    let results = vec![projected, rate];
    write_html(&path, &results, &[analysis]).unwrap();
    let html = std::fs::read_to_string(&path).unwrap();
    assert_self_contained(&html);
    assert!(html.contains("对比 comparisons: mini-rate vs mini-fixed."));
    // a run without comparisons says nothing of them (no empty `对比 comparisons: .`)
    let alone = fencheng::report::html::render(&results, &[]);
    assert!(!alone.contains("对比"), "a run report names no comparison");
    // per scenario: levels, prefectures, Lorenz, base; plus, for the compared one, winners
    // and losers and the analyst's sections by prefecture, by income group, the weighted
    // gaps and the totals (the kept share of a new yuan needs the reference's run, not here)
    assert_eq!(assert_one_chart_per_section(&html), 4 + 4 + 1 + 4);
    for name in [
        "甲市",
        "乙市",
        "甲一县",
        "乙一县",
        "2024 预测",
        "县级赢家与输家 2023 单年 one year",
        "分市增减 change of available resources by prefecture, 2022–2023 合计 summed over 2 years",
        "按人均地方收入分组",
        "城乡差距 population-weighted Gini",
        "累计增减 cumulative change",
    ] {
        assert!(html.contains(name), "{name}");
    }
}

#[test]
fn henan_reform_and_counterfactual_reports() {
    let reform = run(&manifest_path("scenarios/reform-2022.toml"));
    let reference = run(&manifest_path("scenarios/no-reform.toml"));
    let tmp = tempfile::tempdir().unwrap();
    let analysis = analyse(&reference, &reform, AnalysisOptions::default()).unwrap();
    let results = vec![reform, reference];
    let xlsx = tmp.path().join("settlement.xlsx");
    write_workbook(&xlsx, &results).unwrap();
    let mut wb = open(&xlsx);
    let names = wb.sheet_names();
    let expected: Vec<String> = ["reform-2022", "no-reform"]
        .iter()
        .flat_map(|s| (2022..=2024).map(move |y| format!("{s} {y}")))
        .chain([
            BASELINES_SHEET.to_string(),
            "base_items".to_string(),
            WARNINGS_SHEET.to_string(),
        ])
        .collect();
    assert_eq!(names, expected);
    for (r, scenario) in results.iter().zip(["reform-2022", "no-reform"]) {
        for year in 2022..=2024 {
            check_statement_sheet(&mut wb, &format!("{scenario} {year}"), r, year);
        }
    }
    let range = wb.worksheet_range("reform-2022 2024").unwrap();
    let ls = lines(&range);
    assert_eq!(
        ls.iter().filter(|l| l.name.ends_with("小计")).count(),
        18,
        "17 prefectures + 济源's group"
    );
    let n = ls.len();
    assert_eq!(
        (ls[n - 3].code.as_str(), ls[n - 3].name.as_str()),
        ("419001", "济源市")
    );

    let html_path = tmp.path().join("report.html");
    write_html(&html_path, &results, &[analysis]).unwrap();
    let html = std::fs::read_to_string(&html_path).unwrap();
    assert_self_contained(&html);
    // with the reference's run at hand, the kept share of a new yuan (VAT, CIT, PIT) too
    assert_eq!(assert_one_chart_per_section(&html), 4 + 4 + 1 + 5);
    for words in [
        "新增一元留县",
        "增值税 10101",
        "企业所得税 10104",
        "个人所得税 10106",
    ] {
        assert!(html.contains(words), "{words}");
    }
    for p in results[0]
        .regions
        .all()
        .iter()
        .filter(|g| g.kind == RegionKind::Prefecture)
    {
        assert!(html.contains(&p.name), "prefecture {}", p.name);
    }
    assert!(html.contains("县级赢家与输家 2024"));
    // the data's nature as a banner, above everything else
    let banner = results[0].scenario.data_banner();
    assert!(banner.contains("模拟数据 synthetic"), "{banner}");
    let at = html.find("<p class=\"banner\">").expect("a banner");
    assert!(at < html.find("<h2").unwrap());
    // (escaped as HTML text: compare up to the first character that HTML escapes)
    let plain: String = banner
        .chars()
        .take_while(|c| !"&<>\"'".contains(*c))
        .collect();
    assert!(plain.len() > 40 && html.contains(&plain), "{plain}");
    // the warnings where the reader looks: 温县's one-off 2021 subsidy, in a table
    assert!(html.contains("预警 warnings"));
    assert!(html.contains("subsidy_spike_in_base") && html.contains("410825 温县"));
    // the base chart's gap is told by cohort: the 2014 pilots apart from the 2022 switch
    for words in ["改直管年份 cohort", "of which subsidies netted in the base"] {
        assert!(html.contains(words), "{words}");
    }
    assert!(html.contains("<td>2014</td>") && html.contains("<td>2022</td>"));
}

#[test]
fn manifest_lists_every_input_with_its_hash_and_rows() {
    use sha2::{Digest, Sha256};
    let file = manifest_path("tests/cases/mini/rate.toml");
    let r = run(&file);
    let scan = LedgerScan::open(&r.scenario.ledgers, Encoding::Utf8).unwrap();
    let totals = r.shares.len();
    let m = fencheng::report::manifest::manifest("run", &[r], &scan.files).unwrap();
    // the per-receipt (here per monthly total) conservation is among the checks recorded
    let checks = m["scenarios"][0]["checks"].as_array().unwrap();
    let split = checks
        .iter()
        .find(|c| c["name"] == "conservation per receipt split")
        .unwrap();
    assert_eq!(split["passed"], true);
    assert!(split["detail"]
        .as_str()
        .unwrap()
        .starts_with(&format!("{totals} monthly totals")));
    assert!(checks.len() >= 6, "{checks:?}");
    let subsidies = checks
        .iter()
        .find(|c| c["name"] == "subsidies paid = subsidies received")
        .unwrap();
    assert_eq!(subsidies["passed"], true);
    // the mini case declares no data nature: the manifest says so
    assert_eq!(m["scenarios"][0]["data"]["nature"], serde_json::Value::Null);
    assert!(m["scenarios"][0]["data"]["banner"]
        .as_str()
        .unwrap()
        .contains("not declared"));
    let inputs = m["scenarios"][0]["inputs"].as_array().unwrap();
    let entry = |name: &str| {
        inputs
            .iter()
            .find(|e| e["path"] == name)
            .unwrap_or_else(|| panic!("{name} not in {inputs:?}"))
    };
    // the parent the scenario extends is an input too, hashed
    let parent = manifest_path("tests/cases/mini/fixed.toml");
    let sha = hex::encode(Sha256::digest(std::fs::read(&parent).unwrap()));
    // paths are relative to the scenario's folder: the folder can be filed and moved
    assert_eq!(entry("fixed.toml")["sha256"], sha.as_str());
    entry("rate.toml");
    assert_eq!(m["scenarios"][0]["resolved"]["regions"], "regions.csv");
    assert_eq!(m["scenarios"][0]["resolved"]["ledgers"][0], "ledger");
    assert_eq!(m["engine"]["name"], "fencheng");
    assert!(m["engine"]["commit"]
        .as_str()
        .is_some_and(|c| !c.is_empty()));
    // CSV rows are data records, not newlines
    let regions = std::fs::read_to_string(manifest_path("tests/cases/mini/regions.csv")).unwrap();
    let records = regions.lines().filter(|l| !l.is_empty()).count() - 1;
    assert_eq!(entry("regions.csv")["rows"], records);
    entry("rulebook.toml");
    entry("subsidies.csv");
}

#[test]
fn the_written_manifest_lists_every_output_file_with_its_hash() {
    use sha2::{Digest, Sha256};
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    assert_cmd::Command::cargo_bin("fencheng")
        .unwrap()
        .args(["run", "tests/cases/mini/fixed.toml", "--quiet", "--out"])
        .arg(&out)
        .assert()
        .success();
    let m: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("manifest.json")).unwrap()).unwrap();
    let outputs = m["outputs"].as_array().unwrap();
    let mut listed: Vec<String> = outputs
        .iter()
        .map(|o| o["path"].as_str().unwrap().to_string())
        .collect();
    for o in outputs {
        let bytes = std::fs::read(out.join(o["path"].as_str().unwrap())).unwrap();
        assert_eq!(o["sha256"], hex::encode(Sha256::digest(&bytes)).as_str());
    }
    // every file but the manifest itself
    let mut on_disk: Vec<String> = walk(&out)
        .into_iter()
        .map(|p| {
            p.strip_prefix(&out)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/")
        })
        .filter(|p| p != "manifest.json")
        .collect();
    listed.sort();
    on_disk.sort();
    assert_eq!(listed, on_disk);
    assert!(m["arguments"]
        .as_array()
        .unwrap()
        .iter()
        .any(|a| a == "run"));
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else {
            out.push(p);
        }
    }
    out
}

/// The text of one part of an xlsx file (a zip of XML files).
fn xlsx_part(path: &Path, part: &str) -> String {
    use std::io::Read;
    let mut zip = zip::ZipArchive::new(std::fs::File::open(path).unwrap()).unwrap();
    let mut text = String::new();
    zip.by_name(part)
        .unwrap()
        .read_to_string(&mut text)
        .unwrap();
    text
}

/// The `(min, max, width)` of every `<col>` of a sheet's XML.
fn col_widths(xml: &str) -> Vec<(u32, u32, f64)> {
    let attr = |tag: &str, name: &str| -> String {
        let at = tag.find(&format!(" {name}=\"")).unwrap() + name.len() + 3;
        tag[at..].split('"').next().unwrap().to_string()
    };
    xml.split("<col ")
        .skip(1)
        .map(|t| {
            let tag = format!(" {}", t.split("/>").next().unwrap());
            let tag = tag.as_str();
            (
                attr(tag, "min").parse().unwrap(),
                attr(tag, "max").parse().unwrap(),
                attr(tag, "width").parse().unwrap(),
            )
        })
        .collect()
}

#[test]
fn the_workbook_prints_a3_landscape_one_page_wide_without_hashes() {
    use fencheng::report::xlsx::{write_workbook_with, DisplayUnit, WorkbookOptions};
    let tmp = tempfile::tempdir().unwrap();
    let r = run(&manifest_path("scenarios/reform-2022.toml"));
    let path = tmp.path().join("settlement.xlsx");
    let opts = WorkbookOptions {
        unit: DisplayUnit::Wan,
    };
    write_workbook_with(&path, std::slice::from_ref(&r), opts).unwrap();
    // sheet1 is "reform-2022 2022"
    let xml = xlsx_part(&path, "xl/worksheets/sheet1.xml");
    for words in [
        "orientation=\"landscape\"",
        "paperSize=\"8\"",
        "fitToHeight=\"0\"",
        "<pageSetUpPr fitToPage=\"1\"/>",
        "<oddFooter>&amp;L情景 reform-2022 · 2022年度&amp;R第 &amp;P 页",
    ] {
        assert!(xml.contains(words), "sheet1 lacks `{words}`");
    }
    // printed: the statement's columns only (not the notes overflowing to the right), the
    // two header rows repeated on every page (rows 3–4 in Excel's numbering)
    let wb = xlsx_part(&path, "xl/workbook.xml");
    assert!(wb.contains("_xlnm.Print_Area\" localSheetId=\"0\">'reform-2022 2022'!$A$1:$R$"));
    assert!(
        wb.contains("_xlnm.Print_Titles\" localSheetId=\"0\">'reform-2022 2022'!$3:$4"),
        "{wb}"
    );
    // 万元 is display only: the unit row says so and the cells hold yuan / 10,000
    let mut book = open(&path);
    let range = book.worksheet_range("reform-2022 2022").unwrap();
    assert!(text(cell(&range, UNIT_ROW, 0)).contains("万元"));
    let last = lines_in(&range).pop().unwrap();
    let p = r.province.iter().find(|p| p.year == 2022).unwrap();
    match cell(&range, last, 3) {
        Data::Float(v) => assert!((v - p.collected as f64 / 1e6).abs() < 1e-6),
        other => panic!("{other:?}"),
    }
    // no `###`: every money column is wider than its widest amount as shown
    let widths = col_widths(&xml);
    let lines = fencheng::report::xlsx::statement_lines(&r, 2022);
    for c in 0..MONEY_COLUMNS {
        let widest = lines
            .iter()
            .map(|l| DisplayUnit::Wan.shown(l.money[c]).len())
            .max()
            .unwrap();
        let col = 4 + c as u32; // Excel columns count from 1
        let (_, _, w) = widths
            .iter()
            .find(|(lo, hi, _)| (*lo..=*hi).contains(&col))
            .copied()
            .unwrap();
        assert!(
            w >= widest as f64 + 1.0,
            "column {col}: width {w} < {widest}"
        );
    }
    // the warnings sheet is there, and the year's notice points to it
    assert!(book.sheet_names().contains(&WARNINGS_SHEET.to_string()));
    let notice = text(cell(&range, last + 3, 0));
    assert!(notice.contains("warning"), "{notice}");
}

/// The rows of a statement sheet's lines (from the first data row to the last named one).
fn lines_in(range: &Range<Data>) -> Vec<u32> {
    (FIRST_DATA_ROW..)
        .take_while(|&row| !text(cell(range, row, 1)).is_empty())
        .collect()
}
