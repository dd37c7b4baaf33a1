//! `plan.xlsx`: a workbook for people, values only (no formulas). Sheets: Plan (planned lines,
//! frozen header, filters, number formats, a colour per class), Skipped (the skipped lines a
//! person must look at), Data issues (warnings), Summary (totals and native Excel charts).
//! Row sheets are written in constant-memory mode.
//!
//! Formats, as Excel's own tables show them: percentages stored as fractions (25% is 0.25)
//! and units with as many decimals as the column's values have (none, one or two: `0%`,
//! `0.0%`, `0.00%`; `#,##0`, `#,##0.0`, `#,##0.00`), so no value is shown rounded (a 19.25%
//! maximum shows 19.25%); money `#,##0.00`; dates as dates. Column widths fit the header's longest word and the
//! column's content, capped; headers wrap instead of being clipped.

use crate::error::{Error, Result};
use crate::io::write::TextCells;
use crate::model::num::sat_add;
use crate::model::{Class, LineStatus, Plan, PlanLine};
use crate::rules::what_if;
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;
use rust_xlsxwriter::{
    Chart, ChartType, Color, Format, FormatAlign, Workbook, Worksheet, XlsxError,
};
use std::collections::BTreeMap;
use std::path::Path;

fn f(d: Decimal) -> f64 {
    d.to_f64().unwrap_or(0.0)
}

struct Formats {
    header: Format,
    money: Format,
    pct: Format,
    ratio: Format,
    qty_whole: Format,
    date: Format,
    severe: Format,
    moderate: Format,
}

impl Formats {
    fn new() -> Formats {
        Formats {
            header: Format::new()
                .set_bold()
                .set_background_color(Color::RGB(0x1F4E78))
                .set_font_color(Color::White)
                .set_align(FormatAlign::Center)
                .set_align(FormatAlign::VerticalCenter)
                .set_text_wrap(),
            money: Format::new().set_num_format("#,##0.00"),
            pct: Format::new().set_num_format("0.0%"),
            ratio: Format::new().set_num_format("0.000"),
            qty_whole: Format::new().set_num_format("#,##0"),
            date: Format::new().set_num_format("yyyy-mm-dd"),
            severe: Format::new().set_background_color(Color::RGB(0xF8CBAD)),
            moderate: Format::new().set_background_color(Color::RGB(0xFFE699)),
        }
    }
}

/// How a column's numbers are shown; set once per column, so cells need no format of their own.
#[derive(Clone, Copy, PartialEq)]
enum Kind {
    Text,
    /// Units: with the decimals the column's values have.
    Qty,
    Ratio,
    /// A percentage (the plan's 25 is written 0.25).
    Pct,
    Money,
}

/// Header, widest width (characters) and kind of each column of the Plan and Skipped sheets.
const LINE_COLUMNS: &[(&str, f64, Kind)] = &[
    ("Rank", 8.0, Kind::Text),
    ("SKU", 24.0, Kind::Text),
    ("Name", 40.0, Kind::Text),
    ("Category", 24.0, Kind::Text),
    ("Location", 16.0, Kind::Text),
    ("On hand", 12.0, Kind::Qty),
    ("Sold", 12.0, Kind::Qty),
    ("Velocity", 10.0, Kind::Ratio),
    ("Class", 10.0, Kind::Text),
    ("Tier", 8.0, Kind::Pct),
    ("Discount", 10.0, Kind::Pct),
    ("Max discount", 10.0, Kind::Pct),
    ("Limit", 14.0, Kind::Text),
    ("Price", 14.0, Kind::Money),
    ("On sale at", 14.0, Kind::Money),
    ("Cost", 14.0, Kind::Money),
    ("Clearance price", 14.0, Kind::Money),
    ("Margin", 9.0, Kind::Pct),
    ("Margin after", 9.0, Kind::Pct),
    ("Existing discount", 10.0, Kind::Pct),
    ("Projected sold", 12.0, Kind::Qty),
    ("Left at end", 12.0, Kind::Qty),
    ("Flags", 24.0, Kind::Text),
    ("Reason", 16.0, Kind::Text),
    ("Why", 90.0, Kind::Text),
];

/// What a column holds, measured before it is written: the widest value (characters, as
/// shown) and whether every number is whole (in the unit shown: percent for `Pct`).
#[derive(Clone, Copy, Default)]
struct Fit {
    chars: usize,
    /// The most decimals a value has in the unit shown (0 to 2).
    decimals: u32,
}

