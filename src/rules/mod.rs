//! The pricing rules of SPEC section 3 as pure functions: no I/O, no clock, no environment.
//! Every value is a `Decimal`, so rule boundaries are exact (3 sold for 10 on hand is 0.3).

pub mod budget;
mod plan;
pub mod target;
pub mod what_if;
mod why;

pub use plan::{Unclassified, build_lines, nothing_classified, summarise};
pub use target::{Horizon, Target};

use crate::model::{BindingLimit, Class};
use rust_decimal::{Decimal, RoundingStrategy};
use std::collections::HashSet;

const HUNDRED: Decimal = Decimal::ONE_HUNDRED;

/// How the margin floor limits a discount (rule 5).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MarginRule {
    /// `discount <= margin - floor` (percentage points; the seed's rule, the default).
    Points,
    /// The margin at the discounted price stays at or above the floor.
    Effective,
}

impl MarginRule {
    pub fn as_str(self) -> &'static str {
        match self {
            MarginRule::Points => "points",
            MarginRule::Effective => "effective",
        }
    }
}

/// The checked policy the rules run with (config file and flags resolved once).
#[derive(Debug, Clone)]
pub struct Policy {
    pub min_margin_pct: Decimal,
    pub cap_pct: Decimal,
    pub step_pct: Decimal,
    pub min_discount_pct: Decimal,
    pub margin_rule: MarginRule,
    /// Allowance when neither cost nor margin is known (the seed's "cap at 15%").
    pub no_cost_cap_pct: Decimal,
    /// Allowed fractional endings for clearance prices (`0.99`, `0.49`); empty: none.
    pub price_endings: Vec<Decimal>,
    /// Currency used when a line has none (decides the minor unit).
    pub currency: Option<String>,
    pub excluded_skus: HashSet<String>,
    /// Lower-cased, trimmed category names.
    pub excluded_categories: HashSet<String>,
    /// Lower-cased, trimmed tags (Shopify `Tags`, WooCommerce `Tags`, a generic `tags`).
    pub excluded_tags: HashSet<String>,
    /// Lower-cased, trimmed vendors (Shopify `Vendor`, a generic `vendor` or `brand`).
    pub excluded_vendors: HashSet<String>,
    /// An explicit `--sku A,B --discount N` request.
    pub request: Option<ExplicitRequest>,
    pub allow_below_floor: bool,
    /// `--from-campaign`: only the campaign's lines are planned (STOCK-M's "copy a promotion");
    /// the campaign's name is kept for the why of the others.
    pub only_lines: Option<(String, CampaignLines)>,
    /// The demand model's horizon: set whenever the model runs (`--exit DATE`, with or without
    /// a target, or `--what-if`); `None` for the tier plan, which never uses the model.
    pub horizon: Option<Horizon>,
    /// Target mode (`--exit DATE --target-sellthrough PCT`): the wanted depth of a slow line is
    /// the smallest step projected to reach the target instead of its tier. Only with a horizon
    /// that has an exit date.
    pub target: Option<Target>,
    /// `--budget AMOUNT`: the most projected markdown cost the plan may give away (only with a
    /// horizon: the budget runs the model).
    pub budget: Option<Decimal>,
    /// `--min-age DAYS`: lines received fewer days before the as-of date are skipped
    /// (`too_new`); the days and the as-of date.
    pub min_age: Option<(u32, chrono::NaiveDate)>,
}

/// The (sku, location) pairs of a campaign. A line without a location (a campaign applied from a
/// plan without locations) stands for its sku at every location.
#[derive(Debug, Clone, Default)]
pub struct CampaignLines {
    pairs: HashSet<(String, Option<String>)>,
    /// The skus of `pairs`, for `has_sku` without a scan.
    skus: HashSet<String>,
}

