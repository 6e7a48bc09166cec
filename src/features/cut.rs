//! The dataset seen at one as-of date: the universe members and, for any chain, its rows on
//! or before the date. Every feature group reads the index through this, so "on or before
//! `as_of`" is decided in one place.

use super::index::{Event, Index, Point};
use chrono::NaiveDate;

pub struct Cut<'a> {
    pub index: &'a Index,
    pub as_of: NaiveDate,
    /// Chain indexes of the universe members, sorted by slug (the order of `Universe::chains`).
    pub members: Vec<usize>,
}

impl<'a> Cut<'a> {
    pub fn new(index: &'a Index, as_of: NaiveDate) -> Cut<'a> {
        Cut {
            index,
            as_of,
            members: super::membership::members(index, as_of),
        }
    }

    /// The chain's events dated on or before `as_of`.
    pub fn events(&self, chain: usize) -> &'a [Event] {
        let all = &self.index.events[chain];
        &all[..all.partition_point(|e| e.date <= self.as_of)]
    }

    /// The points of a series dated on or before `as_of`.
    pub fn points(&self, series: &'a [Point]) -> &'a [Point] {
        &series[..series.partition_point(|p| p.date <= self.as_of)]
    }

    /// Days from `date` to `as_of`.
    pub fn age_days(&self, date: NaiveDate) -> i64 {
        (self.as_of - date).num_days()
    }
}

/// The observation that wins among candidates: the latest date, then the highest priority,
/// then the first row. Each candidate is (date, priority, row, value).
pub fn latest<T>(candidates: impl IntoIterator<Item = (NaiveDate, u8, usize, T)>) -> Option<T> {
    candidates
        .into_iter()
        .max_by(|a, b| (a.0, a.1).cmp(&(b.0, b.1)).then_with(|| b.2.cmp(&a.2)))
        .map(|c| c.3)
}
