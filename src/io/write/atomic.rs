//! Atomic output: every file is first written to a temporary file in its target folder; only
//! when all of them are complete are they renamed into place. A failed run leaves the previous
//! files as they were and no half-written file behind.

use crate::error::{Error, Result};
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use tempfile::NamedTempFile;

/// A set of output files committed together.
pub struct Staged {
    files: Vec<(NamedTempFile, PathBuf)>,
}

impl Staged {
    pub fn new() -> Staged {
        Staged { files: Vec::new() }
    }

    /// Write `target` through `fill` into a temporary file beside it.
    pub fn write(
        &mut self,
        target: &Path,
        fill: impl FnOnce(&mut dyn Write) -> Result<()>,
    ) -> Result<()> {
        let tmp = temp_beside(target)?;
        {
            let mut w = BufWriter::with_capacity(1 << 20, tmp.as_file());
            fill(&mut w)?;
            w.flush()
                .map_err(|e| Error::output(target, format!("cannot write: {e}")))?;
        }
        self.files.push((tmp, target.to_path_buf()));
        Ok(())
    }

    /// Take a file written by another library (the XLSX writer saves to a path).
    pub fn write_with_path(
        &mut self,
        target: &Path,
        fill: impl FnOnce(&Path) -> Result<()>,
    ) -> Result<()> {
        let tmp = temp_beside(target)?;
        fill(tmp.path())?;
        self.files.push((tmp, target.to_path_buf()));
        Ok(())
    }

    /// Add the files staged elsewhere (another thread).
    pub fn merge(&mut self, other: Staged) {
        self.files.extend(other.files);
    }

    /// Rename every staged file into place.
    /// Rename every staged file into place, all or nothing: the files it replaces are set
    /// aside first and put back if any rename fails, so a failed run leaves the previous
    /// outputs as they were and no half-written file.
    pub fn commit(self) -> Result<Vec<PathBuf>> {
        // Everything on disk before the first rename.
        for (tmp, target) in &self.files {
            tmp.as_file()
                .sync_all()
                .map_err(|e| Error::output(target, format!("cannot write: {e}")))?;
            set_readable(tmp.as_file());
        }
        let mut aside: Vec<(PathBuf, PathBuf)> = Vec::new(); // (target, its previous version)
        let mut placed: Vec<PathBuf> = Vec::new();
        let result = (|| -> Result<()> {
            for (tmp, target) in self.files {
                if target.exists() {
                    let backup = backup_name(&target);
                    std::fs::rename(&target, &backup)
                        .map_err(|e| Error::output(&target, format!("cannot replace: {e}")))?;
                    aside.push((target.clone(), backup));
                }
                fail_point(&target)?;
                tmp.persist(&target)
                    .map_err(|e| Error::output(&target, format!("cannot write: {}", e.error)))?;
                placed.push(target);
            }
            Ok(())
        })();
        match result {
            Ok(()) => {
                for (_, backup) in &aside {
                    let _ = std::fs::remove_file(backup);
                }
                Ok(placed)
            }
            Err(e) => {
                for target in &placed {
                    let _ = std::fs::remove_file(target);
                }
                for (target, backup) in &aside {
                    let _ = std::fs::rename(backup, target);
                }
                Err(e)
            }
        }
    }
}

fn backup_name(target: &Path) -> PathBuf {
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    target.with_file_name(format!(".{name}.clearance-previous-{}", std::process::id()))
}

/// Test hook: `CLEARANCE_FAIL_AFTER=<file name>` makes writing fail at that file, so tests can
/// show that a failed run leaves the previous outputs as they were. Unset, it does nothing.
pub fn fail_point(path: &Path) -> Result<()> {
    match std::env::var_os("CLEARANCE_FAIL_AFTER") {
        Some(name) if path.file_name() == Some(name.as_os_str()) => Err(Error::output(
            path,
            "failure injected by CLEARANCE_FAIL_AFTER",
        )),
        _ => Ok(()),
    }
}

impl Default for Staged {
    fn default() -> Self {
        Self::new()
    }
}

/// A temporary file in the target's folder, so the final rename stays on one file system.
fn temp_beside(target: &Path) -> Result<NamedTempFile> {
    let dir = target
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    tempfile::Builder::new()
        .prefix(".clearance-")
        .suffix(".tmp")
        .tempfile_in(dir)
        .map_err(|e| {
            Error::output(
                target,
                format!("cannot create a file in {}: {e}", dir.display()),
            )
        })
}

/// Temporary files are created private (0600); outputs get the usual 0644.
#[cfg(unix)]
fn set_readable(file: &std::fs::File) {
    use std::os::unix::fs::PermissionsExt;
    let _ = file.set_permissions(std::fs::Permissions::from_mode(0o644));
}

#[cfg(not(unix))]
fn set_readable(_file: &std::fs::File) {}

/// Create the output folder when missing.
pub fn ensure_dir(dir: &Path) -> Result<()> {
    std::fs::create_dir_all(dir)
        .map_err(|e| Error::output(dir, format!("cannot create the output folder: {e}")))
}

/// Refuse to overwrite existing outputs unless `force` (exit 73).
pub fn check_overwrite(targets: &[PathBuf], force: bool) -> Result<()> {
    if force {
        return Ok(());
    }
    let existing: Vec<String> = targets
        .iter()
        .filter(|p| p.exists())
        .map(|p| p.display().to_string())
        .collect();
    if let Some(first) = targets.iter().find(|p| p.exists()) {
        return Err(Error::output(
            first,
            format!(
                "output file(s) already exist: {}; use --force to overwrite, or choose another --out folder",
                existing.join(", ")
            ),
        ));
    }
    Ok(())
}

pub fn io_err(target: &Path) -> impl Fn(std::io::Error) -> Error + '_ {
    move |e| Error::output(target, format!("cannot write: {e}"))
}
