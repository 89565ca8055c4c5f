//! The server's JSON API on the shipped Henan scenarios (monthly granularity): `meta`;
//! `evaluate` of `{}` and of random overlays equal to `fencheng run --granularity monthly`
//! on the TOML `/api/v1/scenario` saves, byte for byte; bad bodies answered 400 with the
//! field named (413 past 64 KiB), never 500. Calls go to the Router without a socket;
//! `tests/serve_socket.rs` starts the real server.

use axum::body::Body;
use axum::http::{Request, StatusCode};
use fencheng::engine::WhatIf;
use fencheng::serve::{router, State};
use http_body_util::BodyExt;
use proptest::prelude::*;
use serde_json::{json, Value};
use std::path::Path;
use std::sync::{Arc, OnceLock};
use tower::ServiceExt;

const SCENARIO: &str = "scenarios/reform-2022-2030.toml";
const AGAINST: &str = "scenarios/no-reform-2030.toml";

/// The served state, opened once for every test of this file.
fn state() -> Arc<State> {
    static STATE: OnceLock<Arc<State>> = OnceLock::new();
    STATE
        .get_or_init(|| {
            let w = WhatIf::open(Path::new(SCENARIO), Path::new(AGAINST), Default::default())
                .expect("the shipped scenarios open");
            Arc::new(State::new(w).expect("meta"))
        })
        .clone()
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

/// Sends one request to the Router; returns the status and the body.
fn call(method: &str, uri: &str, body: impl Into<Vec<u8>>) -> (StatusCode, Vec<u8>) {
    let req = Request::builder()
        .method(method)
        .uri(uri)
        .header("content-type", "application/json")
        .body(Body::from(body.into()))
        .unwrap();
    runtime().block_on(async {
        let res = router(state()).oneshot(req).await.unwrap();
        let status = res.status();
        let bytes = res.into_body().collect().await.unwrap().to_bytes();
        (status, bytes.to_vec())
    })
}

fn post_json(uri: &str, body: &Value) -> (StatusCode, Value) {
    let (s, b) = call("POST", uri, body.to_string());
    let v = serde_json::from_slice(&b)
        .unwrap_or_else(|e| panic!("{uri}: not JSON ({e}): {}", String::from_utf8_lossy(&b)));
    (s, v)
}

/// A refused body: status 400 (or `status`), the field named, every word in the message.
fn refused(
    uri: &str,
    body: impl Into<Vec<u8>>,
    status: StatusCode,
    field: Option<&str>,
    words: &[&str],
) {
    let (s, b) = call("POST", uri, body);
    let text = String::from_utf8_lossy(&b).to_string();
    assert_eq!(s, status, "{text}");
    let v: Value = serde_json::from_str(&text).expect("errors are JSON");
    assert_eq!(v["field"].as_str(), field, "{text}");
    let error = v["error"].as_str().expect("an error message");
    for w in words {
        assert!(error.contains(w), "`{w}` not in: {error}");
    }
}

/// A CSV cell as the JSON row holds it: money and text strings, numbers, flags, null = "".
fn cell(v: &Value) -> String {
    match v {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) if n.is_f64() => format!("{:.6}", n.as_f64().unwrap()),
        Value::Number(n) => n.to_string(),
        other => panic!("not a cell: {other}"),
    }
}

/// The JSON rows written as CSV in the columns of `header`, after checking that every row
/// has exactly those columns.
fn rows_as_csv(rows: &[Value], header: &csv::StringRecord) -> Vec<u8> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(header).unwrap();
    for r in rows {
        let obj = r.as_object().expect("a row is an object");
        let mut keys: Vec<&str> = obj.keys().map(String::as_str).collect();
        let mut cols: Vec<&str> = header.iter().collect();
        keys.sort_unstable();
        cols.sort_unstable();
        assert_eq!(keys, cols, "the row's columns are the CSV's");
        w.write_record(header.iter().map(|c| cell(&obj[c])))
            .unwrap();
    }
    w.into_inner().unwrap()
}

