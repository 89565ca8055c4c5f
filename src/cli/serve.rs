//! `fencheng serve [--scenario FILE] [--against FILE] [--host 127.0.0.1] [--port 8350]`:
//! the what-if page and its JSON API on the served scenario and its reference.

use super::{default_file, Encoding};
use clap::Args;
use fencheng::engine::WhatIf;
use fencheng::serve::{serve, Listen, State, NO_LOGIN_WARNING};
use fencheng::{Error, Result};
use std::io::Write;
use std::net::IpAddr;
use std::path::PathBuf;
use std::sync::Arc;

/// The scenario served when `--scenario` is not given, and its default reference.
const DEFAULT_SCENARIO: &str = "scenarios/reform-2022-2030.toml";
const DEFAULT_AGAINST: &str = "scenarios/no-reform-2030.toml";

#[derive(Args, Debug)]
pub struct ServeArgs {
    /// Scenario to serve [default: scenarios/reform-2022-2030.toml].
    #[arg(long)]
    scenario: Option<PathBuf>,
    /// Reference to compare against [default: scenarios/no-reform-2030.toml].
    #[arg(long)]
    against: Option<PathBuf>,
    /// Address to listen on; anything but loopback exposes the page (it has no login).
    #[arg(long, default_value = "127.0.0.1")]
    host: IpAddr,
    /// Port (0 = any free port).
    #[arg(long, default_value_t = 8350)]
    port: u16,
    /// Encoding of CSV ledgers.
    #[arg(long, value_enum, default_value_t = Encoding::Utf8)]
    encoding: Encoding,
    /// The sheet of .xlsx ledgers (needed when a workbook has data on several sheets).
    #[arg(long)]
    sheet: Option<String>,
}

pub fn serve_cmd(a: ServeArgs) -> Result<()> {
    let scenario = match a.scenario {
        Some(p) => p,
        None => default_file(DEFAULT_SCENARIO, "--scenario")?,
    };
    let against = match a.against {
        Some(p) => p,
        None => default_file(DEFAULT_AGAINST, "--against")?,
    };
    eprintln!(
        "loading {} against {} …",
        scenario.display(),
        against.display()
    );
    let read = fencheng::ledger::ReadOptions {
        encoding: a.encoding.into(),
        sheet: a.sheet.clone(),
    };
    let state = Arc::new(State::new(WhatIf::open(&scenario, &against, read)?)?);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| Error::Usage(format!("cannot start the server: {e}")))?;
    let listen = Listen {
        host: a.host,
        port: a.port,
    };
    runtime.block_on(serve(state, listen, |addr| {
        if !addr.ip().is_loopback() {
            eprintln!("{NO_LOGIN_WARNING}");
        }
        let host = match addr.ip() {
            IpAddr::V6(ip) => format!("[{ip}]"),
            IpAddr::V4(ip) => ip.to_string(),
        };
        println!("listening on http://{host}:{}/", addr.port());
        let _ = std::io::stdout().flush();
    }))?;
    eprintln!("stopped");
    Ok(())
}
