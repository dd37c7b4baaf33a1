//! The catalog reader: a table and its header map turned into catalog lines, with the platform
//! quirks of SPEC section 2 (Shopify variants and image rows, Wix product/variant rows,
//! WooCommerce containers and variations) and every data problem kept as a warning.

use super::mapping::{CATALOG_FIELDS, HeaderMap, locate_header};
use super::number::{NumError, decimal_from_f64, parse_number};
use super::table::{Cell, RawRow, ReadOptions, Table, check_ragged, pipelined_rows};
use crate::error::{Error, Result};
use crate::model::{CatalogLine, DataIssue, Warning};
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
}

impl Layout {
    pub fn as_str(self) -> &'static str {
        match self {
            Layout::Generic => "generic",
            Layout::Shopify => "Shopify product export",
            Layout::Wix => "Wix product export",
            Layout::WooCommerce => "WooCommerce product export",
        }
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
}

pub fn detect_layout(header: &HeaderMap) -> Layout {
    if header.has("handle") && (header.has("option1") || header.has("tracker")) {
        Layout::Shopify
    } else if header.has("handle_id") && header.has("field_type") {
        Layout::Wix
    } else if header.has("parent") && header.has("product_type") {
        Layout::WooCommerce
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
        warnings: Vec::new(),
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
    check_duplicates(&lines, &reader.table_where)?;
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
    if !lines.is_empty() && untracked == lines.len() {
        warnings.push(Warning {
            file: table.display.clone(),
            sheet: table.sheet.clone(),
            row: None,
            column: header.header_of("quantity").map(str::to_string),
            message: "no line has tracked stock, so no velocity can be measured: enable inventory tracking, or list the skus with --sku".into(),
        });
    }
    Ok(Catalog {
        has_orders: header.has("orders"),
        lines,
        warnings,
        sheet: table.sheet.clone(),
        header,
        layout,
        rows,
    })
}

fn check_duplicates(lines: &[CatalogLine], place: &str) -> Result<()> {
    let mut seen: HashMap<(&str, Option<&str>), usize, foldhash::fast::RandomState> =
        HashMap::with_capacity_and_hasher(lines.len(), Default::default());
    for l in lines {
        if l.sku.is_empty() {
            continue;
        }
        if let Some(first) = seen.insert((l.sku.as_str(), l.location.as_deref()), l.row) {
            let loc = l
                .location
                .as_deref()
                .map(|x| format!(" at location \"{x}\""))
                .unwrap_or_default();
            return Err(Error::Data(format!(
                "{place}: sku \"{}\"{loc} appears on rows {first} and {}; each sku (and location) must appear once. Remove or merge one of the rows",
                l.sku, l.row
            )));
        }
    }
    Ok(())
}

/// Carry-over state of the platform layouts.
#[derive(Default)]
struct PlatformState {
    // Shopify: product fields written only on a product's first row.
    handle: String,
    title: Option<String>,
    category: Option<String>,
    // Wix: the current product row, emitted at the end when it had no variants.
    wix_product: Option<WixProduct>,
    // WooCommerce: parent category by sku and by `id:N`.
    woo_parents: HashMap<String, Option<String>>,
}

struct WixProduct {
    handle: String,
    line: CatalogLine,
    has_variants: bool,
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
    warnings: Vec<Warning>,
}

impl RowReader<'_> {
    fn cell<'c>(&self, raw: &'c RawRow, field: &str) -> Option<&'c Cell> {
        self.header.col(field).and_then(|c| raw.cells.get(c))
    }

    fn text(&self, raw: &RawRow, field: &str) -> Option<String> {
        self.cell(raw, field).and_then(Cell::text)
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

    /// A number field: `Ok(None)` when empty, `Err(())` when unreadable (warning recorded).
    fn number(&mut self, raw: &RawRow, field: &str) -> std::result::Result<Option<Decimal>, ()> {
        let Some(cell) = self.cell(raw, field) else {
            return Ok(None);
        };
        let parsed = match cell {
            Cell::Empty => Ok(None),
            Cell::Text(s) => parse_number(s, self.decimal_comma),
            Cell::Number(f) => decimal_from_f64(*f).map(Some),
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
            sku: self.text(raw, "sku").unwrap_or_default(),
            name: self.text(raw, "name"),
            category: self.text(raw, "category"),
            location: self.text(raw, "location").filter(|l| l != "0"),
            currency: self.text(raw, "currency"),
            category_id: self.text(raw, "category_id"),
            product_id: self.text(raw, "product_id"),
            ..CatalogLine::default()
        };
        // Every unreadable number is reported (not only the first); any one makes the line bad.
        let fields: [(&str, &mut Option<Decimal>); 5] = [
            ("quantity", &mut line.quantity),
            ("price", &mut line.price),
            ("cost", &mut line.cost),
            ("margin", &mut line.margin),
            ("orders", &mut line.sold),
        ];
        let mut bad = false;
        for (field, slot) in fields {
            if field == "quantity" && !with_quantity {
                continue;
            }
            match self.number(raw, field) {
                Ok(v) => *slot = v,
                Err(()) => bad = true,
            }
        }
        if bad {
            line.issue = Some(DataIssue::BadData);
        }
        self.check_values(raw, &mut line);
        line
    }

    /// Plausibility warnings on readable values.
    fn check_values(&mut self, raw: &RawRow, line: &mut CatalogLine) {
        if line.issue.is_some() {
            return;
        }
        if let Some(q) = line.quantity
            && q < Decimal::ZERO
        {
            self.warn(
                raw,
                "quantity",
                format!("negative stock {}; line skipped", q.normalize()),
            );
        }
        if let Some(c) = line.cost.filter(|c| *c < Decimal::ZERO) {
            self.warn(
                raw,
                "cost",
                format!(
                    "negative cost {}; treated as unknown (no cost data)",
                    c.normalize()
                ),
            );
            line.cost = None;
        }
        if let (Some(c), Some(p)) = (line.cost, line.price)
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
        if let Some(m) = line.margin
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
            line.margin = None;
            line.issue = Some(DataIssue::BadData);
        }
    }

    fn generic(&mut self, raw: &RawRow) -> Option<CatalogLine> {
        let mut line = self.common(raw, true);
        if line.sku.is_empty() {
            self.warn(
                raw,
                "sku",
                "the row has data but no sku; line skipped (give it a sku)".into(),
            );
            line.issue = Some(DataIssue::BadData);
            line.sku = format!("(row {})", raw.row);
        }
        if line.quantity.is_none() && line.issue.is_none() {
            line.issue = Some(DataIssue::Untracked);
        }
        Some(line)
    }

    fn shopify(&mut self, raw: &RawRow, st: &mut PlatformState) -> Option<CatalogLine> {
        let handle = self.text(raw, "handle").unwrap_or_default();
        if handle != st.handle {
            st.handle = handle.clone();
            st.title = self.text(raw, "name");
            st.category = self
                .text(raw, "category")
                .or_else(|| self.text(raw, "product_type"));
        }
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
        line.name = match (&st.title, options.is_empty()) {
            (Some(t), true) => Some(t.clone()),
            (Some(t), false) => Some(format!("{t} - {}", options.join(" / "))),
            (None, _) => line.name,
        };
        line.category = st.category.clone();
        if let Some(name) = &line.name {
            line.aliases.push(name.clone());
        }
        if line.sku.is_empty() {
            let mut key = handle.clone();
            for o in &options {
                key.push('/');
                key.push_str(o);
            }
            line.sku = key;
        }
        let tracked = self.text(raw, "tracker").is_some();
        if self.header.has("tracker") && !tracked && line.issue.is_none() {
            line.issue = Some(DataIssue::Untracked);
        }
        if line.quantity.is_none() && line.issue.is_none() {
            line.issue = Some(DataIssue::Untracked);
        }
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
                line.price = line.price.or(base.price).map(|p| p + surcharge);
                line.cost = line.cost.or(base.cost);
                line.name = match &base.name {
                    Some(n) if !options.is_empty() => {
                        Some(format!("{} - {}", n.trim(), options.join(" / ")))
                    }
                    Some(n) => Some(n.trim().to_string()),
                    None => line.name,
                };
                line.category = base.category.clone();
                line.product_id = base.product_id.clone();
                if line.sku.is_empty() {
                    line.sku = std::iter::once(handle.clone())
                        .chain(options)
                        .collect::<Vec<_>>()
                        .join("/");
                }
                if let Some(n) = &line.name {
                    line.aliases.push(n.clone());
                }
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
                    line.sku = format!("(row {})", raw.row);
                }
                out.push(line);
            }
            return out;
        }
        // A Product row: emit the previous product if it had no variants.
        out.extend(st.finish_wix());
        line.name = line.name.map(|n| n.trim().to_string());
        line.category = line
            .category
            .as_deref()
            .and_then(|c| c.split(';').map(str::trim).find(|c| !c.is_empty()))
            .map(str::to_string);
        if line.product_id.is_none() {
            line.product_id = handle
                .strip_prefix("product_")
                .filter(|id| {
                    id.len() == 36 && id.chars().all(|c| c.is_ascii_hexdigit() || c == '-')
                })
                .map(str::to_string);
        }
        if line.sku.is_empty() {
            line.sku = handle.clone();
        }
        if let Some(n) = &line.name {
            line.aliases.push(n.clone());
        }
        st.wix_product = Some(WixProduct {
            handle,
            line,
            has_variants: false,
        });
        out
    }

    fn woo(&mut self, raw: &RawRow, st: &mut PlatformState) -> Option<CatalogLine> {
        let kind = self
            .text(raw, "product_type")
            .unwrap_or_default()
            .to_ascii_lowercase();
        let sku = self.text(raw, "sku");
        let id = self.text(raw, "row_id");
        let category = self.text(raw, "category").map(|c| first_category(&c));
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
        line.category = category.clone();
        if kind.contains("variation") {
            if let Some(parent) = self.text(raw, "parent")
                && line.category.is_none()
            {
                line.category = st.woo_parents.get(&parent).cloned().flatten();
            }
        } else {
            if let Some(s) = &sku {
                st.woo_parents.insert(s.clone(), category.clone());
            }
            if let Some(i) = &id {
                st.woo_parents.insert(format!("id:{i}"), category);
            }
        }
        if line.sku.is_empty() {
            match &id {
                Some(i) => line.sku = format!("id:{i}"),
                None => {
                    self.warn(
                        raw,
                        "sku",
                        "the row has data but no sku; line skipped (give it a sku)".into(),
                    );
                    line.issue = Some(DataIssue::BadData);
                    line.sku = format!("(row {})", raw.row);
                }
            }
        }
        if line.quantity.is_none() && line.issue.is_none() {
            // `Stock` is empty unless WooCommerce manages stock for the product.
            line.issue = Some(DataIssue::Untracked);
        }
        if let Some(n) = &line.name {
            line.aliases.push(n.clone());
        }
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
