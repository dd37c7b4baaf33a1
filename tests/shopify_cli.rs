//! Shopify exports as they come: both header families, live markdowns (compare-at above the
//! price), archived and draft products, a separate inventory export (`--stock`), and the
//! import and revert files `apply` writes for Shopify's product CSV importer.

mod common;

use common::*;
use serde_json::Value;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// `apply` the plan's unedited template into `<run>/campaigns/winter/`; returns that folder.
fn apply(run: &Run, extra: &[&str]) -> (PathBuf, String) {
    let campaigns = run.dir.path().join("campaigns");
    let out = bin()
        .arg("apply")
        .arg(run.file("upload-template.xlsx"))
        .arg("--plan")
        .arg(run.file("plan.json"))
        .arg("--out")
        .arg(&campaigns)
        .args([
            "--name",
            "Winter",
            "--start",
            "2026-12-01",
            "--end",
            "2026-12-31",
        ])
        .args(["--as-of", AS_OF])
        .args(extra)
        .output()
        .expect("run apply");
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(out.status.code(), Some(0), "apply failed:\n{stderr}");
    (campaigns.join("winter"), stderr)
}

/// A CSV read back as header → value maps.
fn read_csv(path: &Path) -> Vec<HashMap<String, String>> {
    let mut r = csv::Reader::from_path(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let header: Vec<String> = r.headers().unwrap().iter().map(str::to_string).collect();
    r.records()
        .map(|rec| {
            let rec = rec.unwrap();
            header
                .iter()
                .cloned()
                .zip(rec.iter().map(str::to_string))
                .collect()
        })
        .collect()
}

fn header(path: &Path) -> Vec<String> {
    let mut r = csv::Reader::from_path(path).unwrap();
    r.headers().unwrap().iter().map(str::to_string).collect()
}

/// The export's rows keyed by handle and option values.
fn export_rows(path: &str, handle: &str, opt: &str) -> HashMap<String, HashMap<String, String>> {
    read_csv(&root().join(path))
        .into_iter()
        .filter(|r| !r[opt].is_empty())
        .map(|r| {
            let key = format!(
                "{}/{}/{}/{}",
                r[handle],
                r[opt],
                r[&opt.replace('1', "2")],
                r[&opt.replace('1', "3")]
            );
            (key, r)
        })
        .collect()
}

#[test]
fn current_header_family_is_read_with_live_markdowns_and_statuses() {
    let run = plan_ok(&["fixtures/shopify/products_export_current_headers.csv"]);
    let plan = run.plan();
    assert_eq!(plan["platform"]["name"], "shopify");
    assert_eq!(plan["platform"]["headers"], "current");
    assert_planned(&plan, "NL-MCS-S", 25, "tier", "66.75");
    // 69.00 with compare-at 89.00: 22.47% live; the 25% cap leaves 3%, below the 5% minimum.
    let l = line(&plan, "NL-MCS-L");
    assert_eq!(s(&l["reason"]), "stacking");
    assert_eq!(s(&l["price"]), "89.00");
    assert_eq!(s(&l["live_price"]), "69.00");
    // 22.4719%, rounded up in the files so limits worked out from it never allow more.
    assert_eq!(num(&l["existing_discount_pct"]), 22.48);
    assert!(flags(l).contains(&"stacked".to_string()));
    assert!(
        s(&l["why"]).contains("the live markdown to 69 from 89 (22.47%)"),
        "{}",
        l["why"]
    );
    // Archived product: excluded, the why names the status.
    let l = line(&plan, "NL-BEA-23");
    assert_eq!(s(&l["reason"]), "excluded");
    assert!(s(&l["why"]).contains("archived"), "{}", l["why"]);
    // Blank SKU: handle and option values; an untracked variant.
    assert_planned(
        &plan,
        "canvas-tote/Black/Large",
        15,
        "margin_floor",
        "20.40",
    );
    assert_skipped(&plan, "canvas-tote/Black/Small", "untracked");
}

#[test]
fn compare_at_above_price_is_stacked_not_replaced_hat_gry_275() {
    // The template's beanie (archived in the real file, active in this copy): 17.99 with
    // compare-at 22.99 is 21.75% off already; before, the plan took 25% off 17.99 = 13.49
    // (41% under the was-price, past the 25% cap).
    let run = plan_ok(&["fixtures/shopify/product_template_hat_active.csv"]);
    let plan = run.plan();
    let l = line(&plan, "HAT_GRY_275");
    assert_eq!(s(&l["reason"]), "stacking", "{l}");
    assert!(l["clearance_price"].is_null());
    assert_eq!(num(&l["existing_discount_pct"]), 21.75);
    assert!(s(&l["why"]).contains("live markdown to 17.99 from 22.99"));
    // In the real file the beanie is archived and the jeans are draft: both excluded.
    let real = plan_ok(&["fixtures/shopify/product_template.csv"]).plan();
    assert_skipped(&real, "HAT_GRY_275", "excluded");
    assert_skipped(&real, "PNT_DEN_285", "excluded");
    assert!(s(&line(&real, "PNT_DEN_285")["why"]).contains("draft"));
}

#[test]
fn import_file_in_the_current_family_lists_every_variant_of_a_touched_product() {
    let run = plan_ok(&["fixtures/shopify/products_export_current_headers.csv"]);
    let plan = run.plan();
    let (dir, _) = apply(&run, &[]);
    let import = dir.join("shopify-import.csv");
    let want: Vec<&str> = vec![
        "URL handle",
        "Title",
        "Option1 name",
        "Option1 value",
        "Option2 name",
        "Option2 value",
        "Option3 name",
        "Option3 value",
        "SKU",
        "Price",
        "Compare-at price",
    ];
    assert_eq!(header(&import), want);
    let rows = read_csv(&import);
    // merino (3 variants), canvas-tote (3), mug (1); the archived beanie is untouched.
    assert_eq!(rows.len(), 7, "{rows:?}");
    assert!(rows.iter().all(|r| r["URL handle"] != "wool-beanie-2023"));
    // Title only on each product's first row; option names on every row.
    let titles: Vec<&str> = rows.iter().map(|r| r["Title"].as_str()).collect();
    assert_eq!(
        titles,
        vec![
            "Merino Crew Sweater",
            "",
            "",
            "Canvas Tote",
            "",
            "",
            "Enamel Camp Mug"
        ]
    );
    assert!(rows.iter().all(|r| !r["Option1 name"].is_empty()));
    let by_key: HashMap<String, &HashMap<String, String>> = rows
        .iter()
        .map(|r| {
            (
                format!(
                    "{}/{}/{}",
                    r["URL handle"], r["Option1 value"], r["Option2 value"]
                ),
                r,
            )
        })
        .collect();
    // Planned: the clearance price, the was-price in compare-at.
    let s_row = by_key["merino-crew-sweater/S/"];
    assert_eq!(
        (s_row["Price"].as_str(), s_row["Compare-at price"].as_str()),
        ("66.75", "89.00")
    );
    // Not planned (stacking): the export's price and compare-at, unchanged.
    let l_row = by_key["merino-crew-sweater/L/"];
    assert_eq!(
        (l_row["Price"].as_str(), l_row["Compare-at price"].as_str()),
        ("69.00", "89.00")
    );
    let small = by_key["canvas-tote/Black/Small"];
    assert_eq!(
        (small["Price"].as_str(), small["Compare-at price"].as_str()),
        ("19.00", "")
    );
    // Prices agree with campaign.json.
    let campaign: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("campaign.json")).unwrap()).unwrap();
    for l in campaign["lines"].as_array().unwrap() {
        let sku = s(&l["sku"]);
        let row = rows
            .iter()
            .find(|r| {
                r["SKU"] == sku
                    || format!(
                        "{}/{}/{}",
                        r["URL handle"], r["Option1 value"], r["Option2 value"]
                    ) == sku
            })
            .unwrap_or_else(|| panic!("{sku} not in the import file"));
        assert_eq!(row["Price"], s(&l["clearance_price"]), "{sku}");
    }
    let files: Vec<&str> = campaign["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(s)
        .collect();
    assert!(files.contains(&"shopify-import.csv") && files.contains(&"shopify-revert.csv"));
    assert_eq!(campaign["platform"], "shopify");
    // The revert file restores exactly what the export held (blank compare-at stays blank).
    let export = export_rows(
        "fixtures/shopify/products_export_current_headers.csv",
        "URL handle",
        "Option1 value",
    );
    let revert = read_csv(&dir.join("shopify-revert.csv"));
    assert_eq!(revert.len(), rows.len());
    for r in &revert {
        let key = format!(
            "{}/{}/{}/{}",
            r["URL handle"], r["Option1 value"], r["Option2 value"], r["Option3 value"]
        );
        let e = &export[&key];
        for col in [
            "Price",
            "Compare-at price",
            "SKU",
            "Option1 value",
            "Option2 value",
        ] {
            assert_eq!(r[col], e[col], "{key} {col}");
        }
    }
    let _ = plan;
}

