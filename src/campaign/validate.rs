//! The checks `validate` runs on an edited template against its plan (SPEC section 5). Every
//! problem is collected, not only the first.

use super::template::{
    COLUMNS, Column, LockedValues, META_SHEET, PlanContext, TEMPLATE_SCHEMA, key, max_reason,
};
use crate::io::read::number::{decimal_from_f64, parse_number};
use crate::io::read::table::Cell;
use crate::io::read::template::{TemplateFile, TemplateRow};
use crate::model::num::plain;
use crate::model::{LineStatus, Plan, PlanLine};
use rust_decimal::Decimal;
use serde::Serialize;
use std::collections::HashMap;

/// One problem, located by cell.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Problem {
    /// `Template!O14`
    pub cell: String,
    pub row: usize,
    /// The template column's header.
    pub column: String,
    pub sku: Option<String>,
    /// What is wrong and what is allowed.
    pub message: String,
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.cell, self.message)
    }
}

/// A template row as the merchandiser left it, matched to its plan line.
#[derive(Debug, Clone)]
pub struct EditedLine {
    pub line: PlanLine,
    pub row: usize,
    pub include: bool,
    pub discount_pct: Decimal,
    pub promo_qty: Option<Decimal>,
    pub display_qty: Option<Decimal>,
    pub note: Option<String>,
}

enum Num {
    Empty,
    Value(Decimal),
    Bad(String),
}

fn number(cell: &Cell) -> Num {
    match cell {
        Cell::Empty => Num::Empty,
        Cell::Number(f) => decimal_from_f64(*f)
            .map(Num::Value)
            .unwrap_or_else(|_| Num::Bad(format!("{f}"))),
        // A Discount % cell formatted as a percentage: 7% is stored 0.07 and reads 7.
        Cell::Percent(f) => crate::io::read::table::percent_shown(*f)
            .map(Num::Value)
            .unwrap_or_else(|| Num::Bad(format!("{f}"))),
        Cell::Text(s) if s.trim().is_empty() => Num::Empty,
        Cell::Text(s) => match parse_number(s, s.contains(',') && !s.contains('.')) {
            Ok(Some(d)) => Num::Value(d),
            Ok(None) => Num::Empty,
            Err(_) => Num::Bad(s.trim().to_string()),
        },
        other => Num::Bad(other.text().unwrap_or_default()),
    }
}

