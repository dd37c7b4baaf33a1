//! The weekly report as one self-contained HTML page (inline CSS and SVG charts, no network,
//! readable when printed) and as Markdown for mail or chat.

use crate::report::Summary;
use rust_decimal::Decimal;
use serde_json::Value;
use std::fmt::Write;

/// Chart data handed to the page: (title, [(label, value)]).
pub type Chart = (String, Vec<(String, Decimal)>);

pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// A number for people: `1 234 567.89` style thousands, up to 2 decimals.
pub fn show(v: &Value) -> String {
    match v {
        Value::Null => "–".into(),
        Value::Number(n) => {
            let text = n.to_string();
            let (int, frac) = text.split_once('.').unwrap_or((&text, ""));
            let (sign, digits) = int.strip_prefix('-').map(|d| ("-", d)).unwrap_or(("", int));
            let mut grouped = String::new();
            for (i, ch) in digits.chars().enumerate() {
                if i > 0 && (digits.len() - i) % 3 == 0 {
                    grouped.push(',');
                }
                grouped.push(ch);
            }
            if frac.is_empty() {
                format!("{sign}{grouped}")
            } else {
                format!("{sign}{grouped}.{frac}")
            }
        }
        other => other.to_string(),
    }
}

fn delta(v: &Value) -> String {
    match v {
        Value::Number(n) if n.as_f64().is_some_and(|f| f > 0.0) => format!("+{}", show(v)),
        Value::Number(_) => show(v),
        _ => String::new(),
    }
}

/// The KPI rows shown in every format: (label, key).
pub const KPI_ROWS: [(&str, &str); 8] = [
    ("Stock value at cost", "stock_value_at_cost"),
    ("Stock value at price", "stock_value_at_price"),
    ("Capital in slow movers", "capital_in_slow_movers"),
    ("Weeks of supply", "weeks_of_supply"),
    ("Sell-through % (window)", "sell_through_pct"),
    ("Planned markdown cost", "planned_markdown_cost"),
    ("Avg break-even lift %", "avg_break_even_lift_pct"),
    ("GMROI (annualised)", "gmroi"),
];

fn svg_bars(title: &str, data: &[(String, Decimal)]) -> String {
    let max = data.iter().map(|(_, v)| *v).max().unwrap_or_default();
    let row_h = 22;
    let label_w = 170;
    let bar_w = 360.0;
    let height = 30 + row_h * data.len().max(1);
    let mut s = format!(
        "<figure><figcaption>{}</figcaption><svg xmlns=\"http://www.w3.org/2000/svg\" width=\"620\" height=\"{height}\" role=\"img\" aria-label=\"{}\">",
        escape(title),
        escape(title)
    );
    if data.is_empty() {
        s.push_str("<text x=\"0\" y=\"20\">nothing to show</text>");
    }
    for (i, (label, v)) in data.iter().enumerate() {
        let y = 10 + i * row_h;
        let w = if max > Decimal::ZERO {
            use rust_decimal::prelude::ToPrimitive;
            (v / max).to_f64().unwrap_or(0.0) * bar_w
        } else {
            0.0
        };
        let _ = write!(
            s,
            "<text x=\"{}\" y=\"{}\" text-anchor=\"end\" font-size=\"12\">{}</text><rect x=\"{}\" y=\"{}\" width=\"{w:.1}\" height=\"16\" fill=\"#2f6f9f\"/><text x=\"{}\" y=\"{}\" font-size=\"12\">{}</text>",
            label_w - 6,
            y + 13,
            escape(label),
            label_w,
            y,
            label_w as f64 + w + 4.0,
            y + 13,
            escape(&show(&crate::model::num::to_json_number(*v)))
        );
    }
    s.push_str("</svg></figure>");
    s
}

fn list(keys: &[String]) -> String {
    if keys.is_empty() {
        return "none".into();
    }
    keys.iter()
        .map(|k| escape(k))
        .collect::<Vec<_>>()
        .join(", ")
}

