//! `plan.csv`: one row per line, planned and skipped, the same fields as `plan.json`'s lines.
//! Text from the inputs is made inert (no formula injection).

use super::atomic::io_err;
use super::inert_csv;
use crate::error::Result;
use crate::model::num::{push_money, push_plain};
use crate::model::{Class, LineStatus, Plan, PlanLine};
use rust_decimal::Decimal;
use std::io::Write;
use std::path::Path;

pub const COLUMNS: &[&str] = &[
    "sku",
    "name",
    "category",
    "location",
    "quantity",
    "sold",
    "velocity_ratio",
    "class",
    "status",
    "tier_discount_pct",
    "discount_pct",
    "max_discount_pct",
    "binding_limit",
    "price",
    "cost",
    "clearance_price",
    "margin_pct",
    "margin_after_pct",
    "existing_discount_pct",
    "live_price",
    "projected_units_sold",
    "stock_left_at_end",
    "flags",
    "reason",
    "why",
];

/// One line's 25 fields, written one by one: numbers printed into a reused buffer, text
/// borrowed from the line (only text that would start a formula is copied, with its `'`).
fn write_line<W: Write>(
    out: &mut csv::Writer<W>,
    l: &PlanLine,
    buf: &mut Vec<u8>,
) -> csv::Result<()> {
    let text = |out: &mut csv::Writer<W>, s: Option<&str>| {
        out.write_field(inert_csv(s.unwrap_or("")).as_bytes())
    };
    let num = |out: &mut csv::Writer<W>, buf: &mut Vec<u8>, d: Option<Decimal>| {
        buf.clear();
        if let Some(d) = d {
            push_plain(buf, d);
        }
        out.write_field(&buf[..])
    };
    let cash = |out: &mut csv::Writer<W>, buf: &mut Vec<u8>, d: Option<Decimal>| {
        buf.clear();
        if let Some(d) = d {
            push_money(buf, d);
        }
        out.write_field(&buf[..])
    };
    text(out, Some(&l.sku))?;
    text(out, l.name.as_deref())?;
    text(out, l.category.as_deref())?;
    text(out, l.location.as_deref())?;
    num(out, buf, l.quantity.get())?;
    num(out, buf, l.sold.get())?;
    num(out, buf, l.velocity_ratio.get())?;
    out.write_field(l.class.map(Class::as_str).unwrap_or_default())?;
    out.write_field(match l.status {
        LineStatus::Planned => "planned",
        LineStatus::Skipped => "skipped",
    })?;
    num(out, buf, l.tier_discount_pct())?;
    num(out, buf, l.discount_pct())?;
    num(out, buf, l.max_discount_pct())?;
    out.write_field(l.binding_limit().map(|b| b.as_str()).unwrap_or_default())?;
    cash(out, buf, l.price.get())?;
    cash(out, buf, l.cost.get())?;
    cash(out, buf, l.clearance_price())?;
    num(out, buf, l.margin_pct.get())?;
    num(out, buf, l.margin_after_pct())?;
    num(out, buf, l.existing_discount_pct())?;
    cash(out, buf, l.live_price())?;
    num(out, buf, l.projected_units_sold())?;
    num(out, buf, l.stock_left_at_end())?;
    buf.clear();
    for (i, f) in l.flags.iter().enumerate() {
        if i > 0 {
            buf.push(b';');
        }
        buf.extend_from_slice(f.as_str().as_bytes());
    }
    out.write_field(&buf[..])?;
    out.write_field(l.reason.map(|r| r.as_str()).unwrap_or_default())?;
    text(out, Some(&l.why()))?;
    out.write_record(None::<&[u8]>)
}

pub fn write_plan(plan: &Plan, w: &mut dyn Write, target: &Path) -> Result<()> {
    let mut out = csv::Writer::from_writer(w);
    let err = |e: csv::Error| io_err(target)(std::io::Error::other(e));
    out.write_record(COLUMNS).map_err(err)?;
    let mut buf = Vec::new();
    for line in &plan.lines {
        write_line(&mut out, line, &mut buf).map_err(err)?;
    }
    out.flush().map_err(io_err(target))
}
