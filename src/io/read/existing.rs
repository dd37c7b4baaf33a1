//! Existing active discounts (`--existing`): a Wix "query discount rules" response, or a CSV
//! `scope_type,scope_id,percentage[,active]`.

use super::number::parse_number;
use super::table::{Cell, ReadOptions, Table};
use crate::error::{Error, Result};
use crate::model::{ExistingDiscount, Scope};
use rust_decimal::Decimal;
use serde_json::Value;
use std::path::Path;

pub fn read_existing(path: &Path) -> Result<Vec<ExistingDiscount>> {
    let bytes = std::fs::read(path).map_err(|e| Error::from_io_input(path, &e))?;
    let text = String::from_utf8_lossy(&bytes);
    let trimmed = text.trim_start_matches('\u{feff}').trim_start();
    if trimmed.starts_with('{') || trimmed.starts_with('[') {
        let v: Value = serde_json::from_str(trimmed).map_err(|e| {
            Error::Data(format!(
                "{}: not valid JSON ({e}); expected a Wix query-discount-rules response",
                path.display()
            ))
        })?;
        return from_wix(path, &v);
    }
    from_csv(path)
}

fn percentage(path: &Path, where_: &str, p: Decimal) -> Result<Decimal> {
    if p < Decimal::ZERO || p >= Decimal::ONE_HUNDRED {
        return Err(Error::Data(format!(
            "{}: {where_}: percentage {} is invalid; an existing discount must be at least 0 and below 100",
            path.display(),
            p.normalize()
        )));
    }
    Ok(p)
}

fn scope_of(kind: &str, id: String) -> Option<Scope> {
    match kind.trim().to_ascii_uppercase().as_str() {
        "SKU" | "PRODUCT" | "CATALOG_ITEM" | "ITEM" => Some(Scope::Sku(id)),
        "CATEGORY" | "COLLECTION" => Some(Scope::Category(id)),
        "SITE" | "ALL_ITEMS" | "ALL" | "STORE" => Some(Scope::Site),
        _ => None,
    }
}

fn from_csv(path: &Path) -> Result<Vec<ExistingDiscount>> {
    let mut table = Table::open(path, &ReadOptions::default())?;
    let place = table.where_();
    let header = table.next_row()?.ok_or_else(|| {
        Error::Data(format!(
            "{place}: empty file; expected scope_type,scope_id,percentage[,active]"
        ))
    })?;
    let names: Vec<String> = header
        .cells
        .iter()
        .map(|c| super::mapping::normalise(&c.text().unwrap_or_default()))
        .collect();
    let find = |n: &str| names.iter().position(|h| h == n);
    let (Some(c_type), Some(c_pct)) = (find("scopetype"), find("percentage").or(find("discount")))
    else {
        return Err(Error::Data(format!(
            "{place}: expected the columns scope_type, scope_id, percentage (and optionally active); the header (row {}) has other names",
            header.row
        )));
    };
    // Read as written, never filled from merged cells: a percentage merged over several rows
    // is in its first row only, so say which range instead of reading the others as empty.
    for (col, name) in [
        (Some(c_pct), "percentage"),
        (Some(c_type), "scope_type"),
        (find("scopeid"), "scope_id"),
    ] {
        if let Some(col) = col
            && let Some((range, first)) = table.merged_down(col, header.row)
        {
            return Err(Error::Data(format!(
                "{place}: cells {range} are merged over the {name} column; a merged value is kept in its first cell only ({first}), so the other rows have none. Unmerge {range} and give each row its own {name}"
            )));
        }
    }
    let c_id = find("scopeid");
    let c_active = find("active");
    let mut out = Vec::new();
    while let Some(raw) = table.next_row()? {
        if raw.cells.iter().all(Cell::is_empty) {
            continue;
        }
        let get = |c: Option<usize>| c.and_then(|c| raw.cells.get(c)).and_then(Cell::text);
        if let Some(active) = get(c_active)
            && matches!(
                active.to_ascii_lowercase().as_str(),
                "false" | "0" | "no" | "n" | "inactive"
            )
        {
            continue;
        }
        let kind = get(Some(c_type)).unwrap_or_default();
        let id = get(c_id).unwrap_or_default();
        let Some(scope) = scope_of(&kind, id.clone()) else {
            return Err(Error::Data(format!(
                "{place}, row {}: scope_type \"{kind}\" is not one of SKU, CATEGORY, SITE",
                raw.row
            )));
        };
        if id.is_empty() && scope != Scope::Site {
            return Err(Error::Data(format!(
                "{place}, row {}: scope_id is empty; give the sku or category",
                raw.row
            )));
        }
        let pct_text = get(Some(c_pct)).unwrap_or_default();
        let pct = match parse_number(&pct_text, false) {
            Ok(Some(p)) => p,
            _ => {
                return Err(Error::Data(format!(
                    "{place}, row {}: percentage \"{pct_text}\" is not a number (expected e.g. 10)",
                    raw.row
                )));
            }
        };
        let pct = percentage(path, &format!("row {}", raw.row), pct)?;
        out.push(ExistingDiscount {
            scope,
            percentage: pct,
        });
    }
    Ok(out)
}

