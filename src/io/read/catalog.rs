//! The catalog reader: a table and its header map turned into catalog lines, with the platform
//! quirks of SPEC section 2 (Shopify variants and image rows, Wix product/variant rows,
//! WooCommerce containers and variations) and every data problem kept as a warning.

use super::mapping::{CATALOG_FIELDS, HeaderMap, locate_header};
use super::markdown::{self, Markdown};
use super::number::{NumError, decimal_from_f64, parse_number};
use super::table::{Cell, RawRow, ReadOptions, Table, check_ragged, pipelined_rows};
use crate::error::{Error, Result};
use crate::model::{
    CatalogExtra, CatalogLine, DataIssue, ExportRow, Inactive, OptDecimal, SharedNames, SharedStr,
    SourcePlatform, Warning,
};
use chrono::NaiveDate;
use rust_decimal::Decimal;
use std::collections::HashMap;
use std::path::Path;

/// The export layout the catalog was recognised as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layout {
    Generic,
    Shopify,
    Wix,
    WooCommerce,
    Magento,
    PrestaShop,
}

impl Layout {
    pub fn as_str(self) -> &'static str {
        match self {
            Layout::Generic => "generic",
            Layout::Shopify => "Shopify product export",
            Layout::Wix => "Wix product export",
            Layout::WooCommerce => "WooCommerce product export",
            Layout::Magento => "Magento product export",
            Layout::PrestaShop => "PrestaShop product export",
        }
    }

    /// The platform name `plan.json` records and `apply --platform` defaults to.
    pub fn platform(self, header: &HeaderMap) -> Option<SourcePlatform> {
        let name = match self {
            Layout::Generic => return None,
            Layout::Shopify => "shopify",
            Layout::Wix => "wix",
            Layout::WooCommerce => "woocommerce",
            Layout::Magento => "magento",
            Layout::PrestaShop => "prestashop",
        };
        let headers = (self == Layout::Shopify).then(|| {
            let current = header
                .header_of("handle")
                .is_some_and(|h| super::mapping::normalise(h) == "urlhandle");
            if current { "current" } else { "legacy" }.to_string()
        });
        Some(SourcePlatform {
            name: name.into(),
            headers,
        })
    }
}

/// A catalog as read.
pub struct Catalog {
    pub lines: Vec<CatalogLine>,
    pub warnings: Vec<Warning>,
    pub sheet: Option<String>,
    pub header: HeaderMap,
    pub layout: Layout,
    /// Data rows read (title and header rows, blank rows and image-only rows not counted).
    pub rows: u64,
    /// Whether the catalog had its own `orders` column.
    pub has_orders: bool,
    /// The shop platform the export came from (none for a generic catalog).
    pub platform: Option<SourcePlatform>,
}

pub fn detect_layout(header: &HeaderMap) -> Layout {
    if header.has("handle") && (header.has("option1") || header.has("tracker")) {
        Layout::Shopify
    } else if header.has("handle_id") && header.has("field_type") {
        Layout::Wix
    } else if header.has("parent") && header.has("product_type") {
        Layout::WooCommerce
    } else if header.has("store_view_code") || header.has("websites") {
        Layout::Magento
    } else if (header.has("discount_percent") || header.has("discount_amount"))
        && header.header_of("price").is_some_and(|h| {
            let h = super::mapping::normalise(h);
            h == "pricetaxexcluded" || h == "pricetaxincluded"
        })
    {
        // PrestaShop's own price column; a discount column alone may be anyone's.
        Layout::PrestaShop
    } else {
        Layout::Generic
    }
}

pub const CATALOG_REQUIRED: &[&[&str]] =
    &[&["sku", "handle", "handle_id"], &["quantity"], &["price"]];

/// Open a catalog and map its header.
pub fn open_catalog(
    path: &Path,
    opts: &ReadOptions,
    maps: &[(String, String)],
) -> Result<(Table, HeaderMap)> {
    let mut table = Table::open(path, opts)?;
    let header = locate_header(
        &mut table,
        CATALOG_FIELDS,
        CATALOG_REQUIRED,
        maps,
        "catalog",
    )?;
    Ok((table, header))
}

/// Read the whole catalog.
pub fn read_catalog(path: &Path, opts: &ReadOptions, maps: &[(String, String)]) -> Result<Catalog> {
    let (mut table, header) = open_catalog(path, opts, maps)?;
    let layout = detect_layout(&header);
    let decimal_comma = opts.decimal_comma.unwrap_or(table.decimal_comma_hint);
    let mut reader = RowReader {
        table_where: table.where_(),
        file: table.display.clone(),
        sheet: table.sheet.clone(),
        col_offset: table.col_offset,
        header: &header,
        decimal_comma,
        as_of: opts
            .as_of
            .unwrap_or_else(|| chrono::Local::now().date_naive()),
        keep_export: layout != Layout::Generic,
        read_received: opts.read_received,
        received_order: super::dates::ColumnOrder::default(),
        received_either_way: Vec::new(),
        received_conflict: false,
        markdown_columns: header.has("compare_at_price") || header.has("sale_price"),
        pending: Vec::new(),
        percent_warned: Vec::new(),
        warnings: Vec::new(),
        categories: SharedNames::default(),
        locations: SharedNames::default(),
        category_as_is: !matches!(layout, Layout::WooCommerce | Layout::Wix),
    };
    let mut lines: Vec<CatalogLine> = Vec::new();
    let mut rows = 0u64;
    let mut state = PlatformState::default();
    let width = header.headers.len();
    let table_kind = table.kind.clone();
    // Rows are parsed on another core while this one turns them into catalog lines (nothing
    // is prepared on the parsing side: `()`).
    pipelined_rows(&mut table, &|_, _: &mut ()| {}, &mut |batch, _| {
        for raw in batch {
            if raw.cells.iter().all(Cell::is_empty) {
                continue;
            }
            check_ragged(raw, width, &reader.table_where, &table_kind)?;
            rows += 1;
            match layout {
                Layout::Generic => lines.extend(reader.generic(raw)),
                Layout::Shopify => lines.extend(reader.shopify(raw, &mut state)),
                Layout::Wix => lines.extend(reader.wix(raw, &mut state)),
                Layout::WooCommerce => lines.extend(reader.woo(raw, &mut state)),
                Layout::Magento => lines.extend(reader.magento(raw, &mut state)),
                Layout::PrestaShop => lines.extend(reader.prestashop(raw)),
            }
        }
        Ok(())
    })?;
    if layout == Layout::Wix {
        lines.extend(state.finish_wix());
    }
    if rows == 0 {
        return Err(Error::Data(format!(
            "{}: the file has a header (row {}) but no data rows; export the catalog with its products",
            reader.table_where, header.row
        )));
    }
    check_duplicates(&lines, &reader.table_where, &header)?;
    reader.pending_warning();
    reader.settle_received(&mut lines, opts.date_order);
    if table.kind == super::table::Kind::Spreadsheet && !table.number_formats {
        reader.margin_fractions(&mut lines);
    }
    if layout == Layout::Generic {
        // Discount columns are read for the platforms whose exports define them; in a catalog
        // of one's own their meaning is unknown, so say so rather than ignore them silently.
        let unread: Vec<&str> = [
            "discount_amount",
            "discount_percent",
            "discount_mode",
            "discount_value",
        ]
        .iter()
        .filter_map(|f| header.header_of(f))
        .collect();
        if !unread.is_empty() {
            reader.warnings.push(Warning {
                file: reader.file.clone(),
                sheet: reader.sheet.clone(),
                // About the columns, not a row (a warning never points at the header row).
                row: None,
                column: Some(unread.join(", ")),
                message: "these discount columns are not read in a generic catalog: give the price customers pay today as a sale_price column (or the was-price as compare_at_price) so a live discount counts as an existing one".into(),
            });
        }
    }
    if state.store_view_rows > 0 {
        reader.warnings.push(Warning {
            file: reader.file.clone(),
            sheet: reader.sheet.clone(),
            row: Some(state.first_store_view_row),
            column: header.header_of("store_view_code").map(str::to_string),
            message: format!(
                "{} store-view row(s) (first on row {}) override a product's default row for one store view; the default rows are planned from the default price, the store-view rows (and any special price of their own) are not read: check that no store view already sells those products lower",
                state.store_view_rows, state.first_store_view_row
            ),
        });
    }
    // Merged cells first: they explain the row warnings that follow.
    let mut warnings = table.merge_warnings();
    warnings.extend(reader.warnings);
    let untracked = lines
        .iter()
        .filter(|l| l.issue == Some(DataIssue::Untracked))
        .count();
    if untracked > 0 && untracked < lines.len() {
        let example = lines.iter().find(|l| l.issue == Some(DataIssue::Untracked));
        warnings.push(Warning {
            file: table.display.clone(),
            sheet: table.sheet.clone(),
            row: example.map(|l| l.row),
            column: header.header_of("quantity").map(str::to_string),
            message: format!(
                "{untracked} line(s) have no tracked stock figure (first on row {}); skipped as untracked",
                example.map(|l| l.row).unwrap_or(0)
            ),
        });
    }
    // Every line untracked is said by the plan, first among its warnings (nothing classified).
    Ok(Catalog {
        has_orders: header.has("orders"),
        platform: layout.platform(&header),
        lines,
        warnings,
        sheet: table.sheet.clone(),
        header,
        layout,
        rows,
    })
}

