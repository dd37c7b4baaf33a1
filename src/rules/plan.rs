//! From catalog lines to plan lines: skip reasons, classification, the discount decision and the
//! ranking (SPEC rules 1-12).

use super::budget;
use super::target::{self, Choice, LineDemand};
use super::why;
use super::{
    Policy, apply_price_ending, classify, clearance_price, cost_ratio, floor_to_step, limits,
    margin_pct, minor_unit_digits, tier_discount, velocity,
};
use crate::model::num::{round, sat_add, sat_mul};
use crate::model::why::WhyInterner;
use crate::model::{
    BindingLimit, CatalogLine, Class, DataIssue, ExistingDiscount, Flag, Flags, LineExtra,
    LineStatus, OptDecimal, PlanLine, Reason, Scope, Summary,
};
use rust_decimal::Decimal;
use rust_decimal::prelude::FromPrimitive;
use std::collections::{BTreeMap, HashSet};
use std::sync::Arc;

const HUNDRED: Decimal = Decimal::ONE_HUNDRED;

/// Lines decided per batch; the catalog gives back each batch's memory as it goes. Small
/// enough that the batch's buffers, which the allocator keeps for reuse, stay small too (32k
/// lines a batch peaked 3 MB higher at 1M lines, in the same time).
pub(super) const BATCH: usize = 8 * 1024;

/// Every catalog line once: planned lines in ranking order (rule 9), then skipped lines in
/// input order.
///
/// Memory matters at a million lines: the catalog is consumed from its end in batches and
/// shrunk after each, so catalog lines and plan lines are never both held in full, and the
/// result is put in order by an in-place permutation rather than by moving lines between
/// vectors.
pub fn build_lines(
    mut catalog: Vec<CatalogLine>,
    policy: &Policy,
    existing: &[ExistingDiscount],
) -> Vec<PlanLine> {
    let requested: Option<HashSet<&str>> = policy
        .request
        .as_ref()
        .map(|r| r.skus.iter().map(|s| s.as_str()).collect());
    // Each line's why keeps only what its fields do not say, shared (`share_why`) through one
    // interner a thread, kept from batch to batch (a rest recurs all over a catalog).
    let decide_part =
        |part: &mut Vec<CatalogLine>, decided: &mut Vec<PlanLine>, whys: &mut WhyInterner| {
            decided.extend(part.drain(..).map(|line| {
                let in_request = requested.as_ref().map(|set| set.contains(line.sku.trim()));
                let existing_pct = existing_for(&line, existing);
                let mut out = decide(line, policy, existing_pct, in_request);
                out.share_why(whys);
                out
            }));
        };
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(8);
    let n = catalog.len();
    let mut out: Vec<PlanLine> = Vec::with_capacity(n);
    let parallel = threads >= 2 && n >= 50_000;
    let workers = if parallel { threads } else { 1 };
    let mut interners: Vec<WhyInterner> = (0..workers).map(|_| WhyInterner::default()).collect();
    // One input and one output buffer a worker, reused from batch to batch: fresh buffers a
    // batch were fresh pages a batch (a third of a million-line plan's page faults, taken on
    // the main thread while the workers waited).
    let mut parts: Vec<(Vec<CatalogLine>, Vec<PlanLine>)> =
        (0..workers).map(|_| (Vec::new(), Vec::new())).collect();
    while !catalog.is_empty() {
        let at = catalog.len().saturating_sub(BATCH);
        // The batch in `workers` parts of `size` lines from its end (the first part the last
        // lines; the one holding the batch's start may be shorter), taken off the catalog's
        // end (no line after them to move).
        let size = (catalog.len() - at).div_ceil(workers);
        let mut used = 0;
        while catalog.len() > at {
            let start = catalog.len().saturating_sub(size).max(at);
            parts[used].0.extend(catalog.drain(start..));
            used += 1;
        }
        catalog.shrink_to_fit();
        if used == 1 {
            let (part, decided) = &mut parts[0];
            decide_part(part, decided, &mut interners[0]);
        } else {
            std::thread::scope(|scope| {
                let handles: Vec<_> = parts[..used]
                    .iter_mut()
                    .zip(interners.iter_mut())
                    .map(|((part, decided), whys)| scope.spawn(|| decide_part(part, decided, whys)))
                    .collect();
                for h in handles {
                    h.join().unwrap_or_else(|p| std::panic::resume_unwind(p));
                }
            });
        }
        // The batch in its own order: its start (the last part) first.
        for (_, decided) in parts[..used].iter_mut().rev() {
            out.append(decided);
        }
    }
    drop(parts);
    drop(interners);
    let input_pos = |i: u32| input_position(i as usize, n);
    if let (Some(budget), Some(horizon)) = (policy.budget, &policy.horizon) {
        let tie: Vec<u32> = (0..n as u32).map(|i| input_pos(i) as u32).collect();
        apply_budget(&mut out, &tie, budget, horizon, policy);
    }
    // Planned lines by rank (velocity, then capital, then sku, location and input position);
    // skipped lines by input position. The two numeric keys of a planned line sit next to its
    // index: most comparisons end there without touching the (large, scattered) lines. Each
    // buffer is allocated once at its final size, the keys freed before the skipped lines are
    // listed (the end of the rules sets a large catalog's peak memory).
    let is_planned = |l: &PlanLine| l.status == LineStatus::Planned;
    let mut keys: Vec<(Decimal, Decimal, u32)> =
        Vec::with_capacity(out.iter().filter(|l| is_planned(l)).count());
    keys.extend(
        out.iter()
            .enumerate()
            .filter(|(_, l)| is_planned(l))
            .map(|(i, l)| (l.velocity().unwrap_or(Decimal::MAX), l.capital(), i as u32)),
    );
    // Never equal (the input position is unique), so an unstable sort gives the same order
    // without a scratch buffer.
    keys.sort_unstable_by(|(va, ca, a), (vb, cb, b)| {
        va.cmp(vb).then_with(|| cb.cmp(ca)).then_with(|| {
            let (a_line, b_line) = (&out[*a as usize], &out[*b as usize]);
            a_line
                .sku
                .cmp(&b_line.sku)
                .then_with(|| a_line.location.cmp(&b_line.location))
                .then_with(|| input_pos(*a).cmp(&input_pos(*b)))
        })
    });
    let mut planned: Vec<u32> = Vec::with_capacity(out.len());
    planned.extend(keys.iter().map(|&(_, _, i)| i));
    let ranked = planned.len();
    drop(keys);
    planned.extend((0..out.len() as u32).filter(|&i| !is_planned(&out[i as usize])));
    planned[ranked..].sort_unstable_by_key(|&i| input_pos(i));
    permute(&mut out, planned);
    out
}

