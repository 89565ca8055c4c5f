//! The page's files (`src/serve/assets/**`: HTML, script, style, the vendored charting
//! library, the map's tiles), embedded in the binary at build time so the page needs no
//! outside request and no file beside the binary.

use axum::extract::Path;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};

/// Every embedded file: its path under `src/serve/assets/` and its bytes, sorted by path.
/// (A handful of files: looked up one by one.)
pub static FILES: &[(&str, &[u8])] = include!(concat!(env!("OUT_DIR"), "/assets.rs"));

/// The embedded file at `path` (relative to `src/serve/assets/`).
pub fn get(path: &str) -> Option<&'static [u8]> {
    FILES.iter().find(|(p, _)| *p == path).map(|(_, b)| *b)
}

/// The media type of a file, by its extension.
pub fn media_type(path: &str) -> &'static str {
    let ext = path.rsplit_once('.').map_or("", |(_, e)| e);
    match ext.to_ascii_lowercase().as_str() {
        "html" => "text/html; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "json" | "geojson" => "application/json",
        "csv" => "text/csv; charset=utf-8",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "ico" => "image/x-icon",
        "woff2" => "font/woff2",
        "txt" | "md" | "toml" => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}

fn answer(path: &str) -> Response {
    match get(path) {
        Some(bytes) => (
            [
                (header::CONTENT_TYPE, media_type(path)),
                (header::CACHE_CONTROL, "no-cache"),
            ],
            bytes,
        )
            .into_response(),
        None => (
            StatusCode::NOT_FOUND,
            [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
            format!("no file `{path}` in the page"),
        )
            .into_response(),
    }
}

/// `GET /`: the page.
pub async fn index() -> Response {
    answer("index.html")
}

/// `GET /assets/PATH`: one of the page's files.
pub async fn file(Path(path): Path<String>) -> Response {
    answer(&path)
}
