//! Building a plan: read the catalog, stock, sales and existing discounts, run the rules, and
//! total the result (no output written). `plan` writes it out; `report` summarises it.

use crate::campaign::template::DEFAULT_CAMPAIGN_DAYS;
use crate::cli::PlanArgs;
use crate::config::PlanConfig;
use crate::error::{Error, Result};
use crate::io::read::catalog::read_catalog;
use crate::io::read::existing::read_existing;
use crate::io::read::sales::{SalesTotals, Window, WindowUse, aggregate_sales, window_verdicts};
use crate::io::read::stock::apply_stock;
use crate::io::read::{ReadOptions, hex, sha256_file};
use crate::model::num::plain;
use crate::model::{
    CampaignHeader, CategoryElasticity, Forecast, InputFile, PLAN_SCHEMA, Plan, PolicyRecord,
    Request, Warning,
};
use crate::rules;
use rust_decimal::Decimal;
use sha2::{Digest, Sha256};
use std::collections::HashSet;
use std::path::PathBuf;

/// More depths than this in the what-if are warned about (`--step 0.1` up to a 25% cap: 201).
const MANY_DEPTHS: usize = 100;

/// Read every input and compute the plan (no output written).
pub fn build_plan(args: &PlanArgs, cfg: &PlanConfig) -> Result<Plan> {
    let mut timings = crate::Timings::from_env();
    let opts = crate::io::read::ReadOptions {
        as_of: Some(cfg.as_of),
        date_order: cfg.date_order,
        read_received: cfg.policy.min_age.is_some(),
        ..args.input.read_options()
    };
    let maps = &args.input.maps;
    // The catalog's and sales files' hashes (plan.json's inputs and the plan id) are computed
    // on another core while the same files are read.
    let to_hash: Vec<PathBuf> = std::iter::once(&args.files.catalog)
        .chain(&args.files.sales)
        .cloned()
        .collect();
    let hashing = std::thread::spawn(move || {
        to_hash
            .iter()
            .map(|p| sha256_file(p))
            .collect::<Result<Vec<String>>>()
    });
    let catalog = read_catalog(&args.files.catalog, &opts, maps)?;
    timings.mark("catalog");
    if catalog.lines.is_empty() {
        return Err(Error::Data(format!(
            "{}: none of its {} data row(s) is a catalog line (a product or variant with a sku or handle), so nothing could be read; check that the file is the catalog export",
            args.files.catalog.display(),
            catalog.rows
        )));
    }
    let mut warnings: Vec<Warning> = catalog.warnings;
    let mut lines = catalog.lines;
    let mut inputs = vec![InputFile {
        path: args.files.catalog.display().to_string(),
        role: "catalog".into(),
        sheet: catalog.sheet.clone(),
        rows: catalog.rows,
        sha256: String::new(), // filled in from `hashing` below
    }];

    if let Some(path) = &args.files.stock {
        let read = apply_stock(path, &opts, maps, &mut lines, &mut warnings)?;
        inputs.push(InputFile {
            path: path.display().to_string(),
            role: "stock".into(),
            sheet: read.sheet,
            rows: read.rows,
            sha256: sha256_file(path)?,
        });
    }

    let mut price_history = None;
    if !args.files.sales.is_empty() {
        if catalog.has_orders {
            warnings.push(Warning {
                file: args.files.catalog.display().to_string(),
                sheet: catalog.sheet.clone(),
                row: None,
                column: catalog.header.header_of("orders").map(str::to_string),
                message: "the catalog's own orders column is ignored because --sales is given"
                    .into(),
            });
        }
        let window = Window::new(cfg.as_of, cfg.window_days);
        // The demand model keeps the unit prices paid per line and day (the elasticity fit); the
        // tier plan does not read them.
        let mut totals = SalesTotals::with_prices(&lines, cfg.basis, cfg.policy.horizon.is_some());
        // Sales are read without the catalog's sheet choice: a sales file has its own first sheet.
        let sales_opts = ReadOptions {
            sheet: None,
            ..opts.clone()
        };
        let mut reads = Vec::with_capacity(args.files.sales.len());
        for path in &args.files.sales {
            let read = aggregate_sales(
                path,
                &sales_opts,
                maps,
                window,
                cfg.basis,
                &mut totals,
                &mut warnings,
            )?;
            inputs.push(InputFile {
                path: path.display().to_string(),
                role: "sales".into(),
                sheet: read.sheet.clone(),
                rows: read.rows,
                sha256: String::new(), // filled in from `hashing` below
            });
            reads.push(read);
        }
        // Stale exports (no sale of any file in the window) stop here; doubtful ones warn.
        warnings.extend(window_verdicts(&reads, window, WindowUse::Plan)?);
        // The demand model divides the sold figures by the whole window: say when the sales do
        // not cover it.
        if cfg.policy.horizon.is_some()
            && let Some(message) = crate::io::read::sales::late_start(&reads, window)
        {
            warnings.push(Warning {
                file: reads
                    .iter()
                    .map(|r| r.place.as_str())
                    .collect::<Vec<_>>()
                    .join(", "),
                sheet: None,
                row: None,
                column: reads.first().and_then(|r| r.date_column.clone()),
                message,
            });
        }
        price_history = totals.take_prices();
        let per_line = totals.finish(cfg.basis);
        for (line, (sold, last_sale)) in lines.iter_mut().zip(per_line) {
            line.sold = sold.into();
            line.last_sale = last_sale;
        }
        timings.mark("sales");
    }

    let hashes = crate::Timings::time("waiting for the input hashes", || hashing.join())
        .map_err(|_| Error::Internal("hashing the input files failed".into()))??;
    for (input, hash) in inputs.iter_mut().filter(|i| i.role != "stock").zip(hashes) {
        input.sha256 = hash;
    }

    let existing = match &args.files.existing {
        Some(path) => {
            let found = read_existing(path)?;
            inputs.push(InputFile {
                path: path.display().to_string(),
                role: "existing".into(),
                sheet: None,
                rows: found.len() as u64,
                sha256: sha256_file(path)?,
            });
            found
        }
        None => Vec::new(),
    };

    if let Some(req) = &cfg.policy.request {
        let known: HashSet<&str> = lines.iter().map(|l| l.sku.trim()).collect();
        for sku in &req.skus {
            if !known.contains(sku.as_str()) {
                warnings.push(Warning {
                    file: args.files.catalog.display().to_string(),
                    sheet: catalog.sheet.clone(),
                    row: None,
                    column: Some("sku".into()),
                    message: format!("requested sku \"{sku}\" is not in the catalog"),
                });
            }
        }
    }

    if let Some((days, _)) = cfg.policy.min_age {
        let column = catalog.header.header_of("received").map(str::to_string);
        let message = match &column {
            None => Some(format!(
                "--min-age {days} has no date to go by: the catalog has no received or created date column (received_at, created_at, date_added, Product creation date; or --map received=COLUMN), and the age is not taken from the sales files; no line was skipped as too new"
            )),
            Some(_) if lines.iter().all(|l| l.received.is_none()) => Some(format!(
                "--min-age {days}: the date column has no readable date; no line was skipped as too new"
            )),
            Some(_) => None,
        };
        if let Some(message) = message {
            warnings.push(Warning {
                file: args.files.catalog.display().to_string(),
                sheet: catalog.sheet.clone(),
                row: None,
                column,
                message,
            });
        }
    }

    for (flag, excluded, what, names, of_line) in [
        (
            "--exclude-tag / exclude_tags",
            &cfg.policy.excluded_tags,
            "tag",
            "no tags column (Shopify or WooCommerce `Tags`, a `tags` column, or --map tags=COLUMN)",
            (|l: &crate::model::CatalogLine| {
                l.extra()
                    .tags
                    .iter()
                    .map(|t| t.trim().to_lowercase())
                    .collect()
            }) as fn(&crate::model::CatalogLine) -> Vec<String>,
        ),
        (
            "--exclude-vendor / exclude_vendors",
            &cfg.policy.excluded_vendors,
            "vendor",
            "no vendor column (Shopify `Vendor`, a `vendor` or `brand` column, or --map vendor=COLUMN)",
            |l: &crate::model::CatalogLine| {
                l.extra()
                    .vendor
                    .iter()
                    .map(|v| v.trim().to_lowercase())
                    .collect()
            },
        ),
    ] {
        if excluded.is_empty() {
            continue;
        }
        let mut wanted: Vec<&String> = excluded.iter().collect();
        wanted.sort();
        let seen: HashSet<String> = lines.iter().flat_map(of_line).collect();
        let list = |v: &[&String]| {
            v.iter()
                .map(|s| format!("\"{s}\""))
                .collect::<Vec<_>>()
                .join(", ")
        };
        let message = if seen.is_empty() {
            Some(format!(
                "{flag}: the catalog has {names}, so none of the {} excluded {what}(s) ({}) can match; no line was excluded by {what}",
                wanted.len(),
                list(&wanted)
            ))
        } else {
            let unmatched: Vec<&String> = wanted
                .iter()
                .copied()
                .filter(|w| !seen.contains(*w))
                .collect();
            (!unmatched.is_empty()).then(|| {
                format!(
                    "{flag}: {} of {} excluded {what}(s) matched no line: {} (check the spelling)",
                    unmatched.len(),
                    wanted.len(),
                    list(&unmatched)
                )
            })
        };
        if let Some(message) = message {
            warnings.push(Warning {
                file: args.files.catalog.display().to_string(),
                sheet: catalog.sheet.clone(),
                row: None,
                column: Some(if what == "tag" { "tags" } else { what }.to_string()),
                message,
            });
        }
    }

    let policy = &cfg.policy;
    let record = PolicyRecord {
        min_margin_pct: policy.min_margin_pct,
        cap_pct: policy.cap_pct,
        step_pct: policy.step_pct,
        min_discount_pct: policy.min_discount_pct,
        margin_rule: policy.margin_rule.as_str().into(),
        window_days: cfg.window_days,
        // A cap other than the default, or an explicit request above the cap (which is planned
        // at its depth: the request overrides the cap).
        cap_overridden: policy.cap_pct != Decimal::from(25)
            || policy
                .request
                .as_ref()
                .is_some_and(|r| r.discount_pct > policy.cap_pct),
        no_cost_cap_pct: policy.no_cost_cap_pct,
        basis: cfg.basis.as_str().into(),
        currency: policy.currency.clone(),
        price_endings: policy.price_endings.iter().map(|d| plain(*d)).collect(),
        excluded_skus: sorted(policy.excluded_skus.iter().cloned()),
        excluded_categories: sorted(policy.excluded_categories.iter().cloned()),
        excluded_tags: sorted(policy.excluded_tags.iter().cloned()),
        excluded_vendors: sorted(policy.excluded_vendors.iter().cloned()),
        min_age_days: policy.min_age.map(|(d, _)| d),
        budget: policy.budget,
        request: policy.request.as_ref().map(|r| Request {
            skus: r.skus.clone(),
            discount_pct: r.discount_pct,
        }),
        allow_below_floor: policy.allow_below_floor,
        from_campaign: policy.only_lines.as_ref().map(|(name, _)| name.clone()),
    };
    if let Some(path) = &args.from_campaign {
        inputs.push(InputFile {
            path: path.display().to_string(),
            role: "campaign".into(),
            sheet: None,
            rows: policy
                .only_lines
                .as_ref()
                .map(|(_, s)| s.len() as u64)
                .unwrap_or(0),
            sha256: sha256_file(path)?,
        });
    }
    // The demand model projects from the sold figures: with none, every projection would be 0.
    if policy.horizon.is_some()
        && !lines
            .iter()
            .any(|l| l.sold.get().is_some_and(|s| s > Decimal::ZERO))
    {
        let what = if policy.target.is_some() {
            "target mode"
        } else {
            "the demand model (--exit, --what-if, --budget)"
        };
        return Err(Error::Data(format!(
            "{what} needs sales: pass --sales FILE (no line sold anything in the window)"
        )));
    }
    // The demand model's category rates and elasticities, from every line read.
    let modelled: Option<rules::Policy> = policy.horizon.as_ref().map(|h| {
        let mut p = policy.clone();
        p.horizon = Some(rules::Horizon {
            demand: rules::target::demand(
                &lines,
                h.window_days,
                price_history.as_deref(),
                h.default_elasticity,
            ),
            ..h.clone()
        });
        p
    });
    let policy = modelled.as_ref().unwrap_or(policy);
    let forecast = policy.horizon.as_ref().map(|h| forecast_record(h, policy));
    // A fine step makes every planned line's what-if long: say so before the files swell.
    if let Some(f) = &forecast
        && f.what_if_depths.len() > MANY_DEPTHS
    {
        warnings.push(Warning {
            file: args.files.catalog.display().to_string(),
            sheet: None,
            row: None,
            column: None,
            message: format!(
                "the what-if lists {} depths for every planned line (step {}% up to the {}% cap), so plan.json and plan.xlsx grow with them; a coarser --step keeps them small",
                f.what_if_depths.len(),
                plain(policy.step_pct),
                plain(policy.cap_pct)
            ),
        });
    }
    let mut plan_lines = crate::Timings::time("build_lines", || {
        rules::build_lines(std::mem::take(&mut lines), policy, &existing)
    });
    // The campaign: as-of to as-of + 28 days, or, with an exit date, as-of to the exit date
    // (both included), so the template's projections and the why look at the same horizon.
    let campaign_end = match &policy.horizon {
        Some(h) => h.end,
        None => cfg.as_of + chrono::Duration::days(i64::from(DEFAULT_CAMPAIGN_DAYS)),
    };
    // Projection over the campaign at the line's past pace.
    let days = Decimal::from((campaign_end - cfg.as_of).num_days() + 1);
    for line in plan_lines
        .iter_mut()
        .filter(|l| l.status == crate::model::LineStatus::Planned)
    {
        let projected = crate::campaign::template::projected_units(line, cfg.window_days, days);
        line.set_projected_units_sold(projected);
        line.set_stock_left_at_end(match (line.quantity.get(), projected) {
            (Some(q), Some(p)) => Some((q - p).max(Decimal::ZERO)),
            _ => None,
        });
    }
    let mut summary = crate::Timings::time("summarise", || rules::summarise(&plan_lines));
    // An upload template holds at most a million lines (a sheet's rows): say which are left
    // out, first (row warnings of a large catalog would push it past the printed ones).
    if let Some(message) = crate::campaign::template::template_cap_message(summary.planned) {
        warnings.insert(
            0,
            Warning {
                file: args.files.catalog.display().to_string(),
                sheet: None,
                row: None,
                column: None,
                message,
            },
        );
    }
    if policy.budget.is_some() {
        // Without a cost (or a margin) a line's capital freed is counted at its price, which
        // ranks it ahead of lines with a cost: say how many.
        let weighed: Vec<&crate::model::PlanLine> = plan_lines
            .iter()
            .filter(|l| l.projected_markdown_cost().is_some())
            .collect();
        let no_cost = weighed
            .iter()
            .filter(|l| l.cost.is_none() && l.margin_pct.is_none())
            .count();
        if no_cost > 0 {
            warnings.push(Warning {
                file: args.files.catalog.display().to_string(),
                sheet: catalog.sheet.clone(),
                row: None,
                column: Some("cost".into()),
                message: format!(
                    "--budget: {no_cost} of the {} line(s) weighed against the budget have no cost or margin, so the capital their sales free is counted at their price, which puts them ahead of lines with a cost; give their cost to weigh them alike",
                    weighed.len()
                ),
            });
        }
        summary.projected_markdown_cost = Some(
            plan_lines
                .iter()
                .filter(|l| l.status == crate::model::LineStatus::Planned)
                .filter_map(|l| l.projected_markdown_cost())
                .sum(),
        );
    }
    // No stock classified is not an all-clear: say why, before any other warning.
    if let Some(why) = rules::nothing_classified(&plan_lines) {
        warnings.insert(
            0,
            Warning {
                file: args.files.catalog.display().to_string(),
                sheet: catalog.sheet.clone(),
                row: None,
                column: None,
                message: why.message(),
            },
        );
    }
    timings.mark("rules");
    let as_of = cfg.as_of.to_string();
    let plan_id = plan_id(&inputs, &record, forecast.as_ref(), &as_of)?;
    Ok(Plan {
        schema: PLAN_SCHEMA.to_string(),
        plan_id,
        generated_at: chrono::Utc::now().format("%Y-%m-%dT%H:%M:%SZ").to_string(),
        as_of: as_of.clone(),
        policy: record,
        forecast,
        campaign: CampaignHeader {
            name: format!("Clearance {as_of}"),
            owner: None,
            start: as_of.clone(),
            end: campaign_end.to_string(),
            regions: Vec::new(),
            status: "draft".into(),
        },
        inputs,
        platform: catalog.platform.clone(),
        warnings,
        summary,
        lines: plan_lines,
    })
}