/// The catalog position of `out[i]` in `build_lines`: its batches of `BATCH` lines come from
/// the catalog's end first, each in its own order (the last, the catalog's start, shorter).
fn input_position(i: usize, n: usize) -> usize {
    let end = n - (i / BATCH) * BATCH;
    end.saturating_sub(BATCH) + i % BATCH
}

/// `--budget`: each planned line's projected markdown cost at its planned depth under the
/// model (kept on the line), then the lines that do not fit skipped as `over_budget`.
fn apply_budget(
    out: &mut [PlanLine],
    input_pos: &[u32],
    budget: Decimal,
    horizon: &super::Horizon,
    policy: &Policy,
) {
    let projected: Vec<Option<budget::Projection>> = out
        .iter()
        .map(|l| {
            if l.status != LineStatus::Planned {
                return None;
            }
            // The units the what-if shows at the planned depth (every planned line has the
            // model's figures when the model runs); an untracked line (a request) has no stock
            // to stop its projection.
            let units = super::what_if::units_at(
                l.model.as_deref()?,
                l.discount_pct().unwrap_or(Decimal::ZERO),
                f64::from(horizon.days),
                l.quantity.get().unwrap_or(Decimal::MAX),
            );
            let digits = minor_unit_digits(l.currency().or(policy.currency.as_deref()));
            budget::projection(l, units, digits)
        })
        .collect();
    for (line, p) in out.iter_mut().zip(&projected) {
        line.set_projected_markdown_cost(p.map(|p| p.markdown_cost));
    }
    let over = budget::apply(out, &projected, input_pos, budget);
    // Target mode: a line left out for the budget is a slow line at today's price, as the
    // other skipped lines are: its projection at 0% and, when that falls short, the flag.
    if let Some(t) = &policy.target {
        for &i in &over {
            let l = &mut out[i];
            let demand = LineDemand::new(
                horizon,
                (&l.sku, l.location.as_deref()),
                l.category.as_deref(),
                l.sold.get().unwrap_or(Decimal::ZERO),
                l.quantity.get().unwrap_or(Decimal::ZERO),
            )
            .with_target(t);
            l.set_projected_sellthrough_pct(Some(one_decimal(target::shown_pct(
                demand.sellthrough_pct(Decimal::ZERO),
            ))));
            if !demand.reaches(Decimal::ZERO) {
                l.flags.push(Flag::TargetNotReached);
            }
        }
    }
}

