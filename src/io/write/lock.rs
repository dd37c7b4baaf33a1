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
        let mut file = std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(path)
            .map_err(|e| Error::output(path, format!("cannot create the lock file: {e}")))?;
        let start = Instant::now();
        loop {
            match file.try_lock() {
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
                                "another {what} run{holder} is writing this folder; waited {} s",
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

/// The process id the holder wrote into the lock file, when it is there and readable.
fn holder(file: &mut File) -> Option<u32> {
    let mut text = String::new();
    file.seek(SeekFrom::Start(0)).ok()?;
    file.take(32).read_to_string(&mut text).ok()?;
    text.trim().parse().ok()
}
