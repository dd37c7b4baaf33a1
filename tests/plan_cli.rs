//! `clearance plan`: rules, policy flags, stacking, outputs (SPEC sections 1, 3, 4).
mod common;

use std::collections::{BTreeMap, HashMap};

use calamine::{Data, Reader};
use common::*;
use serde_json::Value;

const BASIC: &str = "fixtures/basic.csv";

// ---------------------------------------------------------------- examples

fn catalog_skus_from_example() -> Vec<String> {
    let mut wb =
        calamine::open_workbook_auto(fixture("examples/catalog.xlsx")).expect("open catalog.xlsx");
    let range = wb.worksheet_range("Products").expect("sheet Products");
    range
        .rows()
        .filter_map(|r| match r.first() {
            Some(Data::String(s)) if s.starts_with("HO-") => Some(s.clone()),
            _ => None,
        })
        .collect()
}

#[test]
fn examples_plan_writes_files_and_ranks_planned_lines_first() {
    let run = plan_ok(&[
        "examples/catalog.xlsx",
        "--sales",
        "examples/sales.csv",
        "--as-of",
        "2026-11-20",
    ]);
    for f in ["plan.json", "plan.csv", "plan.xlsx"] {
        assert!(run.file(f).is_file(), "{f} not written");
    }
    // unknown sku in the sales file is a warning on stderr
    assert!(run.stderr().contains("HO-9999"), "stderr: {}", run.stderr());

    let plan = run.plan();
    assert_eq!(plan["schema"], "clearance.plan/v1");
    assert_eq!(plan["as_of"], "2026-11-20");

    // every catalog line exactly once
    let skus = catalog_skus_from_example();
    assert_eq!(skus.len(), 200);
    let mut seen: HashMap<&str, usize> = HashMap::new();
    for l in lines(&plan) {
        *seen.entry(s(&l["sku"])).or_default() += 1;
    }
    assert_eq!(lines(&plan).len(), 200);
    for sku in &skus {
        assert_eq!(
            seen.get(sku.as_str()),
            Some(&1),
            "{sku} must appear exactly once"
        );
    }

    // counts from fixtures/README.md
    let mut classes: BTreeMap<String, usize> = BTreeMap::new();
    let mut zero_sales_severe = 0;
    for l in lines(&plan) {
        let c = l["class"].as_str().unwrap_or("none").to_string();
        if c == "severe" && l["sold"].as_f64() == Some(0.0) {
            zero_sales_severe += 1;
        }
        *classes.entry(c).or_default() += 1;
    }
    assert_eq!(classes.get("severe"), Some(&50), "{classes:?}");
    assert_eq!(zero_sales_severe, 20);
    assert_eq!(classes.get("moderate"), Some(&30), "{classes:?}");
    assert_eq!(classes.get("balanced"), Some(&31), "{classes:?}");
    assert_eq!(classes.get("fast"), Some(&83), "{classes:?}");
    let no_stock = lines(&plan)
        .iter()
        .filter(|l| l["reason"] == "no_stock")
        .count();
    assert_eq!(no_stock, 6);
    assert_eq!(planned(&plan).len(), 78);
    assert_eq!(plan["summary"]["planned"], 78);
    assert_eq!(plan["summary"]["lines"], 200);

    // planned lines first, velocity ascending
    let statuses: Vec<&str> = lines(&plan).iter().map(|l| s(&l["status"])).collect();
    let first_skipped = statuses.iter().position(|s| *s == "skipped").unwrap();
    assert!(
        statuses[first_skipped..].iter().all(|s| *s == "skipped"),
        "planned lines must come first"
    );
    let v: Vec<f64> = planned(&plan)
        .iter()
        .map(|l| num(&l["velocity_ratio"]))
        .collect();
    assert!(
        v.windows(2).all(|w| w[0] <= w[1]),
        "planned lines not sorted by velocity: {v:?}"
    );

    for l in planned(&plan) {
        let why = s(&l["why"]);
        assert!(why.contains("velocity"), "why lacks velocity: {why}");
        assert!(
            why.contains('%') && why.contains("tier"),
            "why lacks tier: {why}"
        );
        assert!(why.contains("floor"), "why lacks floor: {why}");
        assert!(num(&l["discount_pct"]) <= 25.0, "{l}");
        assert!(num(&l["discount_pct"]) >= 5.0, "{l}");
        if !l["cost"].is_null() {
            assert!(num(&l["margin_after_pct"]) >= 15.0, "floor breached: {l}");
        }
    }
    // cost above price lines are not planned
    for sku in ["HO-1148", "HO-1199"] {
        let l = line(&plan, sku);
        assert_ne!(l["status"], "planned", "{l}");
    }
}

