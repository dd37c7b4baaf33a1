//! A file as rows of cells, whatever it is: CSV (any of `,` `;` tab `|`, UTF-8 with or without
//! BOM, UTF-16, Windows-1252) streamed record by record, or a spreadsheet sheet read through
//! calamine (XLSX, XLS, ODS, XLSB), sniffed by content rather than trusted by extension.

use super::mapping::{FieldSpec, HeaderMap};
use super::merges::{self, Merge};
use crate::error::{Error, Result};
use calamine::{Data, Reader};
use std::collections::VecDeque;
use std::fs::File;
use std::io::{BufReader, Cursor, Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

/// One spreadsheet or CSV cell as read, before any field knows what it should hold.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Empty,
    Text(String),
    Number(f64),
    Bool(bool),
    /// A number cell formatted as a percentage, as stored: 0.35 for a cell that shows 35%. It
    /// reads as the percentage shown (see `percent_shown`).
    Percent(f64),
    /// A date or date-time cell, as an Excel serial day number.
    Date(f64),
    /// An error cell (`#N/A`, `#DIV/0!`).
    Error(String),
    /// A formula saved without its result (the workbook was written by a program that does not
    /// calculate): there is no value to read.
    Formula(String),
}

impl Cell {
    pub fn is_empty(&self) -> bool {
        match self {
            Cell::Empty => true,
            Cell::Text(s) => s.trim().is_empty(),
            _ => false,
        }
    }

    /// The cell as text, borrowed when it already is text (the hot path of sales files).
    pub fn text_cow(&self) -> Option<std::borrow::Cow<'_, str>> {
        match self {
            Cell::Text(s) => {
                let t = s.trim();
                (!t.is_empty()).then_some(std::borrow::Cow::Borrowed(t))
            }
            other => other.text().map(std::borrow::Cow::Owned),
        }
    }

    /// The cell as text (numbers without a trailing `.0`, dates as ISO dates).
    pub fn text(&self) -> Option<String> {
        match self {
            Cell::Empty => None,
            Cell::Text(s) => {
                let t = s.trim();
                (!t.is_empty()).then(|| t.to_string())
            }
            Cell::Number(f) => Some(format!("{f}")),
            Cell::Percent(f) => Some(match percent_shown(*f) {
                Some(p) => format!("{}%", p.normalize()),
                None => format!("{f}"),
            }),
            Cell::Bool(b) => Some(if *b { "TRUE" } else { "FALSE" }.to_string()),
            Cell::Date(serial) => Some(
                crate::io::read::dates::from_excel_serial(*serial)
                    .map(|d| d.to_string())
                    .unwrap_or_else(|| format!("{serial}")),
            ),
            Cell::Error(e) => Some(e.clone()),
            Cell::Formula(_) => None,
        }
    }
}

/// The percentage a percent-formatted cell shows: stored 0.35, shown 35% → 35. `None` when the
/// value is not a finite number in range.
pub fn percent_shown(stored: f64) -> Option<rust_decimal::Decimal> {
    super::number::decimal_from_f64(stored)
        .ok()
        .and_then(|d| d.checked_mul(rust_decimal::Decimal::ONE_HUNDRED))
}

/// Whether an Excel number format shows the value as a percentage: a `%` outside quoted text,
/// escapes and brackets (`0%`, `0.00%`; not `0.0#"%"`, which shows the number itself).
pub fn is_percent_format(code: &str) -> bool {
    let mut chars = code.chars();
    let mut quoted = false;
    let mut brackets = 0u32;
    while let Some(c) = chars.next() {
        match c {
            '"' => quoted = !quoted,
            _ if quoted => {}
            '\\' | '_' | '*' => {
                chars.next();
            }
            '[' => brackets += 1,
            ']' => brackets = brackets.saturating_sub(1),
            ';' => return false,
            '%' if brackets == 0 => return true,
            _ => {}
        }
    }
    false
}

