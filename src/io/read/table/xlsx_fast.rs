//! The cells of a plain XLSX sheet read straight from its XML: about four times faster than
//! calamine's general cell reader, which parses every tag into events. "Plain" is what
//! spreadsheet programs write for a table of texts and numbers: every cell named (`r="B7"`) in
//! file order, values in `<v>` or inline `<is>`, shared strings, numbers in styles calamine reads
//! as plain numbers (not dates), standard package paths. Anything else, or anything this reader
//! does not follow exactly as calamine does (a date style, an error cell, a `_x000D_` escape, a
//! carriage return, a comment, a prefixed tag, a formula without its result), returns `None`,
//! and calamine reads the sheet as before: the cells are the same either way (the test
//! `fast_reader_agrees_with_calamine` compares both on every workbook under `fixtures/`).

use super::Cell;
use super::cell::DAYS_1900_TO_1904;
use std::io::Read;

/// The present cells of a sheet by row, as `sheet::read_xlsx_cells` returns them.
pub(super) type CellsByRow = std::collections::BTreeMap<u32, Vec<(u32, Cell)>>;

pub(super) enum Outcome {
    /// The cells by row and the first column used (`u32::MAX` when none).
    Cells(CellsByRow, u32),
    /// The text copied from shared strings went over the budget.
    OverBudget,
}

/// The workbook's styles as calamine read them, and its date system.
pub(super) struct Styles {
    /// Per style id, whether numbers in it read as percentages.
    pub percent: Vec<bool>,
    /// Per style id, its number format's id and code as calamine read them (a custom code,
    /// a built-in one or "General"), when it read one.
    pub formats: Vec<Option<(u32, String)>>,
    /// The workbook counts dates in the 1904 date system.
    pub date1904: bool,
}

/// How calamine reads a number in a style (its `CellFormat`).
#[derive(Clone, Copy, PartialEq, Debug)]
enum Class {
    Number,
    Date,
    Duration,
}

/// The `index`-th sheet of the workbook in `bytes`, named `sheet`, read when it is plain.
pub(super) fn read(
    bytes: &[u8],
    index: usize,
    sheet: &str,
    styles: &Styles,
    text_budget: u64,
) -> Option<Outcome> {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).ok()?;
    let path = sheet_path(&mut zip, index, sheet)?;
    let classes = match exact_entry(&zip, "xl/styles.xml")? {
        Some(_) => style_classes(&small_part(&mut zip, "xl/styles.xml")?, styles)?,
        None if styles.formats.is_empty() => Vec::new(),
        None => return None,
    };
    let strings = match exact_entry(&zip, "xl/sharedStrings.xml")? {
        Some(i) => shared_strings(zip.by_index(i).ok()?)?,
        None => Vec::new(),
    };
    let i = exact_entry(&zip, &path)??;
    read_cells(
        zip.by_index(i).ok()?,
        &strings,
        &classes,
        styles,
        text_budget,
    )
}

/// Chunk read from the sheet's XML at a time.
const CHUNK: usize = 256 * 1024;
/// Longest tag and longest text run followed; longer ones leave the sheet to calamine.
const MAX_TAG: usize = 64 * 1024;
const MAX_TEXT: usize = 1 << 20;

/// A token: the inside of a tag (`c r="A1" t="s"` of `<c r="A1" t="s">`) or the text between
/// two tags, as a range of the lexer's buffer, valid until the next call.
enum Tok {
    Tag(std::ops::Range<usize>),
    Text(std::ops::Range<usize>),
}

/// Tags and texts of an XML stream, read a chunk at a time. A `>` inside a quoted attribute
/// value does not end a tag. Only what calamine's XML parser reads the same way is followed:
/// a comment, CDATA or DOCTYPE (`<!`, which end elsewhere than at the first `>`), a processing
/// instruction other than the opening declaration (`<?xml ...?>`), a control character or
/// bytes that are not UTF-8 in a tag end the stream as not followed.
struct Lexer<R> {
    src: R,
    buf: Vec<u8>,
    pos: usize,
    eof: bool,
    /// A tag has been returned: no declaration may follow.
    tagged: bool,
}

impl<R: Read> Lexer<R> {
    fn new(src: R) -> Self {
        Lexer {
            src,
            buf: Vec::with_capacity(CHUNK * 2),
            pos: 0,
            eof: false,
            tagged: false,
        }
    }

    /// More input after what is held; `None` when the stream cannot be read.
    fn fill(&mut self) -> Option<()> {
        if self.pos > 0 {
            self.buf.drain(..self.pos);
            self.pos = 0;
        }
        let start = self.buf.len();
        self.buf.resize(start + CHUNK, 0);
        let n = loop {
            match self.src.read(&mut self.buf[start..]) {
                Ok(n) => break n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(_) => {
                    self.buf.truncate(start);
                    return None;
                }
            }
        };
        self.buf.truncate(start + n);
        self.eof = n == 0;
        Some(())
    }

