//! Hints for a header that lacks a required column: which unused column looks like the missing
//! field, judged by its name (against every name the field answers to, translations included)
//! and by the values under it, and whether a file given as the catalog is an order export. A
//! hint names a column only when both agree; otherwise it says that no column looks right, so
//! following a hint never plans from a wrong column.

use super::mapping::{FieldSpec, SALES_FIELDS, normalise};
use super::number::parse_number;
use super::table::{Cell, RawRow};
use std::collections::HashSet;

/// What the values of a field look like.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Shape {
    /// Mostly whole numbers (stock, order counts).
    Whole,
    /// Non-negative amounts with at most two decimals (prices, costs).
    Money,
    /// Short tokens, nearly all different (skus, handles, ids).
    Code,
}

impl Shape {
    fn of(field: &str) -> Option<Shape> {
        match field {
            "quantity" | "orders" => Some(Shape::Whole),
            "price" | "cost" | "compare_at_price" | "sale_price" => Some(Shape::Money),
            "sku" | "handle" | "handle_id" | "product_id" | "order_id" => Some(Shape::Code),
            _ => None,
        }
    }

    fn words(self) -> &'static str {
        match self {
            Shape::Whole => "whole numbers",
            Shape::Money => "money amounts",
            Shape::Code => "short distinct codes",
        }
    }
}

/// Header cells longer than this (bytes) are never suggested.
const MAX_HEADER: usize = 200;

/// How much a header's name looks like one of the field's names: 3 when it contains one (and
/// no longer name of another field), 1 when it is an abbreviation of one (`Stk` for `stock`),
/// 0 otherwise. Names shorter than three letters are not looked for inside headers.
fn name_score(header: &str, field: &str, specs: &[FieldSpec]) -> u8 {
    // A header cell longer than any column name is not one (and is not searched).
    if header.len() > MAX_HEADER {
        return 0;
    }
    let h = normalise(header);
    if h.is_empty() || header.trim_end().ends_with('?') {
        // A question (`In stock?`) holds yes/no, not a figure.
        return 0;
    }
    // Names are looked for as whole words of the header, or runs of whole words (`On hand`):
    // `Postcode` and `Barcode` do not speak of a `code`.
    let words: Vec<String> = header
        .split(|c: char| !c.is_alphanumeric())
        .map(normalise)
        .filter(|w| !w.is_empty())
        .take(16)
        .collect();
    let mut runs: HashSet<String> = HashSet::new();
    for i in 0..words.len() {
        let mut run = String::new();
        for w in words.iter().skip(i).take(4) {
            run.push_str(w);
            runs.insert(run.clone());
        }
    }
    // The longest name of any field found in the header decides which field it speaks of:
    // `Compare At Price / France` is a compare-at price, not a price.
    let mut longest = 0usize;
    let mut owners: Vec<&str> = Vec::new();
    for spec in specs {
        for name in spec
            .names
            .iter()
            .filter(|n| n.len() >= 3 && runs.contains(**n))
        {
            if name.len() > longest {
                longest = name.len();
                owners.clear();
            }
            if name.len() == longest && !owners.contains(&spec.field) {
                owners.push(spec.field);
            }
        }
    }
    if longest > 0 {
        return if owners.contains(&field) { 3 } else { 0 };
    }
    let abbreviates = |name: &str| {
        let (hb, nb) = (h.as_bytes(), name.as_bytes());
        if hb.len() < 2 || hb.len() > 6 || hb.len() * 2 < nb.len() || hb[0] != nb[0] {
            return false;
        }
        let mut rest = nb.iter();
        hb.iter().all(|c| rest.any(|n| n == c))
    };
    let own = specs
        .iter()
        .filter(|s| s.field == field)
        .flat_map(|s| s.names.iter());
    if own.clone().any(|n| abbreviates(n)) {
        // Unless it abbreviates another field's name as well.
        let other = specs
            .iter()
            .filter(|s| s.field != field)
            .flat_map(|s| s.names.iter())
            .any(|n| abbreviates(n));
        if !other {
            return 1;
        }
    }
    0
}

