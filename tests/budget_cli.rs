//! The markdown budget (`plan --budget AMOUNT`, `budget` in clearance.toml) and the model's
//! default elasticity (`[forecast] elasticity`) on fixtures/target_mode.

mod common;

use common::*;
use rust_decimal::Decimal;
use serde_json::Value;
use std::collections::BTreeMap;

const CATALOG: &str = "fixtures/target_mode/catalog.csv";
const SALES: &str = "fixtures/target_mode/sales.csv";
const AS_OF: &str = "2026-11-30";
const EXIT: &str = "2027-01-31";

fn budget_plan(extra: &[&str]) -> Run {
    let mut args = vec![CATALOG, "--sales", SALES, "--as-of", AS_OF];
    args.extend_from_slice(extra);
    plan(&args)
}

fn dec(v: &Value) -> Decimal {
    s(v).parse().expect("a decimal string")
}

/// Per planned sku of a plan with an unlimited budget: its projected markdown cost and its
/// capital freed per unit of markdown (cost, or price without one, over the markdown per unit:
/// the projected units cancel out).
fn unlimited(extra: &[&str]) -> BTreeMap<String, (Decimal, Option<Decimal>)> {
    let mut args = extra.to_vec();
    args.extend_from_slice(&["--budget", "1000000"]);
    let run = budget_plan(&args);
    run.expect_code(0);
    let plan = run.plan();
    planned(&plan)
        .into_iter()
        .map(|l| {
            let cost = dec(&l["projected_markdown_cost"]);
            let off = dec(&l["price"]) - dec(&l["clearance_price"]);
            let per_unit = if l["cost"].is_null() {
                dec(&l["price"])
            } else {
                dec(&l["cost"])
            };
            let ratio = (off > Decimal::ZERO).then(|| per_unit / off);
            (s(&l["sku"]).to_string(), (cost, ratio))
        })
        .collect()
}

#[test]
fn the_projected_markdown_cost_stays_within_the_budget_and_the_worst_value_lines_go_first() {
    let all = unlimited(&["--exit", EXIT]);
    // Every slow line has a projected cost; the one that sold nothing in a silent category
    // costs nothing.
    assert_eq!(all.len(), 8, "{all:?}");
    assert_eq!(all["A-DEAD"].0, Decimal::ZERO);
    let total: Decimal = all.values().map(|(c, _)| *c).sum();
    for budget in ["0", "10", "30", "50", "91.34", "91.35"] {
        let run = budget_plan(&["--exit", EXIT, "--budget", budget]);
        run.expect_code(0);
        let plan = run.plan();
        let budget: Decimal = budget.parse().expect("budget");
        assert_eq!(dec(&plan["policy"]["budget"]), budget);
        let spent = dec(&plan["summary"]["projected_markdown_cost"]);
        assert!(spent <= budget, "spent {spent} over budget {budget}");
        let kept: Vec<&Value> = planned(&plan);
        let sum: Decimal = kept
            .iter()
            .map(|l| dec(&l["projected_markdown_cost"]))
            .sum();
        assert_eq!(sum, spent);
        let over: Vec<&Value> = lines(&plan)
            .iter()
            .filter(|l| l["reason"] == "over_budget")
            .collect();
        assert_eq!(kept.len() + over.len(), all.len());
        let depths: Vec<Decimal> = plan["forecast"]["what_if_depths"]
            .as_array()
            .expect("what_if_depths")
            .iter()
            .map(|d| d.to_string().parse().expect("depth"))
            .collect();
        for l in &kept {
            assert_eq!(dec(&l["projected_markdown_cost"]), all[s(&l["sku"])].0);
            // The what-if's markdown cost at the planned depth is the same figure.
            let depth: Decimal = l["discount_pct"].to_string().parse().expect("depth");
            let at = depths
                .iter()
                .position(|d| *d == depth)
                .expect("planned depth listed");
            assert_eq!(
                dec(&l["what_if"]["markdown_cost"][at]),
                dec(&l["projected_markdown_cost"]),
                "{l}"
            );
        }
        for o in &over {
            let sku = s(&o["sku"]);
            let (cost, ratio) = all[sku];
            assert_eq!(dec(&o["projected_markdown_cost"]), cost);
            assert!(o["discount_pct"].is_null() && o["clearance_price"].is_null());
            assert!(o.get("what_if").is_none(), "{o}");
            // It did not fit in what was left even at the end.
            assert!(cost > budget - spent, "{sku}: {cost} would fit");
            // Any line kept although it frees less capital per unit of markdown costs less.
            for k in &kept {
                let (k_cost, k_ratio) = all[s(&k["sku"])];
                if let (Some(kr), Some(or)) = (k_ratio, ratio)
                    && kr < or
                {
                    assert!(k_cost < cost, "{} kept over {sku}", s(&k["sku"]));
                }
            }
            let why = s(&o["why"]);
            assert!(
                why.contains(&format!("of the {} budget", money(budget)))
                    && why.contains("not discounted (over budget)"),
                "{why}"
            );
        }
        if budget >= total {
            assert!(over.is_empty());
        }
    }
}

