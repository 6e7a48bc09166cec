//! Does TVL leadership last? The thesis says it does not, so rules need the weekly ranking's
//! history over a window, not one snapshot: who was #1 each week, how often #1 changed, and
//! how much each chain's own rank moved. This module ranks the universe week by week over the
//! window ending at the reference TVL week.
//!
//! Semantics: the window is the distinct TVL weeks (dates of universe chains' points) in
//! (`tvl_week` − 7·`window_weeks` days, `tvl_week`]. In each week the universe chains having
//! a point that week are ranked by TVL (1 = largest, ties broken by slug ascending).
//! `Universe::leaders` lists (week, #1 slug), oldest first. Per chain:
//! - `window_weeks`: the number of weeks in the window with data (the same for every chain; at
//!   most the option `window_weeks`, fewer where the history is shorter); Missing when there is
//!   no TVL at all on or before `as_of`.
//! - `leader_changes`: consecutive week pairs of the window whose #1 differs (same for every
//!   chain; Missing likewise).
//! - `lead_weeks`: weeks the chain was #1; `best_rank` / `worst_rank`: over the weeks it has a
//!   point; `rank_changes`: consecutive week pairs of the window in which it has a point in
//!   both weeks and its rank differs. These four are Missing for a chain with no point in the
//!   window (it was not ranked, which is not the same as ranking steadily).

use super::frames::{from_days, keyed, slugs};
use chrono::NaiveDate;
use polars::prelude::*;

/// Columns produced besides slug.
pub const FIELDS: &[&str] = &[
    "window_weeks",
    "lead_weeks",
    "leader_changes",
    "best_rank",
    "worst_rank",
    "rank_changes",
];

/// The weekly ranking over the window: chain, date, rank (Int64, 1 = largest) and week (Int64,
/// 1 = the oldest week of the window), rows in week order. `points` are the universe's TVL
/// points up to `as_of`; the window ends at their latest date, which is `tvl_week`.
pub fn ranks(points: LazyFrame, window_weeks: i64) -> PolarsResult<LazyFrame> {
    let day = || col("date").cast(DataType::Int32).cast(DataType::Int64);
    Ok(points
        .filter(day().gt(day().max() - lit(7 * window_weeks)))
        .sort(
            ["date", "tvl_usd", "chain"],
            SortMultipleOptions::default().with_order_descending_multi([false, true, false]),
        )
        .with_row_index("__pos", None)
        .with_columns([
            (col("__pos").cast(DataType::Int64)
                - col("__pos")
                    .min()
                    .over([col("date")])?
                    .cast(DataType::Int64)
                + lit(1i64))
            .alias("rank"),
            day()
                .rank(
                    RankOptions {
                        method: RankMethod::Dense,
                        descending: false,
                    },
                    None,
                )
                .cast(DataType::Int64)
                .alias("week"),
        ])
        .select([col("chain"), col("date"), col("rank"), col("week")]))
}

/// (week, #1 slug) for each week of the window, oldest first.
pub fn leaders(ranks: &DataFrame) -> PolarsResult<Vec<(NaiveDate, String)>> {
    let df = ranks
        .clone()
        .lazy()
        .filter(col("rank").eq(lit(1i64)))
        .select([col("date"), col("chain")])
        .sort(["date"], SortMultipleOptions::default())
        .collect()?;
    let dates = df.column("date")?.date()?.physical().clone();
    let chains = df.column("chain")?.str()?.clone();
    Ok(dates
        .iter()
        .zip(chains.iter())
        .filter_map(|(d, c)| Some((from_days(d?), c?.to_string())))
        .collect())
}

/// Consecutive pairs of `leaders` whose #1 differs.
pub fn leader_changes(leaders: &[(NaiveDate, String)]) -> i64 {
    leaders.windows(2).filter(|w| w[0].1 != w[1].1).count() as i64
}

/// One row per universe member. `leaders` is the result of [`leaders`] on the same `ranks`.
pub fn frame(ranks: LazyFrame, leaders: &[(NaiveDate, String)], members: &DataFrame) -> LazyFrame {
    // Rows of `ranks` are in week order, and a group keeps the order of its rows, so the
    // previous row of a chain is its previous ranked week (consecutive if `week` differs by 1).
    let prev = |c: &str| col(c).shift(lit(1));
    let per_chain = ranks.group_by([col("chain")]).agg([
        col("rank")
            .eq(lit(1i64))
            .sum()
            .cast(DataType::Int64)
            .alias("lead_weeks"),
        col("rank").min().alias("best_rank"),
        col("rank").max().alias("worst_rank"),
        col("week")
            .eq(prev("week") + lit(1i64))
            .and(col("rank").neq(prev("rank")))
            .sum()
            .cast(DataType::Int64)
            .alias("rank_changes"),
    ]);
    let (weeks, changes) = if leaders.is_empty() {
        (
            lit(NULL).cast(DataType::Int64),
            lit(NULL).cast(DataType::Int64),
        )
    } else {
        (lit(leaders.len() as i64), lit(leader_changes(leaders)))
    };
    slugs(members)
        .left_join(per_chain, col("slug"), col("chain"))
        .with_columns([weeks.alias("window_weeks"), changes.alias("leader_changes")])
        .select(keyed(FIELDS))
}

