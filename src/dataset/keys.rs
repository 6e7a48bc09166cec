//! Integer keys for the values that repeat: a [`Dict`] gives each distinct value of a column a
//! code (a category, a chain slug, a source key), so a column is a vector of integers; a
//! [`KeySet`] is what a reference column may name (the chains' slugs, the sources' keys); and
//! [`UniqueCheck`] finds rows whose key columns repeat by sorting integer keys, not by hashing
//! text.

use super::cell::did_you_mean;
use super::schema::ColType;
use polars::prelude::{PlHashMap, PlHashSet};
use std::sync::Arc;

/// The distinct values of a column, each with its code (its index, in order of first sight).
#[derive(Debug, Default)]
pub struct Dict {
    index: PlHashMap<Arc<str>, u32>,
    values: Vec<Arc<str>>,
    /// Only the values given at creation are codes (the allowed values of a category).
    fixed: bool,
    /// The code given last: files are often sorted, so the next cell is often the same value.
    last: Option<u32>,
}

impl Dict {
    /// A dictionary that takes every value it is given.
    pub fn open() -> Dict {
        Dict::default()
    }

    /// A dictionary of exactly `values` (codes are their indexes).
    pub fn fixed(values: &[&str]) -> Dict {
        let mut dict = Dict::default();
        for v in values {
            dict.code(v);
        }
        dict.fixed = true;
        dict
    }

    /// The code of `v`, given a new one if the dictionary is open; `None` if it is fixed and `v`
    /// is not one of its values.
    pub fn code(&mut self, v: &str) -> Option<u32> {
        if let Some(c) = self.last
            && *self.values[c as usize] == *v
        {
            return Some(c);
        }
        let code = match self.index.get(v) {
            Some(&c) => c,
            None if self.fixed => return None,
            None => {
                let c = self.values.len() as u32;
                let v: Arc<str> = Arc::from(v);
                self.values.push(v.clone());
                self.index.insert(v, c);
                c
            }
        };
        self.last = Some(code);
        Some(code)
    }

    /// Take in the values of `other` (a dictionary of the same column, filled from later
    /// rows): the code each of its codes now has, values new here coded in the order `other`
    /// saw them, as if its rows had been read after these. `None` for a value a fixed
    /// dictionary does not hold (which it never gives a code to).
    pub fn absorb(&mut self, other: &Dict) -> Vec<Option<u32>> {
        other.values.iter().map(|v| self.code(v)).collect()
    }

    pub fn value(&self, code: u32) -> &str {
        &self.values[code as usize]
    }

    pub fn len(&self) -> usize {
        self.values.len()
    }

    pub fn values(&self) -> impl Iterator<Item = &str> {
        self.values.iter().map(|v| &**v)
    }
}

/// The keys a reference column may name: the slugs of the chains table or the keys of the
/// sources table, with the file they come from for the message.
pub struct KeySet {
    keys: PlHashSet<Arc<str>>,
    /// "chain" or "source key".
    what: &'static str,
    file: String,
    /// Where the first of the file's records that could not be read as a row is ("line 3"):
    /// a key on it is not among the keys, and a reference to it is not known for that reason.
    unread: Option<String>,
}

impl KeySet {
    pub fn new<'a>(
        keys: impl Iterator<Item = &'a str>,
        what: &'static str,
        file: String,
    ) -> KeySet {
        KeySet {
            keys: keys.map(Arc::from).collect(),
            what,
            file,
            unread: None,
        }
    }

    /// These keys, read from a file whose first record that could not be a row is `at`.
    pub fn with_unread(mut self, at: Option<String>) -> KeySet {
        self.unread = at;
        self
    }

    /// What in `value`, a cell of type `ty`, is not a key: the first space-separated part that
    /// is not one for a column of several keys (`sources`), else the whole value unless it is
    /// one key (`chain`, `source`: "a b" is not one key even when "a" and "b" are keys).
    pub fn first_unknown<'v>(&self, ty: ColType, value: &'v str) -> Option<&'v str> {
        if ty == ColType::Sources {
            value.split_whitespace().find(|k| !self.keys.contains(*k))
        } else {
            (!self.keys.contains(value)).then_some(value)
        }
    }

    /// The message for a cell of type `ty` whose part `first` is not a key.
    pub fn message(&self, ty: ColType, first: &str) -> String {
        let several = ty != ColType::Sources
            && first.split_whitespace().count() > 1
            && first.split_whitespace().all(|k| self.keys.contains(k));
        if several {
            return format!(
                "\"{}\" is several {}s: expected one, {} ({}); only a `sources` column holds several, space-separated",
                super::cell::escaped(first),
                self.what,
                ty.expected(),
                self.file,
            );
        }
        let unread = self.unread.as_ref().map_or(String::new(), |at| {
            format!(
                " ({} has a record that could not be read as a row, at {at}, which may hold it)",
                self.file
            )
        });
        format!(
            "\"{}\" is not a known {}: expected {} ({}){}{unread}",
            super::cell::escaped(first),
            self.what,
            ty.expected().trim_start_matches("space-separated "),
            self.file,
            did_you_mean(first, self.keys.iter().map(|k| &**k))
        )
    }
}

