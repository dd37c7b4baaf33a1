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

// ------------------------------------------------------------------ the workbooks

fn openpyxl() -> bool {
    let ok = std::process::Command::new("python3")
        .args(["-c", "import openpyxl"])
        .status()
        .is_ok_and(|s| s.success());
    if !ok {
        eprintln!("SKIPPED: python3 with openpyxl is not available");
    }
    ok
}

/// Run a python script on `args`; it asserts and prints what it checked.
fn python(script: &str, args: &[&std::path::Path]) -> String {
    let out = std::process::Command::new("python3")
        .arg("-c")
        .arg(script)
        .args(args)
        .output()
        .expect("python3 runs");
    assert!(
        out.status.success(),
        "{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn plan_xlsx_has_a_what_if_sheet_with_a_chart_only_when_the_model_runs() {
    if !openpyxl() {
        return;
    }
    let run = model_plan(&["--exit", "2027-01-31"]);
    run.expect_code(0);
    let script = r##"
import sys, json, openpyxl
plan = json.load(open(sys.argv[2]))
depths = plan["forecast"]["what_if_depths"]
wb = openpyxl.load_workbook(sys.argv[1])
assert wb.sheetnames[-1] == "What-if", wb.sheetnames
ws = wb["What-if"]
note = ws["A1"].value
planned = [l for l in plan["lines"] if l["status"] == "planned"]
assert "plan.json" in note and f"of {len(planned)}" in note and "2027-01-31" in note, note
head = next(r for r in range(1, 40) if ws.cell(r, 2).value == "SKU")
h = {ws.cell(head, c).value: c for c in range(1, ws.max_column + 1)}
for name in ["SKU", "Capital", "Depth", "Planned", "Projected units", "Sell-through", "Price", "Revenue", "Gross margin", "Markdown cost", "Stock left"]:
    assert name in h, (name, h)
assert ws.cell(head + 1, h["Revenue"]).number_format == "#,##0.00"
assert ws.cell(head + 1, h["Depth"]).number_format.endswith("%")
by_sku = {l["sku"]: l for l in planned}
rows = 0
seen = []
for r in range(head + 1, ws.max_row + 1):
    sku = ws.cell(r, h["SKU"]).value
    if sku is None:
        continue
    l = by_sku[sku]
    if sku not in seen:
        seen.append(sku)
        i = 0
    w = l["what_if"]
    depth = ws.cell(r, h["Depth"]).value
    assert abs(depth * 100 - depths[i]) < 1e-9, (sku, depth, depths[i])
    assert abs(ws.cell(r, h["Projected units"]).value - w["units"][i]) < 1e-9
    assert abs(ws.cell(r, h["Revenue"]).value - float(w["revenue"][i])) < 1e-9
    assert abs(ws.cell(r, h["Markdown cost"]).value - float(w["markdown_cost"][i])) < 1e-9
    assert abs(ws.cell(r, h["Stock left"]).value - w["stock_left"][i]) < 1e-9
    assert abs(ws.cell(r, h["Sell-through"]).value - w["units"][i] / l["quantity"]) < 1e-9
    assert (ws.cell(r, h["Planned"]).value == "planned") == (depths[i] == l["discount_pct"])
    i += 1
    rows += 1
# Every planned line (fewer than 50 here), most capital first, each with all its depths.
assert len(seen) == len(planned), (seen, len(planned))
assert rows == sum(len(l["what_if"]["units"]) for l in planned)
caps = [ws.cell(r, h["Capital"]).value for r in range(head + 1, ws.max_row + 1) if ws.cell(r, h["Depth"]).value == 0]
assert caps == sorted(caps, reverse=True), caps
charts = ws._charts
assert len(charts) == 1, charts
print("ok", rows, len(charts[0].series))
"##;
    let out = python(script, &[&run.file("plan.xlsx"), &run.file("plan.json")]);
    assert!(out.starts_with("ok"), "{out}");
    // The chart draws up to 10 lines.
    let series: usize = out.split_whitespace().nth(2).unwrap().parse().unwrap();
    assert!((1..=10).contains(&series), "{out}");
    // Without the model, no such sheet.
    let tier = model_plan(&[]);
    let out = python(
        "import sys, openpyxl\nprint(openpyxl.load_workbook(sys.argv[1]).sheetnames)",
        &[&tier.file("plan.xlsx")],
    );
    assert!(!out.contains("What-if"), "{out}");
}

/// The template's model columns: saved with plan.json's what-if at the planned depth; after a
/// person edits a Discount % and LibreOffice recalculates, they show the model at the new
/// depth; blank for a row set to N; and validate still takes the file.
#[test]
fn template_projection_follows_the_discount_after_recalculation() {
    if !openpyxl() {
        return;
    }
    if std::process::Command::new("soffice")
        .arg("--version")
        .output()
        .is_err()
    {
        eprintln!("SKIPPED: LibreOffice (soffice) is not available");
        return;
    }
    let run = model_plan(&["--exit", "2027-01-31"]);
    run.expect_code(0);
    let tmp = tempfile::tempdir().unwrap();
    let edited = tmp.path().join("edited.xlsx");
    // The saved values first (no recalculation), then an edit: row 2's discount set to 5 (or
    // 6 when it was planned at 5), row 3 set to N.
    let script = r##"
import sys, json, openpyxl
plan = json.load(open(sys.argv[3]))
depths = plan["forecast"]["what_if_depths"]
by_sku = {l["sku"]: l for l in plan["lines"] if l["status"] == "planned"}
wb = openpyxl.load_workbook(sys.argv[1], data_only=True)
ws = wb["Template"]
h = {ws.cell(1, c).value: c for c in range(1, ws.max_column + 1)}
sold, left = "Projected sold by 2027-01-31", "Stock left at 2027-01-31"
for name in ["Rate/day", "Elasticity", sold, left]:
    assert name in h, (name, list(h))
n = 0
for r in range(2, ws.max_row + 1):
    sku = ws.cell(r, h["SKU"]).value
    if sku not in by_sku:
        continue
    l = by_sku[sku]
    i = depths.index(l["discount_pct"])
    assert ws.cell(r, h[sold]).value == l["what_if"]["units"][i], (sku, ws.cell(r, h[sold]).value)
    assert ws.cell(r, h[left]).value == l["what_if"]["stock_left"][i]
    assert ws.cell(r, h["Rate/day"]).value == l["what_if"]["rate"]
    n += 1
assert n == len(by_sku), (n, len(by_sku))
wb = openpyxl.load_workbook(sys.argv[1])
ws = wb["Template"]
assert ws.cell(2, h[sold]).value.startswith("="), ws.cell(2, h[sold]).value
assert ws.cell(2, h[sold]).protection.locked
sku = ws.cell(2, h["SKU"]).value
new = 6 if by_sku[sku]["discount_pct"] == 5 else 5
ws.cell(2, h["Discount %"]).value = new
ws.cell(3, h["Include"]).value = "N"
wb.save(sys.argv[2])
print(sku, new, ws.cell(3, h["SKU"]).value)
"##;
    let out = python(
        script,
        &[
            &run.file("upload-template.xlsx"),
            &edited,
            &run.file("plan.json"),
        ],
    );
    let words: Vec<&str> = out.split_whitespace().collect();
    let (sku, new, excluded) = (
        words[0].to_string(),
        words[1].to_string(),
        words[2].to_string(),
    );
    let recalced = tmp.path().join("recalc");
    let status = std::process::Command::new("soffice")
        .args(["--headless", "--convert-to", "xlsx", "--outdir"])
        .arg(&recalced)
        .arg(&edited)
        .env("HOME", tmp.path())
        .output()
        .expect("soffice runs");
    assert!(status.status.success(), "{status:?}");
    let resaved = recalced.join("edited.xlsx");
    let read = r##"
import sys, openpyxl
wb = openpyxl.load_workbook(sys.argv[1], data_only=True)
ws = wb["Template"]
h = {ws.cell(1, c).value: c for c in range(1, ws.max_column + 1)}
sold, left = "Projected sold by 2027-01-31", "Stock left at 2027-01-31"
for r in (2, 3, 4):
    print(ws.cell(r, h["SKU"]).value, ws.cell(r, h[sold]).value, ws.cell(r, h[left]).value)
"##;
    let shown = python(read, &[&resaved]);
    let plan = run.plan();
    let days = num(&plan["forecast"]["days"]);
    let rows: Vec<Vec<&str>> = shown
        .lines()
        .map(|l| l.split_whitespace().collect())
        .collect();
    // Row 2: the model at the new depth, to a tenth.
    let l = line(&plan, &sku);
    let (rate, e, q) = (
        num(&l["what_if"]["rate"]),
        num(&l["what_if"]["elasticity"]),
        num(&l["quantity"]),
    );
    let d: f64 = new.parse().unwrap();
    let want = ((rate * (1.0 - d / 100.0).powf(e) * days * 10.0).round() / 10.0).min(q);
    assert_eq!(rows[0][0], sku);
    let got: f64 = rows[0][1].parse().unwrap();
    assert!((got - want).abs() < 1e-9, "{sku} at {d}%: {got} vs {want}");
    let got_left: f64 = rows[0][2].parse().unwrap();
    assert!((got_left - (q - want)).abs() < 1e-9);
    // It changed with the discount: the planned depth's figure was another.
    let depths = depth_grid(&plan);
    let planned = num(&l["discount_pct"]);
    let i = depths.iter().position(|x| *x == planned).unwrap();
    let j = depths.iter().position(|x| *x == d).unwrap();
    assert_eq!(
        num(&l["what_if"]["units"][j]),
        got,
        "plan.json agrees at {d}%"
    );
    assert_ne!(num(&l["what_if"]["units"][i]), got, "{shown}");
    // Row 3 (set to N): blank.
    assert_eq!(rows[1][0], excluded);
    assert_eq!(&rows[1][1..], &["None", "None"], "{shown}");
    // Row 4, untouched: plan.json's figure at its planned depth.
    let l4 = line(&plan, rows[2][0]);
    let i4 = depths
        .iter()
        .position(|x| *x == num(&l4["discount_pct"]))
        .unwrap();
    assert_eq!(
        rows[2][1].parse::<f64>().unwrap(),
        num(&l4["what_if"]["units"][i4])
    );
    // validate takes the edited file: the new columns are not read.
    let out = bin()
        .arg("validate")
        .arg(&resaved)
        .arg("--plan")
        .arg(run.file("plan.json"))
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn without_the_model_the_template_has_no_model_columns() {
    if !openpyxl() {
        return;
    }
    let run = model_plan(&[]);
    run.expect_code(0);
    let out = python(
        "import sys, openpyxl\nws = openpyxl.load_workbook(sys.argv[1])['Template']\nprint([ws.cell(1, c).value for c in range(1, ws.max_column + 1)])",
        &[&run.file("upload-template.xlsx")],
    );
    assert!(
        !out.contains("Rate/day") && !out.contains("Projected sold by"),
        "{out}"
    );
    assert!(out.contains("'Note']"), "{out}");
}

/// Revenue is what customers pay: after an existing discount rule that still applies at
/// checkout (flag `stacked`), and at the price endings the rules apply (the planned depth's row
/// at the plan's own clearance price).
#[test]
fn revenue_follows_existing_rules_and_price_endings() {
    let run = plan(&[
        "fixtures/basic.csv",
        "--existing",
        "fixtures/existing_discounts.csv",
        "--as-of",
        "2026-11-22",
        "--what-if",
    ]);
    run.expect_code(0);
    let plan_json = run.plan();
    let depths = depth_grid(&plan_json);
    let mut stacked = 0;
    for l in planned(&plan_json) {
        let w = &l["what_if"];
        let price = money(&l["price"]);
        let rule = l["existing_discount_pct"].as_f64().unwrap_or(0.0);
        for (i, d) in depths
            .iter()
            .enumerate()
            .take(w["units"].as_array().unwrap().len())
        {
            let units = num(&w["units"][i]);
            let at = if *d == 0.0 {
                price
            } else {
                (price * (1.0 - d / 100.0) * 100.0 + 1e-6).floor() / 100.0
            };
            let paid = at * (1.0 - rule / 100.0);
            let revenue = money(&w["revenue"][i]);
            assert!(
                (revenue - units * paid).abs() < 0.0051,
                "{}: {revenue} vs {units} × {paid}",
                s(&l["sku"])
            );
            assert!((money(&w["markdown_cost"][i]) - (price - at) * units).abs() < 0.0051);
        }
        if rule > 0.0 && num(&w["units"][0]) > 0.0 {
            stacked += 1;
        }
    }
    assert!(stacked >= 2, "{stacked}");

    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("clearance.toml");
    std::fs::write(&config, "price_endings = [0.99]\n").unwrap();
    let run = plan(&[
        "fixtures/basic.csv",
        "--as-of",
        "2026-11-22",
        "--what-if",
        "--config",
        config.to_str().unwrap(),
    ]);
    run.expect_code(0);
    let plan_json = run.plan();
    let depths = depth_grid(&plan_json);
    let mut ending = 0;
    for l in planned(&plan_json) {
        let w = &l["what_if"];
        let i = depths
            .iter()
            .position(|d| *d == num(&l["discount_pct"]))
            .unwrap();
        let cp = money(&l["clearance_price"]);
        let units = num(&w["units"][i]);
        assert!(
            (money(&w["revenue"][i]) - units * cp).abs() < 0.0051,
            "{}",
            s(&l["sku"])
        );
        if s(&l["clearance_price"]).ends_with(".99") && units > 0.0 {
            ending += 1;
        }
    }
    assert!(ending >= 2, "{ending}");
}

/// `clearance template --plan plan.json` writes the model columns too, from plan.json's own
/// rate, elasticity and days, with the same values as `plan`'s template.
#[test]
fn the_template_command_keeps_the_model_columns() {
    if !openpyxl() {
        return;
    }
    let run = model_plan(&["--exit", "2027-01-31"]);
    run.expect_code(0);
    let again = run.dir.path().join("again.xlsx");
    let out = bin()
        .arg("template")
        .arg("--plan")
        .arg(run.file("plan.json"))
        .arg("--out")
        .arg(&again)
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let script = r##"
import sys, openpyxl
def cells(p, values=False):
    ws = openpyxl.load_workbook(p, data_only=values)["Template"]
    h = [ws.cell(1, c).value for c in range(1, ws.max_column + 1)]
    cols = [h.index(n) + 1 for n in h if n in ("Rate/day", "Elasticity") or str(n).startswith(("Projected sold by", "Stock left at"))]
    assert len(cols) == 4, h
    return [[ws.cell(r, c).value for c in cols] for r in range(1, ws.max_row + 1)]
a, b = cells(sys.argv[1]), cells(sys.argv[2])
assert a == b, (a[:3], b[:3])
# The saved values too (what a viewer that does not recalculate shows).
a, b = cells(sys.argv[1], True), cells(sys.argv[2], True)
assert a == b and all(r[2] is not None for r in a[1:] if r[0] is not None), (a[:3], b[:3])
assert sum(1 for r in a[1:] if r[0] is not None) >= 5
print("ok", len(a))
"##;
    let out = python(script, &[&run.file("upload-template.xlsx"), &again]);
    assert!(out.starts_with("ok"), "{out}");
}
