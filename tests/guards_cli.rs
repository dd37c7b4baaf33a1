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
