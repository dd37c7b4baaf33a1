//! Writers: one per output format. They only read a finished plan; every file is written to a
//! temporary file in the target folder and renamed into place.

pub mod atomic;
pub mod csv_out;
pub mod files;
pub mod fit;
pub mod inert;
pub mod journal;
pub mod json;
pub mod lock;
pub mod report_text;
pub mod report_xlsx;
pub mod review_xlsx;
pub mod template;
pub mod terminal;
pub mod xlsx;

/// Text from inputs that a spreadsheet would take for a formula (`=`, `+`, `-`, `@`, tab, CR at
/// the start) gets a leading `'` in CSV, so it stays inert text (SPEC section 7).
pub fn inert_csv(s: &str) -> std::borrow::Cow<'_, str> {
    if s.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        std::borrow::Cow::Owned(format!("'{s}"))
    } else {
        std::borrow::Cow::Borrowed(s)
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn number_formats_with_their_decimals() {
        assert_eq!(super::with_decimals("#,##0", 0, ""), "#,##0");
        assert_eq!(super::with_decimals("#,##0", 1, ""), "#,##0.0");
        assert_eq!(super::with_decimals("0", 2, "%"), "0.00%");
        assert_eq!(super::with_decimals("0", 5, "%"), "0.00%");
    }

    #[test]
    fn formulas_become_text() {
        assert_eq!(super::inert_csv("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(super::inert_csv("+1+1"), "'+1+1");
        assert_eq!(super::inert_csv("-2+3"), "'-2+3");
        assert_eq!(super::inert_csv("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(super::inert_csv("\tx"), "'\tx");
        assert_eq!(super::inert_csv("\rx"), "'\rx");
        assert_eq!(super::inert_csv("Boot"), "Boot");
    }
}

/// Excel's limit on a cell's text, in UTF-16 units.
pub const EXCEL_MAX_CHARS: usize = 32_767;

/// Text cut to what an Excel cell holds (with a trailing `…`); JSON and CSV keep it whole.
pub fn excel_text(s: &str) -> std::borrow::Cow<'_, str> {
    if s.len() <= EXCEL_MAX_CHARS {
        return std::borrow::Cow::Borrowed(s);
    }
    let mut units = 0;
    let mut out = String::new();
    for c in s.chars() {
        units += c.len_utf16();
        if units > EXCEL_MAX_CHARS - 1 {
            break;
        }
        out.push(c);
    }
    if out.len() == s.len() {
        return std::borrow::Cow::Borrowed(s);
    }
    out.push('…');
    std::borrow::Cow::Owned(out)
}

/// Text cells for workbooks: always string cells (never formulas), cut to Excel's limit.
pub trait TextCells {
    fn text(
        &mut self,
        row: u32,
        col: u16,
        s: impl AsRef<str>,
    ) -> Result<&mut rust_xlsxwriter::Worksheet, rust_xlsxwriter::XlsxError>;
    fn text_with_format(
        &mut self,
        row: u32,
        col: u16,
        s: impl AsRef<str>,
        format: &rust_xlsxwriter::Format,
    ) -> Result<&mut rust_xlsxwriter::Worksheet, rust_xlsxwriter::XlsxError>;
}

impl TextCells for rust_xlsxwriter::Worksheet {
    fn text(
        &mut self,
        row: u32,
        col: u16,
        s: impl AsRef<str>,
    ) -> Result<&mut rust_xlsxwriter::Worksheet, rust_xlsxwriter::XlsxError> {
        self.write_string(row, col, excel_text(s.as_ref()))
    }
    fn text_with_format(
        &mut self,
        row: u32,
        col: u16,
        s: impl AsRef<str>,
        format: &rust_xlsxwriter::Format,
    ) -> Result<&mut rust_xlsxwriter::Worksheet, rust_xlsxwriter::XlsxError> {
        self.write_string_with_format(row, col, excel_text(s.as_ref()), format)
    }
}

#[cfg(test)]
mod excel_tests {
    #[test]
    fn long_text_is_cut_for_excel() {
        let long = "x".repeat(40_000);
        let cut = super::excel_text(&long);
        assert_eq!(cut.encode_utf16().count(), super::EXCEL_MAX_CHARS);
        assert!(cut.ends_with('…'));
        assert_eq!(super::excel_text("short"), "short");
    }
}

/// Save a workbook to `path` (created or truncated) as `Workbook::save` does, but with nothing
/// printed on a write error. `rust_xlsxwriter` drops its `zip::ZipWriter` when a write fails
/// (disk full), and the writer's `Drop` tries to finish the archive again and prints
/// "ZipWriter::drop: failed to finalize archive" on stderr. Here the first write error is kept
/// and every later write is discarded, so that last attempt succeeds silently; the error is
/// returned, the only one shown.
pub fn save_workbook(
    wb: &mut rust_xlsxwriter::Workbook,
    path: &std::path::Path,
) -> Result<(), rust_xlsxwriter::XlsxError> {
    let file = std::fs::File::create(path)?;
    save_workbook_to(wb, file)
}

/// [`save_workbook`] on any writer.
pub fn save_workbook_to<W: std::io::Write + Send>(
    wb: &mut rust_xlsxwriter::Workbook,
    writer: W,
) -> Result<(), rust_xlsxwriter::XlsxError> {
    let mut w = FirstError {
        inner: writer,
        error: None,
    };
    let saved = wb.save_to_writer(&mut w);
    match (w.error.take(), saved) {
        (Some(e), _) => Err(rust_xlsxwriter::XlsxError::IoError(e)),
        (None, Err(e)) => Err(e),
        (None, Ok(())) => w.inner.flush().map_err(rust_xlsxwriter::XlsxError::IoError),
    }
}

/// A writer that keeps its first error and then swallows every write.
struct FirstError<W> {
    inner: W,
    error: Option<std::io::Error>,
}

impl<W: std::io::Write> std::io::Write for FirstError<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if self.error.is_some() {
            return Ok(buf.len());
        }
        match self.inner.write(buf) {
            Err(e) if e.kind() != std::io::ErrorKind::Interrupted => {
                let shown = std::io::Error::new(e.kind(), e.to_string());
                self.error = Some(e);
                Err(shown)
            }
            r => r,
        }
    }
    fn flush(&mut self) -> std::io::Result<()> {
        if self.error.is_some() {
            return Ok(());
        }
        match self.inner.flush() {
            Err(e) if e.kind() != std::io::ErrorKind::Interrupted => {
                let shown = std::io::Error::new(e.kind(), e.to_string());
                self.error = Some(e);
                Err(shown)
            }
            r => r,
        }
    }
}

#[cfg(test)]
mod save_tests {
    use std::io::Write;
    use std::sync::{Arc, Mutex};

    /// A disk that is full after `room` bytes; counts the writes tried after that.
    struct Full {
        room: usize,
        after: Arc<Mutex<usize>>,
    }
    impl Write for Full {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            if self.room == 0 {
                *self.after.lock().unwrap() += 1;
                return Err(std::io::Error::from(std::io::ErrorKind::StorageFull));
            }
            let n = buf.len().min(self.room);
            self.room -= n;
            Ok(n)
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn a_full_disk_is_one_error_and_the_writer_is_not_retried() {
        for room in [0, 100, 2_000] {
            let mut wb = rust_xlsxwriter::Workbook::new();
            let ws = wb.add_worksheet();
            for r in 0..2_000 {
                ws.write_string(r, 0, format!("line {r}")).unwrap();
            }
            let after = Arc::new(Mutex::new(0));
            let full = Full {
                room,
                after: after.clone(),
            };
            let e = super::save_workbook_to(&mut wb, full).unwrap_err();
            assert!(
                matches!(&e, rust_xlsxwriter::XlsxError::IoError(io) if io.kind() == std::io::ErrorKind::StorageFull),
                "{e:?}"
            );
            // Only the one failing write reached the full disk: the zip writer's drop, which
            // would print on stderr when its own writes fail, had its writes swallowed.
            assert_eq!(*after.lock().unwrap(), 1, "room {room}");
        }
    }
}

/// A date as an Excel date cell's value.
pub fn excel_date(
    d: chrono::NaiveDate,
) -> Result<rust_xlsxwriter::ExcelDateTime, rust_xlsxwriter::XlsxError> {
    use chrono::Datelike;
    rust_xlsxwriter::ExcelDateTime::from_ymd(d.year() as u16, d.month() as u8, d.day() as u8)
}

/// A number format showing `decimals` decimals (at most 2): `with_decimals("#,##0", 1, "")` is
/// `#,##0.0`, `with_decimals("0", 2, "%")` is `0.00%`. Columns get as many as their values
/// have, so no value is shown rounded.
pub fn with_decimals(base: &str, decimals: usize, suffix: &str) -> String {
    match decimals.min(2) {
        0 => format!("{base}{suffix}"),
        n => format!("{base}.{}{suffix}", "0".repeat(n)),
    }
}
