//! Output folders written whole or not at all: tables go to a temporary sibling folder,
//! which replaces `--out` by rename only when everything is written.

use crate::error::{Error, Result};
use std::path::{Path, PathBuf};

/// A folder being written; dropped without [`Staging::commit`], it leaves nothing behind.
pub struct Staging {
    tmp: Option<tempfile::TempDir>,
    target: PathBuf,
    force: bool,
}

impl Staging {
    /// Starts writing towards `target`. An existing non-empty folder is refused unless `force`.
    pub fn new(target: &Path, force: bool) -> Result<Staging> {
        // the folder a run is started in (or one above it) cannot be renamed away
        if let (Ok(t), Ok(cwd)) = (target.canonicalize(), std::env::current_dir()) {
            if cwd.starts_with(&t) {
                return Err(Error::file(
                    target,
                    "is the current folder or holds it: write the output to a folder of its own",
                ));
            }
        }
        if target.exists() {
            let non_empty = std::fs::read_dir(target)
                .map_err(|e| Error::io(target, e))?
                .next()
                .is_some();
            if non_empty && !force {
                return Err(Error::file(
                    target,
                    "output folder exists and is not empty (use --force to replace it)",
                ));
            }
            if non_empty && !is_fencheng_output(target) {
                return Err(Error::Usage(format!(
                    "--force replaces only an empty folder or an earlier fencheng output (one \
                     holding fencheng's manifest.json); {} holds other files: nothing was \
                     touched, choose another --out",
                    target.display()
                )));
            }
        }
        let parent = match target.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        std::fs::create_dir_all(&parent).map_err(|e| Error::io(&parent, e))?;
        let name = target
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "out".into());
        remove_stale(&parent, &name);
        let tmp = tempfile::Builder::new()
            .prefix(&format!(".{name}.partial-{}-", std::process::id()))
            .tempdir_in(&parent)
            .map_err(|e| Error::io(&parent, e))?;
        Ok(Staging {
            tmp: Some(tmp),
            target: target.to_path_buf(),
            force,
        })
    }

    /// Where to write the files.
    pub fn dir(&self) -> &Path {
        self.tmp.as_ref().expect("staging not committed").path()
    }

    /// Moves the finished folder into place (replacing an old one with `force`). On
    /// failure the finished folder is removed and an old one left where it was.
    pub fn commit(mut self) -> Result<PathBuf> {
        let tmp = self.tmp.take().expect("staging not committed").keep();
        let placed = self.place(&tmp);
        if placed.is_err() {
            let _ = std::fs::remove_dir_all(&tmp);
        }
        placed
    }

    fn place(&self, tmp: &Path) -> Result<PathBuf> {
        if self.target.exists() {
            if !self.force
                && std::fs::read_dir(&self.target)
                    .map_err(|e| Error::io(&self.target, e))?
                    .next()
                    .is_some()
            {
                return Err(Error::file(
                    &self.target,
                    "output folder appeared while writing",
                ));
            }
            // unique beside the staging folder, and swept like it if the run is killed
            let old = PathBuf::from(format!("{}-old", tmp.display()));
            std::fs::rename(&self.target, &old).map_err(|e| Error::io(&self.target, e))?;
            if let Err(e) = std::fs::rename(tmp, &self.target) {
                let _ = std::fs::rename(&old, &self.target);
                return Err(Error::io(&self.target, e));
            }
            std::fs::remove_dir_all(&old).map_err(|e| Error::io(&old, e))?;
        } else {
            std::fs::rename(tmp, &self.target).map_err(|e| Error::io(&self.target, e))?;
        }
        Ok(self.target.clone())
    }
}

/// Whether `dir` is a folder fencheng wrote: it holds a `manifest.json` whose engine is
/// fencheng. Only such a folder (or an empty one) may be replaced with `--force`.
pub fn is_fencheng_output(dir: &Path) -> bool {
    std::fs::read(dir.join("manifest.json"))
        .ok()
        .and_then(|b| serde_json::from_slice::<serde_json::Value>(&b).ok())
        .is_some_and(|m| m["engine"]["name"] == "fencheng")
}

/// Removes partial folders left by runs that were killed (their process is gone).
fn remove_stale(parent: &Path, name: &str) {
    let prefix = format!(".{name}.partial-");
    let Ok(entries) = std::fs::read_dir(parent) else {
        return;
    };
    for e in entries.flatten() {
        let file = e.file_name().to_string_lossy().into_owned();
        let Some(rest) = file.strip_prefix(&prefix) else {
            continue;
        };
        let pid = rest.split('-').next().unwrap_or("");
        let alive = !pid.is_empty() && Path::new("/proc").join(pid).exists();
        if !alive && pid.bytes().all(|b| b.is_ascii_digit()) {
            let _ = std::fs::remove_dir_all(e.path());
        }
    }
}
