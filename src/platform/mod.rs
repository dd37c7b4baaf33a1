//! Shop platforms on the way out: the import file each platform's own importer accepts as it
//! is, and the revert file in the same format that puts back exactly what the export held
//! (SPEC section 5, `apply --platform`). One module per platform, each a `files` function from
//! the campaign and its plan; what they share (which plan lines one platform price reaches, the
//! machine CSV) is here. The way in (columns, live markdowns) is in `io::read::catalog`.

pub mod magento;
pub mod prestashop;
pub mod shopify;
pub mod wix;
pub mod woocommerce;

use crate::campaign::package::{Campaign, CampaignLine};
use crate::model::num::money;
use crate::model::{ExportRow, LineStatus, Plan, PlanLine, Reason, Warning};
use crate::rules::{clearance_price, minor_unit_digits};
use rust_decimal::Decimal;
use std::collections::HashMap;

/// The platforms `apply --platform` writes for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Platform {
    Shopify,
    Woocommerce,
    Magento,
    Prestashop,
    Wix,
    /// `price-list.csv` and `revert.csv` only (the planner's own format).
    Generic,
}

impl Platform {
    pub fn name(self) -> &'static str {
        match self {
            Platform::Shopify => "shopify",
            Platform::Woocommerce => "woocommerce",
            Platform::Magento => "magento",
            Platform::Prestashop => "prestashop",
            Platform::Wix => "wix",
            Platform::Generic => "generic",
        }
    }

    /// The platform the plan's catalog was read as; generic when none.
    pub fn of_plan(plan: &Plan) -> Platform {
        match plan.platform.as_ref().map(|p| p.name.as_str()) {
            Some("shopify") => Platform::Shopify,
            Some("woocommerce") => Platform::Woocommerce,
            Some("magento") => Platform::Magento,
            Some("prestashop") => Platform::Prestashop,
            Some("wix") => Platform::Wix,
            _ => Platform::Generic,
        }
    }
}

/// A CSV for a machine: every value written verbatim (a sku `-X1` stays `-X1`).
#[derive(Debug, Clone, PartialEq)]
pub struct MachineCsv {
    pub name: String,
    pub delimiter: u8,
    pub header: Vec<String>,
    pub rows: Vec<Vec<String>>,
}

/// An import file and its revert, under one header.
pub fn file_pair(
    (import, revert): (&str, &str),
    delimiter: u8,
    header: Vec<String>,
    import_rows: Vec<Vec<String>>,
    revert_rows: Vec<Vec<String>>,
) -> Vec<MachineCsv> {
    vec![
        MachineCsv {
            name: import.into(),
            delimiter,
            header: header.clone(),
            rows: import_rows,
        },
        MachineCsv {
            name: revert.into(),
            delimiter,
            header,
            rows: revert_rows,
        },
    ]
}

/// A warning about a whole file (no row or column).
pub fn file_warning(file: &str, message: String) -> Warning {
    Warning {
        file: file.to_string(),
        sheet: None,
        row: None,
        column: None,
        message,
    }
}

/// What one platform adds to the campaign package.
#[derive(Debug, Default)]
pub struct PlatformFiles {
    pub csv: Vec<MachineCsv>,
    pub warnings: Vec<Warning>,
}

/// The files of `platform` for the campaign (none for generic and Wix: Wix gets its discount
/// rules in `discount-rules.json`).
pub fn files(platform: Platform, c: &Campaign, plan: &Plan) -> crate::error::Result<PlatformFiles> {
    let mut out = match platform {
        Platform::Generic | Platform::Wix => return Ok(PlatformFiles::default()),
        Platform::Shopify => shopify::files(c, plan)?,
        Platform::Woocommerce => woocommerce::files(c, plan)?,
        Platform::Magento => magento::files(c, plan)?,
        Platform::Prestashop => prestashop::files(c, plan)?,
    };
    for f in &out.csv {
        out.warnings.extend(executable_cells(f));
    }
    Ok(out)
}

/// A value a spreadsheet would run as a formula, in a file meant for a machine: kept verbatim
/// (the platform needs it as it is), with a warning naming row and column.
fn executable_cells(f: &MachineCsv) -> Vec<Warning> {
    let mut found = Vec::new();
    for (i, row) in f.rows.iter().enumerate() {
        for (j, v) in row.iter().enumerate() {
            if v.starts_with(['=', '+', '-', '@', '\t', '\r']) && v.parse::<Decimal>().is_err() {
                found.push(Warning {
                    file: f.name.clone(),
                    sheet: None,
                    row: Some(i + 2),
                    column: f.header.get(j).cloned(),
                    message: format!(
                        "\"{}\" is written as it is for the platform's importer, but a spreadsheet would run it as a formula: do not open this file in a spreadsheet, import it directly",
                        v.chars().take(40).collect::<String>()
                    ),
                });
            }
        }
    }
    found
}

