//! Sales files streamed line by line into a sold figure per catalog line: memory grows with the
//! number of catalog lines, never with the number of sales lines.

use super::dates::{ColumnOrder, DateOrder, DateText, OrderConflict, from_excel_serial, read_date};
use super::mapping::{HeaderMap, SALES_FIELDS, locate_header};
use super::number::{decimal_from_f64, parse_number};
use super::sku_table::{NONE, SkuTable, prefetch};
use super::table::{Cell, RawRow, ReadOptions, Table, check_ragged, pipelined_rows, serial_date};
use crate::error::{Error, Result};
use crate::model::{CatalogLine, Warning};
use chrono::NaiveDate;
use rust_decimal::Decimal;
use std::collections::{HashMap, HashSet};
use std::path::Path;

/// What counts as "sold" (`--basis`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Basis {
    /// Sum of quantities, returns netted.
    Units,
    /// Distinct order ids (Wix `ordersCount`).
    Orders,
}

impl Basis {
    pub fn as_str(self) -> &'static str {
        match self {
            Basis::Units => "units",
            Basis::Orders => "orders",
        }
    }
}

/// The sales window: `as_of - (days - 1)` to `as_of`, both ends included.
#[derive(Debug, Clone, Copy)]
pub struct Window {
    pub start: NaiveDate,
    pub end: NaiveDate,
}

impl Window {
    pub fn new(as_of: NaiveDate, days: u32) -> Window {
        let back = i64::from(days.max(1)) - 1;
        Window {
            start: as_of - chrono::Duration::days(back),
            end: as_of,
        }
    }
    pub fn contains(&self, d: NaiveDate) -> bool {
        d >= self.start && d <= self.end
    }
}

type FastMap<K, V> = HashMap<K, V, foldhash::fast::RandomState>;

/// No further line with the same sku (in `next_same_sku`).
const END: u32 = NONE;

/// What the sales files add up to for one catalog line.
#[derive(Debug, Clone, Copy, Default)]
struct LineSales {
    sold: Decimal,
    /// The last day the line sold: a line of positive quantity, any date up to as-of, window or
    /// not; or an aggregate's last sale up to as-of.
    last_sale: Option<NaiveDate>,
}

impl LineSales {
    fn saw_sale(&mut self, d: NaiveDate) {
        if self.last_sale.is_none_or(|last| d > last) {
            self.last_sale = Some(d);
        }
    }
}

/// One day of one catalog line at one unit price paid: the units sold (returns netted). Target
/// mode's price history (`SalesTotals::with_prices`), the input of the elasticity fit.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PricePoint {
    /// Days since the window's first day (0 is its first day).
    pub day: u32,
    /// The unit price paid (money: `Decimal`; the forecast converts it at its boundary).
    pub price: Decimal,
    pub units: Decimal,
}

/// Add `units` at `price` on `day` into one line's history. Only the entries of the same day at
/// the end are searched (sales files are mostly in date order), so a line with thousands of
/// distinct prices costs no scan of its whole history; entries a file out of date order repeats
/// are merged by [`merge_points`] when the history is taken.
fn add_point(points: &mut Vec<PricePoint>, day: u32, price: Decimal, units: Decimal) {
    if let Some(p) = points
        .iter_mut()
        .rev()
        .take_while(|p| p.day == day)
        .find(|p| p.price == price)
    {
        p.units = crate::model::num::sat_add(p.units, units);
    } else {
        points.push(PricePoint { day, price, units });
    }
}

/// One entry per (day, price), in day order: the history's final form.
fn merge_points(points: &mut Vec<PricePoint>) {
    points.sort_by(|a, b| a.day.cmp(&b.day).then(a.price.cmp(&b.price)));
    points.dedup_by(|later, kept| {
        let same = later.day == kept.day && later.price == kept.price;
        if same {
            kept.units = crate::model::num::sat_add(kept.units, later.units);
        }
        same
    });
}

/// How sales lines find their catalog line: by sku (then location), else by an unambiguous
/// name. Built once from the catalog and never changed while the sales are read.
struct SalesIndex<'a> {
    lines: &'a [CatalogLine],
    by_sku: SkuTable<'a>,
    /// The next line with the same sku (`END` for none): skus repeat across locations.
    next_same_sku: Vec<u32>,
    by_name: HashMap<String, Option<usize>>,
    has_locations: bool,
}

impl SalesIndex<'_> {
    /// The catalog line a sales line belongs to; `first` is the first line of its sku (`NONE`
    /// for none), looked up ahead on the parsing thread.
    fn line_of(&self, first: u32, name: Option<&str>, location: Option<&str>) -> Option<usize> {
        if !self.has_locations && first != NONE {
            // The hot path: the sku's only line.
            return Some(first as usize);
        }
        // The candidates: every line of the sku, else the one line of an unambiguous name.
        let (first, chained) = if first != NONE {
            (first as usize, true)
        } else {
            match name.and_then(|n| self.by_name.get(&n.trim().to_lowercase())) {
                Some(Some(i)) => (*i, false),
                _ => return None,
            }
        };
        // Locations compare without case: exports write "BERLIN" where the catalog has "Berlin".
        let location = location.map(str::trim).filter(|l| !l.is_empty());
        let same = |a: Option<&str>| match (a.map(str::trim), location) {
            (Some(a), Some(b)) => a.eq_ignore_ascii_case(b),
            (a, b) => a == b,
        };
        let mut i = first;
        while self.has_locations && !same(self.lines[i].location.as_deref()) {
            match self.next_same_sku[i] {
                next if chained && next != END => i = next as usize,
                _ => return None,
            }
        }
        Some(i)
    }
}

/// The sales files added up, one running total per catalog line, and the index that places
/// each sales line on its catalog line.
pub struct SalesTotals<'a> {
    index: SalesIndex<'a>,
    /// Running sales per catalog line.
    per_line: Vec<LineSales>,
    /// Distinct order ids per line (only with `--basis orders`).
    orders: Vec<HashSet<String>>,
    /// The price history per line (only in target mode: empty otherwise, so the tier plan
    /// neither reads the price column nor keeps anything).
    prices: Vec<Vec<PricePoint>>,
}

