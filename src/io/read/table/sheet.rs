//! Spreadsheets through calamine: the sheet picked (first visible by default), XLSX read cell by
//! cell with formulas, percent formats and merged regions, other workbooks (XLS, ODS) measured
//! first (`cfb_check`, `xls_check`, `ods_check`) and then read as a range. Rows are kept sparse
//! (`SheetRow`) until the readers take them.

use super::cell::{DAYS_1900_TO_1904, SheetRow, cell_from_data};
use super::sniff::{check_expanded_size, is_ole, is_zip, read_up_to};
use super::{
    Cell, Kind, ReadOptions, Source, Table, cfb_check, is_percent_format, ods_check, xls_check,
};
use crate::error::{Error, Result};
use crate::io::read::merges;
use calamine::Reader;
use std::collections::VecDeque;
use std::fs::File;
use std::io::{BufReader, Cursor, Read, Seek, SeekFrom};
use std::path::Path;

impl Table {
    pub(super) fn open_sheet(
        path: &Path,
        display: String,
        mut file: File,
        opts: &ReadOptions,
    ) -> Result<Table> {
        // The zip's directory first: a zip bomb is refused before anything is read or inflated.
        let mut head = [0u8; 4];
        let n = read_up_to(&mut file, &mut head).map_err(|e| Error::from_io_input(path, &e))?;
        let mut is_xlsx = false;
        let mut is_ods = false;
        if n == 4 && is_zip(&head) {
            (is_xlsx, is_ods) = check_expanded_size(&display, &mut file, opts.max_sheet_bytes)?;
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
        // calamine reads every sheet of an XLS or ODS file into a dense grid when it opens it:
        // what the file declares is measured first.
        if is_ole(&bytes) {
            check_xls(&display, &bytes)?;
        }
        let mut ods_shift = 0.0;
        if is_ods {
            ods_shift = ods_check::check(&display, &bytes)?;
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
        // Every row keeps the range's width (as it always has), but only its cells present are
        // stored until it is read.
        let width = range.width();
        let mut rows: Vec<SheetRow> = (0..range.height())
            .map(|i| SheetRow {
                row: row0 + i + 1,
                width,
                cells: Vec::new(),
            })
            .collect();
        for (r, c, value) in range.used_cells() {
            let cell = cell_from_data(value);
            if cell != Cell::Empty
                && let Some(row) = rows.get_mut(r)
            {
                row.cells.push((c, cell));
            }
        }
        drop(range);
        // A formula whose result was never saved reads as an empty cell; mark it, so the
        // reader can say so instead of taking it for a missing value.
        if let Ok(formulas) = workbook.worksheet_formula(&sheet) {
            let (fr, fc) = formulas
                .start()
                .map(|(a, b)| (a as usize, b as usize))
                .unwrap_or((0, 0));
            for (r, c, f) in formulas.used_cells() {
                let (abs_r, abs_c) = (fr + r, fc + c);
                if f.is_empty() || abs_r < row0 || abs_c < col0 || abs_c - col0 >= width {
                    continue;
                }
                let Some(row) = rows.get_mut(abs_r - row0) else {
                    continue;
                };
                let col = abs_c - col0;
                if let Err(at) = row.cells.binary_search_by_key(&col, |(c, _)| *c) {
                    row.cells.insert(at, (col, Cell::Formula(f.clone())));
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
        let date1904 = match &workbook {
            calamine::Sheets::Xls(xls) => xls.has_1904_epoch(),
            calamine::Sheets::Xlsx(xlsx) => xlsx.has_1904_epoch(),
            calamine::Sheets::Xlsb(xlsb) => xlsb.has_1904_epoch(),
            calamine::Sheets::Ods(_) => false,
        };
        let serial_shift = if date1904 {
            DAYS_1900_TO_1904
        } else {
            ods_shift
        };
        Ok(Table {
            path: path.to_path_buf(),
            display,
            sheet: Some(sheet),
            sheets,
            number_formats: false,
            serial_shift,
            kind: Kind::Spreadsheet,
            col_offset: col0,
            decimal_comma_hint: false,
            merges,
            merges_truncated,
            merge_warnings: Vec::new(),
            source: Source::Sheet {
                rows: rows.into_iter(),
                cut: None,
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
            let text_budget = SHARED_TEXT_BASE
                .saturating_add((bytes.len() as u64).saturating_mul(SHARED_TEXT_PER_FILE_BYTE));
            let place = format!("{display}, sheet \"{sheet}\"");
            let cells = crate::Timings::time("sheet cells", || {
                read_xlsx_cells(
                    &mut xlsx,
                    (bytes, index),
                    &sheet,
                    &place,
                    &unreadable,
                    text_budget,
                )
            });
            (cells, merges.join().unwrap_or_default())
        });
        let (by_row, col0) = cells?;
        // Rows stay sparse until read: one value in column XFD is one cell, not 16,384.
        let rows: Vec<SheetRow> = by_row
            .into_iter()
            .map(|(r, cells)| SheetRow {
                row: r as usize + 1,
                width: 0,
                cells: cells
                    .into_iter()
                    .map(|(c, cell)| ((c - col0) as usize, cell))
                    .collect(),
            })
            .collect();
        Ok(Some(Table {
            path: path.to_path_buf(),
            display: display.to_string(),
            sheet: Some(sheet),
            sheets,
            number_formats: true,
            serial_shift: if xlsx.has_1904_epoch() {
                DAYS_1900_TO_1904
            } else {
                0.0
            },
            kind: Kind::Spreadsheet,
            col_offset: col0 as usize,
            decimal_comma_hint: false,
            merges,
            merges_truncated,
            merge_warnings: Vec::new(),
            source: Source::Sheet {
                rows: rows.into_iter(),
                cut: None,
            },
            buffer: VecDeque::new(),
        }))
    }
}

/// The XLS container and its sheets' sizes, checked before calamine reads them (see
/// `cfb_check` and `xls_check`): a damaged container, or a sheet spread over a grid far larger
/// than its values, is refused.
fn check_xls(display: &str, bytes: &[u8]) -> Result<()> {
    let stream = match cfb_check::workbook_stream(bytes) {
        Ok(Some(stream)) => stream,
        // calamine says what is wrong, or panics on it (a chain leaving the file): `Table::open`
        // catches the panic and calls the file damaged.
        Ok(None) => return Ok(()),
        Err(damage) => {
            return Err(Error::Data(format!(
                "{display}: the file's internal structure is damaged ({}); re-save it from the spreadsheet program, or export it as CSV",
                damage.explain()
            )));
        }
    };
    match xls_check::check(&stream) {
        None => Ok(()),
        Some(xls_check::Oversized::Grid(sheet, allowed)) => {
            let spread = match &sheet.span {
                Some(span) => format!(" (its values spread over {span})"),
                None => String::new(),
            };
            let mib = |cells: u64| cells.saturating_mul(xls_check::GRID_CELL_BYTES) >> 20;
            Err(Error::Data(format!(
                "{display}, sheet \"{}\": the sheet is a grid of {} cells{spread} for only {} values: reading it would take about {} MiB, above the {} MiB allowed for the workbook's values; delete the stray cells far from the data and re-save it from the spreadsheet program, or export it as CSV",
                sheet.name,
                sheet.grid,
                sheet.cells,
                mib(sheet.grid),
                mib(allowed)
            )))
        }
        Some(xls_check::Oversized::Declared(sheet)) => Err(Error::Data(format!(
            "{display}, sheet \"{}\": the sheet's Dimensions record declares {} cells, more than a sheet can hold (65536 rows by 256 columns): the file is damaged; re-save it from the spreadsheet program, or export it as CSV",
            sheet.name, sheet.declared
        ))),
        Some(xls_check::Oversized::SharedText(sheet, budget)) => Err(Error::Data(format!(
            "{display}, sheet \"{}\": the cells repeat the workbook's shared strings into more than {} MiB of text (a damaged file, or one long text in every cell); re-save it from the spreadsheet program, or export it as CSV",
            sheet.name,
            budget >> 20
        ))),
    }
}

use super::xlsx_fast::{self, CellsByRow};

/// Text copied from the shared strings table into cells, always allowed...
const SHARED_TEXT_BASE: u64 = 512 << 20;
/// ...and per byte of the file beyond that: a cell refers to a shared string by its number
/// (about 30 bytes of XML), so one long string used by every cell would otherwise be copied
/// into each of them.
const SHARED_TEXT_PER_FILE_BYTE: u64 = 64;

/// The present cells of an XLSX sheet by row, and the first column used. Text copied from the
/// shared strings table beyond `text_budget` bytes is refused (see `SHARED_TEXT_BASE`). A plain
/// sheet is read by `xlsx_fast` (the file's bytes and the sheet's index are for it), any other
/// by calamine's cell reader: the same cells either way.
fn read_xlsx_cells(
    xlsx: &mut calamine::Xlsx<Cursor<&[u8]>>,
    (bytes, index): (&[u8], usize),
    sheet: &str,
    place: &str,
    unreadable: &dyn Fn(calamine::XlsxError) -> Error,
    text_budget: u64,
) -> Result<(CellsByRow, u32)> {
    let styles = sheet_styles(xlsx, sheet, unreadable)?;
    match xlsx_fast::read(bytes, index, sheet, &styles, text_budget) {
        Some(xlsx_fast::Outcome::Cells(by_row, col0)) => {
            let col0 = if col0 == u32::MAX { 0 } else { col0 };
            Ok((by_row, col0))
        }
        Some(xlsx_fast::Outcome::OverBudget) => Err(over_budget(place, text_budget)),
        None => calamine_cells(xlsx, sheet, place, unreadable, text_budget, &styles.percent),
    }
}

/// The workbook's styles as the sheet's readers need them (calamine checks the sheet is one
/// it can read first).
fn sheet_styles(
    xlsx: &mut calamine::Xlsx<Cursor<&[u8]>>,
    sheet: &str,
    unreadable: &dyn Fn(calamine::XlsxError) -> Error,
) -> Result<xlsx_fast::Styles> {
    let reader = xlsx.worksheet_cells_reader(sheet).map_err(unreadable)?;
    // Per style, whether it shows a number as a percentage (only a workbook that has one pays
    // for calamine's second pass that reads each cell's style), and its number format.
    let (percent_styles, formats): (Vec<bool>, Vec<_>) = reader
        .styles()
        .iter()
        .map(|s| match &s.number_format {
            Some(f) => (
                is_percent_format(&f.format_code),
                f.format_id.map(|id| (id, f.format_code.clone())),
            ),
            None => (false, None),
        })
        .unzip();
    drop(reader);
    Ok(xlsx_fast::Styles {
        percent: percent_styles,
        formats,
        date1904: xlsx.has_1904_epoch(),
    })
}

/// `read_xlsx_cells` through calamine's cell reader: any sheet calamine can read.
fn calamine_cells(
    xlsx: &mut calamine::Xlsx<Cursor<&[u8]>>,
    sheet: &str,
    place: &str,
    unreadable: &dyn Fn(calamine::XlsxError) -> Error,
    text_budget: u64,
    percent_styles: &[bool],
) -> Result<(CellsByRow, u32)> {
    use calamine::DataRef;
    let mut reader = xlsx.worksheet_cells_reader(sheet).map_err(unreadable)?;
    let mut by_row = CellsByRow::new();
    let mut col0 = u32::MAX;
    let mut shared_text = 0u64;
    while let Some(rec) = reader.next_cell_with_formula().map_err(unreadable)? {
        // The record taken apart: its owned texts move into the cell, not copied.
        let calamine::XlsxCellFormula {
            pos: (r, c),
            value,
            formula,
        } = rec;
        let cell = match (value, formula) {
            (DataRef::Empty, Some(f)) if !f.is_empty() => Cell::Formula(f),
            (DataRef::SharedString(s), _) => {
                shared_text = shared_text.saturating_add(s.len() as u64);
                if shared_text > text_budget {
                    return Err(over_budget(place, text_budget));
                }
                if s.is_empty() {
                    Cell::Empty
                } else {
                    Cell::Text(s.to_string())
                }
            }
            (DataRef::Int(i), _) => Cell::Number(i as f64),
            (DataRef::Float(f), _) => Cell::Number(f),
            // As `cell_from_data` reads a text (empty is no cell), without copying it.
            (DataRef::String(s), _) if s.is_empty() => Cell::Empty,
            (DataRef::String(s), _) => Cell::Text(s),
            (DataRef::Bool(b), _) => Cell::Bool(b),
            (DataRef::DateTime(dt), _) => cell_from_data(&calamine::Data::DateTime(dt)),
            (DataRef::DateTimeIso(s), _) => cell_from_data(&calamine::Data::DateTimeIso(s)),
            (DataRef::DurationIso(s), _) => Cell::Text(s),
            (DataRef::Error(e), _) => Cell::Error(format!("{e}")),
            (DataRef::Empty, _) => Cell::Empty,
        };
        if cell == Cell::Empty {
            continue;
        }
        col0 = col0.min(c);
        by_row.entry(r).or_default().push((c, cell));
    }
    drop(reader);
    // Some writers save a row's cells out of column order: each row sorted by column (the
    // readers place cells by it, the percent styles below are found by binary search). A cell
    // listed twice keeps its last value, as calamine's own grid does.
    for cells in by_row.values_mut() {
        sort_by_column(cells);
    }
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

fn over_budget(place: &str, text_budget: u64) -> Error {
    Error::Data(format!(
        "{place}: the cells repeat the workbook's shared strings into more than {} MiB of text (a damaged file, or one long text in every cell); re-save it from the spreadsheet program, or export it as CSV",
        text_budget >> 20,
    ))
}

/// A row's cells in ascending column order, one per column (the last listed wins).
fn sort_by_column(cells: &mut Vec<(u32, Cell)>) {
    if cells.is_sorted_by(|a, b| a.0 < b.0) {
        return;
    }
    cells.sort_by_key(|(c, _)| *c); // stable: duplicates stay in file order
    cells.dedup_by(|later, kept| {
        if later.0 != kept.0 {
            return false;
        }
        std::mem::swap(later, kept);
        true
    });
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
pub(super) fn sheets_note(sheets: &[SheetInfo]) -> String {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_out_of_column_order_are_sorted_the_last_of_a_column_kept() {
        let n = |f: f64| Cell::Number(f);
        let mut cells = vec![
            (4, n(7.0)),
            (3, n(22.0)),
            (0, Cell::Text("U-2".into())),
            (3, n(23.0)),
            (1, Cell::Text("Rug".into())),
        ];
        sort_by_column(&mut cells);
        assert_eq!(
            cells,
            vec![
                (0, Cell::Text("U-2".into())),
                (1, Cell::Text("Rug".into())),
                (3, n(23.0)),
                (4, n(7.0)),
            ]
        );
    }

    /// Workbooks (zip files) under `dir`, recursively.
    fn workbooks(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for e in entries.flatten() {
            let path = e.path();
            if path.is_dir() {
                workbooks(&path, out);
            } else if std::fs::read(&path).is_ok_and(|b| is_zip(&b)) {
                out.push(path);
            }
        }
    }

    /// Every sheet of every workbook under `dirs` read both ways: where the fast reader reads
    /// a sheet, calamine reads the same cells (or refuses the same over-budget text). Returns
    /// (sheets the fast reader read, sheets compared).
    fn fast_and_calamine_agree(dirs: &[&Path]) -> (usize, usize) {
        let mut files = Vec::new();
        for dir in dirs {
            workbooks(dir, &mut files);
        }
        files.sort();
        let (mut fast, mut total) = (0, 0);
        for file in files {
            // As `open_sheet`: a zip bomb is refused before calamine sees it.
            let mut f = File::open(&file).unwrap();
            if !check_expanded_size("", &mut f, 0).is_ok_and(|(xlsx, _)| xlsx) {
                continue;
            }
            let bytes = std::fs::read(&file).unwrap();
            let names: Vec<String> = match calamine::Xlsx::new(Cursor::new(&bytes[..])) {
                Ok(x) => x.sheets_metadata().iter().map(|s| s.name.clone()).collect(),
                Err(_) => continue,
            };
            for (index, name) in names.iter().enumerate() {
                if names[..index].contains(name) {
                    continue;
                }
                let budget = SHARED_TEXT_BASE;
                let unreadable = |e: calamine::XlsxError| Error::Data(e.to_string());
                // As `read_xlsx_cells`: the fast reader runs once calamine has read the styles,
                // outside any catch (a panic of its own fails the test); calamine's cells are
                // read apart, and a sheet they panic on is not compared.
                let styles = std::panic::catch_unwind(|| {
                    let mut xlsx = calamine::Xlsx::new(Cursor::new(&bytes[..])).ok()?;
                    sheet_styles(&mut xlsx, name, &unreadable).ok()
                });
                let Ok(Some(styles)) = styles else {
                    continue;
                };
                let quick = xlsx_fast::read(&bytes, index, name, &styles, budget);
                let slow = std::panic::catch_unwind(|| {
                    let mut xlsx = calamine::Xlsx::new(Cursor::new(&bytes[..])).unwrap();
                    calamine_cells(&mut xlsx, name, "", &unreadable, budget, &styles.percent)
                        .map_err(|e| e.to_string())
                });
                let Ok(slow) = slow else {
                    continue;
                };
                total += 1;
                let place = format!("{}, sheet {name}", file.display());
                match quick {
                    Some(xlsx_fast::Outcome::Cells(by_row, col0)) => {
                        fast += 1;
                        let slow =
                            slow.unwrap_or_else(|e| panic!("{place}: calamine refused it: {e}"));
                        let col0 = if col0 == u32::MAX { 0 } else { col0 };
                        assert!(slow == (by_row, col0), "{place}: the cells differ");
                    }
                    Some(xlsx_fast::Outcome::OverBudget) => {
                        assert!(slow.is_err(), "{place}: only the fast reader refused it");
                    }
                    None if std::env::var_os("CLEARANCE_XLSX_CORPUS_VERBOSE").is_some() => {
                        println!("left to calamine: {place}");
                    }
                    None => {}
                }
            }
        }
        (fast, total)
    }

    #[test]
    fn fast_reader_agrees_with_calamine() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let (fast, total) =
            fast_and_calamine_agree(&[&root.join("fixtures"), &root.join("tests/fixtures")]);
        // Most sheets are read by the fast reader: the comparison means something.
        assert!(
            fast >= 180,
            "only {fast} of {total} sheets were read by the fast reader"
        );
    }

    /// The same on any folders of workbooks (`CLEARANCE_XLSX_CORPUS_VERBOSE=1` lists the
    /// sheets left to calamine): `CLEARANCE_XLSX_CORPUS=dir1:dir2 cargo test
    /// --release fast_reader_agrees_on_a_corpus -- --ignored --nocapture`.
    #[test]
    #[ignore]
    fn fast_reader_agrees_on_a_corpus() {
        let dirs = std::env::var("CLEARANCE_XLSX_CORPUS").unwrap_or_default();
        let dirs: Vec<&Path> = dirs
            .split(':')
            .filter(|d| !d.is_empty())
            .map(Path::new)
            .collect();
        let (fast, total) = fast_and_calamine_agree(&dirs);
        println!("{fast} of {total} sheets read by the fast reader, the same cells as calamine");
    }
}
