//! What a campaign's lines sold since the start, from the sales files, and the campaigns of a
//! folder running on a day (the weekly report's campaign section). Shared by `review` and
//! `report`.

use super::folder::locate;
use super::package::Campaign;
use super::review::{self, Facts, LineReview};
use crate::error::{Error, Result};
use crate::io::read::sales::{
    Basis, SalesTotals, Window, WindowUse, aggregate_sales, open_sales, window_verdicts,
};
use crate::io::read::{ReadOptions, sha256_file};
use crate::model::{CatalogExtra, CatalogLine, InputFile, Warning};
use chrono::NaiveDate;
use std::path::{Path, PathBuf};

/// The sales files a review or a report reads, and how to read them.
pub struct SalesInputs<'a> {
    pub files: &'a [PathBuf],
    pub opts: &'a ReadOptions,
    pub maps: &'a [(String, String)],
}

/// What each campaign line sold since the start. With `inputs`, each sales file is listed
/// there with its hash (review.json); the report, which lists no inputs, skips the hashing.
pub fn sales_facts(
    c: &Campaign,
    sales: &SalesInputs<'_>,
    as_of: NaiveDate,
    mut inputs: Option<&mut Vec<InputFile>>,
    warnings: &mut Vec<Warning>,
) -> Result<Vec<Facts>> {
    let SalesInputs { files, opts, maps } = *sales;
    // One copy of each location name for the lines that name it.
    let mut locations = crate::model::SharedNames::default();
    let lines: Vec<CatalogLine> = c
        .lines
        .iter()
        .map(|l| {
            let mut line = CatalogLine {
                sku: l.sku.as_str().into(),
                location: l.location.as_deref().map(|x| locations.get(x)),
                name: l.name.as_deref().map(Into::into),
                ..CatalogLine::default()
            };
            line.set_extra(CatalogExtra {
                aliases: l.name.iter().cloned().collect(),
                ..CatalogExtra::default()
            });
            line
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
    let mut reads = Vec::with_capacity(files.len());
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
            let rows = read.rows;
            reads.push(read);
            rows
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
    // The files' dates judged together against the days since the start.
    warnings.extend(window_verdicts(&reads, window, WindowUse::Review)?);
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
        // A hidden folder is never a campaign (a temporary package of a stopped run).
        .filter(|e| !e.file_name().to_string_lossy().starts_with('.'))
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