impl CampaignLines {
    fn key(sku: &str, location: Option<&str>) -> (String, Option<String>) {
        (
            sku.trim().to_string(),
            location
                .map(|l| l.trim().to_lowercase())
                .filter(|l| !l.is_empty()),
        )
    }
    pub fn insert(&mut self, sku: &str, location: Option<&str>) {
        let key = Self::key(sku, location);
        self.skus.insert(key.0.clone());
        self.pairs.insert(key);
    }
    /// Whether the campaign holds `sku` at `location` (trimmed; locations ignore case).
    pub fn contains(&self, sku: &str, location: Option<&str>) -> bool {
        let (sku, location) = Self::key(sku, location);
        self.pairs.contains(&(sku.clone(), None))
            || (location.is_some() && self.pairs.contains(&(sku, location)))
    }
    /// Whether the campaign holds `sku` at any location.
    pub fn has_sku(&self, sku: &str) -> bool {
        self.skus.contains(sku.trim())
    }
    pub fn len(&self) -> usize {
        self.pairs.len()
    }
    pub fn is_empty(&self) -> bool {
        self.pairs.is_empty()
    }
}

#[derive(Debug, Clone)]
pub struct ExplicitRequest {
    pub skus: Vec<String>,
    pub discount_pct: Decimal,
}

impl Default for Policy {
    fn default() -> Self {
        Policy {
            min_margin_pct: Decimal::from(15),
            cap_pct: Decimal::from(25),
            step_pct: Decimal::ONE,
            min_discount_pct: Decimal::from(5),
            margin_rule: MarginRule::Points,
            no_cost_cap_pct: Decimal::from(15),
            price_endings: Vec::new(),
            currency: None,
            excluded_skus: HashSet::new(),
            excluded_categories: HashSet::new(),
            excluded_tags: HashSet::new(),
            excluded_vendors: HashSet::new(),
            request: None,
            allow_below_floor: false,
            only_lines: None,
            horizon: None,
            target: None,
            budget: None,
            min_age: None,
        }
    }
}

/// Rule 2: `v = sold / quantity` (in the model, which works a plan line's velocity out again
/// from its sold and quantity rather than hold it).
pub use crate::model::plan::velocity;

/// Rule 3: the velocity class.
pub fn classify(v: Decimal) -> Class {
    let tenth = Decimal::new(1, 1);
    if v < tenth {
        Class::Severe
    } else if v < Decimal::new(3, 1) {
        Class::Moderate
    } else if v <= Decimal::new(7, 1) {
        Class::Balanced
    } else {
        Class::Fast
    }
}

/// Rule 4: the tier discount in percent, deeper for slower stock; `None` for balanced and fast.
pub fn tier_discount(v: Decimal) -> Option<Decimal> {
    let fifty = Decimal::from(50);
    if v.is_zero() {
        Some(Decimal::from(25))
    } else if v < Decimal::new(1, 1) {
        Some(Decimal::from(20) - fifty * v)
    } else if v < Decimal::new(2, 1) {
        Some(Decimal::from(15) - fifty * (v - Decimal::new(1, 1)))
    } else if v < Decimal::new(3, 1) {
        Some(Decimal::from(10) - fifty * (v - Decimal::new(2, 1)))
    } else {
        None
    }
}

/// What is known about a line's cost, as the ratio `cost / price`.
/// A cost of 0 counts as unknown; cost wins over a margin column.
pub fn cost_ratio(
    price: Decimal,
    cost: Option<Decimal>,
    margin: Option<Decimal>,
) -> Option<Decimal> {
    if price <= Decimal::ZERO {
        return None;
    }
    // A cost a million times the price is as far below any floor as it gets; capping the ratio
    // keeps the arithmetic below within `Decimal`'s range.
    let cap = Decimal::from(1_000_000);
    match (cost, margin) {
        (Some(c), _) if c > Decimal::ZERO => Some(c.checked_div(price).unwrap_or(cap).min(cap)),
        (_, Some(m)) => Some((Decimal::ONE - m / HUNDRED).min(cap)),
        _ => None,
    }
}

/// Rule 5: margin in percent from the cost ratio.
pub fn margin_pct(ratio: Decimal) -> Decimal {
    HUNDRED * (Decimal::ONE - ratio)
}

/// Rule 5: the deepest discount the margin floor allows, or the no-cost allowance when the
/// cost is unknown. May be negative (the line is already below the floor).
pub fn floor_allowance(policy: &Policy, ratio: Option<Decimal>) -> Decimal {
    let floor = policy.min_margin_pct;
    match ratio {
        None => policy.no_cost_cap_pct,
        Some(r) => match policy.margin_rule {
            MarginRule::Points => margin_pct(r) - floor,
            MarginRule::Effective => {
                let keep = Decimal::ONE - floor / HUNDRED;
                if keep <= Decimal::ZERO {
                    // A floor of 100% or more allows nothing.
                    return -HUNDRED;
                }
                HUNDRED * (Decimal::ONE - r / keep)
            }
        },
    }
}

