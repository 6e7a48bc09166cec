//! The feature stage: cut the dataset at an as-of date (nothing dated after it is seen) and
//! derive one row of fields per chain, plus the universe facts sector rules need.
//!
//! The dataset is read once into an [`Index`] of sorted, plain structures; [`Index::universe`]
//! cuts it at a date (once per week in a backtest) with binary searches and small loops. It
//! selects the universe (`membership`), fills each chain's fields group by group —
//! `attributes`, `token`, `tvl`, `leadership`, `ecosystem`, `speed`, `metrics` — and hands
//! the series over (`series`). Each module's documentation states its semantics exactly;
//! together they are the reference for what every field of `catalog::fields()` means at a date.
//!
//! Point in time, strictly: a value observed at a date is known from that date on, never
//! before, and nothing dated after the as-of date can change anything at it, not even by
//! existing. Every observation is dated: events and points by their date, speed rows by their
//! `asof`, and the chains file's attribute values (stack, DA, proof system, stage, Superchain
//! membership) by the file's snapshot date (`stage_asof`, else the vintage): before it they
//! are unknown unless a dated event says otherwise. Ties between observations of the same date
//! are broken by file order (the first row wins; an event beats the chains-file snapshot), so
//! the result never depends on thread count or hash order.

mod attributes;
pub mod catalog;
mod cut;
mod ecosystem;
#[cfg(test)]
mod fixture;
pub mod index;
mod leadership;
mod membership;
mod metrics;
pub mod options;
mod series;
mod speed;
mod token;
mod tvl;
pub mod universe;
pub mod value;

pub use index::Index;
pub use options::FeatureOptions;
pub use universe::{ChainFeatures, DataStamp, FieldName, Link, Provenance, Series, Universe};
pub use value::Value;

use crate::dataset::Dataset;
use anyhow::Result;
use chrono::NaiveDate;
use cut::Cut;

/// The names of the series a chain can have: `tvl_usd` (weekly) and every daily metric.
pub fn series_names() -> Vec<&'static str> {
    std::iter::once(series::TVL)
        .chain(crate::dataset::vocabulary::METRICS.iter().map(|(m, _)| *m))
        .collect()
}

/// The universe at `as_of` (building the index first; to cut one dataset at many dates, build
/// an [`Index`] once and call [`Index::universe`]).
pub fn compute(ds: &Dataset, as_of: NaiveDate, opts: &FeatureOptions) -> Result<Universe> {
    Index::new(ds)?.universe(as_of, opts)
}

impl Index {
    /// The universe at `as_of`: every screened chain that exists then, with every catalog
    /// field computed from data dated on or before `as_of` only.
    pub fn universe(&self, as_of: NaiveDate, opts: &FeatureOptions) -> Result<Universe> {
        opts.validate()?;
        let cut = Cut::new(self, as_of);
        let mut chains: Vec<ChainFeatures> = cut
            .members
            .iter()
            .map(|&i| {
                let slug = self.chains[i].slug.clone();
                let mut c = ChainFeatures {
                    slug: slug.clone(),
                    fields: catalog::empty_row().clone(),
                    ..Default::default()
                };
                c.set("slug", Value::Text(slug));
                c
            })
            .collect();
        attributes::fill(&cut, &mut chains);
        token::fill(&cut, &mut chains);
        let tvl_week = tvl::fill(&cut, &mut chains);
        let leaders = leadership::fill(&cut, tvl_week, opts.window_weeks, &mut chains);
        ecosystem::fill(&cut, &mut chains);
        speed::fill(&cut, &mut chains);
        metrics::fill(&cut, &mut chains);
        series::fill(&cut, &mut chains);
        Ok(Universe {
            as_of,
            data: DataStamp {
                name: self.name.clone(),
                vintage: self.vintage.format("%Y-%m-%d").to_string(),
                hash: self.content.at(as_of),
            },
            tvl_week,
            window_weeks: opts.window_weeks,
            leaders,
            chains,
            sources: self.sources.clone(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every field of the catalogue is produced by exactly one group (the metric fields by
    /// `metrics`): a field nobody fills would silently read as missing.
    #[test]
    fn every_field_is_produced_by_exactly_one_group() {
        let mut produced: Vec<String> = ["slug"]
            .iter()
            .chain(attributes::FIELDS)
            .chain(token::FIELDS)
            .chain(tvl::FIELDS)
            .chain(leadership::FIELDS)
            .chain(ecosystem::FIELDS)
            .chain(speed::FIELDS)
            .map(|f| f.to_string())
            .collect();
        produced.extend(metrics::fields());
        produced.sort_unstable();
        let n = produced.len();
        produced.dedup();
        assert_eq!(n, produced.len(), "a field is produced twice");
        let mut expected: Vec<String> = catalog::fields().iter().map(|f| f.name.clone()).collect();
        expected.sort_unstable();
        assert_eq!(produced, expected);
    }

    /// The shipped dataset, through the real loader: the frames it produces are the ones the
    /// feature stage expects, and the checked facts of `shared/reference/l2/README.md` hold.
    #[test]
    fn shipped_dataset_reproduces_the_documented_leadership() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("datasets/l2");
        if !dir.join("dataset.toml").exists() {
            return;
        }
        let ds = crate::dataset::load(&dir).unwrap_or_else(|e| panic!("{e:?}"));
        let opts = FeatureOptions::default();
        let at = |s: &str| compute(&ds, fixture::d(s), &opts).expect("compute");
        let leader = |s: &str| at(s).leaders.last().cloned().expect("a leader");
        // Base became #1 in the week ending 2024-12-15; Arbitrum led the week before; OP
        // Mainnet led two weeks of Aug 2022.
        assert_eq!(
            leader("2024-12-15"),
            (fixture::d("2024-12-15"), "base".into())
        );
        assert_eq!(
            leader("2024-12-08"),
            (fixture::d("2024-12-08"), "arbitrum".into())
        );
        assert_eq!(leader("2022-08-14").1, "optimism");
        assert_eq!(leader("2022-08-21").1, "arbitrum");

        let u = at(&ds.manifest.vintage);
        assert!(
            u.chains
                .iter()
                .all(|c| c.fields.len() == catalog::fields().len())
        );
        assert!(
            u.chain("ethereum").is_none(),
            "L1 context chains are never screened"
        );
        // Kinto shut down on 2025-09-30.
        assert!(u.chain("kinto").is_none());
        assert!(at("2025-09-29").chain("kinto").is_some());
        // Base: a stack of its own since 2026-02-18, left the Superchain registry 2026-04-27.
        let base = u.chain("base").expect("base");
        assert_eq!(base.fields["stack"], Value::Text("base".into()));
        assert_eq!(base.fields["stack_family_size"], Value::Int(1));
        assert_eq!(base.fields["superchain"], Value::Bool(false));
        assert_eq!(base.fields["tvl_rank"], Value::Int(1));
    }

    #[test]
    fn a_window_shorter_than_a_week_is_an_error() {
        let ds = fixture::fixture();
        let opts = FeatureOptions { window_weeks: 0 };
        assert!(compute(&ds, fixture::d("2024-02-11"), &opts).is_err());
    }
}