    /// The next token; `Some(None)` at the end, `None` when the input is not followed.
    fn next(&mut self) -> Option<Option<Tok>> {
        loop {
            let rest = &self.buf[self.pos..];
            if rest.is_empty() {
                if self.eof {
                    return Some(None);
                }
                self.fill()?;
                continue;
            }
            if rest[0] == b'<' {
                // The first `>` outside a quoted value.
                let mut from = 1;
                let end = loop {
                    let Some(k) = memchr::memchr3(b'>', b'"', b'\'', &rest[from..]) else {
                        break None;
                    };
                    let at = from + k;
                    if rest[at] == b'>' {
                        break Some(at);
                    }
                    match memchr::memchr(rest[at], &rest[at + 1..]) {
                        Some(q) => from = at + q + 2,
                        None => break None,
                    }
                };
                match end {
                    Some(end) => {
                        let tag = &rest[1..end];
                        let declaration = !self.tagged
                            && tag.starts_with(b"?xml ")
                            && tag.ends_with(b"?")
                            && !tag.contains(&b'>');
                        if !tag_followed(tag)
                            || (tag.first() == Some(&b'?') && !declaration)
                            || !end_tag_plain(tag)
                        {
                            return None;
                        }
                        self.tagged = true;
                        let tag = self.pos + 1..self.pos + end;
                        self.pos += end + 1;
                        return Some(Some(Tok::Tag(tag)));
                    }
                    None if self.eof || rest.len() > MAX_TAG => return None,
                    None => self.fill()?,
                }
            } else {
                match memchr::memchr(b'<', rest) {
                    Some(k) => {
                        let text = self.pos..self.pos + k;
                        self.pos += k;
                        return Some(Some(Tok::Text(text)));
                    }
                    None if self.eof => {
                        let text = self.pos..self.buf.len();
                        self.pos = self.buf.len();
                        return Some(Some(Tok::Text(text)));
                    }
                    None if rest.len() > MAX_TEXT => return None,
                    None => self.fill()?,
                }
            }
        }
    }

    /// The next tag of a structure, where texts between tags are only white space; `None` at
    /// the end or on other text.
    fn next_tag(&mut self) -> Option<std::ops::Range<usize>> {
        loop {
            match self.next()?? {
                Tok::Tag(r) => return Some(r),
                Tok::Text(r) if blank(self.slice(&r)) => {}
                Tok::Text(_) => return None,
            }
        }
    }

    fn slice(&self, r: &std::ops::Range<usize>) -> &[u8] {
        &self.buf[r.clone()]
    }
}

/// A tag the lexer follows: not a comment, CDATA or DOCTYPE; UTF-8 without control characters
/// but tab and line ends (calamine's parser splits names at those four only).
fn tag_followed(tag: &[u8]) -> bool {
    let allowed = |b: u8| b >= 0x20 || matches!(b, b'\t' | b'\r' | b'\n');
    tag.first() != Some(&b'!')
        && tag.iter().all(|&b| allowed(b))
        && (tag.is_ascii() || std::str::from_utf8(tag).is_ok())
}

/// An end tag is its name and white space only: quick-xml keeps anything after the name in it
/// (`</c x="1">` is not `</c>` for calamine; `</row x:sheetData>` ends its sheetData).
fn end_tag_plain(tag: &[u8]) -> bool {
    let Some(rest) = tag.strip_prefix(b"/") else {
        return true;
    };
    let end = rest.iter().position(is_xml_space).unwrap_or(rest.len());
    end > 0 && !rest[..end].ends_with(b"/") && blank(&rest[end..])
}

/// Space, tab or a line end: XML's white space.
fn is_xml_space(b: &u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\r' | b'\n')
}

/// Text that is only white space: all that may stand between the tags of a structure (calamine
/// stops at a stray `&`, for one).
fn blank(text: &[u8]) -> bool {
    text.iter().all(is_xml_space)
}

/// A tag taken apart: its name (`c`, `/c` for a closing tag), what follows the name, and
/// whether it closes itself (`<c r="A1"/>`, which calamine reads as `<c r="A1"></c>`). An end
/// tag is only its name and white space (the lexer refuses others, `end_tag_plain`).
struct TagParts<'a> {
    name: &'a [u8],
    attrs: &'a [u8],
    empty: bool,
}

fn parts(tag: &[u8]) -> TagParts<'_> {
    let (tag, empty) = match tag.strip_suffix(b"/") {
        Some(t) => (t, true),
        None => (tag, false),
    };
    let end = tag.iter().position(is_xml_space).unwrap_or(tag.len());
    TagParts {
        name: &tag[..end],
        attrs: &tag[end..],
        empty,
    }
}