// ---------------------------------------------------------------- basic.csv

#[test]
fn basic_csv_matches_readme_table() {
    let plan = plan_ok(&[BASIC]).plan();
    assert_eq!(lines(&plan).len(), 15);

    assert_planned(&plan, "B-ZERO", 25, "tier", "37.50");
    assert_planned(&plan, "B-V005", 17, "tier", "16.60");
    assert_planned(&plan, "B-V010", 15, "tier", "25.50");
    assert_planned(&plan, "B-V015", 12, "tier", "8.80");
    assert_planned(&plan, "B-V025", 7, "tier", "37.20");
    assert_planned(&plan, "B-V029", 5, "tier", "9.50");
    assert_planned(&plan, "B-FLOOR", 7, "margin_floor", "93.00");
    assert_planned(&plan, "B-NOCOST", 15, "margin_floor", "12.75");

    // classes at the exact boundaries
    let class = |sku| line(&plan, sku)["class"].clone();
    assert_eq!(class("B-ZERO"), "severe");
    assert_eq!(class("B-V005"), "severe");
    assert_eq!(class("B-V010"), "moderate"); // exactly 0.1
    assert_eq!(class("B-V029"), "moderate");
    assert_eq!(class("B-V030"), "balanced"); // exactly 0.3
    assert_eq!(class("B-V070"), "balanced"); // exactly 0.7
    assert_eq!(class("B-V080"), "fast");

    // tier values (2 decimals)
    assert_eq!(num(&line(&plan, "B-ZERO")["tier_discount_pct"]), 25.0);
    assert_eq!(num(&line(&plan, "B-V005")["tier_discount_pct"]), 17.5);
    assert_eq!(num(&line(&plan, "B-V015")["tier_discount_pct"]), 12.5);
    assert_eq!(num(&line(&plan, "B-V029")["tier_discount_pct"]), 5.5);

    // margin after discount
    let ma = |sku| num(&line(&plan, sku)["margin_after_pct"]);
    assert!((ma("B-ZERO") - 46.67).abs() < 0.01);
    assert!((ma("B-FLOOR") - 16.13).abs() < 0.01);
    assert!((ma("B-V025") - 73.12).abs() < 0.01);

    for sku in ["B-V030", "B-V070", "B-V080"] {
        assert_skipped(&plan, sku, "not_slow");
        assert!(line(&plan, sku)["binding_limit"].is_null());
    }
    assert_skipped(&plan, "B-LOWMARGIN", "margin_floor");
    assert_eq!(line(&plan, "B-LOWMARGIN")["binding_limit"], "margin_floor");
    assert_skipped(&plan, "B-COSTHIGH", "margin_floor");
    assert_eq!(line(&plan, "B-COSTHIGH")["binding_limit"], "margin_floor");
    assert!(flags(line(&plan, "B-COSTHIGH")).contains(&"cost_above_price".to_string()));
    assert_skipped(&plan, "B-NOSTOCK", "no_stock");
    assert_skipped(&plan, "B-PRICE0", "bad_price");
    for sku in ["B-NOSTOCK", "B-PRICE0"] {
        assert!(
            line(&plan, sku)["class"].is_null(),
            "{sku} skipped before classification"
        );
    }

    let nocost = line(&plan, "B-NOCOST");
    assert!(flags(nocost).contains(&"no_cost_data".to_string()));
    assert!(num(&nocost["discount_pct"]) <= 15.0);

    // money fields are decimal strings
    assert_eq!(line(&plan, "B-ZERO")["price"], "50.00");
    assert_eq!(line(&plan, "B-ZERO")["cost"], "20.00");

    // ranking: v ascending, then capital (qty*cost, or qty*price) descending
    let order: Vec<&str> = planned(&plan).iter().map(|l| s(&l["sku"])).collect();
    assert_eq!(
        order,
        [
            "B-FLOOR", "B-ZERO", "B-NOCOST", "B-V005", "B-V010", "B-V015", "B-V025", "B-V029"
        ]
    );
    // skipped lines in input order
    let skipped: Vec<&str> = lines(&plan)
        .iter()
        .filter(|l| l["status"] == "skipped")
        .map(|l| s(&l["sku"]))
        .collect();
    assert_eq!(
        skipped,
        [
            "B-V030",
            "B-V070",
            "B-V080",
            "B-LOWMARGIN",
            "B-NOSTOCK",
            "B-PRICE0",
            "B-COSTHIGH"
        ]
    );

    let p = &plan["policy"];
    assert_eq!(p["cap_pct"], 25);
    assert_eq!(p["min_margin_pct"], 15);
    assert_eq!(p["margin_rule"], "points");
    assert_eq!(p["cap_overridden"], false);
    assert_eq!(plan["summary"]["planned"], 8);
    assert_eq!(plan["summary"]["skipped"], 7);
}

