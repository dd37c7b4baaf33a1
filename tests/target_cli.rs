//! Target mode (`plan --exit DATE --target-sellthrough PCT`, `[target]` in clearance.toml) on
//! fixtures/target_mode (see fixtures/README.md), and the tier plan left as it was without it.

mod common;

use common::*;
use serde_json::Value;

const CATALOG: &str = "fixtures/target_mode/catalog.csv";
const SALES: &str = "fixtures/target_mode/sales.csv";
const AS_OF: &str = "2026-11-30";

fn target_plan(extra: &[&str]) -> Run {
    let mut args = vec![CATALOG, "--sales", SALES, "--as-of", AS_OF];
    args.extend_from_slice(extra);
    plan(&args)
}

fn flags(l: &Value) -> Vec<&str> {
    l["flags"]
        .as_array()
        .expect("flags")
        .iter()
        .map(|f| f.as_str().expect("flag"))
        .collect()
}

/// plan.json without its `generated_at` line, as the stored tier plans are kept.
fn without_generated_at(text: &str) -> String {
    text.lines()
        .filter(|l| !l.trim_start().starts_with("\"generated_at\""))
        .map(|l| format!("{l}\n"))
        .collect()
}

#[test]
fn target_mode_chooses_the_smallest_step_reaching_the_target() {
    let run = target_plan(&["--exit", "2027-01-31", "--target-sellthrough", "10"]);
    run.expect_code(0);
    let plan = run.plan();
    // sku, status, discount, binding limit, reason, flagged target_not_reached
    type Expected<'a> = (
        &'a str,
        &'a str,
        Option<f64>,
        Option<&'a str>,
        Option<&'a str>,
        bool,
    );
    let expected: [Expected; 11] = [
        ("K-B", "planned", Some(19.0), Some("target"), None, false),
        ("K-C", "planned", Some(25.0), Some("cap"), None, true),
        ("K-D", "planned", Some(25.0), Some("cap"), None, true),
        ("G-ZERO", "planned", Some(25.0), Some("cap"), None, true),
        ("A-DEAD", "planned", Some(25.0), Some("cap"), None, true),
        (
            "K-FLOOR",
            "planned",
            Some(10.0),
            Some("margin_floor"),
            None,
            true,
        ),
        (
            "K-NOCOST",
            "planned",
            Some(15.0),
            Some("margin_floor"),
            None,
            true,
        ),
        (
            "K-LOW",
            "skipped",
            None,
            Some("margin_floor"),
            Some("margin_floor"),
            true,
        ),
        (
            "K-MET",
            "skipped",
            None,
            None,
            Some("target_met_without_discount"),
            false,
        ),
        ("K-FAST", "skipped", None, None, Some("not_slow"), false),
        ("G-BAL", "skipped", None, None, Some("not_slow"), false),
    ];
    for (sku, status, discount, limit, reason, not_reached) in expected {
        let l = line(&plan, sku);
        assert_eq!(s(&l["status"]), status, "{sku}: {}", l["why"]);
        assert_eq!(l["discount_pct"].as_f64(), discount, "{sku}: {}", l["why"]);
        assert_eq!(l["binding_limit"].as_str(), limit, "{sku}");
        assert_eq!(l["reason"].as_str(), reason, "{sku}");
        assert_eq!(
            flags(l).contains(&"target_not_reached"),
            not_reached,
            "{sku}"
        );
        // Never past the cap or the deepest depth the floor and stacking allow.
        if let Some(d) = discount {
            assert!(d <= 25.0 && d <= num(&l["max_discount_pct"]), "{sku}");
        }
        // A projection for every slow line, none for the others; a line short of the target
        // never shows the target's figure (cut, not rounded), a line reaching it does.
        assert_eq!(
            l.get("projected_sellthrough_pct").is_some(),
            reason != Some("not_slow"),
            "{sku}"
        );
        if let Some(p) = l["projected_sellthrough_pct"].as_f64() {
            assert_eq!(p < 10.0, not_reached, "{sku}: {p}");
        }
    }
    assert_eq!(
        s(&line(&plan, "K-B")["why"]),
        "6 sold for 60 on hand (velocity 0.10, moderately overstocked): 19% is the smallest step \
         projected to sell 10% by 2027-01-31 (projected 10%); margin after discount 50.6%, above \
         the 15% floor."
    );
    assert_eq!(
        s(&line(&plan, "A-DEAD")["why"]),
        "0 sold for 10 on hand (velocity 0.00, severely overstocked): projected to sell 0% by \
         2027-01-31 at the 25% cap; 10% needs more than 99%; margin after discount 55.6%, above \
         the 15% floor."
    );
    // The terminal counts the lines short of the target.
    assert!(
        run.stdout()
            .contains("7 line(s) cannot reach the 10% target by 2027-01-31 within their limits"),
        "{}",
        run.stdout()
    );
    let forecast = &plan["forecast"];
    assert_eq!(s(&forecast["exit"]), "2027-01-31");
    assert_eq!(num(&forecast["target_sellthrough_pct"]), 10.0);
    assert_eq!(forecast["days"], 63);
    let categories: Vec<&str> = forecast["elasticities"]
        .as_array()
        .expect("elasticities")
        .iter()
        .map(|e| {
            assert_eq!(num(&e["value"]), -2.0);
            assert_eq!(s(&e["source"]), "default");
            assert_eq!(e["interval"], serde_json::json!([-3.96, -0.04]));
            assert_eq!(
                s(&e["note"]),
                "the sales carry no unit price paid; the default elasticity -2.0 is used"
            );
            s(&e["category"])
        })
        .collect();
    assert_eq!(categories, ["attic", "garden", "kitchen"]);
}

