//! Numbers as merchants' files write them: currency symbols, thousands separators, decimal
//! commas (`1.234,50 €`, `$1,234.50`, `1 234,50`, `CHF 1'234.50`, `(5.00)`).

use rust_decimal::Decimal;
use std::str::FromStr;

/// Why a cell is not a usable number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NumError {
    /// Text that is not a number at all (`lots`, `n/a`).
    NotANumber,
    /// NaN, infinite, or beyond 1e15 in magnitude.
    OutOfRange,
}

/// Largest magnitude accepted for any number (SPEC section 7: beyond 1e15 is out of range).
pub fn limit() -> Decimal {
    Decimal::from(1_000_000_000_000_000i64)
}

fn is_currency_char(c: char) -> bool {
    matches!(
        c,
        '€' | '$'
            | '£'
            | '¥'
            | '₹'
            | '₽'
            | '₺'
            | '₩'
            | '₪'
            | '₫'
            | '₴'
            | '₦'
            | '฿'
            | '¢'
            | '₱'
            | '₡'
            | '₲'
            | '₵'
            | '₸'
            | '%'
    ) || c.is_whitespace()
        || c == '\u{a0}'
        || c == '\u{202f}'
}

/// Currency codes and words that may stand before or after an amount.
const CURRENCY_WORDS: &[&str] = &[
    "eur", "usd", "gbp", "chf", "sek", "nok", "dkk", "pln", "czk", "huf", "jpy", "cad", "aud",
    "nzd", "brl", "mxn", "zar", "inr", "cny", "rmb", "ron", "bgn", "try", "isk", "r", "r$", "kr",
    "kr.", "zł", "zl", "kč", "kc", "fr", "fr.", "sfr", "lei", "ft", "us$", "c$", "a$", "rs", "rs.",
];

fn strip_currency_words(s: &str) -> Result<&str, NumError> {
    let is_word = |c: char| c.is_alphabetic() || c == '$' || c == '.';
    let mut body = s;
    // Leading word.
    let lead: usize = body
        .char_indices()
        .find(|(_, c)| !is_word(*c))
        .map(|(i, _)| i)
        .unwrap_or(body.len());
    if lead > 0 && body[..lead].chars().any(char::is_alphabetic) {
        if !CURRENCY_WORDS.contains(&body[..lead].to_lowercase().as_str()) {
            return Err(NumError::NotANumber);
        }
        body = body[lead..].trim_matches(is_currency_char);
    }
    // Trailing word.
    let tail = body
        .char_indices()
        .rev()
        .take_while(|(_, c)| is_word(*c))
        .last()
        .map(|(i, _)| i)
        .unwrap_or(body.len());
    if tail < body.len() && body[tail..].chars().any(char::is_alphabetic) {
        let word = body[tail..].trim_start_matches('.');
        if !CURRENCY_WORDS.contains(&word.to_lowercase().as_str()) {
            return Err(NumError::NotANumber);
        }
        body = body[..tail].trim_matches(is_currency_char);
    }
    Ok(body)
}

