//! What `review` shows: `review.xlsx` (a Review sheet with one row per campaign line, coloured
//! by recommendation, and a Summary sheet with a chart of the recommendations), the terminal
//! table and the CSV on stdout. Text from inputs is written as text cells, never formulas.

use super::fit::Column;
use super::{TextCells, inert_csv};
use crate::campaign::review::{Action, LineReview, Review};
use crate::error::{Error, Result};
use rust_xlsxwriter::{Chart, ChartType, Color, Format, FormatBorder, Workbook, XlsxError};
use std::path::Path;

/// The columns of the Review sheet and of the CSV.
const COLUMNS: [(&str, f64); 19] = [
    ("SKU", 16.0),
    ("Location", 10.0),
    ("Name", 28.0),
    ("Discount %", 10.0),
    ("Since", 11.0),
    ("On hand at start", 10.0),
    ("Sold since start", 10.0),
    ("Clearance rate %", 10.0),
    ("Days running", 9.0),
    ("Days without sale", 9.0),
    ("Last sale", 11.0),
    ("Stock left", 9.0),
    ("Stock from", 10.0),
    ("Planned by now", 10.0),
    ("Recommendation", 14.0),
    ("Next %", 8.0),
    ("Next price", 10.0),
    ("Limit", 28.0),
    ("Why", 90.0),
];

/// A cell of the Review sheet: a number (kept as its exact decimal text), a date, or text.
enum Val {
    Num(String),
    Date(chrono::NaiveDate),
    Text(String),
}

/// How each column's numbers are shown (COLUMNS order): percentages as whole percents under
/// headers that carry the `%` (one decimal where a value has one), money with two decimals,
/// units and days as whole numbers (two decimals where a value has them), dates as dates.
#[derive(Clone, Copy, PartialEq)]
enum Unit {
    Text,
    Pct,
    Money,
    Units,
    Date,
}

const UNITS: [Unit; 19] = [
    Unit::Text,
    Unit::Text,
    Unit::Text,
    Unit::Pct,
    Unit::Date,
    Unit::Units,
    Unit::Units,
    Unit::Pct,
    Unit::Units,
    Unit::Units,
    Unit::Date,
    Unit::Units,
    Unit::Text,
    Unit::Units,
    Unit::Text,
    Unit::Pct,
    Unit::Money,
    Unit::Text,
    Unit::Text,
];

/// The number format of a column, given the most decimals (0 to 2) its values have: no value
/// is shown rounded.
fn num_format(unit: Unit, decimals: usize) -> Option<String> {
    match unit {
        Unit::Pct => Some(super::with_decimals("0", decimals, "")),
        Unit::Money => Some("#,##0.00".into()),
        Unit::Units => Some(super::with_decimals("#,##0", decimals, "")),
        Unit::Date => Some("yyyy-mm-dd".into()),
        Unit::Text => None,
    }
}

/// Decimals of a number written as text (`12.50` has 1 that matters), at most 2.
fn decimals_of(x: &str) -> usize {
    x.split_once('.')
        .map_or(0, |(_, f)| f.trim_end_matches('0').len())
        .min(2)
}

/// One line as cells, in COLUMNS order.
fn cells(l: &LineReview) -> Vec<Option<Val>> {
    let num = |s: &Option<String>| s.clone().map(Val::Num);
    let text = |s: Option<String>| s.map(Val::Text);
    vec![
        text(Some(l.sku.clone())),
        text(l.location.clone()),
        text(l.name.clone()),
        num(&Some(l.discount_pct.clone())),
        Some(Val::Date(l.depth_since)),
        num(&l.on_hand_at_start),
        num(&Some(l.units_sold.clone())),
        num(&l.clearance_rate_pct),
        Some(Val::Num(l.days_running.to_string())),
        Some(Val::Num(l.days_without_sale.to_string())),
        l.last_sale.map(Val::Date),
        num(&l.stock_left),
        text(Some(l.stock_source.clone())),
        num(&l.planned_units_to_date),
        text(Some(l.recommendation.as_str().to_string())),
        num(&l.next_discount_pct),
        num(&l.next_clearance_price),
        text(l.limit.clone()),
        text(Some(l.why.clone())),
    ]
}

fn colour(a: Action) -> Color {
    match a {
        Action::Deepen => Color::RGB(0xFCE4D6),
        Action::Hold => Color::RGB(0xE2EFDA),
        Action::End => Color::RGB(0xEDEDED),
        Action::Review => Color::RGB(0xF8CBAD),
    }
}

pub fn write(review: &Review, target: &Path, path: &Path) -> Result<()> {
    build(review, path)
        .map_err(|e| Error::output(target, format!("cannot write the workbook: {e}")))
}

