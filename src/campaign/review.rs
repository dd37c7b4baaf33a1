//! `clearance review`: what each line of a running campaign did since the start, and what to do
//! next. Pure: the command reads the files and hands the facts in.
//!
//! The Wix clearance guidance behind it: check weekly, deepen an item that has not moved after
//! 7 days, judge the campaign at 30 days by its clearance rate (units sold ÷ units on hand at
//! the start: above 50% a success, below 20% the discount was too timid or the item does not
//! sell). Deeper steps follow a ladder and never pass the cap or the margin floor.

pub use super::action::Action;
use super::package::{Campaign, CampaignLine, Change, Step};
use crate::model::num::{money, plain, round};
use crate::rules::{clearance_price, floor_to_step, min_price_max, minor_unit_digits};
use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

const HUNDRED: Decimal = Decimal::ONE_HUNDRED;

/// How lines are judged (`[review]` in clearance.toml, flags).
#[derive(Debug, Clone, PartialEq)]
pub struct Settings {
    /// Days at one depth without a sale before the line is deepened.
    pub stall_days: u32,
    /// Days after the start when the clearance rate is judged.
    pub judge_after_days: u32,
    /// Clearance rate (percent) counted a success.
    pub success_rate_pct: Decimal,
    /// Clearance rate (percent) under which the discount was too timid or the item does not sell.
    pub timid_rate_pct: Decimal,
    /// The depths a line steps through, ascending.
    pub ladder: Vec<Decimal>,
    /// The cap deeper steps respect (the campaign's, unless raised).
    pub cap_pct: Decimal,
    /// Depths are multiples of this.
    pub step_pct: Decimal,
    /// Deepen a quiet line even when its clearance rate is at or above the success rate
    /// (`[review] deepen_successes`); by default such a line is held.
    pub deepen_successes: bool,
}

impl Settings {
    /// The default ladder: every 10 points up to 90.
    pub fn default_ladder() -> Vec<Decimal> {
        (1..=9).map(|i| Decimal::from(i * 10)).collect()
    }
}

/// What happened to one line since the start, from the sales files and the catalog.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Facts {
    /// Units sold since the start (returns netted; never below 0).
    pub sold: Decimal,
    /// The last day with a sale since the start.
    pub last_sale: Option<NaiveDate>,
    /// Units on hand now, when a catalog was given and has the line.
    pub on_hand_now: Option<Decimal>,
}

/// One line of `review.json`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct LineReview {
    pub sku: String,
    /// Warehouse, shop or region; null in a single-location campaign.
    pub location: Option<String>,
    pub name: Option<String>,
    /// The depth running now.
    pub discount_pct: String,
    /// The price at the current depth (money).
    pub clearance_price: String,
    /// The day the current depth started.
    pub depth_since: NaiveDate,
    /// Units on hand when the campaign was applied.
    pub on_hand_at_start: Option<String>,
    /// Units sold from the start to the as-of date (or the end), returns netted.
    pub units_sold: String,
    /// units sold ÷ on hand at the start, percent, 1 decimal.
    pub clearance_rate_pct: Option<String>,
    /// Days from the start to the as-of date (or the end), both included.
    pub days_running: i64,
    /// Days at the current depth without a sale.
    pub days_without_sale: i64,
    /// The last day with a sale since the start.
    pub last_sale: Option<NaiveDate>,
    /// Units left: the catalog's count, or on hand at the start minus units sold.
    pub stock_left: Option<String>,
    /// `catalog` (on hand in the catalog given) or `estimated` (on hand at the start − sold).
    pub stock_source: String,
    /// Units the plan expected by now at the window's pace.
    pub planned_units_to_date: Option<String>,
    /// `deepen`, `hold`, `end` or `review`.
    pub recommendation: Action,
    /// The next depth (`deepen`).
    pub next_discount_pct: Option<String>,
    /// The price at the next depth, rounded down to the minor unit (rule 8).
    pub next_clearance_price: Option<String>,
    /// What stops a deeper step (cap, margin floor, ladder), when one does.
    pub limit: Option<String>,
    /// One sentence: what the line did and why the recommendation.
    pub why: String,
    /// Whether `--apply` changes the line (deepen, or end a line whose stock is cleared).
    pub changes: bool,
}

fn pct(d: Decimal) -> String {
    plain(round(d, 1))
}

fn parse(s: Option<&str>) -> Option<Decimal> {
    s.and_then(|s| s.trim().parse::<Decimal>().ok())
}