fn check_duplicates(lines: &[CatalogLine], place: &str, header: &HeaderMap) -> Result<()> {
    // Each line's index, hashed by its sku and location (compared through the line): 5 bytes a
    // slot, where a map of the borrowed keys and rows took 41 (2^21 slots at 1M lines: 10 MB
    // against 86 MB, the catalog phase's largest allocation after the lines).
    use std::hash::BuildHasher;
    let hasher = foldhash::fast::RandomState::default();
    fn key(l: &CatalogLine) -> (&str, Option<&str>) {
        (l.sku.as_str(), l.location.as_deref())
    }
    let hash = |l: &CatalogLine| hasher.hash_one(key(l));
    if u32::try_from(lines.len()).is_err() {
        return Err(Error::Data(format!(
            "{place}: more than {} catalog lines; split the catalog into smaller files",
            u32::MAX
        )));
    }
    let mut seen: hashbrown::HashTable<u32> = hashbrown::HashTable::with_capacity(lines.len());
    for (i, l) in lines.iter().enumerate() {
        if l.sku.is_empty() {
            continue;
        }
        let first = match seen.entry(
            hash(l),
            |&j| key(&lines[j as usize]) == key(l),
            |&j| hash(&lines[j as usize]),
        ) {
            hashbrown::hash_table::Entry::Vacant(slot) => {
                slot.insert(i as u32); // fits: checked above
                continue;
            }
            hashbrown::hash_table::Entry::Occupied(found) => lines[*found.get() as usize].row,
        };
        let loc = l
            .location
            .as_deref()
            .map(|x| format!(" at location \"{x}\""))
            .unwrap_or_default();
        // Order lines repeat skus: say so when the header looks like an order export.
        let sales = super::hints::sales_signature(&header.headers)
            .map(|found| {
                format!(
                    ". This looks like sales lines (columns {}): pass it with --sales, after the catalog file",
                    found.join(", ")
                )
            })
            .unwrap_or_default();
        return Err(Error::Data(format!(
            "{place}: sku \"{}\"{loc} appears on rows {first} and {}; each sku (and location) must appear once. Remove or merge one of the rows{sales}",
            l.sku, l.row
        )));
    }
    Ok(())
}

/// Carry-over state of the platform layouts.
#[derive(Default)]
struct PlatformState {
    // Shopify: product fields written only on a product's first row, by handle (a product's
    // rows are usually together, but a file sorted by another column splits them).
    shopify_products: HashMap<String, ShopifyProduct>,
    // Magento: store-view rows seen (overrides of a default row).
    store_view_rows: usize,
    first_store_view_row: usize,
    // Wix: the current product row, emitted at the end when it had no variants.
    wix_product: Option<WixProduct>,
    // WooCommerce: parent category by sku and by `id:N`.
    woo_parents: HashMap<String, Option<String>>,
    /// WooCommerce: parent tags by sku and by `id:N` (variations leave `Tags` blank).
    woo_parent_tags: HashMap<String, Vec<String>>,
}

/// What a Shopify product's first row says for all its variants.
/// A comma-separated tag list, each tag trimmed, blanks left out.
fn split_tags(text: &str) -> Vec<String> {
    text.split(',')
        .map(|t| t.trim().to_string())
        .filter(|t| !t.is_empty())
        .collect()
}

struct ShopifyProduct {
    title: Option<String>,
    /// `Vendor` and `Tags`, written on the product's first row only.
    vendor: Option<String>,
    tags: Vec<String>,
    category: Option<SharedStr>,
    /// `archived` or `draft`, when the product is not active.
    inactive: Option<Inactive>,
    /// `Title` and `Option1..3 Name` as written on the first row (verbatim).
    export: ExportRow,
}

struct WixProduct {
    handle: String,
    line: CatalogLine,
    has_variants: bool,
    /// `discountMode` (`PERCENT` or `AMOUNT`) and `discountValue` of the product row.
    discount: (Option<String>, Option<Decimal>),
}

impl PlatformState {
    fn finish_wix(&mut self) -> Option<CatalogLine> {
        match self.wix_product.take() {
            Some(p) if !p.has_variants => Some(p.line),
            _ => None,
        }
    }
}

