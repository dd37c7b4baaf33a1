//! Small whole files of a package (campaign, revision): CSV with inert text and pretty JSON,
//! each synced to disk. The package folder they go into is renamed into place afterwards.

use super::inert_csv;
use crate::error::{Error, Result};
use std::io::Write;
use std::path::Path;

/// Write a CSV with text kept inert (no formulas), fsynced.
pub fn write_csv<const N: usize>(
    dir: &Path,
    name: &str,
    header: &[&str],
    rows: &[[String; N]],
) -> Result<()> {
    let path = dir.join(name);
    let err = |e: csv::Error| Error::output(&path, format!("cannot write: {e}"));
    let mut w = csv::Writer::from_path(&path).map_err(err)?;
    w.write_record(header).map_err(err)?;
    for r in rows {
        w.write_record(r.iter().map(|c| inert_csv(c).into_owned()))
            .map_err(err)?;
    }
    let file = w
        .into_inner()
        .map_err(|e| Error::output(&path, format!("cannot write: {e}")))?;
    file.sync_all()
        .map_err(|e| Error::output(&path, format!("cannot write: {e}")))
}

/// Write a CSV for a machine (a platform's importer): values verbatim, the platform's
/// delimiter, fsynced.
pub fn write_machine_csv(dir: &Path, f: &crate::platform::MachineCsv) -> Result<()> {
    let path = dir.join(&f.name);
    let err = |e: csv::Error| Error::output(&path, format!("cannot write: {e}"));
    let mut w = csv::WriterBuilder::new()
        .delimiter(f.delimiter)
        .from_path(&path)
        .map_err(err)?;
    w.write_record(&f.header).map_err(err)?;
    for r in &f.rows {
        w.write_record(r).map_err(err)?;
    }
    let file = w
        .into_inner()
        .map_err(|e| Error::output(&path, format!("cannot write: {e}")))?;
    file.sync_all()
        .map_err(|e| Error::output(&path, format!("cannot write: {e}")))
}

/// Write pretty JSON, fsynced.
pub fn write_json(dir: &Path, name: &str, value: &impl serde::Serialize) -> Result<()> {
    let path = dir.join(name);
    let f = std::fs::File::create(&path)
        .map_err(|e| Error::output(&path, format!("cannot write: {e}")))?;
    // Streamed through a buffer: a 100k-line campaign.json is never held whole in memory.
    let mut w = std::io::BufWriter::with_capacity(1 << 16, f);
    serde_json::to_writer_pretty(&mut w, value).map_err(|e| match e.io_error_kind() {
        Some(_) => Error::output(&path, format!("cannot write: {e}")),
        None => Error::Internal(e.to_string()),
    })?;
    w.write_all(b"\n")
        .and_then(|_| w.flush())
        .map_err(|e| Error::output(&path, format!("cannot write: {e}")))?;
    let f = w
        .into_inner()
        .map_err(|e| Error::output(&path, format!("cannot write: {e}")))?;
    f.sync_all()
        .map_err(|e| Error::output(&path, format!("cannot write: {e}")))
}
