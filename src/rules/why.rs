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

fn pct(d: Decimal) -> String {
    format!("{}%", plain(round(d, 2)))
}

fn wanted_words(lim: &Limits) -> String {
    if lim.wanted_is_request {
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
    existing: Option<Decimal>,
    margin_after: Option<Decimal>,
) -> String {
    let floor = pct(policy.min_margin_pct);
    let wanted = wanted_words(lim);
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
            let e = existing.unwrap_or_default();
            format!(
                "{wanted} reduced to {} because an existing {} discount already applies (combined {})",
                pct(d),
                pct(e),
                pct(combined_depth(e, d))
            )
        }
    };
    let depth = match (existing, binding) {
        (Some(e), b) if b != BindingLimit::Stacking => format!(
            "{depth}, on top of an existing {} discount (combined {})",
            pct(e),
            pct(combined_depth(e, d))
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
    existing: Option<Decimal>,
    margin: Option<Decimal>,
) -> String {
    let floor = pct(policy.min_margin_pct);
    let min = pct(policy.min_discount_pct);
    let wanted = wanted_words(lim);
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
            "{wanted}, but an existing {} discount leaves room for only {} within the cap and the {floor} margin floor, below the {min} minimum discount",
            pct(existing.unwrap_or_default()),
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