/// Calls `f` with each `name="value"` of a tag; `false` when they are not well formed or `f`
/// returns `false`. A name repeated is refused (calamine keeps one of them).
fn each_attr<'a>(mut rest: &'a [u8], mut f: impl FnMut(&'a [u8], &'a [u8]) -> bool) -> bool {
    let mut seen: [&[u8]; 16] = [b""; 16];
    let mut n = 0;
    loop {
        let trimmed = rest.trim_ascii_start();
        if trimmed.is_empty() {
            return true;
        }
        if trimmed.len() == rest.len() {
            return false; // no space before the name
        }
        let Some(eq) = trimmed.iter().position(|&b| b == b'=') else {
            return false;
        };
        let key = trimmed[..eq].trim_ascii_end();
        if key.is_empty() || key.iter().any(|b| b.is_ascii_whitespace()) {
            return false;
        }
        let after = trimmed[eq + 1..].trim_ascii_start();
        let Some(&quote) = after.first().filter(|q| **q == b'"' || **q == b'\'') else {
            return false;
        };
        let Some(close) = after[1..].iter().position(|&b| b == quote) else {
            return false;
        };
        if seen[..n].contains(&key) || n == seen.len() {
            return false;
        }
        seen[n] = key;
        n += 1;
        if !f(key, &after[1..1 + close]) {
            return false;
        }
        rest = &after[close + 2..];
    }
}

/// The `(row, column)` of a cell reference, both from 0: `B7` is (6, 1). Only the plain form
/// (capital letters, a row without leading zeros) within a sheet's limits.
fn cell_ref(r: &[u8]) -> Option<(u32, u32)> {
    let letters = r.iter().take_while(|b| b.is_ascii_uppercase()).count();
    let digits = &r[letters..];
    if !(1..=3).contains(&letters)
        || digits.is_empty()
        || digits.len() > 7
        || digits[0] == b'0'
        || !digits.iter().all(u8::is_ascii_digit)
    {
        return None;
    }
    let col = r[..letters]
        .iter()
        .fold(0u32, |acc, b| acc * 26 + u32::from(b - b'A') + 1);
    let row = digits
        .iter()
        .fold(0u32, |acc, b| acc * 10 + u32::from(b - b'0'));
    (col <= 16_384 && row <= 1_048_576).then(|| (row - 1, col - 1))
}

/// A number of at most nine digits, without sign or leading zeros (but `0`).
fn small_number(v: &[u8]) -> Option<usize> {
    if v.is_empty() || v.len() > 9 || (v.len() > 1 && v[0] == b'0') {
        return None;
    }
    v.iter().try_fold(0usize, |acc, b| {
        b.is_ascii_digit().then(|| acc * 10 + usize::from(b - b'0'))
    })
}

/// A decimal number as spreadsheet programs write one (`-12.5`, `1E-3`), parsed exactly as
/// calamine's parser would (both round correctly); anything else is not followed.
fn plain_number(v: &[u8]) -> Option<f64> {
    let mut i = usize::from(v.first() == Some(&b'-'));
    let int = v[i..].iter().take_while(|b| b.is_ascii_digit()).count();
    if int == 0 {
        return None;
    }
    i += int;
    if v.get(i) == Some(&b'.') {
        let frac = v[i + 1..].iter().take_while(|b| b.is_ascii_digit()).count();
        if frac == 0 {
            return None;
        }
        i += 1 + frac;
    }
    if matches!(v.get(i), Some(b'e' | b'E')) {
        i += 1;
        if matches!(v.get(i), Some(b'+' | b'-')) {
            i += 1;
        }
        let exp = v[i..].iter().take_while(|b| b.is_ascii_digit()).count();
        if exp == 0 {
            return None;
        }
        i += exp;
    }
    if i != v.len() {
        return None;
    }
    std::str::from_utf8(v).ok()?.parse().ok()
}

/// XML text with its entities decoded, appended to `out`. A raw carriage return (calamine
/// normalises line ends), an unknown entity or bytes that are not UTF-8 are not followed.
fn decode_into(raw: &[u8], out: &mut String) -> Option<()> {
    let text = std::str::from_utf8(raw).ok()?;
    if text.contains('\r') {
        return None;
    }
    let mut rest = text;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        let after = &rest[amp + 1..];
        let semi = after.find(';')?;
        let entity = &after[..semi];
        match entity {
            "amp" => out.push('&'),
            "lt" => out.push('<'),
            "gt" => out.push('>'),
            "quot" => out.push('"'),
            "apos" => out.push('\''),
            _ => {
                let code = if let Some(hex) = entity.strip_prefix("#x") {
                    if hex.is_empty()
                        || hex.len() > 6
                        || !hex.bytes().all(|b| b.is_ascii_hexdigit())
                    {
                        return None;
                    }
                    u32::from_str_radix(hex, 16).ok()?
                } else if let Some(dec) = entity.strip_prefix('#') {
                    if dec.is_empty() || dec.len() > 7 || !dec.bytes().all(|b| b.is_ascii_digit()) {
                        return None;
                    }
                    dec.parse().ok()?
                } else {
                    return None;
                };
                if code == 0 {
                    return None;
                }
                out.push(char::from_u32(code)?);
            }
        }
        rest = &after[semi + 1..];
    }
    out.push_str(rest);
    Some(())
}

