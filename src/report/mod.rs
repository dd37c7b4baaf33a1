//! The weekly report's numbers (SPEC section 6), computed from a finished plan: KPIs, week-over-
//! week deltas, new slow movers and recovered skus. Pure: no files, no clock.

use crate::model::num::{round, sat_add, sat_mul, to_json_number};
use crate::model::{Class, LineStatus, Plan, PlanLine};
use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use std::collections::{BTreeMap, BTreeSet};

pub const REPORT_SCHEMA: &str = "clearance.report/v1";

/// Aging buckets by days since the last sale.
pub const AGING_BUCKETS: [&str; 6] = ["0-30", "31-60", "61-90", "91-180", "180+", "never"];

/// Tier buckets for "candidates by tier".
pub const TIER_BUCKETS: [&str; 4] = ["20-25", "15-20", "10-15", "5-10"];

/// `summary.json`
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Summary {
    pub schema: String,
    pub as_of: String,
    /// ISO week, `2026-W47`.
    pub week: String,
    #[serde(default)]
    pub plan_id: String,
    pub kpis: Value,
    /// The week the deltas compare against, when its summary.json was found.
    #[serde(default)]
    pub previous_week: Option<String>,
    /// Current minus previous, key by key (null where either is null).
    #[serde(default)]
    pub deltas: Value,
    /// Skus that are slow movers now and were not last week.
    #[serde(default)]
    pub new_slow_movers: Vec<String>,
    /// Skus that were slow movers last week and are not now.
    #[serde(default)]
    pub recovered: Vec<String>,
    /// Every slow mover (severe or moderate) this week, by key.
    #[serde(default)]
    pub slow_movers: Vec<String>,
    /// The 20 slowest planned lines.
    #[serde(default)]
    pub top_slow_movers: Vec<TopLine>,
    /// Campaigns running on the as-of date (`--campaigns DIR`), with their clearance rates.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub campaigns: Vec<RunningCampaign>,
    /// The run's warnings, as plan.json has them (file, sheet, row, column, message), so a
    /// script can check a cron run; empty when there were none.
    #[serde(default)]
    pub warnings: Vec<crate::model::Warning>,
}

/// A campaign running on the report's as-of date, as `review` sees it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct RunningCampaign {
    pub name: String,
    pub slug: String,
    pub revision: u32,
    pub start: NaiveDate,
    pub end: NaiveDate,
    pub status: String,
    #[serde(flatten)]
    pub review: crate::campaign::review::ReviewSummary,
}

/// One of the top slow movers.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct TopLine {
    pub key: String,
    pub name: Option<String>,
    pub category: Option<String>,
    pub class: Option<String>,
    pub velocity_ratio: Value,
    pub quantity: Value,
    pub capital: Value,
    pub discount_pct: Value,
    pub clearance_price: Option<String>,
    /// Extra units to sell at the clearance price to keep margin money unchanged, percent.
    pub break_even_lift_pct: Value,
    pub days_since_last_sale: Option<i64>,
}

fn num(d: Decimal) -> Value {
    to_json_number(round(d, 2))
}

fn opt(d: Option<Decimal>) -> Value {
    d.map(num).unwrap_or(Value::Null)
}

/// Extra units needed at discount `d` to earn the same margin money: `(p − c) / (p (1 − d) − c) − 1`.
pub fn break_even_lift_pct(line: &PlanLine) -> Option<Decimal> {
    let (p, c, d) = (line.price.get()?, line.cost.get()?, line.discount_pct()?);
    let before = p - c;
    let after = p * (Decimal::ONE - d / Decimal::ONE_HUNDRED) - c;
    if after <= Decimal::ZERO || before <= Decimal::ZERO {
        return None;
    }
    (before.checked_div(after)? - Decimal::ONE).checked_mul(Decimal::ONE_HUNDRED)
}

fn days_since(line: &PlanLine, as_of: NaiveDate) -> Option<i64> {
    line.last_sale.map(|d| (as_of - d).num_days().max(0))
}

