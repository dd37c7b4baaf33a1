//! Hints for a file that is not the catalog expected: a missing column's `--map` suggestion
//! names a column only when its name and its values both look right (never the first unused
//! column), `inspect` shows the mapping with the missing fields marked and exits 0, and an
//! order export given as the catalog is told to go with `--sales`.
mod common;

use common::*;
use std::path::{Path, PathBuf};

/// `clearance inspect FILE` → (exit code, stdout, stderr).
fn inspect(file: &str) -> (i32, String, String) {
    let out = bin()
        .args(["inspect", file])
        .output()
        .expect("run clearance");
    (
        out.status.code().expect("exit code"),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// The error of a plan that must stop with 65 (no plan written).
fn plan_error(args: &[&str]) -> String {
    let run = plan(args);
    run.expect_code(65);
    assert!(run.stdout().is_empty(), "stdout on error: {}", run.stdout());
    assert!(!run.file("plan.json").exists(), "no plan on error");
    run.stderr()
}

/// A copy of `fixture` in `dir` with `from` replaced by `to` in its header line.
fn with_header(dir: &Path, fixture_path: &str, from: &str, to: &str) -> PathBuf {
    let text = std::fs::read_to_string(fixture(fixture_path)).expect("fixture");
    let (head, rest) = text.split_once('\n').expect("a header line");
    assert!(head.contains(from), "{from} not in {head}");
    let name = Path::new(fixture_path).file_name().expect("file name");
    let path = dir.join(name);
    std::fs::write(&path, format!("{}\n{rest}", head.replace(from, to))).expect("write");
    path
}

const RENAMED: &str = "fixtures/bad/shopify_price_renamed.csv";
const CUSTOMERS: &str = "fixtures/bad/customer_list.csv";
const UNRECOGNISED: &str = "fixtures/bad/quantity_header_unrecognised.csv";

#[test]
fn renamed_shopify_price_is_not_answered_with_option1_name() {
    let err = plan_error(&[RENAMED]);
    assert!(
        err.starts_with(
            "error: fixtures/bad/shopify_price_renamed.csv: missing required catalog column: price (a column named like: price, variantprice, regularprice, sellingprice). The header (row 1) has: \"Handle\", \"Title\""
        ),
        "{err}"
    );
    assert!(
        err.ends_with(
            "Hint: no column looks like a price; name it with --map price=COLUMN. Renaming the column to one of the names above works too\n"
        ),
        "{err}"
    );
    // Neither the first unused column nor the empty market prices.
    assert!(!err.contains("--map price=\""), "{err}");
}

#[test]
fn translated_price_name_with_money_values_is_suggested_and_plans() {
    let dir = tempfile::tempdir().unwrap();
    let file = with_header(dir.path(), RENAMED, "Selling (EUR)", "VK-Preis brutto");
    let f = file.to_str().unwrap();
    let err = plan_error(&[f]);
    assert!(
        err.contains(
            "Hint: column \"VK-Preis brutto\" looks like the price (by its name and its money amounts); if it is, name it with --map price=\"VK-Preis brutto\"."
        ),
        "{err}"
    );
    // Following the hint plans from the right column.
    let run = plan_ok(&[f, "--map", "price=VK-Preis brutto"]);
    let plan = run.plan();
    assert_eq!(line(&plan, "otti-combat-boot/Milky/35")["price"], "595.00");
}

#[test]
fn customer_list_gets_no_column_suggested() {
    let err = plan_error(&[CUSTOMERS]);
    assert!(
        err.ends_with(
            "Hint: no column looks like a sku; name it with --map sku=COLUMN. Hint: no column looks like a quantity; name it with --map quantity=COLUMN. Hint: no column looks like a price; name it with --map price=COLUMN. Renaming the column to one of the names above works too\n"
        ),
        "{err}"
    );
    assert!(!err.contains("sku=\"Email\""), "{err}");
}

#[test]
fn unrecognised_quantity_header_is_not_answered_with_description() {
    let err = plan_error(&[UNRECOGNISED]);
    assert_eq!(
        err,
        "error: fixtures/bad/quantity_header_unrecognised.csv: missing required catalog column: quantity (a column named like: quantity, qty, onhand, stock). The header (row 1) has: \"Item No\", \"Description\", \"On Shelf\", \"Unit Price\", \"Unit Cost\", \"Supplier\". Hint: no column looks like a quantity; name it with --map quantity=COLUMN. Renaming the column to one of the names above works too\n"
    );
}

#[test]
fn an_abbreviated_stock_header_with_whole_numbers_is_suggested() {
    let dir = tempfile::tempdir().unwrap();
    let file = with_header(dir.path(), UNRECOGNISED, "On Shelf", "Stk");
    let f = file.to_str().unwrap();
    let err = plan_error(&[f]);
    assert!(
        err.contains(
            "Hint: column \"Stk\" looks like the quantity (by its name and its whole numbers); if it is, name it with --map quantity=\"Stk\"."
        ),
        "{err}"
    );
    let plan = plan_ok(&[f, "--map", "quantity=Stk"]).plan();
    assert_eq!(num(&line(&plan, "CT-1001")["quantity"]), 24.0);
    assert_eq!(num(&line(&plan, "GL-2002")["quantity"]), 9.0);
}

#[test]
fn a_known_name_with_a_note_is_read_and_one_with_more_words_is_suggested() {
    // `(units)` is a note: `Qty on hand (units)` is read as the quantity directly.
    let dir = tempfile::tempdir().unwrap();
    let file = with_header(dir.path(), UNRECOGNISED, "On Shelf", "Qty on hand (units)");
    let plan = plan_ok(&[file.to_str().unwrap()]).plan();
    assert_eq!(num(&line(&plan, "CT-1003")["quantity"]), 40.0);
    // Extra words around a known name: suggested, not taken silently.
    let dir = tempfile::tempdir().unwrap();
    let file = with_header(dir.path(), UNRECOGNISED, "On Shelf", "Qty on hand - units");
    let err = plan_error(&[file.to_str().unwrap()]);
    assert!(
        err.contains("if it is, name it with --map quantity=\"Qty on hand - units\"."),
        "{err}"
    );
}

#[test]
fn a_quantity_like_name_over_text_is_not_suggested() {
    let dir = tempfile::tempdir().unwrap();
    let text =
        "Item No,Description,Stk,Unit Price\nCT-1001,Mug,in stock,8.50\nCT-1002,Cup,low,4.00\n";
    let path = dir.path().join("stock_words.csv");
    std::fs::write(&path, text).unwrap();
    let err = plan_error(&[path.to_str().unwrap()]);
    assert!(
        err.contains("Hint: no column looks like a quantity; name it with --map quantity=COLUMN."),
        "{err}"
    );
}

#[test]
fn shopify_orders_export_as_catalog_says_pass_it_with_sales() {
    let err = plan_error(&["fixtures/shopify/orders_export.csv"]);
    assert_eq!(
        err,
        "error: fixtures/shopify/orders_export.csv: this looks like sales lines; pass it with --sales, after the catalog file (its header, row 1, has the order-line columns \"Lineitem name\", \"Created at\", \"Lineitem quantity\", while a catalog has one row per sku with its stock on hand; the catalog columns sku, quantity, price are missing)\n"
    );
}

#[test]
fn order_lines_with_sku_quantity_and_price_stop_on_a_repeated_sku_with_the_sales_hint() {
    // InvoiceNo, StockCode, Quantity, InvoiceDate, UnitPrice: every catalog field is there; a
    // complete header is never refused for its look (a catalog may have Date and Order
    // columns), but order lines repeat skus, and that error says what the file looks like.
    let err = plan_error(&["fixtures/bad/order_lines_as_catalog.csv"]);
    assert_eq!(
        err,
        "error: fixtures/bad/order_lines_as_catalog.csv: sku \"21733\" appears on rows 4 and 5; each sku (and location) must appear once. Remove or merge one of the rows. This looks like sales lines (columns \"InvoiceNo\", \"InvoiceDate\", \"Quantity\"): pass it with --sales, after the catalog file\n"
    );
    // As sales (as of the export's last day) it is read.
    let run = plan_ok(&[
        "fixtures/basic.csv",
        "--sales",
        "fixtures/bad/order_lines_as_catalog.csv",
        "--as-of",
        "2011-10-31",
    ]);
    assert!(!lines(&run.plan()).is_empty());
}

#[test]
fn inspect_shows_the_missing_field_marked_and_exits_0() {
    let (code, stdout, stderr) = inspect(UNRECOGNISED);
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stdout.contains(
            "\n  sku          <- \"Item No\" (column A)\n  quantity     <- MISSING (required): no column looks like a quantity; name it with --map quantity=COLUMN\n  price        <- \"Unit Price\" (column D)\n"
        ),
        "{stdout}"
    );
    assert!(
        stdout.contains("Not used: \"Description\", \"On Shelf\", \"Supplier\""),
        "{stdout}"
    );
    assert!(
        stdout.contains(
            "\nProblem: fixtures/bad/quantity_header_unrecognised.csv: missing required catalog column: quantity"
        ),
        "{stdout}"
    );
    assert!(
        stdout.ends_with("plan stops here (exit 65) until this is fixed; the rows are not read.\n"),
        "{stdout}"
    );
}

#[test]
fn inspect_marks_every_missing_field_of_a_customer_list() {
    let (code, stdout, stderr) = inspect(CUSTOMERS);
    assert_eq!(code, 0, "{stderr}");
    for field in ["sku", "quantity", "price"] {
        let wanted = format!(
            "  {field:<12} <- MISSING (required): no column looks like a {field}; name it with --map {field}=COLUMN\n"
        );
        assert!(stdout.contains(&wanted), "{wanted}\n{stdout}");
    }
}

#[test]
fn inspect_suggests_the_column_that_looks_right() {
    let dir = tempfile::tempdir().unwrap();
    let file = with_header(dir.path(), UNRECOGNISED, "On Shelf", "Stk");
    let (code, stdout, stderr) = inspect(file.to_str().unwrap());
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stdout.contains(
            "  quantity     <- MISSING (required): column \"Stk\" looks like the quantity (by its name and its whole numbers); if it is, name it with --map quantity=\"Stk\"\n"
        ),
        "{stdout}"
    );
}

