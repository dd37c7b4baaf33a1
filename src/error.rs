//! Error types and the exit-status contract (SPEC section 7).

use std::path::{Path, PathBuf};

/// Exit statuses (SPEC section 7).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExitStatus {
    Success = 0,
    Usage = 2,
    DataInvalid = 65,
    InputMissing = 66,
    Internal = 70,
    CannotWrite = 73,
}

impl ExitStatus {
    pub fn code(self) -> i32 {
        self as i32
    }
}

/// Every failure the library reports. The message is what the user reads: it names the file
/// (and where it applies the sheet, row and column), says what was expected and how to fix it.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The input data cannot be used (missing column, ambiguous rows, unreadable sheet).
    #[error("{0}")]
    Data(String),
    /// An input file is missing or cannot be opened.
    #[error("{path}: {message}")]
    Input { path: PathBuf, message: String },
    /// An output cannot be written.
    #[error("{path}: {message}")]
    Output { path: PathBuf, message: String },
    /// The command line is inconsistent in a way clap cannot see.
    #[error("{0}")]
    Usage(String),
    /// A bug.
    #[error("internal error: {0}")]
    Internal(String),
}

impl Error {
    pub fn status(&self) -> ExitStatus {
        match self {
            Error::Data(_) => ExitStatus::DataInvalid,
            Error::Input { .. } => ExitStatus::InputMissing,
            Error::Output { .. } => ExitStatus::CannotWrite,
            Error::Usage(_) => ExitStatus::Usage,
            Error::Internal(_) => ExitStatus::Internal,
        }
    }

    pub fn input(path: &Path, message: impl Into<String>) -> Self {
        Error::Input {
            path: path.to_path_buf(),
            message: message.into(),
        }
    }

    pub fn output(path: &Path, message: impl Into<String>) -> Self {
        Error::Output {
            path: path.to_path_buf(),
            message: message.into(),
        }
    }

    /// An error while opening or reading an input file: "not found" and permission problems are
    /// 66, anything else (a file that is there but cannot be parsed) is 65.
    pub fn from_io_input(path: &Path, err: &std::io::Error) -> Self {
        use std::io::ErrorKind;
        match err.kind() {
            ErrorKind::NotFound => Error::input(path, "file not found; check the path"),
            ErrorKind::PermissionDenied => {
                Error::input(path, "permission denied; check the file's permissions")
            }
            _ if path.is_dir() => Error::input(path, "is a folder, expected a file"),
            _ => Error::input(path, format!("cannot read the file: {err}")),
        }
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