/// Runs `fencheng run --granularity monthly` on `toml` (written to a temporary folder) and
/// returns the bytes of its `settlement.csv` and `province.csv`.
fn cli_run(toml: &str) -> (Vec<u8>, Vec<u8>) {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("what-if.toml");
    std::fs::write(&file, toml).unwrap();
    let out = dir.path().join("out");
    let o = assert_cmd::Command::cargo_bin("fencheng")
        .unwrap()
        .args(["run", "--granularity", "monthly", "--quiet", "--out"])
        .arg(&out)
        .arg(&file)
        .output()
        .unwrap();
    assert!(
        o.status.success(),
        "fencheng run on the saved scenario failed: {}\n{toml}",
        String::from_utf8_lossy(&o.stderr)
    );
    (
        std::fs::read(out.join("settlement.csv")).unwrap(),
        std::fs::read(out.join("province.csv")).unwrap(),
    )
}

/// The server's answer to `overlay` equals the CLI's run of the scenario it saves.
fn assert_equals_cli(overlay: &Value) {
    let (s, answer) = post_json("/api/v1/evaluate", overlay);
    assert_eq!(s, StatusCode::OK, "{overlay}: {answer}");
    let (s, toml) = call("POST", "/api/v1/scenario", overlay.to_string());
    assert_eq!(s, StatusCode::OK);
    let toml = String::from_utf8(toml).unwrap();
    let (settlement, province) = cli_run(&toml);
    for (name, csv_bytes) in [("settlement", settlement), ("province", province)] {
        let header = csv::Reader::from_reader(&csv_bytes[..])
            .headers()
            .unwrap()
            .clone();
        let rows = answer[name].as_array().expect("rows");
        let ours = rows_as_csv(rows, &header);
        assert!(
            ours == csv_bytes,
            "{name}: the server's rows differ from `fencheng run` for {overlay}\n{toml}"
        );
    }
}

#[test]
fn meta_names_the_served_scenarios_items_regions_and_methods() {
    let (s, b) = call("GET", "/api/v1/meta", "");
    assert_eq!(s, StatusCode::OK);
    let m: Value = serde_json::from_slice(&b).unwrap();
    assert_eq!(m["scenario"]["name"], "reform-2022-2030");
    assert_eq!(m["reference"]["name"], "no-reform-2030");
    let years: Vec<i64> = m["years"]
        .as_array()
        .unwrap()
        .iter()
        .map(|y| y.as_i64().unwrap())
        .collect();
    assert_eq!(years, (2019..=2030).collect::<Vec<_>>());
    let items = m["items"].as_array().unwrap();
    assert!(
        items
            .iter()
            .any(|i| i["code"] == "10101" && i["name"] == "增值税"),
        "{items:?}"
    );
    let regions = m["regions"].as_array().unwrap();
    let table = std::fs::read_to_string("datasets/henan/regions.csv").unwrap();
    assert_eq!(regions.len(), table.lines().count() - 1);
    let wenxian = regions.iter().find(|r| r["code"] == "410825").unwrap();
    assert_eq!(wenxian["kind"], "county");
    assert_eq!(wenxian["parent"], "410800");
    let methods: Vec<&str> = m["indexation_methods"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["method"].as_str().unwrap())
        .collect();
    assert_eq!(
        methods,
        [
            "fixed",
            "rate",
            "revenue_coefficient",
            "phase_out_years",
            "increment_share"
        ]
    );
    assert!(m["scenario"]["data_nature"]
        .as_str()
        .unwrap()
        .contains("synthetic"));
}

