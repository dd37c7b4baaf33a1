//! The campaign package `apply` writes (SPEC section 5): the campaign file, the price list and
//! its revert file, Wix discount-rule request bodies, and the optional coupons and boosts.

use super::header::Header;
use super::template::{floor_limit, projected_units};
use super::validate::EditedLine;
use crate::model::num::{de_dec, money, plain, round, ser_num};
use crate::model::{Plan, PlanLine, Warning};
use crate::platform::{Unit, units};
use crate::rules::{clearance_price, minor_unit_digits};
use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

pub const CAMPAIGN_SCHEMA: &str = "clearance.campaign/v1";
/// Wix allows at most this many product scopes in one discount rule.
pub const MAX_PRODUCTS_PER_RULE: usize = 5;
/// ... and this many collection (category) scopes.
pub const MAX_COLLECTIONS_PER_RULE: usize = 3;

/// One line of a campaign.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CampaignLine {
    pub sku: String,
    pub location: Option<String>,
    pub name: Option<String>,
    pub category: Option<String>,
    pub product_id: Option<String>,
    pub category_id: Option<String>,
    pub currency: Option<String>,
    pub on_hand: Option<String>,
    /// The regular price before the campaign.
    pub list_price: String,
    /// The price the customer paid before the campaign when a markdown was live (the shop's
    /// sale price); the clearance price is taken from it and revert.csv restores it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub live_price: Option<String>,
    /// The minimum advertised price from the plan (money), when the line has one: `review`
    /// never deepens below it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_price: Option<String>,
    pub discount_pct: String,
    pub clearance_price: String,
    pub existing_discount_pct: Option<String>,
    /// Promo quantity (STOCK-M PQ): typed in the template, or from average sales.
    pub promo_qty: Option<String>,
    /// `template` or `average_sales`.
    pub promo_qty_source: Option<String>,
    /// Display (safety) quantity, fixed for the campaign.
    pub display_qty: Option<String>,
    /// Units expected to sell during the campaign at the window's pace.
    pub projected_units: Option<String>,
    /// Stock expected to be left at the end.
    pub stock_left: Option<String>,
    pub note: Option<String>,
    /// The template row it came from.
    pub template_row: usize,
    /// Unit cost from the plan (money), for the margin floor of later steps.
    #[serde(default)]
    pub cost: Option<String>,
    /// The deepest discount the plan allowed (cap, margin floor and stacking), percent.
    #[serde(default)]
    pub max_discount_pct: Option<String>,
    /// The deepest discount the margin floor and stacking allow whatever the cap, floored to the
    /// step: how far `review` may deepen the line when the cap is raised.
    #[serde(default)]
    pub floor_max_pct: Option<String>,
    /// What sets `floor_max_pct`: "margin floor 15%", "no cost data: at most 15%", ...
    #[serde(default)]
    pub floor_set_by: Option<String>,
    /// Every depth the line has had, oldest first (revision 1 is the approved template).
    #[serde(default)]
    pub steps: Vec<Step>,
    /// The day a review ended the line (stock cleared), with why.
    #[serde(default)]
    pub ended_on: Option<chrono::NaiveDate>,
    #[serde(default)]
    pub ended_why: Option<String>,
}

/// One depth of a campaign line: from `date`, in campaign revision `revision`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Step {
    pub revision: u32,
    pub date: chrono::NaiveDate,
    pub discount_pct: String,
    pub clearance_price: String,
}

impl CampaignLine {
    /// The day the current depth started: the last step's date, else the campaign's start.
    pub fn depth_since(&self, start: chrono::NaiveDate) -> chrono::NaiveDate {
        self.steps.last().map(|s| s.date).unwrap_or(start)
    }
}

/// The policy a campaign was applied under (what `review` needs to deepen within the rules).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct CampaignPolicy {
    #[serde(serialize_with = "ser_num", deserialize_with = "de_dec")]
    pub cap_pct: Decimal,
    #[serde(serialize_with = "ser_num", deserialize_with = "de_dec")]
    pub min_margin_pct: Decimal,
    #[serde(serialize_with = "ser_num", deserialize_with = "de_dec")]
    pub step_pct: Decimal,
    pub window_days: u32,
}

/// One change a revision makes (`review --apply`).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Change {
    pub sku: String,
    pub location: Option<String>,
    /// `deepen` or `end`.
    pub action: super::action::Action,
    pub from_pct: String,
    /// The new depth (`deepen`); null for `end`.
    pub to_pct: Option<String>,
    pub date: chrono::NaiveDate,
    pub why: String,
}

fn first_revision() -> u32 {
    1
}

