//! Errors and exit status (SPEC section 7).
mod common;

use common::*;

fn expect_error(args: &[&str], code: i32, needles: &[&str]) -> Run {
    let run = plan(args);
    run.expect_code(code);
    let err = run.stderr();
    for n in needles {
        assert!(err.contains(n), "stderr lacks {n:?}:\n{err}");
    }
    assert!(!err.contains("panicked"), "panic: {err}");
    assert!(
        run.stdout().trim().is_empty(),
        "stdout must be empty on error: {}",
        run.stdout()
    );
    assert!(!run.file("plan.json").exists(), "no plan written on error");
    run
}

#[test]
fn missing_quantity_column_suggests_map() {
    expect_error(
        &["fixtures/bad/missing_quantity.csv"],
        65,
        &[
            "fixtures/bad/missing_quantity.csv",
            "quantity",
            "--map quantity=",
        ],
    );
}

#[test]
fn missing_quantity_suggestion_does_not_reuse_the_sku_column() {
    let run = plan(&["fixtures/bad/missing_quantity.csv"]);
    run.expect_code(65);
    assert!(
        !run.stderr().contains("--map quantity=\"sku\""),
        "{}",
        run.stderr()
    );
}

#[test]
fn empty_file() {
    expect_error(&["fixtures/bad/empty.csv"], 65, &["fixtures/bad/empty.csv"]);
}

#[test]
fn header_only() {
    expect_error(
        &["fixtures/bad/header_only.csv"],
        65,
        &["fixtures/bad/header_only.csv", "no data rows"],
    );
}

#[test]
fn text_in_number_is_a_warning_and_bad_data() {
    let run = plan_ok(&["fixtures/bad/text_in_number.csv"]);
    let err = run.stderr();
    assert!(err.contains("fixtures/bad/text_in_number.csv"), "{err}");
    let has = |row: &str, col: &str, val: &str| {
        err.lines()
            .any(|l| l.contains(row) && l.contains(col) && l.contains(val))
    };
    assert!(has("row 3", "quantity", "lots"), "{err}");
    assert!(has("row 4", "price", "n/a"), "{err}");

    let plan = run.plan();
    assert_skipped(&plan, "N-2", "bad_data");
    assert_skipped(&plan, "N-3", "bad_data");
    for sku in ["N-1", "N-4"] {
        let l = line(&plan, sku);
        assert_eq!(l["status"], "planned");
        assert_eq!(l["discount_pct"].as_f64(), Some(25.0));
    }
    let w = plan["warnings"].as_array().unwrap();
    assert!(
        w.iter()
            .any(|w| w["row"] == 3 && s(&w["column"]).contains("quantity")),
        "{w:?}"
    );
    assert!(
        w.iter()
            .any(|w| w["row"] == 4 && s(&w["column"]).contains("price")),
        "{w:?}"
    );
}

#[test]
fn duplicate_sku_names_both_rows() {
    let run = expect_error(
        &["fixtures/bad/duplicate_sku.csv"],
        65,
        &["fixtures/bad/duplicate_sku.csv", "D-2"],
    );
    let err = run.stderr();
    assert!(
        err.contains('3') && err.contains('6'),
        "both rows (3 and 6) named: {err}"
    );
    assert!(err.contains("rows 3 and 6"), "{err}");
}

#[test]
fn truncated_xlsx() {
    expect_error(
        &["fixtures/bad/truncated.xlsx"],
        65,
        &["fixtures/bad/truncated.xlsx"],
    );
}

#[test]
fn not_a_spreadsheet() {
    expect_error(
        &["fixtures/bad/not_a_spreadsheet.xlsx"],
        65,
        &["fixtures/bad/not_a_spreadsheet.xlsx"],
    );
}

#[test]
fn ragged_rows() {
    expect_error(
        &["fixtures/bad/ragged.csv"],
        65,
        &["fixtures/bad/ragged.csv", "row 3"],
    );
}

#[test]
fn spreadsheet_row_wider_than_its_header_says_so_without_talking_of_delimiters() {
    // Price is merged over "net" and "gross" on a second header row.
    expect_error(
        &["fixtures/bad/two_row_header.xlsx"],
        65,
        &[
            "fixtures/bad/two_row_header.xlsx",
            "row 2",
            "values in 5 columns but the header names only 4",
            "keep one header row",
        ],
    );
}

#[test]
fn duplicate_header() {
    let needles = [
        "fixtures/bad/duplicate_header.csv",
        "the header (row 1) names \"price\" twice (columns C and E)",
        "Rename or delete one of them in the file",
    ];
    let run = expect_error(&["fixtures/bad/duplicate_header.csv"], 65, &needles);
    // The fix it gives is the one that works: naming the column with --map does not.
    assert!(
        !run.stderr().contains("pick one with --map"),
        "{}",
        run.stderr()
    );
    expect_error(
        &["fixtures/bad/duplicate_header.csv", "--map", "price=price"],
        65,
        &needles,
    );
}

#[test]
fn missing_catalog_file() {
    expect_error(
        &["fixtures/does_not_exist.csv"],
        66,
        &["fixtures/does_not_exist.csv"],
    );
}

#[test]
fn missing_sales_file() {
    expect_error(
        &[
            "fixtures/basic_nosales.csv",
            "--sales",
            "fixtures/no_such_sales.csv",
        ],
        66,
        &["fixtures/no_such_sales.csv"],
    );
}