fn money(d: Decimal) -> String {
    format!("{:.2}", d)
}

#[test]
fn a_budget_of_50_skips_the_three_lines_freeing_the_least_capital_per_markdown() {
    let run = budget_plan(&["--exit", EXIT, "--budget", "50"]);
    run.expect_code(0);
    let plan = run.plan();
    let over: Vec<&str> = lines(&plan)
        .iter()
        .filter(|l| l["reason"] == "over_budget")
        .map(|l| s(&l["sku"]))
        .collect();
    // Capital freed per unit of markdown: K-FLOOR 7.5, K-MET and K-NOCOST 6.67, K-B 2.67,
    // K-C 2.22, K-D and G-ZERO 1.6 (A-DEAD costs nothing). K-MET, K-NOCOST and K-B spend
    // 45.20 of the 50.00 with K-FLOOR; K-C's 12.15 does not fit in the 4.80 left.
    assert_eq!(over, vec!["K-C", "K-D", "G-ZERO"]);
    assert_eq!(s(&plan["summary"]["projected_markdown_cost"]), "45.20");
    assert_eq!(plan["summary"]["skipped_by_reason"]["over_budget"], 3);
    let why = s(&line(&plan, "K-C")["why"]);
    assert!(
        why.starts_with("2 sold for 50 on hand (velocity 0.04, severely overstocked): 18% off")
            && why.contains("more than the 4.80 left of the 50.00 budget"),
        "{why}"
    );
    // The terminal says what the budget did; plan.csv carries the reason.
    assert!(
        run.stdout()
            .contains("Projected markdown cost 45.20 of the 50.00 budget; 3 line(s) over budget"),
        "{}",
        run.stdout()
    );
    assert!(
        run.plan_csv()
            .lines()
            .any(|l| l.starts_with("K-C,") && l.contains("over_budget"))
    );
}

#[test]
fn a_tier_plan_with_a_budget_projects_over_the_campaign_and_keeps_its_depths() {
    let tier = budget_plan(&[]);
    tier.expect_code(0);
    let tier = tier.plan();
    let run = budget_plan(&["--budget", "30"]);
    run.expect_code(0);
    let plan = run.plan();
    assert_eq!(plan["forecast"]["days"], 29);
    assert!(plan["forecast"]["target_sellthrough_pct"].is_null());
    let kept = planned(&plan);
    assert!(!kept.is_empty());
    assert!(dec(&plan["summary"]["projected_markdown_cost"]) <= Decimal::from(30));
    for l in &kept {
        let t = line(&tier, s(&l["sku"]));
        assert_eq!(l["discount_pct"], t["discount_pct"]);
        assert_eq!(l["clearance_price"], t["clearance_price"]);
    }
    assert!(
        lines(&plan).iter().any(|l| l["reason"] == "over_budget"),
        "a budget of 30 should leave some line out"
    );
    // Without --budget, no budget figure anywhere.
    assert!(tier["policy"].get("budget").is_none());
    assert!(tier["summary"].get("projected_markdown_cost").is_none());
    assert!(
        lines(&tier)
            .iter()
            .all(|l| l.get("projected_markdown_cost").is_none())
    );
}

