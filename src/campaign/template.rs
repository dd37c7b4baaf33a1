//! The upload template's layout (SPEC section 5), shared by the writer and the reader.

use crate::model::num::{money, plain, push_plain, round};
use crate::model::{LineStatus, Plan, PlanLine};
use crate::rules::{self, MarginRule, Policy};
use rust_decimal::Decimal;
use sha2::{Digest, Sha256};

/// The sheet people edit.
pub const SHEET: &str = "Template";
/// The hidden sheet with the plan id, the schema and the row fingerprints.
pub const META_SHEET: &str = "_clearance";
pub const TEMPLATE_SCHEMA: &str = "clearance.template/v1";

/// A template column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Column {
    Sku,
    Location,
    Name,
    Category,
    OnHand,
    Sold,
    Velocity,
    Class,
    Price,
    Suggested,
    Max,
    Limit,
    Projected,
    LeftAtEnd,
    Include,
    Discount,
    /// The price the Discount gives, an Excel formula: computed, never read back.
    ClearancePrice,
    PromoQty,
    DisplayQty,
    Note,
}

pub const COLUMNS: [Column; 20] = [
    Column::Sku,
    Column::Location,
    Column::Name,
    Column::Category,
    Column::OnHand,
    Column::Sold,
    Column::Velocity,
    Column::Class,
    Column::Price,
    Column::Suggested,
    Column::Max,
    Column::Limit,
    Column::Projected,
    Column::LeftAtEnd,
    Column::Include,
    Column::Discount,
    Column::ClearancePrice,
    Column::PromoQty,
    Column::DisplayQty,
    Column::Note,
];

impl Column {
    pub fn header(self) -> &'static str {
        match self {
            Column::Sku => "SKU",
            Column::Location => "Location",
            Column::Name => "Name",
            Column::Category => "Category",
            Column::OnHand => "On hand",
            Column::Sold => "Sold",
            Column::Velocity => "Velocity",
            Column::Class => "Class",
            Column::Price => "Price",
            Column::Suggested => "Suggested %",
            Column::Max => "Max %",
            Column::Limit => "Max set by",
            Column::Projected => "Projected sold",
            Column::LeftAtEnd => "Left at end",
            Column::Include => "Include",
            Column::Discount => "Discount %",
            Column::ClearancePrice => "Clearance price",
            Column::PromoQty => "Promo qty",
            Column::DisplayQty => "Display qty",
            Column::Note => "Note",
        }
    }

    /// White columns a person edits (in a blank template SKU and Location are white too).
    pub fn editable(self, blank: bool) -> bool {
        matches!(
            self,
            Column::Include
                | Column::Discount
                | Column::PromoQty
                | Column::DisplayQty
                | Column::Note
        ) || (blank && matches!(self, Column::Sku | Column::Location))
    }

    /// Grey columns holding what the planner computed (checked against the plan and
    /// fingerprinted); the clearance price is grey too, but a formula of the Discount.
    pub fn locked(self) -> bool {
        !self.editable(false) && self != Column::ClearancePrice
    }

    pub fn width(self) -> f64 {
        match self {
            Column::Name => 34.0,
            Column::Category => 20.0,
            Column::Sku => 20.0,
            Column::Note => 30.0,
            Column::Limit => 24.0,
            Column::Location => 10.0,
            _ => 11.0,
        }
    }

    pub fn index(self) -> usize {
        COLUMNS.iter().position(|c| *c == self).unwrap_or(0)
    }
}

/// A line's projected units over the campaign and the stock left at its end, as the template
/// shows them.
pub fn projection(line: &PlanLine, cx: &PlanContext) -> (Option<Decimal>, Option<Decimal>) {
    let projected = projected_units(line, cx.window_days, cx.days);
    let left = match (line.quantity.get(), projected) {
        (Some(q), Some(p)) => Some((q - p).max(Decimal::ZERO)),
        _ => None,
    };
    (projected, left)
}

/// What the planner computed for one row: the grey, locked cells.
#[derive(Debug, Clone, PartialEq)]
pub struct LockedValues {
    pub sku: String,
    pub location: Option<String>,
    pub name: Option<String>,
    pub category: Option<String>,
    pub on_hand: Option<Decimal>,
    pub sold: Option<Decimal>,
    pub velocity: Option<Decimal>,
    pub class: Option<String>,
    pub price: Option<Decimal>,
    pub suggested: Option<Decimal>,
    pub max: Option<Decimal>,
    /// What sets the maximum (`margin floor 15%`, `cap 25%`, ...).
    pub limit: Option<String>,
    pub projected: Option<Decimal>,
    pub left_at_end: Option<Decimal>,
}