impl Fit {
    fn text(&mut self, s: &str) {
        self.chars = self.chars.max(s.chars().count());
    }
    fn number(&mut self, v: Decimal, kind: Kind) {
        let shown = if kind == Kind::Pct { v } else { v.abs() };
        self.decimals = self.decimals.max(shown.normalize().scale().min(2));
        // Digits, thousands separators, sign and decimals as the format shows them.
        let digits = shown
            .abs()
            .trunc()
            .to_u128()
            .map_or(16, |n| n.checked_ilog10().map_or(1, |d| d as usize + 1));
        let extra = match kind {
            Kind::Money => 3,
            Kind::Ratio => 4,
            Kind::Pct => 3,
            Kind::Qty if self.decimals > 0 => 3,
            _ => 0,
        };
        self.chars = self
            .chars
            .max(digits + digits.saturating_sub(1) / 3 + extra + 1);
    }
}

/// The fit of every line column over `lines` (one pass; text lengths and whole numbers).
fn fit_lines(lines: &[&PlanLine]) -> Vec<Fit> {
    let mut fits = vec![Fit::default(); LINE_COLUMNS.len()];
    for l in lines {
        let text = [
            (1, Some(&*l.sku)),
            (2, l.name.as_deref()),
            (3, l.category.as_deref()),
            (4, l.location.as_deref()),
            (12, l.binding_limit().map(|b| b.as_str())),
            (23, l.reason.map(|x| x.as_str())),
        ];
        for (c, v) in text {
            if let Some(v) = v {
                fits[c].text(v);
            }
        }
        if !l.flags.is_empty() {
            // The width of `flags.join(", ")`, without building the text.
            let (n, chars) = l
                .flags
                .iter()
                .fold((0, 0), |(n, c), f| (n + 1, c + f.as_str().chars().count()));
            let chars = chars + 2 * (n - 1);
            fits[22].chars = fits[22].chars.max(chars);
        }
        let numbers = [
            (5, l.quantity.get()),
            (6, l.sold.get()),
            (7, l.velocity_ratio.get()),
            (9, l.tier_discount_pct()),
            (10, l.discount_pct()),
            (11, l.max_discount_pct()),
            (13, l.price.get()),
            (14, l.live_price()),
            (15, l.cost.get()),
            (16, l.clearance_price()),
            (17, l.margin_pct.get()),
            (18, l.margin_after_pct()),
            (19, l.existing_discount_pct()),
            (20, l.projected_units_sold()),
            (21, l.stock_left_at_end()),
        ];
        for (c, v) in numbers {
            if let Some(v) = v {
                fits[c].number(v, LINE_COLUMNS[c].2);
            }
        }
    }
    fits[0].chars = lines.len().to_string().len();
    fits[8].chars = "moderate".len();
    fits
}

/// Header row with each column's width and number format: the width fits the header's longest
/// word and the widest value, between 6 characters and the column's cap; headers wrap.
fn header_row(
    ws: &mut Worksheet,
    names: &[(&str, f64, Kind)],
    fits: &[Fit],
    fm: &Formats,
) -> Result<(), XlsxError> {
    let mut wraps = false;
    for (c, (name, cap, kind)) in names.iter().enumerate() {
        let fit = fits.get(c).copied().unwrap_or_default();
        let word = name
            .split(' ')
            .map(|w| w.chars().count())
            .max()
            .unwrap_or(0);
        // Proportional fonts: a little over a character per character, plus the filter button.
        let width = (word.max(fit.chars) as f64 * 1.1 + 3.0).clamp(6.0, cap.max(6.0));
        wraps |= (name.chars().count() as f64 + 2.0) > width;
        ws.set_column_width(c as u16, width)?;
        let format = match kind {
            Kind::Text => None,
            Kind::Qty => Some(units_format(fit.decimals)),
            Kind::Ratio => Some(fm.ratio.clone()),
            Kind::Pct => Some(pct_format(fit.decimals)),
            Kind::Money => Some(fm.money.clone()),
        };
        if let Some(format) = format {
            ws.set_column_format(c as u16, &format)?;
        }
    }
    if wraps {
        ws.set_row_height(0, 30)?;
    }
    for (c, (name, _, _)) in names.iter().enumerate() {
        ws.text_with_format(0, c as u16, *name, &fm.header)?;
    }
    ws.set_freeze_panes(1, 0)?;
    // Printed (or saved as PDF) landscape, the header on every page.
    ws.set_landscape();
    ws.set_repeat_rows(0, 0)?;
    Ok(())
}

