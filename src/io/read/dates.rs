//! Dates as exports write them: ISO (`2026-11-22`, `2025-05-11 09:55:16 -0400`, `...T08:00:00Z`),
//! US `11/8/2016 10:42`, European `22.11.2026`, and Excel serial numbers.

use chrono::{Datelike, NaiveDate};

/// The order of a slashed date's first two numbers (`--date-order`, `date_order`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DateOrder {
    /// Day first: `05/11/2026` is 5 November (European exports).
    Dmy,
    /// Month first: `05/11/2026` is 11 May (US exports).
    Mdy,
}

impl DateOrder {
    pub fn parse(s: &str) -> Option<DateOrder> {
        match s.trim().to_ascii_lowercase().as_str() {
            "dmy" => Some(DateOrder::Dmy),
            "mdy" => Some(DateOrder::Mdy),
            _ => None,
        }
    }
    pub fn as_str(self) -> &'static str {
        match self {
            DateOrder::Dmy => "dmy",
            DateOrder::Mdy => "mdy",
        }
    }
    /// How a message names it.
    pub fn describe(self) -> &'static str {
        match self {
            DateOrder::Dmy => "day first (D/M/Y)",
            DateOrder::Mdy => "month first (M/D/Y)",
        }
    }
}

/// A date text as read on its own: a full date, or a slashed `NN/NN/YYYY` whose order the
/// column decides.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DateText {
    Date(NaiveDate),
    /// `first/second/year`, both numbers 1 to 31 and at least one of them 12 or less.
    Slashed {
        first: u8,
        second: u8,
        year: i32,
    },
    Unreadable,
}

impl DateText {
    /// The date under `order` (`None` when that reading is not a real day, like 02/30).
    pub fn date(self, order: DateOrder) -> Option<NaiveDate> {
        match self {
            DateText::Date(d) => Some(d),
            DateText::Slashed {
                first,
                second,
                year,
            } => {
                let (m, d) = match order {
                    DateOrder::Mdy => (first, second),
                    DateOrder::Dmy => (second, first),
                };
                NaiveDate::from_ymd_opt(year, u32::from(m), u32::from(d))
            }
            DateText::Unreadable => None,
        }
    }
    /// The order this value alone decides, if any: a first number above 12 can only be a day,
    /// provided the value is a real date in that order (`02/30/2026` decides nothing: it is
    /// no date either way, a slip rather than proof).
    pub fn evidence(self) -> Option<DateOrder> {
        let order = match self {
            DateText::Slashed { first, .. } if first > 12 => DateOrder::Dmy,
            DateText::Slashed { second, .. } if second > 12 => DateOrder::Mdy,
            _ => return None,
        };
        self.date(order).map(|_| order)
    }
}

/// Parse the date part of a date or date-time text, reading a slashed date month first unless
/// its first number is above 12 (one value on its own; columns of sales dates are decided as a
/// whole by [`ColumnOrder`]).
pub fn parse_date(raw: &str) -> Option<NaiveDate> {
    let text = read_date(raw);
    match text.evidence() {
        Some(order) => text.date(order),
        None => text.date(DateOrder::Mdy),
    }
}

/// Read the date part of a date or date-time text; the time and any UTC offset are ignored (an
/// order placed at 23:30 local time counts for that local day).
///
/// Year-first dates (`2026-11-22`, `2026/11/22`) and dotted or dashed day-first dates
/// (`22.11.2026`, `22-11-2026`) are dates on their own; slashed `NN/NN/YYYY` (or `NN/NN/YY`)
/// dates are [`DateText::Slashed`]: which number is the month is the column's decision.
pub fn read_date(raw: &str) -> DateText {
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
        return full(NaiveDate::from_ymd_opt(n(0..4) as i32, n(5..7), n(8..10)));
    }
    read_other(s).unwrap_or(DateText::Unreadable)
}

fn full(d: Option<NaiveDate>) -> DateText {
    d.map_or(DateText::Unreadable, DateText::Date)
}

