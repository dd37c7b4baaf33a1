//! The demand model (docs/forecast.md): how fast a line sells today, and how that changes with a
//! discount. Pure like `rules/`: no I/O, no clock, no environment, no printing. Target mode
//! (`plan --exit DATE`, `rules::target`) uses it; the tier plan does not.
//!
//! - [`rate`]: a line's base rate in units per day, its own sales over the window shrunk toward
//!   its category's rate when it has few sales (a gamma-Poisson posterior mean).
//! - [`elasticity`]: the price elasticity `e` per category, learned from the shop's own sales
//!   when prices varied (a Poisson fit with a fixed effect per sku), else a default.
//! - [`response`] and [`projected_units`]: the rate under a discount `d`, `rate × (1 − d)^e`.
//!
//! The statistics are `f64`: units and rates are counts, not money, and logs and powers need
//! floating point. A caller that turns a projection into money (units × a price) converts the
//! units to `Decimal` first, so money itself is never `f64`.

use std::collections::BTreeMap;

pub mod backtest;
pub mod elasticity;
pub mod rate;

pub use elasticity::{Elasticity, ElasticitySettings, Fit, Source, estimate_elasticities};
pub use rate::{BaseRate, PRIOR_DAYS, base_rates, posterior_rate};

/// The elasticity used when a category's own sales cannot tell: a 1% lower price sells 2% more.
/// Published averages sit around it (Tellis 1988: −1.76; Bijmolt, van Heerde and Pieters 2005:
/// −2.62), and −2.0 is a round, slightly cautious value between them.
pub const DEFAULT_ELASTICITY: f64 = -2.0;

/// The deepest discount [`response`] models: 99%. At 100% off, `(1 − d)^e` with `e < 0` is
/// infinite; the model is not meant for giveaways (the planner's caps are far below this).
pub const MAX_MODELLED_DISCOUNT: f64 = 0.99;

/// One stretch of days of one sku at one price: the unit of the elasticity fit.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Period {
    /// Units sold in the period (returns netted; never below 0 in the fit).
    pub units: f64,
    /// The unit price paid in the period, `None` when unknown (left out of the elasticity fit,
    /// still counted in the base rate). The caller carries the last price seen forward to days
    /// without a sale, so a period without sales still has its price.
    pub price: Option<f64>,
    /// How many days the period covers (a week, or less where the price changed).
    pub days: f64,
}

/// A sku's sales over the window, in periods, with its category.
#[derive(Debug, Clone, PartialEq)]
pub struct SkuHistory {
    pub sku: String,
    /// The category as the caller wants it grouped (e.g. trimmed and lower-cased).
    pub category: String,
    pub periods: Vec<Period>,
}

impl SkuHistory {
    /// Units sold over all the periods (negative sums count as 0).
    pub fn units(&self) -> f64 {
        self.periods.iter().map(|p| p.units).sum::<f64>().max(0.0)
    }
}

/// One day of one sku: units sold and the price paid that day (if known).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Day {
    pub units: f64,
    pub price: Option<f64>,
}

/// Daily figures into weekly periods, each cut where the price changes, so every period has
/// one price. Weeks count from the first day given (days 1–7, 8–14, ...); a last short week is
/// kept with its own length.
pub fn weekly_periods(days: &[Day]) -> Vec<Period> {
    let mut periods: Vec<Period> = Vec::new();
    for (i, day) in days.iter().enumerate() {
        let new_week = i % 7 == 0;
        match periods.last_mut() {
            Some(last) if !new_week && last.price == day.price => {
                last.units += day.units;
                last.days += 1.0;
            }
            _ => periods.push(Period {
                units: day.units,
                price: day.price,
                days: 1.0,
            }),
        }
    }
    periods
}

/// The rate (units per day) at a discount `d` (a fraction: 0.2 is 20% off) for a line selling
/// `rate` units per day at its regular price, with price elasticity `e`: `rate × (1 − d)^e`.
///
/// - `d = 0` (or below, or not a number) gives `rate` unchanged: the model only covers
///   discounts, never price rises.
/// - `d` above [`MAX_MODELLED_DISCOUNT`] (0.99) is taken as 0.99: as `d → 1` the formula grows
///   without bound for `e < 0`, which no shop sees.
/// - The result is never negative; a negative or non-finite `rate` or `e` gives 0.
///
/// For `e < 0` the rate grows with `d` (deeper discount, faster sales).
pub fn response(rate: f64, d: f64, e: f64) -> f64 {
    if !rate.is_finite() || rate <= 0.0 || !e.is_finite() {
        return 0.0;
    }
    // A discount that is not a number is no discount (`clamp` would keep the NaN).
    let d = if d.is_nan() {
        0.0
    } else {
        d.clamp(0.0, MAX_MODELLED_DISCOUNT)
    };
    let out = rate * (1.0 - d).powf(e);
    if out.is_finite() { out.max(0.0) } else { 0.0 }
}

/// A sku's regular price over some days: the price it was at on the most days (each
/// day at the price that sold the most that day, a day without a sale at the last price seen);
/// on a tie the higher price. Markdowns are short, so this is the regular price even where a
/// markdown sold more units than the regular days did. `None` without a priced day.
pub fn reference_price(days: &[Day]) -> Option<f64> {
    let mut by_price: BTreeMap<u64, usize> = BTreeMap::new();
    for d in days {
        if let Some(p) = d.price.filter(|p| p.is_finite() && *p > 0.0) {
            *by_price.entry(p.to_bits()).or_default() += 1;
        }
    }
    by_price
        .into_iter()
        .map(|(bits, n)| (f64::from_bits(bits), n))
        .max_by(|a, b| a.1.cmp(&b.1).then(a.0.total_cmp(&b.0)))
        .map(|(price, _)| price)
}