/// Check the template; return every problem and the rows as edited.
pub fn check(plan: &Plan, file: &TemplateFile) -> (Vec<Problem>, Vec<EditedLine>) {
    let mut problems = Vec::new();
    let mut edited = Vec::new();
    let mut at = |row: usize, col: Column, sku: Option<&str>, message: String| Problem {
        cell: file.cell_name(row, col),
        row,
        column: col.header().to_string(),
        sku: sku.map(str::to_string),
        message,
    };
    if let Some(meta) = &file.meta {
        let id = meta.plan_id.as_deref().unwrap_or("");
        if !id.is_empty() && id != plan.plan_id {
            problems.push(Problem {
                cell: format!("{}!B1", super::template::META_SHEET),
                row: 1,
                column: "plan_id".into(),
                sku: None,
                message: format!(
                    "template from another plan (its plan id is {id}, this plan's is {}); make a new template with `clearance template --plan` for this plan",
                    plan.plan_id
                ),
            });
        }
        if meta.schema.as_deref().is_some_and(|s| s != TEMPLATE_SCHEMA) {
            problems.push(Problem {
                cell: format!("{}!B2", super::template::META_SHEET),
                row: 2,
                column: "schema".into(),
                sku: None,
                message: format!("template schema is not {TEMPLATE_SCHEMA}"),
            });
        }
    }

    // The hidden sheet's fingerprints, checked against this plan's lines when the sheet says it
    // is this plan's: a fingerprint that differs means the hidden sheet was edited.
    let fingerprints = file
        .meta
        .as_ref()
        .filter(|m| m.plan_id.as_deref() == Some(plan.plan_id.as_str()))
        .map(|m| &m.fingerprints);
    let cx = PlanContext::new(plan);

    let by_key: HashMap<String, &PlanLine> = plan.lines.iter().map(|l| (l.key(), l)).collect();
    let mut seen: HashMap<String, usize> = HashMap::new();
    // The plan's skus, for the hint on a row without a location (built at the first such row).
    let mut skus: Option<std::collections::HashSet<&str>> = None;
    for row in &file.rows {
        let r = row.row;
        let Some(sku) = row.text(Column::Sku) else {
            problems.push(at(
                r,
                Column::Sku,
                None,
                "the row has no sku (fill in SKU, or clear the row)".into(),
            ));
            continue;
        };
        let location = row.text(Column::Location);
        let k = key(&sku, location.as_deref());
        // A duplicate row is reported, and checked like any other row so that all its problems
        // are listed at once; only the first row of a sku and location is kept.
        let duplicate = match seen.get(&k) {
            Some(first) => {
                problems.push(at(r, Column::Sku, Some(&sku), format!("duplicate row: {k} is already on row {first} (keep one row per sku and location)")));
                true
            }
            None => {
                seen.insert(k.clone(), r);
                false
            }
        };
        let Some(line) = by_key.get(&k).copied() else {
            let hint = if location.is_none()
                && skus
                    .get_or_insert_with(|| plan.lines.iter().map(|l| &*l.sku).collect())
                    .contains(sku.trim())
            {
                " without a location; the plan has it per location, fill in Location"
            } else {
                " (not in the plan; only skus of the plan can be uploaded)"
            };
            problems.push(at(
                r,
                Column::Sku,
                Some(&sku),
                format!("unknown sku {k}{hint}"),
            ));
            continue;
        };
        if line.status != LineStatus::Planned {
            let reason = line.reason.map(|x| x.as_str()).unwrap_or("skipped");
            problems.push(at(
                r,
                Column::Sku,
                Some(&sku),
                format!("sku {k} is not a clearance candidate in the plan (skipped: {reason})"),
            ));
            continue;
        }
        if let Some(stored) = fingerprints.and_then(|f| f.get(&k)) {
            let want = LockedValues::with(line, &cx).fingerprint();
            if *stored != want {
                problems.push(at(
                    r,
                    Column::Sku,
                    Some(&sku),
                    format!("the hidden {META_SHEET} sheet's fingerprint of {k} is {stored}, this plan's is {want}: the hidden sheet was edited; make a new template with `clearance template --plan` for this plan"),
                ));
            }
        }
        locked_changes(row, line, plan, &mut problems, &mut at, &sku);
        if let Some(e) = editable(row, line, plan, &mut problems, &mut at, &sku)
            && !duplicate
        {
            edited.push(e);
        }
    }
    problems.sort_by_key(|p| p.row);
    (problems, edited)
}

fn locked_changes(
    row: &TemplateRow,
    line: &PlanLine,
    plan: &Plan,
    problems: &mut Vec<Problem>,
    at: &mut impl FnMut(usize, Column, Option<&str>, String) -> Problem,
    sku: &str,
) {
    let expected = LockedValues::of(line, plan);
    for col in COLUMNS
        .iter()
        .filter(|c| c.locked() && !matches!(c, Column::Sku | Column::Location))
    {
        let cell = row.cell(*col);
        if cell.is_empty() {
            continue; // a hand-added row leaves the grey columns empty
        }
        let want = expected.text(*col);
        if !same_value(cell, want.as_deref()) {
            problems.push(at(
                row.row,
                *col,
                Some(sku),
                format!(
                    "locked value changed: {} is \"{}\", the plan says \"{}\" (grey columns come from the plan; edit only the white ones)",
                    col.header(),
                    cell.text().unwrap_or_default(),
                    want.unwrap_or_default()
                ),
            ));
        }
    }
}

/// A locked cell holds the value the plan wrote there (`want`, as `LockedValues::text` gives
/// it): a number within Excel's float round trip, text as written (cut to Excel's cell limit).
fn same_value(cell: &Cell, want: Option<&str>) -> bool {
    match (number(cell), want.and_then(|w| w.parse::<Decimal>().ok())) {
        (Num::Value(got), Some(w)) => (got - w).abs() < Decimal::new(5, 5),
        _ => {
            cell.text().map(|t| t.trim().to_string())
                == want.map(|w| crate::io::write::excel_text(w).trim().to_string())
        }
    }
}

