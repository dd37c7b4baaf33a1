//! `clearance apply`: a valid template becomes the campaign package in
//! `DIR/<campaign name as a slug>/`, built in a temporary folder beside it and renamed into
//! place, so the folder is either complete or absent.

use crate::Output;
use crate::campaign::header::{self, Header, overlaps, slug};
use crate::campaign::package::{self, Campaign, PRICE_COLUMNS, PackageOptions};
use crate::campaign::template::DEFAULT_CAMPAIGN_DAYS;
use crate::campaign::validate::{check, missing_hidden_sheet};
use crate::cli::ApplyArgs;
use crate::config::load_campaign_config;
use crate::error::{Error, Result};
use crate::io::read::ReadOptions;
use crate::io::read::plan_file::read_plan;
use crate::io::read::sales::{Purchases, Window, customer_purchases};
use crate::io::read::template::read_template;
use crate::io::write::atomic::ensure_dir;
use crate::io::write::files::{write_csv, write_json, write_machine_csv};
use crate::model::{Plan, Warning};
use crate::platform::{self, MachineCsv, Platform};
use chrono::NaiveDate;
use std::path::{Path, PathBuf};

pub fn run(args: &ApplyArgs, out: &mut Output) -> Result<()> {
    let today = args
        .as_of
        .unwrap_or_else(|| chrono::Local::now().date_naive());
    let cfg = load_campaign_config(args.config.as_deref())?;
    let plan = read_plan(&args.plan)?;
    let file = read_template(&args.template)?;
    let shown = args.template.display().to_string();
    let no_hidden_sheet = missing_hidden_sheet(&plan, &file, &shown)?;
    let (problems, edited) = check(&plan, &file);
    if !problems.is_empty() {
        for p in &problems {
            out.text(&format!("{p}\n"));
        }
        return Err(Error::Data(format!(
            "{}: {} problem(s) in the template; nothing was written. Fix them (clearance validate lists them) and apply again",
            args.template.display(),
            problems.len()
        )));
    }

    let start = args.start.unwrap_or(today);
    let end = match args.end {
        Some(end) => end,
        None => {
            let days = cfg.duration_days.unwrap_or(DEFAULT_CAMPAIGN_DAYS);
            start
                .checked_add_days(chrono::Days::new(u64::from(days)))
                .filter(|_| days <= 3660)
                .ok_or_else(|| {
                    Error::Usage(format!(
                        "campaign header: a campaign of {days} days from {start} is out of range; set --end or a duration_days of at most 3660"
                    ))
                })?
        }
    };
    let name = args
        .name
        .clone()
        .or(cfg.name.clone())
        .unwrap_or_else(|| format!("Clearance {start}"));
    let name = header::normalize_name(&name);
    let header = Header {
        name,
        owner: args.owner.clone().or(cfg.owner.clone()),
        start,
        end,
        first_delivery_till: args.first_delivery,
        regions: if args.region.is_empty() {
            cfg.regions.clone().unwrap_or_default()
        } else {
            args.region.clone()
        },
        segments: if args.segment.is_empty() {
            cfg.segments.clone().unwrap_or_default()
        } else {
            args.segment.clone()
        },
        notes: args.notes.clone().or(cfg.notes.clone()),
    };
    let others = existing_campaigns(&args.out);
    let names: Vec<String> = others.iter().map(|(_, c)| c.header.name.clone()).collect();
    let header_problems = header::check(&header, today, &names);
    let slug = slug(&header.name);
    let target = args.out.join(&slug);
    let mut header_problems = header_problems;
    if target.exists() && !names.iter().any(|n| header::same_name(n, &header.name)) {
        header_problems.push(format!(
            "{} already exists; choose another --name",
            target.display()
        ));
    }
    if !header_problems.is_empty() {
        return Err(Error::Usage(format!(
            "campaign header: {}",
            header_problems.join("; ")
        )));
    }

    let now = chrono::Utc::now().format("%Y-%m-%dT%H:%M:%SZ").to_string();
    let opts = PackageOptions {
        approved_by: args.approve.then(|| args.by.clone()).flatten(),
        approved_at: args.approve.then(|| now.clone()),
        created_at: now,
        conversion_delay_days: args
            .conversion_delay
            .or(cfg.conversion_delay_days)
            .unwrap_or(0),
    };
    let mut campaign = package::build(&plan, &header, &edited, &opts, &slug);
    if let Some(message) = no_hidden_sheet {
        campaign.warnings.insert(
            0,
            Warning {
                file: shown,
                sheet: None,
                row: None,
                column: None,
                message,
            },
        );
    }
    overlap_warnings(&mut campaign, &others);
    if campaign.lines.is_empty() {
        return Err(Error::Data(format!(
            "{}: no row is included with a discount above 0{}; nothing to apply",
            args.template.display(),
            if header.regions.is_empty() {
                ""
            } else {
                " in the chosen regions"
            }
        )));
    }
    let boosts = args.boosts || cfg.boosts.unwrap_or(false);
    let purchases = read_purchases(args, &plan, today, &mut campaign)?;
    let quotes = purchases.as_ref().map(|p| {
        let (rows, capped) = package::quotes(&campaign, p, package::MAX_QUOTE_ROWS);
        campaign.warnings.extend(capped);
        rows
    });
    let platform = args.platform.unwrap_or_else(|| Platform::of_plan(&plan));
    let platform_files = platform::files(platform, &campaign, &plan)?;
    let rules = package::discount_rules(&campaign, &plan);
    campaign.rules_left_out = rules.left_out.clone();
    // discount-rules.json is for Wix (and a generic shop that loads rules): its warnings are
    // noise for a campaign loaded through another platform's import file.
    if matches!(platform, Platform::Wix | Platform::Generic) {
        campaign.warnings.extend(rules.warnings);
    } else {
        campaign
            .warnings
            .retain(|w| w.file != "discount-rules.json");
    }
    campaign.warnings.extend(platform_files.warnings);
    campaign.platform = Some(platform.name().to_string());
    campaign.files = [
        "campaign.json",
        "price-list.csv",
        "revert.csv",
        "discount-rules.json",
    ]
    .into_iter()
    .map(str::to_string)
    .chain(platform_files.csv.iter().map(|f| f.name.clone()))
    .chain((!campaign.header.segments.is_empty()).then(|| "coupons.csv".to_string()))
    .chain(boosts.then(|| "boosts.csv".to_string()))
    .chain(quotes.is_some().then(|| "quotes.csv".to_string()))
    .collect();
    write_package(
        &args.out,
        &target,
        &campaign,
        boosts.then(|| package::boosts(&campaign, &plan)).as_deref(),
        quotes.as_deref(),
        &platform_files.csv,
        &rules.bodies,
    )?;

    if !args.quiet {
        crate::print_warnings(&campaign.warnings, out);
    }
    out.text(&format!(
        "Campaign \"{}\" ({}, {} to {}): {} line(s) written to {}\n",
        campaign.header.name,
        campaign.status,
        campaign.header.start,
        campaign.header.end,
        campaign.lines.len(),
        target.display()
    ));
    Ok(())
}