impl<'a> SalesTotals<'a> {
    pub fn new(lines: &'a [CatalogLine], basis: Basis) -> SalesTotals<'a> {
        Self::with_prices(lines, basis, false)
    }

    /// As [`SalesTotals::new`]; with `prices` (target mode) the order lines' unit prices paid
    /// are kept too, per line and day ([`SalesTotals::take_prices`]).
    pub fn with_prices(lines: &'a [CatalogLine], basis: Basis, prices: bool) -> SalesTotals<'a> {
        let mut by_sku = SkuTable::with_capacity(lines.len());
        let mut next_same_sku = vec![END; lines.len()];
        let mut last_same_sku: FastMap<&str, u32> = FastMap::default();
        let mut by_name: HashMap<String, Option<usize>> = HashMap::new();
        for (i, l) in lines.iter().enumerate() {
            let sku = l.sku.trim();
            let idx = i as u32;
            if let Some(first) = by_sku.get(sku) {
                // Rare (a sku at several locations): chain it after the sku's last line.
                let last = last_same_sku.get(sku).copied().unwrap_or(first);
                next_same_sku[last as usize] = idx;
                last_same_sku.insert(sku, idx);
            } else {
                by_sku.insert_first(sku, idx);
            }
            for alias in &l.extra().aliases {
                let key = alias.trim().to_lowercase();
                by_name
                    .entry(key)
                    .and_modify(|v| {
                        if *v != Some(i) {
                            *v = None; // ambiguous name: never guess
                        }
                    })
                    .or_insert(Some(i));
            }
        }
        SalesTotals {
            index: SalesIndex {
                lines,
                by_sku,
                next_same_sku,
                by_name,
                has_locations: lines.iter().any(|l| l.location.is_some()),
            },
            per_line: vec![LineSales::default(); lines.len()],
            orders: match basis {
                Basis::Orders => vec![HashSet::new(); lines.len()],
                Basis::Units => Vec::new(),
            },
            prices: if prices {
                vec![Vec::new(); lines.len()]
            } else {
                Vec::new()
            },
        }
    }

    /// The price history per catalog line (target mode; `None` when not kept): each line's
    /// (day, price, units), one entry per day and price.
    pub fn take_prices(&mut self) -> Option<Vec<Vec<PricePoint>>> {
        if self.prices.is_empty() {
            return None;
        }
        let mut prices = std::mem::take(&mut self.prices);
        for line in &mut prices {
            merge_points(line);
        }
        Some(prices)
    }

    /// Per catalog line: the sold figure under `basis` (never below 0) and the last day it
    /// sold, when a sales file was dated or an aggregate had a last sale column.
    pub fn finish(self, basis: Basis) -> Vec<(Decimal, Option<NaiveDate>)> {
        self.per_line
            .into_iter()
            .enumerate()
            .map(|(i, s)| {
                let total = match basis {
                    Basis::Units => s.sold,
                    Basis::Orders => s.sold + Decimal::from(self.orders[i].len()),
                };
                (total.max(Decimal::ZERO), s.last_sale)
            })
            .collect()
    }
}

/// The fields a sales file must have (either of each).
pub const SALES_REQUIRED: &[&[&str]] = &[&["sku", "name", "plain_name"], &["quantity", "orders"]];

/// Open a sales file and map its header. Shopify orders: `Name` is the order number (`#1001`)
/// when line items have their own name or sku; elsewhere it is the product name.
pub fn open_sales(
    path: &Path,
    opts: &ReadOptions,
    maps: &[(String, String)],
) -> Result<(Table, HeaderMap)> {
    let mut table = Table::open(path, opts)?;
    let mut header = locate_header(&mut table, SALES_FIELDS, SALES_REQUIRED, maps, "sales")?;
    // Shopify orders: `Name` is the order number (`#1001`) when line items have their own name.
    if header.has("plain_name") {
        let plain = header.col("plain_name").unwrap_or(0);
        if header.has("name") || header.has("sku") {
            if !header.has("order_id") {
                header.set("order_id", plain);
            }
        } else {
            header.set("name", plain);
        }
    }
    Ok((table, header))
}

/// Totals from one sales file, for plan.json's `inputs` and the warnings.
#[derive(Debug, Clone)]
pub struct SalesRead {
    /// The file (and sheet) as messages name it.
    pub place: String,
    pub file: String,
    pub sheet: Option<String>,
    pub rows: u64,
    /// Whether the file has a date column (order lines) rather than aggregated figures.
    pub dated: bool,
    /// The date column's header.
    pub date_column: Option<String>,
    /// Where the dated lines fall against the window.
    pub span: DateSpan,
    /// An aggregated file's last sale dates against the window (`None`: dated lines, or an
    /// aggregate without a last sale column).
    pub last_sales: Option<LastSaleSpan>,
}

/// How an aggregated file's last sale dates (one per row) fall against the window, and the rows
/// whose dates contradict it: an aggregate made for the window ending at as-of has no last sale
/// after as-of, and a row that sold units in the window sold last inside it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct LastSaleSpan {
    /// The rows' last sale dates before, inside and after the window.
    pub span: DateSpan,
    /// Rows with units sold in the window whose last sale is before the window's start.
    pub sold_before: u64,
    /// Rows with units sold in the window and no last sale date.
    pub sold_undated: u64,
    /// Rows with units sold in the window whose last sale is after as-of: taken as last sold
    /// on as-of (they sold in the window, so not "never sold").
    pub sold_after: u64,
}

impl LastSaleSpan {
    fn merge(&mut self, o: &LastSaleSpan) {
        self.span.merge(&o.span);
        self.sold_before += o.sold_before;
        self.sold_undated += o.sold_undated;
        self.sold_after += o.sold_after;
    }
}

/// Judge an aggregated file's last sale dates against the window (pure; the message leaves the
/// file out). Every last sale after as-of, or units sold in the window by rows that last sold
/// before it with no last sale inside it, is stale: the aggregate was made for another window
/// and its sold figures are not the window's. Some such rows, rows that sold without a last sale
/// date, or a newest last sale older than half the window, are a warning with the counts.
pub fn check_last_sales(l: &LastSaleSpan, window: Window) -> WindowCheck {
    let span = &l.span;
    let (start, end) = (window.start, window.end);
    let days = (end - start).num_days() + 1;
    let n = span.dated();
    let counts = format!(
        "{} before the window, {} inside, {} after",
        span.before, span.inside, span.after
    );
    let fix = format!(
        "aggregate again with as_of = {end} and window_days = {days} (docs/scale.md), or plan with the --as-of and --window the aggregate was made for"
    );
    if span.after > 0 && span.before + span.inside == 0 {
        let newest = span.newest.map(|d| d.to_string()).unwrap_or_default();
        return WindowCheck::Stale(format!(
            "every one of the {n} last sale date(s) is after {end}, the end of the {days}-day sales window {start} to {end} (newest {newest}): the aggregate was made for a later as-of, so its sold figures count sales after {end}; {fix}"
        ));
    }
    if l.sold_before > 0 && span.inside == 0 {
        return WindowCheck::Stale(format!(
            "{} row(s) sold units in the {days}-day sales window {start} to {end} but last sold before {start}, and no last sale date is inside the window ({counts}): the aggregate was made for another window, so its sold figures are not this window's; {fix}",
            l.sold_before
        ));
    }
    let mut why = Vec::new();
    if span.after > 0 {
        let taken = match (l.sold_after, span.after - l.sold_after) {
            (0, _) => "their last sale up to as-of is unknown (the report's aging counts them as never sold unless another file dates them)".to_string(),
            (s, 0) => format!("they sold units in the window, so their last sale is taken as {end} (as-of) ({s} row(s))"),
            (s, other) => format!("the {s} that sold units in the window are taken as last sold on {end} (as-of), the other {other} have an unknown last sale up to as-of (the report's aging counts them as never sold unless another file dates them)"),
        };
        why.push(format!(
            "{} of the {n} last sale date(s) are after {end}, the window's end: those rows' sold figures may count sales after {end}; {taken}",
            span.after
        ));
    }
    if l.sold_before > 0 {
        why.push(format!(
            "{} row(s) sold units in the window but last sold before its start {start}: their sold figures count sales from before the window",
            l.sold_before
        ));
    }
    if let Some(newest) = span
        .newest
        .filter(|&d| d <= end && d < end - chrono::Duration::days(days / 2))
    {
        why.push(format!(
            "the newest last sale is {newest}, {} day(s) before the window's end {end} (more than half the {days}-day window)",
            (end - newest).num_days()
        ));
    }
    let mut message = String::new();
    if !why.is_empty() {
        message = format!(
            "{} ({counts}); the aggregate may have been made for another window: {fix}",
            why.join("; ")
        );
    }
    if l.sold_undated > 0 {
        if !message.is_empty() {
            message.push_str("; ");
        }
        message.push_str(&format!(
            "{} row(s) sold units in the window but have no last sale date: their last sale is unknown (the report's aging counts them as never sold unless another file dates them)",
            l.sold_undated
        ));
    }
    if message.is_empty() {
        WindowCheck::Fine
    } else {
        WindowCheck::Warn(message)
    }
}

/// How a file's readable sale dates fall against the window: lines before it, inside, after
/// it, and the oldest and newest dates.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DateSpan {
    pub before: u64,
    pub inside: u64,
    pub after: u64,
    pub oldest: Option<NaiveDate>,
    pub newest: Option<NaiveDate>,
}

impl DateSpan {
    /// Count one date; true when it is inside the window.
    #[inline]
    fn note(&mut self, d: NaiveDate, window: &Window) -> bool {
        let inside = if d < window.start {
            self.before += 1;
            false
        } else if d > window.end {
            self.after += 1;
            false
        } else {
            self.inside += 1;
            true
        };
        if self.oldest.is_none_or(|o| d < o) {
            self.oldest = Some(d);
        }
        if self.newest.is_none_or(|n| d > n) {
            self.newest = Some(d);
        }
        inside
    }

    fn merge(&mut self, o: &DateSpan) {
        self.before += o.before;
        self.inside += o.inside;
        self.after += o.after;
        self.oldest = match (self.oldest, o.oldest) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        self.newest = self.newest.max(o.newest);
    }

    /// Dated lines read, whatever their date.
    pub fn dated(&self) -> u64 {
        self.before + self.inside + self.after
    }
}

/// Who reads the sales against the window: `plan` (and `report`) plan from the window's sales,
/// `review` counts what sold since a campaign started (older lines are expected there).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WindowUse {
    Plan,
    Review,
}

/// What a file's dates say about the window.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WindowCheck {
    Fine,
    /// Some sales are in the window, but most are not, or the newest is old.
    Warn(String),
    /// No sale in the window: planning would call everything unsold.
    Stale(String),
}

/// Judge a file's sale dates against the window (pure; the message leaves the file out).
///
/// `plan`: no dated line inside the window is stale (exit 65, naming the newest sale as the
/// `--as-of` to use); more lines outside than inside, or a newest sale older than half the
/// window, is a warning with the counts. `review`: lines before the campaign are expected, so
/// only "nothing since the start" is stale and a newest sale older than half the time since the
/// start a warning.
pub fn check_window(span: &DateSpan, window: Window, used: WindowUse) -> WindowCheck {
    let (Some(oldest), Some(newest)) = (span.oldest, span.newest) else {
        return WindowCheck::Fine;
    };
    let n = span.dated();
    let days = (window.end - window.start).num_days() + 1;
    let counts = format!(
        "{} before the window, {} inside, {} after",
        span.before, span.inside, span.after
    );
    let (start, end) = (window.start, window.end);
    let old = newest < end - chrono::Duration::days(days / 2);
    match used {
        WindowUse::Plan if span.inside == 0 => WindowCheck::Stale(format!(
            "none of the {n} dated sales line(s) is in the {days}-day sales window {start} to {end} ({counts}); the oldest sale is {oldest} and the newest sale is {newest}; pass --as-of {newest} to plan as of the export's last day, or export the recent sales"
        )),
        WindowUse::Plan if old || span.before + span.after > span.inside => {
            let why = if old {
                format!(
                    "the newest sale is {newest}, {} day(s) before the window's end {end} (more than half the {days}-day window)",
                    (end - newest).num_days()
                )
            } else {
                format!(
                    "{} of the {n} dated sales line(s) are outside the {days}-day sales window {start} to {end}",
                    span.before + span.after
                )
            };
            let fix = if old {
                format!("if the export ends on {newest}, pass --as-of {newest}")
            } else {
                "check --as-of and --window if the export covers another period".to_string()
            };
            WindowCheck::Warn(format!(
                "{why} ({counts}); sold figures count only the lines inside the window: {fix}"
            ))
        }
        WindowUse::Review if newest < start => WindowCheck::Stale(format!(
            "none of the {n} dated sales line(s) is on or after the campaign's start {start}: the oldest sale is {oldest} and the newest sale is {newest}; export the sales again to cover {start} to {end}"
        )),
        WindowUse::Review if old && days > 2 => WindowCheck::Warn(format!(
            "the newest sale is {newest}, {} day(s) before {end}, more than half the {days} day(s) since the campaign's start {start} ({counts}); the export looks stale: export the sales again to cover {start} to {end}",
            (end - newest).num_days()
        )),
        _ => WindowCheck::Fine,
    }
}

