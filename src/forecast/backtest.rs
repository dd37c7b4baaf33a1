//! The backtest (`clearance backtest`, docs/forecast.md "Backtest"): fit the model on the sales
//! before a holdout, predict each sku's units in the holdout at the prices actually paid there,
//! and score the predictions against what sold, beside a baseline without price response.
//!
//! Pure like the rest of the model: the caller reads the sales and hands over, per sku, its
//! training days and the holdout's prices; no I/O, no clock.
//!
//! - The split ([`Split`]): the holdout is the `holdout_days` days ending at the as-of date,
//!   both included; the training window is the `training_days` days ending the day before the
//!   holdout starts.
//! - The model, as target mode builds it: a base rate per sku ([`base_rates`], the training
//!   units over the training days shrunk toward the category's median rate) and an elasticity
//!   per category ([`estimate_elasticities`] on the training weeks, cut where the price
//!   changed).
//! - The prediction ([`predict`]): per holdout day, `rate × (price / reference)^e`, the price
//!   held to twice the reference (the mirror of how the training units are counted). The
//!   reference is the sku's regular price in training ([`reference_price`]). The baseline is
//!   `rate × holdout days` (no price response).
//! - The score ([`Score`]): WMAPE `Σ |actual − predicted| / Σ actual` over the skus, each sku's
//!   units totalled over the whole holdout.

pub use super::reference_price;
use super::{
    Day, Elasticity, ElasticitySettings, PRIOR_DAYS, Period, SkuHistory, base_rates,
    days_at_reference, estimate_elasticities, unit_worth, weekly_periods,
};
use chrono::{Duration, NaiveDate};
use std::collections::BTreeMap;

/// The training window and the holdout, as dates (every end included).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Split {
    pub training_start: NaiveDate,
    pub training_end: NaiveDate,
    pub holdout_start: NaiveDate,
    /// The as-of date.
    pub holdout_end: NaiveDate,
    pub training_days: u32,
    pub holdout_days: u32,
}

impl Split {
    /// The holdout is the `holdout_days` days ending at `as_of`; the training window the
    /// `training_days` days before it. `None` when either is 0 days or a date falls outside
    /// the calendar.
    pub fn new(as_of: NaiveDate, holdout_days: u32, training_days: u32) -> Option<Split> {
        if holdout_days == 0 || training_days == 0 {
            return None;
        }
        let holdout_start =
            as_of.checked_sub_signed(Duration::days(i64::from(holdout_days) - 1))?;
        let training_end = holdout_start.checked_sub_signed(Duration::days(1))?;
        let training_start =
            training_end.checked_sub_signed(Duration::days(i64::from(training_days) - 1))?;
        Some(Split {
            training_start,
            training_end,
            holdout_start,
            holdout_end: as_of,
            training_days,
            holdout_days,
        })
    }
}

/// One sku's sales, split.
#[derive(Debug, Clone, PartialEq)]
pub struct SkuInput {
    pub sku: String,
    /// The category as the caller groups it (target mode's key: trimmed, lower-cased).
    pub category: String,
    /// Units sold in the training window (returns netted).
    pub training_units: f64,
    /// One entry per training day (units, and the price paid that day or the last seen), when
    /// the sales carried a unit price paid for the sku in training; `None` otherwise.
    pub training: Option<Vec<Day>>,
    /// Units sold in the holdout (returns netted; below 0 counts as 0).
    pub holdout_units: f64,
    /// One price per holdout day: the price paid that day, else the last price seen (from the
    /// training window on); `None` without any price.
    pub holdout_prices: Option<Vec<Option<f64>>>,
}

/// One sku's prediction.
#[derive(Debug, Clone, PartialEq)]
pub struct SkuResult {
    pub sku: String,
    pub category: String,
    /// Units per day at the reference price (the base rate).
    pub rate: f64,
    /// The category's elasticity used.
    pub elasticity: f64,
    /// The sku's regular price in training ([`reference_price`]); `None` without a priced day
    /// there (the model then predicts as the baseline).
    pub reference: Option<f64>,
    pub actual: f64,
    pub model: f64,
    pub baseline: f64,
}

/// WMAPE of the model and of the baseline over a set of skus.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Score {
    pub skus: usize,
    /// Units sold in the holdout.
    pub actual: f64,
    /// Units predicted by the model and by the baseline.
    pub model: f64,
    pub baseline: f64,
    /// `Σ |actual − model|` and `Σ |actual − baseline|` over the skus.
    pub model_error: f64,
    pub baseline_error: f64,
}

