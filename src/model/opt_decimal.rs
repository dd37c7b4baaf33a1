//! `OptDecimal`: an `Option<Decimal>` in one 8-byte word, for the many optional figures a plan
//! line holds.

use rust_decimal::Decimal;

/// An `Option<Decimal>` in 8 bytes instead of 20: a plan line holds 7 of them and a decided
/// line's decision 7 more, a million lines over 100 MB less. The figures a plan holds
/// (quantities, prices, costs, percentages with 2 or 4 decimals) nearly all have a mantissa under
/// 2^56 (17 digits): those sit in the word itself, mantissa, scale and sign, exactly as the
/// decimal has them. A longer one (a 20-digit cell, `Decimal::MAX`) goes to a table the process
/// keeps (`big`), each distinct decimal once, and the word holds its place there. Read it with
/// `get()`: the decimal comes back bit for bit (scale and a negative zero's sign kept). It
/// compares, and prints with `{:?}`, as the `Option<Decimal>` it holds (by value: `1.0` equals
/// `1.00`, `-0` equals `0`).
///
/// The word: bits 0-55 the mantissa, 56-60 the scale (0-28), 61 the sign; bits 62-63 are 00 for
/// a decimal held so, 01 for one in the table (its index in bits 0-61), 11 for `None`.
#[derive(Clone, Copy)]
pub struct OptDecimal(u64);

impl OptDecimal {
    const MANTISSA: u64 = (1 << 56) - 1;
    const TAG_SHIFT: u32 = 62;
    const IN_TABLE: u64 = 1 << Self::TAG_SHIFT;
    pub const NONE: OptDecimal = OptDecimal(u64::MAX);

    #[inline]
    pub fn new(d: Decimal) -> OptDecimal {
        let b = d.serialize();
        let word = |i: usize| u32::from_le_bytes([b[i], b[i + 1], b[i + 2], b[i + 3]]);
        let (flags, lo, mid, hi) = (word(0), word(4), word(8), word(12));
        let mantissa = u64::from(mid) << 32 | u64::from(lo);
        if hi == 0 && mantissa <= Self::MANTISSA {
            // A decimal's flags: the scale in bits 16-23 (at most 28), the sign in bit 31.
            let scale = u64::from((flags >> 16) & 0xFF);
            let negative = u64::from(flags >> 31);
            return OptDecimal(mantissa | scale << 56 | negative << 61);
        }
        OptDecimal(Self::IN_TABLE | big::place(d))
    }

    #[inline]
    pub fn get(self) -> Option<Decimal> {
        let w = self.0;
        match w >> Self::TAG_SHIFT {
            0 => {
                let m = w & Self::MANTISSA;
                let negative = (w >> 61) & 1 == 1;
                let scale = ((w >> 56) & 0x1F) as u32;
                let mut d = Decimal::from_parts(m as u32, (m >> 32) as u32, 0, negative, scale);
                if negative && m == 0 {
                    // `from_parts` drops the sign of a zero; a negative zero stays one.
                    d.set_sign_negative(true);
                }
                Some(d)
            }
            1 => Some(big::get(w & !Self::IN_TABLE)),
            _ => {
                debug_assert_eq!(w, Self::NONE.0, "no other word is made");
                None
            }
        }
    }

    #[inline]
    pub fn is_none(self) -> bool {
        self.0 == Self::NONE.0
    }

    #[inline]
    pub fn is_some(self) -> bool {
        !self.is_none()
    }
}

impl Default for OptDecimal {
    fn default() -> Self {
        OptDecimal::NONE
    }
}

impl From<Option<Decimal>> for OptDecimal {
    fn from(d: Option<Decimal>) -> Self {
        d.map_or(OptDecimal::NONE, OptDecimal::new)
    }
}

impl From<Decimal> for OptDecimal {
    fn from(d: Decimal) -> Self {
        OptDecimal::new(d)
    }
}

impl From<OptDecimal> for Option<Decimal> {
    fn from(d: OptDecimal) -> Self {
        d.get()
    }
}