/// `campaign.json`
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Campaign {
    pub schema: String,
    /// Name, owner, dates, regions, segments and notes.
    #[serde(flatten)]
    pub header: Header,
    pub slug: String,
    pub plan_id: String,
    /// `draft`, or `approved` with `--approve --by NAME`.
    pub status: String,
    pub approved_by: Option<String>,
    pub approved_at: Option<String>,
    pub created_at: String,
    /// 1 for the campaign `apply` wrote; each `review --apply` writes the next one.
    #[serde(default = "first_revision")]
    pub revision: u32,
    /// The policy of the plan it was applied from.
    #[serde(default)]
    pub policy: Option<CampaignPolicy>,
    /// When this revision was written (revisions after the first).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub revised_at: Option<String>,
    /// What this revision changed (revisions after the first).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub changes: Vec<Change>,
    pub lines: Vec<CampaignLine>,
    pub warnings: Vec<Warning>,
    /// The platform the package was written for (`apply --platform`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub platform: Option<String>,
    /// The files of the package, campaign.json first.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub files: Vec<String>,
    /// Products kept out of the discount rules because a rule would reach a line the campaign
    /// does not discount; later rules (`approve`, `review --apply`) leave them out too.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub rules_left_out: Vec<String>,
}

/// Options of the package beyond the header.
#[derive(Debug, Clone, Default)]
pub struct PackageOptions {
    pub approved_by: Option<String>,
    pub approved_at: Option<String>,
    pub created_at: String,
    /// Days at the campaign's start that the average-sales promo quantity leaves out.
    pub conversion_delay_days: u32,
}

fn ceil(d: Decimal) -> Decimal {
    d.ceil()
}

/// Build the campaign from the validated template rows.
pub fn build(
    plan: &Plan,
    header: &Header,
    edited: &[EditedLine],
    opts: &PackageOptions,
    slug: &str,
) -> Campaign {
    let mut warnings = Vec::new();
    let regions: HashSet<String> = header
        .regions
        .iter()
        .map(|r| r.trim().to_lowercase())
        .collect();
    let days = Decimal::from((header.end - header.start).num_days() + 1);
    let mut lines = Vec::new();
    for e in edited
        .iter()
        .filter(|e| e.include && e.discount_pct > Decimal::ZERO)
    {
        let l = &e.line;
        if !regions.is_empty()
            && let Some(loc) = &l.location
            && !regions.contains(&loc.trim().to_lowercase())
        {
            continue;
        }
        let Some(price) = l.price.get() else { continue };
        let currency = l
            .currency()
            .map(str::to_string)
            .or_else(|| plan.policy.currency.clone());
        let digits = minor_unit_digits(currency.as_deref());
        // From the price the customer pays today (a live markdown's price when there is one).
        let base = l.live_price().unwrap_or(price);
        let cp = if Some(e.discount_pct) == l.discount_pct() {
            l.clearance_price()
                .unwrap_or_else(|| clearance_price(base, e.discount_pct, digits))
        } else {
            clearance_price(base, e.discount_pct, digits)
        };
        let projected = projected_units(l, plan.policy.window_days, days);
        let (promo_qty, source) = match e.promo_qty {
            Some(q) => (Some(q), Some("template")),
            None => {
                let effective =
                    (days - Decimal::from(opts.conversion_delay_days)).max(Decimal::ZERO);
                (
                    projected_units(l, plan.policy.window_days, effective).map(ceil),
                    Some("average_sales"),
                )
            }
        };
        let stock_left = match (l.quantity.get(), projected) {
            (Some(q), Some(p)) => Some((q - p).max(Decimal::ZERO)),
            _ => None,
        };
        let (floor_max, floor_set_by) = floor_limit(l, plan);
        lines.push(CampaignLine {
            sku: l.sku.to_string(),
            location: l.location.as_deref().map(str::to_string),
            name: l.name.as_deref().map(str::to_string),
            category: l.category.as_deref().map(str::to_string),
            product_id: l.product_id().map(str::to_string),
            category_id: l.category_id().map(str::to_string),
            currency,
            on_hand: l.quantity.get().map(plain),
            list_price: money(price),
            live_price: l.live_price().map(money),
            min_price: l.min_price().map(money),
            discount_pct: plain(e.discount_pct),
            clearance_price: money(cp),
            existing_discount_pct: l.existing_discount_pct().map(plain),
            promo_qty: promo_qty.map(plain),
            promo_qty_source: source.map(str::to_string),
            display_qty: e.display_qty.map(plain),
            projected_units: projected.map(|p| plain(round(p, 1))),
            stock_left: stock_left.map(|s| plain(round(s, 1))),
            note: e.note.clone(),
            template_row: e.row,
            cost: l.cost.get().map(money),
            max_discount_pct: l.max_discount_pct().map(plain),
            floor_max_pct: floor_max.map(plain),
            floor_set_by,
            steps: vec![Step {
                revision: 1,
                date: header.start,
                discount_pct: plain(e.discount_pct),
                clearance_price: money(cp),
            }],
            ended_on: None,
            ended_why: None,
        });
    }
    if !regions.is_empty() && edited.iter().all(|e| e.line.location.is_none()) {
        warnings.push(Warning {
            file: "campaign.json".into(),
            sheet: None,
            row: None,
            column: Some("location".into()),
            message: format!(
                "regions {} are recorded, but the plan has no locations, so no line is left out by region",
                header.regions.join(", ")
            ),
        });
    }
    // A region that names no location of the plan is almost always a typo.
    let locations: HashSet<String> = plan
        .lines
        .iter()
        .filter_map(|l| l.location.as_deref().map(|x| x.trim().to_lowercase()))
        .collect();
    if !locations.is_empty() {
        for region in &header.regions {
            if !locations.contains(&region.trim().to_lowercase()) {
                warnings.push(Warning {
                    file: "campaign.json".into(),
                    sheet: None,
                    row: None,
                    column: Some("location".into()),
                    message: format!(
                        "region \"{region}\" matches no location of the plan; check --region"
                    ),
                });
            }
        }
    }
    let without_id: Vec<&CampaignLine> = lines.iter().filter(|l| l.product_id.is_none()).collect();
    if let Some(first) = without_id.first() {
        let examples: Vec<String> = without_id.iter().take(5).map(|l| l.sku.clone()).collect();
        warnings.push(Warning {
            file: "discount-rules.json".into(),
            sheet: None,
            row: Some(first.template_row),
            column: Some("product_id".into()),
            message: format!(
                "{} line(s) have no product_id (e.g. {}); their discount-rule scopes use the sku. Add the platform's product id to the catalog (a product_id column, or --map product_id=COLUMN) before loading the rules into Wix",
                without_id.len(),
                examples.join(", ")
            ),
        });
    }
    Campaign {
        schema: CAMPAIGN_SCHEMA.into(),
        header: header.clone(),
        slug: slug.to_string(),
        plan_id: plan.plan_id.clone(),
        status: if opts.approved_by.is_some() {
            "approved"
        } else {
            "draft"
        }
        .into(),
        approved_by: opts.approved_by.clone(),
        approved_at: opts.approved_at.clone(),
        created_at: opts.created_at.clone(),
        revision: 1,
        policy: Some(CampaignPolicy {
            cap_pct: plan.policy.cap_pct,
            min_margin_pct: plan.policy.min_margin_pct,
            step_pct: plan.policy.step_pct,
            window_days: plan.policy.window_days,
        }),
        revised_at: None,
        changes: Vec::new(),
        lines,
        warnings,
        platform: None,
        files: Vec::new(),
        rules_left_out: Vec::new(),
    }
}