fn read_other(s: &str) -> Option<DateText> {
    let date_part = s.split([' ', 'T']).next()?;
    if date_part.len() < 6 {
        return None;
    }
    let parts: Vec<&str> = date_part.split(['-', '/', '.']).collect();
    if parts.len() != 3
        || parts
            .iter()
            .any(|p| p.is_empty() || p.len() > 4 || !p.bytes().all(|b| b.is_ascii_digit()))
    {
        return None;
    }
    let n: Vec<i64> = parts.iter().filter_map(|p| p.parse().ok()).collect();
    if n.len() != 3 {
        return None;
    }
    let sep = date_part.chars().find(|c| matches!(c, '-' | '/' | '.'))?;
    let ymd = |y: i64, m: i64, d: i64| {
        full(NaiveDate::from_ymd_opt(
            i32::try_from(y).ok()?,
            u32::try_from(m).ok()?,
            u32::try_from(d).ok()?,
        ))
        .into()
    };
    if parts[0].len() == 4 {
        return ymd(n[0], n[1], n[2]);
    }
    if parts[2].len() != 4 && parts[2].len() != 2 {
        return None;
    }
    let year = if parts[2].len() == 2 {
        2000 + n[2]
    } else {
        n[2]
    };
    if sep != '/' {
        return ymd(year, n[1], n[0]);
    }
    let (first, second) = (u8::try_from(n[0]).ok()?, u8::try_from(n[1]).ok()?);
    if first == 0 || second == 0 || first > 31 || second > 31 || (first > 12 && second > 12) {
        return None;
    }
    Some(DateText::Slashed {
        first,
        second,
        year: i32::try_from(year).ok()?,
    })
}

/// A cell of a date column that decided its order: its row and text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Evidence {
    pub row: usize,
    pub text: String,
}

/// Two cells of one column that cannot both be read: one only day first, one only month first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrderConflict {
    pub day_first: Evidence,
    pub month_first: Evidence,
}

/// The order of one column's slashed dates, decided from all its values: a first number above
/// 12 decides day first for the whole column, a second number above 12 month first, both is a
/// conflict. Values whose two numbers are 12 or less are ambiguous until something decides.
#[derive(Debug, Clone, Default)]
pub struct ColumnOrder {
    day_first: Option<Evidence>,
    month_first: Option<Evidence>,
    /// Slashed values with both numbers 12 or less (read either way).
    pub ambiguous: u64,
    /// The first of them: row and text.
    pub first_ambiguous: Option<Evidence>,
}

impl ColumnOrder {
    /// Take in one value (`row` and `text` name the cell in a conflict); returns the column's
    /// order once decided.
    pub fn observe(
        &mut self,
        value: DateText,
        row: usize,
        text: &str,
    ) -> Result<Option<DateOrder>, Box<OrderConflict>> {
        match value.evidence() {
            Some(DateOrder::Dmy) if self.day_first.is_none() => {
                self.day_first = Some(Evidence {
                    row,
                    text: text.trim().to_string(),
                });
            }
            Some(DateOrder::Mdy) if self.month_first.is_none() => {
                self.month_first = Some(Evidence {
                    row,
                    text: text.trim().to_string(),
                });
            }
            Some(_) => {}
            None if matches!(value, DateText::Slashed { .. }) => {
                self.ambiguous += 1;
                if self.first_ambiguous.is_none() {
                    self.first_ambiguous = Some(Evidence {
                        row,
                        text: text.trim().to_string(),
                    });
                }
            }
            None => {}
        }
        match (&self.day_first, &self.month_first) {
            (Some(d), Some(m)) => Err(Box::new(OrderConflict {
                day_first: d.clone(),
                month_first: m.clone(),
            })),
            _ => Ok(self.decided()),
        }
    }

    /// The order the column's own values decide, if they do.
    pub fn decided(&self) -> Option<DateOrder> {
        match (&self.day_first, &self.month_first) {
            (Some(_), None) => Some(DateOrder::Dmy),
            (None, Some(_)) => Some(DateOrder::Mdy),
            _ => None,
        }
    }

    /// The cell that decided the column.
    pub fn deciding_cell(&self) -> Option<&Evidence> {
        self.day_first.as_ref().or(self.month_first.as_ref())
    }
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
mod evidence_tests {
    use super::*;

    #[test]
    fn an_impossible_date_decides_nothing() {
        assert_eq!(read_date("20/11/2026").evidence(), Some(DateOrder::Dmy));
        assert_eq!(read_date("11/20/2026").evidence(), Some(DateOrder::Mdy));
        // 30 February is no date month first, and 2 of month 30 is none day first.
        assert_eq!(read_date("02/30/2026").evidence(), None);
        assert_eq!(read_date("31/02/2026").evidence(), None);
    }
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

