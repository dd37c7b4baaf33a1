//! `upload-template.xlsx`: one row per planned line (at most `MAX_TEMPLATE_LINES`); grey locked columns with what the planner
//! computed, white unlocked columns a person edits (Include as a Y/N list, Discount % validated
//! between 0 and the row's maximum with an input message saying why, Promo qty, Display qty,
//! Note). The sheet is protected without a password; a hidden sheet holds the plan id, the
//! schema and a fingerprint of each row's locked values.
//!
//! A grey **Clearance price** column beside Discount % is an Excel formula of the row's Price
//! and Discount % (rounded down to the currency's minor unit, as the planner rounds), so it
//! updates while the person edits; its saved value is the planned discount's price. `validate`
//! and `apply` never read it: they recompute every price exactly (and apply the price endings
//! of clearance.toml, which the formula does not). Prices show as money (`#,##0.00`, or
//! `#,##0` for a currency without minor units), units as whole numbers, velocity with three
//! decimals, the percent columns as numbers of percent with one decimal.

use crate::campaign::template::{
    COLUMNS, Column, LockedValues, META_SHEET, PlanContext, SHEET, TEMPLATE_SCHEMA, projection,
    template_lines,
};
use crate::error::{Error, Result};
use crate::io::write::TextCells;
use crate::model::Plan;
use crate::rules::what_if;
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;
use rust_xlsxwriter::{
    Color, DataValidation, DataValidationRule, Format, FormatBorder, Formula, ProtectionOptions,
    Workbook, Worksheet, XlsxError,
};
use std::path::Path;

/// Write the template for `plan`, or a blank one (`plan` = None) for hand-made lists.
pub fn write_template(plan: Option<&Plan>, target: &Path, path: &Path) -> Result<()> {
    build(plan, path).map_err(|e| Error::output(target, format!("cannot write the template: {e}")))
}

fn f(d: Decimal) -> f64 {
    d.to_f64().unwrap_or(0.0)
}

