//! `plan.json`: the machine contract (schema `clearance.plan/v1`). Pretty-printed, except that
//! each line of `lines` is one compact object on its own text line: readable, and a third of
//! the size of a fully indented file for a million lines.

use super::atomic::io_err;
use crate::error::{Error, Result};
use crate::model::num::{push_json_float, push_json_num, push_money};
use crate::model::{LineStatus, Plan, PlanLine};
use crate::rules::what_if;
use rust_decimal::Decimal;
use std::io::Write;
use std::path::Path;

pub fn write_plan(plan: &Plan, w: &mut dyn Write, target: &Path) -> Result<()> {
    let json_err =
        |e: serde_json::Error| Error::Internal(format!("cannot serialise the plan: {e}"));
    let io = io_err(target);
    // Everything but the lines, pretty, then the lines spliced in one per text line.
    let head = PlanHead(plan);
    let text = serde_json::to_string_pretty(&head).map_err(json_err)?;
    let marker = "\"lines\": []";
    let (before, after) = text
        .rsplit_once(marker)
        .ok_or_else(|| Error::Internal("plan.json layout: no lines marker".into()))?;
    w.write_all(before.as_bytes()).map_err(&io)?;
    w.write_all(b"\"lines\": [").map_err(&io)?;
    // Lines are printed by hand (the same bytes serde would write, see the tests), into a
    // buffer handed to the writer in large pieces.
    let mut buf: Vec<u8> = Vec::with_capacity(CHUNK + 4096);
    let what_if = what_if::Context::of(plan);
    let mut rows = Vec::new();
    let mut fast = Vec::new();
    for (i, line) in plan.lines.iter().enumerate() {
        crate::counters::line_written();
        buf.extend_from_slice(if i == 0 { b"\n    " } else { b",\n    " });
        push_fields(&mut buf, line);
        if let (Some(cx), Some(m)) = (&what_if, &line.model) {
            push_what_if(&mut buf, line, m, cx, &mut rows, &mut fast);
        }
        buf.push(b'}');
        if buf.len() >= CHUNK {
            w.write_all(&buf).map_err(&io)?;
            buf.clear();
        }
    }
    w.write_all(&buf).map_err(&io)?;
    if !plan.lines.is_empty() {
        w.write_all(b"\n  ").map_err(&io)?;
    }
    w.write_all(b"]").map_err(&io)?;
    w.write_all(after.as_bytes()).map_err(&io)?;
    w.write_all(b"\n").map_err(&io)
}

const CHUNK: usize = 256 * 1024;

/// A JSON string, escaped as serde_json escapes it.
fn push_str(out: &mut Vec<u8>, s: &str) {
    out.push(b'"');
    push_escaped(out, s);
    out.push(b'"');
}

/// `s` escaped as inside a JSON string, without the quotes. Eight bytes at a time: a word with
/// nothing to escape (no quote, backslash or control character) is left to be copied with the
/// rest; only a word that holds one is looked at byte by byte.
fn push_escaped(out: &mut Vec<u8>, s: &str) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGHS: u64 = 0x8080_8080_8080_8080;
    // Whether some byte of `w` is below `n` ("hasless" of the bit hacks): exact as a yes or no
    // for n <= 128 (which byte is flagged may be wrong above a borrow), and never for a byte of
    // 0x80 or more (`!w` clears its high bit), so UTF-8 text passes.
    let has_less = |w: u64, n: u64| w.wrapping_sub(ONES * n) & !w & HIGHS != 0;
    let has_byte = |w: u64, b: u8| has_less(w ^ (ONES * u64::from(b)), 1);
    let bytes = s.as_bytes();
    // `bytes[start..]` is not copied yet.
    let mut start = 0;
    let mut escape = |out: &mut Vec<u8>, i: usize| {
        let b = bytes[i];
        let short = match b {
            b'"' => b'"',
            b'\\' => b'\\',
            0x08 => b'b',
            0x0C => b'f',
            b'\n' => b'n',
            b'\r' => b'r',
            b'\t' => b't',
            0x00..=0x1F => b'u',
            _ => return,
        };
        out.extend_from_slice(&bytes[start..i]);
        out.push(b'\\');
        out.push(short);
        if short == b'u' {
            out.extend_from_slice(b"00");
            out.push(HEX[usize::from(b >> 4)]);
            out.push(HEX[usize::from(b & 0xF)]);
        }
        start = i + 1;
    };
    let mut at = 0;
    for word in bytes.chunks_exact(8) {
        // Always 8 bytes; an all-zero word would only send them byte by byte.
        let w = u64::from_le_bytes(word.try_into().unwrap_or([0; 8]));
        if has_less(w, 0x20) || has_byte(w, b'"') || has_byte(w, b'\\') {
            for i in at..at + 8 {
                escape(out, i);
            }
        }
        at += 8;
    }
    for i in at..bytes.len() {
        escape(out, i);
    }
    out.extend_from_slice(&bytes[start..]);
}

