//! The campaign header and its rules (SPEC section 5, STOCK-M's "head"): a unique name, a start
//! today or later, an end on or after the start, a first delivery between today and the start.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

/// The longest campaign name accepted, in characters (after NFC).
pub const MAX_NAME_CHARS: usize = 100;

/// Names Windows keeps for devices: a folder named so (with any extension) cannot be made.
const WINDOWS_RESERVED: [&str; 22] = [
    "con", "prn", "aux", "nul", "com1", "com2", "com3", "com4", "com5", "com6", "com7", "com8",
    "com9", "lpt1", "lpt2", "lpt3", "lpt4", "lpt5", "lpt6", "lpt7", "lpt8", "lpt9",
];

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
    problems.extend(name_problems(&header.name));
    if existing_names.iter().any(|n| same_name(n, &header.name)) {
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

/// A campaign name as stored: trimmed and in Unicode NFC, so the same visible name typed
/// precomposed (`é`) or decomposed (`e` + U+0301) is the same text.
pub fn normalize_name(name: &str) -> String {
    name.trim().nfc().collect()
}

/// The key two names are compared by for uniqueness: compatibility-decomposed, accents
/// (combining marks) dropped, lower-cased. "Café", "CAFE" and "cafe\u{301}" share one key.
pub fn name_key(name: &str) -> String {
    let bare: String = name
        .trim()
        .nfkd()
        .filter(|c| !is_combining_mark(*c))
        .collect();
    bare.to_lowercase()
}

/// Are two campaign names the same for uniqueness (case- and accent-insensitive)?
pub fn same_name(a: &str, b: &str) -> bool {
    name_key(a) == name_key(b)
}

/// Why a name cannot be a campaign's (too long, or a folder Windows cannot make).
pub fn name_problems(name: &str) -> Vec<String> {
    let mut problems = Vec::new();
    let name = normalize_name(name);
    let chars = name.chars().count();
    if chars > MAX_NAME_CHARS {
        problems.push(format!(
            "campaign name is {chars} characters long; at most {MAX_NAME_CHARS} are allowed, choose a shorter --name"
        ));
    }
    // Windows ignores trailing dots and spaces and anything from the first dot: `con.txt`,
    // `NUL ` and `com1.tar.gz` are all devices.
    // Only the folder name matters: `aux.txt` becomes `aux-txt`, which Windows accepts.
    let slugged = slug(&name);
    if let Some(reserved) = WINDOWS_RESERVED.iter().find(|r| slugged == **r) {
        problems.push(format!(
            "campaign name \"{name}\" is a device name on Windows ({}), which cannot be a folder; choose another --name",
            reserved.to_uppercase()
        ));
    }
    problems
}

/// Latin letters that do not decompose into a base letter and an accent.
fn transliterate(c: char) -> Option<&'static str> {
    Some(match c {
        'ß' | 'ẞ' => "ss",
        'æ' | 'Æ' => "ae",
        'œ' | 'Œ' => "oe",
        'ø' | 'Ø' => "o",
        'đ' | 'Đ' | 'ð' | 'Ð' => "d",
        'þ' | 'Þ' => "th",
        'ł' | 'Ł' => "l",
        'ı' => "i",
        'ħ' | 'Ħ' => "h",
        'ŋ' | 'Ŋ' => "n",
        _ => return None,
    })
}

