//! Which column holds which field: header names matched case-insensitively, ignoring spaces,
//! `_`, `-`, punctuation, accents and parenthesised notes (`Weight (kg)`), against the names real
//! exports use; `--map FIELD=COLUMN` overrides. Also finds the header row below any title rows.

use super::hints;
use super::table::{Cell, Table};
use crate::error::{Error, Result};
use std::collections::{HashMap, HashSet};

/// A field and the header names that mean it, most specific first.
pub struct FieldSpec {
    pub field: &'static str,
    pub names: &'static [&'static str],
}

macro_rules! fields {
    ($($field:literal => [$($name:literal),* $(,)?]),* $(,)?) => {
        &[$(FieldSpec { field: $field, names: &[$($name),*] }),*]
    };
}

/// Catalog fields (SPEC section 2) and the platform columns the readers use.
pub const CATALOG_FIELDS: &[FieldSpec] = fields![
    "sku" => ["sku", "variantsku", "reference", "ref", "itemcode", "itemnumber", "itemno",
              "articlenumber", "articleno", "artikelnummer", "productcode", "stockcode",
              "partnumber", "partno", "referencia", "codigo", "code"],
    "name" => ["name", "title", "productname", "itemname", "nome", "bezeichnung", "designation",
               "nombre", "productdescription"],
    "category" => ["category", "productcategory", "categories", "collection", "collections",
                   "categoria", "categorias", "kategorie", "productgroup", "department", "group"],
    "quantity" => ["quantity", "qty", "onhand", "stock", "inventory", "variantinventoryqty",
                   "stockquantity", "stocklevel", "quantityonhand", "qtyonhand", "stockonhand",
                   "soh", "unitsonhand", "inventoryquantity", "available", "estoque", "bestand",
                   "lagerbestand", "existencias", "cantidad"],
    "price" => ["price", "variantprice", "regularprice", "sellingprice", "retailprice",
                "listprice", "pricetaxexcluded", "pricetaxincluded", "unitprice", "salesprice",
                "preco", "preis", "prix", "precio", "vkpreis", "verkaufspreis"],
    "cost" => ["cost", "costperitem", "unitcost", "costprice", "wholesaleprice", "purchaseprice",
               "buyingprice", "landedcost", "cogs", "einkaufspreis", "ekpreis", "custo", "coste"],
    "vendor" => ["vendor", "brand"],
    "tags" => ["tags", "producttags"],
    "received" => ["receivedat", "received", "receiveddate", "datereceived", "createdat",
                   "dateadded", "productcreationdate", "creationdate"],
    "min_price" => ["minprice", "map", "minimumadvertisedprice", "floorprice"],
    "margin" => ["margin", "marginpct", "marginpercent", "profitmargin", "grossmargin"],
    "orders" => ["orders", "orderscount", "ordercount", "sold", "unitssold", "qtysold",
                 "quantitysold", "numberoforders"],
    "location" => ["location", "locationcode", "warehouse", "warehousecode", "store", "storecode",
                   "site", "branch"],
    "currency" => ["currency", "currencycode"],
    "category_id" => ["categoryid", "collectionid", "collectionids"],
    "product_id" => ["productid", "productguid", "wixproductid"],
    // Markdowns already live (SPEC section 2): the regular price is `price`, except for a
    // compare-at price above it (Shopify, a generic `compare_at_price`).
    "compare_at_price" => ["compareatprice", "variantcompareatprice", "compareat", "wasprice"],
    "sale_price" => ["saleprice", "specialprice", "precopromocional", "promoprice",
                     "angebotspreis", "prixpromo", "preciooferta"],
    "sale_from" => ["salefrom", "salestart", "datesalepricestarts", "specialpricefromdate",
                    "discountfrom", "datadeprecopromocionalcomecaem"],
    "sale_to" => ["saleto", "saleend", "datesalepriceends", "specialpricetodate", "discountto",
                  "datadeprecopromocionalterminaem"],
    "discount_amount" => ["discountamount"],
    "discount_percent" => ["discountpercent"],
    "discount_mode" => ["discountmode"],
    "discount_value" => ["discountvalue"],
    // Platform columns (Shopify, Wix, WooCommerce, Magento), not user-facing fields.
    "handle" => ["handle", "urlhandle"],
    "option1_name" => ["option1name"],
    "option2_name" => ["option2name"],
    "option3_name" => ["option3name"],
    "status" => ["status"],
    "store_view_code" => ["storeviewcode"],
    "websites" => ["productwebsites"],
    "option1" => ["option1value"],
    "option2" => ["option2value"],
    "option3" => ["option3value"],
    "tracker" => ["variantinventorytracker", "inventorytracker"],
    "product_type" => ["type", "tipo"],
    "handle_id" => ["handleid"],
    "field_type" => ["fieldtype"],
    "surcharge" => ["surcharge"],
    "wix_option1" => ["productoptiondescription1"],
    "wix_option2" => ["productoptiondescription2"],
    "wix_option3" => ["productoptiondescription3"],
    "parent" => ["parent", "produtoascendente"],
    "row_id" => ["id"],
];