fn build(plan: Option<&Plan>, path: &Path) -> Result<(), XlsxError> {
    let blank = plan.is_none();
    let mut wb = Workbook::new();
    // Level 1: the files are a few percent larger and written several times faster.
    wb.set_zip_compression_level(1);
    let header = Format::new()
        .set_bold()
        .set_text_wrap()
        .set_background_color(Color::RGB(0x1F4E78))
        .set_font_color(Color::White)
        .set_border(FormatBorder::Thin);
    let grey = Format::new()
        .set_background_color(Color::RGB(0xE7E6E6))
        .set_border(FormatBorder::Thin);
    let white = Format::new().set_unlocked().set_border(FormatBorder::Thin);
    let digits = plan.map_or(2, money_digits);
    let money = match digits {
        0 => "#,##0".to_string(),
        d => format!("#,##0.{}", "0".repeat(d as usize)),
    };
    // Units and percentages with the decimals their values have (a 19.25 maximum is shown
    // 19.25, never rounded to a figure the validation then refuses); the editable Discount %
    // shows what a person types, up to two decimals.
    // One pass over the plan: the most decimals each number column's values have (0 to 2).
    let mut most = [0usize; 6];
    if let Some(plan) = plan {
        let cx = PlanContext::new(plan);
        for l in template_lines(plan) {
            let (projected, left) = projection(l, &cx);
            let values = [
                l.quantity.get(),
                l.sold.get(),
                projected,
                left,
                l.discount_pct(),
                l.max_discount_pct(),
            ];
            for (m, v) in most.iter_mut().zip(values) {
                if let Some(v) = v {
                    *m = (*m).max(v.normalize().scale().min(2) as usize);
                }
            }
        }
    }
    let decimals = |col: Column| -> usize {
        let i = match col {
            Column::OnHand => 0,
            Column::Sold => 1,
            Column::Projected => 2,
            Column::LeftAtEnd => 3,
            Column::Suggested => 4,
            Column::Max => 5,
            _ => return 0,
        };
        most[i]
    };
    let with_decimals = |base: &str, n: usize| super::with_decimals(base, n, "");
    let number_format = |col: Column| -> Option<String> {
        match col {
            Column::Price | Column::ClearancePrice => Some(money.clone()),
            Column::OnHand | Column::Sold | Column::Projected | Column::LeftAtEnd => {
                Some(with_decimals("#,##0", decimals(col)))
            }
            Column::Velocity => Some("0.000".to_string()),
            Column::Suggested | Column::Max => Some(with_decimals("0", decimals(col))),
            Column::Discount => Some("0.0#".to_string()),
            _ => None,
        }
    };

    // Constant memory: a million-line catalog can plan hundreds of thousands of rows. Both
    // sheets are filled in the same pass (a row and its fingerprint), then added in order.
    let mut sheet = wb.new_worksheet_with_constant_memory()?;
    let mut meta = wb.new_worksheet_with_constant_memory()?;
    let ws = &mut sheet;
    ws.set_name(SHEET)?;
    // Column formats (grey and locked, or white and unlocked) reach every cell written without
    // a format of its own and every empty cell: cheaper than a format per cell, and the rows
    // below the plan's stay editable where the columns are white.
    let endings = plan.is_some_and(|p| !p.policy.price_endings.is_empty());
    for col in COLUMNS {
        let c = col.index() as u16;
        ws.set_column_width(c, col.width())?;
        let base = if col.editable(blank) { &white } else { &grey };
        let format = match number_format(col) {
            Some(f) => base.clone().set_num_format(f.as_str()),
            None => base.clone(),
        };
        ws.set_column_format(c, &format)?;
        let name = match col {
            Column::ClearancePrice if endings => "Clearance price before endings",
            _ => col.header(),
        };
        ws.text_with_format(0, c, name, &header)?;
    }
    // The demand model's columns, after the others (validate and apply never read them): the
    // line's rate and elasticity (grey, locked), and the units projected over the horizon and
    // the stock left, Excel formulas of the Discount %.
    let model = plan.and_then(|p| what_if::Context::of(p).map(|cx| (p, cx)));
    let first_model = COLUMNS.len() as u16;
    if let Some((plan, _)) = &model {
        let end = &plan.campaign.end;
        // Wide enough for the dated headers on two lines (the header row is two lines high).
        let names = [
            ("Rate/day".to_string(), "0.0000", 10.0),
            ("Elasticity".to_string(), "0.00", 10.0),
            (format!("Projected sold by {end}"), "#,##0.0", 17.0),
            (format!("Stock left at {end}"), "#,##0.0", 14.0),
        ];
        for (i, (name, number, width)) in names.iter().enumerate() {
            let c = first_model + i as u16;
            ws.set_column_width(c, *width)?;
            ws.set_column_format(c, &grey.clone().set_num_format(*number))?;
            ws.text_with_format(0, c, name, &header)?;
        }
    }
    ws.set_row_height(0, 30)?;
    ws.set_freeze_panes(1, 2)?;

    meta.set_name(META_SHEET)?;
    meta.text(0, 0, "plan_id")?;
    meta.text(0, 1, plan.map(|p| p.plan_id.as_str()).unwrap_or(""))?;
    meta.text(1, 0, "schema")?;
    meta.text(1, 1, TEMPLATE_SCHEMA)?;
    meta.text(2, 0, "as_of")?;
    meta.text(2, 1, plan.map(|p| p.as_of.as_str()).unwrap_or(""))?;
    meta.text(3, 0, "key")?;
    meta.text(3, 1, "fingerprint")?;

    let mut rows = 0u32;
    if let Some(plan) = plan {
        let cx = PlanContext::new(plan);
        let letters = crate::io::read::table::column_letters;
        let (p, d, inc) = (
            letters(Column::Price.index()),
            letters(Column::Discount.index()),
            letters(Column::Include.index()),
        );
        let model_letters = ModelLetters::new(first_model);
        for line in template_lines(plan) {
            rows += 1;
            let r = rows;
            let locked = LockedValues::with(line, &cx);
            write_locked(ws, r, &locked)?;
            ws.text(r, Column::Include.index() as u16, "Y")?;
            let suggested = line.discount_pct().unwrap_or_default();
            ws.write_number(r, Column::Discount.index() as u16, f(suggested))?;
            // The price the row's Discount % gives, recomputed by Excel as it is edited.
            let line_digits = crate::rules::minor_unit_digits(
                line.currency().or(plan.policy.currency.as_deref()),
            );
            let n = r + 1;
            let mut formula = Formula::new(format!(
                "IF(OR({p}{n}=\"\",{d}{n}=\"\",UPPER(TRIM({inc}{n}))=\"N\"),\"\",ROUNDDOWN({p}{n}*(1-{d}{n}/100),{line_digits}))"
            ));
            if let Some(base) = locked.price {
                let cached = crate::rules::clearance_price(base, suggested, line_digits);
                formula = formula.set_result(cached.to_string());
            }
            // Written without a format of its own, the cell takes its column's: grey, locked,
            // money (the same style a format on the cell gave; no Format hashed per cell).
            ws.write_formula(r, Column::ClearancePrice.index() as u16, formula)?;
            if let (Some((_, cx)), Some(m)) = (&model, &line.model) {
                write_model(ws, r, first_model, line, m, cx, &model_letters)?;
            }
            // Empty white cells written too, so every reader (not only Excel) sees them unlocked:
            // the three side by side in one call (one Format lookup, not one per cell), after
            // the row's other cells (a constant-memory sheet holds only the row being written).
            let (promo, note) = (Column::PromoQty.index(), Column::Note.index());
            debug_assert_eq!(
                (Column::DisplayQty.index(), note),
                (promo + 1, promo + 2),
                "the white columns are side by side"
            );
            ws.set_range_format(r, promo as u16, r, note as u16, &white)?;
            meta.text(r + 3, 0, line.key())?;
            meta.text(r + 3, 1, locked.fingerprint())?;
        }
    }
    // Room for hand-added rows (STOCK-M: add items at the bottom, fill the white columns): the
    // white columns are white all the way down; SKU and Location are made white here too.
    let extra = if blank { 500 } else { 50 };
    if !blank {
        for r in rows + 1..=rows + extra {
            for col in [Column::Sku, Column::Location] {
                ws.write_blank(r, col.index() as u16, &white)?;
            }
        }
    }
    let last = rows + extra;
    let yn = DataValidation::new()
        .allow_list_strings(&["Y", "N"])?
        .set_input_title("Include")?
        .set_input_message("Y to include the line in the campaign, N to leave it out.")?;
    let inc = Column::Include.index() as u16;
    ws.add_data_validation(1, inc, last.max(1), inc, &yn)?;
    // One rule for the whole column: 0 to the row's own Max % (a relative reference), so the
    // file stays small however many rows the plan has.
    let c = Column::Discount.index() as u16;
    let dv = if blank {
        DataValidation::new()
            .allow_decimal_number(DataValidationRule::Between(0.0, 100.0))
            .set_input_title("Discount %")?
            .set_input_message("The discount in percent; validate checks it against the plan's maximum for the sku.")?
    } else {
        let max_col = crate::io::read::table::column_letters(Column::Max.index());
        DataValidation::new()
            .allow_decimal_number_formula(DataValidationRule::Between(
                Formula::new("0"),
                // A hand-added row has no Max %: allow up to 100 there, validate checks the plan's.
                Formula::new(format!("IF(${max_col}2=\"\",100,${max_col}2)")),
            ))
            .set_input_title("Discount %")?
            .set_input_message(
                "From 0 to this row's Max %: the deepest discount the cap, the margin floor and any discount already running allow. \"Max set by\" says which one sets it.",
            )?
            .set_error_title("Discount above the maximum")?
            .set_error_message("Enter a discount from 0 to this row's Max % (see \"Max set by\").")?
    };
    ws.add_data_validation(1, c, last.max(1), c, &dv)?;
    for col in [Column::PromoQty, Column::DisplayQty] {
        let c = col.index() as u16;
        let dv = DataValidation::new()
            .allow_decimal_number(DataValidationRule::GreaterThanOrEqualTo(0.0));
        ws.add_data_validation(1, c, last, c, &dv)?;
    }
    let options = ProtectionOptions {
        format_columns: true,
        format_rows: true,
        use_autofilter: true,
        sort: true,
        ..ProtectionOptions::default()
    };
    ws.protect_with_options(&options);

    meta.set_hidden(true);
    meta.protect();
    wb.push_worksheet(sheet);
    wb.push_worksheet(meta);
    super::save_workbook(&mut wb, path)
}

