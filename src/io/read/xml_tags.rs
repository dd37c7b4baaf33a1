//! A small streaming tag scanner for the XML inside workbooks: merged cells of an XLSX sheet
//! (`merges`) and the repeats an ODS sheet declares (`table::ods_check`) are read with it, in
//! constant memory, without a second parse of the workbook.

use std::io::Read;

/// Longest tag looked at by `scan_tags`; a `<mergeCell ref="..."/>` is about 30 bytes.
const MAX_TAG: usize = 1024;

/// Markup whose inside is no tag, and where it ends: comments, CDATA sections, processing
/// instructions. quick-xml, which calamine reads workbooks with, ends them there too.
const SKIPPED: [(&[u8], &[u8]); 3] = [(b"<!--", b"-->"), (b"<![CDATA[", b"]]>"), (b"<?", b"?>")];
/// The longest opening in `SKIPPED`.
const LONGEST_OPENING: usize = 9;

/// Call `f` with the inside of every tag (`mergeCell ref="A1:B2"/` for `<mergeCell
/// ref="A1:B2"/>`) until it returns `false` or the input ends. Reads 64 KiB at a time and keeps
/// nothing else: memory is constant whatever the XML holds. A `<` in XML text is always
/// escaped, so each raw `<` starts a tag or other markup. A tag ends at the first `>` outside
/// its quoted values (`x=">"` is a value); comments, CDATA sections and processing
/// instructions are skipped to their end, whatever they hold, as a spreadsheet program reads
/// no tag inside them; a DOCTYPE (no workbook writer puts one there) ends the scan. Tags longer
/// than `MAX_TAG` are skipped. Returns `false` when the XML could not be read whole that way
/// (see `scan_tags_at`).
pub fn scan_tags(reader: impl Read, mut f: impl FnMut(&[u8]) -> bool) -> bool {
    scan_tags_at(reader, MAX_TAG, |_, tag| f(tag))
}

/// `scan_tags` with each tag's offset in the input (of its `<`) and a limit of `max_tag` bytes
/// per tag. Returns `false` when a tag longer than that was skipped, a DOCTYPE or other `<!`
/// declaration stopped the scan, or the input ended inside a comment, CDATA section or
/// processing instruction: then tags the XML holds may not all have been seen.
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
    // The end of the comment, CDATA section or processing instruction being skipped.
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
            let Some(p) = memchr::memchr(b'<', &buf[pos..]) else {
                break;
            };
            let start = pos + p;
            let rest = &buf[start..];
            if let Some((open, close)) = SKIPPED.iter().find(|(open, _)| rest.starts_with(open)) {
                skipping = Some(close);
                pos = start + open.len();
                continue;
            }
            // Too short yet to tell what it opens: read on.
            if !end
                && rest.len() < LONGEST_OPENING
                && SKIPPED.iter().any(|(open, _)| open.starts_with(rest))
            {
                keep = start;
                break;
            }
            // A DOCTYPE's internal subset (or another declaration) can hold anything.
            if rest.get(1) == Some(&b'!') {
                return false;
            }
            let window = &buf[start..buf.len().min(start + max_tag)];
            match tag_end(window) {
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
            return whole && skipping.is_none();
        }
        buf.drain(..keep);
        base += keep as u64;
    }
}

/// Where the tag starting `window` (at its `<`) ends: its first `>` outside a quoted value.
fn tag_end(window: &[u8]) -> Option<usize> {
    let mut quote = None;
    for (i, &b) in window.iter().enumerate() {
        match (quote, b) {
            (None, b'>') => return Some(i),
            (None, b'"' | b'\'') => quote = Some(b),
            (Some(q), _) if q == b => quote = None,
            _ => {}
        }
    }
    None
}

/// The length of a tag's name, as quick-xml (calamine's parser) reads it: a start tag's name
/// runs to the first space, tab, CR or LF (a `/` ending an empty tag is not part of it); an end
/// tag's name is all of it but trailing blanks (`/table:table x` is no `/table:table`).
fn name_len(tag: &[u8]) -> usize {
    if tag.starts_with(b"/") {
        // Only XML's blanks: a form feed is part of the name.
        return tag
            .iter()
            .rposition(|b| !matches!(b, b' ' | b'\t' | b'\r' | b'\n'))
            .map_or(0, |p| p + 1);
    }
    let body = tag.strip_suffix(b"/").unwrap_or(tag);
    body.iter()
        .position(|b| matches!(b, b' ' | b'\t' | b'\r' | b'\n'))
        .unwrap_or(body.len())
}

/// A start tag's name without its namespace prefix, the part after the first `:` (`x:mergeCell`
/// → `mergeCell`); an end tag's name is left whole (`/x:mergeCell`), so it never matches one.
pub fn local_name(tag: &[u8]) -> &[u8] {
    let name = name(tag);
    if name.starts_with(b"/") {
        return name;
    }
    match name.iter().position(|&b| b == b':') {
        Some(i) => &name[i + 1..],
        None => name,
    }
}

