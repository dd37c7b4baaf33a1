//! The repeats of an ODS workbook measured before calamine reads it.
//!
//! ODS stores runs of equal cells and rows once, with a count: `table:number-columns-repeated`
//! and `table:number-rows-repeated`. calamine reads every sheet when it opens the file and
//! spreads those runs out: each repeated value is cloned (up to 16,384 columns a row), each
//! repeated row copied, and every sheet becomes a dense grid from its first value to its last
//! (a value in the last column of a row repeated a million times is billions of cells; calamine
//! stops at 100 million cells, after reserving room for them: gigabytes). A `<text:s text:c=N>`
//! is N spaces. So the sheet XML (`content.xml`) is scanned here first, in constant memory,
//! and the memory calamine would take is estimated as it spends it: 56 bytes a cell (the value
//! and its formula) plus the text it copies. A workbook whose estimate is above a fixed 256 MiB
//! plus 8 bytes per byte of its XML is refused (65, naming the file and sheet).
//!
//! The same pass reads the workbook's null date (`<table:null-date table:date-value=...>`),
//! the day its plain numbers count dates from: 1899-12-30 unless the document says otherwise
//! (LibreOffice keeps 1904-01-01 for a workbook that came from Excel's 1904 date system).

use crate::error::{Error, Result};
use crate::io::read::xml_tags::{attr, attrs, name, scan_tags_at};
use std::io::Cursor;

/// Always read below this estimate.
const MIN_BUDGET: u64 = 256 << 20;
/// Beyond it, bytes of memory allowed per byte of sheet XML.
const BYTES_PER_XML_BYTE: u64 = 8;
/// What calamine keeps per cell: its value (32 bytes) and its formula (24).
const CELL_BYTES: u64 = 56;
/// calamine's caps on a sheet's columns and rows.
const MAX_COLUMNS: u64 = 16_384;
const MAX_ROWS: u64 = 1_048_576;
/// Tags longer than this are not read (a real cell's tag is well under a kilobyte).
const MAX_TAG: usize = 1 << 20;

/// Refuse an ODS workbook whose repeats would take calamine far more memory than its XML
/// holds; the message names the sheet that costs most. Gives the days from the 1900 date
/// system's day 0 (1899-12-30) to the workbook's null date (0 for most files).
pub(super) fn check(display: &str, bytes: &[u8]) -> Result<f64> {
    let Ok(mut zip) = zip::ZipArchive::new(Cursor::new(bytes)) else {
        return Ok(0.0); // calamine reports it
    };
    let Ok(content) = zip.by_name("content.xml") else {
        return Ok(0.0);
    };
    let xml_size = content.size();
    let Measured {
        sheets,
        whole,
        null_date,
    } = measure(content);
    let refuse = |what: String| {
        Err(Error::Data(format!(
            "{display}{what}; delete the unused rows and columns (or their formatting) and re-save it from the spreadsheet program, or export it as CSV"
        )))
    };
    if !whole {
        return refuse(
            ": its sheet XML cannot be read as tags (a tag longer than 1 MiB, a DOCTYPE, a comment never closed, or XML cut short: a damaged file)"
                .into(),
        );
    }
    let total: u64 = sheets.iter().map(|s| s.1).fold(0, u64::saturating_add);
    let budget = MIN_BUDGET.saturating_add(xml_size.saturating_mul(BYTES_PER_XML_BYTE));
    if total <= budget {
        return null_date_shift(display, null_date.as_deref());
    }
    let (sheet, cost) = sheets.into_iter().max_by_key(|s| s.1).unwrap_or_default();
    refuse(format!(
        ", sheet \"{sheet}\": its repeated cells, rows and spaces spread out to about {} MiB in memory from {} KiB of XML (a damaged file, or formatting applied to whole rows or columns)",
        cost >> 20,
        xml_size >> 10
    ))
}