/// One price a platform sets for several plan lines: a Shopify variant at every location, a
/// PrestaShop or WooCommerce product at every location, a Wix product over its variants.
#[derive(Debug)]
pub struct Unit<'a> {
    /// The product or variant key on the platform.
    pub key: String,
    /// Every plan line the price reaches, in plan order.
    pub reaches: Vec<&'a PlanLine>,
    /// The campaign lines among them.
    pub lines: Vec<&'a CampaignLine>,
    /// The depth the platform price gets: the smallest campaign depth among its lines; `None`
    /// when the price would reach a line the campaign does not discount (left out).
    pub depth: Option<Decimal>,
}

/// Group the plan's lines by the platform's price key and decide each touched unit's depth:
/// the smallest planned depth of what it reaches, or left out when it reaches a line the
/// campaign does not discount (a line without stock does not count: nothing sells there).
/// Each case gets a warning naming the unit and the lines; cap and floor hold on every line.
pub fn units<'a>(
    c: &'a Campaign,
    plan: &'a Plan,
    what: &str,
    file: &str,
    key: impl Fn(&PlanLine) -> String,
    warnings: &mut Vec<Warning>,
) -> Vec<Unit<'a>> {
    let in_campaign: HashMap<(&str, Option<&str>), &CampaignLine> = c
        .lines
        .iter()
        .filter(|l| l.ended_on.is_none())
        .map(|l| ((l.sku.as_str(), l.location.as_deref()), l))
        .collect();
    let mut order: Vec<String> = Vec::new();
    let mut groups: HashMap<String, Vec<&PlanLine>> = HashMap::new();
    for l in &plan.lines {
        let k = key(l);
        let entry = groups.entry(k.clone()).or_default();
        if entry.is_empty() {
            order.push(k);
        }
        entry.push(l);
    }
    let mut out = Vec::new();
    for k in order {
        let reaches = groups.remove(&k).unwrap_or_default();
        let lines: Vec<&CampaignLine> = reaches
            .iter()
            .filter_map(|l| in_campaign.get(&(&*l.sku, l.location.as_deref())).copied())
            .collect();
        if lines.is_empty() {
            continue;
        }
        let blockers: Vec<String> = reaches
            .iter()
            .filter(|l| {
                !in_campaign.contains_key(&(&*l.sku, l.location.as_deref()))
                    && l.reason != Some(Reason::NoStock)
            })
            .map(|l| {
                let why = match (l.status, l.reason) {
                    (_, Some(r)) => r.as_str(),
                    (LineStatus::Planned, None) => "not in the campaign",
                    (LineStatus::Skipped, None) => "skipped",
                };
                format!("{} ({why})", l.key())
            })
            .collect();
        let depths: Vec<Decimal> = lines
            .iter()
            .filter_map(|l| l.discount_pct.parse::<Decimal>().ok())
            .collect();
        let min = depths.iter().copied().min();
        let depth = if blockers.is_empty() { min } else { None };
        if !blockers.is_empty() {
            warnings.push(file_warning(file, format!(
                    "{what} {k} is left out: its price would also reach {} that the campaign does not discount; price-list.csv still carries the per-line prices of {}",
                    list(&blockers),
                    list(&lines.iter().map(|l| line_key(l)).collect::<Vec<_>>())
                )));
        } else if let Some(m) = min
            && depths.iter().any(|d| *d != m)
        {
            warnings.push(file_warning(file, format!(
                    "{what} {k} covers {} planned at different depths ({}): it takes the smallest, {}%, so no line goes past its own cap or floor; price-list.csv carries each line's own price",
                    list(&lines.iter().map(|l| line_key(l)).collect::<Vec<_>>()),
                    depths.iter().map(|d| format!("{}%", d.normalize())).collect::<Vec<_>>().join(", "),
                    m.normalize()
                )));
        }
        out.push(Unit {
            key: k,
            reaches,
            lines,
            depth,
        });
    }
    out
}

fn line_key(l: &CampaignLine) -> String {
    match &l.location {
        Some(loc) => format!("{}@{loc}", l.sku),
        None => l.sku.clone(),
    }
}

fn list(items: &[String]) -> String {
    const SHOWN: usize = 5;
    let mut s = items
        .iter()
        .take(SHOWN)
        .cloned()
        .collect::<Vec<_>>()
        .join(", ");
    if items.len() > SHOWN {
        s.push_str(&format!(" and {} more", items.len() - SHOWN));
    }
    s
}

