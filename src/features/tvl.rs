//! A chain's DefiLlama TVL at the as-of date: its latest level, its size relative to the
//! universe in one common week, and how it moved. Ranks and shares must compare chains in the
//! same week (chains report on different days, some stop reporting), so they are taken in the
//! reference week `tvl_week`, the latest TVL date on or before `as_of` among universe chains.
//!
//! Semantics (only points of universe chains dated on or before `as_of` are seen):
//! - `tvl_usd` / `tvl_date`: the chain's latest point; `tvl_weeks`: its number of points.
//! - `tvl_rank`: rank by TVL among universe chains with a point at `tvl_week` (1 = largest;
//!   ties broken by slug ascending); Missing for a chain without a point at `tvl_week`.
//! - `tvl_share`: its TVL at `tvl_week` / the sum over universe chains at `tvl_week`; Missing
//!   likewise, or when the sum is 0.
//! - `tvl_change_{4,13,52}w`: tvl(tvl_date) / tvl(tvl_date − 7·N days) − 1; Missing when that
//!   exact earlier point does not exist or is 0.

use super::frames::{keyed, null, on_or_before, slugs};
use crate::dataset::Dataset;
use chrono::NaiveDate;
use polars::prelude::*;

/// Columns produced besides slug.
pub const FIELDS: &[&str] = &[
    "tvl_usd",
    "tvl_date",
    "tvl_weeks",
    "tvl_rank",
    "tvl_share",
    "tvl_change_4w",
    "tvl_change_13w",
    "tvl_change_52w",
];

/// The horizons of the `tvl_change_<N>w` fields, in weeks.
const CHANGE_WEEKS: [i32; 3] = [4, 13, 52];

/// TVL points of universe members dated on or before `as_of`: chain, date, tvl_usd (a row with
/// a null `tvl_usd` is not a point).
pub fn points(ds: &Dataset, members: &DataFrame, as_of: NaiveDate) -> LazyFrame {
    ds.tvl
        .clone()
        .lazy()
        .filter(on_or_before("date", as_of).and(col("tvl_usd").is_not_null()))
        .inner_join(slugs(members), col("chain"), col("slug"))
        .select([col("chain"), col("date"), col("tvl_usd")])
}

/// One row per universe member, from `points`.
pub fn frame(points: LazyFrame, members: &DataFrame) -> LazyFrame {
    // Within each chain: its latest point, and the points exactly 7·N days before it.
    let day = || col("date").cast(DataType::Int32);
    let mut aggs = vec![
        col("tvl_usd")
            .sort_by([col("date")], SortMultipleOptions::default())
            .last()
            .alias("tvl_usd"),
        col("date").max().alias("tvl_date"),
        len().cast(DataType::Int64).alias("tvl_weeks"),
    ];
    for weeks in CHANGE_WEEKS {
        aggs.push(
            col("tvl_usd")
                .filter(day().eq(day().max() - lit(7 * weeks)))
                .first()
                .alias(format!("__past_{weeks}w")),
        );
    }
    let latest = points
        .clone()
        .group_by([col("chain")])
        .agg(aggs)
        .with_columns(
            CHANGE_WEEKS
                .iter()
                .map(|weeks| {
                    let past = col(format!("__past_{weeks}w"));
                    when(past.clone().is_not_null().and(past.clone().neq(lit(0.0))))
                        .then(col("tvl_usd") / past - lit(1.0))
                        .otherwise(null())
                        .alias(format!("tvl_change_{weeks}w"))
                })
                .collect::<Vec<_>>(),
        );

    // The reference week is the latest date among the points themselves.
    let total = col("tvl_usd").sum();
    let at_week = points
        .filter(col("date").eq(col("date").max()))
        .sort(
            ["tvl_usd", "chain"],
            SortMultipleOptions::default().with_order_descending_multi([true, false]),
        )
        .with_row_index("tvl_rank", Some(1))
        .select([
            col("chain"),
            col("tvl_rank").cast(DataType::Int64),
            when(total.clone().gt(lit(0.0)))
                .then(col("tvl_usd") / total)
                .otherwise(null())
                .alias("tvl_share"),
        ]);

    slugs(members)
        .left_join(latest, col("slug"), col("chain"))
        .left_join(at_week, col("slug"), col("chain"))
        .with_column(col("tvl_weeks").fill_null(lit(0i64)))
        .select(keyed(FIELDS))
}

#[cfg(test)]
mod tests {
    use super::super::fixture::{at, d, field};
    use crate::features::Value;

