//! Decimal helpers: money and percentages stay `Decimal` end to end; these only shape how they
//! are printed.

use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;
use serde::Serializer;

/// A decimal as a JSON number: an integer when it is whole, else the shortest float that prints
/// the same digits (the value has at most a few decimals, so nothing is lost).
pub fn to_json_number(d: Decimal) -> serde_json::Value {
    let d = d.normalize();
    if d.scale() == 0
        && let Some(i) = d.to_i64()
    {
        return serde_json::Value::from(i);
    }
    match d.to_string().parse::<f64>() {
        Ok(f) if f.is_finite() => serde_json::Value::from(f),
        _ => serde_json::Value::Null,
    }
}

pub fn ser_num<S: Serializer>(d: &Decimal, s: S) -> Result<S::Ok, S::Error> {
    serde::Serialize::serialize(&to_json_number(*d), s)
}

/// A decimal as a JSON float (`0.0`, `26.67`): for ratios and margins, which are never counts.
pub fn ser_opt_float<S: Serializer>(d: &Option<Decimal>, s: S) -> Result<S::Ok, S::Error> {
    match d
        .and_then(|d| d.to_string().parse::<f64>().ok())
        .filter(|f| f.is_finite())
    {
        Some(f) => s.serialize_f64(f),
        None => s.serialize_none(),
    }
}

pub fn ser_opt_num<S: Serializer>(d: &Option<Decimal>, s: S) -> Result<S::Ok, S::Error> {
    match d {
        Some(d) => ser_num(d, s),
        None => s.serialize_none(),
    }
}

/// The largest (or smallest) decimal when `f` is the float a plan file writes for it: the float
/// nearest to `Decimal::MAX` is just above it (a velocity ratio at the top of the range reads
/// back). Any other number out of range stays an error.
fn largest_as_float(f: Option<f64>) -> Option<Decimal> {
    let f = f?;
    let max = Decimal::MAX.to_f64()?;
    if f == max {
        Some(Decimal::MAX)
    } else if f == -max {
        Some(Decimal::MIN)
    } else {
        None
    }
}

/// Read back a number written by `ser_num`/`ser_opt_float`, or a decimal string (`"40.00"`).
fn value_to_decimal<E: serde::de::Error>(v: serde_json::Value) -> Result<Option<Decimal>, E> {
    match v {
        serde_json::Value::Null => Ok(None),
        serde_json::Value::Number(n) => n
            .to_string()
            .parse::<Decimal>()
            .or_else(|_| Decimal::from_scientific(&n.to_string()))
            .or_else(|e| largest_as_float(n.as_f64()).ok_or(e))
            .map(Some)
            .map_err(|_| E::custom(format!("{n} is not a decimal number"))),
        serde_json::Value::String(s) => s
            .trim()
            .parse::<Decimal>()
            .map(Some)
            .map_err(|_| E::custom(format!("\"{s}\" is not a decimal number"))),
        other => Err(E::custom(format!("expected a number, got {other}"))),
    }
}

pub fn de_opt_dec<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<Decimal>, D::Error> {
    let v = <serde_json::Value as serde::Deserialize>::deserialize(d)?;
    value_to_decimal(v)
}

pub fn de_dec<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Decimal, D::Error> {
    let v = <serde_json::Value as serde::Deserialize>::deserialize(d)?;
    value_to_decimal(v)?.ok_or_else(|| serde::de::Error::custom("expected a number, got null"))
}

/// Money as a decimal string with at least two decimals (`40` → `"40.00"`), never rounded.
pub fn money(d: Decimal) -> String {
    let mut d = d.normalize();
    if d.scale() < 2 {
        d.rescale(2);
    }
    d.to_string()
}

pub fn ser_opt_money<S: Serializer>(d: &Option<Decimal>, s: S) -> Result<S::Ok, S::Error> {
    match d {
        Some(d) => s.serialize_str(&money(*d)),
        None => s.serialize_none(),
    }
}