/// The minor-unit digits of the plan's money: 0 when every line's currency has none (JPY),
/// else 2 (the formula rounds down to them, as the planner does per line).
fn money_digits(plan: &Plan) -> u32 {
    let fallback = plan.policy.currency.as_deref();
    let mut lines = template_lines(plan).peekable();
    if lines.peek().is_none() {
        return crate::rules::minor_unit_digits(fallback);
    }
    lines
        .map(|l| crate::rules::minor_unit_digits(l.currency().or(fallback)))
        .max()
        .unwrap_or(2)
}

/// A row's model columns: rate and elasticity as numbers, then the projected units and the
/// stock left as formulas of the row's Discount %, On hand and Include, saved with their values
/// at the planned discount (what plan.json's `what_if` says there).
fn write_model(
    ws: &mut Worksheet,
    r: u32,
    first: u16,
    line: &crate::model::PlanLine,
    m: &crate::model::LineModel,
    cx: &what_if::Context,
    letters: &ModelLetters,
) -> Result<(), XlsxError> {
    let n = r + 1;
    let ModelLetters {
        rate,
        e,
        projected,
        q,
        d,
        inc,
    } = letters;
    if m.rate.is_finite() {
        ws.write_number(r, first, m.rate)?;
    }
    if m.elasticity.is_finite() {
        ws.write_number(r, first + 1, m.elasticity)?;
    }
    // The model's formula (docs/forecast.md): rate × days × (1 − d)^e, d from 0 to 99%, at
    // most the stock on hand, to a tenth; blank for an excluded row or one without stock.
    let days = cx.days;
    // Include read as validate reads it (trimmed, any case); a Discount that is not a number
    // (an error for validate) projects nothing rather than 0%.
    let mut sold = Formula::new(format!(
        "IF(OR(UPPER(TRIM({inc}{n}))=\"N\",{q}{n}=\"\",{rate}{n}=\"\",AND({d}{n}<>\"\",ISERROR({d}{n}*1))),\"\",MIN({q}{n},ROUND({rate}{n}*{days}*(1-MIN(MAX(N({d}{n})+IF(ISTEXT({d}{n}),{d}{n}*1,0),0),99)/100)^{e}{n},1)))"
    ));
    // Blank exactly when the projection is.
    let mut left = Formula::new(format!(
        "IF({projected}{n}=\"\",\"\",{q}{n}-{projected}{n})"
    ));
    if let Some(quantity) = line.quantity.get() {
        let at = what_if::units_at(m, line.discount_pct().unwrap_or_default(), days, quantity);
        sold = sold.set_result(at.to_string());
        left = left.set_result((quantity - at).to_string());
    }
    // No format per cell: the column's (grey, locked, `#,##0.0`) applies.
    ws.write_formula(r, first + 2, sold)?;
    ws.write_formula(r, first + 3, left)?;
    Ok(())
}

