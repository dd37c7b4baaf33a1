//! Target mode (`plan --exit DATE --target-sellthrough PCT`, docs/rules.md "Target mode"): the
//! wanted depth of a slow line is the smallest step whose projected sales by the exit date
//! reach a share of its stock on hand, under the demand model of `crate::forecast`. The limits
//! (cap, margin floor, stacking, step, minimum discount) are the tier rules' own.
//!
//! The model's horizon ([`Horizon`]) is separate from the target: it is set whenever the model
//! runs (`--exit`, `--what-if`), the target only in target mode.
//!
//! Pure like the rest of `rules/`: the caller works out the days to the exit date.

use crate::forecast::{
    self, Elasticity, ElasticitySettings, PRIOR_DAYS, Period, SkuHistory, posterior_rate,
};
pub use crate::io::read::sales::PricePoint;
use crate::model::CatalogLine;
use chrono::NaiveDate;
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;
use std::collections::HashMap;

/// The category key of lines without a category.
pub const NO_CATEGORY: &str = "(no category)";

/// The deepest discount the "needs about" figure of a why names: the model's own limit.
const MAX_NEEDED_PCT: f64 = 99.0;

/// The demand model's horizon: the days it projects over, and what it knows per category. Set
/// whenever the model runs (`--exit DATE`, with or without a target, or `--what-if`), reachable
/// from the policy (`Policy::horizon`) so any rule can ask what a line would sell at a depth
/// ([`LineDemand::units`]).
#[derive(Debug, Clone)]
pub struct Horizon {
    /// The exit date when one was given (`--exit` / `[target] exit`); `None` with `--what-if`
    /// alone, which projects over the campaign's days.
    pub exit: Option<NaiveDate>,
    /// The last day projected: the exit date, else the campaign's end.
    pub end: NaiveDate,
    /// Days of selling from the as-of date to `end`, both included.
    pub days: u32,
    /// The sales window the sold figures cover (the base rate is sold / window days).
    pub window_days: u32,
    /// The elasticity of a category whose sales cannot tell (`[forecast] elasticity`, else
    /// `forecast::DEFAULT_ELASTICITY`), also the centre of the learned values' prior.
    pub default_elasticity: f64,
    /// The category rates and elasticities; filled in by [`demand`] once the lines are read.
    pub demand: Demand,
}

/// A checked target: sell `sellthrough_pct` of the stock on hand by the horizon's exit date
/// (target mode always has one).
#[derive(Debug, Clone)]
pub struct Target {
    /// Above 0, at most 100.
    pub sellthrough_pct: Decimal,
}

/// What the model knows per category, from the catalog's lines.
#[derive(Debug, Clone)]
pub struct Demand {
    /// Units per day per line, the median of the category's lines' own rates: the prior of each
    /// base rate.
    pub category_rates: HashMap<String, f64>,
    /// One per category, in category order (plan.json's `forecast.elasticities`).
    pub elasticities: Vec<Elasticity>,
    by_category: HashMap<String, f64>,
    /// The elasticity of a category the sales cannot tell about (`[forecast] elasticity`).
    default: f64,
    /// Per sku and location, the units sold in the window counted at the line's reference
    /// price, for the lines whose sales carry prices (the others: the units sold).
    at_reference: HashMap<String, Vec<(Option<String>, AtReference)>>,
}

impl Default for Demand {
    fn default() -> Self {
        Demand {
            category_rates: HashMap::new(),
            elasticities: Vec::new(),
            by_category: HashMap::new(),
            default: forecast::DEFAULT_ELASTICITY,
            at_reference: HashMap::new(),
        }
    }
}

impl Demand {
    /// The elasticity used for a category (the default when the category is unknown).
    pub fn elasticity(&self, category: &str) -> f64 {
        self.by_category
            .get(category)
            .copied()
            .unwrap_or(self.default)
    }

    /// A line's sales counted at its reference price (`None`: as sold, its sales carry no
    /// price).
    pub fn sold_at_reference(&self, sku: &str, location: Option<&str>) -> Option<AtReference> {
        self.at_reference
            .get(sku)?
            .iter()
            .find(|(l, _)| l.as_deref() == location)
            .map(|(_, d)| *d)
    }
}

/// How target mode groups categories: trimmed and lower-cased, as `exclude_categories`.
pub fn category_key(category: Option<&str>) -> String {
    category
        .map(|c| c.trim().to_lowercase())
        .filter(|c| !c.is_empty())
        .unwrap_or_else(|| NO_CATEGORY.to_string())
}