#[test]
fn a_line_that_sold_nothing_is_never_skipped_on_its_category() {
    // A bestseller (K-FAST, 1500 sold) in the category must not carry a line that sold nothing.
    let dir = tempfile::tempdir().expect("tempdir");
    let catalog = dir.path().join("catalog.csv");
    let mut text = std::fs::read_to_string(root().join(CATALOG)).expect("catalog");
    text.push_str("K-ZERO5,Zester,Kitchen,12,12.00,4.00\n");
    std::fs::write(&catalog, text).expect("write catalog");
    let catalog = catalog.to_str().expect("utf-8 path");
    let run = plan(&[
        catalog,
        "--sales",
        SALES,
        "--as-of",
        AS_OF,
        "--exit",
        "2027-01-31",
        "--target-sellthrough",
        "80",
    ]);
    run.expect_code(0);
    let plan = run.plan();
    for sku in ["K-ZERO5", "K-D"] {
        let l = line(&plan, sku);
        assert_eq!(s(&l["status"]), "planned", "{sku}: {}", l["why"]);
        assert_ne!(l["reason"].as_str(), Some("target_met_without_discount"));
        assert!(num(&l["discount_pct"]) > 0.0, "{sku}");
        assert!(flags(l).contains(&"target_not_reached"), "{sku}");
        assert!(
            s(&l["why"])
                .ends_with("; no sales in the window: projected from the category's median rate."),
            "{sku}: {}",
            l["why"]
        );
        // The category's median line, not the bestseller: a few units, not half a unit a day.
        assert!(num(&l["projected_sellthrough_pct"]) < 15.0, "{sku}");
    }
    // A line with sales of its own says nothing about the category.
    assert!(!s(&line(&plan, "K-B")["why"]).contains("median"));
}

#[test]
fn target_mode_needs_units_and_sales() {
    let run = target_plan(&[
        "--exit",
        "2027-01-31",
        "--target-sellthrough",
        "80",
        "--basis",
        "orders",
    ]);
    run.expect_code(2);
    assert!(
        run.stderr()
            .contains("target mode projects units: use --basis units"),
        "{}",
        run.stderr()
    );
    // No sales file and no sold column: every projection would be 0.
    let run = plan(&[
        CATALOG,
        "--as-of",
        AS_OF,
        "--exit",
        "2027-01-31",
        "--target-sellthrough",
        "80",
    ]);
    run.expect_code(65);
    assert!(
        run.stderr().contains(
            "target mode needs sales: pass --sales FILE (no line sold anything in the window)"
        ),
        "{}",
        run.stderr()
    );
    // The tier plan needs neither.
    plan(&[CATALOG, "--as-of", AS_OF]).expect_code(0);
}

