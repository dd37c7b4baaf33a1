//! The demand model's horizon without a target: `plan --exit DATE` alone (the tier plan's depths,
//! projected to the exit date) and `plan --what-if` (over the campaign's days), on
//! fixtures/target_mode.

mod common;

use common::*;
use serde_json::Value;

const CATALOG: &str = "fixtures/target_mode/catalog.csv";
const SALES: &str = "fixtures/target_mode/sales.csv";
const AS_OF: &str = "2026-11-30";

fn model_plan(extra: &[&str]) -> Run {
    let mut args = vec![CATALOG, "--sales", SALES, "--as-of", AS_OF];
    args.extend_from_slice(extra);
    plan(&args)
}

/// (sku, status, discount) of every line.
fn depths(plan: &Value) -> Vec<(String, String, Option<f64>)> {
    lines(plan)
        .iter()
        .map(|l| {
            (
                s(&l["sku"]).to_string(),
                s(&l["status"]).to_string(),
                l["discount_pct"].as_f64(),
            )
        })
        .collect()
}

#[test]
fn an_exit_date_alone_keeps_the_tier_plan_s_depths() {
    let tier = model_plan(&[]);
    tier.expect_code(0);
    let run = model_plan(&["--exit", "2027-01-31"]);
    run.expect_code(0);
    let (tier, plan) = (tier.plan(), run.plan());
    assert_eq!(depths(&plan), depths(&tier));
    let forecast = &plan["forecast"];
    assert_eq!(s(&forecast["exit"]), "2027-01-31");
    assert_eq!(forecast["days"], 63);
    assert!(
        forecast.get("target_sellthrough_pct").is_none(),
        "{forecast}"
    );
    assert!(
        !forecast["elasticities"]
            .as_array()
            .expect("elasticities")
            .is_empty()
    );
    // The campaign runs to the exit date, as in target mode.
    assert_eq!(s(&plan["campaign"]["end"]), "2027-01-31");
    // No target: no line is flagged or skipped against one.
    for l in lines(&plan) {
        assert!(!flags(l).iter().any(|f| f == "target_not_reached"));
        assert_ne!(l["reason"], "target_met_without_discount");
    }
    assert_ne!(plan["plan_id"], tier["plan_id"]);
}

#[test]
fn what_if_alone_projects_over_the_campaign_s_days() {
    let tier = model_plan(&[]);
    let run = model_plan(&["--what-if"]);
    run.expect_code(0);
    let (tier, plan) = (tier.plan(), run.plan());
    assert_eq!(depths(&plan), depths(&tier));
    let forecast = &plan["forecast"];
    assert!(forecast.get("exit").is_none(), "{forecast}");
    // As-of to as-of + 28, both included, as the campaign.
    assert_eq!(forecast["days"], 29);
    assert_eq!(s(&plan["campaign"]["end"]), "2026-12-28");
    assert_eq!(plan["campaign"], tier["campaign"]);
}

#[test]
fn the_model_needs_units_and_sales() {
    for flag in [&["--what-if"][..], &["--exit", "2027-01-31"][..]] {
        let mut args = flag.to_vec();
        args.extend_from_slice(&["--basis", "orders"]);
        let run = model_plan(&args);
        run.expect_code(2);
        assert!(
            run.stderr()
                .contains("the demand model (--exit, --what-if) projects units"),
            "{}",
            run.stderr()
        );
        let mut args = vec![CATALOG, "--as-of", AS_OF];
        args.extend_from_slice(flag);
        let run = plan(&args);
        run.expect_code(65);
        assert!(
            run.stderr()
                .contains("the demand model (--exit, --what-if) needs sales: pass --sales FILE"),
            "{}",
            run.stderr()
        );
    }
}

#[test]
fn an_exit_flag_overrides_the_file_s_exit_and_keeps_its_target() {
    let dir = tempfile::tempdir().expect("tempdir");
    let config = dir.path().join("clearance.toml");
    std::fs::write(
        &config,
        "[target]\nexit = \"2027-03-31\"\nsellthrough_pct = 10\n",
    )
    .expect("write config");
    let config = config.to_str().expect("utf-8 path");
    let both = model_plan(&["--exit", "2027-01-31", "--target-sellthrough", "10"]);
    both.expect_code(0);
    let run = model_plan(&["--config", config, "--exit", "2027-01-31"]);
    run.expect_code(0);
    let plan = run.plan();
    assert_eq!(s(&plan["forecast"]["exit"]), "2027-01-31");
    assert_eq!(num(&plan["forecast"]["target_sellthrough_pct"]), 10.0);
    assert_eq!(depths(&plan), depths(&both.plan()));
}

// ------------------------------------------------------------------ plan.json's what_if

fn money(v: &Value) -> f64 {
    s(v).parse()
        .unwrap_or_else(|_| panic!("money string, got {v}"))
}

fn depth_grid(plan: &Value) -> Vec<f64> {
    plan["forecast"]["what_if_depths"]
        .as_array()
        .expect("forecast.what_if_depths")
        .iter()
        .map(num)
        .collect()
}

