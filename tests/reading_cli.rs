//! How files are read: CSV structure (unterminated quotes, physical row numbers whatever the line
//! ending, warnings never on the header row), Excel's own types (percent-formatted cells, hidden
//! sheets, merged template cells) and encodings (UTF-16 big-endian).
//!
//! Fixtures come from scripts/make_reading_fixtures.py.
mod common;

use common::*;

fn stderr_has(run: &Run, needle: &str) {
    let err = run.stderr();
    assert!(err.contains(needle), "stderr lacks {needle:?}:\n{err}");
}

// ------------------------------------------------------------------------------ CSV structure

#[test]
fn unterminated_quote_is_an_error_naming_the_row_it_opened_on() {
    let run = plan(&["fixtures/bad/unterminated_quote.csv"]);
    run.expect_code(65);
    assert_eq!(
        run.stderr().trim_end(),
        "error: fixtures/bad/unterminated_quote.csv, row 2: a quote opened on this row is never closed, so every line after it was read as one value; close the quote or remove it (a quote inside a quoted value is written twice: \"\")"
    );
    assert!(!run.file("plan.json").exists());
}

#[test]
fn unterminated_quote_on_a_later_row_of_a_crlf_file() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("late_quote.csv");
    std::fs::write(
        &f,
        "sku,name,quantity,price\r\nA,Boot,10,100\r\n\r\nB,\"Shoe,5,80\r\nC,Hat,3,20\r\n",
    )
    .unwrap();
    let run = plan(&[f.to_str().unwrap()]);
    run.expect_code(65);
    stderr_has(
        &run,
        "late_quote.csv, row 4: a quote opened on this row is never closed",
    );
}

#[test]
fn a_quoted_value_over_several_lines_still_reads() {
    // Shopify's Body (HTML) spans lines; the rows after it keep their physical line numbers.
    let run = plan_ok(&["fixtures/shopify/products_export.csv"]);
    stderr_has(
        &run,
        "fixtures/shopify/products_export.csv, row 92, column Variant Inventory Qty: 28 line(s) have no tracked stock figure (first on row 92); skipped as untracked",
    );
    // A quoted value closed at the very end of a file without a final newline.
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("last_value_quoted.csv");
    std::fs::write(
        &f,
        "sku,quantity,price,name\nA,10,100,Boot\nB,5,80,\"Shoe\nin two lines\"",
    )
    .unwrap();
    let p = plan_ok(&[f.to_str().unwrap()]).plan();
    assert_eq!(s(&line(&p, "B")["name"]), "Shoe\nin two lines");
}

#[test]
fn crlf_rows_are_physical_lines() {
    // The same warnings, on the same rows, as the LF original.
    let lf = plan_ok(&["fixtures/bad/text_in_number.csv"]);
    let crlf = plan_ok(&["fixtures/crlf_text_in_number.csv"]);
    for (run, file) in [
        (&lf, "fixtures/bad/text_in_number.csv"),
        (&crlf, "fixtures/crlf_text_in_number.csv"),
    ] {
        stderr_has(
            run,
            &format!("{file}, row 3, column quantity (D): \"lots\" is not a number"),
        );
        stderr_has(
            run,
            &format!("{file}, row 4, column price (E): \"n/a\" is not a number"),
        );
    }
    assert_eq!(lf.plan_csv(), crlf.plan_csv());
}

#[test]
fn crlf_magento_export_names_the_physical_row() {
    // Magento exports CRLF without a final newline; 24-WG087 is on line 4.
    let run = plan_ok(&["fixtures/magento/catalog_product_crlf_bad_qty.csv"]);
    stderr_has(
        &run,
        "warning: fixtures/magento/catalog_product_crlf_bad_qty.csv, row 4, column qty (AO): \"lots\" is not a number (expected a quantity such as 12 or 19.99); line skipped",
    );
}