/// The text of the `<t>`s of a rich string (a shared string's `<si>`, a cell's `<is>`), up to
/// the tag `/closing`, as calamine joins them: phonetic runs (`<rPh>`) left out, each `<t>`
/// trimmed of spaces and line ends unless it keeps them (`xml:space="preserve"`).
fn rich_text<R: Read>(lx: &mut Lexer<R>, closing: &[u8]) -> Option<String> {
    // The `<r>` runs and their fonts (`<rPr>` and what it holds), phonetic runs and their
    // properties: nothing to read but their `<t>`s. Other tags are not expected here.
    const RUN_TAGS: [&[u8]; 19] = [
        b"r",
        b"rPr",
        b"b",
        b"i",
        b"u",
        b"sz",
        b"color",
        b"rFont",
        b"family",
        b"charset",
        b"scheme",
        b"strike",
        b"vertAlign",
        b"outline",
        b"shadow",
        b"condense",
        b"extend",
        b"phoneticPr",
        b"rPh",
    ];
    let mut out = String::new();
    // The tags open inside the string, each closed in turn (calamine's parser stops at an end
    // tag that closes another).
    let mut open: Vec<&[u8]> = Vec::new();
    loop {
        let r = lx.next_tag()?;
        let p = parts(lx.slice(&r));
        if let Some(name) = p.name.strip_prefix(b"/") {
            if open.is_empty() {
                return (name == closing).then_some(out);
            }
            if open.pop()? != name {
                return None;
            }
            continue;
        }
        let phonetic = open.contains(&&b"rPh"[..]);
        // calamine's phonetic flag is cleared by any `</rPh>`, an inner one's too.
        if phonetic && p.name == b"rPh" {
            return None;
        }
        match p.name {
            b"t" => {
                let mut preserve = false;
                if !each_attr(p.attrs, |k, v| {
                    preserve = k == b"xml:space" && v == b"preserve";
                    k == b"xml:space"
                }) {
                    return None;
                }
                let empty = p.empty;
                let mut text = String::new();
                if !empty {
                    loop {
                        match lx.next()?? {
                            Tok::Text(r) => decode_into(lx.slice(&r), &mut text)?,
                            Tok::Tag(r) if lx.slice(&r) == b"/t" => break,
                            Tok::Tag(_) => return None,
                        }
                    }
                }
                if phonetic {
                    continue;
                }
                let text = if preserve {
                    &text[..]
                } else {
                    text.trim_matches([' ', '\t', '\r', '\n'])
                };
                // calamine decodes Excel's `_x000D_` escapes: not followed here.
                if text.contains("_x") {
                    return None;
                }
                out.push_str(text);
            }
            name => {
                let known = RUN_TAGS.iter().find(|t| **t == name)?;
                if !p.empty {
                    open.push(known);
                }
                if open.len() > 16 {
                    return None;
                }
            }
        }
    }
}

/// The workbook's shared strings, in order.
fn shared_strings(entry: impl Read) -> Option<Vec<String>> {
    let mut lx = Lexer::new(entry);
    skip_to(&mut lx, b"sst")?;
    let mut strings = Vec::new();
    loop {
        let r = lx.next_tag()?;
        let p = parts(lx.slice(&r));
        match p.name {
            b"si" if p.empty => strings.push(String::new()),
            b"si" => strings.push(rich_text(&mut lx, b"si")?),
            b"/sst" => return Some(strings),
            _ => return None,
        }
    }
}

/// Reads up to the opening tag `name` (whose content follows); `None` when a prefixed name or
/// the tag closing itself comes first, or it is missing. (What comes before it, calamine has
/// read without fault before this reader starts.)
fn skip_to<R: Read>(lx: &mut Lexer<R>, name: &[u8]) -> Option<()> {
    loop {
        let Tok::Tag(r) = lx.next()?? else {
            continue;
        };
        let p = parts(lx.slice(&r));
        if p.name.rsplit(|&b| b == b':').next() == Some(name) {
            return (p.name == name && !p.empty).then_some(());
        }
    }
}

/// What a `<c>` holds once read, as calamine's value.
enum Value {
    Empty,
    Number(f64),
    Bool(bool),
    Text(String),
    Shared(usize),
}