/// Sales fields (SPEC section 2).
pub const SALES_FIELDS: &[FieldSpec] = fields![
    "sku" => ["sku", "lineitemsku", "variantsku", "stockcode", "itemcode", "reference", "ref",
              "articlenumber", "productcode", "productid", "itemno"],
    "name" => ["lineitemname", "productname", "itemname", "description", "title"],
    "quantity" => ["quantity", "lineitemquantity", "qty", "units", "unitssold", "quantitysold",
                   "sold"],
    "orders" => ["orders", "orderscount", "ordercount", "numberoforders"],
    "date" => ["date", "orderdate", "createdat", "invoicedate", "saledate", "transactiondate",
               "solddate", "datum", "day"],
    "order_id" => ["orderid", "ordernumber", "orderno", "invoiceno", "invoice", "invoicenumber",
                   "order", "transactionid"],
    "location" => ["location", "locationcode", "warehouse", "store", "storecode", "site", "branch"],
    "customer" => ["customer", "customerid", "customeremail", "email", "client", "clientid",
                   "accountid"],
    "cancelled_at" => ["cancelledat"],
    // The line's category, read only by `backtest` without a catalog (Superstore `Category`).
    "category" => ["category", "productcategory", "lineitemcategory", "producttype",
                   "categoria", "kategorie"],
    // The unit price paid on an order line (docs/forecast.md), read only in target mode for
    // the elasticity: Shopify `Lineitem price`, Online Retail `UnitPrice`, a generic
    // `unit_price` / `price paid`: names that say one unit. Not a plain `price` or `item price`
    // (Amazon's `item-price` is the line's total for its quantity) nor a line total
    // (Superstore `Sales`): a total taken for a unit price makes a wrong elasticity, so such a
    // column is named with --map only after checking it holds the price of one unit.
    "unit_price" => ["unitprice", "lineitemprice", "pricepaid", "unitpricepaid"],
    // An aggregated file's last sale per row (docs/scale.md); order lines carry `date` instead.
    // (Not `last order date`: in stock and purchasing reports it is the last order to the
    // supplier.)
    "last_sale" => ["lastsale", "lastsaledate", "lastsold", "lastsolddate", "lastsaleat",
                    "dateoflastsale"],
    // The window an aggregated file was made for (docs/scale.md), checked against the run's.
    "window_start" => ["windowstart"],
    "window_end" => ["windowend"],
    "plain_name" => ["name"],
];