impl Score {
    fn add(&mut self, r: &SkuResult) {
        self.skus += 1;
        self.actual += r.actual;
        self.model += r.model;
        self.baseline += r.baseline;
        self.model_error += (r.actual - r.model).abs();
        self.baseline_error += (r.actual - r.baseline).abs();
    }
    /// The model's WMAPE, `Σ |actual − model| / Σ actual`; `None` when nothing sold.
    pub fn model_wmape(&self) -> Option<f64> {
        wmape(self.model_error, self.actual)
    }
    /// The baseline's WMAPE; `None` when nothing sold.
    pub fn baseline_wmape(&self) -> Option<f64> {
        wmape(self.baseline_error, self.actual)
    }
}

fn wmape(error: f64, actual: f64) -> Option<f64> {
    (actual > 0.0 && error.is_finite()).then(|| error / actual)
}

/// One category: its score and its elasticity.
#[derive(Debug, Clone, PartialEq)]
pub struct CategoryResult {
    pub category: String,
    pub score: Score,
    pub elasticity: Elasticity,
}

/// The whole backtest.
#[derive(Debug, Clone, PartialEq)]
pub struct Backtest {
    pub split: Split,
    pub overall: Score,
    /// In category order.
    pub categories: Vec<CategoryResult>,
    /// In the order given.
    pub skus: Vec<SkuResult>,
    /// Skus without a price paid in training: the model predicts them as the baseline.
    pub unpriced: usize,
}

/// Units predicted over the holdout: per day, the model's response at the day's price against
/// the reference (`response(rate, 1 − price / reference, e)`); a day without a price, or any
/// day without a reference, at the base rate. Computed as `rate × Σ factors`, so a holdout
/// all at the reference price gives exactly the baseline's `rate × days`.
pub fn predict(rate: f64, e: f64, reference: Option<f64>, prices: &[Option<f64>]) -> f64 {
    let units = rate * days_at_reference(reference, e, prices.iter().copied());
    if units.is_finite() {
        units.max(0.0)
    } else {
        0.0
    }
}

/// Fit the model on the training window and score it on the holdout. `skus` are the skus to
/// score (the caller's choice: those that sold in the training window or the holdout); the
/// base rates' category medians and the elasticity fit are over them too.
pub fn run(split: Split, skus: &[SkuInput], settings: &ElasticitySettings) -> Backtest {
    let window = f64::from(split.training_days.max(1));
    let plain: Vec<SkuHistory> = skus
        .iter()
        .map(|s| SkuHistory {
            sku: s.sku.clone(),
            category: s.category.clone(),
            periods: vec![Period {
                units: s.training_units.max(0.0),
                price: None,
                days: window,
            }],
        })
        .collect();
    // The baseline's rates: the training units over the calendar days, prices ignored.
    let plain_rates = base_rates(&plain, window, PRIOR_DAYS);
    // The fit's input, as target mode builds it: weekly periods cut where the price changed,
    // or the window as one unpriced period.
    let for_fit: Vec<SkuHistory> = skus
        .iter()
        .zip(&plain)
        .map(|(s, h)| match &s.training {
            Some(days) => SkuHistory {
                periods: weekly_periods(days),
                ..h.clone()
            },
            None => h.clone(),
        })
        .collect();
    let elasticities = estimate_elasticities(&for_fit, settings);
    let e_of = |category: &str| {
        elasticities
            .iter()
            .find(|e| e.category == category)
            .map_or(settings.default, |e| e.value)
    };
    // The model's rates: each training unit counted at the reference price (a unit sold on
    // markdown counts less, `unit_worth`), as target mode does.
    let references: Vec<Option<f64>> = skus
        .iter()
        .map(|s| s.training.as_deref().and_then(reference_price))
        .collect();
    let at_reference: Vec<SkuHistory> = skus
        .iter()
        .zip(&references)
        .zip(&plain)
        .map(|((s, reference), h)| match (&s.training, reference) {
            (Some(days), Some(r)) => {
                let e = e_of(&s.category);
                let priced: f64 = days.iter().map(|d| d.units).sum();
                let worth: f64 = days
                    .iter()
                    .map(|d| {
                        d.units
                            * d.price
                                .map_or(1.0, |p| unit_worth(*r, p, e, super::MAX_PRICE_RATIO))
                    })
                    .sum();
                // Units without a readable price count as sold.
                let units = worth + (s.training_units - priced).max(0.0);
                SkuHistory {
                    periods: vec![Period {
                        units: units.max(0.0),
                        price: None,
                        days: window,
                    }],
                    ..h.clone()
                }
            }
            _ => h.clone(),
        })
        .collect();
    let rates = base_rates(&at_reference, window, PRIOR_DAYS);
    let holdout = split.holdout_days as usize;
    let mut unpriced = 0;
    let results: Vec<SkuResult> = skus
        .iter()
        .zip(rates.iter().zip(&plain_rates))
        .zip(&references)
        .map(|((s, (r, plain_rate)), reference)| {
            let e = e_of(&s.category);
            let reference = *reference;
            if reference.is_none() {
                unpriced += 1;
            }
            let none = vec![None; holdout];
            let prices = s.holdout_prices.as_deref().unwrap_or(&none);
            SkuResult {
                sku: s.sku.clone(),
                category: s.category.clone(),
                rate: r.rate,
                elasticity: e,
                reference,
                actual: s.holdout_units.max(0.0),
                model: predict(r.rate, e, reference, prices),
                baseline: plain_rate.rate * f64::from(split.holdout_days),
            }
        })
        .collect();
    let mut overall = Score::default();
    let mut by_category: BTreeMap<&str, Score> = BTreeMap::new();
    for r in &results {
        overall.add(r);
        by_category.entry(r.category.as_str()).or_default().add(r);
    }
    let categories = by_category
        .into_iter()
        .map(|(category, score)| CategoryResult {
            category: category.to_string(),
            score,
            elasticity: elasticities
                .iter()
                .find(|e| e.category == category)
                .cloned()
                .unwrap_or_else(|| default_elasticity(category, settings)),
        })
        .collect();
    Backtest {
        split,
        overall,
        categories,
        skus: results,
        unpriced,
    }
}

