//! A file as rows of cells, whatever it is: CSV (any of `,` `;` tab `|`, UTF-8 with or without
//! BOM, UTF-16, Windows-1252) streamed record by record, or a spreadsheet sheet read through
//! calamine (XLSX, XLS, ODS, XLSB), sniffed by content rather than trusted by extension.
//!
//! One file per concern: `cell` (the cell model), `delimited` (CSV), `sheet` (workbooks),
//! `sniff` (what a file is, zip checks), `pipeline` (rows parsed on a second core), and the
//! checks made before calamine sees a workbook, so what a file declares (a count, a dimension, a
//! far cell, a sector chain) never decides how much memory is taken: `cfb_check` (the XLS
//! container), `xls_check` (XLS sheet sizes), `ods_check` (ODS repeats); the XLSX checks are in
//! `sniff`.

mod cell;
mod cfb_check;
mod delimited;
mod ods_check;
mod pipeline;
mod sheet;
mod sniff;
mod xls_check;
mod xlsx_fast;

pub use cell::{Cell, RawRow, is_percent_format, percent_shown};
use cell::{Cut, SheetRow};
pub use delimited::MAX_RECORD_BYTES;
pub use pipeline::{Consume, pipelined_rows};
pub use sheet::SheetInfo;

use super::mapping::{FieldSpec, HeaderMap};
use super::merges::{self, Merge};
use crate::error::{Error, Result};
use delimited::{Counted, Progress, decode_field, read_csv_record, strip_cr, utf16_encoding};
use sheet::sheets_note;
use sniff::{is_ole, is_zip, read_up_to};
use std::collections::VecDeque;
use std::fs::File;
use std::io::{Seek, SeekFrom};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// What kind of file it turned out to be.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Kind {
    Csv {
        delimiter: u8,
        encoding: &'static str,
    },
    Spreadsheet,
}

enum Source {
    Csv {
        reader: Box<csv::Reader<Counted>>,
        record: csv::ByteRecord,
        progress: Arc<Progress>,
        /// Records end at `\n` (a `\r` before it is stripped); `false` for files whose lines
        /// end with a bare `\r` (old Mac exports), numbered by record.
        lf_lines: bool,
    },
    Sheet {
        rows: std::vec::IntoIter<SheetRow>,
        /// Where rows are cut once the header is found (`cut_rows_at`).
        cut: Option<Cut>,
    },
}

/// An opened input file.
pub struct Table {
    pub path: PathBuf,
    /// The path as the user typed it (used in messages and plan.json).
    pub display: String,
    pub sheet: Option<String>,
    /// The workbook's sheets (none for CSV), for messages.
    pub sheets: Vec<SheetInfo>,
    pub kind: Kind,
    /// Whether cells carry their number format (XLSX: a percent-formatted cell reads as
    /// `Cell::Percent`); XLS, ODS and XLSB are read without it.
    pub number_formats: bool,
    /// Days from the 1900 date system's day 0 (1899-12-30) to the day this workbook counts
    /// its serials from: 1,462 in a workbook saved in the 1904 date system
    /// (`cell::DAYS_1900_TO_1904`), an ODS file's null date; 0 otherwise. Date-formatted cells
    /// are moved on reading; a plain number read as a date (a serial in a column formatted
    /// General) is moved by `serial_date`.
    pub serial_shift: f64,
    /// First column of the sheet's used range (0 = A), for naming cells.
    pub col_offset: usize,
    /// `;`-delimited files default to decimal commas.
    pub decimal_comma_hint: bool,
    /// The sheet's merged regions, applied to the rows below the header once it is found.
    merges: Vec<Merge>,
    /// Whether the sheet listed more merged regions than were read.
    merges_truncated: bool,
    /// What the merges did, one warning per column concerned (see `apply_merges`).
    merge_warnings: Vec<crate::model::Warning>,
    source: Source,
    buffer: VecDeque<RawRow>,
}

/// Input options shared by every reader.
#[derive(Debug, Clone, Default)]
pub struct ReadOptions {
    pub sheet: Option<String>,
    /// `Some(true)`: decimal commas; `Some(false)`: decimal points; `None`: detect.
    pub decimal_comma: Option<bool>,
    /// Largest uncompressed sheet XML accepted from an XLSX/ODS, in bytes (0: the default).
    pub max_sheet_bytes: u64,
    /// The day a catalog's sale windows must cover for a markdown to be live (default: today).
    pub as_of: Option<chrono::NaiveDate>,
    /// The order of slashed dates in a column none of whose values decides it
    /// (`--date-order`, `date_order`); `None`: month first, with a warning.
    pub date_order: Option<super::dates::DateOrder>,
    /// Read the catalog's received / created date column (`--min-age` only, so runs without it
    /// never warn about those dates).
    pub read_received: bool,
}

