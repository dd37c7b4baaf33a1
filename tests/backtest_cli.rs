//! `clearance backtest` on fixtures/backtest (scripts/make_backtest_fixtures.py: two categories
//! with known elasticities, -1.5 and -3.0, 180 days of Poisson sales up to 2026-06-29 with a
//! markdown in the last 14 days of the 28-day holdout; the same skus at constant prices; the
//! same sales without the unit price column).

mod common;

use common::*;
use serde_json::Value;
use std::collections::HashMap;

const MOVED: &str = "fixtures/backtest/sales_moved.csv";
const CONSTANT: &str = "fixtures/backtest/sales_constant.csv";
const NOPRICE: &str = "fixtures/backtest/sales_noprice.csv";
const CATALOG: &str = "fixtures/backtest/catalog.csv";
const AS_OF: &str = "2026-06-29";

struct Out {
    code: i32,
    stdout: String,
    stderr: String,
}

fn backtest(args: &[&str]) -> Out {
    let out = bin()
        .arg("backtest")
        .args(args)
        .output()
        .expect("run clearance");
    Out {
        code: out.status.code().expect("exit code"),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// `backtest --sales SALES --as-of 2026-06-29 --holdout-days 28 --format json EXTRA...`.
fn json(sales: &str, extra: &[&str]) -> (Value, String) {
    let mut args = vec![
        "--sales",
        sales,
        "--as-of",
        AS_OF,
        "--holdout-days",
        "28",
        "--format",
        "json",
    ];
    args.extend_from_slice(extra);
    let out = backtest(&args);
    assert_eq!(
        out.code, 0,
        "stdout:\n{}\nstderr:\n{}",
        out.stdout, out.stderr
    );
    let v: Value = serde_json::from_str(&out.stdout).expect("stdout is JSON");
    (v, out.stderr)
}

fn categories(v: &Value) -> HashMap<String, Value> {
    v["categories"]
        .as_array()
        .expect("categories")
        .iter()
        .map(|c| (s(&c["category"]).to_string(), c.clone()))
        .collect()
}

/// The regular price of every sku, from the fixture's catalog.
fn regular_prices() -> HashMap<String, f64> {
    let text = std::fs::read_to_string(root().join(CATALOG)).expect("catalog");
    text.lines()
        .skip(1)
        .map(|l| {
            let cells: Vec<&str> = l.split(',').collect();
            (cells[0].to_string(), cells[4].parse().expect("price"))
        })
        .collect()
}

#[test]
fn when_prices_moved_the_model_beats_the_baseline() {
    let (v, _) = json(MOVED, &[]);
    let overall = &v["overall"];
    let (model, baseline) = (
        num(&overall["model_wmape"]),
        num(&overall["baseline_wmape"]),
    );
    // By a clear margin: the holdout's markdown lifted sales the baseline cannot see.
    assert!(
        model < baseline - 0.05,
        "model {model} baseline {baseline}\n{v:#}"
    );
    let cats = categories(&v);
    for (name, truth) in [("shoes", -1.5), ("coats", -3.0)] {
        let c = &cats[name];
        let e = &c["elasticity"];
        assert_eq!(s(&e["source"]), "learned", "{c:#}");
        assert!((num(&e["value"]) - truth).abs() < 0.5, "{name}: {c:#}");
        assert!(num(&e["price_changes"]) >= 3.0, "{c:#}");
        assert!(
            num(&c["model_wmape"]) < num(&c["baseline_wmape"]),
            "{name}: {c:#}"
        );
    }
    // The reference is the regular price: the price of the most training days.
    let regular = regular_prices();
    for sku in v["skus"].as_array().expect("skus") {
        let name = s(&sku["sku"]);
        assert_eq!(num(&sku["reference_price"]), regular[name], "{sku}");
        // The markdown in the holdout raises the model's prediction above the baseline.
        assert!(
            num(&sku["model_units"]) > num(&sku["baseline_units"]),
            "{sku}"
        );
    }
}

#[test]
fn when_prices_did_not_move_the_model_matches_the_baseline() {
    let (v, stderr) = json(CONSTANT, &[]);
    let overall = &v["overall"];
    assert!(num(&overall["actual_units"]) > 0.0);
    assert_eq!(overall["model_wmape"], overall["baseline_wmape"], "{v:#}");
    for (name, c) in categories(&v) {
        // Nothing to learn: the default, whose response at the reference price is none.
        let e = &c["elasticity"];
        assert_eq!(s(&e["source"]), "default", "{name}");
        assert_eq!(num(&e["value"]), -2.0);
        assert_eq!(num(&e["price_changes"]), 0.0);
        assert_eq!(c["model_wmape"], c["baseline_wmape"], "{name}");
    }
    // Every holdout day was at the reference price, so the prediction is the baseline's.
    let regular = regular_prices();
    for sku in v["skus"].as_array().expect("skus") {
        assert_eq!(num(&sku["reference_price"]), regular[s(&sku["sku"])]);
        assert_eq!(sku["model_units"], sku["baseline_units"], "{sku}");
    }
    assert!(!stderr.contains("unit price"), "{stderr}");
}

#[test]
fn the_table_shows_both_wmapes_per_category_and_says_which_is_better() {
    let out = backtest(&["--sales", MOVED, "--as-of", AS_OF, "--holdout-days", "28"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let (v, _) = json(MOVED, &[]);
    let pct = |x: &Value| format!("{:.1}%", num(x) * 100.0);
    for line in ["coats", "shoes", "All"] {
        assert!(
            out.stdout.lines().any(|l| l.contains(&format!(" {line} "))),
            "{line}:\n{}",
            out.stdout
        );
    }
    assert!(out.stdout.contains(&pct(&v["overall"]["model_wmape"])));
    assert!(out.stdout.contains(&pct(&v["overall"]["baseline_wmape"])));
    assert!(
        out.stdout.contains("The price response helps"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout
            .contains("holdout 2026-06-02 to 2026-06-29 (28 days)"),
        "{}",
        out.stdout
    );
    // Fitted to a narrow terminal: columns left out, and said so.
    let narrow = bin()
        .env("COLUMNS", "80")
        .args([
            "backtest",
            "--sales",
            MOVED,
            "--as-of",
            AS_OF,
            "--holdout-days",
            "28",
        ])
        .output()
        .expect("run");
    let text = String::from_utf8_lossy(&narrow.stdout);
    for line in text.lines() {
        assert!(
            unicode_width::UnicodeWidthStr::width(line) <= 80,
            "{line}\n{text}"
        );
    }
    assert!(text.contains("Columns left out at this width"), "{text}");
}

#[test]
fn json_has_the_documented_fields() {
    let (v, _) = json(MOVED, &["--window", "60"]);
    assert_eq!(s(&v["schema"]), "clearance.backtest/1");
    // The holdout is the 28 days ending at --as-of; training the 60 days before it.
    assert_eq!(s(&v["holdout"]["start"]), "2026-06-02");
    assert_eq!(s(&v["holdout"]["end"]), AS_OF);
    assert_eq!(num(&v["holdout"]["days"]), 28.0);
    assert_eq!(s(&v["training"]["start"]), "2026-04-03");
    assert_eq!(s(&v["training"]["end"]), "2026-06-01");
    assert_eq!(num(&v["training"]["days"]), 60.0);
    let score_fields = [
        "skus",
        "actual_units",
        "model_units",
        "baseline_units",
        "model_wmape",
        "baseline_wmape",
    ];
    for f in score_fields {
        assert!(v["overall"][f].is_number(), "overall.{f}: {v:#}");
    }
    let cats = v["categories"].as_array().expect("categories");
    assert_eq!(cats.len(), 2);
    for c in cats {
        assert!(c["category"].is_string());
        for f in score_fields {
            assert!(c[f].is_number(), "{f}: {c:#}");
        }
        let e = &c["elasticity"];
        for f in ["value", "price_changes", "skus"] {
            assert!(e[f].is_number(), "elasticity.{f}: {e:#}");
        }
        assert!(e["source"].is_string() && e["note"].is_string());
        let interval = e["interval"].as_array().expect("interval");
        assert_eq!(interval.len(), 2);
        assert!(num(&interval[0]) <= num(&e["value"]) && num(&e["value"]) <= num(&interval[1]));
    }
    let skus = v["skus"].as_array().expect("skus");
    assert_eq!(skus.len(), 16);
    for sku in skus {
        for f in [
            "rate",
            "elasticity",
            "reference_price",
            "actual_units",
            "model_units",
            "baseline_units",
        ] {
            assert!(sku[f].is_number(), "{f}: {sku}");
        }
        assert!(sku["sku"].is_string() && sku["category"].is_string());
    }
    // The totals are the skus' sums; WMAPE is the absolute error over the units sold.
    let sum = |f: &str| skus.iter().map(|k| num(&k[f])).sum::<f64>();
    let error = |f: &str| {
        skus.iter()
            .map(|k| (num(&k["actual_units"]) - num(&k[f])).abs())
            .sum::<f64>()
    };
    let actual = sum("actual_units");
    assert!((num(&v["overall"]["actual_units"]) - actual).abs() < 1e-6);
    assert!((num(&v["overall"]["model_wmape"]) - error("model_units") / actual).abs() < 1e-4);
    assert!((num(&v["overall"]["baseline_wmape"]) - error("baseline_units") / actual).abs() < 1e-4);
    assert_eq!(num(&v["skus_without_price"]), 0.0);
    assert!(v["warnings"].is_array());
}

#[test]
fn without_a_unit_price_every_category_gets_the_default_with_a_warning() {
    let (v, stderr) = json(NOPRICE, &[]);
    assert!(
        stderr.contains("the sales carry no unit price paid")
            && stderr.contains("cannot learn a price response"),
        "{stderr}"
    );
    let cats = categories(&v);
    assert_eq!(cats.len(), 2);
    for (name, c) in cats {
        assert_eq!(s(&c["elasticity"]["source"]), "default", "{name}");
        assert_eq!(num(&c["elasticity"]["value"]), -2.0);
        assert_eq!(c["model_wmape"], c["baseline_wmape"]);
    }
    assert_eq!(num(&v["skus_without_price"]), 16.0);
    // The same units as with the prices: only the price response is missing.
    let (moved, _) = json(MOVED, &[]);
    assert_eq!(
        v["overall"]["actual_units"],
        moved["overall"]["actual_units"]
    );
    assert_eq!(
        v["overall"]["baseline_wmape"],
        moved["overall"]["baseline_wmape"]
    );
}

#[test]
fn categories_come_from_the_catalog_when_given() {
    let (from_sales, _) = json(MOVED, &[]);
    let (from_catalog, stderr) = json(MOVED, &["--catalog", CATALOG]);
    assert_eq!(from_catalog["categories"], from_sales["categories"]);
    assert_eq!(from_catalog["overall"], from_sales["overall"]);
    assert!(!stderr.contains("(no category)"), "{stderr}");
}

#[test]
fn without_any_category_every_sku_is_in_one_group_with_a_warning() {
    // Target mode's fixture: dated, priced sales without a category column.
    let out = backtest(&[
        "--sales",
        "fixtures/target_mode/prices/sales.csv",
        "--as-of",
        "2026-11-30",
        "--holdout-days",
        "14",
        "--window",
        "70",
        "--format",
        "json",
    ]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stderr
            .contains("no --catalog and the sales have no category column")
            && out.stderr.contains("\"(no category)\""),
        "{}",
        out.stderr
    );
    let v: Value = serde_json::from_str(&out.stdout).expect("JSON");
    let cats = v["categories"].as_array().expect("categories");
    assert_eq!(cats.len(), 1);
    assert_eq!(s(&cats[0]["category"]), "(no category)");
    // The same sales with the catalog's categories: two groups.
    let (with_catalog, _) = {
        let out = backtest(&[
            "--sales",
            "fixtures/target_mode/prices/sales.csv",
            "--catalog",
            "fixtures/target_mode/prices/catalog.csv",
            "--as-of",
            "2026-11-30",
            "--holdout-days",
            "14",
            "--window",
            "70",
            "--format",
            "json",
        ]);
        assert_eq!(out.code, 0, "{}", out.stderr);
        (
            serde_json::from_str::<Value>(&out.stdout).expect("JSON"),
            out.stderr,
        )
    };
    let names: Vec<&str> = with_catalog["categories"]
        .as_array()
        .expect("categories")
        .iter()
        .map(|c| s(&c["category"]))
        .collect();
    assert_eq!(names, ["shoes", "socks"]);
}

#[test]
fn no_sale_in_the_holdout_or_the_training_window_is_refused() {
    let out = backtest(&[
        "--sales",
        MOVED,
        "--as-of",
        "2026-08-29",
        "--holdout-days",
        "14",
    ]);
    assert_eq!(out.code, 65, "{}", out.stderr);
    assert!(
        out.stderr
            .contains("no sale in the holdout 2026-08-16 to 2026-08-29")
            && out
                .stderr
                .contains("the sales run from 2026-01-01 to 2026-06-29"),
        "{}",
        out.stderr
    );
    assert!(out.stdout.is_empty());

    let out = backtest(&[
        "--sales",
        MOVED,
        "--as-of",
        "2026-01-05",
        "--holdout-days",
        "5",
        "--window",
        "30",
    ]);
    assert_eq!(out.code, 65, "{}", out.stderr);
    assert!(
        out.stderr
            .contains("no sale in the training window 2025-12-02 to 2025-12-31"),
        "{}",
        out.stderr
    );
}

#[test]
fn sales_that_start_late_in_the_training_window_are_warned_about() {
    let out = backtest(&[
        "--sales",
        MOVED,
        "--as-of",
        AS_OF,
        "--holdout-days",
        "28",
        "--window",
        "200",
    ]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stderr
            .contains("the sales cover 152 of the 200 days of the training window"),
        "{}",
        out.stderr
    );
}

#[test]
fn aggregated_sales_are_refused() {
    let out = backtest(&[
        "--sales",
        "fixtures/sales_aggregated.csv",
        "--as-of",
        "2026-11-22",
        "--holdout-days",
        "7",
    ]);
    assert_eq!(out.code, 65, "{}", out.stderr);
    assert!(
        out.stderr.contains("needs dated order lines"),
        "{}",
        out.stderr
    );
}

#[test]
fn a_warning_that_counts_one_window_says_which() {
    // Target mode's sales (shoes SH-1..SH-6 and socks) against this catalog (shoes and coats):
    // the socks' lines are not in the catalog, counted per window, each count naming its window.
    let out = backtest(&[
        "--sales",
        "fixtures/target_mode/prices/sales.csv",
        "--catalog",
        CATALOG,
        "--as-of",
        "2026-11-30",
        "--holdout-days",
        "14",
        "--window",
        "70",
    ]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let unknown: Vec<&str> = out
        .stderr
        .lines()
        .filter(|l| l.contains("for skus not in the catalog were ignored"))
        .collect();
    assert_eq!(unknown.len(), 2, "{}", out.stderr);
    assert!(unknown[0].contains(": in the training window (2026-09-08 to 2026-11-16): "));
    assert!(unknown[1].contains(": in the holdout (2026-11-17 to 2026-11-30): "));
}

#[test]
fn the_default_elasticity_of_clearance_toml_is_the_one_checked() {
    let dir = tempfile::tempdir().expect("tempdir");
    let config = dir.path().join("clearance.toml");
    std::fs::write(&config, "[forecast]\nelasticity = -3.5\n").expect("write config");
    let (v, _) = json(NOPRICE, &["--config", config.to_str().expect("utf-8")]);
    for (name, c) in categories(&v) {
        assert_eq!(num(&c["elasticity"]["value"]), -3.5, "{name}");
        assert!(s(&c["elasticity"]["note"]).contains("-3.5"), "{name}");
    }
}
