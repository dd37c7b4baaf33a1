//! The plan: the machine contract of `plan.json` (schema `clearance.plan/v1`, SPEC section 4).
//! Field order here is the order in the file.

use super::OptDecimal;
use super::Warning;
use super::num::{de_dec, de_opt_dec, ser_num, ser_opt_float, ser_opt_money, ser_opt_num};
use super::{SharedNames, SharedStr};
use compact_str::CompactString;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use std::borrow::Cow;
use std::sync::Arc;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Class {
    Severe,
    Moderate,
    Balanced,
    Fast,
}

impl Class {
    pub fn as_str(self) -> &'static str {
        match self {
            Class::Severe => "severe",
            Class::Moderate => "moderate",
            Class::Balanced => "balanced",
            Class::Fast => "fast",
        }
    }
    pub fn is_slow(self) -> bool {
        matches!(self, Class::Severe | Class::Moderate)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LineStatus {
    Planned,
    Skipped,
}

/// Why a line was skipped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Reason {
    NoStock,
    BadPrice,
    BadData,
    Untracked,
    Excluded,
    NotSlow,
    MarginFloor,
    Stacking,
    BelowMinDiscount,
    /// Target mode: the line is projected to reach the target at today's price.
    TargetMetWithoutDiscount,
    /// The minimum advertised price leaves no room (or less than the minimum discount).
    MinPrice,
    /// `--min-age`: the stock was received more recently than that.
    TooNew,
    /// `--budget`: its projected markdown cost did not fit in what was left of the budget.
    OverBudget,
}

impl Reason {
    pub fn as_str(self) -> &'static str {
        match self {
            Reason::NoStock => "no_stock",
            Reason::BadPrice => "bad_price",
            Reason::BadData => "bad_data",
            Reason::Untracked => "untracked",
            Reason::Excluded => "excluded",
            Reason::NotSlow => "not_slow",
            Reason::MarginFloor => "margin_floor",
            Reason::Stacking => "stacking",
            Reason::BelowMinDiscount => "below_min_discount",
            Reason::MinPrice => "min_price",
            Reason::TooNew => "too_new",
            Reason::OverBudget => "over_budget",
            Reason::TargetMetWithoutDiscount => "target_met_without_discount",
        }
    }
    /// Skipped lines a person must look at (they go to the Skipped sheet of plan.xlsx).
    pub fn needs_attention(self) -> bool {
        matches!(
            self,
            Reason::MarginFloor
                | Reason::Stacking
                | Reason::BadData
                | Reason::BelowMinDiscount
                | Reason::MinPrice
                | Reason::Excluded
                | Reason::OverBudget
        )
    }
}

/// The smallest of the limits on a discount (rule 7).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BindingLimit {
    Tier,
    Cap,
    MarginFloor,
    Stacking,
    Request,
    /// Target mode: the smallest step projected to reach the target.
    Target,
    /// The line's minimum advertised price (a `min_price` column).
    MinPrice,
}

impl BindingLimit {
    pub fn as_str(self) -> &'static str {
        match self {
            BindingLimit::Tier => "tier",
            BindingLimit::Cap => "cap",
            BindingLimit::MarginFloor => "margin_floor",
            BindingLimit::Stacking => "stacking",
            BindingLimit::Request => "request",
            BindingLimit::Target => "target",
            BindingLimit::MinPrice => "min_price",
        }
    }
}

/// One catalog line with the planner's verdict. plan.json writes it as `Wire` (the schema, field
/// by field); here the fields most lines leave empty live in one boxed `LineExtra`, and the
/// discount decision's fields in one boxed `Decision`, each allocated only for the lines that
/// have one of them (read them with the methods of the same name).
#[derive(Debug, Clone)]
pub struct PlanLine {
    /// Product or variant identifier.
    /// Sku and name are `CompactString`s: up to 24 bytes held in the line itself, without an
    /// allocation of their own.
    pub sku: CompactString,
    pub name: Option<CompactString>,
    /// Shared by the lines of a category: one copy per name, made as the catalog is read and
    /// taken over from the catalog line (`SharedStr`).
    pub category: Option<SharedStr>,
    /// Warehouse, shop or region code; null in a single-location catalog. Shared as the
    /// category is: a chain's million lines name a few hundred stores.
    pub location: Option<SharedStr>,
    /// Units on hand (null when stock is not tracked or unreadable).
    pub quantity: OptDecimal,
    /// Units (or orders, with `--basis orders`) sold in the window.
    pub sold: OptDecimal,
    /// sold / quantity, rounded to 4 decimals for display (the rules use the exact value).
    pub velocity_ratio: OptDecimal,
    /// Velocity class; null when the line was skipped before classification.
    pub class: Option<Class>,
    pub status: LineStatus,
    pub price: OptDecimal,
    pub cost: OptDecimal,
    /// Margin at the current price, percent, 2 decimals.
    pub margin_pct: OptDecimal,
    /// The last day it sold, when dated sales files were given.
    pub last_sale: Option<chrono::NaiveDate>,
    /// `no_cost_data`, `stacked`, `cost_above_price`, `below_floor_allowed`, `live_markdown`,
    /// and in target mode `target_not_reached`, in the order they were raised.
    pub flags: Flags,
    pub reason: Option<Reason>,
    /// One sentence naming velocity, tier and margin floor (planned lines), or why it was skipped:
    /// read it with `why()`, set it with `set_why(..)`. After `share_why` only the part after the
    /// opening its fields give is kept (`why_after_opening`), shared between lines (`model::why`).
    pub(crate) why_text: Arc<str>,
    pub(crate) why_after_opening: bool,
    /// Source row (not serialised; used for data-issue listings).
    pub row: u32,
    /// Capital tied up: quantity × cost, or quantity × price without cost (ranking rule 9);
    /// read it with `capital()`. Zero in a plan read back from plan.json.
    pub capital: OptDecimal,
    /// The demand model's view of a planned line, when the model runs (`--exit`, `--what-if`):
    /// plan.json writes it as `what_if`, with the figures by depth (`rules::what_if`, written by
    /// hand in io/write/json.rs). Read back, only `rate` and `elasticity` are kept.
    pub model: Option<Box<LineModel>>,
    /// The fields most lines leave empty; `None` when all of them are. Read and set them with
    /// the methods of their names (`live_price()`, `set_live_price(..)`, `set_extras(..)`).
    pub extra: Option<Box<LineExtra>>,
    /// The discount decision's fields (tier, planned and deepest discount, clearance price,
    /// margin after, projections): `None` for the lines the rules skip before deciding a
    /// discount (most of a catalog: not slow, no stock). Read and set them with the methods of
    /// their names (`discount_pct()`, `set_discount_pct(..)`).
    pub(crate) decision: Option<Box<Decision>>,
    /// The decision's binding limit, kept here (in what would be the line's padding) so the
    /// decision fits 56 bytes: `binding_limit()`, `set_binding_limit(..)`.
    pub(crate) binding_limit: Option<BindingLimit>,
}