#[test]
fn basic_cost_above_price_warns_with_row_and_column() {
    let run = plan_ok(&[BASIC]);
    let err = run.stderr();
    assert!(
        err.contains("fixtures/basic.csv") && err.contains("row 16") && err.contains("cost"),
        "{err}"
    );
    let plan = run.plan();
    let w = plan["warnings"].as_array().unwrap();
    assert!(
        w.iter()
            .any(|w| w["row"] == 16 && s(&w["column"]).contains("cost")),
        "{w:?}"
    );
}

// ---------------------------------------------------------------- policy flags

#[test]
fn margin_rule_effective() {
    let plan = plan_ok(&[BASIC, "--margin-rule", "effective"]).plan();
    assert_eq!(plan["policy"]["margin_rule"], "effective");
    // 100 (1 - 78 / (100 * 0.85)) = 8.24 -> 8
    assert_planned(&plan, "B-FLOOR", 8, "margin_floor", "92.00");
    assert!(num(&line(&plan, "B-FLOOR")["margin_after_pct"]) >= 15.0);
    // 100 (1 - 8.2 / 8.5) = 3.53 -> below min discount
    assert_skipped(&plan, "B-LOWMARGIN", "margin_floor");
    assert_planned(&plan, "B-ZERO", 25, "tier", "37.50");
}

#[test]
fn cap_flag_is_recorded_and_binds() {
    let plan = plan_ok(&[BASIC, "--cap", "20"]).plan();
    assert_eq!(plan["policy"]["cap_pct"], 20);
    assert_eq!(plan["policy"]["cap_overridden"], true);
    assert_planned(&plan, "B-ZERO", 20, "cap", "40.00");
    assert_planned(&plan, "B-V005", 17, "tier", "16.60");
    for l in planned(&plan) {
        assert!(num(&l["discount_pct"]) <= 20.0, "{l}");
    }
}

#[test]
fn cap_equal_to_default_is_not_an_override() {
    let plan = plan_ok(&[BASIC, "--cap", "25"]).plan();
    assert_eq!(plan["policy"]["cap_overridden"], false);
}

#[test]
fn step_five_rounds_down_to_multiples_of_five() {
    let plan = plan_ok(&[BASIC, "--step", "5"]).plan();
    assert_eq!(plan["policy"]["step_pct"], 5);
    assert_planned(&plan, "B-V005", 15, "tier", "17.00");
    assert_planned(&plan, "B-V015", 10, "tier", "9.00");
    assert_planned(&plan, "B-V025", 5, "tier", "38.00");
    assert_planned(&plan, "B-FLOOR", 5, "margin_floor", "95.00");
    for l in planned(&plan) {
        assert_eq!(num(&l["discount_pct"]) % 5.0, 0.0, "{l}");
    }
}

#[test]
fn min_discount_skips_shallow_lines() {
    let plan = plan_ok(&[BASIC, "--min-discount", "10"]).plan();
    assert_eq!(plan["policy"]["min_discount_pct"], 10);
    assert_skipped(&plan, "B-V025", "below_min_discount");
    assert_skipped(&plan, "B-V029", "below_min_discount");
    assert_eq!(line(&plan, "B-V025")["binding_limit"], "tier");
    assert_skipped(&plan, "B-FLOOR", "margin_floor");
    assert_eq!(line(&plan, "B-FLOOR")["binding_limit"], "margin_floor");
    assert_planned(&plan, "B-V015", 12, "tier", "8.80");
}

