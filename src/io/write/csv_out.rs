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

/// A field as the csv crate writes one (`QuoteStyle::Necessary`, quotes doubled): in quotes
/// when it holds a comma, a quote or a line break, as it is otherwise.
fn push_field(out: &mut Vec<u8>, field: &[u8]) {
    if memchr::memchr3(b',', b'"', b'\n', field).is_none() && memchr::memchr(b'\r', field).is_none()
    {
        out.extend_from_slice(field);
        return;
    }
    out.push(b'"');
    let mut rest = field;
    while let Some(i) = memchr::memchr(b'"', rest) {
        out.extend_from_slice(&rest[..=i]);
        out.push(b'"');
        rest = &rest[i + 1..];
    }
    out.extend_from_slice(rest);
    out.push(b'"');
}

/// One line's 25 fields and its line break, appended to `out`: numbers and the planner's own
/// words as they are (digits, signs, points; letters and underscores, flags joined by `;`:
/// nothing to quote), text from the inputs inert and quoted where needed (only text that would
/// start a formula is copied, with its `'`).
fn write_line(out: &mut Vec<u8>, l: &PlanLine, buf: &mut Vec<u8>) {
    let text = |out: &mut Vec<u8>, s: Option<&str>| {
        push_field(out, inert_csv(s.unwrap_or("")).as_bytes());
        out.push(b',');
    };
    let word = |out: &mut Vec<u8>, s: &str| {
        out.extend_from_slice(s.as_bytes());
        out.push(b',');
    };
    let num = |out: &mut Vec<u8>, d: Option<Decimal>| {
        if let Some(d) = d {
            push_plain(out, d);
        }
        out.push(b',');
    };
    let cash = |out: &mut Vec<u8>, d: Option<Decimal>| {
        if let Some(d) = d {
            push_money(out, d);
        }
        out.push(b',');
    };
    text(out, Some(&l.sku));
    text(out, l.name.as_deref());
    text(out, l.category.as_deref());
    text(out, l.location.as_deref());
    num(out, l.quantity.get());
    num(out, l.sold.get());
    num(out, l.velocity_ratio.get());
    word(out, l.class.map(Class::as_str).unwrap_or_default());
    word(
        out,
        match l.status {
            LineStatus::Planned => "planned",
            LineStatus::Skipped => "skipped",
        },
    );
    num(out, l.tier_discount_pct());
    num(out, l.discount_pct());
    num(out, l.max_discount_pct());
    word(
        out,
        l.binding_limit().map(|b| b.as_str()).unwrap_or_default(),
    );
    cash(out, l.price.get());
    cash(out, l.cost.get());
    cash(out, l.clearance_price());
    num(out, l.margin_pct.get());
    num(out, l.margin_after_pct());
    num(out, l.existing_discount_pct());
    cash(out, l.live_price());
    num(out, l.projected_units_sold());
    num(out, l.stock_left_at_end());
    for (i, f) in l.flags.iter().enumerate() {
        if i > 0 {
            out.push(b';');
        }
        out.extend_from_slice(f.as_str().as_bytes());
    }
    out.push(b',');
    word(out, l.reason.map(|r| r.as_str()).unwrap_or_default());
    // The why built in the reused buffer (valid UTF-8 by construction).
    buf.clear();
    let rest = l.why_parts(buf);
    buf.extend_from_slice(rest.as_bytes());
    match std::str::from_utf8(buf) {
        Ok(why) => push_field(out, inert_csv(why).as_bytes()),
        Err(_) => push_field(out, inert_csv(&l.why()).as_bytes()),
    }
    out.push(b'\n');
}

pub fn write_plan(plan: &Plan, w: &mut dyn Write, target: &Path) -> Result<()> {
    write_lines(&plan.lines, w).map_err(io_err(target))
}