/// A folder name for a campaign: `Clearance 2026-11-22` → `clearance-2026-11-22`. Latin accents
/// are transliterated (`Été` → `ete`, `Straße` → `strasse`); where a letter cannot be (another
/// script), six hex digits of the SHA-256 of the NFC name are appended (`campaign-3f9c2a`), so two
/// different names never fall on one folder.
pub fn slug(name: &str) -> String {
    let name = normalize_name(name);
    let mut s = String::new();
    let mut lossy = false;
    let sep = |s: &mut String| {
        if !s.ends_with('-') && !s.is_empty() {
            s.push('-');
        }
    };
    for c in name.nfkd() {
        if is_combining_mark(c) {
            continue;
        }
        if c.is_ascii_alphanumeric() {
            s.push(c.to_ascii_lowercase());
        } else if let Some(t) = transliterate(c) {
            s.push_str(t);
        } else {
            // A letter of another script, an emoji, a symbol: dropped from the folder name,
            // so the hash below keeps two such names apart.
            lossy |= !c.is_ascii() && !c.is_whitespace();
            sep(&mut s);
        }
    }
    let mut s = s.trim_end_matches('-').to_string();
    if s.is_empty() {
        s.push_str("campaign");
        lossy = true;
    }
    // Folder names stay well under file-system limits (an `ﬃ` expands to three letters).
    const MAX_SLUG_BYTES: usize = 80;
    if s.len() > MAX_SLUG_BYTES {
        s.truncate(MAX_SLUG_BYTES);
        s = s.trim_end_matches('-').to_string();
        lossy = true;
    }
    if lossy {
        use sha2::{Digest, Sha256};
        // Of the uniqueness key: two spellings of one name (case, accents) share a folder.
        let digest = Sha256::digest(name_key(&name).as_bytes());
        s.push('-');
        for b in &digest[..3] {
            s.push_str(&format!("{b:02x}"));
        }
    }
    s
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
    fn names_compare_by_nfc_case_and_accents() {
        assert!(same_name("Café", "Cafe\u{301}"));
        assert!(same_name("CAFE", "café"));
        assert!(!same_name("Café", "Cafés"));
        assert_eq!(normalize_name(" Cafe\u{301} "), "Café");
        let p = check(&header(), d("2026-11-22"), &["WINTER CLEARANCE".into()]);
        assert_eq!(p.len(), 1, "{p:?}");
    }

    #[test]
    fn reserved_and_long_names_are_refused() {
        for n in ["con", "NUL", "com1", "prn ", "Con!"] {
            assert_eq!(name_problems(n).len(), 1, "{n}");
        }
        // Their folders are `aux-txt` and `lpt9-tar-gz`, which Windows accepts.
        for n in [
            "console",
            "com10",
            "Nullify",
            "conference sale",
            "aux.txt",
            "LPT9.tar.gz",
        ] {
            assert!(name_problems(n).is_empty(), "{n}");
        }
        assert!(name_problems(&"x".repeat(100)).is_empty());
        assert!(name_problems(&"x".repeat(101))[0].contains("at most 100"));
    }

    #[test]
    fn dropped_letters_and_long_names_keep_folders_apart() {
        // Emoji dropped: a hash keeps the two apart; one name in two cases shares its folder.
        assert_ne!(slug("Sale 😀"), slug("Sale 🎉"));
        assert_ne!(slug("Sale 😀"), slug("Sale"));
        assert_eq!(slug("Распродажа"), slug("РАСПРОДАЖА"));
        // A name that expands (ﬃ is three letters) stays a short folder name.
        let long = slug(&"ﬃ".repeat(100));
        assert!(long.len() <= 87, "{long}");
    }

    #[test]
    fn slugs_and_overlaps() {
        assert_eq!(slug("Clearance 2026-11-22"), "clearance-2026-11-22");
        assert_eq!(slug("  Été / Sale!! "), "ete-sale");
        assert_eq!(slug("Straße Œuvre"), "strasse-oeuvre");
        assert_eq!(slug("Cafe\u{301}"), "cafe");
        let (a, b) = (slug("Распродажа"), slug("Зимняя распродажа"));
        assert!(
            a.starts_with("campaign-") && a.len() == "campaign-".len() + 6,
            "{a}"
        );
        assert_ne!(a, b);
        assert_eq!(a, slug("Распродажа"));
        assert!(slug("***").starts_with("campaign-"));
        assert!(slug("Sale Распродажа").starts_with("sale-"));
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
