//! Terminal tables fitted to a width: a text column (a name) is cut with `…`, then headers and
//! cells take their short forms, then columns are left out in a set order, so a number or a
//! word is never broken inside a cell. The layout is pure; the caller gives the width
//! ([`crate::table_width`]).

use comfy_table::{Cell, CellAlignment, ContentArrangement, Table, presets};
use unicode_width::UnicodeWidthStr;

/// One column of a terminal table, its cells already made inert (`inert::terminal_cell`).
#[derive(Debug, Clone)]
pub struct Column {
    pub header: String,
    pub cells: Vec<String>,
    /// Right-aligned (numbers).
    pub right: bool,
    /// A shorter header and shorter cells (one per cell) used when the full ones do not fit.
    pub short: Option<(String, Vec<String>)>,
    /// Text that may be cut with `…` down to this display width; `None`: never cut (numbers,
    /// codes).
    pub min_width: Option<usize>,
    /// When the column is left out: 1 first, then 2, ...; `None`: always shown.
    pub drop: Option<u8>,
}

impl Column {
    pub fn new(header: &str, cells: Vec<String>) -> Column {
        Column {
            header: header.to_string(),
            cells,
            right: false,
            short: None,
            min_width: None,
            drop: None,
        }
    }
    pub fn right(mut self) -> Column {
        self.right = true;
        self
    }
    pub fn short(mut self, header: &str, cells: Vec<String>) -> Column {
        self.short = Some((header.to_string(), cells));
        self
    }
    pub fn cut_to(mut self, min_width: usize) -> Column {
        self.min_width = Some(min_width);
        self
    }
    pub fn drop(mut self, order: u8) -> Column {
        self.drop = Some(order);
        self
    }

    fn header_of(&self, short: bool) -> &str {
        match (&self.short, short) {
            (Some((h, _)), true) => h,
            _ => &self.header,
        }
    }
    fn cells_of(&self, short: bool) -> &[String] {
        match (&self.short, short) {
            (Some((_, c)), true) => c,
            _ => &self.cells,
        }
    }
    /// The widest header or cell.
    fn natural(&self, short: bool) -> usize {
        self.cells_of(short)
            .iter()
            .map(|c| c.width())
            .chain([self.header_of(short).width()])
            .max()
            .unwrap_or(0)
    }
    /// The narrowest it may be: a cut column no narrower than its header.
    fn narrowest(&self, short: bool) -> usize {
        let natural = self.natural(short);
        match self.min_width {
            Some(m) => m.max(self.header_of(short).width()).min(natural),
            None => natural,
        }
    }
}

/// Which columns are shown, in which form and how wide.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Layout {
    /// Indexes of the columns shown, in table order.
    pub shown: Vec<usize>,
    /// Headers and cells in their short forms.
    pub short: bool,
    /// Content width of each shown column (text columns are cut to it).
    pub widths: Vec<usize>,
}

/// Width of a table of `UTF8_FULL_CONDENSED` with these content widths: a border before each
/// column and after the last, one space of padding on each side of a cell.
pub fn table_width(widths: &[usize]) -> usize {
    widths.iter().sum::<usize>() + 3 * widths.len() + 1
}

/// Chooses the columns for `width` (`None`: no limit). In order, until the table fits: leave out
/// the empty columns that may be left out, cut text columns down to their minimum, use short
/// forms, leave columns out by their `drop` order.
/// When even that is too wide the table is shown with what is left, wider than `width`.
pub fn layout(columns: &[Column], width: Option<usize>) -> Layout {
    let all: Vec<usize> = (0..columns.len()).collect();
    let natural = |shown: &[usize], short: bool| -> Vec<usize> {
        shown.iter().map(|&i| columns[i].natural(short)).collect()
    };
    let Some(limit) = width else {
        return Layout {
            widths: natural(&all, false),
            shown: all,
            short: false,
        };
    };
    let narrowest = |shown: &[usize], short: bool| -> Vec<usize> {
        shown.iter().map(|&i| columns[i].narrowest(short)).collect()
    };
    // Too wide: a column that may be left out and has nothing in it goes before anything is cut.
    let all: Vec<usize> = if table_width(&natural(&all, false)) > limit {
        all.into_iter()
            .filter(|&i| {
                let c = &columns[i];
                c.drop.is_none() || c.cells.iter().any(|t| !t.is_empty())
            })
            .collect()
    } else {
        all
    };
    // The steps, each one narrower than the one before.
    let mut steps: Vec<(Vec<usize>, bool)> = vec![(all.clone(), false), (all.clone(), true)];
    let mut order: Vec<(u8, usize)> = columns
        .iter()
        .enumerate()
        .filter_map(|(i, c)| c.drop.map(|d| (d, i)))
        .collect();
    order.sort();
    let mut shown = all;
    for (_, i) in order {
        shown.retain(|&s| s != i);
        steps.push((shown.clone(), true));
    }
    let count = steps.len();
    for (n, (shown, short)) in steps.into_iter().enumerate() {
        let mut widths = narrowest(&shown, short);
        let fits = table_width(&widths) <= limit;
        if !fits && n + 1 < count {
            continue;
        }
        // Room left goes back to the cut columns, up to their full width, left to right.
        let mut room = limit.saturating_sub(table_width(&widths));
        for (w, full) in widths.iter_mut().zip(natural(&shown, short)) {
            let more = full.saturating_sub(*w).min(room);
            *w += more;
            room -= more;
        }
        return Layout {
            shown,
            short,
            widths,
        };
    }
    Layout {
        shown: Vec::new(),
        short: false,
        widths: Vec::new(),
    }
}