/// The campaigns already in the folder (folder name, campaign).
fn existing_campaigns(dir: &Path) -> Vec<(PathBuf, Campaign)> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut found: Vec<(PathBuf, Campaign)> = entries
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| p.is_dir())
        .filter_map(|p| {
            let text = std::fs::read(p.join("campaign.json")).ok()?;
            let c: Campaign = serde_json::from_slice(&text).ok()?;
            Some((p, c))
        })
        .collect();
    found.sort_by(|a, b| a.0.cmp(&b.0));
    found
}

/// A sku in another campaign of the folder with overlapping dates is a warning naming both.
fn overlap_warnings(c: &mut Campaign, others: &[(PathBuf, Campaign)]) {
    for (_, other) in others {
        if !overlaps(
            (c.header.start, c.header.end),
            (other.header.start, other.header.end),
        ) {
            continue;
        }
        for l in &c.lines {
            if other
                .lines
                .iter()
                .any(|o| o.sku == l.sku && o.location == l.location)
            {
                c.warnings.push(Warning {
                    file: "campaign.json".into(),
                    sheet: None,
                    row: Some(l.template_row),
                    column: Some("SKU".into()),
                    message: format!(
                        "sku {} is in campaign \"{}\" ({} to {}) and in campaign \"{}\" ({} to {}), with overlapping dates",
                        l.sku, c.header.name, c.header.start, c.header.end, other.header.name, other.header.start, other.header.end
                    ),
                });
            }
        }
    }
}

