//! `clearance review`: read a campaign (its latest revision) and the sales since its start,
//! judge every line (`campaign::review`), write `review.json` and `review.xlsx`, print the
//! table, and with `--apply` write the next revision into the campaign's folder:
//!
//! ```text
//! CAMPAIGNS/<slug>/campaign.json              revision 1, as `apply` wrote it (never touched)
//! CAMPAIGNS/<slug>/revisions/002/campaign.json  every line with its current depth and steps
//! CAMPAIGNS/<slug>/revisions/002/price-list.csv  only the deepened lines, from the next day
//! CAMPAIGNS/<slug>/revisions/002/discount-rules.json  only the deepened lines
//! CAMPAIGNS/<slug>/revisions/002/revert.csv     only the ended lines, back to the list price
//! ```
//!
//! A revision folder is built in a temporary folder and renamed into place; a lock file in the
//! campaign folder keeps two runs (cron) from writing revisions at once.

use crate::Output;
use crate::campaign::package::{self, Campaign, PRICE_COLUMNS};
use crate::campaign::review::{
    self, Facts, LineReview, REVIEW_SCHEMA, Review, Reviewed, SettingsRecord, WrittenRevision,
};
use crate::cli::{OutputFormat, ReviewArgs};
use crate::config::resolve_review;
use crate::error::{Error, Result};
use crate::io::read::catalog::read_catalog;
use crate::io::read::sales::{
    Basis, SalesTotals, Window, WindowUse, aggregate_sales, open_sales, window_verdict,
};
use crate::io::read::{ReadOptions, sha256_file};
use crate::io::write::atomic::{Staged, check_overwrite, ensure_dir, fail_point};
use crate::io::write::files::{write_csv, write_json};
use crate::io::write::lock::Lock;
use crate::io::write::review_xlsx;
use crate::model::{CatalogLine, InputFile, Warning};
use chrono::NaiveDate;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

const LOCK_FILE: &str = ".clearance-review.lock";
pub const REVIEW_FILES: [&str; 2] = ["review.json", "review.xlsx"];