/// `s` cut to `width` display columns, ending in `…` when cut.
pub fn cut(s: &str, width: usize) -> String {
    if s.width() <= width {
        return s.to_string();
    }
    let mut out = String::new();
    let mut used = 0;
    for c in s.chars() {
        let w = unicode_width::UnicodeWidthChar::width(c).unwrap_or(0);
        if used + w + 1 > width {
            break;
        }
        out.push(c);
        used += w;
    }
    out.push('…');
    out
}

/// A fitted table: the text, and the full headers of the columns left out.
pub struct Fitted {
    pub text: String,
    /// Columns with something in them that were left out.
    pub left_out: Vec<String>,
    /// Columns with nothing in them that were left out.
    pub empty: Vec<String>,
}

/// The table of `columns` (all with as many cells) fitted to `width` (see [`layout`]).
pub fn render(columns: &[Column], width: Option<usize>) -> Fitted {
    let lay = layout(columns, width);
    let mut t = Table::new();
    t.load_style(presets::UTF8_FULL_CONDENSED)
        .set_content_arrangement(ContentArrangement::Disabled);
    t.set_header(
        lay.shown
            .iter()
            .map(|&i| Cell::new(columns[i].header_of(lay.short))),
    );
    let rows = columns.first().map(|c| c.cells.len()).unwrap_or(0);
    for r in 0..rows {
        t.add_row(lay.shown.iter().zip(&lay.widths).map(|(&i, &w)| {
            let col = &columns[i];
            let text = col
                .cells_of(lay.short)
                .get(r)
                .map(String::as_str)
                .unwrap_or_default();
            let text = if col.min_width.is_some() {
                cut(text, w)
            } else {
                text.to_string()
            };
            let cell = Cell::new(text);
            if col.right {
                cell.set_alignment(CellAlignment::Right)
            } else {
                cell
            }
        }));
    }
    let (empty, left_out): (Vec<&Column>, Vec<&Column>) = (0..columns.len())
        .filter(|i| !lay.shown.contains(i))
        .map(|i| &columns[i])
        .partition(|c| c.cells.iter().all(String::is_empty));
    let headers = |cols: Vec<&Column>| cols.iter().map(|c| c.header.clone()).collect();
    Fitted {
        text: t.to_string(),
        left_out: headers(left_out),
        empty: headers(empty),
    }
}

