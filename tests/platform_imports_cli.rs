//! `apply --platform`: the import and revert files of WooCommerce, Magento and PrestaShop, made
//! from the real exports (plan with --as-of 2026-11-20, apply the unedited upload template for
//! 2026-12-01..2026-12-31), read back with the csv crate and checked against campaign.json and
//! the export's own cells.
mod common;

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use common::*;
use rust_decimal::Decimal;
use serde_json::Value;
use tempfile::TempDir;

const AS_OF: &str = "2026-11-20";
const START: &str = "2026-12-01";
const END: &str = "2026-12-31";
/// WooCommerce's importer ends a sale at 00:00 of its end date: the day after the last day.
const WOO_END: &str = "2027-01-01";

/// A plan and its campaign in a temporary folder.
struct Done {
    _dir: TempDir,
    campaign_dir: PathBuf,
    plan_stderr: String,
    apply_stderr: String,
}

impl Done {
    fn campaign(&self) -> Value {
        let text = std::fs::read_to_string(self.campaign_dir.join("campaign.json"))
            .expect("campaign.json readable");
        serde_json::from_str(&text).expect("campaign.json is JSON")
    }
    /// The campaign lines by sku.
    fn lines(&self) -> HashMap<String, Value> {
        self.campaign()["lines"]
            .as_array()
            .expect("lines")
            .iter()
            .map(|l| (s(&l["sku"]).to_string(), l.clone()))
            .collect()
    }
    fn csv(&self, name: &str, delimiter: u8) -> Table {
        Table::read(&self.campaign_dir.join(name), delimiter)
    }
}

/// `plan CATALOG` then `apply` of its unedited template.
fn plan_and_apply(catalog: &str) -> Done {
    let dir = tempfile::tempdir().expect("tempdir");
    let plan_dir = dir.path().join("plan");
    let plan = bin()
        .arg("plan")
        .arg(catalog)
        .args(["--as-of", AS_OF, "--out"])
        .arg(&plan_dir)
        .output()
        .expect("run plan");
    let plan_stderr = String::from_utf8_lossy(&plan.stderr).into_owned();
    assert_eq!(plan.status.code(), Some(0), "plan failed:\n{plan_stderr}");
    let campaigns = dir.path().join("campaigns");
    let apply = bin()
        .arg("apply")
        .arg(plan_dir.join("upload-template.xlsx"))
        .arg("--plan")
        .arg(plan_dir.join("plan.json"))
        .arg("--out")
        .arg(&campaigns)
        .args(["--name", "Platform test", "--start", START, "--end", END])
        .args(["--as-of", AS_OF])
        .output()
        .expect("run apply");
    let apply_stderr = String::from_utf8_lossy(&apply.stderr).into_owned();
    assert_eq!(
        apply.status.code(),
        Some(0),
        "apply failed:\n{apply_stderr}"
    );
    let campaign_dir = std::fs::read_dir(&campaigns)
        .expect("campaigns folder")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .find(|p| p.is_dir())
        .expect("one campaign folder");
    Done {
        _dir: dir,
        campaign_dir,
        plan_stderr,
        apply_stderr,
    }
}

/// A CSV read back: header and rows as strings.
struct Table {
    header: Vec<String>,
    rows: Vec<Vec<String>>,
}

impl Table {
    fn read(path: &Path, delimiter: u8) -> Table {
        let bytes = read_bytes(path);
        let bytes = bytes
            .strip_prefix(b"\xef\xbb\xbf")
            .unwrap_or(&bytes)
            .to_vec();
        let mut r = csv::ReaderBuilder::new()
            .delimiter(delimiter)
            .from_reader(bytes.as_slice());
        let header = r
            .headers()
            .expect("header")
            .iter()
            .map(String::from)
            .collect();
        let rows = r
            .records()
            .map(|rec| rec.expect("record").iter().map(String::from).collect())
            .collect();
        Table { header, rows }
    }
    fn col(&self, name: &str) -> usize {
        self.header
            .iter()
            .position(|h| h == name)
            .unwrap_or_else(|| panic!("no column {name:?} in {:?}", self.header))
    }
    /// The cell of `column` in the row whose `key` column is `value`.
    fn cell(&self, key: &str, value: &str, column: &str) -> &str {
        let (k, c) = (self.col(key), self.col(column));
        let found: Vec<&Vec<String>> = self.rows.iter().filter(|r| r[k] == value).collect();
        assert_eq!(found.len(), 1, "one row with {key} = {value:?}");
        &found[0][c]
    }
    fn column(&self, name: &str) -> Vec<&str> {
        let c = self.col(name);
        self.rows.iter().map(|r| r[c].as_str()).collect()
    }
}