fn push_opt_str(out: &mut Vec<u8>, s: Option<&str>) {
    match s {
        Some(s) => push_str(out, s),
        None => out.extend_from_slice(b"null"),
    }
}

/// A `"name":` key followed by `value` printed by `f`, or `null`.
fn push_opt<T: Copy>(out: &mut Vec<u8>, key: &str, v: Option<T>, f: impl Fn(&mut Vec<u8>, T)) {
    out.extend_from_slice(key.as_bytes());
    match v {
        Some(v) => f(out, v),
        None => out.extend_from_slice(b"null"),
    }
}

fn money_str(out: &mut Vec<u8>, d: Decimal) {
    out.push(b'"');
    push_money(out, d);
    out.push(b'"');
}

fn name_str(out: &mut Vec<u8>, s: &'static str) {
    out.push(b'"');
    out.extend_from_slice(s.as_bytes());
    out.push(b'"');
}

/// One line as a compact JSON object, field for field what `PlanLine`'s `Serialize` writes
/// (the schema documented on `PlanLine`).
pub fn push_line(out: &mut Vec<u8>, l: &PlanLine) {
    push_fields(out, l);
    out.push(b'}');
}

/// A planned line's `what_if` (docs/forecast.md, "What-if"): its model's rate and elasticity,
/// then one array per figure, one entry per depth of `forecast.what_if_depths` up to the line's
/// maximum.
fn push_what_if(
    out: &mut Vec<u8>,
    l: &PlanLine,
    m: &crate::model::LineModel,
    cx: &what_if::Context,
    rows: &mut Vec<what_if::Row>,
    fast: &mut Vec<what_if::FastRow>,
) {
    out.extend_from_slice(b",\"what_if\":{\"rate\":");
    push_f64(out, m.rate);
    out.extend_from_slice(b",\"elasticity\":");
    push_f64(out, m.elasticity);
    match what_if::fast_rows(l, m, cx, fast) {
        Some(digits) => push_fast(out, m, fast, digits),
        None => push_rows(out, l, m, cx, rows),
    }
}

/// The arrays of [`push_what_if`] from [`what_if::rows`] (`Decimal` arithmetic).
fn push_rows(
    out: &mut Vec<u8>,
    l: &PlanLine,
    m: &crate::model::LineModel,
    cx: &what_if::Context,
    rows: &mut Vec<what_if::Row>,
) {
    what_if::rows(l, m, cx, rows);
    let array = |out: &mut Vec<u8>, key: &[u8], f: &dyn Fn(&mut Vec<u8>, &what_if::Row)| {
        push_array(out, key, rows, f)
    };
    array(out, b",\"units\":", &|o, r| push_json_num(o, r.units));
    array(out, b",\"revenue\":", &|o, r| money_str(o, r.revenue));
    if m.cost.is_some() {
        array(out, b",\"gross_margin\":", &|o, r| {
            money_str(o, r.gross_margin.unwrap_or_default())
        });
    } else {
        out.extend_from_slice(b",\"gross_margin\":null");
    }
    array(out, b",\"markdown_cost\":", &|o, r| {
        money_str(o, r.markdown_cost)
    });
    if l.quantity.is_some() {
        array(out, b",\"stock_left\":", &|o, r| {
            push_json_num(o, r.stock_left.unwrap_or_default())
        });
    } else {
        out.extend_from_slice(b",\"stock_left\":null");
    }
    out.push(b'}');
}

/// `key` then a JSON array of `f` over `rows`.
fn push_array<T>(out: &mut Vec<u8>, key: &[u8], rows: &[T], f: &dyn Fn(&mut Vec<u8>, &T)) {
    out.extend_from_slice(key);
    out.push(b'[');
    for (i, r) in rows.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        f(out, r);
    }
    out.push(b']');
}

