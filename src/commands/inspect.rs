//! `clearance inspect`: which sheet, header row and column mapping would be used, and the first
//! rows as parsed, so a user can see why a column was or was not recognised.

use crate::Output;
use crate::cli::InspectArgs;
use crate::error::{Error, Result};
use crate::io::read::catalog::{CATALOG_REQUIRED, detect_layout, read_catalog};
use crate::io::read::mapping::{CATALOG_FIELDS, FieldSpec, HeaderMap, SALES_FIELDS, check_header};
use crate::io::read::sales::{SALES_REQUIRED, open_sales};
use crate::io::read::table::{Cell, Kind, Table, column_letters};
use crate::io::write::fit::{self, Column};
use crate::io::write::inert::terminal_cell;
use crate::model::DataIssue;
use crate::model::num::{money, plain};

pub fn run(args: &InspectArgs, out: &mut Output) -> Result<()> {
    let opts = args.input.read_options();
    let width = crate::terminal_width();
    let mut table = Table::open(&args.file, &opts)?;
    let mut text = String::new();
    text.push_str(&format!("File:       {}\n", table.display));
    match &table.kind {
        Kind::Csv {
            delimiter,
            encoding,
        } => {
            let d = match delimiter {
                b'\t' => "tab".to_string(),
                other => format!("'{}'", *other as char),
            };
            let comma = opts.decimal_comma.unwrap_or(table.decimal_comma_hint);
            text.push_str(&format!(
                "Format:     CSV, delimiter {d}, encoding {encoding}, decimal {}\n",
                if comma { "comma" } else { "point" }
            ));
        }
        Kind::Spreadsheet => {
            text.push_str(&format!(
                "Format:     spreadsheet, sheet \"{}\"\n",
                table.sheet.clone().unwrap_or_default()
            ));
        }
    }
    let (specs, required): (&[FieldSpec], &[&[&str]]) = if args.sales {
        (SALES_FIELDS, SALES_REQUIRED)
    } else {
        (CATALOG_FIELDS, CATALOG_REQUIRED)
    };
    let what = if args.sales { "sales" } else { "catalog" };
    // A header that cannot be used is shown, not refused: inspect is where to find out why.
    let check = check_header(&mut table, specs, required, &args.input.maps, what)?;
    let header = &check.map;
    text.push_str(&format!("Header row: {}\n", header.row));
    if !args.sales {
        text.push_str(&format!("Layout:     {}\n", detect_layout(header).as_str()));
    }
    text.push_str("\nColumns used:\n");
    text.push_str(&mapping_lines(
        header,
        &check.missing,
        specs,
        table.col_offset,
    ));
    let used: Vec<usize> = header.fields(specs).map(|(_, c)| c).collect();
    let unused: Vec<String> = header
        .headers
        .iter()
        .enumerate()
        .filter(|(i, h)| !used.contains(i) && !h.is_empty())
        .map(|(_, h)| format!("\"{h}\""))
        .collect();
    if !unused.is_empty() {
        text.push_str(&format!("\nNot used: {}\n", unused.join(", ")));
    }
    drop(table);
    // What was found, as prose wrapped to the width; then the problem or the rows.
    let mut text = fit::wrap(&text, width);
    if let Some(problem) = &check.problem {
        text.push_str(&fit::wrap(&format!(
            "\nProblem: {problem}\n\nplan stops here (exit 65) until this is fixed; the rows are not read.\n"
        ), width));
        out.text(&text);
        return Ok(());
    }
    match rows_text(args, specs, width) {
        Ok(rows) => text.push_str(&rows),
        // A data problem below the header is shown like one in it: inspect reports, plan refuses.
        Err(Error::Data(problem)) => text.push_str(&fit::wrap(
            &format!("\nProblem: {problem}\n\nplan stops here (exit 65) until this is fixed.\n"),
            width,
        )),
        Err(e) => return Err(e),
    }
    out.text(&text);
    Ok(())
}

/// A table fitted to `width`, with a line naming the columns left out.
fn fitted_table(columns: &[Column], width: Option<usize>) -> String {
    let fitted = fit::render(columns, width);
    let mut text = fitted.text;
    text.push('\n');
    let mut notes = String::new();
    if !fitted.left_out.is_empty() {
        notes.push_str(&format!(
            "Columns left out at this width: {}; set COLUMNS wider to see them.\n",
            fitted.left_out.join(", ")
        ));
    }
    if !fitted.empty.is_empty() {
        notes.push_str(&format!(
            "Empty in these rows, not shown: {}.\n",
            fitted.empty.join(", ")
        ));
    }
    text.push_str(&fit::wrap(&notes, width));
    text
}

