//! Catalog and sales inputs: delimiters, encodings, spreadsheets, locations, sales windows
//! and platform exports (SPEC section 2).
mod common;

use common::*;
use serde_json::Value;

fn assert_basic_table(plan: &Value) {
    assert_eq!(lines(plan).len(), 15);
    assert_planned(plan, "B-ZERO", 25, "tier", "37.50");
    assert_planned(plan, "B-V005", 17, "tier", "16.60");
    assert_planned(plan, "B-V010", 15, "tier", "25.50");
    assert_planned(plan, "B-V015", 12, "tier", "8.80");
    assert_planned(plan, "B-V025", 7, "tier", "37.20");
    assert_planned(plan, "B-V029", 5, "tier", "9.50");
    assert_planned(plan, "B-FLOOR", 7, "margin_floor", "93.00");
    assert_planned(plan, "B-NOCOST", 15, "margin_floor", "12.75");
    for sku in ["B-V030", "B-V070", "B-V080"] {
        assert_skipped(plan, sku, "not_slow");
    }
    assert_skipped(plan, "B-LOWMARGIN", "margin_floor");
    assert_skipped(plan, "B-COSTHIGH", "margin_floor");
    assert_skipped(plan, "B-NOSTOCK", "no_stock");
    assert_skipped(plan, "B-PRICE0", "bad_price");
    assert!(line(plan, "B-NOCOST")["cost"].is_null());
}

// ---------------------------------------------------------------- delimiters / encodings

#[test]
fn semicolon_with_decimal_comma() {
    let plan = plan_ok(&["fixtures/semicolon_decimal_comma.csv"]).plan();
    assert_eq!(lines(&plan).len(), 5);
    let dc1 = line(&plan, "DC-1");
    assert_eq!(dc1["price"], "1234.50");
    assert_eq!(dc1["cost"], "800.00");
    assert_planned(&plan, "DC-1", 20, "margin_floor", "987.60");
    assert_eq!(num(&line(&plan, "DC-4")["quantity"]), 1200.0);
    assert_eq!(line(&plan, "DC-2")["name"], "Kissen; rot");
    assert!(
        s(&line(&plan, "DC-3")["name"]).contains('\n'),
        "quoted newline kept"
    );
    for sku in ["DC-2", "DC-3", "DC-4"] {
        let l = line(&plan, sku);
        assert_eq!(l["discount_pct"].as_f64(), Some(25.0), "{l}");
        assert_eq!(l["binding_limit"], "tier");
    }
    assert_skipped(&plan, "DC-5", "no_stock");
}

#[test]
fn windows_1252_is_decoded() {
    let plan = plan_ok(&["fixtures/windows1252.csv"]).plan();
    let names: Vec<&str> = lines(&plan).iter().map(|l| s(&l["name"])).collect();
    let all = names.join("|");
    for needle in ["Crème brûlée", "Müsli", "Fußmatte", "€", "–"] {
        assert!(all.contains(needle), "{needle:?} not decoded in {all:?}");
    }
    assert!(
        !all.contains('\u{FFFD}'),
        "replacement characters in {all:?}"
    );
    for sku in ["W-1", "W-2", "W-3", "W-4", "W-5"] {
        let l = line(&plan, sku);
        assert_eq!(l["status"], "planned");
        assert_eq!(l["discount_pct"].as_f64(), Some(25.0));
    }
}

#[test]
fn bom_and_tab_delimiter() {
    let plan = plan_ok(&["fixtures/bom_tab.tsv"]).plan();
    assert_eq!(lines(&plan).len(), 4);
    for l in lines(&plan) {
        assert!(!s(&l["sku"]).starts_with('\u{feff}'), "BOM leaked into sku");
    }
    let tb4 = line(&plan, "TB-4");
    assert_eq!(tb4["discount_pct"].as_f64(), Some(15.0));
    assert!(flags(tb4).contains(&"no_cost_data".to_string()));
    for sku in ["TB-1", "TB-2", "TB-3"] {
        assert_eq!(line(&plan, sku)["discount_pct"].as_f64(), Some(25.0));
    }
}

#[test]
fn pipe_delimiter() {
    let plan = plan_ok(&["fixtures/pipe.csv"]).plan();
    assert_eq!(lines(&plan).len(), 4);
    assert_eq!(line(&plan, "P-2")["name"], "Tool box, 3 trays");
    for sku in ["P-1", "P-2", "P-3", "P-4"] {
        assert_eq!(
            line(&plan, sku)["discount_pct"].as_f64(),
            Some(25.0),
            "{sku}"
        );
    }
}