/// A row with its number as a spreadsheet (or, for CSV, a text editor) shows it.
#[derive(Debug, Clone, Default)]
pub struct RawRow {
    pub row: usize,
    pub cells: Vec<Cell>,
}

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
        rows: std::vec::IntoIter<RawRow>,
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
            // for its arithmetic, found by fuzzing): such a file is damaged input, not a bug here.
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

    fn open_csv(path: &Path, display: String, file: File, head: &[u8]) -> Result<Table> {
        let (reader, sample, encoding): (Box<dyn Read + Send>, Vec<u8>, &'static str) =
            if let Some((utf16, name)) = utf16_encoding(head) {
                // Excel's "Unicode text": UTF-16 with a BOM. Small enough to decode whole.
                let mut bytes = Vec::new();
                BufReader::new(file)
                    .read_to_end(&mut bytes)
                    .map_err(|e| Error::from_io_input(path, &e))?;
                let (text, _, _) = utf16.decode(&bytes);
                let text = text.into_owned().into_bytes();
                let sample = text[..text.len().min(SNIFF_BYTES)].to_vec();
                (Box::new(Cursor::new(text)), sample, name)
            } else {
                let bom = head.starts_with(&[0xEF, 0xBB, 0xBF]);
                let mut reader = BufReader::with_capacity(256 * 1024, file);
                if bom {
                    let mut skip = [0u8; 3];
                    reader
                        .read_exact(&mut skip)
                        .map_err(|e| Error::from_io_input(path, &e))?;
                }
                let sample = if bom {
                    head[3..].to_vec()
                } else {
                    head.to_vec()
                };
                let enc = if valid_utf8_prefix(&sample) {
                    if bom { "UTF-8 (BOM)" } else { "UTF-8" }
                } else {
                    "Windows-1252"
                };
                (Box::new(reader), sample, enc)
            };
        let delimiter = sniff_delimiter(&sample);
        // Records end at `\n` so that the parser's line count is the physical line whatever the
        // ending: with `\r\n` taken as one terminator, the `\n` was only consumed at the start
        // of the next record, whose line then read one too low. A file whose lines end with a
        // bare `\r` keeps the parser's own terminators.
        let lf_lines = !sample.contains(&b'\r') || sample.contains(&b'\n');
        let progress = Arc::new(Progress::default());
        let mut builder = csv::ReaderBuilder::new();
        builder
            .has_headers(false)
            .flexible(true)
            .delimiter(delimiter)
            .buffer_capacity(256 * 1024);
        if lf_lines {
            builder.terminator(csv::Terminator::Any(b'\n'));
        }
        let reader = builder.from_reader(Counted {
            inner: reader,
            progress: Arc::clone(&progress),
        });
        Ok(Table {
            path: path.to_path_buf(),
            display,
            sheet: None,
            sheets: Vec::new(),
            number_formats: false,
            kind: Kind::Csv {
                delimiter,
                encoding,
            },
            col_offset: 0,
            decimal_comma_hint: delimiter == b';',
            merges: Vec::new(),
            merges_truncated: false,
            merge_warnings: Vec::new(),
            source: Source::Csv {
                reader: Box::new(reader),
                record: csv::ByteRecord::new(),
                progress,
                lf_lines,
            },
            buffer: VecDeque::new(),
        })
    }

    fn open_sheet(
        path: &Path,
        display: String,
        mut file: File,
        opts: &ReadOptions,
    ) -> Result<Table> {
        // The zip's directory first: a zip bomb is refused before anything is read or inflated.
        let mut head = [0u8; 4];
        let n = read_up_to(&mut file, &mut head).map_err(|e| Error::from_io_input(path, &e))?;
        let mut is_xlsx = false;
        if n == 4 && is_zip(&head) {
            is_xlsx = check_expanded_size(&display, &mut file, opts.max_sheet_bytes)?;
        }
        file.seek(SeekFrom::Start(0))
            .map_err(|e| Error::from_io_input(path, &e))?;
        let mut bytes = Vec::new();
        BufReader::new(file)
            .read_to_end(&mut bytes)
            .map_err(|e| Error::from_io_input(path, &e))?;
        if is_xlsx && let Some(table) = Self::open_xlsx(path, &display, &bytes, opts)? {
            return Ok(table);
        }
        let mut workbook = calamine::open_workbook_auto_from_rs(Cursor::new(bytes)).map_err(|e| {
            Error::Data(format!(
                "{display}: cannot open the spreadsheet ({e}); the file may be damaged or truncated: re-save it from the spreadsheet program, or export it as CSV"
            ))
        })?;
        let sheets = sheet_list(workbook.sheets_metadata());
        if sheets.is_empty() {
            return Err(Error::Data(format!(
                "{display}: the workbook has no sheets"
            )));
        }
        let sheet = pick_sheet(&display, &sheets, opts.sheet.as_deref())?;
        let range = workbook.worksheet_range(&sheet).map_err(|e| {
            Error::Data(format!(
                "{display}, sheet \"{sheet}\": cannot read the sheet ({e}); re-save the file from the spreadsheet program, or export it as CSV{}",
                sheets_note(&sheets)
            ))
        })?;
        let (row0, col0) = range
            .start()
            .map(|(r, c)| (r as usize, c as usize))
            .unwrap_or((0, 0));
        let mut rows = Vec::with_capacity(range.height());
        for (i, r) in range.rows().enumerate() {
            let cells: Vec<Cell> = r.iter().map(cell_from_data).collect();
            rows.push(RawRow {
                row: row0 + i + 1,
                cells,
            });
        }
        // A formula whose result was never saved reads as an empty cell; mark it, so the
        // reader can say so instead of taking it for a missing value.
        if let Ok(formulas) = workbook.worksheet_formula(&sheet) {
            for (r, c, f) in formulas.used_cells() {
                if f.is_empty() {
                    continue;
                }
                let (fr, fc) = formulas
                    .start()
                    .map(|(a, b)| (a as usize, b as usize))
                    .unwrap_or((0, 0));
                let (abs_r, abs_c) = (fr + r, fc + c);
                if abs_r < row0 || abs_c < col0 {
                    continue;
                }
                if let Some(cell) = rows
                    .get_mut(abs_r - row0)
                    .and_then(|row| row.cells.get_mut(abs_c - col0))
                    && *cell == Cell::Empty
                {
                    *cell = Cell::Formula(f.clone());
                }
            }
        }
        // Merged cells: XLS lists them (ODS through calamine does not).
        let (merges, merges_truncated) = match &workbook {
            calamine::Sheets::Xls(xls) => {
                merges::from_dimensions(&xls.merge_cells_by_sheet_name(&sheet).unwrap_or_default())
            }
            _ => (Vec::new(), false),
        };
        Ok(Table {
            path: path.to_path_buf(),
            display,
            sheet: Some(sheet),
            sheets,
            number_formats: false,
            kind: Kind::Spreadsheet,
            col_offset: col0,
            decimal_comma_hint: false,
            merges,
            merges_truncated,
            merge_warnings: Vec::new(),
            source: Source::Sheet {
                rows: rows.into_iter(),
            },
            buffer: VecDeque::new(),
        })
    }

    /// XLSX read cell by cell: only the cells present are kept, so a sheet whose used range
    /// claims the whole grid (one cell at XFD1048576) costs what it holds, not 17 billion cells;
    /// values and formulas come in one pass. `None` when calamine cannot open it this way.
    fn open_xlsx(
        path: &Path,
        display: &str,
        bytes: &[u8],
        opts: &ReadOptions,
    ) -> Result<Option<Table>> {
        use calamine::Reader;
        let Ok(mut xlsx) = calamine::Xlsx::new(Cursor::new(bytes)) else {
            return Ok(None);
        };
        let sheets = sheet_list(xlsx.sheets_metadata());
        if sheets.is_empty() {
            return Err(Error::Data(format!(
                "{display}: the workbook has no sheets"
            )));
        }
        let sheet = pick_sheet(display, &sheets, opts.sheet.as_deref())?;
        let unreadable = |e: calamine::XlsxError| {
            Error::Data(format!(
                "{display}, sheet \"{sheet}\": cannot read the sheet ({e}); re-save the file from the spreadsheet program, or export it as CSV{}",
                sheets_note(&sheets)
            ))
        };
        // The merged regions are listed after the cells in the sheet's XML: a second pass over
        // it (only the sheet's zip entry, streamed), on another core while this one reads the
        // cells. Merged cells are a nicety: a sheet whose list cannot be read has none.
        let index = sheets.iter().position(|s| s.name == sheet).unwrap_or(0);
        let (cells, (merges, merges_truncated)) = std::thread::scope(|scope| {
            let merges = scope.spawn(|| merges::read_xlsx(bytes, index));
            let cells = read_xlsx_cells(&mut xlsx, &sheet, &unreadable);
            (cells, merges.join().unwrap_or_default())
        });
        let (by_row, col0) = cells?;
        let rows: Vec<RawRow> = by_row
            .into_iter()
            .map(|(r, cells)| {
                let width = cells
                    .iter()
                    .map(|(c, _)| (c - col0) as usize + 1)
                    .max()
                    .unwrap_or(0);
                let mut row = vec![Cell::Empty; width];
                for (c, cell) in cells {
                    row[(c - col0) as usize] = cell;
                }
                RawRow {
                    row: r as usize + 1,
                    cells: row,
                }
            })
            .collect();
        Ok(Some(Table {
            path: path.to_path_buf(),
            display: display.to_string(),
            sheet: Some(sheet),
            sheets,
            number_formats: true,
            kind: Kind::Spreadsheet,
            col_offset: col0 as usize,
            decimal_comma_hint: false,
            merges,
            merges_truncated,
            merge_warnings: Vec::new(),
            source: Source::Sheet {
                rows: rows.into_iter(),
            },
            buffer: VecDeque::new(),
        }))
    }
}