/// For target mode, whose projections are units per window day: when the dated sales lines
/// together start well after the window's start (more than a tenth of the window, at least 7
/// days) and none is before it, how many of the window's days they cover. `None` when they
/// cover it, when any file is aggregated (no dates), or when no line is dated.
pub fn late_start(reads: &[SalesRead], window: Window) -> Option<String> {
    if reads.is_empty() || reads.iter().any(|r| !r.dated) {
        return None;
    }
    let mut all = DateSpan::default();
    for r in reads {
        all.merge(&r.span);
    }
    let oldest = all.oldest?;
    let days = (window.end - window.start).num_days() + 1;
    let slack = (days / 10).max(7);
    if all.before > 0 || oldest <= window.start + chrono::Duration::days(slack) {
        return None;
    }
    let covered = ((window.end - oldest).num_days() + 1).clamp(0, days);
    Some(format!(
        "the sales cover {covered} of the {days} days of the sales window (the oldest sale is {oldest}, the window starts {}); the demand model projects per window day, so its projections may be too low: export the sales from {} or pass --window {covered}",
        window.start, window.start
    ))
}

/// [`check_window`] over every sales file of a run, judged on their lines together: monthly
/// exports passed side by side are one history, and an old month among them is no error. The
/// run stops only when no dated line of any file is in the window; a file none of whose lines
/// is, beside others that are, gets a warning of its own (it adds nothing to the plan).
pub fn window_verdicts(
    reads: &[SalesRead],
    window: Window,
    used: WindowUse,
) -> Result<Vec<Warning>> {
    // An aggregate's last sale dates say which window it was made for: each file on its own.
    let mut out = Vec::new();
    for r in reads {
        let Some(last) = &r.last_sales else { continue };
        let column = r.date_column.as_deref();
        match check_last_sales(last, window) {
            WindowCheck::Fine => {}
            WindowCheck::Stale(message) => {
                let name = column.unwrap_or("last_sale");
                let column = column
                    .map(|c| format!(", column \"{c}\""))
                    .unwrap_or_default();
                return Err(Error::Data(format!(
                    "{}{column}: {message}; if \"{name}\" is not the date of each row's last sale (a last order to the supplier, say), rename the column so it is not read as the last sale",
                    r.place
                )));
            }
            WindowCheck::Warn(message) => out.push(Warning {
                file: r.file.clone(),
                sheet: r.sheet.clone(),
                row: None,
                column: column.map(str::to_string),
                message,
            }),
        }
    }
    let dated: Vec<&SalesRead> = reads
        .iter()
        .filter(|r| r.span.before + r.span.inside + r.span.after > 0)
        .collect();
    // An aggregated file (no dates) counts as it is: beside it, old dated lines are history.
    let aggregated = reads.iter().any(|r| !r.dated);
    if dated.len() <= 1 && !aggregated {
        if let Some(r) = dated.first() {
            out.extend(window_verdict(r, window, used)?);
        }
        return Ok(out);
    }
    let mut all = DateSpan::default();
    for r in &dated {
        all.merge(&r.span);
    }
    let places = dated
        .iter()
        .map(|r| r.place.as_str())
        .collect::<Vec<_>>()
        .join(", ");
    match check_window(&all, window, used) {
        WindowCheck::Stale(message) if !aggregated => {
            let column = dated[0]
                .date_column
                .as_deref()
                .map(|c| format!(", column \"{c}\""))
                .unwrap_or_default();
            return Err(Error::Data(format!("{places}{column}: {message}")));
        }
        // Several exports side by side (monthly files) are expected to lie mostly outside
        // the window, so that alone says nothing; a newest sale long before the window's end
        // still does (the exports look stale).
        WindowCheck::Warn(message) => {
            let days = (window.end - window.start).num_days() + 1;
            let old = all
                .newest
                .is_some_and(|n| n < window.end - chrono::Duration::days(days / 2));
            if old {
                out.push(Warning {
                    file: places.clone(),
                    sheet: None,
                    row: None,
                    column: dated[0].date_column.clone(),
                    message,
                });
            }
        }
        _ => {}
    }
    // In review, sales before the campaign's start are expected history.
    if used == WindowUse::Review {
        return Ok(out);
    }
    for r in dated.iter().filter(|r| r.span.inside == 0) {
        out.push(Warning {
            file: r.file.clone(),
            sheet: r.sheet.clone(),
            row: None,
            column: r.date_column.clone(),
            message: format!(
                "none of its {} dated sales line(s) is in the sales window {} to {} (newest {}): it adds no sales to the window (its lines still count for each item's last sale); the other sales files cover the window",
                r.span.before + r.span.after,
                window.start,
                window.end,
                r.span.newest.map(|d| d.to_string()).unwrap_or_default()
            ),
        });
    }
    Ok(out)
}

/// Apply [`check_window`] to a file read: a stale file is an error, a doubtful one a warning.
pub fn window_verdict(
    read: &SalesRead,
    window: Window,
    used: WindowUse,
) -> Result<Option<Warning>> {
    match check_window(&read.span, window, used) {
        WindowCheck::Fine => Ok(None),
        WindowCheck::Stale(message) => Err(Error::Data(format!(
            "{}{}: {message}",
            read.place,
            read.date_column
                .as_deref()
                .map(|c| format!(", column \"{c}\""))
                .unwrap_or_default()
        ))),
        WindowCheck::Warn(message) => Ok(Some(Warning {
            file: read.file.clone(),
            sheet: read.sheet.clone(),
            row: None,
            column: read.date_column.clone(),
            message,
        })),
    }
}

/// What a sales file's lines added up to apart from the sold figures: the dates against the
/// window and the lines that could not be used.
#[derive(Debug, Default)]
struct Tally {
    span: DateSpan,
    /// An aggregated file's last sale dates.
    last: LastSaleSpan,
    unknown_lines: u64,
    unknown_examples: Vec<String>,
    /// Known skus at a location the catalog does not have (or without a location in a
    /// multi-location catalog): counted apart, they usually mean a location code mismatch.
    unplaced_lines: u64,
    unplaced_examples: Vec<String>,
    bad_numbers: u64,
    first_bad_number: Option<usize>,
    /// Unit prices paid that are not a number or below 0 (target mode only).
    bad_prices: u64,
    first_bad_price: Option<usize>,
}

fn push_example(examples: &mut Vec<String>, label: String) {
    if examples.len() < 5 && !examples.contains(&label) {
        examples.push(label);
    }
}

impl Tally {
    fn merge(&mut self, o: Tally) {
        self.span.merge(&o.span);
        self.last.merge(&o.last);
        self.unknown_lines += o.unknown_lines;
        self.unplaced_lines += o.unplaced_lines;
        self.bad_numbers += o.bad_numbers;
        self.bad_prices += o.bad_prices;
        self.first_bad_price = match (self.first_bad_price, o.first_bad_price) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        for e in o.unknown_examples {
            push_example(&mut self.unknown_examples, e);
        }
        for e in o.unplaced_examples {
            push_example(&mut self.unplaced_examples, e);
        }
        self.first_bad_number = match (self.first_bad_number, o.first_bad_number) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
    }
}

/// Where a sales line's figures go: the running totals, or one reading of the lines whose date
/// order is not decided yet.
trait Sink {
    fn sales(&mut self, i: usize) -> &mut LineSales;
    fn order_ids(&mut self, i: usize) -> &mut HashSet<String>;
    fn prices(&mut self, i: usize) -> &mut Vec<PricePoint>;
}

struct Direct<'s> {
    per_line: &'s mut [LineSales],
    orders: &'s mut [HashSet<String>],
    prices: &'s mut [Vec<PricePoint>],
}

impl Sink for Direct<'_> {
    #[inline]
    fn sales(&mut self, i: usize) -> &mut LineSales {
        &mut self.per_line[i]
    }
    fn order_ids(&mut self, i: usize) -> &mut HashSet<String> {
        &mut self.orders[i]
    }
    fn prices(&mut self, i: usize) -> &mut Vec<PricePoint> {
        &mut self.prices[i]
    }
}

/// The sales lines with an ambiguous date (`05/11/2026`) read before their column decided its
/// order, added up under one reading: memory grows with the catalog lines they touch, never
/// with the number of sales lines.
#[derive(Debug, Default)]
struct Pending {
    per_line: FastMap<u32, LineSales>,
    orders: FastMap<u32, HashSet<String>>,
    prices: FastMap<u32, Vec<PricePoint>>,
}

