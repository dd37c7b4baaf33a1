//! Wix discount rules (SPEC section 5): `plan` then `apply` on Wix exports, reading
//! discount-rules.json. Every rule ends on its own (`activeTimeInfo` from the campaign dates),
//! and a rule, whose scope is a whole product, never takes a variant past its own depth.
mod common;

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use common::*;
use serde_json::Value;
use tempfile::TempDir;

const START: &str = "2026-12-01";
const END: &str = "2026-12-31";
const AS_OF_WIX: &str = "2026-11-20";

/// `plan CATALOG EXTRA... --as-of 2026-11-20`, then `apply` of its untouched template for
/// 2026-12-01..2026-12-31, approved: (tmp dir, campaign folder, apply's stderr).
fn plan_and_apply(catalog: &str, extra: &[&str]) -> (TempDir, PathBuf, String) {
    let dir = tempfile::tempdir().expect("tempdir");
    let plan_dir = dir.path().join("plan");
    let out = bin()
        .arg("plan")
        .arg(catalog)
        .args(extra)
        .args(["--as-of", AS_OF_WIX, "--out"])
        .arg(&plan_dir)
        .output()
        .expect("run clearance plan");
    assert!(
        out.status.success(),
        "plan failed\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let campaigns = dir.path().join("campaigns");
    let out = bin()
        .arg("apply")
        .arg(plan_dir.join("upload-template.xlsx"))
        .arg("--plan")
        .arg(plan_dir.join("plan.json"))
        .arg("--out")
        .arg(&campaigns)
        .args(["--name", "Wix winter", "--start", START, "--end", END])
        .args(["--as-of", AS_OF_WIX, "--approve", "--by", "Ana"])
        .output()
        .expect("run clearance apply");
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(out.status.success(), "apply failed\n{stderr}");
    (dir, campaigns.join("wix-winter"), stderr)
}

fn read_json(p: &Path) -> Value {
    let text = std::fs::read_to_string(p).unwrap_or_else(|e| panic!("read {}: {e}", p.display()));
    serde_json::from_str(&text).expect("valid JSON")
}

/// Every (product id, percentage) scope of discount-rules.json, after checking each rule's
/// shape and that its activeTimeInfo is the campaign's first and last day (UTC).
fn product_scopes(rules: &Value) -> Vec<(String, f64)> {
    let rules = rules.as_array().expect("discount-rules.json is an array");
    let mut out = Vec::new();
    for body in rules {
        let rule = &body["discountRule"];
        assert_eq!(rule["active"], true, "{rule}");
        assert_eq!(
            rule["activeTimeInfo"]["start"],
            format!("{START}T00:00:00Z"),
            "{rule}"
        );
        assert_eq!(
            rule["activeTimeInfo"]["end"],
            format!("{END}T23:59:59Z"),
            "{rule}"
        );
        for d in rule["discounts"].as_array().expect("discounts") {
            assert_eq!(d["scope"]["type"], "SPECIFIC_PRODUCTS", "{d}");
            let id = d["scope"]["id"].as_str().expect("scope id").to_string();
            let pct = d["discount"]["percentage"].as_f64().expect("percentage");
            out.push((id, pct));
        }
    }
    out
}

/// Percentages of campaign.json's lines per product id.
fn campaign_depths(campaign: &Value) -> HashMap<String, Vec<f64>> {
    let mut by: HashMap<String, Vec<f64>> = HashMap::new();
    for l in campaign["lines"].as_array().expect("lines") {
        let id = l["product_id"].as_str().expect("product_id").to_string();
        let pct: f64 = l["discount_pct"]
            .as_str()
            .expect("discount_pct")
            .parse()
            .expect("a number");
        by.entry(id).or_default().push(pct);
    }
    by
}

#[test]
fn real_export_rules_carry_the_campaign_dates_and_one_rule_per_product() {
    let (_dir, folder, _) = plan_and_apply("fixtures/wix/catalog_products.csv", &[]);
    let scopes = product_scopes(&read_json(&folder.join("discount-rules.json")));
    assert!(!scopes.is_empty(), "no discount rules");
    let campaign = read_json(&folder.join("campaign.json"));
    let depths = campaign_depths(&campaign);
    let plan = read_json(&folder.join("../../plan/plan.json"));
    let mut seen: BTreeMap<&str, usize> = BTreeMap::new();
    for (id, pct) in &scopes {
        *seen.entry(id).or_default() += 1;
        let lines = depths
            .get(id)
            .unwrap_or_else(|| panic!("rule product {id} has no campaign line"));
        let smallest = lines.iter().copied().fold(f64::INFINITY, f64::min);
        assert_eq!(*pct, smallest, "product {id}: {lines:?}");
        // every plan line of the product with stock is in the campaign
        for l in lines_of_product(&plan, id) {
            if l["reason"] != "no_stock" {
                assert_eq!(l["status"], "planned", "{l}");
            }
        }
    }
    for (id, n) in &seen {
        assert_eq!(*n, 1, "product {id} is in {n} rules");
    }
    // each campaign product is in the rules unless a warning says why it is left out
    let warnings = campaign["warnings"].to_string();
    for id in depths.keys() {
        assert!(
            seen.contains_key(id.as_str()) || warnings.contains(id.as_str()),
            "product {id} is neither in a rule nor named in a warning"
        );
    }
}

fn lines_of_product<'a>(plan: &'a Value, id: &str) -> Vec<&'a Value> {
    lines(plan)
        .iter()
        .filter(|l| l["product_id"] == id)
        .collect()
}