/// Parse a number cell. `Ok(None)` is an empty cell. `decimal_comma` settles the ambiguous
/// cases (`1,234` and `1.234`): with it, a comma is the decimal mark.
pub fn parse_number(raw: &str, decimal_comma: bool) -> Result<Option<Decimal>, NumError> {
    let s = raw.trim_matches(|c: char| c.is_whitespace() || c == '\u{a0}' || c == '\u{202f}');
    if s.is_empty() {
        return Ok(None);
    }
    // Fast path: a plain whole number (sales quantities, stock), no allocation.
    let digits = s.strip_prefix('-').unwrap_or(s);
    if !digits.is_empty() && digits.len() <= 15 && digits.bytes().all(|b| b.is_ascii_digit()) {
        let n = digits
            .bytes()
            .fold(0i64, |a, d| a * 10 + i64::from(d - b'0'));
        return Ok(Some(Decimal::from(if s.starts_with('-') { -n } else { n })));
    }
    let lower = s.to_ascii_lowercase();
    if matches!(
        lower.trim_start_matches(['-', '+']),
        "nan" | "inf" | "infinity" | "1.#inf" | "1.#qnan"
    ) {
        return Err(NumError::OutOfRange);
    }
    // Strip currency symbols and codes around the number, keep an exponent inside it. Only
    // known currency words are stripped: `1O` or `12abc` is a typo, not a number.
    let mut body = strip_currency_words(s.trim_matches(is_currency_char))?;
    let mut negative = false;
    if body.starts_with('(') && body.ends_with(')') && body.len() > 2 {
        negative = true;
        body = body[1..body.len() - 1].trim_matches(is_currency_char);
    }
    if let Some(rest) = body.strip_prefix('-') {
        negative = !negative;
        body = rest.trim_start_matches(is_currency_char);
    } else if let Some(rest) = body.strip_prefix('+') {
        body = rest.trim_start_matches(is_currency_char);
    } else if let Some(rest) = body.strip_suffix('-') {
        negative = !negative;
        body = rest.trim_end_matches(is_currency_char);
    }
    if body.is_empty() || !body.starts_with(|c: char| c.is_ascii_digit() || c == '.' || c == ',') {
        return Err(NumError::NotANumber);
    }
    // Digits, separators and an optional exponent only.
    let mut cleaned = String::with_capacity(body.len());
    for c in body.chars() {
        match c {
            '0'..='9' | '.' | ',' | 'e' | 'E' | '+' | '-' => cleaned.push(c),
            ' ' | '\u{a0}' | '\u{202f}' | '\'' | '’' | '_' => {}
            _ => return Err(NumError::NotANumber),
        }
    }
    let (mantissa, exponent) = match cleaned.find(['e', 'E']) {
        Some(i) => (&cleaned[..i], Some(&cleaned[i + 1..])),
        None => (cleaned.as_str(), None),
    };
    if mantissa.contains(['+', '-']) {
        return Err(NumError::NotANumber);
    }
    let normalised = normalise_separators(mantissa, decimal_comma)?;
    let value = match exponent {
        None => Decimal::from_str(&normalised).map_err(|_| NumError::OutOfRange)?,
        Some(exp) => {
            let exp: i32 = exp.parse().map_err(|_| NumError::NotANumber)?;
            if !(-28..=15).contains(&exp) {
                // Too large for any quantity or price (or too small to matter).
                let mantissa = Decimal::from_str(&normalised).map_err(|_| NumError::NotANumber)?;
                if mantissa.is_zero() {
                    return Ok(Some(Decimal::ZERO));
                }
                if exp > 15 {
                    return Err(NumError::OutOfRange);
                }
                return Ok(Some(Decimal::ZERO));
            }
            Decimal::from_scientific(&format!("{normalised}e{exp}"))
                .map_err(|_| NumError::OutOfRange)?
        }
    };
    if value.abs() > limit() {
        return Err(NumError::OutOfRange);
    }
    Ok(Some(if negative { -value } else { value }))
}

/// Turn `1.234,50` / `1,234.50` / `1234,5` into `1234.50` style text.
fn normalise_separators(m: &str, decimal_comma: bool) -> Result<String, NumError> {
    if m.is_empty() || !m.chars().any(|c| c.is_ascii_digit()) {
        return Err(NumError::NotANumber);
    }
    let dots = m.matches('.').count();
    let commas = m.matches(',').count();
    let grouped = |sep: char| -> bool {
        // `1,234` or `12,345,678`: groups of three after a 1-3 digit head that is not 0.
        let parts: Vec<&str> = m.split(sep).collect();
        parts.len() >= 2
            && (1..=3).contains(&parts[0].len())
            && parts[0] != "0"
            && parts[1..].iter().all(|p| p.len() == 3)
    };
    let out = match (dots, commas) {
        (0, 0) => m.to_string(),
        (_, 0) if dots > 1 => {
            if !grouped('.') {
                return Err(NumError::NotANumber);
            }
            m.replace('.', "")
        }
        (1, 0) => {
            if decimal_comma && grouped('.') {
                m.replace('.', "")
            } else {
                m.to_string()
            }
        }
        (0, _) if commas > 1 => {
            if !grouped(',') {
                return Err(NumError::NotANumber);
            }
            m.replace(',', "")
        }
        (0, 1) => {
            if !decimal_comma && grouped(',') {
                m.replace(',', "")
            } else {
                m.replace(',', ".")
            }
        }
        _ => {
            // Both: the last one is the decimal mark.
            let last_dot = m.rfind('.').unwrap_or(0);
            let last_comma = m.rfind(',').unwrap_or(0);
            if last_comma > last_dot {
                if commas > 1 {
                    return Err(NumError::NotANumber);
                }
                m.replace('.', "").replace(',', ".")
            } else {
                if dots > 1 {
                    return Err(NumError::NotANumber);
                }
                m.replace(',', "")
            }
        }
    };
    if out.starts_with('.') {
        return Ok(format!("0{out}"));
    }
    Ok(out)
}

