//! `--stock FILE`: a stock export that replaces the catalog's stock figures, such as Shopify's
//! inventory export (one row per variant per `Location`, `On hand`; `SKU` often blank, so rows
//! are also matched by `Handle` and option values like the product export's lines). Per
//! location when the catalog has locations, else summed over the locations.

use super::mapping::{CATALOG_FIELDS, locate_header};
use super::number::{decimal_from_f64, parse_number};
use super::table::{Cell, ReadOptions, Table, check_ragged};
use crate::error::Result;
use crate::model::{CatalogLine, DataIssue, Warning};
use rust_decimal::Decimal;
use std::collections::HashMap;
use std::path::Path;

/// What reading the stock file found.
pub struct StockRead {
    pub sheet: Option<String>,
    /// Data rows read.
    pub rows: u64,
}

/// The key a Shopify line has without a sku: handle and option values (`Default Title` left out).
fn handle_key(handle: &str, options: &[Option<String>]) -> String {
    let mut key = handle.to_string();
    for o in options.iter().flatten() {
        if o != "Default Title" {
            key.push('/');
            key.push_str(o);
        }
    }
    key
}

/// Replace the stock figures of `lines` with the stock file's.
pub fn apply_stock(
    path: &Path,
    opts: &ReadOptions,
    maps: &[(String, String)],
    lines: &mut [CatalogLine],
    warnings: &mut Vec<Warning>,
) -> Result<StockRead> {
    let mut table = Table::open(path, opts)?;
    let header = locate_header(
        &mut table,
        CATALOG_FIELDS,
        &[&["sku", "handle"], &["quantity"]],
        maps,
        "stock",
    )?;
    let file = table.display.clone();
    let sheet = table.sheet.clone();
    let place = table.where_();
    let decimal_comma = opts.decimal_comma.unwrap_or(table.decimal_comma_hint);
    let with_locations = lines.iter().any(|l| l.location.is_some());
    // The keys a catalog line answers to, kept apart so a sku never matches another line's
    // handle key: its sku, and for platform lines the handle and option values.
    let mut by_sku: HashMap<String, Vec<usize>> = HashMap::new();
    let mut by_handle: HashMap<String, Vec<usize>> = HashMap::new();
    for (i, l) in lines.iter().enumerate() {
        by_sku.entry(l.sku.to_string()).or_default().push(i);
        if let Some(e) = l.export.as_deref()
            && !e.get("handle").is_empty()
        {
            let opts: Vec<Option<String>> = ["option1", "option2", "option3"]
                .iter()
                .map(|k| Some(e.get(k).trim().to_string()).filter(|v| !v.is_empty()))
                .collect();
            let k = handle_key(e.get("handle").trim(), &opts);
            by_handle.entry(k).or_default().push(i);
        }
    }
    let text = |raw: &super::table::RawRow, field: &str| {
        header
            .col(field)
            .and_then(|c| raw.cells.get(c))
            .and_then(Cell::text)
    };
    let mut totals: HashMap<usize, Decimal> = HashMap::new();
    let mut rows = 0u64;
    let mut unmatched = (0usize, 0usize); // (rows, first row)
    let mut unreadable = (0usize, 0usize);
    let mut locations: std::collections::BTreeSet<String> = Default::default();
    while let Some(raw) = table.next_row()? {
        if raw.cells.iter().all(Cell::is_empty) {
            continue;
        }
        check_ragged(&raw, header.headers.len(), &place, &table.kind)?;
        rows += 1;
        let sku = text(&raw, "sku");
        let handle = text(&raw, "handle");
        let location = text(&raw, "location");
        if let Some(l) = &location {
            locations.insert(l.clone());
        }
        // By sku when the row has one; else (Shopify writes `""`) by handle and options.
        let candidates: Option<&Vec<usize>> = match &sku {
            Some(s) => by_sku.get(s),
            None => handle.as_deref().and_then(|h| {
                let options: Vec<Option<String>> = ["option1", "option2", "option3"]
                    .iter()
                    .map(|f| text(&raw, f))
                    .collect();
                let key = handle_key(h, &options);
                by_handle.get(&key).or_else(|| by_sku.get(&key))
            }),
        };
        let targets: Vec<usize> = match candidates {
            None => Vec::new(),
            Some(c) if with_locations => c
                .iter()
                .copied()
                .filter(|&i| {
                    let a = lines[i]
                        .location
                        .as_deref()
                        .map(|x| x.trim().to_lowercase());
                    let b = location.as_deref().map(|x| x.trim().to_lowercase());
                    a == b
                })
                .collect(),
            Some(c) => c.clone(),
        };
        if targets.is_empty() {
            if unmatched.0 == 0 {
                unmatched.1 = raw.row;
            }
            unmatched.0 += 1;
            continue;
        }
        let cell = header.col("quantity").and_then(|c| raw.cells.get(c));
        let qty = match cell {
            Some(Cell::Number(f)) | Some(Cell::Percent(f)) => decimal_from_f64(*f).ok(),
            Some(Cell::Text(s)) => parse_number(s, decimal_comma).ok().flatten(),
            _ => None,
        };
        let Some(qty) = qty else {
            if unreadable.0 == 0 {
                unreadable.1 = raw.row;
            }
            unreadable.0 += 1;
            for i in targets {
                lines[i].issue = Some(DataIssue::BadData);
            }
            continue;
        };
        for i in targets {
            *totals.entry(i).or_default() += qty;
        }
    }
    let warn = |row: Option<usize>, message: String| Warning {
        file: file.clone(),
        sheet: sheet.clone(),
        row,
        column: header.header_of("quantity").map(str::to_string),
        message,
    };
    let mut replaced = 0usize;
    let mut kept: Vec<usize> = Vec::new();
    for (i, l) in lines.iter_mut().enumerate() {
        match totals.get(&i) {
            Some(q)
                if l.issue != Some(DataIssue::Untracked) && l.issue != Some(DataIssue::BadData) =>
            {
                l.quantity = (*q).into();
                replaced += 1;
            }
            Some(_) => {}
            None if l.issue.is_none() => kept.push(l.row),
            None => {}
        }
    }
    let summed = if !with_locations && locations.len() > 1 {
        format!(", summed over {} locations", locations.len())
    } else {
        String::new()
    };
    warnings.push(warn(
        None,
        format!("stock of {replaced} line(s) taken from this file{summed} instead of the catalog's figures"),
    ));
    if !kept.is_empty() {
        warnings.push(warn(
            kept.first().copied(),
            format!(
                "{} catalog line(s) are not in this stock file (first on catalog row {}); they keep the catalog's stock figure",
                kept.len(),
                kept[0]
            ),
        ));
    }
    if unmatched.0 > 0 {
        warnings.push(warn(
            Some(unmatched.1),
            format!(
                "{} row(s) match no catalog line by sku or handle and options{} (first on row {}); ignored",
                unmatched.0,
                if with_locations { " at their location" } else { "" },
                unmatched.1
            ),
        ));
    }
    if unreadable.0 > 0 {
        warnings.push(warn(
            Some(unreadable.1),
            format!(
                "{} row(s) have no readable stock figure (first on row {}); their lines are skipped as bad data",
                unreadable.0, unreadable.1
            ),
        ));
    }
    Ok(StockRead { sheet, rows })
}