pub fn run(args: &ReviewArgs, out: &mut Output) -> Result<()> {
    let as_of = args
        .common
        .as_of
        .unwrap_or_else(|| chrono::Local::now().date_naive());
    let targets: Vec<PathBuf> = REVIEW_FILES.iter().map(|f| args.out.join(f)).collect();
    check_overwrite(&targets, args.common.force)?;
    if args.out.is_file() {
        return Err(Error::output(&args.out, "is a file; --out takes a folder"));
    }
    // Only one run may write the next revision of a campaign; the lock is taken before the
    // latest revision is read, so a second run waits and then reviews the new one.
    let _lock = if args.apply {
        let root = campaign_root(&args.campaign);
        if !root.join("campaign.json").is_file() {
            let file = root.join("campaign.json");
            return Err(Error::input(
                &file,
                "no campaign here; give the campaign.json `clearance apply` wrote, or its folder",
            ));
        }
        Some(Lock::take(
            &root.join(LOCK_FILE),
            "clearance review",
            Duration::from_secs(args.lock_wait),
        )?)
    } else {
        None
    };
    let found = locate(&args.campaign)?;
    let campaign = &found.campaign;
    let settings = resolve_review(args, campaign.policy.as_ref())?;

    let progress = crate::Progress::new(args.common.quiet);
    progress.step(format!("reading the sales since {}", campaign.header.start));
    let opts = ReadOptions {
        date_order: crate::config::date_order(
            args.common.config.as_deref(),
            args.input.date_order.map(Into::into),
        )?,
        ..args.input.read_options()
    };
    let mut warnings: Vec<Warning> = Vec::new();
    if campaign.status != "approved" {
        warnings.push(Warning {
            file: found.file.display().to_string(),
            sheet: None,
            row: None,
            column: Some("status".into()),
            message: format!(
                "the campaign is a {} (not approved): its discount rules, and those of its revisions, are written inactive",
                campaign.status
            ),
        });
    }
    let mut inputs = Vec::new();
    let sales = SalesInputs {
        files: &args.sales,
        opts: &opts,
        maps: &args.input.maps,
    };
    let mut facts = sales_facts(campaign, &sales, as_of, Some(&mut inputs), &mut warnings)?;
    if let Some(path) = &args.catalog {
        progress.step(format!("reading {}", path.display()));
        stock_now(
            campaign,
            path,
            &opts,
            &args.input.maps,
            &mut facts,
            &mut inputs,
            &mut warnings,
        )?;
    }
    let lines: Vec<LineReview> = campaign
        .lines
        .iter()
        .zip(&facts)
        .map(|(l, f)| review::decide(campaign, l, f, &settings, as_of))
        .collect();
    let now = chrono::Utc::now().format("%Y-%m-%dT%H:%M:%SZ").to_string();

    let next = if args.apply {
        review::revise(campaign, &lines, as_of, &now)
    } else {
        None
    };
    let written = next.as_ref().map(|n| WrittenRevision {
        revision: n.revision,
        folder: revision_folder(&found.root, n.revision)
            .display()
            .to_string(),
        changes: n.changes.len(),
    });

    let review = Review {
        schema: REVIEW_SCHEMA.into(),
        as_of,
        generated_at: now,
        campaign: Reviewed {
            name: campaign.header.name.clone(),
            slug: campaign.slug.clone(),
            file: found.file.display().to_string(),
            revision: campaign.revision,
            start: campaign.header.start,
            end: campaign.header.end,
            status: campaign.status.clone(),
        },
        settings: SettingsRecord::of(&settings, campaign.policy.as_ref().map(|p| p.cap_pct)),
        inputs,
        summary: review::summarise(&lines),
        revision_written: written,
        warnings,
        lines,
    };
    // The review files are staged first, the revision folder renamed into place next, the
    // review files last: a run that fails leaves neither a revision nor half the outputs.
    ensure_dir(&args.out)?;
    let mut staged = Staged::new();
    staged.write(&targets[0], |w| {
        serde_json::to_writer_pretty(&mut *w, &review)
            .map_err(|e| Error::Internal(format!("cannot serialise the review: {e}")))?;
        w.write_all(b"\n")
            .map_err(|e| Error::output(&targets[0], format!("cannot write: {e}")))
    })?;
    staged.write_with_path(&targets[1], |tmp| {
        review_xlsx::write(&review, &targets[1], tmp)
    })?;
    if let Some(next) = &next {
        progress.step("writing the next revision".to_string());
        write_revision(&found.root, next)?;
    }
    staged.commit()?;
    progress.finish();

    if !args.common.quiet {
        crate::print_warnings(&review.warnings, out);
    }
    match args.common.format {
        OutputFormat::Table => out.stdout(&review_xlsx::render_table(&review)),
        OutputFormat::Json => {
            let text = serde_json::to_string_pretty(&review)
                .map_err(|e| Error::Internal(e.to_string()))?;
            out.stdout(&text);
            out.stdout("\n");
        }
        OutputFormat::Csv => out.stdout(&review_xlsx::render_csv(&review)?),
    }
    if !args.common.quiet {
        let revision = match &review.revision_written {
            Some(w) => format!(
                "; revision {} with {} change(s) written to {}",
                w.revision, w.changes, w.folder
            ),
            None if args.apply => "; nothing to change, no revision written".into(),
            None => String::new(),
        };
        out.stderr(&format!(
            "Wrote {} (review.json, review.xlsx) for {} line(s) of \"{}\" revision {}{revision}.\n",
            args.out.display(),
            review.lines.len(),
            review.campaign.name,
            review.campaign.revision,
        ));
    }
    Ok(())
}

/// The campaigns of `dir` (the campaigns folder of `apply`) running on `as_of`, each at its
/// latest revision, with the totals a review of them gives (for the weekly report).
pub fn running_campaigns(
    dir: &Path,
    sales: &SalesInputs<'_>,
    config: Option<&Path>,
    as_of: NaiveDate,
    warnings: &mut Vec<Warning>,
) -> Result<Vec<crate::report::RunningCampaign>> {
    let entries = std::fs::read_dir(dir).map_err(|e| Error::from_io_input(dir, &e))?;
    let mut folders: Vec<PathBuf> = entries
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| p.join("campaign.json").is_file())
        .collect();
    folders.sort();
    let mut out = Vec::new();
    for folder in folders {
        // One damaged campaign, or sales it cannot use, must not stop the weekly report: the
        // campaign is named in a warning and skipped.
        match running_campaign(&folder, sales, config, as_of, warnings) {
            Ok(Some(c)) => out.push(c),
            Ok(None) => {}
            Err(e) => warnings.push(Warning {
                file: folder.display().to_string(),
                sheet: None,
                row: None,
                column: None,
                message: format!("campaign skipped in the report: {e}"),
            }),
        }
    }
    Ok(out)
}