fn read_cells(
    entry: impl Read,
    strings: &[String],
    classes: &[Class],
    styles: &Styles,
    text_budget: u64,
) -> Option<Outcome> {
    let mut lx = Lexer::new(entry);
    // An empty sheet (`<sheetData/>`) and a sheet whose data tag calamine would not find are
    // left to calamine.
    skip_to(&mut lx, b"sheetData")?;
    let mut by_row = CellsByRow::new();
    let mut col0 = u32::MAX;
    let mut shared_text = 0u64;
    let mut last: Option<(u32, u32)> = None;
    // Inside a `<row>` (calamine's parser stops at a `</row>` that closes nothing, or at
    // `</sheetData>` while a row is open).
    let mut in_row = false;
    loop {
        let r = lx.next_tag()?;
        let p = parts(lx.slice(&r));
        match p.name {
            b"/row" if in_row => {
                in_row = false;
                continue;
            }
            // Every cell names its place: the rows' own numbers are not needed, but calamine
            // stops at one it cannot read.
            b"row" if !in_row => {
                in_row = !p.empty;
                let mut ok = true;
                if !each_attr(p.attrs, |k, v| {
                    if k == b"r" {
                        ok = small_number(v).is_some_and(|r| (1..=1_048_576).contains(&r));
                    }
                    true
                }) || !ok
                {
                    return None;
                }
                continue;
            }
            b"/sheetData" if !in_row => return Some(Outcome::Cells(by_row, col0)),
            b"c" => {}
            _ => return None,
        }
        let (mut pos, mut style, mut kind) = (None, None, None);
        let attrs_ok = each_attr(p.attrs, |k, v| {
            match k {
                b"r" => pos = cell_ref(v),
                b"s" => {
                    style = small_number(v);
                    return style.is_some();
                }
                b"t" => kind = Some(Kind::of(v)),
                _ => return false,
            }
            true
        });
        if !attrs_ok {
            return None;
        }
        // Cells named in file order: no cell listed twice, none needing calamine's count.
        let (row, col) = pos?;
        if last.is_some_and(|l| l >= (row, col)) {
            return None;
        }
        last = Some((row, col));
        let (value, formula) = if p.empty {
            (Value::Empty, false)
        } else {
            cell_body(&mut lx, kind, strings)?
        };
        let cell = match value {
            Value::Empty if formula => return None, // its formula's text is what calamine reads
            Value::Empty => continue,
            Value::Number(f) => {
                // A cell without a style is a plain number; one whose style calamine has not
                // read is too.
                let class = style.and_then(|id| classes.get(id)).copied();
                // As `cell_from_data`: a date is its serial day number (in the 1900 date
                // system), a duration a number.
                if class == Some(Class::Date) {
                    Cell::Date(if styles.date1904 {
                        f + DAYS_1900_TO_1904
                    } else {
                        f
                    })
                } else if style.is_some_and(|id| id > 0 && styles.percent.get(id) == Some(&true)) {
                    Cell::Percent(f)
                } else {
                    Cell::Number(f)
                }
            }
            Value::Bool(b) => Cell::Bool(b),
            Value::Text(s) if s.is_empty() => continue,
            Value::Text(s) => Cell::Text(s),
            Value::Shared(i) => {
                let s = strings.get(i)?;
                shared_text = shared_text.saturating_add(s.len() as u64);
                if shared_text > text_budget {
                    return Some(Outcome::OverBudget);
                }
                if s.is_empty() {
                    continue;
                }
                Cell::Text(s.clone())
            }
        };
        col0 = col0.min(col);
        by_row.entry(row).or_default().push((col, cell));
    }
}

/// The inside of a `<c>` up to `</c>`: its value as calamine reads it (the last `<v>` or `<is>`
/// wins), and whether it holds a formula.
fn cell_body<R: Read>(
    lx: &mut Lexer<R>,
    kind: Option<Kind>,
    strings: &[String],
) -> Option<(Value, bool)> {
    let mut value = Value::Empty;
    let mut formula = false;
    loop {
        let r = lx.next_tag()?;
        let p = parts(lx.slice(&r));
        match p.name {
            b"/c" => return Some((value, formula)),
            b"v" => {
                let mut raw = Vec::new();
                if !p.attrs.trim_ascii().is_empty() {
                    return None;
                }
                if !p.empty {
                    loop {
                        match lx.next()?? {
                            Tok::Text(r) => raw.extend_from_slice(lx.slice(&r)),
                            Tok::Tag(r) if lx.slice(&r) == b"/v" => break,
                            Tok::Tag(_) => return None,
                        }
                    }
                }
                value = v_value(kind, &raw, strings)?;
            }
            b"is" => {
                if !p.attrs.trim_ascii().is_empty() {
                    return None;
                }
                value = if p.empty {
                    Value::Text(String::new())
                } else {
                    Value::Text(rich_text(lx, b"is")?)
                };
            }
            b"f" => {
                // A shared formula's range and number must be readable (calamine stops at the
                // sheet otherwise); one without its range is expanded from the first.
                let (mut shared, mut si, mut range) = (false, None, None);
                if !each_attr(p.attrs, |k, v| {
                    match k {
                        b"t" => shared = v == b"shared",
                        b"si" => si = Some(v),
                        b"ref" => range = Some(v),
                        _ => {}
                    }
                    true
                }) {
                    return None;
                }
                if shared {
                    small_number(si?)?;
                    if let Some(range) = range {
                        let mut ends = range.split(|&b| b == b':');
                        let first = cell_ref(ends.next()?)?;
                        if let Some(b) = ends.next() {
                            let last = cell_ref(b)?;
                            if last.0 < first.0 || last.1 < first.1 {
                                return None;
                            }
                        }
                        if ends.next().is_some() {
                            return None;
                        }
                    }
                }
                if !p.empty {
                    let mut scratch = String::new();
                    loop {
                        match lx.next()?? {
                            Tok::Text(r) => decode_into(lx.slice(&r), &mut scratch)?,
                            Tok::Tag(r) if lx.slice(&r) == b"/f" => break,
                            Tok::Tag(_) => return None,
                        }
                    }
                }
                formula = true;
            }
            _ => return None,
        }
    }
}

