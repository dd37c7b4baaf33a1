//! Guards on fixtures/guards (see fixtures/README.md): the minimum advertised price (MAP).

mod common;

use common::*;

#[test]
fn the_minimum_advertised_price_is_a_floor_on_the_clearance_price() {
    let run = plan_ok(&["fixtures/guards/map.csv"]);
    let plan = run.plan();
    assert_planned(&plan, "M-88", 12, "min_price", "88.00");
    let why = s(&line(&plan, "M-88")["why"]).to_string();
    assert!(
        why.contains("held to 12% by the minimum advertised price 88.00"),
        "{why}"
    );
    assert_eq!(num(&line(&plan, "M-88")["max_discount_pct"]), 12.0);
    assert_planned(&plan, "M-8801", 11, "min_price", "89.00");
    // A line without a MAP keeps its tier plan.
    assert_planned(&plan, "M-NONE", 25, "tier", "75.00");
}

#[test]
fn a_minimum_advertised_price_above_the_price_skips_the_line() {
    let run = plan_ok(&["fixtures/guards/map.csv"]);
    let plan = run.plan();
    assert_skipped(&plan, "M-ABOVE", "min_price");
    let l = line(&plan, "M-ABOVE");
    assert_eq!(l["binding_limit"], "min_price");
    let why = s(&l["why"]);
    assert!(
        why.contains("the minimum advertised price 120.00 is at or above today's price"),
        "{why}"
    );
    assert!(run.plan_csv().contains("min_price"));
}

#[test]
fn map_names_a_min_price_column() {
    let dir = tempfile::tempdir().expect("tempdir");
    let catalog = dir.path().join("catalog.csv");
    std::fs::write(
        &catalog,
        "sku,quantity,price,cost,orders,Mindestpreis\nX-1,40,100.00,50.00,0,88.00\n",
    )
    .expect("write catalog");
    let path = catalog.to_str().expect("utf-8 path");
    let run = plan_ok(&[path, "--map", "min_price=Mindestpreis"]);
    assert_planned(&run.plan(), "X-1", 12, "min_price", "88.00");
}

#[test]
fn an_unreadable_minimum_advertised_price_skips_the_line_with_its_cell() {
    let dir = tempfile::tempdir().expect("tempdir");
    let catalog = dir.path().join("catalog.csv");
    std::fs::write(
        &catalog,
        "sku,quantity,price,cost,orders,min_price\nX-1,40,100.00,50.00,0,eighty\n",
    )
    .expect("write catalog");
    let path = catalog.to_str().expect("utf-8 path");
    let run = plan_ok(&[path]);
    assert_skipped(&run.plan(), "X-1", "bad_data");
    let err = run.stderr();
    assert!(err.contains("catalog.csv"), "{err}");
    assert!(err.contains("row 2"), "{err}");
    assert!(err.contains("min_price (F)"), "{err}");
}

const SHOPIFY: &str = "fixtures/shopify/products_export.csv";

#[test]
fn shopify_vendor_and_tags_exclude_every_variant_of_the_product() {
    let run = plan_ok(&[
        SHOPIFY,
        "--exclude-vendor",
        " domyos",
        "--exclude-tag",
        "FOOTWEAR",
    ]);
    let plan = run.plan();
    // Vendor and Tags are on the product's first row only; its variants carry them.
    for sku in [
        "otti-combat-boot/Milky/35",
        "louise-slide-sandal/Buttermilk/35",
    ] {
        assert_skipped(&plan, sku, "excluded");
        let why = s(&line(&plan, sku)["why"]);
        assert!(why.contains("its tag \"Footwear\" is excluded"), "{why}");
    }
    for sku in [
        "womens-gym-t-shirt-1/Small/Dark Brown",
        "womens-gym-t-shirt/Small/Gray",
    ] {
        assert_skipped(&plan, sku, "excluded");
        let why = s(&line(&plan, sku)["why"]);
        assert!(why.contains("its vendor \"DOMYOS\" is excluded"), "{why}");
    }
    for sku in ["puff-large/Latte", "small-naomi/Gummy", "studio-bag/Denim"] {
        assert_eq!(line(&plan, sku)["status"], "planned", "{sku}");
    }
    assert_eq!(plan["policy"]["excluded_tags"][0], "footwear");
    assert_eq!(plan["policy"]["excluded_vendors"][0], "domyos");
}