/// Normalise a header for matching: lower case, accents folded, parenthesised notes and
/// everything but letters and digits removed (`Variant Inventory Qty` → `variantinventoryqty`).
pub fn normalise(header: &str) -> String {
    let mut out = String::with_capacity(header.len());
    let mut depth = 0usize;
    for c in header.chars() {
        match c {
            '(' | '[' => depth += 1,
            ')' | ']' => depth = depth.saturating_sub(1),
            _ if depth > 0 => {}
            _ => {
                for l in c.to_lowercase() {
                    let folded = match l {
                        'á' | 'à' | 'â' | 'ã' | 'ä' | 'å' => 'a',
                        'é' | 'è' | 'ê' | 'ë' => 'e',
                        'í' | 'ì' | 'î' | 'ï' => 'i',
                        'ó' | 'ò' | 'ô' | 'õ' | 'ö' => 'o',
                        'ú' | 'ù' | 'û' | 'ü' => 'u',
                        'ç' => 'c',
                        'ñ' => 'n',
                        'ß' => 's',
                        other => other,
                    };
                    if folded.is_alphanumeric() {
                        out.push(folded);
                    }
                }
            }
        }
    }
    if out.is_empty() {
        // A header that is only a note, such as `(x,y,z)`: keep its letters.
        return header
            .chars()
            .filter(|c| c.is_alphanumeric())
            .flat_map(char::to_lowercase)
            .collect();
    }
    out
}

/// Field → column. Looked up for every field of every row (`HeaderMap::col`): foldhash, not
/// SipHash (the keys are the field names of the specs, not text from the file).
type ColumnMap = HashMap<&'static str, usize, foldhash::fast::RandomState>;

/// The resolved columns of one file.
#[derive(Debug, Clone)]
pub struct HeaderMap {
    /// Row number of the header (1-based).
    pub row: usize,
    /// The header cells as written.
    pub headers: Vec<String>,
    columns: ColumnMap,
    /// Fields set by `--map` (shown by `inspect`).
    pub mapped_by_user: Vec<&'static str>,
}

impl HeaderMap {
    pub fn col(&self, field: &str) -> Option<usize> {
        self.columns.get(field).copied()
    }
    pub fn has(&self, field: &str) -> bool {
        self.columns.contains_key(field)
    }
    pub fn header_of(&self, field: &str) -> Option<&str> {
        self.col(field)
            .and_then(|c| self.headers.get(c))
            .map(String::as_str)
    }
    /// Field name → column, in spec order (for `inspect`).
    pub fn fields<'a>(
        &'a self,
        specs: &'a [FieldSpec],
    ) -> impl Iterator<Item = (&'static str, usize)> + 'a {
        specs
            .iter()
            .filter_map(|s| self.columns.get(s.field).map(|c| (s.field, *c)))
    }
    pub fn set(&mut self, field: &'static str, col: usize) {
        self.columns.insert(field, col);
    }
    pub fn remove(&mut self, field: &str) {
        self.columns.remove(field);
    }
    /// A header row mapped as `locate_header` would, without a file.
    #[cfg(test)]
    pub fn for_tests(row: usize, names: &[&str], specs: &[FieldSpec]) -> HeaderMap {
        let headers: Vec<String> = names.iter().map(|n| n.to_string()).collect();
        let (columns, _, _) = match_headers(&headers, specs, &[]);
        HeaderMap {
            row,
            headers,
            columns,
            mapped_by_user: Vec::new(),
        }
    }
}

/// Match one header row against the field specs. `--map` wins; otherwise each field takes the
/// column whose header matches its most specific name.
fn match_headers(
    headers: &[String],
    specs: &[FieldSpec],
    overrides: &[(String, String)],
) -> (ColumnMap, Vec<&'static str>, Vec<String>) {
    let normalised: Vec<String> = headers.iter().map(|h| normalise(h)).collect();
    let mut columns = ColumnMap::default();
    let mut by_user = Vec::new();
    let mut missing_user_columns = Vec::new();
    for (field, column) in overrides {
        let Some(spec) = specs.iter().find(|s| s.field == field) else {
            continue;
        };
        let wanted = column.trim();
        let idx = headers
            .iter()
            .position(|h| h.trim() == wanted)
            .or_else(|| {
                headers
                    .iter()
                    .position(|h| h.trim().eq_ignore_ascii_case(wanted))
            })
            .or_else(|| normalised.iter().position(|h| *h == normalise(wanted)));
        match idx {
            Some(i) => {
                columns.insert(spec.field, i);
                by_user.push(spec.field);
            }
            None => missing_user_columns.push(format!("{field}=\"{wanted}\"")),
        }
    }
    for spec in specs {
        if columns.contains_key(spec.field) {
            continue;
        }
        let taken: Vec<usize> = columns.values().copied().collect();
        'names: for name in spec.names {
            for (i, h) in normalised.iter().enumerate() {
                if h == name && !taken.contains(&i) {
                    columns.insert(spec.field, i);
                    break 'names;
                }
            }
        }
    }
    (columns, by_user, missing_user_columns)
}