impl Sink for Pending {
    fn sales(&mut self, i: usize) -> &mut LineSales {
        self.per_line.entry(i as u32).or_default()
    }
    fn order_ids(&mut self, i: usize) -> &mut HashSet<String> {
        self.orders.entry(i as u32).or_default()
    }
    fn prices(&mut self, i: usize) -> &mut Vec<PricePoint> {
        self.prices.entry(i as u32).or_default()
    }
}

impl Pending {
    /// Add this reading's figures into the running totals.
    fn merge_into(self, direct: &mut Direct<'_>) {
        for (i, s) in self.per_line {
            let line = direct.sales(i as usize);
            line.sold = crate::model::num::sat_add(line.sold, s.sold);
            if let Some(d) = s.last_sale {
                line.saw_sale(d);
            }
        }
        for (i, ids) in self.orders {
            direct.order_ids(i as usize).extend(ids);
        }
        for (i, points) in self.prices {
            let line = direct.prices(i as usize);
            for p in points {
                add_point(line, p.day, p.price, p.units);
            }
        }
    }
}

/// Both readings of the undecided lines: month first, then day first.
#[derive(Debug, Default)]
struct Undecided {
    mdy: (Pending, Tally),
    dmy: (Pending, Tally),
}

/// How one sales line is added up, whatever its date reading.
struct LineReader<'i, 'a> {
    index: &'i SalesIndex<'a>,
    window: Window,
    basis: Basis,
    aggregated: bool,
    /// An aggregated file with a last sale column.
    last_sale_col: bool,
    /// An aggregate's units column, read for the last sale checks whatever the basis.
    units_col: Option<usize>,
    decimal_comma: bool,
    amount_col: Option<usize>,
    c_sku: Option<usize>,
    c_name: Option<usize>,
    c_loc: Option<usize>,
    /// The unit price paid column, only in target mode (`None` otherwise: nothing is read).
    c_price: Option<usize>,
}

fn text(cells: &[Cell], c: Option<usize>) -> Option<std::borrow::Cow<'_, str>> {
    c.and_then(|c| cells.get(c)).and_then(Cell::text_cow)
}

impl LineReader<'_, '_> {
    /// The line's quantity (or an aggregate's count); `None` when it is not a number.
    #[inline]
    fn amount(&self, raw: &RawRow) -> Option<Decimal> {
        self.number(raw, self.amount_col)
    }

    /// The number in column `c` (blank: 0); `None` when it is not a number.
    #[inline]
    fn number(&self, raw: &RawRow, c: Option<usize>) -> Option<Decimal> {
        match c.and_then(|c| raw.cells.get(c)) {
            Some(Cell::Text(s)) => parse_number(s, self.decimal_comma).ok().flatten(),
            // A percent format on a count is a formatting slip: the stored number counts.
            Some(Cell::Number(f)) | Some(Cell::Percent(f)) => decimal_from_f64(*f).ok(),
            Some(Cell::Empty) | None => Some(Decimal::ZERO),
            _ => None,
        }
    }

    /// Add one sales line into `sink`: an order line sold on `date`, or an aggregated row whose
    /// last sale is `date` (`None`: no last sale given).
    #[inline]
    fn add<S: Sink>(
        &self,
        sink: &mut S,
        tally: &mut Tally,
        raw: &RawRow,
        first: u32,
        date: Option<NaiveDate>,
        order_id: Option<std::borrow::Cow<'_, str>>,
    ) {
        let index = self.index;
        let mut sale_date = None;
        if let Some(d) = date {
            if self.aggregated {
                // An aggregate's last sale: any day up to as-of; its figures count as they are.
                tally.last.span.note(d, &self.window);
                sale_date = (d <= self.window.end).then_some(d);
            } else if tally.span.note(d, &self.window) {
                sale_date = Some(d);
            } else {
                // Outside the window: only a sale's date is kept (for aging), never a return's.
                if d <= self.window.end && self.amount(raw).is_some_and(|a| a > Decimal::ZERO) {
                    let name = text(&raw.cells, self.c_name);
                    let location = text(&raw.cells, self.c_loc);
                    if let Some(i) = index.line_of(first, name.as_deref(), location.as_deref()) {
                        sink.sales(i).saw_sale(d);
                    }
                }
                return;
            }
        }
        let Some(amount) = self.amount(raw) else {
            tally.bad_numbers += 1;
            tally.first_bad_number.get_or_insert(raw.row);
            return;
        };
        let sku = text(&raw.cells, self.c_sku);
        let name = text(&raw.cells, self.c_name);
        let location = text(&raw.cells, self.c_loc);
        let found = index.line_of(first, name.as_deref(), location.as_deref());
        let Some(i) = found else {
            if index.has_locations && first != NONE {
                tally.unplaced_lines += 1;
                let label = format!(
                    "{}@{}",
                    sku.as_deref().unwrap_or_default(),
                    location.as_deref().unwrap_or("(no location)")
                );
                push_example(&mut tally.unplaced_examples, label);
                return;
            }
            tally.unknown_lines += 1;
            if tally.unknown_examples.len() < 5 {
                let label = sku
                    .or(name)
                    .map(|l| l.into_owned())
                    .unwrap_or_else(|| format!("row {}", raw.row));
                let label = match location {
                    Some(l) if index.has_locations => format!("{label}@{l}"),
                    _ => label,
                };
                push_example(&mut tally.unknown_examples, label);
            }
            return;
        };
        let sales = sink.sales(i);
        if self.aggregated {
            // The row's last sale stands whatever it sold in the window (an old last sale with
            // nothing sold since); a row that sold units last sold inside the window.
            if let Some(d) = sale_date {
                sales.saw_sale(d);
            }
            let sold_units = self
                .number(raw, self.units_col)
                .is_some_and(|u| u > Decimal::ZERO);
            if self.last_sale_col && sold_units {
                match date {
                    None => tally.last.sold_undated += 1,
                    Some(d) if d < self.window.start => tally.last.sold_before += 1,
                    // Sold in the window, last sale after as-of: its last sale up to as-of is
                    // in the window, at the latest on as-of; never "never sold".
                    Some(d) if d > self.window.end => {
                        tally.last.sold_after += 1;
                        sales.saw_sale(self.window.end);
                    }
                    Some(_) => {}
                }
            }
        } else if let Some(d) = sale_date.filter(|_| amount > Decimal::ZERO) {
            sales.saw_sale(d);
        }
        // Units count quantities; an aggregate's `orders` column serves the orders basis;
        // order lines count their distinct order ids (below).
        if self.basis == Basis::Units || self.aggregated {
            sales.sold = crate::model::num::sat_add(sales.sold, amount);
        }
        if self.basis == Basis::Orders
            && !self.aggregated
            && let Some(id) = order_id
        {
            sink.order_ids(i).insert(id.into_owned());
        }
        // Target mode: the day's units at the unit price paid (a dated line in the window).
        if let Some(c) = self.c_price
            && let Some(d) = date
        {
            match raw.cells.get(c) {
                Some(Cell::Empty) | None => {}
                // A free line (a gift, a zero-price draft order) says nothing about price:
                // left out of the history, not a bad value.
                _ => match self.number(raw, Some(c)) {
                    Some(price) if price > Decimal::ZERO => {
                        let day = u32::try_from((d - self.window.start).num_days()).unwrap_or(0);
                        add_point(sink.prices(i), day, price, amount);
                    }
                    Some(price) if price == Decimal::ZERO => {}
                    _ => {
                        tally.bad_prices += 1;
                        tally.first_bad_price.get_or_insert(raw.row);
                    }
                },
            }
        }
    }
}

