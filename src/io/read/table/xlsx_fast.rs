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
use std::io::Read;

/// The present cells of a sheet by row, as `sheet::read_xlsx_cells` returns them.
pub(super) type CellsByRow = std::collections::BTreeMap<u32, Vec<(u32, Cell)>>;

pub(super) enum Outcome {
    /// The cells by row and the first column used (`u32::MAX` when none).
    Cells(CellsByRow, u32),
    /// The text copied from shared strings went over the budget.
    OverBudget,
}

/// The workbook's styles as calamine read them: how many, and per style id whether numbers in
/// it read as percentages.
pub(super) struct Styles {
    pub count: usize,
    pub percent: Vec<bool>,
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
        Some(_) => style_classes(&small_part(&mut zip, "xl/styles.xml")?)?,
        None => Vec::new(),
    };
    if classes.len() != styles.count {
        return None;
    }
    let strings = match exact_entry(&zip, "xl/sharedStrings.xml")? {
        Some(i) => shared_strings(zip.by_index(i).ok()?)?,
        None => Vec::new(),
    };
    let i = exact_entry(&zip, &path)??;
    read_cells(
        zip.by_index(i).ok()?,
        &strings,
        &classes,
        &styles.percent,
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
/// value does not end a tag.
struct Lexer<R> {
    src: R,
    buf: Vec<u8>,
    pos: usize,
    eof: bool,
}

impl<R: Read> Lexer<R> {
    fn new(src: R) -> Self {
        Lexer {
            src,
            buf: Vec::with_capacity(CHUNK * 2),
            pos: 0,
            eof: false,
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

    fn slice(&self, r: &std::ops::Range<usize>) -> &[u8] {
        &self.buf[r.clone()]
    }
}

/// A tag taken apart: its name (`c`, `/c` for a closing tag), what follows the name, and
/// whether it closes itself (`<c r="A1"/>`, which calamine reads as `<c r="A1"></c>`).
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
    let end = tag
        .iter()
        .position(|b| b.is_ascii_whitespace())
        .unwrap_or(tag.len());
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
                    if hex.is_empty() || hex.len() > 6 {
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
    let mut out = String::new();
    let mut phonetic = false;
    loop {
        let Tok::Tag(r) = lx.next()?? else {
            continue;
        };
        let tag = lx.slice(&r);
        let p = parts(tag);
        if p.name.contains(&b':') {
            return None;
        }
        if p.name.first() == Some(&b'/') {
            match &p.name[1..] {
                n if n == closing => return Some(out),
                b"rPh" => phonetic = false,
                // `</t>` outside a `<t>`, `</r>`, `</rPr>`: nothing to read.
                _ => {}
            }
            continue;
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
            b"rPh" => phonetic = !p.empty,
            // The `<r>` runs and their fonts (`<rPr>` and what it holds), `<phoneticPr>`:
            // nothing to read. Other tags are not expected here.
            b"r" | b"rPr" | b"b" | b"i" | b"u" | b"sz" | b"color" | b"rFont" | b"family"
            | b"charset" | b"scheme" | b"strike" | b"vertAlign" | b"outline" | b"shadow"
            | b"condense" | b"extend" | b"phoneticPr" => {}
            _ => return None,
        }
    }
}

/// The workbook's shared strings, in order.
fn shared_strings(entry: impl Read) -> Option<Vec<String>> {
    let mut lx = Lexer::new(entry);
    skip_to(&mut lx, b"sst")?;
    let mut strings = Vec::new();
    loop {
        let Tok::Tag(r) = lx.next()?? else {
            continue;
        };
        let p = parts(lx.slice(&r));
        match p.name {
            b"si" if p.empty => strings.push(String::new()),
            b"si" => strings.push(rich_text(&mut lx, b"si")?),
            b"/sst" => return Some(strings),
            _ => return None,
        }
    }
}

/// Reads up to the opening tag `name` (whose content follows); `None` when a comment, a
/// prefixed name or the tag closing itself comes first, or it is missing.
fn skip_to<R: Read>(lx: &mut Lexer<R>, name: &[u8]) -> Option<()> {
    loop {
        let Tok::Tag(r) = lx.next()?? else {
            continue;
        };
        let tag = lx.slice(&r);
        if tag.first() == Some(&b'!') {
            return None;
        }
        let p = parts(tag);
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
    percent: &[bool],
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
    loop {
        let Tok::Tag(r) = lx.next()?? else {
            continue;
        };
        let p = parts(lx.slice(&r));
        match p.name {
            // Every cell names its place: the rows' own numbers are not needed, but calamine
            // stops at one it cannot read.
            b"/row" => continue,
            b"row" => {
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
            b"/sheetData" => return Some(Outcome::Cells(by_row, col0)),
            b"c" => {}
            _ => return None,
        }
        let (mut pos, mut style, mut kind) = (None, None, None);
        let attrs_ok = each_attr(p.attrs, |k, v| {
            match k {
                b"r" => pos = cell_ref(v),
                b"s" => style = Some(small_number(v)),
                b"t" => kind = Some(Kind::of(v)),
                _ => return false,
            }
            true
        });
        let style = match style {
            Some(s) => Some(s?),
            None => None,
        };
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
                // As `cell_from_data`: a date is its serial day number, a duration a number.
                if class == Some(Class::Date) {
                    Cell::Date(f)
                } else if style.is_some_and(|id| id > 0 && percent.get(id) == Some(&true)) {
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
        let Tok::Tag(r) = lx.next()?? else {
            continue;
        };
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

/// Every tag of a small part, by name and attributes; `None` when it holds a comment or a
/// prefixed tag among those looked for.
fn tags_of(xml: &[u8], wanted: &[u8], mut f: impl FnMut(&[u8]) -> Option<()>) -> Option<()> {
    let mut lx = Lexer::new(xml);
    while let Some(tok) = lx.next()? {
        let Tok::Tag(r) = tok else { continue };
        let tag = lx.slice(&r);
        if tag.first() == Some(&b'!') {
            return None;
        }
        let p = parts(tag);
        if p.name == wanted {
            f(p.attrs)?;
        } else if p.name.rsplit(|&b| b == b':').next() == Some(wanted) {
            return None;
        }
    }
    Some(())
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
    tags_of(&rels, b"Relationship", |attrs| {
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
    let workbook = small_part(zip, "xl/workbook.xml")?;
    let (mut seen, mut rel_id) = (0usize, None);
    tags_of(&workbook, b"sheet", |attrs| {
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
    tags_of(&rels, b"Relationship", |attrs| {
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
/// format (`numFmts`) by its code, a built-in one by its id as written.
fn style_classes(xml: &[u8]) -> Option<Vec<Class>> {
    #[derive(PartialEq)]
    enum In {
        Top,
        NumFmts,
        CellXfs,
        Xf,
    }
    let mut custom: std::collections::HashMap<Vec<u8>, String> = Default::default();
    let mut classes = Vec::new();
    let mut at = In::Top;
    let mut lx = Lexer::new(xml);
    while let Some(tok) = lx.next()? {
        let Tok::Tag(r) = tok else { continue };
        let tag = lx.slice(&r);
        if tag.first() == Some(&b'!') {
            return None;
        }
        let p = parts(tag);
        let local = p.name.rsplit(|&b| b == b':').next()?;
        let local = local.strip_prefix(b"/").unwrap_or(local);
        if matches!(
            local,
            b"numFmts" | b"numFmt" | b"cellXfs" | b"xf" | b"styleSheet"
        ) && p.name.contains(&b':')
        {
            return None;
        }
        match (&at, p.name) {
            (In::Top, b"numFmts") if !p.empty => at = In::NumFmts,
            (In::Top, b"cellXfs") if !p.empty => at = In::CellXfs,
            (In::Top, b"/styleSheet") => break,
            (In::NumFmts, b"numFmt") => {
                let (mut id, mut code) = (None, None);
                each_attr(p.attrs, |k, v| {
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
            (In::NumFmts, b"/numFmts") => at = In::Top,
            (In::CellXfs, b"xf") => {
                let mut id = None;
                each_attr(p.attrs, |k, v| {
                    if k == b"numFmtId" {
                        id = Some(v);
                    }
                    true
                })
                .then_some(())?;
                classes.push(match id {
                    None => Class::Number,
                    Some(id) => match custom.get(id) {
                        Some(code) => code_class(code),
                        None => builtin_class(id),
                    },
                });
                if !p.empty {
                    at = In::Xf;
                }
            }
            (In::CellXfs, b"/cellXfs") => at = In::Top,
            (In::Xf, b"/xf") => at = In::CellXfs,
            _ => {}
        }
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