fn aging_bucket(days: Option<i64>) -> &'static str {
    match days {
        None => "never",
        Some(d) if d <= 30 => "0-30",
        Some(d) if d <= 60 => "31-60",
        Some(d) if d <= 90 => "61-90",
        Some(d) if d <= 180 => "91-180",
        Some(_) => "180+",
    }
}

pub fn tier_bucket(tier: Decimal) -> &'static str {
    if tier >= Decimal::from(20) {
        "20-25"
    } else if tier >= Decimal::from(15) {
        "15-20"
    } else if tier >= Decimal::from(10) {
        "10-15"
    } else {
        "5-10"
    }
}

fn in_stock(l: &PlanLine) -> bool {
    l.quantity.get().is_some_and(|q| q > Decimal::ZERO)
}

/// The KPIs of SPEC section 6, as JSON (money and ratios rounded to 2 decimals).
/// `dated_sales`: whether dated sales files were read (else no aging).
pub fn kpis(plan: &Plan, as_of: NaiveDate, dated_sales: bool) -> Value {
    let mut at_cost: Option<Decimal> = None;
    let mut at_price = Decimal::ZERO;
    let mut slow_capital = Decimal::ZERO;
    let mut skus_by_class: BTreeMap<&str, u64> = BTreeMap::new();
    let mut value_by_class: BTreeMap<&str, Decimal> = BTreeMap::new();
    let mut on_hand = Decimal::ZERO;
    let mut sold = Decimal::ZERO;
    let mut gross_margin: Option<Decimal> = None;
    let mut aging: BTreeMap<&str, (u64, Decimal)> = AGING_BUCKETS
        .iter()
        .map(|b| (*b, (0, Decimal::ZERO)))
        .collect();
    let mut lifts = Vec::new();
    for class in ["severe", "moderate", "balanced", "fast"] {
        skus_by_class.insert(class, 0);
        value_by_class.insert(class, Decimal::ZERO);
    }
    for l in &plan.lines {
        let class = l.class.map(Class::as_str).unwrap_or("unclassified");
        *skus_by_class.entry(class).or_default() += 1;
        // Sales count for every line, sold-out ones included (they sold through).
        let s = l.sold.get().unwrap_or_default();
        sold = sat_add(sold, s);
        if let (Some(p), Some(c)) = (l.price.get().filter(|p| *p > Decimal::ZERO), l.cost.get()) {
            let gm = gross_margin.get_or_insert(Decimal::ZERO);
            *gm = sat_add(*gm, sat_mul(s, p - c));
        }
        if !in_stock(l) {
            continue;
        }
        let q = l.quantity.get().unwrap_or_default();
        on_hand = sat_add(on_hand, q);
        if let Some(p) = l.price.get().filter(|p| *p > Decimal::ZERO) {
            at_price = sat_add(at_price, sat_mul(q, p));
            if let Some(c) = l.cost.get() {
                let v = at_cost.get_or_insert(Decimal::ZERO);
                *v = sat_add(*v, sat_mul(q, c));
            }
        }
        let v = value_by_class.entry(class).or_default();
        *v = sat_add(*v, l.capital());
        if l.class.is_some_and(Class::is_slow) {
            slow_capital = sat_add(slow_capital, l.capital());
        }
        let bucket = aging.entry(aging_bucket(days_since(l, as_of))).or_default();
        bucket.0 += 1;
        bucket.1 = sat_add(bucket.1, l.capital());
        if l.status == LineStatus::Planned
            && let Some(lift) = break_even_lift_pct(l)
        {
            lifts.push(lift);
        }
    }
    let window = Decimal::from(plan.policy.window_days.max(1));
    // Checked arithmetic: figures near the 1e15 input limit give null, never a crash.
    let weekly = sold / window * Decimal::from(7);
    let weeks_of_supply = (weekly > Decimal::ZERO)
        .then(|| on_hand.checked_div(weekly))
        .flatten();
    let total = sat_add(sold, on_hand);
    let sell_through = (total > Decimal::ZERO)
        .then(|| {
            sold.checked_div(total)
                .and_then(|r| r.checked_mul(Decimal::ONE_HUNDRED))
        })
        .flatten();
    let gmroi = match (gross_margin, at_cost) {
        (Some(gm), Some(inv)) if inv > Decimal::ZERO => gm
            .checked_mul(Decimal::from(365))
            .and_then(|x| x.checked_div(window))
            .and_then(|x| x.checked_div(inv)),
        _ => None,
    };
    let avg_lift = (!lifts.is_empty()).then(|| {
        lifts.iter().fold(Decimal::ZERO, |a, b| sat_add(a, *b)) / Decimal::from(lifts.len())
    });
    let mut k = Map::new();
    k.insert("stock_value_at_cost".into(), opt(at_cost));
    k.insert("stock_value_at_price".into(), num(at_price));
    k.insert("capital_in_slow_movers".into(), num(slow_capital));
    k.insert(
        "skus_by_class".into(),
        Value::Object(
            skus_by_class
                .iter()
                .map(|(c, n)| (c.to_string(), Value::from(*n)))
                .collect(),
        ),
    );
    k.insert(
        "value_by_class".into(),
        Value::Object(
            value_by_class
                .iter()
                .map(|(c, v)| (c.to_string(), num(*v)))
                .collect(),
        ),
    );
    k.insert("weeks_of_supply".into(), opt(weeks_of_supply));
    k.insert("sell_through_pct".into(), opt(sell_through));
    k.insert(
        "aging_buckets".into(),
        if dated_sales {
            Value::Object(
                AGING_BUCKETS
                    .iter()
                    .map(|b| {
                        let (n, v) = aging[b];
                        (
                            b.to_string(),
                            serde_json::json!({"skus": n, "value": num(v)}),
                        )
                    })
                    .collect(),
            )
        } else {
            Value::Null
        },
    );
    k.insert(
        "planned_markdown_cost".into(),
        num(plan.summary.planned_markdown_cost.unwrap_or_default()),
    );
    k.insert("avg_break_even_lift_pct".into(), opt(avg_lift));
    k.insert("gmroi".into(), opt(gmroi));
    Value::Object(k)
}