fn dec(v: &Value) -> Option<Decimal> {
    match v {
        Value::Number(n) => n.to_string().parse().ok(),
        Value::String(s) => parse_number(s, false).ok().flatten(),
        _ => None,
    }
}

/// Both the simplified shape (`discounts: [{scope: {type, id}, discount: {percentage}}]`) and the
/// real API shape (`discounts: {values: [{percentage, specificItemsInfo: {scopes: [...]}}]}`,
/// scopes `CATALOG_ITEM` with `catalogItemFilter.catalogItemIds`, `CUSTOM_FILTER` with
/// `customFilter.params.collectionIds`, target `ALL_ITEMS` for the whole site).
fn from_wix(path: &Path, v: &Value) -> Result<Vec<ExistingDiscount>> {
    let rules = v
        .get("discountRules")
        .or_else(|| v.get("discount_rules"))
        .and_then(Value::as_array)
        .or_else(|| v.as_array())
        .ok_or_else(|| {
            Error::Data(format!(
                "{}: expected a Wix query-discount-rules response with a \"discountRules\" list",
                path.display()
            ))
        })?;
    let mut out = Vec::new();
    for (i, rule) in rules.iter().enumerate() {
        if rule.get("active").and_then(Value::as_bool) == Some(false) {
            continue;
        }
        let where_ = format!("discountRules[{i}]");
        let discounts: Vec<&Value> = match rule.get("discounts") {
            Some(Value::Array(a)) => a.iter().collect(),
            Some(obj @ Value::Object(_)) => match obj.get("values") {
                Some(Value::Array(a)) => a.iter().collect(),
                _ => vec![obj],
            },
            _ => Vec::new(),
        };
        for d in discounts {
            let pct = d
                .get("discount")
                .and_then(|x| x.get("percentage"))
                .or_else(|| d.get("percentage"))
                .and_then(dec);
            let Some(pct) = pct else { continue };
            let pct = percentage(path, &where_, pct)?;
            if d.get("targetType").and_then(Value::as_str) == Some("ALL_ITEMS") {
                out.push(ExistingDiscount {
                    scope: Scope::Site,
                    percentage: pct,
                });
                continue;
            }
            let mut scopes: Vec<&Value> = Vec::new();
            if let Some(s) = d.get("scope") {
                scopes.push(s);
            }
            if let Some(Value::Array(a)) = d.get("scopes") {
                scopes.extend(a.iter());
            }
            if let Some(Value::Array(a)) = d.get("specificItemsInfo").and_then(|x| x.get("scopes"))
            {
                scopes.extend(a.iter());
            }
            for s in scopes {
                let kind = s.get("type").and_then(Value::as_str).unwrap_or_default();
                let mut ids: Vec<String> = Vec::new();
                if let Some(id) = s.get("id").and_then(Value::as_str) {
                    ids.push(id.to_string());
                }
                if let Some(Value::Array(a)) = s
                    .get("catalogItemFilter")
                    .and_then(|x| x.get("catalogItemIds"))
                {
                    ids.extend(a.iter().filter_map(Value::as_str).map(str::to_string));
                }
                if let Some(Value::Array(a)) = s
                    .get("customFilter")
                    .and_then(|x| x.get("params"))
                    .and_then(|x| x.get("collectionIds"))
                {
                    for id in a.iter().filter_map(Value::as_str) {
                        out.push(ExistingDiscount {
                            scope: Scope::Category(id.to_string()),
                            percentage: pct,
                        });
                    }
                }
                if kind.eq_ignore_ascii_case("SITE") || kind.eq_ignore_ascii_case("ALL_ITEMS") {
                    out.push(ExistingDiscount {
                        scope: Scope::Site,
                        percentage: pct,
                    });
                    continue;
                }
                for id in ids {
                    if let Some(scope) = scope_of(kind, id) {
                        out.push(ExistingDiscount {
                            scope,
                            percentage: pct,
                        });
                    }
                }
            }
        }
    }
    Ok(out)
}