#[test]
fn exclude_tags_and_vendors_in_clearance_toml() {
    let dir = tempfile::tempdir().expect("tempdir");
    let config = dir.path().join("clearance.toml");
    std::fs::write(
        &config,
        "exclude_tags = [\"Purse\"]\nexclude_vendors = [\"Hearth & Co\"]\n",
    )
    .expect("write config");
    let config = config.to_str().expect("utf-8 path");
    let plan = plan_ok(&[SHOPIFY, "--config", config]).plan();
    assert_skipped(&plan, "small-naomi/Gummy", "excluded");
    assert_skipped(&plan, "studio-bag/Denim", "excluded");
    assert_eq!(line(&plan, "puff-large/Latte")["status"], "planned");
    // A generic file: `Brand` is the vendor, `Tags` comma-separated; both trimmed, any case.
    let plan = plan_ok(&[
        "fixtures/guards/tagged.csv",
        "--config",
        config,
        "--exclude-tag",
        "linen",
    ])
    .plan();
    assert_skipped(&plan, "T-1", "excluded");
    assert_skipped(&plan, "T-3", "excluded");
    assert!(s(&line(&plan, "T-3")["why"]).contains("its vendor \"hearth & co\""));
    assert_eq!(line(&plan, "T-2")["status"], "planned");
    assert_eq!(line(&plan, "T-4")["status"], "planned");
}

#[test]
fn without_the_guards_the_shopify_plan_is_unchanged() {
    let plan = plan_ok(&[SHOPIFY]).plan();
    assert!(plan["policy"].get("excluded_tags").is_none());
    assert!(plan["policy"].get("excluded_vendors").is_none());
    assert_eq!(
        line(&plan, "otti-combat-boot/Milky/35")["status"],
        "planned"
    );
}

#[test]
fn woocommerce_variations_carry_their_parents_tags() {
    let plan = plan_ok(&[
        "fixtures/guards/woo_tags.csv",
        "--exclude-tag",
        "final sale",
    ])
    .plan();
    // By parent sku and by parent id.
    for sku in ["W-TEE-RED", "W-TEE-BLUE"] {
        assert_skipped(&plan, sku, "excluded");
        assert!(s(&line(&plan, sku)["why"]).contains("its tag \"Final sale\" is excluded"));
    }
    assert_eq!(line(&plan, "W-CAP")["status"], "planned");
    assert_eq!(line(&plan, "W-BELT")["status"], "planned");
}

#[test]
fn min_age_skips_stock_received_more_recently() {
    let run = plan_ok(&["fixtures/guards/received.csv", "--min-age", "60"]);
    let plan = run.plan();
    assert_skipped(&plan, "R-NEW", "too_new");
    let why = s(&line(&plan, "R-NEW")["why"]);
    assert!(
        why.contains(
            "received 2026-11-01 (the catalog's date column), 21 day(s) before 2026-11-22"
        ),
        "{why}"
    );
    // 60 days old is old enough; a line without a date is not guarded.
    for sku in ["R-OLD", "R-EDGE", "R-NODATE"] {
        assert_eq!(line(&plan, sku)["status"], "planned", "{sku}");
    }
    assert_eq!(plan["policy"]["min_age_days"], 60);
    // Without the flag the date column is not read at all.
    let plan = plan_ok(&["fixtures/guards/received.csv"]).plan();
    assert_eq!(line(&plan, "R-NEW")["status"], "planned");
    assert!(plan["policy"].get("min_age_days").is_none());
}