/// A cell's type (`t="s"`).
#[derive(Clone, Copy, PartialEq)]
enum Kind {
    Number,
    Shared,
    Bool,
    Str,
    Inline,
    /// Errors, ISO dates, unknown types: left to calamine.
    Other,
}

impl Kind {
    fn of(t: &[u8]) -> Kind {
        match t {
            b"n" => Kind::Number,
            b"s" => Kind::Shared,
            b"b" => Kind::Bool,
            b"str" => Kind::Str,
            b"inlineStr" | b"is" => Kind::Inline,
            _ => Kind::Other,
        }
    }
}

/// A `<v>`'s value by the cell's type, as calamine's `read_v`.
fn v_value(kind: Option<Kind>, raw: &[u8], strings: &[String]) -> Option<Value> {
    Some(match kind {
        None | Some(Kind::Number) => match raw {
            b"" => Value::Empty,
            _ => Value::Number(plain_number(raw)?),
        },
        Some(Kind::Shared) => match raw {
            b"" => Value::Empty,
            _ => {
                let i = small_number(raw)?;
                strings.get(i)?;
                Value::Shared(i)
            }
        },
        Some(Kind::Bool) => match raw {
            b"" => Value::Empty,
            b"0" | b"false" => Value::Bool(false),
            b"1" | b"true" => Value::Bool(true),
            _ => return None,
        },
        Some(Kind::Str) => {
            let mut s = String::new();
            decode_into(raw, &mut s)?;
            if s.contains("_x") {
                return None;
            }
            Value::Text(s)
        }
        // The value of an inline string is in its `<is>`.
        Some(Kind::Inline) => Value::Empty,
        Some(Kind::Other) => return None,
    })
}

/// The zip entry named exactly `name`: `Some(None)` when there is none in any spelling,
/// `None` when another entry differs from it only in case or slashes (calamine may pick that
/// one).
fn exact_entry(zip: &zip::ZipArchive<std::io::Cursor<&[u8]>>, name: &str) -> Option<Option<usize>> {
    let mut found = None;
    for i in 0..zip.len() {
        let entry = zip.name_for_index(i)?.ok()?;
        if entry == name {
            found = Some(i);
        } else if entry.replace('\\', "/").eq_ignore_ascii_case(name) {
            return None;
        }
    }
    Some(found)
}

/// A small XML part of the package, whole.
fn small_part(zip: &mut zip::ZipArchive<std::io::Cursor<&[u8]>>, name: &str) -> Option<Vec<u8>> {
    let i = exact_entry(zip, name)??;
    let mut out = Vec::new();
    zip.by_index(i)
        .ok()?
        .take(16 << 20)
        .read_to_end(&mut out)
        .ok()?;
    (out.len() < 16 << 20).then_some(out)
}

/// Every element of a small part, in order: `f` gets its path (the names of the elements it
/// sits in, from the root, itself last) and its attributes. `watched` are the names the caller
/// reads, the root's first. `None` when the part is not followed: an end tag that closes
/// another element, anything after the root element, a prefixed name whose local part is one
/// of `watched` (calamine matches local names), an element inside the root named as the root
/// (calamine stops at its end), or whatever `f` refuses.
fn elements(
    xml: &[u8],
    watched: &[&[u8]],
    mut f: impl FnMut(&[Vec<u8>], &[u8]) -> Option<()>,
) -> Option<()> {
    let mut lx = Lexer::new(xml);
    let mut path: Vec<Vec<u8>> = Vec::new();
    let mut closed = false;
    while let Some(tok) = lx.next()? {
        let Tok::Tag(r) = tok else { continue };
        let p = parts(lx.slice(&r));
        if p.name.first() == Some(&b'?') {
            continue; // the declaration: the lexer follows no other instruction
        }
        if closed || path.len() > 64 {
            return None;
        }
        if let Some(name) = p.name.strip_prefix(b"/") {
            if path.pop()? != name {
                return None;
            }
            closed = path.is_empty();
            continue;
        }
        let local = p.name.rsplit(|&b| b == b':').next()?;
        // calamine stops at the first end of an element named as the root (watched[0]).
        if (local.len() != p.name.len() && watched.contains(&local))
            || (!path.is_empty() && watched.first() == Some(&local))
        {
            return None;
        }
        path.push(p.name.to_vec());
        f(&path, p.attrs)?;
        if p.empty {
            path.pop();
            closed = path.is_empty();
        }
    }
    closed.then_some(())
}

/// Whether an element's path is exactly `names`.
fn is_path(path: &[Vec<u8>], names: &[&[u8]]) -> bool {
    path.len() == names.len() && path.iter().zip(names).all(|(a, b)| a == b)
}