#[test]
fn evaluate_of_nothing_is_the_served_scenario() {
    let (s, v) = post_json("/api/v1/evaluate", &json!({}));
    assert_eq!(s, StatusCode::OK, "{v}");
    let served = fencheng::report::tables::settlement(&state().what_if.base);
    let ours = fencheng::report::tables::settlement(
        &state()
            .what_if
            .evaluate(&Default::default())
            .unwrap()
            .result,
    );
    assert_eq!(served.height(), ours.height());
    // the same figures as the served run, under the what-if's own name
    let expected = served.csv_bytes(false);
    let header = csv::Reader::from_reader(&expected[..])
        .headers()
        .unwrap()
        .clone();
    let got = String::from_utf8(rows_as_csv(v["settlement"].as_array().unwrap(), &header)).unwrap();
    let expected = String::from_utf8(expected).unwrap();
    assert_eq!(
        got.replace("reform-2022-2030-what-if,", "reform-2022-2030,"),
        expected
    );
    for key in [
        "province",
        "comparison_summary",
        "comparison",
        "comparison_prefectures",
        "comparison_groups",
        "comparison_totals",
        "retention",
        "lorenz",
    ] {
        assert!(!v[key].as_array().unwrap().is_empty(), "{key} is empty");
    }
    // the reform against no reform: the same before the 2022 switch, counties moved after;
    // the Lorenz curve ends at (1, 1)
    let summary = v["comparison_summary"].as_array().unwrap();
    let year = |y: i64| summary.iter().find(|r| r["fiscal_year"] == y).unwrap();
    let moved = |r: &Value| r["winners"].as_i64().unwrap() + r["losers"].as_i64().unwrap();
    assert_eq!(moved(year(2019)), 0, "{}", year(2019));
    assert!(moved(year(2022)) > 0, "{}", year(2022));
    let last = v["lorenz"][0]["scenario"]
        .as_array()
        .unwrap()
        .last()
        .unwrap()
        .clone();
    assert_eq!(last, json!([1.0, 1.0]));
}

#[test]
fn an_override_evaluated_equals_the_cli_run_of_its_saved_scenario() {
    assert_equals_cli(&json!({
        "override": [{"item": "10101", "from": "2023-01", "province": "0.10", "prefecture": "0.30"}],
        "baseline": {"base_years": [2019, 2020, 2021], "indexation": {"rate": "0.03"}},
    }));
}

#[test]
fn growth_regime_and_override_of_one_item_together_equal_the_cli_run() {
    // the incremental evaluation's three paths meet on the same rows: VAT's projected
    // receipts grow again, one county is prefecture-managed into 2025 (its months move
    // regime), and VAT's shares change from a projected month; one year goes
    assert_equals_cli(&json!({
        "override": [{"item": "10101", "from": "2025-03", "province": "0.30", "prefecture": "0.40"}],
        "regime": {"county": {"410825": "2025-07"}},
        "projection": {"through": 2029, "growth": {"default": "0.03", "10101": "0.08"}},
        "scenario": {"years": (2019..=2029).collect::<Vec<_>>()},
    }));
}

/// A random overlay of the page's controls: overrides of any item, indexation, base
/// years, regime (no reform, one county's date), growth and the last year.
fn overlay_strategy(
    items: Vec<String>,
    grown: Vec<String>,
    counties: Vec<String>,
) -> impl Strategy<Value = Value> {
    let over = (
        proptest::sample::select(items.clone()),
        2019..=2030i32,
        1..=12u32,
        0..=100u32,
        proptest::option::of(0..=100u32),
    )
        .prop_map(|(item, y, m, p, f)| {
            let mut o = json!({"item": item, "from": format!("{y}-{m:02}"), "province": format!("{:.2}", p as f64 / 100.0)});
            if let Some(f) = f {
                o["prefecture"] = json!(format!("{:.2}", f as f64 / 100.0));
            }
            o
        });
    let indexation = prop_oneof![
        Just(json!({"fixed": true})),
        (0..=10u32).prop_map(|r| json!({"rate": format!("0.{r:02}")})),
        (0..=10u32).prop_map(|k| json!({"revenue_coefficient": format!("{:.1}", k as f64 / 10.0)})),
        (1..=10u32).prop_map(|n| json!({"phase_out_years": n})),
        (0..=10u32).prop_map(|s| json!({"increment_share": format!("{:.1}", s as f64 / 10.0)})),
    ];
    let regime = prop_oneof![
        Just(None),
        Just(Some(json!({"cancel_from": "2022-01"}))),
        (
            proptest::sample::select(counties),
            2020..=2026i32,
            1..=12u32,
            any::<bool>()
        )
            .prop_map(|(c, y, m, never)| {
                let date = if never {
                    String::new()
                } else {
                    format!("{y}-{m:02}")
                };
                Some(json!({"county": {c: date}}))
            }),
    ];
    let growth = proptest::option::of((
        0..=10u32,
        proptest::sample::select(grown),
        0..=10u32,
        2027..=2030i32,
    ));
    (
        proptest::collection::vec(over, 0..3),
        indexation,
        proptest::option::of(proptest::sample::subsequence(vec![2019, 2020, 2021], 1..=3)),
        regime,
        growth,
    )
        .prop_map(|(overrides, indexation, base_years, regime, growth)| {
            let mut o = json!({"override": overrides, "baseline": {"indexation": indexation}});
            if let Some(b) = base_years {
                o["baseline"]["base_years"] = json!(b);
            }
            if let Some(r) = regime {
                o["regime"] = r;
            }
            if let Some((d, item, g, through)) = growth {
                o["projection"] = json!({"through": through, "growth": {"default": format!("0.{d:02}"), item: format!("0.{g:02}")}});
                o["scenario"] = json!({"years": (2019..=through).collect::<Vec<_>>()});
            }
            o
        })
}