/// Rule 2: `v = sold / quantity`; no sales at all is 0. `quantity` must be positive.
pub fn velocity(sold: Decimal, quantity: Decimal) -> Decimal {
    if sold <= Decimal::ZERO || quantity <= Decimal::ZERO {
        return Decimal::ZERO;
    }
    sold.checked_div(quantity).unwrap_or(Decimal::MAX)
}

/// The fields of a plan line that only a line with a discount decision has: every line that gets
/// past the tier (rule 4), planned or skipped at the decision (margin floor, stacking, minimum
/// discount or price, a price too small for its currency's minor unit, target met, over
/// budget). One allocation for those lines (56 bytes, 64 with the allocator's), none for the
/// others (see `PlanLine`): a catalog where nearly every line is slow takes a little more
/// memory than with the fields in the line (248 bytes a decided line against 240), most
/// catalogs much less (184 bytes a line not decided).
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Decision {
    /// The exact tier discount, rounded to 2 decimals.
    tier_discount_pct: OptDecimal,
    /// The planned discount; null when skipped.
    discount_pct: OptDecimal,
    /// The deepest discount cap, floor and stacking allow, floored to the step.
    max_discount_pct: OptDecimal,
    clearance_price: OptDecimal,
    /// Margin at the price the customer finally pays, percent, 2 decimals.
    margin_after_pct: OptDecimal,
    /// Units expected to sell during the campaign at the window's pace (planned lines).
    projected_units_sold: OptDecimal,
    /// Stock expected to be left when the campaign ends (planned lines).
    stock_left_at_end: OptDecimal,
}

impl Decision {
    fn is_empty(&self) -> bool {
        *self == Decision::default()
    }
}

/// The fields of a plan line that most lines leave empty (one allocation for the lines that
/// have any of them; see `PlanLine`).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct LineExtra {
    /// The deepest existing discount covering the line (rule 6) or its live markdown.
    pub existing_discount_pct: OptDecimal,
    /// Target mode only: the share of the stock on hand projected to sell by the exit date at
    /// the planned discount (at today's price for a slow line not discounted), percent, 1 decimal.
    pub projected_sellthrough_pct: OptDecimal,
    /// `--budget` only: the markdown the line's planned discount gives away over the horizon
    /// (projected units × (price today − clearance price)), in its currency's minor unit; also
    /// on lines skipped as `over_budget`.
    pub projected_markdown_cost: OptDecimal,
    /// The platform ids, carried for discount-rule payloads.
    pub product_id: Option<String>,
    pub category_id: Option<String>,
    pub currency: Option<String>,
    /// The price the customer pays today under a markdown the shop already runs (live on the
    /// as-of date); `price` is then the regular price, and the markdown counts as an existing
    /// discount (`existing_discount_pct`, flag `stacked`). Absent when no markdown is live.
    pub live_price: OptDecimal,
    /// The line's minimum advertised price (a `min_price` column), when it has one: `review`
    /// and the template never go below it. Absent without a MAP.
    pub min_price: OptDecimal,
    /// The platform export's own columns for this line, verbatim (platform catalogs only):
    /// what `apply --platform` needs to write the import and revert files.
    pub export: Option<Box<super::ExportRow>>,
}

impl LineExtra {
    fn is_empty(&self) -> bool {
        *self == LineExtra::default()
    }
}

/// A getter and a setter for each field of `LineExtra`; setting `None` on a line without
/// extras allocates nothing.
macro_rules! extra_fields {
    ($($name:ident, $set:ident: $t:ty;)*) => {
        impl PlanLine {
            $(
                pub fn $name(&self) -> Option<$t> {
                    self.extra.as_ref().and_then(|e| e.$name.get())
                }
                pub fn $set(&mut self, v: Option<$t>) {
                    match (&mut self.extra, v) {
                        (Some(e), v) => e.$name = v.into(),
                        (None, None) => {}
                        (None, v) => self.extra_mut().$name = v.into(),
                    }
                }
            )*
        }
    };
}

extra_fields! {
    existing_discount_pct, set_existing_discount_pct: Decimal;
    projected_sellthrough_pct, set_projected_sellthrough_pct: Decimal;
    projected_markdown_cost, set_projected_markdown_cost: Decimal;
    live_price, set_live_price: Decimal;
    min_price, set_min_price: Decimal;
}

