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
use crate::io::write::files::{write_csv, write_json, write_machine_csv};
use crate::io::write::journal;
use crate::model::{Plan, Warning};
use crate::platform::{self, MachineCsv, Platform};
use chrono::NaiveDate;
use serde::Deserialize;
use serde::de::IgnoredAny;
use std::borrow::Cow;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

pub fn run(args: &ApplyArgs, out: &mut Output) -> Result<()> {
    let today = args
        .as_of
        .unwrap_or_else(|| chrono::Local::now().date_naive());
    let cfg = load_campaign_config(args.config.as_deref())?;
    for note in journal::settle_inputs(&[&args.plan, &args.template])? {
        out.stderr(&format!("warning: {note}\n"));
    }
    let plan = read_plan(&args.plan)?;
    let file = read_template(&args.template)?;
    let shown = args.template.display().to_string();
    let no_hidden_sheet = missing_hidden_sheet(&plan, &file, &shown)?;
    let (problems, edited) = check(&plan, &file);
    if problems.is_empty()
        && let Some(over) = crate::campaign::validate::over_budget(&plan, &edited)
        && !args.quiet
    {
        out.stderr(&format!(
            "warning: {}: {}\n",
            args.template.display(),
            over.message()
        ));
    }
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
    // A plan made to an exit date (`plan --exit`) runs its campaign to that date unless --end or
    // duration_days says otherwise: its projections (and a budget) cover those days.
    let exit = plan
        .forecast
        .as_ref()
        .and_then(|f| f.exit.as_deref())
        .and_then(|e| chrono::NaiveDate::parse_from_str(e, "%Y-%m-%d").ok());
    let end = match (args.end, exit) {
        (Some(end), _) => end,
        (None, Some(exit)) if cfg.duration_days.is_none() => {
            if exit < start {
                return Err(Error::Usage(format!(
                    "the plan was made to the exit date {exit}, before the campaign's start {start}; pass --end DATE (or plan again with a later --exit)"
                )));
            }
            exit
        }
        (None, _) => {
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
    let slug = slug(&header.name);
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
    // Built before the folder is read (it writes nothing), so that each campaign already in
    // the folder is read once and looked up against the new campaign's lines.
    let mut campaign = package::build(&plan, &header, &edited, &opts, &slug);
    // A header wrong whatever the folder holds is refused before the folder is touched.
    let problems = header::check(&header, today, &[]);
    if !problems.is_empty() {
        return Err(Error::Usage(format!(
            "campaign header: {}",
            problems.join("; ")
        )));
    }
    // The campaigns folder's write lock from the name check to the rename: two runs cannot
    // both take a name, and what a stopped run left (a temporary package) is removed first.
    let mut settled = Vec::new();
    let _claim = journal::claim(
        &args.out,
        journal::Folder::Campaigns,
        journal::DEFAULT_WAIT,
        &mut settled,
    )?;
    for note in &settled {
        out.stderr(&format!("warning: {note}\n"));
    }
    let others = existing_campaigns(&args.out, &campaign);
    let names: Vec<String> = others.iter().map(|c| c.name.clone()).collect();
    let header_problems = header::check(&header, today, &names);
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

/// A campaign already in the folder, as far as `apply` needs it: its name (unique names), its
/// dates, and which lines of the new campaign it shares (overlap warnings; only when the dates
/// overlap).
#[derive(Debug, Clone, PartialEq)]
struct Existing {
    /// The campaign's folder.
    path: PathBuf,
    name: String,
    start: NaiveDate,
    end: NaiveDate,
    /// Indexes into the new campaign's lines of the lines with a sku and location this
    /// campaign holds too, in line order; empty when the dates do not overlap.
    shared: Vec<usize>,
}

/// What `apply` reads of a campaign.json: name, dates, and each line's sku and location. The
/// other fields a campaign must have are named so that a file that is not a campaign is
/// skipped as before; `IgnoredAny` checks they are there without keeping them, and the rest of
/// each line (most of the file) is skipped.
#[derive(Deserialize)]
#[allow(dead_code)]
struct CampaignKeys<'a> {
    schema: IgnoredAny,
    name: String,
    start: NaiveDate,
    end: NaiveDate,
    regions: IgnoredAny,
    segments: IgnoredAny,
    slug: IgnoredAny,
    plan_id: IgnoredAny,
    status: IgnoredAny,
    created_at: IgnoredAny,
    #[serde(borrow)]
    lines: Vec<LineKey<'a>>,
    warnings: IgnoredAny,
}

/// The sku and location of a campaign line (borrowed from the file's text when unescaped).
#[derive(Deserialize)]
struct LineKey<'a> {
    #[serde(borrow)]
    sku: Cow<'a, str>,
    #[serde(default, borrow)]
    location: Option<Cow<'a, str>>,
}

/// The campaigns already in the folder, sorted by folder, each looked up against the new
/// campaign `c`: its lines are indexed by sku and location once, and each top-level
/// campaign.json is read once, one at a time, keeping only its name, dates and (when the dates
/// overlap `c`'s) the indexes of the lines it shares. Linear in the lines; memory does not grow
/// with the number or the size of the campaigns in the folder. Later revisions
/// (`revisions/NNN/`) keep a campaign's name, dates, skus and locations, so they are not read.
fn existing_campaigns(dir: &Path, c: &Campaign) -> Vec<Existing> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut folders: Vec<PathBuf> = entries
        .filter_map(|e| e.ok())
        // A hidden folder is never a campaign (a temporary package of a stopped run).
        .filter(|e| !e.file_name().to_string_lossy().starts_with('.'))
        .map(|e| e.path())
        .filter(|p| p.is_dir())
        .collect();
    folders.sort();
    let mut index: HashMap<(&str, Option<&str>), Vec<usize>> = HashMap::new();
    for (i, l) in c.lines.iter().enumerate() {
        index
            .entry((l.sku.as_str(), l.location.as_deref()))
            .or_default()
            .push(i);
    }
    let window = (c.header.start, c.header.end);
    folders
        .into_iter()
        .filter_map(|path| {
            // Only a plain file is read (a FIFO would hang, a link to a device never end).
            let file = path.join("campaign.json");
            if !std::fs::symlink_metadata(&file).is_ok_and(|m| m.is_file()) {
                return None;
            }
            let text = std::fs::read(&file).ok()?;
            let other: CampaignKeys = serde_json::from_slice(&text).ok()?;
            let mut shared = Vec::new();
            if overlaps(window, (other.start, other.end)) {
                let mut hit = vec![false; c.lines.len()];
                for k in &other.lines {
                    if let Some(ids) = index.get(&(&*k.sku, k.location.as_deref())) {
                        for &i in ids {
                            hit[i] = true;
                        }
                    }
                }
                shared = (0..hit.len()).filter(|&i| hit[i]).collect();
            }
            Some(Existing {
                path,
                name: other.name,
                start: other.start,
                end: other.end,
                shared,
            })
        })
        .collect()
}