/// Default limit on a workbook's uncompressed sheet XML: far above any real export (a
/// million-row sheet is about 0.5 GiB), far below what a zip bomb expands to.
pub const DEFAULT_MAX_SHEET_BYTES: u64 = 1 << 30;

const SNIFF_BYTES: usize = 64 * 1024;

impl Table {
    pub fn open(path: &Path, opts: &ReadOptions) -> Result<Table> {
        let display = path.display().to_string();
        let mut file = File::open(path).map_err(|e| Error::from_io_input(path, &e))?;
        if path.is_dir() {
            return Err(Error::input(path, "is a folder, expected a file"));
        }
        let mut head = vec![0u8; SNIFF_BYTES];
        let n = read_up_to(&mut file, &mut head).map_err(|e| Error::from_io_input(path, &e))?;
        head.truncate(n);
        file.seek(SeekFrom::Start(0))
            .map_err(|e| Error::from_io_input(path, &e))?;
        if n == 0 {
            return Err(Error::Data(format!(
                "{display}: the file is empty; expected a header row (sku, quantity, price, ...) and data rows"
            )));
        }
        if is_zip(&head) || is_ole(&head) {
            // The spreadsheet library has panicked on malformed files (a cell reference too long
            // for its arithmetic, found by fuzzing; an XLS sector chain leaving the file, which
            // `cfb_check` leaves to it): such a file is damaged input, not a bug here.
            let shown = display.clone();
            return match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                Self::open_sheet(path, display, file, opts)
            })) {
                Ok(result) => result,
                Err(panic) => Err(Error::Data(format!(
                    "{shown}: cannot read the spreadsheet, the file is damaged ({}); re-save it from the spreadsheet program, or export it as CSV",
                    crate::panic_message(panic.as_ref())
                ))),
            };
        }
        let ext = path
            .extension()
            .and_then(|e| e.to_str())
            .map(|e| e.to_ascii_lowercase())
            .unwrap_or_default();
        if matches!(ext.as_str(), "xlsx" | "xlsm" | "xls" | "ods" | "xlsb") {
            return Err(Error::Data(format!(
                "{display}: not a valid {} file (its content is not a spreadsheet); re-save it from the spreadsheet program, or export it as CSV",
                ext.to_ascii_uppercase()
            )));
        }
        if head.contains(&0) && utf16_encoding(&head).is_none() {
            return Err(Error::Data(format!(
                "{display}: looks like a binary file, not CSV or a spreadsheet; export the data as CSV or XLSX"
            )));
        }
        Self::open_csv(path, display, file, &head)
    }
}

impl Table {
    fn read_raw(&mut self) -> Result<Option<RawRow>> {
        match &mut self.source {
            Source::Sheet { rows, cut } => {
                let row = rows.next().map(|r| r.into_raw(*cut));
                if row.is_some() {
                    crate::counters::row_read();
                }
                Ok(row)
            }
            Source::Csv {
                reader,
                record,
                progress,
                lf_lines,
            } => {
                let Some(line) =
                    read_csv_record(reader, record, progress, *lf_lines, &self.display)?
                else {
                    return Ok(None);
                };
                crate::counters::row_read();
                let n = record.len();
                let cells = record
                    .iter()
                    .enumerate()
                    .map(|(i, field)| {
                        let field = if i + 1 == n { strip_cr(field) } else { field };
                        if field.is_empty() {
                            return Cell::Empty;
                        }
                        Cell::Text(decode_field(field))
                    })
                    .collect();
                Ok(Some(RawRow {
                    row: line,
                    cells,
                    beyond_header: None,
                }))
            }
        }
    }

    /// Read the next row into `row`, reusing its cells' text buffers (no allocation per field
    /// for CSV: the hot path of sales files). `false` at the end.
    pub fn next_row_into(&mut self, row: &mut RawRow) -> Result<bool> {
        if let Some(r) = self.buffer.pop_front() {
            *row = r;
            return Ok(true);
        }
        let Source::Csv {
            reader,
            record,
            progress,
            lf_lines,
        } = &mut self.source
        else {
            return match self.read_raw()? {
                Some(r) => {
                    *row = r;
                    Ok(true)
                }
                None => Ok(false),
            };
        };
        let Some(line) = read_csv_record(reader, record, progress, *lf_lines, &self.display)?
        else {
            return Ok(false);
        };
        crate::counters::row_read();
        row.row = line;
        row.beyond_header = None;
        let n = record.len();
        row.cells.truncate(n);
        for (i, field) in record.iter().enumerate() {
            let field = if i + 1 == n { strip_cr(field) } else { field };
            if i == row.cells.len() {
                row.cells.push(Cell::Empty);
            }
            let cell = &mut row.cells[i];
            if field.is_empty() {
                *cell = Cell::Empty;
                continue;
            }
            match (std::str::from_utf8(field), &mut *cell) {
                (Ok(text), Cell::Text(s)) => {
                    s.clear();
                    s.push_str(text);
                }
                (Ok(text), _) => *cell = Cell::Text(text.to_string()),
                (Err(_), _) => *cell = Cell::Text(decode_field(field)),
            }
        }
        Ok(true)
    }