/// Add one sales file's sold figures into `totals` (one running total per catalog line).
///
/// Slashed dates (`05/11/2026`) take their column's order, decided from all its values (see
/// [`ColumnOrder`]): a line whose date reads either way, met before anything decided, is added
/// up both ways apart from the totals until the column decides (or the file ends, then
/// `opts.date_order`, else month first with a warning), so the file is still read once.
#[allow(clippy::too_many_arguments)]
pub fn aggregate_sales(
    path: &Path,
    opts: &ReadOptions,
    maps: &[(String, String)],
    window: Window,
    basis: Basis,
    totals: &mut SalesTotals<'_>,
    warnings: &mut Vec<Warning>,
) -> Result<SalesRead> {
    let keep_prices = !totals.prices.is_empty();
    let (mut table, header) = open_sales(path, opts, maps)?;
    let place = table.where_();
    let decimal_comma = opts.decimal_comma.unwrap_or(table.decimal_comma_hint);
    let dated = header.has("date");
    let aggregated = !dated;
    if basis == Basis::Orders && !header.has("order_id") && !(aggregated && header.has("orders")) {
        return Err(Error::Data(format!(
            "{place}: --basis orders counts distinct order ids, but the sales file has no order id column (like order_id, Order ID, InvoiceNo); name it with --map order_id=\"COLUMN\" or use --basis units"
        )));
    }
    let col = |f: &str| header.col(f);
    // Order lines have a sale date; an aggregate may have each row's last sale date.
    let date_field = if dated { "date" } else { "last_sale" };
    let (c_qty, c_orders, c_date, c_order, c_cancel) = (
        col("quantity"),
        col("orders"),
        col(date_field),
        col("order_id"),
        col("cancelled_at"),
    );
    // The window an aggregate was made for, on every row (docs/scale.md): both columns or none.
    let (c_wstart, c_wend) = if aggregated {
        (col("window_start"), col("window_end"))
    } else {
        (None, None)
    };
    let window_cols = match (c_wstart, c_wend) {
        (Some(s), Some(e)) => Some((s, e)),
        (None, None) => None,
        (s, _) => {
            let (has, lacks) = if s.is_some() {
                ("window_start", "window_end")
            } else {
                ("window_end", "window_start")
            };
            return Err(Error::Data(format!(
                "{place}: the aggregate has a {has} column but no {lacks} column; give both (the first and the last day of the window the aggregate was made for, docs/scale.md) or neither"
            )));
        }
    };
    let window_headers = (
        header
            .header_of("window_start")
            .unwrap_or("window_start")
            .to_string(),
        header
            .header_of("window_end")
            .unwrap_or("window_end")
            .to_string(),
    );
    let mut first_window: Option<(Window, usize)> = None;
    let width = header.headers.len();
    let table_kind = table.kind.clone();
    let serial_shift = table.serial_shift;
    let date_header = header
        .header_of(date_field)
        .unwrap_or(date_field)
        .to_string();
    // Units count quantities; an aggregate's `orders` column serves the orders basis.
    let amount_col = match basis {
        Basis::Orders if aggregated => c_orders.or(c_qty),
        _ => c_qty.or(c_orders),
    };
    let reader = LineReader {
        index: &totals.index,
        window,
        basis,
        aggregated,
        last_sale_col: aggregated && c_date.is_some(),
        units_col: if aggregated { c_qty } else { None },
        decimal_comma,
        amount_col,
        c_sku: col("sku"),
        c_name: col("name"),
        c_loc: col("location"),
        c_price: if keep_prices && dated {
            col("unit_price")
        } else {
            None
        },
    };
    let c_sku = reader.c_sku;
    let reader_last_sale_col = reader.last_sale_col;
    let mut rows = 0u64;
    let mut tally = Tally::default();
    let mut bad_dates = 0u64;
    let mut first_bad_date: Option<usize> = None;
    let mut cancelled_order: Option<String> = None;
    let mut column = ColumnOrder::default();
    let mut undecided: Option<Box<Undecided>> = None;
    // Rows are parsed, and their skus looked up, on another core while this one adds them up;
    // batches keep their order, so the result is the same.
    let index = &totals.index;
    let orders = &mut totals.orders;
    let prices = &mut totals.prices;
    let mut add_row = |raw: &RawRow, first: u32, per_line: &mut [LineSales]| -> Result<()> {
        if raw.cells.iter().all(Cell::is_empty) {
            return Ok(());
        }
        check_ragged(raw, width, &place, &table_kind)?;
        rows += 1;
        if let Some((cs, ce)) = window_cols {
            check_row_window(
                raw,
                (cs, ce),
                &window_headers,
                (opts.date_order, serial_shift),
                window,
                &mut first_window,
            )
            .map_err(|m| Error::Data(format!("{place}, row {}: {m}", raw.row)))?;
        }
        let order_id = text(&raw.cells, c_order);
        // Cancelled orders (Shopify writes `Cancelled at` on the order's first row only).
        if c_cancel.is_some()
            && let Some(id) = &order_id
        {
            if text(&raw.cells, c_cancel).is_some() {
                cancelled_order = Some(id.to_string());
            }
            if cancelled_order.as_deref() == Some(id.as_ref()) {
                return Ok(());
            }
        }
        let mut direct = Direct {
            per_line,
            orders: &mut orders[..],
            prices: &mut prices[..],
        };
        let cell = c_date.and_then(|c| raw.cells.get(c));
        // An aggregated row counts as it is; a last sale left blank is no date, not a bad one.
        if aggregated && cell.is_none_or(Cell::is_empty) {
            reader.add(&mut direct, &mut tally, raw, first, None, order_id);
            return Ok(());
        }
        let value = match cell {
            Some(Cell::Date(serial)) => {
                from_excel_serial(*serial).map_or(DateText::Unreadable, DateText::Date)
            }
            Some(Cell::Number(serial)) => {
                serial_date(*serial, serial_shift).map_or(DateText::Unreadable, DateText::Date)
            }
            Some(Cell::Text(s)) => read_date(s),
            _ => DateText::Unreadable,
        };
        let date = match value {
            DateText::Date(d) => Some(d),
            DateText::Unreadable => None,
            // No real day in either order (31/02/2025): an unreadable date, not an ambiguous one.
            slashed @ DateText::Slashed { .. }
                if slashed.date(DateOrder::Mdy).is_none()
                    && slashed.date(DateOrder::Dmy).is_none() =>
            {
                None
            }
            slashed @ DateText::Slashed { .. } => {
                let shown = match cell {
                    Some(Cell::Text(s)) => s.as_str(),
                    _ => "",
                };
                let decided = column
                    .observe(slashed, raw.row, shown)
                    .map_err(|c| order_conflict(&place, &date_header, &c))?;
                match decided {
                    Some(order) => {
                        // Lines read both ways before this one decided: keep the right reading.
                        if let Some(u) = undecided.take() {
                            let u = *u;
                            let (pending, t) = match order {
                                DateOrder::Mdy => u.mdy,
                                DateOrder::Dmy => u.dmy,
                            };
                            pending.merge_into(&mut direct);
                            tally.merge(t);
                        }
                        slashed.date(order)
                    }
                    None => {
                        // Ambiguous and nothing decided yet: added up both ways, apart.
                        let u = undecided.get_or_insert_with(Box::default);
                        for (order, (pending, t)) in
                            [(DateOrder::Mdy, &mut u.mdy), (DateOrder::Dmy, &mut u.dmy)]
                        {
                            reader.add(
                                pending,
                                t,
                                raw,
                                first,
                                slashed.date(order),
                                order_id.clone(),
                            );
                        }
                        return Ok(());
                    }
                }
            }
        };
        match date {
            Some(d) => reader.add(&mut direct, &mut tally, raw, first, Some(d), order_id),
            None => {
                bad_dates += 1;
                first_bad_date.get_or_insert(raw.row);
                if aggregated {
                    // The aggregate's figures still count; only its last sale is unknown.
                    reader.add(&mut direct, &mut tally, raw, first, None, order_id);
                }
            }
        }
        Ok(())
    };
    // Skus are compared trimmed (`text` trims; the catalog's keys are trimmed too).
    let first_of = |rows: &[RawRow], out: &mut Vec<u32>| {
        let skus = rows.iter().map(|raw| text(&raw.cells, c_sku));
        index.by_sku.get_batch(skus, out)
    };
    let per_line = &mut totals.per_line;
    pipelined_rows(&mut table, &first_of, &mut |rows, firsts: &Vec<u32>| {
        // The running totals of the batch's lines are requested from memory up front.
        for &first in firsts.iter().filter(|&&f| f != NONE) {
            prefetch(&per_line[first as usize]);
        }
        for (raw, &first) in rows.iter().zip(firsts) {
            add_row(raw, first, per_line)?;
        }
        Ok(())
    })?;
    let warn = |row: Option<usize>, column: Option<&str>, message: String| Warning {
        file: table.display.clone(),
        sheet: table.sheet.clone(),
        row,
        column: column.map(str::to_string),
        message,
    };
    warnings.extend(table.merge_warnings());
    // A column no value decided: the configured order, else month first (with a warning).
    if let Some(u) = undecided.take() {
        let order = opts.date_order.unwrap_or(DateOrder::Mdy);
        let (pending, t) = match order {
            DateOrder::Mdy => u.mdy,
            DateOrder::Dmy => u.dmy,
        };
        let mut direct = Direct {
            per_line: &mut totals.per_line,
            orders: &mut totals.orders,
            prices: &mut totals.prices,
        };
        pending.merge_into(&mut direct);
        tally.merge(t);
    }
    if let Some(w) = date_order_warning(&column, opts.date_order) {
        warnings.push(warn(w.0, header.header_of(date_field), w.1));
    }
    let Tally {
        span,
        last,
        unknown_lines,
        unknown_examples,
        unplaced_lines,
        unplaced_examples,
        bad_numbers,
        first_bad_number,
        bad_prices,
        first_bad_price,
    } = tally;
    if unknown_lines > 0 {
        warnings.push(warn(
            None,
            header.header_of("sku").or(header.header_of("name")),
            format!(
                "{unknown_lines} sales line(s) for skus not in the catalog were ignored (e.g. {})",
                unknown_examples.join(", ")
            ),
        ));
    }
    if unplaced_lines > 0 {
        warnings.push(warn(
            None,
            header.header_of("location"),
            format!(
                "{unplaced_lines} sales line(s) for known skus at a location the catalog does not have were ignored (e.g. {}); check the location codes",
                unplaced_examples.join(", ")
            ),
        ));
    }
    if bad_dates > 0 && dated {
        warnings.push(warn(
            first_bad_date,
            header.header_of("date"),
            format!("{bad_dates} sales line(s) have no readable date (first on row {}); ignored. Dates like 2026-11-22, 11/22/2026 or 22.11.2026 are read", first_bad_date.unwrap_or(0)),
        ));
    } else if bad_dates > 0 {
        warnings.push(warn(
            first_bad_date,
            header.header_of(date_field),
            format!("{bad_dates} aggregated row(s) have a last sale that is not a date (first on row {}); their sold figures count, their last sale is unknown. Dates like 2026-11-22, 11/22/2026 or 22.11.2026 are read", first_bad_date.unwrap_or(0)),
        ));
    }
    if bad_numbers > 0 {
        warnings.push(warn(
            first_bad_number,
            header.header_of("quantity").or(header.header_of("orders")),
            format!("{bad_numbers} sales line(s) have a quantity that is not a number (first on row {}); ignored", first_bad_number.unwrap_or(0)),
        ));
    }
    if bad_prices > 0 {
        warnings.push(warn(
            first_bad_price,
            header.header_of("unit_price"),
            format!("{bad_prices} sales line(s) have a unit price paid that is not a number or below 0 (first on row {}); their units count, their price is left out of the elasticity fit", first_bad_price.unwrap_or(0)),
        ));
    }
    if rows == 0 {
        warnings.push(warn(
            None,
            None,
            "the sales file has a header but no sales lines".into(),
        ));
    }
    if aggregated && window_cols.is_none() && rows > 0 {
        warnings.push(warn(
            None,
            None,
            format!(
                "the aggregated sales cannot be checked against the {}-day sales window {} to {}: their figures count as they are, whatever window they were made for; add window_start and window_end columns (docs/scale.md) so the window is checked",
                (window.end - window.start).num_days() + 1,
                window.start,
                window.end
            ),
        ));
    }
    Ok(SalesRead {
        place,
        file: table.display.clone(),
        sheet: table.sheet.clone(),
        rows,
        dated,
        date_column: header.header_of(date_field).map(str::to_string),
        span,
        last_sales: reader_last_sale_col.then_some(last),
    })
}

