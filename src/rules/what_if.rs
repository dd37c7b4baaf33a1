//! What-if by depth (docs/forecast.md, "What-if"): for a planned line, at today's price (0%) and
//! at every step of the policy's grid up to the deepest depth the line's limits allow, the units
//! the demand model projects over the horizon and what they bring in: revenue, gross margin,
//! markdown cost and the stock left.
//!
//! Pure like the rest of `rules/`. The figures are computed when they are written (plan.json,
//! plan.xlsx), from the few numbers kept on the line ([`LineModel`]), so a million-line plan
//! does not hold every line's table in memory.

use super::{apply_price_ending, clearance_price, minor_unit_digits};
pub use crate::model::LineModel;
use crate::model::PlanLine;
use rust_decimal::prelude::ToPrimitive;
use rust_decimal::{Decimal, RoundingStrategy};

const HUNDRED: Decimal = Decimal::ONE_HUNDRED;

/// The depths of the what-if: 0, then every step of the grid from the minimum discount (rounded
/// up to the grid, as target mode's first step) up to the cap (rounded down to it), and an
/// explicit request's depth when it lies outside that range.
pub fn depths(
    step: Decimal,
    min_discount: Decimal,
    cap: Decimal,
    request: Option<Decimal>,
) -> Vec<Decimal> {
    let step = if step > Decimal::ZERO {
        step
    } else {
        Decimal::ONE
    };
    let first = ((min_discount / step).ceil() * step).max(step);
    let request = request.map(|r| super::floor_to_step(r, step));
    let top = super::floor_to_step(cap, step).max(request.unwrap_or(Decimal::ZERO));
    let mut out = vec![Decimal::ZERO];
    if let Some(r) = request.filter(|r| *r > Decimal::ZERO && *r < first) {
        out.push(r.normalize());
    }
    let mut d = first;
    // At most 10,000 depths (a 0.01 step up to 100%).
    while d <= top && out.len() <= 10_000 {
        out.push(d.normalize());
        d += step;
    }
    out
}

/// What every line's what-if shares.
#[derive(Debug, Clone)]
pub struct Context {
    pub depths: Vec<Decimal>,
    /// Days of the horizon.
    pub days: f64,
    pub price_endings: Vec<Decimal>,
    /// The currency of lines without one (decides the minor unit).
    pub currency: Option<String>,
    /// Each depth as a fraction (0.2 for 20%), and as `(n, h)` with `depth / 100 = n / h` in
    /// integers (`None` past `i64`), for [`fast_rows`].
    fractions: Vec<f64>,
    scaled: Vec<Option<(i64, i64)>>,
}

impl Context {
    pub fn new(
        depths: Vec<Decimal>,
        days: f64,
        price_endings: Vec<Decimal>,
        currency: Option<String>,
    ) -> Context {
        let fractions = depths
            .iter()
            .map(|d| d.to_f64().unwrap_or(0.0) / 100.0)
            .collect();
        let scaled = depths
            .iter()
            .map(|d| {
                let d = d.normalize();
                let h = 10i64.checked_pow(d.scale())?.checked_mul(100)?;
                Some((i64::try_from(d.mantissa()).ok()?, h))
            })
            .collect();
        Context {
            depths,
            days,
            price_endings,
            currency,
            fractions,
            scaled,
        }
    }

    /// The plan's what-if context; `None` when the model did not run.
    pub fn of(plan: &crate::model::Plan) -> Option<Context> {
        let f = plan.forecast.as_ref()?;
        if f.what_if_depths.is_empty() {
            return None;
        }
        Some(Context::new(
            f.what_if_depths.clone(),
            f64::from(f.days),
            plan.policy
                .price_endings
                .iter()
                .filter_map(|e| e.parse().ok())
                .collect(),
            plan.policy.currency.clone(),
        ))
    }
}

