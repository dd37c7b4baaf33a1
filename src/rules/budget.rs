//! The markdown budget (`plan --budget AMOUNT`, docs/rules.md "Markdown budget"): the plan's
//! projected markdown cost stays within an amount. Planned lines are taken in descending order
//! of capital freed per unit of markdown cost; each is kept when its cost fits in what is left
//! of the budget, else it is skipped as `over_budget`.
//!
//! Pure: the caller works out each line's projected figures (the demand model at its planned
//! depth) and applies the outcome.

use super::why;
use crate::model::{Flag, LineStatus, PlanLine, Reason};
use rust_decimal::{Decimal, RoundingStrategy};
use std::cmp::Ordering;

/// One planned line as the budget sees it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Candidate {
    /// Where the line is in the caller's list (returned in [`Outcome`]).
    pub index: usize,
    /// Projected units × the markdown per unit, exact: the order's denominator.
    pub markdown_cost: Decimal,
    /// The same rounded up to the currency's minor unit: what the line takes from the budget.
    pub charge: Decimal,
    /// Projected units × unit cost (× price without a cost): the capital the sales free.
    pub capital_freed: Decimal,
    /// Breaks ties in the order (the caller's input position): lower first.
    pub tie: u32,
}

/// What the budget decided.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Outcome {
    /// Lines kept, in the order they were taken.
    pub kept: Vec<usize>,
    /// Lines skipped, each with what was left of the budget when its turn came.
    pub over: Vec<(usize, Decimal)>,
    /// The projected markdown cost of the kept lines (never above the budget).
    pub spent: Decimal,
}

/// Capital freed per unit of markdown cost, higher first; a line that costs nothing comes first
/// (more capital first), then the tie key.
fn order(a: &Candidate, b: &Candidate) -> Ordering {
    let zero = Decimal::ZERO;
    let by_ratio = match (a.markdown_cost <= zero, b.markdown_cost <= zero) {
        (true, true) => b.capital_freed.cmp(&a.capital_freed),
        (true, false) => Ordering::Less,
        (false, true) => Ordering::Greater,
        // a.cap / a.cost > b.cap / b.cost ⇔ a.cap × b.cost > b.cap × a.cost (both costs > 0):
        // exact, no division; a product too large for a Decimal falls back to the quotients
        // (a quotient too large counts as the largest).
        (false, false) => match (
            a.capital_freed.checked_mul(b.markdown_cost),
            b.capital_freed.checked_mul(a.markdown_cost),
        ) {
            (Some(x), Some(y)) => y.cmp(&x),
            _ => {
                let q = |c: &Candidate| {
                    c.capital_freed
                        .checked_div(c.markdown_cost)
                        .unwrap_or(Decimal::MAX)
                };
                q(b).cmp(&q(a))
            }
        },
    };
    by_ratio.then(a.tie.cmp(&b.tie))
}

/// Keep lines within `budget`, best capital freed per unit of markdown cost first; a line that
/// does not fit in what is left is skipped and the next one is tried (a smaller one may fit).
pub fn choose(mut candidates: Vec<Candidate>, budget: Decimal) -> Outcome {
    candidates.sort_by(order);
    let mut out = Outcome::default();
    for c in candidates {
        let cost = c.charge.max(Decimal::ZERO);
        let left = budget - out.spent;
        if cost <= left {
            // Never above the budget: no overflow.
            out.spent += cost;
            out.kept.push(c.index);
        } else {
            out.over.push((c.index, left));
        }
    }
    out
}

/// A planned line's projected figures at its planned depth: units (as shown, a tenth), the
/// markdown per unit, the markdown cost (exact, and rounded to the currency's minor unit as
/// shown and charged) and the capital freed.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Projection {
    pub units: Decimal,
    pub off: Decimal,
    pub exact_cost: Decimal,
    pub markdown_cost: Decimal,
    pub capital_freed: Decimal,
}

/// The projection of a planned line from its projected units at the planned depth (`None`
/// for a line without a price or discount). `digits`: the currency's minor unit. Figures too
/// large for a Decimal saturate (a saturated cost never fits a budget).
pub fn projection(line: &PlanLine, units: Decimal, digits: u32) -> Option<Projection> {
    let clearance = line.clearance_price()?;
    // The discount applies to the price paid today: the live markdown's price when one runs.
    let base = line.live_price().or(line.price.get())?;
    let units = units.max(Decimal::ZERO);
    let off = (base - clearance).max(Decimal::ZERO);
    let exact_cost = sat_mul(units, off);
    // Rounded as the what-if's markdown cost at the same depth, so the two figures agree.
    let markdown_cost =
        exact_cost.round_dp_with_strategy(digits, RoundingStrategy::MidpointAwayFromZero);
    // Capital freed per unit: the line's capital (stock × cost, or × price without a cost)
    // per unit on hand, as the ranking counts it.
    let per_unit = match line.quantity.get() {
        Some(q) if q > Decimal::ZERO => line.capital().checked_div(q).unwrap_or(Decimal::MAX),
        _ => Decimal::ZERO,
    };
    Some(Projection {
        units,
        off,
        exact_cost,
        markdown_cost,
        capital_freed: sat_mul(units, per_unit),
    })
}

fn sat_mul(a: Decimal, b: Decimal) -> Decimal {
    a.checked_mul(b).unwrap_or(Decimal::MAX)
}