/// A workbook template whose hidden sheet was deleted: refused (65), since the plan id and the
/// fingerprints that tie it to its plan are gone, unless every row's locked values are exactly
/// the ones its fingerprint in this plan is made of (each locked column as
/// `LockedValues::text` gives it, empty where the plan has no value); then it is accepted with
/// the warning returned (its file is the template, `shown`). `None` for a template with its
/// hidden sheet, and for CSV.
pub fn missing_hidden_sheet(
    plan: &Plan,
    file: &TemplateFile,
    shown: &str,
) -> crate::error::Result<Option<String>> {
    if !file.meta_missing {
        return Ok(None);
    }
    let cx = PlanContext::new(plan);
    let by_key: HashMap<String, &PlanLine> = plan.lines.iter().map(|l| (l.key(), l)).collect();
    let mismatch = file.rows.iter().find_map(|row| {
        let Some(sku) = row.text(Column::Sku) else {
            return Some((row.row, "has no sku".to_string()));
        };
        let k = key(&sku, row.text(Column::Location).as_deref());
        let Some(line) = by_key.get(&k) else {
            return Some((row.row, format!("{k} is not in the plan")));
        };
        let want = LockedValues::with(line, &cx);
        COLUMNS
            .iter()
            .filter(|c| c.locked() && !matches!(c, Column::Sku | Column::Location))
            .find(|col| {
                let w = want.text(**col).filter(|w| !w.is_empty());
                let cell = row.cell(**col);
                if cell.is_empty() {
                    w.is_some()
                } else {
                    !same_value(cell, w.as_deref())
                }
            })
            .map(|col| (row.row, format!("{k}'s {} is not the plan's", col.header())))
    });
    let missing = format!(
        "the template's hidden {META_SHEET} sheet is missing: it holds the plan id and the fingerprints of the rows that tie the template to its plan"
    );
    match (file.rows.is_empty(), mismatch) {
        (true, _) => Err(crate::error::Error::Data(format!(
            "{shown}: {missing}, and the template has no row to check against the plan; make a new template with `clearance template --plan`"
        ))),
        (false, Some((r, why))) => Err(crate::error::Error::Data(format!(
            "{shown}: {missing}, and row {r} does not match this plan's fingerprint ({why}); make a new template with `clearance template --plan` and copy your edits into it"
        ))),
        (false, None) => Ok(Some(format!(
            "{missing}; accepted because the locked values of all {} row(s) match this plan's fingerprints",
            file.rows.len()
        ))),
    }
}

fn editable(
    row: &TemplateRow,
    line: &PlanLine,
    plan: &Plan,
    problems: &mut Vec<Problem>,
    at: &mut impl FnMut(usize, Column, Option<&str>, String) -> Problem,
    sku: &str,
) -> Option<EditedLine> {
    let r = row.row;
    let before = problems.len();
    let include = match row.text(Column::Include).map(|s| s.trim().to_string()) {
        Some(s) if s.eq_ignore_ascii_case("Y") => true,
        Some(s) if s.eq_ignore_ascii_case("N") => false,
        Some(other) => {
            problems.push(at(
                r,
                Column::Include,
                Some(sku),
                format!("Include \"{other}\" is not Y or N (Y or N)"),
            ));
            false
        }
        None => {
            problems.push(at(
                r,
                Column::Include,
                Some(sku),
                "Include is empty (Y or N)".into(),
            ));
            false
        }
    };
    let max = line.max_discount_pct().unwrap_or_default();
    let discount = match number(row.cell(Column::Discount)) {
        Num::Value(d) if d < Decimal::ZERO => {
            problems.push(at(
                r,
                Column::Discount,
                Some(sku),
                format!(
                    "discount {}% is below 0 (0 to {}% allowed)",
                    plain(d),
                    plain(max)
                ),
            ));
            Decimal::ZERO
        }
        // Typing "20%" into an Excel cell stores 0.2: never read that as 0.2 percent.
        Num::Value(d) if d > Decimal::ZERO && d < Decimal::ONE => {
            problems.push(at(
                r,
                Column::Discount,
                Some(sku),
                format!(
                    "discount {}% is below 1%; if you typed it with a % sign Excel stored a fraction: type the number of percent, e.g. {} (0 to {}% allowed)",
                    plain(d),
                    plain(d * Decimal::ONE_HUNDRED),
                    plain(max)
                ),
            ));
            d
        }
        Num::Value(d) if d > max => {
            problems.push(at(
                r,
                Column::Discount,
                Some(sku),
                format!(
                    "discount {}% is above the allowed {}% for sku {} ({})",
                    plain(d),
                    plain(max),
                    line.key(),
                    max_reason(line, plan)
                ),
            ));
            d
        }
        Num::Value(d) => d,
        Num::Empty if !include => Decimal::ZERO,
        Num::Empty => {
            problems.push(at(
                r,
                Column::Discount,
                Some(sku),
                format!("Discount % is empty (a number from 0 to {}%)", plain(max)),
            ));
            Decimal::ZERO
        }
        Num::Bad(text) => {
            problems.push(at(
                r,
                Column::Discount,
                Some(sku),
                format!(
                    "\"{text}\" is not a number (a discount from 0 to {}%)",
                    plain(max)
                ),
            ));
            Decimal::ZERO
        }
    };
    let mut qty = |col: Column| match number(row.cell(col)) {
        Num::Empty => None,
        Num::Value(q) if q >= Decimal::ZERO => Some(q),
        Num::Value(q) => {
            problems.push(at(
                r,
                col,
                Some(sku),
                format!(
                    "{} {} is below 0 (a quantity of 0 or more)",
                    col.header(),
                    plain(q)
                ),
            ));
            None
        }
        Num::Bad(text) => {
            problems.push(at(
                r,
                col,
                Some(sku),
                format!(
                    "\"{text}\" is not a number ({} is a quantity of 0 or more)",
                    col.header()
                ),
            ));
            None
        }
    };
    let promo_qty = qty(Column::PromoQty);
    let display_qty = qty(Column::DisplayQty);
    (problems.len() == before).then(|| EditedLine {
        line: line.clone(),
        row: r,
        include,
        discount_pct: discount,
        promo_qty,
        display_qty,
        note: row.text(Column::Note),
    })
}