/// Whether the column's values in the sample rows look like `shape`: at least one value, and
/// four in five of the values fitting.
fn values_fit(shape: Shape, col: usize, sample: &[RawRow], decimal_comma: bool) -> bool {
    let values: Vec<&Cell> = sample
        .iter()
        .filter_map(|r| r.cells.get(col))
        .filter(|c| !c.is_empty())
        .collect();
    if values.is_empty() {
        return false;
    }
    let fits = |c: &Cell| -> bool {
        match shape {
            Shape::Whole => match c {
                Cell::Number(f) => f.is_finite() && f.fract() == 0.0,
                Cell::Text(s) => {
                    matches!(parse_number(s, decimal_comma), Ok(Some(d)) if d.fract().is_zero())
                }
                _ => false,
            },
            Shape::Money => match c {
                Cell::Number(f) => {
                    f.is_finite() && *f >= 0.0 && ((f * 100.0).round() - f * 100.0).abs() < 1e-6
                }
                Cell::Text(s) => matches!(
                    parse_number(s, decimal_comma),
                    Ok(Some(d)) if !d.is_sign_negative() && d.normalize().scale() <= 2
                ),
                _ => false,
            },
            Shape::Code => {
                let text = match c {
                    Cell::Text(s) => s.trim().to_string(),
                    Cell::Number(f) if f.is_finite() && f.fract() == 0.0 => format!("{f}"),
                    _ => return false,
                };
                let spaces = text.chars().filter(|c| c.is_whitespace()).count();
                text.chars().count() <= 40
                    && spaces <= 1
                    && !text.contains('@')
                    && (text.chars().count() >= 4 || text.chars().any(|c| c.is_ascii_digit()))
            }
        }
    };
    let fitting: Vec<&Cell> = values.iter().copied().filter(|c| fits(c)).collect();
    if fitting.len() * 5 < values.len() * 4 {
        return false;
    }
    if shape == Shape::Whole
        && fitting
            .iter()
            .all(|c| matches!(c.text().as_deref(), Some("0" | "1")))
    {
        // Only 0 and 1: a yes/no flag (`In stock?` = 1), not a count.
        return false;
    }
    if shape == Shape::Code {
        // Only short values are compared (a long cell never fits a code).
        let distinct: HashSet<String> = fitting.iter().filter_map(|c| c.text()).collect();
        if distinct.len() * 5 < values.len() * 4 {
            return false;
        }
    }
    true
}

/// `a quantity`, `an order_id`.
fn a(field: &str) -> String {
    let article = if field.starts_with(['a', 'e', 'i', 'o', 'u']) {
        "an"
    } else {
        "a"
    };
    format!("{article} {field}")
}

/// The hint for one missing field: the unused column whose name and values both look like it,
/// or a sentence saying that none does.
pub fn suggest(
    field: &str,
    headers: &[String],
    used: &HashSet<usize>,
    sample: &[RawRow],
    specs: &[FieldSpec],
    decimal_comma: bool,
) -> String {
    let shape = Shape::of(field);
    let mut scored: Vec<(u8, usize)> = headers
        .iter()
        .enumerate()
        .filter(|(i, h)| !h.trim().is_empty() && !used.contains(i))
        .filter_map(|(i, h)| {
            let score = name_score(h, field, specs);
            if score == 0 {
                return None;
            }
            let fits = match shape {
                Some(s) => values_fit(s, i, sample, decimal_comma),
                // Fields without a shape only need values.
                None => sample
                    .iter()
                    .any(|r| r.cells.get(i).is_some_and(|c| !c.is_empty())),
            };
            fits.then_some((score, i))
        })
        .collect();
    scored.sort_by(|x, y| y.0.cmp(&x.0).then(x.1.cmp(&y.1)));
    let Some(&(best, col)) = scored.first() else {
        return format!(
            "no column looks like {}; name it with --map {field}=COLUMN",
            a(field)
        );
    };
    let tied: Vec<String> = scored
        .iter()
        .filter(|(s, _)| *s == best)
        .map(|(_, i)| format!("\"{}\"", headers[*i].trim()))
        .collect();
    if tied.len() > 1 {
        // Named three at most: a hostile header can tie thousands of columns.
        let more = match tied.len().saturating_sub(3) {
            0 => String::new(),
            n => format!(" (and {n} more)"),
        };
        return format!(
            "no single column looks like {}: {}{more} could be; name the right one with --map {field}=COLUMN",
            a(field),
            tied.iter()
                .take(3)
                .cloned()
                .collect::<Vec<_>>()
                .join(" or ")
        );
    }
    let header = headers[col].trim();
    let values = shape
        .map(|s| format!(" and its {}", s.words()))
        .unwrap_or_default();
    format!(
        "column \"{header}\" looks like the {field} (by its name{values}); if it is, name it with --map {field}=\"{header}\""
    )
}