#[test]
fn unknown_flag_is_usage_error() {
    let out = bin()
        .args([
            "plan",
            "fixtures/basic.csv",
            "--as-of",
            AS_OF,
            "--no-such-flag",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--no-such-flag"));
}

#[test]
fn bad_as_of_date_is_usage_error() {
    let run = plan(&["fixtures/basic.csv", "--as-of", "22/11/2026"]);
    run.expect_code(2);
}

#[test]
fn inputs_are_never_modified() {
    let path = fixture("fixtures/basic.csv");
    let before = read_bytes(&path);
    plan_ok(&["fixtures/basic.csv", "--force"]);
    assert_eq!(read_bytes(&path), before);
}

// ---------------------------------------------------------------- injection

#[test]
fn injection_csv_cells_are_quoted() {
    let run = plan_ok(&["fixtures/injection.csv"]);
    let plan = run.plan();
    // plan.json keeps the text verbatim
    for sku in ["=1+1", "+SKU2", "-3", "@4", "SAFE-7"] {
        let l = line(&plan, sku);
        assert_eq!(l["status"], "planned", "{l}");
        assert_eq!(l["discount_pct"].as_f64(), Some(25.0));
        assert_eq!(l["clearance_price"], "15.00");
    }
    assert_eq!(
        line(&plan, "=1+1")["name"],
        "=HYPERLINK(\"http://x\",\"click\")"
    );

    let csv_text = run.plan_csv();
    let mut rdr = csv::Reader::from_reader(csv_text.as_bytes());
    let cells: Vec<String> = rdr
        .records()
        .flat_map(|r| r.unwrap().iter().map(str::to_string).collect::<Vec<_>>())
        .collect();
    for want in [
        "'=1+1",
        "'=HYPERLINK(\"http://x\",\"click\")",
        "'=cmd|' /C calc'!A0",
        "'+SKU2",
        "'+1+1",
        "'-3",
        "'-2+3",
        "'-Kitchen",
        "'@4",
        "'@SUM(A1)",
        "'@Lighting",
    ] {
        assert!(
            cells.iter().any(|c| c == want),
            "plan.csv lacks cell {want:?}"
        );
    }
    // no text cell starts with a formula character unquoted
    let keys = ["sku", "name", "category"];
    let mut rdr = csv::Reader::from_reader(csv_text.as_bytes());
    let h = rdr.headers().unwrap().clone();
    for r in rdr.records() {
        let r = r.unwrap();
        for (i, name) in h.iter().enumerate() {
            if keys.contains(&name) {
                let c = &r[i];
                assert!(
                    !c.starts_with(['=', '+', '-', '@', '\t', '\r']),
                    "unquoted dangerous cell {c:?} in column {name}"
                );
            }
        }
    }
    // stdout CSV is quoted the same way
    let out = plan_ok(&["fixtures/injection.csv", "--format", "csv"]).stdout();
    assert!(out.contains("'=1+1"), "{out}");
}

#[test]
fn injection_xlsx_cells_are_strings() {
    use calamine::{Data, Reader};
    let run = plan_ok(&["fixtures/injection.csv"]);
    let mut wb = calamine::open_workbook_auto(run.file("plan.xlsx")).unwrap();
    let range = wb.worksheet_range("Plan").expect("Plan sheet");
    let mut found = 0;
    for want in [
        "=1+1",
        "=HYPERLINK(\"http://x\",\"click\")",
        "+SKU2",
        "-2+3",
        "@SUM(A1)",
        "-Kitchen",
    ] {
        let hit = range.used_cells().find(|(_, _, c)| match c {
            Data::String(s) => s == want || s.trim_start_matches('\'') == want,
            _ => false,
        });
        assert!(hit.is_some(), "Plan sheet has no string cell {want:?}");
        found += 1;
    }
    assert_eq!(found, 6);
    // nothing became a formula
    if let Ok(formulas) = wb.worksheet_formula("Plan") {
        assert!(
            formulas.used_cells().all(|(_, _, f)| f.is_empty()),
            "Plan sheet contains formulas"
        );
    }
}

#[test]
fn injection_cr_row_read_as_one_line() {
    let plan = plan_ok(&["fixtures/injection.csv"]).plan();
    assert_eq!(lines(&plan).len(), 7);
    assert_eq!(planned(&plan).len(), 7);
}

#[test]
fn data_issues_sheet_lists_bad_cells() {
    use calamine::Reader;
    let run = plan_ok(&["fixtures/bad/text_in_number.csv"]);
    let mut wb = calamine::open_workbook_auto(run.file("plan.xlsx")).unwrap();
    let range = wb
        .worksheet_range("Data issues")
        .expect("Data issues sheet");
    let text: Vec<String> = range.used_cells().map(|(_, _, c)| c.to_string()).collect();
    let all = text.join("|");
    assert!(
        all.contains("lots"),
        "Data issues lacks the quantity warning: {all}"
    );
    assert!(
        all.contains("n/a"),
        "Data issues lacks the price warning: {all}"
    );
    let skipped = wb.worksheet_range("Skipped").expect("Skipped sheet");
    let all: Vec<String> = skipped
        .used_cells()
        .map(|(_, _, c)| c.to_string())
        .collect();
    assert!(
        all.iter().any(|c| c == "N-2") && all.iter().any(|c| c == "N-3"),
        "{all:?}"
    );
}

#[test]
fn a_ragged_sales_row_after_thousands_of_rows_stops_the_run_by_name() {
    // Sales rows are parsed in batches on another thread: an error in a later batch still ends
    // the run with its row, and nothing is written.
    expect_error(
        &[
            "fixtures/basic.csv",
            "--sales",
            "fixtures/bad/sales_ragged_late.csv",
        ],
        65,
        &[
            "fixtures/bad/sales_ragged_late.csv",
            "row 3002",
            "6 fields but the header has 4",
        ],
    );
}