/// Current minus previous, key by key; null where either side is null or missing.
pub fn deltas(current: &Value, previous: &Value) -> Value {
    match (current, previous) {
        // Same keys as the current KPIs; a missing previous side gives nulls.
        (Value::Object(c), p) => Value::Object(
            c.iter()
                .map(|(k, v)| (k.clone(), deltas(v, p.get(k).unwrap_or(&Value::Null))))
                .collect(),
        ),
        (Value::Number(c), Value::Number(p)) => {
            let parse = |n: &serde_json::Number| n.to_string().parse::<Decimal>().ok();
            match (parse(c), parse(p)) {
                (Some(c), Some(p)) => num(c - p),
                _ => Value::Null,
            }
        }
        _ => Value::Null,
    }
}

/// The slow movers' keys.
pub fn slow_movers(plan: &Plan) -> Vec<String> {
    plan.lines
        .iter()
        .filter(|l| l.class.is_some_and(Class::is_slow))
        .map(PlanLine::key)
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect()
}

pub fn top_slow_movers(plan: &Plan, as_of: NaiveDate, n: usize) -> Vec<TopLine> {
    plan.lines
        .iter()
        .filter(|l| l.status == LineStatus::Planned)
        .take(n)
        .map(|l| TopLine {
            key: l.key(),
            name: l.name.as_deref().map(str::to_string),
            category: l.category.as_deref().map(str::to_string),
            class: l.class.map(|c| c.as_str().to_string()),
            velocity_ratio: opt(l.velocity_ratio.get()),
            quantity: opt(l.quantity.get()),
            capital: num(l.capital()),
            discount_pct: opt(l.discount_pct()),
            clearance_price: l.clearance_price().map(crate::model::num::money),
            break_even_lift_pct: opt(break_even_lift_pct(l)),
            days_since_last_sale: days_since(l, as_of),
        })
        .collect()
}