/// The columns that make a header look like an order export (sales lines) rather than a
/// catalog: a sale date, a line quantity, and an order id or Shopify's `Lineitem` columns.
pub fn sales_signature(headers: &[String]) -> Option<Vec<String>> {
    let normalised: Vec<String> = headers.iter().map(|h| normalise(h)).collect();
    let find = |field: &str| {
        let names = SALES_FIELDS.iter().find(|s| s.field == field)?.names;
        names
            .iter()
            .find_map(|n| normalised.iter().position(|h| h == n))
    };
    let date = find("date")?;
    let quantity = find("quantity")?;
    let order = find("order_id").or_else(|| {
        normalised
            .iter()
            .position(|h| h.starts_with("lineitem") && h != &normalised[quantity])
    })?;
    let mut cols = vec![order, date, quantity];
    cols.dedup();
    Some(
        cols.into_iter()
            .map(|i| format!("\"{}\"", headers[i].trim()))
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::io::read::mapping::CATALOG_FIELDS;

    fn rows(values: &[&[&str]]) -> Vec<RawRow> {
        values
            .iter()
            .enumerate()
            .map(|(i, r)| RawRow {
                row: i + 2,
                cells: r.iter().map(|v| Cell::Text(v.to_string())).collect(),
                beyond_header: None,
            })
            .collect()
    }

    fn strings(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn names_only_a_column_whose_name_and_values_agree() {
        let headers = strings(&["SKU", "Description", "Stk", "Price"]);
        let used: HashSet<usize> = [0, 3].into_iter().collect();
        let sample = rows(&[
            &["A-1", "Red mug", "4", "9.50"],
            &["A-2", "Blue mug", "12", "9.50"],
        ]);
        let hint = suggest("quantity", &headers, &used, &sample, CATALOG_FIELDS, false);
        assert!(hint.contains("--map quantity=\"Stk\""), "{hint}");
        // Text under a quantity-like name is not a quantity.
        let sample = rows(&[&["A-1", "Red mug", "four", "9.50"]]);
        let hint = suggest("quantity", &headers, &used, &sample, CATALOG_FIELDS, false);
        assert_eq!(
            hint,
            "no column looks like a quantity; name it with --map quantity=COLUMN"
        );
    }

    #[test]
    fn a_longer_name_of_another_field_wins() {
        assert_eq!(
            name_score("Compare At Price / France", "price", CATALOG_FIELDS),
            0
        );
        assert_eq!(name_score("Price / France", "price", CATALOG_FIELDS), 3);
        assert_eq!(
            name_score("Qty on hand units", "quantity", CATALOG_FIELDS),
            3
        );
        assert_eq!(name_score("Stk", "quantity", CATALOG_FIELDS), 1);
        assert_eq!(name_score("Email", "sku", CATALOG_FIELDS), 0);
        assert_eq!(name_score("Description", "quantity", CATALOG_FIELDS), 0);
        assert_eq!(name_score("Option1 Name", "price", CATALOG_FIELDS), 0);
    }

    #[test]
    fn order_exports_are_recognised() {
        let shopify = strings(&[
            "Name",
            "Email",
            "Created at",
            "Lineitem quantity",
            "Lineitem sku",
        ]);
        assert_eq!(
            sales_signature(&shopify),
            Some(strings(&[
                "\"Lineitem sku\"",
                "\"Created at\"",
                "\"Lineitem quantity\""
            ]))
        );
        let retail = strings(&[
            "InvoiceNo",
            "StockCode",
            "Quantity",
            "InvoiceDate",
            "UnitPrice",
        ]);
        assert!(sales_signature(&retail).is_some());
        let catalog = strings(&["SKU", "Name", "Quantity", "Price", "Date sale price starts"]);
        assert!(sales_signature(&catalog).is_none());
    }
}
