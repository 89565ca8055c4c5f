//! Records the commit the engine is built from (FENCHENG_COMMIT), for manifest.json: a
//! bureau files the manifest with its settlement and must be able to say which engine made
//! it. Outside a git checkout (a crate tarball) the commit is `unknown`.
//! Also lists the files of the `serve` page (`src/serve/assets/**`) for the binary to
//! embed (`OUT_DIR/assets.rs`): the page works offline, with no file beside the binary.

use std::path::{Path, PathBuf};
use std::process::Command;

fn git(args: &[&str]) -> Option<String> {
    let out = Command::new("git").args(args).output().ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).trim().to_string())
}

fn main() {
    let commit = git(&["rev-parse", "HEAD"]).unwrap_or_else(|| "unknown".into());
    let dirty =
        git(&["status", "--porcelain", "--untracked-files=no"]).is_some_and(|s| !s.is_empty());
    let suffix = if dirty { "-dirty" } else { "" };
    println!("cargo:rustc-env=FENCHENG_COMMIT={commit}{suffix}");
    // rerun when the commit or the index changes (in a worktree `.git` is a file: ask git
    // where its folders are); without these lines cargo would rerun this script, and so
    // rebuild the library, on any change of any file of the package
    println!("cargo:rerun-if-changed=build.rs");
    let dir = git(&["rev-parse", "--git-dir"]);
    let common = git(&["rev-parse", "--git-common-dir"]);
    let watched = [
        dir.as_ref().map(|d| format!("{d}/HEAD")),
        dir.as_ref().map(|d| format!("{d}/index")),
        common.as_ref().map(|d| format!("{d}/refs/heads")),
        common.as_ref().map(|d| format!("{d}/packed-refs")),
    ];
    for f in watched.into_iter().flatten() {
        if std::path::Path::new(&f).exists() {
            println!("cargo:rerun-if-changed={f}");
        }
    }
    assets();
}

/// Every file under `src/serve/assets`, sorted, as `(path relative to it, bytes)`.
fn assets() {
    let root = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").unwrap_or_default())
        .join("src/serve/assets");
    let mut files = Vec::new();
    walk(&root, &mut files);
    // sorted by the path as the page asks for it (`tiles.json` before `tiles/x`)
    let mut files: Vec<(String, PathBuf)> = files
        .into_iter()
        .map(|f| {
            let rel = f
                .strip_prefix(&root)
                .unwrap_or(&f)
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect::<Vec<_>>()
                .join("/");
            (rel, f)
        })
        .collect();
    files.sort();
    let mut out = String::from("&[\n");
    for (rel, f) in &files {
        out.push_str(&format!(
            "    ({rel:?}, include_bytes!({:?}) as &[u8]),\n",
            f.display().to_string()
        ));
    }
    out.push(']');
    let dest = PathBuf::from(std::env::var("OUT_DIR").unwrap_or_default()).join("assets.rs");
    std::fs::write(dest, out).expect("OUT_DIR is writable");
    println!("cargo:rerun-if-changed=src/serve/assets");
}

fn walk(dir: &Path, files: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            walk(&p, files);
        } else {
            files.push(p);
        }
    }
}