fn codes(kind: &str) -> Vec<String> {
    let (_, b) = call("GET", "/api/v1/meta", "");
    let m: Value = serde_json::from_slice(&b).unwrap();
    let list = if kind == "item" {
        &m["items"]
    } else {
        &m["regions"]
    };
    list.as_array()
        .unwrap()
        .iter()
        // items in force to the end (an override of a repealed item is refused), regions of the kind
        .filter(|x| match kind {
            "item" => x["rules"]
                .as_array()
                .and_then(|r| r.last())
                .is_some_and(|r| r["until"].is_null()),
            _ => x["kind"] == kind,
        })
        .map(|x| x["code"].as_str().unwrap().to_string())
        .collect()
}

/// Item codes with receipts in the shipped ledger's last year (what a growth key may name).
fn last_year_items() -> Vec<String> {
    let mut r = csv::Reader::from_path("datasets/henan/ledger/2024.csv").unwrap();
    let col = r
        .headers()
        .unwrap()
        .iter()
        .position(|h| h == "item_code")
        .unwrap();
    let mut items: Vec<String> = r.records().map(|x| x.unwrap()[col].to_string()).collect();
    items.sort();
    items.dedup();
    items
}

proptest! {
    // each case is a full `fencheng run` in the test profile: few cases
    #![proptest_config(ProptestConfig { cases: 6, failure_persistence: None, ..ProptestConfig::default() })]
    #[test]
    fn random_overlays_equal_the_cli_run_of_their_saved_scenario(
        overlay in overlay_strategy(codes("item"), last_year_items(), codes("county"))
    ) {
        assert_equals_cli(&overlay);
    }
}

#[test]
fn a_rate_of_the_wrong_type_names_its_field() {
    refused(
        "/api/v1/evaluate",
        json!({"override": [{"item": "10101", "from": "2022-01", "province": 0.1}]}).to_string(),
        StatusCode::BAD_REQUEST,
        Some("override[0].province"),
        &["write it as a string", "0.1"],
    );
    refused(
        "/api/v1/evaluate",
        json!({"baseline": {"base_years": "2019"}}).to_string(),
        StatusCode::BAD_REQUEST,
        Some("baseline.base_years"),
        &["2019"],
    );
    refused(
        "/api/v1/evaluate",
        json!({"projection": {"through": 2030, "growth": {"default": null}}}).to_string(),
        StatusCode::BAD_REQUEST,
        Some("projection.growth.default"),
        &["null"],
    );
}

#[test]
fn a_share_over_one_names_its_field_and_the_range() {
    refused(
        "/api/v1/evaluate",
        json!({"override": [{"item": "10101", "from": "2022-01", "province": "0.10"}, {"item": "10101", "from": "2023-01", "prefecture": "1.5"}]}).to_string(),
        StatusCode::BAD_REQUEST,
        Some("override[1].prefecture"),
        &["1.5", "between 0 and 1"],
    );
}

#[test]
fn an_unknown_item_names_its_field() {
    refused(
        "/api/v1/evaluate",
        json!({"override": [{"item": "99999", "from": "2022-01", "province": "0.10"}]}).to_string(),
        StatusCode::BAD_REQUEST,
        Some("override[0].item"),
        &["`99999`"],
    );
}