/// One campaign folder for the report: `None` when it is not running on `as_of`.
fn running_campaign(
    folder: &Path,
    sales: &SalesInputs<'_>,
    config: Option<&Path>,
    as_of: NaiveDate,
    warnings: &mut Vec<Warning>,
) -> Result<Option<crate::report::RunningCampaign>> {
    let found = locate(folder)?;
    let c = &found.campaign;
    if as_of < c.header.start || as_of > c.header.end {
        return Ok(None);
    }
    if sales.files.is_empty() {
        return Err(Error::Usage(format!(
            "campaign \"{}\" is running, but its clearance rate needs dated --sales",
            c.header.name
        )));
    }
    let settings = crate::config::review_settings(config, None, &[], None, c.policy.as_ref())
        .map_err(|e| Error::Data(format!("{}: {e}", found.file.display())))?;
    let facts = sales_facts(c, sales, as_of, None, warnings)?;
    let lines: Vec<LineReview> = c
        .lines
        .iter()
        .zip(&facts)
        .map(|(l, f)| review::decide(c, l, f, &settings, as_of))
        .collect();
    Ok(Some(crate::report::RunningCampaign {
        name: c.header.name.clone(),
        slug: c.slug.clone(),
        revision: c.revision,
        start: c.header.start,
        end: c.header.end,
        status: c.status.clone(),
        review: review::summarise(&lines),
    }))
}

/// A campaign found on disk: its folder, the file of its latest revision, and that revision.
struct Found {
    root: PathBuf,
    file: PathBuf,
    campaign: Campaign,
}

fn read_campaign(path: &Path) -> Result<Campaign> {
    let bytes = std::fs::read(path).map_err(|e| Error::from_io_input(path, &e))?;
    serde_json::from_slice(&bytes).map_err(|e| {
        Error::Data(format!(
            "{}: not a campaign.json written by `clearance apply` or `clearance review --apply` ({e}); give the campaign's campaign.json or its folder",
            path.display()
        ))
    })
}

/// The folder `arg` names: itself, or the folder of the file.
fn folder_of(arg: &Path) -> PathBuf {
    if arg.is_dir() {
        return arg.to_path_buf();
    }
    match arg.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// The campaign folder of `arg`: a campaign.json, a campaign folder, or a revision inside one.
fn campaign_root(arg: &Path) -> PathBuf {
    let folder = folder_of(arg);
    match folder.parent() {
        Some(revisions) if revisions.file_name() == Some(std::ffi::OsStr::new("revisions")) => {
            revisions.parent().map(Path::to_path_buf).unwrap_or(folder)
        }
        _ => folder,
    }
}

/// The folder of revision `n`.
fn revision_folder(root: &Path, n: u32) -> PathBuf {
    root.join("revisions").join(format!("{n:03}"))
}

/// Checks on a campaign file's header that the review's arithmetic relies on.
fn check_campaign(c: &Campaign, path: &Path) -> Result<()> {
    if c.header.end < c.header.start {
        return Err(Error::Data(format!(
            "{}: end {} is before start {}; fix the dates in campaign.json",
            path.display(),
            c.header.end,
            c.header.start
        )));
    }
    if c.revision == 0 || c.revision > 9999 {
        return Err(Error::Data(format!(
            "{}: revision {} is out of range (1 to 9999)",
            path.display(),
            c.revision
        )));
    }
    Ok(())
}

/// The campaign of `arg` at its latest revision. Revision folders must hold the revision their
/// name says, of this campaign; anything else is refused rather than guessed around.
fn locate(arg: &Path) -> Result<Found> {
    let root = campaign_root(arg);
    // A campaign file given in the campaign's own folder is revision 1 whatever its name.
    let first_file = if arg.is_file() && folder_of(arg) == root {
        arg.to_path_buf()
    } else {
        root.join("campaign.json")
    };
    let first = read_campaign(&first_file)?;
    check_campaign(&first, &first_file)?;
    let mut best = (first.clone(), first_file);
    for (n, path) in revision_files(&root) {
        let c = read_campaign(&path)?;
        check_campaign(&c, &path)?;
        if c.revision != n || c.slug != first.slug || c.plan_id != first.plan_id {
            return Err(Error::Data(format!(
                "{}: this is revision {} of campaign \"{}\" (plan {}), not revision {n} of \"{}\" (plan {}); move it out of {}",
                path.display(),
                c.revision,
                c.slug,
                c.plan_id,
                first.slug,
                first.plan_id,
                root.join("revisions").display()
            )));
        }
        if n > best.0.revision {
            best = (c, path);
        }
    }
    Ok(Found {
        root,
        file: best.1,
        campaign: best.0,
    })
}

/// `revisions/NNN/campaign.json` files of a campaign folder with their numbers.
fn revision_files(root: &Path) -> Vec<(u32, PathBuf)> {
    let Ok(entries) = std::fs::read_dir(root.join("revisions")) else {
        return Vec::new();
    };
    let mut found: Vec<(u32, PathBuf)> = entries
        .filter_map(|e| e.ok())
        .filter_map(|e| {
            let n = e.file_name().to_str()?.parse::<u32>().ok()?;
            let file = e.path().join("campaign.json");
            file.is_file().then_some((n, file))
        })
        .collect();
    found.sort();
    found
}

/// The sales files a review or a report reads, and how to read them.
pub struct SalesInputs<'a> {
    pub files: &'a [PathBuf],
    pub opts: &'a ReadOptions,
    pub maps: &'a [(String, String)],
}