#[test]
fn min_age_reads_the_prestashop_creation_date_and_warns_without_a_date_column() {
    // Product creation date 2013-01-01: far older than 60 days, nothing too new.
    let run = plan_ok(&["fixtures/prestashop/products_import.csv", "--min-age", "60"]);
    assert!(!run.plan_csv().contains("too_new"));
    let run = plan_ok(&[
        "fixtures/prestashop/products_import.csv",
        "--min-age",
        "6000",
    ]);
    let plan = run.plan();
    let why = s(&line(&plan, "RP-demo_1")["why"]).to_string();
    assert!(why.contains("received 2013-01-01"), "{why}");
    let run = plan_ok(&["fixtures/guards/map.csv", "--min-age", "30"]);
    let err = run.stderr();
    assert!(err.contains("map.csv"), "{err}");
    assert!(
        err.contains("has no received or created date column"),
        "{err}"
    );
}

/// `review --apply` never deepens a line below its minimum advertised price, even with the cap
/// raised: the MAP holds M-88 at 12% and the why names it; the line without a MAP deepens.
#[test]
fn review_apply_never_deepens_below_the_minimum_advertised_price() {
    let dir = tempfile::tempdir().expect("tempdir");
    let p = |x: &str| dir.path().join(x);
    let run = |args: &[&std::ffi::OsStr]| {
        let out = bin().args(args).output().expect("run clearance");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    };
    let o = |s: &'static str| std::ffi::OsStr::new(s);
    let plan_dir = p("P");
    run(&[
        o("plan"),
        o("fixtures/guards/map.csv"),
        o("--as-of"),
        o("2026-11-22"),
        o("--out"),
        plan_dir.as_os_str(),
        o("--quiet"),
    ]);
    let plan: serde_json::Value =
        serde_json::from_slice(&read_bytes(&plan_dir.join("plan.json"))).expect("plan.json");
    assert_eq!(line(&plan, "M-88")["min_price"], "88.00");
    assert!(line(&plan, "M-NONE").get("min_price").is_none());
    let campaigns = p("C");
    run(&[
        o("apply"),
        plan_dir.join("upload-template.xlsx").as_os_str(),
        o("--plan"),
        plan_dir.join("plan.json").as_os_str(),
        o("--out"),
        campaigns.as_os_str(),
        o("--start"),
        o("2026-12-01"),
        o("--as-of"),
        o("2026-11-22"),
        o("--approve"),
        o("--by"),
        o("X"),
        o("--quiet"),
    ]);
    let campaign = std::fs::read_dir(&campaigns)
        .expect("campaigns")
        .map(|e| e.expect("entry").path())
        .find(|e| e.is_dir())
        .expect("one campaign folder");
    let sales = p("sales.csv");
    std::fs::write(&sales, "sku,date,quantity\n").expect("write sales");
    let review = p("R");
    run(&[
        o("review"),
        campaign.as_os_str(),
        o("--sales"),
        sales.as_os_str(),
        o("--as-of"),
        o("2026-12-10"),
        o("--cap"),
        o("50"),
        o("--apply"),
        o("--out"),
        review.as_os_str(),
        o("--quiet"),
    ]);
    let r: serde_json::Value =
        serde_json::from_slice(&read_bytes(&review.join("review.json"))).expect("review.json");
    let rl = |sku: &str| {
        r["lines"]
            .as_array()
            .expect("lines")
            .iter()
            .find(|l| l["sku"] == sku)
            .expect("line")
            .clone()
    };
    let m = rl("M-88");
    assert_ne!(m["recommendation"], "deepen", "{m}");
    let why = s(&m["why"]);
    assert!(
        why.contains("minimum advertised price 88.00 allows no deeper step than 12%"),
        "{why}"
    );
    assert_eq!(rl("M-NONE")["recommendation"], "deepen");
    let prices = String::from_utf8(read_bytes(
        &campaign
            .join("revisions")
            .join("002")
            .join("price-list.csv"),
    ))
    .expect("utf-8");
    assert!(prices.contains("M-NONE"), "{prices}");
    assert!(!prices.contains("M-88"), "{prices}");
}

