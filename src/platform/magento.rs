//! Magento 2: a product CSV for System > Data Transfer > Import (entity type Products, import
//! behavior Add/Update), and its revert file (see docs/platforms.md).
//!
//! Dates are `YYYY-MM-DD`: the importer's validator takes any date `strtotime` reads, and
//! `special_from_date` / `special_to_date` are saved through `DateTime::formatDate`, which reads
//! an ISO date without the month/day ambiguity of `m/d/y`
//! (magento/magento2, app/code/Magento/CatalogImportExport/Model/Import/Product.php and
//! Product/Validator.php).

use super::{PlatformFiles, campaign_dates, export_row, scheduled_after, scheduled_warning};
use crate::campaign::package::Campaign;
use crate::error::Result;
use crate::model::{ExportRow, Plan, Warning};

const IMPORT: &str = "magento-import.csv";
const REVERT: &str = "magento-revert.csv";

/// What the revert file writes for a cell the export left blank.
///
/// An empty cell in a Magento import leaves the attribute as it is (the importer turns `""`
/// into null and drops it before saving, magento/magento2#7468), so a blank would leave the
/// campaign's special price in place. Since Magento 2.3 the import form's "Empty attribute
/// value constant" (default `__EMPTY__VALUE__`, `Import::DEFAULT_EMPTY_ATTRIBUTE_VALUE_CONSTANT`)
/// in a cell clears the attribute: `AbstractType::clearEmptyData` turns it into null and saves
/// it, and the validator accepts it for any attribute that is not required. The revert file
/// writes it for a special price or date the export left blank, so loading it removes what the
/// campaign set; the merchant keeps the form's default constant.
pub const EMPTY_VALUE: &str = "__EMPTY__VALUE__";

/// One row per product the campaign discounts (the default scope row: store-view rows are not
/// plan lines). Import: `special_price` = the clearance price with the campaign dates. Revert:
/// the export's special price and dates verbatim, blank ones as [`EMPTY_VALUE`].
pub fn files(c: &Campaign, plan: &Plan) -> Result<PlatformFiles> {
    let mut warnings = Vec::new();
    if !super::read_as(plan, "magento", IMPORT, &mut warnings) {
        return Ok(PlatformFiles {
            csv: Vec::new(),
            warnings,
        });
    }
    let exports: Vec<&ExportRow> = plan.lines.iter().filter_map(|l| l.export()).collect();
    let with_store = exports.iter().any(|e| e.has("store_view_code"));
    let with_websites = exports.iter().any(|e| e.has("websites"));
    let (start, end) = campaign_dates(c);
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
    let mut scheduled = Vec::new();
    for u in &units {
        let (Some(depth), Some(line)) = (u.depth, u.lines.first()) else {
            continue;
        };
        let Some(e) = export_row(u, IMPORT, &mut warnings) else {
            continue;
        };
        if e.get("sku").is_empty() {
            warnings.push(Warning {
                file: IMPORT.to_string(),
                sheet: None,
                row: None,
                column: Some("sku".into()),
                message: format!(
                    "{} is left out: its export row has no sku, which Magento's importer needs to find the product",
                    u.key
                ),
            });
            continue;
        }
        if scheduled_after(e, &["sale_price"], "sale_from", &plan.as_of) {
            scheduled.push(u.key.clone());
        }
        let mut key = vec![e.get("sku").to_string()];
        if with_store {
            key.push(e.get("store_view_code").to_string());
        }
        if with_websites {
            key.push(e.get("websites").to_string());
        }
        let mut row = key.clone();
        let Some(price) = super::unit_price(line, depth) else {
            warnings.push(super::no_price_warning(IMPORT, &u.key));
            continue;
        };
        row.extend([price, start.clone(), end.clone()]);
        import.push(row);
        let mut row = key;
        row.extend(
            ["sale_price", "sale_from", "sale_to"].map(|k| match e.get(k) {
                v if v.trim().is_empty() => EMPTY_VALUE.to_string(),
                v => v.to_string(),
            }),
        );
        revert.push(row);
    }
    warnings.extend(scheduled_warning(IMPORT, "product", &scheduled));
    warnings.extend(super::live_sale_warning(IMPORT, &units, &start));
    let mut header = vec!["sku".to_string()];
    if with_store {
        header.push("store_view_code".into());
    }
    if with_websites {
        header.push("product_websites".into());
    }
    header.extend(
        [
            "special_price",
            "special_price_from_date",
            "special_price_to_date",
        ]
        .map(String::from),
    );
    Ok(PlatformFiles {
        csv: super::file_pair((IMPORT, REVERT), b',', header, import, revert),
        warnings,
    })
}