fn dec(s: &str) -> Decimal {
    s.parse()
        .unwrap_or_else(|e| panic!("{s:?} is not a number: {e}"))
}

/// The campaign line's sku for an export row matched by ID: the planner keys a row without a
/// SKU as `id:N`.
fn woo_sku(id: &str, sku: &str) -> String {
    if sku.is_empty() {
        format!("id:{id}")
    } else {
        sku.to_string()
    }
}

/// WooCommerce: every column, one row per campaign line, the campaign's clearance price as the
/// sale price with the campaign dates; the revert row is the export's cells.
fn check_woocommerce(
    catalog: &str,
    cols: [&str; 5], // the export's ID, SKU, regular price, sale price and sale start columns
    sale_to: &str,
) -> Done {
    let done = plan_and_apply(catalog);
    let lines = done.lines();
    let import = done.csv("woocommerce-import.csv", b',');
    let revert = done.csv("woocommerce-revert.csv", b',');
    let header = [
        "ID",
        "SKU",
        "Regular price",
        "Sale price",
        "Date sale price starts",
        "Date sale price ends",
    ];
    assert_eq!(import.header, header);
    assert_eq!(revert.header, header);
    assert_eq!(import.rows.len(), lines.len(), "one row per campaign line");
    assert_eq!(revert.rows.len(), lines.len());
    let export = Table::read(&fixture(catalog), b',');
    let [id_col, sku_col, regular_col, sale_col, from_col] = cols;
    for row in &import.rows {
        let (id, sku) = (row[0].as_str(), row[1].as_str());
        let line = &lines[&woo_sku(id, sku)];
        assert_eq!(row[2], export.cell(id_col, id, regular_col), "{id} regular");
        assert_eq!(row[3], s(&line["clearance_price"]), "{id} sale price");
        assert_eq!(dec(&row[2]), dec(s(&line["list_price"])), "{id} regular");
        assert_eq!(
            (row[4].as_str(), row[5].as_str()),
            (START, WOO_END),
            "{id} dates"
        );
        assert_eq!(export.cell(id_col, id, sku_col), sku);
        let back = &revert.rows[revert.column("ID").iter().position(|v| *v == id).unwrap()];
        assert_eq!(back[1], sku);
        assert_eq!(back[2], export.cell(id_col, id, regular_col));
        assert_eq!(back[3], export.cell(id_col, id, sale_col));
        assert_eq!(back[4], export.cell(id_col, id, from_col));
        assert_eq!(back[5], export.cell(id_col, id, sale_to));
    }
    done
}

#[test]
fn woocommerce_english_export() {
    let done = check_woocommerce(
        "fixtures/woocommerce/products_export.csv",
        [
            "ID",
            "SKU",
            "Regular price",
            "Sale price",
            "Date sale price starts",
        ],
        "Date sale price ends",
    );
    let import = done.csv("woocommerce-import.csv", b',');
    let revert = done.csv("woocommerce-revert.csv", b',');
    // woo-fashion-shirt: regular 20, sale 18 live (10%); 5% more from 18 -> 17.10.
    assert_eq!(
        import.cell("SKU", "woo-fashion-shirt", "Sale price"),
        "17.10"
    );
    assert_eq!(
        import.cell("SKU", "woo-fashion-shirt", "Regular price"),
        "20"
    );
    assert_eq!(revert.cell("SKU", "woo-fashion-shirt", "Sale price"), "18");
    // A product without a sale: the revert clears the campaign's sale price and dates.
    assert_eq!(revert.cell("SKU", "woo-fashion-shoes", "Sale price"), "");
    assert_eq!(
        revert.cell("SKU", "woo-fashion-shoes", "Date sale price starts"),
        ""
    );
    assert_eq!(
        revert.cell("SKU", "woo-fashion-shoes", "Date sale price ends"),
        ""
    );
}

