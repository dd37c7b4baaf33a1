//! "Inventory is balanced; no clearance needed." only when tracked stock was classified. A
//! catalog where nothing could be classified (no tracked stock, every line bad data) says why,
//! first, even with `--quiet`, exits 0, and `report`'s summary.json carries the same warning.
mod common;

use common::*;
use serde_json::{Value, json};

const UNTRACKED: &str = "fixtures/woocommerce/products_untracked.csv";
const BAD: &str = "fixtures/bad/all_bad_data.csv";

const UNTRACKED_WHY: &str = "no line has tracked stock (102 line(s) untracked)";
const UNTRACKED_WARNING: &str = "warning: fixtures/woocommerce/products_untracked.csv: nothing could be classified, so this is not an all-clear: no line has tracked stock (102 line(s) untracked); enable inventory tracking, or list the skus with --sku (e.g. --sku A-1,A-2 --discount 20), or fill in the quantity column\n";
const BAD_WHY: &str = "every line was skipped for bad data (4 line(s))";
const BAD_WARNING: &str = "warning: fixtures/bad/all_bad_data.csv: nothing could be classified, so this is not an all-clear: every line was skipped for bad data (4 line(s)); fix the cells named in the warnings (also in plan.json and the Data issues sheet of plan.xlsx)\n";

fn first_line(s: &str) -> &str {
    s.lines().next().unwrap_or_default()
}

fn check_plan(file: &str, why: &str, warning: &str, total: usize) {
    let stdout_first = format!("Nothing could be classified, so this is not an all-clear: {why}.");
    // Without --quiet: the reason first on stdout, the warning first on stderr.
    let run = plan_ok(&[file]);
    assert_eq!(first_line(&run.stdout()), stdout_first, "{}", run.stdout());
    assert!(!run.stdout().contains("balanced"), "{}", run.stdout());
    assert!(run.stderr().starts_with(warning), "{}", run.stderr());
    let plan = run.plan();
    assert_eq!(
        plan["warnings"][0],
        json!({"file": file, "sheet": null, "row": null, "column": null,
               "message": warning["warning: ".len() + file.len() + 2..].trim_end()})
    );
    assert_eq!(lines(&plan).len(), total);
    assert!(planned(&plan).is_empty());
    // With --quiet: the only stderr line is that warning; stdout still says it.
    let run = plan_ok(&[file, "--quiet"]);
    assert_eq!(run.stderr(), warning);
    assert_eq!(first_line(&run.stdout()), stdout_first, "{}", run.stdout());
    assert!(!run.stdout().contains("balanced"), "{}", run.stdout());
}

#[test]
fn all_untracked_is_not_an_all_clear() {
    check_plan(UNTRACKED, UNTRACKED_WHY, UNTRACKED_WARNING, 102);
}

#[test]
fn all_bad_data_is_not_an_all_clear() {
    check_plan(BAD, BAD_WHY, BAD_WARNING, 4);
    // The row warnings follow the reason.
    let run = plan_ok(&[BAD]);
    let stderr = run.stderr();
    let second = stderr.lines().nth(1).unwrap_or_default();
    assert_eq!(
        second,
        "warning: fixtures/bad/all_bad_data.csv, row 2, column On hand (D): \"twelve\" is not a number (expected a quantity such as 12 or 19.99); line skipped"
    );
}

#[test]
fn mostly_untracked_still_classifies_the_tracked_lines() {
    // The WooCommerce export: 4 tracked lines are classified, so no such warning.
    let run = plan_ok(&["fixtures/woocommerce/products_export.csv", "--quiet"]);
    assert!(run.stderr().is_empty(), "{}", run.stderr());
    assert!(!run.stdout().contains("Nothing could be classified"));
}

#[test]
fn balanced_stock_is_still_an_all_clear() {
    let dir = tempfile::tempdir().unwrap();
    let cat = dir.path().join("balanced.csv");
    std::fs::write(
        &cat,
        "sku,name,quantity,price,cost,orders\nX-1,One,10,20.00,5.00,5\nX-2,Two,10,20.00,5.00,9\n",
    )
    .unwrap();
    let run = plan_ok(&[cat.to_str().unwrap(), "--quiet"]);
    assert_eq!(
        first_line(&run.stdout()),
        "Inventory is balanced; no clearance needed."
    );
    assert!(run.stderr().is_empty(), "{}", run.stderr());
}

#[test]
fn nothing_read_at_all_is_exit_65() {
    // A Shopify export with only image rows: no product or variant line at all.
    let text = std::fs::read_to_string(fixture("fixtures/shopify/products_export.csv")).unwrap();
    let mut rdr = csv::Reader::from_reader(text.as_bytes());
    let h = rdr.headers().unwrap().clone();
    let price = h.iter().position(|c| c == "Variant Price").unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("images_only.csv");
    let mut w = csv::Writer::from_path(&path).unwrap();
    w.write_record(&h).unwrap();
    for r in rdr
        .records()
        .map(|r| r.unwrap())
        .filter(|r| r[price].is_empty())
        .take(3)
    {
        w.write_record(&r).unwrap();
    }
    w.flush().unwrap();
    let f = path.to_str().unwrap();
    let run = plan(&[f]);
    run.expect_code(65);
    assert_eq!(
        run.stderr(),
        format!(
            "error: {f}: none of its 3 data row(s) is a catalog line (a product or variant with a sku or handle), so nothing could be read; check that the file is the catalog export\n"
        )
    );
}

/// `clearance report FILE --as-of AS_OF --out <tmp>` → (run, summary.json).
fn report(file: &str, quiet: bool) -> (std::process::Output, Value, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let mut cmd = bin();
    cmd.args(["report", file, "--as-of", AS_OF, "--out"])
        .arg(dir.path());
    if quiet {
        cmd.arg("--quiet");
    }
    let out = cmd.output().expect("run clearance");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let summary = dir.path().join("2026-W47").join("summary.json");
    let text = std::fs::read_to_string(&summary).expect("summary.json written");
    (out, serde_json::from_str(&text).expect("JSON"), dir)
}

#[test]
fn report_carries_the_warning_in_summary_json() {
    for (file, warning) in [(UNTRACKED, UNTRACKED_WARNING), (BAD, BAD_WARNING)] {
        let message = warning["warning: ".len() + file.len() + 2..].trim_end();
        let (out, summary, _dir) = report(file, false);
        assert_eq!(
            summary["warnings"][0],
            json!({"file": file, "sheet": null, "row": null, "column": null, "message": message})
        );
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.starts_with(warning), "{stderr}");
        let (out, summary, _dir) = report(file, true);
        assert_eq!(summary["warnings"][0]["message"], message);
        assert_eq!(String::from_utf8_lossy(&out.stderr), warning);
    }
}

#[test]
fn report_summary_always_has_a_warnings_array() {
    let (_, summary, _dir) = report("fixtures/report/catalog.csv", true);
    assert!(summary["warnings"].is_array(), "{summary}");
}