/// What each campaign line sold since the start. With `inputs`, each sales file is listed
/// there with its hash (review.json); the report, which lists no inputs, skips the hashing.
fn sales_facts(
    c: &Campaign,
    sales: &SalesInputs<'_>,
    as_of: NaiveDate,
    mut inputs: Option<&mut Vec<InputFile>>,
    warnings: &mut Vec<Warning>,
) -> Result<Vec<Facts>> {
    let SalesInputs { files, opts, maps } = *sales;
    let lines: Vec<CatalogLine> = c
        .lines
        .iter()
        .map(|l| CatalogLine {
            sku: l.sku.clone(),
            location: l.location.clone(),
            name: l.name.clone(),
            aliases: l.name.iter().cloned().collect(),
            ..CatalogLine::default()
        })
        .collect();
    let mut totals = SalesTotals::new(&lines, Basis::Units);
    let start = c.header.start;
    let window = Window {
        start,
        end: as_of.min(c.header.end),
    };
    let sales_opts = ReadOptions {
        sheet: None,
        ..opts.clone()
    };
    let undated = |place: String| {
        Error::Data(format!(
            "{place}: review counts what sold since the campaign started ({start}), so it needs dated sales lines; no date column was found (like Created at, Date, order_date). Name it with --map date=\"COLUMN\""
        ))
    };
    for path in files {
        let mut found = Vec::new();
        // Each file is read once: the date column is checked on what the reading found.
        let rows = if as_of >= start {
            let read = aggregate_sales(
                path,
                &sales_opts,
                maps,
                window,
                Basis::Units,
                &mut totals,
                &mut found,
            )?;
            if !read.dated {
                let place = match &read.sheet {
                    Some(s) => format!("{}, sheet \"{s}\"", path.display()),
                    None => path.display().to_string(),
                };
                return Err(undated(place));
            }
            found.extend(window_verdict(&read, window, WindowUse::Review)?);
            read.rows
        } else {
            let (table, header) = open_sales(path, &sales_opts, maps)?;
            if !header.has("date") {
                return Err(undated(table.where_()));
            }
            0
        };
        // A shop's sales cover far more skus than one campaign: those lines are expected here.
        warnings.extend(found.into_iter().filter(|w| {
            !w.message
                .contains("for skus not in the catalog were ignored")
        }));
        if let Some(inputs) = inputs.as_deref_mut() {
            inputs.push(InputFile {
                path: path.display().to_string(),
                role: "sales".into(),
                sheet: None,
                rows,
                sha256: sha256_file(path)?,
            });
        }
    }
    Ok(totals
        .finish(Basis::Units)
        .into_iter()
        .map(|(sold, last_sale)| Facts {
            sold: if as_of >= start {
                sold
            } else {
                rust_decimal::Decimal::ZERO
            },
            last_sale: last_sale.filter(|d| *d >= start && *d <= window.end),
            on_hand_now: None,
        })
        .collect())
}