/// Each `Relationship` of a relationships part, by its attributes; `None` when one stands
/// anywhere but in the root `Relationships`.
fn relationships(xml: &[u8], mut f: impl FnMut(&[u8]) -> Option<()>) -> Option<()> {
    const ROOT: &[u8] = b"Relationships";
    const REL: &[u8] = b"Relationship";
    elements(xml, &[ROOT, REL], |path, attrs| {
        if path.last()? != REL {
            return Some(());
        }
        is_path(path, &[ROOT, REL]).then_some(())?;
        f(attrs)
    })
}

/// The zip path of the `index`-th sheet, found as calamine finds it, when the package is laid
/// out the standard way (`xl/workbook.xml`, targets without `..`) and that sheet is the one
/// named `sheet`.
fn sheet_path(
    zip: &mut zip::ZipArchive<std::io::Cursor<&[u8]>>,
    index: usize,
    sheet: &str,
) -> Option<String> {
    let simple = |v: &[u8]| {
        !v.is_empty()
            && v.iter()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'/' | b'_' | b'-' | b'.'))
            && !v.windows(2).any(|w| w == b"..")
    };
    // The workbook part: calamine takes the last officeDocument relationship.
    let rels = small_part(zip, "_rels/.rels")?;
    let mut document = None;
    relationships(&rels, |attrs| {
        let (mut typ, mut target) = (None, None);
        each_attr(attrs, |k, v| {
            match k {
                b"Type" => typ = Some(v.to_vec()),
                b"Target" => target = Some(v.to_vec()),
                _ => {}
            }
            true
        })
        .then_some(())?;
        if typ.is_some_and(|t| t.ends_with(b"/relationships/officeDocument")) {
            document = Some(target?);
        }
        Some(())
    })?;
    let document = document?;
    if document != b"xl/workbook.xml" && document != b"/xl/workbook.xml" {
        return None;
    }
    // The sheets in order: only the `<sheet>`s of `<workbook><sheets>` (calamine counts one
    // anywhere else too, but for inside a `<definedName>`).
    let workbook = small_part(zip, "xl/workbook.xml")?;
    let (mut seen, mut rel_id) = (0usize, None);
    let sheet_tags: [&[u8]; 3] = [b"workbook", b"sheets", b"sheet"];
    elements(&workbook, &sheet_tags, |path, attrs| {
        if path.last()? != b"sheet" {
            return Some(());
        }
        is_path(path, &sheet_tags).then_some(())?;
        if seen == index {
            let (mut name, mut id) = (None, None);
            each_attr(attrs, |k, v| {
                if k == b"name" {
                    name = Some(v.to_vec());
                } else if k.rsplit(|&b| b == b':').next() == Some(b"id") {
                    if id.is_some() {
                        return false;
                    }
                    id = Some(v.to_vec());
                }
                true
            })
            .then_some(())?;
            let mut decoded = String::new();
            decode_into(&name?, &mut decoded)?;
            (decoded == sheet).then_some(())?;
            rel_id = Some(id?);
        }
        seen += 1;
        Some(())
    })?;
    let rel_id = rel_id?;
    let rels = small_part(zip, "xl/_rels/workbook.xml.rels")?;
    let mut target = None;
    relationships(&rels, |attrs| {
        let (mut id, mut typ, mut t) = (None, None, None);
        each_attr(attrs, |k, v| {
            match k {
                b"Id" => id = Some(v),
                b"Type" => typ = Some(v),
                b"Target" => t = Some(v),
                _ => {}
            }
            true
        })
        .then_some(())?;
        // The last relationship with that id wins, as in calamine's map.
        if id == Some(&rel_id[..]) {
            let worksheet =
                typ.is_some_and(|t| t.rsplit(|&b| b == b'/').next() == Some(b"worksheet"));
            target = Some(t.filter(|t| worksheet && simple(t)).map(<[u8]>::to_vec));
        }
        Some(())
    })?;
    let target = String::from_utf8(target??).ok()?;
    Some(match target.strip_prefix('/') {
        Some(absolute) => absolute.to_string(),
        None => format!("xl/{target}"),
    })
}