#[test]
fn crlf_blank_lines_are_skipped_and_counted() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("blank_lines.csv");
    std::fs::write(
        &f,
        "sku,quantity,price\r\nA,10,100\r\n\r\n\r\nB,lots,80\r\nC,3,20",
    )
    .unwrap();
    let run = plan_ok(&[f.to_str().unwrap()]);
    stderr_has(
        &run,
        "blank_lines.csv, row 5, column quantity (B): \"lots\"",
    );
    assert_eq!(lines(&run.plan()).len(), 3);
}

#[test]
fn a_count_warning_names_the_first_data_row_not_the_header() {
    let run = plan_ok(&["fixtures/shopify/product_template_crlf.csv"]);
    stderr_has(
        &run,
        "warning: fixtures/shopify/product_template_crlf.csv, row 2, column Variant Inventory Qty: 12 line(s) have no tracked stock figure (first on row 2); skipped as untracked",
    );
    assert!(!run.stderr().contains("row 1"), "{}", run.stderr());
}

// ------------------------------------------------------------------------- Excel's own types

#[test]
fn percent_formatted_margin_reads_as_the_percentage_shown() {
    // Stored 0.35, shown 35%: a 35% margin, not 0.35% (which skipped every line margin_floor).
    let p = plan_ok(&["fixtures/percent_margin.xlsx"]).plan();
    for (sku, margin) in [("P-1", 35.0), ("P-2", 40.0), ("P-3", 25.0)] {
        let l = line(&p, sku);
        assert_eq!(l["status"], "planned", "{l}");
        assert_eq!(num(&l["margin_pct"]), margin, "{l}");
    }
}

#[test]
fn percent_margin_in_xls_is_decided_from_header_and_values_with_a_warning() {
    let run = plan_ok(&["fixtures/percent_margin.xls"]);
    stderr_has(
        &run,
        "warning: fixtures/percent_margin.xls, sheet \"Products\", row 2, column Margin %: the column says % and all 3 margin value(s) are between 0 and 1 (first on row 2): read as percentages shown in Excel (0.35 = 35%); this file type does not keep cell formats, so if a margin really is below 1%, save the file as XLSX",
    );
    let p = run.plan();
    assert_eq!(num(&line(&p, "P-1")["margin_pct"]), 35.0);
    assert_eq!(line(&p, "P-3")["status"], "planned");
}

#[test]
fn hidden_first_sheet_is_not_picked() {
    let p = plan_ok(&["fixtures/hidden_first_sheet.xlsx"]).plan();
    assert_eq!(lines(&p).len(), 3);
    assert_eq!(line(&p, "P-1")["status"], "planned");
}

#[test]
fn a_failure_on_a_sheet_lists_the_sheets_hidden_ones_marked() {
    let run = plan(&["fixtures/hidden_first_sheet.xlsx", "--sheet", "Lookup"]);
    run.expect_code(65);
    stderr_has(
        &run,
        ". The workbook's sheets are: \"Lookup\" (hidden), \"Products\"; choose one with --sheet NAME",
    );
    let run = plan(&["fixtures/hidden_first_sheet.xlsx", "--sheet", "Prices"]);
    run.expect_code(65);
    assert_eq!(
        run.stderr().trim_end(),
        "error: fixtures/hidden_first_sheet.xlsx: there is no sheet named \"Prices\"; the sheets are: \"Lookup\" (hidden), \"Products\""
    );
}

#[test]
fn utf16_big_endian_reads_like_the_utf8_original() {
    let utf8 = plan_ok(&["fixtures/basic.csv"]);
    let be = plan_ok(&["fixtures/utf16be.csv"]);
    assert_eq!(utf8.plan_csv(), be.plan_csv());
}

