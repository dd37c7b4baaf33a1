//! The sheets of an XLS workbook measured before calamine reads them.
//!
//! calamine reads every sheet of an XLS file when it opens it, each into a dense grid spanning
//! its cells with values from the top-left one to the bottom-right one (`Range::from_sparse`;
//! formatted empty cells, `Blank` and `MulBlank`, are never stored), and hands out a copy of the
//! grid read. One value at IV65536 is then a grid of 16.7 million cells. Before that it reserves
//! room for as many cells as the sheet's `Dimensions` record declares: address space only (the
//! pages are never touched), about 640 MiB for the whole BIFF8 sheet (65,536 rows by 256
//! columns), but a declared 4-billion-row dimension is an allocation that aborts. So the
//! workbook stream's records are walked here as calamine walks them (the sheets listed by
//! `BoundSheet8`, from the offset each gives to its end), counting the cells with a value and
//! the grid they span; a workbook whose grids are far larger than its values, or a `Dimensions`
//! record larger than any sheet can be, is refused. Each cell naming a shared string gets its
//! own copy of it: the text copied is bounded as for XLSX.

/// Grids up to this many cells in all (512 MiB in calamine, see `GRID_CELL_BYTES`) are always
/// read: a 65,536-row sheet up to column DF, a 60,000-row catalog with a helper value in BZ.
pub(super) const MIN_GRID_CELLS: u64 = 8 << 20;
/// Beyond that, the grids may hold at most this many cells per cell with a value.
pub(super) const CELLS_PER_VALUE: u64 = 4;
/// Bytes calamine takes per cell of a grid: the grid it builds and the copy it hands out
/// (32 bytes a cell each).
pub(super) const GRID_CELL_BYTES: u64 = 64;
/// The largest `Dimensions` a sheet can declare: the whole BIFF8 sheet, 65,536 rows by 256
/// columns (calamine reserves 40 bytes a cell for it, address space only).
const MAX_DECLARED_CELLS: u64 = 65_536 * 256;
/// Text copied from the shared strings into cells, always allowed...
const SHARED_TEXT_BASE: u64 = 512 << 20;
/// ...and per byte of the workbook stream beyond that.
const SHARED_TEXT_PER_BYTE: u64 = 64;

/// What one sheet of the workbook holds and spans.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct SheetExtent {
    /// The sheet's name, as far as it can be decoded.
    pub name: String,
    /// Cells with a value present (formatted empty cells are not counted: calamine skips them).
    pub cells: u64,
    /// Cells of the grid calamine builds for the sheet: the span of its cells with a value.
    pub grid: u64,
    /// The largest room its `Dimensions` records make calamine reserve, in cells.
    pub declared: u64,
    /// The span of its cells, `A1:IV65536`, for messages (`None`: no cells).
    pub span: Option<String>,
    /// Bytes of shared strings its cells copy (2 per character of a 1-byte string, 3 of a
    /// 2-byte one: the most UTF-8 takes).
    pub shared_text: u64,
}

/// What is wrong with a workbook's sheets, if anything.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Oversized {
    /// The grids break the budget; the sheet with the largest, and the grid cells allowed.
    Grid(SheetExtent, u64),
    /// A `Dimensions` record declares more cells than a sheet can hold (a damaged file).
    Declared(SheetExtent),
    /// The text copied from shared strings breaks its budget; the sheet copying most, and the
    /// budget.
    SharedText(SheetExtent, u64),
}

/// The sheets of the workbook stream checked against the budgets.
pub(super) fn check(stream: &[u8]) -> Option<Oversized> {
    let sheets = measure(stream);
    if let Some(sheet) = sheets.iter().find(|s| s.declared > MAX_DECLARED_CELLS) {
        return Some(Oversized::Declared(sheet.clone()));
    }
    let text: u64 = sheets
        .iter()
        .map(|s| s.shared_text)
        .fold(0, u64::saturating_add);
    let budget =
        SHARED_TEXT_BASE.saturating_add((stream.len() as u64).saturating_mul(SHARED_TEXT_PER_BYTE));
    if text > budget {
        let sheet = sheets.iter().max_by_key(|s| s.shared_text)?.clone();
        return Some(Oversized::SharedText(sheet, budget));
    }
    oversized_sheet(&sheets).map(|(sheet, allowed)| Oversized::Grid(sheet, allowed))
}