#[test]
fn import_file_in_the_legacy_family_and_exact_revert() {
    let run = plan_ok(&["fixtures/shopify/products_export.csv"]);
    let plan = run.plan();
    assert_eq!(plan["platform"]["headers"], "legacy");
    let (dir, _) = apply(&run, &[]);
    let import = dir.join("shopify-import.csv");
    let h = header(&import);
    for col in [
        "Handle",
        "Title",
        "Option1 Name",
        "Option1 Value",
        "Option2 Name",
        "Option2 Value",
        "Option3 Name",
        "Option3 Value",
        "Variant SKU",
        "Variant Price",
        "Variant Compare At Price",
    ] {
        assert!(h.contains(&col.to_string()), "{col} missing in {h:?}");
    }
    let rows = read_csv(&import);
    let export = export_rows(
        "fixtures/shopify/products_export.csv",
        "Handle",
        "Option1 Value",
    );
    let planned: HashMap<String, String> = lines(&plan)
        .iter()
        .filter(|l| l["status"] == "planned")
        .map(|l| {
            (
                s(&l["sku"]).to_string(),
                s(&l["clearance_price"]).to_string(),
            )
        })
        .collect();
    let mut seen_planned = 0;
    for r in &rows {
        let key = format!(
            "{}/{}/{}/{}",
            r["Handle"], r["Option1 Value"], r["Option2 Value"], r["Option3 Value"]
        );
        let e = &export[&key];
        let sku_key = [
            &r["Handle"],
            &r["Option1 Value"],
            &r["Option2 Value"],
            &r["Option3 Value"],
        ]
        .iter()
        .filter(|v| !v.is_empty() && v.as_str() != "Default Title")
        .map(|v| v.as_str())
        .collect::<Vec<_>>()
        .join("/");
        match planned.get(&sku_key) {
            Some(cp) => {
                seen_planned += 1;
                assert_eq!(&r["Variant Price"], cp, "{key}");
                assert_eq!(
                    r["Variant Compare At Price"], e["Variant Price"],
                    "{key} was-price"
                );
            }
            None => {
                assert_eq!(r["Variant Price"], e["Variant Price"], "{key}");
                assert_eq!(
                    r["Variant Compare At Price"], e["Variant Compare At Price"],
                    "{key}"
                );
            }
        }
        assert!(
            !r["Option1 Name"].is_empty(),
            "{key}: option name on every row"
        );
    }
    assert_eq!(
        seen_planned,
        planned.len(),
        "every planned variant is in the file"
    );
    for r in read_csv(&dir.join("shopify-revert.csv")) {
        let key = format!(
            "{}/{}/{}/{}",
            r["Handle"], r["Option1 Value"], r["Option2 Value"], r["Option3 Value"]
        );
        let e = &export[&key];
        assert_eq!(r["Variant Price"], e["Variant Price"], "{key}");
        assert_eq!(
            r["Variant Compare At Price"], e["Variant Compare At Price"],
            "{key}"
        );
    }
}

