//! Sales dates against the window and day/month columns (fixtures/sales_dates/, made by
//! scripts/make_sales_date_fixtures.py): a stale export stops the plan, a doubtful one warns,
//! slashed dates take their column's order.
mod common;

use common::*;
use serde_json::Value;

const CATALOG: &str = "fixtures/sales_dates/catalog.csv";

fn sold(plan: &Value, sku: &str) -> f64 {
    num(&line(plan, sku)["sold"])
}

fn with_sales(file: &str, extra: &[&str]) -> Run {
    let mut args = vec![CATALOG, "--sales", file];
    args.extend_from_slice(extra);
    plan(&args)
}

/// The error line of a run (stderr without the trailing newline).
fn error_of(run: &Run) -> String {
    run.stderr().trim_end().to_string()
}

// ---------------------------------------------------------------- the window

#[test]
fn an_export_with_no_sale_in_the_window_stops_with_the_as_of_to_use() {
    let run = with_sales("fixtures/sales_dates/sales_stale.csv", &[]);
    run.expect_code(65);
    assert_eq!(
        error_of(&run),
        "error: fixtures/sales_dates/sales_stale.csv, column \"date\": none of the 4 dated sales line(s) is in the 90-day sales window 2026-08-25 to 2026-11-22 (4 before the window, 0 inside, 0 after); the oldest sale is 2026-05-02 and the newest sale is 2026-06-30; pass --as-of 2026-06-30 to plan as of the export's last day, or export the recent sales"
    );
    // Following the message plans.
    let run = with_sales(
        "fixtures/sales_dates/sales_stale.csv",
        &["--as-of", "2026-06-30"],
    );
    run.expect_code(0);
    assert_eq!(sold(&run.plan(), "A-1"), 5.0);
}

#[test]
fn the_example_export_planned_months_later_is_caught() {
    let run = plan(&[
        "examples/catalog.xlsx",
        "--sales",
        "examples/sales.csv",
        "--as-of",
        "2027-06-01",
    ]);
    run.expect_code(65);
    assert!(
        error_of(&run).ends_with(
            "the oldest sale is 2026-08-01 and the newest sale is 2026-11-20; pass --as-of 2026-11-20 to plan as of the export's last day, or export the recent sales"
        ),
        "{}",
        run.stderr()
    );
    assert!(!run.out_dir().join("plan.json").exists());
}

#[test]
fn the_shopify_orders_export_without_as_of_is_caught() {
    let run = plan(&[
        "fixtures/shopify/products_export.csv",
        "--sales",
        "fixtures/shopify/orders_export.csv",
    ]);
    run.expect_code(65);
    assert!(
        error_of(&run).contains("the newest sale is 2025-05-17; pass --as-of 2025-05-17"),
        "{}",
        run.stderr()
    );
}

const MOSTLY_OLD: &str = "6 of the 8 dated sales line(s) are outside the 90-day sales window 2026-08-25 to 2026-11-22 (6 before the window, 2 inside, 0 after); sold figures count only the lines inside the window: check --as-of and --window if the export covers another period";

#[test]
fn an_export_mostly_outside_the_window_warns_with_the_counts() {
    let run = with_sales("fixtures/sales_dates/sales_mostly_old.csv", &[]);
    run.expect_code(0);
    let plan = run.plan();
    let w = plan["warnings"]
        .as_array()
        .expect("warnings")
        .iter()
        .find(|w| w["message"] == MOSTLY_OLD)
        .unwrap_or_else(|| panic!("no window warning: {}", plan["warnings"]));
    assert_eq!(w["file"], "fixtures/sales_dates/sales_mostly_old.csv");
    assert_eq!(w["column"], "date");
    assert!(run.stderr().contains(MOSTLY_OLD), "{}", run.stderr());
    assert_eq!(sold(&plan, "A-1"), 4.0);
}