/// The deepest depth the rules allow the line now, and what sets it.
fn room(line: &CampaignLine, s: &Settings) -> Option<(Decimal, String)> {
    let room = room_without_map(line, s)?;
    // The minimum advertised price holds whatever the cap and the margin floor allow.
    let map = parse(line.min_price.as_deref()).filter(|m| *m > Decimal::ZERO);
    let base = parse(line.live_price.as_deref()).or(parse(Some(&line.list_price)));
    match (map, base) {
        (Some(map), Some(base)) => {
            let digits = minor_unit_digits(line.currency.as_deref());
            let m = min_price_max(base, map, digits, s.step_pct);
            if m < room.0 {
                Some((m, format!("minimum advertised price {}", money(map))))
            } else {
                Some(room)
            }
        }
        _ => Some(room),
    }
}

fn room_without_map(line: &CampaignLine, s: &Settings) -> Option<(Decimal, String)> {
    let cap = floor_to_step(s.cap_pct, s.step_pct);
    let floor = parse(line.floor_max_pct.as_deref()).map(|f| f.max(Decimal::ZERO));
    match floor {
        Some(f) if f < cap => Some((
            f,
            line.floor_set_by
                .clone()
                .unwrap_or_else(|| "the margin floor".into()),
        )),
        Some(_) => Some((cap, format!("the cap {}%", plain(s.cap_pct)))),
        // A campaign applied by an older version records only the plan's maximum.
        None => parse(line.max_discount_pct.as_deref()).map(|m| {
            (
                m.max(Decimal::ZERO).min(cap),
                "the plan's maximum".to_string(),
            )
        }),
    }
}

