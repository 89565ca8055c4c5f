//! Records the commit the engine is built from (FENCHENG_COMMIT), for manifest.json: a
//! bureau files the manifest with its settlement and must be able to say which engine made
//! it. Outside a git checkout (a crate tarball) the commit is `unknown`.

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
}