#[test]
fn a_zero_budget_plans_only_what_costs_nothing() {
    let run = budget_plan(&["--exit", EXIT, "--budget", "0"]);
    run.expect_code(0);
    let plan = run.plan();
    let kept: Vec<&str> = planned(&plan).iter().map(|l| s(&l["sku"])).collect();
    assert_eq!(kept, vec!["A-DEAD"]);
    assert_eq!(s(&plan["summary"]["projected_markdown_cost"]), "0.00");
}

#[test]
fn budget_from_clearance_toml_and_bad_budgets() {
    let dir = tempfile::tempdir().expect("tempdir");
    let config = dir.path().join("clearance.toml");
    std::fs::write(&config, "budget = 50\n").expect("write config");
    let config = config.to_str().expect("utf-8 path");
    let run = budget_plan(&["--exit", EXIT, "--config", config]);
    run.expect_code(0);
    let from_file = run.plan();
    assert_eq!(s(&from_file["policy"]["budget"]), "50.00");
    assert_eq!(from_file["summary"]["skipped_by_reason"]["over_budget"], 3);
    // The flag wins over the file.
    let run = budget_plan(&["--exit", EXIT, "--config", config, "--budget", "1000"]);
    run.expect_code(0);
    assert_eq!(s(&run.plan()["policy"]["budget"]), "1000.00");

    let run = budget_plan(&["--budget=-5"]);
    run.expect_code(2);
    assert!(
        run.stderr().contains("--budget -5 is negative"),
        "{}",
        run.stderr()
    );
    std::fs::write(dir.path().join("bad.toml"), "budget = \"lots\"\n").expect("write");
    let bad = dir.path().join("bad.toml");
    let run = budget_plan(&["--config", bad.to_str().expect("utf-8")]);
    run.expect_code(65);
    assert!(
        run.stderr().contains("budget must be a number"),
        "{}",
        run.stderr()
    );
    // The budget runs the model: it needs sales.
    let run = plan(&[CATALOG, "--as-of", AS_OF, "--budget", "50"]);
    run.expect_code(65);
    assert!(
        run.stderr().contains("needs sales: pass --sales FILE"),
        "{}",
        run.stderr()
    );
}

#[test]
fn the_default_elasticity_comes_from_clearance_toml() {
    let base = budget_plan(&["--exit", EXIT, "--target-sellthrough", "80"]);
    base.expect_code(0);
    let base = base.plan();
    // The model's own default is not written (plan files as before).
    assert!(base["forecast"].get("default_elasticity").is_none());
    let dir = tempfile::tempdir().expect("tempdir");
    let config = dir.path().join("clearance.toml");
    std::fs::write(&config, "[forecast]\nelasticity = -3.5\n").expect("write config");
    let config = config.to_str().expect("utf-8 path");
    let run = budget_plan(&[
        "--exit",
        EXIT,
        "--target-sellthrough",
        "80",
        "--config",
        config,
    ]);
    run.expect_code(0);
    let plan = run.plan();
    assert_eq!(plan["forecast"]["default_elasticity"], -3.5);
    // These sales carry no price: every category uses the default, and a stronger response
    // projects more units at the same depth.
    for e in plan["forecast"]["elasticities"].as_array().expect("list") {
        assert_eq!(e["value"], -3.5, "{e}");
        assert_eq!(e["source"], "default");
        assert!(s(&e["note"]).contains("-3.5"), "{e}");
    }
    // A stronger response projects more units at the same (tier) depths: every line's
    // projected markdown cost is at least as high, and some higher.
    let weak = unlimited(&["--exit", EXIT]);
    let strong = unlimited(&["--exit", EXIT, "--config", config]);
    assert_eq!(
        weak.keys().collect::<Vec<_>>(),
        strong.keys().collect::<Vec<_>>()
    );
    assert!(weak.iter().all(|(sku, (c, _))| strong[sku].0 >= *c));
    assert!(weak.iter().any(|(sku, (c, _))| strong[sku].0 > *c));
    // Out of range or not negative: refused with the key named.
    for bad in ["0", "1.5", "-11"] {
        std::fs::write(
            dir.path().join("bad.toml"),
            format!("[forecast]\nelasticity = {bad}\n"),
        )
        .expect("write");
        let bad_path = dir.path().join("bad.toml");
        let run = budget_plan(&[
            "--exit",
            EXIT,
            "--config",
            bad_path.to_str().expect("utf-8"),
        ]);
        run.expect_code(65);
        assert!(
            run.stderr().contains("[forecast] elasticity is")
                && run.stderr().contains("expected a negative number"),
            "{}",
            run.stderr()
        );
    }
}

