//! A read-only table from sku to its first catalog line, looked up a batch at a time.
//!
//! A million-sku table is far bigger than the processor's caches: looked up one sales line at a
//! time, every lookup waits for memory (most of the sales reading's time at that size). Looked
//! up a batch at a time, the table slots of the whole batch are requested first and compared
//! after, so the waits overlap instead of adding up. Skus of up to 23 bytes sit in the slots
//! themselves (one memory access per lookup); longer ones, rare, go through an ordinary map.

use std::collections::HashMap;
use std::hash::BuildHasher;

/// No line: an empty slot, or a sku the catalog does not have.
pub const NONE: u32 = u32::MAX;

type FastMap<K, V> = HashMap<K, V, foldhash::fast::RandomState>;

/// A sku of up to 23 bytes, stored inline.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
struct ShortSku {
    len: u8,
    bytes: [u8; 23],
}

impl ShortSku {
    fn new(s: &str) -> Option<ShortSku> {
        let len = s.len();
        if len > 23 {
            return None;
        }
        let mut bytes = [0u8; 23];
        bytes[..len].copy_from_slice(s.as_bytes());
        Some(ShortSku {
            len: len as u8,
            bytes,
        })
    }
}

/// One slot: a short sku, the high half of its hash (compared first) and its line. 32 bytes,
/// aligned so that a slot never straddles two cache lines.
#[derive(Clone, Copy)]
#[repr(C, align(32))]
struct Slot {
    key: ShortSku,
    tag: u32,
    first: u32,
}

const _: () = assert!(std::mem::size_of::<Slot>() == 32);

const EMPTY: Slot = Slot {
    key: ShortSku {
        len: 0,
        bytes: [0; 23],
    },
    tag: 0,
    first: NONE,
};

/// A sku's place in the slots, worked out before the slots are read.
#[derive(Clone, Copy)]
struct Probe {
    key: ShortSku,
    hash: u64,
}

/// Sku → first catalog line (open addressing with linear probing, at most half full). Lines
/// are numbered in `u32`: a catalog has far fewer than four billion lines.
pub struct SkuTable<'a> {
    slots: Vec<Slot>,
    mask: usize,
    /// Short skus held.
    len: usize,
    state: foldhash::fast::RandomState,
    long: FastMap<&'a str, u32>,
}

impl<'a> SkuTable<'a> {
    /// A table sized for `n` skus.
    pub fn with_capacity(n: usize) -> SkuTable<'a> {
        let size = (n.max(4) * 2).next_power_of_two();
        SkuTable {
            slots: vec![EMPTY; size],
            mask: size - 1,
            len: 0,
            state: foldhash::fast::RandomState::default(),
            long: FastMap::default(),
        }
    }

    fn probe(&self, key: ShortSku) -> Probe {
        Probe {
            key,
            hash: self.state.hash_one(key),
        }
    }

    /// The slot holding `probe`'s sku, or the empty slot where it would go.
    fn find(&self, probe: &Probe) -> usize {
        let tag = (probe.hash >> 32) as u32;
        let mut pos = probe.hash as usize & self.mask;
        loop {
            let slot = &self.slots[pos];
            if slot.first == NONE || (slot.tag == tag && slot.key == probe.key) {
                return pos;
            }
            pos = (pos + 1) & self.mask;
        }
    }

    /// The line of `sku`, if the table has it.
    pub fn get(&self, sku: &str) -> Option<u32> {
        let first = match ShortSku::new(sku) {
            Some(key) => self.slots[self.find(&self.probe(key))].first,
            None => self.long.get(sku).copied().unwrap_or(NONE),
        };
        (first != NONE).then_some(first)
    }

    /// Record `sku` → `first` unless the sku is already there (its first line stays).
    pub fn insert_first(&mut self, sku: &'a str, first: u32) {
        let Some(key) = ShortSku::new(sku) else {
            self.long.entry(sku).or_insert(first);
            return;
        };
        if (self.len + 1) * 2 > self.slots.len() {
            self.grow();
        }
        let probe = self.probe(key);
        let pos = self.find(&probe);
        if self.slots[pos].first == NONE {
            self.slots[pos] = Slot {
                key,
                tag: (probe.hash >> 32) as u32,
                first,
            };
            self.len += 1;
        }
    }

    /// Double the slots (only when more skus come than `with_capacity` was told).
    fn grow(&mut self) {
        let size = self.slots.len() * 2;
        let old = std::mem::replace(&mut self.slots, vec![EMPTY; size]);
        self.mask = self.slots.len() - 1;
        for slot in old.into_iter().filter(|s| s.first != NONE) {
            let pos = self.find(&self.probe(slot.key));
            self.slots[pos] = slot;
        }
    }

    /// The line of each sku of a batch (`NONE` for none) into `out`, in order: every slot the
    /// batch needs is requested from memory before any is compared.
    pub fn get_batch<S: AsRef<str>>(
        &self,
        skus: impl Iterator<Item = Option<S>>,
        out: &mut Vec<u32>,
    ) {
        out.clear();
        let mut probes: Vec<Option<Probe>> = Vec::with_capacity(skus.size_hint().0);
        for sku in skus {
            let sku = sku.as_ref().map(AsRef::as_ref);
            let probe = sku.and_then(ShortSku::new).map(|key| self.probe(key));
            if let Some(p) = &probe {
                prefetch(&self.slots[p.hash as usize & self.mask]);
            }
            probes.push(probe);
            // Long skus (and missing ones) are looked up right away: `out` gets their line
            // now, short ones a placeholder filled in below.
            out.push(match sku {
                Some(s) if probe.is_none() => self.long.get(s).copied().unwrap_or(NONE),
                _ => NONE,
            });
        }
        for (line, probe) in out.iter_mut().zip(&probes) {
            if let Some(p) = probe {
                *line = self.slots[self.find(p)].first;
            }
        }
    }
}