/// Judge one line on `as_of`.
pub fn decide(
    c: &Campaign,
    line: &CampaignLine,
    facts: &Facts,
    s: &Settings,
    as_of: NaiveDate,
) -> LineReview {
    let (start, end) = (c.header.start, c.header.end);
    let current = parse(Some(&line.discount_pct));
    let current_ok = current.is_some_and(|d| (Decimal::ZERO..HUNDRED).contains(&d));
    let current = current.unwrap_or_default();
    let list_price = parse(Some(&line.list_price));
    let on_hand = parse(line.on_hand.as_deref());
    let sold = facts.sold.max(Decimal::ZERO);
    let last_day = as_of.min(end);
    let days_running = if as_of < start {
        0
    } else {
        (last_day - start).num_days() + 1
    };
    let since = line.depth_since(start);
    let quiet_from = match facts.last_sale {
        Some(d) if d >= since => d.succ_opt().unwrap_or(d),
        _ => since,
    };
    let days_without_sale = ((last_day - quiet_from).num_days() + 1).max(0);
    // Checked arithmetic throughout: a campaign file is user data and may hold absurd numbers.
    let rate = on_hand
        .filter(|q| *q > Decimal::ZERO)
        .and_then(|q| sold.checked_div(q)?.checked_mul(HUNDRED));
    let (stock_left, stock_source) = match facts.on_hand_now {
        Some(q) => (Some(q.max(Decimal::ZERO)), "catalog"),
        None => (
            on_hand.map(|q| {
                q.checked_sub(sold)
                    .unwrap_or(Decimal::ZERO)
                    .max(Decimal::ZERO)
            }),
            "estimated",
        ),
    };
    let campaign_days = Decimal::from((end - start).num_days() + 1);
    let planned = parse(line.projected_units.as_deref())
        .filter(|_| campaign_days > Decimal::ZERO)
        .and_then(|p| {
            p.checked_mul(Decimal::from(days_running))?
                .checked_div(campaign_days)
        })
        .map(|p| round(p, 1));
    let rate_text = rate
        .map(|r| format!("clearance rate {}%", pct(r)))
        .unwrap_or_else(|| "no stock recorded at the start".into());
    let sold_text = match on_hand {
        Some(q) => format!("{} of {} sold", plain(sold), plain(q)),
        None => format!("{} sold", plain(sold)),
    };
    let mut r = LineReview {
        sku: line.sku.clone(),
        location: line.location.clone(),
        name: line.name.clone(),
        discount_pct: line.discount_pct.clone(),
        clearance_price: line.clearance_price.clone(),
        depth_since: since,
        on_hand_at_start: line.on_hand.clone(),
        units_sold: plain(sold),
        clearance_rate_pct: rate.map(pct),
        days_running,
        days_without_sale,
        last_sale: facts.last_sale,
        stock_left: stock_left.map(plain),
        stock_source: stock_source.into(),
        planned_units_to_date: planned.map(plain),
        recommendation: Action::Hold,
        next_discount_pct: None,
        next_clearance_price: None,
        limit: None,
        why: String::new(),
        changes: false,
    };
    let cur = plain(current);
    let list_text = list_price.map(money).unwrap_or_default();
    let next_day = as_of.succ_opt().unwrap_or(as_of);

    if let Some(ended) = line.ended_on {
        r.recommendation = Action::End;
        r.why = format!(
            "ended on {ended}: {}",
            line.ended_why.as_deref().unwrap_or("stock cleared")
        );
        return r;
    }
    if as_of >= end {
        // On the last day a deeper step would start after the end.
        r.recommendation = Action::End;
        let when = if as_of == end { "ends today" } else { "ended" };
        r.why = format!(
            "the campaign {when} ({end}): {sold_text} in {days_running} days ({rate_text}); the campaign's revert.csv restores the list price {list_text} from {}",
            end.succ_opt().unwrap_or(end)
        );
        return r;
    }
    if as_of < start {
        r.why = format!("the campaign starts on {start}; nothing to review yet");
        return r;
    }
    if stock_left.is_some_and(|q| q <= Decimal::ZERO) {
        r.recommendation = Action::End;
        r.changes = true;
        r.why = format!(
            "stock cleared: {sold_text} in {days_running} days ({rate_text}); end it: the revision's revert.csv restores the list price {list_text} from {next_day}"
        );
        return r;
    }
    let bad_number = if !current_ok {
        Some(format!("the discount \"{}\"", line.discount_pct))
    } else if list_price.is_none_or(|p| p <= Decimal::ZERO) {
        Some(format!("the list price \"{}\"", line.list_price))
    } else {
        None
    };
    if let Some(what) = bad_number {
        r.recommendation = Action::Review;
        r.why = format!(
            "the campaign file gives {what}, which is not usable (a discount from 0 to below 100, a price above 0); fix campaign.json or apply the template again"
        );
        return r;
    }

    // Deepen after `stall_days` at this depth without a sale, or from the judgement day when
    // the clearance rate is timid; never more often than once per `stall_days`.
    let days_at_depth = (last_day - since).num_days() + 1;
    let stalled = days_without_sale >= i64::from(s.stall_days);
    let judged = days_running >= i64::from(s.judge_after_days);
    let timid = judged
        && days_at_depth >= i64::from(s.stall_days)
        && rate.is_some_and(|x| x < s.timid_rate_pct);
    // A line that already cleared the success share of its stock is a success: a quiet week
    // does not make it deeper (unless `deepen_successes`), it holds at its depth.
    let success = rate.is_some_and(|x| x >= s.success_rate_pct);
    if stalled && success && !s.deepen_successes {
        r.why = format!(
            "nothing sold for {days_without_sale} days at {cur}%, but {sold_text} in {days_running} days ({rate_text}) is at or above the {}% success mark: hold at {cur}% ([review] deepen_successes = true deepens it)",
            plain(s.success_rate_pct)
        );
        return r;
    }
    if !stalled && !timid {
        r.why = moving_why(
            s,
            Moving {
                sold,
                sold_text: &sold_text,
                rate_text: &rate_text,
                days_running,
                rate,
                planned,
                last_sale: facts.last_sale,
                since,
                days_without_sale,
            },
            &cur,
        );
        return r;
    }
    let trigger = if stalled {
        format!(
            "nothing sold for {days_without_sale} days at {cur}% ({rate_text} after {days_running} days)"
        )
    } else {
        format!(
            "{rate_text} after {days_running} days is under {}%",
            plain(s.timid_rate_pct)
        )
    };
    let (stop, fix) = match deeper_step(line, s, current) {
        NextStep::Deeper {
            to,
            ladder,
            short_by,
        } => {
            let digits = minor_unit_digits(line.currency.as_deref());
            // From the price the customer paid before the campaign (a live markdown's price).
            let base = parse(line.live_price.as_deref()).or(list_price);
            let price = base.map(|p| clearance_price(p, to, digits));
            r.recommendation = Action::Deepen;
            r.changes = true;
            r.next_discount_pct = Some(plain(to));
            r.next_clearance_price = price.map(money);
            let note = price.map(|p| price_note(line, p)).unwrap_or_default();
            r.why = match short_by {
                Some(by) => {
                    let why = format!(
                        "{trigger}: deepen to {}%{note}; {by} stops it at {}% instead of the ladder's {}%",
                        plain(to),
                        plain(to),
                        plain(ladder)
                    );
                    r.limit = Some(by);
                    why
                }
                None => format!("{trigger}: deepen to {}%{note}", plain(to)),
            };
            return r;
        }
        NextStep::None { stop, fix } => (stop, fix),
    };
    r.limit = Some(stop.clone());
    let under = rate.is_none_or(|x| x < s.timid_rate_pct);
    if under && judged {
        r.recommendation = Action::Review;
        r.why = format!("{trigger}, and {stop}: {fix}");
    } else if under {
        let day = start + chrono::Duration::days(i64::from(s.judge_after_days) - 1);
        r.why = format!(
            "{trigger}, but {stop}; hold at {cur}% until the clearance rate is judged on day {} ({day})",
            s.judge_after_days
        );
    } else {
        r.why = format!("{trigger}, but {stop}; hold at {cur}%");
    }
    r
}

