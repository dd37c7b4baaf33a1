//! The price elasticity `e` of each category: how much faster a line sells when its price
//! drops, learned from the shop's own sales when prices varied, else a default.
//!
//! # The fit
//!
//! Sales of sku `i` in period `t` (a week, cut where the price changed) are taken as Poisson:
//!
//! ```text
//! units_it ~ Poisson(days_it × exp(a_i + e × ln price_it))
//! ```
//!
//! `a_i` is a fixed effect per sku (its own level of demand), so `e` is learned only from how
//! each sku's sales moved when *its own* price moved: a cheap line selling more than a dear one
//! says nothing. The fixed effects are "profiled out": for a given `e`, the best `a_i` makes the
//! sku's expected units add up to its actual units, which leaves a likelihood in `e` alone
//! (the conditional Poisson, or multinomial, likelihood). It is concave in `e`, so Newton's
//! method finds the maximum in a few steps from any start.
//!
//! Why a Poisson fit and not least squares on `ln(units + 0.5)`: most lines sell a few units a
//! week, many weeks sell none, and adding 0.5 before the log flattens small counts, so the
//! least-squares slope comes out too close to zero for slow lines. On the tests' data with the
//! rates cut to a fifth (0.04 to 0.6 a day), the log fit gave −2.44 to −2.99 for a true −3.0
//! (four seeds of five off by more than 0.3, all toward zero) where the Poisson fit gave −2.87
//! to −3.06. The Poisson fit takes zero weeks as they are; slow lines only make it less
//! precise, which its standard error (and so the shrinkage) says.
//!
//! The standard error is `sqrt(φ / I)`: `I` the information (the curvature of the likelihood at
//! the estimate) and `φ` the Pearson dispersion, `Σ (units − expected)² / expected` over the
//! degrees of freedom, at least 1. Real sales are often more variable than Poisson (a customer
//! buying four at once); `φ` widens the error accordingly instead of overstating the evidence.
//!
//! # Shrinkage
//!
//! The estimate `ê` with standard error `se` is combined with the default `e0` as a normal
//! prior of standard deviation `τ` ([`PRIOR_SD`]):
//!
//! ```text
//! e = (ê / se² + e0 / τ²) / (1 / se² + 1 / τ²),   sd = 1 / sqrt(1 / se² + 1 / τ²)
//! ```
//!
//! A precise fit keeps its value; a noisy one moves toward the default. The interval reported
//! is `e ± 1.96 sd` (95%).
//!
//! # Enough price variation
//!
//! A category is fitted only with at least [`MIN_PRICE_CHANGES`] price changes across its skus
//! (a change: a priced period whose price differs from the sku's previous priced period by more
//! than 0.5%), at least [`MIN_PERIODS`] periods and [`MIN_UNITS`] units in the skus whose
//! price changed. Otherwise, or when the fit does not settle, or when it says sales rose with
//! price, the category gets the default and a note saying why.

use super::{DEFAULT_ELASTICITY, Period, SkuHistory};
use std::collections::BTreeMap;

/// τ, the standard deviation of the prior around the default: published elasticities mostly lie
/// between −0.5 and −4, about ±2 around −2.0 (2 τ), so a fit is trusted as far as its own
/// standard error is small against 1.0.
pub const PRIOR_SD: f64 = 1.0;

/// Price changes a category needs across its skus before its elasticity is learned.
pub const MIN_PRICE_CHANGES: usize = 3;

/// Periods (weeks) in the skus whose price changed, needed for a fit: a quarter of weekly data.
pub const MIN_PERIODS: usize = 12;

/// Units sold by the skus whose price changed, needed for a fit.
pub const MIN_UNITS: f64 = 30.0;

/// Two prices closer than this in logs (0.5%) are the same price: averages and rounding move
/// a price by a cent without anyone changing it.
pub const SAME_PRICE: f64 = 0.005;

/// A fit further from 0 than this did not settle (the likelihood keeps rising, as when every
/// sale was at one price of each sku): an elasticity of −10 means a 10% discount sells 2.9
/// times as much, beyond anything a shop sees.
pub const MAX_ABS_ELASTICITY: f64 = 10.0;

