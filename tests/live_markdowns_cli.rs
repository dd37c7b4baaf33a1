//! Markdowns a shop already runs are existing discounts (SPEC section 2, rule 6): the plan
//! stacks on the price the customer pays today and never raises it.

mod common;

use common::*;

#[test]
fn woocommerce_sale_prices_are_stacked_not_replaced() {
    // pt-BR id:73 is 900 regular and 450 on sale: the plan used to give 15% off 900 = 765,
    // raising the price customers pay by 70%. Now the 50% sale leaves no room under the cap.
    let plan = plan_ok(&["fixtures/woocommerce/products_pt-BR.csv"]).plan();
    let l = line(&plan, "id:73");
    assert_eq!(s(&l["reason"]), "stacking");
    assert_eq!(num(&l["existing_discount_pct"]), 50.0);
    assert_eq!(s(&l["live_price"]), "450.00");
    assert!(s(&l["why"]).contains("the live markdown to 450 from 900 (50%)"));
    // id:66: 500 regular, 450 on sale (10%): 5% more off 450.
    assert_planned(&plan, "id:66", 5, "stacking", "427.50");
    // woo-fashion-shirt: 20 regular, 18 on sale, no cost: within the 15% no-cost allowance on
    // the combined depth, 5% off 18 = 17.10 (it used to be "15% off" 20 = 17, 6% under 18).
    let plan = plan_ok(&["fixtures/woocommerce/products_export.csv"]).plan();
    assert_planned(&plan, "woo-fashion-shirt", 5, "stacking", "17.10");
    let l = line(&plan, "woo-fashion-shirt");
    assert_eq!(num(&l["existing_discount_pct"]), 10.0);
    assert!(flags(l).contains(&"stacked".to_string()));
}

#[test]
fn generic_compare_at_and_sale_price_columns_with_dates() {
    let run = plan_ok(&["fixtures/live_markdowns.csv"]);
    let plan = run.plan();
    // A: 17.99 with compare-at 22.99 (21.75% live): 4.15% left under the cap, below 5%.
    let a = line(&plan, "A");
    assert_eq!(s(&a["reason"]), "stacking");
    assert_eq!(s(&a["price"]), "22.99");
    // B: 18 on sale from 20 (10%): 16% more, 18 x 0.84 = 15.12 (combined 24.4%).
    assert_planned(&plan, "B", 16, "stacking", "15.12");
    // C: the sale ended before the as-of date; D starts after it: neither is live.
    assert_planned(&plan, "C", 25, "tier", "15.00");
    assert_planned(&plan, "D", 25, "tier", "15.00");
    assert!(line(&plan, "C")["live_price"].is_null());
    let err = run.stderr();
    assert!(
        err.contains("1 line(s) have a sale scheduled to start after 2026-11-22 (first on row 5, from 2026-12-01)"),
        "{err}"
    );
    // E: no markdown at all.
    assert_planned(&plan, "E", 25, "tier", "15.00");
    // F: a date that cannot be read counts the sale as live (the safe reading), with a warning.
    assert_planned(&plan, "F", 6, "stacking", "15.04");
    assert!(
        err.contains("row 7") && err.contains("\"soon\" is not a date"),
        "{err}"
    );
    // Every planned price is at or below today's price.
    for l in lines(&plan).iter().filter(|l| l["status"] == "planned") {
        let today = l["live_price"].as_str().or(l["price"].as_str()).unwrap();
        let cp: f64 = s(&l["clearance_price"]).parse().unwrap();
        assert!(cp <= today.parse::<f64>().unwrap(), "{l}");
    }
}

