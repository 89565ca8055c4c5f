//! The JSON API, `/api/v1/`: `meta`, `evaluate` (an overlay's settlement, province
//! figures and the analyst's comparison), `scenario` (the TOML that reproduces it),
//! `explain` (one region-year, line by line) and the downloads (settlement CSV and xlsx,
//! scenario TOML). Evaluation runs on the blocking pool: it is CPU work.

use super::body::{explain_body, overlay_body, ApiError};
use super::rows::{lorenz, push_points, push_rows, push_str};
use super::State;
use crate::engine::overlay::WhatIf;
use crate::report::{comparison as ctables, tables};
use crate::scenario::compare::{
    analyse, default_groups_year, marginal_retention_in, AnalysisOptions,
};
use crate::scenario::run::ScenarioResult;
use axum::body::Bytes;
use axum::extract::rejection::{BytesRejection, QueryRejection};
use axum::extract::{Path, Query};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use std::fmt::Write;
use std::sync::Arc;
use std::time::Instant;

type AppState = axum::extract::State<Arc<State>>;

/// The indexation methods of `[baseline] indexation`, with the form of their parameter.
pub const INDEXATION_METHODS: [(&str, &str, &str); 5] = [
    ("fixed", "true", "基数固定 the base never changes"),
    (
        "rate",
        "a decimal string above -1 and at most 1, e.g. \"0.03\"",
        "按固定比例递增 grows by a fixed rate a year",
    ),
    (
        "revenue_coefficient",
        "a decimal string 0 to 1, e.g. \"0.3\"",
        "与收入增长挂钩 grows by k × the county's local revenue growth",
    ),
    (
        "phase_out_years",
        "an integer 1 to 100",
        "逐年退坡 falls to zero over N years",
    ),
    (
        "increment_share",
        "a decimal string 0 to 1, e.g. \"0.5\"",
        "增量分成 base + s × the growth of the prefecture's old share",
    ),
];

fn json(body: String) -> Response {
    ([(header::CONTENT_TYPE, "application/json")], body).into_response()
}

/// The body's bytes, or 413 past the limit.
fn bytes(body: Result<Bytes, BytesRejection>) -> Result<Bytes, ApiError> {
    body.map_err(|r| {
        if r.status() == StatusCode::PAYLOAD_TOO_LARGE {
            ApiError {
                status: StatusCode::PAYLOAD_TOO_LARGE,
                error: format!(
                    "the body is larger than {} KiB, the most a request may send",
                    super::BODY_LIMIT / 1024
                ),
                field: None,
            }
        } else {
            ApiError::body(format!("the body could not be read: {r}"))
        }
    })
}

/// Runs `f` on the blocking pool (evaluations are CPU work), once one of the server's
/// evaluation slots is free ([`State::workers`]): requests beyond the slots wait their turn
/// in arrival order instead of sharing the cores.
async fn blocking<T: Send + 'static>(
    state: Arc<State>,
    f: impl FnOnce() -> Result<T, ApiError> + Send + 'static,
) -> Result<T, ApiError> {
    let _slot = state.workers.acquire().await.map_err(|e| ApiError {
        status: StatusCode::SERVICE_UNAVAILABLE,
        error: format!("the server is stopping: {e}"),
        field: None,
    })?;
    tokio::task::spawn_blocking(f).await.unwrap_or_else(|e| {
        Err(ApiError {
            status: StatusCode::INTERNAL_SERVER_ERROR,
            error: format!("the evaluation failed (a bug of fencheng, please report it): {e}"),
            field: None,
        })
    })
}

/// `GET /api/v1/meta`.
pub async fn meta(axum::extract::State(s): AppState) -> Response {
    json(s.meta.clone())
}