/// The category rates (the median line rate) and elasticities, over the lines with stock on hand
/// whose figures are usable (no data issue: tracked stock, readable numbers, on sale).
///
/// `prices` (one entry per catalog line, when the sales carried a unit price paid) gives each
/// line's daily units and prices: its weekly periods, cut where the price changed, feed the
/// elasticity fit. Without prices a category gets the default elasticity, with the model's note
/// saying why. The base rates come from the sold figures either way.
pub fn demand(
    lines: &[CatalogLine],
    window_days: u32,
    prices: Option<&[Vec<PricePoint>]>,
    default_elasticity: f64,
) -> Demand {
    let window = f64::from(window_days.max(1));
    // Lines the plan can discount: no data issue, stock on hand and a price (a line without a
    // price is skipped as bad_price, and its zero rate must not pull the category down).
    let usable = |l: &CatalogLine| {
        l.issue.is_none()
            && l.quantity.get().is_some_and(|q| q > Decimal::ZERO)
            && l.price.get().is_some_and(|p| p > Decimal::ZERO)
    };
    let histories: Vec<SkuHistory> = lines
        .iter()
        .filter(|l| usable(l))
        .map(|l| SkuHistory {
            sku: l.sku.to_string(),
            category: category_key(l.category.as_deref()),
            periods: vec![Period {
                units: to_f64(l.sold.get().unwrap_or(Decimal::ZERO)).max(0.0),
                price: None,
                days: window,
            }],
        })
        .collect();
    let priced: Vec<SkuHistory>;
    let for_fit = match prices {
        Some(prices) => {
            priced = lines
                .iter()
                .zip(prices)
                .filter(|(l, _)| usable(l))
                .map(|(l, points)| SkuHistory {
                    sku: l.sku.to_string(),
                    category: category_key(l.category.as_deref()),
                    periods: match daily(points, window_days) {
                        Some(days) => forecast::weekly_periods(&days),
                        None => vec![Period {
                            units: to_f64(l.sold.get().unwrap_or(Decimal::ZERO)).max(0.0),
                            price: None,
                            days: window,
                        }],
                    },
                })
                .collect();
            &priced
        }
        None => &histories,
    };
    let settings = ElasticitySettings {
        default: default_elasticity,
        ..ElasticitySettings::default()
    };
    let elasticities = forecast::estimate_elasticities(for_fit, &settings);
    let by_category: HashMap<String, f64> = elasticities
        .iter()
        .map(|e| (e.category.clone(), e.value))
        .collect();
    // A line sold on markdown for part of the window sold faster than at today's price: each
    // unit is counted at the line's reference price (`reference`, `forecast::unit_worth`), so
    // the base rate is today's pace. The category's median is taken at the lines' regular
    // prices, and each line's prior brought to its own reference.
    let mut at_reference: HashMap<String, Vec<(Option<String>, AtReference)>> = HashMap::new();
    let mut for_rates = histories.clone();
    if let Some(prices) = prices {
        for (i, (l, points)) in lines
            .iter()
            .zip(prices)
            .filter(|(l, _)| usable(l))
            .enumerate()
        {
            let e = by_category
                .get(&category_key(l.category.as_deref()))
                .copied()
                .unwrap_or(default_elasticity);
            let Some(at) = at_reference_of(l, points, window_days, e, for_rates[i].units()) else {
                continue;
            };
            for_rates[i].periods = vec![Period {
                units: at.units / at.to_reference,
                price: None,
                days: window,
            }];
            at_reference
                .entry(l.sku.to_string())
                .or_default()
                .push((l.location.as_deref().map(str::to_string), at));
        }
    }
    let category_rates = forecast::base_rates(&for_rates, window, PRIOR_DAYS)
        .into_iter()
        .map(|r| (r.category, r.category_rate))
        .collect();
    Demand {
        category_rates,
        elasticities,
        by_category,
        default: default_elasticity,
        at_reference,
    }
}

/// A line's sales counted at its reference price.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct AtReference {
    /// The net units sold in the window, counted at the reference price.
    pub units: f64,
    /// `(reference / regular)^e`: how much faster the line sells at its reference than at its
    /// regular (catalog) price; 1 when the reference is the regular price or when the prices
    /// paid cannot be compared with the catalog.
    pub to_reference: f64,
}

/// Within this share, a price paid is the catalog's (rounding, cents).
const SAME_PRICE: f64 = 0.005;

