//! Which chains are screened at an as-of date. The universe must not contain a chain that did
//! not exist yet (look-ahead) nor one that had shut down, and it must never contain the L1
//! context chains; every other feature is computed for, ranked among and shared out over
//! exactly these chains, so membership is decided once, here.
//!
//! Semantics: a chain is a member at `as_of` when its `layer` is not `L1` (it is `L2`, `L3` or
//! unknown), its existence is evidenced on or before `as_of` — by the earliest of
//! `chains.launch_date`, a `mainnet_launch` event, its first TVL point, a `stage_observed` /
//! `stage_change` event, or `chains.stage_asof` — and it has no `shutdown` event on or before
//! `as_of`. Members are sorted by slug.

use super::frames::{on_or_before, one_of};
use crate::dataset::Dataset;
use crate::dataset::vocabulary::{LAYER_L1, MAINNET_LAUNCH, SHUTDOWN, STAGE_KINDS};
use chrono::NaiveDate;
use polars::prelude::*;

/// The universe at `as_of`: the `chains` rows of the members (all their columns) plus
/// `exists_since`, the earliest evidence of existence, sorted by slug.
pub fn members(ds: &Dataset, as_of: NaiveDate) -> PolarsResult<DataFrame> {
    let chain_dates = |column: &str| {
        ds.chains
            .clone()
            .lazy()
            .select([col("slug").alias("chain"), col(column).alias("date")])
    };
    let evidence = concat(
        [
            chain_dates("launch_date"),
            chain_dates("stage_asof"),
            ds.events
                .clone()
                .lazy()
                .filter(one_of(
                    col("kind"),
                    &[&[MAINNET_LAUNCH], STAGE_KINDS].concat(),
                ))
                .select([col("chain"), col("date")]),
            ds.tvl
                .clone()
                .lazy()
                .filter(col("tvl_usd").is_not_null())
                .select([col("chain"), col("date")]),
        ],
        UnionArgs::default(),
    )?
    .filter(on_or_before("date", as_of))
    .group_by([col("chain")])
    .agg([col("date").min().alias("exists_since")]);

    let shut = ds
        .events
        .clone()
        .lazy()
        .filter(
            col("kind")
                .eq(lit(SHUTDOWN))
                .and(on_or_before("date", as_of)),
        )
        .group_by([col("chain")])
        .agg([len().alias("__shutdowns")]);

    ds.chains
        .clone()
        .lazy()
        .filter(col("layer").neq_missing(lit(LAYER_L1)))
        .inner_join(evidence, col("slug"), col("chain"))
        .left_join(shut, col("slug"), col("chain"))
        .filter(col("__shutdowns").is_null())
        .select([all().exclude_cols(["__shutdowns"]).as_expr()])
        .sort(["slug"], SortMultipleOptions::default())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::super::fixture::{d, fixture};
    use super::*;

    fn slugs_at(as_of: &str) -> Vec<String> {
        let m = members(&fixture(), d(as_of)).unwrap();
        m.column("slug")
            .unwrap()
            .str()
            .unwrap()
            .iter()
            .map(|s| s.unwrap().to_string())
            .collect()
    }

    #[test]
    fn membership_follows_evidence_shutdown_and_layer() {
        // Before anything: alpha launches 2023-01-01 (chains row), zeta 2023-03-01 (event).
        assert!(slugs_at("2022-12-31").is_empty());
        // 2024-01-06: alpha, beta (launch_date 2023-06-01), zeta (mainnet_launch event
        // 2023-03-01). omega's only evidence is its first TVL point 2024-01-07; gamma's is a
        // stage_observed event 2024-01-12; delta's is stage_asof 2024-04-15. `eth` is L1.
        assert_eq!(slugs_at("2024-01-06"), ["alpha", "beta", "zeta"]);
        // 2024-01-07: omega's first TVL point.
        assert_eq!(slugs_at("2024-01-07"), ["alpha", "beta", "omega", "zeta"]);
        // 2024-01-12: gamma's stage_observed event (its TVL starts 2024-01-14).
        assert_eq!(
            slugs_at("2024-01-12"),
            ["alpha", "beta", "gamma", "omega", "zeta"]
        );
        // 2024-02-01: omega's shutdown event, on the as-of date itself: excluded.
        assert_eq!(slugs_at("2024-02-01"), ["alpha", "beta", "gamma", "zeta"]);
        // 2024-04-15: delta's chains-row stage_asof (its launch_date is 2024-05-01).
        assert_eq!(slugs_at("2024-04-14"), ["alpha", "beta", "gamma", "zeta"]);
        assert_eq!(
            slugs_at("2024-04-15"),
            ["alpha", "beta", "delta", "gamma", "zeta"]
        );
    }
}
