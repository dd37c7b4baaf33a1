//! The one-sentence rationale of every line (rule 10): it names the velocity, the tier and the
//! margin floor, so a line never silently breaches the floor.

use super::{Limits, Policy, combined_depth};
use crate::model::num::{plain, round};
use crate::model::{BindingLimit, Class};
use rust_decimal::Decimal;

/// What the sentence opens with.
pub struct Facts {
    pub sold: Decimal,
    pub quantity: Option<Decimal>,
    pub velocity: Option<Decimal>,
    pub class: Option<Class>,
}

fn opening(f: &Facts) -> String {
    let mut s = String::with_capacity(160);
    crate::model::why::push_opening(&mut s, f.sold, f.quantity, f.velocity, f.class);
    s
}

/// An existing discount: its depth and how the sentence names it.
#[derive(Clone, Copy)]
pub struct Existing<'a> {
    pub pct: Decimal,
    pub words: &'a str,
}

/// How the why names the discounts already running on a line: a discount rule covering it,
/// the shop's own live markdown (sale price below the regular price), or both.
pub fn existing_words(rule: Option<Decimal>, live: Option<(Decimal, Decimal)>) -> String {
    let markdown = |(now, regular): (Decimal, Decimal)| {
        format!(
            "the live markdown to {} from {}",
            plain(now),
            plain(regular)
        )
    };
    match (rule, live) {
        (Some(e), Some(l)) => format!("{} and an existing {} discount", markdown(l), pct(e)),
        (None, Some(l)) => {
            let (now, regular) = l;
            let depth = Decimal::ONE_HUNDRED * (Decimal::ONE - now / regular);
            format!("{} ({})", markdown(l), pct(depth))
        }
        (Some(e), None) => format!("an existing {} discount", pct(e)),
        (None, None) => String::new(),
    }
}

/// A minimum advertised price as money: at least two decimals (88 shows as 88.00).
fn money(m: Decimal) -> String {
    let mut m = m;
    if m.scale() < 2 {
        m.rescale(2);
    }
    m.to_string()
}

/// How a sentence names the minimum advertised price.
fn map_words(lim: &Limits) -> String {
    match lim.min_price {
        Some(m) => format!("the minimum advertised price {}", money(m.price)),
        None => "the minimum advertised price".into(),
    }
}

/// The MAP is at or above the price the discount starts from: no room at all.
fn map_above_price(lim: &Limits) -> bool {
    lim.min_price.is_some_and(|m| m.allowance <= Decimal::ZERO)
}

pub(crate) fn pct(d: Decimal) -> String {
    format!("{}%", plain(round(d, 2)))
}

fn wanted_words(lim: &Limits, policy: &Policy) -> String {
    if lim.wanted_is_request && lim.wanted > policy.cap_pct {
        format!(
            "{} requested, above the {} cap: the request overrides the cap",
            pct(lim.wanted),
            pct(policy.cap_pct)
        )
    } else if lim.wanted_is_request {
        format!("{} requested", pct(lim.wanted))
    } else {
        format!("{} tier", pct(lim.wanted))
    }
}

pub fn not_slow(f: &Facts) -> String {
    format!("{}: not a slow mover, no discount.", opening(f))
}

/// A planned line.
pub fn planned(
    f: &Facts,
    policy: &Policy,
    lim: &Limits,
    binding: BindingLimit,
    d: Decimal,
    existing: Option<Existing>,
    margin_after: Option<Decimal>,
) -> String {
    let floor = pct(policy.min_margin_pct);
    let wanted = wanted_words(lim, policy);
    let depth = match binding {
        BindingLimit::Tier | BindingLimit::Request | BindingLimit::Target if d == lim.wanted => {
            wanted
        }
        BindingLimit::Tier | BindingLimit::Request | BindingLimit::Target => {
            format!("{wanted}, rounded down to {}", pct(d))
        }
        BindingLimit::Cap => format!("{wanted} capped at {} by the {} cap", pct(d), pct(lim.cap)),
        BindingLimit::MarginFloor if margin_after.is_none() => format!(
            "{wanted} held to {} because there is no cost data (the no-cost allowance is {})",
            pct(d),
            pct(policy.no_cost_cap_pct)
        ),
        BindingLimit::MarginFloor => {
            format!(
                "{wanted} reduced to {} to hold the {floor} margin floor",
                pct(d)
            )
        }
        BindingLimit::Stacking => {
            let (e, words) = existing.map_or((Decimal::ZERO, ""), |x| (x.pct, x.words));
            format!(
                "{wanted} reduced to {} because {words} already applies (combined {})",
                pct(d),
                pct(combined_depth(e, d))
            )
        }
        BindingLimit::MinPrice => format!("{wanted} held to {} by {}", pct(d), map_words(lim)),
    };
    let depth = on_top(depth, existing, binding, d);
    let margin = margin_words(policy, lim, margin_after);
    format!("{}: {depth}; {margin}.", opening(f))
}

