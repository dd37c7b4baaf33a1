//! Sales files streamed line by line into a sold figure per catalog line: memory grows with the
//! number of catalog lines, never with the number of sales lines.

use super::dates::{from_excel_serial, parse_date};
use super::mapping::{HeaderMap, SALES_FIELDS, locate_header};
use super::number::{decimal_from_f64, parse_number};
use super::sku_table::{NONE, SkuTable, prefetch};
use super::table::{Cell, RawRow, ReadOptions, Table, check_ragged, pipelined_rows};
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
    /// The last day the line sold (any date up to as-of, window or not).
    last_sale: Option<NaiveDate>,
}

impl LineSales {
    fn saw_sale(&mut self, d: NaiveDate) {
        if self.last_sale.is_none_or(|last| d > last) {
            self.last_sale = Some(d);
        }
    }
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
}

impl<'a> SalesTotals<'a> {
    pub fn new(lines: &'a [CatalogLine], basis: Basis) -> SalesTotals<'a> {
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
            for alias in &l.aliases {
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
        }
    }

    /// Per catalog line: the sold figure under `basis` (never below 0) and the last day it
    /// sold, when a sales file was dated.
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
pub struct SalesRead {
    pub sheet: Option<String>,
    pub rows: u64,
    /// Whether the file has a date column (order lines) rather than aggregated figures.
    pub dated: bool,
}

/// Add one sales file's sold figures into `totals` (one running total per catalog line).
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
    let (c_sku, c_name, c_qty, c_orders, c_date, c_order, c_loc, c_cancel) = (
        col("sku"),
        col("name"),
        col("quantity"),
        col("orders"),
        col("date"),
        col("order_id"),
        col("location"),
        col("cancelled_at"),
    );
    let width = header.headers.len();
    let table_kind = table.kind.clone();
    let mut rows = 0u64;
    let mut unknown_lines = 0u64;
    let mut unknown_examples: Vec<String> = Vec::new();
    // Known skus at a location the catalog does not have (or without a location in a
    // multi-location catalog): counted apart, they usually mean a location code mismatch.
    let mut unplaced_lines = 0u64;
    let mut unplaced_examples: Vec<String> = Vec::new();
    let mut bad_dates = 0u64;
    let mut first_bad_date: Option<usize> = None;
    let mut bad_numbers = 0u64;
    let mut first_bad_number: Option<usize> = None;
    let mut cancelled_order: Option<String> = None;
    fn text(cells: &[Cell], c: Option<usize>) -> Option<std::borrow::Cow<'_, str>> {
        c.and_then(|c| cells.get(c)).and_then(Cell::text_cow)
    }
    // Rows are parsed, and their skus looked up, on another core while this one adds them up;
    // batches keep their order, so the result is the same.
    let index = &totals.index;
    let per_line = &mut totals.per_line;
    let orders = &mut totals.orders;
    let has_locations = index.has_locations;
    let mut add_row = |raw: &RawRow, first: u32, per_line: &mut [LineSales]| -> Result<()> {
        if raw.cells.iter().all(Cell::is_empty) {
            return Ok(());
        }
        check_ragged(raw, width, &place, &table_kind)?;
        rows += 1;
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
        let mut sale_date = None;
        if dated {
            let date = match c_date.and_then(|c| raw.cells.get(c)) {
                Some(Cell::Date(serial)) => from_excel_serial(*serial),
                Some(Cell::Number(n)) => from_excel_serial(*n),
                Some(Cell::Text(s)) => parse_date(s),
                _ => None,
            };
            match date {
                Some(d) if window.contains(d) => sale_date = Some(d),
                Some(d) => {
                    // Outside the window: only the last sale date is kept (for aging).
                    if d <= window.end {
                        let name = text(&raw.cells, c_name);
                        let location = text(&raw.cells, c_loc);
                        if let Some(i) = index.line_of(first, name.as_deref(), location.as_deref())
                        {
                            per_line[i].saw_sale(d);
                        }
                    }
                    return Ok(());
                }
                None => {
                    bad_dates += 1;
                    first_bad_date.get_or_insert(raw.row);
                    return Ok(());
                }
            }
        }
        // Units count quantities; an aggregate's `orders` column serves the orders basis.
        let amount_col = match basis {
            Basis::Orders if aggregated => c_orders.or(c_qty),
            _ => c_qty.or(c_orders),
        };
        let amount = match amount_col.and_then(|c| raw.cells.get(c)) {
            Some(Cell::Text(s)) => parse_number(s, decimal_comma).ok().flatten(),
            Some(Cell::Number(f)) => decimal_from_f64(*f).ok(),
            Some(Cell::Empty) | None => Some(Decimal::ZERO),
            _ => None,
        };
        let Some(amount) = amount else {
            bad_numbers += 1;
            first_bad_number.get_or_insert(raw.row);
            return Ok(());
        };
        let sku = text(&raw.cells, c_sku);
        let name = text(&raw.cells, c_name);
        let location = text(&raw.cells, c_loc);
        let found = index.line_of(first, name.as_deref(), location.as_deref());
        let Some(i) = found else {
            if has_locations && first != NONE {
                unplaced_lines += 1;
                let label = format!(
                    "{}@{}",
                    sku.as_deref().unwrap_or_default(),
                    location.as_deref().unwrap_or("(no location)")
                );
                if unplaced_examples.len() < 5 && !unplaced_examples.contains(&label) {
                    unplaced_examples.push(label);
                }
                return Ok(());
            }
            unknown_lines += 1;
            if unknown_examples.len() < 5 {
                let label = sku
                    .or(name)
                    .map(|l| l.into_owned())
                    .unwrap_or_else(|| format!("row {}", raw.row));
                let label = match location {
                    Some(l) if has_locations => format!("{label}@{l}"),
                    _ => label,
                };
                if !unknown_examples.contains(&label) {
                    unknown_examples.push(label);
                }
            }
            return Ok(());
        };
        let sales = &mut per_line[i];
        if let Some(d) = sale_date.filter(|_| amount > Decimal::ZERO) {
            sales.saw_sale(d);
        }
        // Units count quantities; an aggregate's `orders` column serves the orders basis;
        // order lines count their distinct order ids (below).
        if basis == Basis::Units || aggregated {
            sales.sold = crate::model::num::sat_add(sales.sold, amount);
        }
        if basis == Basis::Orders
            && !aggregated
            && let Some(id) = order_id
        {
            orders[i].insert(id.into_owned());
        }
        Ok(())
    };
    // Skus are compared trimmed (`text` trims; the catalog's keys are trimmed too).
    let first_of = |rows: &[RawRow], out: &mut Vec<u32>| {
        let skus = rows.iter().map(|raw| text(&raw.cells, c_sku));
        index.by_sku.get_batch(skus, out)
    };
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
    if bad_dates > 0 {
        warnings.push(warn(
            first_bad_date,
            header.header_of("date"),
            format!("{bad_dates} sales line(s) have no readable date (first on row {}); ignored. Dates like 2026-11-22, 11/22/2026 or 22.11.2026 are read", first_bad_date.unwrap_or(0)),
        ));
    }
    if bad_numbers > 0 {
        warnings.push(warn(
            first_bad_number,
            header.header_of("quantity").or(header.header_of("orders")),
            format!("{bad_numbers} sales line(s) have a quantity that is not a number (first on row {}); ignored", first_bad_number.unwrap_or(0)),
        ));
    }
    if rows == 0 {
        warnings.push(warn(
            None,
            None,
            "the sales file has a header but no sales lines".into(),
        ));
    }
    Ok(SalesRead {
        sheet: table.sheet.clone(),
        rows,
        dated,
    })
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
    let mut out = Purchases::new();
    while let Some(raw) = table.next_row()? {
        let text = |c: usize| raw.cells.get(c).and_then(Cell::text);
        let Some(customer) = text(c_customer).filter(|c| !c.eq_ignore_ascii_case("NA")) else {
            continue;
        };
        let Some(sku) = text(c_sku) else { continue };
        if let Some(c) = c_date {
            let date = match raw.cells.get(c) {
                Some(Cell::Date(serial)) | Some(Cell::Number(serial)) => from_excel_serial(*serial),
                Some(Cell::Text(s)) => parse_date(s),
                _ => None,
            };
            if !date.is_some_and(|d| window.contains(d)) {
                continue;
            }
        }
        let qty = match c_qty.and_then(|c| raw.cells.get(c)) {
            Some(Cell::Text(s)) => parse_number(s, decimal_comma).ok().flatten(),
            Some(Cell::Number(f)) => decimal_from_f64(*f).ok(),
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
