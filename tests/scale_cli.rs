//! docs/scale.md: the DuckDB query that aggregates order lines where they live gives the same
//! plan (and report aging) as the order lines themselves; an aggregate's last sale dates are
//! read like order dates and checked against the window.

mod common;

use common::*;
use serde_json::Value;
use std::path::Path;
use std::process::{Command, Stdio};

const LINES: &str = "fixtures/scale/order_lines.csv";
const CATALOG: &str = "fixtures/multi_location.csv";

/// The DuckDB query of docs/scale.md: the ```sql block after its marker, as written there.
fn doc_query() -> String {
    let doc = std::fs::read_to_string(fixture("docs/scale.md")).expect("docs/scale.md readable");
    let marker = "<!-- clearance:duckdb-aggregate";
    let at = doc
        .find(marker)
        .expect("docs/scale.md has the DuckDB marker");
    let rest = &doc[at..];
    let open = "```sql\n";
    let start = rest.find(open).expect("a ```sql block after the marker") + open.len();
    let end = rest[start..]
        .find("```")
        .expect("the ```sql block is closed");
    rest[start..start + end].to_string()
}

/// Replace `from` (which must occur exactly once in the doc's query) with `to`.
fn substitute(query: &str, from: &str, to: &str) -> String {
    assert_eq!(
        query.matches(from).count(),
        1,
        "docs/scale.md's DuckDB query must hold {from} exactly once:\n{query}"
    );
    query.replace(from, to)
}

/// How DuckDB can be run here, if at all.
#[derive(Clone, Copy, Debug)]
enum DuckDb {
    Python,
    Cli,
}

fn duckdb() -> Option<DuckDb> {
    let ok = |cmd: &mut Command| {
        cmd.stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
    };
    if ok(Command::new("python3").args(["-c", "import duckdb"])) {
        Some(DuckDb::Python)
    } else if ok(Command::new("duckdb").arg("--version")) {
        Some(DuckDb::Cli)
    } else {
        None
    }
}

/// Run the doc's query for `as_of` and `days` over the fixture's lines into `out`.
fn aggregate(duck: DuckDb, as_of: &str, days: u32, dir: &Path) -> std::path::PathBuf {
    let out = dir.join(format!("aggregate-{as_of}-{days}.csv"));
    let q = doc_query();
    let q = substitute(&q, "DATE '2026-11-22'", &format!("DATE '{as_of}'"));
    let q = substitute(&q, "90 AS window_days", &format!("{days} AS window_days"));
    let lines = fixture(LINES);
    let q = substitute(&q, "'order_lines.csv'", &format!("'{}'", lines.display()));
    let q = substitute(&q, "'aggregate.csv'", &format!("'{}'", out.display()));
    let sql = dir.join(format!("aggregate-{as_of}-{days}.sql"));
    std::fs::write(&sql, q).expect("write the query");
    let result = match duck {
        DuckDb::Python => Command::new("python3")
            .args([
                "-c",
                "import sys, duckdb; duckdb.sql(open(sys.argv[1]).read())",
            ])
            .arg(&sql)
            .output(),
        DuckDb::Cli => Command::new("duckdb")
            .stdin(std::fs::File::open(&sql).expect("open the query"))
            .output(),
    }
    .expect("run duckdb");
    assert!(
        result.status.success(),
        "duckdb ({duck:?}) failed on docs/scale.md's query:\n{}",
        String::from_utf8_lossy(&result.stderr)
    );
    out
}

/// plan.json without what names the input files (inputs, plan_id), the clock and the
/// warnings (which count lines for order lines and rows for the aggregate).
fn comparable(mut plan: Value) -> Value {
    let o = plan.as_object_mut().expect("plan.json is an object");
    for key in ["generated_at", "plan_id", "inputs", "warnings"] {
        o.remove(key);
    }
    plan
}

fn warnings(plan: &Value) -> Vec<String> {
    plan["warnings"]
        .as_array()
        .map(|a| a.iter().map(|w| w["message"].to_string()).collect())
        .unwrap_or_default()
}