/// Capital in slow movers per category, largest first (at most `n`).
pub fn capital_by_category(plan: &Plan, n: usize) -> Vec<(String, Decimal)> {
    let mut by: BTreeMap<String, Decimal> = BTreeMap::new();
    for l in plan
        .lines
        .iter()
        .filter(|l| l.class.is_some_and(Class::is_slow))
    {
        let v = by
            .entry(l.category.as_deref().unwrap_or("(none)").to_string())
            .or_default();
        *v = sat_add(*v, l.capital());
    }
    let mut v: Vec<(String, Decimal)> = by.into_iter().collect();
    v.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    v.truncate(n);
    v
}

/// Slow-mover candidates per tier bucket.
pub fn candidates_by_tier(plan: &Plan) -> Vec<(&'static str, u64)> {
    let mut counts: BTreeMap<&str, u64> = TIER_BUCKETS.iter().map(|b| (*b, 0)).collect();
    for l in &plan.lines {
        if let (Some(t), true) = (l.tier_discount_pct(), l.class.is_some_and(Class::is_slow)) {
            *counts.entry(tier_bucket(t)).or_default() += 1;
        }
    }
    TIER_BUCKETS.iter().map(|b| (*b, counts[b])).collect()
}

/// Build the summary; `previous` is last week's summary.json when present.
pub fn summarise(
    plan: &Plan,
    as_of: NaiveDate,
    week: &str,
    dated_sales: bool,
    previous: Option<&Summary>,
) -> Summary {
    let k = kpis(plan, as_of, dated_sales);
    let slow = slow_movers(plan);
    let (deltas_v, new_slow, recovered) = match previous {
        Some(p) => {
            let before: BTreeSet<&String> = p.slow_movers.iter().collect();
            let now: BTreeSet<&String> = slow.iter().collect();
            (
                deltas(&k, &p.kpis),
                now.difference(&before).map(|s| s.to_string()).collect(),
                before.difference(&now).map(|s| s.to_string()).collect(),
            )
        }
        None => (deltas(&k, &Value::Null), Vec::new(), Vec::new()),
    };
    Summary {
        schema: REPORT_SCHEMA.into(),
        as_of: as_of.to_string(),
        week: week.to_string(),
        plan_id: plan.plan_id.clone(),
        kpis: k,
        previous_week: previous.map(|p| p.week.clone()),
        deltas: deltas_v,
        new_slow_movers: new_slow,
        recovered,
        slow_movers: slow,
        top_slow_movers: top_slow_movers(plan, as_of, 20),
        campaigns: Vec::new(),
        warnings: plan.warnings.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn deltas_follow_the_shape() {
        let c = json!({"a": 10.5, "b": {"x": 3, "y": null}, "c": null});
        let p = json!({"a": 4, "b": {"x": 1, "y": 2}, "c": 5});
        assert_eq!(
            deltas(&c, &p),
            json!({"a": 6.5, "b": {"x": 2, "y": null}, "c": null})
        );
        assert_eq!(
            deltas(&c, &Value::Null),
            json!({"a": null, "b": {"x": null, "y": null}, "c": null})
        );
    }

    #[test]
    fn buckets() {
        assert_eq!(aging_bucket(Some(0)), "0-30");
        assert_eq!(aging_bucket(Some(30)), "0-30");
        assert_eq!(aging_bucket(Some(31)), "31-60");
        assert_eq!(aging_bucket(Some(180)), "91-180");
        assert_eq!(aging_bucket(Some(181)), "180+");
        assert_eq!(aging_bucket(None), "never");
        assert_eq!(tier_bucket(Decimal::from(25)), "20-25");
        assert_eq!(tier_bucket(Decimal::from(15)), "15-20");
        assert_eq!(tier_bucket(Decimal::new(55, 1)), "5-10");
    }
}