/// One part of a row's key: a value's code or day, or, with this bit set, the code of a text
/// that is not a valid value (two equal invalid texts are still the same key).
pub const INVALID: u32 = 1 << 31;

/// The most columns a unique key may have.
pub const KEY_PARTS: usize = 3;

/// The key of every row whose key columns are all filled, with the row's position: the key's
/// parts then the position in one `u128`, which sorts as the tuple would, with one compare.
#[derive(Default)]
pub struct UniqueCheck {
    rows: Vec<u128>,
}

/// A row whose key an earlier row already had.
pub struct Duplicate {
    pub pos: u32,
    pub first: u32,
    pub key: [u32; KEY_PARTS],
}

impl UniqueCheck {
    pub fn push(&mut self, key: [u32; KEY_PARTS], pos: u32) {
        let key = key
            .iter()
            .fold(0u128, |k, &part| (k << 32) | u128::from(part));
        self.rows.push((key << 32) | u128::from(pos));
    }

    /// Every row whose key appeared on an earlier row, with that first row, in file order.
    /// Take in the keys of `other` (of rows read after these), each part `p` of slot `i` as
    /// `part(i, p)`.
    pub fn absorb(&mut self, other: UniqueCheck, part: impl Fn(usize, u32) -> u32) {
        self.rows.extend(other.rows.into_iter().map(|row| {
            let key = (0..KEY_PARTS)
                .map(|i| part(i, (row >> (32 * (KEY_PARTS - i))) as u32))
                .fold(0u128, |k, p| (k << 32) | u128::from(p));
            (key << 32) | (row & u128::from(u32::MAX))
        }));
    }

    pub fn duplicates(mut self) -> Vec<Duplicate> {
        // Positions grow with the row, so within a key the first position is the first row.
        self.rows.sort_unstable();
        let mut out = Vec::new();
        for group in self.rows.chunk_by(|a, b| a >> 32 == b >> 32) {
            let first = group[0] as u32;
            let key = std::array::from_fn(|i| (group[0] >> (32 * (KEY_PARTS - i))) as u32);
            out.extend(group[1..].iter().map(|&row| Duplicate {
                pos: row as u32,
                first,
                key,
            }));
        }
        out.sort_unstable_by_key(|d| d.pos);
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_given_in_order_of_first_sight() {
        let mut d = Dict::open();
        assert_eq!(d.code("base"), Some(0));
        assert_eq!(d.code("op"), Some(1));
        assert_eq!(d.code("base"), Some(0));
        assert_eq!(d.value(1), "op");
        let mut f = Dict::fixed(&["L1", "L2"]);
        assert_eq!(f.code("L2"), Some(1));
        assert_eq!(f.code("L4"), None);
        assert_eq!(f.len(), 2);
    }

    #[test]
    fn duplicates_point_at_the_first_row() {
        let mut u = UniqueCheck::default();
        for (key, pos) in [(1, 2), (2, 3), (1, 4), (1, 7), (2, 5)] {
            u.push([key, 0, 0], pos);
        }
        let d: Vec<(u32, u32)> = u.duplicates().iter().map(|d| (d.pos, d.first)).collect();
        assert_eq!(d, vec![(4, 2), (5, 3), (7, 2)]);
        // Every part of the key counts, and comes back as it went in.
        let mut u = UniqueCheck::default();
        let keys = [
            [1, 2, 3],
            [1, 2, 4],
            [u32::MAX, 0, 1],
            [1, 2, 3],
            [u32::MAX, 0, 1],
        ];
        for (pos, key) in keys.into_iter().enumerate() {
            u.push(key, pos as u32 + 10);
        }
        let d: Vec<(u32, u32, [u32; 3])> = u
            .duplicates()
            .iter()
            .map(|d| (d.pos, d.first, d.key))
            .collect();
        assert_eq!(d, vec![(13, 10, [1, 2, 3]), (14, 12, [u32::MAX, 0, 1])]);
    }

    #[test]
    fn references_name_the_first_unknown_part() {
        let keys = KeySet::new(["a", "b"].into_iter(), "source key", "s.csv".into());
        assert_eq!(keys.first_unknown(ColType::Sources, "a b"), None);
        assert_eq!(keys.first_unknown(ColType::Sources, "a c d"), Some("c"));
        // A column of one key: the whole value must be one.
        assert_eq!(keys.first_unknown(ColType::Source, "a"), None);
        assert_eq!(keys.first_unknown(ColType::Source, "a b"), Some("a b"));
        assert_eq!(keys.first_unknown(ColType::Chain, "a c"), Some("a c"));
        assert_eq!(
            keys.message(ColType::Source, "a b"),
            "\"a b\" is several source keys: expected one, a key defined in the sources table (s.csv); only a `sources` column holds several, space-separated"
        );
    }
}