#[test]
fn a_merged_discount_in_the_upload_template_is_an_error_naming_the_range() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("plan");
    let made = bin()
        .args([
            "plan",
            "fixtures/basic_ids.csv",
            "--as-of",
            "2026-11-22",
            "--quiet",
        ])
        .arg("--out")
        .arg(&out)
        .output()
        .unwrap();
    assert!(made.status.success());
    let run = bin()
        .args([
            "validate",
            "fixtures/templates/merged_discount.xlsx",
            "--plan",
        ])
        .arg(out.join("plan.json"))
        .output()
        .unwrap();
    assert_eq!(run.status.code(), Some(65));
    assert_eq!(
        String::from_utf8_lossy(&run.stderr).trim_end(),
        "error: fixtures/templates/merged_discount.xlsx, sheet \"Template\": cells P5:P8 are merged over the Discount % column; Excel keeps a merged value in its first cell only (P5), so the other rows have none. Unmerge P5:P8 and give each row its own Discount %"
    );
}

#[test]
fn percent_formatted_existing_discounts_read_as_shown() {
    // 0.1 formatted 0% is an existing 10% discount, as in the CSV that writes 10.
    let csv = plan_ok(&[
        "fixtures/basic.csv",
        "--existing",
        "fixtures/existing_discounts.csv",
    ]);
    let xlsx = plan_ok(&[
        "fixtures/basic.csv",
        "--existing",
        "fixtures/existing_percent.xlsx",
    ]);
    assert_eq!(csv.plan_csv(), xlsx.plan_csv());
    assert_ne!(plan_ok(&["fixtures/basic.csv"]).plan_csv(), xlsx.plan_csv());
}

#[test]
fn a_merged_existing_percentage_is_an_error_naming_the_range() {
    // Never filled: the merged 10% is in C2 only, so C3's row would have no percentage.
    let run = plan(&[
        "fixtures/basic.csv",
        "--existing",
        "fixtures/bad/existing_merged.xlsx",
    ]);
    run.expect_code(65);
    assert_eq!(
        run.stderr().trim_end(),
        "error: fixtures/bad/existing_merged.xlsx, sheet \"Discounts\": cells C2:C3 are merged over the percentage column; a merged value is kept in its first cell only (C2), so the other rows have none. Unmerge C2:C3 and give each row its own percentage"
    );
}

#[test]
fn a_percent_format_on_a_stock_or_price_column_is_not_multiplied() {
    // fixtures/percent_formatted_numbers.xlsx: quantity 10 and price 0.5 formatted `0%` (shown
    // 1000% and 50%), margins 0.35 and 0.5 formatted `0%`: the margins read as shown (35, 50),
    // the stock and the price as stored, with one warning per column.
    let run = plan_ok(&["fixtures/percent_formatted_numbers.xlsx"]);
    let plan = run.plan();
    let pf1 = line(&plan, "PF-1");
    assert_eq!(num(&pf1["quantity"]), 10.0);
    assert_eq!(num(&pf1["margin_pct"]), 35.0);
    let pf2 = line(&plan, "PF-2");
    assert_eq!(s(&pf2["price"]), "0.50");
    assert_eq!(num(&pf2["margin_pct"]), 50.0);
    let err = run.stderr();
    assert!(
        err.contains("row 2, column quantity (C): the quantity column is formatted as a percentage in the workbook; its numbers are read as stored"),
        "{err}"
    );
    assert!(
        err.contains("row 3, column price (D): the price column is formatted as a percentage"),
        "{err}"
    );
    assert_eq!(err.matches("formatted as a percentage").count(), 2, "{err}");
}

#[test]
fn a_broken_quote_closed_by_a_later_quote_is_still_an_error() {
    // The parser takes a later quote in the file for the end of the broken one: rows B (and C)
    // vanish into A's name and A takes B's numbers, unless refused.
    for f in [
        "fixtures/bad/broken_quote_then_quoted_value.csv",
        "fixtures/bad/broken_quote_crlf_last_value_quoted.csv",
    ] {
        let run = plan(&[f]);
        run.expect_code(65);
        assert!(
            run.stderr()
                .contains(&format!("{f}, row 2: a quote opened on this row")),
            "{}",
            run.stderr()
        );
    }
}