/// The price a unit sets on one of its lines at the unit's depth: the line's own clearance
/// price when the depth is its own (price endings kept), else the price paid today (a live
/// markdown's price, else the list price) taken down by the depth.
pub fn unit_price(line: &CampaignLine, depth: Decimal) -> Option<String> {
    if line.discount_pct.parse::<Decimal>().ok() == Some(depth) {
        return Some(line.clearance_price.clone());
    }
    let base = line
        .live_price
        .as_deref()
        .unwrap_or(&line.list_price)
        .parse::<Decimal>()
        .ok()
        .filter(|b| *b > Decimal::ZERO)?;
    let digits = minor_unit_digits(line.currency.as_deref());
    Some(money(clearance_price(base, depth, digits))).filter(|p| p.as_str() != "0.00")
}

/// A unit whose price cannot be worked out (an unreadable list price in campaign.json): left
/// out with a warning rather than written at a price of nothing.
pub fn no_price_warning(file: &str, key: &str) -> Warning {
    file_warning(
        file,
        format!(
            "{key} is left out: its price in campaign.json cannot be read; price-list.csv still carries it"
        ),
    )
}

/// One warning naming the products already on sale whose import sets a campaign price that
/// starts on the campaign's first day: the import replaces the live sale at once, so until the
/// start they sell at the regular price. Load the file on the first day.
pub fn live_sale_warning(file: &str, units: &[Unit], start: &str) -> Option<Warning> {
    let keys: Vec<String> = units
        .iter()
        .filter(|u| u.depth.is_some() && u.lines.iter().any(|l| l.live_price.is_some()))
        .map(|u| u.key.clone())
        .collect();
    if keys.is_empty() {
        return None;
    }
    Some(file_warning(
        file,
        format!(
            "{} product(s) are on sale today ({}): the import replaces their sale with the campaign's, which starts on {start}, so load {file} on {start}, not before (they would sell at the regular price in between)",
            keys.len(),
            list(&keys)
        ),
    ))
}

/// The campaign's first and last day as `YYYY-MM-DD`.
pub fn campaign_dates(c: &Campaign) -> (String, String) {
    (
        c.header.start.format("%Y-%m-%d").to_string(),
        c.header.end.format("%Y-%m-%d").to_string(),
    )
}

/// Whether the plan was read from `name`'s export: its import and revert files are made of the
/// export's own cells, so another platform's (or a generic) catalog gets none, with a warning.
pub fn read_as(plan: &Plan, name: &str, file: &str, warnings: &mut Vec<Warning>) -> bool {
    let source = plan.platform.as_ref().map(|p| p.name.as_str());
    if source == Some(name) {
        return true;
    }
    warnings.push(file_warning(file, format!(
            "no {name} import file: the plan's catalog was read as {}, and the import and revert files are made of the {name} export's own columns; plan from the {name} product export",
            source.map_or("a generic catalog".to_string(), |s| format!("a {s} export"))
        )));
    false
}

/// The one row of the export behind a unit: its first plan line's (every line of a unit is
/// the same product). `None`, with a warning, when the plan line carries no export row.
pub fn export_row<'a>(
    u: &Unit<'a>,
    file: &str,
    warnings: &mut Vec<Warning>,
) -> Option<&'a ExportRow> {
    let row = u.reaches.first().and_then(|l| l.export());
    if row.is_none() {
        warnings.push(file_warning(file, format!(
                "{} is left out: the plan has no export columns for it (plan again from the platform's export)",
                u.key
            )));
    }
    row
}

/// Whether the export row holds a sale (`value` non-empty and not zero) that starts after the
/// plan's as-of date (`from`): the import replaces it before it ever ran.
pub fn scheduled_after(e: &ExportRow, value: &[&str], from: &str, as_of: &str) -> bool {
    let has_value = value.iter().any(|k| {
        let v = e.get(k).trim();
        !v.is_empty() && v.parse::<Decimal>().map_or(true, |d| !d.is_zero())
    });
    let start = crate::io::read::markdown::window_date(e.get(from))
        .ok()
        .flatten();
    let as_of = as_of.parse::<chrono::NaiveDate>().ok();
    has_value && matches!((start, as_of), (Some(s), Some(a)) if s > a)
}

/// One warning naming the products whose scheduled sale the import replaces.
pub fn scheduled_warning(file: &str, what: &str, keys: &[String]) -> Option<Warning> {
    if keys.is_empty() {
        return None;
    }
    Some(file_warning(
        file,
        format!(
            "{} {what}(s) have a sale scheduled to start after the plan's as-of date ({}): the import file replaces it with the campaign's price and dates, and the revert file puts the scheduled sale back as the export held it",
            keys.len(),
            list(keys)
        ),
    ))
}