/// Reorder `v` in place so that `v[i]` becomes the old `v[order[i]]`.
fn permute<T>(v: &mut [T], mut order: Vec<u32>) {
    const DONE: u32 = u32::MAX;
    for start in 0..v.len() {
        if order[start] == DONE {
            continue;
        }
        // `v[i]` holds the old `v[start]` all along the cycle.
        let mut i = start;
        loop {
            let j = order[i] as usize;
            order[i] = DONE;
            if j == start {
                break;
            }
            v.swap(i, j);
            i = j;
        }
    }
}

/// The deepest active existing discount covering a line (rule 6); 0% covers nothing.
fn existing_for(line: &CatalogLine, existing: &[ExistingDiscount]) -> Option<Decimal> {
    if existing.is_empty() {
        return None;
    }
    let sku = line.sku.trim();
    let category = line.category.as_deref().map(|c| c.trim().to_lowercase());
    let category_id = line.extra().category_id.as_deref().map(str::trim);
    existing
        .iter()
        .filter(|d| d.percentage > Decimal::ZERO)
        .filter(|d| match &d.scope {
            Scope::Site => true,
            Scope::Sku(s) => {
                s.trim() == sku
                    || line.extra().product_id.as_deref().map(str::trim) == Some(s.trim())
            }
            Scope::Category(c) => {
                let c = c.trim();
                category_id == Some(c) || category.as_deref() == Some(c.to_lowercase().as_str())
            }
        })
        .map(|d| d.percentage)
        .max()
}

fn skipped_line(line: CatalogLine, reason: Reason, why: String) -> PlanLine {
    let mut out = base_line(line);
    out.status = LineStatus::Skipped;
    out.reason = Some(reason);
    out.set_why(why);
    out
}

fn base_line(mut line: CatalogLine) -> PlanLine {
    let ids = line.take_extra();
    // Capital at cost; a margin column gives the cost too.
    let cost = line.cost.get().filter(|c| *c > Decimal::ZERO).or_else(|| {
        let (p, m) = (line.price.get()?, line.margin.get()?);
        Some(sat_mul(p, Decimal::ONE - m / HUNDRED)).filter(|c| *c > Decimal::ZERO)
    });
    let capital = match (line.quantity.get(), cost, line.price.get()) {
        (Some(q), Some(c), _) if c > Decimal::ZERO && q > Decimal::ZERO => sat_mul(q, c),
        (Some(q), _, Some(p)) if q > Decimal::ZERO && p > Decimal::ZERO => sat_mul(q, p),
        _ => Decimal::ZERO,
    };
    let mut out = PlanLine {
        sku: line.sku,
        name: line.name,
        category: line.category,
        location: line.location,
        quantity: line.quantity,
        sold: line.sold,
        velocity_ratio: OptDecimal::NONE,
        class: None,
        status: LineStatus::Skipped,
        price: line.price,
        cost: line.cost.get().filter(|c| *c > Decimal::ZERO).into(),
        margin_pct: OptDecimal::NONE,
        last_sale: line.last_sale,
        flags: Flags::default(),
        reason: None,
        why_text: Arc::default(),
        why_after_opening: false,
        row: u32::try_from(line.row).unwrap_or(u32::MAX),
        capital: capital.into(),
        model: None,
        extra: None,
        decision: None,
        binding_limit: None,
    };
    out.set_extras(LineExtra {
        product_id: ids.product_id,
        category_id: ids.category_id,
        currency: ids.currency,
        live_price: line.live_price,
        min_price: line.min_price.get().filter(|m| *m > Decimal::ZERO).into(),
        export: line.export,
        ..LineExtra::default()
    });
    out
}