/// The `meta` answer: names, years, items, regions, indexation methods, limits, and the
/// served scenario's own `[baseline]`, `[projection]` and `[regime]` tables.
pub fn meta_json(w: &WhatIf) -> crate::Result<String> {
    let (base, reference) = (&w.base, &w.reference);
    let sc = &base.scenario;
    let served = |k: &str| {
        w.served_table()
            .get(k)
            .and_then(|v| serde_json::to_value(v).ok())
            .unwrap_or(serde_json::Value::Null)
    };
    let items: Vec<serde_json::Value> = base
        .rules
        .items()
        .map(|i| {
            serde_json::json!({
                "code": i.code,
                "name": i.name,
                "rules": i.rules.iter().map(|r| serde_json::json!({
                    "from": r.from.to_string(),
                    "until": r.until.map(|u| u.to_string()),
                    "central": r.central.to_string(),
                    "province": r.province.to_string(),
                    "prefecture": r.prefecture.to_string(),
                })).collect::<Vec<_>>(),
            })
        })
        .collect();
    let regions: Vec<serde_json::Value> = base
        .regions
        .all()
        .iter()
        .map(|r| {
            serde_json::json!({
                "code": r.code,
                "name": r.name,
                "kind": r.kind.as_str(),
                "parent": r.parent,
                "direct_since": r.direct_since.map(|d| d.to_string()).unwrap_or_default(),
                "population": r.population,
            })
        })
        .collect();
    let methods: Vec<serde_json::Value> = INDEXATION_METHODS
        .iter()
        .map(|(m, v, l)| serde_json::json!({"method": m, "parameter": v, "label": l}))
        .collect();
    let v = serde_json::json!({
        "api": "v1",
        "scenario": {
            "name": sc.name,
            "description": sc.description,
            "data_nature": sc.data_banner(),
            "years": sc.years,
            "last_actual_year": base.last_actual_year,
            "overlay": {
                "baseline": served("baseline"),
                "projection": served("projection"),
                "regime": served("regime"),
            },
        },
        "reference": {
            "name": reference.scenario.name,
            "description": reference.scenario.description,
        },
        "references": ["against", "scenario"],
        "years": sc.years,
        "items": items,
        "regions": regions,
        "indexation_methods": methods,
        "limits": {"override_max": super::LIST_LIMIT, "body_max_bytes": super::BODY_LIMIT},
    });
    serde_json::to_string(&v).map_err(|e| crate::Error::Input(e.to_string()))
}

/// The query of `evaluate`: `reference=against` (the served reference, default) or
/// `reference=scenario` (the served scenario itself); `year=YEAR` the year of the
/// `retention` rows (default the last settled year: one row per county and item).
#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct Ask {
    /// `against` or `scenario`.
    #[serde(default)]
    pub reference: Option<String>,
    /// The year of the marginal retention rows.
    #[serde(default)]
    pub year: Option<i32>,
    /// The parts of the answer wanted, comma-separated names of [`EVALUATE_TABLES`]
    /// (default every one): a client that reads the settlement alone does not pay for
    /// the analyst's figures.
    #[serde(default)]
    pub tables: Option<String>,
}

/// The parts `evaluate` answers, in the answer's order: the settlement, the province
/// roll-up and the comparison summary (the contract's three), then the analyst's figures
/// the page draws.
pub const EVALUATE_TABLES: [&str; 9] = [
    "settlement",
    "province",
    "comparison_summary",
    "comparison",
    "comparison_prefectures",
    "comparison_groups",
    "comparison_totals",
    "retention",
    "lorenz",
];

/// The parts asked for (`tables=`), each a name of [`EVALUATE_TABLES`].
fn wanted(ask: &Ask) -> Result<Vec<&'static str>, ApiError> {
    let Some(list) = ask.tables.as_deref() else {
        return Ok(EVALUATE_TABLES.to_vec());
    };
    let mut out = Vec::new();
    for name in list.split(',').map(str::trim).filter(|n| !n.is_empty()) {
        let known = EVALUATE_TABLES
            .iter()
            .find(|t| **t == name)
            .ok_or_else(|| {
                ApiError::field(
                    "tables",
                    format!(
                        "`{name}` is not a part of the answer: {}",
                        EVALUATE_TABLES.join(", ")
                    ),
                )
            })?;
        out.push(*known);
    }
    Ok(out)
}

fn reference_of<'a>(w: &'a WhatIf, ask: &Ask) -> Result<&'a ScenarioResult, ApiError> {
    match ask.reference.as_deref() {
        None | Some("against") => Ok(&w.reference),
        Some("scenario") => Ok(&w.base),
        Some(other) => Err(ApiError::field(
            "reference",
            format!("`{other}` is not a reference: \"against\" (the served reference) or \"scenario\" (the served scenario)"),
        )),
    }
}

fn query(q: Result<Query<Ask>, QueryRejection>) -> Result<Ask, ApiError> {
    q.map(|Query(a)| a)
        .map_err(|e| ApiError::field("query", format!("bad query string (reference, year): {e}")))
}

/// `POST /api/v1/evaluate[?reference=against|scenario]`.
pub async fn evaluate(
    axum::extract::State(s): AppState,
    q: Result<Query<Ask>, QueryRejection>,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    let answer = async {
        let ask = query(q)?;
        let overlay = overlay_body(&bytes(body)?)?;
        blocking(Arc::clone(&s), move || {
            evaluation_json(&s.what_if, &overlay, &ask)
        })
        .await
    };
    match answer.await {
        Ok(text) => json(text),
        Err(e) => e.into_response(),
    }
}

