//! A small streaming tag scanner for the XML inside workbooks: merged cells of an XLSX sheet
//! (`merges`) and the repeats an ODS sheet declares (`table::ods_check`) are read with it, in
//! constant memory, without a second parse of the workbook.

use std::io::Read;

/// Longest tag looked at by `scan_tags`; a `<mergeCell ref="..."/>` is about 30 bytes.
const MAX_TAG: usize = 1024;

/// Call `f` with the inside of every tag (`mergeCell ref="A1:B2"/` for `<mergeCell
/// ref="A1:B2"/>`) until it returns `false` or the input ends. Reads 64 KiB at a time and keeps
/// nothing else: memory is constant whatever the XML holds. A `<` in XML text is always
/// escaped, so each raw `<` starts a tag, a comment (`<!-- ... -->`) or a CDATA section
/// (`<![CDATA[ ... ]]>`); comments and CDATA sections are skipped whole, whatever they hold (a
/// spreadsheet program reads no tag inside them), and tags longer than `MAX_TAG` are skipped.
pub fn scan_tags(reader: impl Read, mut f: impl FnMut(&[u8]) -> bool) {
    scan_tags_at(reader, MAX_TAG, |_, tag| f(tag));
}

/// `scan_tags` with each tag's offset in the input (of its `<`) and a limit of `max_tag` bytes
/// per tag. Returns `false` when a tag longer than that was skipped.
pub fn scan_tags_at(
    mut reader: impl Read,
    max_tag: usize,
    mut f: impl FnMut(u64, &[u8]) -> bool,
) -> bool {
    let mut chunk = vec![0u8; 64 * 1024];
    let mut buf: Vec<u8> = Vec::with_capacity(chunk.len() + max_tag);
    // Offset in the input of `buf[0]`.
    let mut base = 0u64;
    let mut whole = true;
    // The end of the comment or CDATA section being skipped.
    let mut skipping: Option<&'static [u8]> = None;
    loop {
        let n = reader.read(&mut chunk).unwrap_or(0);
        let end = n == 0;
        buf.extend_from_slice(&chunk[..n]);
        let mut pos = 0;
        let mut keep = buf.len();
        loop {
            if let Some(close) = skipping {
                match memchr::memmem::find(&buf[pos..], close) {
                    Some(p) => {
                        pos += p + close.len();
                        skipping = None;
                    }
                    // Keep what could be the start of the end mark.
                    None => {
                        keep = buf.len().saturating_sub(close.len() - 1).max(pos);
                        break;
                    }
                }
            }
            let Some(p) = buf[pos..].iter().position(|&b| b == b'<') else {
                break;
            };
            let start = pos + p;
            let rest = &buf[start..];
            let opened = [(&b"<!--"[..], &b"-->"[..]), (b"<![CDATA[", b"]]>")]
                .into_iter()
                .find(|(open, _)| rest.starts_with(open));
            if let Some((open, close)) = opened {
                skipping = Some(close);
                pos = start + open.len();
                continue;
            }
            // Too short to tell yet whether it opens a comment or CDATA: read on.
            if !end
                && rest.len() < 9
                && (b"<![CDATA[".starts_with(rest) || b"<!--".starts_with(rest))
            {
                keep = start;
                break;
            }
            let window = &buf[start..buf.len().min(start + max_tag)];
            match window.iter().position(|&b| b == b'>') {
                Some(close) => {
                    if !f(base + start as u64, &window[1..close]) {
                        return whole;
                    }
                    pos = start + close + 1;
                }
                // Cut by the chunk's end: read on.
                None if !end && window.len() < max_tag => {
                    keep = start;
                    break;
                }
                None => {
                    whole = false;
                    pos = start + 1;
                }
            }
        }
        if end {
            return whole;
        }
        buf.drain(..keep);
        base += keep as u64;
    }
}

/// A tag's name without its namespace prefix (`x:mergeCell` → `mergeCell`).
pub fn local_name(tag: &[u8]) -> &[u8] {
    let name_end = tag
        .iter()
        .position(|b| b.is_ascii_whitespace() || *b == b'/')
        .unwrap_or(tag.len());
    let name = &tag[..name_end];
    match name.iter().rposition(|&b| b == b':') {
        Some(i) => &name[i + 1..],
        None => name,
    }
}

/// A tag's name as written (`table:table-cell`; `/table:table-cell` for a closing tag).
pub fn name(tag: &[u8]) -> &[u8] {
    let from = usize::from(tag.starts_with(b"/"));
    let name_end = tag[from..]
        .iter()
        .position(|b| b.is_ascii_whitespace() || *b == b'/')
        .map_or(tag.len(), |p| p + from);
    &tag[..name_end]
}

/// The raw value of the attribute named exactly `name`.
pub fn attr<'t>(tag: &'t [u8], name: &[u8]) -> Option<&'t [u8]> {
    attrs(tag).find(|(k, _)| *k == name).map(|(_, v)| v)
}

/// The raw value of the attribute whose local name is `name` (`r:id` for `id`).
pub fn attr_by_local_name<'t>(tag: &'t [u8], name: &[u8]) -> Option<&'t [u8]> {
    attrs(tag)
        .find(|(k, _)| k.rsplit(|&b| b == b':').next() == Some(name))
        .map(|(_, v)| v)
}