/// A getter and a setter for each field of `Decision`; setting `None` on a line without a
/// decision allocates nothing.
macro_rules! decision_fields {
    ($($(#[$doc:meta])* $name:ident, $set:ident;)*) => {
        impl PlanLine {
            $(
                $(#[$doc])*
                pub fn $name(&self) -> Option<Decimal> {
                    self.decision.as_ref().and_then(|d| d.$name.get())
                }
                #[doc = concat!("Sets `", stringify!($name), "`; `None` on a line without a decision allocates nothing.")]
                pub fn $set(&mut self, v: Option<Decimal>) {
                    match (&mut self.decision, v) {
                        (Some(d), v) => d.$name = v.into(),
                        (None, None) => {}
                        (None, v) => self.decision_mut().$name = v.into(),
                    }
                }
            )*
        }
    };
}

decision_fields! {
    /// The exact tier discount, rounded to 2 decimals.
    tier_discount_pct, set_tier_discount_pct;
    /// The planned discount; null when skipped.
    discount_pct, set_discount_pct;
    /// The deepest discount cap, floor and stacking allow, floored to the step.
    max_discount_pct, set_max_discount_pct;
    /// The price after the planned discount (rounded down, price endings).
    clearance_price, set_clearance_price;
    /// Margin at the price the customer finally pays, percent, 2 decimals.
    margin_after_pct, set_margin_after_pct;
    /// Units expected to sell during the campaign at the window's pace (planned lines).
    projected_units_sold, set_projected_units_sold;
    /// Stock expected to be left when the campaign ends (planned lines).
    stock_left_at_end, set_stock_left_at_end;
}

impl PlanLine {
    /// The smallest of the limits on the discount (rule 7), once decided.
    pub fn binding_limit(&self) -> Option<BindingLimit> {
        self.binding_limit
    }

    /// Sets the binding limit (held in the line: a line without a decision allocates nothing).
    pub fn set_binding_limit(&mut self, v: Option<BindingLimit>) {
        self.binding_limit = v;
    }

    /// The decision's fields, allocated on first use.
    fn decision_mut(&mut self) -> &mut Decision {
        self.decision.get_or_insert_with(Box::default)
    }

    /// The exact velocity ratio, `velocity(sold, quantity)` (rule 2): the ranking and the why
    /// use it, the files the rounded `velocity_ratio`. `None` when the line has no ratio (skipped
    /// before rule 2, or stock not tracked). Worked out again rather than held: a quotient has up
    /// to 28 digits, too long for the line's 8-byte figures.
    pub fn velocity(&self) -> Option<Decimal> {
        self.velocity_ratio.get()?;
        Some(velocity(
            self.sold.get().unwrap_or(Decimal::ZERO),
            self.quantity.get().unwrap_or(Decimal::ZERO),
        ))
    }

    /// Capital tied up (`capital`): zero when not worked out (a plan read back).
    pub fn capital(&self) -> Decimal {
        self.capital.get().unwrap_or(Decimal::ZERO)
    }

    /// The why sentence.
    pub fn why(&self) -> Cow<'_, str> {
        if !self.why_after_opening {
            return Cow::Borrowed(&self.why_text);
        }
        let mut bytes = Vec::with_capacity(96 + self.why_text.len());
        let rest = self.why_parts(&mut bytes);
        bytes.extend_from_slice(rest.as_bytes());
        // An ASCII opening and a `str`: valid UTF-8 whole.
        Cow::Owned(
            String::from_utf8(bytes)
                .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned()),
        )
    }

    /// The why sentence in two parts, without building it: appends the opening its fields give
    /// to `out` (ASCII bytes with nothing to escape; nothing when the sentence is kept whole)
    /// and returns the rest. The writers that print a million whys use it (`why()` allocates).
    pub fn why_parts<'a>(&'a self, out: &mut Vec<u8>) -> &'a str {
        if self.why_after_opening {
            self.push_opening_bytes(out);
        }
        &self.why_text
    }

    /// Sets the whole why sentence.
    pub fn set_why(&mut self, why: impl Into<Arc<str>>) {
        self.why_text = why.into();
        self.why_after_opening = false;
    }

    /// Keeps only the part of the why after the opening the line's fields give (when it opens
    /// so), shared through `interner` with the other lines whose rest is the same. Call it once
    /// the line's sold, quantity, velocity and class are final: `build_lines` does, right after
    /// deciding each line; `why()` writes the opening again from them.
    pub fn share_why(&mut self, interner: &mut super::why::WhyInterner) {
        if self.why_after_opening {
            return;
        }
        let mut opening = Vec::with_capacity(96);
        self.push_opening_bytes(&mut opening);
        // The opening is ASCII: where it ends is a character boundary of the sentence.
        let rest = self
            .why_text
            .as_bytes()
            .starts_with(&opening)
            .then(|| &self.why_text[opening.len()..]);
        self.why_after_opening = rest.is_some();
        let text = interner.share(rest.unwrap_or(&self.why_text));
        self.why_text = text;
    }

    fn push_opening_bytes(&self, out: &mut Vec<u8>) {
        super::why::push_opening_bytes(
            out,
            self.sold.get().unwrap_or(Decimal::ZERO),
            self.quantity.get(),
            self.opening_velocity(),
            self.class,
        );
    }

    /// The velocity for the why's opening, which shows it cut to 2 decimals: the stored ratio
    /// (the exact one rounded to 4, so within 0.00005 of it) cuts to the same hundredths unless
    /// it is itself a whole number of hundredths, which the exact value may fall just short of;
    /// only then is the exact value worked out (a division, each time a plan file writes the
    /// line). `share_why` checks the opening against the rules' sentence either way.
    fn opening_velocity(&self) -> Option<Decimal> {
        let ratio = self.velocity_ratio.get()?;
        let scale = ratio.scale();
        if (3..=4).contains(&scale)
            && u64::try_from(ratio.mantissa()).is_ok_and(|m| m % 10u64.pow(scale - 2) != 0)
        {
            return Some(ratio);
        }
        self.velocity()
    }

    /// A line with the fields of `extra` (`None` when they are all empty) and every other
    /// field given.
    pub fn extras(&self) -> Option<&LineExtra> {
        self.extra.as_deref()
    }

    /// The extra fields, allocated on first use.
    pub fn extra_mut(&mut self) -> &mut LineExtra {
        self.extra.get_or_insert_with(Box::default)
    }

    /// Sets all the extra fields at once (none allocated when all are empty).
    pub fn set_extras(&mut self, extra: LineExtra) {
        self.extra = (!extra.is_empty()).then(|| Box::new(extra));
    }

    pub fn product_id(&self) -> Option<&str> {
        self.extra.as_ref()?.product_id.as_deref()
    }
    pub fn category_id(&self) -> Option<&str> {
        self.extra.as_ref()?.category_id.as_deref()
    }
    pub fn currency(&self) -> Option<&str> {
        self.extra.as_ref()?.currency.as_deref()
    }
    pub fn export(&self) -> Option<&super::ExportRow> {
        self.extra.as_ref()?.export.as_deref()
    }

    fn wire<'a>(&'a self, why: &'a str) -> Wire<&'a str, &'a super::ExportRow, ()> {
        Wire {
            sku: &self.sku,
            name: self.name.as_deref(),
            category: self.category.as_deref(),
            location: self.location.as_deref(),
            quantity: self.quantity.get(),
            sold: self.sold.get(),
            velocity_ratio: self.velocity_ratio.get(),
            class: self.class,
            status: self.status,
            tier_discount_pct: self.tier_discount_pct(),
            discount_pct: self.discount_pct(),
            max_discount_pct: self.max_discount_pct(),
            binding_limit: self.binding_limit(),
            price: self.price.get(),
            cost: self.cost.get(),
            clearance_price: self.clearance_price(),
            margin_pct: self.margin_pct.get(),
            margin_after_pct: self.margin_after_pct(),
            existing_discount_pct: self.existing_discount_pct(),
            projected_units_sold: self.projected_units_sold(),
            stock_left_at_end: self.stock_left_at_end(),
            projected_sellthrough_pct: self.projected_sellthrough_pct(),
            projected_markdown_cost: self.projected_markdown_cost(),
            last_sale: self.last_sale,
            flags: self.flags,
            reason: self.reason,
            why,
            product_id: self.product_id(),
            category_id: self.category_id(),
            currency: self.currency(),
            live_price: self.live_price(),
            min_price: self.min_price(),
            export: self.export(),
            model: None,
        }
    }
}

impl Serialize for PlanLine {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.wire(&self.why()).serialize(s)
    }
}

thread_local! {
    /// One copy of each category and of each location name for the plan lines read back on
    /// this thread (plan.json read by review, report, ...): the deserializer has no reader to
    /// keep them in. At most 65,536 names each (`SharedNames`), kept until the thread ends.
    static READ_NAMES: std::cell::RefCell<(SharedNames, SharedNames)> =
        std::cell::RefCell::default();
}

