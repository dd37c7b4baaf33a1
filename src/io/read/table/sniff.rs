//! What a file is, from its first bytes, and the zip checks made before a workbook is
//! inflated.

use super::DEFAULT_MAX_SHEET_BYTES;
use crate::error::{Error, Result};
use crate::io::read::xml_tags::{attr, local_name, scan_tags_at};
use std::fs::File;
use std::io::{BufReader, Read};

/// Refuse a workbook whose sheets would expand beyond the limit (a zip bomb), before any XML is
/// inflated: the sizes come from the zip's central directory. Then refuse an XLSX whose shared
/// strings table declares more strings than its size can hold (see `check_shared_string_count`).
/// Returns whether the zip is an XLSX workbook (it has `xl/workbook.xml`) and whether it is an
/// ODS one (it has `content.xml`).
pub(super) fn check_expanded_size(
    display: &str,
    file: &mut File,
    limit: u64,
) -> Result<(bool, bool)> {
    let limit = if limit == 0 {
        DEFAULT_MAX_SHEET_BYTES
    } else {
        limit
    };
    let Ok(mut zip) = zip::ZipArchive::new(BufReader::new(file)) else {
        return Ok((false, false)); // calamine reports the damaged file with its own message
    };
    let mut total: u64 = 0;
    let mut xlsx = false;
    let mut ods = false;
    let mut shared_strings = Vec::new();
    for i in 0..zip.len() {
        let Ok(entry) = zip.by_index_raw(i) else {
            continue;
        };
        let Ok(name) = entry.name() else { continue };
        let name = name.to_ascii_lowercase();
        xlsx |= name == "xl/workbook.xml";
        ods |= name == "content.xml";
        if name.ends_with("sharedstrings.xml") {
            shared_strings.push((i, entry.size()));
        }
        if name.starts_with("xl/worksheets/")
            || name.ends_with("sharedstrings.xml")
            || name == "content.xml"
        {
            total = total.saturating_add(entry.size());
        }
    }
    if total > limit {
        return Err(Error::Data(format!(
            "{display}: the workbook's sheets expand to {} MiB of XML, above the {} MiB limit (a damaged file or a zip bomb). If the file is genuine, raise the limit with --max-sheet-mb {}",
            total >> 20,
            limit >> 20,
            (total >> 20) + 1
        )));
    }
    for (index, size) in shared_strings {
        let Ok(entry) = zip.by_index(index) else {
            continue; // calamine reports it
        };
        check_shared_string_count(display, entry, size)?;
    }
    Ok((xlsx, ods && !xlsx))
}

/// The smallest a shared string can take in the XML: `<si></si>`.
const MIN_SHARED_STRING_BYTES: u64 = 9;

/// calamine reserves room for as many strings as the shared strings table's `uniqueCount`
/// declares, before reading one (24 bytes each: `uniqueCount="100000000000"` in a 1 kB file
/// asks for terabytes, and the failed allocation aborts the process). The count is read from
/// the table's opening tag (the first 64 KiB of the entry, inflated) and refused when the
/// entry's size cannot hold that many strings.
fn check_shared_string_count(display: &str, entry: impl Read, size: u64) -> Result<()> {
    let count = match declared_count(entry.take(SST_HEAD)) {
        Ok(Some(count)) => count,
        Ok(None) => return Ok(()),
        // The table's opening tag is not where a spreadsheet program writes it: its count
        // cannot be checked, and calamine would reserve room for it all the same.
        Err(()) => {
            return Err(Error::Data(format!(
                "{display}: the workbook's shared strings table does not open in its first {} KiB as XML tags (a damaged file); re-save it from the spreadsheet program, or export it as CSV",
                SST_HEAD >> 10
            )));
        }
    };
    if count > size / MIN_SHARED_STRING_BYTES + 1 {
        return Err(Error::Data(format!(
            "{display}: the workbook's shared strings table declares {count} strings but holds {size} bytes, room for {} at most (a damaged file); re-save it from the spreadsheet program, or export it as CSV",
            size / MIN_SHARED_STRING_BYTES
        )));
    }
    Ok(())
}