fn build(review: &Review, path: &Path) -> Result<(), XlsxError> {
    let mut wb = Workbook::new();
    let header = Format::new()
        .set_bold()
        .set_text_wrap()
        .set_background_color(Color::RGB(0x1F4E78))
        .set_font_color(Color::White)
        .set_border(FormatBorder::Thin);
    let bold = Format::new().set_bold();

    let ws = wb.add_worksheet();
    ws.set_name("Summary")?;
    ws.set_column_width(0, 28)?;
    ws.set_column_width(1, 18)?;
    let c = &review.campaign;
    let s = &review.summary;
    ws.text_with_format(
        0,
        0,
        format!("Review of {}", c.name),
        &Format::new().set_bold().set_font_size(14),
    )?;
    let facts: Vec<(&str, String)> = vec![
        ("As of", review.as_of.to_string()),
        ("Revision reviewed", c.revision.to_string()),
        ("Start", c.start.to_string()),
        ("End", c.end.to_string()),
        ("Status", c.status.clone()),
        ("Days running", s.days_running.to_string()),
        ("Lines", s.lines.to_string()),
        ("On hand at start", s.on_hand_at_start.clone()),
        ("Units sold since start", s.units_sold.clone()),
        (
            "Clearance rate %",
            s.clearance_rate_pct.clone().unwrap_or_default(),
        ),
        (
            "Revision written",
            review
                .revision_written
                .as_ref()
                .map(|w| format!("{} ({} changes)", w.revision, w.changes))
                .unwrap_or_else(|| "none".into()),
        ),
    ];
    let date = Format::new().set_num_format("yyyy-mm-dd");
    let pct = Format::new().set_num_format("0.0");
    let units = Format::new().set_num_format("#,##0.##");
    let mut r = 2u32;
    for (label, value) in &facts {
        ws.text_with_format(r, 0, *label, &bold)?;
        if let Ok(d) = value.parse::<chrono::NaiveDate>() {
            ws.write_datetime_with_format(r, 1, super::excel_date(d)?, &date)?;
        } else {
            match value.parse::<f64>() {
                Ok(x) if label.ends_with('%') => ws.write_number_with_format(r, 1, x, &pct)?,
                Ok(x) if x.fract() != 0.0 => ws.write_number_with_format(r, 1, x, &units)?,
                Ok(x) if !label.starts_with("Revision") => ws.write_number(r, 1, x)?,
                _ => ws.text(r, 1, value)?,
            };
        }
        r += 1;
    }
    r += 1;
    ws.text_with_format(r, 0, "Recommendation", &header)?;
    ws.text_with_format(r, 1, "Lines", &header)?;
    let top = r + 1;
    for a in Action::ALL {
        r += 1;
        ws.write_string_with_format(
            r,
            0,
            a.as_str(),
            &Format::new().set_background_color(colour(a)),
        )?;
        let n = s.by_recommendation.get(a.as_str()).copied().unwrap_or(0);
        ws.write_number(r, 1, n as f64)?;
    }
    let mut chart = Chart::new(ChartType::Column);
    chart
        .add_series()
        .set_name("Lines")
        .set_categories(("Summary", top, 0, r, 0))
        .set_values(("Summary", top, 1, r, 1));
    chart.title().set_name("Lines by recommendation");
    chart.legend().set_hidden();
    ws.insert_chart(2, 3, &chart)?;

    let ws = wb.add_worksheet();
    ws.set_name("Review")?;
    let rows: Vec<Vec<Option<Val>>> = review.lines.iter().map(cells).collect();
    for (i, (name, width)) in COLUMNS.iter().enumerate() {
        // Wide enough for the header's longest word and for the column's text, capped.
        let longest = rows
            .iter()
            .filter_map(|r| match &r[i] {
                Some(Val::Text(t) | Val::Num(t)) => Some(t.chars().count()),
                Some(Val::Date(_)) => Some(10),
                None => None,
            })
            .max()
            .unwrap_or(0);
        let word = name.split(' ').map(str::len).max().unwrap_or(0);
        let w = (longest.max(word) as f64 * 1.1 + 2.0).clamp(8.0, width.max(8.0));
        ws.set_column_width(i as u16, w)?;
        let decimals = rows
            .iter()
            .filter_map(|r| match &r[i] {
                Some(Val::Num(x)) => Some(decimals_of(x)),
                _ => None,
            })
            .max()
            .unwrap_or(0);
        if let Some(f) = num_format(UNITS[i], decimals) {
            ws.set_column_format(i as u16, &Format::new().set_num_format(f))?;
        }
        ws.text_with_format(0, i as u16, *name, &header)?;
    }
    ws.set_row_height(0, 30)?;
    ws.set_freeze_panes(1, 1)?;
    let dates = Format::new().set_num_format("yyyy-mm-dd");
    for (i, (l, cells)) in review.lines.iter().zip(rows).enumerate() {
        let row = i as u32 + 1;
        let fill = Format::new().set_background_color(colour(l.recommendation));
        for (col, cell) in cells.into_iter().enumerate() {
            let col = col as u16;
            let is_action = col == 14;
            match cell {
                Some(Val::Date(d)) => {
                    ws.write_datetime_with_format(row, col, super::excel_date(d)?, &dates)?
                }
                Some(Val::Num(x)) => match x.parse::<f64>() {
                    Ok(x) => ws.write_number(row, col, x)?,
                    Err(_) => ws.text(row, col, x)?,
                },
                Some(Val::Text(t)) if is_action => ws.text_with_format(row, col, t, &fill)?,
                Some(Val::Text(t)) => ws.text(row, col, t)?,
                None => ws,
            };
        }
    }
    if !review.lines.is_empty() {
        ws.autofilter(0, 0, review.lines.len() as u32, COLUMNS.len() as u16 - 1)?;
    }
    super::save_workbook(&mut wb, path)
}