/// A deeper step for a line, or why there is none.
enum NextStep {
    Deeper {
        to: Decimal,
        /// The ladder's next depth (`to` is below it when a limit stops the step short).
        ladder: Decimal,
        short_by: Option<String>,
    },
    None {
        /// What stops it, e.g. "margin floor 15% allows no deeper step than 35%".
        stop: String,
        /// What a person can do about it.
        fix: String,
    },
}

const NOT_SELLING: &str = "the item may not sell at any price the rules allow; review it (bundle it, move it to another channel, return it to the supplier or write it off)";

fn deeper_step(line: &CampaignLine, s: &Settings, current: Decimal) -> NextStep {
    let cur = plain(current);
    let Some((max, by)) = room(line, s) else {
        return NextStep::None {
            stop: "the campaign file records no maximum discount for the line (it was applied by an older version)".into(),
            fix: "make the plan and apply the template again with this version so that review knows the margin floor".into(),
        };
    };
    let Some(next) = s.ladder.iter().copied().find(|x| *x > current) else {
        let top = s.ladder.last().copied().unwrap_or(current);
        return NextStep::None {
            stop: format!("the ladder ends at {}%", plain(top)),
            fix: format!(
                "add deeper steps to [review] ladder (or --ladder) if the rules allow them; otherwise {NOT_SELLING}"
            ),
        };
    };
    let to = floor_to_step(next.min(max), s.step_pct);
    if to <= current {
        let fix = if by.starts_with("the cap") {
            format!(
                "raise the cap for deeper steps ([review] cap_pct or --cap) if the margin allows it; otherwise {NOT_SELLING}"
            )
        } else {
            NOT_SELLING.to_string()
        };
        return NextStep::None {
            stop: format!("{by} allows no deeper step than {cur}%"),
            fix,
        };
    }
    NextStep::Deeper {
        to,
        ladder: next,
        short_by: (to < next).then_some(by),
    }
}

/// " (price 70.00, margin 28.6%)": the price the customer pays (after an existing discount)
/// and the margin there, when the cost is known.
fn price_note(line: &CampaignLine, price: Decimal) -> String {
    let mut existing = parse(line.existing_discount_pct.as_deref())
        .filter(|e| *e > Decimal::ZERO && *e < HUNDRED)
        .unwrap_or_default();
    // With a live markdown, `price` is already taken off the sale price: only a discount rule
    // on top is left, `(1 - e) = (live / list)(1 - rule)`.
    if let (Some(live), Some(list)) = (
        parse(line.live_price.as_deref()),
        parse(Some(&line.list_price)),
    ) && live > Decimal::ZERO
        && list > Decimal::ZERO
    {
        let rule = HUNDRED * (Decimal::ONE - (Decimal::ONE - existing / HUNDRED) * list / live);
        // The stored depth is rounded up to 2 decimals: what is left of it is no rule.
        existing = if rule > Decimal::new(5, 2) {
            round(rule, 2)
        } else {
            Decimal::ZERO
        };
    }
    let paid = price
        .checked_mul(Decimal::ONE - existing / HUNDRED)
        .unwrap_or(price);
    let paid_text = if existing > Decimal::ZERO {
        format!(
            "price {}, {} paid after the existing {}% discount",
            money(price),
            money(round(paid, 2)),
            plain(existing)
        )
    } else {
        format!("price {}", money(price))
    };
    let margin = parse(line.cost.as_deref())
        .filter(|_| paid > Decimal::ZERO)
        .and_then(|cost| {
            paid.checked_sub(cost)?
                .checked_div(paid)?
                .checked_mul(HUNDRED)
        });
    match margin {
        Some(m) => format!(" ({paid_text}, margin {}%)", pct(m)),
        None => format!(" ({paid_text})"),
    }
}

