//! The one-sentence rationale of every line (rule 10): it names the velocity, the tier and the
//! margin floor, so a line never silently breaches the floor.

use super::{Limits, Policy, combined_depth};
use crate::model::num::{plain, round, trunc};
use crate::model::{BindingLimit, Class};
use rust_decimal::Decimal;

/// What the sentence opens with.
pub struct Facts {
    pub sold: Decimal,
    pub quantity: Option<Decimal>,
    pub velocity: Option<Decimal>,
    pub class: Option<Class>,
}

fn class_words(class: Class) -> &'static str {
    match class {
        Class::Severe => "severely overstocked",
        Class::Moderate => "moderately overstocked",
        Class::Balanced => "balanced",
        Class::Fast => "selling fast",
    }
}

fn opening(f: &Facts) -> String {
    match (f.quantity, f.velocity, f.class) {
        (Some(q), Some(v), Some(c)) => format!(
            "{} sold for {} on hand (velocity {:.2}, {})",
            plain(f.sold),
            plain(q),
            // Cut, not rounded: 0.099 shows as 0.09, so the words never contradict the class.
            trunc(v, 2),
            class_words(c)
        ),
        _ => format!(
            "{} sold, stock not tracked (velocity unknown)",
            plain(f.sold)
        ),
    }
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
        BindingLimit::Tier | BindingLimit::Request if d == lim.wanted => wanted,
        BindingLimit::Tier | BindingLimit::Request => {
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
    };
    let depth = match (existing, binding) {
        (Some(e), b) if b != BindingLimit::Stacking => format!(
            "{depth}, on top of {} (combined {})",
            e.words,
            pct(combined_depth(e.pct, d))
        ),
        _ => depth,
    };
    let margin = match margin_after {
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
    };
    format!("{}: {depth}; {margin}.", opening(f))
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
        BindingLimit::Tier | BindingLimit::Request => {
            format!(
                "{wanted} is below the {min} minimum discount (the {floor} margin floor was not the limit)"
            )
        }
    };
    format!("{}: {detail}; not discounted.", opening(f))
}
