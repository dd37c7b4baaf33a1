//! `report.xlsx`: a KPI summary with native Excel charts (stock value by class, capital in slow
//! movers by category, candidates by tier) and the top 20 slow movers. Values only.
//!
//! Money `#,##0.00`, counts `#,##0`, percentages as whole percents with one decimal under
//! headers that name the unit (`Sell-through % (window)`), dates as dates; headers wrap; chart
//! axes in the unit of their data (the clearance rate on a 0-100 % axis), every category
//! labelled; an empty section says "none this week".

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
        .set_font_color(Color::White)
        .set_text_wrap();
    let num = Format::new().set_num_format("#,##0.00");
    let count = Format::new().set_num_format("#,##0");
    let pct = Format::new().set_num_format("0.0");
    // A discount shown as typed (19.25 stays 19.25, 25 shows 25.0).
    let discount = Format::new().set_num_format("0.0#");
    let ratio = Format::new().set_num_format("0.00");
    let ratio3 = Format::new().set_num_format("0.000");
    let date = Format::new().set_num_format("yyyy-mm-dd");
    let none = Format::new()
        .set_italic()
        .set_font_color(Color::RGB(0x7F7F7F));
    let ws = wb.add_worksheet();
    ws.set_name("KPIs")?;
    ws.set_column_width(0, 36)?;
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
        let fmt = match key {
            "sell_through_pct" | "avg_break_even_lift_pct" => &pct,
            "weeks_of_supply" | "gmroi" => &ratio,
            _ => &num,
        };
        ws.text(r, 0, label)?;
        number(ws, r, 1, &summary.kpis[key], fmt)?;
        number(ws, r, 2, &summary.deltas[key], fmt)?;
        r += 1;
    }
    // One table per chart, then the chart beside it.
    let mut chart_row = 3u32;
    for (i, (title, data)) in charts.iter().enumerate() {
        r += 2;
        let top = r;
        // The third table counts lines (candidates by tier); the others are money.
        let (unit, fmt, axis) = if i == 2 {
            ("Lines", &count, "#,##0")
        } else {
            ("Value", &num, "#,##0")
        };
        ws.text_with_format(r, 0, title.as_str(), &header)?;
        ws.text_with_format(r, 1, unit, &header)?;
        for (label, v) in data {
            r += 1;
            ws.text(r, 0, label.as_str())?;
            ws.write_number_with_format(r, 1, v.to_f64().unwrap_or(0.0), fmt)?;
        }
        if data.is_empty() {
            r += 1;
            ws.text_with_format(r, 0, "none this week", &none)?;
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
        // The value axis: the vertical one of a column chart, the horizontal one of a bar chart.
        if i == 1 {
            chart.x_axis().set_num_format(axis);
            chart.y_axis().set_label_interval(1).set_reverse();
        } else {
            chart.y_axis().set_num_format(axis);
            chart.x_axis().set_label_interval(1);
        }
        ws.insert_chart(chart_row, 4, &chart)?;
        chart_row += 16;
    }
    r += 2;
    for (label, skus) in [
        ("New slow movers", &summary.new_slow_movers),
        ("Recovered", &summary.recovered),
    ] {
        ws.text_with_format(r, 0, label, &header)?;
        if skus.is_empty() {
            ws.text_with_format(r, 1, "none this week", &none)?;
        } else {
            ws.text(r, 1, skus.join(", "))?;
        }
        r += 1;
    }

    let ws = wb.add_worksheet();
    ws.set_name("Top slow movers")?;
    let longest = |f: &dyn Fn(&crate::report::TopLine) -> usize| {
        summary.top_slow_movers.iter().map(f).max().unwrap_or(0) as f64
    };
    let cols = [
        (
            "SKU",
            longest(&|t| t.key.chars().count()).clamp(10.0, 30.0) + 2.0,
        ),
        (
            "Name",
            longest(&|t| t.name.as_deref().map_or(0, |n| n.chars().count())).clamp(10.0, 40.0)
                + 2.0,
        ),
        (
            "Category",
            longest(&|t| t.category.as_deref().map_or(0, |n| n.chars().count())).clamp(10.0, 30.0)
                + 2.0,
        ),
        ("Class", 10.0),
        ("Velocity", 10.0),
        ("On hand", 10.0),
        ("Capital", 14.0),
        ("Discount %", 10.0),
        ("Clearance price", 12.0),
        ("Break-even lift %", 12.0),
        ("Days since sale", 10.0),
    ];
    for (c, (name, w)) in cols.iter().enumerate() {
        ws.set_column_width(c as u16, *w)?;
        ws.text_with_format(0, c as u16, *name, &header)?;
    }
    ws.set_row_height(0, 30)?;
    ws.set_freeze_panes(1, 0)?;
    if summary.top_slow_movers.is_empty() {
        ws.text_with_format(1, 0, "none this week", &none)?;
    }
    for (i, t) in summary.top_slow_movers.iter().enumerate() {
        let r = i as u32 + 1;
        ws.text(r, 0, &t.key)?;
        ws.text(r, 1, t.name.as_deref().unwrap_or(""))?;
        ws.text(r, 2, t.category.as_deref().unwrap_or(""))?;
        ws.text(r, 3, t.class.as_deref().unwrap_or(""))?;
        number(ws, r, 4, &t.velocity_ratio, &ratio3)?;
        number(ws, r, 5, &t.quantity, &count)?;
        number(ws, r, 6, &t.capital, &num)?;
        number(ws, r, 7, &t.discount_pct, &discount)?;
        if let Some(cp) = t
            .clearance_price
            .as_deref()
            .and_then(|p| p.parse::<Decimal>().ok())
        {
            ws.write_number_with_format(r, 8, cp.to_f64().unwrap_or(0.0), &num)?;
        }
        number(ws, r, 9, &t.break_even_lift_pct, &pct)?;
        match t.days_since_last_sale {
            Some(d) => ws.write_number_with_format(r, 10, d as f64, &count)?,
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
        // Bars top-down in the table's order, every sku labelled, amounts with separators.
        chart.y_axis().set_label_interval(1).set_reverse();
        chart.x_axis().set_num_format("#,##0");
        chart.set_height(120 + 22 * n);
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
        ws.set_row_height(0, 30)?;
        for (i, c) in summary.campaigns.iter().enumerate() {
            let r = i as u32 + 1;
            let dec = |s: &str| s.parse::<f64>().ok();
            ws.text(r, 0, &c.name)?;
            for (col, d) in [(1, c.start), (2, c.end)] {
                let d = super::excel_date(d)?;
                ws.write_datetime_with_format(r, col, &d, &date)?;
            }
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
                ws.write_number_with_format(r, 8, x, &pct)?;
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
        // A rate in percent: the axis runs from 0 to 100 whatever the rates (0.9% is a short
        // bar), further when a restock let a campaign sell more than its starting stock.
        let top = summary
            .campaigns
            .iter()
            .filter_map(|c| c.review.clearance_rate_pct.as_deref()?.parse::<f64>().ok())
            .fold(100.0_f64, f64::max);
        chart
            .x_axis()
            .set_min(0)
            .set_max((top / 10.0).ceil() * 10.0)
            .set_num_format("0\"%\"");
        chart.y_axis().set_label_interval(1).set_reverse();
        ws.insert_chart(n + 3, 0, &chart)?;
    }
    super::save_workbook(&mut wb, path)
}