/// The template's maximum for a MAP-bound line is the MAP's, and `validate` names it.
#[test]
fn validate_refuses_a_discount_below_the_minimum_advertised_price_and_names_it() {
    let run = plan_ok(&["fixtures/guards/map.csv"]);
    let csv = run.dir.path().join("map.csv");
    std::fs::write(&csv, "SKU,Include,Discount %\nM-88,Y,20\n").expect("write template");
    let out = bin()
        .arg("validate")
        .arg(&csv)
        .arg("--plan")
        .arg(run.file("plan.json"))
        .output()
        .expect("run clearance");
    assert_eq!(out.status.code(), Some(65));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains(
            "map.csv!C2: discount 20% is above the allowed 12% for sku M-88 (minimum advertised price 88.00)"
        ),
        "{stdout}"
    );
}

/// `--exclude-tag "final,sale"` is two tags; an excluded tag or vendor that matches no line,
/// or a catalog with no tags or vendor column, is a warning with the count.
#[test]
fn exclusions_that_match_nothing_are_warned_and_tags_split_on_commas() {
    let run = plan_ok(&[
        "fixtures/guards/tagged.csv",
        "--exclude-tag",
        "winter,finale",
        "--exclude-vendor",
        "nobody",
    ]);
    let plan = run.plan();
    assert_skipped(&plan, "T-2", "excluded");
    assert_eq!(plan["policy"]["excluded_tags"][0], "finale");
    assert_eq!(plan["policy"]["excluded_tags"][1], "winter");
    let err = run.stderr();
    assert!(
        err.contains("1 of 2 excluded tag(s) matched no line: \"finale\""),
        "{err}"
    );
    assert!(
        err.contains("1 of 1 excluded vendor(s) matched no line: \"nobody\""),
        "{err}"
    );
    let run = plan_ok(&[
        "fixtures/guards/map.csv",
        "--exclude-tag",
        "final, sale",
        "--exclude-vendor",
        "Acme",
    ]);
    let err = run.stderr();
    assert!(
        err.contains("the catalog has no tags column")
            && err.contains("none of the 2 excluded tag(s) (\"final\", \"sale\") can match"),
        "{err}"
    );
    assert!(
        err.contains("the catalog has no vendor column")
            && err.contains("none of the 1 excluded vendor(s) (\"acme\") can match"),
        "{err}"
    );
}

/// Received dates take their column's day/month order like sale dates: a day-first date in the
/// column (25/10/2026) decides how 05/11/2026 reads (5 November, 17 days before as-of: too
/// new), and a dotted date is day first (11.01.2026 is 11 January).
#[test]
fn min_age_reads_received_dates_in_their_columns_order() {
    let plan = plan_ok(&["fixtures/guards/received_day_first.csv", "--min-age", "30"]).plan();
    assert_skipped(&plan, "D-DECIDES", "too_new");
    assert_skipped(&plan, "D-AMBIG", "too_new");
    assert!(
        s(&line(&plan, "D-AMBIG")["why"]).contains("received 2026-11-05"),
        "{}",
        line(&plan, "D-AMBIG")["why"]
    );
    assert_eq!(line(&plan, "D-DOTTED")["status"], "planned");
    // Nothing in the column decides 10/11/2026: the later reading (10 November, too new) with
    // one warning naming the fix; --date-order mdy reads it 11 October (old enough).
    let run = plan_ok(&["fixtures/guards/received_either_way.csv", "--min-age", "30"]);
    assert_skipped(&run.plan(), "A-1", "too_new");
    assert!(
        run.stderr()
            .contains("1 received date(s) read either way (nothing in the column decides"),
        "{}",
        run.stderr()
    );
    let run = plan_ok(&[
        "fixtures/guards/received_either_way.csv",
        "--min-age",
        "30",
        "--date-order",
        "mdy",
    ]);
    assert_eq!(line(&run.plan(), "A-1")["status"], "planned");
    assert!(
        !run.stderr().contains("read either way"),
        "{}",
        run.stderr()
    );
}