#[test]
fn sales_covering_part_of_the_window_warn_in_target_mode() {
    let dir = tempfile::tempdir().expect("tempdir");
    let sales = dir.path().join("sales.csv");
    let text = std::fs::read_to_string(root().join(SALES)).expect("sales");
    let recent: String = text
        .lines()
        .enumerate()
        .filter(|(i, l)| *i == 0 || l.split(',').nth(1).is_some_and(|d| d >= "2026-11-16"))
        .map(|(_, l)| format!("{l}\n"))
        .collect();
    std::fs::write(&sales, recent).expect("write sales");
    let sales = sales.to_str().expect("utf-8 path");
    let warned = |extra: &[&str]| {
        let mut args = vec![CATALOG, "--sales", sales, "--as-of", AS_OF];
        args.extend_from_slice(extra);
        let run = plan(&args);
        run.expect_code(0);
        run.plan()["warnings"]
            .as_array()
            .expect("warnings")
            .iter()
            .any(|w| s(&w["message"]).starts_with("the sales cover 15 of the 90 days"))
    };
    assert!(warned(&[
        "--exit",
        "2027-01-31",
        "--target-sellthrough",
        "80"
    ]));
    // The tier plan is not target mode: no such warning.
    assert!(!warned(&[]));
}

#[test]
fn in_target_mode_the_campaign_runs_to_the_exit_date() {
    let run = target_plan(&["--exit", "2027-01-31", "--target-sellthrough", "10"]);
    run.expect_code(0);
    let plan = run.plan();
    assert_eq!(s(&plan["campaign"]["start"]), AS_OF);
    assert_eq!(s(&plan["campaign"]["end"]), "2027-01-31");
    // Projected at the line's past pace over the 63 days: 6 sold in 90 days.
    let l = line(&plan, "K-B");
    assert_eq!(num(&l["projected_units_sold"]), 4.2);
    assert_eq!(num(&l["stock_left_at_end"]), 55.8);
    // Without the flags, the default 28 days.
    assert_eq!(s(&target_plan(&[]).plan()["campaign"]["end"]), "2026-12-28");
}

#[test]
fn a_stacked_line_needs_extra_depth_on_top_of_its_discount() {
    let run = plan(&[
        "fixtures/basic.csv",
        "--existing",
        "fixtures/existing_discounts.csv",
        "--as-of",
        "2026-11-22",
        "--exit",
        "2027-01-31",
        "--target-sellthrough",
        "50",
    ]);
    run.expect_code(0);
    let plan = run.plan();
    let why = s(&line(&plan, "B-V010")["why"]);
    assert!(
        why.contains("50% needs about 48% more (53% combined)"),
        "{why}"
    );
}

