//! `clearance approve`: a draft campaign becomes approved. The latest revision is read and the
//! next one written, as `review --apply` writes revisions:
//!
//! ```text
//! CAMPAIGNS/<slug>/revisions/NNN/campaign.json        status approved, approved_by, approved_at
//! CAMPAIGNS/<slug>/revisions/NNN/discount-rules.json  every running line, rules active
//! ```
//!
//! Built in a temporary folder and renamed into place, under the campaign folder's lock (the
//! one `review --apply` takes); earlier files are never touched.

use crate::Output;
use crate::campaign::approval;
use crate::campaign::folder::{
    LOCK_FILE, campaign_root, locate, require_campaign, write_revision_folder,
};
use crate::campaign::package::RULES_FILE;
use crate::cli::ApproveArgs;
use crate::error::{Error, Result};
use crate::io::write::atomic::fail_point;
use crate::io::write::files::write_json;
use crate::io::write::lock::Lock;
use std::time::Duration;

pub fn run(args: &ApproveArgs, out: &mut Output) -> Result<()> {
    let by = args.by.trim();
    if by.is_empty() {
        return Err(Error::Usage(
            "--by needs the approver's name, e.g. --by \"A. Buyer\"".into(),
        ));
    }
    let as_of = args
        .as_of
        .unwrap_or_else(|| chrono::Local::now().date_naive());
    let root = campaign_root(&args.campaign);
    require_campaign(&root)?;
    // The lock is taken before the latest revision is read, so a review writing a revision at
    // the same time is waited for and its revision is the one approved.
    let _lock = Lock::take(
        &root.join(LOCK_FILE),
        "clearance review or approve",
        Duration::from_secs(args.lock_wait),
    )?;
    let found = locate(&args.campaign)?;
    let now = chrono::Utc::now().format("%Y-%m-%dT%H:%M:%SZ").to_string();
    let next = approval::approve(&found.campaign, by, &now, as_of)
        .map_err(|why| Error::Data(format!("{}: {why}", found.file.display())))?;
    let from = approval::rules_from(&next, as_of);
    let rules = approval::rules(&next, from);
    let target = write_revision_folder(&found.root, next.revision, |dir| {
        write_json(dir, "campaign.json", &next)?;
        fail_point(&dir.join("campaign.json"))?;
        write_json(dir, RULES_FILE, &rules)?;
        fail_point(&dir.join(RULES_FILE))
    })?;
    out.text(&format!(
        "Campaign \"{}\" approved by {by}: revision {} written to {} (campaign.json, {RULES_FILE} with {} active rule(s) from {from} to {})\n",
        next.header.name,
        next.revision,
        target.display(),
        rules.len(),
        next.header.end
    ));
    Ok(())
}
