//! The summary a person reads in the terminal: the top candidates and the totals.

use super::fit::{self, Column};
use super::inert::terminal_cell;
use crate::model::num::{money, plain};
use crate::model::{Class, Flag, LineStatus, Plan, PlanLine};

/// How many planned lines the terminal table shows.
pub const TOP: usize = 20;

/// The summary for a terminal `width` columns wide (`None`: no limit; see `fit` for what gives
/// way when the table is too wide).
pub fn render(plan: &Plan, width: Option<usize>) -> String {
    let s = &plan.summary;
    // The table, then the prose under it (wrapped at spaces to the width).
    let mut table = String::new();
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
        let shown: Vec<_> = planned.iter().take(TOP).collect();
        let fitted = fit::render(&columns(&shown), width);
        table.push_str(&fitted.text);
        table.push('\n');
        if !fitted.left_out.is_empty() {
            out.push_str(&format!(
                "Columns left out at this width: {}; plan.csv has every column.\n",
                fitted.left_out.join(", ")
            ));
        }
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
    if let Some(f) = &plan.forecast
        && let (Some(pct), Some(exit)) = (f.target_sellthrough_pct, f.exit.as_deref())
    {
        let short = plan
            .lines
            .iter()
            .filter(|l| l.flags.contains(Flag::TargetNotReached))
            .count();
        if short > 0 {
            out.push_str(&format!(
                "{short} line(s) cannot reach the {}% target by {} within their limits (flagged target_not_reached).\n",
                plain(pct),
                exit
            ));
        }
    }
    if let (Some(budget), Some(spent)) = (plan.policy.budget, plan.summary.projected_markdown_cost)
    {
        let over = plan
            .summary
            .skipped_by_reason
            .get("over_budget")
            .copied()
            .unwrap_or(0);
        let over = match over {
            0 => "every planned line fits".to_string(),
            n => format!("{n} line(s) over budget, not discounted (skipped as over_budget)"),
        };
        out.push_str(&format!(
            "Projected markdown cost {} of the {} budget; {over}.\n",
            money(spent),
            money(budget)
        ));
    }
    table + &fit::wrap(&out, width)
}

/// The table's columns, most important never left out: `#`, SKU, Discount and Clearance; the
/// name is cut with `…` (down to 10 columns) first; then headers take their short forms and
/// Limit its short words (`floor`, `stack`); then Velocity, Class, Limit, Sold/On hand, Price
/// and last the name are left out, in that order.
fn columns(lines: &[&&PlanLine]) -> Vec<Column> {
    let each =
        |f: &dyn Fn(&PlanLine) -> String| -> Vec<String> { lines.iter().map(|l| f(l)).collect() };
    let limit = |l: &PlanLine| {
        l.binding_limit()
            .map(|b| b.as_str())
            .unwrap_or_default()
            .to_string()
    };
    let short_limit = |l: &PlanLine| match l.binding_limit().map(|b| b.as_str()) {
        Some("margin_floor") => "floor".to_string(),
        Some("stacking") => "stack".to_string(),
        other => other.unwrap_or_default().to_string(),
    };
    let sold = each(&|l| {
        format!(
            "{}/{}",
            l.sold.get().map(plain).unwrap_or_default(),
            l.quantity.get().map(plain).unwrap_or_else(|| "?".into())
        )
    });
    let velocity = each(&|l| {
        l.velocity_ratio
            .get()
            .map(|v| format!("{:.2}", crate::model::num::trunc(v, 2)))
            .unwrap_or_default()
    });
    let discount = each(&|l| format!("{}%", l.discount_pct().map(plain).unwrap_or_default()));
    let clearance = each(&|l| l.clearance_price().map(money).unwrap_or_default());
    vec![
        Column::new("#", (1..=lines.len()).map(|i| i.to_string()).collect()).right(),
        Column::new("SKU", each(&|l| terminal_cell(&l.key()))),
        Column::new(
            "Name",
            each(&|l| terminal_cell(l.name.as_deref().unwrap_or_default())),
        )
        .cut_to(10)
        .drop(6),
        Column::new(
            "Class",
            each(&|l| l.class.map(Class::as_str).unwrap_or("-").to_string()),
        )
        .drop(2),
        Column::new("Sold/On hand", sold.clone())
            .right()
            .short("Sold/Qty", sold)
            .drop(4),
        Column::new("Velocity", velocity.clone())
            .right()
            .short("Vel.", velocity)
            .drop(1),
        Column::new("Discount", discount.clone())
            .right()
            .short("Disc.", discount),
        // The price the customer pays today (a live markdown's): the discount is off it.
        Column::new(
            "Price",
            each(&|l| {
                l.live_price()
                    .or(l.price.get())
                    .map(money)
                    .unwrap_or_default()
            }),
        )
        .right()
        .drop(5),
        Column::new("Clearance", clearance.clone())
            .right()
            .short("Clear.", clearance),
        Column::new("Limit", each(&limit))
            .short("Limit", each(&short_limit))
            .drop(3),
    ]
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
        ("min_price", "by a minimum advertised price"),
        ("too_new", "too new (--min-age)"),
        ("over_budget", "over the markdown budget"),
        (
            "target_met_without_discount",
            "on track for the target without a discount",
        ),
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