/// A plain number for text: no trailing zeros (`25.00` → `25`, `12.50` → `12.5`).
pub fn plain(d: Decimal) -> String {
    d.normalize().to_string()
}

/// Appends `d` exactly as `Decimal`'s `Display` prints it (all `scale` digits after the point),
/// without going through the formatting machinery: the writers of plan.json and plan.csv call
/// this millions of times.
pub fn push_decimal(out: &mut Vec<u8>, d: Decimal) {
    let mut digits = [0u8; 40];
    let mantissa = d.mantissa().unsigned_abs();
    let mut len = 0;
    // Digits from the last, in the integer type given: most mantissas fit in 64 bits, whose
    // division by ten is a multiplication; a 128-bit one is a library call per digit.
    macro_rules! fill {
        ($n:expr) => {{
            let mut n = $n;
            loop {
                digits[digits.len() - 1 - len] = b'0' + (n % 10) as u8;
                n /= 10;
                len += 1;
                if n == 0 {
                    break;
                }
            }
        }};
    }
    match u64::try_from(mantissa) {
        Ok(n) => fill!(n),
        Err(_) => fill!(mantissa),
    }
    let digits = &digits[digits.len() - len..];
    if d.is_sign_negative() {
        out.push(b'-');
    }
    let scale = d.scale() as usize;
    if scale == 0 {
        out.extend_from_slice(digits);
    } else if len > scale {
        out.extend_from_slice(&digits[..len - scale]);
        out.push(b'.');
        out.extend_from_slice(&digits[len - scale..]);
    } else {
        out.extend_from_slice(b"0.");
        out.resize(out.len() + scale - len, b'0');
        out.extend_from_slice(digits);
    }
}

/// Appends `plain(d)`.
pub fn push_plain(out: &mut Vec<u8>, d: Decimal) {
    if d.is_zero() {
        // `Display` prints a negative zero as "-0"; keep whatever it prints.
        out.extend_from_slice(plain(d).as_bytes());
        return;
    }
    push_decimal(out, d.normalize());
}

/// Appends `money(d)`.
pub fn push_money(out: &mut Vec<u8>, d: Decimal) {
    if d.is_zero() {
        out.extend_from_slice(money(d).as_bytes());
        return;
    }
    let mut d = d.normalize();
    if d.scale() < 2 {
        d.rescale(2);
    }
    push_decimal(out, d);
}

/// Whether the shortest float that round-trips `d` prints the same digits in fixed notation:
/// at most 15 significant digits (every such decimal survives the trip through `f64`) and a
/// magnitude well inside the range where float printers use fixed notation.
fn prints_as_float_digits(d: Decimal) -> bool {
    const LIMIT: u128 = 1_000_000_000_000_000; // 10^15
    let m = d.mantissa().unsigned_abs();
    if m == 0 || m >= LIMIT {
        return false;
    }
    let digits = m.ilog10() as i32 + 1;
    // Exponent of the leading digit: 1234 (scale 2) is 1.234e1.
    let exp = digits - 1 - d.scale() as i32;
    (-4..=14).contains(&exp)
}

/// Appends what `ser_num` writes in JSON for `d`.
pub fn push_json_num(out: &mut Vec<u8>, d: Decimal) {
    let n = d.normalize();
    // Whole numbers print as integers, the others as their (short) float digits.
    let whole = n.scale() == 0 && !n.is_zero() && n.to_i64().is_some();
    if whole || (n.scale() > 0 && prints_as_float_digits(n)) {
        push_decimal(out, n);
    } else {
        out.extend_from_slice(to_json_number(d).to_string().as_bytes());
    }
}

