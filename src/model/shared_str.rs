//! `SharedStr`: an immutable string behind one pointer, and `SharedNames`, which hands out one
//! copy of each text, for the names a plan line shares with many others (its category and
//! location).

use std::collections::HashSet;
use std::fmt;
use std::sync::Arc;

/// A shared, immutable string in 8 bytes (an `Arc<str>` takes 16, a `CompactString` 24): a
/// million plan lines naming ten locations and a few hundred categories hold a pointer each to
/// the copy a `SharedNames` made. It reads as a `str` (`Deref`), and compares, orders and
/// hashes as one. A name of its own (a location per line) costs more than it did in a
/// `CompactString`: about 80 bytes of heap where up to 24 bytes of text sat in the line.
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SharedStr(Arc<Box<str>>);

/// The most names one `SharedNames` keeps: past them a new name gets a copy of its own, not
/// kept, so a column of per-line codes read as the location (bins, barcodes) does not also
/// fill the set. The names kept before stay shared.
const KEPT: usize = 1 << 16;

/// One copy of each name for all the lines that name it. The catalog reader keeps one for the
/// categories and one for the locations while it reads, so a column of per-line codes in one
/// does not stop the other's sharing; dropped with the reader (the lines keep their copies).
#[derive(Default)]
pub struct SharedNames(HashSet<SharedStr, foldhash::fast::RandomState>);

impl SharedNames {
    /// The copy of `text` this set made, made now if it is new.
    pub fn get(&mut self, text: &str) -> SharedStr {
        if let Some(s) = self.0.get(text) {
            return s.clone();
        }
        let s = SharedStr::new(text);
        if self.0.len() < KEPT {
            self.0.insert(s.clone());
        }
        s
    }
}

impl SharedStr {
    /// A copy of `text` of its own (`SharedNames::get` shares one).
    pub fn new(text: &str) -> SharedStr {
        SharedStr(Arc::new(Box::from(text)))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Whether the two are the same copy (not only the same text).
    pub fn same_copy(&self, other: &SharedStr) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }
}

impl std::ops::Deref for SharedStr {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

impl std::borrow::Borrow<str> for SharedStr {
    fn borrow(&self) -> &str {
        &self.0
    }
}

impl AsRef<str> for SharedStr {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl From<&str> for SharedStr {
    fn from(text: &str) -> SharedStr {
        SharedStr::new(text)
    }
}

impl From<String> for SharedStr {
    fn from(text: String) -> SharedStr {
        SharedStr::new(&text)
    }
}

impl fmt::Debug for SharedStr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

impl fmt::Display for SharedStr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self.as_str(), f)
    }
}

impl serde::Serialize for SharedStr {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_copy_of_each_text_read_as_a_str() {
        let mut names = SharedNames::default();
        let a = names.get("Warehouse 1");
        let b = names.get("Warehouse 1");
        assert!(a.same_copy(&b), "the same text is made once");
        assert!(!a.same_copy(&names.get("Warehouse 2")));
        assert_eq!(&*a, "Warehouse 1");
        assert_eq!(format!("{a} {a:?}"), "Warehouse 1 \"Warehouse 1\"");
        let other = std::thread::spawn(|| SharedStr::new("Warehouse 1"))
            .join()
            .expect("thread");
        assert_eq!(a, other, "equal by text, whichever copy");
        assert!(!a.same_copy(&other));
        assert_eq!(size_of::<Option<SharedStr>>(), 8);
    }

    #[test]
    fn orders_and_hashes_as_its_text() {
        // Made in an order unlike the text's, so an order by copy would show.
        let texts = [
            Some("WH2"),
            Some("wh1"),
            Some(""),
            Some("WH10"),
            Some("WH1"),
            Some("Ä"),
        ];
        let texts = texts
            .into_iter()
            .chain([None, Some("WH1 "), Some("B"), Some("A")]);
        let mut shared: Vec<Option<SharedStr>> =
            texts.clone().map(|t| t.map(SharedStr::new)).collect();
        let mut plain: Vec<Option<&str>> = texts.collect();
        shared.sort();
        plain.sort();
        let shared: Vec<Option<&str>> = shared.iter().map(|s| s.as_deref()).collect();
        assert_eq!(shared, plain);
        let set: HashSet<SharedStr> = ["WH1", "WH2"].into_iter().map(SharedStr::new).collect();
        assert!(set.contains("WH1") && !set.contains("wh1"));
    }

    #[test]
    fn keeps_at_most_kept_names_and_shares_those_it_kept() {
        let mut names = SharedNames::default();
        for i in 0..KEPT + 10 {
            names.get(&format!("bin {i}"));
        }
        assert_eq!(names.0.len(), KEPT);
        let past = format!("bin {}", KEPT + 5);
        assert!(!names.get(&past).same_copy(&names.get(&past)));
        assert!(names.get("bin 0").same_copy(&names.get("bin 0")));
    }
}