/// Rule 6: with an existing discount `e`, the new discount `d` may be at most this, so that
/// the combined depth `1 - (1 - e)(1 - d)` stays within `a` (the smaller of cap and floor).
pub fn stacking_allowance(a: Decimal, existing: Decimal) -> Decimal {
    let rest = Decimal::ONE - existing / HUNDRED;
    if rest <= Decimal::ZERO {
        return -HUNDRED;
    }
    HUNDRED * (Decimal::ONE - (Decimal::ONE - a / HUNDRED) / rest)
}

/// Combined depth of two successive discounts, in percent.
pub fn combined_depth(existing: Decimal, d: Decimal) -> Decimal {
    HUNDRED * (Decimal::ONE - (Decimal::ONE - existing / HUNDRED) * (Decimal::ONE - d / HUNDRED))
}

/// Rule 7: round down to a multiple of `step` (never up).
pub fn floor_to_step(x: Decimal, step: Decimal) -> Decimal {
    if step <= Decimal::ZERO {
        return x;
    }
    // Far out of range (a cost a million times the price): nothing to round.
    let Some(q) = x.checked_div(step) else {
        return x;
    };
    let q = q.round_dp_with_strategy(0, RoundingStrategy::ToNegativeInfinity);
    q.checked_mul(step).unwrap_or(x).normalize()
}

/// The limits on one line's discount, before rounding (rule 7).
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// The tier discount, the requested depth for an explicit request, or in target mode the
    /// smallest step reaching the target (100 when none does, so a limit binds).
    pub wanted: Decimal,
    pub wanted_is_request: bool,
    pub wanted_is_target: bool,
    pub cap: Decimal,
    /// `None` when `--allow-below-floor` lifted the floor for a request.
    pub floor: Option<Decimal>,
    pub stacking: Option<Decimal>,
    /// The minimum advertised price (MAP) of the line and the deepest discount that keeps the
    /// clearance price at or above it; `None` when the line has no MAP.
    pub min_price: Option<MinPrice>,
}

/// A line's minimum advertised price as a limit on its discount.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MinPrice {
    /// The MAP as read.
    pub price: Decimal,
    /// The deepest discount (percent, unrounded) keeping the clearance price at or above it;
    /// negative when the MAP is above today's price.
    pub allowance: Decimal,
}

/// The deepest discount on `base` whose clearance price, rounded down to `digits` decimals
/// (rule 8), is still at or above `map`: the MAP is first rounded up to the minor unit (a
/// rounded-down price is at or above the MAP exactly when the unrounded price is at or above
/// that), then `d <= 100 (1 - map / base)`.
pub fn min_price_allowance(base: Decimal, map: Decimal, digits: u32) -> Decimal {
    if base <= Decimal::ZERO {
        return -HUNDRED;
    }
    let map = map.round_dp_with_strategy(digits, RoundingStrategy::AwayFromZero);
    match map.checked_div(base) {
        Some(r) => HUNDRED * (Decimal::ONE - r.min(Decimal::from(1_000_000))),
        None => -HUNDRED,
    }
}

/// The deepest discount on `base`, floored to `step`, whose clearance price (rule 8) is at or
/// above the minimum advertised price `map`: `min_price_allowance`, then one step shallower
/// while the rounded price is ever below the MAP (the arithmetic `plan` uses). Zero or less
/// when there is no room.
pub fn min_price_max(base: Decimal, map: Decimal, digits: u32, step: Decimal) -> Decimal {
    let mut max = floor_to_step(min_price_allowance(base, map, digits), step).max(Decimal::ZERO);
    while max > Decimal::ZERO && step > Decimal::ZERO && clearance_price(base, max, digits) < map {
        max -= step;
    }
    max.max(Decimal::ZERO)
}

impl Limits {
    /// Add a line's minimum advertised price (a MAP of 0 or less is no limit).
    pub fn with_min_price(mut self, map: Option<Decimal>, base: Decimal, digits: u32) -> Self {
        self.min_price = map.filter(|m| *m > Decimal::ZERO).map(|m| MinPrice {
            price: m,
            allowance: min_price_allowance(base, m, digits),
        });
        self
    }