/// Reads typed fields out of raw rows and collects warnings.
struct RowReader<'a> {
    table_where: String,
    file: String,
    sheet: Option<String>,
    col_offset: usize,
    header: &'a HeaderMap,
    decimal_comma: bool,
    /// The day a sale must cover to be live.
    as_of: NaiveDate,
    /// Whether the received / created date is read (`--min-age`).
    read_received: bool,
    /// The received column's day/month order, decided by its own values like a sales date
    /// column; slashed dates that read either way wait for it: (row, date text).
    received_order: super::dates::ColumnOrder,
    received_either_way: Vec<(usize, super::dates::DateText)>,
    received_conflict: bool,
    /// Whether lines keep their platform columns (`CatalogLine::export`).
    keep_export: bool,
    /// Whether a generic catalog has a markdown column at all (no per-row lookups without).
    markdown_columns: bool,
    /// Sales that start after the as-of date: (row, start).
    pending: Vec<(usize, NaiveDate)>,
    /// Number fields already warned about for a percent format.
    percent_warned: Vec<String>,
    warnings: Vec<Warning>,
    /// One copy of each category and of each location name for the lines that name it, a set
    /// each (a column of per-line codes in one leaves the other shared).
    categories: SharedNames,
    locations: SharedNames,
    /// Whether the category cell is the line's category as it is (not WooCommerce's list or
    /// Wix's `;`-separated one, which keep a part of it): only those are put in `categories`,
    /// so a catalog's many category lists do not fill the set with texts no line keeps.
    category_as_is: bool,
}

