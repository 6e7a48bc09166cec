//! What the feature stage hands to the rules: one row of fields per screened chain at the
//! as-of date, each chain's time series cut at that date, and the facts about the whole
//! universe that sector rules need. Plain Rust values: no polars beyond this stage.

use super::value::Value;
use chrono::NaiveDate;
use serde::Serialize;
use std::collections::BTreeMap;

/// A dated series of one measure for one chain, oldest first, nothing after the as-of date.
pub type Series = Vec<(NaiveDate, f64)>;

#[derive(Clone, Debug, Serialize)]
pub struct ChainFeatures {
    pub slug: String,
    /// Every field of `catalog::fields()`, in that order; `Value::Missing` where unknown.
    pub fields: BTreeMap<String, Value>,
    /// `"tvl_usd"` (weekly) and each metric name of `dataset::vocabulary::METRICS` (daily) that the chain has.
    pub series: BTreeMap<String, Series>,
}

impl ChainFeatures {
    pub fn get(&self, field: &str) -> Option<&Value> {
        self.fields.get(field)
    }
}

/// Which data a universe was cut from: the dataset's name and vintage, and the content hash of
/// what can be seen at the as-of date (`Dataset::content_hash`).
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct DataStamp {
    pub name: String,
    pub vintage: String,
    pub hash: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct Universe {
    pub as_of: NaiveDate,
    /// The data it was cut from, for the stamps of every result.
    pub data: DataStamp,
    /// The latest TVL week on or before `as_of`: ranks and shares are taken there.
    pub tvl_week: Option<NaiveDate>,
    /// Length of the leadership window, in weeks, ending at `tvl_week`.
    pub window_weeks: i64,
    /// The #1 chain by TVL for each week of the window, oldest first.
    pub leaders: Vec<(NaiveDate, String)>,
    /// Screened chains (never L1 context chains) that exist at `as_of`, sorted by slug.
    pub chains: Vec<ChainFeatures>,
}

impl Universe {
    pub fn chain(&self, slug: &str) -> Option<&ChainFeatures> {
        self.chains.iter().find(|c| c.slug == slug)
    }
}