/// A category the fit did not report (it reports every category given; kept for safety): the
/// default, with the model's own note.
fn default_elasticity(category: &str, settings: &ElasticitySettings) -> Elasticity {
    super::elasticity::estimate_category(category, &[], settings)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::forecast::Source;

    fn ymd(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn the_split_ends_training_the_day_before_the_holdout() {
        let s = Split::new(ymd(2026, 6, 30), 14, 90).unwrap();
        assert_eq!(s.holdout_start, ymd(2026, 6, 17));
        assert_eq!(s.holdout_end, ymd(2026, 6, 30));
        assert_eq!(s.training_end, ymd(2026, 6, 16));
        assert_eq!(s.training_start, ymd(2026, 3, 19));
        assert_eq!((s.training_end - s.training_start).num_days() + 1, 90);
        assert_eq!((s.holdout_end - s.holdout_start).num_days() + 1, 14);
        assert!(Split::new(ymd(2026, 6, 30), 0, 90).is_none());
        assert!(Split::new(ymd(2026, 6, 30), 14, 0).is_none());
    }

    fn day(units: f64, price: f64) -> Day {
        Day {
            units,
            price: Some(price),
        }
    }

    #[test]
    fn the_reference_is_the_price_of_the_most_days() {
        // A markdown that sold more units than the regular days is still the markdown.
        let days = [day(2.0, 10.0), day(9.0, 8.0), day(1.0, 10.0)];
        assert_eq!(reference_price(&days), Some(10.0));
        // A tie goes to the higher price.
        let days = [day(3.0, 8.0), day(3.0, 10.0)];
        assert_eq!(reference_price(&days), Some(10.0));
        // No price: no reference.
        let unpriced = Day {
            units: 1.0,
            price: None,
        };
        assert_eq!(reference_price(&[unpriced]), None);
        assert_eq!(reference_price(&[]), None);
    }

    #[test]
    fn the_prediction_follows_the_price_paid_each_day() {
        // Two days at the reference, two at 20% off, e = -2: 2 × 1 + 2 × 1.5625.
        let prices = [Some(10.0), Some(10.0), Some(8.0), Some(8.0)];
        let p = predict(1.0, -2.0, Some(10.0), &prices);
        assert!((p - (2.0 + 2.0 * 1.5625)).abs() < 1e-12, "{p}");
        // A price above the reference sells less, the mirror of how training counts it
        // ((12 / 10)^-2); no price or no reference is the base rate.
        assert!((predict(1.0, -2.0, Some(10.0), &[Some(12.0)]) - 1.0 / 1.44).abs() < 1e-12);
        // Held to twice the reference.
        assert!((predict(1.0, -2.0, Some(10.0), &[Some(50.0)]) - 0.25).abs() < 1e-12);
        assert_eq!(predict(1.0, -2.0, Some(10.0), &[None]), 1.0);
        assert_eq!(predict(1.0, -2.0, None, &[Some(8.0)]), 1.0);
        // At the reference every day, exactly the baseline (no rounding from a sum of rates).
        for rate in [0.1, 1.0 / 3.0, 2.71] {
            assert_eq!(
                predict(rate, -2.0, Some(10.0), &[Some(10.0); 28]),
                rate * 28.0
            );
        }
    }

    /// A sku selling `units_per_day` every training day at `price`, then in the holdout at
    /// `holdout_price` selling `holdout_units`.
    fn sku(
        name: &str,
        units_per_day: f64,
        price: f64,
        holdout_price: f64,
        holdout_units: f64,
    ) -> SkuInput {
        SkuInput {
            sku: name.into(),
            category: "hats".into(),
            training_units: units_per_day * 28.0,
            training: Some(vec![day(units_per_day, price); 28]),
            holdout_units,
            holdout_prices: Some(vec![Some(holdout_price); 7]),
        }
    }

    #[test]
    fn at_the_reference_price_the_model_is_the_baseline() {
        let split = Split::new(ymd(2026, 6, 30), 7, 28).unwrap();
        let skus = [
            sku("A", 1.0, 10.0, 10.0, 9.0),
            sku("B", 2.0, 20.0, 20.0, 12.0),
        ];
        let b = run(split, &skus, &ElasticitySettings::default());
        // Constant prices: the default elasticity, and the model's prediction is the baseline.
        assert_eq!(b.categories[0].elasticity.source, Source::Default);
        for r in &b.skus {
            assert_eq!(r.model, r.baseline, "{r:?}");
        }
        assert_eq!(b.overall.model_wmape(), b.overall.baseline_wmape());
        assert_eq!(b.overall.skus, 2);
        assert_eq!(b.overall.actual, 21.0);
        assert_eq!(b.unpriced, 0);
    }

    #[test]
    fn a_markdown_in_the_holdout_lifts_the_model_only() {
        let split = Split::new(ymd(2026, 6, 30), 7, 28).unwrap();
        // 20% off in the holdout; the sku sold more (1.5625 times, as e = -2 says).
        let skus = [sku("A", 1.0, 10.0, 8.0, 10.9375)];
        let b = run(split, &skus, &ElasticitySettings::default());
        let r = &b.skus[0];
        assert_eq!(r.reference, Some(10.0));
        assert!(r.model > r.baseline, "{r:?}");
        let (m, base) = (
            b.overall.model_wmape().unwrap(),
            b.overall.baseline_wmape().unwrap(),
        );
        assert!(m < base, "model {m} baseline {base}");
        // WMAPE is the absolute error over the units sold.
        assert!((base - (10.9375 - r.baseline).abs() / 10.9375).abs() < 1e-12);
    }

    #[test]
    fn nothing_sold_in_the_holdout_has_no_wmape() {
        let split = Split::new(ymd(2026, 6, 30), 7, 28).unwrap();
        let b = run(
            split,
            &[sku("A", 1.0, 10.0, 10.0, 0.0)],
            &ElasticitySettings::default(),
        );
        assert_eq!(b.overall.model_wmape(), None);
        assert_eq!(b.overall.baseline_wmape(), None);
    }

    #[test]
    fn without_prices_the_model_is_the_baseline() {
        let split = Split::new(ymd(2026, 6, 30), 7, 28).unwrap();
        let s = SkuInput {
            training: None,
            holdout_prices: None,
            ..sku("A", 1.0, 10.0, 8.0, 10.0)
        };
        let b = run(split, &[s], &ElasticitySettings::default());
        assert_eq!(b.unpriced, 1);
        assert_eq!(b.skus[0].model, b.skus[0].baseline);
        assert_eq!(
            b.categories[0].elasticity.value,
            crate::forecast::DEFAULT_ELASTICITY
        );
    }
}