#[test]
fn woocommerce_pt_br_export_uses_english_headers() {
    let done = check_woocommerce(
        "fixtures/woocommerce/products_pt-BR.csv",
        [
            "ID",
            "REF",
            "Preço",
            "Preço promocional",
            "Data de preço promocional começa em",
        ],
        "Data de preço promocional termina em",
    );
    let import = done.csv("woocommerce-import.csv", b',');
    let revert = done.csv("woocommerce-revert.csv", b',');
    assert_eq!(import.column("ID"), ["74", "68", "66"]);
    // id:66: 500 regular, 450 live (10%), planned 5% more from 450 -> 427.50.
    assert_eq!(import.cell("ID", "66", "Regular price"), "500");
    assert_eq!(import.cell("ID", "66", "Sale price"), "427.50");
    assert_eq!(revert.cell("ID", "66", "Sale price"), "450");
    assert_eq!(revert.cell("ID", "66", "Regular price"), "500");
    // id:74: 1000 regular, 980 live, 13% more -> 852.60.
    assert_eq!(import.cell("ID", "74", "Sale price"), "852.60");
    // id:73 (900 regular, 450 on sale) is skipped `stacking`: not in either file.
    assert!(!import.column("ID").contains(&"73"));
    assert!(!revert.column("ID").contains(&"73"));
    let lines = done.lines();
    assert!(!lines.contains_key("id:73"));
}

#[test]
fn woocommerce_ended_and_scheduled_sales() {
    let catalog = "fixtures/woocommerce/products_sale_schedule.csv";
    let done = check_woocommerce(
        catalog,
        [
            "ID",
            "SKU",
            "Regular price",
            "Sale price",
            "Date sale price starts",
        ],
        "Date sale price ends",
    );
    let lines = done.lines();
    let import = done.csv("woocommerce-import.csv", b',');
    let revert = done.csv("woocommerce-revert.csv", b',');
    // Ended (30 until 2026-10-31): not live, planned from the regular price 40.
    let ended = &lines["SALE-ENDED"];
    assert!(
        ended.get("live_price").is_none_or(Value::is_null),
        "{ended}"
    );
    let pct = dec(s(&ended["discount_pct"]));
    let from_regular =
        (dec("40") * (Decimal::ONE_HUNDRED - pct) / Decimal::ONE_HUNDRED).round_dp(2);
    assert_eq!(
        dec(import.cell("SKU", "SALE-ENDED", "Sale price")),
        from_regular
    );
    assert_eq!(import.cell("SKU", "SALE-ENDED", "Sale price"), "34.00");
    // Its revert puts the ended sale's cells back as they were.
    assert_eq!(revert.cell("SKU", "SALE-ENDED", "Sale price"), "30");
    assert_eq!(
        revert.cell("SKU", "SALE-ENDED", "Date sale price ends"),
        "2026-10-31"
    );
    // Scheduled (35 from 2026-12-10): not live, warned at plan and at apply, by name at apply.
    let future = &lines["SALE-FUTURE"];
    assert!(future.get("live_price").is_none_or(Value::is_null));
    assert_eq!(import.cell("SKU", "SALE-FUTURE", "Sale price"), "42.50");
    assert!(
        done.plan_stderr.contains("scheduled") && done.plan_stderr.contains("2026-12-10"),
        "{}",
        done.plan_stderr
    );
    assert!(
        done.apply_stderr.contains("SALE-FUTURE") && done.apply_stderr.contains("scheduled"),
        "{}",
        done.apply_stderr
    );
    let scheduled_warning = done
        .apply_stderr
        .lines()
        .find(|l| l.contains("scheduled"))
        .unwrap_or_default();
    assert!(
        !scheduled_warning.contains("SALE-ENDED"),
        "{scheduled_warning}"
    );
    // The revert restores the scheduled sale's price and dates verbatim.
    assert_eq!(revert.cell("SKU", "SALE-FUTURE", "Sale price"), "35");
    assert_eq!(
        revert.cell("SKU", "SALE-FUTURE", "Date sale price starts"),
        "2026-12-10"
    );
    assert_eq!(
        revert.cell("SKU", "SALE-FUTURE", "Date sale price ends"),
        "2026-12-20"
    );
}