/// Prose wrapped at spaces to `width` (`None`: as it is); a wrapped line's continuation is
/// indented like the line, plus two spaces. A word longer than the width stays whole.
pub fn wrap(text: &str, width: Option<usize>) -> String {
    let Some(width) = width else {
        return text.to_string();
    };
    let mut out = String::with_capacity(text.len());
    for line in text.split_inclusive('\n') {
        let (body, end) = match line.strip_suffix('\n') {
            Some(b) => (b, "\n"),
            None => (line, ""),
        };
        if body.width() <= width {
            out.push_str(line);
            continue;
        }
        let indent = body.len() - body.trim_start_matches(' ').len();
        let next_indent = " ".repeat(indent + 2);
        let mut current = " ".repeat(indent);
        let mut empty = true;
        for word in body.split(' ').filter(|w| !w.is_empty()) {
            if !empty && current.width() + 1 + word.width() > width {
                out.push_str(&current);
                out.push('\n');
                current = next_indent.clone();
                empty = true;
            }
            if !empty {
                current.push(' ');
            }
            current.push_str(word);
            empty = false;
        }
        out.push_str(&current);
        out.push_str(end);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cells(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    fn sample() -> Vec<Column> {
        vec![
            Column::new("SKU", cells(&["A-1", "B-2"])),
            Column::new("Name", cells(&["Garden bench long name", "Pot"])).cut_to(6),
            Column::new("Velocity", cells(&["0.00", "0.15"]))
                .right()
                .short("Vel", cells(&["0.00", "0.15"]))
                .drop(1),
            Column::new("Limit", cells(&["margin_floor", "tier"]))
                .short("Limit", cells(&["floor", "tier"]))
                .drop(2),
            Column::new("Discount", cells(&["13%", "25%"])).right(),
        ]
    }

    #[test]
    fn no_limit_shows_everything_in_full() {
        let l = layout(&sample(), None);
        assert_eq!(l.shown, vec![0, 1, 2, 3, 4]);
        assert!(!l.short);
        assert_eq!(l.widths, vec![3, 22, 8, 12, 8]);
    }

    #[test]
    fn a_wide_terminal_shows_everything() {
        // 3+22+8+12+8 = 53, plus 16 for borders and padding.
        assert_eq!(layout(&sample(), Some(69)).widths, vec![3, 22, 8, 12, 8]);
        assert_eq!(layout(&sample(), Some(200)).widths, vec![3, 22, 8, 12, 8]);
    }

    #[test]
    fn the_name_is_cut_first_then_short_forms_then_columns_drop() {
        // One column narrower: the name gives it up.
        let l = layout(&sample(), Some(68));
        assert_eq!((l.short, l.widths.clone()), (false, vec![3, 21, 8, 12, 8]));
        // Name at its minimum (6): 37 + 16 = 53.
        let l = layout(&sample(), Some(53));
        assert_eq!((l.short, l.widths.clone()), (false, vec![3, 6, 8, 12, 8]));
        // Short forms: Vel 4, Limit 5: 26 + 16 = 42.
        let l = layout(&sample(), Some(52));
        assert_eq!(l.shown, vec![0, 1, 2, 3, 4]);
        assert!(l.short);
        assert_eq!(l.widths, vec![3, 16, 4, 5, 8]);
        // Velocity leaves first, then Limit.
        let l = layout(&sample(), Some(41));
        assert_eq!(l.shown, vec![0, 1, 3, 4]);
        let l = layout(&sample(), Some(30));
        assert_eq!(l.shown, vec![0, 1, 4]);
        assert_eq!(l.widths, vec![3, 9, 8]);
        assert_eq!(table_width(&l.widths), 30);
    }

    #[test]
    fn empty_columns_go_first_when_too_wide() {
        let mut cols = sample();
        cols.push(Column::new("Note", cells(&["", ""])).drop(9));
        // Wide enough for all: the empty column stays.
        assert_eq!(layout(&cols, Some(76)).shown, vec![0, 1, 2, 3, 4, 5]);
        // One column too narrow: it goes, and the name stays whole.
        let l = layout(&cols, Some(75));
        assert_eq!(l.shown, vec![0, 1, 2, 3, 4]);
        assert_eq!(l.widths, vec![3, 22, 8, 12, 8]);
        // An empty column that is never left out stays.
        cols[5].drop = None;
        assert_eq!(layout(&cols, Some(75)).shown, vec![0, 1, 2, 3, 4, 5]);
    }

    #[test]
    fn too_narrow_keeps_the_columns_never_left_out() {
        let l = layout(&sample(), Some(5));
        assert_eq!(l.shown, vec![0, 1, 4]);
        assert_eq!(l.widths, vec![3, 6, 8]);
    }

    #[test]
    fn render_cuts_text_never_numbers_and_names_what_was_left_out() {
        let f = render(&sample(), Some(30));
        assert_eq!(f.left_out, vec!["Velocity", "Limit"]);
        assert!(f.text.contains("Garden b…"), "{}", f.text);
        assert!(f.text.contains("13%"));
        for line in f.text.lines() {
            assert_eq!(line.width(), 30, "{line}");
        }
    }

    #[test]
    fn cut_counts_display_width() {
        assert_eq!(cut("Pot", 6), "Pot");
        assert_eq!(cut("Garden bench", 6), "Garde…");
        // Wide characters take two columns each and are never split.
        assert_eq!(cut("日本語の名前", 6), "日本…");
        assert_eq!(cut("日本語の名前", 5), "日本…");
        assert_eq!(cut("日本語の名前", 4), "日…");
        assert_eq!(cut("abc", 1), "…");
    }

    #[test]
    fn wrap_breaks_at_spaces_only() {
        assert_eq!(wrap("a bb ccc\n", None), "a bb ccc\n");
        assert_eq!(wrap("a bb ccc\n", Some(8)), "a bb ccc\n");
        assert_eq!(wrap("a bb ccc 1234.50\n", Some(8)), "a bb ccc\n  1234.50\n");
        assert_eq!(
            wrap("  x 123456789 y\n", Some(6)),
            "  x\n    123456789\n    y\n"
        );
    }
}