    fn slashed(first: u8, second: u8) -> DateText {
        DateText::Slashed {
            first,
            second,
            year: 2026,
        }
    }

    #[test]
    fn slashed_dates_wait_for_their_column() {
        assert_eq!(read_date("05/11/2026"), slashed(5, 11));
        assert_eq!(read_date(" 20/11/26 10:42"), slashed(20, 11));
        assert_eq!(read_date("2026-11-05"), DateText::Date(ymd(2026, 11, 5)));
        assert_eq!(read_date("05.11.2026"), DateText::Date(ymd(2026, 11, 5)));
        assert_eq!(read_date("13/13/2026"), DateText::Unreadable);
        assert_eq!(read_date("00/11/2026"), DateText::Unreadable);
        assert_eq!(slashed(5, 11).evidence(), None);
        assert_eq!(slashed(20, 11).evidence(), Some(DateOrder::Dmy));
        assert_eq!(slashed(11, 20).evidence(), Some(DateOrder::Mdy));
        assert_eq!(slashed(5, 11).date(DateOrder::Dmy), Some(ymd(2026, 11, 5)));
        assert_eq!(slashed(5, 11).date(DateOrder::Mdy), Some(ymd(2026, 5, 11)));
        assert_eq!(slashed(2, 30).date(DateOrder::Mdy), None);
    }

    #[test]
    fn one_day_first_value_decides_the_whole_column() {
        let mut col = ColumnOrder::default();
        assert_eq!(col.observe(slashed(5, 11), 2, "05/11/2026"), Ok(None));
        assert_eq!(col.observe(slashed(2, 10), 3, "02/10/2026"), Ok(None));
        assert_eq!(
            col.observe(slashed(20, 11), 4, "20/11/2026"),
            Ok(Some(DateOrder::Dmy))
        );
        // Later ambiguous values keep the decision.
        assert_eq!(
            col.observe(slashed(1, 12), 5, "01/12/2026"),
            Ok(Some(DateOrder::Dmy))
        );
        assert_eq!(col.ambiguous, 3);
        assert_eq!(col.deciding_cell().map(|e| e.row), Some(4));
        // ISO dates decide nothing.
        assert_eq!(
            col.observe(DateText::Date(ymd(2026, 11, 5)), 6, "2026-11-05"),
            Ok(Some(DateOrder::Dmy))
        );
    }

    #[test]
    fn one_month_first_value_decides_the_whole_column() {
        let mut col = ColumnOrder::default();
        assert_eq!(col.observe(slashed(11, 5), 2, "11/05/2026"), Ok(None));
        assert_eq!(
            col.observe(slashed(11, 25), 3, "11/25/2026"),
            Ok(Some(DateOrder::Mdy))
        );
    }

    #[test]
    fn a_column_written_both_ways_names_both_cells() {
        let mut col = ColumnOrder::default();
        col.observe(slashed(20, 11), 3, "20/11/2026").unwrap();
        let err = col.observe(slashed(11, 25), 7, " 11/25/2026").unwrap_err();
        assert_eq!(
            *err,
            OrderConflict {
                day_first: Evidence {
                    row: 3,
                    text: "20/11/2026".into()
                },
                month_first: Evidence {
                    row: 7,
                    text: "11/25/2026".into()
                },
            }
        );
    }

    #[test]
    fn an_ambiguous_column_stays_undecided() {
        let mut col = ColumnOrder::default();
        for (row, v) in [(2, slashed(5, 11)), (3, slashed(2, 10))] {
            assert_eq!(col.observe(v, row, "x"), Ok(None));
        }
        assert_eq!(col.decided(), None);
        assert_eq!(col.ambiguous, 2);
        assert_eq!(col.first_ambiguous.as_ref().map(|e| e.row), Some(2));
        // One value alone still reads month first, as before.
        assert_eq!(parse_date("05/11/2026"), Some(ymd(2026, 5, 11)));
    }

    #[test]
    fn serials() {
        assert_eq!(from_excel_serial(46348.0), Some(ymd(2026, 11, 22)));
        assert_eq!(to_excel_serial(ymd(2026, 11, 22)), 46348.0);
        assert_eq!(iso_week(ymd(2026, 11, 22)), "2026-W47");
    }
}
