//! CSV: encodings, the delimiter sniffed from a sample, records streamed with their physical
//! line numbers, and unterminated quotes reported with the row they opened on.

use super::{Kind, SNIFF_BYTES, Source, Table};
use crate::error::{Error, Result};
use std::collections::VecDeque;
use std::fs::File;
use std::io::{BufReader, Cursor, Read};
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

impl Table {
    pub(super) fn open_csv(path: &Path, display: String, file: File, head: &[u8]) -> Result<Table> {
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
        progress.delimiter.store(delimiter, Ordering::Relaxed);
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
            history: Vec::new(),
            history_base: 0,
        });
        Ok(Table {
            path: path.to_path_buf(),
            display,
            sheet: None,
            sheets: Vec::new(),
            number_formats: false,
            serial_shift: 0.0,
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
}

/// The longest CSV record read: far above any real one (a spreadsheet cell holds at most 32,767
/// characters; a 10 MB value is still read), it bounds the memory an unterminated quote can take
/// before it is reported.
pub const MAX_RECORD_BYTES: u64 = 64 << 20;

/// How far the CSV parser has read, shared between the byte source and the record loop.
#[derive(Debug, Default)]
pub(super) struct Progress {
    /// Bytes handed to the parser so far.
    total: AtomicU64,
    /// Where the record being read starts.
    record_start: AtomicU64,
    /// The source is exhausted.
    eof: AtomicBool,
    /// The file's last byte once `eof` is set.
    last_byte: AtomicU64,
    /// The field delimiter, and the most fields a record has had (the header's width).
    delimiter: std::sync::atomic::AtomicU8,
    widest: AtomicU64,
    /// The fields of the last record on one line, trailing empty ones left out (a header
    /// padded with empty columns is as wide as its rows).
    last_width: AtomicU64,
}

/// The CSV byte source: counts what it hands out and refuses to feed one record beyond
/// `MAX_RECORD_BYTES` (an unterminated quote would otherwise pull the whole file into one field).
pub(super) struct Counted {
    inner: Box<dyn Read + Send>,
    progress: Arc<Progress>,
    /// The bytes from the start of the record being read on (what the parser has been handed
    /// since), so a record over several lines can be checked byte by byte.
    history: Vec<u8>,
    /// The file offset of `history[0]`.
    history_base: u64,
}

impl Counted {
    /// The raw bytes of `start..end` when still held.
    fn raw(&self, start: u64, end: u64) -> Option<&[u8]> {
        let from = usize::try_from(start.checked_sub(self.history_base)?).ok()?;
        let to = usize::try_from(end.checked_sub(self.history_base)?).ok()?;
        self.history.get(from..to)
    }
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
            // Keep what the current record may still need, and what was just read.
            let keep_from = p.record_start.load(Ordering::Relaxed);
            let drop = usize::try_from(keep_from.saturating_sub(self.history_base))
                .unwrap_or(usize::MAX)
                .min(self.history.len());
            self.history.drain(..drop);
            self.history_base += drop as u64;
            if self.history.is_empty() {
                self.history_base = total;
            }
            self.history.extend_from_slice(&buf[..n]);
        }
        Ok(n)
    }
}

/// Read the next non-blank record; its physical line number, or `None` at the end.
///
/// The parser's line count at the start of a record is exact for a record on one line right
/// after the previous one; otherwise (blank lines before it, a quoted value over several lines)
/// the line is counted back from the end of the record, so only those rows pay for a scan.
pub(super) fn read_csv_record(
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
        let delimiter = progress.delimiter.load(Ordering::Relaxed);
        let raw_quotes = || {
            reader
                .get_ref()
                .raw(start.byte(), end.byte())
                .map(|raw| scan_quotes(raw, delimiter))
        };
        // A record that runs to the end of the file with a line break in its last value and a
        // quote that the record's bytes never close (or, when they are not kept, a file that
        // does not end with a quote): a quote opened and never closed.
        if at_eof
            && let Some(value) = record.get(record.len().saturating_sub(1))
            && value.contains(&b'\n')
            && match raw_quotes() {
                Some(q) => q == Quotes::Open,
                None => progress.last_byte.load(Ordering::Relaxed) != u64::from(b'"'),
            }
        {
            let before: u64 = (0..record.len() - 1)
                .filter_map(|i| record.get(i))
                .map(newlines)
                .sum();
            return Err(unterminated_quote(display, line + before, None));
        }
        // A record over several lines is checked byte by byte: a quoted value must end with a
        // quote followed by a delimiter or the line's end. A quote closed by any other byte
        // (`A,"Boot 12 ,10,100,50` then `B,"Red hat",5,20,8`: the parser took the quote
        // before `Red` for the end of Boot's) means a quote opened and never closed, the rows
        // in between swallowed into one value. Only records over several lines pay for this.
        let multi_line = (line != first || last.saturating_sub(first) != terminated)
            && (0..record.len())
                .filter_map(|i| record.get(i))
                .any(|v| v.contains(&b'\n'));
        let widest = progress.widest.load(Ordering::Relaxed);
        if multi_line {
            let misplaced = raw_quotes().is_some_and(|q| q == Quotes::Misplaced);
            // A quote closed by a quote that happens to end a field (an inch mark, `12"`):
            // the rows in between are whole rows. Checked against the widest record and the
            // last one-line record without its trailing empty fields.
            let last_width = progress.last_width.load(Ordering::Relaxed);
            let whole_rows = (0..record.len()).any(|k| {
                record.get(k).is_some_and(|v| {
                    [widest, last_width]
                        .iter()
                        .any(|&w| holds_whole_rows(v, delimiter, w, k as u64, record.len() as u64))
                })
            });
            if misplaced || whole_rows {
                return Err(swallowed_quote(display, line));
            }
        } else {
            let empty_tail = (0..record.len())
                .rev()
                .take_while(|&i| record.get(i).is_some_and(|v| strip_cr(v).is_empty()))
                .count();
            progress
                .last_width
                .store((record.len() - empty_tail) as u64, Ordering::Relaxed);
        }
        // The header's width, raised after the check so a record that swallowed rows never
        // widens it.
        progress
            .widest
            .fetch_max(record.len() as u64, Ordering::Relaxed);
        return Ok(Some(line as usize));
    }
}

