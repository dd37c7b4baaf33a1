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
//! A revision folder is built in a temporary folder and renamed into place; an OS lock on a file
//! in the campaign folder keeps two runs (cron) from writing revisions at once.

use crate::Output;
use crate::campaign::folder::{
    LOCK_FILE, campaign_root, locate, require_campaign, revision_folder, write_revision,
};
use crate::campaign::package::Campaign;
use crate::campaign::review::{
    self, Facts, LineReview, REVIEW_SCHEMA, Review, Reviewed, SettingsRecord, WrittenRevision,
};
use crate::campaign::running::{SalesInputs, sales_facts};
use crate::cli::{OutputFormat, ReviewArgs};
use crate::config::resolve_review;
use crate::error::{Error, Result};
use crate::io::read::catalog::read_catalog;
use crate::io::read::{ReadOptions, sha256_file};
use crate::io::write::atomic::{Staged, check_overwrite};
use crate::io::write::journal;
use crate::io::write::lock::Lock;
use crate::io::write::review_xlsx;
use crate::model::{InputFile, Warning};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

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
        require_campaign(&root)?;
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
                "the campaign is a {} (not approved): its discount rules, and those of its revisions, are written inactive; approve it with `clearance approve CAMPAIGN --by NAME`",
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
    // The review files are staged first, the revision folder renamed into place next (whole or
    // absent at any instant), the review files committed last (all or nothing): a run that
    // fails before the revision's rename leaves nothing, one that fails after it says so.
    let mut settled = Vec::new();
    let claim = journal::claim(
        &args.out,
        journal::Folder::Files,
        Duration::from_secs(args.lock_wait),
        &mut settled,
    )?;
    for note in &settled {
        out.stderr(&format!("warning: {note}\n"));
    }
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
    let written = match &next {
        Some(next) => {
            progress.step("writing the next revision".to_string());
            Some(write_revision(&found.root, next)?)
        }
        None => None,
    };
    staged.commit(&claim).map_err(|e| match &written {
        // The revision is in place (whole); only the review files are missing.
        Some(folder) => Error::output(
            &args.out,
            format!(
                "revision written to {}, but the review files could not be written: {e}",
                folder.display()
            ),
        ),
        None => e,
    })?;
    progress.finish();

    if !args.common.quiet {
        crate::print_warnings(&review.warnings, out);
    }
    match args.common.format {
        OutputFormat::Table => {
            out.text(&review_xlsx::render_table(&review, crate::terminal_width()))
        }
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
        .map(|l| (key(&l.sku, l.location.as_deref()), l.quantity.get()))
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