/// The price-list rows: valid during the campaign at the clearance price.
pub fn price_list(c: &Campaign) -> Vec<[String; 7]> {
    let lines: Vec<&CampaignLine> = c.lines.iter().collect();
    price_rows(&lines, c.header.start, Some(c.header.end))
}

/// The revert rows: the same skus and locations at their list prices, from the day after the end.
pub fn revert(c: &Campaign) -> Vec<[String; 7]> {
    let lines: Vec<&CampaignLine> = c.lines.iter().collect();
    revert_rows(&lines, c.header.end.succ_opt().unwrap_or(c.header.end))
}

/// Price-list rows (PRICE_COLUMNS) for `lines` at their clearance prices, valid `from`..`to`.
pub fn price_rows(
    lines: &[&CampaignLine],
    from: chrono::NaiveDate,
    to: Option<chrono::NaiveDate>,
) -> Vec<[String; 7]> {
    rows(lines, from, to, |l| &l.clearance_price)
}

/// Rows that put `lines` back at the prices they had before the campaign from `from` on (the
/// live markdown's price where one ran, else the list price).
pub fn revert_rows(lines: &[&CampaignLine], from: chrono::NaiveDate) -> Vec<[String; 7]> {
    rows(lines, from, None, |l| {
        l.live_price.as_ref().unwrap_or(&l.list_price)
    })
}

fn rows(
    lines: &[&CampaignLine],
    from: chrono::NaiveDate,
    to: Option<chrono::NaiveDate>,
    price: impl Fn(&CampaignLine) -> &String,
) -> Vec<[String; 7]> {
    lines
        .iter()
        .map(|l| {
            [
                l.sku.clone(),
                l.location.clone().unwrap_or_default(),
                l.currency.clone().unwrap_or_default(),
                l.list_price.clone(),
                price(l).clone(),
                from.to_string(),
                to.map(|d| d.to_string()).unwrap_or_default(),
            ]
        })
        .collect()
}

pub const PRICE_COLUMNS: [&str; 7] = [
    "sku",
    "location",
    "currency",
    "list_price",
    "price",
    "valid_from",
    "valid_to",
];

/// The file the Wix discount rules are written to.
pub const RULES_FILE: &str = "discount-rules.json";

/// The Wix product a plan line belongs to: its `product_id`, else its sku (a catalog without
/// product ids; `build` warns about those). Every variant and location of one product shares it.
pub fn product_key(l: &PlanLine) -> String {
    l.product_id()
        .map(str::to_string)
        .unwrap_or_else(|| l.sku.to_string())
}

/// The same key for a campaign line.
fn campaign_product_key(l: &CampaignLine) -> String {
    l.product_id.clone().unwrap_or_else(|| l.sku.clone())
}

