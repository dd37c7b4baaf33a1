//! Writers: one per output format. They only read a finished plan; every file is written to a
//! temporary file in the target folder and renamed into place.

pub mod atomic;
pub mod csv_out;
pub mod json;
pub mod report_text;
pub mod report_xlsx;
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
