//! `fencheng serve` (情景推演工作台): the what-if page and its JSON API. The served scenario
//! and its reference run once at start ([`WhatIf::open`]); every request is an overlay
//! answered on the ledgers and tables in memory. No request names a file: the server reads
//! only the inputs it was started with.
//!
//! [`router`] builds the routes on a [`State`] (tests call it without a socket); [`serve`]
//! binds the address, says `listening on http://HOST:PORT/`, and stops on Ctrl-C or SIGTERM.

pub mod api;
pub mod assets;
pub mod body;
pub mod rows;

use crate::engine::WhatIf;
use crate::error::{Error, Result};
use axum::routing::{get, post};
use axum::Router;
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;

/// Largest request body (64 KiB); a larger one is answered 413.
pub const BODY_LIMIT: usize = 64 * 1024;

/// Most entries of any list in a request (`override`, `base_years`, …).
pub const LIST_LIMIT: usize = 256;

/// What the server answers from: the served scenario with its reference, and the `meta`
/// answer computed once.
pub struct State {
    /// The served scenario and its reference, run.
    pub what_if: WhatIf,
    /// The body of `GET /api/v1/meta`.
    pub meta: String,
    /// Evaluation slots, two per core (one evaluating while another's answer is sent; one
    /// per core left the cores idle between answers): an evaluation is CPU work, and many
    /// at once only share the cores (every answer slower, the longest the most) and each
    /// other's caches. Waiting requests are served first come, first served. Measured
    /// with bench/serve.sh when the slots came (commit 0de0dd1; 8 clients, 2 cores): p95
    /// 67–72 ms with 4 slots, 80–84 ms with none, throughput the same within noise
    /// (BENCHMARKS.md has the later figures).
    pub workers: tokio::sync::Semaphore,
}

impl State {
    /// The state of a server on `what_if`.
    pub fn new(what_if: WhatIf) -> Result<State> {
        let meta = api::meta_json(&what_if)?;
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
        Ok(State {
            what_if,
            meta,
            workers: tokio::sync::Semaphore::new(2 * cores),
        })
    }
}

/// Where to listen.
#[derive(Clone, Debug)]
pub struct Listen {
    /// Address to bind (127.0.0.1 unless told otherwise).
    pub host: IpAddr,
    /// Port; 0 = any free port.
    pub port: u16,
}

/// Every route: the page at `/`, its files under `/assets/`, the API under `/api/v1/`.
pub fn router(state: Arc<State>) -> Router {
    Router::new()
        .route("/", get(assets::index))
        .route("/assets/{*path}", get(assets::file))
        .route("/api/v1/meta", get(api::meta))
        .route("/api/v1/evaluate", post(api::evaluate))
        .route("/api/v1/scenario", post(api::scenario))
        .route("/api/v1/explain", post(api::explain))
        .route(
            "/api/v1/download/{file}",
            get(api::download_get).post(api::download_post),
        )
        .fallback(api::not_found)
        .layer(axum::extract::DefaultBodyLimit::max(BODY_LIMIT))
        .with_state(state)
}

/// The warning printed when the server listens beyond this machine.
pub const NO_LOGIN_WARNING: &str =
    "warning: the page has no login: anyone who can reach this address can use it";

/// Serves `state` on `listen` until Ctrl-C or SIGTERM; `ready` is told the bound address
/// (the caller prints `listening on http://HOST:PORT/`).
pub async fn serve(
    state: Arc<State>,
    listen: Listen,
    ready: impl FnOnce(SocketAddr),
) -> Result<()> {
    let addr = SocketAddr::new(listen.host, listen.port);
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .map_err(|e| Error::Usage(format!("cannot listen on {addr}: {e}")))?;
    let bound = listener
        .local_addr()
        .map_err(|e| Error::Usage(format!("cannot listen on {addr}: {e}")))?;
    ready(bound);
    axum::serve(listener, router(state))
        .with_graceful_shutdown(stop_signal())
        .await
        .map_err(|e| Error::Usage(format!("the server stopped: {e}")))
}

/// Resolves on Ctrl-C (SIGINT) or SIGTERM.
async fn stop_signal() {
    let ctrl_c = async {
        // if the handler cannot be installed, only SIGTERM stops the server
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let term = async {
        use tokio::signal::unix::{signal, SignalKind};
        match signal(SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
}
