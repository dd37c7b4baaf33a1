//! Shopify: a product CSV that Shopify's importer (Products > Import, "Overwrite products with
//! matching handles") accepts as it is, in the header family the catalog export used, and a
//! revert file in the same format.
//!
//! Shopify's importer replaces the variants of a product updated without its option columns,
//! so every row carries the option names and values, and every variant of a touched product is
//! listed: the planned ones at their clearance price with the was-price in compare-at, the
//! others with the price and compare-at the export held. `Title` is on the first row of each
//! handle, as the importer requires. Prices are per variant: a variant planned at several
//! locations takes the smallest depth (`super::units`).

use super::{PlatformFiles, unit_price, units};
use crate::campaign::package::Campaign;
use crate::error::Result;
use crate::model::{ExportRow, Plan, PlanLine};
use rust_decimal::Decimal;
use std::collections::{HashMap, HashSet};

/// The header names of one family, in file order, with the export key each column holds.
fn columns(current: bool) -> [(&'static str, &'static str); 11] {
    if current {
        [
            ("URL handle", "handle"),
            ("Title", "name"),
            ("Option1 name", "option1_name"),
            ("Option1 value", "option1"),
            ("Option2 name", "option2_name"),
            ("Option2 value", "option2"),
            ("Option3 name", "option3_name"),
            ("Option3 value", "option3"),
            ("SKU", "sku"),
            ("Price", "price"),
            ("Compare-at price", "compare_at_price"),
        ]
    } else {
        [
            ("Handle", "handle"),
            ("Title", "name"),
            ("Option1 Name", "option1_name"),
            ("Option1 Value", "option1"),
            ("Option2 Name", "option2_name"),
            ("Option2 Value", "option2"),
            ("Option3 Name", "option3_name"),
            ("Option3 Value", "option3"),
            ("Variant SKU", "sku"),
            ("Variant Price", "price"),
            ("Variant Compare At Price", "compare_at_price"),
        ]
    }
}

pub fn files(c: &Campaign, plan: &Plan) -> Result<PlatformFiles> {
    let current = plan.platform.as_ref().and_then(|p| p.headers.as_deref()) == Some("current");
    let cols = columns(current);
    let mut warnings = Vec::new();
    // A variant's price is shared by its locations: the price key is the variant (its sku key).
    let units = units(
        c,
        plan,
        "Shopify variant",
        "shopify-import.csv",
        |l| l.sku.to_string(),
        &mut warnings,
    );
    // The new price and compare-at of every variant the import changes.
    let mut changed: HashMap<&str, (String, String)> = HashMap::new();
    for u in &units {
        let (Some(depth), Some(first)) = (u.depth, u.lines.first()) else {
            continue;
        };
        let Some(row) = u.reaches.first().and_then(|l| l.export()) else {
            continue;
        };
        let was = was_price(row, first.list_price.as_str());
        let Some(price) = unit_price(first, depth) else {
            warnings.push(super::no_price_warning("shopify-import.csv", &u.key));
            continue;
        };
        changed.insert(u.key.as_str(), (price, was));
    }
    // Every variant of a touched product, in export order, once (locations collapse).
    let touched: HashSet<&str> = plan
        .lines
        .iter()
        .filter(|l| changed.contains_key(&*l.sku))
        .filter_map(|l| l.export().map(|e| e.get("handle")))
        .collect();
    let mut seen: HashSet<&str> = HashSet::new();
    let mut variants: Vec<&PlanLine> = Vec::new();
    for l in &plan.lines {
        if let Some(e) = l.export()
            && touched.contains(e.get("handle"))
            && seen.insert(&*l.sku)
        {
            variants.push(l);
        }
    }
    // `plan.lines` puts planned lines first: back to export order (by source row), each
    // product's variants together.
    let row = |l: &PlanLine| l.export().map_or(0, ExportRow::row);
    let mut first_row: HashMap<&str, usize> = HashMap::new();
    for l in &variants {
        let h = l.export().map_or("", |e| e.get("handle"));
        let r = row(l);
        first_row
            .entry(h)
            .and_modify(|f| *f = (*f).min(r))
            .or_insert(r);
    }
    variants.sort_by_key(|l| {
        let h = l.export().map_or("", |e| e.get("handle"));
        (first_row.get(h).copied().unwrap_or(0), row(l))
    });
    let header: Vec<String> = cols.iter().map(|(h, _)| h.to_string()).collect();
    let mut import = Vec::new();
    let mut revert = Vec::new();
    let mut last_handle = "";
    for l in variants {
        let Some(e) = l.export() else {
            continue;
        };
        let first_of_handle = e.get("handle") != last_handle;
        last_handle = e.get("handle");
        let row = |price: &str, compare: &str| -> Vec<String> {
            cols.iter()
                .map(|(_, key)| match *key {
                    "name" if !first_of_handle => String::new(),
                    "price" => price.to_string(),
                    "compare_at_price" => compare.to_string(),
                    k => e.get(k).to_string(),
                })
                .collect()
        };
        let before = row(e.get("price"), e.get("compare_at_price"));
        match changed.get(&*l.sku) {
            Some((price, was)) => import.push(row(price, was)),
            None => import.push(before.clone()),
        }
        revert.push(before);
    }
    Ok(PlatformFiles {
        csv: super::file_pair(
            ("shopify-import.csv", "shopify-revert.csv"),
            b',',
            header,
            import,
            revert,
        ),
        warnings,
    })
}

/// The "was" price shown struck through during the campaign: the export's compare-at when it
/// was already above the price (a live markdown), else the price before the campaign.
fn was_price(e: &ExportRow, list_price: &str) -> String {
    let price = e.get("price").trim().parse::<Decimal>().ok();
    let compare = e.get("compare_at_price").trim().parse::<Decimal>().ok();
    match (price, compare) {
        (Some(p), Some(c)) if c > p => e.get("compare_at_price").to_string(),
        (Some(_), _) => e.get("price").to_string(),
        (None, _) => list_price.to_string(),
    }
}