/// A header row as found, and what stops it from being read.
pub struct HeaderCheck {
    pub map: HeaderMap,
    /// Required fields not found (the first name of each alternative), each with its hint.
    pub missing: Vec<(String, String)>,
    /// Why a reader cannot go on with this header (`None` when it can).
    pub problem: Option<String>,
}

/// Find the header row (the first of the first 30 rows that names every required field, title
/// rows above it skipped) and map its columns. `required` lists alternatives: each inner slice
/// is satisfied when any of its fields is present. Fails when the header cannot be used.
pub fn locate_header(
    table: &mut Table,
    specs: &[FieldSpec],
    required: &[&[&str]],
    overrides: &[(String, String)],
    what: &str,
) -> Result<HeaderMap> {
    let check = check_header(table, specs, required, overrides, what)
        .map_err(|e| table.with_sheet_list(e))?;
    if let Some(problem) = check.problem {
        return Err(table.with_sheet_list(Error::Data(problem)));
    }
    // Merged cells apply from here on: to the rows below the header, by what each column holds.
    table.apply_merges(&check.map, specs, what)?;
    Ok(check.map)
}

/// `locate_header` without failing on what is wrong with the header (`inspect` shows it): only
/// a file with no rows, or one that cannot be read, is an error.
pub fn check_header(
    table: &mut Table,
    specs: &[FieldSpec],
    required: &[&[&str]],
    overrides: &[(String, String)],
    what: &str,
) -> Result<HeaderCheck> {
    let rows = table.peek(30)?;
    if rows.iter().all(|r| r.cells.iter().all(Cell::is_empty)) {
        return Err(Error::Data(format!(
            "{}: the file has no rows; expected a header row ({}) and data rows",
            table.where_(),
            required
                .iter()
                .map(|alts| alts[0])
                .collect::<Vec<_>>()
                .join(", ")
        )));
    }
    let mut best: Option<(usize, usize)> = None; // (index in buffer, fields found)
    let mut chosen = None;
    for (i, r) in rows.iter().enumerate() {
        let headers: Vec<String> = r
            .cells
            .iter()
            .map(|c| c.text().unwrap_or_default())
            .collect();
        if headers.iter().all(|h| h.is_empty()) {
            continue;
        }
        let (cols, _, _) = match_headers(&headers, specs, overrides);
        if required
            .iter()
            .all(|alts| alts.iter().any(|f| cols.contains_key(f)))
        {
            chosen = Some(i);
            break;
        }
        if best.is_none_or(|(_, n)| cols.len() > n) {
            best = Some((i, cols.len()));
        }
    }
    let index = chosen.or(best.map(|b| b.0)).unwrap_or(0);
    // Consume the title rows and the header.
    let mut header_row = None;
    for _ in 0..=index {
        header_row = table.next_row()?;
    }
    let header_row =
        header_row.ok_or_else(|| Error::Data(format!("{}: no header row", table.where_())))?;
    let headers: Vec<String> = header_row
        .cells
        .iter()
        .map(|c| c.text().unwrap_or_default())
        .collect();
    let (columns, by_user, missing_user) = match_headers(&headers, specs, overrides);
    let missing_fields: Vec<&str> = required
        .iter()
        .filter(|alts| !alts.iter().any(|f| columns.contains_key(f)))
        .map(|alts| alts[0])
        .collect();
    // An order export given as the catalog: it explains a missing catalog column (a complete
    // catalog header is never refused for looking like sales: a catalog may have a `Date` or an
    // `Order` column; duplicate skus get the same hint, see `catalog::check_duplicates`).
    let sales_like = (what == "catalog" && !missing_fields.is_empty())
        .then(|| hints::sales_signature(&headers))
        .flatten();
    let mut missing = Vec::new();
    if sales_like.is_some() {
        for f in &missing_fields {
            missing.push((
                f.to_string(),
                "none in this file, which looks like sales lines (see the problem below)".into(),
            ));
        }
    } else if !missing_fields.is_empty() {
        // The rows under the header show what each unused column holds.
        let sample: Vec<super::table::RawRow> = table.peek(20)?.iter().cloned().collect();
        let used: HashSet<usize> = columns.values().copied().collect();
        for f in &missing_fields {
            let hint = hints::suggest(f, &headers, &used, &sample, specs, table.decimal_comma_hint);
            missing.push((f.to_string(), hint));
        }
    }
    let problem = if !missing_user.is_empty() {
        Some(format!(
            "{}: --map {}: no such column in the header (row {}); the columns are: {}",
            table.where_(),
            missing_user.join(", "),
            header_row.row,
            list_headers(&headers)
        ))
    } else if let Some(found) = sales_like {
        Some(format!(
            "{}: this looks like sales lines; pass it with --sales, after the catalog file (its header, row {}, has the order-line columns {}, while a catalog has one row per sku with its stock on hand{})",
            table.where_(),
            header_row.row,
            found.join(", "),
            if missing_fields.is_empty() {
                String::new()
            } else {
                format!(
                    "; the catalog column{} {} {} missing",
                    if missing_fields.len() > 1 { "s" } else { "" },
                    missing_fields.join(", "),
                    if missing_fields.len() > 1 {
                        "are"
                    } else {
                        "is"
                    }
                )
            }
        ))
    } else if !missing.is_empty() {
        let names: Vec<String> = missing
            .iter()
            .map(|(f, _)| {
                let example = specs
                    .iter()
                    .find(|s| s.field == f)
                    .map(|s| {
                        s.names
                            .iter()
                            .take(4)
                            .copied()
                            .collect::<Vec<_>>()
                            .join(", ")
                    })
                    .unwrap_or_default();
                format!("{f} (a column named like: {example})")
            })
            .collect();
        let suggestions: Vec<String> = missing.iter().map(|(_, h)| format!("Hint: {h}.")).collect();
        Some(format!(
            "{}: missing required {what} column{}: {}. The header (row {}) has: {}. {} Renaming the column to one of the names above works too",
            table.where_(),
            if missing.len() > 1 { "s" } else { "" },
            names.join("; "),
            header_row.row,
            list_headers(&headers),
            suggestions.join(" "),
        ))
    } else {
        duplicate_header(table, &headers, &columns, header_row.row)
    };
    // The rows still to come are cut after the last column read: the cells beyond it are only
    // looked at to tell a row too wide for the header (or with nothing read in it).
    let read_width = columns.values().max().map_or(0, |c| c + 1);
    table.cut_rows_at(read_width, headers.len());
    Ok(HeaderCheck {
        map: HeaderMap {
            row: header_row.row,
            headers,
            columns,
            mapped_by_user: by_user,
        },
        missing,
        problem,
    })
}