/// One depth of a line's what-if.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Row {
    pub depth: Decimal,
    /// Projected units over the horizon, at most the stock on hand, rounded to a tenth.
    pub units: Decimal,
    /// The price at this depth, as the rules make it (rounded down to the minor unit, with the
    /// price endings); today's price at 0%.
    pub price: Decimal,
    /// units × the price paid (after an existing discount rule), rounded to the minor unit.
    pub revenue: Decimal,
    /// revenue − units × cost; `None` without a cost.
    pub gross_margin: Option<Decimal>,
    /// (today's price − the price at this depth) × units.
    pub markdown_cost: Decimal,
    /// Stock on hand − units; `None` for a line without a stock figure (an untracked line
    /// planned by a request, projected without a stock limit).
    pub stock_left: Option<Decimal>,
}

/// The units to a tenth, from the model's `f64`: rounded half up, never above the stock.
fn tenths(units: f64, quantity: Decimal) -> Decimal {
    let t = (units * 10.0).round();
    let d = if t.is_finite() && t.abs() < 9e17 {
        Decimal::new(t as i64, 1)
    } else {
        Decimal::from_f64_retain(units).unwrap_or(Decimal::ZERO)
    };
    d.max(Decimal::ZERO).min(quantity.max(Decimal::ZERO))
}

/// The units the model projects for a line at `depth` percent off over `days`: at most the
/// stock on hand, to a tenth (plan.json's `what_if.units`, the template's projection).
pub fn units_at(m: &LineModel, depth: Decimal, days: f64, quantity: Decimal) -> Decimal {
    let q = quantity.max(Decimal::ZERO);
    let projected = crate::forecast::projected_units(
        m.rate,
        depth.to_f64().unwrap_or(0.0) / 100.0,
        m.elasticity,
        days,
    )
    .min(q.to_f64().unwrap_or(0.0));
    tenths(projected, q)
}

/// One depth of [`fast_rows`]: money in minor units of the line's currency, units in tenths.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FastRow {
    pub units_tenths: i64,
    pub revenue: i64,
    /// Meaningless when the line has no cost.
    pub gross_margin: i64,
    pub markdown_cost: i64,
    pub stock_left_tenths: i64,
}

/// The largest price, cost (in minor units) or stock (in tenths) [`fast_rows`] takes: their
/// products stay within `i64`.
const FAST_LIMIT: i64 = 1_000_000_000;

/// [`rows`] in integers, for the common line: no price endings to apply, no existing discount
/// rule, today's price and the cost in whole minor units, the stock in tenths, all below a
/// billion. The same figures, exactly (the tests compare the two), at a fraction of the cost of
/// `Decimal` arithmetic; `None` for any other line (use [`rows`]). Returns the currency's
/// decimals.
pub fn fast_rows(
    line: &PlanLine,
    m: &LineModel,
    cx: &Context,
    out: &mut Vec<FastRow>,
) -> Option<u32> {
    out.clear();
    let regular = line.price.get().filter(|p| *p > Decimal::ZERO)?;
    let base = line.live_price().unwrap_or(regular);
    let digits = minor_unit_digits(line.currency().or(cx.currency.as_deref()));
    if (!cx.price_endings.is_empty() && digits > 0)
        || m.rule_existing.is_some_and(|e| e > Decimal::ZERO)
    {
        return None;
    }
    let in_units = |v: Decimal, scale: u32| -> Option<i64> {
        let v = v.normalize();
        if v.scale() > scale || v.is_sign_negative() {
            return None;
        }
        let n = i64::try_from(v.mantissa()).ok()?;
        let n = n.checked_mul(10i64.checked_pow(scale - v.scale())?)?;
        (n <= FAST_LIMIT).then_some(n)
    };
    let base_minor = in_units(base, digits)?;
    let cost_minor = match m.cost {
        Some(c) => Some(in_units(c, digits)?),
        None => None,
    };
    // An untracked line (no stock figure) is left to `rows`.
    let quantity = line.quantity.get()?.max(Decimal::ZERO);
    let q10 = in_units(quantity, 1)?;
    let q = quantity.to_f64().unwrap_or(0.0);
    let max = line.max_discount_pct().unwrap_or(Decimal::ZERO);
    let half_up = |v: i64| {
        if v >= 0 {
            (v + 5) / 10
        } else {
            -((-v + 5) / 10)
        }
    };
    for (i, depth) in cx.depths.iter().enumerate() {
        if *depth > max {
            break;
        }
        let projected =
            crate::forecast::projected_units(m.rate, cx.fractions[i], m.elasticity, cx.days).min(q);
        let t = (projected * 10.0).round();
        let u10 = if t.is_finite() { t as i64 } else { 0 }.clamp(0, q10);
        let price = if depth.is_zero() {
            base_minor
        } else {
            let (n, h) = cx.scaled[i]?;
            // price × (1 − n/h), rounded down to the minor unit (rule 8).
            let keep = i128::from(h - n);
            i64::try_from(i128::from(base_minor) * keep / i128::from(h)).ok()?
        };
        if price <= 0 {
            return None;
        }
        let revenue = half_up(u10 * price);
        out.push(FastRow {
            units_tenths: u10,
            revenue,
            gross_margin: cost_minor.map_or(0, |c| half_up(revenue * 10 - u10 * c)),
            markdown_cost: half_up((base_minor - price).max(0) * u10),
            stock_left_tenths: q10 - u10,
        });
    }
    Some(digits)
}