#[test]
fn target_mode_lines_left_out_for_the_budget_keep_their_projection_and_flag() {
    let run = budget_plan(&[
        "--exit",
        EXIT,
        "--target-sellthrough",
        "80",
        "--budget",
        "50",
    ]);
    run.expect_code(0);
    let plan = run.plan();
    let over: Vec<&Value> = lines(&plan)
        .iter()
        .filter(|l| l["reason"] == "over_budget")
        .collect();
    assert!(!over.is_empty());
    for l in over {
        // At today's price, as the other skipped lines of target mode.
        assert!(l["projected_sellthrough_pct"].is_number(), "{l}");
        assert!(num(&l["projected_sellthrough_pct"]) < 80.0);
        assert!(flags(l).contains(&"target_not_reached".to_string()), "{l}");
    }
    // The line without a cost is counted at its price, and the run says so.
    assert!(
        run.stderr().contains(
            "--budget: 1 of the 8 line(s) weighed against the budget have no cost or margin"
        ),
        "{}",
        run.stderr()
    );
}

#[test]
fn an_untracked_requested_line_is_projected_without_a_stock_limit() {
    // U1 has no stock figure (a request plans it anyway); its projected units are not cut to 0,
    // so it is not taken as free.
    let dir = tempfile::tempdir().expect("tempdir");
    let catalog = dir.path().join("catalog.csv");
    std::fs::write(
        &catalog,
        "sku,name,category,quantity,price,cost\nU1,Untracked,Misc,,20.00,8.00\nT1,Tracked,Misc,50,20.00,8.00\n",
    )
    .expect("write");
    let sales = dir.path().join("sales.csv");
    let mut text = String::from("order_id,date,sku,quantity\n");
    for day in 1..=30 {
        text.push_str(&format!("U-{day},2026-11-{day:02},U1,1\n"));
    }
    text.push_str("T-1,2026-11-10,T1,3\n");
    std::fs::write(&sales, text).expect("write");
    let run = plan(&[
        catalog.to_str().expect("utf-8"),
        "--sales",
        sales.to_str().expect("utf-8"),
        "--as-of",
        AS_OF,
        "--sku",
        "U1,T1",
        "--discount",
        "20",
        "--budget",
        "1000",
    ]);
    run.expect_code(0);
    let plan = run.plan();
    let u1 = line(&plan, "U1");
    assert_eq!(u1["status"], "planned", "{u1}");
    // 30 sold in 90 days, shrunk toward its category (T1's 3): (0.033 × 30 + 30) / 120 = 0.26
    // a day, × 1.5625 at 20% off × 29 days = 11.7 units at 4.00 off.
    assert_eq!(s(&u1["projected_markdown_cost"]), "46.80", "{u1}");
    // Its what-if shows the same projection, with no stock left to speak of.
    let depths = plan["forecast"]["what_if_depths"]
        .as_array()
        .expect("depths");
    let at = depths.iter().position(|d| d == 20).expect("20% listed");
    assert_eq!(u1["what_if"]["units"][at], 11.7, "{u1}");
    assert_eq!(s(&u1["what_if"]["markdown_cost"][at]), "46.80");
    assert!(u1["what_if"]["stock_left"].is_null(), "{u1}");
}