type CellsByRow = std::collections::BTreeMap<u32, Vec<(u32, Cell)>>;

/// The present cells of an XLSX sheet by row, and the first column used.
fn read_xlsx_cells(
    xlsx: &mut calamine::Xlsx<Cursor<&[u8]>>,
    sheet: &str,
    unreadable: &dyn Fn(calamine::XlsxError) -> Error,
) -> Result<(CellsByRow, u32)> {
    use calamine::DataRef;
    let mut reader = xlsx.worksheet_cells_reader(sheet).map_err(unreadable)?;
    // Which styles show a number as a percentage: only a workbook that has one pays for the
    // second pass that reads each cell's style.
    let percent_styles: Vec<bool> = reader
        .styles()
        .iter()
        .map(|s| {
            s.number_format
                .as_ref()
                .is_some_and(|f| is_percent_format(&f.format_code))
        })
        .collect();
    let mut by_row = CellsByRow::new();
    let mut col0 = u32::MAX;
    while let Some(rec) = reader.next_cell_with_formula().map_err(unreadable)? {
        let cell = match (&rec.value, rec.formula) {
            (DataRef::Empty, Some(f)) if !f.is_empty() => Cell::Formula(f),
            (DataRef::SharedString(s), _) => {
                if s.is_empty() {
                    Cell::Empty
                } else {
                    Cell::Text(s.to_string())
                }
            }
            (DataRef::Int(i), _) => Cell::Number(*i as f64),
            (DataRef::Float(f), _) => Cell::Number(*f),
            (DataRef::String(s), _) => cell_from_data(&calamine::Data::String(s.clone())),
            (DataRef::Bool(b), _) => Cell::Bool(*b),
            (DataRef::DateTime(dt), _) => cell_from_data(&calamine::Data::DateTime(*dt)),
            (DataRef::DateTimeIso(s), _) => cell_from_data(&calamine::Data::DateTimeIso(s.clone())),
            (DataRef::DurationIso(s), _) => Cell::Text(s.clone()),
            (DataRef::Error(e), _) => Cell::Error(format!("{e}")),
            (DataRef::Empty, _) => Cell::Empty,
        };
        if cell == Cell::Empty {
            continue;
        }
        let (r, c) = rec.pos;
        col0 = col0.min(c);
        by_row.entry(r).or_default().push((c, cell));
    }
    drop(reader);
    if percent_styles.contains(&true) {
        let mut styles = xlsx.worksheet_cells_reader(sheet).map_err(unreadable)?;
        while let Some((r, c, style)) = styles.next_style_id().map_err(unreadable)? {
            if !percent_styles.get(style).copied().unwrap_or(false) {
                continue;
            }
            if let Some(cells) = by_row.get_mut(&r)
                && let Ok(i) = cells.binary_search_by_key(&c, |(col, _)| *col)
                && let Cell::Number(f) = cells[i].1
            {
                cells[i].1 = Cell::Percent(f);
            }
        }
    }
    let col0 = if col0 == u32::MAX { 0 } else { col0 };
    Ok((by_row, col0))
}

