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
                .contains("the demand model (--exit, --what-if, --budget) projects units"),
            "{}",
            run.stderr()
        );
        let mut args = vec![CATALOG, "--as-of", AS_OF];
        args.extend_from_slice(flag);
        let run = plan(&args);
        run.expect_code(65);
        assert!(
            run.stderr().contains(
                "the demand model (--exit, --what-if, --budget) needs sales: pass --sales FILE"
            ),
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