/// What the why of a line that is not stalled says.
struct Moving<'a> {
    sold: Decimal,
    sold_text: &'a str,
    rate_text: &'a str,
    days_running: i64,
    rate: Option<Decimal>,
    planned: Option<Decimal>,
    last_sale: Option<NaiveDate>,
    since: NaiveDate,
    days_without_sale: i64,
}

/// The why of a line that is not stalled: it sold at this depth within `stall_days`, or has not
/// been at this depth that long yet.
fn moving_why(s: &Settings, m: Moving<'_>, cur: &str) -> String {
    let Moving {
        sold,
        sold_text,
        rate_text,
        days_running,
        ..
    } = m;
    if m.last_sale.is_none_or(|d| d < m.since) {
        return format!(
            "{sold_text} in {days_running} days ({rate_text}); no sale yet at {cur}% after {} day(s): hold until {} days without a sale",
            m.days_without_sale, s.stall_days
        );
    }
    let pace = match m.planned {
        Some(p) if sold >= p => format!(", at or ahead of the planned {} by now", plain(p)),
        Some(p) => format!(", behind the planned {} by now", plain(p)),
        None => String::new(),
    };
    let success = if m.rate.is_some_and(|x| x >= s.success_rate_pct) {
        format!(", above the {}% success mark", plain(s.success_rate_pct))
    } else {
        String::new()
    };
    let last = m
        .last_sale
        .map(|d| format!(", last sale {d}"))
        .unwrap_or_default();
    format!(
        "{sold_text} in {days_running} days ({rate_text}{success}{pace}{last}): it moves; hold at {cur}%"
    )
}

/// The next revision of `c` with the changes of `reviews` (same order as `c.lines`): deepened
/// lines get their new depth and a step dated `effective`, cleared lines are ended. `None` when
/// nothing changes.
pub fn revise(
    c: &Campaign,
    reviews: &[LineReview],
    as_of: NaiveDate,
    revised_at: &str,
) -> Option<Campaign> {
    if !reviews.iter().any(|r| r.changes) {
        return None;
    }
    let revision = c.revision.checked_add(1)?;
    let effective = as_of.succ_opt().unwrap_or(as_of).max(c.header.start);
    let mut next = c.clone();
    next.revision = revision;
    next.revised_at = Some(revised_at.to_string());
    next.changes = Vec::new();
    next.warnings = Vec::new();
    for (line, r) in next.lines.iter_mut().zip(reviews) {
        if !r.changes {
            continue;
        }
        match r.recommendation {
            Action::Deepen => {
                let (Some(to), Some(price)) = (&r.next_discount_pct, &r.next_clearance_price)
                else {
                    continue;
                };
                next.changes.push(Change {
                    sku: line.sku.clone(),
                    location: line.location.clone(),
                    action: Action::Deepen,
                    from_pct: line.discount_pct.clone(),
                    to_pct: Some(to.clone()),
                    date: effective,
                    why: r.why.clone(),
                });
                if line.steps.is_empty() {
                    // A campaign from an older version: record its first depth too.
                    line.steps.push(Step {
                        revision: 1,
                        date: c.header.start,
                        discount_pct: line.discount_pct.clone(),
                        clearance_price: line.clearance_price.clone(),
                    });
                }
                line.steps.push(Step {
                    revision,
                    date: effective,
                    discount_pct: to.clone(),
                    clearance_price: price.clone(),
                });
                line.discount_pct = to.clone();
                line.clearance_price = price.clone();
            }
            Action::End => {
                next.changes.push(Change {
                    sku: line.sku.clone(),
                    location: line.location.clone(),
                    action: Action::End,
                    from_pct: line.discount_pct.clone(),
                    to_pct: None,
                    date: effective,
                    why: r.why.clone(),
                });
                line.ended_on = Some(as_of);
                line.ended_why = Some(r.why.clone());
            }
            Action::Hold | Action::Review => {}
        }
    }
    (!next.changes.is_empty()).then_some(next)
}

