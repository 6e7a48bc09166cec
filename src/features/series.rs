//! Each chain's time series cut at the as-of date, for rules that look at trends and for the
//! charts of memos. They are handed over as plain vectors so that nothing downstream of the
//! feature stage needs polars.
//!
//! Semantics: `"tvl_usd"` = the chain's weekly TVL points on or before `as_of`; each metric name
//! of `dataset::vocabulary::METRICS` = its daily points on or before `as_of` (no age limit: the history is
//! the history). A chain gets a series only for measures it has at least one point of. Points
//! are oldest first; rows with a null value are skipped.

use super::cut::Cut;
use super::universe::ChainFeatures;
use crate::dataset::vocabulary::METRICS;

/// The name of the TVL series.
pub const TVL: &str = "tvl_usd";

pub fn fill(cut: &Cut, chains: &mut [ChainFeatures]) {
    for (c, &i) in chains.iter_mut().zip(&cut.members) {
        let tvl = cut.points(&cut.index.tvl[i]);
        if !tvl.is_empty() {
            c.series.insert(
                TVL.to_string(),
                tvl.iter().map(|p| (p.date, p.value)).collect(),
            );
        }
        for (mi, (metric, _)) in METRICS.iter().enumerate() {
            let points = cut.points(&cut.index.metrics[i][mi]);
            if !points.is_empty() {
                c.series.insert(
                    metric.to_string(),
                    points.iter().map(|p| (p.date, p.value)).collect(),
                );
            }
        }
    }
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
