//! What the feature stage hands to the rules: one row of fields per screened chain at the
//! as-of date, each chain's time series cut at that date, and the facts about the whole
//! universe that sector rules need. Plain Rust values: no polars beyond this stage.

use super::value::Value;
use chrono::NaiveDate;
use serde::Serialize;
use std::collections::BTreeMap;

/// A dated series of one measure for one chain, oldest first, nothing after the as-of date.
pub type Series = Vec<(NaiveDate, f64)>;

/// Where a field's value comes from: the date of the observation it was read from, the source
/// key of the row (see the dataset's sources table), and that row's quality flags (`PROXY`,
/// `DOUBTFUL`, `WEAK SOURCE`, `CONFLICT`), so that a reason can word a weak fact honestly.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Provenance {
    pub date: Option<NaiveDate>,
    pub source: Option<String>,
    pub flags: Vec<String>,
}

/// One ecosystem link fact seen at the as-of date. `from_chain` is the home chain of
/// `from_project` (where its contracts live); `to_chain` the chain where `to_project` lives and
/// grew. `ecosystem` is the chain the fact is credited to when something was born: for a
/// spawned token, the chain it is issued on (`to_chain`); for a spawned chain, the chain it
/// settles on (the host of `to_chain`); for other kinds, none.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Link {
    pub date: NaiveDate,
    pub kind: String,
    pub from_project: String,
    pub from_chain: Option<String>,
    pub to_project: String,
    pub to_chain: Option<String>,
    pub ecosystem: Option<String>,
    pub note: Option<String>,
    pub sources: Vec<String>,
    pub flags: Vec<String>,
}

/// A field's name: the catalogue's own text, borrowed (a universe of a backtest's every date
/// names each field of each chain, and copying the names was most of building the rows), or
/// a name of its own for a field a test or a case gives.
pub type FieldName = std::borrow::Cow<'static, str>;

#[derive(Clone, Debug, Default, Serialize)]
pub struct ChainFeatures {
    pub slug: String,
    /// Every field of `catalog::fields()`; `Value::Missing` where unknown.
    pub fields: BTreeMap<FieldName, Value>,
    /// `"tvl_usd"` (weekly) and each metric name of `dataset::vocabulary::METRICS` (daily) that the chain has.
    pub series: BTreeMap<String, Series>,
    /// Where the values of fields read from dated observations come from.
    #[serde(skip)]
    pub provenance: BTreeMap<FieldName, Provenance>,
    /// The link facts that touch the chain (from it, to it, or born in its ecosystem), by date.
    #[serde(skip)]
    pub links: Vec<Link>,
}

impl ChainFeatures {
    pub fn get(&self, field: &str) -> Option<&Value> {
        self.fields.get(field)
    }

    /// Set a field (in place when it is there, as every catalogue field is from the start:
    /// no new key).
    pub fn set(&mut self, field: &str, value: Value) {
        match self.fields.get_mut(field) {
            Some(slot) => *slot = value,
            None => {
                self.fields
                    .insert(FieldName::Owned(field.to_string()), value);
            }
        }
    }

    /// Set a field read from a dated observation, with where it comes from.
    pub fn set_from(&mut self, field: &str, value: Value, provenance: Provenance) {
        if !value.is_missing() {
            // Under the name the field already has (the catalogue's, not a copy).
            let name = match self.fields.get_key_value(field) {
                Some((name, _)) => name.clone(),
                None => FieldName::Owned(field.to_string()),
            };
            self.provenance.insert(name, provenance);
        }
        self.set(field, value);
    }
}

/// Which data a universe was cut from: the dataset's name and vintage, and the content hash of
/// what can be seen at the as-of date (`ContentHash`; read when first needed, as it may still
/// be being built).
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct DataStamp {
    pub name: String,
    pub vintage: String,
    pub hash: crate::dataset::HashAt,
}

#[derive(Clone, Debug, Serialize)]
pub struct Universe {
    pub as_of: NaiveDate,
    /// The data it was cut from, for the stamps of every result.
    pub data: DataStamp,
    /// The latest TVL week on or before `as_of` (the newest TVL point of the universe): ranks
    /// and shares are taken there.
    pub tvl_week: Option<NaiveDate>,
    /// Length of the leadership window, in weeks, ending at `tvl_week`.
    pub window_weeks: i64,
    /// The #1 chain by TVL for each week of the window, oldest first.
    pub leaders: Vec<(NaiveDate, String)>,
    /// Screened chains (never L1 context chains) that exist at `as_of`, sorted by slug.
    pub chains: Vec<ChainFeatures>,
    /// The dataset's sources table (key → what the source is), to cite the sources a result
    /// rests on.
    #[serde(skip)]
    pub sources: std::sync::Arc<BTreeMap<String, String>>,
}

impl Universe {
    /// The member `slug`, found by binary search (`chains` is sorted by slug).
    pub fn chain(&self, slug: &str) -> Option<&ChainFeatures> {
        debug_assert!(self.chains.is_sorted_by(|a, b| a.slug < b.slug));
        self.chains
            .binary_search_by(|c| c.slug.as_str().cmp(slug))
            .ok()
            .map(|i| &self.chains[i])
    }
}
