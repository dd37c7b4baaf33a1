//! What the readers hand to the rules.

use super::OptDecimal;
use super::SharedStr;
use compact_str::CompactString;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

/// Why a line could not even be looked at by the rules.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DataIssue {
    /// A quantity, price or cost cell could not be read as a number.
    BadData,
    /// Stock is not tracked (Wix `InStock`, Shopify without an inventory tracker).
    Untracked,
    /// The product is not for sale in the shop (Shopify `Status` archived or draft).
    Inactive(Inactive),
}

/// A product status that keeps a line out of the plan.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Inactive {
    Archived,
    Draft,
}

impl Inactive {
    pub fn as_str(self) -> &'static str {
        match self {
            Inactive::Archived => "archived",
            Inactive::Draft => "draft",
        }
    }
}

/// One catalog line: a product (or variant) at one location.
#[derive(Debug, Clone, Default)]
pub struct CatalogLine {
    /// Row in the source file (1-based, as a spreadsheet shows it).
    pub row: usize,
    /// Sku and name are `CompactString`s: up to 24 bytes held in the line itself, without an
    /// allocation of their own (the plan line takes them over as they are).
    pub sku: CompactString,
    pub name: Option<CompactString>,
    /// Category and location: one shared copy of each name (`SharedStr`), made as the catalog
    /// is read; the plan line takes them over.
    pub category: Option<SharedStr>,
    pub location: Option<SharedStr>,
    /// Units on hand; `None` when untracked or unreadable.
    pub quantity: OptDecimal,
    pub price: OptDecimal,
    pub cost: OptDecimal,
    /// Profit margin in percent, when the file gives it instead of a cost.
    pub margin: OptDecimal,
    /// Minimum advertised price (MAP): the clearance price never goes below it.
    pub min_price: OptDecimal,
    /// The day the stock was received or the product created (PrestaShop `Product creation
    /// date`, Magento `created_at`, a generic `received_at`, `created_at` or `date_added`).
    pub received: Option<chrono::NaiveDate>,
    /// Sales count from the catalog itself (Wix `ordersCount`), or filled from `--sales`.
    pub sold: OptDecimal,
    /// The last day it sold, from dated sales files.
    pub last_sale: Option<chrono::NaiveDate>,
    pub issue: Option<DataIssue>,
    /// The price the customer pays today when a markdown the shop already runs is live on the
    /// as-of date (Shopify compare-at, WooCommerce/Magento sale price, PrestaShop and Wix
    /// discounts, a generic `sale_price`); `price` is then the regular ("was") price.
    pub live_price: OptDecimal,
    /// The platform columns of the export row, verbatim, for the platform's import and revert files.
    pub export: Option<Box<ExportRow>>,
    /// Vendor, tags, platform ids and other names: `None` when the line has none of them (a
    /// generic catalog's lines), so a million lines do not each hold six empty fields. Read
    /// them with `extra()`, set them with `extra_mut()` or `set_extra(..)`.
    pub extra: Option<Box<CatalogExtra>>,
}

/// The fields of a catalog line that generic catalogs leave empty (see `CatalogLine::extra`).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CatalogExtra {
    /// The product's vendor or brand (Shopify `Vendor`, a generic `vendor` or `brand`).
    pub vendor: Option<String>,
    /// The product's tags, trimmed (Shopify and WooCommerce `Tags`, comma-separated).
    pub tags: Vec<String>,
    pub currency: Option<String>,
    pub category_id: Option<String>,
    pub product_id: Option<String>,
    /// Names other files may use for this line (Shopify orders name line items
    /// "Title - Option / Option").
    pub aliases: Vec<String>,
}

/// What `CatalogLine::extra()` gives for a line without extra fields.
static NO_EXTRA: CatalogExtra = CatalogExtra {
    vendor: None,
    tags: Vec::new(),
    currency: None,
    category_id: None,
    product_id: None,
    aliases: Vec::new(),
};

/// The columns of one platform export row that its import and revert files need, under
/// canonical names (`handle`, `option1_name`, `price`, `compare_at_price`, `sale_price`,
/// `sale_from`, ...), each value exactly as the export wrote it (blank kept as ""), and `row`,
/// the row it came from.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct ExportRow(pub std::collections::BTreeMap<String, String>);

impl ExportRow {
    pub fn get(&self, key: &str) -> &str {
        self.0.get(key).map(String::as_str).unwrap_or("")
    }
    /// The source row (0 when unknown).
    pub fn row(&self) -> usize {
        self.get("row").parse().unwrap_or(0)
    }
    pub fn set(&mut self, key: &str, value: impl Into<String>) {
        self.0.insert(key.to_string(), value.into());
    }
    /// Whether the export had this column.
    pub fn has(&self, key: &str) -> bool {
        self.0.contains_key(key)
    }
}

impl CatalogLine {
    /// Vendor, tags, platform ids and other names (all empty for most generic lines).
    pub fn extra(&self) -> &CatalogExtra {
        self.extra.as_deref().unwrap_or(&NO_EXTRA)
    }

    /// The extra fields, allocated on first use.
    pub fn extra_mut(&mut self) -> &mut CatalogExtra {
        self.extra.get_or_insert_with(Box::default)
    }

    /// Sets the extra fields at once (nothing allocated when they are all empty).
    pub fn set_extra(&mut self, extra: CatalogExtra) {
        self.extra = (extra != NO_EXTRA).then(|| Box::new(extra));
    }

    /// Takes the extra fields out (empty ones when there were none).
    pub fn take_extra(&mut self) -> CatalogExtra {
        self.extra.take().map(|e| *e).unwrap_or_default()
    }

    /// The line's key: its sku, or `sku@location`.
    pub fn key(&self) -> String {
        match &self.location {
            Some(loc) => format!("{}@{}", self.sku, loc),
            None => self.sku.to_string(),
        }
    }
}

/// A data problem worth telling the merchant about; the run goes on.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Warning {
    /// The input file, as given on the command line.
    pub file: String,
    /// The sheet, for spreadsheets.
    pub sheet: Option<String>,
    /// The row as a spreadsheet shows it (1-based), when one row is concerned.
    pub row: Option<usize>,
    /// The field or column concerned.
    pub column: Option<String>,
    /// What is wrong and what was done about it.
    pub message: String,
}

/// What an existing discount covers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scope {
    Sku(String),
    Category(String),
    Site,
}

/// An active discount already running in the shop.
#[derive(Debug, Clone, PartialEq)]
pub struct ExistingDiscount {
    pub scope: Scope,
    pub percentage: Decimal,
}