#[test]
fn duckdb_aggregate_from_the_doc_plans_like_the_order_lines() {
    let Some(duck) = duckdb() else {
        // CI sets this when it installed DuckDB: there a missing DuckDB is a failure, not a skip.
        assert!(
            std::env::var_os("CLEARANCE_REQUIRE_DUCKDB").is_none_or(|v| v.is_empty() || v == "0"),
            "CLEARANCE_REQUIRE_DUCKDB is set but neither the duckdb Python package nor the duckdb CLI can be run"
        );
        eprintln!(
            "SKIPPED: neither the duckdb Python package (pip install duckdb) nor the duckdb CLI is available"
        );
        return;
    };
    let tmp = tempfile::tempdir().expect("tempdir");
    for days in [90u32, 30] {
        let agg = aggregate(duck, AS_OF, days, tmp.path());
        let agg = agg.to_str().expect("a UTF-8 temp path");
        let window = days.to_string();
        for basis in ["units", "orders"] {
            let args = |sales: &str| {
                vec![
                    CATALOG.to_string(),
                    "--sales".into(),
                    sales.to_string(),
                    "--window".into(),
                    window.clone(),
                    "--basis".into(),
                    basis.into(),
                ]
            };
            let raw_args = args(LINES);
            let agg_args = args(agg);
            let raw = plan_ok(&raw_args.iter().map(String::as_str).collect::<Vec<_>>());
            let from_agg = plan_ok(&agg_args.iter().map(String::as_str).collect::<Vec<_>>());
            let (raw_plan, agg_plan) = (raw.plan(), from_agg.plan());
            assert_eq!(
                comparable(raw_plan.clone()),
                comparable(agg_plan.clone()),
                "{days}-day window, basis {basis}: the plan from the aggregate differs from the plan from the lines\naggregate:\n{}\nwarnings from the lines: {:?}\nwarnings from the aggregate: {:?}",
                std::fs::read_to_string(agg).unwrap_or_default(),
                warnings(&raw_plan),
                warnings(&agg_plan)
            );
            // The aggregate was made for this window: nothing about its dates is doubted.
            assert!(
                !warnings(&agg_plan)
                    .iter()
                    .any(|w| w.contains("last sale") || w.contains("window")),
                "{:?}",
                warnings(&agg_plan)
            );
            // The comparison is not vacuous: the fixture's edges are in the plan.
            let a_wh1 = line_at(&raw_plan, "A", Some("WH1"));
            let a_store = line_at(&raw_plan, "A", Some("STORE"));
            let b_wh1 = line_at(&raw_plan, "B", Some("WH1"));
            // A return before the window is no sale: A@STORE last sold on 2026-06-01.
            assert_eq!(a_store["last_sale"], "2026-06-01");
            // A line after as-of counts for nothing: B@WH1 last sold on as-of.
            assert_eq!(b_wh1["last_sale"], "2026-11-22");
            let sold = num(&a_wh1["sold"]);
            match (days, basis) {
                // 2026-08-25 is the 90-day window's first day, 2026-10-24 the 30-day one's.
                // S-106 has a line at "wh1" too: the same catalog line, one order.
                (90, "units") => assert_eq!(sold, 17.0, "{a_wh1}"),
                (90, "orders") => assert_eq!(sold, 5.0, "{a_wh1}"),
                (30, "units") => assert_eq!(sold, 3.0, "{a_wh1}"),
                _ => assert_eq!(sold, 2.0, "{a_wh1}"),
            }
            // A@WH2 sold 2 units in one order on 2026-08-25, 3 the day before.
            let a_wh2 = line_at(&raw_plan, "A", Some("WH2"));
            let want = match (days, basis) {
                (90, "units") => 2.0,
                (90, _) => 1.0,
                _ => 0.0,
            };
            assert_eq!(num(&a_wh2["sold"]), want, "{a_wh2}");
            assert_eq!(a_wh2["last_sale"], "2026-08-25");
        }
        // The weekly report's aging is the same from both.
        let report = |sales: &str| -> Value {
            let dir = tmp.path().join(format!("report-{days}-{}", sales.len()));
            let out = bin()
                .args(["report", CATALOG, "--sales", sales, "--as-of", AS_OF])
                .args(["--window", &window, "--quiet", "--out"])
                .arg(&dir)
                .output()
                .expect("run report");
            assert!(
                out.status.success(),
                "report failed: {}",
                String::from_utf8_lossy(&out.stderr)
            );
            let week = std::fs::read_dir(&dir)
                .expect("report folder")
                .filter_map(|e| e.ok())
                .find(|e| e.path().join("summary.json").is_file())
                .expect("a week folder")
                .path();
            let text = std::fs::read_to_string(week.join("summary.json")).expect("summary.json");
            let summary: Value = serde_json::from_str(&text).expect("summary.json is JSON");
            // The KPIs (aging buckets included) and the slow movers with their days since the
            // last sale.
            serde_json::json!([
                summary["kpis"],
                summary["slow_movers"],
                summary["top_slow_movers"]
            ])
        };
        let raw_report = report(LINES);
        assert!(
            !raw_report[0]["aging_buckets"].is_null(),
            "aging from the lines: {raw_report}"
        );
        assert_eq!(
            raw_report,
            report(agg),
            "{days}-day window: the report differs"
        );
    }
    // The aggregate says which window it was made for: a 30-day aggregate planned for 90 days
    // (it would say 3 sold for A@WH1 instead of 17) is refused, and so is one made for an
    // earlier as-of.
    let agg30 = aggregate(duck, AS_OF, 30, tmp.path());
    let run = plan(&[
        CATALOG,
        "--sales",
        agg30.to_str().unwrap(),
        "--window",
        "90",
    ]);
    run.expect_code(65);
    assert!(
        run.stderr()
            .contains("the aggregate was made for the 30-day window 2026-10-24 to 2026-11-22")
            && run.stderr().contains("--as-of 2026-11-22 --window 30"),
        "{}",
        run.stderr()
    );
    let earlier = aggregate(duck, "2026-11-15", 90, tmp.path());
    let run = plan(&[CATALOG, "--sales", earlier.to_str().unwrap()]);
    run.expect_code(65);
    assert!(
        run.stderr()
            .contains("the aggregate was made for the 90-day window 2026-08-18 to 2026-11-15"),
        "{}",
        run.stderr()
    );
}