impl<'de> Deserialize<'de> for PlanLine {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let w = Wire::<String, Box<super::ExportRow>, Box<LineModel>>::deserialize(d)?;
        let decision = Decision {
            tier_discount_pct: w.tier_discount_pct.into(),
            discount_pct: w.discount_pct.into(),
            max_discount_pct: w.max_discount_pct.into(),
            clearance_price: w.clearance_price.into(),
            margin_after_pct: w.margin_after_pct.into(),
            projected_units_sold: w.projected_units_sold.into(),
            stock_left_at_end: w.stock_left_at_end.into(),
        };
        let (category, location) = READ_NAMES.with_borrow_mut(|(categories, locations)| {
            (
                w.category.as_deref().map(|c| categories.get(c)),
                w.location.as_deref().map(|l| locations.get(l)),
            )
        });
        let mut line = PlanLine {
            sku: CompactString::new(&w.sku),
            name: w.name.as_deref().map(CompactString::new),
            category,
            location,
            quantity: w.quantity.into(),
            sold: w.sold.into(),
            velocity_ratio: w.velocity_ratio.into(),
            class: w.class,
            status: w.status,
            price: w.price.into(),
            cost: w.cost.into(),
            margin_pct: w.margin_pct.into(),
            last_sale: w.last_sale,
            flags: w.flags,
            reason: w.reason,
            why_text: w.why.into(),
            why_after_opening: false,
            row: 0,
            capital: OptDecimal::NONE,
            model: w.model,
            extra: None,
            decision: (!decision.is_empty()).then(|| Box::new(decision)),
            binding_limit: w.binding_limit,
        };
        line.set_extras(LineExtra {
            existing_discount_pct: w.existing_discount_pct.into(),
            projected_sellthrough_pct: w.projected_sellthrough_pct.into(),
            projected_markdown_cost: w.projected_markdown_cost.into(),
            product_id: w.product_id,
            category_id: w.category_id,
            currency: w.currency,
            live_price: w.live_price.into(),
            min_price: w.min_price.into(),
            export: w.export,
        });
        Ok(line)
    }
}

/// `PlanLine` as plan.json writes it, field for field in the file's order: serialised from
/// borrowed parts (`S` = `&str`), read back into owned ones (`S` = `String`).
#[derive(Serialize, Deserialize)]
struct Wire<S, X, M> {
    /// Product or variant identifier.
    sku: S,
    name: Option<S>,
    category: Option<S>,
    /// Warehouse, shop or region code; null in a single-location catalog.
    location: Option<S>,
    /// Units on hand (null when stock is not tracked or unreadable).
    #[serde(
        serialize_with = "ser_opt_num",
        deserialize_with = "de_opt_dec",
        default
    )]
    quantity: Option<Decimal>,
    /// Units (or orders, with `--basis orders`) sold in the window.
    #[serde(
        serialize_with = "ser_opt_num",
        deserialize_with = "de_opt_dec",
        default
    )]
    sold: Option<Decimal>,
    /// sold / quantity, rounded to 4 decimals for display (the rules use the exact value).
    #[serde(
        serialize_with = "ser_opt_float",
        deserialize_with = "de_opt_dec",
        default
    )]
    velocity_ratio: Option<Decimal>,
    /// Velocity class; null when the line was skipped before classification.
    class: Option<Class>,
    status: LineStatus,
    /// The exact tier discount, rounded to 2 decimals.
    #[serde(
        serialize_with = "ser_opt_num",
        deserialize_with = "de_opt_dec",
        default
    )]
    tier_discount_pct: Option<Decimal>,
    /// The planned discount; null when skipped.
    #[serde(
        serialize_with = "ser_opt_num",
        deserialize_with = "de_opt_dec",
        default
    )]
    discount_pct: Option<Decimal>,
    /// The deepest discount cap, floor and stacking allow, floored to the step.
    #[serde(
        serialize_with = "ser_opt_num",
        deserialize_with = "de_opt_dec",
        default
    )]
    max_discount_pct: Option<Decimal>,
    binding_limit: Option<BindingLimit>,
    #[serde(
        serialize_with = "ser_opt_money",
        deserialize_with = "de_opt_dec",
        default
    )]
    price: Option<Decimal>,
    #[serde(
        serialize_with = "ser_opt_money",
        deserialize_with = "de_opt_dec",
        default
    )]
    cost: Option<Decimal>,
    #[serde(
        serialize_with = "ser_opt_money",
        deserialize_with = "de_opt_dec",
        default
    )]
    clearance_price: Option<Decimal>,
    /// Margin at the current price, percent, 2 decimals.
    #[serde(
        serialize_with = "ser_opt_float",
        deserialize_with = "de_opt_dec",
        default
    )]
    margin_pct: Option<Decimal>,
    /// Margin at the price the customer finally pays, percent, 2 decimals.
    #[serde(
        serialize_with = "ser_opt_float",
        deserialize_with = "de_opt_dec",
        default
    )]
    margin_after_pct: Option<Decimal>,
    #[serde(
        serialize_with = "ser_opt_num",
        deserialize_with = "de_opt_dec",
        default
    )]
    existing_discount_pct: Option<Decimal>,
    /// Units expected to sell during the campaign at the window's pace (planned lines).
    #[serde(
        serialize_with = "ser_opt_num",
        deserialize_with = "de_opt_dec",
        default
    )]
    projected_units_sold: Option<Decimal>,
    /// Stock expected to be left when the campaign ends (planned lines).
    #[serde(
        serialize_with = "ser_opt_num",
        deserialize_with = "de_opt_dec",
        default
    )]
    stock_left_at_end: Option<Decimal>,
    /// Target mode only: the share of the stock on hand projected to sell by the exit date at
    /// the planned discount (at today's price for a slow line not discounted), percent, 1 decimal.
    #[serde(
        serialize_with = "ser_opt_float",
        deserialize_with = "de_opt_dec",
        skip_serializing_if = "Option::is_none",
        default
    )]
    projected_sellthrough_pct: Option<Decimal>,
    /// `--budget` only: the markdown the line's planned discount gives away over the horizon
    /// (projected units × (price today − clearance price)), in its currency's minor unit; also
    /// on lines skipped as `over_budget`.
    #[serde(
        serialize_with = "ser_opt_money",
        deserialize_with = "de_opt_dec",
        skip_serializing_if = "Option::is_none",
        default
    )]
    projected_markdown_cost: Option<Decimal>,
    /// The last day it sold, when dated sales files were given.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    last_sale: Option<chrono::NaiveDate>,
    /// `no_cost_data`, `stacked`, `cost_above_price`, `below_floor_allowed`, `live_markdown`,
    /// and in target mode `target_not_reached`, in the order they were raised.
    flags: Flags,
    reason: Option<Reason>,
    /// One sentence naming velocity, tier and margin floor (planned lines), or why it was skipped.
    /// A boxed `str`: no spare capacity held for each of a million lines.
    why: S,
    /// The platform ids, carried for discount-rule payloads.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    product_id: Option<S>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    category_id: Option<S>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    currency: Option<S>,
    /// The price the customer pays today under a markdown the shop already runs (live on the
    /// as-of date); `price` is then the regular price, and the markdown counts as an existing
    /// discount (`existing_discount_pct`, flag `stacked`). Absent when no markdown is live.
    #[serde(
        serialize_with = "ser_opt_money",
        deserialize_with = "de_opt_dec",
        skip_serializing_if = "Option::is_none",
        default
    )]
    live_price: Option<Decimal>,
    /// The line's minimum advertised price (a `min_price` column), when it has one: `review`
    /// and the template never go below it. Absent without a MAP.
    #[serde(
        serialize_with = "ser_opt_money",
        deserialize_with = "de_opt_dec",
        skip_serializing_if = "Option::is_none",
        default
    )]
    min_price: Option<Decimal>,
    /// The platform export's own columns for this line, verbatim (platform catalogs only):
    /// what `apply --platform` needs to write the import and revert files.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    export: Option<X>,
    /// The demand model's view of a planned line, when the model runs (`--exit`, `--what-if`):
    /// plan.json writes it as `what_if`, with the figures by depth (`rules::what_if`, written by
    /// hand in io/write/json.rs). Read back, only `rate` and `elasticity` are kept.
    #[serde(rename = "what_if", skip_serializing, default)]
    model: Option<M>,
}

