//! `clearance approve`: a draft campaign becomes approved in a new revision. Pure: the command
//! finds the campaign, takes the lock and writes the revision.

use super::package::{self, Campaign, CampaignLine};
use chrono::NaiveDate;
use serde_json::Value;

/// The next revision of `c`, approved by `by` at `at` (UTC time stamp) on `as_of`; why not
/// when it cannot be approved (already approved, ended, no revision number left).
pub fn approve(c: &Campaign, by: &str, at: &str, as_of: NaiveDate) -> Result<Campaign, String> {
    if c.status == "approved" {
        return Err(format!(
            "campaign \"{}\" is already approved (by {}{}, revision {}); nothing to approve",
            c.header.name,
            c.approved_by.as_deref().unwrap_or("someone"),
            c.approved_at
                .as_deref()
                .map(|t| format!(" at {t}"))
                .unwrap_or_default(),
            c.revision
        ));
    }
    if as_of > c.header.end {
        return Err(format!(
            "campaign \"{}\" ended on {}; an ended campaign cannot be approved (apply the template again with new dates)",
            c.header.name, c.header.end
        ));
    }
    let revision = c
        .revision
        .checked_add(1)
        .filter(|r| *r <= 9999)
        .ok_or_else(|| format!("campaign \"{}\" has no revision number left", c.header.name))?;
    let mut next = c.clone();
    next.revision = revision;
    next.revised_at = Some(at.to_string());
    next.changes = Vec::new();
    next.warnings = Vec::new();
    next.status = "approved".into();
    next.approved_by = Some(by.to_string());
    next.approved_at = Some(at.to_string());
    Ok(next)
}

/// The day an approval's discount rules start: the approval day, or the start when later.
pub fn rules_from(c: &Campaign, as_of: NaiveDate) -> NaiveDate {
    as_of.max(c.header.start)
}

/// Active discount rules for every running line of the approved campaign at its current depth
/// (product scopes; a product in one rule, at the smallest depth among its running lines), from
/// `from` to the end. They replace the inactive rules of the earlier files.
pub fn rules(c: &Campaign, from: NaiveDate) -> Vec<Value> {
    let running: Vec<&CampaignLine> = c.lines.iter().filter(|l| l.ended_on.is_none()).collect();
    let name = format!("{} (revision {})", c.header.name, c.revision);
    package::product_rules(&name, true, &running, c, from, c.header.end)
}