/// A campaign ends this many days after its start unless told otherwise (SPEC section 5).
pub const DEFAULT_CAMPAIGN_DAYS: u32 = 28;

/// Campaign length in days (end included) from the plan's header.
pub fn campaign_days(plan: &Plan) -> Decimal {
    let parse = |s: &str| chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").ok();
    match (parse(&plan.campaign.start), parse(&plan.campaign.end)) {
        (Some(a), Some(b)) if b >= a => Decimal::from((b - a).num_days() + 1),
        _ => Decimal::from(DEFAULT_CAMPAIGN_DAYS + 1),
    }
}

/// Units the line is expected to sell during the campaign at its past pace:
/// sold per day over the window × campaign days (STOCK-M's "average sales" promo quantity).
pub fn projected_units(line: &PlanLine, window_days: u32, days: Decimal) -> Option<Decimal> {
    let sold = line.sold.get()?;
    let per_day = sold / Decimal::from(window_days.max(1));
    Some(round(per_day * days, 1))
}

/// What every row of one plan's template shares: computed once, not per row.
pub struct PlanContext {
    window_days: u32,
    days: Decimal,
    policy: Policy,
}

impl PlanContext {
    pub fn new(plan: &Plan) -> PlanContext {
        PlanContext {
            window_days: plan.policy.window_days,
            days: campaign_days(plan),
            policy: policy_of(plan),
        }
    }
}

impl LockedValues {
    pub fn of(line: &PlanLine, plan: &Plan) -> LockedValues {
        LockedValues::with(line, &PlanContext::new(plan))
    }

    pub fn with(line: &PlanLine, cx: &PlanContext) -> LockedValues {
        let (projected, left_at_end) = projection(line, cx);
        LockedValues {
            sku: line.sku.to_string(),
            location: line.location.as_deref().map(str::to_string),
            name: line.name.as_deref().map(str::to_string),
            category: line.category.as_deref().map(str::to_string),
            on_hand: line.quantity.get(),
            sold: line.sold.get(),
            velocity: line.velocity_ratio.get(),
            class: line.class.map(|c| c.as_str().to_string()),
            // The price the discount comes off: a live markdown's price when one runs.
            price: line.live_price().or(line.price.get()),
            suggested: line.discount_pct(),
            max: line.max_discount_pct(),
            limit: Some(max_reason_with(line, &cx.policy)),
            projected,
            left_at_end,
        }
    }

    /// The value shown in a locked column, as text (for fingerprints and comparisons).
    pub fn text(&self, col: Column) -> Option<String> {
        let n = |d: &Option<Decimal>| d.map(plain);
        match col {
            Column::Sku => Some(self.sku.clone()),
            Column::Location => self.location.clone(),
            Column::Name => self.name.clone(),
            Column::Category => self.category.clone(),
            Column::OnHand => n(&self.on_hand),
            Column::Sold => n(&self.sold),
            Column::Velocity => n(&self.velocity),
            Column::Class => self.class.clone(),
            Column::Price => n(&self.price),
            Column::Suggested => n(&self.suggested),
            Column::Max => n(&self.max),
            Column::Limit => self.limit.clone(),
            Column::Projected => n(&self.projected),
            Column::LeftAtEnd => n(&self.left_at_end),
            _ => None,
        }
    }

    /// The text of a locked text column (SKU, Location, Name, Category, Class, Limit),
    /// borrowed; None for the number columns and the editable ones.
    pub fn label(&self, col: Column) -> Option<&str> {
        match col {
            Column::Sku => Some(self.sku.as_str()),
            Column::Location => self.location.as_deref(),
            Column::Name => self.name.as_deref(),
            Column::Category => self.category.as_deref(),
            Column::Class => self.class.as_deref(),
            Column::Limit => self.limit.as_deref(),
            _ => None,
        }
    }