#[cfg(test)]
mod tests {
    use super::super::fixture::{at_with, d, field};
    use crate::features::Value;

    #[test]
    fn four_week_window() {
        // 2024-02-11, 4 weeks: (2024-01-14, 2024-02-11] = 01-21, 01-28, 02-04, 02-11.
        // Universe alpha, beta, gamma, zeta (omega's points do not count: it is shut down).
        //   01-21: beta 95, alpha 90, gamma 5   -> beta 1, alpha 2, gamma 3
        //   01-28: beta 85, gamma 82, alpha 80  -> beta 1, gamma 2, alpha 3
        //   02-04: beta 90, alpha 80            -> beta 1, alpha 2
        //   02-11: alpha 120, beta 110, gamma 10 -> alpha 1, beta 2, gamma 3
        let u = at_with("2024-02-11", 4);
        assert_eq!(u.window_weeks, 4);
        assert_eq!(
            u.leaders,
            vec![
                (d("2024-01-21"), "beta".to_string()),
                (d("2024-01-28"), "beta".to_string()),
                (d("2024-02-04"), "beta".to_string()),
                (d("2024-02-11"), "alpha".to_string()),
            ]
        );
        for c in ["alpha", "beta", "gamma", "zeta"] {
            assert_eq!(field(&u, c, "window_weeks"), Value::Int(4));
            assert_eq!(field(&u, c, "leader_changes"), Value::Int(1));
        }
        // alpha ranks 2, 3, 2, 1: three changes.
        assert_eq!(field(&u, "alpha", "lead_weeks"), Value::Int(1));
        assert_eq!(field(&u, "alpha", "best_rank"), Value::Int(1));
        assert_eq!(field(&u, "alpha", "worst_rank"), Value::Int(3));
        assert_eq!(field(&u, "alpha", "rank_changes"), Value::Int(3));
        // beta ranks 1, 1, 1, 2.
        assert_eq!(field(&u, "beta", "lead_weeks"), Value::Int(3));
        assert_eq!(field(&u, "beta", "worst_rank"), Value::Int(2));
        assert_eq!(field(&u, "beta", "rank_changes"), Value::Int(1));
        // gamma ranks 3, 2, -, 3: only 01-21 -> 01-28 is a pair with both points.
        assert_eq!(field(&u, "gamma", "lead_weeks"), Value::Int(0));
        assert_eq!(field(&u, "gamma", "best_rank"), Value::Int(2));
        assert_eq!(field(&u, "gamma", "worst_rank"), Value::Int(3));
        assert_eq!(field(&u, "gamma", "rank_changes"), Value::Int(1));
        // zeta was never ranked.
        for f in ["lead_weeks", "best_rank", "worst_rank", "rank_changes"] {
            assert_eq!(field(&u, "zeta", f), Value::Missing, "{f}");
        }
    }

    #[test]
    fn default_window_covers_all_six_weeks() {
        // 52 weeks back from 2024-02-11 is 2023-02-12, excluded (the window is open there),
        // so alpha's 2023-02-12 point is out. Weeks W1..W6:
        //   W1 alpha 1, beta 2; W2 alpha 1 (tie 100/100, slug), beta 2, gamma 3;
        //   W3 beta, alpha, gamma; W4 beta, gamma, alpha; W5 beta, alpha; W6 alpha, beta, gamma.
        // Leaders alpha, alpha, beta, beta, beta, alpha: 2 changes.
        let u = at_with("2024-02-11", 52);
        assert_eq!(u.window_weeks, 52);
        assert_eq!(u.leaders.len(), 6);
        assert_eq!(u.leaders[1], (d("2024-01-14"), "alpha".to_string()));
        assert_eq!(field(&u, "zeta", "window_weeks"), Value::Int(6));
        assert_eq!(field(&u, "alpha", "leader_changes"), Value::Int(2));
        // alpha 1, 1, 2, 3, 2, 1 -> 4 changes; beta 2, 2, 1, 1, 1, 2 -> 2 changes.
        assert_eq!(field(&u, "alpha", "lead_weeks"), Value::Int(3));
        assert_eq!(field(&u, "alpha", "rank_changes"), Value::Int(4));
        assert_eq!(field(&u, "beta", "lead_weeks"), Value::Int(3));
        assert_eq!(field(&u, "beta", "rank_changes"), Value::Int(2));
        // gamma 3 (W2), 3, 2, -, 3 -> 1 change.
        assert_eq!(field(&u, "gamma", "rank_changes"), Value::Int(1));
    }

    #[test]
    fn no_tvl_at_all_leaves_the_window_empty() {
        // 2023-02-11: alpha and zeta exist, but the first TVL point is alpha's 2023-02-12.
        let u = at_with("2023-02-11", 52);
        assert_eq!(u.tvl_week, None);
        assert!(u.leaders.is_empty());
        assert_eq!(field(&u, "alpha", "window_weeks"), Value::Missing);
        assert_eq!(field(&u, "alpha", "leader_changes"), Value::Missing);
        assert_eq!(field(&u, "alpha", "lead_weeks"), Value::Missing);
    }
}