/// Ask for the cache line holding `value` ahead of its use. A hint: it changes no value.
#[inline(always)]
pub fn prefetch<T>(value: &T) {
    #[cfg(target_arch = "x86_64")]
    {
        use std::arch::x86_64::{_MM_HINT_T0, _mm_prefetch};
        // SAFETY: a prefetch reads nothing into the program and cannot fault; the pointer
        // comes from a reference, so it is valid anyway.
        unsafe { _mm_prefetch::<_MM_HINT_T0>((value as *const T).cast::<i8>()) };
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = value;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_short_and_long_skus_and_keeps_the_first_line() {
        let long = "A-VERY-LONG-SKU-OF-MORE-THAN-23-BYTES";
        let mut t = SkuTable::with_capacity(2);
        t.insert_first("SKU-1", 0);
        t.insert_first(long, 1);
        t.insert_first("SKU-1", 2);
        t.insert_first("", 3);
        assert_eq!(t.get("SKU-1"), Some(0));
        assert_eq!(t.get(long), Some(1));
        assert_eq!(t.get(""), Some(3));
        assert_eq!(t.get("SKU-2"), None);
        assert_eq!(t.get("SKU-1 "), None);
    }

    #[test]
    fn grows_past_its_capacity_and_batches_agree_with_single_lookups() {
        let skus: Vec<String> = (0..5000).map(|i| format!("S{i}")).collect();
        let mut t = SkuTable::with_capacity(10);
        for (i, s) in skus.iter().enumerate() {
            t.insert_first(s, i as u32);
        }
        let asked: Vec<Option<String>> = (0..6000)
            .map(|i| (i % 7 != 0).then(|| format!("S{}", i * 3 % 5500)))
            .collect();
        let mut out = Vec::new();
        t.get_batch(asked.iter().map(|s| s.as_deref()), &mut out);
        assert_eq!(out.len(), asked.len());
        for (s, got) in asked.iter().zip(&out) {
            let want = s.as_deref().and_then(|s| t.get(s)).unwrap_or(NONE);
            assert_eq!(*got, want, "{s:?}");
            if let Some(s) = s {
                let n: usize = s[1..].parse().unwrap_or(usize::MAX);
                assert_eq!(*got != NONE, n < 5000, "{s}");
            }
        }
    }

    proptest::proptest! {
        /// Whatever the skus (empty, long, non-ASCII, repeated), the table answers like a map
        /// that keeps each sku's first line, one at a time and a batch at a time.
        #[test]
        fn answers_like_a_map_of_first_lines(
            catalog in proptest::collection::vec("[a-zA-Z0-9é -]{0,30}", 0..300),
            asked in proptest::collection::vec(proptest::option::of("[a-zA-Z0-9é -]{0,30}"), 0..300),
        ) {
            let mut model = std::collections::HashMap::new();
            let mut t = SkuTable::with_capacity(catalog.len() / 3);
            for (i, s) in catalog.iter().enumerate() {
                model.entry(s.as_str()).or_insert(i as u32);
                t.insert_first(s, i as u32);
            }
            let mut out = Vec::new();
            // Asked skus: the catalog's own and the generated ones.
            let asked: Vec<Option<&str>> = catalog
                .iter()
                .map(|s| Some(s.as_str()))
                .chain(asked.iter().map(|s| s.as_deref()))
                .collect();
            t.get_batch(asked.iter().copied(), &mut out);
            proptest::prop_assert_eq!(out.len(), asked.len());
            for (s, got) in asked.iter().zip(&out) {
                let want = s.and_then(|s| model.get(s).copied());
                proptest::prop_assert_eq!(s.and_then(|s| t.get(s)), want);
                proptest::prop_assert_eq!(*got, want.unwrap_or(NONE));
            }
        }
    }
}