/// The sheet whose grid breaks the budget (`MIN_GRID_CELLS`, or `CELLS_PER_VALUE` per cell with
/// a value, over all sheets), if any: the largest grid, with the grid cells allowed.
fn oversized_sheet(sheets: &[SheetExtent]) -> Option<(SheetExtent, u64)> {
    let cells: u64 = sheets.iter().map(|s| s.cells).sum();
    let grid: u64 = sheets.iter().map(|s| s.grid).fold(0, u64::saturating_add);
    let allowed = MIN_GRID_CELLS.max(cells.saturating_mul(CELLS_PER_VALUE));
    if grid <= allowed {
        return None;
    }
    Some((sheets.iter().max_by_key(|s| s.grid).cloned()?, allowed))
}

/// Every sheet listed by the workbook's `BoundSheet8` records, measured.
fn measure(stream: &[u8]) -> Vec<SheetExtent> {
    let mut sheets = Vec::new();
    let mut shared = Vec::new();
    let mut records = Records(stream).peekable();
    while let Some((typ, data)) = records.next() {
        match typ {
            // SST: the shared strings, continued in the Continue records that follow.
            0x00FC => {
                let mut chunks = vec![data];
                while let Some((_, more)) = records.next_if(|(t, _)| *t == 0x003C) {
                    chunks.push(more);
                }
                shared = shared_string_sizes(&chunks);
            }
            // BoundSheet8: the sheet's offset in the stream, then its name.
            0x0085 if data.len() >= 6 => {
                let pos = u32_at(data, 0) as usize;
                let name = sheet_name(&data[6..]);
                if let Some(sheet) = stream.get(pos..) {
                    sheets.push((sheet, name));
                }
            }
            0x000A => break, // the globals' EOF
            _ => {}
        }
    }
    sheets
        .into_iter()
        .map(|(records, name)| measure_sheet(records, name, &shared))
        .collect()
}

/// One sheet's records from its BOF to its EOF; nested substreams (charts) skipped. Only the
/// cells calamine stores count: formatted empty cells (`Blank`, `MulBlank`) neither count as
/// present nor widen the grid, whatever the `Dimensions` record says.
fn measure_sheet(records: &[u8], name: String, shared: &[u64]) -> SheetExtent {
    let mut span = Span::default();
    let mut cells = 0u64;
    let mut shared_text = 0u64;
    let mut declared = 0u64;
    let mut depth = 0usize;
    let mut seen_bof = false;
    for (typ, data) in Records(records) {
        if depth > 0 {
            match typ {
                0x0809 => depth += 1,
                0x000A => depth -= 1,
                _ => {}
            }
            continue;
        }
        match typ {
            0x0809 if seen_bof => depth += 1,
            0x0809 => seen_bof = true,
            0x000A => break,
            0x0200 => declared = declared.max(declared_cells(data)),
            // LabelSst: a copy of shared string number `isst`.
            0x00FD if data.len() >= 10 => {
                cells += 1;
                span.add(u16_at(data, 0), u16_at(data, 2), u16_at(data, 2));
                let isst = u32_at(data, 6) as usize;
                shared_text = shared_text.saturating_add(shared.get(isst).copied().unwrap_or(0));
            }
            // Number, Label, RString, BoolErr, Rk, Formula: one cell at (row, col).
            0x0203 | 0x0204 | 0x00D6 | 0x0205 | 0x027E | 0x0006 if data.len() >= 4 => {
                cells += 1;
                span.add(u16_at(data, 0), u16_at(data, 2), u16_at(data, 2));
            }
            // MulRk: a row of 6-byte cells from colFirst to colLast (the record's last two
            // bytes). calamine refuses a record whose length does not match its columns (the
            // workbook is then not read): such a record is not counted.
            0x00BD if data.len() >= 6 => {
                let (first, last) = (u16_at(data, 2), u16_at(data, data.len() - 2));
                let n = (data.len() as u64 - 6) / 6;
                if (data.len() - 6) % 6 == 0 && first <= last && u64::from(last - first) + 1 == n {
                    cells += n;
                    span.add(u16_at(data, 0), first, last);
                }
            }
            // Blank and MulBlank: formatted empty cells, never stored.
            _ => {}
        }
    }
    SheetExtent {
        name,
        cells,
        grid: span.cells(),
        declared,
        span: span.name(),
        shared_text,
    }
}

