//! Markdowns a shop already runs, as its export shows them (SPEC section 2): which price the
//! customer pays today, given the regular price, the platform's sale fields and the as-of date.
//! Pure: no I/O; the catalog reader parses the cells and reports what is returned here.

use chrono::NaiveDate;
use rust_decimal::{Decimal, RoundingStrategy};

/// What a row's sale fields say about the as-of date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Markdown {
    /// No markdown (blank, zero, or not below the regular price).
    None,
    /// The customer pays this price today.
    Live(Decimal),
    /// A sale that starts after the as-of date: not live yet.
    Pending(NaiveDate),
    /// A sale that ended before the as-of date.
    Ended(NaiveDate),
    /// A sale price at or above the regular price: no markdown, but worth a warning.
    NotBelowRegular(Decimal),
}

/// A sale price with its optional window (WooCommerce `Sale price` and its dates, Magento
/// `special_price` and its dates, a generic `sale_price`): live when it is below the regular
/// price and the window holds the as-of date (a blank end is open; both ends included).
pub fn sale_price(
    regular: Decimal,
    sale: Option<Decimal>,
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
    as_of: NaiveDate,
) -> Markdown {
    let Some(sale) = sale.filter(|s| *s > Decimal::ZERO) else {
        return Markdown::None;
    };
    if sale >= regular {
        return Markdown::NotBelowRegular(sale);
    }
    if let Some(f) = from.filter(|f| *f > as_of) {
        return Markdown::Pending(f);
    }
    if let Some(t) = to.filter(|t| *t < as_of) {
        return Markdown::Ended(t);
    }
    debug_assert!(window_holds(from, to, as_of));
    Markdown::Live(sale)
}

/// Whether a sale window (blank ends open, both days included) holds the as-of date.
pub fn window_holds(from: Option<NaiveDate>, to: Option<NaiveDate>, as_of: NaiveDate) -> bool {
    from.is_none_or(|f| f <= as_of) && to.is_none_or(|t| t >= as_of)
}

/// A compare-at ("was") price above the price (Shopify, a generic `compare_at_price`): the
/// regular price is the compare-at price and the customer pays `price` today. Equal, lower or
/// blank: no markdown.
pub fn compare_at(price: Decimal, compare_at: Option<Decimal>) -> Option<Decimal> {
    compare_at.filter(|c| *c > price && price > Decimal::ZERO)
}

/// A discount on the regular price by amount or percent (PrestaShop `Discount amount` /
/// `Discount percent`, Wix `discountMode` `AMOUNT` / `PERCENT` with `discountValue`), as the
/// price paid, rounded to the cent like the shop shows it. `None` when there is none.
pub fn discounted(
    regular: Decimal,
    amount: Option<Decimal>,
    percent: Option<Decimal>,
) -> Option<Decimal> {
    let by_percent = percent
        .filter(|p| *p > Decimal::ZERO && *p < Decimal::ONE_HUNDRED)
        .map(|p| regular * (Decimal::ONE - p / Decimal::ONE_HUNDRED));
    let by_amount = amount
        .filter(|a| *a > Decimal::ZERO && *a < regular)
        .map(|a| regular - a);
    // Both given: the shop applies one; the lower price is the safe reading (deeper existing
    // discount, so less room left for the plan).
    let paid = match (by_percent, by_amount) {
        (Some(p), Some(a)) => Some(p.min(a)),
        (p, a) => p.or(a),
    }?;
    Some(paid.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero))
}

/// A window date that cannot be read as a date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NotADate;

/// A window's date as exports write it; PrestaShop writes `0000-00-00` for "none".
pub fn window_date(text: &str) -> Result<Option<NaiveDate>, NotADate> {
    let t = text.trim();
    if t.is_empty() || t.starts_with("0000-00-00") {
        return Ok(None);
    }
    super::dates::parse_date(t).map(Some).ok_or(NotADate)
}