/// The `evaluate` answer of `overlay`.
pub fn evaluation_json(w: &WhatIf, overlay: &toml::Table, ask: &Ask) -> Result<String, ApiError> {
    let start = Instant::now();
    let reference = reference_of(w, ask)?;
    let e = w.evaluate_against(overlay, reference)?;
    let r = &e.result;
    let want = wanted(ask)?;
    let last = r.scenario.years.iter().max().copied().unwrap_or_default();
    let year = match ask.year {
        None => last,
        Some(y) if r.scenario.years.contains(&y) => y,
        Some(y) => {
            return Err(ApiError::field(
                "year",
                format!("{y} is not a settled year ({:?})", r.scenario.years),
            ))
        }
    };
    // the analyst's figures only when a part of them is asked for
    let analysis = if want.iter().any(|t| {
        matches!(
            *t,
            "comparison" | "comparison_prefectures" | "comparison_groups" | "comparison_totals"
        )
    }) {
        // income groups on the year before the first switch that differs (as `compare`),
        // at the earliest the reference's first settled year: a what-if that moves a 2014
        // pilot, or none, would otherwise ask for a year before the ledgers
        let first = reference.scenario.years.iter().min().copied();
        let groups_year = Some(default_groups_year(reference, r).max(first.unwrap_or(i32::MIN)));
        Some(analyse(
            reference,
            r,
            AnalysisOptions {
                groups_year,
                ..AnalysisOptions::default()
            },
        )?)
    } else {
        None
    };
    let mut out = String::with_capacity(4 << 20);
    out.push_str("{\"scenario\":");
    push_str(&mut out, &r.scenario.name);
    out.push_str(",\"reference\":");
    push_str(&mut out, &reference.scenario.name);
    out.push_str(",\"data_nature\":");
    push_str(&mut out, &r.scenario.data_banner());
    let _ = write!(out, ",\"years\":{:?}", r.scenario.years);
    let _ = write!(out, ",\"last_actual_year\":{}", r.last_actual_year);
    for name in &want {
        let table = match (*name, &analysis) {
            ("settlement", _) => tables::settlement(r),
            ("province", _) => tables::province(r),
            ("comparison_summary", _) => {
                ctables::comparison_summary(&e.summary, &reference.scenario.name)
            }
            ("comparison", Some(a)) => ctables::comparison(&a.rows, &r.regions),
            ("comparison_prefectures", Some(a)) => {
                ctables::comparison_prefectures(&a.prefectures, &a.reference, &r.regions)
            }
            ("comparison_groups", Some(a)) => ctables::comparison_groups(&a.groups, &a.reference),
            ("comparison_totals", Some(a)) => {
                ctables::comparison_totals(&a.totals, &a.reference, &r.regions)
            }
            ("retention", _) => {
                ctables::retention_table(&marginal_retention_in(r, &e.sums, &[year]))
            }
            ("lorenz", _) => {
                out.push_str(",\"lorenz\":[");
                for (i, y) in r.scenario.years.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    let _ = write!(out, "{{\"fiscal_year\":{y},\"scenario\":");
                    push_points(&mut out, &lorenz(&r.settlement, *y));
                    out.push_str(",\"reference\":");
                    push_points(&mut out, &lorenz(&reference.settlement, *y));
                    out.push('}');
                }
                out.push(']');
                continue;
            }
            _ => continue,
        };
        let _ = write!(out, ",\"{name}\":");
        push_rows(&mut out, &table);
    }
    if want.contains(&"retention") {
        let _ = write!(out, ",\"retention_year\":{year}");
    }
    if let Some(a) = &analysis {
        let _ = write!(out, ",\"groups_year\":{}", a.groups_year);
        out.push_str(",\"discount\":");
        push_str(&mut out, &a.discount.to_string());
    }
    let _ = write!(
        out,
        ",\"milliseconds\":{:.3}}}",
        start.elapsed().as_secs_f64() * 1000.0
    );
    Ok(out)
}

/// `POST /api/v1/scenario`: the TOML of the overlay's scenario (what "Save scenario"
/// downloads).
pub async fn scenario(
    axum::extract::State(s): AppState,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    let answer = bytes(body)
        .and_then(|b| overlay_body(&b))
        .and_then(|o| Ok(s.what_if.scenario_toml(&o)?));
    match answer {
        Ok(text) => ([(header::CONTENT_TYPE, "text/plain; charset=utf-8")], text).into_response(),
        Err(e) => e.into_response(),
    }
}