#[test]
fn stock_file_replaces_the_catalog_stock_summed_over_locations() {
    // The product export says 3 Latte puffs on hand; the inventory export, 103.
    let run = plan_ok(&[
        "fixtures/shopify/products_export.csv",
        "--stock",
        "fixtures/shopify/inventory_export_1.csv",
    ]);
    let plan = run.plan();
    assert_eq!(num(&line(&plan, "puff-large/Latte")["quantity"]), 103.0);
    assert_eq!(num(&line(&plan, "puff-large/Chocolate")["quantity"]), 200.0);
    assert!(
        run.stderr()
            .contains("stock of 67 line(s) taken from this file"),
        "{}",
        run.stderr()
    );
    let inputs = plan["inputs"].as_array().unwrap();
    assert!(
        inputs
            .iter()
            .any(|i| i["role"] == "stock" && s(&i["sha256"]).len() == 64)
    );
    // Without --stock, the product export's figure.
    let plain = plan_ok(&["fixtures/shopify/products_export.csv"]).plan();
    assert_eq!(num(&line(&plain, "puff-large/Latte")["quantity"]), 3.0);
}

#[test]
fn import_files_carry_values_verbatim_and_warn_about_formula_text() {
    // Skus `=1+2` and `-X1`: plan.csv (for people) neutralises them, the Shopify files (for
    // the importer) carry them as they are, with a warning naming file, row and column.
    let run = plan_ok(&["fixtures/shopify/products_current_formula_skus.csv"]);
    let csv_text = run.plan_csv();
    assert!(
        csv_text.contains("'=1+2") && csv_text.contains("'-X1"),
        "{csv_text}"
    );
    let (dir, stderr) = apply(&run, &[]);
    let rows = read_csv(&dir.join("shopify-import.csv"));
    assert_eq!(rows[0]["SKU"], "=1+2");
    assert_eq!(rows[1]["SKU"], "-X1");
    assert!(
        stderr.contains("shopify-import.csv, row 2, column SKU")
            && stderr.contains("a spreadsheet would run it"),
        "{stderr}"
    );
    assert!(
        stderr.contains("shopify-import.csv, row 3, column SKU"),
        "{stderr}"
    );
    let revert = read_csv(&dir.join("shopify-revert.csv"));
    assert_eq!(revert[1]["SKU"], "-X1");
}