/// The days a rule runs as the Wix `activeTimeInfo` (Discount Rules API, `discountRule.
/// activeTimeInfo.start` / `.end`, RFC 3339 date-times), so the rule ends on its own:
/// from the start of `from` to the end of `to` (`23:59:59`), both in UTC (`Z`).
///
/// UTC because the export carries no shop timezone and `Z` is the one offset Wix reads the
/// same everywhere; the campaign's dates are days, and price-list.csv and revert.csv name the
/// same days. A shop far from UTC sees the rule switch on and off a few hours off its own
/// midnight (UTC-5: 19:00 the evening before, and until 18:59:59 on the last day).
pub fn active_time_info(from: NaiveDate, to: NaiveDate) -> Value {
    json!({
        "start": format!("{}T00:00:00Z", from.format("%Y-%m-%d")),
        "end": format!("{}T23:59:59Z", to.format("%Y-%m-%d")),
    })
}

/// What `discount_rules` gives: the request bodies, and a warning for each product it takes
/// at a smaller depth than some of its lines or leaves out.
#[derive(Debug, Default)]
pub struct DiscountRules {
    pub bodies: Vec<Value>,
    pub warnings: Vec<Warning>,
    /// Products left out because a rule would reach a line the campaign does not discount
    /// (kept in campaign.json so later rules, from `approve` or `review`, leave them out too).
    pub left_out: Vec<String>,
}

/// Wix create-discount-rule request bodies (SPEC section 5). A Wix rule's scope is a whole
/// product (every variant, shop-wide), while the plan is per variant and location, so the
/// lines are grouped by product (`product_key`, `platform::units`): a product whose lines the
/// campaign gives different depths gets one rule entry at the smallest, and a product that
/// would reach a line the campaign does not discount (fast, balanced, excluded, skipped, not
/// included in the template) is left out; each with a warning, price-list.csv still carrying
/// every line's own price. So a rule never takes a line past its own cap or floor.
///
/// Per percentage, deepest first: COLLECTION scopes for categories (by id, never by name)
/// whose every catalog line is in the campaign at that percentage and whose products all get
/// that percentage (nothing shallower reached), at most 3 per rule; SPECIFIC_PRODUCTS scopes
/// for the other products, at most 5 per rule; never site-wide. Each product is in one rule
/// only. `active` is false until the campaign is approved; `activeTimeInfo` is the campaign's
/// dates.
pub fn discount_rules(c: &Campaign, plan: &Plan) -> DiscountRules {
    let active = c.status == "approved";
    let mut warnings = Vec::new();
    let units = units(
        c,
        plan,
        "Wix product",
        RULES_FILE,
        product_key,
        &mut warnings,
    );
    let depth_of: HashMap<&str, Option<Decimal>> =
        units.iter().map(|u| (u.key.as_str(), u.depth)).collect();
    let at: HashMap<(&str, Option<&str>), &str> = c
        .lines
        .iter()
        .filter(|l| l.ended_on.is_none())
        .map(|l| {
            (
                (l.sku.as_str(), l.location.as_deref()),
                l.discount_pct.as_str(),
            )
        })
        .collect();
    let mut by_pct: BTreeMap<Decimal, Vec<&Unit>> = BTreeMap::new();
    for u in &units {
        if let Some(d) = u.depth {
            by_pct.entry(d).or_default().push(u);
        }
    }
    // The plan lines of each category id, in plan order (one pass, not one per category).
    let mut by_category: HashMap<&str, Vec<&PlanLine>> = HashMap::new();
    for pl in &plan.lines {
        if let Some(id) = pl.category_id() {
            by_category.entry(id).or_default().push(pl);
        }
    }
    let window = (c.header.start, c.header.end);
    let mut bodies = Vec::new();
    for (pct, units) in by_pct.iter().rev() {
        let ids: BTreeSet<&str> = units
            .iter()
            .flat_map(|u| u.lines.iter().filter_map(|l| l.category_id.as_deref()))
            .collect();
        // A category whose every line is in the campaign at this percentage, each line's
        // product getting this percentage too (so the collection reaches nothing shallower).
        let collections: Vec<String> = ids
            .into_iter()
            .filter(|id| {
                by_category.get(id).is_some_and(|in_category| {
                    !in_category.is_empty()
                        && in_category.iter().all(|pl| {
                            at.get(&(&*pl.sku, pl.location.as_deref()))
                                .and_then(|d| d.parse::<Decimal>().ok())
                                == Some(*pct)
                                && depth_of.get(product_key(pl).as_str()).copied().flatten()
                                    == Some(*pct)
                        })
                })
            })
            .map(str::to_string)
            .collect();
        let in_collections: HashSet<&str> = collections.iter().map(String::as_str).collect();
        let products: Vec<String> = units
            .iter()
            .filter(|u| {
                !u.reaches.iter().any(|l| {
                    l.category_id()
                        .is_some_and(|id| in_collections.contains(id))
                })
            })
            .map(|u| u.key.clone())
            .collect();
        bodies.extend(rule_bodies(
            &c.header.name,
            active,
            *pct,
            window,
            &collections,
            &products,
        ));
    }
    let left_out = units
        .iter()
        .filter(|u| u.depth.is_none())
        .map(|u| u.key.clone())
        .collect();
    DiscountRules {
        bodies,
        warnings,
        left_out,
    }
}