#[test]
fn report_ignores_a_target_whose_exit_has_passed() {
    let dir = tempfile::tempdir().expect("tempdir");
    let config = dir.path().join("clearance.toml");
    std::fs::write(
        &config,
        "[target]\nexit = \"2026-11-01\"\nsellthrough_pct = 80\n",
    )
    .expect("write config");
    let out = dir.path().join("reports");
    let run = bin()
        .args([
            "report", CATALOG, "--sales", SALES, "--as-of", AS_OF, "--config",
        ])
        .arg(&config)
        .arg("--out")
        .arg(&out)
        .output()
        .expect("run clearance");
    assert_eq!(
        run.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    // plan still checks it.
    let run = target_plan(&["--config", config.to_str().expect("utf-8 path")]);
    run.expect_code(2);
}

#[test]
fn target_mode_from_clearance_toml_and_a_new_plan_id() {
    let dir = tempfile::tempdir().expect("tempdir");
    let config = dir.path().join("clearance.toml");
    std::fs::write(
        &config,
        "[target]\nexit = \"2027-01-31\"\nsellthrough_pct = 80\n",
    )
    .expect("write config");
    let config = config.to_str().expect("utf-8 path");
    let from_file = target_plan(&["--config", config]);
    from_file.expect_code(0);
    let from_flags = target_plan(&["--exit", "2027-01-31", "--target-sellthrough", "80"]);
    let tiers = target_plan(&[]);
    let (a, b, c) = (from_file.plan(), from_flags.plan(), tiers.plan());
    assert_eq!(a["plan_id"], b["plan_id"]);
    assert_ne!(a["plan_id"], c["plan_id"]);
    assert_eq!(a["lines"], b["lines"]);
    // Flags win over the file.
    let deeper = target_plan(&[
        "--config",
        config,
        "--exit",
        "2027-01-31",
        "--target-sellthrough",
        "90",
    ]);
    assert_eq!(
        num(&deeper.plan()["forecast"]["target_sellthrough_pct"]),
        90.0
    );
}

#[test]
fn without_the_flags_the_plan_files_are_the_tier_plans() {
    // Written by the planner before target mode existed (minus `generated_at`).
    let cases: [(&[&str], &str); 2] = [
        (
            &[CATALOG, "--sales", SALES, "--as-of", AS_OF],
            "target_mode",
        ),
        (
            &[
                "fixtures/basic.csv",
                "--existing",
                "fixtures/existing_discounts.csv",
                "--as-of",
                "2026-11-22",
            ],
            "basic_existing",
        ),
    ];
    for (args, name) in cases {
        let run = plan(args);
        run.expect_code(0);
        let stored = |ext: &str| {
            let p = root().join(format!("tests/fixtures/tier_plan/{name}.plan.{ext}"));
            std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
        };
        let json = std::fs::read_to_string(run.file("plan.json")).expect("plan.json");
        assert_eq!(
            without_generated_at(&json),
            stored("json"),
            "{name}: plan.json"
        );
        assert_eq!(run.plan_csv(), stored("csv"), "{name}: plan.csv");
        assert!(!json.contains("\"forecast\"") && !json.contains("projected_sellthrough_pct"));
        assert!(!json.contains("what_if"));
    }
}

#[test]
fn target_flags_are_checked() {
    // A share needs an exit date (an exit date alone is the what-if, tests/what_if_cli.rs).
    let run = target_plan(&["--target-sellthrough", "80"]);
    run.expect_code(2);
    assert!(run.stderr().contains("--exit"), "{}", run.stderr());
    // The exit date after as-of.
    let run = target_plan(&["--exit", AS_OF, "--target-sellthrough", "80"]);
    run.expect_code(2);
    assert!(
        run.stderr()
            .contains("is not after the as-of date 2026-11-30"),
        "{}",
        run.stderr()
    );
    // Above 0, at most 100.
    for pct in ["0", "101"] {
        let run = target_plan(&["--exit", "2027-01-31", "--target-sellthrough", pct]);
        run.expect_code(2);
        assert!(run.stderr().contains("out of range"), "{}", run.stderr());
    }
    // [target] needs both keys.
    let dir = tempfile::tempdir().expect("tempdir");
    let config = dir.path().join("clearance.toml");
    std::fs::write(&config, "[target]\nexit = \"2027-01-31\"\n").expect("write config");
    let run = target_plan(&["--config", config.to_str().expect("utf-8 path")]);
    assert_ne!(run.code(), 0);
    assert!(
        run.stderr()
            .contains("[target] needs both exit and sellthrough_pct"),
        "{}",
        run.stderr()
    );
}

// ------------------------------------------------------- the elasticity from the prices paid

const PRICES_CATALOG: &str = "fixtures/target_mode/prices/catalog.csv";
const PRICES_SALES: &str = "fixtures/target_mode/prices/sales.csv";
const PRICES_SALES_NO_PRICE: &str = "fixtures/target_mode/prices/sales_noprice.csv";

fn elasticity<'a>(plan: &'a Value, category: &str) -> &'a Value {
    plan["forecast"]["elasticities"]
        .as_array()
        .expect("elasticities")
        .iter()
        .find(|e| e["category"] == category)
        .unwrap_or_else(|| panic!("no elasticity for {category}"))
}