/// The ```sql blocks of docs/scale.md, in order: DuckDB, Spark SQL, BigQuery.
fn doc_sql_blocks() -> Vec<String> {
    let doc = std::fs::read_to_string(fixture("docs/scale.md")).expect("docs/scale.md readable");
    doc.split("```sql\n")
        .skip(1)
        .map(|b| b[..b.find("```").expect("a closed ```sql block")].to_string())
        .collect()
}

/// The output columns of a query: the aliases of its last top-level `SELECT` list (a column
/// without `AS` is named by itself).
fn output_columns(query: &str) -> Vec<String> {
    let upper = query.to_uppercase();
    let select = upper.rfind("SELECT SKU").expect("a final SELECT sku, ...");
    let from = select
        + upper[select..]
            .find("FROM KEPT")
            .expect("FROM kept after the final SELECT");
    let list = &query[select + "SELECT".len()..from];
    // Split at the commas outside parentheses.
    let (mut depth, mut items, mut cur) = (0i32, Vec::new(), String::new());
    for c in list.chars() {
        match c {
            '(' => depth += 1,
            ')' => depth -= 1,
            ',' if depth == 0 => {
                items.push(std::mem::take(&mut cur));
                continue;
            }
            _ => {}
        }
        cur.push(c);
    }
    items.push(cur);
    items
        .iter()
        .map(|i| {
            let words: Vec<&str> = i.split_whitespace().collect();
            words.last().expect("a column").to_lowercase()
        })
        .collect()
}

#[test]
fn the_spark_and_bigquery_queries_output_the_duckdb_querys_columns() {
    let blocks = doc_sql_blocks();
    assert_eq!(blocks.len(), 3, "docs/scale.md has three ```sql blocks");
    let duck = output_columns(&doc_query());
    assert_eq!(
        output_columns(&blocks[0]),
        duck,
        "the first block is DuckDB's"
    );
    assert_eq!(
        duck,
        [
            "sku",
            "location",
            "units",
            "orders",
            "last_sale",
            "window_start",
            "window_end"
        ]
    );
    for (name, block) in [("Spark SQL", &blocks[1]), ("BigQuery", &blocks[2])] {
        assert_eq!(
            output_columns(block),
            duck,
            "the {name} query's output columns differ from DuckDB's"
        );
        // The same keys, folded the same way, and the same grouping.
        for part in [
            "NULLIF(TRIM(sku), '') AS sku",
            "'ABCDEFGHIJKLMNOPQRSTUVWXYZ'), '') AS location",
            "GROUP BY sku, location, window_start, window_end",
        ] {
            assert!(block.contains(part), "the {name} query lacks {part}");
        }
    }
}