    /// The smallest limit and which one it is; ties go to tier (request, target), cap, floor,
    /// stacking, minimum advertised price.
    pub fn binding(&self) -> (BindingLimit, Decimal) {
        let first = if self.wanted_is_request {
            BindingLimit::Request
        } else if self.wanted_is_target {
            BindingLimit::Target
        } else {
            BindingLimit::Tier
        };
        let mut best = (first, self.wanted);
        let others = [
            (BindingLimit::Cap, Some(self.cap)),
            (BindingLimit::MarginFloor, self.floor),
            (BindingLimit::Stacking, self.stacking),
            (BindingLimit::MinPrice, self.min_price.map(|m| m.allowance)),
        ];
        for (limit, value) in others {
            if let Some(v) = value
                && v < best.1
            {
                best = (limit, v);
            }
        }
        best
    }

    /// The deepest discount cap, floor, stacking and the minimum advertised price allow
    /// (unrounded).
    pub fn allowed(&self) -> Decimal {
        let mut a = self.cap;
        if let Some(f) = self.floor {
            a = a.min(f);
        }
        if let Some(s) = self.stacking {
            a = a.min(s);
        }
        if let Some(m) = self.min_price {
            a = a.min(m.allowance);
        }
        a
    }
}

/// Compute the limits for a line. `existing` is the deepest active discount covering it.
pub fn limits(
    policy: &Policy,
    wanted: Decimal,
    wanted_is_request: bool,
    ratio: Option<Decimal>,
    existing: Option<Decimal>,
) -> Limits {
    // An explicit request is the merchant's own override of the cap ("25% off these 3 items":
    // honour the request); the floor still holds unless --allow-below-floor.
    let cap = if wanted_is_request {
        policy.cap_pct.max(wanted)
    } else {
        policy.cap_pct
    };
    let floor_allow = floor_allowance(policy, ratio);
    let floor = if wanted_is_request && policy.allow_below_floor {
        None
    } else {
        Some(floor_allow)
    };
    let stacking = existing.map(|e| {
        let a = match floor {
            Some(f) => cap.min(f),
            None => cap,
        };
        stacking_allowance(a, e)
    });
    Limits {
        wanted,
        wanted_is_request,
        wanted_is_target: false,
        cap,
        floor,
        stacking,
        min_price: None,
    }
}

/// Decimals of a currency's minor unit (ISO 4217); 2 when unknown.
pub fn minor_unit_digits(currency: Option<&str>) -> u32 {
    match currency.map(|c| c.trim().to_ascii_uppercase()) {
        Some(c) => match c.as_str() {
            "JPY" | "KRW" | "ISK" | "CLP" | "VND" | "PYG" | "UGX" | "XAF" | "XOF" | "HUF_NONE" => 0,
            "BHD" | "KWD" | "OMR" | "JOD" | "TND" | "IQD" | "LYD" => 3,
            _ => 2,
        },
        None => 2,
    }
}

/// Rule 8: `price (1 - d/100)` rounded down to the minor unit.
pub fn clearance_price(price: Decimal, d: Decimal, digits: u32) -> Decimal {
    (price * (Decimal::ONE - d / HUNDRED)).round_dp_with_strategy(digits, RoundingStrategy::ToZero)
}

/// Rule 8 with `price_endings`: the highest price at or below `plain` whose fractional part is
/// one of the endings, if `ok` accepts it (floor and cap still hold); else `plain`.
pub fn apply_price_ending(
    plain: Decimal,
    endings: &[Decimal],
    digits: u32,
    ok: impl Fn(Decimal) -> bool,
) -> Decimal {
    // Endings are cents; a currency without a minor unit (JPY) has none.
    if endings.is_empty() || digits == 0 {
        return plain;
    }
    let whole = plain.trunc();
    let mut best: Option<Decimal> = None;
    for base in [whole, whole - Decimal::ONE] {
        if base < Decimal::ZERO {
            continue;
        }
        for e in endings {
            let candidate = base + e.fract();
            if candidate <= plain && candidate > Decimal::ZERO && best.is_none_or(|b| candidate > b)
            {
                best = Some(candidate);
            }
        }
    }
    match best {
        Some(c) if ok(c) => c,
        _ => plain,
    }
}

#[cfg(test)]
mod tests;