#[test]
fn inspect_of_an_orders_export_says_pass_it_with_sales() {
    let (code, stdout, stderr) = inspect("fixtures/shopify/orders_export.csv");
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stdout.contains(
            "  sku          <- MISSING (required): none in this file, which looks like sales lines (see the problem below)\n"
        ),
        "{stdout}"
    );
    assert!(
        stdout.contains(
            "\nProblem: fixtures/shopify/orders_export.csv: this looks like sales lines; pass it with --sales, after the catalog file"
        ),
        "{stdout}"
    );
}

#[test]
fn inspect_shows_a_data_problem_below_the_header_and_exits_0() {
    let (code, stdout, stderr) = inspect("fixtures/bad/duplicate_sku.csv");
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stdout.contains(
            "\nProblem: fixtures/bad/duplicate_sku.csv: sku \"D-2\" appears on rows 3 and 6; each sku (and location) must appear once. Remove or merge one of the rows\n\nplan stops here (exit 65) until this is fixed.\n"
        ),
        "{stdout}"
    );
}

#[test]
fn a_catalog_with_date_and_order_columns_still_plans() {
    // `Date` (a stock count date) and `Order` (a display order) beside every catalog column.
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("catalog_with_date_and_order.csv");
    std::fs::write(
        &file,
        "SKU,Name,Qty,Price,Cost,Date,Order\nA-1,Mug,10,9.50,4,2026-01-01,1\nA-2,Bowl,8,12.00,5,2026-01-01,2\n",
    )
    .expect("write");
    let run = plan_ok(&[file.to_str().expect("utf-8 path")]);
    assert_eq!(common::lines(&run.plan()).len(), 2);
}

