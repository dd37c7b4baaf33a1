//! A lock that keeps two unattended runs (cron) from writing one folder at once.
//!
//! The lock is an OS advisory lock (`flock` on Unix, `LockFileEx` on Windows) taken on a lock
//! file and held for the whole run. The file is only the handle: it is opened without truncation,
//! never deleted, and the OS releases the lock when the process ends however it ends (a kill
//! included), so a killed run never blocks the next one and a live holder's lock cannot be
//! taken over. The holder writes its process id into the file for the message of a run that has
//! to wait.

use crate::error::{Error, Result};
use std::fs::{File, TryLockError};
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::Path;
use std::time::{Duration, Instant};

/// How often a waiting run tries the lock again.
const POLL: Duration = Duration::from_millis(100);

/// An exclusive lock on an output folder, released when dropped (or when the process ends).
pub struct Lock {
    _file: File,
}

impl Lock {
    /// Lock the file `path` (created if missing), waiting up to `wait` for `what` (another run)
    /// to finish.
    pub fn take(path: &Path, what: &str, wait: Duration) -> Result<Lock> {
        let open = || {
            // A symbolic link is never followed: locking (and writing the pid into) whatever it
            // points to would damage that file, and two runs could lock two different files.
            if std::fs::symlink_metadata(path).is_ok_and(|m| !m.file_type().is_file()) {
                return Err(Error::output(
                    path,
                    "is not a plain lock file (a symbolic link or a folder); remove it and run again",
                ));
            }
            let rw = std::fs::OpenOptions::new()
                .read(true)
                .write(true)
                .create(true)
                .truncate(false)
                .open(path);
            match rw {
                Ok(f) => Ok(f),
                // A lock file left by another user: a read-only handle locks as well (the pid
                // is then not written).
                Err(e) if e.kind() == std::io::ErrorKind::PermissionDenied && path.is_file() => {
                    File::open(path)
                        .map_err(|e| Error::output(path, format!("cannot open the lock file: {e}")))
                }
                Err(e) => Err(Error::output(
                    path,
                    format!("cannot open the lock file: {e}"),
                )),
            }
        };
        let mut file = open()?;
        let start = Instant::now();
        let mut reopened = 0;
        loop {
            match file.try_lock() {
                Ok(()) if !still_at(&file, path) => {
                    // The file was deleted or replaced (by hand) between opening and locking:
                    // a lock on it keeps no one out. Lock what the path names now.
                    reopened += 1;
                    if reopened > 100 {
                        return Err(Error::output(
                            path,
                            "cannot lock the lock file: it keeps being deleted or replaced",
                        ));
                    }
                    file = open()?;
                }
                Ok(()) => {
                    // For the message of a run that waits; the lock does not depend on it.
                    let _ = file
                        .set_len(0)
                        .and_then(|_| file.seek(SeekFrom::Start(0)))
                        .and_then(|_| writeln!(file, "{}", std::process::id()))
                        .and_then(|_| file.flush());
                    return Ok(Lock { _file: file });
                }
                Err(TryLockError::WouldBlock) => {
                    if start.elapsed() >= wait {
                        let holder = holder(&mut file)
                            .map(|pid| format!(" (process {pid})"))
                            .unwrap_or_default();
                        return Err(Error::output(
                            path,
                            format!(
                                "another {what} run{holder} is writing this folder; waited {} s: run again when it has finished (--lock-wait SECONDS waits longer where the command has it)",
                                wait.as_secs()
                            ),
                        ));
                    }
                    std::thread::sleep(POLL.min(wait.saturating_sub(start.elapsed())));
                }
                Err(TryLockError::Error(e)) => {
                    return Err(Error::output(
                        path,
                        format!("cannot lock the lock file: {e}"),
                    ));
                }
            }
        }
    }
}

/// True when `path` still names the locked `file` (same device and inode on Unix).
#[cfg(unix)]
fn still_at(file: &File, path: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    match (file.metadata(), std::fs::metadata(path)) {
        (Ok(a), Ok(b)) => a.dev() == b.dev() && a.ino() == b.ino(),
        _ => false,
    }
}

/// On Windows an open file cannot be deleted or replaced by default.
#[cfg(not(unix))]
fn still_at(_file: &File, path: &Path) -> bool {
    path.exists()
}

/// The process id the holder wrote into the lock file, when it is there and readable.
fn holder(file: &mut File) -> Option<u32> {
    let mut text = String::new();
    file.seek(SeekFrom::Start(0)).ok()?;
    file.take(32).read_to_string(&mut text).ok()?;
    text.trim().parse().ok()
}