impl RowReader<'_> {
    fn cell<'c>(&self, raw: &'c RawRow, field: &str) -> Option<&'c Cell> {
        self.header.col(field).and_then(|c| raw.cells.get(c))
    }

    fn text(&self, raw: &RawRow, field: &str) -> Option<String> {
        self.cell(raw, field).and_then(Cell::text)
    }

    /// A cell exactly as the export wrote it ("" when blank or absent): what the platform's
    /// import and revert files carry.
    fn verbatim(&self, raw: &RawRow, field: &str) -> String {
        match self.cell(raw, field) {
            Some(Cell::Text(s)) => s.clone(),
            Some(c) => c.text().unwrap_or_default(),
            None => String::new(),
        }
    }

    /// The platform columns of a row, under canonical names (the fields of the header map).
    fn export(&self, raw: &RawRow, fields: &[&str]) -> Option<Box<ExportRow>> {
        if !self.keep_export {
            return None;
        }
        let mut row = ExportRow::default();
        // The source row: import files list lines in export order.
        row.set("row", raw.row.to_string());
        for f in fields {
            if self.header.has(f) {
                row.set(f, self.verbatim(raw, f));
            }
        }
        Some(Box::new(row))
    }

    /// A date of a sale window; an unreadable one is a warning and `Err`.
    fn window_date(
        &mut self,
        raw: &RawRow,
        field: &str,
    ) -> std::result::Result<Option<NaiveDate>, markdown::NotADate> {
        let Some(cell) = self.cell(raw, field) else {
            return Ok(None);
        };
        let parsed = match cell {
            Cell::Empty => Ok(None),
            Cell::Date(serial) => super::dates::from_excel_serial(*serial)
                .map(Some)
                .ok_or(markdown::NotADate),
            other => markdown::window_date(&other.text().unwrap_or_default()),
        };
        let Ok(parsed) = parsed else {
            let shown = cell.text().unwrap_or_default();
            self.warn(
                raw,
                field,
                format!(
                    "\"{}\" is not a date (expected 2026-12-31); the sale is counted as live",
                    shorten(&shown)
                ),
            );
            return Err(markdown::NotADate);
        };
        Ok(parsed)
    }

    /// A sale price and its window (`sale_price`, `sale_from`, `sale_to`) read into the line:
    /// live on the as-of date, the customer pays it today (`live_price`).
    fn sale_fields(&mut self, raw: &RawRow, line: &mut CatalogLine, sale: Option<Decimal>) {
        let Some(regular) = line.price.get().filter(|p| *p > Decimal::ZERO) else {
            return;
        };
        let from = self.window_date(raw, "sale_from");
        let to = self.window_date(raw, "sale_to");
        // A sale price of 0 is a sale (WooCommerce sells the item for nothing): no plan can be
        // below it, and it is almost always a slip; the line is left to a person.
        if sale.is_some_and(|s| s.is_zero())
            && let (Ok(f), Ok(t)) = (&from, &to)
            && markdown::window_holds(*f, *t, self.as_of)
        {
            self.warn(
                raw,
                "sale_price",
                "a sale price of 0 is live: the shop sells the item for nothing today; line skipped (fix or clear the sale price)".into(),
            );
            line.issue = Some(DataIssue::BadData);
            return;
        }
        let md = match (from, to) {
            (Ok(from), Ok(to)) => {
                let as_of = self.as_of;
                let md = markdown::sale_price(regular, sale, from, to, as_of);
                self.either_reading(raw, md, (from, to), |f, t| {
                    markdown::sale_price(regular, sale, f, t, as_of)
                })
            }
            // An unreadable date: counted as live (the safe reading, less room for the plan).
            _ => markdown::sale_price(regular, sale, None, None, self.as_of),
        };
        self.record_markdown(raw, line, md, "sale_price");
    }

    /// A window date that reads both day first and month first (`05/12/2026`), where the two
    /// readings disagree on whether the sale is live: counted as live (the safe reading: less
    /// room for the plan), with a warning. Otherwise `md` as read.
    fn either_reading(
        &mut self,
        raw: &RawRow,
        md: Markdown,
        (from, to): (Option<NaiveDate>, Option<NaiveDate>),
        judge: impl Fn(Option<NaiveDate>, Option<NaiveDate>) -> Markdown,
    ) -> Markdown {
        let alt_from = markdown::other_reading(&self.verbatim(raw, "sale_from"));
        let alt_to = markdown::other_reading(&self.verbatim(raw, "sale_to"));
        if alt_from.is_none() && alt_to.is_none() {
            return md;
        }
        let is_live = |m: Markdown| matches!(m, Markdown::Live(_));
        let froms = [from, alt_from.or(from)];
        let tos = [to, alt_to.or(to)];
        let live_one = froms
            .iter()
            .flat_map(|f| tos.iter().map(move |t| (*f, *t)))
            .map(|(f, t)| judge(f, t))
            .find(|m| is_live(*m));
        match live_one {
            Some(live) if !is_live(md) => {
                let field = if alt_from.is_some() {
                    "sale_from"
                } else {
                    "sale_to"
                };
                let shown = self.verbatim(raw, field);
                self.warn(
                    raw,
                    field,
                    format!(
                        "the sale date \"{}\" reads both day first and month first, and one reading makes the sale live on {}: counted as live; write dates as 2026-12-31",
                        shorten(shown.trim()),
                        self.as_of
                    ),
                );
                live
            }
            _ => md,
        }
    }

    fn record_markdown(&mut self, raw: &RawRow, line: &mut CatalogLine, md: Markdown, field: &str) {
        match md {
            Markdown::Live(p) => line.live_price = p.into(),
            Markdown::Pending(from) => self.pending.push((raw.row, from)),
            Markdown::None | Markdown::Ended(_) => {}
            Markdown::NotBelowRegular(p) => {
                let regular = line.price.get().unwrap_or_default();
                self.warn(
                    raw,
                    field,
                    format!(
                        "sale price {} is not below the regular price {}; not counted as a markdown",
                        p.normalize(),
                        regular.normalize()
                    ),
                )
            }
        }
    }

    /// A compare-at price above the price (Shopify, a generic `compare_at_price`): a live
    /// markdown, the compare-at being the regular price. Whether there was one.
    fn compare_at_fields(&mut self, raw: &RawRow, line: &mut CatalogLine) -> bool {
        let compare = self.sale_number(raw, line, "compare_at_price");
        match line
            .price
            .get()
            .and_then(|p| markdown::compare_at(p, compare).map(|was| (p, was)))
        {
            Some((price, was)) => {
                line.price = was.into();
                line.live_price = price.into();
                true
            }
            None => false,
        }
    }

    /// The sale price field, read as a number; an unreadable one makes the line bad data.
    fn sale_number(
        &mut self,
        raw: &RawRow,
        line: &mut CatalogLine,
        field: &str,
    ) -> Option<Decimal> {
        match self.number(raw, field) {
            Ok(v) => v,
            Err(()) => {
                line.issue = Some(DataIssue::BadData);
                None
            }
        }
    }

    /// One warning for every sale that starts after the as-of date.
    fn pending_warning(&mut self) {
        let Some(&(row, from)) = self.pending.first() else {
            return;
        };
        let n = self.pending.len();
        let column = self
            .header
            .header_of("sale_from")
            .or(self.header.header_of("sale_price"))
            .map(str::to_string);
        self.warnings.push(Warning {
            file: self.file.clone(),
            sheet: self.sheet.clone(),
            row: Some(row),
            column,
            message: format!(
                "{n} line(s) have a sale scheduled to start after {} (first on row {row}, from {from}): not live, so not counted as an existing discount; an import file for the platform replaces the scheduled sale and its revert file puts it back",
                self.as_of
            ),
        });
    }

    fn warn(&mut self, raw: &RawRow, field: &str, message: String) {
        let column = self
            .header
            .col(field)
            .map(|c| {
                let letters = super::table::column_letters(c + self.col_offset);
                match self.header.headers.get(c) {
                    Some(h) if !h.is_empty() => format!("{h} ({letters})"),
                    _ => letters,
                }
            })
            .or_else(|| Some(field.to_string()));
        self.warnings.push(Warning {
            file: self.file.clone(),
            sheet: self.sheet.clone(),
            row: Some(raw.row),
            column,
            message,
        });
    }

    /// A margin column of a workbook whose number formats are not available (XLS, ODS, XLSB):
    /// when its header says `%` and every value is a fraction (at most 1, not all 0), the cells
    /// are most likely formatted as percentages (0.35 shown as 35%): read them as shown, and say
    /// so. XLSX cells carry their format and need no guess.
    fn margin_fractions(&mut self, lines: &mut [CatalogLine]) {
        let Some(name) = self.header.header_of("margin") else {
            return;
        };
        if !name.contains('%') {
            return;
        }
        let mut values = lines.iter().filter_map(|l| l.margin.get());
        let all_fractions = values
            .clone()
            .all(|m| m >= Decimal::ZERO && m <= Decimal::ONE);
        if !all_fractions || !values.any(|m| m > Decimal::ZERO) {
            return;
        }
        let mut first = None;
        let mut n = 0usize;
        for line in lines.iter_mut() {
            if let Some(m) = line.margin.get() {
                line.margin = (m * Decimal::ONE_HUNDRED).into();
                first.get_or_insert(line.row);
                n += 1;
            }
        }
        self.warnings.push(Warning {
            file: self.file.clone(),
            sheet: self.sheet.clone(),
            row: first,
            column: Some(name.to_string()),
            message: format!(
                "the column says % and all {n} margin value(s) are between 0 and 1 (first on row {}): read as percentages shown in Excel (0.35 = 35%); this file type does not keep cell formats, so if a margin really is below 1%, save the file as XLSX",
                first.unwrap_or(0)
            ),
        });
    }

    /// A number field: `Ok(None)` when empty, `Err(())` when unreadable (warning recorded).
    fn number(&mut self, raw: &RawRow, field: &str) -> std::result::Result<Option<Decimal>, ()> {
        let Some(cell) = self.cell(raw, field) else {
            return Ok(None);
        };
        let parsed = match cell {
            Cell::Empty => Ok(None),
            Cell::Text(s) => parse_number(s, self.decimal_comma),
            Cell::Number(f) => decimal_from_f64(*f).map(Some),
            // What the cell shows: a margin formatted as 35% reads 35.
            Cell::Percent(f) if field == "margin" || field == "discount_percent" => {
                super::table::percent_shown(*f)
                    .map(Some)
                    .ok_or(NumError::OutOfRange)
            }
            // A stock figure or a price formatted as % is a formatting slip: the stored number
            // counts (a stock of 10 shown as 1000% is 10), with one warning per column.
            Cell::Percent(f) => {
                if !self.percent_warned.iter().any(|w| w == field) {
                    self.percent_warned.push(field.to_string());
                    self.warn(
                        raw,
                        field,
                        format!(
                            "the {field} column is formatted as a percentage in the workbook; its numbers are read as stored (10 shown as 1000% reads 10), not as shown (first on row {})",
                            raw.row
                        ),
                    );
                }
                decimal_from_f64(*f).map(Some)
            }
            Cell::Bool(_) => Err(NumError::NotANumber),
            Cell::Date(_) => {
                let shown = cell.text().unwrap_or_default();
                self.warn(
                    raw,
                    field,
                    format!("a date ({shown}) where a {field} number was expected; line skipped"),
                );
                return Err(());
            }
            Cell::Error(e) => {
                let e = e.clone();
                self.warn(raw, field, format!("error cell {e} where a {field} number was expected; fix the formula in the source; line skipped"));
                return Err(());
            }
            Cell::Formula(f) => {
                let f = f.clone();
                self.warn(
                    raw,
                    field,
                    format!("formula ={f} has no saved result (the file was written without calculating); open and save it in Excel or LibreOffice; line skipped"),
                );
                return Err(());
            }
        };
        match parsed {
            Ok(v) => Ok(v),
            Err(NumError::NotANumber) => {
                let shown = cell.text().unwrap_or_default();
                self.warn(
                    raw,
                    field,
                    format!("\"{}\" is not a number (expected a {field} such as 12 or 19.99); line skipped", shorten(&shown)),
                );
                Err(())
            }
            Err(NumError::OutOfRange) => {
                let shown = cell.text().unwrap_or_default();
                self.warn(
                    raw,
                    field,
                    format!("{field} \"{}\" is out of range (NaN, infinite or beyond 1e15); line skipped", shorten(&shown)),
                );
                Err(())
            }
        }
    }

    /// The fields every layout shares, read from one row.
    fn common(&mut self, raw: &RawRow, with_quantity: bool) -> CatalogLine {
        let mut line = CatalogLine {
            row: raw.row,
            sku: self.text(raw, "sku").unwrap_or_default().into(),
            name: self.text(raw, "name").map(Into::into),
            category: self.text(raw, "category").map(|c| {
                if self.category_as_is {
                    self.categories.get(&c)
                } else {
                    SharedStr::new(&c)
                }
            }),
            location: self
                .text(raw, "location")
                .filter(|l| l != "0")
                .map(|l| self.locations.get(&l)),
            ..CatalogLine::default()
        };
        line.set_extra(CatalogExtra {
            currency: self.text(raw, "currency"),
            category_id: self.text(raw, "category_id"),
            product_id: self.text(raw, "product_id"),
            vendor: self.text(raw, "vendor"),
            tags: self
                .text(raw, "tags")
                .map(|t| split_tags(&t))
                .unwrap_or_default(),
            aliases: Vec::new(),
        });
        // Every unreadable number is reported (not only the first); any one makes the line bad.
        let fields: [(&str, &mut OptDecimal); 6] = [
            ("quantity", &mut line.quantity),
            ("price", &mut line.price),
            ("cost", &mut line.cost),
            ("margin", &mut line.margin),
            ("min_price", &mut line.min_price),
            ("orders", &mut line.sold),
        ];
        let mut bad = false;
        for (field, slot) in fields {
            if field == "quantity" && !with_quantity {
                continue;
            }
            match self.number(raw, field) {
                Ok(v) => *slot = v.into(),
                Err(()) => bad = true,
            }
        }
        if bad {
            line.issue = Some(DataIssue::BadData);
        }
        line.received = self.received_date(raw);
        self.check_values(raw, &mut line);
        line
    }

    /// The received / created date (`--min-age`), read like a column of sale dates: year-first
    /// and dotted or dashed day-first dates on their own; a slashed date with two readings
    /// (`05/12/2026`) waits for the column's order (its other values, else `--date-order`),
    /// settled in [`RowReader::settle_received`]. An unreadable date is a warning and no date.
    fn received_date(&mut self, raw: &RawRow) -> Option<NaiveDate> {
        use super::dates::{DateOrder, DateText, read_date};
        if !self.read_received {
            return None;
        }
        let cell = self.cell(raw, "received")?;
        let parsed = match cell {
            Cell::Empty => return None,
            Cell::Date(serial) => super::dates::from_excel_serial(*serial),
            other => {
                let text = other.text().unwrap_or_default();
                let value = read_date(&text);
                if self.received_order.observe(value, raw.row, &text).is_err() {
                    self.received_conflict = true;
                }
                match value {
                    DateText::Slashed { .. } if value.evidence().is_none() => {
                        self.received_either_way.push((raw.row, value));
                        // For now the later reading; settled once the column is read.
                        [DateOrder::Dmy, DateOrder::Mdy]
                            .iter()
                            .filter_map(|o| value.date(*o))
                            .max()
                    }
                    DateText::Slashed { .. } => value.evidence().and_then(|o| value.date(o)),
                    other => other.date(DateOrder::Dmy),
                }
            }
        };
        if parsed.is_none() {
            let shown = cell.text().unwrap_or_default();
            self.warn(
                raw,
                "received",
                format!(
                    "\"{}\" is not a date (expected 2026-12-31); the line's age is unknown",
                    shorten(&shown)
                ),
            );
        }
        parsed
    }

    /// The received dates that read either way, once the whole column is read: in the order
    /// the column's other values decide, else `--date-order`, else the later reading (the guard
    /// then errs on the side of not discounting) with one warning for the column.
    fn settle_received(
        &mut self,
        lines: &mut [CatalogLine],
        date_order: Option<super::dates::DateOrder>,
    ) {
        if self.received_either_way.is_empty() {
            return;
        }
        let order = if self.received_conflict {
            None
        } else {
            self.received_order.decided().or(date_order)
        };
        let either: HashMap<usize, super::dates::DateText> =
            self.received_either_way.iter().copied().collect();
        if let Some(order) = order {
            for line in lines.iter_mut() {
                if let Some(value) = either.get(&line.row) {
                    line.received = value.date(order).or(line.received);
                }
            }
            return;
        }
        let (row, _) = self.received_either_way[0];
        let why = if self.received_conflict {
            "the column has dates written both day first and month first"
        } else {
            "nothing in the column decides whether they are day or month first"
        };
        self.warnings.push(Warning {
            file: self.file.clone(),
            sheet: self.sheet.clone(),
            row: Some(row),
            column: self.header.header_of("received").map(str::to_string),
            message: format!(
                "{} received date(s) read either way ({why}); the later reading is taken, so --min-age errs on the side of not discounting: pass --date-order dmy or mdy",
                self.received_either_way.len()
            ),
        });
    }

    /// Plausibility warnings on readable values.
    fn check_values(&mut self, raw: &RawRow, line: &mut CatalogLine) {
        if line.issue.is_some() {
            return;
        }
        if let Some(q) = line.quantity.get()
            && q < Decimal::ZERO
        {
            self.warn(
                raw,
                "quantity",
                format!("negative stock {}; line skipped", q.normalize()),
            );
        }
        if let Some(c) = line.cost.get().filter(|c| *c < Decimal::ZERO) {
            self.warn(
                raw,
                "cost",
                format!(
                    "negative cost {}; treated as unknown (no cost data)",
                    c.normalize()
                ),
            );
            line.cost = OptDecimal::NONE;
        }
        if let Some(m) = line.min_price.get().filter(|m| *m < Decimal::ZERO) {
            self.warn(
                raw,
                "min_price",
                format!(
                    "negative minimum advertised price {}; treated as no minimum",
                    m.normalize()
                ),
            );
            line.min_price = OptDecimal::NONE;
        }
        if let (Some(c), Some(p)) = (line.cost.get(), line.price.get())
            && c > p
            && p > Decimal::ZERO
        {
            self.warn(
                raw,
                "cost",
                format!(
                    "cost {} is above the price {}; the line is already below the margin floor",
                    c.normalize(),
                    p.normalize()
                ),
            );
        }
        if let Some(m) = line.margin.get()
            && m >= Decimal::ONE_HUNDRED
        {
            self.warn(
                raw,
                "margin",
                format!(
                    "margin {}% is 100% or more; expected a percentage below 100",
                    m.normalize()
                ),
            );
            line.margin = OptDecimal::NONE;
            line.issue = Some(DataIssue::BadData);
        }
    }

    fn generic(&mut self, raw: &RawRow) -> Option<CatalogLine> {
        let mut line = self.keyed_line(raw);
        if self.markdown_columns && line.issue != Some(DataIssue::BadData) {
            // Optional markdown columns: a compare-at ("was") price above the price, or a sale
            // price (with its dates) below it.
            if !self.compare_at_fields(raw, &mut line) {
                let sale = self.sale_number(raw, &mut line, "sale_price");
                self.sale_fields(raw, &mut line, sale);
            }
        }
        Some(line)
    }

    /// A line keyed by its sku column (generic and Magento rows).
    fn keyed_line(&mut self, raw: &RawRow) -> CatalogLine {
        let mut line = self.common(raw, true);
        self.key_and_track(raw, &mut line, None);
        line
    }

    /// A line without a sku is keyed by the platform's id (`id:<id>`) when it has one, else
    /// skipped as bad data with a warning; a line without a stock figure is untracked (an
    /// empty stock cell: the platform does not manage stock for it).
    fn key_and_track(&mut self, raw: &RawRow, line: &mut CatalogLine, id: Option<String>) {
        if line.sku.is_empty() {
            match id {
                Some(i) => line.sku = format!("id:{i}").into(),
                None => {
                    self.warn(
                        raw,
                        "sku",
                        "the row has data but no sku; line skipped (give it a sku)".into(),
                    );
                    line.issue = Some(DataIssue::BadData);
                    line.sku = format!("(row {})", raw.row).into();
                }
            }
        }
        if line.quantity.is_none() && line.issue.is_none() {
            line.issue = Some(DataIssue::Untracked);
        }
    }

    fn shopify(&mut self, raw: &RawRow, st: &mut PlatformState) -> Option<CatalogLine> {
        let handle = self.text(raw, "handle").unwrap_or_default();
        if !st.shopify_products.contains_key(&handle) {
            let mut export = ExportRow::default();
            for f in ["name", "option1_name", "option2_name", "option3_name"] {
                if self.header.has(f) {
                    export.set(f, self.verbatim(raw, f));
                }
            }
            let product = ShopifyProduct {
                title: self.text(raw, "name"),
                vendor: self.text(raw, "vendor"),
                tags: self
                    .text(raw, "tags")
                    .map(|t| split_tags(&t))
                    .unwrap_or_default(),
                category: self
                    .text(raw, "category")
                    .or_else(|| self.text(raw, "product_type"))
                    .map(|c| self.categories.get(&c)),
                inactive: match self
                    .text(raw, "status")
                    .map(|s| s.to_lowercase())
                    .as_deref()
                {
                    Some("archived") => Some(Inactive::Archived),
                    Some("draft") => Some(Inactive::Draft),
                    _ => None,
                },
                export,
            };
            st.shopify_products.insert(handle.clone(), product);
        }
        let product = st.shopify_products.get(&handle)?;
        let options: Vec<String> = ["option1", "option2", "option3"]
            .iter()
            .filter_map(|f| self.text(raw, f))
            .filter(|v| v != "Default Title")
            .collect();
        let sku = self.text(raw, "sku");
        let has_price = self.cell(raw, "price").is_some_and(|c| !c.is_empty());
        let has_option1 = self.cell(raw, "option1").is_some_and(|c| !c.is_empty());
        if sku.is_none() && !has_price && !has_option1 {
            return None; // an image-only row
        }
        let mut line = self.common(raw, true);
        line.name = match (&product.title, options.is_empty()) {
            (Some(t), true) => Some(t.as_str().into()),
            (Some(t), false) => Some(format!("{t} - {}", options.join(" / ")).into()),
            (None, _) => line.name,
        };
        line.category = product.category.clone();
        let extra = line.extra_mut();
        extra.vendor = product.vendor.clone();
        extra.tags = product.tags.clone();
        if let Some(name) = line.name.clone() {
            line.extra_mut().aliases.push(name.into());
        }
        if line.sku.is_empty() {
            let mut key = handle.clone();
            for o in &options {
                key.push('/');
                key.push_str(o);
            }
            line.sku = key.into();
        }
        let tracked = self.text(raw, "tracker").is_some();
        if self.header.has("tracker") && !tracked && line.issue.is_none() {
            line.issue = Some(DataIssue::Untracked);
        }
        if line.quantity.is_none() && line.issue.is_none() {
            line.issue = Some(DataIssue::Untracked);
        }
        if let Some(status) = product.inactive {
            // Not on sale: left out whatever else the row says (stock, tracking).
            line.issue = Some(DataIssue::Inactive(status));
        }
        let product_export = product.export.clone();
        self.compare_at_fields(raw, &mut line);
        line.export = self
            .export(
                raw,
                &[
                    "handle",
                    "option1",
                    "option2",
                    "option3",
                    "sku",
                    "price",
                    "compare_at_price",
                ],
            )
            .map(|mut row| {
                for (k, v) in product_export.0 {
                    row.set(&k, v);
                }
                row
            });
        Some(line)
    }

    fn wix(&mut self, raw: &RawRow, st: &mut PlatformState) -> Vec<CatalogLine> {
        let handle = self.text(raw, "handle_id").unwrap_or_default();
        let kind = self
            .text(raw, "field_type")
            .unwrap_or_default()
            .to_ascii_lowercase();
        let untracked_word = self
            .text(raw, "quantity")
            .is_some_and(|q| matches!(q.to_ascii_lowercase().as_str(), "instock" | "outofstock"));
        let mut line = if untracked_word {
            // `InStock`/`OutOfStock`: not a number, and not an error either.
            let mut l = self.common(raw, false);
            if l.issue.is_none() {
                l.issue = Some(DataIssue::Untracked);
            }
            l
        } else {
            self.common(raw, true)
        };
        if line.quantity.is_none() && line.issue.is_none() {
            line.issue = Some(DataIssue::Untracked);
        }
        let mut out = Vec::new();
        if kind == "variant" {
            if let Some(product) = st.wix_product.as_mut().filter(|p| p.handle == handle) {
                product.has_variants = true;
                let options: Vec<String> = ["wix_option1", "wix_option2", "wix_option3"]
                    .iter()
                    .filter_map(|f| self.text(raw, f))
                    .collect();
                let base = &product.line;
                let surcharge = match self.number(raw, "surcharge") {
                    Ok(s) => s.unwrap_or_default(),
                    Err(()) => {
                        line.issue = Some(DataIssue::BadData);
                        Decimal::ZERO
                    }
                };
                line.price = line
                    .price
                    .get()
                    .or(base.price.get())
                    .map(|p| p + surcharge)
                    .into();
                line.cost = line.cost.get().or(base.cost.get()).into();
                let (mode, value) = product.discount.clone();
                line.name = match &base.name {
                    Some(n) if !options.is_empty() => {
                        Some(format!("{} - {}", n.trim(), options.join(" / ")).into())
                    }
                    Some(n) => Some(n.trim().into()),
                    None => line.name,
                };
                line.category = base.category.clone();
                line.extra_mut().product_id = base.extra().product_id.clone();
                if line.sku.is_empty() {
                    line.sku = std::iter::once(handle.clone())
                        .chain(options)
                        .collect::<Vec<_>>()
                        .join("/")
                        .into();
                }
                if let Some(n) = line.name.clone() {
                    line.extra_mut().aliases.push(n.into());
                }
                self.wix_discount(raw, &mut line, mode.as_deref(), value);
                out.push(line);
            } else {
                self.warn(
                    raw,
                    "sku",
                    format!(
                        "a Variant row whose product ({handle}) was not seen above it; line skipped"
                    ),
                );
                line.issue = Some(DataIssue::BadData);
                if line.sku.is_empty() {
                    line.sku = format!("(row {})", raw.row).into();
                }
                out.push(line);
            }
            return out;
        }
        // A Product row: emit the previous product if it had no variants.
        out.extend(st.finish_wix());
        line.name = line.name.map(|n| n.trim().into());
        line.category = line
            .category
            .as_deref()
            .and_then(|c| c.split(';').map(str::trim).find(|c| !c.is_empty()))
            .map(|c| self.categories.get(c));
        if line.extra().product_id.is_none() {
            line.extra_mut().product_id = handle
                .strip_prefix("product_")
                .filter(|id| {
                    id.len() == 36 && id.chars().all(|c| c.is_ascii_hexdigit() || c == '-')
                })
                .map(str::to_string);
        }
        if line.sku.is_empty() {
            line.sku = handle.as_str().into();
        }
        if let Some(n) = line.name.clone() {
            line.extra_mut().aliases.push(n.into());
        }
        let mode = self.text(raw, "discount_mode");
        let value = self.sale_number(raw, &mut line, "discount_value");
        self.wix_discount(raw, &mut line, mode.as_deref(), value);
        st.wix_product = Some(WixProduct {
            handle,
            line,
            has_variants: false,
            discount: (mode, value),
        });
        out
    }

    /// Wix `discountMode` / `discountValue` of the product: the price a variant (or the product
    /// itself) sells at today.
    fn wix_discount(
        &mut self,
        raw: &RawRow,
        line: &mut CatalogLine,
        mode: Option<&str>,
        value: Option<Decimal>,
    ) {
        let Some(price) = line.price.get().filter(|p| *p > Decimal::ZERO) else {
            return;
        };
        let paid = match mode.map(str::to_ascii_uppercase).as_deref() {
            Some("PERCENT") => markdown::discounted(price, None, value),
            Some("AMOUNT") => markdown::discounted(price, value, None),
            _ => None,
        };
        if let Some(p) = paid {
            self.record_markdown(raw, line, Markdown::Live(p), "discount_value");
        }
    }

    fn woo(&mut self, raw: &RawRow, st: &mut PlatformState) -> Option<CatalogLine> {
        let kind = self
            .text(raw, "product_type")
            .unwrap_or_default()
            .to_ascii_lowercase();
        let sku = self.text(raw, "sku");
        let id = self.text(raw, "row_id");
        let category = self.text(raw, "category").map(|c| first_category(&c));
        let tags = self
            .text(raw, "tags")
            .map(|t| split_tags(&t))
            .unwrap_or_default();
        if !tags.is_empty() {
            for key in [sku.clone(), id.as_ref().map(|i| format!("id:{i}"))]
                .into_iter()
                .flatten()
            {
                st.woo_parent_tags.insert(key, tags.clone());
            }
        }
        if kind.contains("variable") || kind.contains("grouped") {
            // Containers: no price, no stock of their own.
            if let Some(s) = &sku {
                st.woo_parents.insert(s.clone(), category.clone());
            }
            if let Some(i) = &id {
                st.woo_parents.insert(format!("id:{i}"), category);
            }
            return None;
        }
        let mut line = self.common(raw, true);
        line.category = category.as_deref().map(|c| self.categories.get(c));
        if kind.contains("variation") {
            if let Some(parent) = self.text(raw, "parent")
                && line.category.is_none()
            {
                line.category = st
                    .woo_parents
                    .get(&parent)
                    .cloned()
                    .flatten()
                    .map(|c| self.categories.get(&c));
            }
            if let Some(parent) = self.text(raw, "parent")
                && line.extra().tags.is_empty()
                && let Some(tags) = st.woo_parent_tags.get(&parent)
            {
                line.extra_mut().tags = tags.clone();
            }
        } else {
            if let Some(s) = &sku {
                st.woo_parents.insert(s.clone(), category.clone());
            }
            if let Some(i) = &id {
                st.woo_parents.insert(format!("id:{i}"), category);
            }
        }
        // `Stock` is empty unless WooCommerce manages stock for the product.
        self.key_and_track(raw, &mut line, id.clone());
        if let Some(n) = line.name.clone() {
            line.extra_mut().aliases.push(n.into());
        }
        let sale = self.sale_number(raw, &mut line, "sale_price");
        self.sale_fields(raw, &mut line, sale);
        line.export = self.export(
            raw,
            &[
                "row_id",
                "sku",
                "product_type",
                "parent",
                "price",
                "sale_price",
                "sale_from",
                "sale_to",
            ],
        );
        Some(line)
    }

    fn magento(&mut self, raw: &RawRow, st: &mut PlatformState) -> Option<CatalogLine> {
        if self.text(raw, "store_view_code").is_some() {
            // An override of the default row for one store view: not a line of its own.
            if st.store_view_rows == 0 {
                st.first_store_view_row = raw.row;
            }
            st.store_view_rows += 1;
            return None;
        }
        let mut line = self.keyed_line(raw);
        let sale = self.sale_number(raw, &mut line, "sale_price");
        self.sale_fields(raw, &mut line, sale);
        line.export = self.export(
            raw,
            &[
                "sku",
                "store_view_code",
                "websites",
                "price",
                "sale_price",
                "sale_from",
                "sale_to",
            ],
        );
        Some(line)
    }

    fn prestashop(&mut self, raw: &RawRow) -> Option<CatalogLine> {
        let mut line = self.common(raw, true);
        // PrestaShop's own key is the product id when the reference is blank.
        let id = line.extra().product_id.clone();
        self.key_and_track(raw, &mut line, id);
        let amount = self.sale_number(raw, &mut line, "discount_amount");
        let percent = self.sale_number(raw, &mut line, "discount_percent");
        if let Some(regular) = line.price.get().filter(|p| *p > Decimal::ZERO) {
            let sale = markdown::discounted(regular, amount, percent);
            self.sale_fields(raw, &mut line, sale);
        }
        line.export = self.export(
            raw,
            &[
                "product_id",
                "sku",
                "price",
                "discount_amount",
                "discount_percent",
                "sale_from",
                "sale_to",
            ],
        );
        Some(line)
    }
}

