//! The domain model: what readers produce (catalog lines, sales totals, existing discounts) and
//! what the rules produce (the plan). No I/O here.

mod catalog;
pub mod num;
mod opt_decimal;
pub mod plan;
mod shared_str;
pub mod why;

pub use catalog::{
    CatalogExtra, CatalogLine, DataIssue, ExistingDiscount, ExportRow, Inactive, Scope, Warning,
};
pub use opt_decimal::OptDecimal;
pub use plan::{
    BindingLimit, CampaignHeader, CategoryElasticity, Class, Flag, Flags, Forecast, InputFile,
    LineExtra, LineModel, LineStatus, PLAN_SCHEMA, Plan, PlanLine, PolicyRecord, Reason, Request,
    SourcePlatform, Summary,
};
pub use shared_str::{SharedNames, SharedStr};