impl Table {
    fn read_raw(&mut self) -> Result<Option<RawRow>> {
        match &mut self.source {
            Source::Sheet { rows } => {
                let row = rows.next();
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
                Ok(Some(RawRow { row: line, cells }))
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

    /// A cell's name for messages: `D14` in a spreadsheet, `row 14, column "price"` in CSV.
    pub fn cell_name(&self, row: usize, col: usize) -> String {
        format!("{}{}", column_letters(col + self.col_offset), row)
    }

    /// Apply the sheet's merged cells to the rows below the header (found by `locate_header`):
    /// see `merges::apply` for what is copied down and what is not. Merges in or above the
    /// header are left alone, so a header over two rows never turns into a data row.
    pub fn apply_merges(&mut self, header: &HeaderMap, specs: &[FieldSpec], what: &str) {
        let merges = std::mem::take(&mut self.merges);
        let truncated = std::mem::take(&mut self.merges_truncated);
        let Source::Sheet { rows } = &mut self.source else {
            return;
        };
        if merges.is_empty() && !truncated {
            return;
        }
        // The rows left: those peeked while looking for the header, then the rest.
        let mut rest: Vec<RawRow> = self.buffer.drain(..).chain(rows.by_ref()).collect();
        let applied = merges::apply(
            &mut rest,
            &merges,
            truncated,
            header,
            specs,
            self.col_offset,
            what,
        );
        *rows = rest.into_iter();
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
    }

    /// The sheet's merged regions as the file lists them, for readers that never fill them (the
    /// upload template, `--existing`): empty once `apply_merges` has used them, and for CSV.
    pub fn merged_regions(&self) -> &[Merge] {
        &self.merges
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

    /// "file", "file, sheet \"S\"" for messages.
    pub fn where_(&self) -> String {
        match &self.sheet {
            Some(s) => format!("{}, sheet \"{s}\"", self.display),
            None => self.display.clone(),
        }
    }
}

/// The longest CSV record read: far above any real one (a spreadsheet cell holds at most 32,767
/// characters; a 10 MB value is still read), it bounds the memory an unterminated quote can take
/// before it is reported.
pub const MAX_RECORD_BYTES: u64 = 64 << 20;

/// How far the CSV parser has read, shared between the byte source and the record loop.
#[derive(Debug, Default)]
struct Progress {
    /// Bytes handed to the parser so far.
    total: AtomicU64,
    /// Where the record being read starts.
    record_start: AtomicU64,
    /// The source is exhausted.
    eof: AtomicBool,
    /// The file's last byte once `eof` is set.
    last_byte: AtomicU64,
}

/// The CSV byte source: counts what it hands out and refuses to feed one record beyond
/// `MAX_RECORD_BYTES` (an unterminated quote would otherwise pull the whole file into one field).
struct Counted {
    inner: Box<dyn Read + Send>,
    progress: Arc<Progress>,
}

/// The error `Counted` stops a record with.
#[derive(Debug)]
struct RecordTooLong;

impl std::fmt::Display for RecordTooLong {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "record longer than {} MiB", MAX_RECORD_BYTES >> 20)
    }
}

impl std::error::Error for RecordTooLong {}

impl Read for Counted {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let p = &self.progress;
        let total = p.total.load(Ordering::Relaxed);
        if total.saturating_sub(p.record_start.load(Ordering::Relaxed)) > MAX_RECORD_BYTES {
            return Err(std::io::Error::other(RecordTooLong));
        }
        let n = self.inner.read(buf)?;
        if n == 0 {
            p.eof.store(true, Ordering::Relaxed);
        } else {
            p.total.store(total + n as u64, Ordering::Relaxed);
            p.last_byte.store(u64::from(buf[n - 1]), Ordering::Relaxed);
        }
        Ok(n)
    }
}

/// Read the next non-blank record; its physical line number, or `None` at the end.
///
/// The parser's line count at the start of a record is exact for a record on one line right
/// after the previous one; otherwise (blank lines before it, a quoted value over several lines)
/// the line is counted back from the end of the record, so only those rows pay for a scan.
fn read_csv_record(
    reader: &mut csv::Reader<Counted>,
    record: &mut csv::ByteRecord,
    progress: &Progress,
    lf_lines: bool,
    display: &str,
) -> Result<Option<usize>> {
    loop {
        let start = reader.position().clone();
        progress.record_start.store(start.byte(), Ordering::Relaxed);
        match reader.read_byte_record(record) {
            Ok(true) => {}
            Ok(false) => return Ok(None),
            Err(e) => return Err(csv_error(display, e, start.line())),
        }
        if !lf_lines {
            return Ok(Some(start.record() as usize + 1));
        }
        // A blank line of a CRLF file (csv skips blank LF lines itself).
        if record.len() == 1 && record.get(0) == Some(b"\r".as_slice()) {
            continue;
        }
        let end = reader.position();
        let at_eof = progress.eof.load(Ordering::Relaxed)
            && end.byte() == progress.total.load(Ordering::Relaxed);
        let terminated = u64::from(!at_eof);
        let (first, last) = (start.line(), end.line());
        let line = if last.saturating_sub(first) == terminated {
            first
        } else {
            last.saturating_sub(newlines(record.as_slice()) + terminated)
        };
        // A record that runs to the end of the file with a line break in its last value, in a
        // file that does not end with a quote: a quote opened and never closed.
        if at_eof
            && progress.last_byte.load(Ordering::Relaxed) != u64::from(b'"')
            && let Some(value) = record.get(record.len().saturating_sub(1))
            && value.contains(&b'\n')
        {
            let before: u64 = (0..record.len() - 1)
                .filter_map(|i| record.get(i))
                .map(newlines)
                .sum();
            return Err(unterminated_quote(display, line + before, None));
        }
        return Ok(Some(line as usize));
    }
}

fn newlines(bytes: &[u8]) -> u64 {
    bytes.iter().filter(|&&b| b == b'\n').count() as u64
}

/// The last value's line break of a CRLF file: records end at `\n`, so the `\r` before it is
/// still there.
#[inline]
fn strip_cr(field: &[u8]) -> &[u8] {
    match field.split_last() {
        Some((b'\r', rest)) => rest,
        _ => field,
    }
}

fn unterminated_quote(display: &str, line: u64, within: Option<u64>) -> Error {
    let how = match within {
        Some(limit) => format!(
            "is not closed within {} MiB, so the rest of the file would be read as one value",
            limit >> 20
        ),
        None => "is never closed, so every line after it was read as one value".to_string(),
    };
    Error::Data(format!(
        "{display}, row {line}: a quote opened on this row {how}; close the quote or remove it (a quote inside a quoted value is written twice: \"\")"
    ))
}

fn csv_error(display: &str, e: csv::Error, record_line: u64) -> Error {
    if let csv::ErrorKind::Io(io) = e.kind()
        && io
            .get_ref()
            .is_some_and(|inner| inner.downcast_ref::<RecordTooLong>().is_some())
    {
        return unterminated_quote(display, record_line, Some(MAX_RECORD_BYTES));
    }
    let at = e
        .position()
        .map(|p| format!(", line {}", p.line()))
        .unwrap_or_default();
    match e.kind() {
        csv::ErrorKind::Io(io) => Error::Data(format!("{display}{at}: cannot read the file: {io}")),
        _ => Error::Data(format!("{display}{at}: not valid CSV: {e}")),
    }
}

/// Refuse a workbook whose sheets would expand beyond the limit (a zip bomb), before any XML is
/// inflated: the sizes come from the zip's central directory.
/// Returns whether the zip is an XLSX workbook (it has `xl/workbook.xml`).
fn check_expanded_size(display: &str, file: &mut File, limit: u64) -> Result<bool> {
    let limit = if limit == 0 {
        DEFAULT_MAX_SHEET_BYTES
    } else {
        limit
    };
    let Ok(mut zip) = zip::ZipArchive::new(BufReader::new(file)) else {
        return Ok(false); // calamine reports the damaged file with its own message
    };
    let mut total: u64 = 0;
    let mut xlsx = false;
    for i in 0..zip.len() {
        let Ok(entry) = zip.by_index_raw(i) else {
            continue;
        };
        let Ok(name) = entry.name() else { continue };
        let name = name.to_ascii_lowercase();
        xlsx |= name == "xl/workbook.xml";
        if name.starts_with("xl/worksheets/")
            || name.ends_with("sharedstrings.xml")
            || name == "content.xml"
        {
            total = total.saturating_add(entry.size());
        }
    }
    if total > limit {
        return Err(Error::Data(format!(
            "{display}: the workbook's sheets expand to {} MiB of XML, above the {} MiB limit (a damaged file or a zip bomb). If the file is genuine, raise the limit with --max-sheet-mb {}",
            total >> 20,
            limit >> 20,
            (total >> 20) + 1
        )));
    }
    Ok(xlsx)
}

fn read_up_to(file: &mut File, buf: &mut [u8]) -> std::io::Result<usize> {
    let mut total = 0;
    while total < buf.len() {
        let n = file.read(&mut buf[total..])?;
        if n == 0 {
            break;
        }
        total += n;
    }
    Ok(total)
}

fn is_zip(head: &[u8]) -> bool {
    head.starts_with(b"PK\x03\x04")
}

fn is_ole(head: &[u8]) -> bool {
    head.starts_with(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1])
}

