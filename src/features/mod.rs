//! The feature stage: cut the dataset at an as-of date (nothing dated after it is seen) and
//! derive one row of fields per chain, plus the universe facts sector rules need.
//!
//! [`compute`] is called once per as-of date (once per week in a backtest). It selects the
//! universe (`membership`), builds one polars frame per feature group — `attributes`, `token`,
//! `tvl`, `leadership`, `ecosystem`, `speed`, plus the long frames of `metrics` and `series` —
//! joins them on the slug, collects, and converts the small result into plain values
//! (`assemble`). Each module's documentation states its semantics exactly; together they are
//! the reference for what every field of `catalog::fields()` means at a date.
//!
//! Point in time: every table is filtered to rows dated on or before `as_of` before anything
//! is derived from it, and the universe is the chains that exist at `as_of` (ranks, shares,
//! families and percentiles are taken among them only). The exceptions, all documented in
//! `attributes`, concern the undated chains snapshot: a snapshot value of stack / DA / proof
//! system describes the chain from its launch until the first dated change of that attribute
//! (so whether such a change exists before the snapshot date decides whether it is used); a
//! chain with any superchain event is judged by those events alone; a `mainnet_launch` event
//! takes precedence over the snapshot's launch date even when it is later than `as_of`
//! (`launch_date` is then Missing). Ties between observations of the same date are broken by
//! file order (the first row wins; for the stage, an event beats the snapshot row), so the
//! result never depends on thread count or polars' internal ordering. A row with a null date
//! is never used; a TVL, metric or speed row, or a stage / stack / DA / proof-system event,
//! without a value is not an observation of that value.

mod assemble;
mod attributes;
pub mod catalog;
mod ecosystem;
#[cfg(test)]
mod fixture;
mod frames;
mod leadership;
mod membership;
mod metrics;
mod options;
mod series;
mod speed;
mod token;
mod tvl;
pub mod universe;
pub mod value;

pub use options::FeatureOptions;
pub use universe::{ChainFeatures, DataStamp, Series, Universe};
pub use value::Value;

use crate::dataset::Dataset;
use anyhow::{Context, Result};
use chrono::NaiveDate;
use polars::prelude::{IntoLazy, LazyFrame, SortMultipleOptions, col};

/// The universe at `as_of`: every screened chain that exists then, with every catalog field
/// computed from data dated on or before `as_of` only.
pub fn compute(ds: &Dataset, as_of: NaiveDate, opts: &FeatureOptions) -> Result<Universe> {
    opts.validate()?;
    let at = || format!("computing features as of {as_of}");
    let members = membership::members(ds, as_of).with_context(at)?;

    // Materialised once: the TVL cut feeds the ranking, the TVL fields and the series.
    let points = tvl::points(ds, &members, as_of)
        .collect()
        .with_context(at)?;
    let ranks = leadership::ranks(points.clone().lazy(), opts.window_weeks)
        .and_then(LazyFrame::collect)
        .with_context(at)?;
    let leaders = leadership::leaders(&ranks).with_context(at)?;
    // The window ends at the latest TVL week, so its last week is `tvl_week`.
    let tvl_week = leaders.last().map(|(week, _)| *week);

    let join = |left: LazyFrame, right: LazyFrame| left.left_join(right, col("slug"), col("slug"));
    let mut wide = attributes::frame(ds, &members, as_of).with_context(at)?;
    for group in [
        token::frame(ds, &members, as_of),
        tvl::frame(points.clone().lazy(), &members),
        leadership::frame(ranks.lazy(), &leaders, &members),
        ecosystem::frame(ds, &members, as_of),
        speed::frame(ds, &members, as_of),
    ] {
        wide = join(wide, group);
    }
    let wide = wide
        .sort(["slug"], SortMultipleOptions::default())
        .collect()
        .with_context(at)?;
    let current_metrics = metrics::latest(ds, &members, as_of)
        .collect()
        .with_context(at)?;
    let mut all_series = series::SeriesByChain::new();
    series::add(
        &mut all_series,
        &series::tvl(points.lazy()).collect().with_context(at)?,
    )?;
    series::add(
        &mut all_series,
        &series::metrics(ds, &members, as_of)
            .collect()
            .with_context(at)?,
    )?;
    series::sort(&mut all_series);

    let chains = assemble::chains(&wide, &current_metrics, all_series).with_context(at)?;
    Ok(Universe {
        as_of,
        data: DataStamp {
            name: ds.manifest.name.clone(),
            vintage: ds.manifest.vintage.clone(),
            hash: ds.content_hash(as_of).with_context(at)?,
        },
        tvl_week,
        window_weeks: opts.window_weeks,
        leaders,
        chains,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_wide_field_is_produced_by_exactly_one_group() {
        let mut produced: Vec<&str> = vec!["slug"];
        for group in [
            attributes::FIELDS,
            token::FIELDS,
            tvl::FIELDS,
            leadership::FIELDS,
            ecosystem::FIELDS,
            speed::FIELDS,
        ] {
            produced.extend_from_slice(group);
        }
        produced.sort_unstable();
        let mut expected: Vec<String> = assemble::wide_fields()
            .into_iter()
            .map(|f| f.name)
            .collect();
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
