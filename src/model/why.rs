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
    push_plain(&mut buf, sold);
    match (quantity, velocity, class) {
        (Some(q), Some(v), Some(c)) => {
            buf.extend_from_slice(b" sold for ");
            push_plain(&mut buf, q);
            buf.extend_from_slice(b" on hand (velocity ");
            // Cut, not rounded: 0.099 shows as 0.09, so the words never contradict the class.
            let mut v = super::num::trunc(v, 2);
            if v > Decimal::ZERO {
                v.rescale(2);
                push_decimal(&mut buf, v);
            } else {
                // Zero (a negative zero prints "-0.00") and below: as `Display` prints it.
                buf.extend_from_slice(format!("{v:.2}").as_bytes());
            }
            buf.extend_from_slice(b", ");
            buf.extend_from_slice(class_words(c).as_bytes());
            buf.push(b')');
        }
        _ => buf.extend_from_slice(b" sold, stock not tracked (velocity unknown)"),
    }
    // Only ASCII digits, signs, points and the words above.
    match std::str::from_utf8(&buf) {
        Ok(text) => out.push_str(text),
        Err(_) => out.push_str(&String::from_utf8_lossy(&buf)),
    }
}

/// One shared copy of each distinct rest of a sentence (per batch of lines).
#[derive(Default)]
pub struct WhyInterner(HashSet<Arc<str>>);

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