/// The z value of a two-sided 95% interval.
const Z95: f64 = 1.96;

/// Where a category's elasticity comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// Fitted on the category's own sales and shrunk toward the default.
    Learned,
    /// The default: the sales could not tell (see the note).
    Default,
}

/// The fit on the category's own sales, before shrinkage.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Fit {
    /// The maximum-likelihood estimate `ê`.
    pub estimate: f64,
    /// Its standard error (with the dispersion).
    pub standard_error: f64,
    /// The Pearson dispersion `φ` used (at least 1).
    pub dispersion: f64,
}

/// A category's elasticity, ready to report.
#[derive(Debug, Clone, PartialEq)]
pub struct Elasticity {
    pub category: String,
    /// The elasticity used: the shrunk estimate, or the default.
    pub value: f64,
    pub source: Source,
    /// The 95% interval (low, high): the posterior's for a learned value, the prior's
    /// (`e0 ± 1.96 τ`) for the default.
    pub interval: (f64, f64),
    /// Price changes seen across the category's skus.
    pub price_changes: usize,
    /// Skus that informed the fit: their price changed and they sold.
    pub skus: usize,
    /// The fit before shrinkage, when there was one (also when it was then not used).
    pub fit: Option<Fit>,
    /// One sentence for the merchant: what was learned, or why the default is used.
    pub note: String,
}

/// The constants of the estimator; [`Default`] gives the documented values.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ElasticitySettings {
    /// `e0`, used when a category cannot be fitted and as the prior's centre.
    pub default: f64,
    /// `τ`, the prior's standard deviation.
    pub prior_sd: f64,
    pub min_price_changes: usize,
    pub min_periods: usize,
    pub min_units: f64,
}

impl Default for ElasticitySettings {
    fn default() -> Self {
        ElasticitySettings {
            default: DEFAULT_ELASTICITY,
            prior_sd: PRIOR_SD,
            min_price_changes: MIN_PRICE_CHANGES,
            min_periods: MIN_PERIODS,
            min_units: MIN_UNITS,
        }
    }
}

/// One priced period of one sku, ready for the fit.
#[derive(Debug, Clone, Copy)]
struct Obs {
    /// ln(price), centred on the sku's mean (the centring is absorbed by the fixed effect and
    /// keeps `exp` in range).
    x: f64,
    /// Units (never below 0).
    y: f64,
    /// Days the period covers.
    days: f64,
}

/// The elasticity of every category in `histories`, sorted by category.
pub fn estimate_elasticities(
    histories: &[SkuHistory],
    settings: &ElasticitySettings,
) -> Vec<Elasticity> {
    let mut by_category: BTreeMap<&str, Vec<&SkuHistory>> = BTreeMap::new();
    for h in histories {
        by_category.entry(h.category.as_str()).or_default().push(h);
    }
    by_category
        .into_iter()
        .map(|(category, skus)| estimate_category(category, &skus, settings))
        .collect()
}