/// `#,##0`, `#,##0.0` or `#,##0.00`.
fn units_format(decimals: u32) -> Format {
    Format::new().set_num_format(super::with_decimals("#,##0", decimals as usize, ""))
}

/// `0%`, `0.0%` or `0.00%`.
fn pct_format(decimals: u32) -> Format {
    Format::new().set_num_format(super::with_decimals("0", decimals as usize, "%"))
}

/// A number in a column whose format was set by `header_row`.
fn num(ws: &mut Worksheet, r: u32, c: u16, v: Option<Decimal>) -> Result<(), XlsxError> {
    if let Some(v) = v {
        ws.write_number(r, c, f(v))?;
    }
    Ok(())
}

/// A percentage (the plan's 25) as the fraction a `%` format shows (0.25).
fn pct(ws: &mut Worksheet, r: u32, c: u16, v: Option<Decimal>) -> Result<(), XlsxError> {
    num(ws, r, c, v.map(as_fraction))
}

fn as_fraction(v: Decimal) -> Decimal {
    v.checked_div(Decimal::ONE_HUNDRED).unwrap_or_default()
}

fn opt_num(
    ws: &mut Worksheet,
    r: u32,
    c: u16,
    v: Option<Decimal>,
    fmt: &Format,
) -> Result<(), XlsxError> {
    if let Some(v) = v {
        ws.write_number_with_format(r, c, f(v), fmt)?;
    }
    Ok(())
}

fn opt_text(ws: &mut Worksheet, r: u32, c: u16, v: Option<&str>) -> Result<(), XlsxError> {
    if let Some(v) = v {
        // Always a string cell, never a formula, whatever the text starts with.
        ws.text(r, c, v)?;
    }
    Ok(())
}

/// One line's row. Its cells take their column's number format; the only formats it uses
/// itself are the class fills, which `line_sheets` registers before the rows are written on two
/// threads: a format added here must be registered there too, or two threads meeting it at once
/// could give it two indices (rust_xlsxwriter adds an unknown format without checking again).
fn line_row(
    ws: &mut Worksheet,
    r: u32,
    rank: Option<usize>,
    l: &PlanLine,
    fm: &Formats,
) -> Result<(), XlsxError> {
    if let Some(rank) = rank {
        ws.write_number(r, 0, rank as f64)?;
    }
    ws.text(r, 1, &l.sku)?;
    opt_text(ws, r, 2, l.name.as_deref())?;
    opt_text(ws, r, 3, l.category.as_deref())?;
    opt_text(ws, r, 4, l.location.as_deref())?;
    num(ws, r, 5, l.quantity.get())?;
    num(ws, r, 6, l.sold.get())?;
    num(ws, r, 7, l.velocity_ratio.get())?;
    match l.class {
        Some(Class::Severe) => ws.text_with_format(r, 8, "severe", &fm.severe)?,
        Some(Class::Moderate) => ws.text_with_format(r, 8, "moderate", &fm.moderate)?,
        Some(c) => ws.text(r, 8, c.as_str())?,
        None => ws,
    };
    pct(ws, r, 9, l.tier_discount_pct())?;
    pct(ws, r, 10, l.discount_pct())?;
    pct(ws, r, 11, l.max_discount_pct())?;
    opt_text(ws, r, 12, l.binding_limit().map(|b| b.as_str()))?;
    num(ws, r, 13, l.price.get())?;
    // A live markdown's price: the planned discount is taken off it.
    num(ws, r, 14, l.live_price())?;
    num(ws, r, 15, l.cost.get())?;
    num(ws, r, 16, l.clearance_price())?;
    pct(ws, r, 17, l.margin_pct.get())?;
    pct(ws, r, 18, l.margin_after_pct())?;
    pct(ws, r, 19, l.existing_discount_pct())?;
    num(ws, r, 20, l.projected_units_sold())?;
    num(ws, r, 21, l.stock_left_at_end())?;
    if !l.flags.is_empty() {
        ws.text(r, 22, l.flags.join(", "))?;
    }
    opt_text(ws, r, 23, l.reason.map(|x| x.as_str()))?;
    ws.text(r, 24, l.why())?;
    Ok(())
}

pub fn write_plan(plan: &Plan, target: &Path, path: &Path) -> Result<()> {
    build(plan, path).map_err(|e| Error::output(target, format!("cannot write the workbook: {e}")))
}