/// `Clothing > Hoodies, Decor` → `Clothing > Hoodies`.
fn first_category(c: &str) -> String {
    c.split(',')
        .map(str::trim)
        .find(|s| !s.is_empty())
        .unwrap_or(c)
        .to_string()
}

fn shorten(s: &str) -> String {
    if s.chars().count() > 40 {
        let head: String = s.chars().take(40).collect();
        format!("{head}…")
    } else {
        s.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(row: usize, sku: &str, location: Option<&str>) -> CatalogLine {
        CatalogLine {
            row,
            sku: sku.into(),
            location: location.map(Into::into),
            ..CatalogLine::default()
        }
    }

    #[test]
    fn the_first_repeated_sku_and_location_is_named_with_both_rows() {
        let header = HeaderMap::for_tests(1, &["sku", "location"], CATALOG_FIELDS);
        let lines = [
            line(2, "A", Some("L1")),
            line(3, "A", Some("L2")),
            line(4, "", None),
            line(5, "", None),
            line(6, "B", None),
            line(7, "A", Some("L2")),
            line(8, "B", None),
            line(9, "A", Some("L2")),
        ];
        let err = check_duplicates(&lines, "f.csv", &header)
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("f.csv: sku \"A\" at location \"L2\" appears on rows 3 and 7;"),
            "{err}"
        );
        // The same sku at another location, and blank skus, are not repeats.
        assert!(check_duplicates(&lines[..5], "f.csv", &header).is_ok());
        let many: Vec<CatalogLine> = (0..50_000)
            .map(|i| {
                line(
                    i + 2,
                    &format!("S{}", i % 25_000),
                    Some(&format!("L{}", i / 25_000)),
                )
            })
            .chain([line(50_002, "S24999", Some("L0"))])
            .collect();
        let err = check_duplicates(&many, "f.csv", &header)
            .unwrap_err()
            .to_string();
        assert!(err.contains("appears on rows 25001 and 50002;"), "{err}");
    }

    #[test]
    fn lines_naming_the_same_category_or_location_hold_one_copy_of_it() {
        let catalog = read_catalog(
            Path::new("fixtures/multi_location.csv"),
            &ReadOptions::default(),
            &[],
        )
        .expect("the fixture reads");
        for names in [
            catalog
                .lines
                .iter()
                .filter_map(|l| l.category.as_ref())
                .collect::<Vec<_>>(),
            catalog
                .lines
                .iter()
                .filter_map(|l| l.location.as_ref())
                .collect(),
        ] {
            assert!(names.len() >= 4, "{names:?}");
            for a in &names {
                for b in &names {
                    assert_eq!(a.same_copy(b), a == b, "{a} and {b}");
                }
            }
        }
    }

    /// A catalog of 70,000 lines written from `header` and `row(i, first)`, `first` "Early"
    /// for the first 68,000 lines and "Late" after, past the 65,536 names a set keeps; checks
    /// that the "Late" lines' category is "Late", one copy for them all.
    fn late_category_one_copy(header: &str, row: impl Fn(usize, &str) -> String) -> Catalog {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("catalog.csv");
        let mut text = format!("{header}\n");
        for i in 0..70_000 {
            let first = if i < 68_000 { "Early" } else { "Late" };
            text.push_str(&row(i, first));
            text.push('\n');
        }
        std::fs::write(&path, text).expect("write");
        let catalog = read_catalog(&path, &ReadOptions::default(), &[]).expect("reads");
        let late: Vec<_> = catalog.lines[68_000..]
            .iter()
            .map(|l| l.category.clone().expect("a category"))
            .collect();
        assert_eq!(late.len(), 2_000);
        assert!(late.iter().all(|c| &**c == "Late" && c.same_copy(&late[0])));
        catalog
    }

    #[test]
    fn a_location_of_its_own_on_every_line_leaves_the_categories_shared() {
        // Bins read as the location fill the locations' set: the categories keep their own.
        let catalog = late_category_one_copy(
            "sku,name,category,location,quantity,price,cost",
            |i, category| format!("S{i},N,{category},bin {i},1,10,5"),
        );
        let last = catalog.lines.last().expect("lines");
        assert_eq!(last.location.as_deref(), Some("bin 69999"));
    }

    #[test]
    fn platform_exports_share_one_copy_of_each_category() {
        // Shopify (category or product type), Wix (the first of its `;` list, variants from
        // their product), WooCommerce (the first of its list, variations from their parent).
        for (file, layout) in [
            ("fixtures/shopify/products_export.csv", Layout::Shopify),
            ("fixtures/wix/catalog_products.csv", Layout::Wix),
            (
                "fixtures/woocommerce/products_export.csv",
                Layout::WooCommerce,
            ),
        ] {
            let catalog = read_catalog(Path::new(file), &ReadOptions::default(), &[])
                .unwrap_or_else(|e| panic!("{file}: {e}"));
            assert_eq!(catalog.layout, layout, "{file}");
            let categories: Vec<&SharedStr> = catalog
                .lines
                .iter()
                .filter_map(|l| l.category.as_ref())
                .collect();
            let repeated = categories
                .iter()
                .enumerate()
                .filter(|(i, a)| categories[..*i].iter().any(|b| b == *a))
                .count();
            assert!(
                repeated > 0,
                "{file}: no category named twice: {categories:?}"
            );
            for a in &categories {
                assert!(!a.contains(';'), "{file}: a list kept: {a}");
                for b in &categories {
                    assert_eq!(a.same_copy(b), a == b, "{file}: {a} and {b}");
                }
            }
        }
    }

    #[test]
    fn woocommerce_category_lists_leave_their_first_categories_shared() {
        // Every product in its own list of categories ("Early, u17"): the lines keep the first
        // one, and only those go into the set.
        let catalog = late_category_one_copy(
            "ID,Type,SKU,Parent,Name,Stock,\"Regular price\",Categories",
            |i, first| format!("{i},simple,S{i},,N,1,10,\"{first}, u{i}\""),
        );
        assert_eq!(catalog.layout, Layout::WooCommerce);
    }
}