/// The elasticity of one category from its skus' histories.
pub fn estimate_category(
    category: &str,
    skus: &[&SkuHistory],
    settings: &ElasticitySettings,
) -> Elasticity {
    let mut price_changes = 0;
    // The skus whose price changed and that sold: the only ones that tell anything about `e`.
    let mut groups: Vec<Vec<Obs>> = Vec::new();
    for sku in skus {
        let (obs, changes) = priced_periods(&sku.periods);
        price_changes += changes;
        if changes > 0 && obs.iter().any(|o| o.y > 0.0) {
            groups.push(obs);
        }
    }
    let periods: usize = groups.iter().map(Vec::len).sum();
    let units: f64 = groups.iter().flatten().map(|o| o.y).sum();

    let default = |fit: Option<Fit>, why: String| {
        let e0 = settings.default;
        Elasticity {
            category: category.to_string(),
            value: e0,
            source: Source::Default,
            interval: (e0 - Z95 * settings.prior_sd, e0 + Z95 * settings.prior_sd),
            price_changes,
            skus: groups.len(),
            fit,
            note: format!("{why}; the default elasticity {e0:.1} is used"),
        }
    };

    // No price at all in the category's sales (the files carry no unit price paid): say so
    // rather than "prices did not change", which would claim something nobody saw.
    let priced = skus
        .iter()
        .any(|h| h.periods.iter().any(|p| p.price.is_some()));
    if !priced {
        return default(None, "the sales carry no unit price paid".into());
    }
    if price_changes == 0 {
        return default(None, "prices did not change (0 changes)".into());
    }
    if price_changes < settings.min_price_changes {
        return default(
            None,
            format!(
                "prices changed only {price_changes} {} (at least {} are needed)",
                times(price_changes),
                settings.min_price_changes
            ),
        );
    }
    if periods < settings.min_periods || units < settings.min_units {
        return default(
            None,
            format!(
                "the skus whose price changed have {periods} periods and {units} units sold \
                 (at least {} and {} are needed)",
                settings.min_periods, settings.min_units
            ),
        );
    }
    let Some(fit) = fit_poisson(&groups, settings.default) else {
        return default(
            None,
            "the fit did not settle (each sku sold at one of its prices only)".into(),
        );
    };

    // Shrink toward the default (precision-weighted mean of fit and prior).
    let fit_precision = 1.0 / (fit.standard_error * fit.standard_error);
    let prior_precision = 1.0 / (settings.prior_sd * settings.prior_sd);
    let precision = fit_precision + prior_precision;
    let value = (fit.estimate * fit_precision + settings.default * prior_precision) / precision;
    let sd = 1.0 / precision.sqrt();
    if !value.is_finite() || !sd.is_finite() {
        return default(Some(fit), "the fit gave no usable value".into());
    }
    if value >= 0.0 {
        return default(
            Some(fit),
            format!(
                "sales rose with price (fit {:+.2}), as when promotions fell in slow seasons",
                fit.estimate
            ),
        );
    }
    let interval = (value - Z95 * sd, value + Z95 * sd);
    Elasticity {
        category: category.to_string(),
        value,
        source: Source::Learned,
        interval,
        price_changes,
        skus: groups.len(),
        fit: Some(fit),
        note: format!(
            "learned from {price_changes} price changes across {} skus: {value:.2} \
             (95% interval {:.2} to {:.2}; the fit alone {:.2} ± {:.2})",
            groups.len(),
            interval.0,
            interval.1,
            fit.estimate,
            fit.standard_error
        ),
    }
}

fn times(n: usize) -> &'static str {
    if n == 1 { "time" } else { "times" }
}

/// A sku's periods with a usable price (above 0) and length, as fit observations, and how many
/// times its price changed from one priced period to the next.
fn priced_periods(periods: &[Period]) -> (Vec<Obs>, usize) {
    let mut obs = Vec::new();
    let mut changes = 0;
    let mut previous: Option<f64> = None;
    for p in periods {
        let Some(price) = p.price.filter(|v| v.is_finite() && *v > 0.0) else {
            continue;
        };
        if !(p.days.is_finite() && p.days > 0.0 && p.units.is_finite()) {
            continue;
        }
        let x = price.ln();
        if previous.is_some_and(|prev| (x - prev).abs() > SAME_PRICE) {
            changes += 1;
        }
        previous = Some(x);
        obs.push(Obs {
            x,
            y: p.units.max(0.0),
            days: p.days,
        });
    }
    if !obs.is_empty() {
        let mean = obs.iter().map(|o| o.x).sum::<f64>() / obs.len() as f64;
        for o in &mut obs {
            o.x -= mean;
        }
    }
    (obs, changes)
}