/// What a record's raw bytes say about its quoted values.
#[derive(Debug, PartialEq, Clone, Copy)]
enum Quotes {
    /// Every quoted value is closed by a quote followed by a delimiter or the line's end.
    Fine,
    /// A quoted value is closed by a quote followed by something else: the parser took a
    /// later quote for the end of a broken one.
    Misplaced,
    /// A quoted value runs to the end of the bytes: never closed.
    Open,
}

/// Whether a record's raw bytes hold a quoted value closed by a quote that is followed by
/// something else than a delimiter, another quote (`""`, a quote inside the value) or the
/// line's end (RFC 4180), or never closed. Leading blank lines are skipped; an unquoted
/// value's quotes are text.
fn scan_quotes(raw: &[u8], delimiter: u8) -> Quotes {
    let mut i = raw
        .iter()
        .position(|&b| b != b'\n' && b != b'\r')
        .unwrap_or(raw.len());
    let mut field_start = true;
    while i < raw.len() {
        let b = raw[i];
        if field_start && b == b'"' {
            // A quoted value: up to its closing quote.
            i += 1;
            loop {
                match raw.get(i) {
                    None => return Quotes::Open,
                    Some(b'"') if raw.get(i + 1) == Some(&b'"') => i += 2,
                    Some(b'"') => {
                        i += 1;
                        // Spaces after a closing quote are let through, as the parser does.
                        while matches!(raw.get(i), Some(b' ' | b'\t')) && delimiter != raw[i] {
                            i += 1;
                        }
                        match raw.get(i) {
                            None | Some(b'\r') | Some(b'\n') => {}
                            Some(&c) if c == delimiter => {}
                            Some(_) => return Quotes::Misplaced,
                        }
                        break;
                    }
                    Some(_) => i += 1,
                }
            }
            field_start = false;
            continue;
        }
        field_start = b == delimiter || b == b'\n';
        i += 1;
    }
    Quotes::Fine
}

/// Whether value `k` of a record of `fields` values, over three lines or more, has the shape
/// of rows of `width` fields swallowed whole by a broken quote: every line between its first
/// and last (blank ones aside, at least one) holds exactly a row's delimiters, and either its
/// first line completes the row it opened on or its last line starts a row that the rest of
/// the record completes. Swallowed rows hold no quote (a quote there would have ended the
/// broken value: [`scan_quotes`] case), so their counts are exact; a description over several
/// lines whose middle line happens to hold as many commas (`Sizes: S, M, L, XL`) does not
/// complete its first or last row and is read.
fn holds_whole_rows(value: &[u8], delimiter: u8, width: u64, k: u64, fields: u64) -> bool {
    if width < 3 || k >= width {
        return false;
    }
    let count = |l: &[u8]| l.iter().filter(|&&b| b == delimiter).count() as u64;
    let row = width - 1;
    let mut lines = value.split(|&b| b == b'\n');
    let Some(first) = lines.next() else {
        return false;
    };
    let mut middles = 0u64;
    let mut last: Option<&[u8]> = None;
    // Lines are counted as they come (never collected: a value of 40 MiB of line breaks).
    for l in lines {
        if let Some(prev) = last.replace(l) {
            let prev = strip_cr(prev);
            if prev.iter().all(|&b| b == b' ' || b == b'\t') {
                continue;
            }
            if count(prev) != row {
                return false;
            }
            middles += 1;
        }
    }
    let Some(last) = last else { return false };
    let after = fields.saturating_sub(k + 1);
    middles > 0 && (count(strip_cr(first)) == row - k || count(strip_cr(last)) + after == row)
}