/// The other reading of a date whose first two numbers could each be the month (`05/12/2026`:
/// 12 May as US exports write it, or 5 December as European ones do); `None` when the date has
/// one reading only (`2026-12-05`, `25/12/2026`, `12/12/2026`).
pub fn other_reading(text: &str) -> Option<NaiveDate> {
    let date_part = text.trim().split([' ', 'T']).next()?;
    let parts: Vec<&str> = date_part.split(['/', '.', '-']).collect();
    if parts.len() != 3 || parts[0].len() > 2 || parts[1].len() > 2 {
        return None;
    }
    let n: Vec<u32> = parts
        .iter()
        .map(|p| p.parse().ok())
        .collect::<Option<_>>()?;
    if n[0] > 12 || n[1] > 12 || n[0] == n[1] {
        return None;
    }
    let first = super::dates::parse_date(date_part)?;
    let year = if parts[2].len() == 2 {
        2000 + n[2]
    } else {
        n[2]
    };
    let a = NaiveDate::from_ymd_opt(i32::try_from(year).ok()?, n[0], n[1])?;
    let b = NaiveDate::from_ymd_opt(i32::try_from(year).ok()?, n[1], n[0])?;
    Some(if first == a { b } else { a })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Decimal {
        s.parse().unwrap()
    }
    fn day(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn a_sale_is_live_inside_its_window_both_ends_included() {
        let as_of = day("2026-11-22");
        let r = d("20");
        assert_eq!(
            sale_price(r, Some(d("18")), None, None, as_of),
            Markdown::Live(d("18"))
        );
        assert_eq!(
            sale_price(r, Some(d("18")), Some(as_of), Some(as_of), as_of),
            Markdown::Live(d("18"))
        );
        assert_eq!(
            sale_price(r, Some(d("18")), Some(day("2026-11-23")), None, as_of),
            Markdown::Pending(day("2026-11-23"))
        );
        assert_eq!(
            sale_price(r, Some(d("18")), None, Some(day("2026-11-21")), as_of),
            Markdown::Ended(day("2026-11-21"))
        );
        assert_eq!(sale_price(r, None, None, None, as_of), Markdown::None);
        assert_eq!(
            sale_price(r, Some(d("0")), None, None, as_of),
            Markdown::None
        );
        assert_eq!(
            sale_price(r, Some(d("20")), None, None, as_of),
            Markdown::NotBelowRegular(d("20"))
        );
    }

    #[test]
    fn compare_at_counts_only_above_the_price() {
        assert_eq!(compare_at(d("17.99"), Some(d("22.99"))), Some(d("22.99")));
        assert_eq!(compare_at(d("95"), Some(d("64.95"))), None);
        assert_eq!(compare_at(d("25"), Some(d("25"))), None);
        assert_eq!(compare_at(d("25"), None), None);
    }

    #[test]
    fn discounts_by_percent_or_amount() {
        assert_eq!(discounted(d("100"), None, Some(d("5.5"))), Some(d("94.50")));
        assert_eq!(discounted(d("1500"), Some(d("100")), None), Some(d("1400")));
        assert_eq!(
            discounted(d("100"), Some(d("10")), Some(d("5"))),
            Some(d("90"))
        );
        assert_eq!(discounted(d("100"), None, Some(d("0"))), None);
        assert_eq!(discounted(d("100"), Some(d("100")), None), None);
        assert_eq!(
            discounted(d("33.33"), None, Some(d("10"))),
            Some(d("30.00"))
        );
    }

    #[test]
    fn dates_with_two_readings() {
        // `/` reads month first (US): the other reading is day first, and the other way round.
        assert_eq!(other_reading("05/12/2026"), Some(day("2026-12-05")));
        assert_eq!(other_reading("12/05/2026"), Some(day("2026-05-12")));
        assert_eq!(other_reading("05.12.2026 00:00"), Some(day("2026-05-12")));
        assert_eq!(other_reading("25/12/2026"), None);
        assert_eq!(other_reading("12/12/2026"), None);
        assert_eq!(other_reading("2026-12-05"), None);
        assert_eq!(other_reading(""), None);
    }

    #[test]
    fn window_dates() {
        assert_eq!(window_date(""), Ok(None));
        assert_eq!(window_date("0000-00-00"), Ok(None));
        assert_eq!(window_date("2018-12-31"), Ok(Some(day("2018-12-31"))));
        assert_eq!(
            window_date("2024-07-28 00:00:00"),
            Ok(Some(day("2024-07-28")))
        );
        assert_eq!(window_date("soon"), Err(NotADate));
    }
}