/// The arrays of [`push_what_if`] from [`what_if::fast_rows`]: the same bytes, printed from
/// integers.
fn push_fast(
    out: &mut Vec<u8>,
    m: &crate::model::LineModel,
    rows: &[what_if::FastRow],
    digits: u32,
) {
    let array = |out: &mut Vec<u8>, key: &[u8], f: &dyn Fn(&mut Vec<u8>, &what_if::FastRow)| {
        push_array(out, key, rows, f)
    };
    array(out, b",\"units\":", &|o, r| push_tenths(o, r.units_tenths));
    array(out, b",\"revenue\":", &|o, r| {
        push_minor(o, r.revenue, digits)
    });
    if m.cost.is_some() {
        array(out, b",\"gross_margin\":", &|o, r| {
            push_minor(o, r.gross_margin, digits)
        });
    } else {
        out.extend_from_slice(b",\"gross_margin\":null");
    }
    array(out, b",\"markdown_cost\":", &|o, r| {
        push_minor(o, r.markdown_cost, digits)
    });
    array(out, b",\"stock_left\":", &|o, r| {
        push_tenths(o, r.stock_left_tenths)
    });
    out.push(b'}');
}

/// The decimal digits of `n` (no sign).
fn push_digits(out: &mut Vec<u8>, mut n: u64) {
    let mut tmp = [0u8; 20];
    let mut i = tmp.len();
    loop {
        i -= 1;
        tmp[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    out.extend_from_slice(&tmp[i..]);
}

/// Tenths as `push_json_num` writes the decimal: `23.4`, `15`, `0`.
fn push_tenths(out: &mut Vec<u8>, t: i64) {
    if t < 0 {
        out.push(b'-');
    }
    let a = t.unsigned_abs();
    push_digits(out, a / 10);
    if !a.is_multiple_of(10) {
        out.push(b'.');
        out.push(b'0' + (a % 10) as u8);
    }
}

/// Minor units as `money_str` writes the decimal: a string with at least two decimals and no
/// trailing zero beyond them (`"12.50"`, `"150.00"` for a currency without minor units,
/// `"1.235"`).
fn push_minor(out: &mut Vec<u8>, v: i64, digits: u32) {
    out.push(b'"');
    if v < 0 {
        out.push(b'-');
    }
    let a = v.unsigned_abs();
    let unit = 10u64.pow(digits);
    push_digits(out, a / unit);
    out.push(b'.');
    let mut frac = a % unit;
    let mut places = digits;
    // Beyond two decimals, trailing zeros are dropped (the decimal is normalised).
    while places > 2 && frac.is_multiple_of(10) {
        frac /= 10;
        places -= 1;
    }
    if places > 0 {
        let start = out.len();
        push_digits(out, frac);
        let written = out.len() - start;
        // Leading zeros of the fraction.
        let pad = places as usize - written;
        if pad > 0 {
            out.splice(start..start, std::iter::repeat_n(b'0', pad));
        }
    }
    // At least two decimals.
    for _ in places..2 {
        out.push(b'0');
    }
    out.push(b'"');
}

/// A float as serde_json writes it (shortest round trip); `null` when not finite.
fn push_f64(out: &mut Vec<u8>, x: f64) {
    if x.is_finite() {
        let _ = serde_json::to_writer(&mut *out, &x);
    } else {
        out.extend_from_slice(b"null");
    }
}

/// Every field of a line, without the closing brace.
fn push_fields(out: &mut Vec<u8>, l: &PlanLine) {
    out.extend_from_slice(b"{\"sku\":");
    push_str(out, &l.sku);
    out.extend_from_slice(b",\"name\":");
    push_opt_str(out, l.name.as_deref());
    out.extend_from_slice(b",\"category\":");
    push_opt_str(out, l.category.as_deref());
    out.extend_from_slice(b",\"location\":");
    push_opt_str(out, l.location.as_deref());
    push_opt(out, ",\"quantity\":", l.quantity.get(), push_json_num);
    push_opt(out, ",\"sold\":", l.sold.get(), push_json_num);
    push_opt(
        out,
        ",\"velocity_ratio\":",
        l.velocity_ratio.get(),
        push_json_float,
    );
    push_opt(out, ",\"class\":", l.class, |o, c| name_str(o, c.as_str()));
    out.extend_from_slice(match l.status {
        LineStatus::Planned => b",\"status\":\"planned\"",
        LineStatus::Skipped => b",\"status\":\"skipped\"",
    });
    for (key, v) in [
        (",\"tier_discount_pct\":", l.tier_discount_pct()),
        (",\"discount_pct\":", l.discount_pct()),
        (",\"max_discount_pct\":", l.max_discount_pct()),
    ] {
        push_opt(out, key, v, push_json_num);
    }
    push_opt(out, ",\"binding_limit\":", l.binding_limit(), |o, b| {
        name_str(o, b.as_str())
    });
    for (key, v) in [
        (",\"price\":", l.price.get()),
        (",\"cost\":", l.cost.get()),
        (",\"clearance_price\":", l.clearance_price()),
    ] {
        push_opt(out, key, v, money_str);
    }
    for (key, v) in [
        (",\"margin_pct\":", l.margin_pct.get()),
        (",\"margin_after_pct\":", l.margin_after_pct()),
    ] {
        push_opt(out, key, v, push_json_float);
    }
    for (key, v) in [
        (",\"existing_discount_pct\":", l.existing_discount_pct()),
        (",\"projected_units_sold\":", l.projected_units_sold()),
        (",\"stock_left_at_end\":", l.stock_left_at_end()),
    ] {
        push_opt(out, key, v, push_json_num);
    }
    if let Some(p) = l.projected_sellthrough_pct() {
        out.extend_from_slice(b",\"projected_sellthrough_pct\":");
        push_json_float(out, p);
    }
    if let Some(c) = l.projected_markdown_cost() {
        out.extend_from_slice(b",\"projected_markdown_cost\":");
        money_str(out, c);
    }
    if let Some(d) = l.last_sale {
        out.extend_from_slice(b",\"last_sale\":");
        push_str(out, &d.to_string());
    }
    out.extend_from_slice(b",\"flags\":[");
    for (i, f) in l.flags.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        push_str(out, f.as_str());
    }
    out.push(b']');
    push_opt(out, ",\"reason\":", l.reason, |o, r| {
        name_str(o, r.as_str())
    });
    // The opening as it is (ASCII with nothing to escape), then the rest escaped.
    out.extend_from_slice(b",\"why\":\"");
    let rest = l.why_parts(out);
    push_escaped(out, rest);
    out.push(b'"');
    for (key, v) in [
        (",\"product_id\":", &l.product_id()),
        (",\"category_id\":", &l.category_id()),
        (",\"currency\":", &l.currency()),
    ] {
        if let Some(v) = v {
            out.extend_from_slice(key.as_bytes());
            push_str(out, v);
        }
    }
    if let Some(p) = l.live_price() {
        out.extend_from_slice(b",\"live_price\":");
        money_str(out, p);
    }
    if let Some(p) = l.min_price() {
        out.extend_from_slice(b",\"min_price\":");
        money_str(out, p);
    }
    if let Some(row) = &l.export() {
        out.extend_from_slice(b",\"export\":{");
        for (i, (k, v)) in row.0.iter().enumerate() {
            if i > 0 {
                out.push(b',');
            }
            push_str(out, k);
            out.push(b':');
            push_str(out, v);
        }
        out.push(b'}');
    }
}

/// The plan with an empty `lines` list, in the same field order.
struct PlanHead<'a>(&'a Plan);