/// Appends what `ser_opt_float` writes in JSON for `Some(d)`.
pub fn push_json_float(out: &mut Vec<u8>, d: Decimal) {
    let n = d.normalize();
    if prints_as_float_digits(n) {
        push_decimal(out, n);
        if n.scale() == 0 {
            out.extend_from_slice(b".0");
        }
        return;
    }
    match d
        .to_string()
        .parse::<f64>()
        .ok()
        .filter(|f| f.is_finite())
        .and_then(|f| serde_json::to_string(&f).ok())
    {
        Some(text) => out.extend_from_slice(text.as_bytes()),
        None => out.extend_from_slice(b"null"),
    }
}

/// `a × b`, saturating at the largest decimal instead of panicking (quantities and prices are
/// each capped at 1e15, so their product can exceed what a `Decimal` holds).
pub fn sat_mul(a: Decimal, b: Decimal) -> Decimal {
    a.checked_mul(b)
        .unwrap_or(if a.is_sign_negative() != b.is_sign_negative() {
            Decimal::MIN
        } else {
            Decimal::MAX
        })
}

/// `a + b`, saturating.
pub fn sat_add(a: Decimal, b: Decimal) -> Decimal {
    a.checked_add(b).unwrap_or(if b.is_sign_negative() {
        Decimal::MIN
    } else {
        Decimal::MAX
    })
}

/// Round half away from zero to `dp` decimals.
pub fn round(d: Decimal, dp: u32) -> Decimal {
    d.round_dp_with_strategy(dp, rust_decimal::RoundingStrategy::MidpointAwayFromZero)
}

/// Cut (towards zero) to `dp` decimals: used where showing a rounded-up value would cross a
/// rule boundary (a velocity of 0.099 shows as 0.09, not 0.10).
pub fn trunc(d: Decimal, dp: u32) -> Decimal {
    let scale = d.scale();
    if scale > dp && d.is_sign_positive() {
        // The cut of a positive decimal is an integer division of its mantissa: several times
        // quicker than `round_dp_with_strategy` on the 28-digit quotients velocities have (a
        // plan line's why cuts its velocity each time a plan file is written).
        let q = d.mantissa() / 10i128.pow(scale - dp);
        return Decimal::from_i128_with_scale(q, dp);
    }
    d.round_dp_with_strategy(dp, rust_decimal::RoundingStrategy::ToZero)
}