/// The request bodies for one percentage: COLLECTION scopes three at a time, then
/// SPECIFIC_PRODUCTS scopes five at a time, named "<name> - 20% off (1/2)", each active over
/// `window` (first and last day, `active_time_info`).
pub fn rule_bodies(
    name: &str,
    active: bool,
    pct: Decimal,
    window: (NaiveDate, NaiveDate),
    collections: &[String],
    products: &[String],
) -> Vec<Value> {
    let chunks: Vec<(&str, &[String])> = collections
        .chunks(MAX_COLLECTIONS_PER_RULE)
        .map(|c| ("COLLECTION", c))
        .chain(
            products
                .chunks(MAX_PRODUCTS_PER_RULE)
                .map(|c| ("SPECIFIC_PRODUCTS", c)),
        )
        .collect();
    let n = chunks.len();
    chunks
        .into_iter()
        .enumerate()
        .map(|(i, (kind, ids))| {
            let title = if n > 1 {
                format!("{name} - {}% off ({}/{})", plain(pct), i + 1, n)
            } else {
                format!("{name} - {}% off", plain(pct))
            };
            let discounts: Vec<Value> = ids
                .iter()
                .map(|id| {
                    json!({
                        "discount": {"discountType": "PERCENTAGE", "percentage": crate::model::num::to_json_number(pct)},
                        "scope": {"id": id, "type": kind}
                    })
                })
                .collect();
            json!({"discountRule": {
                "name": title,
                "active": active,
                "activeTimeInfo": active_time_info(window.0, window.1),
                "discounts": discounts
            }})
        })
        .collect()
}

/// Rule bodies for a revision's deepened lines, active from `from` (the revision's valid-from
/// day) to `to` (the campaign's end): product scopes per depth, deepest first; collections are
/// not used, since a revision rarely covers a whole category. A product is in one rule only,
/// at the smallest depth among the campaign's running lines of that product (`all`), so a
/// deepened variant never takes a sibling past the sibling's own depth.
pub fn product_rules(
    name: &str,
    active: bool,
    lines: &[&CampaignLine],
    c: &Campaign,
    from: NaiveDate,
    to: NaiveDate,
) -> Vec<Value> {
    // The smallest depth among each product's running lines, in one pass over the campaign.
    let mut running_min: HashMap<String, Decimal> = HashMap::new();
    for o in c.lines.iter().filter(|o| o.ended_on.is_none()) {
        if let Ok(d) = o.discount_pct.parse::<Decimal>() {
            running_min
                .entry(campaign_product_key(o))
                .and_modify(|m| *m = (*m).min(d))
                .or_insert(d);
        }
    }
    let left_out: HashSet<&str> = c.rules_left_out.iter().map(String::as_str).collect();
    let mut depth: BTreeMap<String, Decimal> = BTreeMap::new();
    let mut order: Vec<String> = Vec::new();
    for l in lines {
        let id = campaign_product_key(l);
        // A product `apply` left out of the rules (a rule would reach a line the campaign
        // does not discount) stays out of every later rule.
        if depth.contains_key(&id) || left_out.contains(id.as_str()) {
            continue;
        }
        let own = l.discount_pct.parse::<Decimal>().ok();
        let smallest = match (running_min.get(&id).copied(), own) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        if let Some(d) = smallest {
            depth.insert(id.clone(), d);
            order.push(id);
        }
    }
    let mut by_pct: BTreeMap<Decimal, Vec<String>> = BTreeMap::new();
    for id in order {
        if let Some(d) = depth.get(&id) {
            by_pct.entry(*d).or_default().push(id);
        }
    }
    by_pct
        .iter()
        .rev()
        .flat_map(|(pct, ids)| rule_bodies(name, active, *pct, (from, to), &[], ids))
        .collect()
}

/// One unique coupon code per customer segment.
pub fn coupons(c: &Campaign) -> Vec<[String; 4]> {
    let prefix: String = c
        .slug
        .chars()
        .filter(|ch| ch.is_ascii_alphanumeric())
        .take(8)
        .collect::<String>()
        .to_uppercase();
    c.header
        .segments
        .iter()
        .map(|segment| {
            let mut h = Sha256::new();
            h.update(c.plan_id.as_bytes());
            h.update(c.header.name.as_bytes());
            h.update(segment.as_bytes());
            let tag = crate::io::read::hex(&h.finalize())[..6].to_uppercase();
            [
                segment.clone(),
                format!("CLR-{prefix}-{tag}"),
                c.header.start.to_string(),
                c.header.end.to_string(),
            ]
        })
        .collect()
}