/// One flag of a plan line (`PlanLine::flags`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flag {
    NoCostData,
    Stacked,
    CostAbovePrice,
    BelowFloorAllowed,
    LiveMarkdown,
    TargetNotReached,
}

impl Flag {
    const ALL: [Flag; 6] = [
        Flag::NoCostData,
        Flag::Stacked,
        Flag::CostAbovePrice,
        Flag::BelowFloorAllowed,
        Flag::LiveMarkdown,
        Flag::TargetNotReached,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Flag::NoCostData => "no_cost_data",
            Flag::Stacked => "stacked",
            Flag::CostAbovePrice => "cost_above_price",
            Flag::BelowFloorAllowed => "below_floor_allowed",
            Flag::LiveMarkdown => "live_markdown",
            Flag::TargetNotReached => "target_not_reached",
        }
    }

    pub fn parse(s: &str) -> Option<Flag> {
        Flag::ALL.into_iter().find(|f| f.as_str() == s)
    }

    /// 1 to 6: 0 marks the end of a `Flags` list.
    fn code(self) -> u64 {
        Flag::ALL.iter().position(|f| *f == self).unwrap_or(0) as u64 + 1
    }
}

/// The flags of a plan line, in the order they were raised (plan.json and plan.csv list them in
/// that order), packed into one word: 4 bits a flag, up to 16 flags, where a `Vec<String>`
/// took 24 bytes a line plus an allocation per flagged line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Flags(u64);

impl Flags {
    pub const MAX: usize = 16;

    pub fn len(self) -> usize {
        self.iter().count()
    }

    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// Appends `f` (as `Vec::push` did, even when already there); a line raises at most a few
    /// flags, so the 16 places are never all taken by the rules (a 17th would be dropped).
    pub fn push(&mut self, f: Flag) {
        let n = self.len();
        debug_assert!(n < Self::MAX, "more than {} flags", Self::MAX);
        if n < Self::MAX {
            self.0 |= f.code() << (4 * n);
        }
    }

    pub fn iter(self) -> impl Iterator<Item = Flag> {
        let mut bits = self.0;
        std::iter::from_fn(move || {
            let code = (bits & 0xF) as usize;
            bits >>= 4;
            (code != 0).then(|| Flag::ALL[code - 1])
        })
    }

    pub fn contains(self, f: Flag) -> bool {
        self.iter().any(|g| g == f)
    }

    pub fn retain(&mut self, mut keep: impl FnMut(Flag) -> bool) {
        let mut out = Flags::default();
        for f in self.iter().filter(|f| keep(*f)) {
            out.push(f);
        }
        *self = out;
    }

    /// The flags' names joined with `sep`.
    pub fn join(self, sep: &str) -> String {
        let mut out = String::new();
        for (i, f) in self.iter().enumerate() {
            if i > 0 {
                out.push_str(sep);
            }
            out.push_str(f.as_str());
        }
        out
    }
}

impl FromIterator<Flag> for Flags {
    fn from_iter<I: IntoIterator<Item = Flag>>(iter: I) -> Self {
        let mut out = Flags::default();
        for f in iter {
            out.push(f);
        }
        out
    }
}

impl Serialize for Flags {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.iter().map(Flag::as_str))
    }
}

impl<'de> Deserialize<'de> for Flags {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        // Nothing that reads a plan back (template, validate, apply, review) acts on the flags:
        // a name this version does not know (a newer version's, a hand edit) is passed over and
        // places past the 16th are dropped, rather than refusing a plan a person's edited
        // template is tied to.
        let names = Vec::<String>::deserialize(d)?;
        let mut out = Flags::default();
        for f in names.iter().filter_map(|n| Flag::parse(n)).take(Flags::MAX) {
            out.push(f);
        }
        Ok(out)
    }
}

/// What the model and the rules know of one planned line, for its what-if by depth
/// (docs/forecast.md, "What-if").
#[derive(Debug, Clone, PartialEq, Default)]
pub struct LineModel {
    /// Units per day at today's price (the base rate, shrunk toward the category's).
    pub rate: f64,
    /// The category's price elasticity.
    pub elasticity: f64,
    /// The deepest discount the limits allow, unrounded (price endings are held to it, as the
    /// rules hold the planned price). Not in plan.json: 0 in a line read back.
    pub allowed: Decimal,
    /// The cost of a unit (the cost column, else price × (1 − margin)); `None` when unknown.
    /// Not in plan.json.
    pub cost: Option<Decimal>,
    /// The depth of an existing discount rule covering the line (not a live markdown): the
    /// shop takes it off the clearance price at checkout, so revenue is counted after it. Not
    /// in plan.json.
    pub rule_existing: Option<Decimal>,
}

impl<'de> Deserialize<'de> for LineModel {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        struct Written {
            rate: f64,
            elasticity: f64,
        }
        let w = Written::deserialize(d)?;
        Ok(LineModel {
            rate: w.rate,
            elasticity: w.elasticity,
            ..LineModel::default()
        })
    }
}

