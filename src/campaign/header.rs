//! The campaign header and its rules (SPEC section 5, STOCK-M's "head"): a unique name, a start
//! today or later, an end on or after the start, a first delivery between today and the start.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Header {
    pub name: String,
    pub owner: Option<String>,
    pub start: NaiveDate,
    pub end: NaiveDate,
    pub first_delivery_till: Option<NaiveDate>,
    /// Locations the campaign runs in; empty: all.
    pub regions: Vec<String>,
    /// Customer segments that get a coupon.
    pub segments: Vec<String>,
    pub notes: Option<String>,
}

/// Every rule the header breaks, as messages naming the field and what is allowed.
pub fn check(header: &Header, today: NaiveDate, existing_names: &[String]) -> Vec<String> {
    let mut problems = Vec::new();
    if header.name.trim().is_empty() {
        problems.push("campaign name is empty (--name)".to_string());
    }
    if existing_names
        .iter()
        .any(|n| n.trim().eq_ignore_ascii_case(header.name.trim()))
    {
        problems.push(format!(
            "campaign name \"{}\" is already used by a campaign in the output folder; choose another --name",
            header.name
        ));
    }
    if header.start < today {
        problems.push(format!(
            "start {} is before today ({today}); the start must be today or later (--start)",
            header.start
        ));
    }
    if header.end < header.start {
        problems.push(format!(
            "end {} is before the start {}; the end must be on or after the start (--end)",
            header.end, header.start
        ));
    }
    if let Some(fd) = header.first_delivery_till
        && (fd < today || fd > header.start)
    {
        problems.push(format!(
                "first delivery till {fd} must be between today ({today}) and the start ({}) (--first-delivery)",
                header.start
            ));
    }
    problems
}

/// A folder name for a campaign: `Clearance 2026-11-22` → `clearance-2026-11-22`.
pub fn slug(name: &str) -> String {
    let mut s = String::new();
    for c in name.trim().chars() {
        if c.is_ascii_alphanumeric() {
            s.push(c.to_ascii_lowercase());
        } else if !s.ends_with('-') && !s.is_empty() {
            s.push('-');
        }
    }
    let s = s.trim_end_matches('-').to_string();
    if s.is_empty() { "campaign".into() } else { s }
}

/// Do two campaigns' date ranges overlap (both ends included)?
pub fn overlaps(a: (NaiveDate, NaiveDate), b: (NaiveDate, NaiveDate)) -> bool {
    a.0 <= b.1 && b.0 <= a.1
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn header() -> Header {
        Header {
            name: "Winter clearance".into(),
            owner: None,
            start: d("2026-11-22"),
            end: d("2026-12-20"),
            first_delivery_till: None,
            regions: vec![],
            segments: vec![],
            notes: None,
        }
    }

    #[test]
    fn a_good_header_passes() {
        assert!(check(&header(), d("2026-11-22"), &[]).is_empty());
    }

    #[test]
    fn every_rule_is_reported() {
        let mut h = header();
        h.start = d("2026-11-21");
        h.end = d("2026-11-20");
        h.first_delivery_till = Some(d("2026-11-25"));
        let p = check(&h, d("2026-11-22"), &["winter CLEARANCE".into()]);
        assert_eq!(p.len(), 4, "{p:?}");
        assert!(p[0].contains("already used"));
        assert!(p[1].contains("before today"));
        assert!(p[2].contains("before the start"));
        assert!(p[3].contains("first delivery"));
    }

    #[test]
    fn slugs_and_overlaps() {
        assert_eq!(slug("Clearance 2026-11-22"), "clearance-2026-11-22");
        assert_eq!(slug("  Été / Sale!! "), "t-sale");
        assert_eq!(slug("***"), "campaign");
        assert!(overlaps(
            (d("2026-11-01"), d("2026-11-10")),
            (d("2026-11-10"), d("2026-11-20"))
        ));
        assert!(!overlaps(
            (d("2026-11-01"), d("2026-11-09")),
            (d("2026-11-10"), d("2026-11-20"))
        ));
    }
}
