//! The summary a person reads in the terminal: the top candidates and the totals.

use super::inert::terminal_cell;
use crate::model::num::{money, plain};
use crate::model::{Class, LineStatus, Plan};
use comfy_table::{Cell, CellAlignment, ContentArrangement, Table, presets};

/// How many planned lines the terminal table shows.
pub const TOP: usize = 20;

pub fn render(plan: &Plan, width: Option<u16>) -> String {
    let s = &plan.summary;
    let mut out = String::new();
    let planned: Vec<_> = plan
        .lines
        .iter()
        .filter(|l| l.status == LineStatus::Planned)
        .collect();
    let slow = s.by_class.get("severe").copied().unwrap_or(0)
        + s.by_class.get("moderate").copied().unwrap_or(0);
    if let Some(why) = crate::rules::nothing_classified(&plan.lines) {
        // Not an all-clear: nothing was measured.
        out.push_str(&format!(
            "Nothing could be classified, so this is not an all-clear: {}.\n",
            why.why
        ));
    } else if slow == 0 && plan.policy.request.is_none() {
        out.push_str("Inventory is balanced; no clearance needed.\n");
    } else if planned.is_empty() {
        out.push_str(&format!(
            "{slow} slow mover(s) found, none can be planned: {}.\n",
            limits_text(plan)
        ));
    } else {
        let mut t = Table::new();
        t.load_style(presets::UTF8_FULL_CONDENSED)
            .set_content_arrangement(ContentArrangement::Dynamic);
        if let Some(w) = width {
            t.set_width(w);
        }
        t.set_header(vec![
            "#",
            "SKU",
            "Name",
            "Class",
            "Sold/On hand",
            "Velocity",
            "Discount",
            "Price",
            "Clearance",
            "Limit",
        ]);
        for (i, l) in planned.iter().take(TOP).enumerate() {
            let right = |s: String| Cell::new(s).set_alignment(CellAlignment::Right);
            t.add_row(vec![
                right((i + 1).to_string()),
                Cell::new(terminal_cell(&display_key(l))),
                Cell::new(terminal_cell(l.name.as_deref().unwrap_or_default())),
                Cell::new(l.class.map(Class::as_str).unwrap_or("-")),
                right(format!(
                    "{}/{}",
                    l.sold.map(plain).unwrap_or_default(),
                    l.quantity.map(plain).unwrap_or_else(|| "?".into())
                )),
                right(
                    l.velocity_ratio
                        .map(|v| format!("{:.2}", crate::model::num::trunc(v, 2)))
                        .unwrap_or_default(),
                ),
                right(format!(
                    "{}%",
                    l.discount_pct.map(plain).unwrap_or_default()
                )),
                // The price the customer pays today (a live markdown's): the discount is off it.
                right(l.live_price.or(l.price).map(money).unwrap_or_default()),
                right(l.clearance_price.map(money).unwrap_or_default()),
                Cell::new(l.binding_limit.map(|b| b.as_str()).unwrap_or_default()),
            ]);
        }
        out.push_str(&t.to_string());
        out.push('\n');
        if planned.len() > TOP {
            out.push_str(&format!(
                "... and {} more planned line(s) in the plan files.\n",
                planned.len() - TOP
            ));
        }
    }
    out.push_str(&format!(
        "{} line(s): {} planned, {} skipped; average discount {}%",
        s.lines,
        s.planned,
        s.skipped,
        plain(s.avg_discount_pct)
    ));
    if let Some(c) = s.capital_in_slow_movers {
        out.push_str(&format!("; capital in slow movers {}", money(c)));
    }
    if let Some(m) = s.planned_markdown_cost {
        out.push_str(&format!("; planned markdown cost {}", money(m)));
    }
    out.push('\n');
    if !s.skipped_by_reason.is_empty() {
        let parts: Vec<String> = s
            .skipped_by_reason
            .iter()
            .map(|(r, n)| format!("{r} {n}"))
            .collect();
        out.push_str(&format!("Skipped: {}\n", parts.join(", ")));
    }
    out
}

fn display_key(l: &crate::model::PlanLine) -> String {
    l.key()
}

/// Which limits stopped the slow movers, e.g. "12 by the margin floor, 3 by stacking".
fn limits_text(plan: &Plan) -> String {
    let by = &plan.summary.skipped_by_reason;
    let mut parts = Vec::new();
    for (key, words) in [
        ("margin_floor", "by the margin floor"),
        ("stacking", "by existing discounts (stacking)"),
        ("below_min_discount", "below the minimum discount"),
        ("excluded", "excluded"),
    ] {
        if let Some(n) = by.get(key) {
            parts.push(format!("{n} {words}"));
        }
    }
    if parts.is_empty() {
        "see the skipped lines".into()
    } else {
        parts.join(", ")
    }
}