/// The first rows as parsed (and, for a catalog, its warnings).
fn rows_text(args: &InspectArgs, specs: &[FieldSpec], width: Option<usize>) -> Result<String> {
    let opts = args.input.read_options();
    let mut text = String::new();
    if args.sales {
        let (mut table, header) = open_sales(&args.file, &opts, &args.input.maps)?;
        text.push_str(&format!("\nFirst {} row(s):\n", args.rows));
        let fields: Vec<(&str, usize)> = header.fields(specs).collect();
        let mut rows: Vec<Vec<String>> = Vec::new();
        for _ in 0..args.rows {
            let Some(raw) = table.next_row()? else { break };
            let mut row = vec![raw.row.to_string()];
            row.extend(fields.iter().map(|(_, c)| {
                terminal_cell(&raw.cells.get(*c).and_then(Cell::text).unwrap_or_default())
            }));
            rows.push(row);
        }
        let column = |i: usize| rows.iter().map(|r| r[i].clone()).collect::<Vec<_>>();
        let mut columns = vec![Column::new("row", column(0)).right()];
        // sku, quantity and date always shown; other fields cut, then left out from the right.
        let mut order = fields.len() as u8;
        for (i, (field, _)) in fields.iter().enumerate() {
            let c = Column::new(field, column(i + 1));
            columns.push(match *field {
                "sku" | "quantity" | "date" => c,
                _ => {
                    order = order.saturating_sub(1);
                    c.cut_to(8).drop(order + 1)
                }
            });
        }
        text.push_str(&fitted_table(&columns, width));
    } else {
        let catalog = read_catalog(&args.file, &opts, &args.input.maps)?;
        text.push_str(&format!(
            "\n{} data row(s), {} catalog line(s). First {} as parsed:\n",
            catalog.rows,
            catalog.lines.len(),
            args.rows.min(catalog.lines.len())
        ));
        let lines: Vec<_> = catalog.lines.iter().take(args.rows).collect();
        let each = |f: &dyn Fn(&crate::model::CatalogLine) -> String| -> Vec<String> {
            lines.iter().map(|l| terminal_cell(&f(l))).collect()
        };
        // row, sku, quantity and price always shown; text cut first, then columns left out.
        let columns = vec![
            Column::new("row", each(&|l| l.row.to_string())).right(),
            Column::new("sku", each(&|l| l.sku.to_string())),
            Column::new(
                "name",
                each(&|l| l.name.as_deref().unwrap_or_default().to_string()),
            )
            .cut_to(10)
            .drop(7),
            Column::new(
                "category",
                each(&|l| l.category.as_deref().unwrap_or_default().to_string()),
            )
            .cut_to(8)
            .drop(6),
            Column::new(
                "location",
                each(&|l| l.location.as_deref().unwrap_or_default().to_string()),
            )
            .cut_to(8)
            .drop(3),
            Column::new(
                "quantity",
                each(&|l| l.quantity.get().map(plain).unwrap_or_default()),
            )
            .right(),
            Column::new(
                "price",
                each(&|l| l.price.get().map(money).unwrap_or_default()),
            )
            .right(),
            Column::new(
                "on sale at",
                each(&|l| l.live_price.get().map(money).unwrap_or_default()),
            )
            .right()
            .drop(2),
            Column::new(
                "cost",
                each(&|l| l.cost.get().map(money).unwrap_or_default()),
            )
            .right()
            .drop(4),
            Column::new(
                "sold",
                each(&|l| l.sold.get().map(plain).unwrap_or_default()),
            )
            .right()
            .drop(1),
            Column::new(
                "note",
                each(&|l| match l.issue {
                    Some(DataIssue::BadData) => "bad data".into(),
                    Some(DataIssue::Untracked) => "untracked".into(),
                    Some(DataIssue::Inactive(s)) => s.as_str().into(),
                    None => String::new(),
                }),
            )
            .drop(5),
        ];
        text.push_str(&fitted_table(&columns, width));
        if !catalog.warnings.is_empty() {
            text.push_str(&format!("\n{} warning(s):\n", catalog.warnings.len()));
            for w in catalog.warnings.iter().take(10) {
                text.push_str(&fit::wrap(
                    &format!("  {}\n", crate::format_warning(w)),
                    width,
                ));
            }
        }
    }
    Ok(text)
}

/// One line per field read, and one per required field missing, marked, with its hint.
fn mapping_lines(
    header: &HeaderMap,
    missing: &[(String, String)],
    specs: &[FieldSpec],
    offset: usize,
) -> String {
    let mut s = String::new();
    for spec in specs {
        let field = spec.field;
        if let Some((_, hint)) = missing.iter().find(|(f, _)| f == field) {
            s.push_str(&format!("  {field:<12} <- MISSING (required): {hint}\n"));
            continue;
        }
        let Some(col) = header.col(field) else {
            continue;
        };
        if !crate::io::read::mapping::USER_FIELDS.contains(&field)
            && !matches!(
                field,
                "handle"
                    | "option1"
                    | "option2"
                    | "option3"
                    | "tracker"
                    | "handle_id"
                    | "field_type"
                    | "parent"
                    | "product_type"
                    | "surcharge"
                    | "option1_name"
                    | "option2_name"
                    | "option3_name"
                    | "status"
                    | "discount_amount"
                    | "discount_percent"
                    | "discount_mode"
                    | "discount_value"
                    | "store_view_code"
                    | "websites"
            )
        {
            continue;
        }
        let by = if header.mapped_by_user.contains(&field) {
            "  (--map)"
        } else {
            ""
        };
        s.push_str(&format!(
            "  {field:<12} <- \"{}\" (column {}){by}\n",
            header.headers.get(col).cloned().unwrap_or_default(),
            column_letters(col + offset)
        ));
    }
    s
}
