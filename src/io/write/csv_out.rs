//! `plan.csv`: one row per line, planned and skipped, the same fields as `plan.json`'s lines.
//! Text from the inputs is made inert (no formula injection).

use super::atomic::io_err;
use super::inert_csv;
use crate::error::Result;
use crate::model::num::{money, plain};
use crate::model::{Class, Plan, PlanLine};
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
    "projected_units_sold",
    "stock_left_at_end",
    "flags",
    "reason",
    "why",
];

fn num(d: Option<Decimal>) -> String {
    d.map(plain).unwrap_or_default()
}

fn cash(d: Option<Decimal>) -> String {
    d.map(money).unwrap_or_default()
}

fn record(l: &PlanLine) -> [String; 24] {
    let text = |s: &Option<String>| {
        s.as_deref()
            .map(|s| inert_csv(s).into_owned())
            .unwrap_or_default()
    };
    [
        inert_csv(&l.sku).into_owned(),
        text(&l.name),
        text(&l.category),
        text(&l.location),
        num(l.quantity),
        num(l.sold),
        num(l.velocity_ratio),
        l.class.map(Class::as_str).unwrap_or_default().to_string(),
        match l.status {
            crate::model::LineStatus::Planned => "planned".into(),
            crate::model::LineStatus::Skipped => "skipped".into(),
        },
        num(l.tier_discount_pct),
        num(l.discount_pct),
        num(l.max_discount_pct),
        l.binding_limit
            .map(|b| b.as_str())
            .unwrap_or_default()
            .to_string(),
        cash(l.price),
        cash(l.cost),
        cash(l.clearance_price),
        num(l.margin_pct),
        num(l.margin_after_pct),
        num(l.existing_discount_pct),
        num(l.projected_units_sold),
        num(l.stock_left_at_end),
        l.flags.join(";"),
        l.reason.map(|r| r.as_str()).unwrap_or_default().to_string(),
        inert_csv(&l.why).into_owned(),
    ]
}

pub fn write_plan(plan: &Plan, w: &mut dyn Write, target: &Path) -> Result<()> {
    let mut out = csv::Writer::from_writer(w);
    let err = |e: csv::Error| io_err(target)(std::io::Error::other(e));
    out.write_record(COLUMNS).map_err(err)?;
    for line in &plan.lines {
        out.write_record(record(line)).map_err(err)?;
    }
    out.flush().map_err(io_err(target))
}