// ---------------------------------------------------------------- spreadsheets

#[test]
fn xlsx_with_title_rows() {
    let plan = plan_ok(&["fixtures/title_rows.xlsx"]).plan();
    assert_eq!(lines(&plan).len(), 7);
    assert_eq!(plan["inputs"][0]["sheet"], "Stock");
    // text-stored price and cached formula value
    assert_eq!(line(&plan, "T-101")["price"], "24.50");
    assert_eq!(line(&plan, "T-103")["price"], "90.00");
    assert_planned(&plan, "T-100", 25, "tier", "149.25");
    assert_planned(&plan, "T-101", 25, "tier", "18.37");
    assert_planned(&plan, "T-102", 18, "margin_floor", "36.90");
    assert_planned(&plan, "T-103", 25, "tier", "67.50");
    assert_planned(&plan, "T-104", 15, "margin_floor", "10.20");
    assert_skipped(&plan, "T-105", "no_stock");
    assert_skipped(&plan, "T-106", "margin_floor");
}

#[test]
fn xlsx_category_merged_over_its_products_belongs_to_every_row() {
    assert_merged_categories("fixtures/merged_cells.xlsx");
}

#[test]
fn xls_category_merged_over_its_products_belongs_to_every_row() {
    assert_merged_categories("fixtures/merged_cells.xls");
}

fn assert_merged_categories(file: &str) {
    // C3:C5 "Lamps" and C6:C7 "Rugs" are merged down; the title A1:F1 is merged across.
    let run = plan_ok(&[file]);
    let plan = run.plan();
    for (sku, category) in [
        ("M-1", "Lamps"),
        ("M-2", "Lamps"),
        ("M-3", "Lamps"),
        ("M-4", "Rugs"),
        ("M-5", "Rugs"),
        ("M-6", "Mats"),
    ] {
        assert_eq!(line(&plan, sku)["category"], category, "{sku}");
    }
    let w = merge_warning(&plan, "merged cells C3:C5, C6:C7 were read as their value");
    assert_eq!(w["column"], "Category (C)", "{w}");
    assert!(
        run.stderr()
            .contains("column Category (C): merged cells C3:C5, C6:C7 were read")
    );
    // An excluded category reaches the rows below its merged cell too.
    let plan = plan_ok(&[file, "--exclude-category", "Rugs"]).plan();
    assert_skipped(&plan, "M-4", "excluded");
    assert_skipped(&plan, "M-5", "excluded");
}

/// The warning of plan.json whose message starts with `start`.
fn merge_warning<'a>(plan: &'a Value, start: &str) -> &'a Value {
    let warnings = plan["warnings"].as_array().expect("warnings");
    warnings
        .iter()
        .find(|w| s(&w["message"]).starts_with(start))
        .unwrap_or_else(|| panic!("no warning starting {start:?} in {warnings:#?}"))
}

#[test]
fn xlsx_sku_merged_over_size_rows_is_not_copied_down() {
    assert_sku_merged_over_sizes("fixtures/merged_sku_sizes.xlsx");
}

#[test]
fn xls_sku_merged_over_size_rows_is_not_copied_down() {
    assert_sku_merged_over_sizes("fixtures/merged_sku_sizes.xls");
}