    /// The next row, or `None` at the end.
    pub fn next_row(&mut self) -> Result<Option<RawRow>> {
        if let Some(r) = self.buffer.pop_front() {
            return Ok(Some(r));
        }
        self.read_raw()
    }

    /// Look at up to `n` rows ahead without consuming them.
    pub fn peek(&mut self, n: usize) -> Result<&VecDeque<RawRow>> {
        while self.buffer.len() < n {
            match self.read_raw()? {
                Some(r) => self.buffer.push_back(r),
                None => break,
            }
        }
        Ok(&self.buffer)
    }

    /// From now on, rows of a sheet are cut after the first `keep` columns (those a reader
    /// uses); of the values after them only the first is kept, and how far those beyond the
    /// header (`header_width` columns) reach (see `SheetRow::into_raw`), so a row with one value
    /// in column XFD does not become 16,384 cells. Rows already looked at (`peek`) stay whole.
    pub fn cut_rows_at(&mut self, keep: usize, header_width: usize) {
        if let Source::Sheet { cut, .. } = &mut self.source {
            *cut = Some(Cut {
                keep: keep.min(header_width),
                header: header_width,
            });
        }
    }

    /// A cell's name for messages: `D14` in a spreadsheet, `row 14, column "price"` in CSV.
    pub fn cell_name(&self, row: usize, col: usize) -> String {
        format!("{}{}", column_letters(col + self.col_offset), row)
    }

    /// Apply the sheet's merged cells to the rows below the header (found by `locate_header`):
    /// see `merges::apply` for what is copied down and what is not. Merges in or above the
    /// header are left alone, so a header over two rows never turns into a data row.
    pub fn apply_merges(
        &mut self,
        header: &HeaderMap,
        specs: &[FieldSpec],
        what: &str,
    ) -> Result<()> {
        let merges = std::mem::take(&mut self.merges);
        let truncated = std::mem::take(&mut self.merges_truncated);
        let place = self.where_();
        let Source::Sheet { rows, cut } = &mut self.source else {
            return Ok(());
        };
        if merges.is_empty() && !truncated {
            return Ok(());
        }
        // The rows left: those peeked while looking for the header, then the rest.
        let cut = *cut;
        let mut rest: Vec<RawRow> = self
            .buffer
            .drain(..)
            .chain(rows.by_ref().map(|r| {
                crate::counters::row_read();
                r.into_raw(cut)
            }))
            .collect();
        let applied = merges::apply(
            &mut rest,
            &merges,
            truncated,
            header,
            specs,
            self.col_offset,
            what,
        );
        self.buffer = rest.into();
        if let Some(why) = applied.refused {
            return Err(crate::error::Error::Data(format!("{place}: {why}")));
        }
        self.merge_warnings = applied
            .notes
            .into_iter()
            .map(|(column, message)| crate::model::Warning {
                file: self.display.clone(),
                sheet: self.sheet.clone(),
                row: None,
                column,
                message,
            })
            .collect();
        Ok(())
    }

    /// The sheet's merged regions as the file lists them, for readers that never fill them (the
    /// upload template, `--existing`): empty once `apply_merges` has used them, and for CSV.
    pub fn merged_regions(&self) -> &[Merge] {
        &self.merges
    }

    /// The first region merged down over several rows in column `col` (0-based, within the
    /// rows read) below the header row `header_row`, as a range name (`P5:P8`) with the name
    /// of its first cell (`P5`): for readers that refuse such merges instead of filling them.
    pub fn merged_down(&self, col: usize, header_row: usize) -> Option<(String, String)> {
        let abs = (col + self.col_offset) as u32;
        self.merges
            .iter()
            .find(|m| {
                m.first_col <= abs
                    && abs <= m.last_col
                    && m.last_row as usize + 1 > header_row
                    && m.last_row > m.first_row
            })
            .map(|m| {
                let first = format!(
                    "{}{}",
                    column_letters(m.first_col as usize),
                    m.first_row + 1
                );
                let range = format!(
                    "{first}:{}{}",
                    column_letters(m.last_col as usize),
                    m.last_row + 1
                );
                (range, first)
            })
    }