/// The verdict for one line.
fn decide(
    line: CatalogLine,
    policy: &Policy,
    existing: Option<Decimal>,
    in_request: Option<bool>,
) -> PlanLine {
    // Rule 1: skip reasons, the first that applies.
    match line.issue {
        Some(DataIssue::Inactive(status)) => {
            let why = format!(
                "the product is {} in the shop, not on sale; nothing to clear",
                status.as_str()
            );
            return skipped_line(line, Reason::Excluded, why);
        }
        Some(DataIssue::BadData) => {
            return skipped_line(
                line,
                Reason::BadData,
                "a quantity, price or cost cell could not be read as a number; see the data issues"
                    .into(),
            );
        }
        Some(DataIssue::Untracked) if in_request != Some(true) => {
            return skipped_line(
                line,
                Reason::Untracked,
                "stock is not tracked for this item, so its velocity cannot be measured".into(),
            );
        }
        _ => {}
    }
    let untracked_request = line.issue == Some(DataIssue::Untracked);
    let quantity = line.quantity.get().unwrap_or(Decimal::ZERO);
    if !untracked_request && quantity <= Decimal::ZERO {
        let why = format!(
            "no stock on hand ({}); nothing to clear",
            quantity.normalize()
        );
        return skipped_line(line, Reason::NoStock, why);
    }
    let price = match line.price.get() {
        Some(p) if p > Decimal::ZERO => p,
        _ => {
            return skipped_line(
                line,
                Reason::BadPrice,
                "the price is missing or not above zero; fix the price to plan this line".into(),
            );
        }
    };
    if let Some((campaign, lines)) = &policy.only_lines
        && !lines.contains(&line.sku, line.location.as_deref())
    {
        let why = match &line.location {
            Some(loc) if lines.has_sku(&line.sku) => format!(
                "not in campaign \"{campaign}\" at {loc} (--from-campaign keeps the campaign's locations)"
            ),
            _ => format!("not in campaign \"{campaign}\" (--from-campaign)"),
        };
        return skipped_line(line, Reason::Excluded, why);
    }
    if in_request == Some(false) {
        return skipped_line(
            line,
            Reason::Excluded,
            "not among the skus of the --sku request".into(),
        );
    }
    let category_excluded = line.category.as_deref().is_some_and(|c| {
        policy
            .excluded_categories
            .contains(&c.trim().to_lowercase())
    });
    if policy.excluded_skus.contains(line.sku.trim()) || category_excluded {
        let why = if category_excluded {
            "its category is excluded (--exclude-category or exclude_categories)"
        } else {
            "the sku is excluded (--exclude-sku or exclude_skus)"
        };
        return skipped_line(line, Reason::Excluded, why.into());
    }
    if let (Some((days, as_of)), Some(received)) = (policy.min_age, line.received) {
        let age = (as_of - received).num_days();
        if age < i64::from(days) {
            let why = format!(
                "received {received} (the catalog's date column), {age} day(s) before {as_of}: younger than the {days}-day minimum age (--min-age), not discounted"
            );
            return skipped_line(line, Reason::TooNew, why);
        }
    }
    let vendor_excluded = line
        .extra()
        .vendor
        .as_deref()
        .filter(|v| policy.excluded_vendors.contains(&v.trim().to_lowercase()))
        .map(str::to_string);
    if let Some(vendor) = vendor_excluded {
        let why = format!(
            "its vendor \"{}\" is excluded (--exclude-vendor or exclude_vendors)",
            vendor.trim()
        );
        return skipped_line(line, Reason::Excluded, why);
    }
    let tag_excluded = line
        .extra()
        .tags
        .iter()
        .find(|t| policy.excluded_tags.contains(&t.trim().to_lowercase()))
        .cloned();
    if let Some(tag) = tag_excluded {
        let why = format!(
            "its tag \"{}\" is excluded (--exclude-tag or exclude_tags)",
            tag.trim()
        );
        return skipped_line(line, Reason::Excluded, why);
    }

    // Rules 2-4: velocity, class, tier.
    let sold = line.sold.get().unwrap_or(Decimal::ZERO).max(Decimal::ZERO);
    let ratio = cost_ratio(price, line.cost.get(), line.margin.get());
    // A live markdown (the shop's own sale price below the regular price) is an existing
    // sku-level discount (rule 6), measured from the regular price, on top of any discount
    // rule that covers the line too: cap and floor hold on the combined depth.
    let rule_existing = existing;
    let live = line
        .live_price
        .get()
        .filter(|lp| *lp > Decimal::ZERO && *lp < price);
    let live_pct = live.map(|lp| HUNDRED * (Decimal::ONE - lp / price));
    let existing = match (rule_existing, live_pct) {
        (Some(e), Some(l)) => Some(super::combined_depth(e, l)),
        (e, l) => e.or(l),
    };
    let existing_words = why::existing_words(rule_existing, live.map(|lp| (lp, price)));
    let existing_why = existing.map(|pct| why::Existing {
        pct,
        words: &existing_words,
    });
    let map = line.min_price.get();
    let mut out = base_line(line);
    out.set_live_price(live);
    out.sold = sold.into();
    // Rounded up to 2 decimals for the files (the rules use the exact depth), so limits worked
    // out again from the stored figure (template maximum, review's floor) never allow more.
    out.set_existing_discount_pct(existing.map(|e| {
        e.round_dp_with_strategy(2, rust_decimal::RoundingStrategy::AwayFromZero)
            .normalize()
    }));
    out.margin_pct = ratio.map(|r| round(margin_pct(r), 2)).into();
    if ratio.is_some_and(|r| r > Decimal::ONE) {
        out.flags.push(Flag::CostAbovePrice);
    }
    let v = if untracked_request {
        None
    } else {
        Some(velocity(sold, quantity))
    };
    let class = v.map(classify);
    out.velocity_ratio = v.map(|v| round(v, 4)).into();
    out.class = class;
    let facts = why::Facts {
        sold,
        quantity: if untracked_request {
            None
        } else {
            Some(quantity)
        },
        velocity: v,
        class,
    };

    let request = policy.request.as_ref().filter(|_| in_request == Some(true));
    let tier = v.and_then(tier_discount);
    let (wanted, is_request) = match (request, tier) {
        (Some(r), _) => (r.discount_pct, true),
        (None, Some(t)) => (t, false),
        (None, None) => {
            out.status = LineStatus::Skipped;
            out.reason = Some(Reason::NotSlow);
            out.set_why(why::not_slow(&facts));
            return out;
        }
    };
    out.set_tier_discount_pct(tier.map(|t| round(t, 2)));

    // Rules 5-7: the limits and the final discount.
    // Rule 8's minor unit and the price the discount applies to (the live markdown's price when
    // there is one): the minimum advertised price limits the clearance price made from them.
    let digits = minor_unit_digits(out.currency().or(policy.currency.as_deref()));
    let base = live.unwrap_or(price);
    let mut lim =
        limits(policy, wanted, is_request, ratio, existing).with_min_price(map, base, digits);
    // Target mode: the wanted depth is the smallest step projected to reach the target (or,
    // when none does, more than any limit allows, so the deepest allowed depth is planned).
    let target = match (&policy.target, &policy.horizon) {
        (Some(t), Some(h)) if !is_request => Some((
            t,
            h,
            LineDemand::new(
                h,
                (&out.sku, out.location.as_deref()),
                out.category.as_deref(),
                sold,
                quantity,
            )
            .with_target(t),
        )),
        _ => None,
    };
    let choice = target.as_ref().map(|(_, _, demand)| {
        let max = floor_to_step(lim.allowed(), policy.step_pct).max(Decimal::ZERO);
        target::choose(demand, policy.min_discount_pct, max, policy.step_pct)
    });
    match choice {
        Some(Choice::Step(step)) => {
            lim.wanted = step;
            lim.wanted_is_target = true;
        }
        Some(Choice::NotReached) => {
            lim.wanted = HUNDRED;
            lim.wanted_is_target = true;
        }
        Some(Choice::MetWithoutDiscount) | None => {}
    }
    let (binding, raw) = lim.binding();
    let mut d = floor_to_step(raw, policy.step_pct);
    let mut max = floor_to_step(lim.allowed(), policy.step_pct).max(Decimal::ZERO);
    // The MAP holds on the rounded clearance price itself, one step shallower if ever needed.
    if let Some(m) = lim.min_price {
        while d > Decimal::ZERO
            && policy.step_pct > Decimal::ZERO
            && clearance_price(base, d, digits) < m.price
        {
            d -= policy.step_pct;
        }
        while max > Decimal::ZERO
            && policy.step_pct > Decimal::ZERO
            && clearance_price(base, max, digits) < m.price
        {
            max -= policy.step_pct;
        }
        max = max.max(Decimal::ZERO);
    }
    out.set_max_discount_pct(Some(max));
    if ratio.is_none() {
        out.flags.push(Flag::NoCostData);
    }
    if existing.is_some() {
        out.flags.push(Flag::Stacked);
    }
    if live.is_some() {
        out.flags.push(Flag::LiveMarkdown);
    }
    if choice == Some(Choice::NotReached) {
        out.flags.push(Flag::TargetNotReached);
    }
    let target_words = |at: Decimal| {
        target.as_ref().map(|(t, h, demand)| {
            let projected = target::shown_pct(demand.sellthrough_pct(at));
            (
                one_decimal(projected),
                why::TargetWords {
                    target: why::pct(t.sellthrough_pct),
                    exit: h.exit.unwrap_or(h.end).to_string(),
                    projected: Decimal::from_f64(projected.floor()).unwrap_or_default(),
                    needed: demand.needed_pct().and_then(Decimal::from_f64),
                    existing: existing.filter(|e| *e > Decimal::ZERO),
                    from_category: demand.from_category_only(),
                },
            )
        })
    };
    if choice == Some(Choice::MetWithoutDiscount)
        && let Some((projected, words)) = target_words(Decimal::ZERO)
    {
        out.status = LineStatus::Skipped;
        out.reason = Some(Reason::TargetMetWithoutDiscount);
        out.set_projected_sellthrough_pct(Some(projected));
        out.set_why(why::target_met(&facts, &words));
        return out;
    }
    // An explicit request is planned at its depth even below the minimum discount.
    let below_min = !is_request && d < policy.min_discount_pct;
    if below_min || d <= Decimal::ZERO {
        out.status = LineStatus::Skipped;
        out.set_binding_limit(Some(binding));
        out.reason = Some(match binding {
            BindingLimit::MarginFloor => Reason::MarginFloor,
            BindingLimit::Stacking => Reason::Stacking,
            BindingLimit::MinPrice => Reason::MinPrice,
            _ => Reason::BelowMinDiscount,
        });
        let why = match target_words(Decimal::ZERO) {
            Some((projected, words)) => {
                out.set_projected_sellthrough_pct(Some(projected));
                why::target_too_small(
                    &facts,
                    policy,
                    &lim,
                    binding,
                    d,
                    existing_why,
                    out.margin_pct.get(),
                    &words,
                )
            }
            None => why::too_small(
                &facts,
                policy,
                &lim,
                binding,
                d,
                existing_why,
                out.margin_pct.get(),
            ),
        };
        out.set_why(why);
        return out;
    }

    // Rule 8: the clearance price, from the price the customer pays today (the live markdown's
    // price when there is one, so the new price is never above it).
    let plain = clearance_price(base, d, digits);
    let allowed = lim.allowed();
    let e = existing.unwrap_or(Decimal::ZERO);
    let e_rule = rule_existing.unwrap_or(Decimal::ZERO);
    if plain <= Decimal::ZERO {
        out.status = LineStatus::Skipped;
        out.reason = Some(Reason::BadPrice);
        out.set_why(format!(
            "the price {} is too small to discount in whole minor units of the currency",
            price.normalize()
        ));
        return out;
    }
    let final_price = apply_price_ending(plain, &policy.price_endings, digits, |candidate| {
        let depth = HUNDRED * (Decimal::ONE - candidate / base);
        depth <= allowed && lim.min_price.is_none_or(|m| candidate >= m.price)
    });
    out.set_clearance_price(Some(final_price));
    let paid_factor = if final_price == plain {
        (Decimal::ONE - e / HUNDRED) * (Decimal::ONE - d / HUNDRED)
    } else {
        (Decimal::ONE - e_rule / HUNDRED) * final_price / price
    };
    let margin_after = ratio.and_then(|r| {
        if paid_factor <= Decimal::ZERO {
            return None;
        }
        Some(HUNDRED * (Decimal::ONE - r / paid_factor))
    });
    out.set_margin_after_pct(margin_after.map(|m| round(m, 2)));
    if is_request
        && policy.allow_below_floor
        && margin_after.is_some_and(|m| m < policy.min_margin_pct)
    {
        out.flags.push(Flag::BelowFloorAllowed);
    }
    if ratio.is_none() && is_request && policy.allow_below_floor && d > policy.no_cost_cap_pct {
        out.flags.push(Flag::BelowFloorAllowed);
    }
    out.status = LineStatus::Planned;
    // The demand model's view of the line, for its what-if by depth.
    if let Some(h) = &policy.horizon {
        let demand = match &target {
            Some((_, _, demand)) => *demand,
            None => LineDemand::new(
                h,
                (&out.sku, out.location.as_deref()),
                out.category.as_deref(),
                sold,
                quantity,
            ),
        };
        out.model = Some(Box::new(crate::model::LineModel {
            rate: demand.rate,
            elasticity: demand.elasticity,
            allowed,
            cost: out.cost.get().or_else(|| ratio.map(|r| price * r)),
            rule_existing: rule_existing.filter(|e| *e > Decimal::ZERO),
        }));
    }
    out.set_discount_pct(Some(d));
    out.set_binding_limit(Some(binding));
    let why = match target_words(d) {
        Some((projected, words)) => {
            out.set_projected_sellthrough_pct(Some(projected));
            why::target_planned(
                &facts,
                policy,
                &lim,
                binding,
                d,
                existing_why,
                margin_after,
                &words,
            )
        }
        None => why::planned(&facts, policy, &lim, binding, d, existing_why, margin_after),
    };
    out.set_why(why);
    out
}