/// Stock on hand now, from the catalog given, for each campaign line it has.
fn stock_now(
    c: &Campaign,
    path: &Path,
    opts: &ReadOptions,
    maps: &[(String, String)],
    facts: &mut [Facts],
    inputs: &mut Vec<InputFile>,
    warnings: &mut Vec<Warning>,
) -> Result<()> {
    let catalog = read_catalog(path, opts, maps)?;
    let key = |sku: &str, loc: Option<&str>| {
        (
            sku.trim().to_string(),
            loc.map(|l| l.trim().to_lowercase()).unwrap_or_default(),
        )
    };
    let stock: HashMap<(String, String), Option<rust_decimal::Decimal>> = catalog
        .lines
        .iter()
        .map(|l| (key(&l.sku, l.location.as_deref()), l.quantity))
        .collect();
    let mut missing = Vec::new();
    for (l, f) in c.lines.iter().zip(facts.iter_mut()) {
        match stock.get(&key(&l.sku, l.location.as_deref())) {
            Some(q) => f.on_hand_now = *q,
            None => missing.push(crate::campaign::template::key(
                &l.sku,
                l.location.as_deref(),
            )),
        }
    }
    if !missing.is_empty() {
        warnings.push(Warning {
            file: path.display().to_string(),
            sheet: catalog.sheet.clone(),
            row: None,
            column: Some("sku".into()),
            message: format!(
                "{} campaign line(s) are not in the catalog (e.g. {}); their stock left is estimated from the sales",
                missing.len(),
                missing.iter().take(5).cloned().collect::<Vec<_>>().join(", ")
            ),
        });
    }
    inputs.push(InputFile {
        path: path.display().to_string(),
        role: "catalog".into(),
        sheet: catalog.sheet,
        rows: catalog.rows,
        sha256: sha256_file(path)?,
    });
    Ok(())
}

/// Write `next` into `root/revisions/NNN/`, built in a temporary folder and renamed into place;
/// an existing revision folder is never replaced.
fn write_revision(root: &Path, next: &Campaign) -> Result<PathBuf> {
    let revisions = root.join("revisions");
    ensure_dir(&revisions)?;
    let target = revision_folder(root, next.revision);
    if target.exists() {
        return Err(Error::output(
            &target,
            format!(
                "revision {} already exists; earlier revisions are never replaced (review the latest revision)",
                next.revision
            ),
        ));
    }
    let tmp = tempfile::Builder::new()
        .prefix(".clearance-revision-")
        .tempdir_in(&revisions)
        .map_err(|e| Error::output(&revisions, format!("cannot create a folder: {e}")))?;
    let dir = tmp.path();
    let effective = next
        .changes
        .first()
        .map(|c| c.date)
        .unwrap_or(next.header.start);
    let deepened = review::changed(next, review::Action::Deepen);
    let ended = review::changed(next, review::Action::End);
    write_json(dir, "campaign.json", next)?;
    fail_point(&dir.join("campaign.json"))?;
    let prices = package::price_rows(&deepened, effective, Some(next.header.end));
    write_csv(dir, "price-list.csv", &PRICE_COLUMNS, &prices)?;
    let name = format!("{} (revision {})", next.header.name, next.revision);
    let rules = package::product_rules(
        &name,
        next.status == "approved",
        &deepened,
        &next.lines,
        effective,
        next.header.end,
    );
    write_json(dir, "discount-rules.json", &rules)?;
    let revert = package::revert_rows(&ended, effective);
    write_csv(dir, "revert.csv", &PRICE_COLUMNS, &revert)?;
    fail_point(&dir.join("revert.csv"))?;
    let kept = tmp.keep();
    std::fs::rename(&kept, &target).map_err(|e| {
        let _ = std::fs::remove_dir_all(&kept);
        Error::output(&target, format!("cannot move the revision into place: {e}"))
    })?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let _ = std::fs::set_permissions(&target, std::fs::Permissions::from_mode(0o755));
    }
    Ok(target)
}