#[test]
fn broken_quotes_are_refused_wherever_they_open_and_multi_line_descriptions_still_read() {
    // Refused: a quote holding the rest of its row and the start of the next one, whether the
    // first line has extra commas, the quote opens in a later field, or the file is a narrow
    // sales file.
    for f in [
        "fixtures/bad/broken_quote_with_commas.csv",
        "fixtures/bad/broken_quote_in_a_later_field.csv",
        "fixtures/bad/broken_quote_in_first_column.csv",
        "fixtures/bad/broken_quote_closed_by_inch_mark.csv",
    ] {
        let run = plan(&[f]);
        run.expect_code(65);
        assert!(
            run.stderr()
                .contains(&format!("{f}, row 2: a quote opened on this row")),
            "{}",
            run.stderr()
        );
    }
    let sales = "fixtures/bad/broken_quote_sales_three_columns.csv";
    let run = plan(&[
        "fixtures/sales_dates/catalog.csv",
        "--sales",
        sales,
        "--as-of",
        "2026-11-20",
    ]);
    run.expect_code(65);
    assert!(
        run.stderr()
            .contains(&format!("{sales}, row 2: a quote opened on this row")),
        "{}",
        run.stderr()
    );
    // Read: descriptions and names over two lines with commas in them.
    for f in [
        "fixtures/multiline_description_with_commas.csv",
        "fixtures/multiline_name_with_commas.csv",
        "fixtures/multiline_ok_g1.csv",
        "fixtures/multiline_ok_g3.csv",
        "fixtures/multiline_ok_g5.csv",
        "fixtures/multiline_ok_g6.csv",
        "fixtures/multiline_size_list.csv",
    ] {
        let run = plan_ok(&[f]);
        assert_eq!(lines(&run.plan()).len(), 1, "{f}");
    }
    // Narrow files whose description has a middle line with exactly a row's delimiters
    // (a size list, a sentence with commas, HTML entities in a ;-file) are read: the lines
    // around it do not complete a row. A value closed at the very end of the file and followed
    // by a space is closed.
    for (f, skus) in [
        ("fixtures/multiline_ok_size_list_4col.csv", vec!["A", "B"]),
        (
            "fixtures/multiline_ok_shopify_6col.csv",
            vec!["TEE-S", "MUG-1"],
        ),
        (
            "fixtures/multiline_ok_semicolon_entities.csv",
            vec!["TS-1", "TS-2"],
        ),
        (
            "fixtures/multiline_ok_closed_then_space_at_eof.csv",
            vec!["A"],
        ),
    ] {
        let run = plan_ok(&[f]);
        let got: Vec<String> = lines(&run.plan())
            .iter()
            .map(|l| l["sku"].as_str().unwrap().to_string())
            .collect();
        assert_eq!(got, skus, "{f}");
    }
    // Rows swallowed by an inch mark under a header padded with empty columns, and a quote
    // never closed in a file that ends with a quote written twice: refused on the row.
    for (f, what) in [
        (
            "fixtures/bad/broken_quote_inch_mark_padded_header.csv",
            "is not closed at the end of its value",
        ),
        (
            "fixtures/bad/unterminated_quote_ends_with_doubled_quote.csv",
            "is never closed",
        ),
    ] {
        let run = plan(&[f]);
        run.expect_code(65);
        assert!(
            run.stderr()
                .contains(&format!("{f}, row 2: a quote opened on this row {what}")),
            "{}",
            run.stderr()
        );
    }
    // A padded title row above a header with empty trailing cells does not hide it.
    let f = "fixtures/bad/broken_quote_padded_header.csv";
    let run = plan(&[f]);
    run.expect_code(65);
    assert!(
        run.stderr()
            .contains(&format!("{f}, row 3: a quote opened on this row")),
        "{}",
        run.stderr()
    );
}

#[test]
fn spaces_after_a_closing_quote_are_read_after_a_blank_line_too() {
    let run = plan_ok(&["fixtures/quote_then_space_after_blank_line.csv"]);
    assert!(!lines(&run.plan()).is_empty());
}
