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
    /// The category's pooled rate: its units over (its lines × window days).
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
    // The category's pooled units and line count.
    let mut pooled: HashMap<&str, (f64, f64)> = HashMap::new();
    for h in histories {
        let entry = pooled.entry(h.category.as_str()).or_insert((0.0, 0.0));
        entry.0 += h.units();
        entry.1 += 1.0;
    }
    histories
        .iter()
        .map(|h| {
            let units = h.units();
            let (category_units, lines) = pooled
                .get(h.category.as_str())
                .copied()
                .unwrap_or((units, 1.0));
            let category_rate = category_units / (lines * window);
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
    fn base_rates_pool_the_category() {
        // Nine lines selling 50 in 90 days and one selling 1: the category's rate is
        // 451 / (10 × 90).
        let mut histories: Vec<SkuHistory> = (0..9)
            .map(|i| history(&format!("A{i}"), "shirts", 50.0))
            .collect();
        histories.push(history("SLOW", "shirts", 1.0));
        histories.push(history("ALONE", "hats", 9.0));
        let rates = base_rates(&histories, 90.0, PRIOR_DAYS);
        let slow = &rates[9];
        let c = 451.0 / 900.0;
        assert!((slow.category_rate - c).abs() < 1e-12);
        assert!((slow.rate - (c * 30.0 + 1.0) / 120.0).abs() < 1e-12);
        assert!(slow.raw < slow.rate && slow.rate < slow.category_rate);
        // A line alone in its category is its own prior: its rate is its raw rate.
        assert!((rates[10].rate - 0.1).abs() < 1e-12);
        // A busy line is pulled down a little, never below the category.
        assert!(rates[0].rate < rates[0].raw && rates[0].rate > c);
    }

    #[test]
    fn no_prior_is_the_raw_rate() {
        assert!((posterior_rate(9.0, 90.0, 0.5, 0.0) - 0.1).abs() < 1e-12);
    }
}