impl PartialEq for OptDecimal {
    fn eq(&self, other: &Self) -> bool {
        self.get() == other.get()
    }
}

impl Eq for OptDecimal {}

impl std::fmt::Debug for OptDecimal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.get().fmt(f)
    }
}

/// The decimals too long for a word: every distinct one (bit for bit: `1.0` and `1.00` are two)
/// once, for the life of the process, found again through a hash table of their places. A plan
/// of ordinary figures puts nothing here. What does: a file's 18-digit and longer figures, and
/// the capital of a line whose cost is a 17-digit float artifact (`9.280000000000001`, as
/// spreadsheets and pandas write them) times its quantity: about 30 bytes a distinct figure
/// (16 for the decimal, a slot, the vectors' spare room), each placed under a write lock. The
/// reviewer's 1M-line catalog of such costs peaked at 308 MB against 291 MB with plain ones.
mod big {
    use rust_decimal::Decimal;
    use std::hash::BuildHasher;
    use std::sync::{LazyLock, PoisonError, RwLock};

    #[derive(Default)]
    struct Table {
        values: Vec<Decimal>,
        places: hashbrown::HashTable<u64>,
        // Seeded per process: a file cannot be made to collide its figures' hashes.
        hasher: foldhash::fast::RandomState,
    }

    static TABLE: LazyLock<RwLock<Table>> = LazyLock::new(RwLock::default);

    /// The place of `d` in the table, added when it is not there yet.
    pub(super) fn place(d: Decimal) -> u64 {
        let key = d.serialize();
        // A panic never happens while the lock is held (no code here can), so a poisoned lock
        // still holds a whole table.
        let mut table = TABLE.write().unwrap_or_else(PoisonError::into_inner);
        let Table {
            values,
            places,
            hasher,
        } = &mut *table;
        let hash = hasher.hash_one(key);
        if let Some(&at) = places.find(hash, |&at| values[at as usize].serialize() == key) {
            return at;
        }
        let at = values.len() as u64;
        values.push(d);
        places.insert_unique(hash, at, |&at| {
            hasher.hash_one(values[at as usize].serialize())
        });
        at
    }

    /// The decimal at `at` (a place `place` gave).
    pub(super) fn get(at: u64) -> Decimal {
        let table = TABLE.read().unwrap_or_else(PoisonError::into_inner);
        table.values[at as usize]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    #[test]
    fn opt_decimal_round_trips_every_decimal_and_none() {
        assert_eq!(size_of::<OptDecimal>(), 8);
        assert_eq!(size_of::<Option<Decimal>>(), 20);
        let none = OptDecimal::NONE;
        assert!(none.is_none() && !none.is_some());
        assert_eq!(none.get(), None);
        assert_eq!(OptDecimal::from(None), none);
        assert_eq!(OptDecimal::default(), none);
        assert_eq!(format!("{none:?}"), "None");
        let mut values = vec![
            Decimal::ZERO,
            -Decimal::ZERO,
            Decimal::ONE,
            Decimal::NEGATIVE_ONE,
            Decimal::MAX,
            Decimal::MIN,
            d("0.0000000000000000000000000001"),
            d("-0.0000000000000000000000000001"),
            d("7.9228162514264337593543950335"),
            d("26.67"),
            d("40.00"),
        ];
        // Every scale, with the smallest, a middling and the largest mantissa, both signs, and
        // zeros of every scale (`0.000` keeps its scale).
        for scale in 0..=28 {
            for m in [0, 1, 1234567890123456789, i128::from(u64::MAX) << 32] {
                for neg in [false, true] {
                    let mut v = Decimal::from_i128_with_scale(m, scale);
                    v.set_sign_negative(neg);
                    values.push(v);
                }
            }
        }
        // A deterministic walk over the 96-bit mantissas.
        let mut x: u64 = 0x2545_F491_4F6C_DD1D;
        for i in 0..10_000u32 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let m = ((x as i128) << 32 | i128::from(x >> 32)) & ((1 << 96) - 1);
            let mut v = Decimal::from_i128_with_scale(m, i % 29);
            v.set_sign_negative(x & 1 == 1);
            values.push(v);
        }
        // Negative zeros (of every scale) are among them: `get` builds those another way.
        assert!(values.iter().any(|v| v.is_zero() && v.is_sign_negative()));
        for v in values {
            let o = OptDecimal::from(v);
            assert!(o.is_some() && !o.is_none(), "{v:?}");
            let back = o.get().unwrap();
            // The same decimal bit for bit: value, scale and sign (a negative zero stays one).
            assert_eq!(back.serialize(), v.serialize(), "{v:?}");
            assert_eq!(back.to_string(), v.to_string());
            assert_eq!(OptDecimal::from(Some(v)), o);
            assert_eq!(Option::<Decimal>::from(o), Some(v));
            assert_ne!(o, none);
            assert_eq!(format!("{o:?}"), format!("{:?}", Some(v)));
        }
    }