/// A header name twice is ambiguous when the planner would read that column.
fn duplicate_header(
    table: &Table,
    headers: &[String],
    columns: &ColumnMap,
    row: usize,
) -> Option<String> {
    let mut seen: HashMap<String, usize> = HashMap::new();
    for (i, h) in headers.iter().enumerate() {
        let key = h.trim().to_lowercase();
        if key.is_empty() {
            continue;
        }
        if let Some(&first) = seen.get(&key) {
            if columns.values().any(|&c| c == first || c == i) {
                return Some(format!(
                    "{}: the header (row {row}) names \"{}\" twice (columns {} and {}); it is unclear which one to read. Rename or delete one of them in the file (--map picks a column by its header, which both have)",
                    table.where_(),
                    h.trim(),
                    super::table::column_letters(first + table.col_offset),
                    super::table::column_letters(i + table.col_offset)
                ));
            }
        } else {
            seen.insert(key, i);
        }
    }
    None
}

fn list_headers(headers: &[String]) -> String {
    let shown: Vec<String> = headers
        .iter()
        .filter(|h| !h.is_empty())
        .take(40)
        .map(|h| format!("\"{h}\""))
        .collect();
    let more = headers
        .iter()
        .filter(|h| !h.is_empty())
        .count()
        .saturating_sub(40);
    if more > 0 {
        format!("{} and {more} more", shown.join(", "))
    } else if shown.is_empty() {
        "(nothing)".into()
    } else {
        shown.join(", ")
    }
}

