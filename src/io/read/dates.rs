//! Dates as exports write them: ISO (`2026-11-22`, `2025-05-11 09:55:16 -0400`, `...T08:00:00Z`),
//! US `11/8/2016 10:42`, European `22.11.2026`, and Excel serial numbers.

use chrono::{Datelike, NaiveDate};

/// Parse the date part of a date or date-time text; the time and any UTC offset are ignored (an
/// order placed at 23:30 local time counts for that local day).
///
/// Slashed dates are read month first (`11/8/2016` is 8 November, as US exports write them)
/// unless the first number is above 12 (`22/11/2026`).
pub fn parse_date(raw: &str) -> Option<NaiveDate> {
    let s = raw.trim();
    // Fast path for ISO `YYYY-MM-DD...`, what most order exports write (millions of lines).
    let b = s.as_bytes();
    if b.len() >= 10
        && b[4] == b'-'
        && b[7] == b'-'
        && (b.len() == 10 || matches!(b[10], b' ' | b'T'))
        && b[..4]
            .iter()
            .chain(&b[5..7])
            .chain(&b[8..10])
            .all(u8::is_ascii_digit)
    {
        let n =
            |r: std::ops::Range<usize>| b[r].iter().fold(0u32, |a, d| a * 10 + u32::from(d - b'0'));
        return NaiveDate::from_ymd_opt(n(0..4) as i32, n(5..7), n(8..10));
    }
    let date_part = s.split([' ', 'T']).next()?;
    if date_part.len() < 6 {
        return None;
    }
    let parts: Vec<&str> = date_part.split(['-', '/', '.']).collect();
    if parts.len() != 3
        || parts
            .iter()
            .any(|p| p.is_empty() || !p.bytes().all(|b| b.is_ascii_digit()))
    {
        return None;
    }
    let n: Vec<i64> = parts.iter().filter_map(|p| p.parse().ok()).collect();
    if n.len() != 3 {
        return None;
    }
    let sep = date_part.chars().find(|c| matches!(c, '-' | '/' | '.'))?;
    let (y, m, d) = if parts[0].len() == 4 {
        (n[0], n[1], n[2])
    } else if parts[2].len() == 4 || parts[2].len() == 2 {
        let year = if parts[2].len() == 2 {
            2000 + n[2]
        } else {
            n[2]
        };
        match sep {
            '/' if n[0] <= 12 => (year, n[0], n[1]),
            _ => (year, n[1], n[0]),
        }
    } else {
        return None;
    };
    NaiveDate::from_ymd_opt(
        i32::try_from(y).ok()?,
        u32::try_from(m).ok()?,
        u32::try_from(d).ok()?,
    )
}

fn excel_epoch() -> NaiveDate {
    NaiveDate::from_ymd_opt(1899, 12, 30).unwrap_or_default()
}

/// An Excel serial day number (1900 date system) as a date.
pub fn from_excel_serial(serial: f64) -> Option<NaiveDate> {
    if !serial.is_finite() || !(1.0..2_958_466.0).contains(&serial) {
        return None;
    }
    excel_epoch().checked_add_signed(chrono::Duration::days(serial.floor() as i64))
}

pub fn to_excel_serial(date: NaiveDate) -> f64 {
    (date - excel_epoch()).num_days() as f64
}

/// ISO year and week (`2026-W47`).
pub fn iso_week(date: NaiveDate) -> String {
    let w = date.iso_week();
    format!("{}-W{:02}", w.year(), w.week())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ymd(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn formats() {
        assert_eq!(parse_date("2026-11-22"), Some(ymd(2026, 11, 22)));
        assert_eq!(
            parse_date("2025-05-11 09:55:16 -0400"),
            Some(ymd(2025, 5, 11))
        );
        assert_eq!(parse_date("2026-11-22T08:00:00Z"), Some(ymd(2026, 11, 22)));
        assert_eq!(parse_date("11/8/2016"), Some(ymd(2016, 11, 8)));
        assert_eq!(parse_date("10/31/2011 10:42"), Some(ymd(2011, 10, 31)));
        assert_eq!(parse_date("22/11/2026"), Some(ymd(2026, 11, 22)));
        assert_eq!(parse_date("22.11.2026"), Some(ymd(2026, 11, 22)));
        assert_eq!(parse_date("2026/11/22"), Some(ymd(2026, 11, 22)));
        assert_eq!(parse_date("yesterday"), None);
        assert_eq!(parse_date("2026-13-01"), None);
    }

    #[test]
    fn serials() {
        assert_eq!(from_excel_serial(46348.0), Some(ymd(2026, 11, 22)));
        assert_eq!(to_excel_serial(ymd(2026, 11, 22)), 46348.0);
        assert_eq!(iso_week(ymd(2026, 11, 22)), "2026-W47");
    }
}