/// The header and the lines, written by hand as the csv crate wrote them (the same bytes; the
/// writer takes about a third of the csv crate's instructions), in chunks of 64 KB.
fn write_lines(lines: &[PlanLine], w: &mut dyn Write) -> std::io::Result<()> {
    const CHUNK: usize = 64 * 1024;
    let mut out: Vec<u8> = Vec::with_capacity(CHUNK + 4096);
    for (i, c) in COLUMNS.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        push_field(&mut out, c.as_bytes());
    }
    out.push(b'\n');
    let mut buf = Vec::new();
    for line in lines {
        write_line(&mut out, line, &mut buf);
        if out.len() >= CHUNK {
            w.write_all(&out)?;
            out.clear();
        }
    }
    w.write_all(&out)?;
    w.flush()
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
        // The ratio as the rules store it (the opening cuts it, or the exact velocity, to 2).
        l.velocity_ratio =
            crate::model::num::round(crate::model::plan::velocity(d(sold), d("10")), 4).into();
        l.class = Some(Class::Fast);
        let mut why = String::new();
        crate::model::why::push_opening(
            &mut why,
            d(sold),
            Some(d("10")),
            Some(crate::model::plan::velocity(d(sold), d("10"))),
            Some(Class::Fast),
        );
        why.push_str(rest);
        l.set_why(why.as_str());
        l.share_why(&mut crate::model::why::WhyInterner::default());
        assert!(l.why_after_opening);
        let mut bytes = Vec::new();
        write_line(&mut bytes, &l, &mut Vec::new());
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
            "'-2 sold for 10 on hand (velocity 0.00, selling fast): returns."
        );
    }
}

#[cfg(test)]
mod same_as_the_csv_crate {
    use super::*;
    use crate::model::{BindingLimit, Flag, Reason};
    use proptest::prelude::*;

    /// The writer this module had before (each field through the csv crate): the oracle.
    fn csv_crate_line(out: &mut csv::Writer<Vec<u8>>, l: &PlanLine) {
        let text = |s: Option<&str>| inert_csv(s.unwrap_or("")).into_owned();
        let num = |d: Option<Decimal>| {
            let mut b = Vec::new();
            if let Some(d) = d {
                push_plain(&mut b, d);
            }
            String::from_utf8(b).expect("utf-8")
        };
        let cash = |d: Option<Decimal>| {
            let mut b = Vec::new();
            if let Some(d) = d {
                push_money(&mut b, d);
            }
            String::from_utf8(b).expect("utf-8")
        };
        let flags: Vec<&str> = l.flags.iter().map(|f| f.as_str()).collect();
        let record = [
            text(Some(&l.sku)),
            text(l.name.as_deref()),
            text(l.category.as_deref()),
            text(l.location.as_deref()),
            num(l.quantity.get()),
            num(l.sold.get()),
            num(l.velocity_ratio.get()),
            l.class.map(Class::as_str).unwrap_or_default().to_string(),
            match l.status {
                LineStatus::Planned => "planned",
                LineStatus::Skipped => "skipped",
            }
            .to_string(),
            num(l.tier_discount_pct()),
            num(l.discount_pct()),
            num(l.max_discount_pct()),
            l.binding_limit()
                .map(|b| b.as_str())
                .unwrap_or_default()
                .to_string(),
            cash(l.price.get()),
            cash(l.cost.get()),
            cash(l.clearance_price()),
            num(l.margin_pct.get()),
            num(l.margin_after_pct()),
            num(l.existing_discount_pct()),
            cash(l.live_price()),
            num(l.projected_units_sold()),
            num(l.stock_left_at_end()),
            flags.join(";"),
            l.reason.map(|r| r.as_str()).unwrap_or_default().to_string(),
            text(Some(&l.why())),
        ];
        out.write_record(&record).expect("written");
    }

    /// Text with everything a field can hold that matters to CSV or to a spreadsheet.
    fn text() -> impl Strategy<Value = String> {
        proptest::collection::vec(
            proptest::sample::select(vec![
                "a", "Z", "7", " ", ",", "\"", "\r", "\n", "\r\n", "'", "=", "+", "-", "@", "\t",
                ";", "é", "😀", "\u{202e}", "\\", "#",
            ]),
            0..12,
        )
        .prop_map(|parts| parts.concat())
    }

    fn number() -> impl Strategy<Value = Option<Decimal>> {
        proptest::option::of(prop_oneof![
            (any::<i64>(), 0u32..12).prop_map(|(m, scale)| Decimal::new(m, scale)),
            Just(Decimal::ZERO),
            Just(-Decimal::ZERO),
            Just(Decimal::MAX),
        ])
    }

