//! Load client of `bench/serve.sh`: sends N random what-if overlays (every control of the
//! page: overrides of any item, indexation, base years, regime, growth, last year) to a
//! running `fencheng serve` from C concurrent clients, one plain HTTP/1.1 request per
//! connection (std::net only), and prints the latency percentiles and requests per second.
//!
//! `cargo run --release --example serve_load -- PORT [REQUESTS] [CLIENTS] [SEED] [PATH]`
//! (PATH default `/api/v1/evaluate`, e.g. `/api/v1/evaluate?tables=settlement,province`)

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde_json::{json, Value};
use std::io::{Read, Write};
use std::net::TcpStream;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// One request; returns the status code and the body.
fn request(port: u16, method: &str, path: &str, body: &str) -> std::io::Result<(u16, Vec<u8>)> {
    let mut s = TcpStream::connect(("127.0.0.1", port))?;
    s.set_read_timeout(Some(Duration::from_secs(60)))?;
    s.set_nodelay(true)?;
    write!(
        s,
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )?;
    let mut raw = Vec::new();
    s.read_to_end(&mut raw)?;
    let code = std::str::from_utf8(raw.get(9..12).unwrap_or(b"000"))
        .ok()
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    let start = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .map_or(raw.len(), |p| p + 4);
    Ok((code, raw[start..].to_vec()))
}

fn share(rng: &mut ChaCha8Rng) -> String {
    format!("{:.2}", rng.random_range(0..=100) as f64 / 100.0)
}