/// A window column's date: a date cell, a serial in the workbook's date system, or text read
/// like a sale date (a slashed date must read one way, or `--date-order` says which).
fn window_date(
    cell: Option<&Cell>,
    (order, serial_shift): (Option<DateOrder>, f64),
) -> Option<NaiveDate> {
    match cell? {
        Cell::Date(serial) => from_excel_serial(*serial),
        Cell::Number(serial) => serial_date(*serial, serial_shift),
        Cell::Text(s) => match read_date(s) {
            DateText::Date(d) => Some(d),
            DateText::Unreadable => None,
            slashed @ DateText::Slashed { .. } => {
                match (slashed.date(DateOrder::Mdy), slashed.date(DateOrder::Dmy)) {
                    (Some(a), Some(b)) if a != b => order.and_then(|o| slashed.date(o)),
                    (a, b) => a.or(b),
                }
            }
        },
        _ => None,
    }
}

/// Check one aggregated row's `window_start`/`window_end` against the run's window and the
/// file's first row (`first`): the message (without file and row) when they differ.
fn check_row_window(
    raw: &RawRow,
    (cs, ce): (usize, usize),
    names: &(String, String),
    dates: (Option<DateOrder>, f64),
    run: Window,
    first: &mut Option<(Window, usize)>,
) -> std::result::Result<(), String> {
    let run_days = (run.end - run.start).num_days() + 1;
    let again = format!(
        "aggregate again for {}..{} (as_of = {}, window_days = {run_days}, docs/scale.md)",
        run.start, run.end, run.end
    );
    let read = |c: usize, name: &str| {
        let cell = raw.cells.get(c);
        window_date(cell, dates).ok_or_else(|| {
            let shown = cell
                .and_then(Cell::text_cow)
                .map(|t| format!("\"{t}\""))
                .unwrap_or_else(|| "blank".to_string());
            format!(
                "{name} is {shown}, not a date: every row of an aggregate gives the first and last day of the window it was made for, as ISO dates (like {})",
                run.start
            )
        })
    };
    let (start, end) = (read(cs, &names.0)?, read(ce, &names.1)?);
    if start > end {
        return Err(format!(
            "{} {start} is after {} {end}: the window runs from its first day to its last",
            names.0, names.1
        ));
    }
    let made = Window { start, end };
    let days = (end - start).num_days() + 1;
    if let Some((w, row)) = *first
        && (w.start, w.end) != (start, end)
    {
        return Err(format!(
            "the rows were made for different windows: row {row} for {} to {}, this row for {start} to {end}; an aggregate is made for one window: {again}",
            w.start, w.end
        ));
    }
    if (start, end) != (run.start, run.end) {
        return Err(format!(
            "the aggregate was made for the {days}-day window {start} to {end} (columns \"{}\" and \"{}\"), but this plan's sales window is the {run_days}-day window {} to {}: its sold figures are not this window's; run the plan with --as-of {end} --window {days}, or {again}",
            names.0, names.1, run.start, run.end
        ));
    }
    if first.is_none() {
        *first = Some((made, raw.row));
    }
    Ok(())
}

/// The error for a date column written both ways.
fn order_conflict(place: &str, column: &str, c: &OrderConflict) -> Error {
    Error::Data(format!(
        "{place}, column \"{column}\": the dates are written both day first and month first: row {} has {} (a date only day first) and row {} has {} (a date only month first); one column must use one order: check the export's date format",
        c.day_first.row, c.day_first.text, c.month_first.row, c.month_first.text
    ))
}

/// The warning, if any, about how a date column's order was settled (row, message): nothing
/// decided it and no order was configured, or a configured order the values contradict.
fn date_order_warning(
    column: &ColumnOrder,
    configured: Option<DateOrder>,
) -> Option<(Option<usize>, String)> {
    match (column.decided(), configured) {
        (None, None) if column.ambiguous > 0 => {
            let first = column.first_ambiguous.as_ref()?;
            Some((
                Some(first.row),
                format!(
                    "{} date(s) read either way (like {} on row {}) and no date in the column decides the order; read month first (M/D/Y), as US exports write them; if the file writes the day first, pass --date-order dmy (or date_order = \"dmy\" in clearance.toml)",
                    column.ambiguous, first.text, first.row
                ),
            ))
        }
        (Some(decided), Some(configured)) if decided != configured => {
            let cell = column.deciding_cell()?;
            Some((
                Some(cell.row),
                format!(
                    "--date-order {} (or date_order) is not used for this column: {} on row {} is a date only {}, so the column is read {}",
                    configured.as_str(),
                    cell.text,
                    cell.row,
                    decided.describe(),
                    decided.describe()
                ),
            ))
        }
        _ => None,
    }
}

/// One sku (or, in a file without skus, one name) a sales file sells, for a run without a
/// catalog (`backtest`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SoldSku {
    /// The sku as the sales lines write it (trimmed); a line without a sku is keyed by its name.
    pub sku: String,
    /// The name, for a line keyed by its name (the reader finds such lines by name).
    pub name: Option<String>,
    /// The first non-empty category the file gives it, when it has a category column.
    pub category: Option<String>,
}

/// A first pass over a sales file: every sku sold (else name), in the order first seen, with
/// its first category, and the category column's header (`None`: no category column). Lines
/// are taken whatever their date; the caller's catalog lines are built from them.
pub fn sold_skus(
    path: &Path,
    opts: &ReadOptions,
    maps: &[(String, String)],
) -> Result<(Vec<SoldSku>, Option<String>)> {
    let (mut table, header) = open_sales(path, opts, maps)?;
    let (c_sku, c_name, c_category) = (
        header.col("sku"),
        header.col("name"),
        header.col("category"),
    );
    let mut out: Vec<SoldSku> = Vec::new();
    let mut seen: HashMap<String, usize> = HashMap::new();
    while let Some(raw) = table.next_row()? {
        let sku = text(&raw.cells, c_sku).map(|s| s.trim().to_string());
        let name = text(&raw.cells, c_name).map(|s| s.trim().to_string());
        let (key, by_name) = match (sku.filter(|s| !s.is_empty()), name) {
            (Some(sku), _) => (sku, None),
            (None, Some(name)) if !name.is_empty() => (name.clone(), Some(name)),
            _ => continue,
        };
        let category = text(&raw.cells, c_category)
            .map(|c| c.trim().to_string())
            .filter(|c| !c.is_empty());
        match seen.get(&key) {
            Some(&i) => {
                if out[i].category.is_none() {
                    out[i].category = category;
                }
            }
            None => {
                seen.insert(key.clone(), out.len());
                out.push(SoldSku {
                    sku: key,
                    name: by_name,
                    category,
                });
            }
        }
    }
    Ok((out, header.header_of("category").map(str::to_string)))
}

/// What each customer bought in the window: skus, for the B2B quotes of `apply`.
pub type Purchases = std::collections::BTreeMap<String, std::collections::BTreeSet<String>>;

