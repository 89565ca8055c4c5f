//! The page of `fencheng serve` in a real browser: headless Chromium (Debian's `chromium`,
//! driven over the DevTools protocol) opens the page, changes a control (a provincial
//! share of VAT from 2022-01), and the county figure the page then shows must equal, to
//! the fen, the settlement `fencheng run --granularity monthly` writes for the scenario the
//! page's "Save scenario" link gives.
//!
//! Without Chromium the test fails and says how to install it (`.ci/run` installs it).

use headless_chrome::{Browser, LaunchOptions, Tab};
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

/// The county and year read on the page: 中牟县, which switched in 2022, in 2023.
const COUNTY: &str = "410122";
const YEAR: i32 = 2023;
/// A debug build loads the shipped ledgers before it listens; evaluations take seconds.
const SLOW: Duration = Duration::from_secs(240);

/// The server process; killed and reaped when the test ends, however it ends.
struct Server {
    child: Child,
    url: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts `fencheng serve --port 0` in the project and waits for `listening on URL`.
fn start_server() -> Server {
    let mut child = Command::new(env!("CARGO_BIN_EXE_fencheng"))
        .args(["serve", "--port", "0"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("start fencheng serve");
    let stdout = child.stdout.take().expect("server stdout");
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(|l| l.ok()) {
            if let Some(url) = line.strip_prefix("listening on ") {
                let _ = tx.send(url.trim().to_string());
            }
        }
    });
    let mut server = Server {
        child,
        url: String::new(),
    };
    match rx.recv_timeout(SLOW) {
        Ok(url) => server.url = url,
        Err(_) => {
            let status = server.child.try_wait().ok().flatten();
            panic!("fencheng serve printed no `listening on` line (exit status {status:?})");
        }
    }
    server
}

/// Debian's Chromium, or a failure saying how to install it.
fn chromium() -> PathBuf {
    let found = std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .flat_map(|d| ["chromium", "chromium-browser"].map(|n| d.join(n)))
            .find(|p| p.is_file())
    });
    found.unwrap_or_else(|| {
        panic!(
            "headless Chromium is needed for this test and was not found on PATH: install it \
             with `apt-get install -y chromium` (Debian's package; .ci/run installs it)"
        )
    })
}

fn browser() -> Browser {
    let options = LaunchOptions::default_builder()
        .path(Some(chromium()))
        .headless(true)
        .sandbox(false)
        .window_size(Some((1280, 800)))
        .idle_browser_timeout(SLOW)
        .build()
        .expect("chromium launch options");
    Browser::new(options).expect("launch headless chromium")
}

/// The text of a JavaScript expression evaluated in the page (awaiting a promise).
fn js(tab: &Tab, expr: &str) -> String {
    let v = tab
        .evaluate(expr, true)
        .unwrap_or_else(|e| panic!("evaluate `{expr}`: {e}"));
    match v.value {
        Some(serde_json::Value::String(s)) => s,
        other => panic!("`{expr}` gave {other:?}, not a string"),
    }
}

/// The county's `available` (可用财力) cell as the page shows it, in yuan without
/// thousands separators.
fn shown_available(tab: &Tab) -> String {
    let sel = format!("#table-counties tr[data-code=\"{COUNTY}\"] td[data-col=\"available\"]");
    let cell = tab
        .wait_for_element_with_custom_timeout(&sel, SLOW)
        .unwrap_or_else(|e| panic!("no cell {sel}: {e}"));
    cell.get_inner_text().expect("cell text").replace(',', "")
}

/// `available` of the county and year in a `settlement.csv`.
fn csv_available(csv: &Path) -> String {
    let text = std::fs::read_to_string(csv).expect("settlement.csv");
    let mut lines = text.lines();
    let head: Vec<&str> = lines.next().expect("header").split(',').collect();
    let col = |name: &str| head.iter().position(|h| *h == name).expect(name);
    let (code, year, available) = (col("region_code"), col("fiscal_year"), col("available"));
    lines
        .map(|l| l.split(',').collect::<Vec<_>>())
        .find(|f| f[code] == COUNTY && f[year] == YEAR.to_string())
        .map(|f| f[available].to_string())
        .unwrap_or_else(|| panic!("no row {COUNTY} {YEAR} in {}", csv.display()))
}

#[test]
fn a_changed_control_shows_the_figure_the_cli_computes_for_the_saved_scenario() {
    let server = start_server();
    let browser = browser();
    let tab = browser.new_tab().expect("tab");
    tab.set_default_timeout(SLOW);
    // the view (year, unit 元) from the URL, as a shared link gives it
    tab.navigate_to(&format!("{}#year={YEAR}&unit=yuan", server.url))
        .and_then(|t| t.wait_until_navigated())
        .expect("open the page");
    tab.wait_for_element_with_custom_timeout("body[data-evaluated], #status.error", SLOW)
        .expect("the page's first evaluation");
    let status = js(&tab, "document.getElementById('status').textContent");
    assert!(
        js(
            &tab,
            "String(document.body.dataset.evaluated !== undefined)"
        ) == "true",
        "the page did not evaluate the served scenario: {status}"
    );
    let before = shown_available(&tab);

    // change a control as a user does: add an override, pick VAT, type the province share
    tab.wait_for_element("#add-override")
        .and_then(|b| b.click().map(|_| ()))
        .expect("click add override");
    js(
        &tab,
        "(() => { const s = document.querySelector('#overrides .o-item'); s.value = '10101'; \
         s.dispatchEvent(new Event('change', { bubbles: true })); return s.value; })()",
    );
    tab.wait_for_element("#overrides .o-province")
        .and_then(|i| i.click().map(|_| ()))
        .expect("focus the province share");
    tab.type_str("0.10").expect("type 0.10");
    tab.wait_for_element_with_custom_timeout(
        r#"body[data-evaluated*='"province":"0.10"']:not([data-busy])"#,
        SLOW,
    )
    .expect("the page evaluated the override");
    let after = shown_available(&tab);
    assert_ne!(
        before, after,
        "a provincial share of 10 % of VAT must change {COUNTY}'s available resources in {YEAR}"
    );

    // the scenario the page's "Save scenario" link downloads, run by the CLI
    let toml = js(
        &tab,
        "fetch(document.getElementById('save-scenario').href).then(r => r.text())",
    );
    assert!(
        toml.contains("0.10"),
        "the saved scenario carries the override:\n{toml}"
    );
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("what-if.toml");
    std::fs::write(&file, &toml).expect("write the saved scenario");
    let out = dir.path().join("out");
    let run = Command::new(env!("CARGO_BIN_EXE_fencheng"))
        .arg("run")
        .arg(&file)
        .arg("--out")
        .arg(&out)
        .args(["--granularity", "monthly", "--quiet"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("run fencheng run");
    assert!(
        run.status.success(),
        "fencheng run of the saved scenario failed: {}\n{toml}",
        String::from_utf8_lossy(&run.stderr)
    );
    assert_eq!(
        after,
        csv_available(&out.join("settlement.csv")),
        "the page's 可用财力 of {COUNTY} in {YEAR} against the CLI's for the saved scenario"
    );
    drop(browser);
    drop(server);
}
