//! `report.xlsx`: a KPI summary with native Excel charts (stock value by class, capital in slow
//! movers by category, candidates by tier) and the top 20 slow movers. Values only.

use super::report_text::{Chart, KPI_ROWS};
use crate::error::{Error, Result};
use crate::io::write::TextCells;
use crate::report::Summary;
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;
use rust_xlsxwriter::{Chart as XChart, ChartType, Color, Format, Workbook, Worksheet, XlsxError};
use serde_json::Value;
use std::path::Path;

pub fn write(summary: &Summary, charts: &[Chart], target: &Path, path: &Path) -> Result<()> {
    build(summary, charts, path)
        .map_err(|e| Error::output(target, format!("cannot write the workbook: {e}")))
}

fn f(v: &Value) -> Option<f64> {
    v.as_f64()
}

fn number(ws: &mut Worksheet, r: u32, c: u16, v: &Value, fmt: &Format) -> Result<(), XlsxError> {
    if let Some(x) = f(v) {
        ws.write_number_with_format(r, c, x, fmt)?;
    }
    Ok(())
}

fn build(summary: &Summary, charts: &[Chart], path: &Path) -> Result<(), XlsxError> {
    let mut wb = Workbook::new();
    let header = Format::new()
        .set_bold()
        .set_background_color(Color::RGB(0x1F4E78))
        .set_font_color(Color::White);
    let num = Format::new().set_num_format("#,##0.00");
    let ws = wb.add_worksheet();
    ws.set_name("KPIs")?;
    ws.set_column_width(0, 30)?;
    ws.set_column_width(1, 16)?;
    ws.set_column_width(2, 16)?;
    ws.text_with_format(
        0,
        0,
        format!("Clearance report {}", summary.week),
        &Format::new().set_bold().set_font_size(14),
    )?;
    ws.text(
        1,
        0,
        format!("As of {} · plan {}", summary.as_of, summary.plan_id),
    )?;
    ws.text_with_format(3, 0, "KPI", &header)?;
    ws.text_with_format(3, 1, "This week", &header)?;
    ws.text_with_format(3, 2, "Change", &header)?;
    let mut r = 4u32;
    for (label, key) in KPI_ROWS {
        ws.text(r, 0, label)?;
        number(ws, r, 1, &summary.kpis[key], &num)?;
        number(ws, r, 2, &summary.deltas[key], &num)?;
        r += 1;
    }
    // One table per chart, then the chart beside it.
    let mut chart_row = 3u32;
    for (i, (title, data)) in charts.iter().enumerate() {
        r += 2;
        let top = r;
        ws.text_with_format(r, 0, title.as_str(), &header)?;
        ws.text_with_format(r, 1, "Value", &header)?;
        for (label, v) in data {
            r += 1;
            ws.text(r, 0, label.as_str())?;
            ws.write_number_with_format(r, 1, v.to_f64().unwrap_or(0.0), &num)?;
        }
        if data.is_empty() {
            continue;
        }
        let mut chart = XChart::new(if i == 1 {
            ChartType::Bar
        } else {
            ChartType::Column
        });
        chart
            .add_series()
            .set_name(title.as_str())
            .set_categories(("KPIs", top + 1, 0, r, 0))
            .set_values(("KPIs", top + 1, 1, r, 1));
        chart.title().set_name(title.as_str());
        chart.legend().set_hidden();
        ws.insert_chart(chart_row, 4, &chart)?;
        chart_row += 16;
    }
    r += 2;
    ws.text_with_format(r, 0, "New slow movers", &header)?;
    ws.text(r, 1, summary.new_slow_movers.join(", "))?;
    ws.text_with_format(r + 1, 0, "Recovered", &header)?;
    ws.text(r + 1, 1, summary.recovered.join(", "))?;

    let ws = wb.add_worksheet();
    ws.set_name("Top slow movers")?;
    let cols = [
        ("SKU", 18.0),
        ("Name", 30.0),
        ("Category", 18.0),
        ("Class", 10.0),
        ("Velocity", 9.0),
        ("On hand", 9.0),
        ("Capital", 12.0),
        ("Discount %", 10.0),
        ("Clearance price", 14.0),
        ("Break-even lift %", 16.0),
        ("Days since sale", 14.0),
    ];
    for (c, (name, w)) in cols.iter().enumerate() {
        ws.set_column_width(c as u16, *w)?;
        ws.text_with_format(0, c as u16, *name, &header)?;
    }
    ws.set_freeze_panes(1, 0)?;
    for (i, t) in summary.top_slow_movers.iter().enumerate() {
        let r = i as u32 + 1;
        ws.text(r, 0, &t.key)?;
        ws.text(r, 1, t.name.as_deref().unwrap_or(""))?;
        ws.text(r, 2, t.category.as_deref().unwrap_or(""))?;
        ws.text(r, 3, t.class.as_deref().unwrap_or(""))?;
        number(
            ws,
            r,
            4,
            &t.velocity_ratio,
            &Format::new().set_num_format("0.000"),
        )?;
        number(ws, r, 5, &t.quantity, &Format::new())?;
        number(ws, r, 6, &t.capital, &num)?;
        number(ws, r, 7, &t.discount_pct, &Format::new())?;
        if let Some(cp) = t
            .clearance_price
            .as_deref()
            .and_then(|p| p.parse::<Decimal>().ok())
        {
            ws.write_number_with_format(r, 8, cp.to_f64().unwrap_or(0.0), &num)?;
        }
        number(ws, r, 9, &t.break_even_lift_pct, &num)?;
        match t.days_since_last_sale {
            Some(d) => ws.write_number(r, 10, d as f64)?,
            None => ws.text(r, 10, "never")?,
        };
    }
    if !summary.top_slow_movers.is_empty() {
        let n = summary.top_slow_movers.len() as u32;
        let mut chart = XChart::new(ChartType::Bar);
        chart
            .add_series()
            .set_name("Capital tied up")
            .set_categories(("Top slow movers", 1, 0, n, 0))
            .set_values(("Top slow movers", 1, 6, n, 6));
        chart.title().set_name("Top slow movers: capital tied up");
        chart.legend().set_hidden();
        ws.insert_chart(n + 3, 0, &chart)?;
    }
    if !summary.campaigns.is_empty() {
        let ws = wb.add_worksheet();
        ws.set_name("Campaigns")?;
        let cols = [
            ("Campaign", 28.0),
            ("Start", 11.0),
            ("End", 11.0),
            ("Revision", 9.0),
            ("Days running", 9.0),
            ("Lines", 8.0),
            ("On hand at start", 10.0),
            ("Sold since start", 10.0),
            ("Clearance rate %", 10.0),
            ("Deepen", 8.0),
            ("Hold", 8.0),
            ("End", 8.0),
            ("Review", 8.0),
        ];
        for (c, (name, w)) in cols.iter().enumerate() {
            ws.set_column_width(c as u16, *w)?;
            ws.text_with_format(0, c as u16, *name, &header)?;
        }
        for (i, c) in summary.campaigns.iter().enumerate() {
            let r = i as u32 + 1;
            let dec = |s: &str| s.parse::<f64>().ok();
            ws.text(r, 0, &c.name)?;
            ws.text(r, 1, c.start.to_string())?;
            ws.text(r, 2, c.end.to_string())?;
            ws.write_number(r, 3, f64::from(c.revision))?;
            ws.write_number(r, 4, c.review.days_running as f64)?;
            ws.write_number(r, 5, c.review.lines as f64)?;
            if let Some(x) = dec(&c.review.on_hand_at_start) {
                ws.write_number(r, 6, x)?;
            }
            if let Some(x) = dec(&c.review.units_sold) {
                ws.write_number(r, 7, x)?;
            }
            if let Some(x) = c.review.clearance_rate_pct.as_deref().and_then(dec) {
                ws.write_number(r, 8, x)?;
            }
            for (j, k) in ["deepen", "hold", "end", "review"].iter().enumerate() {
                let n = c.review.by_recommendation.get(*k).copied().unwrap_or(0);
                ws.write_number(r, 9 + j as u16, n as f64)?;
            }
        }
        let n = summary.campaigns.len() as u32;
        let mut chart = XChart::new(ChartType::Bar);
        chart
            .add_series()
            .set_name("Clearance rate %")
            .set_categories(("Campaigns", 1, 0, n, 0))
            .set_values(("Campaigns", 1, 8, n, 8));
        chart
            .title()
            .set_name("Running campaigns: clearance rate %");
        chart.legend().set_hidden();
        ws.insert_chart(n + 3, 0, &chart)?;
    }
    super::save_workbook(&mut wb, path)
}