#[test]
fn unknown_keys_are_named() {
    refused(
        "/api/v1/evaluate",
        json!({"overide": []}).to_string(),
        StatusCode::BAD_REQUEST,
        Some("overide"),
        &["overide", "override"],
    );
    refused(
        "/api/v1/scenario",
        json!({"baseline": {"indexaton": {"fixed": true}}}).to_string(),
        StatusCode::BAD_REQUEST,
        Some("baseline.indexaton"),
        &["indexaton"],
    );
    refused(
        "/api/v1/evaluate",
        json!({"scenario": {"ledgers": ["/etc/passwd"]}}).to_string(),
        StatusCode::BAD_REQUEST,
        Some("scenario.ledgers"),
        &["scenario.name"],
    );
}

#[test]
fn a_huge_list_is_refused_with_its_field() {
    let many: Vec<Value> = (0..300)
        .map(|_| json!({"item": "10101", "from": "2022-01"}))
        .collect();
    refused(
        "/api/v1/evaluate",
        json!({"override": many}).to_string(),
        StatusCode::BAD_REQUEST,
        Some("override"),
        &["300", "256"],
    );
}

#[test]
fn invalid_utf8_names_the_field_that_holds_it() {
    let mut body = br#"{"scenario": {"name": "a"#.to_vec();
    body.extend([0xff, 0xfe]);
    body.extend(br#""}}"#);
    refused(
        "/api/v1/evaluate",
        body,
        StatusCode::BAD_REQUEST,
        Some("scenario.name"),
        &["UTF-8"],
    );
    refused(
        "/api/v1/evaluate",
        vec![0xc3, 0x28],
        StatusCode::BAD_REQUEST,
        None,
        &["UTF-8"],
    );
}

#[test]
fn invalid_json_and_non_objects_are_refused() {
    refused(
        "/api/v1/evaluate",
        "{\"override\": [",
        StatusCode::BAD_REQUEST,
        None,
        &["not JSON", "line 1"],
    );
    refused(
        "/api/v1/evaluate",
        "[1, 2]",
        StatusCode::BAD_REQUEST,
        None,
        &["JSON object", "a list"],
    );
    refused(
        "/api/v1/scenario",
        "42",
        StatusCode::BAD_REQUEST,
        None,
        &["a number"],
    );
}

#[test]
fn a_body_over_64_kib_is_413() {
    let big = format!(
        "{{\"scenario\": {{\"name\": \"{}\"}}}}",
        "a".repeat(70 * 1024)
    );
    refused(
        "/api/v1/evaluate",
        big,
        StatusCode::PAYLOAD_TOO_LARGE,
        None,
        &["64 KiB"],
    );
}

#[test]
fn explain_answers_the_cli_json_and_names_bad_fields() {
    let (s, v) = post_json(
        "/api/v1/explain",
        &json!({"region": "410825", "year": 2023, "overlay": {"baseline": {"indexation": {"rate": "0.02"}}}}),
    );
    assert_eq!(s, StatusCode::OK, "{v}");
    let e = state()
        .what_if
        .explain(
            &toml::from_str("[baseline]\nindexation = { rate = \"0.02\" }").unwrap(),
            "410825",
            2023,
        )
        .unwrap();
    assert_eq!(v, serde_json::to_value(&e).unwrap());
    refused(
        "/api/v1/explain",
        json!({"region": "999999", "year": 2023}).to_string(),
        StatusCode::BAD_REQUEST,
        Some("region"),
        &["999999"],
    );
    refused(
        "/api/v1/explain",
        json!({"region": "410825", "year": 2040}).to_string(),
        StatusCode::BAD_REQUEST,
        Some("year"),
        &["2040"],
    );
    refused("/api/v1/explain", json!({"region": "410825", "year": 2023, "overlay": {"regime": {"county": {"410825": "2022-13"}}}}).to_string(), StatusCode::BAD_REQUEST, Some("overlay.regime.county.410825"), &["2022-13"]);
}

#[test]
fn downloads_are_the_csv_and_workbook_of_the_overlay() {
    let overlay = json!({"baseline": {"indexation": {"phase_out_years": 5}}});
    let (s, csv_bytes) = call(
        "POST",
        "/api/v1/download/settlement.csv",
        overlay.to_string(),
    );
    assert_eq!(s, StatusCode::OK);
    let e = state()
        .what_if
        .evaluate(&toml::from_str("[baseline]\nindexation = { phase_out_years = 5 }").unwrap())
        .unwrap();
    assert_eq!(
        csv_bytes,
        fencheng::report::tables::settlement(&e.result).csv_bytes(false)
    );
    let q = format!(
        "/api/v1/download/settlement.xlsx?overlay={}",
        urlencode(&overlay.to_string())
    );
    let (s, xlsx) = call("GET", &q, "");
    assert_eq!(s, StatusCode::OK);
    assert_eq!(&xlsx[..2], b"PK", "an xlsx is a zip");
    let (s, _) = call("GET", "/api/v1/download/passwd", "");
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (s, b) = call(
        "GET",
        "/api/v1/download/scenario.toml?overlay=%7B%22x%22%3A1%7D",
        "",
    );
    assert_eq!(s, StatusCode::BAD_REQUEST);
    let v: Value = serde_json::from_slice(&b).unwrap();
    assert_eq!(v["field"], "overlay.x");
}

fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

proptest! {
    // whatever is sent: an answer of 200, 400 or 413, never a 500 or a panic
    #![proptest_config(ProptestConfig { cases: 64, failure_persistence: None, ..ProptestConfig::default() })]
    #[test]
    fn any_body_gets_an_answer_not_a_failure(body in prop_oneof![
        proptest::collection::vec(any::<u8>(), 0..200),
        "[ -~]{0,120}".prop_map(String::into_bytes),
        (proptest::sample::select(vec!["override", "regime", "baseline", "projection", "scenario", "x"]),
         proptest::sample::select(vec!["1", "\"a\"", "[]", "{}", "null", "true", "-1e400", "[{\"item\":1}]", "{\"county\":{\"1\":2}}", "{\"indexation\":{\"rate\":\"-2\"}}", "{\"through\":1e9}"]))
            .prop_map(|(k, v)| format!("{{\"{k}\": {v}}}").into_bytes()),
    ]) {
        for uri in ["/api/v1/evaluate", "/api/v1/scenario", "/api/v1/explain"] {
            let (s, _) = call("POST", uri, body.clone());
            prop_assert!(s == StatusCode::OK || s == StatusCode::BAD_REQUEST, "{uri}: {s} for {}", String::from_utf8_lossy(&body));
        }
    }
}

/// The incremental evaluation equals the full run in memory on overlays that reach every
/// path: rows grown again, years added beyond and dropped from the served projection, an
/// item routed again together with a regime change of every county, one county's date.
#[test]
fn incremental_evaluation_equals_the_full_run_on_every_path() {
    let w = &state().what_if;
    let cases = [
        "[projection]\nthrough = 2032\ngrowth = { default = \"0.02\", \"10101\" = \"0.06\" }\n[scenario]\nyears = [2019, 2020, 2021, 2022, 2023, 2024, 2025, 2026, 2027, 2028, 2029, 2030, 2031, 2032]\n",
        "[projection]\nthrough = 2026\ngrowth = { default = \"0.05\", \"10104\" = \"0.01\" }\n[scenario]\nyears = [2021, 2022, 2023, 2024, 2025, 2026]\n",
        "[regime]\ncancel_from = \"2022-01\"\n[[override]]\nitem = \"10101\"\nfrom = \"2021-07\"\nprovince = \"0.20\"\nprefecture = \"0.40\"\n[projection]\nthrough = 2030\ngrowth = { default = \"0.07\" }\n",
        "[regime.county]\n410825 = \"2023-07\"\n410223 = \"\"\n[baseline]\nbase_years = [2020, 2021]\nindexation = { increment_share = \"0.5\" }\n",
    ];
    for c in cases {
        let o: toml::Table = toml::from_str(c).unwrap();
        let fast = w.evaluate(&o).unwrap().result;
        assert!(fast.shares.is_empty(), "answered incrementally");
        let full = w.run(&o).unwrap();
        assert_eq!(fast.settlement, full.settlement, "{c}");
        assert_eq!(fast.province, full.province, "{c}");
        assert_eq!(fast.baselines, full.baselines, "{c}");
    }
}

/// An answer that asks again for a growth rate an earlier answer asked for takes its
/// projected rows' sums from the memo; with an override of a grown item from a projected
/// month, a county's switch date moved into the projection and a shorter or a longer
/// projection on the same rows, it still equals the full run.
#[test]
fn growth_asked_again_comes_from_the_memo_and_equals_the_full_run() {
    let w = &state().what_if;
    // rates no other test asks for: the first answer makes the memo's entries
    let growth = "growth = { default = \"0.043\", \"10101\" = \"0.071\" }\n";
    let years = |last: i32| {
        format!(
            "[scenario]\nyears = {:?}\n",
            (2019..=last).collect::<Vec<_>>()
        )
    };
    let first: toml::Table =
        toml::from_str(&format!("[projection]\nthrough = 2030\n{growth}")).unwrap();
    w.evaluate(&first).unwrap();
    let cases = [
        format!("[baseline]\nindexation = {{ rate = \"0.02\" }}\n[projection]\nthrough = 2030\n{growth}"),
        format!(
            "[[override]]\nitem = \"10101\"\nfrom = \"2026-04\"\nprovince = \"0.30\"\nprefecture = \"0.40\"\n\
             [regime.county]\n410825 = \"2027-01\"\n[projection]\nthrough = 2028\n{growth}{}",
            years(2028)
        ),
        format!("[regime.county]\n410825 = \"2026-07\"\n[projection]\nthrough = 2032\n{growth}{}", years(2032)),
    ];
    for c in &cases {
        let o: toml::Table = toml::from_str(c).unwrap();
        let answer = w.evaluate(&o).unwrap();
        let fast = &answer.result;
        assert!(fast.shares.is_empty(), "answered incrementally");
        let detail = &fast.checks[0].detail;
        // the rows whose sums were kept from an earlier answer (not made now)
        let from_memo: usize = detail
            .split_once(" (")
            .and_then(|(_, rest)| rest.split_once(" of them grown"))
            .and_then(|(n, _)| n.parse().ok())
            .unwrap_or_else(|| panic!("the check names the rows of the memo: {detail}"));
        assert!(
            from_memo > 10_000,
            "the growth came from the memo: {detail}"
        );
        let full = w.run(&o).unwrap();
        assert_eq!(fast.settlement, full.settlement, "{c}");
        assert_eq!(fast.province, full.province, "{c}");
        assert_eq!(fast.baselines, full.baselines, "{c}");
        // the sums the API's retention figures read, too
        assert_eq!(
            answer.sums,
            fencheng::settlement::region_years(&full.shares).0,
            "{c}"
        );
    }
}

#[test]
fn tables_asks_for_parts_of_the_answer_and_they_equal_the_full_answers() {
    let overlay = json!({"override": [{"item": "10101", "from": "2023-01", "province": "0.10"}]});
    let (s, full) = post_json("/api/v1/evaluate", &overlay);
    assert_eq!(s, StatusCode::OK);
    let (s, part) = post_json(
        "/api/v1/evaluate?tables=settlement,province,comparison_summary",
        &overlay,
    );
    assert_eq!(s, StatusCode::OK);
    for t in ["settlement", "province", "comparison_summary"] {
        assert!(part[t].as_array().is_some_and(|a| !a.is_empty()), "{t}");
        assert_eq!(part[t], full[t], "{t} differs from the full answer's");
    }
    for t in [
        "comparison",
        "comparison_groups",
        "retention",
        "lorenz",
        "groups_year",
    ] {
        assert!(full.get(t).is_some(), "the full answer has {t}");
        assert!(part.get(t).is_none(), "{t} was not asked for");
    }
    refused(
        "/api/v1/evaluate?tables=settlement,balance",
        "{}",
        StatusCode::BAD_REQUEST,
        Some("tables"),
        &["`balance`", "comparison_summary"],
    );
}