/// A percentage from the model, already cut to 1 decimal (`target::shown_pct`), for plan.json.
fn one_decimal(pct: f64) -> Decimal {
    Decimal::from_f64(pct)
        .map(|d| d.round_dp_with_strategy(1, rust_decimal::RoundingStrategy::ToZero))
        .unwrap_or_default()
        .normalize()
}

/// The plan's totals.
pub fn summarise(lines: &[PlanLine]) -> Summary {
    let mut planned = 0;
    let mut discount_sum = Decimal::ZERO;
    let mut stock_at_cost: Option<Decimal> = None;
    let mut slow_capital: Option<Decimal> = None;
    let mut markdown: Option<Decimal> = None;
    // Counted under the names' static text; the summary's owned keys are made once at the end.
    let mut by_class: BTreeMap<&'static str, usize> = BTreeMap::new();
    let mut by_reason: BTreeMap<&'static str, usize> = BTreeMap::new();
    for line in lines {
        let class = line.class.map(Class::as_str).unwrap_or("unclassified");
        *by_class.entry(class).or_default() += 1;
        if let (Some(q), Some(c)) = (line.quantity.get(), line.cost.get())
            && q > Decimal::ZERO
        {
            let v = stock_at_cost.get_or_insert(Decimal::ZERO);
            *v = sat_add(*v, sat_mul(q, c));
        }
        if line.class.is_some_and(Class::is_slow) {
            let v = slow_capital.get_or_insert(Decimal::ZERO);
            *v = sat_add(*v, line.capital());
        }
        match line.status {
            LineStatus::Planned => {
                planned += 1;
                discount_sum = sat_add(discount_sum, line.discount_pct().unwrap_or_default());
                // From the price the customer pays today: a live markdown is not the plan's cost.
                if let (Some(p), Some(cp), Some(q)) = (
                    line.live_price().or(line.price.get()),
                    line.clearance_price(),
                    line.quantity.get(),
                ) {
                    let v = markdown.get_or_insert(Decimal::ZERO);
                    *v = sat_add(*v, sat_mul(p - cp, q));
                }
            }
            LineStatus::Skipped => {
                if let Some(r) = line.reason {
                    *by_reason.entry(r.as_str()).or_default() += 1;
                }
            }
        }
    }
    let avg = if planned > 0 {
        round(discount_sum / Decimal::from(planned), 2)
    } else {
        Decimal::ZERO
    };
    Summary {
        lines: lines.len(),
        planned,
        skipped: lines.len() - planned,
        stock_value_at_cost: stock_at_cost,
        capital_in_slow_movers: slow_capital,
        avg_discount_pct: avg,
        by_class: owned_keys(by_class),
        skipped_by_reason: owned_keys(by_reason),
        planned_markdown_cost: markdown,
        projected_markdown_cost: None,
    }
}