#[test]
fn exclude_sku_and_category() {
    let plan = plan_ok(&[
        BASIC,
        "--exclude-sku",
        "B-ZERO",
        "--exclude-category",
        "kitchen",
    ])
    .plan();
    assert_skipped(&plan, "B-ZERO", "excluded");
    for sku in ["B-V010", "B-V015", "B-V025", "B-V029"] {
        assert_skipped(&plan, sku, "excluded");
    }
    // no_stock / bad_price come before excluded, and other lines are untouched
    assert_skipped(&plan, "B-NOSTOCK", "no_stock");
    assert_planned(&plan, "B-V005", 17, "tier", "16.60");
    assert_planned(&plan, "B-FLOOR", 7, "margin_floor", "93.00");
}

#[test]
fn explicit_sku_request() {
    let plan = plan_ok(&[BASIC, "--sku", "B-ZERO,B-FLOOR", "--discount", "25"]).plan();
    assert_planned(&plan, "B-ZERO", 25, "request", "37.50");
    // the floor still applies
    assert_planned(&plan, "B-FLOOR", 7, "margin_floor", "93.00");
    assert!(num(&line(&plan, "B-FLOOR")["margin_after_pct"]) >= 15.0);
    assert_eq!(planned(&plan).len(), 2);
    for sku in [
        "B-V005",
        "B-V010",
        "B-V030",
        "B-LOWMARGIN",
        "B-NOCOST",
        "B-COSTHIGH",
    ] {
        assert_skipped(&plan, sku, "excluded");
    }
    assert_eq!(plan["policy"]["allow_below_floor"], false);
}

#[test]
fn explicit_request_above_the_cap_is_recorded_as_an_override() {
    let plan = plan_ok(&[BASIC, "--sku", "B-ZERO,B-V005", "--discount", "40"]).plan();
    assert_eq!(plan["policy"]["cap_pct"], 25);
    assert_eq!(plan["policy"]["cap_overridden"], true);
    assert_planned(&plan, "B-ZERO", 40, "request", "30.00");
    for sku in ["B-ZERO", "B-V005"] {
        let why = s(&line(&plan, sku)["why"]);
        assert!(
            why.contains("40% requested, above the 25% cap: the request overrides the cap"),
            "{sku}: {why}"
        );
    }
    // A request within the cap overrides nothing.
    let plan = plan_ok(&[BASIC, "--sku", "B-ZERO", "--discount", "20"]).plan();
    assert_eq!(plan["policy"]["cap_overridden"], false);
    assert!(!s(&line(&plan, "B-ZERO")["why"]).contains("overrides the cap"));
}

#[test]
fn explicit_request_with_allow_below_floor() {
    let plan = plan_ok(&[
        BASIC,
        "--sku",
        "B-ZERO,B-FLOOR",
        "--discount",
        "25",
        "--allow-below-floor",
    ])
    .plan();
    assert_eq!(plan["policy"]["allow_below_floor"], true);
    let l = line(&plan, "B-FLOOR");
    assert_planned(&plan, "B-FLOOR", 25, "request", "75.00");
    assert!(num(&l["margin_after_pct"]) < 15.0);
    assert!(s(&l["why"]).contains("--allow-below-floor"), "{}", l["why"]);
    // a line that stays above the floor is not affected
    assert_planned(&plan, "B-ZERO", 25, "request", "37.50");
}

// ---------------------------------------------------------------- stacking

fn assert_stacking_table(plan: &Value) {
    assert_planned(plan, "B-ZERO", 16, "stacking", "42.00");
    assert_planned(plan, "B-V005", 17, "tier", "16.60");
    assert_planned(plan, "B-V010", 15, "tier", "25.50");
    assert_planned(plan, "B-V015", 12, "tier", "8.80");
    assert_planned(plan, "B-V025", 7, "tier", "37.20");
    assert_planned(plan, "B-V029", 5, "tier", "9.50");
    assert_planned(plan, "B-FLOOR", 7, "margin_floor", "93.00");
    assert_planned(plan, "B-NOCOST", 15, "margin_floor", "12.75");
    for sku in ["B-ZERO", "B-V010", "B-V015", "B-V025", "B-V029"] {
        let l = line(plan, sku);
        assert!(flags(l).contains(&"stacked".to_string()), "{sku}: {l}");
        assert_eq!(num(&l["existing_discount_pct"]), 10.0, "{sku}");
        let (e, d) = (10.0, num(&l["discount_pct"]));
        let combined = 100.0 * (1.0 - (1.0 - e / 100.0) * (1.0 - d / 100.0));
        assert!(combined <= 25.0 + 1e-9, "{sku}: combined depth {combined}");
    }
    // inactive rule for B-V005 is ignored
    let v005 = line(plan, "B-V005");
    assert!(v005["existing_discount_pct"].is_null());
    assert!(!flags(v005).contains(&"stacked".to_string()));
    let ma = |sku| num(&line(plan, sku)["margin_after_pct"]);
    assert!((ma("B-ZERO") - 47.09).abs() < 0.01);
    assert!((ma("B-V010") - 47.71).abs() < 0.01);
    assert!((ma("B-V025") - 70.13).abs() < 0.01);
}

