//! Merged cells of a spreadsheet (XLSX, XLS). A cell merged down one column shows its value on
//! every row it spans, but the file holds it in the first row only. Below the header, the value
//! is copied into the rows it spans in the columns that describe a line (name, category,
//! price, ...); never into a key or a figure that adds up (sku, location, quantity, orders):
//! copying a merged stock figure would multiply the stock. Those are left in their first row,
//! with a warning. Merges are read from the sheet's XML without a second workbook parse, and the
//! work and memory they cost are bounded by what the file holds, whatever the regions claim.

use super::mapping::{FieldSpec, HeaderMap};
use super::table::{Cell, RawRow, column_letters};
use super::xml_tags::{attr, attr_by_local_name, local_name, scan_tags};

/// A merged region as the file lists it: sheet coordinates, 0-based, inclusive.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Merge {
    pub first_row: u32,
    pub first_col: u32,
    pub last_row: u32,
    pub last_col: u32,
}

impl Merge {
    /// A region over two rows or more: what can fill rows (down one column), make a header
    /// two rows tall, or be refused in the template and `--existing` files. Regions within
    /// one row (titles, cells merged across) do none of that and are not kept.
    pub fn spans_rows(&self) -> bool {
        self.last_row > self.first_row
    }
}

/// Most merged regions over several rows read from one sheet; a sheet with more is refused.
pub const MAX_MERGES: usize = 100_000;

/// Most rows looked at while applying merges, whatever the regions claim.
const WORK_BUDGET: usize = 20_000_000;

/// Cells added to rows plus text copied (in 32-byte units) while filling, beyond the cells the
/// sheet holds: memory follows the file, not the regions it claims.
const GROWTH_FLOOR: usize = 1 << 20;

/// Fields whose merged value is copied into every row it spans: descriptions of a line and
/// per-unit figures, which mean the same on each row.
const FILLED: &[&str] = &[
    "name",
    "category",
    "currency",
    "category_id",
    "product_id",
    "price",
    "cost",
    "margin",
    "handle",
    "handle_id",
    "option1",
    "option2",
    "option3",
    "tracker",
    "product_type",
    "field_type",
    "surcharge",
    "wix_option1",
    "wix_option2",
    "wix_option3",
    "parent",
    "option1_name",
    "option2_name",
    "option3_name",
    "status",
    // Markdowns already live: per-unit prices and their dates, like `price`.
    "compare_at_price",
    "sale_price",
    "sale_from",
    "sale_to",
    "discount_amount",
    "discount_percent",
    "discount_mode",
    "discount_value",
    // Sales files.
    "date",
    "order_id",
    "customer",
    "cancelled_at",
    "plain_name",
];

/// Most rows below the header that a header cell merged down can span and still be read as a
/// second header row (a taller merge from the header is not a header).
const MAX_EXTRA_HEADER_ROWS: u32 = 2;

/// Fields whose merged value counts for the first row only: keys and figures that add up.
const FIRST_ROW_ONLY: &[&str] = &["sku", "location", "quantity", "orders", "row_id"];