fn owned_keys(counts: BTreeMap<&'static str, usize>) -> BTreeMap<String, usize> {
    counts
        .into_iter()
        .map(|(k, n)| (k.to_string(), n))
        .collect()
}

/// Why no stock was classified, when none was and nothing was planned: "Inventory is
/// balanced" would be a false all-clear then.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unclassified {
    /// What kept every line out, e.g. "no line has tracked stock (6 line(s) untracked)".
    pub why: String,
    /// What to do about it.
    pub fix: String,
}

impl Unclassified {
    /// The warning's text.
    pub fn message(&self) -> String {
        format!(
            "nothing could be classified, so this is not an all-clear: {}; {}",
            self.why, self.fix
        )
    }
}

/// `Some` when no line has a class and none was planned (an empty plan included).
pub fn nothing_classified(lines: &[PlanLine]) -> Option<Unclassified> {
    if lines
        .iter()
        .any(|l| l.class.is_some() || l.status == LineStatus::Planned)
    {
        return None;
    }
    let count = |r: Reason| lines.iter().filter(|l| l.reason == Some(r)).count();
    let total = lines.len();
    let (untracked, bad) = (count(Reason::Untracked), count(Reason::BadData));
    const TRACKING: &str =
        "enable inventory tracking, or list the skus with --sku (e.g. --sku A-1,A-2 --discount 20)";
    const BAD: &str = "fix the cells named in the warnings (also in plan.json and the Data issues sheet of plan.xlsx)";
    if total == 0 {
        return Some(Unclassified {
            why: "the catalog has no lines".into(),
            fix: "check that the file is the catalog export".into(),
        });
    }
    if untracked == total {
        return Some(Unclassified {
            why: format!("no line has tracked stock ({total} line(s) untracked)"),
            fix: format!("{TRACKING}, or fill in the quantity column"),
        });
    }
    if count(Reason::NoStock) == total {
        return Some(Unclassified {
            why: format!("no line has stock on hand ({total} line(s) at 0 or below)"),
            fix: "check that the quantity column holds the stock on hand".into(),
        });
    }
    if bad == total {
        return Some(Unclassified {
            why: format!("every line was skipped for bad data ({total} line(s))"),
            fix: BAD.into(),
        });
    }
    let mut by_reason: BTreeMap<&str, usize> = BTreeMap::new();
    for l in lines {
        *by_reason
            .entry(l.reason.map(Reason::as_str).unwrap_or("unknown"))
            .or_default() += 1;
    }
    let parts: Vec<String> = by_reason.iter().map(|(r, n)| format!("{r} {n}")).collect();
    let fix = match (untracked > 0, bad > 0) {
        (true, true) => format!("{TRACKING}; and {BAD}"),
        (true, false) => TRACKING.into(),
        (false, true) => BAD.into(),
        (false, false) => "see each line's reason in plan.csv".into(),
    };
    Some(Unclassified {
        why: format!(
            "no line has tracked stock that can be classified ({total} line(s): {})",
            parts.join(", ")
        ),
        fix,
    })
}

#[cfg(test)]
mod permute_tests {
    #[test]
    fn permute_moves_each_element_to_its_place() {
        let mut v = vec!['a', 'b', 'c', 'd', 'e', 'f'];
        super::permute(&mut v, vec![3, 0, 1, 2, 5, 4]);
        assert_eq!(v, vec!['d', 'a', 'b', 'c', 'f', 'e']);
        let mut v: Vec<u32> = (0..1000).collect();
        let order: Vec<u32> = (0..1000).map(|i| (i * 7 + 3) % 1000).collect();
        super::permute(&mut v, order.clone());
        assert_eq!(v, order);
    }
}
