//! The progress bar of a ledger pass, drawn from the library's progress callback: on
//! stderr when it is a terminal and the ledger is at least 64 MiB, else nothing.

use fencheng::ledger::Progress;
use indicatif::{ProgressBar, ProgressStyle};
use std::io::IsTerminal;
use std::sync::OnceLock;

/// A callback for `LedgerScan::open_with_progress` that draws a bar of bytes read.
pub fn bar() -> impl Fn(Progress<'_>) + Sync {
    let bar: OnceLock<Option<ProgressBar>> = OnceLock::new();
    move |p: Progress<'_>| {
        let bar = bar.get_or_init(|| {
            if !std::io::stderr().is_terminal() || p.total_bytes < 64 << 20 {
                return None;
            }
            let bar = ProgressBar::new(p.total_bytes);
            bar.set_style(
                ProgressStyle::with_template(
                    "{prefix} [{bar:30}] {binary_bytes}/{binary_total_bytes} {msg} ({elapsed})",
                )
                .unwrap_or_else(|_| ProgressStyle::default_bar())
                .progress_chars("=> "),
            );
            bar.set_prefix(p.what.to_string());
            Some(bar)
        });
        if let Some(bar) = bar {
            bar.set_position(p.bytes);
            bar.set_message(format!("{} rows", p.rows));
            if p.bytes >= p.total_bytes {
                bar.finish_and_clear();
            }
        }
    }
}