/// What merges did to a table: one message per column concerned, in column order.
#[derive(Debug, Default)]
pub struct Applied {
    /// (the column as warnings name it, `Category (C)`; message).
    pub notes: Vec<(Option<String>, String)>,
    /// Why the sheet is refused: its merges ask for more work than the budget allows.
    pub refused: Option<String>,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Role {
    Fill,
    FirstRowOnly(&'static str),
}

/// The merged regions that matter below the header: one column, two rows or more, first row
/// below the header, in a column the header maps to a field. Others (titles, grouped headers,
/// merges beyond the header's width or in unread columns) have nothing to fill.
pub fn apply(
    rows: &mut Vec<RawRow>,
    merges: &[Merge],
    truncated: bool,
    header: &HeaderMap,
    specs: &[FieldSpec],
    col0: usize,
    what: &str,
) -> Applied {
    let width = header.headers.len();
    let mut roles: Vec<Option<Role>> = vec![None; width];
    for (field, col) in header.fields(specs) {
        let Some(slot) = roles.get_mut(col) else {
            continue;
        };
        if let Some(&f) = FIRST_ROW_ONLY.iter().find(|f| **f == field) {
            *slot = Some(Role::FirstRowOnly(f));
        } else if FILLED.contains(&field) && slot.is_none() {
            *slot = Some(Role::Fill);
        }
    }
    let mut applied = Applied::default();
    // A header cell merged down over the next row or two (`SKU` over A1:A2, beside a title
    // merged across sub-headers) makes those rows part of the header, not data. A row with
    // values beyond the header's width is kept, for the message about two-row headers.
    let mut header_merges: Vec<&Merge> = merges
        .iter()
        .filter(|m| {
            m.first_row as usize + 1 == header.row
                && m.last_row > m.first_row
                && m.last_row - m.first_row <= MAX_EXTRA_HEADER_ROWS
                && (m.first_col as usize)
                    .checked_sub(col0)
                    .and_then(|c| header.headers.get(c))
                    .is_some_and(|h| !h.trim().is_empty())
        })
        .collect();
    header_merges.sort_by_key(|m| m.first_col);
    let header_end = header_merges
        .iter()
        .map(|m| m.last_row as usize + 1)
        .max()
        .unwrap_or(header.row);
    if header_end > header.row {
        let before = rows.len();
        rows.retain(|r| {
            r.row > header_end
                || r.beyond_header.is_some()
                || r.cells.iter().skip(width).any(|c| !c.is_empty())
        });
        if rows.len() < before {
            let shown: Vec<String> = header_merges
                .iter()
                .take(5)
                .map(|&m| range_name(m))
                .collect();
            let extra = if header_end == header.row + 1 {
                format!("row {header_end} was")
            } else {
                format!("rows {}-{header_end} were", header.row + 1)
            };
            applied.notes.push((
                None,
                format!(
                    "{extra} read as part of the header (header cells merged down: {}), not as data",
                    shown.join(", ")
                ),
            ));
        }
    }
    let mut wanted: Vec<(usize, Merge)> = merges
        .iter()
        .filter(|m| {
            m.first_col == m.last_col
                && m.last_row > m.first_row
                && m.first_row as usize + 1 > header_end
                && m.first_col as usize >= col0
        })
        .filter_map(|m| {
            let col = m.first_col as usize - col0;
            roles.get(col).copied().flatten().map(|_| (col, *m))
        })
        .collect();
    if wanted.is_empty() && !truncated {
        return applied;
    }
    // By column, top to bottom, whatever order the file lists them in.
    wanted.sort_by_key(|(col, m)| (*col, m.first_row));
    // Rows with nothing in them stay empty; the cells present bound the growth.
    let mut present = 0usize;
    let has_value: Vec<bool> = rows
        .iter()
        .map(|r| {
            let n = r.cells.iter().filter(|c| !c.is_empty()).count();
            present += n;
            n > 0
        })
        .collect();
    let mut work = WORK_BUDGET;
    let mut growth = present.max(GROWTH_FLOOR);
    let mut exhausted = false;
    let mut per_col: Vec<(usize, Role, Vec<Merge>)> = Vec::new();
    'merges: for (col, m) in wanted {
        let role = roles[col].expect("filtered on role");
        work = work.saturating_sub(1);
        // Rows are in order of their (1-based) row number.
        let first = rows.partition_point(|r| r.row < m.first_row as usize + 1);
        let Some(value) = rows
            .get(first)
            .filter(|r| r.row == m.first_row as usize + 1)
            .and_then(|r| r.cells.get(col))
            .filter(|c| !c.is_empty())
            .cloned()
        else {
            continue;
        };
        let cost = 1 + match &value {
            Cell::Text(s) | Cell::Error(s) | Cell::Formula(s) => s.len() / 32,
            _ => 0,
        };
        let mut matters = false;
        for (i, row) in rows.iter_mut().enumerate().skip(first + 1) {
            if row.row > m.last_row as usize + 1 {
                break;
            }
            if work == 0 {
                exhausted = true;
                break 'merges;
            }
            work -= 1;
            if !has_value[i] {
                continue;
            }
            if role != Role::Fill {
                matters = true;
                break;
            }
            let added = (col + 1).saturating_sub(row.cells.len());
            if !row.cells.get(col).is_none_or(Cell::is_empty) {
                continue;
            }
            if added + cost > growth {
                exhausted = true;
                break 'merges;
            }
            growth -= added + cost;
            if added > 0 {
                row.cells.resize(col + 1, Cell::Empty);
            }
            row.cells[col] = value.clone();
            matters = true;
        }
        if matters {
            match per_col.last_mut() {
                Some((c, _, list)) if *c == col => list.push(m),
                _ => per_col.push((col, role, vec![m])),
            }
        }
    }
    for (col, role, list) in per_col {
        let letters = column_letters(col + col0);
        let column = match header.headers.get(col).map(|h| h.trim()) {
            Some(h) if !h.is_empty() => format!("{h} ({letters})"),
            _ => letters,
        };
        let shown: Vec<String> = list.iter().take(5).map(range_name).collect();
        let more = match list.len().saturating_sub(5) {
            0 => String::new(),
            n => format!(" and {n} more"),
        };
        let ranges = format!("merged cells {}{more}", shown.join(", "));
        let message = match role {
            Role::Fill => {
                format!("{ranges} were read as their value on every row they span")
            }
            Role::FirstRowOnly(field) => {
                let rows: Vec<String> = list
                    .iter()
                    .take(5)
                    .map(|m| format!("row {}", m.first_row + 1))
                    .collect();
                let once = match (field, what) {
                    ("quantity", "sales") => {
                        format!("shared units sold are counted once, on {}", rows.join(", "))
                    }
                    ("quantity", _) => {
                        format!("shared stock is counted once, on {}", rows.join(", "))
                    }
                    ("orders", _) => {
                        format!("shared orders are counted once, on {}", rows.join(", "))
                    }
                    ("sku", _) => "the other rows are read without a sku".to_string(),
                    ("location", _) => {
                        "the other rows are read without a location (a location is part of a line's key: give it on every row)".to_string()
                    }
                    _ => "the other rows are read without it".to_string(),
                };
                format!(
                    "{ranges} are not copied down: the value counts only for the first row of the merge; {once}"
                )
            }
        };
        applied.notes.push((Some(column), message));
    }
    // Half-filled merges would leave some rows with the value and others without, without a
    // word on which: over the budget, the sheet is refused.
    if truncated {
        applied.refused = Some(format!(
            "the sheet lists more than {MAX_MERGES} merged cells, more than the planner reads; unmerge the cells (select the sheet, Unmerge Cells) and save again, or export the sheet as CSV"
        ));
    } else if exhausted {
        applied.refused = Some(
            "too many rows under merged cells to copy their values (the work they ask for is above what the sheet's own cells justify); unmerge the cells (select the sheet, Unmerge Cells) and save again, or export the sheet as CSV".into(),
        );
    }
    applied
}

/// The region as a spreadsheet names it: `C3:C5`.
fn range_name(m: &Merge) -> String {
    format!(
        "{}{}:{}{}",
        column_letters(m.first_col as usize),
        m.first_row + 1,
        column_letters(m.last_col as usize),
        m.last_row + 1
    )
}

/// The merges calamine lists for an XLS sheet, at most `MAX_MERGES`; `true` when some were left.
pub fn from_dimensions(dims: &[calamine::Dimensions]) -> (Vec<Merge>, bool) {
    let mut down = dims
        .iter()
        .map(|d| Merge {
            first_row: d.start.0,
            first_col: d.start.1,
            last_row: d.end.0,
            last_col: d.end.1,
        })
        .filter(Merge::spans_rows);
    let merges: Vec<Merge> = down.by_ref().take(MAX_MERGES).collect();
    let truncated = down.next().is_some();
    (merges, truncated)
}

/// The merged regions of the `index`-th sheet of an XLSX (`<mergeCell ref="C3:C5"/>` in its
/// XML), streamed from the zip entry: nothing but the merges is kept. At most `MAX_MERGES`;
/// `true` when some were left. A workbook whose merges cannot be found has none.
pub fn read_xlsx(bytes: &[u8], index: usize) -> (Vec<Merge>, bool) {
    let Ok(mut zip) = zip::ZipArchive::new(std::io::Cursor::new(bytes)) else {
        return (Vec::new(), false);
    };
    let Some(path) = sheet_path(&mut zip, index) else {
        return (Vec::new(), false);
    };
    let Some(name) = entry_name(&zip, &path) else {
        return (Vec::new(), false);
    };
    let Ok(entry) = zip.by_name(&name) else {
        return (Vec::new(), false);
    };
    let mut merges = Vec::new();
    let mut truncated = false;
    scan_tags(entry, |tag| {
        if local_name(tag) != b"mergeCell" {
            return true;
        }
        // Only regions over several rows matter (a title or cells merged across one row do
        // nothing): a sheet merging B:C on every row is no reason to refuse it.
        if let Some(m) = attr(tag, b"ref")
            .and_then(parse_range)
            .filter(Merge::spans_rows)
        {
            if merges.len() == MAX_MERGES {
                truncated = true;
                return false;
            }
            merges.push(m);
        }
        true
    });
    (merges, truncated)
}

type Zip<'a> = zip::ZipArchive<std::io::Cursor<&'a [u8]>>;

/// The zip path of the `index`-th sheet: its relationship id in xl/workbook.xml, then the target
/// of that relationship in xl/_rels/workbook.xml.rels.
fn sheet_path(zip: &mut Zip<'_>, index: usize) -> Option<String> {
    let mut rel_id = None;
    let mut seen = 0;
    scan_tags(
        zip.by_name(&entry_name(zip, "xl/workbook.xml")?).ok()?,
        |tag| {
            if local_name(tag) != b"sheet" {
                return true;
            }
            if seen == index {
                rel_id = attr_by_local_name(tag, b"id").map(<[u8]>::to_vec);
                return false;
            }
            seen += 1;
            true
        },
    );
    let rel_id = rel_id?;
    let mut target = None;
    let rels = entry_name(zip, "xl/_rels/workbook.xml.rels")?;
    scan_tags(zip.by_name(&rels).ok()?, |tag| {
        if local_name(tag) == b"Relationship" && attr(tag, b"Id") == Some(&rel_id[..]) {
            target = attr(tag, b"Target").map(<[u8]>::to_vec);
            return false;
        }
        true
    });
    let target = String::from_utf8(target?).ok()?.replace('\\', "/");
    Some(match target.strip_prefix('/') {
        Some(absolute) => absolute.to_string(),
        None => match target.strip_prefix("../") {
            Some(up) => up.to_string(),
            None => format!("xl/{target}"),
        },
    })
}

/// The entry's name as the zip spells it (writers differ in case and slashes).
fn entry_name(zip: &Zip<'_>, path: &str) -> Option<String> {
    if zip.index_for_name(path).is_some() {
        return Some(path.to_string());
    }
    (0..zip.len()).find_map(|i| {
        let name = zip.name_for_index(i)?.ok()?;
        name.replace('\\', "/")
            .eq_ignore_ascii_case(path)
            .then(|| name.to_string())
    })
}

/// `C3:C5` → rows 2-4, column 2. A single cell (`C3`) merges nothing.
fn parse_range(s: &[u8]) -> Option<Merge> {
    let s = std::str::from_utf8(s).ok()?;
    let (a, b) = s.split_once(':')?;
    let (r0, c0) = parse_cell(a)?;
    let (r1, c1) = parse_cell(b)?;
    Some(Merge {
        first_row: r0.min(r1),
        first_col: c0.min(c1),
        last_row: r0.max(r1),
        last_col: c0.max(c1),
    })
}

/// `XFD1048576` → (1048575, 16383), 0-based; `None` outside the sheet's grid.
fn parse_cell(s: &str) -> Option<(u32, u32)> {
    let s = s.trim().replace('$', "");
    let split = s.find(|c: char| c.is_ascii_digit())?;
    let (letters, digits) = s.split_at(split);
    if letters.is_empty() || letters.len() > 3 || !letters.chars().all(|c| c.is_ascii_alphabetic())
    {
        return None;
    }
    let col = letters.bytes().fold(0u32, |n, b| {
        n * 26 + u32::from(b.to_ascii_uppercase() - b'A' + 1)
    }) - 1;
    let row: u32 = digits.parse().ok()?;
    (col < 16_384 && (1..=1_048_576).contains(&row)).then(|| (row - 1, col))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::io::read::mapping::CATALOG_FIELDS;

    fn row(row: usize, cells: &[&str]) -> RawRow {
        RawRow {
            row,
            cells: cells
                .iter()
                .map(|c| {
                    if c.is_empty() {
                        Cell::Empty
                    } else {
                        Cell::Text(c.to_string())
                    }
                })
                .collect(),
            beyond_header: None,
        }
    }

    fn merge(range: &str) -> Merge {
        parse_range(range.as_bytes()).unwrap()
    }

    fn header(row: usize, names: &[&str]) -> HeaderMap {
        HeaderMap::for_tests(row, names, CATALOG_FIELDS)
    }

    #[test]
    fn ranges_and_cells() {
        assert_eq!(
            merge("C3:C5"),
            Merge {
                first_row: 2,
                first_col: 2,
                last_row: 4,
                last_col: 2
            }
        );
        assert_eq!(parse_cell("XFD1048576"), Some((1_048_575, 16_383)));
        assert_eq!(parse_cell("$b$2"), Some((1, 1)));
        assert_eq!(parse_cell("XFE1"), None);
        assert_eq!(parse_cell("A0"), None);
        assert_eq!(parse_cell("A1048577"), None);
        assert_eq!(parse_range(b"C3"), None);
    }

    #[test]
    fn descriptions_filled_keys_and_stock_not() {
        // Header on row 1: sku, name, category, quantity; rows 2-5, row 4 absent.
        let h = header(1, &["sku", "name", "category", "quantity"]);
        let mut rows = vec![
            row(2, &["A-1", "Lamp", "Lamps", "7"]),
            row(3, &["A-2", "Shade"]),
            row(5, &["", "Bulb", "", ""]),
            row(6, &[]),
        ];
        let merges = [
            merge("C2:C6"), // category: filled into rows 3 and 5, not the empty row 6
            merge("D2:D3"), // quantity: not filled, warned
            merge("A1:D1"), // the header: left alone
            merge("F2:F5"), // beyond the header: nothing there
        ];
        let applied = apply(&mut rows, &merges, false, &h, CATALOG_FIELDS, 0, "catalog");
        assert_eq!(rows[1].cells[2], Cell::Text("Lamps".into()));
        assert_eq!(rows[2].cells[2], Cell::Text("Lamps".into()));
        assert!(rows[3].cells.is_empty());
        assert_eq!(rows[1].cells.len(), 3, "quantity not copied");
        let notes = &applied.notes;
        assert_eq!(notes.len(), 2, "{notes:?}");
        assert_eq!(notes[0].0.as_deref(), Some("category (C)"));
        assert!(
            notes[0]
                .1
                .starts_with("merged cells C2:C6 were read as their value")
        );
        assert_eq!(notes[1].0.as_deref(), Some("quantity (D)"));
        assert!(
            notes[1]
                .1
                .starts_with("merged cells D2:D3 are not copied down")
        );
        assert!(
            notes[1]
                .1
                .contains("shared stock is counted once, on row 2")
        );
    }

    #[test]
    fn merges_in_or_above_the_header_fill_nothing() {
        let h = header(2, &["sku", "category"]);
        let mut rows = vec![row(3, &["A-1", ""])];
        let applied = apply(
            &mut rows,
            &[merge("B1:B2")],
            false,
            &h,
            CATALOG_FIELDS,
            0,
            "catalog",
        );
        assert!(applied.notes.is_empty());
        assert_eq!(rows[0].cells[1], Cell::Empty);
    }

    #[test]
    fn header_cells_merged_down_make_a_second_header_row() {
        // SKU and Name merged over rows 1-2, "Stock" across C1:D1 over "Qty" and "Reserved".
        let h = header(1, &["SKU", "Name", "Stock", "", "Price"]);
        let merges = [merge("A1:A2"), merge("B1:B2"), merge("C1:D1")];
        let mut rows = vec![
            row(2, &["", "", "Qty", "Reserved"]),
            row(3, &["G-1", "Lamp", "10", "2", "30"]),
        ];
        let applied = apply(&mut rows, &merges, false, &h, CATALOG_FIELDS, 0, "catalog");
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].row, 3);
        assert!(
            applied.notes[0]
                .1
                .starts_with("row 2 was read as part of the header")
        );
        // A value beyond the header's width keeps the row, for the two-row header message.
        let mut rows = vec![row(2, &["", "", "", "net", "", "gross"])];
        apply(&mut rows, &merges, false, &h, CATALOG_FIELDS, 0, "catalog");
        assert_eq!(rows.len(), 1);
        // A header cell merged far down is no header row: nothing is dropped.
        let mut rows = vec![row(2, &["A-1", "Lamp", "1", "", "3"])];
        apply(
            &mut rows,
            &[merge("B1:B9")],
            false,
            &h,
            CATALOG_FIELDS,
            0,
            "catalog",
        );
        assert_eq!(rows.len(), 1);
    }

    #[test]
    fn growth_is_bounded_by_what_the_sheet_holds() {
        // The mapped column far to the right; each filled row would grow by 16,000 cells.
        let mut names = vec![""; 16_000];
        names[0] = "sku";
        names[15_999] = "category";
        let h = header(1, &names);
        let mut rows: Vec<RawRow> = (2..2000).map(|r| row(r, &["x"])).collect();
        rows[0].cells.resize(16_000, Cell::Empty);
        rows[0].cells[15_999] = Cell::Text("Lamps".into());
        let far = column_letters(15_999);
        let m = merge(&format!("{far}2:{far}1999"));
        let applied = apply(&mut rows, &[m], false, &h, CATALOG_FIELDS, 0, "catalog");
        let cells: usize = rows.iter().map(|r| r.cells.len()).sum();
        assert!(cells <= 16_000 + 2000 + GROWTH_FLOOR + 16_000, "{cells}");
        assert!(
            applied
                .refused
                .as_deref()
                .is_some_and(|m| m.contains("too many rows")),
            "{:?}",
            applied.refused
        );
    }
}
