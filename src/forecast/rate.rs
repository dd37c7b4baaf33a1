//! A line's base rate: units per day at its current price, over the sales window.
//!
//! A line that sold once in 90 days may be a slow line or an unlucky one; its raw rate (1/90)
//! says little. The estimate is a gamma-Poisson posterior mean: sales are Poisson with an
//! unknown daily rate λ, and before looking at the line λ is believed to be near its category's
//! rate `c` (units per day per line), as strongly as [`PRIOR_DAYS`] days of sales at that rate:
//! a Gamma(α = c × k, β = k) prior with k = `PRIOR_DAYS`. After `n` units in `T` days:
//!
//! ```text
//! rate = (c × k + n) / (k + T)
//! ```
//!
//! With T = 90 and k = 30, the line's own sales carry 90/120 = 75% of the weight and the
//! category 25%; a line with many sales is barely moved, a line with one sale is pulled well
//! toward its category.
//!
//! The category's rate `c` is the MEDIAN of its lines' own rates, not their mean: one
//! bestseller in a category of slow lines must not lift every slow line's prior (with the mean,
//! a line that sold 1500 beside lines that sold 0 to 8 put every one of them near 2 a day).

use super::SkuHistory;
use std::collections::HashMap;

/// The prior strength k: the category's rate counts as much as this many days of the line's own
/// sales. 30 days is a third of the default 90-day window: enough to steady a line with one or
/// two sales, little enough that a line with a clear record keeps it.
pub const PRIOR_DAYS: f64 = 30.0;

/// A line's base rate and what it was made of.
#[derive(Debug, Clone, PartialEq)]
pub struct BaseRate {
    pub sku: String,
    pub category: String,
    /// Units sold in the window.
    pub units: f64,
    /// `units / window days`: the line's own rate.
    pub raw: f64,
    /// The category's rate: the median of its lines' raw rates (units per day per line).
    pub category_rate: f64,
    /// The posterior mean `(category_rate × k + units) / (k + window days)`, units per day.
    pub rate: f64,
}

/// The base rate of every sku, in the order given, over a window of `window_days` days (every
/// line is taken as on sale for the whole window, as the planner's velocity does), with prior
/// strength `prior_days` (normally [`PRIOR_DAYS`]).
pub fn base_rates(histories: &[SkuHistory], window_days: f64, prior_days: f64) -> Vec<BaseRate> {
    let window = if window_days.is_finite() && window_days > 0.0 {
        window_days
    } else {
        1.0
    };
    let k = if prior_days.is_finite() && prior_days >= 0.0 {
        prior_days
    } else {
        PRIOR_DAYS
    };
    // The category's lines' raw rates, then their median.
    let mut raw: HashMap<&str, Vec<f64>> = HashMap::new();
    for h in histories {
        raw.entry(h.category.as_str())
            .or_default()
            .push(h.units() / window);
    }
    let medians: HashMap<&str, f64> = raw
        .into_iter()
        .map(|(category, mut rates)| (category, median(&mut rates)))
        .collect();
    histories
        .iter()
        .map(|h| {
            let units = h.units();
            let category_rate = medians
                .get(h.category.as_str())
                .copied()
                .unwrap_or(units / window);
            BaseRate {
                sku: h.sku.clone(),
                category: h.category.clone(),
                units,
                raw: units / window,
                category_rate,
                rate: posterior_rate(units, window, category_rate, k),
            }
        })
        .collect()
}

/// The median of `rates` (the mean of the middle two for an even count; 0 when empty).
pub fn median(rates: &mut [f64]) -> f64 {
    if rates.is_empty() {
        return 0.0;
    }
    rates.sort_by(f64::total_cmp);
    let mid = rates.len() / 2;
    if rates.len() % 2 == 1 {
        rates[mid]
    } else {
        (rates[mid - 1] + rates[mid]) / 2.0
    }
}