/// A plan made with `--budget` whose edited template gives away more than the budget: the
/// projected markdown cost of the included lines at their edited depths (the model's units at
/// that depth over the plan's horizon × (today's price − the clearance price apply will set)),
/// beside the budget and the plan's own figure. `None` without a budget, or within it.
#[derive(Debug, Clone, PartialEq)]
pub struct OverBudget {
    pub cost: Decimal,
    pub budget: Decimal,
    pub planned: Option<Decimal>,
    /// Included lines with a discount whose projection is unknown (no model figures in the
    /// plan): not counted.
    pub unknown: usize,
}

impl OverBudget {
    pub fn message(&self) -> String {
        let planned = self
            .planned
            .map(|p| format!(" (the plan as written: {})", crate::model::num::money(p)))
            .unwrap_or_default();
        let unknown = match self.unknown {
            0 => String::new(),
            n => format!("; {n} line(s) without a projection are not counted"),
        };
        format!(
            "the edited discounts give away a projected {} in markdown, more than the plan's {} budget{planned}{unknown}; the budget holds only for the plan as written",
            crate::model::num::money(self.cost),
            crate::model::num::money(self.budget)
        )
    }
}

/// See [`OverBudget`].
pub fn over_budget(plan: &Plan, edited: &[EditedLine]) -> Option<OverBudget> {
    use crate::rules::{clearance_price, minor_unit_digits, what_if};
    let budget = plan.policy.budget?;
    let days = f64::from(plan.forecast.as_ref()?.days);
    let mut cost = Decimal::ZERO;
    let mut unknown = 0;
    for e in edited
        .iter()
        .filter(|e| e.include && e.discount_pct > Decimal::ZERO)
    {
        let l = &e.line;
        let (Some(m), Some(price)) = (&l.model, l.price.get()) else {
            unknown += 1;
            continue;
        };
        let digits = minor_unit_digits(l.currency().or(plan.policy.currency.as_deref()));
        let base = l.live_price().unwrap_or(price);
        // The price apply sets: the plan's own at the planned depth, else rule 8's.
        let cp = match (l.discount_pct(), l.clearance_price()) {
            (Some(d), Some(cp)) if d == e.discount_pct => cp,
            _ => clearance_price(base, e.discount_pct, digits),
        };
        let units = what_if::units_at(
            m,
            e.discount_pct,
            days,
            l.quantity.get().unwrap_or(Decimal::MAX),
        );
        let line_cost = (base - cp)
            .max(Decimal::ZERO)
            .checked_mul(units)
            .unwrap_or(Decimal::MAX)
            .round_dp_with_strategy(digits, rust_decimal::RoundingStrategy::MidpointAwayFromZero);
        cost = cost.checked_add(line_cost).unwrap_or(Decimal::MAX);
    }
    (cost > budget).then_some(OverBudget {
        cost,
        budget,
        planned: plan.summary.projected_markdown_cost,
        unknown,
    })
}
