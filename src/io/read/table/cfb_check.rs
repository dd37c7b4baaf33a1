//! The container of an XLS file (OLE2 "compound file", MS-CFB) checked before calamine opens it.
//!
//! An XLS file is a little file system: the file is cut into sectors (512 or 4096 bytes), a
//! table (the FAT) says which sector follows which, and each stream (the `Workbook` stream
//! holding the sheets, the directory listing the streams, the mini stream holding small
//! streams) is a chain of sectors. calamine follows these chains without looking for loops and
//! reserves what a stream declares: a chain that cycles, or a stream claiming more bytes than
//! the file holds, makes it grow a buffer until the allocation fails, which aborts the process
//! (no `catch_unwind` can catch that). So the chains calamine will walk are walked here first,
//! each at most once per sector, and a damaged container is refused.
//!
//! `workbook_stream` also returns the `Workbook` stream itself, for the sheet-size check in
//! `xls_check`.

/// The end of a chain in the FAT.
const END_OF_CHAIN: u32 = 0xFFFF_FFFE;
/// Ids from here up are markers (free, end of chain, FAT or DIFAT sector), not sectors.
const MAX_REGULAR: u32 = 0xFFFF_FFFA;
/// DIFAT ids from here up are not FAT sectors (calamine's test).
const DIFAT_SECTOR: u32 = 0xFFFF_FFFC;
/// Streams shorter than this live in the mini stream (64-byte mini sectors).
const MINI_STREAM_CUTOFF: u64 = 4096;
const MINI_SECTOR: usize = 64;

/// Why a container is refused (the text follows "the file's internal structure is damaged").
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Damage {
    /// A chain of sectors comes back to a sector it already passed.
    Loop,
    /// A stream (or the FAT) claims more than the file holds.
    TooLong,
    /// A small stream's chain leaves the mini stream (calamine would read whatever follows).
    Outside,
}

impl Damage {
    pub(super) fn explain(&self) -> &'static str {
        match self {
            Damage::Loop => "a sector chain loops",
            Damage::TooLong => "a stream claims more bytes than the file holds",
            Damage::Outside => "a stream points outside the file",
        }
    }
}

/// The container of `bytes`, checked: `Ok(Some(stream))` is the `Workbook` (or `Book`) stream,
/// `Ok(None)` a file left to calamine (not an OLE2 file, no workbook stream, a chain leaving
/// the file): it refuses most with its own message, and on some (a chain leaving the file) it
/// panics (`fats[id]` out of bounds, an inverted slice in `Sectors::get`), which
/// `Table::open`'s `catch_unwind` turns into the "the file is damaged" message. `Err` a
/// container calamine would choke on (a loop, a size beyond the file: an endless read or an
/// abort).
pub(super) fn workbook_stream(bytes: &[u8]) -> Result<Option<Vec<u8>>, Damage> {
    let Some(cfb) = Container::new(bytes)? else {
        return Ok(None);
    };
    // The directory: its chain has no declared length.
    let Some(dir) = cfb.read_chain(cfb.dir_start, None)? else {
        return Ok(None);
    };
    let entries: Vec<Entry> = dir.chunks_exact(128).map(|e| cfb.entry(e)).collect();
    let Some(root) = entries.first() else {
        return Ok(None);
    };
    // The mini stream (the root entry's chain) and its table, read whenever the header has one.
    let (mini_stream, mini_fat) = if cfb.mini_fat_sectors > 0 {
        let mini_fat_len = cfb.mini_fat_sectors.saturating_mul(cfb.sector as u64);
        let Some(stream) = cfb.read_chain(root.start, Some(root.len))? else {
            return Ok(None);
        };
        let Some(table) = cfb.read_chain(cfb.mini_fat_start, Some(mini_fat_len))? else {
            return Ok(None);
        };
        (stream, u32s(&table).collect::<Vec<u32>>())
    } else {
        (Vec::new(), Vec::new())
    };
    let found = ["Workbook", "Book"]
        .iter()
        .find_map(|name| entries.iter().find(|e| e.name.eq_ignore_ascii_case(name)));
    let Some(book) = found else {
        return Ok(None);
    };
    if book.len < MINI_STREAM_CUTOFF {
        // Small: at most 4 KiB whatever the chain does (calamine stops there too).
        return read_mini_chain(&mini_stream, &mini_fat, book.start, book.len)
            .map(Some)
            .ok_or(Damage::Outside);
    }
    cfb.read_chain(book.start, Some(book.len))
}

/// One directory entry: a stream's name, first sector and length.
struct Entry {
    name: String,
    start: u32,
    len: u64,
}

