//! The cell model: one cell as read, before any field knows what it should hold, and a row of
//! them with its number as the user sees it.

use calamine::Data;

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

#[cfg(test)]
mod tests {
    use super::*;

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