/// A line's units counted at its reference price, or `None` without a priced sale in the
/// window (its units then count as sold).
///
/// - The reference is **today's price** (the live markdown's, else the catalog price) when the
///   prices paid are in the catalog's terms: the median price paid (by units) at most the
///   catalog price (0.5% allowed). So a line marked down all window, now back at full price, is
///   projected at full price's pace. When the prices paid sit above the catalog price (paid with
///   tax, in another currency), they cannot be compared with it, and the reference is the
///   line's own most common price paid (by units; on a tie the higher).
/// - Each unit sold counts `(paid / reference)^(−e)` ([`forecast::unit_worth`]; the ratio held
///   to twice the reference, or to regular / today when a live markdown is deeper). The net
///   units sold are counted at the average worth of the units sold with a price, so a return
///   never adds a sale, whatever price it was refunded at.
fn at_reference_of(
    line: &CatalogLine,
    points: &[PricePoint],
    window_days: u32,
    e: f64,
    sold: f64,
) -> Option<AtReference> {
    let sales: Vec<(f64, f64)> = points
        .iter()
        .filter(|p| p.day < window_days.max(1) && p.units > Decimal::ZERO)
        .map(|p| (to_f64(p.price), to_f64(p.units)))
        .filter(|(price, units)| *price > 0.0 && *units > 0.0)
        .collect();
    let priced: f64 = sales.iter().map(|(_, u)| u).sum();
    if sales.is_empty() || priced <= 0.0 {
        return None;
    }
    let regular = line.price.get().map(to_f64).filter(|p| *p > 0.0);
    let today = line
        .live_price
        .get()
        .map(to_f64)
        .filter(|p| *p > 0.0)
        .or(regular);
    let mut by_price = sales.clone();
    by_price.sort_by(|a, b| a.0.total_cmp(&b.0));
    let median = {
        let mut seen = 0.0;
        by_price
            .iter()
            .find(|(_, u)| {
                seen += u;
                seen >= priced / 2.0
            })
            .map_or(by_price[0].0, |(p, _)| *p)
    };
    let same = |a: f64, b: f64| (a - b).abs() <= SAME_PRICE * b;
    let catalog_terms = |regular: f64, today: f64| {
        median <= regular * (1.0 + SAME_PRICE)
            || sales
                .iter()
                .any(|(p, _)| same(*p, regular) || same(*p, today))
    };
    let (reference, to_reference, max_ratio) = match (regular, today) {
        // Paid in the catalog's terms (at or below its price, or some sale at the catalog or
        // today's price: a price cut since): today's price.
        (Some(regular), Some(today)) if catalog_terms(regular, today) => (
            today,
            (today / regular).powf(e),
            (regular / today).max(forecast::MAX_PRICE_RATIO),
        ),
        _ => {
            // The most common price paid, by units.
            let mut units_at: Vec<(f64, f64)> = Vec::new();
            for (p, u) in &by_price {
                match units_at.last_mut() {
                    Some((last, n)) if (*last - *p).abs() <= SAME_PRICE * *last => *n += u,
                    _ => units_at.push((*p, *u)),
                }
            }
            let modal = units_at
                .iter()
                .max_by(|a, b| a.1.total_cmp(&b.1).then(a.0.total_cmp(&b.0)))
                .map(|(p, _)| *p)?;
            // Taken as the regular price in the sales' terms; a live markdown today is the
            // same share off it.
            match (regular, today) {
                (Some(regular), Some(today)) if today < regular => (
                    modal * today / regular,
                    (today / regular).powf(e),
                    (regular / today).max(forecast::MAX_PRICE_RATIO),
                ),
                _ => (modal, 1.0, forecast::MAX_PRICE_RATIO),
            }
        }
    };
    let worth: f64 = sales
        .iter()
        .map(|(p, u)| u * forecast::unit_worth(reference, *p, e, max_ratio))
        .sum();
    // Units sold without a readable price (a file without the column beside one with it)
    // count as sold; when returns leave fewer net units than priced sales, the net units are
    // counted at the priced sales' average worth.
    let sold = sold.max(0.0);
    let units = if sold >= priced {
        worth + (sold - priced)
    } else {
        sold * worth / priced
    };
    let to_reference = if to_reference.is_finite() && to_reference > 0.0 {
        to_reference
    } else {
        1.0
    };
    (units.is_finite()).then_some(AtReference {
        units,
        to_reference,
    })
}

