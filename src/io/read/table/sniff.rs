//! What a file is, from its first bytes, and the zip checks made before a workbook is
//! inflated.

use super::DEFAULT_MAX_SHEET_BYTES;
use crate::error::{Error, Result};
use std::fs::File;
use std::io::{BufReader, Read};

/// Refuse a workbook whose sheets would expand beyond the limit (a zip bomb), before any XML is
/// inflated: the sizes come from the zip's central directory.
/// Returns whether the zip is an XLSX workbook (it has `xl/workbook.xml`).
pub(super) fn check_expanded_size(display: &str, file: &mut File, limit: u64) -> Result<bool> {
    let limit = if limit == 0 {
        DEFAULT_MAX_SHEET_BYTES
    } else {
        limit
    };
    let Ok(mut zip) = zip::ZipArchive::new(BufReader::new(file)) else {
        return Ok(false); // calamine reports the damaged file with its own message
    };
    let mut total: u64 = 0;
    let mut xlsx = false;
    for i in 0..zip.len() {
        let Ok(entry) = zip.by_index_raw(i) else {
            continue;
        };
        let Ok(name) = entry.name() else { continue };
        let name = name.to_ascii_lowercase();
        xlsx |= name == "xl/workbook.xml";
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
    Ok(xlsx)
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
