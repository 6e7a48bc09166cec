//! Which chains are screened at an as-of date. The universe must not contain a chain that did
//! not exist yet (look-ahead) nor one that had shut down, and it must never contain the L1
//! context chains; every other feature is computed for, ranked among and shared out over
//! exactly these chains, so membership is decided once, here.
//!
//! Semantics: a chain is a member at `as_of` when its `layer` is not `L1` (it is `L2`, `L3` or
//! unknown), its existence is evidenced on or before `as_of` — by the earliest of
//! `chains.launch_date`, a `mainnet_launch` event, its first TVL point, a `stage_observed` /
//! `stage_change` event, or `chains.stage_asof` — and it has no `shutdown` event on or before
//! `as_of`. Members are sorted by slug. (Each piece of evidence is dated by itself, so the
//! earliest of them is on or before `as_of` exactly when one of them is.)

use super::index::Index;
use chrono::NaiveDate;

/// The chain indexes of the universe at `as_of`, sorted by slug.
pub fn members(index: &Index, as_of: NaiveDate) -> Vec<usize> {
    let mut out: Vec<usize> = (0..index.chains.len())
        .filter(|&i| {
            !index.chains[i].is_l1()
                && index.exists_since[i].is_some_and(|d| d <= as_of)
                && index.shutdown[i].is_none_or(|d| d > as_of)
        })
        .collect();
    out.sort_by(|&a, &b| index.chains[a].slug.cmp(&index.chains[b].slug));
    out
}

#[cfg(test)]
mod tests {
    use super::super::fixture::{d, fixture};
    use super::*;

    fn slugs_at(as_of: &str) -> Vec<String> {
        let index = Index::new(&fixture()).unwrap();
        members(&index, d(as_of))
            .into_iter()
            .map(|i| index.chains[i].slug.clone())
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