#[test]
fn huge_figures_saturate_instead_of_failing() {
    let dir = tempfile::tempdir().expect("tempdir");
    let catalog = dir.path().join("catalog.csv");
    std::fs::write(
        &catalog,
        "sku,name,category,quantity,price,cost\nH1,Huge,Misc,999999999999999,999999999999999.00,100\nS1,Small,Misc,50,20.00,8.00\n",
    )
    .expect("write");
    let sales = dir.path().join("sales.csv");
    std::fs::write(
        &sales,
        "order_id,date,sku,quantity\nH-1,2026-11-10,H1,30000000000000\nS-1,2026-11-10,S1,1\n",
    )
    .expect("write");
    let run = plan(&[
        catalog.to_str().expect("utf-8"),
        "--sales",
        sales.to_str().expect("utf-8"),
        "--as-of",
        AS_OF,
        "--exit",
        "2029-11-30",
        "--budget",
        "10",
    ]);
    run.expect_code(0);
    let budgeted = run.plan();
    assert_eq!(line(&budgeted, "H1")["reason"], "over_budget");
    assert!(dec(&budgeted["summary"]["projected_markdown_cost"]) <= Decimal::from(10));
    // The what-if of such a line, planned: the largest figures, never a stopped run.
    let run = plan(&[
        catalog.to_str().expect("utf-8"),
        "--sales",
        sales.to_str().expect("utf-8"),
        "--as-of",
        AS_OF,
        "--exit",
        "2029-11-30",
        "--sku",
        "H1",
        "--discount",
        "20",
    ]);
    run.expect_code(0);
    assert!(line(&run.plan(), "H1")["what_if"]["revenue"].is_array());
}

#[test]
fn a_plan_to_an_exit_date_applies_as_a_campaign_to_that_date() {
    let run = budget_plan(&["--exit", EXIT, "--budget", "50"]);
    run.expect_code(0);
    let dir = run.out_dir();
    let apply = |extra: &[&str], out: &str| {
        let mut cmd = bin();
        cmd.arg("apply")
            .arg(dir.join("upload-template.xlsx"))
            .arg("--plan")
            .arg(dir.join("plan.json"))
            .arg("--out")
            .arg(dir.join(out))
            .args(["--as-of", AS_OF, "--quiet"])
            .args(extra);
        if !extra.contains(&"--start") {
            cmd.args(["--start", AS_OF]);
        }
        cmd.output().expect("run apply")
    };
    let campaign_end = |out: &str| -> String {
        let folder = std::fs::read_dir(dir.join(out))
            .expect("campaigns")
            .map(|e| e.expect("entry").path())
            .find(|e| e.is_dir())
            .expect("one campaign folder");
        let json: Value = serde_json::from_slice(&read_bytes(&folder.join("campaign.json")))
            .expect("campaign.json");
        s(&json["end"]).to_string()
    };
    let done = apply(&[], "C1");
    assert!(
        done.status.success(),
        "{}",
        String::from_utf8_lossy(&done.stderr)
    );
    assert_eq!(campaign_end("C1"), EXIT);
    // --end still decides.
    let done = apply(&["--end", "2026-12-20"], "C2");
    assert!(
        done.status.success(),
        "{}",
        String::from_utf8_lossy(&done.stderr)
    );
    assert_eq!(campaign_end("C2"), "2026-12-20");
    // A start after the exit date: refused, saying what to do.
    let done = apply(&["--start", "2027-02-10"], "C3");
    assert_eq!(done.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&done.stderr).contains("pass --end DATE"),
        "{}",
        String::from_utf8_lossy(&done.stderr)
    );
}