/// Lines per Plan or Skipped sheet: a sheet holds 1,048,576 rows; past this many lines the
/// list goes on in "Plan 2", "Plan 3", ... (ranks run on across them).
pub const LINES_PER_SHEET: usize = 1_000_000;

/// One sheet of lines: its header written, its rows not yet.
struct LineSheet<'a> {
    ws: Worksheet,
    lines: &'a [&'a PlanLine],
    /// The rank of its first line less one (`None`: no rank column).
    ranked_from: Option<usize>,
}

/// `lines` on sheets named `name`, `name 2`, ..., `per_sheet` lines each (one sheet, with its
/// header, when there are none); `numbered`: a rank column counting on across the sheets. Only
/// the headers are written here, on the calling thread, and every format a row uses is
/// registered after its sheet's header in the order the rows first use it: the workbook's
/// formats get the same indices whichever thread writes the rows first (`line_rows`).
fn line_sheets<'a>(
    wb: &mut Workbook,
    name: &str,
    lines: &'a [&'a PlanLine],
    numbered: bool,
    fm: &Formats,
    per_sheet: usize,
) -> Result<Vec<LineSheet<'a>>, XlsxError> {
    let per_sheet = per_sheet.max(1);
    let empty: &'a [&'a PlanLine] = &[];
    let chunks: Vec<&'a [&'a PlanLine]> = if lines.is_empty() {
        vec![empty]
    } else {
        lines.chunks(per_sheet).collect()
    };
    let mut sheets = Vec::with_capacity(chunks.len());
    for (k, chunk) in chunks.into_iter().enumerate() {
        let mut ws = wb.new_worksheet_with_constant_memory()?;
        if k == 0 {
            ws.set_name(name)?;
        } else {
            ws.set_name(format!("{name} {}", k + 1))?;
        }
        header_row(&mut ws, LINE_COLUMNS, &fit_lines(chunk), fm)?;
        // The class fills, in the order the rows first use them.
        let mut first = [None, None];
        for (at, class) in [Class::Severe, Class::Moderate].into_iter().enumerate() {
            first[at] = chunk.iter().position(|l| l.class == Some(class));
        }
        let mut fills = [(first[0], &fm.severe), (first[1], &fm.moderate)];
        fills.sort_by_key(|(at, _)| *at);
        for (_, format) in fills.iter().filter(|(at, _)| at.is_some()) {
            wb.register_format(format);
        }
        sheets.push(LineSheet {
            ws,
            lines: chunk,
            ranked_from: numbered.then_some(k * per_sheet),
        });
    }
    Ok(sheets)
}