/// The gamma-Poisson posterior mean `(c × k + n) / (k + T)` for `n` units in `T` days with a
/// prior of rate `c` worth `k` days.
pub fn posterior_rate(units: f64, days: f64, category_rate: f64, prior_days: f64) -> f64 {
    let rate = (category_rate * prior_days + units.max(0.0)) / (prior_days + days);
    if rate.is_finite() { rate.max(0.0) } else { 0.0 }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::forecast::Period;

    fn history(sku: &str, category: &str, units: f64) -> SkuHistory {
        SkuHistory {
            sku: sku.into(),
            category: category.into(),
            periods: vec![Period {
                units,
                price: None,
                days: 90.0,
            }],
        }
    }

    #[test]
    fn one_sale_is_shrunk_toward_the_category() {
        // One sale in 90 days; the category sells 0.5 a day per line.
        let rate = posterior_rate(1.0, 90.0, 0.5, PRIOR_DAYS);
        let raw = 1.0 / 90.0;
        assert!(raw < rate && rate < 0.5, "{raw} < {rate} < 0.5");
        // (0.5 × 30 + 1) / (30 + 90) = 16 / 120.
        assert!((rate - 16.0 / 120.0).abs() < 1e-12);
    }

    #[test]
    fn base_rates_shrink_toward_the_category_median() {
        // Nine lines selling 45 to 54 in 90 days and one selling 1: the category's rate is the
        // median line's, (49 + 50) / 2 / 90.
        let mut histories: Vec<SkuHistory> = (0..9)
            .map(|i| history(&format!("A{i}"), "shirts", 46.0 + f64::from(i)))
            .collect();
        histories.push(history("SLOW", "shirts", 1.0));
        histories.push(history("ALONE", "hats", 9.0));
        let rates = base_rates(&histories, 90.0, PRIOR_DAYS);
        let slow = &rates[9];
        let c = 49.5 / 90.0;
        assert!((slow.category_rate - c).abs() < 1e-12);
        assert!((slow.rate - (c * 30.0 + 1.0) / 120.0).abs() < 1e-12);
        assert!(slow.raw < slow.rate && slow.rate < slow.category_rate);
        // A line alone in its category is its own prior: its rate is its raw rate.
        assert!((rates[10].rate - 0.1).abs() < 1e-12);
        // A busy line is pulled down a little, never below the category.
        assert!(rates[8].rate < rates[8].raw && rates[8].rate > c);
    }

    #[test]
    fn one_bestseller_does_not_lift_the_slow_lines() {
        // Four lines selling 0, 2, 4 and 8 and one selling 1500: the median is 4 in 90 days.
        let histories: Vec<SkuHistory> = [0.0, 2.0, 1500.0, 4.0, 8.0]
            .iter()
            .enumerate()
            .map(|(i, u)| history(&format!("K{i}"), "kitchen", *u))
            .collect();
        let rates = base_rates(&histories, 90.0, PRIOR_DAYS);
        let c = 4.0 / 90.0;
        for r in &rates {
            assert!((r.category_rate - c).abs() < 1e-12, "{r:?}");
        }
        // The line that sold nothing: 30 days at the median, over 120 days.
        assert!((rates[0].rate - c * 30.0 / 120.0).abs() < 1e-12);
        assert!(rates[0].rate < 0.02);
    }

    #[test]
    fn the_median_of_an_even_count_is_the_middle_two() {
        assert_eq!(median(&mut []), 0.0);
        assert_eq!(median(&mut [3.0]), 3.0);
        assert_eq!(median(&mut [4.0, 1.0, 3.0, 2.0]), 2.5);
        assert_eq!(median(&mut [9.0, 1.0, 5.0]), 5.0);
    }

    #[test]
    fn no_prior_is_the_raw_rate() {
        assert!((posterior_rate(9.0, 90.0, 0.5, 0.0) - 0.1).abs() < 1e-12);
    }
}