/// One line's days over the window from its (day, price, units) entries: each day's units, and
/// the price that sold the most units that day; a day without a sale takes the last price seen
/// (the days before the first sale, the first price). `None` without any priced sale.
pub fn daily(points: &[PricePoint], window_days: u32) -> Option<Vec<forecast::Day>> {
    if points.is_empty() {
        return None;
    }
    let n = window_days.max(1) as usize;
    let mut units = vec![0.0; n];
    let mut best: Vec<Option<(Decimal, Decimal)>> = vec![None; n];
    for p in points {
        let Ok(day) = usize::try_from(p.day) else {
            continue;
        };
        if day >= n {
            continue;
        }
        units[day] += to_f64(p.units);
        // The day's price is the one that sold the most units; a return (negative units) never
        // sets it.
        // On a tie the higher price (as `reference_price`): a regular price beside a markdown.
        if p.units > Decimal::ZERO
            && best[day].is_none_or(|(price, u)| p.units > u || (p.units == u && p.price > price))
        {
            best[day] = Some((p.price, p.units));
        }
    }
    let first = best.iter().flatten().next().map(|(price, _)| *price)?;
    let mut last = first;
    let days = units
        .into_iter()
        .zip(best)
        .map(|(units, b)| {
            if let Some((price, _)) = b {
                last = price;
            }
            forecast::Day {
                units,
                price: Some(to_f64(last)).filter(|p| *p > 0.0),
            }
        })
        .collect();
    Some(days)
}

fn to_f64(d: Decimal) -> f64 {
    d.to_f64().filter(|f| f.is_finite()).unwrap_or(0.0)
}

/// One line under the model: its base rate, its category's elasticity, the days of the horizon
/// and, in target mode, the units the target asks for.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LineDemand {
    /// Units per day at today's price: `sold / window` shrunk toward the category's rate.
    pub rate: f64,
    /// `sold / window`, no shrinkage: the line's own rate.
    pub raw: f64,
    pub elasticity: f64,
    pub days: f64,
    /// Stock on hand (projections never sell more).
    pub quantity: f64,
    /// `sellthrough_pct` of the stock on hand (0 without a target).
    pub target_units: f64,
}

impl LineDemand {
    /// A line over the horizon, without a target (see [`LineDemand::with_target`]).
    pub fn new(
        horizon: &Horizon,
        line: (&str, Option<&str>),
        category: Option<&str>,
        sold: Decimal,
        quantity: Decimal,
    ) -> Self {
        let key = category_key(category);
        let window = f64::from(horizon.window_days.max(1));
        // Units sold on markdown in the window counted at today's price (prices paid known),
        // and the category's rate (at regular prices) brought to the line's reference.
        let at = horizon.demand.sold_at_reference(line.0, line.1);
        let sold = at.map_or_else(|| to_f64(sold), |a| a.units).max(0.0);
        let to_reference = at.map_or(1.0, |a| a.to_reference);
        // A category of which no line counted (all with data issues) is the line's own prior.
        let category_rate = horizon
            .demand
            .category_rates
            .get(&key)
            .map_or(sold / window, |c| c * to_reference);
        let quantity = to_f64(quantity).max(0.0);
        LineDemand {
            rate: posterior_rate(sold, window, category_rate, PRIOR_DAYS),
            raw: sold / window,
            elasticity: horizon.demand.elasticity(&key),
            days: f64::from(horizon.days),
            quantity,
            target_units: 0.0,
        }
    }

    /// The same line with the units `target` asks for.
    pub fn with_target(self, target: &Target) -> Self {
        LineDemand {
            target_units: self.quantity * to_f64(target.sellthrough_pct) / 100.0,
            ..self
        }
    }

    /// Units projected to sell over the horizon (by the exit date) at `d` percent off, at most the stock on hand.
    pub fn units(&self, d: Decimal) -> f64 {
        let units =
            forecast::projected_units(self.rate, to_f64(d) / 100.0, self.elasticity, self.days);
        units.min(self.quantity)
    }

    /// The projected sell-through at `d` percent off, in percent of the stock on hand.
    pub fn sellthrough_pct(&self, d: Decimal) -> f64 {
        if self.quantity <= 0.0 {
            return 0.0;
        }
        100.0 * self.units(d) / self.quantity
    }

    /// Whether `d` percent off reaches the target: the projected sell-through, as shown (cut to
    /// a tenth of a percent), at or above the target share. The same figure decides and is
    /// shown, so a line short of the target never shows the target's figure.
    pub fn reaches(&self, d: Decimal) -> bool {
        self.quantity > 0.0 && shown_pct(self.sellthrough_pct(d)) >= shown_pct(self.target_pct())
    }

    /// The target share in percent of the stock on hand.
    fn target_pct(&self) -> f64 {
        if self.quantity <= 0.0 {
            return 0.0;
        }
        100.0 * self.target_units / self.quantity
    }

