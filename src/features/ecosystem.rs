//! Ecosystem interconnection, the one candidate moat of the thesis: L3s built on a chain, and
//! projects, tokens and chains that were born in its ecosystem or moved into it. This module
//! counts them at the as-of date. Counts are counts of what the dataset records (0 when it
//! records nothing), not estimates of the true number.
//!
//! Semantics: `l3_count` = universe members with layer `L3` whose `host` is this chain (so an
//! L3 counts only once it exists and while it has not shut down). `links_out` / `links_in` =
//! ecosystem links dated on or before `as_of` whose `from_chain` / `to_chain` is this chain (a
//! link within one chain counts in both). `spawned` = links out of this chain of kind
//! `spawned_token` or `spawned_chain`.

use super::frames::{on_or_before, one_of, slugs};
use crate::dataset::Dataset;
use crate::dataset::vocabulary::{LAYER_L3, SPAWNED_LINK_KINDS};
use chrono::NaiveDate;
use polars::prelude::*;

/// Columns produced besides slug.
pub const FIELDS: &[&str] = &["l3_count", "links_out", "links_in", "spawned"];

/// One row per universe member.
pub fn frame(ds: &Dataset, members: &DataFrame, as_of: NaiveDate) -> LazyFrame {
    let l3 = members
        .clone()
        .lazy()
        .filter(col("layer").eq(lit(LAYER_L3)))
        .group_by([col("host")])
        .agg([len().cast(DataType::Int64).alias("l3_count")]);
    let links = ds.links.clone().lazy().filter(on_or_before("date", as_of));
    let out = links.clone().group_by([col("from_chain")]).agg([
        len().cast(DataType::Int64).alias("links_out"),
        one_of(col("kind"), SPAWNED_LINK_KINDS)
            .sum()
            .cast(DataType::Int64)
            .alias("spawned"),
    ]);
    let into = links
        .group_by([col("to_chain")])
        .agg([len().cast(DataType::Int64).alias("links_in")]);
    slugs(members)
        .left_join(l3, col("slug"), col("host"))
        .left_join(out, col("slug"), col("from_chain"))
        .left_join(into, col("slug"), col("to_chain"))
        .select(
            std::iter::once(col("slug"))
                .chain(FIELDS.iter().map(|f| col(*f).fill_null(lit(0i64))))
                .collect::<Vec<_>>(),
        )
}

#[cfg(test)]
mod tests {
    use super::super::fixture::{at, field};
    use crate::features::Value;

    #[test]
    fn l3s_and_links_are_counted_at_the_as_of_date() {
        // Links up to 2024-02-20: alpha->alpha launched_on (2023-10-01), alpha->alpha
        // spawned_token (2023-11-01), (none)->beta launched_on (2023-12-01), alpha->gamma
        // spawned_chain (2024-01-20), eth->beta forked_to (2024-02-15). beta->alpha
        // migrated_to is dated 2024-03-01.
        let u = at("2024-02-20");
        assert_eq!(field(&u, "alpha", "links_out"), Value::Int(3));
        assert_eq!(field(&u, "alpha", "links_in"), Value::Int(2));
        assert_eq!(field(&u, "alpha", "spawned"), Value::Int(2));
        assert_eq!(field(&u, "beta", "links_out"), Value::Int(0));
        assert_eq!(field(&u, "beta", "links_in"), Value::Int(2));
        assert_eq!(field(&u, "gamma", "links_in"), Value::Int(1));
        assert_eq!(field(&u, "zeta", "links_in"), Value::Int(0));
        assert_eq!(field(&u, "zeta", "spawned"), Value::Int(0));
        // gamma (L3 on alpha) is a member from 2024-01-12.
        assert_eq!(field(&u, "alpha", "l3_count"), Value::Int(1));
        assert_eq!(field(&u, "beta", "l3_count"), Value::Int(0));
        assert_eq!(field(&at("2024-01-11"), "alpha", "l3_count"), Value::Int(0));

        let u = at("2024-03-01");
        assert_eq!(field(&u, "beta", "links_out"), Value::Int(1));
        assert_eq!(field(&u, "alpha", "links_in"), Value::Int(3));
    }
}