pub fn html(summary: &Summary, charts: &[Chart]) -> String {
    let mut s = String::new();
    let _ = write!(
        s,
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Clearance report {week}</title><style>\
body{{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:2em;color:#222;max-width:60em}}\
h1{{font-size:1.6em}}table{{border-collapse:collapse;margin:1em 0}}td,th{{border:1px solid #ccc;padding:.3em .6em;text-align:right}}\
th:nth-child(-n+2),td:nth-child(-n+2){{text-align:left}}.up{{color:#b00}}figure{{margin:1em 0;page-break-inside:avoid}}\
figcaption{{font-weight:600;margin-bottom:.3em}}@media print{{body{{margin:0}}}}</style></head><body>\
<h1>Clearance report {week}</h1><p>As of {as_of} · plan {plan}{prev}</p>",
        week = escape(&summary.week),
        as_of = escape(&summary.as_of),
        plan = escape(&summary.plan_id),
        prev = summary
            .previous_week
            .as_ref()
            .map(|p| format!(" · compared with {}", escape(p)))
            .unwrap_or_default()
    );
    s.push_str("<h2>Key figures</h2><table><tr><th>KPI</th><th>This week</th><th>Change</th></tr>");
    for (label, key) in KPI_ROWS {
        let _ = write!(
            s,
            "<tr><td>{label}</td><td>{}</td><td>{}</td></tr>",
            escape(&show(&summary.kpis[key])),
            escape(&delta(&summary.deltas[key]))
        );
    }
    s.push_str(
        "</table><h2>SKUs by class</h2><table><tr><th>Class</th><th>SKUs</th><th>Value</th></tr>",
    );
    if let Value::Object(classes) = &summary.kpis["skus_by_class"] {
        for (class, n) in classes {
            let _ = write!(
                s,
                "<tr><td>{}</td><td>{}</td><td>{}</td></tr>",
                escape(class),
                show(n),
                show(&summary.kpis["value_by_class"][class])
            );
        }
    }
    s.push_str("</table>");
    if let Value::Object(buckets) = &summary.kpis["aging_buckets"] {
        s.push_str("<h2>Days since last sale</h2><table><tr><th>Bucket</th><th>SKUs</th><th>Value</th></tr>");
        for b in crate::report::AGING_BUCKETS {
            if let Some(v) = buckets.get(b) {
                let _ = write!(
                    s,
                    "<tr><td>{b}</td><td>{}</td><td>{}</td></tr>",
                    show(&v["skus"]),
                    show(&v["value"])
                );
            }
        }
        s.push_str("</table>");
    }
    s.push_str("<h2>Charts</h2>");
    for (title, data) in charts {
        s.push_str(&svg_bars(title, data));
    }
    s.push_str("<h2>Top slow movers</h2><table><tr><th>SKU</th><th>Name</th><th>Class</th><th>Velocity</th><th>On hand</th><th>Capital</th><th>Discount %</th><th>Clearance price</th><th>Break-even lift %</th><th>Days since sale</th></tr>");
    for t in &summary.top_slow_movers {
        let _ = write!(
            s,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            escape(&t.key),
            escape(t.name.as_deref().unwrap_or("")),
            escape(t.class.as_deref().unwrap_or("")),
            show(&t.velocity_ratio),
            show(&t.quantity),
            show(&t.capital),
            show(&t.discount_pct),
            escape(t.clearance_price.as_deref().unwrap_or("")),
            show(&t.break_even_lift_pct),
            t.days_since_last_sale
                .map(|d| d.to_string())
                .unwrap_or_else(|| "never".into())
        );
    }
    s.push_str("</table>");
    if !summary.campaigns.is_empty() {
        s.push_str("<h2>Running campaigns</h2><table><tr><th>Campaign</th><th>Dates</th><th>Revision</th><th>Days</th><th>Lines</th><th>Sold / on hand at start</th><th>Clearance rate %</th><th>Deepen</th><th>Hold</th><th>End</th><th>Review</th></tr>");
        for c in &summary.campaigns {
            let n = |k: &str| c.review.by_recommendation.get(k).copied().unwrap_or(0);
            let _ = write!(
                s,
                "<tr><td>{}</td><td>{} to {}</td><td>{}</td><td>{}</td><td>{}</td><td>{} / {}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                escape(&c.name),
                c.start,
                c.end,
                c.revision,
                c.review.days_running,
                c.review.lines,
                escape(&c.review.units_sold),
                escape(&c.review.on_hand_at_start),
                escape(c.review.clearance_rate_pct.as_deref().unwrap_or("–")),
                n("deepen"),
                n("hold"),
                n("end"),
                n("review")
            );
        }
        s.push_str("</table>");
    }
    let _ = writeln!(
        s,
        "<h2>Week over week</h2><p><strong>New slow movers:</strong> {}</p><p><strong>Recovered:</strong> {}</p></body></html>",
        list(&summary.new_slow_movers),
        list(&summary.recovered)
    );
    s
}

/// Text from inputs in a Markdown table cell or list: inert (see `inert::markdown_text`).
fn md_cell(s: &str) -> String {
    super::inert::markdown_text(s)
}

pub fn markdown(summary: &Summary) -> String {
    let mut s = format!(
        "# Clearance report {}\n\nAs of {} · plan {}",
        summary.week, summary.as_of, summary.plan_id
    );
    if let Some(p) = &summary.previous_week {
        let _ = write!(s, " · compared with {p}");
    }
    s.push_str("\n\n| KPI | This week | Change |\n|---|---:|---:|\n");
    for (label, key) in KPI_ROWS {
        let _ = writeln!(
            s,
            "| {label} | {} | {} |",
            show(&summary.kpis[key]),
            delta(&summary.deltas[key])
        );
    }
    s.push_str("\n| Class | SKUs | Value |\n|---|---:|---:|\n");
    if let Value::Object(classes) = &summary.kpis["skus_by_class"] {
        for (class, n) in classes {
            let _ = writeln!(
                s,
                "| {} | {} | {} |",
                md_cell(class),
                show(n),
                show(&summary.kpis["value_by_class"][class])
            );
        }
    }
    s.push_str("\n## Top slow movers\n\n| SKU | Name | Velocity | On hand | Discount % | Clearance price |\n|---|---|---:|---:|---:|---:|\n");
    for t in summary.top_slow_movers.iter().take(10) {
        let _ = writeln!(
            s,
            "| {} | {} | {} | {} | {} | {} |",
            md_cell(&t.key),
            md_cell(t.name.as_deref().unwrap_or("")),
            show(&t.velocity_ratio),
            show(&t.quantity),
            show(&t.discount_pct),
            md_cell(t.clearance_price.as_deref().unwrap_or(""))
        );
    }
    if !summary.campaigns.is_empty() {
        s.push_str("\n## Running campaigns\n\n| Campaign | Dates | Revision | Days | Sold / on hand at start | Clearance rate % | Deepen | Hold | End | Review |\n|---|---|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for c in &summary.campaigns {
            let n = |k: &str| c.review.by_recommendation.get(k).copied().unwrap_or(0);
            let _ = writeln!(
                s,
                "| {} | {} to {} | {} | {} | {} / {} | {} | {} | {} | {} | {} |",
                md_cell(&c.name),
                c.start,
                c.end,
                c.revision,
                c.review.days_running,
                md_cell(&c.review.units_sold),
                md_cell(&c.review.on_hand_at_start),
                md_cell(c.review.clearance_rate_pct.as_deref().unwrap_or("–")),
                n("deepen"),
                n("hold"),
                n("end"),
                n("review")
            );
        }
    }
    let join = |v: &[String]| {
        if v.is_empty() {
            "none".to_string()
        } else {
            v.iter().map(|k| md_cell(k)).collect::<Vec<_>>().join(", ")
        }
    };
    let _ = write!(
        s,
        "\n**New slow movers:** {}\n\n**Recovered:** {}\n",
        join(&summary.new_slow_movers),
        join(&summary.recovered)
    );
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_and_groups() {
        assert_eq!(
            escape("<a href=\"x\">&'</a>"),
            "&lt;a href=&quot;x&quot;&gt;&amp;&#39;&lt;/a&gt;"
        );
        assert_eq!(show(&serde_json::json!(1234567.5)), "1,234,567.5");
        assert_eq!(show(&serde_json::json!(-1234)), "-1,234");
        assert_eq!(show(&Value::Null), "–");
    }
}