/// UTF-16 with a byte-order mark, little- (Excel's "Unicode text") or big-endian.
fn utf16_encoding(head: &[u8]) -> Option<(&'static encoding_rs::Encoding, &'static str)> {
    if head.starts_with(&[0xFF, 0xFE]) {
        Some((encoding_rs::UTF_16LE, "UTF-16"))
    } else if head.starts_with(&[0xFE, 0xFF]) {
        Some((encoding_rs::UTF_16BE, "UTF-16 BE"))
    } else {
        None
    }
}

/// UTF-8, allowing a character cut at the end of the sample.
fn valid_utf8_prefix(bytes: &[u8]) -> bool {
    match std::str::from_utf8(bytes) {
        Ok(_) => true,
        Err(e) => e.error_len().is_none() && bytes.len() - e.valid_up_to() < 4,
    }
}

/// A field as text: UTF-8 when it is valid UTF-8, else Windows-1252 (the encoding of Excel's
/// "CSV" on Western Windows). Decided per field, so one stray byte never garbles the rest.
fn decode_field(field: &[u8]) -> String {
    match std::str::from_utf8(field) {
        Ok(s) => s.to_string(),
        Err(_) => encoding_rs::WINDOWS_1252
            .decode_without_bom_handling(field)
            .0
            .into_owned(),
    }
}