#[test]
fn order_lines_last_sale_is_a_positive_line_up_to_as_of_and_the_window_ends_are_included() {
    let plan = plan_ok(&[CATALOG, "--sales", LINES]).plan();
    // A sale on 2026-06-01, then a return on 2026-07-01: the return is no sale.
    assert_eq!(
        line_at(&plan, "A", Some("STORE"))["last_sale"],
        "2026-06-01"
    );
    // 2026-11-22 (as-of) counts, 2026-11-23 counts for nothing.
    let b = line_at(&plan, "B", Some("WH1"));
    assert_eq!(
        (b["last_sale"].clone(), num(&b["sold"])),
        ("2026-11-22".into(), 2.0)
    );
    // The 90-day window's first day is 2026-08-25 (as_of - 89): 2 units that day, 3 the day
    // before outside.
    let a = line_at(&plan, "A", Some("WH2"));
    assert_eq!(
        (a["last_sale"].clone(), num(&a["sold"])),
        ("2026-08-25".into(), 2.0)
    );
    // A cancelled order (its first line carries cancelled_at) counts for nothing.
    let b = line_at(&plan, "B", Some("STORE"));
    assert_eq!(
        (b["last_sale"].clone(), num(&b["sold"])),
        ("2026-11-05".into(), 0.0)
    );
}

/// An aggregate written by hand: `sku,location,units,orders,last_sale` rows.
fn write_aggregate(dir: &Path, rows: &str) -> String {
    let path = dir.join("aggregate.csv");
    std::fs::write(
        &path,
        format!("sku,location,units,orders,last_sale\n{rows}"),
    )
    .expect("write aggregate");
    path.to_str().expect("UTF-8 temp path").to_string()
}

#[test]
fn last_sale_dates_take_the_column_order_like_order_dates() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let agg = write_aggregate(tmp.path(), "A,WH1,3,2,05/11/2026\nB,WH1,1,1,11/10/2026\n");
    // Nothing in the column decides: --date-order says day first.
    let dmy = plan_ok(&[CATALOG, "--sales", &agg, "--date-order", "dmy"]);
    let plan = dmy.plan();
    assert_eq!(line_at(&plan, "A", Some("WH1"))["last_sale"], "2026-11-05");
    assert_eq!(line_at(&plan, "B", Some("WH1"))["last_sale"], "2026-10-11");
    // Without it: month first, with the same warning as for order dates, naming the column.
    let mdy = plan_ok(&[CATALOG, "--sales", &agg]);
    let plan = mdy.plan();
    assert_eq!(line_at(&plan, "A", Some("WH1"))["last_sale"], "2026-05-11");
    assert!(
        mdy.stderr()
            .contains("2 date(s) read either way (like 05/11/2026 on row 2)"),
        "{}",
        mdy.stderr()
    );
    // A May last sale for a row that sold units in the window is doubted, with the counts.
    assert!(
        mdy.stderr().contains(
            "1 row(s) sold units in the window but last sold before its start 2026-08-25"
        ),
        "{}",
        mdy.stderr()
    );
    // One day-first date decides the column, whatever --date-order says.
    let agg = write_aggregate(
        tmp.path(),
        "A,WH1,3,2,05/11/2026\nB,WH1,1,1,20/11/2026\nC,,0,0,\n",
    );
    let decided = plan_ok(&[CATALOG, "--sales", &agg]);
    let plan = decided.plan();
    assert_eq!(line_at(&plan, "A", Some("WH1"))["last_sale"], "2026-11-05");
    assert_eq!(line_at(&plan, "B", Some("WH1"))["last_sale"], "2026-11-20");
    // A blank last sale is no date, not a bad one.
    assert!(line_at(&plan, "C", None).get("last_sale").is_none());
    assert!(
        !decided.stderr().contains("not a date"),
        "{}",
        decided.stderr()
    );
}