/// Apply the budget to `lines` (planned lines among them): lines that do not fit become
/// skipped `over_budget` lines with a why naming the budget. `tie[i]` orders lines of equal
/// value (the input position); `projected[i]` is the planned line's projection (`None` for
/// skipped lines and planned lines without one, which cost nothing). Returns the lines skipped.
pub fn apply(
    lines: &mut [PlanLine],
    projected: &[Option<Projection>],
    tie: &[u32],
    budget: Decimal,
) -> Vec<usize> {
    let candidates: Vec<Candidate> = lines
        .iter()
        .enumerate()
        .filter(|(_, l)| l.status == LineStatus::Planned)
        .map(|(i, _)| {
            let p = projected[i];
            Candidate {
                index: i,
                markdown_cost: p.map_or(Decimal::ZERO, |p| p.exact_cost),
                charge: p.map_or(Decimal::ZERO, |p| p.markdown_cost),
                capital_freed: p.map_or(Decimal::ZERO, |p| p.capital_freed),
                tie: tie[i],
            }
        })
        .collect();
    let outcome = choose(candidates, budget);
    let mut over = Vec::with_capacity(outcome.over.len());
    for (i, left) in outcome.over {
        over.push(i);
        let Some(p) = projected[i] else { continue };
        let line = &mut lines[i];
        let facts = why::Facts {
            sold: line.sold.get().unwrap_or(Decimal::ZERO),
            quantity: line.quantity.get(),
            velocity: line.velocity(),
            class: line.class,
        };
        let depth = line.discount_pct().unwrap_or(Decimal::ZERO);
        line.set_why(why::over_budget(
            &facts,
            depth,
            p.units,
            p.off,
            p.markdown_cost,
            left,
            budget,
        ));
        line.status = LineStatus::Skipped;
        line.reason = Some(Reason::OverBudget);
        line.set_discount_pct(None);
        line.set_clearance_price(None);
        line.set_margin_after_pct(None);
        line.set_binding_limit(None);
        line.set_projected_sellthrough_pct(None);
        line.flags
            .retain(|f| f != Flag::TargetNotReached && f != Flag::BelowFloorAllowed);
        // A skipped line has no what-if (its depths are not options of this plan).
        line.model = None;
    }
    over
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::num::d;
    use proptest::prelude::*;

    fn c(index: usize, cost: &str, capital: &str) -> Candidate {
        Candidate {
            index,
            markdown_cost: d(cost),
            charge: d(cost),
            capital_freed: d(capital),
            tie: index as u32,
        }
    }

    #[test]
    fn the_best_capital_per_cost_is_taken_first_and_smaller_lines_still_fit() {
        // Ratios: 0 → 5, 1 → 2, 2 → 10, 3 → 1 (cost 10, fits what is left), 4 costs nothing.
        let lines = vec![
            c(0, "100", "500"),
            c(1, "300", "600"),
            c(2, "50", "500"),
            c(3, "10", "10"),
            c(4, "0", "40"),
        ];
        let out = choose(lines, d("200"));
        assert_eq!(out.kept, vec![4, 2, 0, 3]);
        assert_eq!(out.over, vec![(1, d("50"))]);
        assert_eq!(out.spent, d("160"));
    }

    #[test]
    fn a_line_exactly_the_size_of_what_is_left_fits() {
        let out = choose(vec![c(0, "60", "600"), c(1, "40", "100")], d("100"));
        assert_eq!(out.kept, vec![0, 1]);
        assert_eq!(out.spent, d("100"));
        let out = choose(vec![c(0, "60", "600"), c(1, "40.01", "100")], d("100"));
        assert_eq!(out.over, vec![(1, d("40"))]);
    }

    #[test]
    fn a_zero_budget_keeps_only_lines_that_cost_nothing() {
        let out = choose(vec![c(0, "1", "600"), c(1, "0", "0")], Decimal::ZERO);
        assert_eq!(out.kept, vec![1]);
        assert_eq!(out.over, vec![(0, Decimal::ZERO)]);
    }

    #[test]
    fn ties_follow_the_tie_key() {
        let out = choose(vec![c(2, "10", "20"), c(1, "5", "10")], d("10"));
        assert_eq!(out.kept, vec![1]);
        assert_eq!(out.over, vec![(2, d("5"))]);
    }

    proptest! {
        #[test]
        fn never_over_budget_and_every_skipped_line_lost_to_better_ones(
            raw in proptest::collection::vec((0u32..5_000, 0u32..50_000), 0..40),
            budget in 0u32..20_000,
        ) {
            let lines: Vec<Candidate> = raw
                .iter()
                .enumerate()
                .map(|(i, (cost, cap))| Candidate {
                    index: i,
                    markdown_cost: Decimal::new(i64::from(*cost), 2),
                    charge: Decimal::new(i64::from(*cost), 2),
                    capital_freed: Decimal::new(i64::from(*cap), 2),
                    tie: i as u32,
                })
                .collect();
            let budget = Decimal::new(i64::from(budget), 1);
            let out = choose(lines.clone(), budget);
            prop_assert!(out.spent <= budget);
            prop_assert_eq!(out.kept.len() + out.over.len(), lines.len());
            let spent: Decimal = out.kept.iter().map(|&i| lines[i].markdown_cost).sum();
            prop_assert_eq!(spent, out.spent);
            // A skipped line did not fit in what was left at its turn; a line kept although
            // it ranks lower (less capital per cost) is one that costs less than the skipped
            // line: the skipped lines are the lowest ranked but for smaller lines that fit.
            for (i, left) in &out.over {
                let s = &lines[*i];
                prop_assert!(s.markdown_cost > *left);
                for &k in &out.kept {
                    if order(s, &lines[k]) == Ordering::Less {
                        prop_assert!(lines[k].markdown_cost < s.markdown_cost);
                    }
                }
            }
        }
    }
}
