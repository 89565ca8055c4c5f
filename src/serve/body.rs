//! Request bodies: JSON read strictly (UTF-8, an object, bounded lists) and turned into the
//! TOML overlay a scenario file would hold; every refusal is an [`ApiError`] naming the
//! field (`override[0].province`), answered 400 (413 for a body over the limit).

use super::LIST_LIMIT;
use crate::error::Error;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::Value as Json;
use toml::Value as Toml;

/// A refused request: its status, the reason and the field at fault (`None` for the body
/// as a whole).
#[derive(Clone, Debug, PartialEq)]
pub struct ApiError {
    /// 400, 404 or 413.
    pub status: StatusCode,
    /// What is wrong, with the accepted range or form.
    pub error: String,
    /// Dotted path of the field at fault, as in a scenario file (`override[0].province`).
    pub field: Option<String>,
}

impl ApiError {
    /// A 400 naming `field`.
    pub fn field(field: impl Into<String>, error: impl Into<String>) -> ApiError {
        ApiError {
            status: StatusCode::BAD_REQUEST,
            error: error.into(),
            field: Some(field.into()),
        }
    }

    /// A 400 about the body as a whole.
    pub fn body(error: impl Into<String>) -> ApiError {
        ApiError {
            status: StatusCode::BAD_REQUEST,
            error: error.into(),
            field: None,
        }
    }
}

impl From<Error> for ApiError {
    /// A library error on an overlay: a scenario key names the field; anything else (a base
    /// year missing from the ledgers, …) is the overlay's fault too, since the served
    /// inputs ran at start. The served file's path is left out of the message.
    fn from(e: Error) -> ApiError {
        match e {
            Error::Key { key, reason, .. } => ApiError::field(key, reason),
            Error::File { reason, .. } => ApiError::body(reason),
            other => ApiError::body(other.to_string()),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = serde_json::json!({ "error": self.error, "field": self.field });
        (
            self.status,
            [(header::CONTENT_TYPE, "application/json")],
            body.to_string(),
        )
            .into_response()
    }
}

/// The body as a JSON object: UTF-8, valid JSON, an object at the top.
pub fn json_object(bytes: &[u8]) -> Result<serde_json::Map<String, Json>, ApiError> {
    let text = std::str::from_utf8(bytes).map_err(|e| ApiError {
        field: invalid_text_field(bytes),
        ..ApiError::body(format!(
            "the body is not UTF-8 (byte {} is invalid): send JSON text in UTF-8",
            e.valid_up_to()
        ))
    })?;
    if text.trim().is_empty() {
        return Ok(serde_json::Map::new());
    }
    let v: Json = serde_json::from_str(text)
        .map_err(|e| ApiError::body(format!("the body is not JSON: {e}")))?;
    match v {
        Json::Object(m) => Ok(m),
        other => Err(ApiError::body(format!(
            "the body must be a JSON object such as {{\"override\": [...]}}, not {}",
            kind(&other)
        ))),
    }
}

/// The field holding the invalid bytes of a body that is JSON but for them: read with
/// the bytes replaced (U+FFFD), the first key or string that holds a replacement.
fn invalid_text_field(bytes: &[u8]) -> Option<String> {
    fn find(v: &Json, at: &str) -> Option<String> {
        let bad = |s: &str| s.contains('\u{FFFD}');
        match v {
            Json::String(s) if bad(s) => Some(at.to_string()),
            Json::Array(items) => items
                .iter()
                .enumerate()
                .find_map(|(i, x)| find(x, &format!("{at}[{i}]"))),
            Json::Object(m) => m.iter().find_map(|(k, x)| {
                let path = if at.is_empty() {
                    k.clone()
                } else {
                    format!("{at}.{k}")
                };
                if bad(k) {
                    Some(path)
                } else {
                    find(x, &path)
                }
            }),
            _ => None,
        }
    }
    let v: Json = serde_json::from_str(&String::from_utf8_lossy(bytes)).ok()?;
    find(&v, "").filter(|f| !f.is_empty())
}

fn kind(v: &Json) -> &'static str {
    match v {
        Json::Null => "null",
        Json::Bool(_) => "a boolean",
        Json::Number(_) => "a number",
        Json::String(_) => "a string",
        Json::Array(_) => "a list",
        Json::Object(_) => "an object",
    }
}