#[test]
fn target_mode_learns_the_elasticity_from_the_unit_prices_paid() {
    let run = plan(&[
        PRICES_CATALOG,
        "--sales",
        PRICES_SALES,
        "--as-of",
        AS_OF,
        "--exit",
        "2027-01-31",
        "--target-sellthrough",
        "20",
    ]);
    run.expect_code(0);
    let plan = run.plan();
    // Shoes: prices changed every 10 to 16 days, sold with a true elasticity of −3.0.
    let shoes = elasticity(&plan, "shoes");
    assert_eq!(shoes["source"], "learned", "{shoes}");
    let value = num(&shoes["value"]);
    assert!((value - -3.0).abs() <= 0.5, "{shoes}");
    assert!(num(&shoes["price_changes"]) >= 30.0, "{shoes}");
    let interval = shoes["interval"].as_array().expect("interval");
    assert!(
        num(&interval[0]) < value && value < num(&interval[1]),
        "{shoes}"
    );
    // Socks: always full price.
    let socks = elasticity(&plan, "socks");
    assert_eq!(socks["source"], "default", "{socks}");
    assert_eq!(num(&socks["value"]), -2.0);
    assert_eq!(num(&socks["price_changes"]), 0.0);
    assert!(
        s(&socks["note"]).starts_with("prices did not change"),
        "{socks}"
    );
    // The shoes are projected with the learned value, and at the pace of their regular price:
    // the boot's markdown days count as more than one regular day each, so its projection
    // differs from the one the same sales without prices get (default −2.0, every day alike).
    let boot = line(&plan, "SH-4");
    assert_eq!(boot["status"], "planned");
    let default = plan_ok(&[
        PRICES_CATALOG,
        "--sales",
        PRICES_SALES_NO_PRICE,
        "--as-of",
        AS_OF,
        "--exit",
        "2027-01-31",
        "--target-sellthrough",
        "20",
    ]);
    let default_boot = line(&default.plan(), "SH-4").clone();
    assert_eq!(boot["discount_pct"], default_boot["discount_pct"]);
    assert_ne!(
        boot["projected_sellthrough_pct"], default_boot["projected_sellthrough_pct"],
        "{boot} vs {default_boot}"
    );
    // The bad unit price (row 3) is counted, named by file, row and column; never fatal.
    assert!(
        run.stderr().contains(
            "sales.csv, row 3, column unit_price: 1 sales line(s) have a unit price paid that is not a number"
        ),
        "{}",
        run.stderr()
    );
}

#[test]
fn the_tier_plan_ignores_the_unit_prices_paid() {
    let with = plan(&[PRICES_CATALOG, "--sales", PRICES_SALES, "--as-of", AS_OF]);
    with.expect_code(0);
    let without = plan(&[
        PRICES_CATALOG,
        "--sales",
        PRICES_SALES_NO_PRICE,
        "--as-of",
        AS_OF,
    ]);
    without.expect_code(0);
    assert_eq!(with.plan_csv(), without.plan_csv());
    assert_eq!(with.plan()["lines"], without.plan()["lines"]);
    // Not read, so not checked: no warning about the bad value either.
    assert!(!with.stderr().contains("unit price"), "{}", with.stderr());
}

#[test]
fn without_prices_paid_every_category_says_so() {
    let run = plan(&[
        PRICES_CATALOG,
        "--sales",
        PRICES_SALES_NO_PRICE,
        "--as-of",
        AS_OF,
        "--exit",
        "2027-01-31",
        "--target-sellthrough",
        "20",
    ]);
    run.expect_code(0);
    let plan = run.plan();
    for category in ["shoes", "socks"] {
        let e = elasticity(&plan, category);
        assert_eq!(e["source"], "default", "{e}");
        assert!(
            s(&e["note"]).starts_with("the sales carry no unit price paid"),
            "{e}"
        );
    }
}

#[test]
fn inspect_shows_the_unit_price_paid_of_order_exports() {
    let cases = [
        ("fixtures/shopify/orders_export.csv", "\"Lineitem price\""),
        ("fixtures/target_mode/prices/sales.csv", "\"unit_price\""),
    ];
    for (file, column) in cases {
        let out = bin()
            .args(["inspect", "--sales", file, "--rows", "1"])
            .output()
            .expect("run clearance");
        assert_eq!(out.status.code(), Some(0));
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(
            stdout
                .lines()
                .any(|l| l.trim_start().starts_with("unit_price") && l.contains(column)),
            "{file}: {stdout}"
        );
    }
}

#[test]
fn unit_price_can_be_named_with_map() {
    let dir = tempfile::tempdir().expect("tempdir");
    let sales = dir.path().join("sales.csv");
    let text = std::fs::read_to_string(root().join(PRICES_SALES)).expect("fixture");
    std::fs::write(&sales, text.replacen("unit_price", "Paid each", 1)).expect("write");
    let sales = sales.display().to_string();
    let target = [
        "--as-of",
        AS_OF,
        "--exit",
        "2027-01-31",
        "--target-sellthrough",
        "20",
    ];
    let mut args = vec![PRICES_CATALOG, "--sales", &sales];
    args.extend_from_slice(&target);
    let unmapped = plan_ok(&args);
    assert_eq!(elasticity(&unmapped.plan(), "shoes")["source"], "default");
    args.extend_from_slice(&["--map", "unit_price=Paid each"]);
    let mapped = plan_ok(&args);
    assert_eq!(elasticity(&mapped.plan(), "shoes")["source"], "learned");
}