    /// A short hash of the locked values, stored in the hidden sheet: the `text` of each
    /// locked column, each followed by 0x1f (printed into one buffer, not a String per column).
    pub fn fingerprint(&self) -> String {
        let mut buf: Vec<u8> = Vec::with_capacity(256);
        for col in COLUMNS.iter().filter(|c| c.locked()) {
            let number = match col {
                Column::OnHand => Some(self.on_hand),
                Column::Sold => Some(self.sold),
                Column::Velocity => Some(self.velocity),
                Column::Price => Some(self.price),
                Column::Suggested => Some(self.suggested),
                Column::Max => Some(self.max),
                Column::Projected => Some(self.projected),
                Column::LeftAtEnd => Some(self.left_at_end),
                _ => None,
            };
            match number {
                Some(d) => {
                    if let Some(d) = d {
                        push_plain(&mut buf, d);
                    }
                }
                None => {
                    buf.extend_from_slice(self.label(*col).unwrap_or_default().as_bytes());
                }
            }
            buf.push(0x1f);
        }
        let hash = Sha256::digest(&buf);
        crate::io::read::hex(&hash[..8])
    }
}

/// The key of a row: `sku` or `sku@location`.
pub fn key(sku: &str, location: Option<&str>) -> String {
    match location.map(str::trim).filter(|l| !l.is_empty()) {
        Some(l) => format!("{}@{}", sku.trim(), l),
        None => sku.trim().to_string(),
    }
}

/// The planned lines that become template rows, in ranking order.
pub fn template_lines(plan: &Plan) -> impl Iterator<Item = &PlanLine> {
    plan.lines
        .iter()
        .filter(|l| l.status == LineStatus::Planned)
        .take(MAX_TEMPLATE_LINES)
}

/// The most planned lines an upload template holds: a sheet has 1,048,576 rows, and the
/// template keeps room below its lines for hand-added ones. A plan with more planned lines
/// gets a template of its first (highest-ranked) lines and a warning (`planning`).
pub const MAX_TEMPLATE_LINES: usize = 1_000_000;

/// The Plan sheet of plan.xlsx goes on in further sheets at the same count the template stops
/// at, as the warning says.
const _: () = assert!(MAX_TEMPLATE_LINES == crate::io::write::xlsx::LINES_PER_SHEET);

/// The warning of a plan with more planned lines than a template holds (`None` otherwise).
pub fn template_cap_message(planned: usize) -> Option<String> {
    let g = |n: usize| crate::grouped(n as u64);
    (planned > MAX_TEMPLATE_LINES).then(|| {
        format!(
            "upload-template.xlsx holds the first {} of the {} planned lines (a sheet holds about a million rows); the other {} are in plan.json, plan.csv and plan.xlsx (whose Plan sheet goes on in further sheets), and a campaign applied from the template covers only its lines: to campaign them all, plan the catalog in parts of under a million planned lines (--exclude-category, --exclude-vendor, --exclude-tag, or split the catalog file)",
            g(MAX_TEMPLATE_LINES),
            g(planned),
            g(planned - MAX_TEMPLATE_LINES)
        )
    })
}

/// The policy a plan was made with, as the rules use it.
pub fn policy_of(plan: &Plan) -> Policy {
    let p = &plan.policy;
    Policy {
        min_margin_pct: p.min_margin_pct,
        cap_pct: p.cap_pct,
        step_pct: p.step_pct,
        min_discount_pct: p.min_discount_pct,
        margin_rule: if p.margin_rule == "effective" {
            MarginRule::Effective
        } else {
            MarginRule::Points
        },
        no_cost_cap_pct: p.no_cost_cap_pct,
        allow_below_floor: p.allow_below_floor,
        currency: p.currency.clone(),
        ..Policy::default()
    }
}

/// What sets a line's maximum, for messages: "margin floor 15%", "cap 25%", "existing 10% discount".
pub fn max_reason(line: &PlanLine, plan: &Plan) -> String {
    max_reason_with(line, &policy_of(plan))
}

fn max_reason_with(line: &PlanLine, policy: &Policy) -> String {
    let Some(price) = line.price.get() else {
        return format!("cap {}%", plain(policy.cap_pct));
    };
    let ratio = rules::cost_ratio(price, line.cost.get(), line.margin_pct.get());
    let lim = rules::limits(
        policy,
        policy.cap_pct,
        false,
        ratio,
        line.existing_discount_pct(),
    );
    let floor = lim.floor.unwrap_or(Decimal::MAX);
    let stacking = lim.stacking.unwrap_or(Decimal::MAX);
    if stacking < lim.cap && stacking < floor {
        format!(
            "an existing {}% discount already applies; cap {}% and margin floor {}% count the combined depth",
            plain(line.existing_discount_pct().unwrap_or_default()),
            plain(policy.cap_pct),
            plain(policy.min_margin_pct)
        )
    } else if let Some((m, map)) = map_limit(line, policy)
        && m < lim.cap.min(floor).min(stacking)
    {
        format!("minimum advertised price {}", money(map))
    } else if floor < lim.cap {
        if ratio.is_none() {
            format!("no cost data: at most {}%", plain(policy.no_cost_cap_pct))
        } else {
            format!("margin floor {}%", plain(policy.min_margin_pct))
        }
    } else {
        format!("cap {}%", plain(lim.cap))
    }
}