/// The score (slope of the log-likelihood in `e`), the information (minus its curvature) and
/// the Pearson statistic, at `e`. Per sku, the expected share of its units in period `t` is
/// `w_t / Σ w` with `w_t = days_t × exp(e × x_t)`.
fn score(groups: &[Vec<Obs>], e: f64) -> (f64, f64, f64) {
    let (mut u, mut info, mut pearson) = (0.0, 0.0, 0.0);
    for g in groups {
        let n: f64 = g.iter().map(|o| o.y).sum();
        // Subtract the largest exponent so `exp` never overflows (it cancels in the shares).
        let top = g.iter().map(|o| e * o.x).fold(f64::NEG_INFINITY, f64::max);
        let w: Vec<f64> = g.iter().map(|o| o.days * (e * o.x - top).exp()).collect();
        let total: f64 = w.iter().sum();
        if n <= 0.0 || total <= 0.0 {
            continue;
        }
        let mean_x = g.iter().zip(&w).map(|(o, w)| w * o.x).sum::<f64>() / total;
        let var_x = g
            .iter()
            .zip(&w)
            .map(|(o, w)| w * (o.x - mean_x).powi(2))
            .sum::<f64>()
            / total;
        u += g.iter().map(|o| o.x * o.y).sum::<f64>() - n * mean_x;
        info += n * var_x;
        for (o, w) in g.iter().zip(&w) {
            let expected = n * w / total;
            if expected > 0.0 {
                pearson += (o.y - expected).powi(2) / expected;
            }
        }
    }
    (u, info, pearson)
}