impl serde::Serialize for PlanHead<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let p = self.0;
        let mut st = s.serialize_struct("Plan", 10)?;
        st.serialize_field("schema", &p.schema)?;
        st.serialize_field("plan_id", &p.plan_id)?;
        st.serialize_field("generated_at", &p.generated_at)?;
        st.serialize_field("as_of", &p.as_of)?;
        st.serialize_field("policy", &p.policy)?;
        if let Some(forecast) = &p.forecast {
            st.serialize_field("forecast", forecast)?;
        }
        st.serialize_field("campaign", &p.campaign)?;
        st.serialize_field("inputs", &p.inputs)?;
        if let Some(platform) = &p.platform {
            st.serialize_field("platform", platform)?;
        }
        st.serialize_field("warnings", &p.warnings)?;
        st.serialize_field("summary", &p.summary)?;
        st.serialize_field("lines", &[] as &[u8])?;
        st.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{BindingLimit, Class, OptDecimal, Reason};

    fn d(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    fn hand(l: &PlanLine) -> String {
        let mut out = Vec::new();
        push_line(&mut out, l);
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn hand_written_lines_are_what_serde_writes() {
        let empty = PlanLine {
            sku: Default::default(),
            name: None,
            category: None,
            location: None,
            quantity: OptDecimal::NONE,
            sold: OptDecimal::NONE,
            velocity_ratio: OptDecimal::NONE,
            class: None,
            status: LineStatus::Skipped,
            price: OptDecimal::NONE,
            cost: OptDecimal::NONE,
            margin_pct: OptDecimal::NONE,
            last_sale: None,
            flags: Default::default(),
            reason: None,
            why_text: Default::default(),
            why_after_opening: false,
            row: 3,
            capital: Decimal::ZERO.into(),
            model: None,
            extra: None,
            decision: None,
            binding_limit: None,
        };
        let mut full = PlanLine {
            sku: "=SKU \"1\"\\ \u{1}\u{8}\u{c}\n\r\t\u{1f}\u{7f} é 😀".into(),
            name: Some("Boot, \"red\"".into()),
            category: Some("Shoes/Boots".into()),
            location: Some("W1".into()),
            quantity: d("12").into(),
            sold: d("0.50").into(),
            velocity_ratio: d("0.0417").into(),
            class: Some(Class::Severe),
            status: LineStatus::Planned,
            price: d("40").into(),
            cost: d("19.9").into(),
            margin_pct: d("50.25").into(),
            last_sale: chrono::NaiveDate::from_ymd_opt(2026, 11, 2),
            flags: [crate::model::Flag::Stacked, crate::model::Flag::NoCostData]
                .into_iter()
                .collect(),
            reason: Some(Reason::MarginFloor),
            why_text: "3 sold for 12 on hand (velocity 0.25, severely overstocked): ok.".into(),
            why_after_opening: false,
            row: 4,
            capital: Decimal::ONE.into(),
            model: None,
            extra: None,
            decision: None,
            binding_limit: None,
        };
        full.set_tier_discount_pct(Some(d("26.67")));
        full.set_discount_pct(Some(d("25")));
        full.set_max_discount_pct(Some(d("25.00")));
        full.set_binding_limit(Some(BindingLimit::Cap));
        full.set_clearance_price(Some(d("30.00")));
        full.set_margin_after_pct(Some(d("0")));
        full.set_projected_units_sold(Some(d("1234567890123456.7")));
        full.set_stock_left_at_end(Some(d("-0.0001")));
        full.set_extras(crate::model::LineExtra {
            existing_discount_pct: d("1e20").into(),
            projected_sellthrough_pct: d("83.4").into(),
            projected_markdown_cost: d("52.5").into(),
            product_id: Some("p1".into()),
            category_id: Some("c1".into()),
            currency: Some("EUR".into()),
            live_price: d("17.5").into(),
            min_price: d("12.5").into(),
            export: Some(Box::new(crate::model::ExportRow(
                [
                    ("handle", "a\"b"),
                    ("compare_at_price", ""),
                    ("price", "=1"),
                ]
                .into_iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            ))),
        });
        // A why kept after its opening: the opening printed as it is, the rest escaped.
        let mut shared = full.clone();
        let mut why = String::new();
        crate::model::why::push_opening(
            &mut why,
            d("0.50"),
            Some(d("12")),
            Some(crate::model::plan::velocity(d("0.50"), d("12"))),
            Some(Class::Severe),
        );
        why.push_str(": \"held\" \\ at\n\u{1}\u{7f} é 😀.");
        shared.set_why(why.as_str());
        shared.share_why(&mut crate::model::why::WhyInterner::default());
        assert!(shared.why_after_opening);
        assert_eq!(shared.why(), why);
        for l in [&empty, &full, &shared] {
            let text = serde_json::to_string(l).unwrap();
            assert_eq!(hand(l), text);
            // Read back (as template, validate, apply and review do), it writes the same bytes.
            let back: PlanLine = serde_json::from_str(&text).unwrap();
            assert_eq!(serde_json::to_string(&back).unwrap(), text);
            assert_eq!(back.extras(), l.extras());
        }
        assert!(empty.extras().is_none());
        let mut partial = full.clone();
        let extra = partial.extra_mut();
        extra.product_id = None;
        extra.currency = None;
        extra.export = None;
        partial.set_live_price(None);
        partial.set_min_price(None);
        partial.last_sale = chrono::NaiveDate::from_ymd_opt(-5, 1, 1);
        partial.set_margin_after_pct(Some(d("1e-7")));
        assert_eq!(hand(&partial), serde_json::to_string(&partial).unwrap());
    }

    /// The integer what-if prints the same bytes as the `Decimal` one, over lines of every
    /// shape the fast path takes (and a few it declines).
    #[test]
    fn the_fast_what_if_prints_what_the_decimal_one_prints() {
        use crate::model::LineModel;
        let mut seed = 0x2545_f491_4f6c_dd1du64;
        let mut next = move |n: u64| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed % n
        };
        let grids = [
            what_if::depths(d("1"), d("5"), d("25"), None),
            what_if::depths(d("0.5"), d("5"), d("30"), None),
            what_if::depths(d("5"), d("5"), d("50"), Some(d("3"))),
        ];
        let mut checked = 0;
        for i in 0..3000 {
            let grid = grids[i % 3].clone();
            let currency = ["EUR", "JPY", "KWD"][next(3) as usize];
            let digits = crate::rules::minor_unit_digits(Some(currency));
            let price = Decimal::new(1 + next(5_000_000) as i64, digits);
            let quantity = Decimal::new(next(50_000) as i64, next(2) as u32);
            let cost = match next(3) {
                0 => None,
                1 => Some(price * Decimal::new(next(120) as i64, 2)),
                _ => Some(Decimal::new(1 + next(1_000_000) as i64, digits)),
            }
            .map(|c| c.round_dp(digits));
            let max = grid[next(grid.len() as u64) as usize];
            let mut line = PlanLine {
                quantity: quantity.into(),
                price: price.into(),
                ..crate::rules::what_if::tests::planned("1", "1", "0")
            };
            line.set_max_discount_pct(Some(max));
            line.set_discount_pct(Some(max));
            line.set_live_price((next(4) == 0).then(|| (price * d("0.9")).round_dp(digits)));
            line.extra_mut().currency = Some(currency.into());
            let m = LineModel {
                rate: next(100_000) as f64 / 1000.0,
                elasticity: -(next(400) as f64) / 100.0,
                allowed: max,
                cost,
                rule_existing: None,
            };
            let cx = what_if::Context::new(grid, 1.0 + next(120) as f64, Vec::new(), None);
            let mut fast = Vec::new();
            let Some(digits) = what_if::fast_rows(&line, &m, &cx, &mut fast) else {
                continue;
            };
            let (mut a, mut b) = (Vec::new(), Vec::new());
            push_fast(&mut a, &m, &fast, digits);
            push_rows(&mut b, &line, &m, &cx, &mut Vec::new());
            assert_eq!(
                String::from_utf8_lossy(&a),
                String::from_utf8_lossy(&b),
                "{line:?} {m:?}"
            );
            checked += 1;
        }
        assert!(checked > 1500, "{checked}");
    }

    #[test]
    fn marker_is_what_serde_json_writes() {
        let v = serde_json::json!({"a": 1, "lines": []});
        assert!(
            serde_json::to_string_pretty(&v)
                .unwrap()
                .contains("\"lines\": []")
        );
    }
}

#[cfg(test)]
mod escaping {
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn text_is_escaped_as_serde_json_escapes_it(
            parts in proptest::collection::vec(
                prop_oneof![
                    (0u8..0x20).prop_map(|b| char::from(b).to_string()),
                    proptest::sample::select(vec![
                        "\"", "\\", "a", "Zz", " ", "\u{7f}", "é", "😀", "\u{2028}", "0123456",
                        "plain words",
                    ])
                    .prop_map(str::to_string),
                ],
                0..40,
            )
        ) {
            let s = parts.concat();
            let mut ours = Vec::new();
            super::push_escaped(&mut ours, &s);
            let theirs = serde_json::to_string(&s).expect("a string");
            prop_assert_eq!(
                String::from_utf8(ours).expect("utf-8"),
                &theirs[1..theirs.len() - 1]
            );
        }
    }
}