/// Pick the delimiter that splits the sample's records into the most consistent field counts.
fn sniff_delimiter(sample: &[u8]) -> u8 {
    let mut best = (b',', 0usize, 0usize);
    for delimiter in [b',', b';', b'\t', b'|'] {
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .delimiter(delimiter)
            .from_reader(sample);
        let mut counts: Vec<usize> = Vec::new();
        let mut record = csv::ByteRecord::new();
        while counts.len() < 60 {
            match reader.read_byte_record(&mut record) {
                Ok(true) => counts.push(record.len()),
                _ => break,
            }
        }
        // The last record may be cut by the sample's end.
        if counts.len() > 1 {
            counts.pop();
        }
        let mut freq: std::collections::HashMap<usize, usize> = std::collections::HashMap::new();
        for &c in counts.iter().filter(|&&c| c > 1) {
            *freq.entry(c).or_default() += 1;
        }
        if let Some((&fields, &times)) = freq.iter().max_by_key(|(f, t)| (**t, **f))
            && (times, fields) > (best.2, best.1)
        {
            best = (delimiter, fields, times);
        }
    }
    best.0
}

fn cell_from_data(d: &Data) -> Cell {
    match d {
        Data::Empty => Cell::Empty,
        Data::String(s) => {
            if s.is_empty() {
                Cell::Empty
            } else {
                Cell::Text(s.clone())
            }
        }
        Data::Float(f) => Cell::Number(*f),
        Data::Int(i) => Cell::Number(*i as f64),
        Data::Bool(b) => Cell::Bool(*b),
        Data::DateTime(dt) => {
            if dt.is_duration() {
                Cell::Number(dt.as_f64())
            } else {
                Cell::Date(dt.as_f64())
            }
        }
        Data::DateTimeIso(s) => match crate::io::read::dates::parse_date(s) {
            Some(date) => Cell::Date(crate::io::read::dates::to_excel_serial(date)),
            None => Cell::Text(s.clone()),
        },
        Data::DurationIso(s) => Cell::Text(s.clone()),
        Data::Error(e) => Cell::Error(format!("{e}")),
    }
}