/// The header's figures and the FAT.
struct Container<'a> {
    bytes: &'a [u8],
    /// Sector size in bytes (512 or 4096).
    sector: usize,
    /// The last sector id calamine accepts (the file's length / the sector size; the last
    /// ones may be short or empty): no chain can visit more sectors than this plus one.
    max_id: usize,
    dir_start: u32,
    mini_fat_start: u32,
    mini_fat_sectors: u64,
    fat: Vec<u32>,
}

impl<'a> Container<'a> {
    /// The header and the FAT, as calamine reads them; `None` when calamine refuses the header.
    fn new(bytes: &'a [u8]) -> Result<Option<Container<'a>>, Damage> {
        const SIGNATURE: [u8; 8] = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
        if bytes.len() < 512 || bytes[..8] != SIGNATURE {
            return Ok(None);
        }
        let sector = match u16_at(bytes, 30) {
            9 => 512,
            12 => 4096,
            _ => return Ok(None),
        };
        if u16_at(bytes, 32) != 6 || bytes.len() < sector {
            return Ok(None);
        }
        let mut cfb = Container {
            bytes,
            sector,
            max_id: bytes.len() / sector,
            dir_start: u32_at(bytes, 48),
            mini_fat_start: u32_at(bytes, 60),
            mini_fat_sectors: u64::from(u32_at(bytes, 64)),
            fat: Vec::new(),
        };
        // The DIFAT lists the FAT's sectors: 109 in the header, the rest in a chain of DIFAT
        // sectors whose last entry points to the next one.
        let mut difat: Vec<u32> = u32s(&bytes[76..512]).collect();
        let mut next = u32_at(bytes, 68);
        let mut seen = 0usize;
        while next < MAX_REGULAR {
            seen += 1;
            if seen > cfb.max_id + 1 {
                return Err(Damage::Loop);
            }
            let Some(data) = cfb.sector_data(next) else {
                return Ok(None);
            };
            difat.extend(u32s(data));
            next = difat.pop().unwrap_or(END_OF_CHAIN);
        }
        // Each FAT sector is a sector of the file: a DIFAT listing more (the same one over and
        // over) would make calamine build a FAT far larger than the file.
        let fat_sectors: Vec<u32> = difat.into_iter().filter(|id| *id < DIFAT_SECTOR).collect();
        if fat_sectors.len() > cfb.max_id + 1 {
            return Err(Damage::TooLong);
        }
        let mut fat = Vec::with_capacity(fat_sectors.len() * sector / 4);
        for id in fat_sectors {
            let Some(data) = cfb.sector_data(id) else {
                return Ok(None);
            };
            fat.extend(u32s(data));
        }
        cfb.fat = fat;
        Ok(Some(cfb))
    }

    /// Sector `id`'s bytes as calamine reads them (sector 0 follows the header; the last ones
    /// may be short or empty); `None` for an id calamine refuses (past `max_id`).
    fn sector_data(&self, id: u32) -> Option<&'a [u8]> {
        if id as usize > self.max_id {
            return None;
        }
        let start = ((id as usize + 1) * self.sector).min(self.bytes.len());
        let end = (start + self.sector).min(self.bytes.len());
        Some(&self.bytes[start..end])
    }

    /// The bytes of the chain starting at `start`, up to `len` when given (calamine stops there
    /// too). A chain visiting a sector twice loops; a `len` above the file's size is a lie.
    /// `None` when the chain leaves the file (calamine reports it or panics, caught as a
    /// damaged file by `Table::open`).
    fn read_chain(&self, start: u32, len: Option<u64>) -> Result<Option<Vec<u8>>, Damage> {
        if len.is_some_and(|l| l > self.bytes.len() as u64) {
            return Err(Damage::TooLong);
        }
        let want = len.map_or(usize::MAX, |l| l as usize);
        let mut out = Vec::new();
        let mut visited = vec![false; self.max_id + 1];
        let mut id = start;
        while id != END_OF_CHAIN && out.len() < want {
            let Some(data) = self.sector_data(id) else {
                return Ok(None);
            };
            match visited.get_mut(id as usize) {
                Some(true) => return Err(Damage::Loop),
                Some(seen) => *seen = true,
                None => return Ok(None),
            }
            out.extend_from_slice(&data[..data.len().min(want - out.len())]);
            if out.len() >= want {
                break;
            }
            let Some(next) = self.fat.get(id as usize) else {
                return Ok(None);
            };
            id = *next;
        }
        Ok(Some(out))
    }