    #[test]
    fn latest_rank_share_and_changes() {
        // 2024-02-11: universe alpha, beta, gamma, zeta (omega shut down 2024-02-01; eth is
        // L1). tvl_week = 2024-02-11 with alpha 120, beta 110, gamma 10: total 240.
        let u = at("2024-02-11");
        assert_eq!(u.tvl_week, Some(d("2024-02-11")));
        assert_eq!(field(&u, "alpha", "tvl_usd"), Value::Num(120.0));
        assert_eq!(field(&u, "alpha", "tvl_date"), Value::Date(d("2024-02-11")));
        // alpha has 7 points including 2023-02-12.
        assert_eq!(field(&u, "alpha", "tvl_weeks"), Value::Int(7));
        assert_eq!(field(&u, "alpha", "tvl_rank"), Value::Int(1));
        assert_eq!(field(&u, "beta", "tvl_rank"), Value::Int(2));
        assert_eq!(field(&u, "gamma", "tvl_rank"), Value::Int(3));
        assert_eq!(field(&u, "alpha", "tvl_share"), Value::Num(120.0 / 240.0));
        assert_eq!(field(&u, "beta", "tvl_share"), Value::Num(110.0 / 240.0));
        assert_eq!(field(&u, "gamma", "tvl_share"), Value::Num(10.0 / 240.0));
        // alpha 4w: 2024-01-14 = 100 -> 120/100 - 1; 13w: 2023-11-12 absent; 52w: 2023-02-12
        // = 60 -> 120/60 - 1 = 1.
        assert_eq!(
            field(&u, "alpha", "tvl_change_4w"),
            Value::Num(120.0 / 100.0 - 1.0)
        );
        assert_eq!(field(&u, "alpha", "tvl_change_13w"), Value::Missing);
        assert_eq!(field(&u, "alpha", "tvl_change_52w"), Value::Num(1.0));
        // beta 4w: 110/100 - 1.
        assert_eq!(
            field(&u, "beta", "tvl_change_4w"),
            Value::Num(110.0 / 100.0 - 1.0)
        );
        // gamma 4w: its 2024-01-14 point is 0 -> Missing. gamma has 4 points.
        assert_eq!(field(&u, "gamma", "tvl_change_4w"), Value::Missing);
        assert_eq!(field(&u, "gamma", "tvl_weeks"), Value::Int(4));
        // zeta: no TVL at all.
        for f in [
            "tvl_usd",
            "tvl_date",
            "tvl_rank",
            "tvl_share",
            "tvl_change_4w",
        ] {
            assert_eq!(field(&u, "zeta", f), Value::Missing, "{f}");
        }
        assert_eq!(field(&u, "zeta", "tvl_weeks"), Value::Int(0));
    }

    #[test]
    fn reference_week_and_chains_without_a_point_in_it() {
        // 2024-02-10 (Saturday): eth's 2024-02-10 point is L1 and does not count, so
        // tvl_week = 2024-02-04 with alpha 80, beta 90 (gamma has no point that week).
        let u = at("2024-02-10");
        assert_eq!(u.tvl_week, Some(d("2024-02-04")));
        assert_eq!(field(&u, "beta", "tvl_rank"), Value::Int(1));
        assert_eq!(field(&u, "alpha", "tvl_rank"), Value::Int(2));
        assert_eq!(field(&u, "alpha", "tvl_share"), Value::Num(80.0 / 170.0));
        assert_eq!(field(&u, "gamma", "tvl_rank"), Value::Missing);
        assert_eq!(field(&u, "gamma", "tvl_share"), Value::Missing);
        // gamma's latest point is 82 on 2024-01-28; 4 weeks earlier (2023-12-31) is absent.
        assert_eq!(field(&u, "gamma", "tvl_usd"), Value::Num(82.0));
        assert_eq!(field(&u, "gamma", "tvl_date"), Value::Date(d("2024-01-28")));
        assert_eq!(field(&u, "gamma", "tvl_change_4w"), Value::Missing);
        // alpha: 80 on 2024-02-04 vs 100 on 2024-01-07.
        assert_eq!(
            field(&u, "alpha", "tvl_change_4w"),
            Value::Num(80.0 / 100.0 - 1.0)
        );
    }

    #[test]
    fn ties_rank_by_slug() {
        // 2024-01-14: alpha 100, beta 100, omega 30, gamma 0 (total 230).
        let u = at("2024-01-14");
        assert_eq!(field(&u, "alpha", "tvl_rank"), Value::Int(1));
        assert_eq!(field(&u, "beta", "tvl_rank"), Value::Int(2));
        assert_eq!(field(&u, "omega", "tvl_rank"), Value::Int(3));
        assert_eq!(field(&u, "gamma", "tvl_rank"), Value::Int(4));
        assert_eq!(field(&u, "gamma", "tvl_share"), Value::Num(0.0));
        assert_eq!(field(&u, "omega", "tvl_share"), Value::Num(30.0 / 230.0));
    }
}