/// `POST /api/v1/explain`: `{"region": CODE, "year": YEAR, "overlay": {...}}` → the JSON
/// of `fencheng explain --format json` (monthly granularity, as every what-if).
pub async fn explain(
    axum::extract::State(s): AppState,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    let answer = async {
        let b = explain_body(&bytes(body)?)?;
        blocking(Arc::clone(&s), move || {
            let w = &s.what_if;
            let e = w.run(&b.overlay).map_err(|e| {
                let mut a = ApiError::from(e);
                a.field = Some(match a.field {
                    Some(f) => format!("overlay.{f}"),
                    None => "overlay".into(),
                });
                a
            })?;
            let code = e
                .regions
                .find(&b.region)
                .map_err(|m| ApiError::field("region", m))?
                .code
                .clone();
            let x = crate::engine::Engine::explain(&e, &code, b.year).map_err(|err| {
                let field = if err.to_string().contains("province") {
                    "region"
                } else {
                    "year"
                };
                ApiError::field(field, err.to_string())
            })?;
            serde_json::to_string_pretty(&x).map_err(|e| ApiError::body(e.to_string()))
        })
        .await
    };
    match answer.await {
        Ok(text) => json(text),
        Err(e) => e.into_response(),
    }
}

/// `?overlay=<JSON>` of a download link.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DownloadQuery {
    #[serde(default)]
    overlay: Option<String>,
}

/// `GET /api/v1/download/FILE?overlay=<JSON>`: `settlement.csv`, `settlement.xlsx` or
/// `scenario.toml` of the overlay, as an attachment (a plain link downloads it).
pub async fn download_get(
    state: AppState,
    Path(file): Path<String>,
    q: Result<Query<DownloadQuery>, QueryRejection>,
) -> Response {
    let overlay = q
        .map_err(|e| ApiError::field("overlay", format!("bad query string: {e}")))
        .and_then(|Query(d)| {
            let text = d.overlay.unwrap_or_default();
            overlay_body(text.as_bytes()).map_err(|mut e| {
                e.field = Some(match e.field {
                    Some(f) => format!("overlay.{f}"),
                    None => "overlay".into(),
                });
                e
            })
        });
    match overlay {
        Ok(o) => download(state, file, o, "overlay.").await,
        Err(e) => e.into_response(),
    }
}

/// `POST /api/v1/download/FILE` with the overlay as the body.
pub async fn download_post(
    state: AppState,
    Path(file): Path<String>,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    match bytes(body).and_then(|b| overlay_body(&b)) {
        Ok(o) => download(state, file, o, "").await,
        Err(e) => e.into_response(),
    }
}

/// The download `file` of `overlay`; `prefix` goes before the fields of errors
/// (`overlay.` when the overlay came in the query string).
async fn download(
    axum::extract::State(s): AppState,
    file: String,
    overlay: toml::Table,
    prefix: &'static str,
) -> Response {
    let kind = match file.as_str() {
        "settlement.csv" => "text/csv; charset=utf-8",
        "settlement.xlsx" => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "scenario.toml" => "text/plain; charset=utf-8",
        other => {
            return ApiError {
                status: StatusCode::NOT_FOUND,
                error: format!(
                    "no download `{other}`: settlement.csv, settlement.xlsx or scenario.toml"
                ),
                field: None,
            }
            .into_response()
        }
    };
    let answer = blocking(Arc::clone(&s), move || {
        let w = &s.what_if;
        let name = w.scenario(&overlay)?.name;
        let bytes = match file.as_str() {
            "scenario.toml" => w.scenario_toml(&overlay)?.into_bytes(),
            "settlement.csv" => tables::settlement(&w.evaluate(&overlay)?.result).csv_bytes(false),
            _ => crate::report::xlsx::workbook_bytes(&[w.run(&overlay)?])?,
        };
        let stem = file.split('.').next().unwrap_or("settlement");
        let ext = file.rsplit('.').next().unwrap_or("csv");
        Ok((format!("{name}-{stem}.{ext}"), bytes))
    })
    .await
    .map_err(|mut e: ApiError| {
        e.field = e.field.map(|f| format!("{prefix}{f}"));
        e
    });
    match answer {
        Ok((name, bytes)) => {
            // names are scenario names: keep the header plain ASCII, RFC 6266 for the rest
            let ascii: String = name
                .chars()
                .map(|c| {
                    if c.is_ascii_alphanumeric() || "-_.".contains(c) {
                        c
                    } else {
                        '_'
                    }
                })
                .collect();
            let disposition = format!("attachment; filename=\"{ascii}\"");
            (
                [
                    (header::CONTENT_TYPE, kind.to_string()),
                    (header::CONTENT_DISPOSITION, disposition),
                ],
                bytes,
            )
                .into_response()
        }
        Err(e) => e.into_response(),
    }
}

/// Any other path: 404 in the API's error form.
pub async fn not_found(uri: axum::http::Uri) -> Response {
    ApiError {
        status: StatusCode::NOT_FOUND,
        error: format!("no such page or endpoint `{}`", uri.path()),
        field: None,
    }
    .into_response()
}