/// The lines a revision changed with `action` (for its price list, rules and revert file).
pub fn changed(c: &Campaign, action: Action) -> Vec<&CampaignLine> {
    c.lines
        .iter()
        .filter(|l| {
            c.changes
                .iter()
                .any(|ch| ch.action == action && ch.sku == l.sku && ch.location == l.location)
        })
        .collect()
}

pub const REVIEW_SCHEMA: &str = "clearance.review/v1";

/// `review.json`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Review {
    /// `clearance.review/v1`.
    pub schema: String,
    /// The day of the review: sales after it are not counted.
    pub as_of: NaiveDate,
    /// When the file was written (UTC).
    pub generated_at: String,
    pub campaign: Reviewed,
    /// The settings the lines were judged with.
    pub settings: SettingsRecord,
    /// Sales files and catalog read, with their SHA-256.
    pub inputs: Vec<crate::model::InputFile>,
    /// Totals over the lines.
    pub summary: ReviewSummary,
    /// The revision `--apply` wrote, if any.
    pub revision_written: Option<WrittenRevision>,
    /// Data problems met on the way; the review went on.
    pub warnings: Vec<crate::model::Warning>,
    /// One per campaign line, in the campaign's order.
    pub lines: Vec<LineReview>,
}

/// The campaign a review looked at.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Reviewed {
    pub name: String,
    pub slug: String,
    /// The campaign.json read (its latest revision).
    pub file: String,
    pub revision: u32,
    pub start: NaiveDate,
    pub end: NaiveDate,
    pub status: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SettingsRecord {
    pub stall_days: u32,
    pub judge_after_days: u32,
    pub success_rate_pct: String,
    pub timid_rate_pct: String,
    pub ladder: Vec<String>,
    pub cap_pct: String,
    /// True when the cap differs from the campaign's.
    pub cap_raised: bool,
    /// Quiet lines at or above the success rate are deepened too (default: held).
    #[serde(default)]
    pub deepen_successes: bool,
}

impl SettingsRecord {
    pub fn of(s: &Settings, campaign_cap: Option<Decimal>) -> SettingsRecord {
        SettingsRecord {
            stall_days: s.stall_days,
            judge_after_days: s.judge_after_days,
            success_rate_pct: plain(s.success_rate_pct),
            timid_rate_pct: plain(s.timid_rate_pct),
            ladder: s.ladder.iter().map(|d| plain(*d)).collect(),
            cap_pct: plain(s.cap_pct),
            cap_raised: campaign_cap.is_some_and(|c| s.cap_pct > c),
            deepen_successes: s.deepen_successes,
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct WrittenRevision {
    pub revision: u32,
    /// The revision's folder.
    pub folder: String,
    pub changes: usize,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct ReviewSummary {
    pub lines: usize,
    pub on_hand_at_start: String,
    pub units_sold: String,
    /// Units sold ÷ units on hand at the start over every line, percent, 1 decimal.
    pub clearance_rate_pct: Option<String>,
    pub days_running: i64,
    /// Lines per recommendation (deepen, hold, end, review).
    pub by_recommendation: std::collections::BTreeMap<String, usize>,
}

/// Totals over the lines of a review.
pub fn summarise(lines: &[LineReview]) -> ReviewSummary {
    let dec = |s: &Option<String>| parse(s.as_deref()).unwrap_or_default();
    let add = crate::model::num::sat_add;
    let on_hand = lines
        .iter()
        .fold(Decimal::ZERO, |a, l| add(a, dec(&l.on_hand_at_start)));
    let sold = lines.iter().fold(Decimal::ZERO, |a, l| {
        add(a, dec(&Some(l.units_sold.clone())))
    });
    let mut by = std::collections::BTreeMap::new();
    for a in Action::ALL {
        by.insert(
            a.as_str().to_string(),
            lines.iter().filter(|l| l.recommendation == a).count(),
        );
    }
    ReviewSummary {
        lines: lines.len(),
        on_hand_at_start: plain(on_hand),
        units_sold: plain(sold),
        clearance_rate_pct: (on_hand > Decimal::ZERO)
            .then(|| sold.checked_div(on_hand)?.checked_mul(HUNDRED))
            .flatten()
            .map(pct),
        days_running: lines.iter().map(|l| l.days_running).max().unwrap_or(0),
        by_recommendation: by,
    }
}

#[cfg(test)]
mod tests;