/// The highest price, as a multiple of the reference, a sale is counted at by [`unit_worth`]: a
/// unit sold at twice the reference price counts as at most `2^(−e)` units.
pub const MAX_PRICE_RATIO: f64 = 2.0;

/// How many units at the `reference` price one unit sold at `price` stands for, under
/// elasticity `e`: `(price / reference)^(−e)`. A unit sold on markdown counts less (with
/// `e = −2`, a unit sold at half price is a quarter of a unit at the reference: at that price
/// the line sold four times as fast), one sold above the reference more. The ratio is held
/// between `1 / max_ratio` and `max_ratio` (normally [`MAX_PRICE_RATIO`], 2): no unit counts
/// for less or more than the response to halving or doubling its price, so a give-away, a
/// price in other units or a data error moves a line's rate by a bounded factor at most. 1 without a usable price, reference or elasticity. Summed over a
/// line's sales, this gives the units it would have sold at the reference price, so a
/// markdown in the sales window does not pass for the reference price's pace.
pub fn unit_worth(reference: f64, price: f64, e: f64, max_ratio: f64) -> f64 {
    let usable = reference > 0.0
        && price > 0.0
        && reference.is_finite()
        && price.is_finite()
        && e.is_finite();
    if !usable {
        return 1.0;
    }
    let max_ratio = max_ratio.max(1.0);
    let w = (price / reference)
        .clamp(1.0 / max_ratio, max_ratio)
        .powf(-e);
    if w.is_finite() { w.max(0.0) } else { 1.0 }
}

/// How many days at the `reference` price a run of days is worth, for a line with elasticity
/// `e`: each day counts `(price / reference)^e`, the reciprocal of [`unit_worth`] (a markdown
/// day sells as several reference days, a day above the reference as less, the ratio held to
/// [`MAX_PRICE_RATIO`]), and 1 for a day without a price or without a reference. The backtest
/// predicts a holdout's units as the base rate × these days, the mirror of how it counts the
/// training units.
pub fn days_at_reference(
    reference: Option<f64>,
    e: f64,
    prices: impl Iterator<Item = Option<f64>>,
) -> f64 {
    prices
        .map(|price| match (reference, price) {
            (Some(r), Some(p)) if r > 0.0 && p > 0.0 => {
                let w = unit_worth(r, p, e, MAX_PRICE_RATIO);
                if w > 0.0 { 1.0 / w } else { 1.0 }
            }
            _ => 1.0,
        })
        .sum()
}

/// Units expected over `days` days at discount `d`: [`response`] × days (0 for days ≤ 0).
pub fn projected_units(rate: f64, d: f64, e: f64, days: f64) -> f64 {
    if !days.is_finite() || days <= 0.0 {
        return 0.0;
    }
    response(rate, d, e) * days
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_discount_keeps_the_rate() {
        assert_eq!(response(0.5, 0.0, -2.0), 0.5);
        assert_eq!(response(0.5, -0.1, -2.0), 0.5);
        assert_eq!(response(0.5, f64::NAN, -2.0), 0.5);
    }

    #[test]
    fn response_follows_the_formula() {
        // 20% off with e = −2: (0.8)^−2 = 1.5625.
        assert!((response(2.0, 0.2, -2.0) - 3.125).abs() < 1e-12);
        assert!((projected_units(2.0, 0.2, -2.0, 10.0) - 31.25).abs() < 1e-9);
    }

    #[test]
    fn response_is_monotone_in_the_discount_for_negative_elasticity() {
        for e in [-0.5, -1.5, -2.0, -3.0, -6.0] {
            let mut previous = 0.0;
            for step in 0..=100 {
                let d = f64::from(step) / 100.0;
                let r = response(1.0, d, e);
                assert!(
                    r.is_finite() && r >= previous,
                    "e {e}, d {d}: {r} < {previous}"
                );
                previous = r;
            }
        }
    }

    #[test]
    fn full_discount_is_capped_and_bad_inputs_give_zero() {
        assert_eq!(response(1.0, 1.0, -2.0), response(1.0, 0.99, -2.0));
        assert!(response(1.0, 1.0, -2.0).is_finite());
        assert_eq!(response(-1.0, 0.2, -2.0), 0.0);
        assert_eq!(response(f64::NAN, 0.2, -2.0), 0.0);
        assert_eq!(response(1.0, 0.2, f64::NAN), 0.0);
        assert_eq!(projected_units(1.0, 0.2, -2.0, -5.0), 0.0);
        assert_eq!(projected_units(0.0, 0.2, -2.0, 30.0), 0.0);
    }

    #[test]
    fn weeks_are_cut_where_the_price_changes() {
        let mut days = vec![
            Day {
                units: 1.0,
                price: Some(10.0)
            };
            10
        ];
        // Day 4 (in the first week) and days 8-9 (in the second) at a lower price.
        days[3].price = Some(8.0);
        days[7].price = Some(8.0);
        days[8].price = Some(8.0);
        let periods = weekly_periods(&days);
        let shape: Vec<(f64, Option<f64>)> = periods.iter().map(|p| (p.days, p.price)).collect();
        assert_eq!(
            shape,
            vec![
                (3.0, Some(10.0)),
                (1.0, Some(8.0)),
                (3.0, Some(10.0)),
                (2.0, Some(8.0)),
                (1.0, Some(10.0)),
            ]
        );
        let units: f64 = periods.iter().map(|p| p.units).sum();
        assert_eq!(units, 10.0);
    }
}