    #[test]
    fn opt_decimal_compares_as_the_option_does() {
        let o = |s: &str| OptDecimal::from(d(s));
        assert_eq!(o("1.0"), o("1.00"));
        assert_eq!(o("0"), OptDecimal::from(-Decimal::ZERO));
        assert_ne!(o("1.0"), o("1.01"));
        assert_ne!(o("0"), OptDecimal::NONE);
        assert_eq!(OptDecimal::NONE, OptDecimal::from(None));
    }

    #[test]
    fn figures_up_to_17_digits_sit_in_the_word_and_longer_ones_in_the_table() {
        let in_word = |o: OptDecimal| o.0 >> OptDecimal::TAG_SHIFT == 0;
        let largest = Decimal::from_i128_with_scale(i128::from(OptDecimal::MANTISSA), 28);
        for v in [
            d("0"),
            d("-0.00"),
            d("12345.6789"),
            d("-99.99"),
            d("0.3333"),
            d("72057594037927935"),
            largest,
            -largest,
        ] {
            let o = OptDecimal::new(v);
            assert!(in_word(o), "{v:?}");
            assert_eq!(o.get().unwrap().serialize(), v.serialize(), "{v:?}");
        }
        for v in [
            d("72057594037927936"),
            d("0.3333333333333333333333333333"),
            -Decimal::MAX,
        ] {
            let o = OptDecimal::new(v);
            assert!(!in_word(o) && o.is_some(), "{v:?}");
            assert_eq!(o.get().unwrap().serialize(), v.serialize(), "{v:?}");
        }
    }

    #[test]
    fn a_long_figure_is_kept_once_however_often_it_is_held() {
        let v = d("1234567890.123456789012345678");
        let a = OptDecimal::new(v);
        let b = OptDecimal::new(v);
        assert_eq!(a.0, b.0, "the same place in the table");
        // The same value at another scale is another decimal (it prints otherwise).
        let c = OptDecimal::new(d("1234567890.1234567890123456780"));
        assert_ne!(a.0, c.0);
        assert_eq!(a, c, "but compares equal, as the decimals do");
        assert_eq!(
            c.get().unwrap().to_string(),
            "1234567890.1234567890123456780"
        );
    }

    #[test]
    fn threads_placing_long_figures_at_once_each_read_back_their_own() {
        let handles: Vec<_> = (0..4u64)
            .map(|t| {
                std::thread::spawn(move || {
                    (0..2_000u64)
                        .map(|i| {
                            // Shared by the threads every other value, their own otherwise.
                            let m = i128::from(1u64 << 60) + i128::from(i * 4 + (i % 2) * t);
                            let v = Decimal::from_i128_with_scale(m, 3);
                            (v, OptDecimal::new(v))
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        for h in handles {
            for (v, o) in h.join().unwrap() {
                assert_eq!(o.get().unwrap().serialize(), v.serialize());
            }
        }
    }
}