    fn line(
        texts: [String; 5],
        names: [Option<String>; 3],
        numbers: [Option<Decimal>; 14],
        words: (usize, usize, usize, Vec<usize>),
    ) -> PlanLine {
        let mut l: PlanLine =
            serde_json::from_str(r#"{"sku":"A","status":"skipped","flags":[],"why":""}"#)
                .expect("a minimal plan line");
        let [sku, why, ..] = &texts;
        l.sku = sku.as_str().into();
        l.name = names[0].as_deref().map(Into::into);
        l.category = names[1].as_deref().map(Into::into);
        l.location = names[2].as_deref().map(Into::into);
        let n = numbers;
        l.quantity = n[0].into();
        l.sold = n[1].into();
        l.velocity_ratio = n[2].into();
        l.set_tier_discount_pct(n[3]);
        l.set_discount_pct(n[4]);
        l.set_max_discount_pct(n[5]);
        l.price = n[6].into();
        l.cost = n[7].into();
        l.set_clearance_price(n[8]);
        l.margin_pct = n[9].into();
        l.set_margin_after_pct(n[10]);
        l.set_existing_discount_pct(n[11]);
        l.set_live_price(n[12]);
        l.set_projected_units_sold(n[13]);
        l.set_stock_left_at_end(n[13].map(|d| -d));
        let (class, reason, limit, flags) = words;
        l.class = [
            None,
            Some(Class::Severe),
            Some(Class::Moderate),
            Some(Class::Balanced),
            Some(Class::Fast),
        ][class % 5];
        if class % 2 == 1 {
            l.status = LineStatus::Planned;
        }
        l.reason = [
            None,
            Some(Reason::NotSlow),
            Some(Reason::MarginFloor),
            Some(Reason::OverBudget),
        ][reason % 4];
        l.set_binding_limit(
            [
                None,
                Some(BindingLimit::Tier),
                Some(BindingLimit::MarginFloor),
                Some(BindingLimit::MinPrice),
            ][limit % 4],
        );
        for f in flags {
            l.flags.push(
                [
                    Flag::NoCostData,
                    Flag::Stacked,
                    Flag::LiveMarkdown,
                    Flag::TargetNotReached,
                ][f % 4],
            );
        }
        l.set_why(why.as_str());
        l
    }

    proptest! {
        #[test]
        fn a_line_is_the_bytes_the_csv_crate_wrote(
            texts in proptest::array::uniform5(text()),
            names in proptest::array::uniform3(proptest::option::of(text())),
            numbers in proptest::array::uniform14(number()),
            words in (0usize..5, 0usize..4, 0usize..4, proptest::collection::vec(0usize..4, 0..3)),
        ) {
            let l = line(texts, names, numbers, words);
            let mut ours = Vec::new();
            write_line(&mut ours, &l, &mut Vec::new());
            let mut theirs = csv::Writer::from_writer(Vec::new());
            csv_crate_line(&mut theirs, &l);
            let theirs = theirs.into_inner().expect("flushed");
            prop_assert_eq!(String::from_utf8_lossy(&ours), String::from_utf8_lossy(&theirs));
        }
    }

    /// The header, and lines across several 64 KB chunks, as the csv crate wrote them.
    #[test]
    fn a_long_plan_is_the_bytes_the_csv_crate_wrote() {
        let lines: Vec<PlanLine> = (0..3000)
            .map(|i| {
                let mut l = line(
                    [
                        format!("SKU-{i}"),
                        format!("why, \"{i}\"\r\n"),
                        String::new(),
                        String::new(),
                        String::new(),
                    ],
                    [
                        Some(format!("=name {i} {}", "x".repeat(i % 97))),
                        None,
                        Some(format!("L{}", i % 3)),
                    ],
                    [Some(Decimal::new(i as i64, 2)); 14],
                    (i, i, i, vec![i % 4]),
                );
                l.category = Some("Shoes, \"men\"".into());
                l
            })
            .collect();
        let mut ours = Vec::new();
        write_lines(&lines, &mut ours).expect("written");
        let mut theirs = csv::Writer::from_writer(Vec::new());
        theirs.write_record(COLUMNS).expect("header");
        for l in &lines {
            csv_crate_line(&mut theirs, l);
        }
        let theirs = theirs.into_inner().expect("flushed");
        assert!(
            ours.len() > 4 * 64 * 1024,
            "several chunks: {} bytes",
            ours.len()
        );
        assert!(ours == theirs, "plan.csv differs from the csv crate's");
    }
}
