//! A chain's current daily metrics (fees, costs, activity, throughput) and where each stands
//! among its peers. Metric coverage is patchy — long histories for a few chains, one-week
//! cross-sections for others — so a value counts as "current" only if it is recent enough,
//! and a percentile is only taken among chains that have a current value.
//!
//! Semantics, for each metric `m` of `dataset::vocabulary::METRICS`: `m` = the chain's value at its latest
//! date on or before `as_of` and no older than `catalog::METRIC_MAX_AGE_DAYS` days; `m_date` =
//! that date; `m_age_days` = days from it to `as_of`; `m_pctl` = `catalog::percentile(value, values of the other universe chains
//! with a current value of m)`. All three Missing otherwise. Rows with a null value are not
//! observations; among rows of the same date the first in file order wins.

use super::catalog::METRIC_MAX_AGE_DAYS;
use super::cut::Cut;
use super::universe::{ChainFeatures, Provenance};
use super::value::Value;
use crate::dataset::vocabulary::METRICS;

/// Fields produced: for each metric, its value, date, age and percentile.
#[cfg(test)]
pub fn fields() -> Vec<String> {
    METRICS
        .iter()
        .flat_map(|(m, _)| {
            [
                m.to_string(),
                format!("{m}_date"),
                format!("{m}_age_days"),
                format!("{m}_pctl"),
            ]
        })
        .collect()
}

pub fn fill(cut: &Cut, chains: &mut [ChainFeatures]) {
    // Each metric's field names, written once rather than for every chain.
    let names: Vec<[String; 3]> = METRICS
        .iter()
        .map(|(m, _)| {
            [
                format!("{m}_date"),
                format!("{m}_age_days"),
                format!("{m}_pctl"),
            ]
        })
        .collect();
    for (c, &i) in chains.iter_mut().zip(&cut.members) {
        for (mi, (metric, _)) in METRICS.iter().enumerate() {
            let [date_field, age_field, _] = &names[mi];
            let points = cut.points(&cut.index.metrics[i][mi]);
            let Some(last) = points.last() else { continue };
            if cut.age_days(last.date) > METRIC_MAX_AGE_DAYS {
                continue;
            }
            // On the latest date, the first row in file order.
            let first = points.partition_point(|p| p.date < last.date);
            let point = &points[first];
            let p = Provenance {
                date: Some(point.date),
                source: cut.index.metric_sources.get(point.row).map(str::to_string),
                flags: Vec::new(),
            };
            c.set_from(metric, Value::Num(point.value), p.clone());
            c.set_from(date_field, Value::Date(point.date), p);
            c.set(age_field, Value::Int(cut.age_days(point.date)));
        }
    }
    for ((metric, _), [_, _, pctl_field]) in METRICS.iter().zip(&names) {
        percentiles(chains, metric, pctl_field);
    }
}

/// Set `pctl_field` of every chain that has `value_field`: the percent of the other chains
/// with a value that is strictly lower (`catalog::percentile`), by one sort.
pub fn percentiles(chains: &mut [ChainFeatures], value_field: &str, pctl_field: &str) {
    // Each chain's value, looked up once.
    let of_chain: Vec<Option<f64>> = chains
        .iter()
        .map(|c| c.get(value_field).and_then(Value::as_f64))
        .collect();
    let mut values: Vec<f64> = of_chain.iter().flatten().copied().collect();
    values.sort_by(f64::total_cmp);
    let others = values.len().saturating_sub(1);
    for (c, x) in chains.iter_mut().zip(of_chain) {
        let Some(x) = x else {
            continue;
        };
        let pctl = (others > 0).then(|| {
            let below = values.partition_point(|v| *v < x);
            100.0 * below as f64 / others as f64
        });
        c.set(pctl_field, Value::num(pctl));
    }
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