#[test]
fn a_newest_sale_older_than_half_the_window_warns() {
    // As many lines inside the window as outside, but the newest sale, 2026-11-20, is 46 days
    // before 2027-01-05: more than half the 90-day window.
    let run = with_sales(
        "fixtures/sales_dates/sales_mdy.csv",
        &["--as-of", "2027-01-05"],
    );
    run.expect_code(0);
    let message = "the newest sale is 2026-11-20, 46 day(s) before the window's end 2027-01-05 (more than half the 90-day window) (2 before the window, 2 inside, 0 after); sold figures count only the lines inside the window: if the export ends on 2026-11-20, pass --as-of 2026-11-20";
    assert!(
        has_warning(&run.plan(), message),
        "{}",
        run.plan()["warnings"]
    );
    assert!(run.stderr().contains(message), "{}", run.stderr());
}

#[test]
fn report_summary_json_carries_the_warnings() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = bin()
        .args([
            "report",
            CATALOG,
            "--sales",
            "fixtures/sales_dates/sales_mostly_old.csv",
            "--as-of",
            AS_OF,
            "--out",
        ])
        .arg(dir.path())
        .output()
        .expect("run clearance");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = std::fs::read_to_string(dir.path().join("2026-W47/summary.json")).expect("summary");
    let summary: Value = serde_json::from_str(&text).expect("json");
    let warnings = summary["warnings"].as_array().expect("warnings array");
    let w = warnings
        .iter()
        .find(|w| w["message"] == MOSTLY_OLD)
        .unwrap_or_else(|| panic!("{warnings:?}"));
    assert_eq!(w["file"], "fixtures/sales_dates/sales_mostly_old.csv");
    assert_eq!(w["sheet"], Value::Null);
    assert_eq!(w["row"], Value::Null);
    assert_eq!(w["column"], "date");

    // A stale export stops the report the same way as the plan.
    let out = bin()
        .args([
            "report",
            CATALOG,
            "--sales",
            "fixtures/sales_dates/sales_stale.csv",
            "--as-of",
            AS_OF,
            "--out",
        ])
        .arg(dir.path())
        .output()
        .expect("run clearance");
    assert_eq!(out.status.code(), Some(65));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("pass --as-of 2026-06-30"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn report_summary_json_has_an_empty_warnings_array_on_a_clean_run() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = bin()
        .args([
            "report",
            CATALOG,
            "--sales",
            "fixtures/sales_dates/sales_mdy.csv",
            "--as-of",
            AS_OF,
            "--out",
        ])
        .arg(dir.path())
        .output()
        .expect("run clearance");
    assert_eq!(out.status.code(), Some(0));
    let text = std::fs::read_to_string(dir.path().join("2026-W47/summary.json")).expect("summary");
    let summary: Value = serde_json::from_str(&text).expect("json");
    assert_eq!(summary["warnings"], serde_json::json!([]));
}

// ---------------------------------------------------------------- day/month columns

const AMBIGUOUS_WARNING: &str = "3 date(s) read either way (like 05/11/2026 on row 2) and no date in the column decides the order; read month first (M/D/Y), as US exports write them; if the file writes the day first, pass --date-order dmy (or date_order = \"dmy\" in clearance.toml)";

fn has_warning(plan: &Value, message: &str) -> bool {
    plan["warnings"]
        .as_array()
        .is_some_and(|ws| ws.iter().any(|w| w["message"] == message))
}

#[test]
fn a_european_export_is_read_day_first_from_one_value_in_the_column() {
    // CRLF, as Excel writes it; only 20/11/2026 shows the order.
    let run = with_sales("fixtures/sales_dates/sales_dmy_crlf.csv", &[]);
    run.expect_code(0);
    let plan = run.plan();
    assert_eq!(sold(&plan, "A-1"), 5.0); // 05/11 and 02/10: 5 November and 2 October
    assert_eq!(sold(&plan, "A-2"), 1.0);
    assert_eq!(sold(&plan, "A-3"), 4.0);
    assert_eq!(line(&plan, "A-1")["last_sale"], "2026-11-05");
    assert!(
        !has_warning(&plan, AMBIGUOUS_WARNING),
        "{}",
        plan["warnings"]
    );
    assert!(!run.stderr().contains("warning"), "{}", run.stderr());
}

