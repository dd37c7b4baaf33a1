//! Writers: one per output format. They only read a finished plan; every file is written to a
//! temporary file in the target folder and renamed into place.

pub mod atomic;
pub mod csv_out;
pub mod files;
pub mod inert;
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
