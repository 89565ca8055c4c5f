//! The `fencheng` command: parse arguments, call the library, print errors once with a
//! hint, map them to exit codes. Nothing else lives here.

use clap::Parser;
use std::process::ExitCode;

mod cli;

fn main() -> ExitCode {
    // Die quietly on a closed pipe (`fencheng … | head`), as Unix tools do, instead of
    // panicking in println!.
    #[cfg(unix)]
    // SAFETY: restoring the default disposition of SIGPIPE before any thread starts.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
    // Keep freed memory in the heap for reuse instead of returning it to the system after
    // every batch: the ledger pass frees and allocates large column buffers per batch, and
    // fresh pages cost a fault each (about a tenth of a receipt-level run's time).
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only sets allocator parameters; called before any thread starts.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, 64 << 20);
        libc::mallopt(libc::M_TRIM_THRESHOLD, 256 << 20);
    }
    let args = cli::Cli::parse();
    match cli::dispatch(args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            if let Some(h) = e.hint() {
                eprintln!("hint: {h}");
            }
            ExitCode::from(match e {
                fencheng::Error::Usage(_) => 2,
                fencheng::Error::Check(_) => 3,
                _ => 1,
            })
        }
    }
}