impl PlanLine {
    pub fn key(&self) -> String {
        match &self.location {
            Some(loc) => format!("{}@{}", self.sku, loc),
            None => self.sku.to_string(),
        }
    }
}

/// The policy the plan was computed with.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PolicyRecord {
    #[serde(serialize_with = "ser_num", deserialize_with = "de_dec")]
    pub min_margin_pct: Decimal,
    #[serde(serialize_with = "ser_num", deserialize_with = "de_dec")]
    pub cap_pct: Decimal,
    #[serde(serialize_with = "ser_num", deserialize_with = "de_dec")]
    pub step_pct: Decimal,
    #[serde(serialize_with = "ser_num", deserialize_with = "de_dec")]
    pub min_discount_pct: Decimal,
    /// `points` or `effective`.
    pub margin_rule: String,
    pub window_days: u32,
    /// True whenever the cap differs from 25 (flag or config), or a `--sku ... --discount N`
    /// request asks for more than the cap (the request overrides it).
    pub cap_overridden: bool,
    /// Allowance used when a line has no cost and no margin.
    #[serde(serialize_with = "ser_num", deserialize_with = "de_dec")]
    pub no_cost_cap_pct: Decimal,
    /// `units` or `orders`.
    pub basis: String,
    /// Currency of lines whose catalog row names none (clearance.toml `currency`).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub currency: Option<String>,
    /// Price endings tried when rounding clearance prices down.
    pub price_endings: Vec<String>,
    pub excluded_skus: Vec<String>,
    pub excluded_categories: Vec<String>,
    /// Lower-cased tags whose lines are never discounted (`--exclude-tag`, `exclude_tags`).
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub excluded_tags: Vec<String>,
    /// Lower-cased vendors whose lines are never discounted (`--exclude-vendor`,
    /// `exclude_vendors`).
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub excluded_vendors: Vec<String>,
    /// `--min-age DAYS` (`min_age_days`): younger stock is skipped as `too_new`.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub min_age_days: Option<u32>,
    /// `--budget AMOUNT` (`budget`): the most projected markdown cost the plan gives away.
    #[serde(
        serialize_with = "ser_opt_money",
        deserialize_with = "de_opt_dec",
        skip_serializing_if = "Option::is_none",
        default
    )]
    pub budget: Option<Decimal>,
    /// An explicit `--sku ... --discount N` request.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub request: Option<Request>,
    /// True when `--allow-below-floor` let a request break the margin floor.
    pub allow_below_floor: bool,
    /// The campaign whose skus `--from-campaign` limited the plan to.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub from_campaign: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Request {
    pub skus: Vec<String>,
    #[serde(serialize_with = "ser_num", deserialize_with = "de_dec")]
    pub discount_pct: Decimal,
}

#[derive(Debug, Clone, Serialize, Deserialize, Default)]
pub struct CampaignHeader {
    pub name: String,
    pub owner: Option<String>,
    pub start: String,
    pub end: String,
    pub regions: Vec<String>,
    pub status: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct InputFile {
    /// The path as given on the command line.
    pub path: String,
    /// `catalog`, `sales` or `existing`.
    pub role: String,
    pub sheet: Option<String>,
    /// Data rows read (not counting title and header rows).
    pub rows: u64,
    pub sha256: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Summary {
    pub lines: usize,
    pub planned: usize,
    pub skipped: usize,
    /// Sum of quantity × cost over lines in stock with a known cost.
    #[serde(
        serialize_with = "ser_opt_money",
        deserialize_with = "de_opt_dec",
        default
    )]
    pub stock_value_at_cost: Option<Decimal>,
    /// Capital tied up in severe and moderate lines (quantity × cost, or × price without cost).
    #[serde(
        serialize_with = "ser_opt_money",
        deserialize_with = "de_opt_dec",
        default
    )]
    pub capital_in_slow_movers: Option<Decimal>,
    /// Mean planned discount, 2 decimals.
    #[serde(serialize_with = "ser_num", deserialize_with = "de_dec")]
    pub avg_discount_pct: Decimal,
    /// Lines per class (severe, moderate, balanced, fast, unclassified).
    pub by_class: std::collections::BTreeMap<String, usize>,
    /// Skipped lines per reason.
    pub skipped_by_reason: std::collections::BTreeMap<String, usize>,
    /// Markdown cost of the plan: (price − clearance price) × quantity over planned lines.
    #[serde(
        serialize_with = "ser_opt_money",
        deserialize_with = "de_opt_dec",
        default
    )]
    pub planned_markdown_cost: Option<Decimal>,
    /// `--budget` only: the projected markdown cost of the planned lines over the horizon (the
    /// sum of their `projected_markdown_cost`), never above the budget.
    #[serde(
        serialize_with = "ser_opt_money",
        deserialize_with = "de_opt_dec",
        skip_serializing_if = "Option::is_none",
        default
    )]
    pub projected_markdown_cost: Option<Decimal>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Plan {
    pub schema: String,
    /// Short hash of the inputs' contents, the policy and the as-of date.
    pub plan_id: String,
    pub generated_at: String,
    pub as_of: String,
    pub policy: PolicyRecord,
    /// The demand model's horizon, target (in target mode) and elasticities; absent without
    /// `--exit` / `[target]` / `--what-if`.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub forecast: Option<Forecast>,
    pub campaign: CampaignHeader,
    pub inputs: Vec<InputFile>,
    /// The shop platform the catalog was read as (absent for a generic catalog).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub platform: Option<SourcePlatform>,
    pub warnings: Vec<Warning>,
    pub summary: Summary,
    /// Planned lines in ranking order, then skipped lines in input order.
    pub lines: Vec<PlanLine>,
}

/// The demand model's settings (docs/forecast.md): the horizon and, in target mode, the share of
/// each slow line's stock to sell by the exit date (docs/rules.md).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Forecast {
    /// The exit date, YYYY-MM-DD; absent with `--what-if` alone (the campaign's days).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub exit: Option<String>,
    /// Target mode: the share of the stock on hand each slow line should sell by the exit date;
    /// absent without a target.
    #[serde(
        skip_serializing_if = "Option::is_none",
        serialize_with = "ser_opt_num",
        deserialize_with = "de_opt_dec",
        default
    )]
    pub target_sellthrough_pct: Option<Decimal>,
    /// Days of selling projected: from the as-of date to the exit date (else the campaign's
    /// end), both included.
    pub days: u32,
    /// `[forecast] elasticity` when it sets another value than the model's own default (-2.0):
    /// the elasticity of a category whose own sales cannot tell, and the centre the learned
    /// values are shrunk toward. Absent otherwise.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub default_elasticity: Option<f64>,
    /// The price elasticity used per category (category order).
    pub elasticities: Vec<CategoryElasticity>,
    /// The depths of every planned line's `what_if` (0, then the step grid from the minimum
    /// discount up to the cap); a line's arrays cover the first of them, up to its
    /// `max_discount_pct` (docs/forecast.md, "What-if").
    #[serde(
        serialize_with = "ser_nums",
        deserialize_with = "de_nums",
        skip_serializing_if = "Vec::is_empty",
        default
    )]
    pub what_if_depths: Vec<Decimal>,
}