/// Stream a sales file and collect, per customer id, the skus bought in the window (returns and
/// lines without a customer are left out). `Ok(None)` when the file has no customer column.
pub fn customer_purchases(
    path: &Path,
    opts: &ReadOptions,
    maps: &[(String, String)],
    window: Window,
) -> Result<Option<Purchases>> {
    let (mut table, header) = open_sales(path, opts, maps)?;
    let (Some(c_customer), Some(c_sku)) = (header.col("customer"), header.col("sku")) else {
        return Ok(None);
    };
    let c_date = header.col("date");
    let c_qty = header.col("quantity");
    let decimal_comma = opts.decimal_comma.unwrap_or(table.decimal_comma_hint);
    // Slashed dates take their column's order, as when the sales are added up: decided in a
    // first pass over the date column (quotes are a small, optional output).
    let order = match c_date {
        Some(c) => purchase_date_order(path, opts, maps, c)?,
        None => DateOrder::Mdy,
    };
    let mut out = Purchases::new();
    while let Some(raw) = table.next_row()? {
        let text = |c: usize| raw.cells.get(c).and_then(Cell::text);
        let Some(customer) = text(c_customer).filter(|c| !c.eq_ignore_ascii_case("NA")) else {
            continue;
        };
        let Some(sku) = text(c_sku) else { continue };
        if let Some(c) = c_date {
            let date = match raw.cells.get(c) {
                Some(Cell::Date(serial)) => from_excel_serial(*serial),
                Some(Cell::Number(serial)) => table.serial_date(*serial),
                Some(Cell::Text(s)) => read_date(s).date(order),
                _ => None,
            };
            if !date.is_some_and(|d| window.contains(d)) {
                continue;
            }
        }
        let qty = match c_qty.and_then(|c| raw.cells.get(c)) {
            Some(Cell::Text(s)) => parse_number(s, decimal_comma).ok().flatten(),
            // A percent format on a count is a formatting slip: the stored number counts.
            Some(Cell::Number(f)) | Some(Cell::Percent(f)) => decimal_from_f64(*f).ok(),
            _ => Some(Decimal::ONE),
        };
        if qty.is_some_and(|q| q > Decimal::ZERO) {
            out.entry(customer)
                .or_default()
                .insert(sku.trim().to_string());
        }
    }
    Ok(Some(out))
}

/// The order of a sales file's slashed dates in column `c`: decided by its values, else
/// `--date-order` / `date_order`, else month first.
fn purchase_date_order(
    path: &Path,
    opts: &ReadOptions,
    maps: &[(String, String)],
    c: usize,
) -> Result<DateOrder> {
    let (mut table, header) = open_sales(path, opts, maps)?;
    let place = table.where_();
    let column = header.headers.get(c).cloned().unwrap_or_default();
    let mut col = ColumnOrder::default();
    while let Some(raw) = table.next_row()? {
        if let Some(Cell::Text(text)) = raw.cells.get(c) {
            let value = read_date(text);
            if value.date(DateOrder::Mdy).is_none() && value.date(DateOrder::Dmy).is_none() {
                continue; // no real day either way: no evidence, no ambiguity
            }
            let decided = col
                .observe(value, raw.row, text)
                .map_err(|conflict| order_conflict(&place, &column, &conflict))?;
            if let Some(order) = decided {
                return Ok(order);
            }
        }
    }
    Ok(opts.date_order.unwrap_or(DateOrder::Mdy))
}

#[cfg(test)]
mod window_tests {
    use super::*;

    fn ymd(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn span(
        before: u64,
        inside: u64,
        after: u64,
        oldest: NaiveDate,
        newest: NaiveDate,
    ) -> DateSpan {
        DateSpan {
            before,
            inside,
            after,
            oldest: Some(oldest),
            newest: Some(newest),
        }
    }

    #[test]
    fn no_sale_in_the_window_is_stale_and_names_the_as_of_to_use() {
        let w = Window::new(ymd(2027, 6, 1), 90);
        let s = span(4370, 0, 0, ymd(2026, 8, 1), ymd(2026, 11, 20));
        let WindowCheck::Stale(m) = check_window(&s, w, WindowUse::Plan) else {
            panic!("not stale");
        };
        assert!(
            m.contains("the newest sale is 2026-11-20; pass --as-of 2026-11-20"),
            "{m}"
        );
        assert!(m.contains("the oldest sale is 2026-08-01"), "{m}");
    }

    #[test]
    fn most_lines_outside_or_an_old_newest_sale_warns() {
        let w = Window::new(ymd(2026, 11, 22), 90);
        let most_out = span(30, 10, 0, ymd(2026, 1, 1), ymd(2026, 11, 21));
        assert!(
            matches!(check_window(&most_out, w, WindowUse::Plan), WindowCheck::Warn(m) if m.contains("30 before the window, 10 inside, 0 after"))
        );
        // 46 days before the end of a 90-day window: older than half of it.
        let old = span(0, 10, 0, ymd(2026, 9, 1), ymd(2026, 10, 7));
        assert!(
            matches!(check_window(&old, w, WindowUse::Plan), WindowCheck::Warn(m) if m.contains("the newest sale is 2026-10-07, 46 day(s)"))
        );
        let fine = span(10, 30, 0, ymd(2026, 1, 1), ymd(2026, 11, 21));
        assert_eq!(check_window(&fine, w, WindowUse::Plan), WindowCheck::Fine);
        assert_eq!(
            check_window(&DateSpan::default(), w, WindowUse::Plan),
            WindowCheck::Fine
        );
    }

    fn last(span: DateSpan, sold_before: u64, sold_undated: u64) -> LastSaleSpan {
        LastSaleSpan {
            span,
            sold_before,
            sold_undated,
            sold_after: 0,
        }
    }

    #[test]
    fn an_aggregate_for_the_window_is_fine_and_old_last_sales_without_units_too() {
        let w = Window::new(ymd(2026, 11, 22), 90);
        // Dead stock last sold long ago sits beside lines that sold in the window.
        let s = span(40, 60, 0, ymd(2024, 1, 1), ymd(2026, 11, 22));
        assert_eq!(check_last_sales(&last(s, 0, 0), w), WindowCheck::Fine);
        assert_eq!(
            check_last_sales(&LastSaleSpan::default(), w),
            WindowCheck::Fine
        );
    }

    #[test]
    fn an_aggregate_for_a_later_as_of_or_another_window_is_stale() {
        let w = Window::new(ymd(2026, 11, 22), 90);
        let later = span(0, 0, 12, ymd(2026, 11, 23), ymd(2026, 12, 1));
        assert!(
            matches!(check_last_sales(&last(later, 0, 0), w), WindowCheck::Stale(m) if m.contains("every one of the 12 last sale date(s) is after 2026-11-22") && m.contains("newest 2026-12-01"))
        );
        let earlier = span(30, 0, 0, ymd(2025, 1, 1), ymd(2026, 6, 30));
        assert!(
            matches!(check_last_sales(&last(earlier, 7, 0), w), WindowCheck::Stale(m) if m.contains("7 row(s) sold units") && m.contains("30 before the window, 0 inside, 0 after"))
        );
        // Old last sales and nothing sold: an aggregate of dead stock, doubted only for the age.
        assert!(matches!(
            check_last_sales(&last(earlier, 0, 0), w),
            WindowCheck::Warn(m) if m.contains("the newest last sale is 2026-06-30")
        ));
    }

    #[test]
    fn some_rows_against_the_window_warn_with_the_counts() {
        let w = Window::new(ymd(2026, 11, 22), 90);
        let mixed = span(2, 50, 3, ymd(2026, 1, 1), ymd(2026, 11, 30));
        let WindowCheck::Warn(m) = check_last_sales(&last(mixed, 1, 4), w) else {
            panic!("no warning");
        };
        assert!(
            m.contains("3 of the 55 last sale date(s) are after 2026-11-22"),
            "{m}"
        );
        assert!(
            m.contains(
                "1 row(s) sold units in the window but last sold before its start 2026-08-25"
            ),
            "{m}"
        );
        assert!(
            m.contains("4 row(s) sold units in the window but have no last sale date"),
            "{m}"
        );
        assert!(m.contains("as_of = 2026-11-22 and window_days = 90"), "{m}");
        let undated = span(0, 5, 0, ymd(2026, 11, 1), ymd(2026, 11, 20));
        assert!(matches!(
            check_last_sales(&last(undated, 0, 2), w),
            WindowCheck::Warn(m) if m.starts_with("2 row(s) sold units in the window but have no last sale date")
        ));
    }

    #[test]
    fn review_expects_older_lines_but_not_only_older_lines() {
        let w = Window {
            start: ymd(2026, 11, 1),
            end: ymd(2026, 11, 22),
        };
        let history = span(5000, 40, 0, ymd(2025, 1, 1), ymd(2026, 11, 21));
        assert_eq!(
            check_window(&history, w, WindowUse::Review),
            WindowCheck::Fine
        );
        let stale = span(5000, 0, 0, ymd(2025, 1, 1), ymd(2026, 10, 30));
        assert!(
            matches!(check_window(&stale, w, WindowUse::Review), WindowCheck::Stale(m) if m.contains("campaign's start 2026-11-01"))
        );
        let old = span(5000, 3, 0, ymd(2025, 1, 1), ymd(2026, 11, 5));
        assert!(matches!(
            check_window(&old, w, WindowUse::Review),
            WindowCheck::Warn(_)
        ));
    }
}

#[cfg(test)]
mod column_order_tests {
    use super::*;
    use proptest::prelude::*;

    /// A sales line: sku index (3 is not in the catalog), days after 2026-09-01, quantity,
    /// order number.
    type Line = (usize, i64, i32, u8);

