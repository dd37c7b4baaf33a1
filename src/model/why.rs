//! The why sentence as a plan line keeps it. Most whys open with what the line's own fields say
//! ("3 sold for 12 on hand (velocity 0.25, severely overstocked)"); a line keeps only the rest of
//! its sentence, shared between the lines whose rest is the same ("…: not a slow mover, no
//! discount." for most of a catalog), and the opening is written again from its fields when the
//! sentence is read. A million-line plan holds about 16 MB of why text instead of 110 MB.

use super::num::{push_decimal, push_plain};
use super::plan::Class;
use rust_decimal::Decimal;
use std::collections::HashSet;
use std::sync::Arc;

/// How the sentence names a velocity class.
pub fn class_words(class: Class) -> &'static str {
    match class {
        Class::Severe => "severely overstocked",
        Class::Moderate => "moderately overstocked",
        Class::Balanced => "balanced",
        Class::Fast => "selling fast",
    }
}

/// Appends the opening of a why: what was sold against what is on hand, the velocity and its
/// class. The rules build their sentences with this, and plan lines rebuild their openings with
/// it, so the two are the same text by construction. The numbers are printed as `Display`
/// prints them (`plain` for sold and on hand, `{:.2}` for the cut velocity), without the
/// formatting machinery: plan lines print their openings once per plan file.
pub fn push_opening(
    out: &mut String,
    sold: Decimal,
    quantity: Option<Decimal>,
    velocity: Option<Decimal>,
    class: Option<Class>,
) {
    let mut buf: Vec<u8> = Vec::with_capacity(96);
    push_opening_bytes(&mut buf, sold, quantity, velocity, class);
    // Only ASCII digits, signs, points and the words below.
    match std::str::from_utf8(&buf) {
        Ok(text) => out.push_str(text),
        Err(_) => out.push_str(&String::from_utf8_lossy(&buf)),
    }
}

/// `push_opening` into bytes: ASCII only (digits, signs, points, letters, spaces, commas and
/// parentheses), so plan.json writes it as it is, with nothing to escape.
pub fn push_opening_bytes(
    buf: &mut Vec<u8>,
    sold: Decimal,
    quantity: Option<Decimal>,
    velocity: Option<Decimal>,
    class: Option<Class>,
) {
    push_plain(buf, sold);
    match (quantity, velocity, class) {
        (Some(q), Some(v), Some(c)) => {
            buf.extend_from_slice(b" sold for ");
            push_plain(buf, q);
            buf.extend_from_slice(b" on hand (velocity ");
            // Cut, not rounded: 0.099 shows as 0.09, so the words never contradict the class.
            let cut = super::num::trunc(v, 2);
            let mut shown = cut;
            shown.rescale(2);
            if shown.scale() == 2 {
                // Zero and below zero too: `rescale` keeps the sign ("-0.00", "-0.20").
                push_decimal(buf, shown);
            } else {
                // Velocities too large for two decimals in 96 bits (`rescale` keeps fewer): as
                // `Display` prints them.
                buf.extend_from_slice(format!("{cut:.2}").as_bytes());
            }
            buf.extend_from_slice(b", ");
            buf.extend_from_slice(class_words(c).as_bytes());
            buf.push(b')');
        }
        _ => buf.extend_from_slice(b" sold, stock not tracked (velocity unknown)"),
    }
}

/// One shared copy of each distinct rest of a sentence (one interner a thread of `build_lines`).
#[derive(Default)]
pub struct WhyInterner(HashSet<Arc<str>, foldhash::fast::RandomState>);

impl WhyInterner {
    pub fn share(&mut self, text: &str) -> Arc<str> {
        if let Some(t) = self.0.get(text) {
            return t.clone();
        }
        let t: Arc<str> = Arc::from(text);
        self.0.insert(t.clone());
        t
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::num::{plain, trunc};

    /// The opening as the rules wrote it with `format!` before it was printed by hand.
    fn with_format(sold: Decimal, q: Decimal, v: Decimal) -> String {
        format!(
            "{} sold for {} on hand (velocity {:.2}, {})",
            plain(sold),
            plain(q),
            trunc(v, 2),
            class_words(Class::Fast)
        )
    }

    #[test]
    fn openings_print_as_format_did() {
        let d = |s: &str| s.parse::<Decimal>().expect("test literal");
        let mut cases = vec![
            (d("0"), d("12"), d("0")),
            (d("-0"), d("12"), d("-0.0")),
            (d("3"), d("120"), Decimal::from(3) / Decimal::from(120)),
            (d("-5"), d("3"), Decimal::from(-5) / Decimal::from(3)),
            (d("1.50"), d("0.25"), d("6.000")),
            (d("1000000000000000"), d("0.0000000000001"), Decimal::MAX),
            (d("1"), d("1"), d("10000000000000000000000000000")),
            (d("1"), d("1"), d("999999999999999000000000000")),
            (d("1"), d("1"), d("79228162514264337593543950.335")),
            (d("0"), d("12"), d("0.0")),
            (d("0"), d("12"), d("0.00")),
            (d("0"), d("12"), d("0.000")),
            (d("1"), d("1000"), d("0.001")),
            (d("-1"), d("1000"), d("-0.001")),
            (d("-0"), d("12"), d("-0.00")),
            (d("-2"), d("10"), d("-0.2")),
        ];
        for i in 1..500u32 {
            let v = Decimal::from(i * 7919) / Decimal::from(i * 31 + 3);
            cases.push((Decimal::from(i), Decimal::from(i * 31 + 3), v));
        }
        for (sold, q, v) in cases {
            let mut s = String::new();
            push_opening(&mut s, sold, Some(q), Some(v), Some(Class::Fast));
            assert_eq!(s, with_format(sold, q, v), "{sold} {q} {v}");
            // plan.json writes the opening as it is: nothing in it may need escaping.
            let mut bytes = Vec::new();
            push_opening_bytes(&mut bytes, sold, Some(q), Some(v), Some(Class::Moderate));
            assert!(
                bytes
                    .iter()
                    .all(|b| (0x20..0x7f).contains(b) && *b != b'"' && *b != b'\\'),
                "{}",
                String::from_utf8_lossy(&bytes)
            );
        }
        let mut s = String::new();
        push_opening(&mut s, d("2.0"), None, None, None);
        assert_eq!(s, "2 sold, stock not tracked (velocity unknown)");
    }
}