/// The column letters the model's formulas refer to, worked out once for every row.
struct ModelLetters {
    rate: String,
    e: String,
    projected: String,
    q: String,
    d: String,
    inc: String,
}

impl ModelLetters {
    fn new(first: u16) -> ModelLetters {
        let letters = crate::io::read::table::column_letters;
        let first = first as usize;
        ModelLetters {
            rate: letters(first),
            e: letters(first + 1),
            projected: letters(first + 2),
            q: letters(Column::OnHand.index()),
            d: letters(Column::Discount.index()),
            inc: letters(Column::Include.index()),
        }
    }
}

fn write_locked(ws: &mut Worksheet, r: u32, v: &LockedValues) -> Result<(), XlsxError> {
    for col in COLUMNS.iter().filter(|c| c.locked()) {
        let c = col.index() as u16;
        let number = match col {
            Column::OnHand => v.on_hand,
            Column::Sold => v.sold,
            Column::Velocity => v.velocity,
            Column::Price => v.price,
            Column::Suggested => v.suggested,
            Column::Max => v.max,
            Column::Projected => v.projected,
            Column::LeftAtEnd => v.left_at_end,
            _ => None,
        };
        match number {
            Some(n) => {
                ws.write_number(r, c, f(n))?;
            }
            // Always a string cell: text from the inputs never becomes a formula.
            None => {
                if let Some(t) = v.label(*col) {
                    ws.text(r, c, t)?;
                }
            }
        }
    }
    Ok(())
}