/// How much of the shared strings table is read for its opening tag.
const SST_HEAD: u64 = 64 * 1024;

/// The `uniqueCount` of the `<sst>` tag, when it is there and a number (calamine ignores a
/// count it cannot read); `Err` when no `<sst>` tag opens the part (after its declaration and
/// any comments) or its XML cannot be read as tags up to it.
fn declared_count(xml: impl Read) -> std::result::Result<Option<u64>, ()> {
    let mut count = None;
    let mut found = false;
    let whole = scan_tags_at(xml, SST_HEAD as usize, |_, tag| {
        if local_name(tag) != b"sst" {
            return true;
        }
        found = true;
        count = attr(tag, b"uniqueCount")
            .and_then(|v| std::str::from_utf8(v).ok())
            // calamine reads the count as a usize: anything too big for one it ignores.
            .and_then(|v| v.parse::<usize>().ok())
            .map(|n| n as u64);
        false
    });
    if found && whole { Ok(count) } else { Err(()) }
}

pub(super) fn read_up_to(file: &mut File, buf: &mut [u8]) -> std::io::Result<usize> {
    let mut total = 0;
    while total < buf.len() {
        let n = file.read(&mut buf[total..])?;
        if n == 0 {
            break;
        }
        total += n;
    }
    Ok(total)
}

pub(super) fn is_zip(head: &[u8]) -> bool {
    head.starts_with(b"PK\x03\x04")
}

pub(super) fn is_ole(head: &[u8]) -> bool {
    head.starts_with(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_declared_count_is_read_from_the_opening_tag() {
        let xml =
            br#"<?xml version="1.0"?><sst xmlns="x" count="3" uniqueCount="100000000000"><si>"#;
        assert_eq!(declared_count(&xml[..]), Ok(Some(100_000_000_000)));
        assert_eq!(
            declared_count(&br#"<x:sst uniqueCount='2'>"#[..]),
            Ok(Some(2))
        );
        assert_eq!(declared_count(&br#"<sst count="2">"#[..]), Ok(None));
        assert_eq!(declared_count(&br#"<sst uniqueCount="x">"#[..]), Ok(None));
        // A `>` in a quoted value does not end the tag (it cut the count off).
        assert_eq!(
            declared_count(&br#"<sst x=">" uniqueCount="100000000000">"#[..]),
            Ok(Some(100_000_000_000))
        );
        // What comments and processing instructions hold is no tag.
        let hidden = br#"<?x a > <sst uniqueCount="1"> ?><!-- > <sst uniqueCount="1"> --><sst uniqueCount="100000000000">"#;
        assert_eq!(declared_count(&hidden[..]), Ok(Some(100_000_000_000)));
        // No table opening the part, or XML that cannot be read as tags up to it: not checked.
        assert_eq!(declared_count(&b"<si><t>a</t></si>"[..]), Err(()));
        assert_eq!(
            declared_count(&b"<!-- <sst uniqueCount=\"1\">"[..]),
            Err(())
        );
        assert_eq!(
            declared_count(&br#"<!DOCTYPE x [<!ENTITY a "> <!--">]><sst uniqueCount="9">"#[..]),
            Err(())
        );
    }

    #[test]
    fn a_count_the_entry_cannot_hold_is_refused() {
        let xml = br#"<sst uniqueCount="100000000000"><si><t>a</t></si></sst>"#;
        let err =
            check_shared_string_count("a.xlsx", &xml[..], xml.len() as u64).expect_err("refused");
        assert!(err.to_string().starts_with(
            "a.xlsx: the workbook's shared strings table declares 100000000000 strings"
        ));
        let ok = br#"<sst uniqueCount="1"><si><t>a</t></si></sst>"#;
        assert!(check_shared_string_count("a.xlsx", &ok[..], ok.len() as u64).is_ok());
    }
}