/// Boost weights for search and category listings: 10 for unsold stock, down to 1 at velocity 0.3.
pub fn boosts(c: &Campaign, plan: &Plan) -> Vec<[String; 3]> {
    // The first plan line of each sku and location, as a scan from the top would find.
    let mut by_key: HashMap<(&str, Option<&str>), &PlanLine> = HashMap::new();
    for pl in &plan.lines {
        by_key
            .entry((&*pl.sku, pl.location.as_deref()))
            .or_insert(pl);
    }
    c.lines
        .iter()
        .map(|l| {
            let v = by_key
                .get(&(l.sku.as_str(), l.location.as_deref()))
                .and_then(|pl| pl.velocity_ratio.get())
                .unwrap_or_default();
            let w = Decimal::ONE + Decimal::from(9) * (Decimal::ONE - v / Decimal::new(3, 1));
            let w = w.round().max(Decimal::ONE).min(Decimal::from(10));
            [
                l.sku.clone(),
                l.location.clone().unwrap_or_default(),
                plain(w),
            ]
        })
        .collect()
}

/// The most rows `quotes.csv` holds; past it, whole quotes are left out and a warning says so.
pub const MAX_QUOTE_ROWS: usize = 2_000;

/// Draft quotes (Emporix "prepare sales quotes"): for each customer who bought a campaign sku in
/// the window, one quote listing the campaign lines of the skus they bought (every location of
/// such a sku), at the clearance price. A customer is never offered a line they did not buy.
/// At most `max_rows` rows: customers with the most campaign lines come first, a quote is never
/// cut in two, and the warning says how many customers and rows were left out.
pub fn quotes(
    c: &Campaign,
    purchases: &crate::io::read::sales::Purchases,
    max_rows: usize,
) -> (Vec<[String; 9]>, Option<Warning>) {
    // The campaign lines of each sku (indexes into c.lines), then each customer's.
    let mut by_sku: HashMap<&str, Vec<usize>> = HashMap::new();
    for (i, l) in c.lines.iter().enumerate() {
        by_sku.entry(l.sku.trim()).or_default().push(i);
    }
    let mut wanted: Vec<(&String, Vec<usize>)> = purchases
        .iter()
        .map(|(customer, skus)| {
            let mut lines: Vec<usize> = skus
                .iter()
                .filter_map(|s| by_sku.get(s.trim()))
                .flatten()
                .copied()
                .collect();
            lines.sort_unstable();
            lines.dedup();
            (customer, lines)
        })
        .filter(|(_, lines)| !lines.is_empty())
        .collect();
    let total_rows: usize = wanted.iter().map(|(_, l)| l.len()).sum();
    let total_customers = wanted.len();
    if total_rows > max_rows {
        // The customers who bought the most campaign lines first; then by name.
        wanted.sort_by(|a, b| b.1.len().cmp(&a.1.len()).then_with(|| a.0.cmp(b.0)));
        // Whole quotes in that order until the next one does not fit: no smaller quote of a
        // customer further down jumps the queue.
        let mut used = 0;
        let mut full = false;
        wanted.retain(|(_, lines)| {
            full = full || used + lines.len() > max_rows;
            if !full {
                used += lines.len();
            }
            !full
        });
        wanted.sort_by(|a, b| a.0.cmp(b.0));
    }
    let kept_rows: usize = wanted.iter().map(|(_, l)| l.len()).sum();
    let warning = (kept_rows < total_rows).then(|| Warning {
        file: "quotes.csv".into(),
        sheet: None,
        row: None,
        column: Some("customer".into()),
        message: format!(
            "{total_rows} quote line(s) for {total_customers} customer(s), over the {max_rows}-row limit of quotes.csv: kept the whole quotes of the {} customer(s) who bought the most campaign lines ({kept_rows} line(s)), left out {} customer(s)",
            wanted.len(),
            total_customers - wanted.len()
        ),
    });
    let mut rows = Vec::with_capacity(kept_rows);
    for (n, (customer, lines)) in wanted.iter().enumerate() {
        for l in lines.iter().filter_map(|i| c.lines.get(*i)) {
            rows.push([
                format!("Q-{}-{:04}", c.slug, n + 1),
                (*customer).clone(),
                l.sku.clone(),
                l.location.clone().unwrap_or_default(),
                l.name.clone().unwrap_or_default(),
                l.list_price.clone(),
                l.clearance_price.clone(),
                c.header.end.to_string(),
                "bought this sku".to_string(),
            ]);
        }
    }
    (rows, warning)
}