#[test]
fn a_us_export_is_read_month_first_from_one_value_in_the_column() {
    let run = with_sales("fixtures/sales_dates/sales_mdy.csv", &[]);
    run.expect_code(0);
    let plan = run.plan();
    assert_eq!(sold(&plan, "A-1"), 5.0); // 11/05 and 10/02: 5 November and 2 October
    assert_eq!(line(&plan, "A-1")["last_sale"], "2026-11-05");
    assert!(!run.stderr().contains("warning"), "{}", run.stderr());
    // A column that decided is not overruled by --date-order, which says so.
    let run = with_sales(
        "fixtures/sales_dates/sales_mdy.csv",
        &["--date-order", "dmy"],
    );
    run.expect_code(0);
    assert_eq!(sold(&run.plan(), "A-1"), 5.0);
    assert!(
        run.stderr().contains(
            "--date-order dmy (or date_order) is not used for this column: 11/20/2026 on row 4 is a date only month first (M/D/Y), so the column is read month first (M/D/Y)"
        ),
        "{}",
        run.stderr()
    );
}

#[test]
fn an_ambiguous_column_is_read_month_first_with_a_warning() {
    let run = with_sales("fixtures/sales_dates/sales_ambiguous.csv", &[]);
    run.expect_code(0);
    let plan = run.plan();
    assert_eq!(sold(&plan, "A-1"), 0.0); // 11 May and 10 February: before the window
    assert_eq!(sold(&plan, "A-2"), 1.0); // 11/10: 10 November
    let w = plan["warnings"]
        .as_array()
        .expect("warnings")
        .iter()
        .find(|w| w["message"] == AMBIGUOUS_WARNING)
        .unwrap_or_else(|| panic!("{}", plan["warnings"]));
    assert_eq!(w["row"], 2);
    assert_eq!(w["column"], "Date");
    assert!(run.stderr().contains(AMBIGUOUS_WARNING), "{}", run.stderr());
}

#[test]
fn an_ambiguous_column_follows_date_order() {
    for extra in [
        &["--date-order", "dmy"][..],
        &["--config", "fixtures/sales_dates/dmy.toml"][..],
    ] {
        let run = with_sales("fixtures/sales_dates/sales_ambiguous.csv", extra);
        run.expect_code(0);
        let plan = run.plan();
        assert_eq!(sold(&plan, "A-1"), 5.0, "{extra:?}"); // 5 November, 2 October
        assert_eq!(sold(&plan, "A-2"), 1.0, "{extra:?}"); // 11 October
        assert_eq!(line(&plan, "A-1")["last_sale"], "2026-11-05");
        assert!(!has_warning(&plan, AMBIGUOUS_WARNING), "{extra:?}");
        assert!(!run.stderr().contains("warning"), "{}", run.stderr());
    }
    // --date-order mdy: the default order, without the warning.
    let run = with_sales(
        "fixtures/sales_dates/sales_ambiguous.csv",
        &["--date-order", "mdy"],
    );
    run.expect_code(0);
    assert_eq!(sold(&run.plan(), "A-1"), 0.0);
    assert!(!has_warning(&run.plan(), AMBIGUOUS_WARNING));
}

#[test]
fn a_column_written_both_ways_stops_naming_both_cells() {
    let run = with_sales("fixtures/sales_dates/sales_conflict.csv", &[]);
    run.expect_code(65);
    assert_eq!(
        error_of(&run),
        "error: fixtures/sales_dates/sales_conflict.csv, column \"Date\": the dates are written both day first and month first: row 3 has 20/11/2026 (a date only day first) and row 5 has 11/25/2026 (a date only month first); one column must use one order: check the export's date format"
    );
}

