//! Each chain's time series cut at the as-of date, for rules that look at trends and for the
//! charts of memos. They are handed over as plain vectors so that nothing downstream of the
//! feature stage needs polars.
//!
//! Semantics: `"tvl_usd"` = the chain's weekly TVL points on or before `as_of`; each metric name
//! of `dataset::vocabulary::METRICS` = its daily points on or before `as_of` (no age limit: the history is
//! the history). A chain gets a series only for measures it has at least one point of. Points
//! are oldest first; rows with a null value are skipped.

use super::frames::{from_days, on_or_before, one_of, slugs};
use super::metrics::names;
use super::universe::Series;
use crate::dataset::Dataset;
use chrono::NaiveDate;
use polars::prelude::*;
use std::collections::BTreeMap;

/// Series per chain slug, per measure name.
pub type SeriesByChain = BTreeMap<String, BTreeMap<String, Series>>;

/// The name of the TVL series.
pub const TVL: &str = "tvl_usd";

/// TVL points (from `tvl::points`) as chain, measure, date, value.
pub fn tvl(points: LazyFrame) -> LazyFrame {
    points.select([
        col("chain"),
        lit(TVL).alias("measure"),
        col("date"),
        col("tvl_usd").alias("value"),
    ])
}

/// Metric points of universe members up to `as_of` as chain, measure, date, value, in file
/// order ([`sort`] orders them by date afterwards).
pub fn metrics(ds: &Dataset, members: &DataFrame, as_of: NaiveDate) -> LazyFrame {
    ds.metrics
        .clone()
        .lazy()
        .filter(
            on_or_before("date", as_of)
                .and(col("value").is_not_null())
                .and(one_of(col("metric"), &names())),
        )
        .inner_join(slugs(members), col("chain"), col("slug"))
        .select([
            col("chain"),
            col("metric").alias("measure"),
            col("date"),
            col("value"),
        ])
}

/// Order every series by date, oldest first; points of the same date keep file order.
pub fn sort(series: &mut SeriesByChain) {
    for measures in series.values_mut() {
        for points in measures.values_mut() {
            points.sort_by_key(|(date, _)| *date);
        }
    }
}

/// Append the rows of a collected `tvl` / `metrics` frame to `out`.
pub fn add(out: &mut SeriesByChain, df: &DataFrame) -> PolarsResult<()> {
    let chains = df.column("chain")?.str()?;
    let measures = df.column("measure")?.str()?;
    let dates = df.column("date")?.date()?.physical();
    let values = df.column("value")?.f64()?;
    for (((chain, measure), date), value) in chains
        .iter()
        .zip(measures.iter())
        .zip(dates.iter())
        .zip(values.iter())
    {
        if let (Some(chain), Some(measure), Some(date), Some(value)) = (chain, measure, date, value)
        {
            // Look up before inserting: allocating two keys per point is most of the cost.
            let measures = match out.get_mut(chain) {
                Some(m) => m,
                None => out.entry(chain.to_string()).or_default(),
            };
            let points = match measures.get_mut(measure) {
                Some(p) => p,
                None => measures.entry(measure.to_string()).or_default(),
            };
            points.push((from_days(date), value));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::super::fixture::{at, d};

    #[test]
    fn series_are_cut_at_the_as_of_date() {
        let u = at("2024-02-11");
        let alpha = u.chain("alpha").unwrap();
        // alpha's 7 TVL points, oldest first, the last on 2024-02-11.
        let tvl = &alpha.series["tvl_usd"];
        assert_eq!(tvl.len(), 7);
        assert_eq!(tvl[0], (d("2023-02-12"), 60.0));
        assert_eq!(tvl[6], (d("2024-02-11"), 120.0));
        // txcount: 900 @ 02-03 and 1000 @ 02-10; the 2024-02-12 point is in the future.
        assert_eq!(
            alpha.series["txcount"],
            vec![(d("2024-02-03"), 900.0), (d("2024-02-10"), 1000.0)]
        );
        assert_eq!(alpha.series["fees_paid_usd"], vec![(d("2024-01-01"), 10.0)]);
        assert_eq!(alpha.series.len(), 3);
        // gamma's stale txcount point is history: it stays in the series.
        let gamma = u.chain("gamma").unwrap();
        assert_eq!(gamma.series["txcount"], vec![(d("2023-02-09"), 300.0)]);
        assert_eq!(gamma.series["tvl_usd"].len(), 4);
        // zeta has no TVL: no "tvl_usd" series at all.
        let zeta = u.chain("zeta").unwrap();
        assert!(!zeta.series.contains_key("tvl_usd"));
        assert_eq!(zeta.series.len(), 1);
    }
}