/// The decoded size (UTF-8: at most 2 bytes a 1-byte character, Latin-1; 3 a 2-byte one) of each string of the SST record, whose data
/// runs on in Continue records (`chunks`). A string's characters cut by a Continue record go on
/// after a new flags byte (1-byte or 2-byte characters); its formatting runs and phonetic data
/// run on without one. Stops at the first string that does not fit, as calamine fails there.
fn shared_string_sizes(chunks: &[&[u8]]) -> Vec<u64> {
    let mut at = Cursor {
        chunks,
        chunk: 0,
        pos: 0,
    };
    let mut sizes = Vec::new();
    if !at.skip(8) {
        return sizes; // cstTotal, cstUnique
    }
    loop {
        if at.at_chunk_end() && !at.next_chunk() {
            return sizes;
        }
        let (Some(cch), Some(flags)) = (at.u16(), at.u8()) else {
            return sizes;
        };
        let runs = if flags & 0x08 != 0 { at.u16() } else { Some(0) };
        let ext = if flags & 0x04 != 0 { at.u32() } else { Some(0) };
        let (Some(runs), Some(ext)) = (runs, ext) else {
            return sizes;
        };
        let mut wide = flags & 0x01 != 0;
        let mut left = cch as usize;
        let mut size = 0u64;
        while left > 0 {
            if at.at_chunk_end() {
                if !at.next_chunk() {
                    return sizes;
                }
                match at.u8() {
                    Some(f) => wide = f & 0x01 != 0,
                    None => return sizes,
                }
            }
            let width = if wide { 2 } else { 1 };
            let n = left.min(at.left_in_chunk() / width).max(1);
            if !at.skip(n * width) {
                return sizes;
            }
            left -= n;
            // A 1-byte character is Latin-1 (at most 2 bytes of UTF-8), a 2-byte one at most 3.
            size += n as u64 * if wide { 3 } else { 2 };
        }
        if !at.skip(usize::from(runs) * 4 + ext as usize) {
            return sizes;
        }
        sizes.push(size);
    }
}

/// A read position over a record's data and its Continue records.
struct Cursor<'a> {
    chunks: &'a [&'a [u8]],
    chunk: usize,
    pos: usize,
}

impl Cursor<'_> {
    fn left_in_chunk(&self) -> usize {
        self.chunks
            .get(self.chunk)
            .map_or(0, |c| c.len().saturating_sub(self.pos))
    }

    fn at_chunk_end(&self) -> bool {
        self.left_in_chunk() == 0
    }

    fn next_chunk(&mut self) -> bool {
        if self.chunk + 1 >= self.chunks.len() {
            return false;
        }
        self.chunk += 1;
        self.pos = 0;
        true
    }

    /// Skip `n` bytes, across chunks; `false` past the end.
    fn skip(&mut self, mut n: usize) -> bool {
        while n > 0 {
            if self.at_chunk_end() && !self.next_chunk() {
                return false;
            }
            let step = n.min(self.left_in_chunk());
            self.pos += step;
            n -= step;
        }
        true
    }

    /// The next `N` bytes, across chunks.
    fn take<const N: usize>(&mut self) -> Option<[u8; N]> {
        let mut out = [0u8; N];
        for b in &mut out {
            if self.at_chunk_end() && !self.next_chunk() {
                return None;
            }
            *b = self.chunks[self.chunk][self.pos];
            self.pos += 1;
        }
        Some(out)
    }

    fn u8(&mut self) -> Option<u8> {
        self.take::<1>().map(|[b]| b)
    }

    fn u16(&mut self) -> Option<u16> {
        self.take().map(u16::from_le_bytes)
    }

    fn u32(&mut self) -> Option<u32> {
        self.take().map(u32::from_le_bytes)
    }
}

/// The cells calamine reserves for a `Dimensions` record, computed as it does (rows and
/// columns as `last - first + 1`, wrapping as its release build does).
fn declared_cells(data: &[u8]) -> u64 {
    let (rf, rl, mut cf, cl) = match data.len() {
        10 => (
            u32::from(u16_at(data, 0)),
            u32::from(u16_at(data, 2)),
            u32::from(u16_at(data, 4)),
            u32::from(u16_at(data, 6)),
        ),
        14 | 16 => (
            u32_at(data, 0),
            u32_at(data, 4),
            u32::from(u16_at(data, 8)),
            u32::from(u16_at(data, 10)),
        ),
        _ => return 0, // calamine refuses the record
    };
    if cf > 0xFF || cl < cf {
        cf = 0;
    }
    if rl == 0 || cl == 0 {
        return 1;
    }
    let rows = u64::from((rl - 1).wrapping_sub(rf).wrapping_add(1));
    let cols = u64::from((cl - 1).wrapping_sub(cf).wrapping_add(1));
    rows.saturating_mul(cols)
}