/// `depth`, followed by the discount it stacks on (unless stacking is what held it).
fn on_top(depth: String, existing: Option<Existing>, binding: BindingLimit, d: Decimal) -> String {
    match (existing, binding) {
        (Some(e), b) if b != BindingLimit::Stacking => format!(
            "{depth}, on top of {} (combined {})",
            e.words,
            pct(combined_depth(e.pct, d))
        ),
        _ => depth,
    }
}

/// The margin after the discount against the floor.
fn margin_words(policy: &Policy, lim: &Limits, margin_after: Option<Decimal>) -> String {
    let floor = pct(policy.min_margin_pct);
    match margin_after {
        Some(m) if m < policy.min_margin_pct => format!(
            "margin after discount {:.1}%, below the {floor} floor as allowed by --allow-below-floor",
            round(m, 1)
        ),
        Some(m) if m == policy.min_margin_pct => {
            format!(
                "margin after discount {:.1}%, at the {floor} floor",
                round(m, 1)
            )
        }
        Some(m) => format!(
            "margin after discount {:.1}%, above the {floor} floor",
            round(m, 1)
        ),
        None if policy.allow_below_floor && lim.wanted_is_request => format!(
            "no cost data, so the {floor} margin floor cannot be checked (--allow-below-floor)"
        ),
        None => format!(
            "no cost data, so the {floor} margin floor cannot be checked and the discount is held to {}",
            pct(policy.no_cost_cap_pct)
        ),
    }
}

/// A candidate whose discount came out below the minimum.
pub fn too_small(
    f: &Facts,
    policy: &Policy,
    lim: &Limits,
    binding: BindingLimit,
    d: Decimal,
    existing: Option<Existing>,
    margin: Option<Decimal>,
) -> String {
    let floor = pct(policy.min_margin_pct);
    let min = pct(policy.min_discount_pct);
    let wanted = wanted_words(lim, policy);
    let d = d.max(Decimal::ZERO);
    let detail = match binding {
        BindingLimit::MarginFloor => match margin {
            Some(m) => format!(
                "{wanted}, but a margin of {} leaves only {} above the {floor} margin floor, below the {min} minimum discount",
                pct(m),
                pct(d)
            ),
            None => format!(
                "{wanted}, but the no-cost allowance leaves only {}, below the {min} minimum discount",
                pct(d)
            ),
        },
        BindingLimit::Stacking => format!(
            "{wanted}, but {} leaves room for only {} within the cap and the {floor} margin floor, below the {min} minimum discount",
            existing.map_or("an existing discount", |e| e.words),
            pct(d)
        ),
        BindingLimit::Cap => format!(
            "{wanted}, but the {} cap leaves only {}, below the {min} minimum discount",
            pct(lim.cap),
            pct(d)
        ),
        BindingLimit::MinPrice if map_above_price(lim) => format!(
            "{wanted}, but {} is at or above today's price, leaving no room",
            map_words(lim)
        ),
        BindingLimit::MinPrice => format!(
            "{wanted}, but {} leaves only {}, below the {min} minimum discount",
            map_words(lim),
            pct(d)
        ),
        BindingLimit::Tier | BindingLimit::Request | BindingLimit::Target => {
            format!(
                "{wanted} is below the {min} minimum discount (the {floor} margin floor was not the limit)"
            )
        }
    };
    format!("{}: {detail}; not discounted.", opening(f))
}

/// What target mode adds to a why: the target and the line's projections.
pub struct TargetWords {
    /// The target share, e.g. `80%`.
    pub target: String,
    /// The exit date, YYYY-MM-DD.
    pub exit: String,
    /// The projected sell-through at the depth the sentence names, whole percent (cut, so a
    /// line short of the target never shows as reaching it).
    pub projected: Decimal,
    /// The depth the model says the target needs, limits ignored (`None`: more than 99%).
    /// On a line already discounted, extra depth on top of the existing discount.
    pub needed: Option<Decimal>,
    /// The existing discount the line already has (stacked lines), in percent.
    pub existing: Option<Decimal>,
    /// The line sold nothing in the window: its projection is its category's median rate.
    pub from_category: bool,
}

impl TargetWords {
    fn needs(&self) -> String {
        match (self.needed, self.existing) {
            (Some(n), Some(e)) => format!(
                "{} needs about {} more ({} combined)",
                self.target,
                pct(n),
                pct(combined_depth(e, n).round())
            ),
            (Some(n), None) => format!("{} needs about {}", self.target, pct(n)),
            (None, Some(_)) => format!("{} needs more than 99% more", self.target),
            (None, None) => format!("{} needs more than 99%", self.target),
        }
    }

    /// The why's last clause when the projection rests on the category alone.
    fn note(&self) -> &'static str {
        if self.from_category {
            "; no sales in the window: projected from the category's median rate"
        } else {
            ""
        }
    }
}