/// Customers' purchases from `--sales`, over the plan's window ending at its as-of date.
fn read_purchases(
    args: &ApplyArgs,
    plan: &Plan,
    today: NaiveDate,
    c: &mut Campaign,
) -> Result<Option<Purchases>> {
    if args.sales.is_empty() {
        return Ok(None);
    }
    let as_of = plan.as_of.parse::<NaiveDate>().unwrap_or(today);
    let window = Window::new(as_of, plan.policy.window_days);
    let mut all = Purchases::new();
    for path in &args.sales {
        match customer_purchases(path, &ReadOptions::default(), &[], window)? {
            Some(p) => {
                for (customer, skus) in p {
                    all.entry(customer).or_default().extend(skus);
                }
            }
            None => c.warnings.push(Warning {
                file: path.display().to_string(),
                sheet: None,
                row: None,
                column: Some("customer".into()),
                message:
                    "no customer id column (customer, customer_id, email); no quotes from this file"
                        .into(),
            }),
        }
    }
    Ok(Some(all))
}

/// Build the package in a temporary folder inside `out`, then rename it to `target`: the
/// campaign, its price list and revert file, the discount `rules`, the platform's files, and
/// coupons, `boosts` and `quotes` rows when there are any.
fn write_package(
    out: &Path,
    target: &Path,
    c: &Campaign,
    boosts: Option<&[[String; 3]]>,
    quotes: Option<&[[String; 9]]>,
    platform_csv: &[MachineCsv],
    rules: &[serde_json::Value],
) -> Result<()> {
    ensure_dir(out)?;
    let tmp = tempfile::Builder::new()
        .prefix(".clearance-campaign-")
        .tempdir_in(out)
        .map_err(|e| Error::output(out, format!("cannot create a folder: {e}")))?;
    let dir = tmp.path();
    write_json(dir, "campaign.json", c)?;
    write_csv(
        dir,
        "price-list.csv",
        &PRICE_COLUMNS,
        &package::price_list(c),
    )?;
    write_csv(dir, "revert.csv", &PRICE_COLUMNS, &package::revert(c))?;
    write_json(dir, package::RULES_FILE, &rules)?;
    for f in platform_csv {
        write_machine_csv(dir, f)?;
    }
    if !c.header.segments.is_empty() {
        write_csv(
            dir,
            "coupons.csv",
            &["segment", "code", "valid_from", "valid_to"],
            &package::coupons(c),
        )?;
    }
    if let Some(rows) = boosts {
        write_csv(dir, "boosts.csv", &["sku", "location", "boost"], rows)?;
    }
    if let Some(rows) = quotes {
        write_csv(dir, "quotes.csv", &package::QUOTE_COLUMNS, rows)?;
    }
    let kept = tmp.keep();
    std::fs::rename(&kept, target).map_err(|e| {
        let _ = std::fs::remove_dir_all(&kept);
        Error::output(target, format!("cannot move the package into place: {e}"))
    })?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let _ = std::fs::set_permissions(target, std::fs::Permissions::from_mode(0o755));
    }
    Ok(())
}