/// The rows of sheets made by `line_sheets`, and their filters.
fn line_rows(sheets: &mut [LineSheet<'_>], fm: &Formats) -> Result<(), XlsxError> {
    for sheet in sheets {
        for (i, l) in sheet.lines.iter().enumerate() {
            let rank = sheet.ranked_from.map(|from| from + i + 1);
            line_row(&mut sheet.ws, i as u32 + 1, rank, l, fm)?;
        }
        sheet.ws.autofilter(
            0,
            0,
            sheet.lines.len().max(1) as u32,
            LINE_COLUMNS.len() as u16 - 1,
        )?;
    }
    Ok(())
}

fn build(plan: &Plan, path: &Path) -> Result<(), XlsxError> {
    build_with(plan, path, LINES_PER_SHEET)
}

fn build_with(plan: &Plan, path: &Path, per_sheet: usize) -> Result<(), XlsxError> {
    let fm = Formats::new();
    let mut wb = Workbook::new();
    // Level 1: the files are a few percent larger and written several times faster.
    wb.set_zip_compression_level(1);
    let planned: Vec<&PlanLine> = plan
        .lines
        .iter()
        .filter(|l| l.status == LineStatus::Planned)
        .collect();
    let attention: Vec<&PlanLine> = plan
        .lines
        .iter()
        .filter(|l| {
            l.status == LineStatus::Skipped && l.reason.is_some_and(|r| r.needs_attention())
        })
        .collect();

    // Summary first, so it opens on the overview.
    let summary = wb.add_worksheet();
    summary.set_name("Summary")?;
    write_summary(summary, plan, &fm)?;

    // The Plan and Skipped rows at once: the skipped lines that need attention are about a
    // seventh of a large plan's cells, written on another core while the planned ones are.
    let mut plan_sheets = line_sheets(&mut wb, "Plan", &planned, true, &fm, per_sheet)?;
    let skipped_sheets = std::sync::Mutex::new(line_sheets(
        &mut wb, "Skipped", &attention, false, &fm, per_sheet,
    )?);
    let skipped_rows = || match skipped_sheets.lock() {
        Ok(mut sheets) => line_rows(&mut sheets, &fm),
        Err(_) => Err(XlsxError::ParameterError("a sheet writer stopped".into())),
    };
    std::thread::scope(|scope| -> Result<(), XlsxError> {
        let skipped = std::thread::Builder::new()
            .spawn_scoped(scope, skipped_rows)
            .ok();
        let planned = line_rows(&mut plan_sheets, &fm);
        let skipped = match skipped {
            Some(job) => job.join().unwrap_or_else(|p| std::panic::resume_unwind(p)),
            // No thread to be had: the rows on this one.
            None => skipped_rows(),
        };
        planned.and(skipped)
    })?;
    let skipped_sheets = skipped_sheets
        .into_inner()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    for sheet in plan_sheets.into_iter().chain(skipped_sheets) {
        wb.push_worksheet(sheet.ws);
    }

    let ws = wb.add_worksheet_with_constant_memory()?;
    ws.set_name("Data issues")?;
    let cols = [
        ("File", 40.0, Kind::Text),
        ("Sheet", 20.0, Kind::Text),
        ("Row", 10.0, Kind::Qty),
        ("Column", 24.0, Kind::Text),
        ("Message", 100.0, Kind::Text),
    ];
    let mut fits = vec![Fit::default(); cols.len()];
    for w in &plan.warnings {
        fits[0].text(&w.file);
        fits[1].text(w.sheet.as_deref().unwrap_or_default());
        fits[2].chars = fits[2].chars.max(w.row.map_or(0, |r| r.to_string().len()));
        fits[3].text(w.column.as_deref().unwrap_or_default());
        fits[4].text(&w.message);
    }
    header_row(ws, &cols, &fits, &fm)?;
    // A sheet's rows at most: the rest are named in a last row (plan.json has them all).
    let shown = plan.warnings.len().min(LINES_PER_SHEET);
    for (i, w) in plan.warnings.iter().take(shown).enumerate() {
        let r = i as u32 + 1;
        ws.text(r, 0, &w.file)?;
        opt_text(ws, r, 1, w.sheet.as_deref())?;
        if let Some(row) = w.row {
            ws.write_number(r, 2, row as f64)?;
        }
        opt_text(ws, r, 3, w.column.as_deref())?;
        ws.text(r, 4, &w.message)?;
    }
    if plan.warnings.len() > shown {
        ws.text(
            shown as u32 + 1,
            4,
            format!(
                "... and {} more warnings; plan.json has them all",
                crate::grouped((plan.warnings.len() - shown) as u64)
            ),
        )?;
    }
    ws.autofilter(0, 0, shown.max(1) as u32, 4)?;

    if let Some(cx) = what_if::Context::of(plan) {
        let ws = wb.add_worksheet();
        ws.set_name(WHAT_IF_SHEET)?;
        write_what_if(ws, plan, &planned, &cx, &fm)?;
    }

    super::save_workbook(&mut wb, path)
}

/// The What-if sheet's name.
pub const WHAT_IF_SHEET: &str = "What-if";
/// How many lines the What-if sheet holds (those with the most capital), and how many of them
/// its chart draws.
const WHAT_IF_LINES: usize = 50;
const WHAT_IF_CHARTED: usize = 10;

/// The What-if sheet: the planned lines with the most capital, one row per line and depth (0%
/// and every step up to the line's maximum), and a chart of their projected sell-through by
/// depth. plan.json's `what_if` has every planned line.
fn write_what_if(
    ws: &mut Worksheet,
    plan: &Plan,
    planned: &[&PlanLine],
    cx: &what_if::Context,
    fm: &Formats,
) -> Result<(), XlsxError> {
    let mut top: Vec<&PlanLine> = planned
        .iter()
        .copied()
        .filter(|l| l.model.is_some())
        .collect();
    top.sort_by(|a, b| {
        b.capital()
            .cmp(&a.capital())
            .then_with(|| a.sku.cmp(&b.sku))
            .then_with(|| a.location.cmp(&b.location))
    });
    top.truncate(WHAT_IF_LINES);
    let horizon = match plan.forecast.as_ref().and_then(|f| f.exit.as_deref()) {
        Some(exit) => format!("by the exit date {exit}"),
        None => format!("over the campaign, to {}", plan.campaign.end),
    };
    let days = cx.days;
    let cols: [(&str, f64, Kind); 14] = [
        ("Rank", 8.0, Kind::Text),
        ("SKU", 24.0, Kind::Text),
        ("Name", 30.0, Kind::Text),
        ("Location", 12.0, Kind::Text),
        ("Capital", 14.0, Kind::Money),
        ("Depth", 8.0, Kind::Pct),
        ("Planned", 9.0, Kind::Text),
        ("Projected units", 12.0, Kind::Qty),
        ("Sell-through", 11.0, Kind::Pct),
        ("Price", 12.0, Kind::Money),
        ("Revenue", 14.0, Kind::Money),
        ("Gross margin", 14.0, Kind::Money),
        ("Markdown cost", 14.0, Kind::Money),
        ("Stock left", 12.0, Kind::Qty),
    ];
    let last_col = cols.len() as u16 - 1;
    // The notes span the table's width, wrapped (our own words: no input text).
    let note = Format::new().set_text_wrap().set_align(FormatAlign::Top);
    ws.merge_range(
        0,
        0,
        0,
        last_col,
        &format!(
            "What-if by depth for the {} planned line(s) with the most capital tied up (of {}): projected units {horizon} ({days} days, the as-of day included) at today's price (0%) and at every step up to each line's maximum discount. plan.json's what_if has every planned line.",
            top.len(),
            planned.len()
        ),
        &note,
    )?;
    ws.merge_range(
        1,
        0,
        1,
        last_col,
        "Depths beyond a line's maximum (cap, margin floor, existing discount, minimum advertised price) are not options and are left out. Revenue is at the price paid at each depth; gross margin is revenue less units at cost (blank without a cost). The chart draws the first 10 lines.",
        &note,
    )?;
    ws.set_row_height(0, 32)?;
    ws.set_row_height(1, 32)?;
    // The chart under the notes, the table under the chart: both in view when the sheet opens,
    // and printed on pages one wide.
    let chart_row = 2u32;
    let head = if top.is_empty() { 3u32 } else { 25u32 };
    let step_decimals = cx
        .depths
        .iter()
        .map(|d| d.normalize().scale().min(2))
        .max()
        .unwrap_or(0);
    for (c, (name, width, kind)) in cols.iter().enumerate() {
        let c = c as u16;
        ws.set_column_width(c, *width)?;
        let format = match kind {
            Kind::Money => Some(fm.money.clone()),
            Kind::Qty => Some(units_format(1)),
            Kind::Pct if *name == "Depth" => Some(pct_format(step_decimals)),
            Kind::Pct => Some(pct_format(1)),
            _ => None,
        };
        if let Some(format) = format {
            ws.set_column_format(c, &format)?;
        }
        ws.text_with_format(head, c, *name, &fm.header)?;
    }
    ws.set_row_height(head, 30)?;
    ws.set_landscape();
    ws.set_print_fit_to_pages(1, 0);
    ws.set_repeat_rows(head, head)?;
    let mut r = head;
    let mut rows = Vec::new();
    // The first and last row of each charted line.
    let mut spans: Vec<(u32, u32)> = Vec::new();
    for (i, l) in top.iter().enumerate() {
        let Some(m) = &l.model else { continue };
        what_if::rows(l, m, cx, &mut rows);
        let first = r + 1;
        let q = l.quantity.get().unwrap_or_default();
        for row in &rows {
            r += 1;
            ws.write_number(r, 0, (i + 1) as f64)?;
            ws.text(r, 1, &l.sku)?;
            opt_text(ws, r, 2, l.name.as_deref())?;
            opt_text(ws, r, 3, l.location.as_deref())?;
            ws.write_number(r, 4, f(l.capital()))?;
            pct(ws, r, 5, Some(row.depth))?;
            if Some(row.depth) == l.discount_pct() {
                ws.text(r, 6, "planned")?;
            }
            ws.write_number(r, 7, f(row.units))?;
            if q > Decimal::ZERO {
                ws.write_number(r, 8, f(row.units) / f(q))?;
            }
            ws.write_number(r, 9, f(row.price))?;
            ws.write_number(r, 10, f(row.revenue))?;
            num(ws, r, 11, row.gross_margin)?;
            ws.write_number(r, 12, f(row.markdown_cost))?;
            num(ws, r, 13, row.stock_left)?;
        }
        if i < WHAT_IF_CHARTED && r >= first {
            spans.push((first, r));
        }
    }
    ws.autofilter(head, 0, r.max(head + 1), cols.len() as u16 - 1)?;
    if !spans.is_empty() {
        let mut chart = Chart::new(ChartType::ScatterStraightWithMarkers);
        for (first, last) in &spans {
            // Named by the line's SKU cell: text from the inputs never becomes a formula.
            chart
                .add_series()
                .set_name((WHAT_IF_SHEET, *first, 1))
                .set_categories((WHAT_IF_SHEET, *first, 5, *last, 5))
                .set_values((WHAT_IF_SHEET, *first, 8, *last, 8));
        }
        chart.title().set_name(&format!(
            "Projected sell-through by depth ({} lines with the most capital)",
            spans.len()
        ));
        let deepest = cx.depths.last().copied().unwrap_or_default();
        chart
            .x_axis()
            .set_name("Depth")
            .set_num_format("0%")
            .set_min(0.0)
            .set_max(f(as_fraction(deepest)).max(0.01));
        chart
            .y_axis()
            .set_name(&format!("Sold {horizon}"))
            .set_num_format("0%");
        chart.set_width(900).set_height(420);
        ws.insert_chart(chart_row, 0, &chart)?;
    }
    Ok(())
}

fn write_summary(ws: &mut Worksheet, plan: &Plan, fm: &Formats) -> Result<(), XlsxError> {
    let s = &plan.summary;
    let bold = Format::new().set_bold();
    let longest_category = plan
        .lines
        .iter()
        .filter_map(|l| l.category.as_deref())
        .map(|c| c.chars().count())
        .max()
        .unwrap_or(0);
    ws.set_column_width(0, (longest_category.max(24) as f64 + 2.0).min(40.0))?;
    ws.set_column_width(1, 24.0)?;
    ws.set_column_width(2, 16.0)?;
    ws.text_with_format(
        0,
        0,
        "Clearance plan",
        &Format::new().set_bold().set_font_size(14),
    )?;
    let mut r = 2u32;
    ws.text_with_format(r, 0, "Plan id", &bold)?;
    ws.text(r, 1, &plan.plan_id)?;
    r += 1;
    ws.text_with_format(r, 0, "As of", &bold)?;
    match chrono::NaiveDate::parse_from_str(&plan.as_of, "%Y-%m-%d") {
        Ok(d) => {
            let d = super::excel_date(d)?;
            ws.write_datetime_with_format(r, 1, &d, &fm.date)?;
        }
        Err(_) => {
            ws.text(r, 1, &plan.as_of)?;
        }
    }
    r += 1;
    for (k, n) in [
        ("Lines", s.lines),
        ("Planned", s.planned),
        ("Skipped", s.skipped),
    ] {
        ws.text_with_format(r, 0, k, &bold)?;
        ws.write_number_with_format(r, 1, n as f64, &fm.qty_whole)?;
        r += 1;
    }
    for (k, v, fmt) in [
        (
            "Average discount",
            Some(as_fraction(s.avg_discount_pct)),
            &fm.pct,
        ),
        ("Stock value at cost", s.stock_value_at_cost, &fm.money),
        (
            "Capital in slow movers",
            s.capital_in_slow_movers,
            &fm.money,
        ),
        ("Planned markdown cost", s.planned_markdown_cost, &fm.money),
    ] {
        ws.text_with_format(r, 0, k, &bold)?;
        opt_num(ws, r, 1, v, fmt)?;
        r += 1;
    }
    // `--budget`: what the plan is projected to give away against it (rows only then).
    if let Some(budget) = plan.policy.budget {
        for (k, v) in [
            ("Markdown budget", Some(budget)),
            ("Projected markdown cost", s.projected_markdown_cost),
        ] {
            ws.text_with_format(r, 0, k, &bold)?;
            opt_num(ws, r, 1, v, &fm.money)?;
            r += 1;
        }
    }
    // Skipped lines by reason (not_slow and no_stock lines are counted here, listed in plan.csv).
    r += 1;
    ws.text_with_format(r, 0, "Skipped by reason", &fm.header)?;
    ws.text_with_format(r, 1, "Lines", &fm.header)?;
    r += 1;
    for (reason, n) in &s.skipped_by_reason {
        ws.text(r, 0, reason)?;
        ws.write_number(r, 1, *n as f64)?;
        r += 1;
    }

    // Stock value by class.
    r += 1;
    let class_top = r;
    ws.text_with_format(r, 0, "Class", &fm.header)?;
    ws.text_with_format(r, 1, "Lines", &fm.header)?;
    ws.text_with_format(r, 2, "Stock value", &fm.header)?;
    let mut value_by_class: BTreeMap<&str, Decimal> = BTreeMap::new();
    for l in &plan.lines {
        if let Some(c) = l.class {
            let v = value_by_class.entry(c.as_str()).or_default();
            *v = sat_add(*v, l.capital());
        }
    }
    for class in ["severe", "moderate", "balanced", "fast"] {
        r += 1;
        ws.text(r, 0, class)?;
        ws.write_number(r, 1, s.by_class.get(class).copied().unwrap_or(0) as f64)?;
        ws.write_number_with_format(
            r,
            2,
            f(value_by_class.get(class).copied().unwrap_or_default()),
            &fm.money,
        )?;
    }
    let class_bottom = r;

    // Capital in slow movers by category (top 15).
    r += 2;
    let cat_top = r;
    ws.text_with_format(r, 0, "Category", &fm.header)?;
    ws.text_with_format(r, 1, "Capital in slow movers", &fm.header)?;
    let mut by_cat: BTreeMap<String, Decimal> = BTreeMap::new();
    for l in plan
        .lines
        .iter()
        .filter(|l| l.class.is_some_and(Class::is_slow))
    {
        let cat = l.category.as_deref().unwrap_or("(none)").to_string();
        let v = by_cat.entry(cat).or_default();
        *v = sat_add(*v, l.capital());
    }
    let mut cats: Vec<(String, Decimal)> = by_cat.into_iter().collect();
    cats.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    cats.truncate(15);
    for (cat, v) in &cats {
        r += 1;
        ws.text(r, 0, cat)?;
        ws.write_number_with_format(r, 1, f(*v), &fm.money)?;
    }
    let cat_bottom = r;

    let mut chart = Chart::new(ChartType::Column);
    chart
        .add_series()
        .set_name("Stock value")
        .set_categories(("Summary", class_top + 1, 0, class_bottom, 0))
        .set_values(("Summary", class_top + 1, 2, class_bottom, 2));
    chart.title().set_name("Stock value by velocity class");
    chart.y_axis().set_num_format("#,##0");
    chart.legend().set_hidden();
    ws.insert_chart(2, 4, &chart)?;

    if !cats.is_empty() {
        let mut chart = Chart::new(ChartType::Bar);
        chart
            .add_series()
            .set_name("Capital in slow movers")
            .set_categories(("Summary", cat_top + 1, 0, cat_bottom, 0))
            .set_values(("Summary", cat_top + 1, 1, cat_bottom, 1));
        chart.title().set_name("Capital in slow movers by category");
        chart.x_axis().set_num_format("#,##0");
        chart.legend().set_hidden();
        ws.insert_chart(18, 4, &chart)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use calamine::Reader;
    use clap::Parser;

    /// A real plan of fixtures/basic.csv, as `clearance plan` builds it.
    fn basic_plan() -> Plan {
        let cli = crate::cli::Cli::try_parse_from([
            "clearance",
            "plan",
            "fixtures/basic.csv",
            "--as-of",
            "2026-11-22",
        ])
        .expect("arguments");
        let crate::cli::Command::Plan(args) = cli.command else {
            panic!("not a plan command");
        };
        let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 22).expect("date");
        let cfg = crate::config::resolve_plan(&args, today).expect("config");
        crate::planning::build_plan(&args, &cfg).expect("plan")
    }

    #[test]
    fn lines_past_a_sheet_s_rows_go_on_to_the_next_sheet() {
        let plan = basic_plan();
        let planned = plan
            .lines
            .iter()
            .filter(|l| l.status == LineStatus::Planned)
            .count();
        assert!(planned >= 3, "{planned} planned lines");
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("plan.xlsx");
        build_with(&plan, &path, 2).expect("workbook");
        let mut wb = calamine::open_workbook_auto(&path).expect("read back");
        let names = wb.sheet_names();
        let plan_sheets: Vec<&String> = names
            .iter()
            .filter(|n| *n == "Plan" || n.starts_with("Plan "))
            .collect();
        assert_eq!(plan_sheets.len(), planned.div_ceil(2), "{names:?}");
        // Every line once, in rank order, the rank counting on across the sheets.
        let mut ranks = Vec::new();
        for name in &plan_sheets {
            let range = wb.worksheet_range(name).expect("sheet");
            assert!(range.height() <= 3, "{name}: {} rows", range.height());
            for row in range.rows().skip(1) {
                ranks.push(row[0].to_string());
            }
        }
        let expected: Vec<String> = (1..=planned).map(|i| i.to_string()).collect();
        assert_eq!(ranks, expected);
    }
}