#[test]
fn an_aggregate_made_for_a_later_as_of_is_refused_with_the_counts() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let agg = write_aggregate(
        tmp.path(),
        "A,WH1,3,2,2026-11-25\nB,WH1,1,1,2026-11-30\nC,,0,0,2026-11-23\n",
    );
    let run = plan(&[CATALOG, "--sales", &agg]);
    run.expect_code(65);
    let err = run.stderr();
    assert!(
        err.contains("every one of the 3 last sale date(s) is after 2026-11-22")
            && err.contains("newest 2026-11-30")
            && err.contains("column \"last_sale\"")
            && err.contains("aggregate again with as_of = 2026-11-22 and window_days = 90")
            && err.contains("if \"last_sale\" is not the date of each row's last sale")
            && err.contains("rename the column"),
        "{err}"
    );
}

#[test]
fn an_aggregate_made_for_another_window_is_refused_or_doubted() {
    let tmp = tempfile::tempdir().expect("tempdir");
    // Units sold in the window, every last sale months before it: an older aggregate.
    let agg = write_aggregate(tmp.path(), "A,WH1,3,2,2026-05-01\nB,WH1,1,1,2026-04-11\n");
    let run = plan(&[CATALOG, "--sales", &agg]);
    run.expect_code(65);
    assert!(
        run.stderr().contains(
            "2 row(s) sold units in the 90-day sales window 2026-08-25 to 2026-11-22 but last sold before 2026-08-25"
        ),
        "{}",
        run.stderr()
    );
    // Some rows after as-of, some sold without a date: a warning with the counts; the date
    // after as-of is not used.
    let agg = write_aggregate(
        tmp.path(),
        "A,WH1,3,2,2026-11-20\nA,WH2,1,1,2026-11-24\nB,WH1,2,1,\nB,STORE,0,0,2026-01-02\n",
    );
    let run = plan_ok(&[CATALOG, "--sales", &agg]);
    let err = run.stderr();
    assert!(
        err.contains("1 of the 3 last sale date(s) are after 2026-11-22, the window's end")
            && err.contains("1 row(s) sold units in the window but have no last sale date"),
        "{err}"
    );
    // It sold a unit in the window: taken as last sold on as-of, not "never sold".
    assert!(
        err.contains("they sold units in the window, so their last sale is taken as 2026-11-22"),
        "{err}"
    );
    let plan = run.plan();
    assert_eq!(line_at(&plan, "A", Some("WH2"))["last_sale"], "2026-11-22");
    assert_eq!(num(&line_at(&plan, "A", Some("WH2"))["sold"]), 1.0);
    assert_eq!(
        line_at(&plan, "B", Some("STORE"))["last_sale"],
        "2026-01-02"
    );
}

/// An aggregate written by hand with the window it was made for on every row.
fn write_windowed(dir: &Path, name: &str, rows: &str) -> String {
    let path = dir.join(name);
    std::fs::write(
        &path,
        format!("sku,location,units,orders,last_sale,window_start,window_end\n{rows}"),
    )
    .expect("write aggregate");
    path.to_str().expect("UTF-8 temp path").to_string()
}

const NO_WINDOW_CHECK: &str = "add window_start and window_end columns (docs/scale.md)";

#[test]
fn an_aggregate_made_for_the_runs_window_is_taken_without_a_window_warning() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let agg = write_windowed(
        tmp.path(),
        "agg.csv",
        "A,WH1,17,5,2026-11-15,2026-08-25,2026-11-22\nB,WH1,2,1,2026-11-22,2026-08-25,2026-11-22\n",
    );
    let run = plan_ok(&[
        CATALOG,
        "--sales",
        &agg,
        "--as-of",
        "2026-11-22",
        "--window",
        "90",
    ]);
    assert!(!run.stderr().contains(NO_WINDOW_CHECK), "{}", run.stderr());
    assert!(!run.stderr().contains("window"), "{}", run.stderr());
    assert_eq!(num(&line_at(&run.plan(), "A", Some("WH1"))["sold"]), 17.0);
}