fn ser_nums<S: serde::Serializer>(v: &[Decimal], s: S) -> Result<S::Ok, S::Error> {
    s.collect_seq(v.iter().map(|d| super::num::to_json_number(*d)))
}

fn de_nums<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Vec<Decimal>, D::Error> {
    let values = Vec::<serde_json::Value>::deserialize(d)?;
    values
        .into_iter()
        .map(|v| {
            v.to_string()
                .parse::<Decimal>()
                .or_else(|_| Decimal::from_scientific(&v.to_string()))
                .map_err(serde::de::Error::custom)
        })
        .collect()
}

/// The price elasticity of one category (docs/forecast.md).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CategoryElasticity {
    /// Trimmed and lower-cased; `(no category)` for lines without one.
    pub category: String,
    /// The elasticity used: 20% off multiplies the rate by `0.8^value`.
    pub value: f64,
    /// `learned` (from the shop's own price changes) or `default`.
    pub source: String,
    /// The 95% interval, low and high.
    pub interval: [f64; 2],
    /// Price changes seen across the category's skus.
    pub price_changes: usize,
    /// What was learned, or why the default is used.
    pub note: String,
}

/// The platform a catalog export came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SourcePlatform {
    /// `shopify`, `woocommerce`, `magento`, `prestashop` or `wix`.
    pub name: String,
    /// Shopify's header family: `legacy` (`Handle`, `Variant SKU`, `Variant Price`) or
    /// `current` (`URL handle`, `SKU`, `Price`); absent for other platforms.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub headers: Option<String>,
}

pub const PLAN_SCHEMA: &str = "clearance.plan/v1";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags_keep_the_order_they_were_raised_in() {
        let mut f = Flags::default();
        assert!(f.is_empty());
        f.push(Flag::TargetNotReached);
        f.push(Flag::NoCostData);
        f.push(Flag::BelowFloorAllowed);
        assert_eq!(f.len(), 3);
        assert!(f.contains(Flag::NoCostData) && !f.contains(Flag::Stacked));
        assert_eq!(
            serde_json::to_string(&f).unwrap(),
            r#"["target_not_reached","no_cost_data","below_floor_allowed"]"#
        );
        f.retain(|g| g != Flag::NoCostData);
        assert_eq!(f.join(", "), "target_not_reached, below_floor_allowed");
        // Every flag, twice, in every place: read back as written.
        let all: Flags = Flag::ALL
            .into_iter()
            .chain(Flag::ALL.into_iter().rev())
            .collect();
        let text = serde_json::to_string(&all).unwrap();
        let names: Vec<String> = serde_json::from_str(&text).unwrap();
        let expected: Vec<&str> = Flag::ALL
            .iter()
            .chain(Flag::ALL.iter().rev())
            .map(|f| f.as_str())
            .collect();
        assert_eq!(names, expected);
        assert_eq!(serde_json::from_str::<Flags>(&text).unwrap(), all);
        assert_eq!(
            serde_json::from_str::<Flags>("[]").unwrap(),
            Flags::default()
        );
    }

    #[test]
    fn unknown_or_too_many_flags_are_passed_over_when_read_back() {
        // A newer version's flag or a hand edit never makes a kept plan unreadable.
        let read = serde_json::from_str::<Flags>(r#"["stacked","shiny","Stacked"]"#).unwrap();
        assert_eq!(read.join(","), "stacked");
        let many = format!("[{}]", vec!["\"stacked\""; 17].join(","));
        assert_eq!(serde_json::from_str::<Flags>(&many).unwrap().len(), 16);
    }
}

/// A million-line plan holds a million of these: 640 bytes a line before the side struct, the
/// packed flags, the shared category names and the boxed strings, 416 after; 360 since its 14
/// optional decimals are `OptDecimal`s (16 bytes each instead of 20); 208 with them in 8 bytes,
/// the exact velocity worked out rather than held; 184 with category and location shared
/// behind one pointer (`SharedStr`). Raise the bound only
/// knowing what a field costs at that scale (docs/performance.md, "Memory per plan line").
#[cfg(test)]
mod size {
    use super::*;
    use crate::model::why::WhyInterner;

    #[test]
    fn a_plan_line_stays_small() {
        // 184 bytes: optional decimals in 8 bytes (`OptDecimal`), the exact velocity worked out
        // from sold and quantity, the source row in 32 bits beside the why's flag, sku and name
        // held in the line (24 bytes each, no allocation up to 24 bytes of text), category and
        // location one shared copy behind a pointer (8 bytes each), the discount decision's
        // fields boxed apart (most lines have none).
        assert!(size_of::<PlanLine>() <= 184, "{}", size_of::<PlanLine>());
        // What each decided line allocates besides (64 bytes with the allocator's).
        assert!(size_of::<Decision>() <= 56, "{}", size_of::<Decision>());
        // Vendor, tags, platform ids and other names are boxed apart (most lines have none).
        assert!(
            size_of::<crate::model::CatalogLine>() <= 160,
            "{}",
            size_of::<crate::model::CatalogLine>()
        );
        assert_eq!(size_of::<Flags>(), 8);
        // The side struct is one pointer, allocated only for lines with one of its fields.
        assert_eq!(size_of::<Option<Box<LineExtra>>>(), 8);
    }