#[test]
fn stacking_with_existing_csv() {
    let plan = plan_ok(&[BASIC, "--existing", "fixtures/existing_discounts.csv"]).plan();
    assert_stacking_table(&plan);
}

#[test]
fn stacking_with_existing_wix_json() {
    let plan = plan_ok(&[BASIC, "--existing", "fixtures/existing_wix.json"]).plan();
    assert_stacking_table(&plan);
}

#[test]
fn stacking_with_real_wix_response_shape() {
    let plan = plan_ok(&[
        "fixtures/basic_ids.csv",
        "--existing",
        "fixtures/existing_wix_real.json",
    ])
    .plan();
    assert_stacking_table(&plan);
}

// ---------------------------------------------------------------- stdout formats

#[test]
fn format_json_prints_the_plan_on_stdout() {
    let run = plan_ok(&[BASIC, "--format", "json"]);
    let from_stdout: Value = serde_json::from_str(&run.stdout()).expect("stdout is only JSON");
    let from_file = run.plan();
    assert_eq!(from_stdout, from_file);
    // the warning went to stderr, not stdout
    assert!(run.stderr().contains("row 16"));
    assert!(!run.stdout().contains("warning: "));
}

#[test]
fn format_csv_prints_plan_csv_on_stdout() {
    let run = plan_ok(&[BASIC, "--format", "csv"]);
    let out = run.stdout();
    assert_eq!(out, run.plan_csv(), "stdout must be plan.csv exactly");
    let mut rdr = csv::Reader::from_reader(out.as_bytes());
    let headers = rdr.headers().unwrap().clone();
    assert_eq!(&headers[0], "sku");
    for h in [
        "status",
        "discount_pct",
        "binding_limit",
        "clearance_price",
        "reason",
        "why",
    ] {
        assert!(
            headers.iter().any(|x| x == h),
            "plan.csv lacks {h}: {headers:?}"
        );
    }
    let rows: Vec<_> = rdr.records().map(|r| r.unwrap()).collect();
    assert_eq!(rows.len(), 15);
    assert!(!out.contains("warning: "));
}

#[test]
fn plan_is_deterministic_apart_from_generated_at() {
    let a = plan_ok(&[
        "examples/catalog.xlsx",
        "--sales",
        "examples/sales.csv",
        "--as-of",
        "2026-11-20",
    ]);
    let b = plan_ok(&[
        "examples/catalog.xlsx",
        "--sales",
        "examples/sales.csv",
        "--as-of",
        "2026-11-20",
    ]);
    let ja = std::fs::read_to_string(a.file("plan.json")).unwrap();
    let jb = std::fs::read_to_string(b.file("plan.json")).unwrap();
    let strip = |t: &str| {
        t.lines()
            .filter(|l| !l.contains("\"generated_at\""))
            .collect::<Vec<_>>()
            .join("\n")
    };
    assert_eq!(
        strip(&ja),
        strip(&jb),
        "plan.json differs beyond generated_at"
    );
    assert_eq!(
        without_generated_at(a.plan()),
        without_generated_at(b.plan())
    );
}

#[test]
fn table_output_for_basic_csv() {
    let run = plan_ok(&[BASIC, "--format", "table"]);
    insta::assert_snapshot!("basic_table", run.stdout());
}

// ---------------------------------------------------------------- output files