/// A row with more fields than the header is ambiguous (SPEC section 7) unless the extra fields
/// are empty; `place` is the file (and sheet) for the message.
pub fn check_ragged(raw: &RawRow, width: usize, place: &str, kind: &Kind) -> Result<()> {
    if raw.cells.len() > width && raw.cells[width..].iter().any(|c| !c.is_empty()) {
        let used = raw
            .cells
            .iter()
            .rposition(|c| !c.is_empty())
            .map_or(raw.cells.len(), |p| p + 1);
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

/// A workbook's sheet as listed in messages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SheetInfo {
    pub name: String,
    pub hidden: bool,
}

fn sheet_list(meta: &[calamine::Sheet]) -> Vec<SheetInfo> {
    meta.iter()
        .map(|s| SheetInfo {
            name: s.name.clone(),
            hidden: s.visible != calamine::SheetVisible::Visible,
        })
        .collect()
}

/// `Products, Lookup (hidden)`
fn list_sheets(sheets: &[SheetInfo]) -> String {
    sheets
        .iter()
        .map(|s| {
            if s.hidden {
                format!("\"{}\" (hidden)", s.name)
            } else {
                format!("\"{}\"", s.name)
            }
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// `. The workbook's sheets are: ...; choose one with --sheet NAME` when it has more than one.
fn sheets_note(sheets: &[SheetInfo]) -> String {
    if sheets.len() < 2 {
        return String::new();
    }
    format!(
        ". The workbook's sheets are: {}; choose one with --sheet NAME",
        list_sheets(sheets)
    )
}

/// The sheet to read: `--sheet` (exact, then ignoring case), else the first visible one (a
/// hidden lookup sheet before the data is skipped), else the first.
fn pick_sheet(display: &str, sheets: &[SheetInfo], wanted: Option<&str>) -> Result<String> {
    match wanted {
        Some(wanted) => sheets
            .iter()
            .find(|s| s.name == wanted)
            .or_else(|| sheets.iter().find(|s| s.name.eq_ignore_ascii_case(wanted)))
            .map(|s| s.name.clone())
            .ok_or_else(|| {
                Error::Data(format!(
                    "{display}: there is no sheet named \"{wanted}\"; the sheets are: {}",
                    list_sheets(sheets)
                ))
            }),
        None => Ok(sheets
            .iter()
            .find(|s| !s.hidden)
            .or(sheets.first())
            .map(|s| s.name.clone())
            .unwrap_or_default()),
    }
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

/// Rows of a table per batch handed from the parsing thread to the consuming one.
const BATCH: usize = 2048;

/// What the consuming side does with a batch of rows and what `prepare` made of them.
pub type Consume<'f, P> = dyn FnMut(&[RawRow], &P) -> Result<()> + 'f;

/// Feed every row of `table` to `consume`, in order, a batch at a time: a scoped thread parses
/// rows into batches (their buffers recycled) and runs `prepare` on each batch, while the
/// calling thread runs `consume`. Reading and using a big file take about the same time, so on
/// two cores this nearly halves it. The first error of either side ends both.
pub fn pipelined_rows<P: Default + Send>(
    table: &mut Table,
    prepare: &(dyn Fn(&[RawRow], &mut P) + Sync),
    consume: &mut Consume<'_, P>,
) -> Result<()> {
    use std::sync::mpsc;
    std::thread::scope(|scope| {
        let (full_tx, full_rx) = mpsc::sync_channel::<Result<(Vec<RawRow>, P)>>(4);
        let (empty_tx, empty_rx) = mpsc::channel::<(Vec<RawRow>, P)>();
        scope.spawn(move || {
            loop {
                let (mut batch, mut prepared) = empty_rx.try_recv().unwrap_or_default();
                let mut n = 0;
                let mut end = false;
                let mut failed = None;
                while n < BATCH {
                    if n == batch.len() {
                        batch.push(RawRow::default());
                    }
                    match table.next_row_into(&mut batch[n]) {
                        Ok(true) => n += 1,
                        Ok(false) => {
                            end = true;
                            break;
                        }
                        Err(e) => {
                            failed = Some(e);
                            break;
                        }
                    }
                }
                batch.truncate(n);
                prepare(&batch, &mut prepared);
                // The rows before an unreadable one are consumed first, so an error they hold
                // (a ragged row, say) is the one reported, as when reading row by row. A closed
                // channel means the consuming side stopped on an error: stop too.
                if full_tx.send(Ok((batch, prepared))).is_err() || end {
                    return;
                }
                if let Some(e) = failed {
                    let _ = full_tx.send(Err(e));
                    return;
                }
            }
        });
        for batch in full_rx {
            let (rows, prepared) = batch?;
            consume(&rows, &prepared)?;
            let _ = empty_tx.send((rows, prepared));
        }
        Ok(())
    })
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
    fn delimiters() {
        assert_eq!(sniff_delimiter(b"a;b;c\n1;2,5;3\n4;5;6\n"), b';');
        assert_eq!(sniff_delimiter(b"a,b,c\n1,2,3\n"), b',');
        assert_eq!(sniff_delimiter(b"a\tb\tc\n1\t2\t3\n"), b'\t');
        assert_eq!(sniff_delimiter(b"a|b|c\n1|2|3\n"), b'|');
        // PrestaShop: commas inside header names of a `;` file.
        assert_eq!(
            sniff_delimiter(b"ID;Name *;Categories (x,y,z...);Price\n1;A;x,y;10\n2;B;z;11\n"),
            b';'
        );
    }
}
