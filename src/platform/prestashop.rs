//! PrestaShop: a product CSV for Advanced Parameters > Import (entity Products, `;` separator
//! like the export), and its revert file (see docs/platforms.md).
//!
//! Header names are the field labels of PrestaShop's product import (`ID`, `Reference #`,
//! `Discount amount`, `Discount percent`, `Discount from (yyyy-mm-dd)`, `Discount to
//! (yyyy-mm-dd)`: `AdminImportController::$available_fields`, PrestaShop/PrestaShop
//! controllers/admin/AdminImportController.php). The import screen does not match columns by
//! name (it proposes fields by position), so docs/platforms.md gives the six mappings to choose.
//! The importer turns a row whose amount or percent is above zero into the product's catalog
//! discount (a specific price for one unit, all customers), updating the one live on the day of
//! the import instead of adding a second one; it skips a row without amount or percent.

use super::{PlatformFiles, campaign_dates, export_row, scheduled_after};
use crate::campaign::package::Campaign;
use crate::error::Result;
use crate::model::{ExportRow, Plan};
use rust_decimal::{Decimal, RoundingStrategy};

const IMPORT: &str = "prestashop-import.csv";
const REVERT: &str = "prestashop-revert.csv";

/// The discount as a percent of the regular (tax-excluded) price that makes the customer pay
/// `clearance`: 100 × (1 − clearance / regular), cut (not rounded) to 4 decimals.
///
/// Percent, not amount: the importer stores an amount with PrestaShop's default
/// `reduction_tax = 1` (tax included, `SpecificPrice::$reduction_tax`; the import never sets
/// it), while the planner's prices are the export's `Price tax excluded`, so an amount of
/// regular − clearance would miss the planned price on every taxed product. A percent takes the
/// same share off before and after tax.
///
/// Four decimals: the importer stores percent / 100 in `specific_price.reduction`, a
/// DECIMAL(20,6), so four decimals of percent are kept exactly. Cut toward zero, the price paid
/// is never below the planned clearance price, and above it by less than regular × 0.000001:
/// rounded to the cent it is the clearance price up to a regular price of 5000.
pub fn percent_off(regular: Decimal, clearance: Decimal) -> Option<Decimal> {
    if regular <= Decimal::ZERO || clearance <= Decimal::ZERO || clearance >= regular {
        return None;
    }
    let pct = Decimal::ONE_HUNDRED * (Decimal::ONE - clearance / regular);
    Some(
        pct.round_dp_with_strategy(4, RoundingStrategy::ToZero)
            .normalize(),
    )
}

/// Whether the export row carries a discount (amount or percent above zero).
fn has_discount(e: &ExportRow) -> bool {
    ["discount_amount", "discount_percent"].iter().any(|k| {
        e.get(k)
            .trim()
            .replace(',', ".")
            .parse::<Decimal>()
            .is_ok_and(|d| d > Decimal::ZERO)
    })
}