/// The deepest discount the margin floor and stacking allow a planned line whatever the cap,
/// floored to the plan's step, and what sets it: how far `review` may deepen the line when the
/// merchant raises the cap. `None` without a price.
pub fn floor_limit(line: &PlanLine, plan: &Plan) -> (Option<Decimal>, Option<String>) {
    let policy = policy_of(plan);
    let Some(price) = line.price.get() else {
        return (None, None);
    };
    let ratio = rules::cost_ratio(price, line.cost.get(), line.margin_pct.get());
    let floor = rules::floor_allowance(&policy, ratio);
    let (limit, why) = match line.existing_discount_pct() {
        Some(e) if e > Decimal::ZERO => (
            rules::stacking_allowance(floor, e),
            format!(
                "margin floor {}% with the existing {}% discount",
                plain(policy.min_margin_pct),
                plain(e)
            ),
        ),
        _ if ratio.is_none() => (
            floor,
            format!("no cost data: at most {}%", plain(policy.no_cost_cap_pct)),
        ),
        _ => (
            floor,
            format!("margin floor {}%", plain(policy.min_margin_pct)),
        ),
    };
    let limit = rules::floor_to_step(limit, policy.step_pct).max(Decimal::ZERO);
    match map_limit(line, &policy) {
        Some((m, map)) if m < limit => (
            Some(m),
            Some(format!("minimum advertised price {}", money(map))),
        ),
        _ => (Some(limit), Some(why)),
    }
}

/// The deepest discount, floored to the step, that keeps the line's clearance price at or
/// above its minimum advertised price, with the MAP; `None` without a MAP or a price.
fn map_limit(line: &PlanLine, policy: &Policy) -> Option<(Decimal, Decimal)> {
    let map = line.min_price().filter(|m| *m > Decimal::ZERO)?;
    let base = line.live_price().or(line.price.get())?;
    let digits = rules::minor_unit_digits(line.currency().or(policy.currency.as_deref()));
    Some((
        rules::min_price_max(base, map, digits, policy.step_pct),
        map,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The fingerprint as first written (a String per column): templates already handed out
    /// carry it, so the faster one must give the same hash.
    fn fingerprint_as_first_written(v: &LockedValues) -> String {
        let mut h = Sha256::new();
        for col in COLUMNS.iter().filter(|c| c.locked()) {
            h.update(v.text(*col).unwrap_or_default().as_bytes());
            h.update([0x1f]);
        }
        crate::io::read::hex(&h.finalize())[..16].to_string()
    }

    #[test]
    fn fingerprint_is_unchanged() {
        let d = |s: &str| s.parse::<Decimal>().ok();
        let full = LockedValues {
            sku: "A-1".into(),
            location: Some("W1".into()),
            name: Some("Boot é".into()),
            category: Some("Shoes".into()),
            on_hand: d("12.0"),
            sold: d("3"),
            velocity: d("0.2500"),
            class: Some("severe".into()),
            price: d("40.00"),
            suggested: d("25"),
            max: d("25.00"),
            limit: Some("cap 25%".into()),
            projected: d("1.0"),
            left_at_end: d("11"),
        };
        let empty = LockedValues {
            sku: String::new(),
            location: None,
            name: None,
            category: None,
            on_hand: None,
            sold: None,
            velocity: None,
            class: None,
            price: None,
            suggested: None,
            max: None,
            limit: None,
            projected: None,
            left_at_end: None,
        };
        for v in [&full, &empty] {
            assert_eq!(v.fingerprint(), fingerprint_as_first_written(v));
            assert_eq!(v.fingerprint().len(), 16);
        }
    }
}

#[cfg(test)]
mod cap_tests {
    use super::*;

    #[test]
    fn a_plan_past_the_template_s_lines_is_warned_about() {
        assert_eq!(template_cap_message(MAX_TEMPLATE_LINES), None);
        let m = template_cap_message(3_500_000).unwrap_or_default();
        assert!(
            m.starts_with(
                "upload-template.xlsx holds the first 1,000,000 of the 3,500,000 planned lines"
            ) && m.contains("the other 2,500,000 are in plan.json"),
            "{m}"
        );
    }
}
