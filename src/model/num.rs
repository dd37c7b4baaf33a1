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

/// Read back a number written by `ser_num`/`ser_opt_float`, or a decimal string (`"40.00"`).
fn value_to_decimal<E: serde::de::Error>(v: serde_json::Value) -> Result<Option<Decimal>, E> {
    match v {
        serde_json::Value::Null => Ok(None),
        serde_json::Value::Number(n) => n
            .to_string()
            .parse::<Decimal>()
            .or_else(|_| Decimal::from_scientific(&n.to_string()))
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
    fn money_keeps_two_decimals_at_least() {
        assert_eq!(money(d("40")), "40.00");
        assert_eq!(money(d("19.9")), "19.90");
        assert_eq!(money(d("1.2345")), "1.2345");
    }

    #[test]
    fn json_numbers_are_whole_or_short() {
        assert_eq!(to_json_number(d("25.00")).to_string(), "25");
        assert_eq!(to_json_number(d("26.67")).to_string(), "26.67");
        assert_eq!(to_json_number(d("0.0")).to_string(), "0");
    }
}