    /// Whether the line's own raw rate (no shrinkage) reaches the target without a discount.
    pub fn raw_reaches(&self) -> bool {
        let raw = LineDemand {
            rate: self.raw,
            ..*self
        };
        raw.reaches(Decimal::ZERO)
    }

    /// Whether the line sold nothing in the window and its projection rests on its category
    /// alone.
    pub fn from_category_only(&self) -> bool {
        self.raw <= 0.0 && self.rate > 0.0
    }

    /// The discount the model says the target needs, limits ignored, rounded up to a whole
    /// percent; `None` when even 99% off would not reach it (or the line has no rate).
    pub fn needed_pct(&self) -> Option<f64> {
        let full = self.rate * self.days;
        if full <= 0.0 || self.elasticity >= 0.0 || self.target_units > self.quantity {
            return None;
        }
        // rate × (1 − d)^e × days = target  ⇔  d = 1 − (target / (rate × days))^(1/e)
        let d = 1.0 - (self.target_units / full).powf(1.0 / self.elasticity);
        let pct = (100.0 * d.max(0.0)).ceil();
        (pct.is_finite() && pct <= MAX_NEEDED_PCT).then_some(pct)
    }
}

/// A sell-through in percent as plan.json and the why show it: cut (never rounded up) to a tenth.
/// A small allowance absorbs float noise (79.99999999 is 80.0).
pub fn shown_pct(pct: f64) -> f64 {
    if !pct.is_finite() {
        return 0.0;
    }
    (pct * 10.0 + 1e-6).floor() / 10.0
}

/// The wanted depth in target mode.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Choice {
    /// The projection at today's price already reaches the target, and so does the line's own
    /// raw rate: no discount.
    MetWithoutDiscount,
    /// The smallest step from the minimum discount up to `max` that reaches the target.
    Step(Decimal),
    /// No step up to `max` reaches it: the deepest allowed depth is planned and flagged.
    NotReached,
}