/// The rectangle spanned by a sheet's cells.
#[derive(Default)]
struct Span {
    bounds: Option<(u16, u16, u16, u16)>,
}

impl Span {
    fn add(&mut self, row: u16, first_col: u16, last_col: u16) {
        let (r0, r1, c0, c1) = self.bounds.unwrap_or((row, row, first_col, last_col));
        self.bounds = Some((
            r0.min(row),
            r1.max(row),
            c0.min(first_col),
            c1.max(last_col),
        ));
    }

    fn cells(&self) -> u64 {
        self.bounds.map_or(0, |(r0, r1, c0, c1)| {
            (u64::from(r1 - r0) + 1) * (u64::from(c1.max(c0) - c0) + 1)
        })
    }

    fn name(&self) -> Option<String> {
        use super::column_letters;
        self.bounds.map(|(r0, r1, c0, c1)| {
            format!(
                "{}{}:{}{}",
                column_letters(c0 as usize),
                u32::from(r0) + 1,
                column_letters(c1 as usize),
                u32::from(r1) + 1
            )
        })
    }
}

/// A sheet's name from its `BoundSheet8` record (after offset, state and type): a length byte,
/// then (BIFF8) a flag byte for UTF-16 and the characters. Best effort: it only names the sheet
/// in a message.
fn sheet_name(data: &[u8]) -> String {
    let Some((&len, rest)) = data.split_first() else {
        return String::new();
    };
    let len = len as usize;
    match rest.split_first() {
        Some((&flags, chars)) if flags & 0x01 == 1 && chars.len() >= len * 2 => {
            let units: Vec<u16> = chars[..len * 2]
                .chunks_exact(2)
                .map(|c| u16::from_le_bytes([c[0], c[1]]))
                .collect();
            String::from_utf16_lossy(&units)
        }
        Some((&0, chars)) if chars.len() >= len => {
            chars[..len].iter().map(|&b| b as char).collect()
        }
        _ => rest.iter().take(len).map(|&b| b as char).collect(), // BIFF5: no flag byte
    }
}

/// The records of a BIFF stream: (type, data); ends at the stream's end or a cut record.
struct Records<'a>(&'a [u8]);