#[test]
fn a_products_rows_apart_in_the_file_keep_its_status_title_and_options() {
    // old-tee (archived) has rows before and after new-cap's: both variants are excluded, and
    // named from the product's first row.
    let run = plan_ok(&["fixtures/shopify/products_split_handles.csv"]);
    let plan = run.plan();
    assert_skipped(&plan, "OT-S", "excluded");
    assert_skipped(&plan, "OT-M", "excluded");
    assert_eq!(s(&line(&plan, "OT-M")["name"]), "Old Tee - M");
    let (dir, _) = apply(&run, &[]);
    let rows = read_csv(&dir.join("shopify-import.csv"));
    // Only new-cap is touched: its two variants together, Title on the first, option names on both.
    assert!(rows.iter().all(|r| r["Handle"] == "new-cap"), "{rows:?}");
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[0]["Title"], "New Cap");
    assert_eq!(rows[1]["Title"], "");
    assert!(rows.iter().all(|r| r["Option1 Name"] == "Size"));
}

#[test]
fn stock_file_per_location_when_the_catalog_has_locations() {
    // fixtures/stock_by_location.csv: On hand per Location for a catalog with locations
    // (fixtures/multi_location.csv); locations compare without case; B@STORE and C are not in
    // the stock file and keep the catalog's figures; Z matches no line.
    let run = plan_ok(&[
        "fixtures/multi_location.csv",
        "--stock",
        "fixtures/stock_by_location.csv",
    ]);
    let plan = run.plan();
    let qty = |sku: &str, loc: Option<&str>| num(&line_at(&plan, sku, loc)["quantity"]);
    assert_eq!(qty("A", Some("WH1")), 95.0);
    assert_eq!(qty("A", Some("WH2")), 0.0);
    assert_eq!(qty("A", Some("STORE")), 12.0);
    assert_eq!(qty("B", Some("WH1")), 20.0);
    assert_eq!(qty("B", Some("STORE")), 5.0);
    assert_eq!(qty("C", None), 30.0);
    let err = run.stderr();
    assert!(
        err.contains("stock of 4 line(s) taken from this file"),
        "{err}"
    );
    assert!(
        err.contains("2 catalog line(s) are not in this stock file"),
        "{err}"
    );
    assert!(
        err.contains(
            "1 row(s) match no catalog line by sku or handle and options at their location"
        ),
        "{err}"
    );
}
