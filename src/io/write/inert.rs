//! Text from inputs made inert for the two outputs a person reads as formatted text: Markdown
//! (report.md) and the terminal (tables, warnings, errors). One helper per concern.

/// Text for the terminal: every control character (C0 but the line feed, DEL, C1) is replaced
/// by a visible escape such as `\u{1b}`, so a name holding ESC, an OSC sequence, BEL or CR
/// cannot move the cursor, change colours, set a hyperlink or rewrite a line. Line feeds are
/// kept: messages and tables are made of lines. Bidirectional overrides and isolates
/// (U+202A-U+202E, U+2066-U+2069) are escaped too: a name holding one would reorder the rest
/// of its line on screen (a sku shown reversed, a price moved into another column).
pub fn terminal_text(s: &str) -> std::borrow::Cow<'_, str> {
    if !s.chars().any(|c| c != '\n' && hidden(c)) {
        return std::borrow::Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if c != '\n' && hidden(c) {
            out.push_str(&format!("\\u{{{:x}}}", u32::from(c)));
        } else {
            out.push(c);
        }
    }
    std::borrow::Cow::Owned(out)
}

/// A character that acts on the terminal instead of showing: a control character or a
/// bidirectional override or isolate.
fn hidden(c: char) -> bool {
    c.is_control() || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// One table cell of the terminal: as [`terminal_text`], with line feeds escaped too.
pub fn terminal_cell(s: &str) -> String {
    terminal_text(s).replace('\n', "\\u{a}")
}

/// Text for Markdown (CommonMark and GitHub tables): renders as the characters given, never as
/// a link, an image, emphasis, code, HTML or a table column. Every ASCII punctuation character
/// with an inline meaning gets a backslash (the backslash itself first, so `\|` becomes `\\\|`
/// and cannot un-escape the pipe); `<`, `>` and `&` become entities; line breaks become spaces
/// and other control characters a visible `\u{..}`.
pub fn markdown_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '\\' | '`' | '*' | '_' | '[' | ']' | '(' | ')' | '!' | '|' | '~' => {
                out.push('\\');
                out.push(c);
            }
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '\n' | '\r' | '\t' => out.push(' '),
            c if hidden(c) => out.push_str(&format!("\\\\u{{{:x}}}", u32::from(c))),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bidi_overrides_become_visible() {
        assert_eq!(
            terminal_text("SKU-1\u{202e}99.0\u{2066}x\u{2069}"),
            "SKU-1\\u{202e}99.0\\u{2066}x\\u{2069}"
        );
        assert_eq!(terminal_text("Café – ÅÖ"), "Café – ÅÖ");
    }

    #[test]
    fn terminal_controls_become_visible() {
        assert_eq!(terminal_text("plain\nlines"), "plain\nlines");
        assert_eq!(
            terminal_text("\x1b[31mred\x07\r\u{9b}\u{7f}"),
            "\\u{1b}[31mred\\u{7}\\u{d}\\u{9b}\\u{7f}"
        );
        assert_eq!(
            terminal_text("\x1b]8;;http://x\x07link"),
            "\\u{1b}]8;;http://x\\u{7}link"
        );
        assert_eq!(terminal_cell("a\nb\tc"), "a\\u{a}b\\u{9}c");
    }

    #[test]
    fn markdown_is_inert() {
        assert_eq!(
            markdown_text("![t](http://evil.example/t.png)"),
            "\\!\\[t\\]\\(http://evil.example/t.png\\)"
        );
        assert_eq!(markdown_text("a|b"), "a\\|b");
        assert_eq!(markdown_text("a\\|b"), "a\\\\\\|b");
        assert_eq!(
            markdown_text("<script>&amp;</script>"),
            "&lt;script&gt;&amp;amp;&lt;/script&gt;"
        );
        assert_eq!(
            markdown_text("*em* _em_ `code`"),
            "\\*em\\* \\_em\\_ \\`code\\`"
        );
        assert_eq!(markdown_text("a\r\nb"), "a  b");
        assert_eq!(markdown_text("Boot 42.5-x"), "Boot 42.5-x");
        assert_eq!(markdown_text("\x1b"), "\\\\u{1b}");
    }
}
