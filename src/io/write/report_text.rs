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
        Value::Number(n) => with_separators(&n.to_string()),
        other => other.to_string(),
    }
}

/// A number for people with exactly `dp` decimals (half away from zero) and thousands
/// separators: money always with the currency's two, so one column never mixes `126,264.5`
/// and `10,906`.
pub fn fixed(v: &Value, dp: u32) -> String {
    let Value::Number(n) = v else {
        return show(v);
    };
    let text = n.to_string();
    let Ok(d) = text
        .parse::<Decimal>()
        .or_else(|_| Decimal::from_scientific(&text))
    else {
        return show(v);
    };
    let d = d.round_dp_with_strategy(dp, rust_decimal::RoundingStrategy::MidpointAwayFromZero);
    // A value that rounds to zero is shown unsigned (`-0.004` is `0.00`).
    let d = if d.is_zero() { d.abs() } else { d };
    with_separators(&format!("{d:.prec$}", prec = dp as usize))
}

/// Decimals shown for each KPI: money 2, percentages 1, ratios 2.
pub fn kpi_decimals(key: &str) -> u32 {
    match key {
        "sell_through_pct" | "avg_break_even_lift_pct" => 1,
        _ => 2,
    }
}

fn delta_fixed(v: &Value, dp: u32) -> String {
    match v {
        Value::Number(n) if n.as_f64().is_some_and(|f| f > 0.0) => format!("+{}", fixed(v, dp)),
        Value::Number(_) => fixed(v, dp),
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

/// A bar chart as inline SVG with a view box, so it scales down to the width it is given (a
/// phone) and stays sharp; values shown with `dp` decimals.
fn svg_bars(title: &str, data: &[(String, Decimal)], dp: u32) -> String {
    let max = data.iter().map(|(_, v)| *v).max().unwrap_or_default();
    let row_h = 22;
    let label_w = 170;
    let bar_w = 360.0;
    let height = 30 + row_h * data.len().max(1);
    let mut s = format!(
        "<figure><figcaption>{}</figcaption><svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 620 {height}\" width=\"620\" height=\"{height}\" role=\"img\" aria-label=\"{}\">",
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
            escape(&fixed(&crate::model::num::to_json_number(*v), dp))
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

/// The page's style: the window's width up to a readable maximum, tables that scroll
/// sideways on a narrow screen instead of breaking a sku, a number or a date inside a cell,
/// charts that scale down to a phone, and a print layout for A4 and Letter.
const CSS: &str = "\
*{box-sizing:border-box}\
body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;color:#222;margin:0 auto;padding:1.5rem clamp(.75rem,3vw,2.5rem);max-width:96rem;line-height:1.4}\
h1{font-size:1.6em;margin:.2em 0}h2{font-size:1.25em;margin:1.6em 0 .4em}\
.scroll{overflow-x:auto;-webkit-overflow-scrolling:touch}\
table{border-collapse:collapse;margin:.5em 0 1em;font-variant-numeric:tabular-nums}\
td,th{border:1px solid #ccc;padding:.3em .6em;text-align:left;vertical-align:top}\
th{background:#1f4e78;color:#fff;font-weight:600}\
td.num{text-align:right;white-space:nowrap}th.num{text-align:right}td.key{white-space:nowrap}\
td.text{min-width:8em}.none{color:#777;font-style:italic}\
.charts{display:flex;flex-wrap:wrap;gap:1rem 2rem}\
figure{margin:0;flex:1 1 30rem;max-width:46rem;break-inside:avoid}\
figure svg{width:100%;height:auto;display:block}\
figcaption{font-weight:600;margin-bottom:.3em}\
@page{margin:12mm}\
@media print{body{max-width:none;padding:0;font-size:10pt}.scroll{overflow:visible}\
table{font-size:9pt}tr,figure,table{break-inside:avoid}h2{break-after:avoid}\
th{background:#ddd;color:#000}}";

/// A table row: each cell with its class (`num`: right-aligned, never wrapped; `key`: a sku
/// or a date, never wrapped; `text`: names, may wrap) and its HTML-escaped content.
fn row(s: &mut String, cells: &[(&str, String)]) {
    s.push_str("<tr>");
    for (class, text) in cells {
        let _ = write!(s, "<td class=\"{class}\">{text}</td>");
    }
    s.push_str("</tr>");
}

fn head(s: &mut String, cells: &[(&str, &str)]) {
    s.push_str("<div class=\"scroll\"><table><tr>");
    for (class, text) in cells {
        let _ = write!(s, "<th class=\"{class}\">{text}</th>");
    }
    s.push_str("</tr>");
}

/// A decimal kept as JSON text (`"12.50"`) shown with `dp` decimals.
fn fixed_text(text: Option<&str>, dp: u32) -> Option<String> {
    text.and_then(|p| serde_json::from_str::<Value>(p).ok())
        .map(|p| fixed(&p, dp))
}

/// A decimal written as text (a price as the plan wrote it, at its currency's minor unit:
/// 1499 yen, 14.996 dinars) with thousands separators, never rounded; text that is not a plain
/// decimal is returned as it is.
pub fn with_separators(text: &str) -> String {
    let (sign, rest) = text.strip_prefix('-').map_or(("", text), |r| ("-", r));
    let (int, frac) = rest
        .split_once('.')
        .map_or((rest, None), |(i, f)| (i, Some(f)));
    if int.is_empty() || !int.bytes().all(|b| b.is_ascii_digit()) {
        return text.to_string();
    }
    let mut grouped = String::new();
    for (i, ch) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(ch);
    }
    match frac {
        Some(f) => format!("{sign}{grouped}.{f}"),
        None => format!("{sign}{grouped}"),
    }
}

pub fn html(summary: &Summary, charts: &[Chart]) -> String {
    let mut s = String::new();
    let _ = write!(
        s,
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">\
<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">\
<title>Clearance report {week}</title><style>{CSS}</style></head><body>\
<h1>Clearance report {week}</h1><p>As of <span class=\"key\">{as_of}</span> · plan {plan}{prev}</p>",
        week = escape(&summary.week),
        as_of = escape(&summary.as_of),
        plan = escape(&summary.plan_id),
        prev = summary
            .previous_week
            .as_ref()
            .map(|p| format!(" · compared with {}", escape(p)))
            .unwrap_or_default()
    );
    s.push_str("<h2>Key figures</h2>");
    head(
        &mut s,
        &[("", "KPI"), ("num", "This week"), ("num", "Change")],
    );
    for (label, key) in KPI_ROWS {
        let dp = kpi_decimals(key);
        row(
            &mut s,
            &[
                ("text", label.to_string()),
                ("num", escape(&fixed(&summary.kpis[key], dp))),
                ("num", escape(&delta_fixed(&summary.deltas[key], dp))),
            ],
        );
    }
    s.push_str("</table></div><h2>SKUs by class</h2>");
    head(&mut s, &[("", "Class"), ("num", "SKUs"), ("num", "Value")]);
    if let Value::Object(classes) = &summary.kpis["skus_by_class"] {
        for (class, n) in classes {
            row(
                &mut s,
                &[
                    ("key", escape(class)),
                    ("num", escape(&show(n))),
                    (
                        "num",
                        escape(&fixed(&summary.kpis["value_by_class"][class], 2)),
                    ),
                ],
            );
        }
    }
    s.push_str("</table></div>");
    if let Value::Object(buckets) = &summary.kpis["aging_buckets"] {
        s.push_str("<h2>Days since last sale</h2>");
        head(&mut s, &[("", "Bucket"), ("num", "SKUs"), ("num", "Value")]);
        for b in crate::report::AGING_BUCKETS {
            if let Some(v) = buckets.get(b) {
                row(
                    &mut s,
                    &[
                        ("key", b.to_string()),
                        ("num", escape(&show(&v["skus"]))),
                        ("num", escape(&fixed(&v["value"], 2))),
                    ],
                );
            }
        }
        s.push_str("</table></div>");
    }
    s.push_str("<h2>Charts</h2><div class=\"charts\">");
    for (i, (title, data)) in charts.iter().enumerate() {
        // The third chart counts lines; the others are money.
        s.push_str(&svg_bars(title, data, if i == 2 { 0 } else { 2 }));
    }
    s.push_str("</div><h2>Top slow movers</h2>");
    if summary.top_slow_movers.is_empty() {
        s.push_str("<p class=\"none\">none this week</p>");
    } else {
        head(
            &mut s,
            &[
                ("", "SKU"),
                ("", "Name"),
                ("", "Class"),
                ("num", "Velocity"),
                ("num", "On hand"),
                ("num", "Capital"),
                ("num", "Discount %"),
                ("num", "Clearance price"),
                ("num", "Break-even lift %"),
                ("num", "Days since sale"),
            ],
        );
        for t in &summary.top_slow_movers {
            row(
                &mut s,
                &[
                    ("key", escape(&t.key)),
                    ("text", escape(t.name.as_deref().unwrap_or(""))),
                    ("key", escape(t.class.as_deref().unwrap_or(""))),
                    ("num", escape(&fixed(&t.velocity_ratio, 3))),
                    ("num", escape(&show(&t.quantity))),
                    ("num", escape(&fixed(&t.capital, 2))),
                    ("num", escape(&show(&t.discount_pct))),
                    (
                        "num",
                        escape(
                            &t.clearance_price
                                .as_deref()
                                .map(with_separators)
                                .unwrap_or_default(),
                        ),
                    ),
                    ("num", escape(&fixed(&t.break_even_lift_pct, 1))),
                    (
                        "num",
                        t.days_since_last_sale
                            .map(|d| d.to_string())
                            .unwrap_or_else(|| "never".into()),
                    ),
                ],
            );
        }
        s.push_str("</table></div>");
    }
    if !summary.campaigns.is_empty() {
        s.push_str("<h2>Running campaigns</h2>");
        head(
            &mut s,
            &[
                ("", "Campaign"),
                ("", "Dates"),
                ("num", "Revision"),
                ("num", "Days"),
                ("num", "Lines"),
                ("num", "Sold / on hand at start"),
                ("num", "Clearance rate %"),
                ("num", "Deepen"),
                ("num", "Hold"),
                ("num", "End"),
                ("num", "Review"),
            ],
        );
        for c in &summary.campaigns {
            let n = |k: &str| {
                c.review
                    .by_recommendation
                    .get(k)
                    .copied()
                    .unwrap_or(0)
                    .to_string()
            };
            let rate =
                fixed_text(c.review.clearance_rate_pct.as_deref(), 1).unwrap_or_else(|| "–".into());
            row(
                &mut s,
                &[
                    ("text", escape(&c.name)),
                    ("key", format!("{} to {}", c.start, c.end)),
                    ("num", c.revision.to_string()),
                    ("num", c.review.days_running.to_string()),
                    ("num", c.review.lines.to_string()),
                    (
                        "num",
                        format!(
                            "{} / {}",
                            escape(&c.review.units_sold),
                            escape(&c.review.on_hand_at_start)
                        ),
                    ),
                    ("num", escape(&rate)),
                    ("num", n("deepen")),
                    ("num", n("hold")),
                    ("num", n("end")),
                    ("num", n("review")),
                ],
            );
        }
        s.push_str("</table></div>");
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
            fixed(&summary.kpis[key], kpi_decimals(key)),
            delta_fixed(&summary.deltas[key], kpi_decimals(key))
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
                fixed(&summary.kpis["value_by_class"][class], 2)
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
            fixed(&t.velocity_ratio, 3),
            show(&t.quantity),
            show(&t.discount_pct),
            md_cell(
                &t.clearance_price
                    .as_deref()
                    .map(with_separators)
                    .unwrap_or_default()
            )
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

#[cfg(test)]
mod fixed_tests {
    use super::fixed;
    use serde_json::json;

    #[test]
    fn money_always_has_two_decimals_and_separators() {
        assert_eq!(fixed(&json!(126264.5), 2), "126,264.50");
        assert_eq!(fixed(&json!(10906), 2), "10,906.00");
        assert_eq!(fixed(&json!(-1234.565), 2), "-1,234.57");
        assert_eq!(fixed(&json!(0.004), 2), "0.00");
        assert_eq!(fixed(&json!(23.46), 1), "23.5");
        assert_eq!(fixed(&json!(0.0154), 3), "0.015");
        assert_eq!(fixed(&serde_json::Value::Null, 2), "–");
        // Prices as written, never rounded: 3-digit and 0-digit currencies.
        assert_eq!(super::with_separators("14.996"), "14.996");
        assert_eq!(super::with_separators("1499"), "1,499");
        assert_eq!(super::with_separators("126264.50"), "126,264.50");
    }
}