#[test]
fn a_bad_date_order_in_the_config_is_named() {
    let dir = tempfile::tempdir().expect("tempdir");
    let cfg = dir.path().join("clearance.toml");
    std::fs::write(&cfg, "date_order = \"ymd\"\n").expect("write");
    let cfg = cfg.display().to_string();
    let run = with_sales(
        "fixtures/sales_dates/sales_ambiguous.csv",
        &["--config", &cfg],
    );
    run.expect_code(65);
    assert_eq!(
        error_of(&run),
        format!(
            "error: {cfg}: date_order = \"ymd\" is not known; use \"dmy\" (day first) or \"mdy\" (month first)"
        )
    );
}

#[test]
fn an_old_month_beside_a_current_one_is_one_history_not_an_error() {
    // Monthly exports passed together: the old one alone would stop the plan; beside a file
    // with sales in the window it only adds nothing, and says so.
    let run = plan(&[
        CATALOG,
        "--sales",
        "fixtures/sales_dates/sales_stale.csv",
        "--sales",
        "fixtures/sales_dates/sales_mdy.csv",
    ]);
    run.expect_code(0);
    assert!(
        run.stderr().contains("fixtures/sales_dates/sales_stale.csv, column date: none of its 4 dated sales line(s) is in the sales window 2026-08-25 to 2026-11-22 (newest 2026-06-30): it adds no sales to the window (its lines still count for each item's last sale); the other sales files cover the window"),
        "{}",
        run.stderr()
    );
    // Both stale together still stop, naming both files.
    let run = plan(&[
        CATALOG,
        "--sales",
        "fixtures/sales_dates/sales_stale.csv",
        "--sales",
        "fixtures/sales_dates/sales_stale.csv",
        "--as-of",
        "2027-06-01",
    ]);
    run.expect_code(65);
    assert!(
        error_of(&run).contains("sales_stale.csv, fixtures/sales_dates/sales_stale.csv, column \"date\": none of the 8 dated sales line(s)"),
        "{}",
        error_of(&run)
    );
}

#[test]
fn quotes_read_the_sales_dates_in_their_columns_order() {
    // C1 bought A-1 on 05/11/2026: 5 November read day first (as 20/11/2026 decides), inside
    // the window; read month first it was 11 May, and C1 got no quote.
    let sales = "fixtures/sales_dates/sales_dmy_customers.csv";
    let run = plan(&[CATALOG, "--sales", sales]);
    run.expect_code(0);
    let campaigns = run.dir.path().join("campaigns");
    let out = bin()
        .arg("apply")
        .arg(run.file("upload-template.xlsx"))
        .arg("--plan")
        .arg(run.file("plan.json"))
        .arg("--out")
        .arg(&campaigns)
        .args(["--as-of", AS_OF, "--sales", sales])
        .output()
        .expect("apply");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let dir = std::fs::read_dir(&campaigns)
        .expect("campaigns")
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .find(|p| p.is_dir() && p.join("quotes.csv").exists())
        .expect("a campaign folder with quotes.csv");
    let quotes = std::fs::read_to_string(dir.join("quotes.csv")).expect("quotes.csv");
    assert!(
        quotes
            .lines()
            .any(|l| l.contains("C1") && l.contains("A-1")),
        "{quotes}"
    );
}