/// The smallest depth on the step grid, from the minimum discount up to `max` (the deepest
/// depth the limits allow, already on the grid), whose projection reaches the target.
pub fn choose(line: &LineDemand, min_discount: Decimal, max: Decimal, step: Decimal) -> Choice {
    // Skipped only when the line's own sales say so too: a category's rate alone never skips
    // a line.
    if line.reaches(Decimal::ZERO) && line.raw_reaches() {
        return Choice::MetWithoutDiscount;
    }
    let step = if step > Decimal::ZERO {
        step
    } else {
        Decimal::ONE
    };
    // The first step at or above the minimum discount, and never 0.
    let first = ((min_discount / step).ceil() * step).max(step);
    if max < first {
        return Choice::NotReached;
    }
    let last = ((max - first) / step).floor().to_u64().unwrap_or(0);
    let at = |i: u64| first + step * Decimal::from(i);
    if !line.reaches(at(last)) {
        return Choice::NotReached;
    }
    // The projection rises with the depth: the first step that reaches is found by bisection.
    let (mut lo, mut hi) = (0u64, last);
    while lo < hi {
        let mid = lo + (hi - lo) / 2;
        if line.reaches(at(mid)) {
            hi = mid;
        } else {
            lo = mid + 1;
        }
    }
    Choice::Step(at(lo).normalize())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::num::d;

    /// A line selling `rate` a day, e = −2, 92 days to the exit, 100 on hand, target 80%.
    fn line(rate: f64) -> LineDemand {
        LineDemand {
            rate,
            raw: rate,
            elasticity: -2.0,
            days: 92.0,
            quantity: 100.0,
            target_units: 80.0,
        }
    }

    #[test]
    fn the_smallest_step_that_reaches_the_target_is_chosen() {
        let l = line(0.6);
        let Choice::Step(depth) = choose(&l, d("5"), d("25"), d("1")) else {
            panic!("no step");
        };
        assert!(l.reaches(depth));
        assert!(!l.reaches(depth - d("1")));
        // 0.6 × 92 × (1 − d)^−2 ≥ 80 ⇔ d ≥ 1 − sqrt(55.2 / 80) = 16.93%.
        assert_eq!(depth, d("17"));
        assert_eq!(l.needed_pct(), Some(17.0));
        // On a 5-point grid the next step up.
        assert_eq!(choose(&l, d("5"), d("25"), d("5")), Choice::Step(d("20")));
    }

    #[test]
    fn never_past_the_deepest_allowed_depth() {
        let l = line(0.6);
        assert_eq!(choose(&l, d("5"), d("16"), d("1")), Choice::NotReached);
        assert_eq!(choose(&l, d("5"), d("17"), d("1")), Choice::Step(d("17")));
        // Nothing allowed at or above the minimum discount.
        assert_eq!(choose(&l, d("5"), d("4"), d("1")), Choice::NotReached);
        for max in 0..=40 {
            if let Choice::Step(s) = choose(&l, d("5"), Decimal::from(max), d("1")) {
                assert!(s <= Decimal::from(max) && s >= d("5"));
            }
        }
    }

    #[test]
    fn the_minimum_discount_is_the_first_step() {
        // Selling 0.85 a day reaches 80 units at 3% off: the first step is the minimum (5%).
        let l = line(0.85);
        assert!(!l.reaches(Decimal::ZERO));
        assert_eq!(choose(&l, d("5"), d("25"), d("1")), Choice::Step(d("5")));
        // A minimum off the grid is rounded up to it.
        assert_eq!(choose(&l, d("6"), d("25"), d("5")), Choice::Step(d("10")));
    }

    #[test]
    fn a_line_on_track_needs_no_discount() {
        assert_eq!(
            choose(&line(1.0), d("5"), d("25"), d("1")),
            Choice::MetWithoutDiscount
        );
    }

    #[test]
    fn the_category_alone_never_skips_a_line() {
        // Projected on track from the category's rate, but the line sold nothing itself.
        let l = LineDemand {
            raw: 0.0,
            ..line(1.0)
        };
        assert!(l.reaches(Decimal::ZERO) && !l.raw_reaches());
        assert!(l.from_category_only());
        assert_eq!(choose(&l, d("5"), d("25"), d("1")), Choice::Step(d("5")));
    }

    #[test]
    fn reaching_is_decided_on_the_figure_shown() {
        // 79.96% is shown as 79.9 and does not reach 80.
        let l = line(79.96 / 92.0);
        assert_eq!(shown_pct(l.sellthrough_pct(Decimal::ZERO)), 79.9);
        assert!(!l.reaches(Decimal::ZERO));
        let l = line(80.0 / 92.0);
        assert_eq!(shown_pct(l.sellthrough_pct(Decimal::ZERO)), 80.0);
        assert!(l.reaches(Decimal::ZERO));
        assert_eq!(shown_pct(81.26), 81.2);
    }

    #[test]
    fn projections_stop_at_the_stock_on_hand() {
        let l = line(5.0);
        assert_eq!(l.units(d("20")), 100.0);
        assert_eq!(l.sellthrough_pct(d("20")), 100.0);
    }

    #[test]
    fn a_line_without_sales_in_a_silent_category_needs_more_than_any_discount() {
        let l = line(0.0);
        assert_eq!(l.needed_pct(), None);
        assert_eq!(choose(&l, d("5"), d("25"), d("1")), Choice::NotReached);
    }

    #[test]
    fn demand_pools_categories_and_uses_the_default_elasticity() {
        let mk = |sku: &str, cat: &str, sold: &str| CatalogLine {
            sku: sku.into(),
            category: Some(cat.into()),
            quantity: d("10").into(),
            sold: d(sold).into(),
            price: d("10").into(),
            ..CatalogLine::default()
        };
        let lines = vec![
            mk("A", "Shoes", "90"),
            mk("B", " shoes", "0"),
            mk("D", "shoes", "18"),
            mk("C", "Hats", "9"),
            // No stock on hand: not counted in its category's median.
            CatalogLine {
                quantity: d("0").into(),
                ..mk("E", "Shoes", "900")
            },
        ];
        let demand = demand(&lines, 90, None, forecast::DEFAULT_ELASTICITY);
        // The median of 0, 18 and 90 sold in 90 days.
        assert!((demand.category_rates["shoes"] - 0.2).abs() < 1e-12);
        assert!((demand.category_rates["hats"] - 0.1).abs() < 1e-12);
        assert_eq!(demand.elasticities.len(), 2);
        for e in &demand.elasticities {
            assert_eq!(e.source, forecast::Source::Default);
            assert_eq!(e.value, forecast::DEFAULT_ELASTICITY);
        }
        assert_eq!(demand.elasticity("unknown"), forecast::DEFAULT_ELASTICITY);
    }

    #[test]
    fn units_sold_on_markdown_count_at_today_s_price() {
        let p = |day: u32, price: &str, units: i64| PricePoint {
            day,
            price: price.parse().unwrap_or_default(),
            units: Decimal::from(units),
        };
        let mk = |sku: &str, sold: i64, price: &str| CatalogLine {
            sku: sku.into(),
            category: Some("Shoes".into()),
            quantity: d("100").into(),
            sold: Decimal::from(sold).into(),
            price: d(price).into(),
            ..CatalogLine::default()
        };
        // No category learns here (too few changes): the default −2 counts a unit sold at half
        // price as (5 / 10)^2 = 0.25 of a unit at 10.00.
        // A (catalog 10.00): 6 days at 10.00 (1 a day), 4 at 5.00 (4 a day): 6 + 16 × 0.25 = 10.
        let a: Vec<PricePoint> = (0..10)
            .map(|day| {
                if day < 6 {
                    p(day, "10", 1)
                } else {
                    p(day, "5", 4)
                }
            })
            .collect();
        // B: 10 days at 10.00 and one unit given away at 0.10: the ratio is held to a half, so
        // it counts a quarter of a unit.
        let mut b: Vec<PricePoint> = (0..10).map(|day| p(day, "10", 1)).collect();
        b.push(p(9, "0.10", 1));
        // C: at 7.00 for 8 days (2 a day), at 10.00 for 2 (1 a day), today 10.00 (the catalog
        // price): 16 × 0.49 + 2 = 9.84 units at 10.00.
        let c: Vec<PricePoint> = (0..10)
            .map(|day| {
                if day < 8 {
                    p(day, "7", 2)
                } else {
                    p(day, "10", 1)
                }
            })
            .collect();
        // D: paid in other terms (most units at 12.00, 20% above the catalog's, say with tax):
        // counted against its own most common price paid: 14 + 12 × (6 / 12)^2 = 17.
        let dd: Vec<PricePoint> = (0..10)
            .map(|day| {
                if day < 7 {
                    p(day, "12", 2)
                } else {
                    p(day, "6", 4)
                }
            })
            .collect();
        // E (catalog 100.00): marked down to 60.00 all window, 3 a day, back at 100.00 today:
        // 30 × 0.36 = 10.8 units at 100.00, not 30.
        let ee: Vec<PricePoint> = (0..10).map(|day| p(day, "60", 3)).collect();
        // R: 1 sold at 100.00, 3 returned at 50.00: net nothing sold, nothing counted.
        let r = vec![p(0, "100", 1), p(1, "50", -3)];
        // L: live markdown at 5.00 (catalog 10.00), 10 sold at 5.00 and 2 at 10.00 before it:
        // today's price is 5.00; a unit at 10.00 counts (10 / 5)^2 = 4: 10 + 8 = 18.
        let l: Vec<PricePoint> = (0..12)
            .map(|day| {
                if day < 2 {
                    p(day, "10", 1)
                } else {
                    p(day, "5", 1)
                }
            })
            .collect();
        let mut live = mk("L", 12, "10");
        live.live_price = d("5").into();
        // K: catalog cut to 60.00 since: 8 sold at 100.00, 1 at 60.00; today's price is 60.00
        // and a unit at 100.00 counts (100 / 60)^2.
        let mut k: Vec<PricePoint> = (0..8).map(|day| p(day, "100", 1)).collect();
        k.push(p(8, "60", 1));
        // U: 90 sold, one with a price (a give-away at 1.00), the rest from a file without a
        // price column: those count as sold, the give-away a quarter.
        let u = vec![p(3, "1", 1)];
        // T: paid with tax (120.00 for a catalog 100.00), live markdown today at 70.00, 2 sold
        // at 84.00: the regular price in the sales' terms is 120.00, today's 84.00; a unit at
        // 120.00 counts (120 / 84)^2.
        let mut t: Vec<PricePoint> = (0..10).map(|day| p(day, "120", 1)).collect();
        t.push(p(10, "84", 2));
        let mut taxed = mk("T", 12, "100");
        taxed.live_price = d("70").into();
        let lines = vec![
            mk("A", 22, "10"),
            mk("B", 11, "10"),
            mk("C", 18, "10"),
            mk("D", 26, "10"),
            mk("E", 30, "100"),
            mk("R", 0, "100"),
            live,
            // In categories of their own, so "Shoes" keeps too few price changes to learn.
            CatalogLine {
                category: Some("Cut".into()),
                ..mk("K", 9, "60")
            },
            CatalogLine {
                category: Some("Mixed".into()),
                ..mk("U", 90, "100")
            },
            CatalogLine {
                category: Some("Taxed".into()),
                ..taxed
            },
        ];
        let demand = demand(&lines, 12, Some(&[a, b, c, dd, ee, r, l, k, u, t]), -2.0);
        let at = |sku: &str| demand.sold_at_reference(sku, None);
        let units = |sku: &str| at(sku).map_or(f64::NAN, |a| a.units);
        assert!((units("A") - 10.0).abs() < 1e-9, "{:?}", at("A"));
        assert!((units("B") - 10.25).abs() < 1e-9, "{:?}", at("B"));
        assert!((units("C") - 9.84).abs() < 1e-9, "{:?}", at("C"));
        assert!((units("D") - 17.0).abs() < 1e-9, "{:?}", at("D"));
        assert!((units("E") - 10.8).abs() < 1e-9, "{:?}", at("E"));
        assert_eq!(units("R"), 0.0);
        assert!((units("L") - 18.0).abs() < 1e-9, "{:?}", at("L"));
        let cut = 8.0 * (100.0f64 / 60.0).powi(2) + 1.0;
        assert!((units("K") - cut).abs() < 1e-9, "{:?}", at("K"));
        assert!((units("U") - 89.25).abs() < 1e-9, "{:?}", at("U"));
        let taxed = 10.0 * (120.0f64 / 84.0).powi(2) + 2.0;
        assert!((units("T") - taxed).abs() < 1e-9, "{:?}", at("T"));
        assert!((at("T").map_or(0.0, |a| a.to_reference) - 0.7f64.powf(-2.0)).abs() < 1e-9);
        // L sells (5 / 10)^−2 = 4 times as fast at its live price as at its regular price: its
        // share of the category's median is 18 / 4 = 4.5 units at 10.00.
        assert!((at("L").map_or(0.0, |a| a.to_reference) - 4.0).abs() < 1e-12);
        assert_eq!(at("A").map(|a| a.to_reference), Some(1.0));
        let horizon = Horizon {
            exit: None,
            end: chrono::NaiveDate::from_ymd_opt(2027, 1, 1).unwrap_or_default(),
            days: 30,
            window_days: 12,
            default_elasticity: -2.0,
            demand,
        };
        let line_a = LineDemand::new(&horizon, ("A", None), Some("Shoes"), d("22"), d("100"));
        // 10 units at 10.00 in 12 days, not 22.
        assert!((line_a.raw - 10.0 / 12.0).abs() < 1e-9, "{line_a:?}");
        // The category's prior (the median at regular prices) is brought to L's live price.
        let median = horizon.demand.category_rates["shoes"];
        let line_l = LineDemand::new(&horizon, ("L", None), Some("Shoes"), d("12"), d("100"));
        let expected = (median * 4.0 * PRIOR_DAYS + 18.0) / (PRIOR_DAYS + 12.0);
        assert!((line_l.rate - expected).abs() < 1e-9, "{line_l:?}");
        // Without prices, nothing changes: the units as sold.
        let plain = super::demand(&lines, 12, None, -2.0);
        assert_eq!(plain.sold_at_reference("A", None), None);
    }

    #[test]
    fn a_line_s_days_carry_the_last_price_seen() {
        let p = |day: u32, price: &str, units: i64| PricePoint {
            day,
            price: price.parse().unwrap_or_default(),
            units: Decimal::from(units),
        };
        // Day 1: two prices, the one that sold more is the day's; day 3 at 8; nothing after.
        let points = [p(1, "10", 2), p(1, "9", 1), p(3, "8", 4)];
        let days = daily(&points, 5).unwrap_or_default();
        let shape: Vec<(f64, Option<f64>)> = days.iter().map(|d| (d.units, d.price)).collect();
        assert_eq!(
            shape,
            vec![
                (0.0, Some(10.0)),
                (3.0, Some(10.0)),
                (0.0, Some(10.0)),
                (4.0, Some(8.0)),
                (0.0, Some(8.0)),
            ]
        );
        assert!(daily(&[], 5).is_none());
        // A tie goes to the higher price (a regular price beside a markdown).
        let days = daily(&[p(0, "5", 1), p(0, "10", 1)], 1).unwrap_or_default();
        assert_eq!(days[0].price, Some(10.0));
        // A day with only a return (negative units) keeps the price carried from before.
        let points = [p(0, "10", 2), p(2, "15", -3), p(3, "8", 1)];
        let days = daily(&points, 4).unwrap_or_default();
        let prices: Vec<Option<f64>> = days.iter().map(|d| d.price).collect();
        assert_eq!(prices, vec![Some(10.0), Some(10.0), Some(10.0), Some(8.0)]);
    }
}