fn sat_mul(a: Decimal, b: Decimal) -> Decimal {
    a.checked_mul(b).unwrap_or(Decimal::MAX)
}

/// A line's what-if, depth by depth, into `out` (cleared first): 0% and the depths of
/// `cx.depths` up to the line's `max_discount_pct`. Empty for a line without a price or model.
pub fn rows(line: &PlanLine, m: &LineModel, cx: &Context, out: &mut Vec<Row>) {
    out.clear();
    let Some(regular) = line.price.get().filter(|p| *p > Decimal::ZERO) else {
        return;
    };
    let base = line.live_price().unwrap_or(regular);
    let stock = line.quantity.get().map(|q| q.max(Decimal::ZERO));
    // Without a stock figure the projection has no limit.
    let quantity = stock.unwrap_or(Decimal::MAX);
    let max = line.max_discount_pct().unwrap_or(Decimal::ZERO);
    let digits = minor_unit_digits(line.currency().or(cx.currency.as_deref()));
    let round =
        |d: Decimal| d.round_dp_with_strategy(digits, RoundingStrategy::MidpointAwayFromZero);
    let keep = m
        .rule_existing
        .filter(|e| *e > Decimal::ZERO)
        .map(|e| Decimal::ONE - e / HUNDRED);
    for &depth in cx.depths.iter().take_while(|d| **d <= max) {
        let units = units_at(m, depth, cx.days, quantity);
        let price = if depth.is_zero() {
            base
        } else {
            let plain = clearance_price(base, depth, digits);
            apply_price_ending(plain, &cx.price_endings, digits, |candidate| {
                let d = HUNDRED * (Decimal::ONE - candidate / base);
                d <= m.allowed && line.min_price().is_none_or(|map| candidate >= map)
            })
        };
        let paid = match keep {
            Some(k) => price * k,
            None => price,
        };
        // Saturating: a line too large for a Decimal shows the largest figure, never stops
        // the run.
        let revenue = round(sat_mul(units, paid));
        out.push(Row {
            depth,
            units,
            price,
            revenue,
            gross_margin: m.cost.map(|c| {
                round(
                    revenue
                        .checked_sub(sat_mul(units, c))
                        .unwrap_or(Decimal::MIN),
                )
            }),
            markdown_cost: round(sat_mul((base - price).max(Decimal::ZERO), units)),
            stock_left: stock.map(|q| q - units),
        });
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::model::OptDecimal;
    use crate::model::num::d;

    #[test]
    fn the_depths_run_from_the_minimum_discount_to_the_cap() {
        let v = depths(d("1"), d("5"), d("25"), None);
        assert_eq!(v.first(), Some(&d("0")));
        assert_eq!(v[1], d("5"));
        assert_eq!(v.last(), Some(&d("25")));
        assert_eq!(v.len(), 22);
        // Off-grid minimum and cap: up to the grid, down to it.
        assert_eq!(
            depths(d("5"), d("6"), d("27"), None),
            vec![d("0"), d("10"), d("15"), d("20"), d("25")]
        );
        // A request above the cap, and one below the minimum.
        assert_eq!(
            depths(d("5"), d("5"), d("10"), Some(d("30"))).last(),
            Some(&d("30"))
        );
        assert_eq!(depths(d("1"), d("5"), d("6"), Some(d("3")))[1], d("3"));
    }

    /// A planned line at `price` with `q` on hand and a maximum (and planned depth) of `max`.
    pub(crate) fn planned(price: &str, q: &str, max: &str) -> PlanLine {
        let mut line = PlanLine {
            sku: "A".into(),
            name: None,
            category: None,
            location: None,
            quantity: d(q).into(),
            sold: OptDecimal::NONE,
            velocity_ratio: OptDecimal::NONE,
            class: None,
            status: crate::model::LineStatus::Planned,
            price: d(price).into(),
            cost: OptDecimal::NONE,
            margin_pct: OptDecimal::NONE,
            last_sale: None,
            flags: Default::default(),
            reason: None,
            why_text: Default::default(),
            why_after_opening: false,
            row: 0,
            capital: Decimal::ZERO.into(),
            extra: None,
            model: None,
            decision: None,
            binding_limit: None,
        };
        line.set_discount_pct(Some(d(max)));
        line.set_max_discount_pct(Some(d(max)));
        line
    }

    #[test]
    fn figures_follow_the_model_and_the_price() {
        let line = planned("40", "100", "20");
        let m = LineModel {
            rate: 0.5,
            elasticity: -2.0,
            allowed: d("20"),
            cost: Some(d("16")),
            rule_existing: None,
        };
        let cx = Context::new(
            depths(d("1"), d("5"), d("25"), None),
            30.0,
            Vec::new(),
            None,
        );
        let mut out = Vec::new();
        rows(&line, &m, &cx, &mut out);
        // 0% and 5..=20: the depths above the line's maximum are left out.
        assert_eq!(out.len(), 17);
        assert_eq!(out.last().map(|r| r.depth), Some(d("20")));
        // 20% off: 0.5 × 0.8^−2 × 30 = 23.4375 → 23.4 units at 32.00.
        let r = out.last().copied().unwrap_or_else(|| panic!("rows"));
        assert_eq!(r.units, d("23.4"));
        assert_eq!(r.price, d("32.00"));
        assert_eq!(r.revenue, d("748.80"));
        assert_eq!(r.gross_margin, Some(d("374.40")));
        assert_eq!(r.markdown_cost, d("187.20"));
        assert_eq!(r.stock_left, Some(d("76.6")));
        // 0%: 15 units at today's price, no markdown.
        assert_eq!(out[0].units, d("15"));
        assert_eq!(out[0].markdown_cost, Decimal::ZERO);
        for w in out.windows(2) {
            assert!(w[1].units >= w[0].units);
        }
        // Never more than the stock on hand.
        let m = LineModel { rate: 50.0, ..m };
        rows(&line, &m, &cx, &mut out);
        assert!(
            out.iter()
                .all(|r| r.units == d("100") && r.stock_left == Some(Decimal::ZERO))
        );
    }

    #[test]
    fn an_existing_rule_is_taken_off_the_revenue() {
        let line = planned("40", "100", "20");
        let m = LineModel {
            rate: 0.5,
            elasticity: -2.0,
            allowed: d("20"),
            cost: None,
            rule_existing: Some(d("10")),
        };
        let cx = Context::new(vec![d("0"), d("20")], 30.0, Vec::new(), None);
        let mut out = Vec::new();
        rows(&line, &m, &cx, &mut out);
        // 23.4 × 32.00 × 0.9
        assert_eq!(out[1].revenue, d("673.92"));
        assert_eq!(out[1].gross_margin, None);
        assert_eq!(out[1].markdown_cost, d("187.20"));
    }
}
