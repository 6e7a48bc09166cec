//! What was known about a chain's token at the as-of date. "Without a token there is nothing to
//! invest in", so the rules need to tell a live token from an announced one, from a dated
//! statement that there will be none, from plain silence; the token events are the only
//! dated source for that, and the chains row's `token` column (a later snapshot) is never used.
//!
//! Semantics: `token_launch` and `token_observed` events mean live; `token_announced` →
//! `announced`, `token_exploration` → `exploring`, `no_token_statement` → `none`. If a live
//! event is dated on or before `as_of`: `token_status` = `live`, `token` = the value (symbol)
//! of the latest live event (Missing if it has none), `token_date` = the date of the earliest
//! live event, and `token_origin` = `chains.token_origin` (Missing when null). Otherwise
//! `token_status` and `token_date` come from the latest other token event on or before
//! `as_of`, and `token` and `token_origin` are Missing. With no token event on or before
//! `as_of`, all four are Missing.
//! Among events of the same date the first in file order wins. (On the shipped data Base is
//! `none` from 2023-08-09 and `exploring` from its `token_exploration` event of 2025-09-15.)

use super::frames::{ROW, keyed, latest_last, null, on_or_before, one_of};
use crate::dataset::Dataset;
use crate::dataset::vocabulary::{
    NO_TOKEN_STATEMENT, TOKEN_ANNOUNCED, TOKEN_EXPLORATION, TOKEN_KINDS, TOKEN_LIVE_KINDS,
};
use chrono::NaiveDate;
use polars::prelude::*;

/// Columns produced besides slug.
pub const FIELDS: &[&str] = &["token", "token_origin", "token_status", "token_date"];

/// One row per universe member.
pub fn frame(ds: &Dataset, members: &DataFrame, as_of: NaiveDate) -> LazyFrame {
    let per_chain = latest_last(
        ds.events
            .clone()
            .lazy()
            .with_row_index(ROW, None)
            .filter(one_of(col("kind"), TOKEN_KINDS).and(on_or_before("date", as_of)))
            .with_column(one_of(col("kind"), TOKEN_LIVE_KINDS).alias("__live")),
        "date",
    )
    .group_by([col("chain")])
    .agg([
        col("__live").any(true).alias("__any_live"),
        col("value")
            .filter(col("__live"))
            .last()
            .alias("__live_symbol"),
        col("date")
            .filter(col("__live"))
            .min()
            .alias("__live_since"),
        col("kind")
            .filter(col("__live").not())
            .last()
            .alias("__other_kind"),
        col("date")
            .filter(col("__live").not())
            .last()
            .alias("__other_date"),
    ]);

    let live = col("__any_live").fill_null(false);
    let other_status = when(col("__other_kind").eq(lit(TOKEN_ANNOUNCED)))
        .then(lit("announced"))
        .when(col("__other_kind").eq(lit(TOKEN_EXPLORATION)))
        .then(lit("exploring"))
        .when(col("__other_kind").eq(lit(NO_TOKEN_STATEMENT)))
        .then(lit("none"))
        .otherwise(null());

    members
        .clone()
        .lazy()
        .select([col("slug"), col("token_origin").alias("__origin")])
        .left_join(per_chain, col("slug"), col("chain"))
        .with_columns([
            when(live.clone())
                .then(col("__live_symbol"))
                .otherwise(null())
                .alias("token"),
            when(live.clone())
                .then(col("__origin"))
                .otherwise(null())
                .alias("token_origin"),
            when(live.clone())
                .then(lit("live"))
                .otherwise(other_status)
                .alias("token_status"),
            when(live)
                .then(col("__live_since"))
                .otherwise(col("__other_date"))
                .alias("token_date"),
        ])
        .select(keyed(FIELDS))
}

#[cfg(test)]
mod tests {
    use super::super::fixture::{at, d, field};
    use crate::features::Value;

    fn text(s: &str) -> Value {
        Value::Text(s.to_string())
    }

    #[test]
    fn token_status_over_time() {
        // alpha: announced 2023-03-01, launched ALP 2023-09-01, observed as ALP2 2024-01-10.
        let u = at("2023-02-28");
        for f in ["token", "token_origin", "token_status", "token_date"] {
            assert_eq!(field(&u, "alpha", f), Value::Missing, "{f}");
        }
        let u = at("2023-03-01");
        assert_eq!(field(&u, "alpha", "token_status"), text("announced"));
        assert_eq!(
            field(&u, "alpha", "token_date"),
            Value::Date(d("2023-03-01"))
        );
        assert_eq!(field(&u, "alpha", "token"), Value::Missing);
        assert_eq!(field(&u, "alpha", "token_origin"), Value::Missing);
        let u = at("2023-09-01");
        assert_eq!(field(&u, "alpha", "token_status"), text("live"));
        assert_eq!(field(&u, "alpha", "token"), text("ALP"));
        assert_eq!(
            field(&u, "alpha", "token_date"),
            Value::Date(d("2023-09-01"))
        );
        assert_eq!(field(&u, "alpha", "token_origin"), text("chain"));
        // Latest live symbol, earliest live date.
        let u = at("2024-01-10");
        assert_eq!(field(&u, "alpha", "token"), text("ALP2"));
        assert_eq!(
            field(&u, "alpha", "token_date"),
            Value::Date(d("2023-09-01"))
        );

        // beta: no_token_statement 2023-08-01, token_exploration 2024-02-01.
        let u = at("2023-12-31");
        assert_eq!(field(&u, "beta", "token_status"), text("none"));
        assert_eq!(
            field(&u, "beta", "token_date"),
            Value::Date(d("2023-08-01"))
        );
        assert_eq!(field(&u, "beta", "token"), Value::Missing);
        let u = at("2024-02-01");
        assert_eq!(field(&u, "beta", "token_status"), text("exploring"));
        assert_eq!(
            field(&u, "beta", "token_date"),
            Value::Date(d("2024-02-01"))
        );

        // zeta: token_observed ZET 2023-05-01, token_origin null; gamma: no token events.
        assert_eq!(field(&u, "zeta", "token_status"), text("live"));
        assert_eq!(field(&u, "zeta", "token"), text("ZET"));
        assert_eq!(field(&u, "zeta", "token_origin"), Value::Missing);
        assert_eq!(field(&u, "gamma", "token_status"), Value::Missing);
        assert_eq!(field(&u, "gamma", "token_date"), Value::Missing);
    }
}
