//! WooCommerce: a product CSV for WooCommerce's own importer (Products > Import, "Update
//! existing products"), and its revert file (see docs/platforms.md).
//!
//! Header names are WooCommerce's English ones whatever the export's language: the importer
//! maps `ID`, `SKU`, `Regular price`, `Sale price`, `Date sale price starts` and `Date sale
//! price ends` on every site, because `wc_importer_default_english_mappings` adds the English
//! names to the mapping when the admin language is not en_US
//! (woocommerce/woocommerce, plugins/woocommerce/includes/admin/importers/mappings/default.php).
//!
//! Sale dates are `YYYY-MM-DD`: the importer's `parse_date_field` accepts exactly that (an
//! optional time is dropped; the end date is written as the day after the campaign's last day,
//! see `files`) and reads an empty cell as "no date"
//! (plugins/woocommerce/includes/import/class-wc-product-csv-importer.php). Every column of the
//! file is set on the product, empty ones included, so the revert file's blank sale price and
//! dates clear what the campaign set.

use super::{PlatformFiles, campaign_dates, export_row, scheduled_after, scheduled_warning};
use crate::campaign::package::Campaign;
use crate::error::Result;
use crate::model::Plan;

const IMPORT: &str = "woocommerce-import.csv";
const REVERT: &str = "woocommerce-revert.csv";

/// One row per product or variation the campaign discounts, matched by ID (when the export had
/// an ID column) and SKU. Import: the export's regular price, the clearance price as the sale
/// price, the campaign dates. Revert: the export's regular price, sale price and sale dates
/// verbatim (blank where blank).
pub fn files(c: &Campaign, plan: &Plan) -> Result<PlatformFiles> {
    let mut warnings = Vec::new();
    if !super::read_as(plan, "woocommerce", IMPORT, &mut warnings) {
        return Ok(PlatformFiles {
            csv: Vec::new(),
            warnings,
        });
    }
    let with_id = plan
        .lines
        .iter()
        .filter_map(|l| l.export())
        .any(|e| e.has("row_id"));
    let (start, _) = campaign_dates(c);
    // The importer stores a date-only `Date sale price ends` as 00:00 of that day, so the sale
    // would stop as the last day starts (woocommerce/woocommerce#35321, open; #66634): the day
    // after the campaign's last day ends it at the end of the last day.
    let end = c
        .header
        .end
        .succ_opt()
        .unwrap_or(c.header.end)
        .format("%Y-%m-%d")
        .to_string();
    let units = super::units(
        c,
        plan,
        "product",
        IMPORT,
        |l| l.sku.to_string(),
        &mut warnings,
    );
    let mut import = Vec::new();
    let mut revert = Vec::new();
    let mut unmatched = Vec::new();
    let mut scheduled = Vec::new();
    for u in &units {
        let (Some(depth), Some(line)) = (u.depth, u.lines.first()) else {
            continue;
        };
        let Some(e) = export_row(u, IMPORT, &mut warnings) else {
            continue;
        };
        if e.get("row_id").is_empty() && e.get("sku").is_empty() {
            unmatched.push(u.key.clone());
            continue;
        }
        if scheduled_after(e, &["sale_price"], "sale_from", &plan.as_of) {
            scheduled.push(u.key.clone());
        }
        let mut key = Vec::new();
        if with_id {
            key.push(e.get("row_id").to_string());
        }
        key.push(e.get("sku").to_string());
        let Some(price) = super::unit_price(line, depth) else {
            warnings.push(super::no_price_warning(IMPORT, &u.key));
            continue;
        };
        let mut row = key.clone();
        row.extend([
            e.get("price").to_string(),
            price,
            start.clone(),
            end.clone(),
        ]);
        import.push(row);
        let mut row = key;
        row.extend(["price", "sale_price", "sale_from", "sale_to"].map(|k| e.get(k).to_string()));
        revert.push(row);
    }
    if !unmatched.is_empty() {
        warnings.push(super::file_warning(IMPORT, format!(
                "{} product(s) are left out: their export row has neither ID nor SKU, so WooCommerce's importer cannot match them ({}); price-list.csv still carries their prices",
                unmatched.len(),
                super::list(&unmatched)
            )));
    }
    warnings.extend(scheduled_warning(IMPORT, "product", &scheduled));
    warnings.extend(super::live_sale_warning(IMPORT, &units, &start));
    let mut header: Vec<String> = Vec::new();
    if with_id {
        header.push("ID".into());
    }
    header.extend(
        [
            "SKU",
            "Regular price",
            "Sale price",
            "Date sale price starts",
            "Date sale price ends",
        ]
        .map(String::from),
    );
    Ok(PlatformFiles {
        csv: super::file_pair((IMPORT, REVERT), b',', header, import, revert),
        warnings,
    })
}