fn newlines(bytes: &[u8]) -> u64 {
    bytes.iter().filter(|&&b| b == b'\n').count() as u64
}

/// The last value's line break of a CRLF file: records end at `\n`, so the `\r` before it is
/// still there.
#[inline]
pub(super) fn strip_cr(field: &[u8]) -> &[u8] {
    match field.split_last() {
        Some((b'\r', rest)) => rest,
        _ => field,
    }
}

fn swallowed_quote(display: &str, line: u64) -> Error {
    Error::Data(format!(
        "{display}, row {line}: a quote opened on this row is not closed at the end of its value, so the lines up to a later quote in the file were read as one value; close the quote where the value ends or remove it (a quote inside a quoted value is written twice: \"\")"
    ))
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

/// UTF-16 with a byte-order mark, little- (Excel's "Unicode text") or big-endian.
pub(super) fn utf16_encoding(
    head: &[u8],
) -> Option<(&'static encoding_rs::Encoding, &'static str)> {
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
pub(super) fn decode_field(field: &[u8]) -> String {
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

#[cfg(test)]
mod tests {
    use super::*;

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

#[cfg(test)]
mod quote_tests {
    use super::{Quotes, holds_whole_rows, scan_quotes};

    #[test]
    fn a_quote_closed_before_anything_but_a_delimiter_or_a_line_end_is_misplaced() {
        let q = |raw: &[u8], d: u8| scan_quotes(raw, d);
        assert_eq!(q(b"A,\"Tee\nS, M, L\",10,100", b','), Quotes::Fine);
        assert_eq!(q(b"A,\"He said \"\"hi\"\"\nthen\",5\r", b','), Quotes::Fine);
        assert_eq!(q(b"\n\nA,\"x\ny\"", b','), Quotes::Fine);
        assert_eq!(q(b"A;\"<p>a&nbsp;b</p>\n<p>c</p>\";10", b';'), Quotes::Fine);
        assert_eq!(
            q(b"A,\"Boot 12 ,10,100,50\nB,\"Red hat\",5", b','),
            Quotes::Misplaced
        );
        assert_eq!(q(b"\"A,Boot,10\nB,\"Hat\",5", b','), Quotes::Misplaced);
        assert_eq!(q(b"A,\"x\nD,3,\"10\"", b','), Quotes::Misplaced);
        // Spaces after a closing quote, as the parser allows.
        assert_eq!(q(b"S2,\"Pot\" ,\"Gar\nden\",5", b','), Quotes::Fine);
        // Closed, then a space, a CR or Ctrl-Z at the end of the file: closed.
        assert_eq!(q(b"A,Boot,10,100,\"note\nline\" ", b','), Quotes::Fine);
        assert_eq!(q(b"A,Boot,10,100,\"note\nline\"\r", b','), Quotes::Fine);
        // Never closed, even when the file ends with a quote written twice.
        assert_eq!(
            q(b"A,\"Boot 12,10,100,\nC,Cap,3,4,\"\"", b','),
            Quotes::Open
        );
    }

    #[test]
    fn rows_swallowed_whole_are_told_from_descriptions_with_commas() {
        // `A,"Boot 12,10,100` / `B,Hat,5,20` / `C,Pot 12",3,4` read as A's name.
        let swallowed = b"Boot 12,10,100\nB,Hat,5,20\nC,Pot 12";
        assert!(holds_whole_rows(swallowed, b',', 4, 1, 4));
        // A size list in a 4-column file: the middle line has 3 commas, but the first line
        // does not complete a row and the last does not start one.
        let sizes = b"Tee\nSizes: S, M, L, XL\n100% cotton";
        assert!(!holds_whole_rows(sizes, b',', 4, 1, 4));
        // HTML entities in a ;-file of 6 columns.
        let html = b"<p>T-shirt</p>\n<ul><li>a&nbsp;: 100&nbsp;% &ndash; b &agrave; 30</li>\n</ul>";
        assert!(!holds_whole_rows(html, b';', 6, 2, 6));
        // Two lines: nothing in between.
        assert!(!holds_whole_rows(
            b"Boot 12,10,100\nC,Pot 12",
            b',',
            4,
            1,
            4
        ));
        // Blank lines in between do not count as rows.
        assert!(!holds_whole_rows(
            b"Boot 12,10,100\n\n\nC,Pot",
            b',',
            4,
            1,
            4
        ));
        // A field index past the row: never.
        assert!(!holds_whole_rows(swallowed, b',', 4, 5, 7));
    }
}