#[test]
fn prestashop_discount_that_ended_is_not_live() {
    // RP-demo_1 had 5.5% off from 2013-06-01 to 2018-12-31: over by the as-of date.
    let plan = plan_ok(&["fixtures/prestashop/products_import.csv"]).plan();
    let l = line(&plan, "RP-demo_1");
    assert!(l["live_price"].is_null());
    assert!(l["existing_discount_pct"].is_null());
    assert_eq!(plan["platform"]["name"], "prestashop");
    // The same discount inside its window is live: 94.50 paid today.
    let plan = plan_ok(&[
        "fixtures/prestashop/products_import.csv",
        "--as-of",
        "2018-06-01",
    ])
    .plan();
    let l = line(&plan, "RP-demo_1");
    assert_eq!(s(&l["live_price"]), "94.50");
    assert_eq!(num(&l["existing_discount_pct"]), 5.5);
}

#[test]
fn wix_product_discounts_by_percent_and_amount() {
    // fixtures/wix/catalog_products_discounted.csv: the real export with two products given a
    // discount: PERCENT 10 on a 30.0 product, AMOUNT 5.5 on a 55.0 one.
    let plan = plan_ok(&["fixtures/wix/catalog_products_discounted.csv"]).plan();
    let pct = line(&plan, "product_6cd51012-5b49-ff68-4624-ba788757c452");
    assert_eq!(s(&pct["live_price"]), "27.00");
    assert_eq!(num(&pct["existing_discount_pct"]), 10.0);
    assert_eq!(s(&pct["clearance_price"]), "25.65"); // 5% more off 27 (15% no-cost allowance)
    let amount = line(&plan, "product_98fb971d-57d1-b4a2-4fc3-539519d977b6");
    assert_eq!(s(&amount["live_price"]), "49.50");
    assert_eq!(num(&amount["existing_discount_pct"]), 10.0);
    // The unmodified export has discountValue 0.0 everywhere: no markdown.
    let plain = plan_ok(&["fixtures/wix/catalog_products.csv"]).plan();
    assert!(lines(&plain).iter().all(|l| l["live_price"].is_null()));
}

#[test]
fn a_sale_date_that_reads_both_ways_counts_the_sale_as_live() {
    // `05/12/2026` is 12 May read month first (ended by 2026-11-20) or 5 December read day
    // first (live): the plan used to take 25% off the regular 100 = 75.00, above the 70.00
    // customers pay today, without a word.
    let run = plan_ok(&[
        "fixtures/woocommerce/products_day_first_dates.csv",
        "--as-of",
        "2026-11-20",
    ]);
    let plan = run.plan();
    let a1 = line(&plan, "A1");
    assert_eq!(s(&a1["live_price"]), "70.00");
    assert_eq!(s(&a1["reason"]), "stacking");
    assert!(
        run.stderr().contains("row 2, column Date sale price ends (F): the sale date \"05/12/2026\" reads both day first and month first"),
        "{}",
        run.stderr()
    );
    // A sale price above the regular price is not a markdown (warning); planned from 100.
    assert_planned(&plan, "A3", 25, "tier", "75.00");
    assert!(
        run.stderr()
            .contains("sale price 120 is not below the regular price 100")
    );
    for l in lines(&plan).iter().filter(|l| l["status"] == "planned") {
        let today: f64 = l["live_price"]
            .as_str()
            .or(l["price"].as_str())
            .unwrap()
            .parse()
            .unwrap();
        assert!(
            s(&l["clearance_price"]).parse::<f64>().unwrap() <= today,
            "{l}"
        );
    }
}

#[test]
fn a_discount_column_in_a_catalog_of_ones_own_is_named_not_guessed() {
    // Not a PrestaShop export (no `Price tax excluded`): planned as a generic catalog, and the
    // discount column it cannot interpret is named in a warning.
    let run = plan_ok(&["fixtures/generic_discount_column.csv"]);
    let plan = run.plan();
    assert!(plan["platform"].is_null(), "{}", plan["platform"]);
    assert!(
        run.stderr().contains(
            "column Discount percent: these discount columns are not read in a generic catalog"
        ),
        "{}",
        run.stderr()
    );
}
