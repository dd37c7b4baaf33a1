//! The cell model: one cell as read, before any field knows what it should hold, and a row of
//! them with its number as the user sees it.

use calamine::{Data, ExcelDateTime, ExcelDateTimeType};

/// Days from the 1900 date system's day 0 to the 1904 system's: a workbook saved in the 1904
/// system (Excel for Mac's old default, `<workbookPr date1904="1"/>`) stores each date as a
/// serial this much lower.
pub(super) const DAYS_1900_TO_1904: f64 = 1462.0;

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
    /// A date or date-time cell, as an Excel serial day number in the 1900 date system (a
    /// workbook saved in the 1904 system has its serials moved to it on reading).
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
    crate::io::read::number::decimal_from_f64(stored)
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
    /// Set when a sheet's row, cut once the header was found (see `SheetRow::into_raw`), has
    /// values beyond the header's width: how many columns its values reach (its last value's
    /// column + 1), for the message about a row too wide for its header.
    pub beyond_header: Option<usize>,
}

/// Where a sheet's rows are cut once the header is found (`Table::cut_rows_at`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Cut {
    /// Columns kept: up to the last one a reader uses.
    pub keep: usize,
    /// The header's width: values beyond it make the row too wide.
    pub header: usize,
}

/// A sheet's row as read: only the cells present, by column (0 = the sheet's first column), so
/// a row with one value in column XFD costs one cell until it is read.
#[derive(Debug, Clone, Default)]
pub(super) struct SheetRow {
    pub row: usize,
    /// The row's width at least (XLS and ODS rows keep their range's width, as they always
    /// have; XLSX rows end at their last value).
    pub width: usize,
    /// The cells present, by ascending column.
    pub cells: Vec<(usize, Cell)>,
}

impl SheetRow {
    /// The row as the readers see it: one cell per column up to its last value, or up to
    /// `cut.keep` when cut. The values after that are not spread over empty cells: the first is
    /// kept as the row's last cell (so a row with values only there is not taken for an empty
    /// one), and how far those beyond the header reach is noted in `beyond_header`.
    pub(super) fn into_raw(self, cut: Option<Cut>) -> RawRow {
        let last = self.cells.iter().map(|(c, _)| c + 1).max().unwrap_or(0);
        let full = self.width.max(last);
        let keep = cut.map_or(full, |cut| full.min(cut.keep));
        let header = cut.map_or(usize::MAX, |cut| cut.header);
        let mut cells = vec![Cell::Empty; keep];
        let mut first_beyond = None;
        let mut reach = None;
        for (c, cell) in self.cells {
            if c < keep {
                cells[c] = cell;
            } else if !cell.is_empty() {
                if c >= header {
                    reach = Some(reach.map_or(c + 1, |r: usize| r.max(c + 1)));
                }
                first_beyond.get_or_insert(cell);
            }
        }
        cells.extend(first_beyond);
        RawRow {
            row: self.row,
            cells,
            beyond_header: reach,
        }
    }
}

pub(super) fn cell_from_data(d: &Data) -> Cell {
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
                // calamine keeps the serial as stored, and `ExcelDateTime` tells its date
                // system only by comparison (a NaN serial compares unequal: read as it is).
                let serial = dt.as_f64();
                let in_1904 = *dt == ExcelDateTime::new(serial, ExcelDateTimeType::DateTime, true);
                Cell::Date(if in_1904 {
                    serial + DAYS_1900_TO_1904
                } else {
                    serial
                })
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_width_is_the_highest_column_whatever_the_order() {
        let row = SheetRow {
            row: 3,
            width: 0,
            cells: vec![
                (4, Cell::Number(7.0)),
                (3, Cell::Number(22.0)),
                (0, Cell::Text("U-2".into())),
            ],
        };
        let raw = row.into_raw(None);
        assert_eq!(
            raw.cells,
            vec![
                Cell::Text("U-2".into()),
                Cell::Empty,
                Cell::Empty,
                Cell::Number(22.0),
                Cell::Number(7.0)
            ]
        );
    }

    #[test]
    fn a_far_value_is_not_spread_over_empty_cells() {
        let row = SheetRow {
            row: 7,
            width: 0,
            cells: vec![
                (0, Cell::Text("A-1".into())),
                (2, Cell::Number(3.0)),
                (16_383, Cell::Text("far".into())),
            ],
        };
        let whole = row.clone().into_raw(None);
        assert_eq!(whole.cells.len(), 16_384);
        assert_eq!(whole.beyond_header, None);
        let cut = row.clone().into_raw(Some(Cut { keep: 4, header: 4 }));
        assert_eq!(cut.row, 7);
        assert_eq!(
            cut.cells,
            vec![
                Cell::Text("A-1".into()),
                Cell::Empty,
                Cell::Number(3.0),
                Cell::Empty,
                Cell::Text("far".into())
            ]
        );
        assert_eq!(cut.beyond_header, Some(16_384));
        // A header naming XFD too: the row is cut after the last column read (C), its value
        // in XFD kept as its last cell, and it is not too wide.
        let cut = row.into_raw(Some(Cut {
            keep: 3,
            header: 16_384,
        }));
        assert_eq!(
            cut.cells,
            vec![
                Cell::Text("A-1".into()),
                Cell::Empty,
                Cell::Number(3.0),
                Cell::Text("far".into())
            ]
        );
        assert_eq!(cut.beyond_header, None);
    }

    #[test]
    fn a_row_within_the_header_is_kept_whole() {
        let row = SheetRow {
            row: 2,
            width: 5,
            cells: vec![(1, Cell::Bool(true))],
        };
        let raw = row.into_raw(Some(Cut { keep: 6, header: 6 }));
        assert_eq!(raw.cells.len(), 5);
        assert_eq!(raw.beyond_header, None);
    }

    #[test]
    fn percent_formats() {
        assert!(is_percent_format("0%"));
        assert!(is_percent_format("0.00%"));
        assert!(is_percent_format("[Red]0.0%;-0.0%"));
        assert!(!is_percent_format("0.0#\"%\""));
        assert!(!is_percent_format("0\\%"));
        assert!(!is_percent_format("General"));
        assert!(!is_percent_format("#,##0.00"));
    }

    #[test]
    fn percent_cells_read_as_shown() {
        assert_eq!(
            percent_shown(0.35)
                .map(|d| d.normalize().to_string())
                .as_deref(),
            Some("35")
        );
        assert_eq!(
            percent_shown(0.07)
                .map(|d| d.normalize().to_string())
                .as_deref(),
            Some("7")
        );
        assert_eq!(Cell::Percent(0.125).text().as_deref(), Some("12.5%"));
        assert_eq!(percent_shown(f64::NAN), None);
    }
}
