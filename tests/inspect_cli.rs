//! `clearance inspect` (SPEC section 1).
mod common;

use common::*;

#[test]
fn inspect_title_rows_xlsx() {
    let out = bin()
        .args(["inspect", "fixtures/title_rows.xlsx"])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains("Stock"), "sheet name: {stdout}");
    assert!(
        stdout
            .lines()
            .any(|l| l.contains("Header row") && l.contains('4')),
        "header row 4: {stdout}"
    );
    let mapping = |field: &str, col: &str| {
        stdout
            .lines()
            .any(|l| l.trim_start().starts_with(field) && l.contains(col))
    };
    assert!(mapping("quantity", "Qty"), "{stdout}");
    assert!(mapping("sku", "SKU"), "{stdout}");
    assert!(mapping("price", "Price"), "{stdout}");
    assert!(mapping("cost", "Cost"), "{stdout}");
    // first rows as parsed: the text-stored price reads as a number
    assert!(
        stdout.contains("T-101") && stdout.contains("24.50"),
        "{stdout}"
    );
}

#[test]
fn inspect_missing_quantity_shows_it_marked() {
    // inspect reports what plan would refuse, and exits 0 on a readable file.
    let out = bin()
        .args(["inspect", "fixtures/bad/missing_quantity.csv"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains(
            "  quantity     <- MISSING (required): no column looks like a quantity; name it with --map quantity=COLUMN\n"
        ) && stdout.contains("Problem: fixtures/bad/missing_quantity.csv: missing required catalog column: quantity"),
        "{stdout}"
    );
}

#[test]
fn inspect_missing_file() {
    let out = bin()
        .args(["inspect", "fixtures/nope.xlsx"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(66));
}

#[test]
fn inspect_semicolon_csv_reports_delimiter() {
    let out = bin()
        .args(["inspect", "fixtures/semicolon_decimal_comma.csv"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("';'") || stdout.contains("semicolon"),
        "{stdout}"
    );
}