const COAT: &str = "11111111-1111-4111-8111-111111111111";
const BOOTS: &str = "22222222-2222-4222-8222-222222222222";
const SCARF: &str = "33333333-3333-4333-8333-333333333333";

#[test]
fn a_product_takes_its_smallest_variant_depth_and_one_with_a_fast_variant_is_left_out() {
    let (_dir, folder, stderr) = plan_and_apply(
        "fixtures/wix/variant_depths.csv",
        &["--sales", "fixtures/wix/variant_depths_sales.csv"],
    );
    let scopes = product_scopes(&read_json(&folder.join("discount-rules.json")));
    let found: BTreeMap<&str, f64> = scopes.iter().map(|(id, p)| (id.as_str(), *p)).collect();
    assert_eq!(
        scopes.len(),
        found.len(),
        "a product in two rules: {scopes:?}"
    );
    // COAT-S 25%, COAT-L 15% (margin floor): one entry at 15%
    assert_eq!(found.get(COAT), Some(&15.0), "{scopes:?}");
    assert_eq!(found.get(SCARF), Some(&25.0), "{scopes:?}");
    // BOOT-42 sells fast: the Rain boots product is not in any rule
    assert!(!found.contains_key(BOOTS), "{scopes:?}");
    assert!(
        stderr.contains(COAT)
            && stderr.contains("COAT-L")
            && stderr.contains("COAT-S")
            && stderr.contains("smallest, 15%"),
        "{stderr}"
    );
    assert!(
        stderr.contains(BOOTS) && stderr.contains("BOOT-42") && stderr.contains("left out"),
        "{stderr}"
    );
    // the price list still carries each variant's own price
    let prices = std::fs::read_to_string(folder.join("price-list.csv")).expect("price list");
    let row = |sku: &str| {
        prices
            .lines()
            .find(|l| l.starts_with(&format!("{sku},")))
            .unwrap_or_else(|| panic!("{sku} not in price-list.csv:\n{prices}"))
            .to_string()
    };
    assert!(row("COAT-S").contains(",75.00,"), "{}", row("COAT-S"));
    assert!(row("COAT-L").contains(",85.00,"), "{}", row("COAT-L"));
    assert!(row("BOOT-38").contains(",37.50,"), "{}", row("BOOT-38"));
    assert!(!prices.contains("BOOT-42"), "{prices}");
    // campaign.json keeps the warnings
    let warnings = read_json(&folder.join("campaign.json"))["warnings"].to_string();
    assert!(
        warnings.contains(BOOTS) && warnings.contains(COAT),
        "{warnings}"
    );
}

#[test]
fn approving_a_draft_keeps_out_the_products_apply_left_out() {
    // A draft campaign from the variant-depths fixture (Rain boots left out of the rules: its
    // BOOT-42 sells fast), approved later: the approval's active rules leave the boots out too.
    let dir = tempfile::tempdir().expect("tempdir");
    let plan_dir = dir.path().join("plan");
    let out = bin()
        .args(["plan", "fixtures/wix/variant_depths.csv"])
        .args(["--sales", "fixtures/wix/variant_depths_sales.csv"])
        .args(["--as-of", AS_OF_WIX, "--out"])
        .arg(&plan_dir)
        .output()
        .expect("plan");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let campaigns = dir.path().join("campaigns");
    let out = bin()
        .arg("apply")
        .arg(plan_dir.join("upload-template.xlsx"))
        .arg("--plan")
        .arg(plan_dir.join("plan.json"))
        .arg("--out")
        .arg(&campaigns)
        .args(["--name", "Wix winter", "--start", START, "--end", END])
        .args(["--as-of", AS_OF_WIX])
        .output()
        .expect("apply");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let folder = campaigns.join("wix-winter");
    let campaign = read_json(&folder.join("campaign.json"));
    assert_eq!(campaign["rules_left_out"], serde_json::json!([BOOTS]));
    let out = bin()
        .arg("approve")
        .arg(&folder)
        .args(["--by", "Ana", "--as-of", AS_OF_WIX])
        .output()
        .expect("approve");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let rules = read_json(&folder.join("revisions/002/discount-rules.json"));
    let text = rules.to_string();
    assert!(!text.contains(BOOTS), "{text}");
    assert!(text.contains(COAT) && text.contains(SCARF), "{text}");
}