/// `key="value"` pairs of a tag, after its name.
pub fn attrs(tag: &[u8]) -> impl Iterator<Item = (&[u8], &[u8])> {
    let mut rest = tag
        .iter()
        .position(|b| b.is_ascii_whitespace())
        .map_or(&[][..], |i| &tag[i..]);
    std::iter::from_fn(move || {
        let eq = rest.iter().position(|&b| b == b'=')?;
        let key = rest[..eq].trim_ascii();
        let after = rest[eq + 1..].trim_ascii_start();
        let quote = *after.first().filter(|q| **q == b'"' || **q == b'\'')?;
        let close = after[1..].iter().position(|&b| b == quote)?;
        let value = &after[1..1 + close];
        rest = &after[close + 2..];
        Some((key, value))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_across_chunk_ends_and_prefixes() {
        // A tag cut by every possible chunk end is still found.
        let mut xml = String::from("<worksheet><sheetData>");
        for i in 0..5000 {
            xml.push_str(&format!("<row r=\"{i}\"><c r=\"A{i}\"><v>1</v></c></row>"));
        }
        xml.push_str("</sheetData><mergeCells count=\"3\"><mergeCell ref=\"C3:C5\"/>");
        xml.push_str("<x:mergeCell ref='D7:D9' /><mergeCell ref=\"A1:F1\"></mergeCell>");
        xml.push_str("</mergeCells></worksheet>");
        let mut found = Vec::new();
        scan_tags(xml.as_bytes(), |tag| {
            if local_name(tag) == b"mergeCell" {
                found.push(attr(tag, b"ref").map(<[u8]>::to_vec));
            }
            true
        });
        let refs: Vec<Option<Vec<u8>>> = ["C3:C5", "D7:D9", "A1:F1"]
            .iter()
            .map(|r| Some(r.as_bytes().to_vec()))
            .collect();
        assert_eq!(found, refs);
        assert_eq!(
            attr_by_local_name(b"sheet name=\"S\" r:id=\"rId2\"", b"id"),
            Some(&b"rId2"[..])
        );
    }

    /// The mergeCell refs `scan_tags` finds in `xml`, read `chunk` bytes at a time.
    fn merge_refs(xml: &[u8], chunk: usize) -> Vec<String> {
        struct Slow<'a>(&'a [u8], usize);
        impl Read for Slow<'_> {
            fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
                let n = self.0.len().min(out.len()).min(self.1);
                out[..n].copy_from_slice(&self.0[..n]);
                self.0 = &self.0[n..];
                Ok(n)
            }
        }
        let mut found = Vec::new();
        scan_tags(Slow(xml, chunk), |tag| {
            if local_name(tag) == b"mergeCell" {
                found.push(String::from_utf8_lossy(attr(tag, b"ref").unwrap_or_default()).into());
            }
            true
        });
        found
    }

    #[test]
    fn tags_inside_comments_and_cdata_are_not_tags() {
        // A spreadsheet program reads no tag inside a comment or a CDATA section, whatever `>`
        // comes before it; the scanner, which cut a tag at the first `>`, took them for tags.
        let long = "x".repeat(70_000);
        let xml = format!(
            "<mergeCells><!-- a > b <mergeCell ref=\"A1:A9\"/> --><mergeCell ref=\"B1:B2\"/>\
             <![CDATA[ x > <mergeCell ref=\"C1:C9\"/> ]]><!-- {long} <mergeCell ref=\"D1:D9\"/> -- >\
             --><mergeCell ref=\"E1:E2\"/><!----><mergeCell ref=\"F1:F2\"/></mergeCells>"
        );
        for chunk in [1, 2, 3, 5, 7, 64 * 1024] {
            assert_eq!(
                merge_refs(xml.as_bytes(), chunk),
                ["B1:B2", "E1:E2", "F1:F2"],
                "{chunk}"
            );
        }
        // A comment never closed hides the rest.
        assert!(merge_refs(b"<!-- <mergeCell ref=\"A1:A2\"/>", 64).is_empty());
        // `<!DOCTYPE` and other `<!` tags are tags as before.
        assert_eq!(
            merge_refs(b"<!DOCTYPE x><mergeCell ref=\"A1:A2\"/>", 3),
            ["A1:A2"]
        );
    }

    #[test]
    fn offsets_names_and_long_tags() {
        let xml = b"<a><table:table-cell x=\"1\"/></table:table-cell>";
        let mut seen = Vec::new();
        assert!(scan_tags_at(&xml[..], 64, |at, tag| {
            seen.push((at, String::from_utf8_lossy(name(tag)).into_owned()));
            true
        }));
        assert_eq!(
            seen,
            vec![
                (0, "a".to_string()),
                (3, "table:table-cell".to_string()),
                (28, "/table:table-cell".to_string())
            ]
        );
        let long = format!("<a b=\"{}\"/>", "x".repeat(100));
        assert!(!scan_tags_at(long.as_bytes(), 64, |_, _| true));
    }
}