/// How calamine reads numbers in each cell style (`cellXfs`) of `xl/styles.xml`: a custom
/// format (`numFmts`) by its code, a built-in one by its id as written. Only the standard
/// layout is followed: one `numFmts` before one `cellXfs`, both in the root `styleSheet`, and
/// each style's format id and code must be those calamine read (`styles.formats`).
fn style_classes(xml: &[u8], styles: &Styles) -> Option<Vec<Class>> {
    const ROOT: &[u8] = b"styleSheet";
    const NUM_FMTS: &[u8] = b"numFmts";
    const NUM_FMT: &[u8] = b"numFmt";
    const CELL_XFS: &[u8] = b"cellXfs";
    const XF: &[u8] = b"xf";
    let mut custom: std::collections::HashMap<Vec<u8>, String> = Default::default();
    // Each style's number format id as written, and its custom code.
    let mut xfs: Vec<Option<(Vec<u8>, Option<String>)>> = Vec::new();
    let (mut num_fmts, mut cell_xfs) = (false, false);
    elements(
        xml,
        &[ROOT, NUM_FMTS, NUM_FMT, CELL_XFS, XF],
        |path, attrs| {
            let inside = |name: &[u8]| path[..path.len() - 1].iter().any(|p| p == name);
            match &path.last()?[..] {
                NUM_FMTS => {
                    (is_path(path, &[ROOT, NUM_FMTS]) && !num_fmts && !cell_xfs).then_some(())?;
                    num_fmts = true;
                }
                CELL_XFS => {
                    (is_path(path, &[ROOT, CELL_XFS]) && !cell_xfs).then_some(())?;
                    cell_xfs = true;
                }
                NUM_FMT if inside(NUM_FMTS) => {
                    is_path(path, &[ROOT, NUM_FMTS, NUM_FMT]).then_some(())?;
                    let (mut id, mut code) = (None, None);
                    each_attr(attrs, |k, v| {
                        match k {
                            b"numFmtId" => id = Some(v),
                            b"formatCode" => code = Some(v),
                            _ => {}
                        }
                        true
                    })
                    .then_some(())?;
                    if let (Some(id), Some(code)) = (id, code) {
                        if code.iter().any(|b| matches!(b, b'\t' | b'\n' | b'\r')) {
                            return None;
                        }
                        let mut decoded = String::new();
                        decode_into(code, &mut decoded)?;
                        custom.insert(id.to_vec(), decoded);
                    }
                }
                XF if inside(CELL_XFS) => {
                    is_path(path, &[ROOT, CELL_XFS, XF]).then_some(())?;
                    let mut id = None;
                    each_attr(attrs, |k, v| {
                        if k == b"numFmtId" {
                            id = Some(v);
                        }
                        true
                    })
                    .then_some(())?;
                    xfs.push(id.map(|id| (id.to_vec(), custom.get(id).cloned())));
                }
                // A `numFmt` of a differential format (`<dxf>`), an `xf` of a cell style
                // (`cellStyleXfs`): not what cells read.
                _ => {}
            }
            Some(())
        },
    )?;
    if xfs.len() != styles.formats.len() {
        return None;
    }
    let mut classes = Vec::with_capacity(xfs.len());
    for (xf, calamine) in xfs.iter().zip(&styles.formats) {
        classes.push(match (xf, calamine) {
            (None, None) => Class::Number,
            (Some((id, code)), Some((calamine_id, calamine_code))) => {
                (small_number(id)? == *calamine_id as usize).then_some(())?;
                match code {
                    Some(code) => {
                        (code == calamine_code).then_some(())?;
                        code_class(code)
                    }
                    // calamine reads such a style by its built-in id, or by a custom code this
                    // reader did not see: followed only when both read numbers alike.
                    None => {
                        let class = builtin_class(id);
                        (code_class(calamine_code) == class).then_some(class)?
                    }
                }
            }
            _ => return None,
        });
    }
    Some(classes)
}

/// calamine's `detect_custom_number_format`: does the format code show a date or a duration.
fn code_class(format: &str) -> Class {
    let mut escaped = false;
    let mut is_quote = false;
    let mut brackets = 0u8;
    let mut prev = ' ';
    let mut hms = false;
    let mut ap = false;
    for s in format.chars() {
        match (s, escaped, is_quote, ap, brackets) {
            (_, true, ..) => escaped = false,
            ('_' | '\\' | '*', ..) => escaped = true,
            ('"', _, true, _, _) => is_quote = false,
            (_, _, true, _, _) => (),
            ('"', _, _, _, _) => is_quote = true,
            (';', ..) => return Class::Number,
            // As calamine's release build counts (a `u8` that wraps).
            ('[', ..) => brackets = brackets.wrapping_add(1),
            (']', .., 1) if hms => return Class::Duration,
            (']', ..) => brackets = brackets.saturating_sub(1),
            ('a' | 'A', _, _, false, 0) => ap = true,
            ('p' | 'm' | '/' | 'P' | 'M', _, _, true, 0) => return Class::Date,
            ('d' | 'm' | 'h' | 'y' | 's' | 'D' | 'M' | 'H' | 'Y' | 'S', _, _, false, 0) => {
                return Class::Date;
            }
            _ => {
                if !(hms && s.eq_ignore_ascii_case(&prev)) {
                    hms = prev == '[' && matches!(s, 'm' | 'h' | 's' | 'M' | 'H' | 'S');
                }
            }
        }
        prev = s;
    }
    Class::Number
}

/// calamine's `builtin_format_by_id`: the built-in number formats that are dates or times, by
/// the id as written (`14`, not `014`).
fn builtin_class(id: &[u8]) -> Class {
    match id {
        b"14" | b"15" | b"16" | b"17" | b"18" | b"19" | b"20" | b"21" | b"22" | b"45" | b"47"
        | b"27" | b"28" | b"29" | b"30" | b"31" | b"32" | b"33" | b"34" | b"35" | b"36" | b"50"
        | b"51" | b"52" | b"53" | b"54" | b"55" | b"56" | b"57" | b"58" => Class::Date,
        b"46" => Class::Duration,
        _ => Class::Number,
    }
}