/// One row per product the campaign discounts, matched by ID and/or reference as the export
/// had them. Import: `Discount percent` (see [`percent_off`]), amount blank, from the first
/// campaign day to the end of the last (`23:59:59`: PrestaShop's `to` is a date-time and a bare
/// date would end the discount as the last day starts; `Validate::isDate` takes the time).
/// Revert: the export's amount, percent and dates verbatim for a discount that was live on the
/// plan's as-of date (the one the import updates); blank for the others, which the importer
/// skips: a discount the export shows as ended or scheduled is never touched by the import, and
/// writing it back would add a copy.
pub fn files(c: &Campaign, plan: &Plan) -> Result<PlatformFiles> {
    let mut warnings = Vec::new();
    if !super::read_as(plan, "prestashop", IMPORT, &mut warnings) {
        return Ok(PlatformFiles {
            csv: Vec::new(),
            warnings,
        });
    }
    let exports: Vec<&ExportRow> = plan.lines.iter().filter_map(|l| l.export()).collect();
    let with_id = exports.iter().any(|e| e.has("product_id"));
    let with_ref = exports.iter().any(|e| e.has("sku"));
    let (start, end) = campaign_dates(c);
    let end = format!("{end} 23:59:59");
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
    let mut undeletable = Vec::new();
    for u in &units {
        let (Some(depth), Some(line)) = (u.depth, u.lines.first()) else {
            continue;
        };
        let Some(e) = export_row(u, IMPORT, &mut warnings) else {
            continue;
        };
        let regular = line.list_price.parse::<Decimal>().ok();
        let clearance = super::unit_price(line, depth).and_then(|p| p.parse::<Decimal>().ok());
        let pct = regular.zip(clearance).and_then(|(r, c)| percent_off(r, c));
        let Some(pct) =
            pct.filter(|_| !(e.get("product_id").is_empty() && e.get("sku").is_empty()))
        else {
            warnings.push(super::file_warning(IMPORT, format!(
                    "{} is left out: its export row has no Product ID or reference, or its price gives no discount to write; price-list.csv still carries its price",
                    u.key
                )));
            continue;
        };
        if scheduled_after(
            e,
            &["discount_amount", "discount_percent"],
            "sale_from",
            &plan.as_of,
        ) {
            scheduled.push(u.key.clone());
        }
        if !has_discount(e) || line.live_price.is_none() {
            undeletable.push(u.key.clone());
        }
        let mut key = Vec::new();
        if with_id {
            key.push(e.get("product_id").to_string());
        }
        if with_ref {
            key.push(e.get("sku").to_string());
        }
        let mut row = key.clone();
        row.extend([String::new(), pct.to_string(), start.clone(), end.clone()]);
        import.push(row);
        let mut row = key;
        let was_live = u.lines.iter().any(|l| l.live_price.is_some());
        row.extend(
            [
                "discount_amount",
                "discount_percent",
                "sale_from",
                "sale_to",
            ]
            .map(|k| {
                if was_live {
                    e.get(k).to_string()
                } else {
                    String::new()
                }
            }),
        );
        revert.push(row);
    }
    if !scheduled.is_empty() {
        warnings.push(super::file_warning(IMPORT, format!(
                "{} product(s) have a discount scheduled to start after the plan's as-of date ({}): PrestaShop's import updates only a discount live on the day of the import, so it adds the campaign's beside the scheduled one, and PrestaShop applies one of them where both run; delete the scheduled discount for the campaign (Pricing > Specific prices) or end the campaign before it starts",
                scheduled.len(),
                super::list(&scheduled)
            )));
    }
    warnings.extend(super::live_sale_warning(IMPORT, &units, &start));
    if !undeletable.is_empty() {
        warnings.push(super::file_warning(REVERT, format!(
                "{} product(s) had no discount live before the campaign ({}): PrestaShop's import cannot delete a discount (it skips a row without amount or percent), so {REVERT} leaves the campaign's discount on them (blank row); it stops by itself after the campaign's last day, and to stop it sooner delete it on the product page (Pricing > Specific prices)",
                undeletable.len(),
                super::list(&undeletable)
            )));
    }
    let mut header: Vec<String> = Vec::new();
    if with_id {
        header.push("ID".into());
    }
    if with_ref {
        header.push("Reference #".into());
    }
    header.extend(
        [
            "Discount amount",
            "Discount percent",
            "Discount from (yyyy-mm-dd)",
            "Discount to (yyyy-mm-dd)",
        ]
        .map(String::from),
    );
    Ok(PlatformFiles {
        csv: super::file_pair((IMPORT, REVERT), b';', header, import, revert),
        warnings,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    /// The price PrestaShop computes from a percent, rounded to the cent.
    fn paid(regular: &str, pct: Decimal) -> Decimal {
        (d(regular) * (Decimal::ONE - pct / Decimal::ONE_HUNDRED))
            .round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero)
    }

    #[test]
    fn percent_gives_the_clearance_price_and_never_less() {
        assert_eq!(percent_off(d("100"), d("76.50")), Some(d("23.5")));
        assert_eq!(percent_off(d("1500"), d("1275.00")), Some(d("15")));
        for (r, c) in [("60", "44.99"), ("33.33", "24.99"), ("4999.99", "3749.99")] {
            let p = percent_off(d(r), d(c)).unwrap();
            assert!(p.scale() <= 4, "{p}");
            assert_eq!(paid(r, p), d(c), "{r} -> {c} at {p}%");
            assert!(d(r) * (Decimal::ONE - p / Decimal::ONE_HUNDRED) >= d(c));
        }
        assert_eq!(percent_off(d("10"), d("10")), None);
        assert_eq!(percent_off(d("0"), d("5")), None);
    }
}