/// A float from a spreadsheet cell as the decimal it displays (19.99, not 19.989999…).
pub fn decimal_from_f64(f: f64) -> Result<Decimal, NumError> {
    if !f.is_finite() {
        return Err(NumError::OutOfRange);
    }
    if f.abs() > 1e15 {
        return Err(NumError::OutOfRange);
    }
    let text = format!("{f}");
    Decimal::from_str(&text)
        .or_else(|_| Decimal::from_scientific(&text))
        .map_err(|_| NumError::OutOfRange)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str, comma: bool) -> Option<Decimal> {
        parse_number(s, comma).unwrap()
    }
    fn d(s: &str) -> Option<Decimal> {
        Some(s.parse().unwrap())
    }

    #[test]
    fn plain_and_currency() {
        assert_eq!(p("19.99", false), d("19.99"));
        assert_eq!(p("$1,234.50", false), d("1234.50"));
        assert_eq!(p("1.234,50 €", false), d("1234.50"));
        assert_eq!(p("€ 8,00", true), d("8.00"));
        assert_eq!(p("12,90", false), d("12.90"));
        assert_eq!(p("1 234,50", true), d("1234.50"));
        assert_eq!(p("CHF 1'234.50", false), d("1234.50"));
        assert_eq!(p("30.0", false), d("30.0"));
        assert_eq!(p("(5.00)", false), d("-5.00"));
        assert_eq!(p("-5", false), d("-5"));
        assert_eq!(p("", false), None);
        assert_eq!(p("  ", false), None);
        assert_eq!(p("25 EUR", false), d("25"));
        assert_eq!(p("R$ 10,50", true), d("10.50"));
    }

    #[test]
    fn ambiguous_grouping_follows_the_file() {
        assert_eq!(p("1,234", false), d("1234"));
        assert_eq!(p("1,234", true), d("1.234"));
        assert_eq!(p("1.234", true), d("1234"));
        assert_eq!(p("1.234", false), d("1.234"));
        assert_eq!(p("0.068357", true), d("0.068357"));
        assert_eq!(p("5.5", true), d("5.5"));
    }

    #[test]
    fn rejects_text_and_out_of_range() {
        assert_eq!(parse_number("lots", false), Err(NumError::NotANumber));
        assert_eq!(parse_number("n/a", false), Err(NumError::NotANumber));
        assert_eq!(parse_number("NaN", false), Err(NumError::OutOfRange));
        assert_eq!(parse_number("-inf", false), Err(NumError::OutOfRange));
        assert_eq!(parse_number("1e308", false), Err(NumError::OutOfRange));
        assert_eq!(
            parse_number("2000000000000000", false),
            Err(NumError::OutOfRange)
        );
        assert_eq!(parse_number("1.2.3,4,5", false), Err(NumError::NotANumber));
        assert_eq!(parse_number("12abc34", false), Err(NumError::NotANumber));
        assert_eq!(parse_number("1O", false), Err(NumError::NotANumber));
        assert_eq!(parse_number("12abc", false), Err(NumError::NotANumber));
        assert_eq!(parse_number("e5", false), Err(NumError::NotANumber));
        assert_eq!(parse_number("lots", false), Err(NumError::NotANumber));
    }

    #[test]
    fn scientific_notation() {
        assert_eq!(p("3.65275E+11", false), d("365275000000"));
        assert_eq!(p("1e3", false), d("1000"));
    }

    #[test]
    fn floats_from_cells() {
        assert_eq!(decimal_from_f64(19.99).unwrap().to_string(), "19.99");
        assert_eq!(decimal_from_f64(30.0).unwrap().to_string(), "30");
        assert!(decimal_from_f64(f64::NAN).is_err());
        assert!(decimal_from_f64(1e308).is_err());
    }
}