    fn line(sold: &str, quantity: Option<&str>, velocity: Option<&str>) -> PlanLine {
        let d = |s: &str| s.parse::<Decimal>().expect("test literal");
        let mut l: PlanLine =
            serde_json::from_str(r#"{"sku":"A","status":"skipped","flags":[],"why":""}"#)
                .expect("a minimal plan line");
        l.sold = d(sold).into();
        l.quantity = quantity.map(d).into();
        l.velocity_ratio = velocity.map(d).into();
        l.class = velocity.map(|_| Class::Severe);
        l
    }

    #[test]
    fn the_decision_is_allocated_only_for_lines_that_have_one() {
        let d = |s: &str| s.parse::<Decimal>().expect("test literal");
        let mut l = line("3", Some("120"), Some("0.025"));
        // Clearing fields of a line without a decision allocates nothing.
        l.set_discount_pct(None);
        l.set_binding_limit(None);
        assert!(l.decision.is_none());
        assert_eq!((l.discount_pct(), l.binding_limit()), (None, None));
        l.set_tier_discount_pct(Some(d("25")));
        l.set_binding_limit(Some(BindingLimit::MarginFloor));
        assert!(l.decision.is_some());
        let text = serde_json::to_string(&l).expect("a plan line");
        assert!(
            text.contains(r#""tier_discount_pct":25,"discount_pct":null"#),
            "{text}"
        );
        assert!(text.contains(r#""binding_limit":"margin_floor""#), "{text}");
        // Read back: the decision as written, and none for a line without one.
        let back: PlanLine = serde_json::from_str(&text).expect("read back");
        assert_eq!(back.tier_discount_pct(), Some(d("25")));
        assert_eq!(back.binding_limit(), Some(BindingLimit::MarginFloor));
        assert_eq!(back.clearance_price(), None);
        assert!(line("1", None, None).decision.is_none());
        let plain = serde_json::to_string(&line("1", None, None)).expect("a plan line");
        let back: PlanLine = serde_json::from_str(&plain).expect("read back");
        assert!(back.decision.is_none());
    }

    #[test]
    fn lines_read_back_share_one_copy_of_a_category_or_location() {
        let mut a = line("3", Some("120"), Some("0.025"));
        a.category = Some(SharedStr::new("Shoes"));
        a.location = Some(SharedStr::new("WH1"));
        let mut b = a.clone();
        b.location = Some(SharedStr::new("WH2"));
        let text = serde_json::to_string(&[&a, &b, &a]).expect("plan lines");
        let back: Vec<PlanLine> = serde_json::from_str(&text).expect("read back");
        let name = |l: &PlanLine| (l.category.clone().unwrap(), l.location.clone().unwrap());
        let [(c0, l0), (c1, l1), (c2, l2)] = [0, 1, 2].map(|i| name(&back[i]));
        assert_eq!((&*c0, &*l0, &*l1, &*l2), ("Shoes", "WH1", "WH2", "WH1"));
        assert!(c0.same_copy(&c1) && c0.same_copy(&c2));
        assert!(l0.same_copy(&l2) && !l0.same_copy(&l1));
    }

    #[test]
    fn a_why_kept_after_its_opening_reads_back_whole_and_shared() {
        let mut whys = WhyInterner::default();
        let text = "3 sold for 120 on hand (velocity 0.02, severely overstocked): not a slow mover, no discount.";
        let mut a = line("3", Some("120"), Some("0.025"));
        a.set_why(text);
        let mut b = line("3.0", Some("120.00"), Some("0.0251"));
        b.set_why(text);
        a.share_why(&mut whys);
        b.share_why(&mut whys);
        assert_eq!(a.why(), text);
        assert_eq!(b.why(), text);
        assert!(a.why_after_opening && b.why_after_opening);
        assert_eq!(&*a.why_text, ": not a slow mover, no discount.");
        // One copy of the rest for both lines.
        assert!(Arc::ptr_eq(&a.why_text, &b.why_text));
        // Untracked stock opens the other way.
        let untracked = "2 sold, stock not tracked (velocity unknown): requested.";
        let mut u = line("2", None, None);
        u.set_why(untracked);
        u.share_why(&mut whys);
        assert!(u.why_after_opening);
        assert_eq!(u.why(), untracked);
    }

    #[test]
    fn a_why_not_opening_with_the_line_s_own_figures_is_kept_whole() {
        let mut whys = WhyInterner::default();
        for (why, sold) in [
            // Other figures than the line's: kept as written.
            (
                "4 sold for 120 on hand (velocity 0.02, severely overstocked): x.",
                "3",
            ),
            (
                "the product is draft in the shop, not on sale; nothing to clear",
                "3",
            ),
            ("", "0"),
        ] {
            let mut l = line(sold, Some("120"), Some("0.025"));
            l.set_why(why);
            l.share_why(&mut whys);
            assert!(!l.why_after_opening, "{why}");
            assert_eq!(l.why(), why);
        }
        // Setting a new why after sharing keeps the new one whole.
        let mut l = line("3", Some("120"), Some("0.025"));
        l.set_why("3 sold for 120 on hand (velocity 0.02, severely overstocked): a.");
        l.share_why(&mut whys);
        l.set_why("over budget");
        assert_eq!(l.why(), "over budget");
    }
}

#[cfg(test)]
mod opening {
    use super::*;
    use proptest::prelude::*;

    /// The opening as the rules write it (from the exact velocity) and as the line writes it
    /// again (from its rounded ratio where that cuts the same).
    fn both(sold: Decimal, quantity: Decimal) -> (Vec<u8>, Vec<u8>) {
        let v = velocity(sold, quantity);
        let mut l: PlanLine =
            serde_json::from_str(r#"{"sku":"A","status":"planned","flags":[],"why":""}"#)
                .expect("a minimal plan line");
        l.sold = sold.into();
        l.quantity = quantity.into();
        l.velocity_ratio = super::super::num::round(v, 4).into();
        l.class = Some(Class::Severe);
        let mut rules = Vec::new();
        super::super::why::push_opening_bytes(
            &mut rules,
            sold,
            Some(quantity),
            Some(v),
            Some(Class::Severe),
        );
        let mut line = Vec::new();
        l.push_opening_bytes(&mut line);
        (rules, line)
    }

    #[test]
    fn a_ratio_just_under_a_hundredth_shows_the_exact_velocity_cut() {
        // 0.0999995 rounds to 0.1000 but cuts to 0.09; 0.12345 rounds to 0.1235, cuts to 0.12.
        for (sold, quantity) in [
            ("199999", "2000000"),
            ("0.0999995", "1"),
            ("12345", "100000"),
            ("1", "3"),
            ("2", "3"),
            ("0", "7"),
            ("5", "1"),
            ("79228162514264337593543950335", "0.5"),
        ] {
            let (rules, line) = both(sold.parse().unwrap(), quantity.parse().unwrap());
            assert_eq!(
                String::from_utf8_lossy(&line),
                String::from_utf8_lossy(&rules),
                "{sold} / {quantity}"
            );
        }
    }

    proptest! {
        #[test]
        fn the_line_opens_as_the_rules_wrote(
            sold in 0u64..2_000_000,
            sold_scale in 0u32..4,
            quantity in 1u64..2_000_000,
            quantity_scale in 0u32..4,
            // Near a whole hundredth: sold = quantity × k / 100 ± a little.
            near in proptest::option::of((0u64..200, -3i64..=3)),
        ) {
            let q = Decimal::new(quantity as i64, quantity_scale);
            let s = match near {
                Some((k, nudge)) => (q * Decimal::new(k as i64, 2)
                    + Decimal::new(nudge, 6)).max(Decimal::ZERO),
                None => Decimal::new(sold as i64, sold_scale),
            };
            let (rules, line) = both(s, q);
            prop_assert_eq!(line, rules);
        }
    }
}