    /// Sold figures and last sales, warnings, window counts.
    type Read = (Vec<(Decimal, Option<NaiveDate>)>, Vec<String>, DateSpan);

    fn catalog() -> Vec<CatalogLine> {
        ["A", "B", "C"]
            .iter()
            .map(|s| CatalogLine {
                sku: (*s).into(),
                ..CatalogLine::default()
            })
            .collect()
    }

    /// Read `lines` written with `date` into sold figures, warnings (those about the date order
    /// left out) and the window counts.
    fn read(
        lines: &[Line],
        date: impl Fn(NaiveDate) -> String,
        order: Option<DateOrder>,
        basis: Basis,
    ) -> Read {
        let start = NaiveDate::from_ymd_opt(2026, 9, 1).unwrap();
        let mut text = String::from("order_id,date,sku,quantity\n");
        for (sku, day, qty, order) in lines {
            let sku = ["A", "B", "C", "ZZ"][*sku];
            let d = date(start + chrono::Duration::days(*day));
            text.push_str(&format!("O{order},{d},{sku},{qty}\n"));
        }
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sales.csv");
        std::fs::write(&path, text).unwrap();
        let cat = catalog();
        let mut totals = SalesTotals::new(&cat, basis);
        let mut warnings = Vec::new();
        let opts = ReadOptions {
            date_order: order,
            ..ReadOptions::default()
        };
        let window = Window::new(NaiveDate::from_ymd_opt(2026, 11, 30).unwrap(), 60);
        let read =
            aggregate_sales(&path, &opts, &[], window, basis, &mut totals, &mut warnings).unwrap();
        let messages = warnings
            .into_iter()
            .map(|w| w.message)
            .filter(|m| !m.contains("read either way") && !m.contains("--date-order"))
            .collect();
        (totals.finish(basis), messages, read.span)
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]

        /// Slashed dates give the same figures as the same dates in ISO, whether a date decides
        /// the column early, late or never (then the configured order).
        #[test]
        fn slashed_dates_add_up_like_iso(
            lines in prop::collection::vec((0usize..4, 0i64..120, -1i32..5, 0u8..20), 1..60),
            orders in any::<bool>(),
        ) {
            let basis = if orders { Basis::Orders } else { Basis::Units };
            let iso = read(&lines, |d| d.format("%Y-%m-%d").to_string(), None, basis);
            let dmy = read(&lines, |d| d.format("%d/%m/%Y").to_string(), Some(DateOrder::Dmy), basis);
            let mdy = read(&lines, |d| d.format("%m/%d/%Y").to_string(), Some(DateOrder::Mdy), basis);
            let mdy_default = read(&lines, |d| d.format("%m/%d/%Y").to_string(), None, basis);
            prop_assert_eq!(&iso.0, &dmy.0);
            prop_assert_eq!(&iso.1, &dmy.1);
            prop_assert_eq!(iso.2, dmy.2);
            prop_assert_eq!(&iso.0, &mdy.0);
            prop_assert_eq!(&iso.1, &mdy.1);
            prop_assert_eq!(iso.2, mdy.2);
            prop_assert_eq!(&iso.0, &mdy_default.0);
        }
    }

    /// Read `text` (a sales file) for the catalog `skus` with or without the price history.
    fn read_prices(
        text: &str,
        skus: &[&str],
        keep: bool,
        maps: &[(String, String)],
    ) -> (Option<Vec<Vec<PricePoint>>>, Vec<Warning>) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sales.csv");
        std::fs::write(&path, text).unwrap();
        let cat: Vec<CatalogLine> = skus
            .iter()
            .map(|s| CatalogLine {
                sku: (*s).into(),
                ..CatalogLine::default()
            })
            .collect();
        let mut totals = SalesTotals::with_prices(&cat, Basis::Units, keep);
        let mut warnings = Vec::new();
        let window = Window::new(NaiveDate::from_ymd_opt(2026, 11, 30).unwrap(), 30);
        aggregate_sales(
            &path,
            &ReadOptions::default(),
            maps,
            window,
            Basis::Units,
            &mut totals,
            &mut warnings,
        )
        .unwrap();
        (totals.take_prices(), warnings)
    }

    fn point(day: u32, price: &str, units: i64) -> PricePoint {
        PricePoint {
            day,
            price: price.parse().unwrap(),
            units: Decimal::from(units),
        }
    }

    #[test]
    fn unit_prices_are_kept_per_day_and_price_only_in_target_mode() {
        let text = "order_id,date,sku,quantity,Unit Price\n\
                    1,2026-11-01,A,2,\"10,00\"\n\
                    2,2026-11-01,A,1,10.00\n\
                    3,2026-11-01,A,1,8.00\n\
                    4,2026-11-02,A,3,8.00\n\
                    5,2026-11-02,A,1,oops\n\
                    6,2026-11-02,A,1,\n\
                    7,2026-11-02,A,1,0\n\
                    8,2026-10-01,A,1,5.00\n";
        let (prices, warnings) = read_prices(text, &["A"], true, &[]);
        let prices = prices.unwrap();
        // 2026-11-01 is day 0 of the 30-day window ending 2026-11-30.
        assert_eq!(
            prices[0],
            // One entry per day and price, in day and price order.
            vec![point(0, "8", 1), point(0, "10", 3), point(1, "8", 3)]
        );
        let bad: Vec<&Warning> = warnings
            .iter()
            .filter(|w| w.message.contains("unit price paid"))
            .collect();
        assert_eq!(bad.len(), 1, "{warnings:?}");
        assert_eq!(bad[0].row, Some(6));
        assert_eq!(bad[0].column.as_deref(), Some("Unit Price"));
        assert!(
            bad[0].message.starts_with("1 sales line(s)"),
            "{}",
            bad[0].message
        );
        // The tier plan keeps nothing and reads no price (no warning either).
        let (prices, warnings) = read_prices(text, &["A"], false, &[]);
        assert!(prices.is_none());
        assert!(!warnings.iter().any(|w| w.message.contains("unit price")));
    }

    #[test]
    fn a_file_out_of_date_order_gets_one_entry_per_day_and_price() {
        let mut points = Vec::new();
        for (day, price, units) in [
            (1, "9", 1),
            (0, "9", 2),
            (1, "9", 3),
            (1, "8", 1),
            (0, "9", 1),
        ] {
            add_point(
                &mut points,
                day,
                price.parse().unwrap_or_default(),
                Decimal::from(units),
            );
        }
        merge_points(&mut points);
        assert_eq!(
            points,
            vec![point(0, "9", 3), point(1, "8", 1), point(1, "9", 4)]
        );
        // Many distinct prices on one line cost no scan of its history: 100,000 points.
        let mut many = Vec::new();
        for i in 0..100_000u32 {
            add_point(&mut many, i / 1000, Decimal::from(i), Decimal::ONE);
        }
        merge_points(&mut many);
        assert_eq!(many.len(), 100_000);
    }

    #[test]
    fn a_plain_price_is_never_taken_for_the_unit_price() {
        // A plain `price` (or Amazon's `item-price`) may be the line's total for its quantity:
        // a wrong elasticity if taken for one unit's price. Not read unless named with --map.
        let dated = "date,sku,quantity,price\n2026-11-01,A,1,9.50\n";
        let (prices, _) = read_prices(dated, &["A"], true, &[]);
        assert!(prices.unwrap()[0].is_empty());
        let amazon = "date,sku,quantity,item-price\n2026-11-01,A,2,19.00\n";
        let (prices, _) = read_prices(amazon, &["A"], true, &[]);
        assert!(prices.unwrap()[0].is_empty());
        // A named column through --map.
        let mapped = "date,sku,quantity,Paid each\n2026-11-02,A,2,7\n";
        let maps = [("unit_price".to_string(), "Paid each".to_string())];
        let (prices, _) = read_prices(mapped, &["A"], true, &maps);
        assert_eq!(prices.unwrap()[0], vec![point(1, "7", 2)]);
    }

    #[test]
    fn a_superstore_sales_total_is_not_a_unit_price() {
        let text = "Order Date,Product ID,Quantity,Sales\n11/08/2026,A,2,261.96\n";
        let (prices, _) = read_prices(text, &["A"], true, &[]);
        assert!(prices.unwrap()[0].is_empty());
    }

    #[test]
    fn the_shopify_orders_export_gives_its_lineitem_price() {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/fixtures/shopify/orders_export.csv"
        );
        let (_, header) = open_sales(Path::new(path), &ReadOptions::default(), &[]).unwrap();
        assert_eq!(header.header_of("unit_price"), Some("Lineitem price"));
    }

    #[test]
    fn prices_of_lines_read_before_the_date_order_was_decided_follow_it() {
        // 05/11 reads either way until 20/11 decides the column: day first.
        let text = "date,sku,quantity,unit_price\n\
                    05/11/2026,A,2,10.00\n\
                    20/11/2026,A,1,8.00\n";
        let (prices, _) = read_prices(text, &["A"], true, &[]);
        // 2026-11-05 is day 4, 2026-11-20 day 19 of the window starting 2026-11-01 (read as
        // 11 May, the first line would be outside the window: nothing).
        assert_eq!(
            prices.unwrap()[0],
            vec![point(4, "10.00", 2), point(19, "8.00", 1)]
        );
    }
}