pub const QUOTE_COLUMNS: [&str; 9] = [
    "quote_id",
    "customer",
    "sku",
    "location",
    "name",
    "list_price",
    "clearance_price",
    "valid_to",
    "why",
];

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use serde_json::json;

    /// One random plan line: (product, location, planned depth or skip reason, included in the
    /// template, campaign depth as a share of the planned one, category, has a product id).
    type Spec = (
        usize,
        usize,
        Option<u32>,
        usize,
        bool,
        u32,
        Option<usize>,
        bool,
    );

    const LOCATIONS: [Option<&str>; 3] = [None, Some("W1"), Some("W2")];
    const REASONS: [&str; 4] = ["no_stock", "not_slow", "excluded", "margin_floor"];

    fn plan_of(specs: &[Spec]) -> Plan {
        let lines: Vec<Value> = specs
            .iter()
            .enumerate()
            .map(
                |(i, &(product, loc, depth, reason, _, _, category, has_id))| {
                    json!({
                        "sku": format!("S{i}"),
                        "location": LOCATIONS[loc % 3],
                        "status": if depth.is_some() { "planned" } else { "skipped" },
                        "discount_pct": depth,
                        "reason": if depth.is_some() { None } else { Some(REASONS[reason % 4]) },
                        "price": "100.00",
                        "flags": [],
                        "why": "",
                        "product_id": has_id.then(|| format!("P{product}")),
                        "category_id": category.map(|c| format!("C{c}")),
                    })
                },
            )
            .collect();
        serde_json::from_value(json!({
            "schema": "clearance.plan/v1", "plan_id": "p", "generated_at": "", "as_of": "2026-11-20",
            "policy": {"min_margin_pct": 15, "cap_pct": 40, "step_pct": 1, "min_discount_pct": 5,
                "margin_rule": "points", "window_days": 90, "cap_overridden": false,
                "no_cost_cap_pct": 15, "basis": "units", "price_endings": [], "excluded_skus": [],
                "excluded_categories": [], "allow_below_floor": false},
            "campaign": {"name": "c", "owner": null, "start": "", "end": "", "regions": [], "status": "draft"},
            "inputs": [], "warnings": [],
            "summary": {"lines": 0, "planned": 0, "skipped": 0, "avg_discount_pct": 0,
                "by_class": {}, "skipped_by_reason": {}},
            "lines": lines
        }))
        .expect("a plan")
    }

    /// The campaign of the planned, included lines, each at a depth up to its planned one.
    fn campaign_of(plan: &Plan, specs: &[Spec]) -> Campaign {
        let lines: Vec<Value> = plan
            .lines
            .iter()
            .zip(specs)
            .filter_map(|(l, s)| {
                let planned = l.discount_pct()?;
                if !s.4 {
                    return None;
                }
                let depth = (planned * Decimal::from(s.5) / Decimal::from(100)).ceil();
                Some(json!({
                    "sku": l.sku.as_str(), "location": l.location.as_deref(), "product_id": l.product_id(),
                    "category_id": l.category_id(), "list_price": "100.00",
                    "discount_pct": plain(depth.max(Decimal::ONE)), "clearance_price": "80.00",
                    "template_row": 2,
                }))
            })
            .collect();
        serde_json::from_value(json!({
            "schema": CAMPAIGN_SCHEMA, "name": "Winter", "owner": null, "start": "2026-12-01",
            "end": "2026-12-31", "first_delivery_till": null, "regions": [], "segments": [],
            "notes": null, "slug": "winter", "plan_id": "p", "status": "approved",
            "approved_by": null, "approved_at": null, "created_at": "", "lines": lines,
            "warnings": []
        }))
        .expect("a campaign")
    }

    fn spec() -> impl Strategy<Value = Spec> {
        (
            0usize..4,
            0usize..3,
            proptest::option::weighted(0.75, 5u32..40),
            0usize..4,
            proptest::bool::weighted(0.85),
            1u32..=100,
            proptest::option::of(0usize..3),
            proptest::bool::weighted(0.9),
        )
    }

    proptest! {
        /// Cap and floor hold on every line a rule reaches: each is planned, in the campaign,
        /// and its planned and campaign depths are at least the rule's; a product reaching an
        /// undiscounted line (with stock) is in no rule, and no product is in two.
        #[test]
        fn a_rule_never_takes_a_line_past_its_depth(specs in proptest::collection::vec(spec(), 1..14)) {
            let plan = plan_of(&specs);
            let c = campaign_of(&plan, &specs);
            let in_campaign: HashMap<(&str, Option<&str>), Decimal> = c
                .lines
                .iter()
                .map(|l| ((l.sku.as_str(), l.location.as_deref()), l.discount_pct.parse().expect("pct")))
                .collect();
            let rules = discount_rules(&c, &plan);
            // A product may sit in two collection scopes of one percentage (Wix applies a rule
            // once per item); never at two percentages.
            let mut times: HashMap<String, BTreeSet<Decimal>> = HashMap::new();
            for body in &rules.bodies {
                let rule = &body["discountRule"];
                prop_assert_eq!(&rule["activeTimeInfo"]["start"], "2026-12-01T00:00:00Z");
                prop_assert_eq!(&rule["activeTimeInfo"]["end"], "2026-12-31T23:59:59Z");
                for d in rule["discounts"].as_array().expect("discounts") {
                    let pct: Decimal = d["discount"]["percentage"].to_string().parse().expect("pct");
                    let id = d["scope"]["id"].as_str().expect("id");
                    // the products the scope reaches
                    let products: BTreeSet<String> = match d["scope"]["type"].as_str() {
                        Some("SPECIFIC_PRODUCTS") => BTreeSet::from([id.to_string()]),
                        _ => plan
                            .lines
                            .iter()
                            .filter(|l| l.category_id() == Some(id))
                            .map(product_key)
                            .collect(),
                    };
                    for p in products {
                        times.entry(p.clone()).or_default().insert(pct);
                        for l in plan.lines.iter().filter(|l| product_key(l) == p) {
                            if l.reason == Some(crate::model::Reason::NoStock) {
                                continue;
                            }
                            let at = in_campaign.get(&(&*l.sku, l.location.as_deref()));
                            prop_assert!(at.is_some(), "{} reaches {} not in the campaign", id, l.key());
                            prop_assert!(at.is_some_and(|a| *a >= pct), "{}% on {}", pct, l.key());
                            prop_assert!(l.discount_pct().is_some_and(|planned| planned >= pct), "{}% on {}", pct, l.key());
                        }
                    }
                }
            }
            for (p, pcts) in &times {
                prop_assert_eq!(pcts.len(), 1, "product {} at {:?}", p, pcts);
            }
            // every product whose lines are all discounted (or without stock) is in a rule
            let mut all_in: HashMap<String, bool> = HashMap::new();
            for l in &plan.lines {
                let ok = l.reason == Some(crate::model::Reason::NoStock)
                    || in_campaign.contains_key(&(&*l.sku, l.location.as_deref()));
                let e = all_in.entry(product_key(l)).or_insert(true);
                *e = *e && ok;
            }
            for l in &c.lines {
                let p = campaign_product_key(l);
                if all_in.get(&p) == Some(&true) {
                    prop_assert!(times.contains_key(&p), "product {} is in no rule", p);
                } else {
                    prop_assert!(!times.contains_key(&p), "product {} reaches an undiscounted line", p);
                    prop_assert!(rules.warnings.iter().any(|w| w.message.contains(&p)), "no warning names {}", p);
                }
            }
        }
    }

    #[test]
    fn revision_rules_run_from_the_valid_from_day_to_the_end_at_the_smallest_sibling_depth() {
        let plan = plan_of(&[
            (0, 0, Some(30), 0, true, 100, None, true),
            (0, 0, Some(20), 0, true, 100, None, true),
        ]);
        let c = campaign_of(
            &plan,
            &[
                (0, 0, Some(30), 0, true, 100, None, true),
                (0, 0, Some(20), 0, true, 100, None, true),
            ],
        );
        let deepened = [&c.lines[0]];
        let d = |s: &str| s.parse::<NaiveDate>().expect("date");
        let rules = product_rules(
            "W (revision 2)",
            true,
            &deepened,
            &c,
            d("2026-12-08"),
            d("2026-12-31"),
        );
        assert_eq!(rules.len(), 1);
        let rule = &rules[0]["discountRule"];
        assert_eq!(rule["activeTimeInfo"]["start"], "2026-12-08T00:00:00Z");
        assert_eq!(rule["activeTimeInfo"]["end"], "2026-12-31T23:59:59Z");
        assert_eq!(rule["discounts"][0]["discount"]["percentage"], 20);
        assert_eq!(rule["discounts"][0]["scope"]["id"], "P0");
    }

    #[test]
    fn quotes_keep_whole_quotes_of_the_biggest_buyers_under_the_cap() {
        let specs: Vec<Spec> = (0..3)
            .map(|_| (0, 0, Some(20), 0, true, 100, None, true))
            .collect();
        let c = campaign_of(&plan_of(&specs), &specs);
        let bought = |skus: &[&str]| skus.iter().map(|s| s.to_string()).collect();
        let purchases: crate::io::read::sales::Purchases = [
            ("Ann".to_string(), bought(&["S0", "OTHER"])),
            ("Bo".to_string(), bought(&["S0", "S1", "S2"])),
            ("Cy".to_string(), bought(&["S1", "S2"])),
            ("Di".to_string(), bought(&["OTHER"])),
        ]
        .into_iter()
        .collect();
        let (rows, warning) = quotes(&c, &purchases, 100);
        assert!(warning.is_none());
        let pairs: Vec<(&str, &str)> = rows.iter().map(|r| (&*r[1], &*r[2])).collect();
        assert_eq!(
            pairs,
            [
                ("Ann", "S0"),
                ("Bo", "S0"),
                ("Bo", "S1"),
                ("Bo", "S2"),
                ("Cy", "S1"),
                ("Cy", "S2")
            ]
        );
        assert_eq!(rows[0][0], "Q-winter-0001");
        assert_eq!(rows[5][0], "Q-winter-0003");

        let (rows, warning) = quotes(&c, &purchases, 5);
        let customers: Vec<&str> = rows.iter().map(|r| &*r[1]).collect();
        assert_eq!(customers, ["Bo", "Bo", "Bo", "Cy", "Cy"]);
        assert_eq!(
            warning.map(|w| w.message).as_deref(),
            Some(
                "6 quote line(s) for 3 customer(s), over the 5-row limit of quotes.csv: kept the whole quotes of the 2 customer(s) who bought the most campaign lines (5 line(s)), left out 1 customer(s)"
            )
        );
    }
}
