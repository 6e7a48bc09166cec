//! Block time and preconfirmation latency, the "speed is not a moat" inputs. `speed.csv` keeps
//! one row per chain and source so disagreements stay visible; this module picks one
//! observation per chain and measure, with a rule that is deterministic and never looks
//! ahead, and places it among the peers.
//!
//! Semantics: `block_time_s` comes from the row with the latest non-null `asof` on or before
//! `as_of` and no older than `catalog::METRIC_MAX_AGE_DAYS` days that has a `block_time_s`
//! (rows of the same `asof`: the first in file order); `preconf_latency_ms` likewise,
//! independently. `speed_date` = the date of the block-time row used, else of the preconf row.
//! `block_time_pctl` / `preconf_latency_pctl` = `catalog::percentile` among the other universe
//! chains having the value. Rows with a null `asof` are never used.

use super::catalog::METRIC_MAX_AGE_DAYS;
use super::frames::{ROW, keyed, latest_last, slugs, within_age};
use crate::dataset::Dataset;
use chrono::NaiveDate;
use polars::prelude::*;

/// Columns produced besides slug (the `_pctl` fields are added by `assemble`).
pub const FIELDS: &[&str] = &["block_time_s", "preconf_latency_ms", "speed_date"];

/// One row per universe member.
pub fn frame(ds: &Dataset, members: &DataFrame, as_of: NaiveDate) -> LazyFrame {
    let rows = latest_last(
        ds.speed.clone().lazy().with_row_index(ROW, None).filter(
            col("asof")
                .is_not_null()
                .and(within_age("asof", as_of, METRIC_MAX_AGE_DAYS)),
        ),
        "asof",
    );
    let pick = |measure: &str, date: &str| {
        rows.clone()
            .filter(col(measure).is_not_null())
            .group_by([col("chain")])
            .agg([col(measure).last(), col("asof").last().alias(date)])
    };
    slugs(members)
        .left_join(
            pick("block_time_s", "__block_date"),
            col("slug"),
            col("chain"),
        )
        .left_join(
            pick("preconf_latency_ms", "__preconf_date"),
            col("slug"),
            col("chain"),
        )
        .with_column(
            col("__block_date")
                .fill_null(col("__preconf_date"))
                .alias("speed_date"),
        )
        .select(keyed(FIELDS))
}

#[cfg(test)]
mod tests {
    use super::super::fixture::{at, d, field};
    use crate::features::Value;

    #[test]
    fn latest_row_first_in_file_order_on_ties() {
        // as_of 2024-02-11. alpha has two rows dated 2024-01-01: (2.0 s, -) then (1.0 s,
        // 200 ms); the first in file order gives the block time, the only preconf is 200 ms.
        // Its 0.5 s row is dated 2024-03-01 (future).
        let u = at("2024-02-11");
        assert_eq!(field(&u, "alpha", "block_time_s"), Value::Num(2.0));
        assert_eq!(field(&u, "alpha", "preconf_latency_ms"), Value::Num(200.0));
        assert_eq!(
            field(&u, "alpha", "speed_date"),
            Value::Date(d("2024-01-01"))
        );
        // beta: no dated block time (its 0.25 s row has no asof); preconf 100 @ 2024-02-01.
        assert_eq!(field(&u, "beta", "block_time_s"), Value::Missing);
        assert_eq!(field(&u, "beta", "preconf_latency_ms"), Value::Num(100.0));
        assert_eq!(
            field(&u, "beta", "speed_date"),
            Value::Date(d("2024-02-01"))
        );
        // gamma: its only row (2023-01-01) is older than 366 days.
        assert_eq!(field(&u, "gamma", "block_time_s"), Value::Missing);
        assert_eq!(field(&u, "gamma", "speed_date"), Value::Missing);
        // zeta: 1.0 s @ 2023-12-01 is newer than 3.0 s @ 2023-06-01.
        assert_eq!(field(&u, "zeta", "block_time_s"), Value::Num(1.0));
        assert_eq!(
            field(&u, "zeta", "speed_date"),
            Value::Date(d("2023-12-01"))
        );
        // Percentiles among universe chains (eth's 12 s is L1): alpha 2.0 vs [1.0] -> 100,
        // zeta 1.0 vs [2.0] -> 0; preconf alpha 200 vs [100] -> 100, beta 100 vs [200] -> 0.
        assert_eq!(field(&u, "alpha", "block_time_pctl"), Value::Num(100.0));
        assert_eq!(field(&u, "zeta", "block_time_pctl"), Value::Num(0.0));
        assert_eq!(field(&u, "beta", "block_time_pctl"), Value::Missing);
        assert_eq!(
            field(&u, "alpha", "preconf_latency_pctl"),
            Value::Num(100.0)
        );
        assert_eq!(field(&u, "beta", "preconf_latency_pctl"), Value::Num(0.0));

        let u = at("2024-03-01");
        assert_eq!(field(&u, "alpha", "block_time_s"), Value::Num(0.5));
        assert_eq!(
            field(&u, "alpha", "speed_date"),
            Value::Date(d("2024-03-01"))
        );
    }
}