#[test]
fn an_aggregate_made_for_a_shorter_window_or_an_earlier_as_of_is_refused() {
    let tmp = tempfile::tempdir().expect("tempdir");
    // Made for 30 days, planned for 90: its figures would understate the velocity.
    let agg = write_windowed(
        tmp.path(),
        "agg30.csv",
        "A,WH1,3,2,2026-11-15,2026-10-24,2026-11-22\nB,WH1,2,1,2026-11-22,2026-10-24,2026-11-22\n",
    );
    let run = plan(&[CATALOG, "--sales", &agg, "--window", "90"]);
    run.expect_code(65);
    let err = run.stderr();
    assert!(
        err.contains("agg30.csv, row 2")
            && err
                .contains("the aggregate was made for the 30-day window 2026-10-24 to 2026-11-22")
            && err
                .contains("this plan's sales window is the 90-day window 2026-08-25 to 2026-11-22")
            && err.contains("run the plan with --as-of 2026-11-22 --window 30")
            && err.contains("aggregate again for 2026-08-25..2026-11-22"),
        "{err}"
    );
    // The same file planned for its own window is fine.
    plan_ok(&[CATALOG, "--sales", &agg, "--window", "30"]);
    // Made as of a week earlier.
    let agg = write_windowed(
        tmp.path(),
        "agg-earlier.csv",
        "A,WH1,16,5,2026-11-15,2026-08-18,2026-11-15\n",
    );
    let run = plan(&[CATALOG, "--sales", &agg, "--as-of", "2026-11-22"]);
    run.expect_code(65);
    let err = run.stderr();
    assert!(
        err.contains("agg-earlier.csv, row 2")
            && err.contains("the 90-day window 2026-08-18 to 2026-11-15")
            && err.contains("run the plan with --as-of 2026-11-15 --window 90"),
        "{err}"
    );
    // Rows made for different windows in one file.
    let agg = write_windowed(
        tmp.path(),
        "agg-mixed.csv",
        "A,WH1,16,5,2026-11-15,2026-08-25,2026-11-22\nB,WH1,2,1,2026-11-22,2026-10-24,2026-11-22\n",
    );
    let run = plan(&[CATALOG, "--sales", &agg]);
    run.expect_code(65);
    assert!(
        run.stderr().contains("agg-mixed.csv, row 3")
            && run.stderr().contains(
                "the rows were made for different windows: row 2 for 2026-08-25 to 2026-11-22, this row for 2026-10-24 to 2026-11-22"
            ),
        "{}",
        run.stderr()
    );
    // A window that is not a date, and only one of the two columns.
    let agg = write_windowed(
        tmp.path(),
        "agg-bad.csv",
        "A,WH1,16,5,2026-11-15,soon,2026-11-22\n",
    );
    let run = plan(&[CATALOG, "--sales", &agg]);
    run.expect_code(65);
    assert!(
        run.stderr()
            .contains("window_start is \"soon\", not a date"),
        "{}",
        run.stderr()
    );
    let half = tmp.path().join("half.csv");
    std::fs::write(&half, "sku,units,window_end\nA,3,2026-11-22\n").unwrap();
    let run = plan(&[CATALOG, "--sales", half.to_str().unwrap()]);
    run.expect_code(65);
    assert!(
        run.stderr()
            .contains("has a window_end column but no window_start column"),
        "{}",
        run.stderr()
    );
}

#[test]
fn an_aggregate_without_window_columns_is_taken_with_one_warning() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let agg = write_aggregate(tmp.path(), "A,WH1,3,2,2026-11-15\nB,WH1,2,1,2026-11-22\n");
    let run = plan_ok(&[CATALOG, "--sales", &agg]);
    let err = run.stderr();
    assert_eq!(err.matches(NO_WINDOW_CHECK).count(), 1, "{err}");
    let warning = err
        .lines()
        .find(|l| l.contains(NO_WINDOW_CHECK))
        .expect("the warning");
    assert!(
        warning.contains("aggregate.csv")
            && warning.contains(
                "cannot be checked against the 90-day sales window 2026-08-25 to 2026-11-22"
            ),
        "{warning}"
    );
}

#[test]
fn a_last_order_date_column_is_not_read_as_the_last_sale() {
    // In stock and purchasing reports "last order date" is the last order to the supplier.
    let tmp = tempfile::tempdir().expect("tempdir");
    let sales = tmp.path().join("stock_report.csv");
    std::fs::write(
        &sales,
        "sku,units sold,last order date\nB-V005,5,2026-01-10\n",
    )
    .unwrap();
    let run = plan_ok(&["fixtures/basic.csv", "--sales", sales.to_str().unwrap()]);
    let plan = run.plan();
    assert_eq!(num(&line(&plan, "B-V005")["sold"]), 5.0);
    assert!(
        line(&plan, "B-V005").get("last_sale").is_none(),
        "{}",
        line(&plan, "B-V005")
    );
    assert!(!run.stderr().contains("last sale"), "{}", run.stderr());
}