/// An overlay object (the tables of a scenario file) as TOML; `at` is the field path of
/// the object itself (empty at the top of the body).
pub fn overlay(m: &serde_json::Map<String, Json>, at: &str) -> Result<toml::Table, ApiError> {
    let mut t = toml::Table::new();
    for (k, v) in m {
        let path = if at.is_empty() {
            k.clone()
        } else {
            format!("{at}.{k}")
        };
        t.insert(k.clone(), to_toml(v, &path)?);
    }
    Ok(t)
}

/// A JSON value as the TOML value a scenario file would hold: integers stay integers,
/// other numbers are floats (a rate written as a number is then refused as in a file:
/// "write it as a string"); `null` has no TOML form; lists hold at most [`LIST_LIMIT`].
fn to_toml(v: &Json, path: &str) -> Result<Toml, ApiError> {
    Ok(match v {
        Json::Null => {
            return Err(ApiError::field(
                path,
                "null is not a value: leave the key out to keep the served scenario's",
            ))
        }
        Json::Bool(b) => Toml::Boolean(*b),
        Json::Number(n) => match (n.as_i64(), n.as_f64()) {
            (Some(i), _) => Toml::Integer(i),
            (None, Some(f)) if n.is_f64() => Toml::Float(f),
            _ => {
                return Err(ApiError::field(
                    path,
                    format!("`{n}` is out of range (integers up to {})", i64::MAX),
                ))
            }
        },
        Json::String(s) => Toml::String(s.clone()),
        Json::Array(items) => {
            if items.len() > LIST_LIMIT {
                return Err(ApiError::field(
                    path,
                    format!(
                        "a list of {} entries: at most {LIST_LIMIT} are accepted",
                        items.len()
                    ),
                ));
            }
            Toml::Array(
                items
                    .iter()
                    .enumerate()
                    .map(|(i, x)| to_toml(x, &format!("{path}[{i}]")))
                    .collect::<Result<_, _>>()?,
            )
        }
        Json::Object(m) => Toml::Table(overlay(m, path)?),
    })
}

/// The overlay of an `evaluate`, `scenario` or download body: the whole body.
pub fn overlay_body(bytes: &[u8]) -> Result<toml::Table, ApiError> {
    overlay(&json_object(bytes)?, "")
}

/// An `explain` body: `{"region": CODE, "year": YEAR, "overlay": {...}}`.
pub struct ExplainBody {
    /// Region code (or name).
    pub region: String,
    /// Fiscal year.
    pub year: i32,
    /// The what-if overlay (`{}` when absent).
    pub overlay: toml::Table,
}

/// Reads an `explain` body.
pub fn explain_body(bytes: &[u8]) -> Result<ExplainBody, ApiError> {
    let m = json_object(bytes)?;
    if let Some(k) = m
        .keys()
        .find(|k| !["region", "year", "overlay"].contains(&k.as_str()))
    {
        return Err(ApiError::field(
            k.clone(),
            format!("`{k}` is not a key of an explain body (region, year, overlay)"),
        ));
    }
    let region = match m.get("region") {
        Some(Json::String(s)) if !s.trim().is_empty() => s.trim().to_string(),
        Some(other) => {
            return Err(ApiError::field(
                "region",
                format!(
                    "must be a region code or name as a string, such as \"410825\", not {}",
                    kind(other)
                ),
            ))
        }
        None => {
            return Err(ApiError::field(
                "region",
                "missing: a region code such as \"410825\"",
            ))
        }
    };
    let year = match m.get("year").and_then(Json::as_i64) {
        Some(y) if (1994..=2100).contains(&y) => y as i32,
        _ => {
            return Err(ApiError::field(
                "year",
                "must be a fiscal year as an integer, 1994–2100, one the scenario settles",
            ))
        }
    };
    let overlay = match m.get("overlay") {
        None => toml::Table::new(),
        Some(Json::Object(o)) => self::overlay(o, "overlay")?,
        Some(other) => {
            return Err(ApiError::field(
                "overlay",
                format!("must be an object (an overlay), not {}", kind(other)),
            ))
        }
    };
    Ok(ExplainBody {
        region,
        year,
        overlay,
    })
}