/// Magento: sku, scope and websites as exported, special price = clearance price with the
/// campaign dates; revert = the export's cells, `__EMPTY__VALUE__` where they were blank.
fn check_magento(catalog: &str) -> Done {
    let done = plan_and_apply(catalog);
    let lines = done.lines();
    let import = done.csv("magento-import.csv", b',');
    let revert = done.csv("magento-revert.csv", b',');
    let header = [
        "sku",
        "store_view_code",
        "product_websites",
        "special_price",
        "special_price_from_date",
        "special_price_to_date",
    ];
    assert_eq!(import.header, header);
    assert_eq!(revert.header, header);
    assert_eq!(import.rows.len(), lines.len());
    assert_eq!(revert.rows.len(), lines.len());
    let export = Table::read(&fixture(catalog), b',');
    for row in &import.rows {
        let sku = row[0].as_str();
        let line = &lines[sku];
        assert_eq!(row[1], "", "{sku}: default scope");
        assert_eq!(row[2], export.cell("sku", sku, "product_websites"));
        assert_eq!(row[3], s(&line["clearance_price"]), "{sku}");
        assert_eq!((row[4].as_str(), row[5].as_str()), (START, END));
        for col in [
            "special_price",
            "special_price_from_date",
            "special_price_to_date",
        ] {
            let was = export.cell("sku", sku, col);
            let want = if was.is_empty() {
                "__EMPTY__VALUE__"
            } else {
                was
            };
            assert_eq!(revert.cell("sku", sku, col), want, "{sku} {col}");
        }
    }
    done
}

#[test]
fn magento_sample_export() {
    let done = check_magento("fixtures/magento/catalog_product.csv");
    let import = done.csv("magento-import.csv", b',');
    let revert = done.csv("magento-revert.csv", b',');
    // 24-WG085: 14, no special price, 15% (no cost data) -> 11.90.
    assert_eq!(import.cell("sku", "24-WG085", "special_price"), "11.90");
    assert_eq!(
        revert.cell("sku", "24-WG085", "special_price"),
        "__EMPTY__VALUE__"
    );
    assert_eq!(import.cell("sku", "24-WG087", "special_price"), "17.85");
}

#[test]
fn magento_live_and_ended_special_prices() {
    let done = check_magento("fixtures/magento/catalog_product_special.csv");
    let lines = done.lines();
    let import = done.csv("magento-import.csv", b',');
    let revert = done.csv("magento-revert.csv", b',');
    // 24-WG085: 14 regular, special 13.30 live (2026-11-01..2026-12-31, 5%): 10% more from
    // 13.30 -> 11.97; the revert puts 13.30 and its dates back.
    let live = &lines["24-WG085"];
    assert_eq!(s(&live["live_price"]), "13.30");
    assert_eq!(import.cell("sku", "24-WG085", "special_price"), "11.97");
    assert_eq!(revert.cell("sku", "24-WG085", "special_price"), "13.30");
    assert_eq!(
        revert.cell("sku", "24-WG085", "special_price_from_date"),
        "2026-11-01"
    );
    assert_eq!(
        revert.cell("sku", "24-WG085", "special_price_to_date"),
        "2026-12-31"
    );
    // 24-WG086: special 15 ended 2026-06-30: not live, planned from 17 -> 14.45.
    assert!(
        lines["24-WG086"]
            .get("live_price")
            .is_none_or(Value::is_null)
    );
    assert_eq!(import.cell("sku", "24-WG086", "special_price"), "14.45");
    assert_eq!(revert.cell("sku", "24-WG086", "special_price"), "15");
    assert_eq!(
        revert.cell("sku", "24-WG086", "special_price_to_date"),
        "2026-06-30"
    );
}