/// Checks every line's what_if against the model and the line's own figures; returns how many
/// planned lines were checked.
fn check_what_if(plan: &Value) -> usize {
    let depths = depth_grid(plan);
    assert_eq!(depths[0], 0.0);
    let days = num(&plan["forecast"]["days"]);
    let mut checked = 0;
    for l in lines(plan) {
        let sku = s(&l["sku"]);
        if s(&l["status"]) != "planned" {
            assert!(l.get("what_if").is_none(), "{sku}: skipped lines have none");
            continue;
        }
        let w = &l["what_if"];
        assert!(w.is_object(), "{sku}: planned lines have a what_if");
        let units: Vec<f64> = w["units"]
            .as_array()
            .expect("units")
            .iter()
            .map(num)
            .collect();
        let max = num(&l["max_discount_pct"]);
        // The depths up to the line's maximum, no further.
        let n = depths.iter().take_while(|d| **d <= max).count();
        assert_eq!(units.len(), n, "{sku}");
        for key in ["revenue", "markdown_cost", "stock_left"] {
            assert_eq!(w[key].as_array().expect(key).len(), n, "{sku} {key}");
        }
        let (rate, e) = (num(&w["rate"]), num(&w["elasticity"]));
        let q = num(&l["quantity"]);
        let price = money(&l["price"]);
        let cost = l["cost"].as_str().map(|c| c.parse::<f64>().expect("cost"));
        for i in 0..n {
            let d = depths[i];
            // The model: rate × (1 − d)^e × days, at most the stock on hand, to a tenth.
            let model = (rate * (1.0 - d / 100.0).powf(e) * days).min(q);
            assert!(
                (units[i] - model).abs() <= 0.05 + 1e-9,
                "{sku} at {d}%: {} vs {model}",
                units[i]
            );
            if i > 0 {
                assert!(units[i] >= units[i - 1], "{sku}: units fall with the depth");
            }
            let at_price = if d == 0.0 {
                price
            } else {
                (price * (1.0 - d / 100.0) * 100.0 + 1e-6).floor() / 100.0
            };
            let revenue = money(&w["revenue"][i]);
            assert!(
                (revenue - units[i] * at_price).abs() < 0.0051,
                "{sku} at {d}%: revenue {revenue}"
            );
            let markdown = money(&w["markdown_cost"][i]);
            assert!(
                (markdown - (price - at_price) * units[i]).abs() < 0.0051,
                "{sku} at {d}%: markdown {markdown}"
            );
            assert!(
                (num(&w["stock_left"][i]) - (q - units[i])).abs() < 1e-9,
                "{sku}"
            );
            match cost {
                Some(c) => {
                    let gm = money(&w["gross_margin"][i]);
                    assert!(
                        (gm - (revenue - units[i] * c)).abs() < 0.0051,
                        "{sku}: margin {gm}"
                    );
                }
                None => assert!(w["gross_margin"].is_null(), "{sku}"),
            }
        }
        // At the planned depth: the plan's own clearance price.
        let planned = num(&l["discount_pct"]);
        let i = depths
            .iter()
            .position(|d| *d == planned)
            .expect("planned depth in the grid");
        let at = units[i];
        if at > 0.0 {
            let cp = money(&l["clearance_price"]);
            assert!((money(&w["revenue"][i]) - at * cp).abs() < 0.0051, "{sku}");
        }
        // In target mode the projected sell-through is the same model's (cut to a tenth of a
        // percent).
        if let Some(pct) = l["projected_sellthrough_pct"].as_f64() {
            let low = pct * q / 100.0 - 0.05;
            let high = (pct + 0.1) * q / 100.0 + 0.05;
            assert!(
                at >= low - 1e-9 && at <= high + 1e-9,
                "{sku}: {at} units vs {pct}% of {q}"
            );
        }
        checked += 1;
    }
    checked
}

#[test]
fn every_planned_line_has_its_what_if_by_depth() {
    for extra in [
        &["--exit", "2027-01-31"][..],
        &["--what-if"][..],
        &["--exit", "2027-01-31", "--target-sellthrough", "10"][..],
        &["--what-if", "--exit", "2027-01-31", "--step", "5"][..],
    ] {
        let run = model_plan(extra);
        run.expect_code(0);
        let plan = run.plan();
        let planned = planned(&plan).len();
        assert!(planned >= 5, "{extra:?}");
        assert_eq!(check_what_if(&plan), planned, "{extra:?}");
    }
    // The grid: 0, then 5..=25 by 1 (default policy); with --step 5: 0, 5, 10, 15, 20, 25.
    let plan = model_plan(&["--what-if"]).plan();
    let grid = depth_grid(&plan);
    assert_eq!(grid.len(), 22);
    assert_eq!((grid[1], grid[21]), (5.0, 25.0));
    let plan = model_plan(&["--what-if", "--step", "5"]).plan();
    assert_eq!(depth_grid(&plan), vec![0.0, 5.0, 10.0, 15.0, 20.0, 25.0]);
}

#[test]
fn the_horizon_sets_the_units() {
    // The same line over 29 days (--what-if) and over 63 (--exit): more units over more days.
    let short = model_plan(&["--what-if"]).plan();
    let long = model_plan(&["--exit", "2027-01-31"]).plan();
    let units = |p: &Value, sku: &str| num(&line(p, sku)["what_if"]["units"][0]);
    assert!(units(&long, "K-B") > units(&short, "K-B"));
    assert_eq!(
        num(&line(&long, "K-B")["what_if"]["rate"]),
        num(&line(&short, "K-B")["what_if"]["rate"])
    );
}