/// The days from 1899-12-30 to the null date a workbook names (an ISO date, maybe with a
/// time); one it names but that is no date is refused, as its numbers' dates are unknown.
fn null_date_shift(display: &str, null_date: Option<&[u8]>) -> Result<f64> {
    let Some(value) = null_date else {
        return Ok(0.0);
    };
    let text = String::from_utf8_lossy(value);
    let day = text
        .get(..10)
        .and_then(|d| chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
        .filter(|_| text.len() == 10 || text.as_bytes()[10] == b'T');
    let (Some(day), Some(zero)) = (day, chrono::NaiveDate::from_ymd_opt(1899, 12, 30)) else {
        return Err(Error::Data(format!(
            "{display}: the workbook's null date (table:null-date, the day its numbers count dates from) is \"{text}\", not a date; re-save it from the spreadsheet program, or export it as CSV"
        )));
    };
    Ok((day - zero).num_days() as f64)
}

/// What one pass over content.xml found.
struct Measured {
    /// Each named sheet with its estimated cost in bytes.
    sheets: Vec<(String, u64)>,
    /// `false` when a tag was too long to read.
    whole: bool,
    /// The `table:date-value` of `<table:null-date>`, if the workbook names one.
    null_date: Option<Vec<u8>>,
}

/// A cell whose content calamine is reading: no tag inside it is a row, a sheet or a cell to
/// calamine, whatever it names, until the cell ends where calamine ends it.
enum OpenCell {
    /// A cell whose text is its content: it ends at the first cell end tag (or empty cell tag)
    /// outside an `office:annotation`, whose content calamine skips.
    Text { in_annotation: bool },
    /// Any other cell with content, skipped to its matching end tag (`name`, nested starts of
    /// the same name counted).
    Skipped { name: Vec<u8>, depth: u32 },
}

impl OpenCell {
    /// How calamine reads the content of the cell `tag` opens: its text when it is a string
    /// cell without a string value given (the first value attribute wins), or an error cell
    /// whose string value is empty.
    fn of(tag: &[u8]) -> OpenCell {
        let (mut value_set, mut string, mut error, mut empty_string) = (false, false, false, false);
        for (key, value) in attrs(tag) {
            match key {
                b"office:value"
                | b"office:string-value"
                | b"office:date-value"
                | b"office:time-value"
                | b"office:boolean-value"
                    if !value_set =>
                {
                    value_set = true;
                    empty_string = key == b"office:string-value" && value.is_empty();
                }
                b"office:value-type" if !value_set => string = value == b"string",
                b"calcext:value-type" => error = value == b"error",
                _ => {}
            }
        }
        if (!value_set && string) || (error && empty_string) {
            OpenCell::Text {
                in_annotation: false,
            }
        } else {
            OpenCell::Skipped {
                name: name(tag).to_vec(),
                depth: 0,
            }
        }
    }

    /// Whether `tag` (named `tag_name`, `closed` when empty) ends the cell.
    fn ends_at(&mut self, tag_name: &[u8], closed: bool) -> bool {
        let cell_tag = matches!(tag_name, b"table:table-cell" | b"table:covered-table-cell");
        match self {
            // calamine leaves the annotation at its first end, an empty one's included.
            OpenCell::Text { in_annotation } if *in_annotation => {
                *in_annotation = !(tag_name == b"/office:annotation"
                    || (tag_name == b"office:annotation" && closed));
                false
            }
            OpenCell::Text { in_annotation } => {
                if tag_name == b"office:annotation" && !closed {
                    *in_annotation = true;
                }
                matches!(
                    tag_name,
                    b"/table:table-cell" | b"/table:covered-table-cell"
                ) || (cell_tag && closed)
            }
            OpenCell::Skipped { name, depth } => {
                if tag_name == &name[..] && !closed {
                    *depth += 1;
                    false
                } else if tag_name.strip_prefix(b"/") == Some(&name[..]) {
                    match depth.checked_sub(1) {
                        Some(d) => {
                            *depth = d;
                            false
                        }
                        None => true,
                    }
                } else {
                    false
                }
            }
        }
    }
}

fn measure(xml: impl std::io::Read) -> Measured {
    let mut sheets: Vec<(String, u64)> = Vec::new();
    let mut sheet: Option<Sheet> = None;
    let mut null_date = None;
    let mut open_cell: Option<OpenCell> = None;
    let whole = scan_tags_at(xml, MAX_TAG, |at, tag| {
        let closed = tag.ends_with(b"/");
        if let Some(cell) = &mut open_cell {
            let tag_name = name(tag);
            let in_annotation = matches!(
                cell,
                OpenCell::Text {
                    in_annotation: true
                }
            );
            if cell.ends_at(tag_name, closed) {
                open_cell = None;
                if let Some(s) = &mut sheet {
                    s.end_cell(at);
                }
            } else if tag_name == b"text:s"
                && !in_annotation
                && let Some(s) = &mut sheet
            {
                s.spaces(count(tag, b"text:c"));
            }
            return true;
        }
        match name(tag) {
            b"table:null-date" => {
                null_date = attr(tag, b"table:date-value").map(<[u8]>::to_vec);
            }
            b"table:table" => match &sheet {
                // calamine reads a sheet opened inside another into the one open (its rows
                // are that sheet's), but an empty one (`<table:table .../>`) ends it.
                Some(_) => {
                    if closed && let Some(s) = sheet.take() {
                        let cost = s.cost();
                        sheets.push((s.name, cost));
                    }
                }
                None => {
                    // calamine reads only the sheets that have a name.
                    sheet = attr(tag, b"table:name").map(|n| Sheet {
                        name: String::from_utf8_lossy(n).into_owned(),
                        ..Sheet::default()
                    });
                    if closed && let Some(s) = sheet.take() {
                        sheets.push((s.name, 0));
                    }
                }
            },
            // Inside a row (in a cell's text, say) calamine does not end the sheet there.
            b"/table:table" if !sheet.as_ref().is_some_and(|s| s.in_row) => {
                if let Some(s) = sheet.take() {
                    let cost = s.cost();
                    sheets.push((s.name, cost));
                }
            }
            b"table:table-row" => {
                if let Some(s) = &mut sheet {
                    s.start_row(count(tag, b"table:number-rows-repeated"));
                    if closed {
                        s.end_row();
                    }
                }
            }
            b"/table:table-row" => {
                if let Some(s) = &mut sheet {
                    s.end_row();
                }
            }
            b"table:table-cell" | b"table:covered-table-cell" => {
                if let Some(s) = &mut sheet {
                    s.cell(tag, at, closed);
                    // calamine reads a cell's content only in a row.
                    if !closed && s.in_row {
                        open_cell = Some(OpenCell::of(tag));
                    }
                }
            }
            b"/table:table-cell" | b"/table:covered-table-cell" => {
                if let Some(s) = &mut sheet {
                    s.end_cell(at);
                }
            }
            b"text:s" => {
                if let Some(s) = &mut sheet {
                    s.spaces(count(tag, b"text:c"));
                }
            }
            _ => {}
        }
        true
    });
    Measured {
        sheets,
        // XML that ends inside a sheet or a cell is cut short: calamine fails on it or, inside
        // a sheet or an annotation, reads on forever (its loops take the end for nothing).
        whole: whole && sheet.is_none() && open_cell.is_none(),
        null_date,
    }
}

/// One sheet being measured, row by row.
#[derive(Default)]
struct Sheet {
    name: String,
    /// Rows so far, repeats counted (calamine caps them at `MAX_ROWS`).
    rows: u64,
    /// The row being read: its repeats, the cells calamine pushes for it, the text it copies,
    /// its first and last values' columns, and the empty run that is pushed only if a value
    /// follows.
    row_repeats: u64,
    row_cells: u64,
    row_text: u64,
    row_first: Option<u64>,
    row_last: u64,
    empty_run: u64,
    /// The open cell whose text is counted: where its content starts, its repeats and
    /// the text so far.
    open_text: Option<(u64, u64, u64)>,
    /// Rows from the first with a value to the last (repeats counted), empty rows after the
    /// last one so far, the text the grid copies, its columns, and the cells pushed while
    /// reading.
    grid_rows: u64,
    pending_rows: u64,
    grid_text: u64,
    first_col: Option<u64>,
    last_col: u64,
    pushed: u64,
    /// A row is open (between its start and end tags).
    in_row: bool,
}

impl Sheet {
    fn start_row(&mut self, repeats: u64) {
        // A row opened in a row (calamine refuses the file): the one open is counted first.
        if self.in_row {
            self.end_row();
        }
        let repeats = repeats.min(MAX_ROWS.saturating_sub(self.rows));
        self.rows += repeats;
        self.row_repeats = repeats;
        self.in_row = true;
        self.row_cells = 0;
        self.row_text = 0;
        self.row_first = None;
        self.row_last = 0;
        self.empty_run = 0;
    }

    fn end_row(&mut self) {
        self.in_row = false;
        self.pushed = self
            .pushed
            .saturating_add(self.row_cells.saturating_mul(CELL_BYTES) + self.row_text);
        let Some(first) = self.row_first else {
            if self.first_col.is_some() {
                self.pending_rows = self.pending_rows.saturating_add(self.row_repeats);
            }
            return;
        };
        self.grid_rows = self
            .grid_rows
            .saturating_add(self.pending_rows)
            .saturating_add(self.row_repeats);
        self.pending_rows = 0;
        self.grid_text = self
            .grid_text
            .saturating_add(self.row_text.saturating_mul(self.row_repeats));
        self.first_col = Some(self.first_col.map_or(first, |c| c.min(first)));
        self.last_col = self.last_col.max(self.row_last);
    }

    /// A cell's opening tag (`closed`: it has no content).
    fn cell(&mut self, tag: &[u8], at: u64, closed: bool) {
        let room = |s: &Self| MAX_COLUMNS.saturating_sub(s.row_cells);
        // The empty run before this cell is pushed now.
        self.row_cells += self.empty_run.min(room(self));
        self.empty_run = 0;
        let repeats = count(tag, b"table:number-columns-repeated").min(room(self));
        let value = [
            &b"office:value"[..],
            b"office:string-value",
            b"office:date-value",
            b"office:time-value",
            b"office:boolean-value",
            b"table:formula",
        ]
        .iter()
        .find_map(|a| attr(tag, a));
        // As calamine decides it (the last value type before a value, `OpenCell::of`).
        let string_cell = matches!(OpenCell::of(tag), OpenCell::Text { .. });
        // The text of any cell with content is counted, whatever its attributes say: calamine
        // reads a string cell's text from its content when it has no string value, and an
        // error cell's (`calcext:value-type="error"`) when its string value is empty.
        if !closed && repeats > 0 {
            let content = at + tag.len() as u64 + 2;
            self.open_text = Some((content, repeats, 0));
        }
        if value.is_none() && !string_cell {
            self.empty_run = repeats;
            return;
        }
        if repeats == 0 {
            return;
        }
        let text = value.map_or(0, |v| v.len() as u64);
        self.row_first.get_or_insert(self.row_cells);
        self.row_cells += repeats;
        self.row_last = self.row_cells - 1;
        self.row_text = self.row_text.saturating_add(text.saturating_mul(repeats));
    }

    fn end_cell(&mut self, at: u64) {
        if let Some((from, repeats, spaces)) = self.open_text.take() {
            let text = at.saturating_sub(from).saturating_add(spaces);
            self.row_text = self.row_text.saturating_add(text.saturating_mul(repeats));
        }
    }

    fn spaces(&mut self, n: u64) {
        if let Some((_, _, spaces)) = &mut self.open_text {
            *spaces = spaces.saturating_add(n);
        }
    }

    /// The bytes calamine takes for the sheet: the cells pushed while reading, then the grid
    /// with its rows and repeats spread out.
    fn cost(&self) -> u64 {
        let Some(first) = self.first_col else {
            return self.pushed;
        };
        let width = self.last_col - first + 1;
        self.grid_rows
            .saturating_mul(width)
            .saturating_mul(CELL_BYTES)
            .saturating_add(self.grid_text)
            .saturating_add(self.pushed)
    }
}

/// A repeat count; 1 when absent (calamine refuses a count that is not a number).
fn count(tag: &[u8], attr_name: &[u8]) -> u64 {
    attr(tag, attr_name)
        .and_then(|v| std::str::from_utf8(v).ok())
        .and_then(|v| unescaped(v).trim().parse::<u64>().ok())
        .unwrap_or(1)
}

/// An attribute value with its character references and the five XML entities replaced, as
/// calamine reads a row repeat or a run of spaces (`&#54;000` is 6000); anything else is left.
fn unescaped(v: &str) -> std::borrow::Cow<'_, str> {
    if !v.contains('&') {
        return v.into();
    }
    let mut out = String::with_capacity(v.len());
    let mut rest = v;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        let after = &rest[at + 1..];
        let Some(end) = after.find(';') else {
            out.push_str(&rest[at..]);
            return out.into();
        };
        let entity = &after[..end];
        let c = match entity {
            "amp" => Some('&'),
            "lt" => Some('<'),
            "gt" => Some('>'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            _ => entity
                .strip_prefix("#x")
                .map(|h| u32::from_str_radix(h, 16))
                .or_else(|| entity.strip_prefix('#').map(|d| d.parse::<u32>()))
                .and_then(|n| n.ok())
                .and_then(char::from_u32),
        };
        match c {
            Some(c) => out.push(c),
            None => out.push_str(&rest[at..at + 2 + end]),
        }
        rest = &after[end + 1..];
    }
    out.push_str(rest);
    out.into()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sheet(rows: &str) -> String {
        format!(
            r#"<office:document-content><office:body><office:spreadsheet><table:table table:name="Products">{rows}</table:table></office:spreadsheet></office:body></office:document-content>"#
        )
    }

    fn cost(xml: &str) -> u64 {
        let m = measure(xml.as_bytes());
        assert!(m.whole);
        m.sheets.iter().map(|s| s.1).sum()
    }

    /// `cost` of a sheet whose first row's number cell holds `inside`, then `wide` and `many`.
    fn cost_of_float(inside: &str, wide: &str, many: &str) -> u64 {
        cost(&sheet(&format!(
            r#"<table:table-row><table:table-cell office:value-type="float" office:value="1"><text:p>1{inside}</text:p></table:table-cell></table:table-row>{wide}{many}"#
        )))
    }

    #[test]
    fn a_sheet_ends_where_calamine_ends_it() {
        // One row with values in A and XFD, then 6,000 repeated rows: about 5 GB as one grid.
        let wide = r#"<table:table-row><table:table-cell office:value-type="float" office:value="1"/><table:table-cell table:number-columns-repeated="16382"/><table:table-cell office:value-type="float" office:value="1"/></table:table-row>"#;
        let many = r#"<table:table-row table:number-rows-repeated="6000"><table:table-cell office:value-type="float" office:value="1"/></table:table-row>"#;
        let flat = cost(&sheet(&format!("{wide}{many}")));
        assert!(flat > 4 << 30, "{flat}");
        // A sheet opened inside another is read into it by calamine, rows and all.
        let nested = cost(&sheet(&format!(
            r#"{wide}<table:table table:name="In">{many}</table:table>"#
        )));
        assert!(nested >= flat, "{nested} < {flat}");
        // An end tag inside a cell's text does not end the sheet.
        let in_cell = cost(&sheet(&format!(
            r#"<table:table-row><table:table-cell office:value-type="string"><text:p>x<text:span></table:table></text:span></text:p></table:table-cell></table:table-row>{wide}{many}"#
        )));
        assert!(in_cell >= flat, "{in_cell} < {flat}");
        // Row and sheet tags in a cell's text, or after a cell nested in it, are text to
        // calamine: the sheet goes on, its rows counted.
        for inside in [
            "</table:table-row></table:table>",
            "<table:table-row/></table:table>",
        ] {
            let cost = cost(&sheet(&format!(
                r#"<table:table-row><table:table-cell office:value-type="string"><text:p>x{inside}</text:p></table:table-cell></table:table-row>{wide}{many}"#
            )));
            assert!(cost >= flat, "{inside}: {cost} < {flat}");
        }
        // A number cell's content calamine skips to its matching end, nested cells counted.
        for inside in [
            "</table:table-row></table:table>",
            "<table:table-row/></table:table>",
            "<table:table-cell></table:table-cell></table:table-row></table:table>",
        ] {
            let cost = cost_of_float(inside, wide, many);
            assert!(cost >= flat, "float {inside}: {cost} < {flat}");
        }
        // A cell nested in a string cell's text ends it (calamine stops at its end tag): the
        // spaces before it are the outer cell's text, still counted.
        let spaces = |nested: &str| {
            cost(&sheet(&format!(
                r#"<table:table-row><table:table-cell office:value-type="string" table:number-columns-repeated="16000"><text:p><text:s text:c="200000"/>{nested}</text:p></table:table-cell></table:table-row>"#
            )))
        };
        assert!(spaces("<table:table-cell></table:table-cell>") >= spaces(""));
        assert!(spaces("") > 3 << 30);
        // An empty annotation inside one ends it, as calamine reads it: the cell ends at its
        // end tag, and the rows after it are read.
        let annotated = cost(&sheet(&format!(
            r#"<table:table-row><table:table-cell office:value-type="string"><office:annotation><office:annotation/></table:table-cell></table:table-row>{wide}{many}"#
        )));
        assert!(annotated >= flat, "{annotated} < {flat}");
        // A repeated value type: calamine takes the last one before a value.
        let retyped = cost(&sheet(&format!(
            r#"{wide}<table:table-row table:number-rows-repeated="6000"><table:table-cell office:value-type="float" office:value-type="string"><text:p>x</text:p></table:table-cell></table:table-row>"#
        )));
        assert!(retyped >= flat, "{retyped} < {flat}");
        // Repeats written with character references.
        let escaped = cost(&sheet(&format!(
            "{wide}{}",
            many.replace("\"6000\"", "\"&#54;000\"")
        )));
        assert!(escaped >= flat, "{escaped} < {flat}");
        assert_eq!(unescaped("&#54;0&#x30;0&amp;"), "6000&");
        // XML cut short inside a sheet, or in a cell's annotation: not whole (calamine spins).
        for cut in [
            r#"<table:table table:name="S"><table:table-row><table:table-cell/></table:table-row>"#,
            r#"<table:table table:name="S"><table:table-row><table:table-cell office:value-type="string"><office:annotation><text:p>x"#,
        ] {
            assert!(!measure(cut.as_bytes()).whole, "{cut}");
        }
        assert!(measure(sheet("").as_bytes()).whole);
        assert_eq!(unescaped("&bogus;1"), "&bogus;1");
        // Nor does an end tag with a form feed in its name (quick-xml names it so).
        let ff = cost(&sheet(&format!("</table:table\x0c>{wide}{many}")));
        assert!(ff >= flat, "{ff} < {flat}");
    }

    #[test]
    fn the_null_date_gives_the_days_numbers_are_moved() {
        let settings = |v: &str| {
            format!(
                r#"<office:document-content><office:body><office:spreadsheet><table:calculation-settings><table:null-date table:date-value="{v}"/></table:calculation-settings></office:spreadsheet></office:body></office:document-content>"#
            )
        };
        let shift =
            |xml: &str| null_date_shift("f.ods", measure(xml.as_bytes()).null_date.as_deref());
        assert_eq!(shift(&sheet("")).unwrap(), 0.0);
        assert_eq!(shift(&settings("1899-12-30")).unwrap(), 0.0);
        assert_eq!(shift(&settings("1904-01-01")).unwrap(), 1462.0);
        assert_eq!(shift(&settings("1904-01-01T00:00:00")).unwrap(), 1462.0);
        assert_eq!(shift(&settings("1900-01-01")).unwrap(), 2.0);
        let err = shift(&settings("01/01/1904")).unwrap_err().to_string();
        assert!(
            err.contains("f.ods") && err.contains("\"01/01/1904\", not a date"),
            "{err}"
        );
        assert!(shift(&settings("1904-01-01x")).is_err());
    }

    #[test]
    fn a_plain_sheet_costs_its_cells() {
        let row = r#"<table:table-row><table:table-cell office:value-type="string"><text:p>A-1</text:p></table:table-cell><table:table-cell office:value-type="float" office:value="3"><text:p>3</text:p></table:table-cell><table:table-cell table:number-columns-repeated="1020"/></table:table-row>"#;
        let xml = sheet(&format!(
            "{}{}",
            row.repeat(3),
            r#"<table:table-row table:number-rows-repeated="1048573"><table:table-cell table:number-columns-repeated="1024"/></table:table-row>"#
        ));
        // Three rows of two cells: pushed once and again in the grid, plus their text.
        let c = cost(&xml);
        assert!(c < 1000, "{c}");
    }

    #[test]
    fn a_value_in_the_last_column_of_a_repeated_row_is_billions_of_cells() {
        // A1, then a million rows with a value in XFD: the grid is A1:XFD1000001.
        let xml = sheet(
            r#"<table:table-row><table:table-cell office:value-type="float" office:value="1"/></table:table-row><table:table-row table:number-rows-repeated="1000000"><table:table-cell table:number-columns-repeated="16383"/><table:table-cell office:value-type="float" office:value="1"/></table:table-row>"#,
        );
        assert!(cost(&xml) > 1_000_000 * 16_384 * CELL_BYTES - 1);
    }

    #[test]
    fn repeated_text_and_spaces_are_counted() {
        let xml = sheet(
            r#"<table:table-row><table:table-cell office:value-type="string" table:number-columns-repeated="1000"><text:p>x<text:s text:c="1000000"/></text:p></table:table-cell></table:table-row>"#,
        );
        assert!(cost(&xml) > 1000 * 1_000_000);
    }

    #[test]
    fn spaces_in_any_cell_are_counted() {
        // An error cell with an empty string value: calamine reads its content.
        for cell in [
            r#"<table:table-cell office:value-type="string" office:string-value="" calcext:value-type="error">"#,
            r#"<table:table-cell office:value-type="float" office:value="1">"#,
            r#"<table:table-cell>"#,
        ] {
            let xml = sheet(&format!(
                r#"<table:table-row>{cell}<text:p>x<text:s text:c="1500000000"/></text:p></table:table-cell></table:table-row>"#
            ));
            assert!(cost(&xml) >= 1_500_000_000, "{cell}");
        }
    }

    #[test]
    fn a_big_estimate_is_refused_naming_the_sheet() {
        let xml = sheet(
            r#"<table:table-row><table:table-cell office:value-type="float" office:value="1"/></table:table-row><table:table-row table:number-rows-repeated="1000000"><table:table-cell table:number-columns-repeated="16383"/><table:table-cell office:value-type="float" office:value="1"/></table:table-row>"#,
        );
        let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
        zip.start_file("content.xml", zip::write::SimpleFileOptions::default())
            .expect("zip");
        std::io::Write::write_all(&mut zip, xml.as_bytes()).expect("zip");
        let bytes = zip.finish().expect("zip").into_inner();
        let err = check("big.ods", &bytes).expect_err("refused");
        assert!(
            err.to_string()
                .starts_with("big.ods, sheet \"Products\": its repeated cells, rows and spaces"),
            "{err}"
        );
    }
}