    fn entry(&self, raw: &[u8]) -> Entry {
        let units: Vec<u16> = raw[..64]
            .chunks_exact(2)
            .map(|c| u16::from_le_bytes([c[0], c[1]]))
            .take_while(|u| *u != 0)
            .collect();
        let len = if self.sector == 512 {
            u64::from(u32_at(raw, 120))
        } else {
            u64::from_le_bytes(raw[120..128].try_into().unwrap_or([0; 8]))
        };
        Entry {
            name: String::from_utf16_lossy(&units),
            start: u32_at(raw, 116),
            len,
        }
    }
}

/// A small stream from the mini stream: 64-byte mini sectors chained by the mini FAT. Always
/// under 4 KiB and each step adds bytes, so a loop cannot run away; `None` when the chain
/// leaves the mini stream.
fn read_mini_chain(stream: &[u8], mini_fat: &[u32], start: u32, len: u64) -> Option<Vec<u8>> {
    let want = len as usize;
    let mut out = Vec::with_capacity(want);
    let mut id = start;
    while id != END_OF_CHAIN && out.len() < want {
        let from = (id as usize).checked_mul(MINI_SECTOR)?;
        let data = stream
            .get(from..(from + MINI_SECTOR).min(stream.len()))
            .filter(|d| !d.is_empty())?;
        out.extend_from_slice(&data[..data.len().min(want - out.len())]);
        if out.len() >= want {
            break;
        }
        id = *mini_fat.get(id as usize)?;
    }
    Some(out)
}

fn u16_at(b: &[u8], at: usize) -> u16 {
    u16::from_le_bytes([b[at], b[at + 1]])
}

fn u32_at(b: &[u8], at: usize) -> u32 {
    u32::from_le_bytes([b[at], b[at + 1], b[at + 2], b[at + 3]])
}