/// The terminal view: one row per line, then the why of every line that needs a decision.
pub fn render_table(review: &Review, width: Option<usize>) -> String {
    let c = &review.campaign;
    let s = &review.summary;
    let head = format!(
        "Campaign \"{}\" revision {} ({} to {}), as of {}: {} line(s), {} of {} units sold{}.\n",
        c.name,
        c.revision,
        c.start,
        c.end,
        review.as_of,
        s.lines,
        s.units_sold,
        s.on_hand_at_start,
        s.clearance_rate_pct
            .as_ref()
            .map(|r| format!(" (clearance rate {r}%)"))
            .unwrap_or_default()
    );
    let each =
        |f: &dyn Fn(&LineReview) -> String| -> Vec<String> { review.lines.iter().map(f).collect() };
    // SKU, Now %, Sold, Action and Next % always shown; No sale, Days, Rate % and Left give way
    // in that order when the terminal is narrow.
    let columns = vec![
        Column::new(
            "SKU",
            each(&|l| {
                super::inert::terminal_cell(&crate::campaign::template::key(
                    &l.sku,
                    l.location.as_deref(),
                ))
            }),
        ),
        Column::new("Now %", each(&|l| l.discount_pct.clone())).right(),
        Column::new(
            "Sold",
            each(&|l| {
                format!(
                    "{}/{}",
                    l.units_sold,
                    l.on_hand_at_start.as_deref().unwrap_or("?")
                )
            }),
        )
        .right(),
        Column::new(
            "Rate %",
            each(&|l| l.clearance_rate_pct.clone().unwrap_or_default()),
        )
        .right()
        .drop(3),
        Column::new("Days", each(&|l| l.days_running.to_string()))
            .right()
            .drop(2),
        Column::new("No sale", each(&|l| l.days_without_sale.to_string()))
            .right()
            .drop(1),
        Column::new("Left", each(&|l| l.stock_left.clone().unwrap_or_default()))
            .right()
            .drop(4),
        Column::new("Action", each(&|l| l.recommendation.as_str().to_string())),
        Column::new(
            "Next %",
            each(&|l| l.next_discount_pct.clone().unwrap_or_default()),
        )
        .right(),
    ];
    let fitted = super::fit::render(&columns, width);
    let mut table = fitted.text;
    table.push('\n');
    // Under the table, prose wrapped at spaces to the width.
    let mut out = String::new();
    if !fitted.left_out.is_empty() {
        out.push_str(&format!(
            "Columns left out at this width: {}; review.xlsx has every column.\n",
            fitted.left_out.join(", ")
        ));
    }
    let counts: Vec<String> = Action::ALL
        .iter()
        .map(|a| {
            format!(
                "{} {}",
                a.as_str(),
                s.by_recommendation.get(a.as_str()).copied().unwrap_or(0)
            )
        })
        .collect();
    out.push_str(&format!("Recommendations: {}\n", counts.join(", ")));
    for l in review
        .lines
        .iter()
        .filter(|l| l.recommendation != Action::Hold)
    {
        out.push_str(&format!(
            "  {} {}: {}\n",
            l.recommendation.as_str(),
            crate::campaign::template::key(&l.sku, l.location.as_deref()),
            l.why
        ));
    }
    if let Some(w) = &review.revision_written {
        out.push_str(&format!(
            "Revision {} written to {} ({} change(s)).\n",
            w.revision, w.folder, w.changes
        ));
    }
    super::fit::wrap(&head, width) + &table + &super::fit::wrap(&out, width)
}

/// The Review sheet as CSV (`--format csv`).
pub fn render_csv(review: &Review) -> Result<String> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let err = |e: csv::Error| Error::Internal(format!("cannot write CSV: {e}"));
    w.write_record(COLUMNS.iter().map(|(n, _)| *n))
        .map_err(err)?;
    for l in &review.lines {
        let row: Vec<String> = cells(l)
            .into_iter()
            .map(|c| match c {
                // Numbers come from campaign.json too: user data, kept inert like text.
                Some(Val::Num(t)) | Some(Val::Text(t)) => inert_csv(&t).into_owned(),
                Some(Val::Date(d)) => d.to_string(),
                None => String::new(),
            })
            .collect();
        w.write_record(&row).map_err(err)?;
    }
    let bytes = w
        .into_inner()
        .map_err(|e| Error::Internal(format!("cannot write CSV: {e}")))?;
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}