/// A random overlay of the page's controls.
fn overlay(rng: &mut ChaCha8Rng, items: &[String], grown: &[String], counties: &[String]) -> Value {
    let mut o = json!({});
    let n = rng.random_range(0..=2);
    let overrides: Vec<Value> = (0..n)
        .map(|_| {
            let mut x = json!({
                "item": items[rng.random_range(0..items.len())],
                "from": format!("{}-{:02}", rng.random_range(2019..=2030), rng.random_range(1..=12)),
                "province": share(rng),
            });
            if rng.random_bool(0.5) {
                x["prefecture"] = json!(share(rng));
            }
            x
        })
        .collect();
    if !overrides.is_empty() {
        o["override"] = json!(overrides);
    }
    let indexation = match rng.random_range(0..5) {
        0 => json!({"fixed": true}),
        1 => json!({"rate": format!("0.{:02}", rng.random_range(0..=10))}),
        2 => json!({"revenue_coefficient": format!("0.{}", rng.random_range(0..=9))}),
        3 => json!({"phase_out_years": rng.random_range(1..=10)}),
        _ => json!({"increment_share": format!("0.{}", rng.random_range(0..=9))}),
    };
    o["baseline"] = json!({"indexation": indexation});
    if rng.random_bool(0.3) {
        let first = rng.random_range(2019..=2021);
        o["baseline"]["base_years"] = json!((first..=2021).collect::<Vec<_>>());
    }
    match rng.random_range(0..4) {
        0 => o["regime"] = json!({"cancel_from": "2022-01"}),
        1 => {
            let c = &counties[rng.random_range(0..counties.len())];
            let date = format!(
                "{}-{:02}",
                rng.random_range(2020..=2026),
                rng.random_range(1..=12)
            );
            o["regime"] = json!({"county": {c.as_str(): date}});
        }
        _ => {}
    }
    if rng.random_bool(0.4) {
        let through = rng.random_range(2026..=2030);
        let item = &grown[rng.random_range(0..grown.len())];
        o["projection"] = json!({"through": through, "growth": {
            "default": format!("0.{:02}", rng.random_range(0..=10)),
            item.as_str(): format!("0.{:02}", rng.random_range(0..=10)),
        }});
        o["scenario"] = json!({"years": (2019..=through).collect::<Vec<_>>()});
    }
    o
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    let i = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[i.clamp(1, sorted.len()) - 1]
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let arg = |i: usize, d: u64| args.get(i).and_then(|a| a.parse().ok()).unwrap_or(d);
    let port = arg(0, 8350) as u16;
    let (total, clients, seed) = (arg(1, 1000) as usize, arg(2, 8) as usize, arg(3, 1));
    let path: Arc<str> = args
        .get(4)
        .map_or("/api/v1/evaluate", String::as_str)
        .into();
    let (_, meta) = request(port, "GET", "/api/v1/meta", "").expect("the server answers");
    let meta: Value = serde_json::from_slice(&meta).expect("meta is JSON");
    let codes = |list: &Value, kind: Option<&str>| -> Vec<String> {
        list.as_array()
            .into_iter()
            .flatten()
            .filter(|x| kind.is_none_or(|k| x["kind"] == k))
            .filter_map(|x| x["code"].as_str().map(String::from))
            .collect()
    };
    // items in force to the end (an override of a repealed item is refused)
    let items: Vec<String> = meta["items"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|i| {
            i["rules"]
                .as_array()
                .and_then(|r| r.last())
                .is_some_and(|r| r["until"].is_null())
        })
        .filter_map(|i| i["code"].as_str().map(String::from))
        .collect();
    let counties = codes(&meta["regions"], Some("county"));
    // growth keys: the served scenario's own (they match items of the last ledger year)
    let grown: Vec<String> = meta["scenario"]["overlay"]["projection"]["growth"]
        .as_object()
        .into_iter()
        .flatten()
        .map(|(k, _)| k.clone())
        .filter(|k| k != "default")
        .collect();
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let bodies: Vec<String> = (0..total)
        .map(|_| overlay(&mut rng, &items, &grown, &counties).to_string())
        .collect();
    let queue = Arc::new(Mutex::new(
        bodies.into_iter().enumerate().collect::<Vec<_>>(),
    ));
    let results = Arc::new(Mutex::new(Vec::new()));
    let start = Instant::now();
    let workers: Vec<_> = (0..clients)
        .map(|_| {
            let (queue, results, path) = (queue.clone(), results.clone(), path.clone());
            std::thread::spawn(move || {
                while let Some((i, body)) = queue.lock().map(|mut q| q.pop()).ok().flatten() {
                    let t = Instant::now();
                    let (code, answer) =
                        request(port, "POST", &path, &body).unwrap_or((0, Vec::new()));
                    let ms = t.elapsed().as_secs_f64() * 1000.0;
                    if let Ok(mut r) = results.lock() {
                        r.push((i, code, ms, answer.len()));
                    }
                    if code != 200 {
                        eprintln!(
                            "request {i}: HTTP {code}: {}",
                            String::from_utf8_lossy(&answer)
                        );
                    }
                }
            })
        })
        .collect();
    for w in workers {
        let _ = w.join();
    }
    let seconds = start.elapsed().as_secs_f64();
    let results = results.lock().map(|r| r.clone()).unwrap_or_default();
    let ok = results.iter().filter(|r| r.1 == 200).count();
    let mut ms: Vec<f64> = results.iter().map(|r| r.2).collect();
    ms.sort_by(f64::total_cmp);
    let bytes: usize = results.iter().map(|r| r.3).sum();
    println!(
        "requests {} to {path} ({} answered 200), clients {clients}, seed {seed}",
        results.len(),
        ok
    );
    println!(
        "latency ms: p50 {:.1}  p95 {:.1}  p99 {:.1}  max {:.1}",
        percentile(&ms, 50.0),
        percentile(&ms, 95.0),
        percentile(&ms, 99.0),
        ms.last().copied().unwrap_or_default()
    );
    println!(
        "throughput: {:.1} requests/s over {seconds:.1} s; mean answer {:.0} KiB",
        results.len() as f64 / seconds,
        bytes as f64 / results.len().max(1) as f64 / 1024.0
    );
    if ok != results.len() {
        std::process::exit(1);
    }
}