fn sorted(it: impl Iterator<Item = String>) -> Vec<String> {
    let mut v: Vec<String> = it.collect();
    v.sort();
    v
}

/// plan.json's `forecast`: the horizon, the target (in target mode) and the elasticity used per
/// category.
fn forecast_record(h: &rules::Horizon, policy: &rules::Policy) -> Forecast {
    let t = policy.target.as_ref();
    // Four decimals: the default's interval is −3.96 to −0.04, not −0.040000000000000036.
    let r = |x: f64| (x * 1e4).round() / 1e4;
    Forecast {
        exit: h.exit.map(|e| e.to_string()),
        target_sellthrough_pct: t.map(|t| t.sellthrough_pct),
        days: h.days,
        default_elasticity: (h.default_elasticity != crate::forecast::DEFAULT_ELASTICITY)
            .then_some(h.default_elasticity),
        elasticities: h
            .demand
            .elasticities
            .iter()
            .map(|e| CategoryElasticity {
                category: e.category.clone(),
                value: r(e.value),
                source: match e.source {
                    crate::forecast::Source::Learned => "learned",
                    crate::forecast::Source::Default => "default",
                }
                .into(),
                interval: [r(e.interval.0), r(e.interval.1)],
                price_changes: e.price_changes,
                note: e.note.clone(),
            })
            .collect(),
        what_if_depths: rules::what_if::depths(
            policy.step_pct,
            policy.min_discount_pct,
            policy.cap_pct,
            policy.request.as_ref().map(|r| r.discount_pct),
        ),
    }
}

/// A short hash of the inputs' contents, the policy, target mode's settings (when on) and the
/// as-of date.
fn plan_id(
    inputs: &[InputFile],
    policy: &PolicyRecord,
    forecast: Option<&Forecast>,
    as_of: &str,
) -> Result<String> {
    let mut h = Sha256::new();
    for i in inputs {
        h.update(i.role.as_bytes());
        h.update(i.sha256.as_bytes());
    }
    h.update(serde_json::to_vec(policy).map_err(|e| Error::Internal(e.to_string()))?);
    if let Some(f) = forecast {
        // The what-if's depths follow from the policy, already hashed: left out, so target
        // mode's plan id is what it was before the what-if.
        let f = Forecast {
            what_if_depths: Vec::new(),
            ..f.clone()
        };
        h.update(serde_json::to_vec(&f).map_err(|e| Error::Internal(e.to_string()))?);
    }
    h.update(as_of.as_bytes());
    Ok(hex(&h.finalize())[..12].to_string())
}