#[test]
fn an_impossible_date_is_unreadable_not_a_sale_without_a_date() {
    // 31/02/2025 is no day either way: the line is left out with the unreadable-date warning
    // (it must not count as an undated sale of 50).
    let dir = tempfile::tempdir().expect("tempdir");
    let sales = dir.path().join("impossible.csv");
    std::fs::write(
        &sales,
        "date,sku,quantity\n31/02/2025,A-1,50\n05/11/2026,A-2,1\n20/11/2026,A-2,1\n",
    )
    .expect("write");
    let run = plan(&[CATALOG, "--sales", sales.to_str().expect("path")]);
    run.expect_code(0);
    let plan = run.plan();
    assert_eq!(sold(&plan, "A-1"), 0.0);
    assert_eq!(sold(&plan, "A-2"), 2.0);
    assert!(
        run.stderr()
            .contains("row 2, column date: 1 sales line(s) have no readable date"),
        "{}",
        run.stderr()
    );
}

#[test]
fn several_stale_looking_exports_still_warn_when_the_newest_sale_is_old() {
    // Two files whose newest sale is 77 days before the window's end: not stale enough to
    // stop, but the run says the exports look old.
    let dir = tempfile::tempdir().expect("tempdir");
    let a = dir.path().join("aug.csv");
    let b = dir.path().join("sep.csv");
    std::fs::write(
        &a,
        "date,sku,quantity\n2026-08-30,A-1,1\n2026-08-31,A-2,1\n",
    )
    .expect("write");
    std::fs::write(
        &b,
        "date,sku,quantity\n2026-09-05,A-1,1\n2026-09-06,A-2,1\n",
    )
    .expect("write");
    let run = plan(&[
        CATALOG,
        "--sales",
        a.to_str().expect("path"),
        "--sales",
        b.to_str().expect("path"),
    ]);
    run.expect_code(0);
    assert!(
        run.stderr().contains(
            "the newest sale is 2026-09-06, 77 day(s) before the window's end 2026-11-22"
        ),
        "{}",
        run.stderr()
    );
}

// ---------------------------------------------------------------- the 1904 date system

#[test]
fn a_workbook_saved_in_the_1904_date_system_reads_the_same_days() {
    // Excel for Mac's old default stores each day as a serial 1462 lower: read as a 1900
    // serial, every sale of this export fell four years and a day early, before the window.
    for file in [
        "fixtures/sales_dates/sales_1900.xlsx",
        "fixtures/sales_dates/sales_1904.xlsx",
        // Two of its dates as bare serials in cells formatted General (a column pasted as
        // values): 1904 serials too, not 1900 ones four years and a day early; in a 1900
        // workbook the same cells hold 1900 serials, which stay as they are.
        "fixtures/sales_dates/sales_1904_serials.xlsx",
        "fixtures/sales_dates/sales_1900_serials.xlsx",
        // The same as XLS in the 1904 system, and as ODS whose null date is 1904-01-01 (as
        // LibreOffice keeps a workbook from Excel's 1904 system): date cells and numbers.
        "fixtures/sales_dates/sales_1904.xls",
        "fixtures/sales_dates/sales_1904.ods",
    ] {
        let run = with_sales(file, &[]);
        run.expect_code(0);
        let plan = run.plan();
        assert_eq!(sold(&plan, "A-1"), 5.0, "{file}");
        assert_eq!(sold(&plan, "A-2"), 1.0, "{file}");
        assert_eq!(sold(&plan, "A-3"), 4.0, "{file}");
        assert_eq!(line(&plan, "A-3")["last_sale"], "2026-09-09", "{file}");
    }
}

#[test]
fn an_aggregate_from_a_1904_workbook_reads_its_window_and_last_sales_as_shown() {
    // Every date a bare 1904 serial in a General cell: read as 1900 serials, the window would
    // be four years early and the run refused (65).
    let run = with_sales("fixtures/sales_dates/aggregate_1904.xlsx", &[]);
    run.expect_code(0);
    let plan = run.plan();
    assert_eq!(sold(&plan, "A-1"), 5.0);
    assert_eq!(line(&plan, "A-1")["last_sale"], "2026-11-05");
    assert_eq!(line(&plan, "A-2")["last_sale"], "2026-11-20");
    assert_eq!(line(&plan, "A-3")["last_sale"], "2026-09-09");
}