/// Parse a `--map FIELD=COLUMN` value.
pub fn parse_map(s: &str) -> std::result::Result<(String, String), String> {
    let (field, column) = s
        .split_once('=')
        .ok_or_else(|| format!("expected FIELD=COLUMN (e.g. quantity=\"On hand\"), got \"{s}\""))?;
    let field = field.trim().to_lowercase();
    let known: Vec<&str> = CATALOG_FIELDS
        .iter()
        .chain(SALES_FIELDS.iter())
        .map(|f| f.field)
        .filter(|f| USER_FIELDS.contains(f))
        .collect();
    if !known.contains(&field.as_str()) {
        return Err(format!(
            "unknown field \"{field}\"; the fields are: {}",
            USER_FIELDS.join(", ")
        ));
    }
    let column = column.trim().trim_matches('"').to_string();
    if column.is_empty() {
        return Err("the column name after = is empty".into());
    }
    Ok((field, column))
}

/// Fields a user can name with `--map`.
pub const USER_FIELDS: &[&str] = &[
    "sku",
    "name",
    "category",
    "quantity",
    "price",
    "cost",
    "margin",
    "min_price",
    "vendor",
    "tags",
    "received",
    "orders",
    "location",
    "currency",
    "category_id",
    "product_id",
    "compare_at_price",
    "sale_price",
    "sale_from",
    "sale_to",
    "date",
    "order_id",
    "customer",
    "last_sale",
    "unit_price",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalises_export_headers() {
        assert_eq!(normalise("Variant Inventory Qty"), "variantinventoryqty");
        assert_eq!(normalise("Reference #"), "reference");
        assert_eq!(normalise("Name *"), "name");
        assert_eq!(normalise("Categories (x,y,z...)"), "categories");
        assert_eq!(normalise("Preço promocional"), "precopromocional");
        assert_eq!(normalise("In stock?"), "instock");
        assert_eq!(normalise("cost_per-item"), "costperitem");
        assert_eq!(normalise("\u{feff}Handle"), "handle");
    }

    #[test]
    fn most_specific_name_wins() {
        let headers: Vec<String> = ["Handle", "Available", "On hand", "Variant Price", "SKU"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        let (cols, _, _) = match_headers(&headers, CATALOG_FIELDS, &[]);
        assert_eq!(cols["quantity"], 2);
        assert_eq!(cols["price"], 3);
        assert_eq!(cols["sku"], 4);
    }

    #[test]
    fn user_map_overrides() {
        let headers: Vec<String> = ["sku", "qty", "Bestand neu", "price"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        let (cols, by_user, missing) = match_headers(
            &headers,
            CATALOG_FIELDS,
            &[("quantity".into(), "Bestand neu".into())],
        );
        assert_eq!(cols["quantity"], 2);
        assert_eq!(by_user, vec!["quantity"]);
        assert!(missing.is_empty());
    }
}