/// The Poisson fit with a fixed effect per sku, by Newton's method from `start`; `None` when it
/// does not settle within 100 steps or beyond [`MAX_ABS_ELASTICITY`].
fn fit_poisson(groups: &[Vec<Obs>], start: f64) -> Option<Fit> {
    let mut e = start;
    let mut settled = false;
    for _ in 0..100 {
        let (u, info, _) = score(groups, e);
        if !(info > 0.0 && u.is_finite()) {
            return None;
        }
        // At most one unit per step, so a flat likelihood cannot throw `e` far away.
        let step = (u / info).clamp(-1.0, 1.0);
        e += step;
        if e.abs() > MAX_ABS_ELASTICITY {
            return None;
        }
        if step.abs() < 1e-9 {
            settled = true;
            break;
        }
    }
    if !settled {
        return None;
    }
    let (_, info, pearson) = score(groups, e);
    // Degrees of freedom: periods minus one fixed effect per sku minus `e`.
    let periods: usize = groups.iter().map(Vec::len).sum();
    let df = periods.saturating_sub(groups.len() + 1);
    let dispersion = if df > 0 {
        (pearson / df as f64).max(1.0)
    } else {
        1.0
    };
    let standard_error = (dispersion / info).sqrt();
    (info > 0.0 && standard_error.is_finite()).then_some(Fit {
        estimate: e,
        standard_error,
        dispersion,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::forecast::{Day, weekly_periods};

    /// xorshift64*: a small, deterministic generator, so the tests need no dependency.
    struct Rng(u64);

    impl Rng {
        fn new(seed: u64) -> Rng {
            // Never 0 (xorshift would stay at 0); mix the seed a little.
            Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
        }
        fn next_u64(&mut self) -> u64 {
            let mut x = self.0;
            x ^= x >> 12;
            x ^= x << 25;
            x ^= x >> 27;
            self.0 = x;
            x.wrapping_mul(0x2545_F491_4F6C_DD1D)
        }
        /// Uniform in [0, 1).
        fn uniform(&mut self) -> f64 {
            (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
        }
        fn between(&mut self, low: f64, high: f64) -> f64 {
            low + (high - low) * self.uniform()
        }
        fn below(&mut self, n: usize) -> usize {
            ((self.uniform() * n as f64) as usize).min(n - 1)
        }
        /// A Poisson draw: Knuth's product of uniforms for small means, a rounded normal
        /// (Box-Muller) above 30, where the two agree closely.
        fn poisson(&mut self, mean: f64) -> f64 {
            if mean <= 0.0 {
                return 0.0;
            }
            if mean > 30.0 {
                let (a, b) = (self.uniform().max(1e-300), self.uniform());
                let z = (-2.0 * a.ln()).sqrt() * (2.0 * std::f64::consts::PI * b).cos();
                return (mean + mean.sqrt() * z).round().max(0.0);
            }
            let limit = (-mean).exp();
            let mut k = 0.0;
            let mut p = self.uniform();
            while p > limit {
                k += 1.0;
                p *= self.uniform();
            }
            k
        }
    }

    const DAYS: usize = 180;

    /// `skus` skus of one category over 180 days: each with its own base rate (0.2 to 3 a day)
    /// and regular price, and, unless `constant`, three price changes on random days between
    /// three levels (100%, 85%, 70% of the regular price); daily Poisson sales at
    /// `rate × (price / regular)^e`, in weekly periods cut at the changes.
    fn category(rng: &mut Rng, name: &str, skus: usize, e: f64, constant: bool) -> Vec<SkuHistory> {
        const LEVELS: [f64; 3] = [1.0, 0.85, 0.7];
        (0..skus)
            .map(|i| {
                let rate = rng.between(0.2, 3.0);
                let regular = rng.between(10.0, 60.0);
                let mut change_days: Vec<usize> = if constant {
                    Vec::new()
                } else {
                    (0..3).map(|_| 1 + rng.below(DAYS - 1)).collect()
                };
                change_days.sort_unstable();
                let mut level = 0;
                let days: Vec<Day> = (0..DAYS)
                    .map(|day| {
                        for _ in change_days.iter().filter(|&&c| c == day) {
                            // Move to one of the two other levels.
                            level = (level + 1 + rng.below(2)) % 3;
                        }
                        let factor = LEVELS[level];
                        Day {
                            units: rng.poisson(rate * factor.powf(e)),
                            price: Some(regular * factor),
                        }
                    })
                    .collect();
                SkuHistory {
                    sku: format!("{name}-{i}"),
                    category: name.to_string(),
                    periods: weekly_periods(&days),
                }
            })
            .collect()
    }

    fn shop(seed: u64) -> Vec<SkuHistory> {
        let mut rng = Rng::new(seed);
        let mut all = category(&mut rng, "shoes", 20, -1.5, false);
        all.extend(category(&mut rng, "coats", 20, -3.0, false));
        all.extend(category(&mut rng, "socks", 10, -1.5, true));
        all
    }

    #[test]
    fn recovers_known_elasticities() {
        let settings = ElasticitySettings::default();
        for seed in 1..=5 {
            let found = estimate_elasticities(&shop(seed), &settings);
            let get = |name: &str| found.iter().find(|e| e.category == name).cloned();
            let (Some(shoes), Some(coats), Some(socks)) =
                (get("shoes"), get("coats"), get("socks"))
            else {
                panic!("seed {seed}: a category is missing: {found:?}");
            };
            eprintln!(
                "seed {seed}: shoes {:.3} [{:.3}, {:.3}] fit {:.3} ± {:.3}, {} changes; \
                 coats {:.3} [{:.3}, {:.3}] fit {:.3} ± {:.3}, {} changes",
                shoes.value,
                shoes.interval.0,
                shoes.interval.1,
                shoes.fit.map_or(f64::NAN, |f| f.estimate),
                shoes.fit.map_or(f64::NAN, |f| f.standard_error),
                shoes.price_changes,
                coats.value,
                coats.interval.0,
                coats.interval.1,
                coats.fit.map_or(f64::NAN, |f| f.estimate),
                coats.fit.map_or(f64::NAN, |f| f.standard_error),
                coats.price_changes,
            );
            for (got, truth) in [(&shoes, -1.5), (&coats, -3.0)] {
                assert_eq!(got.source, Source::Learned, "seed {seed}: {got:?}");
                assert!(
                    (got.value - truth).abs() < 0.3,
                    "seed {seed}: {} is {:.3}, the truth {truth}",
                    got.category,
                    got.value
                );
                assert!(got.interval.0 < got.value && got.value < got.interval.1);
                assert!(got.price_changes >= 3 * 20 - 20, "{got:?}");
                assert_eq!(got.skus, 20);
            }
            // Constant prices: the default, with a note saying so.
            assert_eq!(socks.source, Source::Default);
            assert_eq!(socks.value, DEFAULT_ELASTICITY);
            assert_eq!(socks.price_changes, 0);
            assert_eq!(
                socks.note,
                "prices did not change (0 changes); the default elasticity -2.0 is used"
            );
        }
    }

    fn history(sku: &str, periods: &[(f64, f64)]) -> SkuHistory {
        SkuHistory {
            sku: sku.into(),
            category: "hats".into(),
            periods: periods
                .iter()
                .map(|&(units, price)| Period {
                    units,
                    price: Some(price),
                    days: 7.0,
                })
                .collect(),
        }
    }

    #[test]
    fn too_few_changes_use_the_default() {
        let h = history("H1", &[(5.0, 10.0), (5.0, 10.0), (9.0, 8.0), (9.0, 8.0)]);
        let e = estimate_elasticities(&[h], &ElasticitySettings::default());
        assert_eq!(e[0].source, Source::Default);
        assert_eq!(e[0].price_changes, 1);
        assert_eq!(
            e[0].note,
            "prices changed only 1 time (at least 3 are needed); the default elasticity -2.0 is used"
        );
    }

    #[test]
    fn a_cent_of_rounding_is_not_a_price_change() {
        let h = history("H1", &[(5.0, 10.0), (5.0, 10.01), (5.0, 9.99), (5.0, 10.0)]);
        let (_, changes) = priced_periods(&h.periods);
        assert_eq!(changes, 0);
    }

    #[test]
    fn sales_at_one_price_only_do_not_settle() {
        // Every sale at the lower price: the likelihood keeps rising as e → −∞.
        let periods: Vec<(f64, f64)> = (0..20)
            .map(|i| if i % 2 == 0 { (0.0, 10.0) } else { (5.0, 8.0) })
            .collect();
        let h = history("H1", &periods);
        let e = estimate_elasticities(&[h], &ElasticitySettings::default());
        assert_eq!(e[0].source, Source::Default, "{e:?}");
        assert!(
            e[0].note.starts_with("the fit did not settle"),
            "{}",
            e[0].note
        );
    }

    #[test]
    fn sales_rising_with_price_use_the_default() {
        let periods: Vec<(f64, f64)> = (0..20)
            .map(|i| if i % 2 == 0 { (12.0, 10.0) } else { (6.0, 8.0) })
            .collect();
        let e = estimate_elasticities(&[history("H1", &periods)], &ElasticitySettings::default());
        assert_eq!(e[0].source, Source::Default, "{e:?}");
        assert!(e[0].fit.is_some_and(|f| f.estimate > 0.0));
        assert!(
            e[0].note.starts_with("sales rose with price"),
            "{}",
            e[0].note
        );
    }

    #[test]
    fn a_noisy_fit_is_pulled_toward_the_default() {
        // Two prices, 20% apart, few sales: the fit alone is far from −2 and uncertain.
        let periods: Vec<(f64, f64)> = (0..16)
            .map(|i| {
                if i % 4 < 2 {
                    (2.0 + f64::from(i % 3), 10.0)
                } else {
                    (4.0 + f64::from(i % 2), 8.0)
                }
            })
            .collect();
        let e = estimate_elasticities(&[history("H1", &periods)], &ElasticitySettings::default());
        let Some(fit) = e[0].fit else {
            panic!("no fit: {e:?}");
        };
        assert_eq!(e[0].source, Source::Learned);
        // The posterior lies strictly between the fit and the default, as the formula says.
        let (w_fit, w_prior) = (1.0 / fit.standard_error.powi(2), 1.0 / PRIOR_SD.powi(2));
        let expected = (fit.estimate * w_fit + DEFAULT_ELASTICITY * w_prior) / (w_fit + w_prior);
        assert!((e[0].value - expected).abs() < 1e-12);
        let (low, high) = if fit.estimate < DEFAULT_ELASTICITY {
            (fit.estimate, DEFAULT_ELASTICITY)
        } else {
            (DEFAULT_ELASTICITY, fit.estimate)
        };
        assert!(low < e[0].value && e[0].value < high, "{e:?}");
    }

    #[test]
    fn the_poisson_fit_finds_an_exact_elasticity() {
        // Expected units exactly at e = −2: the fit returns −2 (to rounding).
        let periods: Vec<(f64, f64)> = (0..12)
            .map(|i| {
                let price = [10.0, 8.0, 6.0][i % 3];
                (100.0 * (price / 10.0f64).powf(-2.0), price)
            })
            .collect();
        let (obs, _) = priced_periods(&history("H1", &periods).periods);
        let Some(fit) = fit_poisson(&[obs], 0.0) else {
            panic!("no fit");
        };
        assert!((fit.estimate + 2.0).abs() < 1e-9, "{fit:?}");
    }
}
