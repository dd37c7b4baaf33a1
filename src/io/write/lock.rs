//! A lock file that keeps two unattended runs (cron) from writing one folder at once.

use crate::error::{Error, Result};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// An exclusive lock on an output folder: a file created with create-new, holding the process
/// id, removed on drop.
pub struct Lock {
    path: PathBuf,
}

impl Lock {
    /// Take the lock file `path`, waiting up to `wait` for `what` (another run) to finish.
    pub fn take(path: &Path, what: &str, wait: Duration) -> Result<Lock> {
        let path = path.to_path_buf();
        let start = Instant::now();
        loop {
            match std::fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(&path)
            {
                Ok(mut f) => {
                    let _ = writeln!(f, "{}", std::process::id());
                    return Ok(Lock { path });
                }
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                    // A lock whose process is gone (a run killed by a cron timeout) is stale.
                    if holder_is_gone(&path) {
                        let _ = std::fs::remove_file(&path);
                        continue;
                    }
                    if start.elapsed() >= wait {
                        let holder = std::fs::read_to_string(&path).unwrap_or_default();
                        return Err(Error::output(
                            &path,
                            format!(
                                "another {what} run (process {}) is writing this folder; waited {} s. If no run is active, delete the lock file",
                                holder.trim(),
                                wait.as_secs()
                            ),
                        ));
                    }
                    std::thread::sleep(Duration::from_millis(200));
                }
                Err(e) => {
                    return Err(Error::output(
                        &path,
                        format!("cannot create the lock file: {e}"),
                    ));
                }
            }
        }
    }
}

/// True when the lock names a process id and this system shows no such process (Linux /proc).
fn holder_is_gone(lock: &Path) -> bool {
    let Ok(text) = std::fs::read_to_string(lock) else {
        return false;
    };
    let Ok(pid) = text.trim().parse::<u32>() else {
        return false;
    };
    let proc_root = Path::new("/proc");
    proc_root.join("self").exists() && !proc_root.join(pid.to_string()).exists()
}

impl Drop for Lock {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.path);
    }
}
