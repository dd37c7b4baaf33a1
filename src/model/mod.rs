//! The domain model: what readers produce (catalog lines, sales totals, existing discounts) and
//! what the rules produce (the plan). No I/O here.

mod catalog;
pub mod plan;
pub mod num;

pub use catalog::{CatalogLine, DataIssue, ExistingDiscount, Scope, Warning};
pub use plan::{
    BindingLimit, Class, InputFile, LineStatus, Plan, PlanLine, PolicyRecord, Reason, Request,
    Summary, CampaignHeader, PLAN_SCHEMA,
};