/// Target mode: a slow line projected to reach the target without a discount.
pub fn target_met(f: &Facts, t: &TargetWords) -> String {
    format!(
        "{}: projected to sell {} by {} at today's price, reaching the {} target; no discount needed{}.",
        opening(f),
        pct(t.projected),
        t.exit,
        t.target,
        t.note()
    )
}

/// Target mode: a planned line, at the smallest step reaching the target or, when none does,
/// at the deepest depth the limits allow.
#[allow(clippy::too_many_arguments)]
pub fn target_planned(
    f: &Facts,
    policy: &Policy,
    lim: &Limits,
    binding: BindingLimit,
    d: Decimal,
    existing: Option<Existing>,
    margin_after: Option<Decimal>,
    t: &TargetWords,
) -> String {
    let floor = pct(policy.min_margin_pct);
    let depth = match binding {
        BindingLimit::Target | BindingLimit::Tier | BindingLimit::Request if d == lim.wanted => {
            format!(
                "{} is the smallest step projected to sell {} by {} (projected {})",
                pct(d),
                t.target,
                t.exit,
                pct(t.projected)
            )
        }
        _ => {
            let at = match binding {
                BindingLimit::Cap if d == lim.cap => format!("the {} cap", pct(lim.cap)),
                BindingLimit::Cap => {
                    format!(
                        "{}, the deepest step within the {} cap",
                        pct(d),
                        pct(lim.cap)
                    )
                }
                BindingLimit::MarginFloor if margin_after.is_none() => {
                    format!("{}, the no-cost allowance (there is no cost data)", pct(d))
                }
                BindingLimit::MarginFloor => format!(
                    "{}, the deepest step the {floor} margin floor allows",
                    pct(d)
                ),
                BindingLimit::Stacking => {
                    let (e, words) = existing.map_or((Decimal::ZERO, ""), |x| (x.pct, x.words));
                    format!(
                        "{}, the most {words} leaves room for (combined {})",
                        pct(d),
                        pct(combined_depth(e, d))
                    )
                }
                BindingLimit::MinPrice => {
                    format!("{}, the deepest step {} allows", pct(d), map_words(lim))
                }
                _ => format!("{}, the deepest step allowed", pct(d)),
            };
            format!(
                "projected to sell {} by {} at {at}; {}",
                pct(t.projected),
                t.exit,
                t.needs()
            )
        }
    };
    let depth = on_top(depth, existing, binding, d);
    let margin = margin_words(policy, lim, margin_after);
    format!("{}: {depth}; {margin}{}.", opening(f), t.note())
}

/// Target mode: a line short of the target whose limits leave less than the minimum discount.
#[allow(clippy::too_many_arguments)]
pub fn target_too_small(
    f: &Facts,
    policy: &Policy,
    lim: &Limits,
    binding: BindingLimit,
    d: Decimal,
    existing: Option<Existing>,
    margin: Option<Decimal>,
    t: &TargetWords,
) -> String {
    let floor = pct(policy.min_margin_pct);
    let min = pct(policy.min_discount_pct);
    let d = d.max(Decimal::ZERO);
    let limit = match binding {
        BindingLimit::MarginFloor => match margin {
            Some(m) => format!(
                "a margin of {} leaves only {} above the {floor} margin floor",
                pct(m),
                pct(d)
            ),
            None => format!("the no-cost allowance leaves only {}", pct(d)),
        },
        BindingLimit::Stacking => format!(
            "{} leaves room for only {} within the cap and the {floor} margin floor",
            existing.map_or("an existing discount", |e| e.words),
            pct(d)
        ),
        BindingLimit::Cap => format!("the {} cap leaves only {}", pct(lim.cap), pct(d)),
        BindingLimit::MinPrice if map_above_price(lim) => {
            format!("{} is at or above today's price", map_words(lim))
        }
        BindingLimit::MinPrice => format!("{} leaves only {}", map_words(lim), pct(d)),
        _ => format!("the limits leave only {}", pct(d)),
    };
    format!(
        "{}: projected to sell {} by {} without a discount; {}, but {limit}, below the {min} minimum discount; not discounted{}.",
        opening(f),
        pct(t.projected),
        t.exit,
        t.needs(),
        t.note()
    )
}

/// `--budget`: a slow line whose projected markdown cost did not fit in what was left.
pub fn over_budget(
    f: &Facts,
    d: Decimal,
    units: Decimal,
    off: Decimal,
    cost: Decimal,
    left: Decimal,
    budget: Decimal,
) -> String {
    use crate::model::num::money;
    format!(
        "{}: {} off would give away a projected {} in markdown ({} units × {} off), more than the {} left of the {} budget; not discounted (over budget).",
        opening(f),
        pct(d),
        money(cost),
        plain(units),
        money(off),
        money(left.max(Decimal::ZERO)),
        money(budget)
    )
}