impl<'a> Iterator for Records<'a> {
    type Item = (u16, &'a [u8]);

    fn next(&mut self) -> Option<Self::Item> {
        if self.0.len() < 4 {
            return None;
        }
        let typ = u16_at(self.0, 0);
        let len = u16_at(self.0, 2) as usize;
        let data = self.0.get(4..4 + len)?;
        self.0 = &self.0[4 + len..];
        Some((typ, data))
    }
}

fn u16_at(b: &[u8], at: usize) -> u16 {
    u16::from_le_bytes([b[at], b[at + 1]])
}

fn u32_at(b: &[u8], at: usize) -> u32 {
    u32::from_le_bytes([b[at], b[at + 1], b[at + 2], b[at + 3]])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(typ: u16, data: &[u8]) -> Vec<u8> {
        let mut r = typ.to_le_bytes().to_vec();
        r.extend_from_slice(&(data.len() as u16).to_le_bytes());
        r.extend_from_slice(data);
        r
    }

    fn number(row: u16, col: u16) -> Vec<u8> {
        let mut d = row.to_le_bytes().to_vec();
        d.extend_from_slice(&col.to_le_bytes());
        d.extend_from_slice(&[0; 10]);
        record(0x0203, &d)
    }

    /// Globals with one BoundSheet8 named "Data", then the sheet's records.
    fn workbook(sheet: &[Vec<u8>]) -> Vec<u8> {
        let bof = record(0x0809, &[0, 6, 0x10, 0]);
        let bound_len = 4 + 6 + 2 + 4;
        let globals_len = bof.len() + bound_len + 4;
        let mut bound = (globals_len as u32).to_le_bytes().to_vec();
        bound.extend_from_slice(&[0, 0, 4, 0]);
        bound.extend_from_slice(b"Data");
        let mut s = bof.clone();
        s.extend(record(0x0085, &bound));
        s.extend(record(0x000A, &[]));
        assert_eq!(s.len(), globals_len);
        s.extend(bof);
        for r in sheet {
            s.extend_from_slice(r);
        }
        s.extend(record(0x000A, &[]));
        s
    }

    #[test]
    fn a_normal_sheet_passes() {
        let cells: Vec<Vec<u8>> = (0..100)
            .flat_map(|r| (0..5).map(move |c| number(r, c)))
            .collect();
        let s = workbook(&cells);
        assert_eq!(measure(&s)[0].cells, 500);
        assert_eq!(measure(&s)[0].span.as_deref(), Some("A1:E100"));
        assert_eq!(check(&s), None);
    }

    #[test]
    fn calamine_cells_are_the_sizes_the_budget_assumes() {
        // GRID_CELL_BYTES is two `Data` (the grid and its copy); a reserved cell is 40 bytes.
        assert_eq!(
            2 * std::mem::size_of::<calamine::Data>() as u64,
            GRID_CELL_BYTES
        );
        assert_eq!(std::mem::size_of::<calamine::Cell<calamine::Data>>(), 40);
    }

    #[test]
    fn one_far_cell_is_refused() {
        let s = workbook(&[number(0, 0), number(65535, 255)]);
        let Some(Oversized::Grid(big, allowed)) = check(&s) else {
            panic!("refused");
        };
        assert_eq!(big.name, "Data");
        assert_eq!(big.span.as_deref(), Some("A1:IV65536"));
        assert_eq!(big.grid, 65536 * 256);
        assert_eq!(allowed, MIN_GRID_CELLS);
    }

    fn dimensions(rf: u32, rl: u32, cf: u16, cl: u16) -> Vec<u8> {
        let mut d = rf.to_le_bytes().to_vec();
        d.extend_from_slice(&rl.to_le_bytes());
        d.extend_from_slice(&cf.to_le_bytes());
        d.extend_from_slice(&cl.to_le_bytes());
        d.extend_from_slice(&[0, 0]);
        record(0x0200, &d)
    }

    #[test]
    fn a_huge_declared_dimension_is_refused() {
        let s = workbook(&[dimensions(0, u32::MAX, 0, 200), number(0, 0)]);
        assert!(matches!(check(&s), Some(Oversized::Declared(_))));
        // Inverted rows wrap around to billions.
        let s = workbook(&[dimensions(9, 3, 0, 5), number(0, 0)]);
        assert!(matches!(check(&s), Some(Oversized::Declared(_))));
    }

    #[test]
    fn the_whole_sheet_declared_is_read() {
        // Excel counts formatted empty cells in Dimensions: A1:IV65536 for one yellow cell at
        // IV65536 is a legal sheet, and calamine only reserves address space for it.
        let s = workbook(&[dimensions(0, 65536, 0, 256), number(0, 0), number(1, 1)]);
        assert_eq!(measure(&s)[0].declared, 65536 * 256);
        assert_eq!(check(&s), None);
    }

    #[test]
    fn formatted_blanks_are_not_cells() {
        // MulBlank: row 3, columns A to J (ten 2-byte format indexes), colLast 9; a Blank at
        // IV65536 under a Dimensions covering it.
        let mut d = 3u16.to_le_bytes().to_vec();
        d.extend_from_slice(&0u16.to_le_bytes());
        d.extend_from_slice(&[0u8; 20]);
        d.extend_from_slice(&9u16.to_le_bytes());
        let mut blank = 65535u16.to_le_bytes().to_vec();
        blank.extend_from_slice(&255u16.to_le_bytes());
        blank.extend_from_slice(&[0, 0]);
        let s = workbook(&[
            dimensions(0, 65536, 0, 256),
            number(0, 0),
            record(0x00BE, &d),
            record(0x0201, &blank),
        ]);
        let sheet = &measure(&s)[0];
        assert_eq!((sheet.cells, sheet.grid), (1, 1));
        assert_eq!(sheet.span.as_deref(), Some("A1:A1"));
        assert_eq!(check(&s), None);
    }

    #[test]
    fn a_mul_rk_whose_length_does_not_match_its_columns_is_not_counted() {
        // Claims columns A to IV but holds two cells.
        let mut d = 65535u16.to_le_bytes().to_vec();
        d.extend_from_slice(&0u16.to_le_bytes());
        d.extend_from_slice(&[0u8; 12]);
        d.extend_from_slice(&255u16.to_le_bytes());
        let s = workbook(&[number(0, 0), record(0x00BD, &d)]);
        let sheet = &measure(&s)[0];
        assert_eq!((sheet.cells, sheet.grid), (1, 1));
        // A matching one counts its cells.
        let mut d = 4u16.to_le_bytes().to_vec();
        d.extend_from_slice(&1u16.to_le_bytes());
        d.extend_from_slice(&[0u8; 12]);
        d.extend_from_slice(&2u16.to_le_bytes());
        let s = workbook(&[number(0, 0), record(0x00BD, &d)]);
        let sheet = &measure(&s)[0];
        assert_eq!((sheet.cells, sheet.grid), (3, 5 * 3));
    }

    #[test]
    fn a_tall_catalog_with_one_far_helper_value_is_read() {
        // 60,000 rows of 12 values and one value at BZ2: a grid of 4.68 million cells.
        let mut cells: Vec<Vec<u8>> = (0..60_000)
            .flat_map(|r| (0..12).map(move |c| number(r, c)))
            .collect();
        cells.push(number(1, 77));
        let s = workbook(&cells);
        assert_eq!(measure(&s)[0].grid, 60_000 * 78);
        assert_eq!(check(&s), None);
    }

    #[test]
    fn charts_inside_a_sheet_are_skipped() {
        let chart = [
            record(0x0809, &[0, 6, 0x20, 0]),
            number(65535, 255),
            record(0x000A, &[]),
        ]
        .concat();
        let s = workbook(&[number(0, 0), chart]);
        assert_eq!(check(&s), None);
    }

    fn label_sst(row: u16, col: u16, isst: u32) -> Vec<u8> {
        let mut d = row.to_le_bytes().to_vec();
        d.extend_from_slice(&col.to_le_bytes());
        d.extend_from_slice(&[0, 0]);
        d.extend_from_slice(&isst.to_le_bytes());
        record(0x00FD, &d)
    }

    #[test]
    fn shared_strings_are_sized_across_continue_records() {
        // "ab" (1-byte), then a 10-character string cut after 4 characters: the Continue
        // record starts with a flags byte saying the rest is 2-byte.
        let mut sst = vec![0u8; 8];
        sst.extend_from_slice(&[2, 0, 0, b'a', b'b']);
        sst.extend_from_slice(&[10, 0, 0, b'c', b'd', b'e', b'f']);
        let mut more = vec![1u8];
        more.extend(std::iter::repeat_n([b'g', 0], 6).flatten());
        more.extend_from_slice(&[3, 0, 0, b'x', b'y', b'z']);
        assert_eq!(
            shared_string_sizes(&[&sst, &more]),
            vec![4, 4 * 2 + 6 * 3, 6]
        );
    }

    #[test]
    fn one_long_shared_string_in_many_cells_is_refused() {
        // A 60,000-character shared string (in Continue records) named by 10,000 cells: 1.2 GB.
        let mut sst = vec![0u8; 8];
        sst.extend_from_slice(&[0x60, 0xEA, 0]); // cch 60,000, 1-byte characters
        let mut chunks = vec![record(0x00FC, &sst)];
        let mut left = 60_000usize;
        let first = 8000;
        chunks[0].extend(std::iter::repeat_n(b'x', first));
        let len = chunks[0].len() as u16 - 4;
        chunks[0][2..4].copy_from_slice(&len.to_le_bytes());
        left -= first;
        while left > 0 {
            let n = left.min(8000);
            let mut d = vec![0u8];
            d.extend(std::iter::repeat_n(b'x', n));
            chunks.push(record(0x003C, &d));
            left -= n;
        }
        let cells: Vec<Vec<u8>> = (0..10_000).map(|r| label_sst(r, 0, 0)).collect();
        let bof = record(0x0809, &[0, 6, 0x10, 0]);
        let sst_records: Vec<u8> = chunks.concat();
        let globals_len = bof.len() + sst_records.len() + 16 + 4;
        let mut bound = (globals_len as u32).to_le_bytes().to_vec();
        bound.extend_from_slice(&[0, 0, 4, 0]);
        bound.extend_from_slice(b"Data");
        let mut s = bof.clone();
        s.extend(sst_records);
        s.extend(record(0x0085, &bound));
        s.extend(record(0x000A, &[]));
        assert_eq!(s.len(), globals_len);
        s.extend(bof);
        for c in &cells {
            s.extend_from_slice(c);
        }
        s.extend(record(0x000A, &[]));
        let Some(Oversized::SharedText(sheet, _)) = check(&s) else {
            panic!("refused");
        };
        assert_eq!(sheet.name, "Data");
        assert_eq!(sheet.shared_text, 10_000 * 120_000);
    }
}
