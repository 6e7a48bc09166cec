//! A chain's current daily metrics (fees, costs, activity, throughput) and where each stands
//! among its peers. Metric coverage is patchy — long histories for a few chains, one-week
//! cross-sections for others — so a value counts as "current" only if it is recent enough,
//! and a percentile is only taken among chains that have a current value.
//!
//! Semantics, for each metric `m` of `dataset::vocabulary::METRICS`: `m` = the chain's value at its latest
//! date on or before `as_of` and no older than `catalog::METRIC_MAX_AGE_DAYS` days; `m_date` =
//! that date; `m_pctl` = `catalog::percentile(value, values of the other universe chains
//! with a current value of m)`. All three Missing otherwise. Rows with a null value are not
//! observations; among rows of the same date the first in file order wins.

use super::catalog::METRIC_MAX_AGE_DAYS;
use super::frames::{ROW, latest_last, one_of, slugs, within_age};
use crate::dataset::Dataset;
use crate::dataset::vocabulary::METRICS;
use chrono::NaiveDate;
use polars::prelude::*;

/// The catalog's metric names.
pub fn names() -> Vec<&'static str> {
    METRICS.iter().map(|(m, _)| *m).collect()
}

/// Long frame of current values: chain, metric, value (Float64), date (Date); at most one
/// row per (chain, metric), universe members only.
pub fn latest(ds: &Dataset, members: &DataFrame, as_of: NaiveDate) -> LazyFrame {
    let rows = ds
        .metrics
        .clone()
        .lazy()
        .with_row_index(ROW, None)
        .filter(
            within_age("date", as_of, METRIC_MAX_AGE_DAYS)
                .and(col("value").is_not_null())
                .and(one_of(col("metric"), &names())),
        )
        .inner_join(slugs(members), col("chain"), col("slug"));
    latest_last(rows, "date")
        .group_by([col("chain"), col("metric")])
        .agg([col("value").last(), col("date").last()])
}

#[cfg(test)]
mod tests {
    use super::super::fixture::{at, d, field};
    use crate::features::Value;

    #[test]
    fn staleness_and_percentile() {
        // as_of 2024-02-11; the oldest usable date is 2024-02-11 - 366 days = 2023-02-10.
        // txcount: alpha 1000 @ 2024-02-10 (its 5000 @ 2024-02-12 is in the future),
        // beta 500 @ 2024-02-01, zeta 700 @ 2023-02-10 (exactly 366 days: kept),
        // gamma 300 @ 2023-02-09 (367 days: stale), eth 100000 (L1: not a peer).
        let u = at("2024-02-11");
        assert_eq!(field(&u, "alpha", "txcount"), Value::Num(1000.0));
        assert_eq!(
            field(&u, "alpha", "txcount_date"),
            Value::Date(d("2024-02-10"))
        );
        assert_eq!(field(&u, "zeta", "txcount"), Value::Num(700.0));
        assert_eq!(
            field(&u, "zeta", "txcount_date"),
            Value::Date(d("2023-02-10"))
        );
        assert_eq!(field(&u, "gamma", "txcount"), Value::Missing);
        assert_eq!(field(&u, "gamma", "txcount_date"), Value::Missing);
        assert_eq!(field(&u, "gamma", "txcount_pctl"), Value::Missing);
        // Percent of the other chains with a value strictly lower:
        // alpha vs [500, 700] -> 100; beta vs [1000, 700] -> 0; zeta vs [1000, 500] -> 50.
        assert_eq!(field(&u, "alpha", "txcount_pctl"), Value::Num(100.0));
        assert_eq!(field(&u, "beta", "txcount_pctl"), Value::Num(0.0));
        assert_eq!(field(&u, "zeta", "txcount_pctl"), Value::Num(50.0));
        // fees_paid_usd: alpha alone -> value, but no peer for a percentile.
        assert_eq!(field(&u, "alpha", "fees_paid_usd"), Value::Num(10.0));
        assert_eq!(field(&u, "alpha", "fees_paid_usd_pctl"), Value::Missing);
        assert_eq!(field(&u, "beta", "fees_paid_usd"), Value::Missing);
        // A metric nobody has.
        assert_eq!(field(&u, "alpha", "daa"), Value::Missing);

        // One day later zeta's point is 367 days old.
        let u = at("2024-02-12");
        assert_eq!(field(&u, "zeta", "txcount"), Value::Missing);
        assert_eq!(field(&u, "alpha", "txcount"), Value::Num(5000.0));
        // alpha vs [500] -> 100; beta vs [5000] -> 0.
        assert_eq!(field(&u, "alpha", "txcount_pctl"), Value::Num(100.0));
        assert_eq!(field(&u, "beta", "txcount_pctl"), Value::Num(0.0));
    }
}