#[test]
fn existing_plan_files_need_force() {
    let first = plan_ok(&[BASIC]);
    let out = first.out_dir();
    let before: Vec<(String, Vec<u8>)> = ["plan.json", "plan.csv", "plan.xlsx"]
        .iter()
        .map(|f| (f.to_string(), read_bytes(&out.join(f))))
        .collect();

    let second = bin()
        .args(["plan", BASIC, "--as-of", AS_OF, "--out"])
        .arg(&out)
        .output()
        .unwrap();
    assert_eq!(
        second.status.code(),
        Some(73),
        "{}",
        String::from_utf8_lossy(&second.stderr)
    );
    let err = String::from_utf8_lossy(&second.stderr);
    assert!(err.contains("--force"), "{err}");
    for (f, bytes) in &before {
        assert_eq!(
            &read_bytes(&out.join(f)),
            bytes,
            "{f} was modified without --force"
        );
    }

    let third = bin()
        .args(["plan", BASIC, "--as-of", AS_OF, "--force", "--out"])
        .arg(&out)
        .output()
        .unwrap();
    assert_eq!(
        third.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&third.stderr)
    );
}

#[test]
fn plan_xlsx_has_the_four_sheets() {
    let run = plan_ok(&[BASIC]);
    let wb = calamine::open_workbook_auto(run.file("plan.xlsx")).expect("plan.xlsx opens");
    let names = wb.sheet_names();
    for s in ["Plan", "Skipped", "Data issues", "Summary"] {
        assert!(names.iter().any(|n| n == s), "missing sheet {s}: {names:?}");
    }
}

#[test]
fn no_slow_movers_still_writes_plan() {
    // only balanced/fast lines
    let dir = tempfile::tempdir().unwrap();
    let cat = dir.path().join("balanced.csv");
    std::fs::write(
        &cat,
        "sku,name,quantity,price,cost,orders\nX-1,One,10,20.00,5.00,5\nX-2,Two,10,20.00,5.00,9\n",
    )
    .unwrap();
    let run = plan_ok(&[cat.to_str().unwrap()]);
    let all = format!("{}{}", run.stdout(), run.stderr());
    assert!(
        all.to_lowercase()
            .contains("inventory is balanced; no clearance needed"),
        "{all}"
    );
    let plan = run.plan();
    assert_eq!(lines(&plan).len(), 2);
    assert!(planned(&plan).is_empty());
}

// ---------------------------------------------------------------- locations

