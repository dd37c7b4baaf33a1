//! Atomic output: every file is first written to a temporary file in its target folder; only
//! when all of them are complete are they renamed into place. A failed run leaves the previous
//! files as they were and no half-written file behind.

use crate::error::{Error, Result};
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use tempfile::NamedTempFile;

/// Asks the system to start writing a complete staged file to disk, without waiting for the
/// writes to finish (it can wait while the pages are submitted): the commit's `sync_all` then
/// finds little left to write (a 1M-line plan's files are about 900 MB: its "rename into place"
/// went from 0.37-0.50 s to 0.13-0.17 s with this and the parallel removal of the replaced
/// files, docs/performance.md, "Writeback started early"). Unlike an early `fsync` (tried
/// in `ed8ba26` and taken out) it never forces a journal commit. Only a hint: the sync at the
/// commit is what makes the files durable, and a failure here changes nothing (a write error
/// stays recorded for that sync to report).
#[cfg(target_os = "linux")]
fn start_writeback(file: &std::fs::File) {
    use std::os::fd::AsRawFd;
    // SAFETY: `sync_file_range` reads no memory of ours; the descriptor is open for the call
    // (borrowed from `file`). Offset 0 and length 0 ask for the whole file.
    unsafe {
        libc::sync_file_range(file.as_raw_fd(), 0, 0, libc::SYNC_FILE_RANGE_WRITE);
    }
}

#[cfg(not(target_os = "linux"))]
fn start_writeback(_file: &std::fs::File) {}

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

    /// Take a file written by another library (the XLSX writer saves to a path). `fill` writes
    /// the file at the path it is given in place (it does not put another file there): the
    /// commit syncs the temporary file it made.
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

    /// Ask the system to start writing the staged files to disk (see `start_writeback`): `plan`
    /// calls it on each writer thread once its files are complete, so the commit's sync finds
    /// little left to write (the other commands' files are small). Submitting the pages can take a while (it may wait for
    /// the disk's queue), so it is asked for after a thread's last file, not between files.
    pub fn start_writeback(&self) {
        for (tmp, _) in &self.files {
            start_writeback(tmp.as_file());
        }
    }

    /// Add the files staged elsewhere (another thread).
    pub fn merge(&mut self, other: Staged) {
        self.files.extend(other.files);
    }

    /// Rename every staged file into place, all or nothing at any instant (see
    /// [`super::journal`]): each file it replaces keeps a second name until the commit is
    /// done, a journal records the commit before the first rename, and a failure puts every
    /// previous file back. The files are in one folder, whose write lock `_claim` is.
    pub fn commit(self, _claim: &super::lock::Lock) -> Result<Vec<PathBuf>> {
        use super::journal::{self, Entry, Journal, Name, State};
        let Some((_, first)) = self.files.first() else {
            return Ok(Vec::new());
        };
        let dir = journal::folder_of(first);
        let mut temps = Vec::new();
        let mut entries = Vec::new();
        let mut targets = Vec::new();
        for (tmp, target) in self.files {
            // Everything on disk before the first rename.
            tmp.as_file()
                .sync_all()
                .map_err(|e| Error::output(&target, format!("cannot write: {e}")))?;
            set_readable(tmp.as_file());
            if journal::folder_of(&target) != dir {
                return Err(Error::Internal(format!(
                    "{} is not in {}: files committed together share a folder",
                    target.display(),
                    dir.display()
                )));
            }
            entries.push(Entry {
                tmp: Name::of(tmp.path())?,
                target: Name::of(&target)?,
                backup: None,
            });
            temps.push((tmp.into_temp_path(), target.clone()));
            targets.push(target);
        }
        // From here the temporary files are removed by this function or by the next run's
        // recovery, never by a destructor halfway through.
        let temps: Vec<(PathBuf, PathBuf)> = temps
            .into_iter()
            .map(|(t, target)| (t.keep().unwrap_or_default(), target))
            .collect();
        let mut backups: Vec<PathBuf> = Vec::new();
        let mut journal = Journal {
            state: State::Commit,
            entries,
        };
        let prepared = (|| -> Result<()> {
            for (e, target) in journal.entries.iter_mut().zip(&targets) {
                let Ok(meta) = std::fs::symlink_metadata(target) else {
                    continue;
                };
                if meta.is_dir() {
                    return Err(Error::output(
                        target,
                        "is a folder where this file goes; move it and run again",
                    ));
                }
                let backup = journal::backup_name(target);
                second_name(target, &backup)?;
                e.backup = Some(Name::of(&backup)?);
                backups.push(backup);
            }
            journal::write(&dir, &journal)
        })();
        if let Err(e) = prepared {
            // Nothing was replaced: the temporary files and second names go.
            for p in temps.iter().map(|t| &t.0).chain(&backups) {
                let _ = std::fs::remove_file(p);
            }
            return Err(e);
        }
        let renamed = (|| -> Result<()> {
            for (tmp, target) in &temps {
                fail_point(target)?;
                std::fs::rename(tmp, target)
                    .map_err(|err| Error::output(target, format!("cannot write: {err}")))?;
            }
            Ok(())
        })();
        let Err(e) = renamed else {
            journal::carry_out(&dir, &journal)?;
            return Ok(targets);
        };
        // A rename failed: every previous file is put back, the undo recorded first so that a
        // stop during it is finished the same way.
        journal.state = State::Undo;
        let unfinished = |why: &Error| {
            Error::output(
                &dir,
                format!(
                    "{e}; a commit is unfinished in this folder ({why}): the next clearance run into it finishes it"
                ),
            )
        };
        if let Err(undo) = journal::write(&dir, &journal) {
            // The undo could not be recorded, so none of it happened: finish the commit instead
            // (renames need no space), as the journal on disk says, so the folder holds one
            // complete set.
            journal.state = State::Commit;
            if journal::carry_out(&dir, &journal).is_ok() {
                return Err(Error::output(
                    &dir,
                    format!(
                        "{e}; the previous files could not be put back ({undo}), so the new files were put in place whole"
                    ),
                ));
            }
            return Err(unfinished(&undo));
        }
        // An undo stopped partway has put some previous files back: finishing the commit now
        // would leave old and new files mixed. Its journal stays for the next run to finish.
        if let Err(undo) = journal::carry_out(&dir, &journal) {
            return Err(unfinished(&undo));
        }
        Err(e)
    }
}

/// A second name for `target` while it is replaced: a hard link (instant, no copy), or a copy
/// where the file system has no hard links.
fn second_name(target: &Path, backup: &Path) -> Result<()> {
    let _ = std::fs::remove_file(backup);
    if std::fs::hard_link(target, backup).is_ok() {
        return Ok(());
    }
    std::fs::copy(target, backup)
        .and_then(|_| std::fs::File::open(backup)?.sync_all())
        .map(|_| ())
        .map_err(|e| Error::output(target, format!("cannot keep the previous version: {e}")))
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