/// Parse a decimal literal in tests and examples (`d("19.99")`).
#[cfg(test)]
pub(crate) fn d(s: &str) -> Decimal {
    s.parse().expect("test literal")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_largest_decimal_written_as_a_float_reads_back() {
        #[derive(serde::Serialize, serde::Deserialize)]
        struct V(
            #[serde(serialize_with = "ser_opt_float", deserialize_with = "de_opt_dec")]
            Option<Decimal>,
        );
        for d in [Decimal::MAX, Decimal::MIN] {
            let text = serde_json::to_string(&V(Some(d))).expect("written");
            let back: V = serde_json::from_str(&text).expect("read back");
            assert_eq!(back.0, Some(d), "{text}");
        }
        // Other numbers out of range are still refused.
        assert!(serde_json::from_str::<V>("1e29").is_err());
        assert!(serde_json::from_str::<V>("-8e28").is_err());
    }

    #[test]
    fn trunc_cuts_as_round_dp_to_zero_does() {
        let mut values: Vec<Decimal> = vec![
            Decimal::ZERO,
            Decimal::MAX,
            Decimal::MIN,
            d("0.099"),
            d("0.0999999999999999999999999999"),
            d("-0.001"),
            d("-1.999"),
            d("12.5"),
            d("7"),
        ];
        for (a, b) in [
            (1, 3),
            (2, 3),
            (1, 7),
            (22, 7),
            (5, 9000),
            (123457, 11),
            (1, 1000003),
        ] {
            values.push(Decimal::from(a) / Decimal::from(b));
            values.push(-Decimal::from(a) / Decimal::from(b));
        }
        let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
        for _ in 0..2000 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let m = i128::from(x >> 1) * if x & 1 == 0 { 1 } else { -1 };
            values.push(Decimal::from_i128_with_scale(m, (x % 29) as u32));
        }
        for v in values {
            for dp in 0..6 {
                let want = v.round_dp_with_strategy(dp, rust_decimal::RoundingStrategy::ToZero);
                let got = trunc(v, dp);
                assert_eq!(got, want, "{v} to {dp}");
                assert_eq!(got.to_string(), want.to_string(), "{v} to {dp}");
                assert_eq!(format!("{got:.2}"), format!("{want:.2}"), "{v} to {dp}");
            }
        }
    }

    #[test]
    fn money_keeps_two_decimals_at_least() {
        assert_eq!(money(d("40")), "40.00");
        assert_eq!(money(d("19.9")), "19.90");
        assert_eq!(money(d("1.2345")), "1.2345");
    }

    /// Every shape of decimal the fast printers take, against the printers they replace.
    fn fast_printers_agree(d: Decimal) {
        let text = |f: fn(&mut Vec<u8>, Decimal)| {
            let mut out = Vec::new();
            f(&mut out, d);
            String::from_utf8(out).unwrap()
        };
        assert_eq!(text(push_decimal), d.to_string(), "{d:?}");
        assert_eq!(text(push_plain), plain(d), "{d:?}");
        assert_eq!(text(push_money), money(d), "{d:?}");
        assert_eq!(text(push_json_num), to_json_number(d).to_string(), "{d:?}");
        let mut via_serde = Vec::new();
        ser_opt_float(&Some(d), &mut serde_json::Serializer::new(&mut via_serde)).unwrap();
        assert_eq!(
            text(push_json_float),
            String::from_utf8(via_serde).unwrap(),
            "{d:?}"
        );
    }

    #[test]
    fn fast_printers_match_past_64_bit_mantissas() {
        for d in [
            Decimal::MAX,
            Decimal::MIN,
            Decimal::ONE / Decimal::from(3),
            -Decimal::from(22) / Decimal::from(7),
            Decimal::from_i128_with_scale(i128::from(u64::MAX), 4),
            Decimal::from_i128_with_scale(i128::from(u64::MAX) + 1, 2),
        ] {
            fast_printers_agree(d);
        }
    }

    #[test]
    fn fast_printers_match_the_serde_printers() {
        for s in [
            "0",
            "-0",
            "0.00",
            "-0.00",
            "1",
            "-1",
            "40",
            "40.00",
            "19.9",
            "1.2345",
            "0.5",
            "0.0001",
            "0.00001",
            "0.000001",
            "0.00012345",
            "123456789012345",
            "1234567890123456",
            "12345678901234.5",
            "99999999999999.99",
            "100000000000000",
            "1e15",
            "1e16",
            "1e20",
            "9223372036854775807",
            "9223372036854775808",
            "-9223372036854775809",
            "79228162514264337593543950335",
            "-79228162514264337593543950335",
            "0.0000000000000000000000000001",
            "26.67",
            "-26.67",
            "0.1",
            "0.3333333333333333",
            "1000",
            "1000.000",
            "0.099",
            "25.00",
        ] {
            let d = Decimal::from_scientific(s).or_else(|_| s.parse()).unwrap();
            fast_printers_agree(d);
        }
    }

    #[test]
    fn fast_printers_match_on_many_values() {
        // A deterministic walk over mantissas and scales (no rand dependency).
        let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
        for _ in 0..200_000 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let digits = (x % 20) as u32;
            let m = (x >> 8) % 10u64.pow(digits.max(1));
            let scale = ((x >> 3) % 12) as u32;
            let mut d = Decimal::from_i128_with_scale(m as i128, scale);
            if x & 1 == 1 {
                d.set_sign_negative(true);
            }
            fast_printers_agree(d);
        }
    }

    #[test]
    fn json_numbers_are_whole_or_short() {
        assert_eq!(to_json_number(d("25.00")).to_string(), "25");
        assert_eq!(to_json_number(d("26.67")).to_string(), "26.67");
        assert_eq!(to_json_number(d("0.0")).to_string(), "0");
    }
}