/// A tag's name as written (`table:table-cell`; `/table:table-cell` for a closing tag).
pub fn name(tag: &[u8]) -> &[u8] {
    &tag[..name_len(tag)]
}

/// The raw value of the attribute named exactly `name`.
pub fn attr<'t>(tag: &'t [u8], name: &[u8]) -> Option<&'t [u8]> {
    attrs(tag).find(|(k, _)| *k == name).map(|(_, v)| v)
}

/// The raw value of the attribute whose name is `name` after a `:` (`r:id` for `id`), the last
/// one as calamine takes it.
pub fn attr_by_local_name<'t>(tag: &'t [u8], name: &[u8]) -> Option<&'t [u8]> {
    attrs(tag)
        .filter(|(k, _)| {
            *k == name || (k.ends_with(name) && k[..k.len() - name.len()].ends_with(b":"))
        })
        .last()
        .map(|(_, v)| v)
}

/// `key="value"` pairs of a tag, after its name.
pub fn attrs(tag: &[u8]) -> impl Iterator<Item = (&[u8], &[u8])> {
    let mut rest = &tag[name_len(tag)..];
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

    /// The mergeCell refs `scan_tags` finds in `xml`, read `chunk` bytes at a time, and
    /// whether it read the XML whole.
    fn merge_refs(xml: &[u8], chunk: usize) -> (Vec<String>, bool) {
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
        let whole = scan_tags(Slow(xml, chunk), |tag| {
            if local_name(tag) == b"mergeCell" {
                found.push(String::from_utf8_lossy(attr(tag, b"ref").unwrap_or_default()).into());
            }
            true
        });
        (found, whole)
    }

    #[test]
    fn markup_that_holds_no_tags_is_skipped_and_quoted_values_kept_whole() {
        // A spreadsheet program (quick-xml, for calamine) reads no tag inside a comment, a
        // CDATA section or a processing instruction, whatever `>` comes before it, and a `>`
        // inside a quoted value does not end its tag.
        let long = "x".repeat(70_000);
        let xml = format!(
            "<?xml version=\"1.0\"?><mergeCells><!-- a > b <mergeCell ref=\"A1:A9\"/> -->\
             <mergeCell x=\">\" ref=\"B1:B2\"/><![CDATA[ x > <mergeCell ref=\"C1:C9\"/> ]]>\
             <?pi > <mergeCell ref=\"G1:G9\"/> ?><!-- {long} <mergeCell ref=\"D1:D9\"/> -- > \
             --><mergeCell y='>\"' ref=\"E1:E2\"/><!----><mergeCell ref=\"F1:F2\"/></mergeCells>"
        );
        for chunk in [1, 2, 3, 5, 7, 64 * 1024] {
            assert_eq!(
                merge_refs(xml.as_bytes(), chunk),
                (vec!["B1:B2".into(), "E1:E2".into(), "F1:F2".into()], true),
                "{chunk}"
            );
        }
        // A comment never closed, or a DOCTYPE (whose internal subset can hold anything): the
        // rest is not read, and the scan says so.
        assert_eq!(
            merge_refs(b"<!-- <mergeCell ref=\"A1:A2\"/>", 64),
            (vec![], false)
        );
        assert_eq!(
            merge_refs(
                b"<!DOCTYPE x [<!ENTITY a \"> <!--\">]><mergeCell ref=\"A1:A2\"/>",
                3
            ),
            (vec![], false)
        );
    }

    #[test]
    fn names_as_quick_xml_reads_them() {
        // Decoys a guard took for the real tag: quick-xml (calamine) reads other names.
        assert_eq!(name(b"sst/x/"), b"sst/x");
        assert_eq!(local_name(b"sst/x/"), b"sst/x");
        assert_eq!(local_name(b"a:b:sst uniqueCount=\"1\"/"), b"b:sst");
        assert_eq!(name(b"/table:table/x"), b"/table:table/x");
        assert_eq!(name(b"/table:table x=\"1\""), b"/table:table x=\"1\"");
        assert_eq!(local_name(b"/x:sst"), b"/x:sst");
        assert_eq!(
            name(b"table:table\x0ctable:name=\"S\""),
            b"table:table\x0ctable:name=\"S\""
        );
        // The real ones.
        assert_eq!(name(b"/table:table \n"), b"/table:table");
        assert_eq!(local_name(b"x:mergeCell ref=\"A1:B2\"/"), b"mergeCell");
        assert_eq!(local_name(b"sst/"), b"sst");
        assert_eq!(
            name(b"table:table-row\ttable:number-rows-repeated=\"2\""),
            b"table:table-row"
        );
        assert_eq!(
            attr(b"sst/x uniqueCount=\"9\"", b"uniqueCount"),
            Some(&b"9"[..])
        );
        assert_eq!(
            attr_by_local_name(b"sheet r:id=\"rId1\" a:b:id=\"rId2\"", b"id"),
            Some(&b"rId2"[..])
        );
        assert_eq!(name(b"/table:table\x0c"), b"/table:table\x0c");
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