#[test]
fn prestashop_sample_import_file() {
    let catalog = "fixtures/prestashop/products_import.csv";
    let done = plan_and_apply(catalog);
    let lines = done.lines();
    let import = done.csv("prestashop-import.csv", b';');
    let revert = done.csv("prestashop-revert.csv", b';');
    let header = [
        "ID",
        "Reference #",
        "Discount amount",
        "Discount percent",
        "Discount from (yyyy-mm-dd)",
        "Discount to (yyyy-mm-dd)",
    ];
    assert_eq!(import.header, header);
    assert_eq!(revert.header, header);
    assert_eq!(import.rows.len(), lines.len());
    assert_eq!(revert.rows.len(), lines.len());
    let export = Table::read(&fixture(catalog), b';');
    for row in &import.rows {
        let (id, reference) = (row[0].as_str(), row[1].as_str());
        assert_eq!(export.cell("Product ID", id, "Reference #"), reference);
        let line = &lines[reference];
        let regular = dec(s(&line["list_price"]));
        let clearance = dec(s(&line["clearance_price"]));
        assert_eq!(
            regular,
            dec(export.cell("Product ID", id, "Price tax excluded"))
        );
        // Percent only, at most 4 decimals; the price it gives is the clearance price to the
        // cent and never below it.
        assert_eq!(row[2], "", "{reference}: amount left blank");
        let pct = dec(&row[3]);
        assert!(pct.scale() <= 4, "{pct}");
        let paid = regular * (Decimal::ONE_HUNDRED - pct) / Decimal::ONE_HUNDRED;
        assert!(paid >= clearance, "{reference}: {paid} < {clearance}");
        assert_eq!(paid.round_dp(2), clearance, "{reference}");
        assert_eq!(row[4], START);
        assert_eq!(row[5], format!("{END} 23:59:59"));
        // No discount is live on the as-of date (they ended in 2018): the import adds the
        // campaign's and never touches the old ones, so the revert row is blank (skipped by the
        // importer) rather than a copy of an ended discount.
        for col in [
            "Discount amount",
            "Discount percent",
            "Discount from (yyyy-mm-dd)",
            "Discount to (yyyy-mm-dd)",
        ] {
            assert_eq!(revert.cell("ID", id, col), "", "{reference} {col}");
        }
    }
    // MacBook Air: 1500, its 100 off ended in 2018: planned 18% from 1500 -> 1230.
    assert_eq!(import.cell("ID", "3", "Discount percent"), "18");
    assert_eq!(s(&lines["RP-demo_3"]["clearance_price"]), "1230.00");
    assert_eq!(revert.cell("ID", "3", "Discount amount"), "");
    // Products without a discount before: the importer cannot delete the campaign's one.
    assert!(
        done.apply_stderr.contains("cannot delete a discount")
            && done.apply_stderr.contains("RP-demo_4"),
        "{}",
        done.apply_stderr
    );
}

#[test]
fn another_platforms_plan_gets_no_import_file() {
    let dir = tempfile::tempdir().expect("tempdir");
    let plan_dir = dir.path().join("plan");
    let out = bin()
        .args([
            "plan",
            "fixtures/magento/catalog_product.csv",
            "--as-of",
            AS_OF,
        ])
        .arg("--out")
        .arg(&plan_dir)
        .output()
        .expect("plan");
    assert_eq!(out.status.code(), Some(0));
    let campaigns = dir.path().join("campaigns");
    let out = bin()
        .arg("apply")
        .arg(plan_dir.join("upload-template.xlsx"))
        .arg("--plan")
        .arg(plan_dir.join("plan.json"))
        .arg("--out")
        .arg(&campaigns)
        .args(["--name", "Other", "--start", START, "--end", END])
        .args(["--as-of", AS_OF, "--platform", "woocommerce"])
        .output()
        .expect("apply");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(stderr.contains("no woocommerce import file"), "{stderr}");
    assert!(
        !campaigns
            .join("other")
            .join("woocommerce-import.csv")
            .exists()
    );
}

#[test]
fn prestashop_live_discount_is_updated_and_restored() {
    // fixtures/prestashop/products_live_discount.csv: the sample with RP-demo_3's 100 off 1500
    // running from 2026-01-01 to 2027-12-31, live on the as-of date: 1400 paid today.
    let catalog = "fixtures/prestashop/products_live_discount.csv";
    let done = plan_and_apply(catalog);
    let lines = done.lines();
    let line = &lines["RP-demo_3"];
    assert_eq!(s(&line["live_price"]), "1400.00");
    let import = done.csv("prestashop-import.csv", b';');
    let revert = done.csv("prestashop-revert.csv", b';');
    // The campaign's percent is measured from the regular price and never below the plan.
    let clearance = dec(s(&line["clearance_price"]));
    let pct = dec(import.cell("ID", "3", "Discount percent"));
    let paid = dec("1500") * (Decimal::ONE_HUNDRED - pct) / Decimal::ONE_HUNDRED;
    assert!(
        paid >= clearance && paid.round_dp(2) == clearance,
        "{paid} vs {clearance}"
    );
    assert!(clearance < dec("1400.00"));
    // The revert puts the live discount back as the export held it.
    assert_eq!(revert.cell("ID", "3", "Discount amount"), "100");
    assert_eq!(revert.cell("ID", "3", "Discount percent"), "");
    assert_eq!(
        revert.cell("ID", "3", "Discount from (yyyy-mm-dd)"),
        "2026-01-01"
    );
    assert_eq!(
        revert.cell("ID", "3", "Discount to (yyyy-mm-dd)"),
        "2027-12-31"
    );
    assert!(
        done.apply_stderr.contains("on sale today (RP-demo_3)")
            && done
                .apply_stderr
                .contains("load prestashop-import.csv on 2026-12-01"),
        "{}",
        done.apply_stderr
    );
}