#[test]
fn lines_alike_at_several_locations_rank_by_the_location_s_text() {
    // The same sku at six locations, every figure equal: ranked by location as text, byte by
    // byte (no location first, capitals before lower case, "WH10" before "WH2").
    let run = plan_ok(&["fixtures/location_ties.csv"]);
    let csv = run.plan_csv();
    let locations: Vec<&str> = csv
        .lines()
        .skip(1)
        .map(|l| l.split(',').nth(3).expect("a location field"))
        .collect();
    assert_eq!(locations, ["", "WH1", "WH10", "WH2", "wh1", "Été"]);
    let json = run.plan();
    let from_json: Vec<&str> = lines(&json)
        .iter()
        .map(|l| l["location"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(from_json, locations);
}

// ---------------------------------------------------------------- --from-campaign

#[test]
fn from_campaign_keeps_the_campaigns_locations() {
    // A campaign that holds sku A at WH2 only: replanning from it plans A at WH2, not at the
    // other locations of A.
    let first = plan_ok(&["fixtures/multi_location.csv"]);
    let dir = first.dir.path();
    let template = dir.join("one-location.csv");
    std::fs::write(&template, "SKU,Location,Include,Discount %\nA,WH2,Y,20\n").unwrap();
    let campaigns = dir.join("campaigns");
    let applied = bin()
        .arg("apply")
        .arg(&template)
        .arg("--plan")
        .arg(first.file("plan.json"))
        .arg("--out")
        .arg(&campaigns)
        .args(["--as-of", AS_OF, "--name", "Hose WH2"])
        .output()
        .unwrap();
    assert!(
        applied.status.success(),
        "{}",
        String::from_utf8_lossy(&applied.stderr)
    );
    let campaign = campaigns.join("hose-wh2").join("campaign.json");
    let again = plan_ok(&[
        "fixtures/multi_location.csv",
        "--from-campaign",
        campaign.to_str().unwrap(),
    ])
    .plan();
    assert_eq!(again["policy"]["from_campaign"], "Hose WH2");
    let wh2 = line_at(&again, "A", Some("WH2"));
    assert_eq!(wh2["status"], "planned", "{wh2}");
    for loc in ["WH1", "STORE"] {
        let l = line_at(&again, "A", Some(loc));
        assert_eq!(l["status"], "skipped", "{l}");
        assert_eq!(l["reason"], "excluded", "{l}");
        assert_eq!(
            s(&l["why"]),
            format!(
                "not in campaign \"Hose WH2\" at {loc} (--from-campaign keeps the campaign's locations)"
            )
        );
    }
    let b = line_at(&again, "B", Some("WH1"));
    assert_eq!(
        s(&b["why"]),
        "not in campaign \"Hose WH2\" (--from-campaign)"
    );
    assert_eq!(planned(&again).len(), 1);
}

/// A why keeps only what the line's figures do not say and is written again from them: the
/// opening prints as before in plan.json and plan.csv (plan.xlsx lists no not-slow line), two
/// decimals of velocity even past what 96 bits hold with them.
#[test]
fn whys_print_the_line_s_own_figures_in_plan_json_and_csv() {
    let run = plan_ok(&["fixtures/huge_velocities.csv", "--as-of", "2026-11-22"]);
    let plan = run.plan();
    let expected = [
        (
            "A",
            "1000000000000000 sold for 0.0000000000001 on hand (velocity 10000000000000000000000000000.00, selling fast): not a slow mover, no discount.",
        ),
        (
            "C",
            "999999999999999 sold for 0.000000000001 on hand (velocity 999999999999999000000000000.00, selling fast): not a slow mover, no discount.",
        ),
    ];
    let csv = run.plan_csv();
    for (sku, why) in expected {
        assert_eq!(s(&line(&plan, sku)["why"]), why, "{sku}");
        assert!(csv.contains(why), "{sku} in plan.csv: {csv}");
    }
}

/// A velocity at the top of the decimal range is written as the float nearest to it (just
/// above the largest decimal): `template` reads that plan.json back.
#[test]
fn a_plan_with_the_largest_velocity_reads_back() {
    let run = plan_ok(&["fixtures/huge_velocities.csv", "--as-of", "2026-11-22"]);
    let plan = run.plan();
    assert_eq!(
        line(&plan, "B")["velocity_ratio"].as_f64(),
        Some(7.922816251426434e28)
    );
    let template = run.dir.path().join("again.xlsx");
    bin()
        .arg("template")
        .arg("--plan")
        .arg(run.file("plan.json"))
        .arg("--out")
        .arg(&template)
        .assert()
        .success();
    assert!(template.is_file());
}

/// `plan --format csv > plan.csv` on a full disk: the results did not arrive, so the run
/// fails (exit 73) instead of passing a cut file for a whole one.
#[cfg(target_os = "linux")]
#[test]
fn results_that_cannot_reach_stdout_fail_instead_of_passing_for_whole() {
    let dir = tempfile::tempdir().expect("temp dir");
    let full = || {
        std::fs::OpenOptions::new()
            .write(true)
            .open("/dev/full")
            .expect("/dev/full")
    };
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_clearance"))
        .current_dir(root())
        .args([
            "plan",
            "fixtures/basic.csv",
            "--as-of",
            AS_OF,
            "--format",
            "csv",
        ])
        .arg("--out")
        .arg(dir.path().join("out"))
        .stdout(full())
        .output()
        .expect("runs");
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(73), "{err}");
    assert!(
        err.contains("error: standard output: cannot write the results (No space left"),
        "{err}"
    );
    // The plan's own files are whole: only what went to stdout is missing.
    assert!(dir.path().join("out/plan.csv").is_file());
    let help = std::process::Command::new(env!("CARGO_BIN_EXE_clearance"))
        .arg("--help")
        .stdout(full())
        .output()
        .expect("runs");
    assert_eq!(help.status.code(), Some(73));
}

/// `plan --format json | head`: the reader stopping early is not an error.
#[test]
fn a_reader_that_stops_reading_stdout_is_not_an_error() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_clearance"))
        .current_dir(root())
        .args([
            "plan",
            "examples/catalog.xlsx",
            "--sales",
            "examples/sales.csv",
        ])
        .args(["--as-of", AS_OF, "--format", "json", "--out"])
        .arg(dir.path().join("out"))
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("runs");
    // Gone before the plan (about 160 KB, more than a pipe holds) is printed.
    drop(child.stdout.take());
    let out = child.wait_with_output().expect("ends");
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert!(!err.contains("error"), "{err}");
}