#[test]
fn validate_warns_when_edited_discounts_pass_the_budget() {
    let run = budget_plan(&["--exit", EXIT, "--budget", "50"]);
    run.expect_code(0);
    let plan = run.plan();
    let dir = run.out_dir();
    let validate = |template: &std::path::Path| {
        bin()
            .arg("validate")
            .arg(template)
            .arg("--plan")
            .arg(dir.join("plan.json"))
            .output()
            .expect("run validate")
    };
    // The plan as written: valid, no budget warning.
    let done = validate(&dir.join("upload-template.xlsx"));
    let stderr = String::from_utf8_lossy(&done.stderr);
    assert!(done.status.success(), "{stderr}");
    assert!(!stderr.contains("budget"), "{stderr}");
    // Every kept line at its maximum: valid line by line, over the budget in all.
    let mut csv = String::from("SKU,Include,Discount %\n");
    for l in planned(&plan) {
        csv.push_str(&format!("{},Y,{}\n", s(&l["sku"]), l["max_discount_pct"]));
    }
    let edited = dir.join("deeper.csv");
    std::fs::write(&edited, csv).expect("write");
    let done = validate(&edited);
    let stderr = String::from_utf8_lossy(&done.stderr);
    assert!(done.status.success(), "{stderr}");
    assert!(
        stderr.contains("more than the plan's 50.00 budget (the plan as written: 45.20)")
            && stderr.contains("the edited discounts give away a projected"),
        "{stderr}"
    );
}

#[test]
fn a_fine_step_warns_that_the_what_if_grows() {
    let run = budget_plan(&["--what-if", "--step", "0.1"]);
    run.expect_code(0);
    assert!(
        run.stderr().contains(
            "the what-if lists 202 depths for every planned line (step 0.1% up to the 25% cap)"
        ),
        "{}",
        run.stderr()
    );
    let run = budget_plan(&["--what-if"]);
    run.expect_code(0);
    assert!(!run.stderr().contains("depths for every planned line"));
}

#[test]
fn plan_xlsx_summary_shows_the_budget() {
    let run = budget_plan(&["--exit", EXIT, "--budget", "50"]);
    run.expect_code(0);
    let script = r#"
import sys, openpyxl
ws = openpyxl.load_workbook(sys.argv[1])["Summary"]
rows = {r[0].value: r[1] for r in ws.iter_rows() if r[0].value}
print(rows["Markdown budget"].value, rows["Markdown budget"].number_format)
print(rows["Projected markdown cost"].value)
"#;
    let out = std::process::Command::new("python3")
        .arg("-c")
        .arg(script)
        .arg(run.file("plan.xlsx"))
        .output();
    let Some(out) = out.ok().filter(|o| o.status.success()) else {
        eprintln!("SKIPPED: python3 with openpyxl is not available");
        return;
    };
    let text = String::from_utf8_lossy(&out.stdout);
    let mut lines = text.lines();
    assert_eq!(lines.next(), Some("50 #,##0.00"), "{text}");
    assert_eq!(lines.next(), Some("45.2"), "{text}");
    // Without a budget, no such rows.
    let tier = budget_plan(&[]);
    tier.expect_code(0);
    let out = std::process::Command::new("python3")
        .arg("-c")
        .arg(script)
        .arg(tier.file("plan.xlsx"))
        .output()
        .expect("python3");
    assert!(
        !out.status.success(),
        "a tier plan's Summary has budget rows"
    );
}

/// Lines alike past one batch of the rules (8,192 lines) and past the catalog size where they
/// run on several threads (50,000): the budget keeps the first of them in the catalog's order,
/// whichever batch or thread decided them.
#[test]
fn lines_alike_past_the_rules_batches_keep_the_catalog_s_order_under_the_budget() {
    let dir = tempfile::tempdir().expect("temp dir");
    let catalog = dir.path().join("alike.csv");
    let mut text = String::from("sku,name,category,quantity,price,cost,orders\n");
    for i in 0..60_000 {
        text.push_str(&format!("S{i:05},N,C,10,10.00,5.00,1\n"));
    }
    std::fs::write(&catalog, text).expect("write");
    let catalog = catalog.to_str().expect("a UTF-8 path");
    // Each line's projected markdown cost is 0.60: 100 takes 166 of them.
    let run = plan_ok(&[catalog, "--budget", "100"]);
    let plan = run.plan();
    let kept: Vec<&str> = planned(&plan).iter().map(|l| s(&l["sku"])).collect();
    let first: Vec<String> = (0..166).map(|i| format!("S{i:05}")).collect();
    assert_eq!(kept, first);
    let over = lines(&plan)
        .iter()
        .filter(|l| l["reason"] == "over_budget")
        .count();
    assert_eq!(over, 60_000 - 166);
}