    /// Warnings about merged cells below the header: what was copied down, what was not.
    pub fn merge_warnings(&self) -> Vec<crate::model::Warning> {
        self.merge_warnings.clone()
    }

    /// A failure on the sheet read: the message names the workbook's other sheets (hidden
    /// ones marked), in case the data is on another one.
    pub fn with_sheet_list(&self, e: Error) -> Error {
        match e {
            Error::Data(m) if self.sheets.len() > 1 => {
                Error::Data(format!("{m}{}", sheets_note(&self.sheets)))
            }
            other => other,
        }
    }

    /// A plain number read as a date serial: the day it shows in this workbook's date system.
    pub fn serial_date(&self, serial: f64) -> Option<chrono::NaiveDate> {
        serial_date(serial, self.serial_shift)
    }

    /// "file", "file, sheet \"S\"" for messages.
    pub fn where_(&self) -> String {
        match &self.sheet {
            Some(s) => format!("{}, sheet \"{s}\"", self.display),
            None => self.display.clone(),
        }
    }
}

/// A plain number read as a date serial, counted from the day `shift` days after 1899-12-30
/// (see `Table::serial_shift`). A workbook's day 0 is its first day: no serial is below it.
pub fn serial_date(serial: f64, shift: f64) -> Option<chrono::NaiveDate> {
    if serial.is_nan() || serial < 0.0 {
        return None;
    }
    crate::io::read::dates::from_excel_serial(serial + shift)
}

/// A row with more fields than the header is ambiguous (SPEC section 7) unless the extra fields
/// are empty; `place` is the file (and sheet) for the message.
pub fn check_ragged(raw: &RawRow, width: usize, place: &str, kind: &Kind) -> Result<()> {
    // A sheet's row cut after the header was found says how far its values reach; a whole row
    // shows it.
    let used = raw.beyond_header.or_else(|| {
        (raw.cells.len() > width && raw.cells[width..].iter().any(|c| !c.is_empty())).then(|| {
            raw.cells
                .iter()
                .rposition(|c| !c.is_empty())
                .map_or(raw.cells.len(), |p| p + 1)
        })
    });
    if let Some(used) = used {
        let row = raw.row;
        return Err(Error::Data(match kind {
            Kind::Csv { .. } => format!(
                "{place}, row {row}: the row has {used} fields but the header has {width}; a field may contain an unquoted delimiter. Quote that field or remove the extra values"
            ),
            Kind::Spreadsheet => format!(
                "{place}, row {row}: the row has values in {used} columns but the header names only {width}; give the extra columns a header or clear them. A header over two rows (a title merged over sub-headers) is not read: keep one header row"
            ),
        }));
    }
    Ok(())
}

/// `0` → `A`, `27` → `AB`.
pub fn column_letters(mut col: usize) -> String {
    let mut out = Vec::new();
    loop {
        out.push(b'A' + (col % 26) as u8);
        if col < 26 {
            break;
        }
        col = col / 26 - 1;
    }
    out.reverse();
    String::from_utf8(out).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn letters() {
        assert_eq!(column_letters(0), "A");
        assert_eq!(column_letters(25), "Z");
        assert_eq!(column_letters(26), "AA");
        assert_eq!(column_letters(27), "AB");
        assert_eq!(column_letters(16383), "XFD");
    }

    #[test]
    fn a_serial_counts_from_its_workbooks_day_zero() {
        let day = |y, m, d| chrono::NaiveDate::from_ymd_opt(y, m, d);
        // 2026-11-22 is 46348 in the 1900 system and 44886 in the 1904 one.
        assert_eq!(serial_date(46348.0, 0.0), day(2026, 11, 22));
        assert_eq!(
            serial_date(44886.0, cell::DAYS_1900_TO_1904),
            day(2026, 11, 22)
        );
        assert_eq!(
            serial_date(44886.75, cell::DAYS_1900_TO_1904),
            day(2026, 11, 22)
        );
        // The 1904 system's day 0 is a day; nothing is below a workbook's day 0.
        assert_eq!(serial_date(0.0, cell::DAYS_1900_TO_1904), day(1904, 1, 1));
        assert_eq!(serial_date(-1.0, cell::DAYS_1900_TO_1904), None);
        assert_eq!(serial_date(0.0, 0.0), None);
        assert_eq!(serial_date(f64::NAN, cell::DAYS_1900_TO_1904), None);
    }
}