#[test]
fn a_yes_no_column_or_a_word_inside_another_is_never_suggested() {
    // A WooCommerce export whose Stock column is named `Lager`: `In stock?` holds 1/0 flags, so
    // following a suggestion of it would plan every line at 1 unit.
    let dir = tempfile::tempdir().expect("tempdir");
    let woo = dir.path().join("woo_lager.csv");
    std::fs::write(
        &woo,
        "ID,Type,SKU,Name,In stock?,Lager,Regular price\n1,simple,A,Mug,1,5,10\n2,simple,B,Bowl,1,7,12\n",
    )
    .expect("write");
    let err = plan_error(&[woo.to_str().expect("path")]);
    assert!(
        err.contains("Hint: no column looks like a quantity; name it with --map quantity=COLUMN"),
        "{err}"
    );
    assert!(!err.contains("--map quantity=\"In stock?\""), "{err}");
    // A customer list: `Postcode` holds short distinct codes but is not a `code` column.
    let cust = dir.path().join("customers.csv");
    std::fs::write(
        &cust,
        "Email,First Name,Postcode,Total Spent\na@x.com,Ann,12345,10.00\nb@x.com,Bob,23456,20.00\n",
    )
    .expect("write");
    let err = plan_error(&[cust.to_str().expect("path")]);
    assert!(
        err.contains("Hint: no column looks like a sku; name it with --map sku=COLUMN"),
        "{err}"
    );
    assert!(!err.contains("--map sku=\"Postcode\""), "{err}");
}