/// TS-1 is merged over A2:A4 (sizes S, M, L), with its name, price and cost. The sku counts
/// for row 2 only: no duplicate sku (exit 0), the size rows below are reported without a sku.
fn assert_sku_merged_over_sizes(file: &str) {
    let run = plan_ok(&[file]);
    let plan = run.plan();
    assert_eq!(lines(&plan).len(), 4);
    let ts1 = line(&plan, "TS-1");
    assert_eq!(num(&ts1["quantity"]), 10.0, "{ts1}");
    assert_eq!(ts1["status"], "planned", "{ts1}");
    assert_eq!(line(&plan, "HO-1")["status"], "planned");
    for (sku, qty) in [("(row 3)", 15.0), ("(row 4)", 5.0)] {
        assert_skipped(&plan, sku, "bad_data");
        let l = line(&plan, sku);
        assert_eq!(num(&l["quantity"]), qty, "{l}");
        // The name, price and cost merged beside the sku are descriptions: copied down.
        assert_eq!(l["name"], "T-shirt", "{l}");
        assert_eq!(l["price"], "20.00", "{l}");
    }
    let w = merge_warning(&plan, "merged cells A2:A4 are not copied down");
    assert_eq!(w["column"], "SKU (A)", "{w}");
    assert!(
        s(&w["message"]).contains("counts only for the first row"),
        "{w}"
    );
    let w = merge_warning(&plan, "merged cells B2:B4 were read as their value");
    assert_eq!(w["column"], "Name (B)", "{w}");
    // Merge warnings come first, before the rows they explain.
    let all = plan["warnings"].as_array().unwrap();
    assert!(
        s(&all[0]["message"]).starts_with("merged cells A2:A4"),
        "{all:#?}"
    );
    assert!(
        run.stderr()
            .contains("column SKU (A): merged cells A2:A4 are not copied down")
    );
    assert!(
        run.stderr()
            .contains("row 3, column SKU (A): the row has data but no sku")
    );
}

#[test]
fn merged_quantity_is_shared_stock_counted_once() {
    // D2:D3 "30" is one stock figure for MQ-1 and MQ-2: copying it would make 60.
    let run = plan_ok(&["fixtures/merged_quantity.xlsx"]);
    let plan = run.plan();
    assert_eq!(lines(&plan).len(), 3);
    assert_eq!(num(&line(&plan, "MQ-1")["quantity"]), 30.0);
    assert!(line(&plan, "MQ-2")["quantity"].is_null());
    assert_skipped(&plan, "MQ-2", "untracked");
    // The category merged beside it is copied down.
    assert_eq!(line(&plan, "MQ-2")["category"], "Mugs");
    let total: f64 = lines(&plan)
        .iter()
        .filter_map(|l| l["quantity"].as_f64())
        .sum();
    assert_eq!(total, 38.0);
    let w = merge_warning(&plan, "merged cells D2:D3 are not copied down");
    assert_eq!(w["column"], "Qty (D)", "{w}");
    assert!(
        s(&w["message"]).contains("shared stock is counted once, on row 2"),
        "{w}"
    );
    assert!(
        run.stderr()
            .contains("shared stock is counted once, on row 2")
    );
}

#[test]
fn two_row_header_with_a_merged_group_title_gives_no_data_row() {
    // SKU, Name, Price, Cost merged over rows 1-2; "Stock" across C1:D1 over Qty, Reserved.
    let run = plan_ok(&["fixtures/merged_two_row_header.xlsx"]);
    let plan = run.plan();
    assert_eq!(lines(&plan).len(), 2, "{:#?}", lines(&plan));
    assert_eq!(num(&line(&plan, "G-1")["quantity"]), 10.0);
    assert_eq!(num(&line(&plan, "G-2")["quantity"]), 5.0);
    for l in lines(&plan) {
        assert_eq!(l["status"], "planned", "{l}");
    }
    merge_warning(&plan, "row 2 was read as part of the header");
    assert!(!run.stderr().contains("not a number"), "{}", run.stderr());
}

