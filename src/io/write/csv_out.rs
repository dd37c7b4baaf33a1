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
    // The why built in the reused buffer (valid UTF-8 by construction).
    buf.clear();
    let rest = l.why_parts(buf);
    buf.extend_from_slice(rest.as_bytes());
    match std::str::from_utf8(buf) {
        Ok(why) => text(out, Some(why))?,
        Err(_) => text(out, Some(&l.why()))?,
    }
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Class, PlanLine};

    /// The why as plan.csv writes it, for a line that keeps its sentence after the opening.
    fn why_field(sold: &str, rest: &str) -> String {
        let d = |s: &str| s.parse::<Decimal>().expect("test literal");
        let mut l: PlanLine =
            serde_json::from_str(r#"{"sku":"A","status":"skipped","flags":[],"why":""}"#)
                .expect("a minimal plan line");
        l.sold = d(sold).into();
        l.quantity = d("10").into();
        l.velocity = (d(sold) / d("10")).into();
        l.class = Some(Class::Fast);
        let mut why = String::new();
        crate::model::why::push_opening(
            &mut why,
            d(sold),
            Some(d("10")),
            Some(d(sold) / d("10")),
            Some(Class::Fast),
        );
        why.push_str(rest);
        l.set_why(why.as_str());
        l.share_why(&mut crate::model::why::WhyInterner::default());
        assert!(l.why_after_opening);
        let mut out = csv::Writer::from_writer(Vec::new());
        write_line(&mut out, &l, &mut Vec::new()).expect("written");
        let bytes = out.into_inner().expect("flushed");
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .from_reader(&bytes[..]);
        let record = reader.records().next().expect("a row").expect("csv");
        record.get(record.len() - 1).expect("why").to_string()
    }

    #[test]
    fn a_why_rebuilt_from_its_opening_is_written_whole_and_inert() {
        assert_eq!(
            why_field("8", ": not a slow mover, \"no\" discount."),
            "8 sold for 10 on hand (velocity 0.80, selling fast): not a slow mover, \"no\" discount."
        );
        // Returns over sales: the sentence starts with a minus, which a spreadsheet would take
        // for a formula.
        assert_eq!(
            why_field("-2", ": returns."),
            "'-2 sold for 10 on hand (velocity -0.20, selling fast): returns."
        );
    }
}