fn u32s(b: &[u8]) -> impl Iterator<Item = u32> + '_ {
    b.chunks_exact(4)
        .map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]]))
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECTOR: usize = 512;

    /// A version-3 container: header, one FAT sector (sector 0), one directory sector
    /// (sector 1) with a root entry and a `Workbook` entry of `book_len` bytes starting at
    /// sector 2, then `data` sectors; `fat` lists the FAT's entries from sector 2 on.
    fn container(book_len: u32, data: usize, chain: &[u32]) -> Vec<u8> {
        let mut b = vec![0u8; SECTOR * (3 + data)];
        b[..8].copy_from_slice(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]);
        b[26..28].copy_from_slice(&3u16.to_le_bytes());
        b[28..30].copy_from_slice(&0xFFFEu16.to_le_bytes());
        b[30..32].copy_from_slice(&9u16.to_le_bytes());
        b[32..34].copy_from_slice(&6u16.to_le_bytes());
        b[44..48].copy_from_slice(&1u32.to_le_bytes());
        b[48..52].copy_from_slice(&1u32.to_le_bytes()); // directory at sector 1
        b[56..60].copy_from_slice(&4096u32.to_le_bytes());
        b[60..64].copy_from_slice(&END_OF_CHAIN.to_le_bytes());
        b[68..72].copy_from_slice(&END_OF_CHAIN.to_le_bytes());
        for i in 0..109 {
            let v = if i == 0 { 0 } else { u32::MAX };
            b[76 + i * 4..80 + i * 4].copy_from_slice(&v.to_le_bytes());
        }
        // FAT (sector 0 → file offset 512)
        let fat = SECTOR;
        let mut entries = vec![0xFFFF_FFFDu32, END_OF_CHAIN];
        entries.extend_from_slice(chain);
        for (i, e) in entries.iter().enumerate() {
            b[fat + i * 4..fat + i * 4 + 4].copy_from_slice(&e.to_le_bytes());
        }
        for i in entries.len()..128 {
            b[fat + i * 4..fat + i * 4 + 4].copy_from_slice(&u32::MAX.to_le_bytes());
        }
        // Directory (sector 1 → offset 1024)
        let dir = 2 * SECTOR;
        let name = |b: &mut Vec<u8>, at: usize, s: &str| {
            for (i, u) in s.encode_utf16().enumerate() {
                b[at + i * 2..at + i * 2 + 2].copy_from_slice(&u.to_le_bytes());
            }
        };
        name(&mut b, dir, "Root Entry");
        b[dir + 116..dir + 120].copy_from_slice(&END_OF_CHAIN.to_le_bytes());
        name(&mut b, dir + 128, "Workbook");
        b[dir + 128 + 116..dir + 128 + 120].copy_from_slice(&2u32.to_le_bytes());
        b[dir + 128 + 120..dir + 128 + 124].copy_from_slice(&book_len.to_le_bytes());
        b
    }

    #[test]
    fn a_sound_chain_gives_the_stream() {
        let mut b = container(9 * 512, 9, &[3, 4, 5, 6, 7, 8, 9, 10, END_OF_CHAIN]);
        b[3 * SECTOR] = 0x42;
        let stream = workbook_stream(&b).expect("sound").expect("a stream");
        assert_eq!(stream.len(), 9 * 512);
        assert_eq!(stream[0], 0x42);
    }

    #[test]
    fn a_looping_chain_is_refused() {
        // 2 → 3 → 4 → 2: the stream claims 8 sectors, the chain cycles over 3.
        let b = container(8 * 512, 9, &[3, 4, 2]);
        assert_eq!(workbook_stream(&b), Err(Damage::Loop));
    }

    #[test]
    fn a_looping_directory_is_refused() {
        // The directory (sector 1) points back to itself.
        let mut b = container(4096, 8, &[3, 4, 5, 6, 7, 8, 9, END_OF_CHAIN]);
        b[SECTOR + 4..SECTOR + 8].copy_from_slice(&1u32.to_le_bytes());
        assert_eq!(workbook_stream(&b), Err(Damage::Loop));
    }

    #[test]
    fn a_stream_longer_than_the_file_is_refused() {
        let b = container(u32::MAX, 8, &[3, 4, 5, 6, 7, 8, 9, END_OF_CHAIN]);
        assert_eq!(workbook_stream(&b), Err(Damage::TooLong));
    }

    #[test]
    fn a_fat_listing_one_sector_over_and_over_is_refused() {
        let mut b = container(4096, 0, &[END_OF_CHAIN]);
        for i in 0..109 {
            b[76 + i * 4..80 + i * 4].copy_from_slice(&0u32.to_le_bytes());
        }
        assert_eq!(workbook_stream(&b), Err(Damage::TooLong));
    }

    /// The `Workbook` stream of `len` bytes in the mini stream: sector 2 holds the mini FAT
    /// (`mini_fat`), sector 3 the mini stream (two 64-byte mini sectors, bytes 0, 1, 2, ...).
    fn with_mini_stream(len: u32, mini_fat: &[u32]) -> Vec<u8> {
        let mut b = container(len, 2, &[END_OF_CHAIN, END_OF_CHAIN]);
        b[60..64].copy_from_slice(&2u32.to_le_bytes()); // mini FAT at sector 2
        b[64..68].copy_from_slice(&1u32.to_le_bytes()); // one sector of it
        let dir = 2 * SECTOR;
        b[dir + 116..dir + 120].copy_from_slice(&3u32.to_le_bytes()); // mini stream at 3
        b[dir + 120..dir + 124].copy_from_slice(&128u32.to_le_bytes());
        b[dir + 128 + 116..dir + 128 + 120].copy_from_slice(&0u32.to_le_bytes());
        let fat = 3 * SECTOR;
        for i in 0..128 {
            let e = mini_fat.get(i).copied().unwrap_or(u32::MAX);
            b[fat + i * 4..fat + i * 4 + 4].copy_from_slice(&e.to_le_bytes());
        }
        for i in 0..128 {
            b[4 * SECTOR + i] = i as u8;
        }
        b
    }

    #[test]
    fn a_small_stream_comes_from_the_mini_stream() {
        let b = with_mini_stream(100, &[1, END_OF_CHAIN]);
        let stream = workbook_stream(&b).expect("sound").expect("a stream");
        assert_eq!(stream, (0..100).map(|i| i as u8).collect::<Vec<u8>>());
        // A mini chain that loops still ends: each step adds bytes, up to the stream's length.
        let b = with_mini_stream(1000, &[1, 0]);
        assert_eq!(
            workbook_stream(&b).map(|s| s.map(|s| s.len())),
            Ok(Some(1000))
        );
        // One that leaves the mini stream is refused.
        let b = with_mini_stream(100, &[5]);
        assert_eq!(workbook_stream(&b), Err(Damage::Outside));
    }

    #[test]
    fn not_a_container_is_left_to_calamine() {
        assert_eq!(workbook_stream(b"PK\x03\x04 not ole"), Ok(None));
        let mut b = container(4096, 8, &[3, 4, 5, 6, 7, 8, 9, END_OF_CHAIN]);
        b[30] = 7; // no such sector size
        assert_eq!(workbook_stream(&b), Ok(None));
    }
}