#[test]
fn inspect_lists_the_merge_warning_first() {
    let out = bin()
        .args(["inspect", "fixtures/merged_sku_sizes.xlsx"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    let warnings = text.split("warning(s):").nth(1).expect("warnings listed");
    let first = warnings.lines().nth(1).unwrap_or_default();
    assert!(
        first.contains("column SKU (A): merged cells A2:A4 are not copied down"),
        "{text}"
    );
}

#[test]
fn xls_same_as_basic() {
    assert_basic_table(&plan_ok(&["fixtures/basic.xls"]).plan());
}

#[test]
fn ods_same_as_basic() {
    assert_basic_table(&plan_ok(&["fixtures/catalog_xlsx_numbers.ods"]).plan());
}

// ---------------------------------------------------------------- locations and sales

#[test]
fn multi_location_sales_per_location() {
    let run = plan_ok(&[
        "fixtures/multi_location.csv",
        "--sales",
        "fixtures/multi_location_sales.csv",
    ]);
    let plan = run.plan();
    assert_eq!(lines(&plan).len(), 6);
    let chk = |sku, loc, qty: f64, sold: f64| {
        let l = line_at(&plan, sku, loc);
        assert_eq!(num(&l["quantity"]), qty, "{l}");
        assert_eq!(num(&l["sold"]), sold, "{l}");
        l
    };
    let l = chk("A", Some("WH1"), 100.0, 2.0);
    assert_eq!(l["discount_pct"].as_f64(), Some(19.0));
    assert_eq!(l["binding_limit"], "tier");
    let l = chk("A", Some("WH2"), 40.0, 12.0);
    assert_eq!(l["reason"], "not_slow");
    let l = chk("A", Some("STORE"), 10.0, 5.0);
    assert_eq!(l["reason"], "not_slow");
    let l = chk("B", Some("WH1"), 20.0, 1.0);
    assert_eq!(l["discount_pct"].as_f64(), Some(17.0));
    let l = chk("B", Some("STORE"), 5.0, 1.0);
    assert_eq!(l["discount_pct"].as_f64(), Some(10.0));
    let l = chk("C", None, 30.0, 3.0);
    assert_eq!(l["discount_pct"].as_f64(), Some(15.0));
    // M-6 (A without location) and M-7 (B@WH2) are unmatched and reported
    let err = run.stderr();
    assert!(err.contains("multi_location_sales.csv"), "{err}");
    assert!(err.contains("WH2"), "B@WH2 should be reported: {err}");
}

#[test]
fn sales_lines_window_is_inclusive_and_unknown_skus_warned() {
    let run = plan_ok(&[
        "fixtures/basic_nosales.csv",
        "--sales",
        "fixtures/sales_lines.csv",
    ]);
    let plan = run.plan();
    assert_basic_table(&plan);
    let sold = |sku| num(&line(&plan, sku)["sold"]);
    assert_eq!(sold("B-V005"), 5.0); // 3 (last day) + 3 - 1 return
    assert_eq!(sold("B-V025"), 5.0); // first day of the window
    assert_eq!(sold("B-ZERO"), 0.0); // day before the window
    assert_eq!(sold("B-V030"), 3.0); // 9 units on the day before are out
    assert_eq!(sold("B-FLOOR"), 0.0);
    assert_eq!(sold("B-LOWMARGIN"), 0.0); // after as-of
    assert_eq!(sold("B-NOCOST"), 0.0); // sale + return
    assert_eq!(sold("B-COSTHIGH"), 0.0); // return only: clamps to 0
    assert_eq!(sold("B-V015"), 3.0);
    let err = run.stderr();
    assert!(err.contains("ZZ-999"), "unknown sku warning missing: {err}");
    assert!(err.contains("sales_lines.csv"), "{err}");
}

#[test]
fn sales_aggregated() {
    let run = plan_ok(&[
        "fixtures/basic_nosales.csv",
        "--sales",
        "fixtures/sales_aggregated.csv",
    ]);
    assert_basic_table(&run.plan());
    assert!(run.stderr().contains("ZZ-999"), "{}", run.stderr());
}

#[test]
fn basis_orders_counts_distinct_orders() {
    let plan = plan_ok(&[
        "fixtures/basic_nosales.csv",
        "--sales",
        "fixtures/sales_lines.csv",
        "--basis",
        "orders",
    ])
    .plan();
    assert_eq!(plan["policy"]["basis"], "orders");
    let sold = |sku| num(&line(&plan, sku)["sold"]);
    // values on which both readings of the return-only orders agree
    assert_eq!(sold("B-V010"), 1.0);
    assert_eq!(sold("B-V015"), 1.0); // two lines, one order
    assert_eq!(sold("B-V025"), 1.0);
    assert_eq!(sold("B-V029"), 2.0);
    assert_eq!(sold("B-V030"), 1.0);
    assert_eq!(sold("B-V070"), 2.0);
    assert_eq!(sold("B-V080"), 1.0);
    assert_eq!(sold("B-ZERO"), 0.0);
    assert_planned(&plan, "B-V010", 15, "tier", "25.50");
    assert_planned(&plan, "B-V080", 15, "tier", "12.75");
    assert_planned(&plan, "B-V029", 19, "tier", "8.10");
}

#[test]
fn basis_orders_counts_every_distinct_order_id() {
    let plan = plan_ok(&[
        "fixtures/basic_nosales.csv",
        "--sales",
        "fixtures/sales_lines.csv",
        "--basis",
        "orders",
    ])
    .plan();
    let sold = |sku| num(&line(&plan, sku)["sold"]);
    assert_eq!(sold("B-V005"), 3.0);
    assert_eq!(sold("B-NOCOST"), 2.0);
    assert_eq!(sold("B-COSTHIGH"), 1.0);
    assert_planned(&plan, "B-V005", 18, "tier", "16.40");
}

#[test]
fn basis_orders_without_order_id_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let sales = dir.path().join("no_order_id.csv");
    std::fs::write(&sales, "date,sku,quantity\n2026-11-01,B-V005,3\n").unwrap();
    let run = plan(&[
        "fixtures/basic_nosales.csv",
        "--sales",
        sales.to_str().unwrap(),
        "--basis",
        "orders",
    ]);
    run.expect_code(65);
    let err = run.stderr();
    assert!(
        err.contains("no_order_id.csv") && err.contains("order id"),
        "{err}"
    );
}

#[test]
fn basis_orders_accepts_aggregated_orders_column() {
    let plan = plan_ok(&[
        "fixtures/basic_nosales.csv",
        "--sales",
        "fixtures/sales_aggregated.csv",
        "--basis",
        "orders",
    ])
    .plan();
    assert_eq!(num(&line(&plan, "B-V005")["sold"]), 5.0);
}

// ---------------------------------------------------------------- platform exports

#[test]
fn shopify_products_with_orders() {
    // The orders export ends on 2025-05-17: planned as of that day (as of the tests' usual day
    // it is a stale export, see `sales_dates_cli`).
    let run = plan_ok(&[
        "fixtures/shopify/products_export.csv",
        "--sales",
        "fixtures/shopify/orders_export.csv",
        "--as-of",
        "2025-05-17",
    ]);
    let plan = run.plan();
    // rows that carry a variant (a Variant Price); image-only rows are not lines
    let mut rdr = csv::Reader::from_path(fixture("fixtures/shopify/products_export.csv")).unwrap();
    let h = rdr.headers().unwrap().clone();
    let price = h.iter().position(|c| c == "Variant Price").unwrap();
    let tracker = h
        .iter()
        .position(|c| c == "Variant Inventory Tracker")
        .unwrap();
    let records: Vec<csv::StringRecord> = rdr.records().map(|r| r.unwrap()).collect();
    let variants = records.iter().filter(|r| !r[price].is_empty()).count();
    let untracked = records
        .iter()
        .filter(|r| !r[price].is_empty() && r[tracker].is_empty())
        .count();
    assert!(variants < records.len(), "fixture has image-only rows");
    assert_eq!(lines(&plan).len(), variants);
    assert_eq!(untracked, 28);
    let skipped_untracked = lines(&plan)
        .iter()
        .filter(|l| l["reason"] == "untracked")
        .count();
    assert_eq!(skipped_untracked, untracked);
    // blank Variant SKU: handle + option values in file order (Color, Size)
    let boot = line(&plan, "otti-combat-boot/Milky/35");
    assert_eq!(boot["price"], "595.00");
    assert_eq!(num(&boot["quantity"]), 3.0);
    // product fields carry down to later variants
    let boot36 = line(&plan, "otti-combat-boot/Milky/36");
    assert_eq!(boot36["category"], boot["category"]);
    assert!(!boot36["name"].is_null());
    assert!(run.stderr().contains("untracked"), "{}", run.stderr());
}

#[test]
fn wix_products_and_variants() {
    let run = plan_ok(&["fixtures/wix/catalog_products.csv"]);
    let plan = run.plan();
    let mut rdr = csv::Reader::from_path(fixture("fixtures/wix/catalog_products.csv")).unwrap();
    let h = rdr.headers().unwrap().clone();
    let col = |n: &str| {
        h.iter()
            .position(|c| c.trim_start_matches('\u{feff}') == n)
            .unwrap()
    };
    let (handle, ftype, inv) = (col("handleId"), col("fieldType"), col("inventory"));
    let records: Vec<csv::StringRecord> = rdr.records().map(|r| r.unwrap()).collect();
    let with_variants: std::collections::HashSet<String> = records
        .iter()
        .filter(|r| &r[ftype] == "Variant")
        .map(|r| r[handle].to_string())
        .collect();
    let expected = records
        .iter()
        .filter(|r| &r[ftype] == "Variant" || !with_variants.contains(&r[handle]))
        .count();
    assert_eq!(lines(&plan).len(), expected);
    let untracked_rows = records
        .iter()
        .filter(|r| matches!(&r[inv], "InStock" | "OutOfStock"))
        .count();
    assert_eq!(untracked_rows, 8);
    let untracked = lines(&plan)
        .iter()
        .filter(|l| l["reason"] == "untracked")
        .count();
    assert_eq!(untracked, untracked_rows);
    // blank-sku variants keyed as handleId/option value
    let keyed = lines(&plan)
        .iter()
        .filter(|l| s(&l["sku"]).starts_with("product_") && s(&l["sku"]).contains('/'))
        .count();
    assert!(keyed > 0, "no handleId/option keys");
}

#[test]
fn woocommerce_export_mostly_untracked() {
    let plan = plan_ok(&["fixtures/woocommerce/products_export.csv"]).plan();
    let total = lines(&plan).len();
    let untracked = lines(&plan)
        .iter()
        .filter(|l| l["reason"] == "untracked")
        .count();
    assert!(
        untracked * 2 > total,
        "most lines untracked: {untracked}/{total}"
    );
    let l = line(&plan, "woo-fashion-shirt");
    assert_eq!(l["status"], "planned");
    assert_eq!(num(&l["quantity"]), 10.0);
}

#[test]
fn woocommerce_translated_header() {
    let plan = plan_ok(&["fixtures/woocommerce/products_pt-BR.csv"]).plan();
    assert!(!lines(&plan).is_empty());
    assert!(!planned(&plan).is_empty());
}

#[test]
fn nothing_tracked_says_how_to_fix() {
    // the WooCommerce export without its rows that carry a Stock figure
    let mut rdr =
        csv::Reader::from_path(fixture("fixtures/woocommerce/products_export.csv")).unwrap();
    let h = rdr.headers().unwrap().clone();
    let stock = h.iter().position(|c| c == "Stock").unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("woo_untracked.csv");
    let mut w = csv::Writer::from_path(&path).unwrap();
    w.write_record(&h).unwrap();
    for r in rdr.records() {
        let r = r.unwrap();
        if r[stock].trim().is_empty() {
            w.write_record(&r).unwrap();
        }
    }
    w.flush().unwrap();
    let run = plan_ok(&[path.to_str().unwrap()]);
    assert!(
        run.stderr()
            .contains("enable inventory tracking, or list the skus with --sku"),
        "{}",
        run.stderr()
    );
    let plan = run.plan();
    assert!(planned(&plan).is_empty());
    assert!(lines(&plan).iter().all(|l| l["reason"] == "untracked"));
}

#[test]
fn prestashop_semicolon_export() {
    let plan = plan_ok(&["fixtures/prestashop/products_import.csv"]).plan();
    assert_eq!(lines(&plan).len(), 7);
    let l = line(&plan, "RP-demo_1");
    assert_eq!(l["price"], "100.00");
    assert_eq!(l["cost"], "80.00");
    assert_eq!(num(&l["quantity"]), 160.0);
    assert!(lines(&plan).iter().all(|l| l["reason"] != "bad_price"));
    // margin 20% -> allowance 5 -> 5% margin_floor
    assert_planned(&plan, "RP-demo_1", 5, "margin_floor", "95.00");
    // row 6: cost 150 above price 25
    let l6 = line(&plan, "RP-demo_6");
    assert!(flags(l6).contains(&"cost_above_price".to_string()), "{l6}");
}

#[test]
fn prestashop_reference_and_wholesale_price() {
    let plan = plan_ok(&["fixtures/prestashop/products_import.csv"]).plan();
    assert_eq!(lines(&plan).len(), 7);
    let l = line(&plan, "RP-demo_1");
    assert_eq!(l["cost"], "80.00");
    assert_eq!(num(&l["quantity"]), 160.0);
}

#[test]
fn magento_crlf_export() {
    let plan = plan_ok(&["fixtures/magento/catalog_product.csv"]).plan();
    assert_eq!(lines(&plan).len(), 6);
    for sku in [
        "24-WG085_Group",
        "24-WG085-bundle-dynamic",
        "24-WG085-bundle-fixed",
    ] {
        assert_skipped(&plan, sku, "no_stock");
    }
    for sku in ["24-WG085", "24-WG086", "24-WG087"] {
        let l = line(&plan, sku);
        assert_eq!(l["status"], "planned", "{l}");
        assert_eq!(num(&l["quantity"]), 100.0);
    }
    assert_eq!(line(&plan, "24-WG087")["price"], "21.00");
}