/// A sku in another campaign of the folder with overlapping dates is a warning naming both:
/// by campaign folder, then in the new campaign's line order.
fn overlap_warnings(c: &mut Campaign, others: &[Existing]) {
    let mut found = Vec::new();
    for other in others {
        for l in other.shared.iter().filter_map(|&i| c.lines.get(i)) {
            found.push(Warning {
                file: "campaign.json".into(),
                sheet: None,
                row: Some(l.template_row),
                column: Some("SKU".into()),
                message: format!(
                    "sku {} is in campaign \"{}\" ({} to {}) and in campaign \"{}\" ({} to {}), with overlapping dates",
                    l.sku, c.header.name, c.header.start, c.header.end, other.name, other.start, other.end
                ),
            });
        }
    }
    c.warnings.extend(found);
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
    let tmp = tempfile::Builder::new()
        .prefix(journal::CAMPAIGN_TEMP_PREFIX)
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
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let _ = std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o755));
    }
    journal::sync_dir(dir);
    // One rename puts the whole package in place; a run stopped before it leaves a hidden
    // temporary folder, removed by the next run that takes the folder's lock.
    let kept = tmp.keep();
    std::fs::rename(&kept, target).map_err(|e| {
        let _ = std::fs::remove_dir_all(&kept);
        Error::output(target, format!("cannot move the package into place: {e}"))
    })?;
    // The rename itself made durable: a crash right after cannot lose the package.
    journal::sync_dir(out);
    Ok(())
}
