//! A campaign folder on disk, as `apply` writes it and `review --apply` adds to it:
//!
//! ```text
//! CAMPAIGNS/<slug>/campaign.json                 revision 1, as `apply` wrote it (never touched)
//! CAMPAIGNS/<slug>/revisions/002/campaign.json   each later revision, in full
//! CAMPAIGNS/<slug>/revisions/002/...             its price list, discount rules and revert file
//! ```
//!
//! Finding a campaign's latest revision and writing the next one (built in a temporary folder
//! and renamed into place; earlier revisions are never touched). Commands that write revisions
//! hold [`LOCK_FILE`] in the campaign folder while they read and write.

use super::package::{self, Campaign, PRICE_COLUMNS};
use super::review;
use crate::error::{Error, Result};
use crate::io::write::atomic::{ensure_dir, fail_point};
use crate::io::write::files::{write_csv, write_json};
use crate::io::write::journal::sync_dir;
use std::path::{Path, PathBuf};

/// The lock file in a campaign folder taken by every command that writes a revision.
pub const LOCK_FILE: &str = ".clearance-review.lock";

/// A campaign found on disk: its folder, the file of its latest revision, and that revision.
pub struct Found {
    pub root: PathBuf,
    pub file: PathBuf,
    pub campaign: Campaign,
}

pub fn read_campaign(path: &Path) -> Result<Campaign> {
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
pub fn campaign_root(arg: &Path) -> PathBuf {
    let folder = folder_of(arg);
    match folder.parent() {
        Some(revisions) if revisions.file_name() == Some(std::ffi::OsStr::new("revisions")) => {
            revisions.parent().map(Path::to_path_buf).unwrap_or(folder)
        }
        _ => folder,
    }
}

/// The folder of revision `n`.
pub fn revision_folder(root: &Path, n: u32) -> PathBuf {
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
pub fn locate(arg: &Path) -> Result<Found> {
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

/// Check that `root` holds a campaign (its revision 1) before a lock is taken in it.
pub fn require_campaign(root: &Path) -> Result<()> {
    let file = root.join("campaign.json");
    if file.is_file() {
        return Ok(());
    }
    Err(Error::input(
        &file,
        "no campaign here; give the campaign.json `clearance apply` wrote, or its folder",
    ))
}

/// Build revision `revision` of the campaign in `root`: `fill` writes its files into a temporary
/// folder inside `root/revisions/`, which is then renamed to `revisions/NNN/` (one rename: the
/// revision is complete or absent at any instant). An existing revision folder is never
/// replaced; a failure leaves no revision behind. The caller holds [`LOCK_FILE`], so temporary
/// folders already in `revisions/` are from stopped runs and are removed first.
pub fn write_revision_folder(
    root: &Path,
    revision: u32,
    fill: impl FnOnce(&Path) -> Result<()>,
) -> Result<PathBuf> {
    let revisions = root.join("revisions");
    ensure_dir(&revisions)?;
    let target = revision_folder(root, revision);
    if target.exists() {
        return Err(Error::output(
            &target,
            format!(
                "revision {revision} already exists; earlier revisions are never replaced (review the latest revision)"
            ),
        ));
    }
    remove_stopped_revisions(&revisions);
    let tmp = tempfile::Builder::new()
        .prefix(REVISION_TEMP_PREFIX)
        .tempdir_in(&revisions)
        .map_err(|e| Error::output(&revisions, format!("cannot create a folder: {e}")))?;
    fill(tmp.path())?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let _ = std::fs::set_permissions(tmp.path(), std::fs::Permissions::from_mode(0o755));
    }
    sync_dir(tmp.path());
    let kept = tmp.keep();
    std::fs::rename(&kept, &target).map_err(|e| {
        let _ = std::fs::remove_dir_all(&kept);
        Error::output(&target, format!("cannot move the revision into place: {e}"))
    })?;
    sync_dir(&revisions);
    Ok(target)
}

/// A revision being built, before its rename to `revisions/NNN/`.
const REVISION_TEMP_PREFIX: &str = ".clearance-revision-";

/// Temporary revision folders of stopped runs (only called under [`LOCK_FILE`]).
fn remove_stopped_revisions(revisions: &Path) {
    let Ok(entries) = std::fs::read_dir(revisions) else {
        return;
    };
    for e in entries.filter_map(|e| e.ok()) {
        if e.file_name()
            .to_string_lossy()
            .starts_with(REVISION_TEMP_PREFIX)
        {
            let path = e.path();
            match std::fs::symlink_metadata(&path) {
                Ok(m) if m.is_dir() => {
                    let _ = std::fs::remove_dir_all(&path);
                }
                _ => {
                    let _ = std::fs::remove_file(&path);
                }
            }
        }
    }
}

/// Write the review revision `next` into `root/revisions/NNN/`: the campaign, the price list
/// and discount rules of its deepened lines, and the revert rows of its ended lines.
pub fn write_revision(root: &Path, next: &Campaign) -> Result<PathBuf> {
    write_revision_folder(root, next.revision, |dir| {
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
            next,
            effective,
            next.header.end,
        );
        write_json(dir, "discount-rules.json", &rules)?;
        let revert = package::revert_rows(&ended, effective);
        write_csv(dir, "revert.csv", &PRICE_COLUMNS, &revert)?;
        fail_point(&dir.join("revert.csv"))
    })
}
