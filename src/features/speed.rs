//! Block time and preconfirmation latency, the "speed is not a moat" inputs. `speed.csv` keeps
//! one row per chain and source so disagreements stay visible; this module picks one
//! observation per chain and measure, with a rule that is deterministic and never looks
//! ahead, and places it among the peers.
//!
//! Semantics, for each measure (`block_time_s`, `preconf_latency_ms`) independently: the row
//! with the latest `asof` on or before `as_of` that has a value of that measure, preferring a
//! row that measures what the field means: a row whose note flags it `PROXY`, `DOUBTFUL` or
//! `WEAK SOURCE` (a stack default, another block notion, a weak source) is used only when the
//! chain has no other. Rows of the same `asof`: the first in file order. No age limit: a block
//! time stands until a newer observation says otherwise, and its date and age are fields
//! (`block_time_date`, `block_time_age_days`, likewise for the latency). `speed_date` = the
//! block-time date, else the latency date. `block_time_pctl` / `preconf_latency_pctl` =
//! `catalog::percentile` among the other universe chains having the value. Rows with a null
//! `asof` are never used. Each value carries its row's source key and flags.

use super::cut::Cut;
use super::index::{SpeedRow, WEAK_FLAGS};
use super::metrics::percentiles;
use super::universe::{ChainFeatures, Provenance};
use super::value::Value;

/// Fields produced (besides slug).
#[cfg(test)]
pub const FIELDS: &[&str] = &[
    "block_time_s",
    "block_time_date",
    "block_time_age_days",
    "block_time_pctl",
    "preconf_latency_ms",
    "preconf_latency_date",
    "preconf_latency_age_days",
    "preconf_latency_pctl",
    "speed_date",
];

type Measure = fn(&SpeedRow) -> Option<f64>;

pub fn fill(cut: &Cut, chains: &mut [ChainFeatures]) {
    let measures: [(&str, &str, Measure); 2] = [
        ("block_time_s", "block_time", |r| r.block_time_s),
        ("preconf_latency_ms", "preconf_latency", |r| {
            r.preconf_latency_ms
        }),
    ];
    for (c, &i) in chains.iter_mut().zip(&cut.members) {
        let all = &cut.index.speed[i];
        let rows = &all[..all.partition_point(|r| r.asof <= cut.as_of)];
        for (field, stem, value_of) in measures {
            let weak = |r: &SpeedRow| r.flags.iter().any(|f| WEAK_FLAGS.contains(f));
            let pick = |strong: bool| {
                let with: Vec<&SpeedRow> = rows
                    .iter()
                    .filter(|r| value_of(r).is_some() && weak(r) != strong)
                    .collect();
                let last = with.last()?.asof;
                with.into_iter().find(|r| r.asof == last)
            };
            let Some(row) = pick(true).or_else(|| pick(false)) else {
                continue;
            };
            let p = Provenance {
                date: Some(row.asof),
                source: Some(row.source.clone()),
                flags: row.flags.iter().map(|f| f.to_string()).collect(),
            };
            c.set_from(field, Value::num(value_of(row)), p.clone());
            c.set_from(&format!("{stem}_date"), Value::Date(row.asof), p);
            c.set(
                &format!("{stem}_age_days"),
                Value::Int(cut.age_days(row.asof)),
            );
        }
        let date = c
            .get("block_time_date")
            .filter(|v| !v.is_missing())
            .or_else(|| c.get("preconf_latency_date"))
            .cloned()
            .unwrap_or(Value::Missing);
        c.set("speed_date", date);
    }
    percentiles(chains, "block_time_s", "block_time_pctl");
    percentiles(chains, "preconf_latency_ms", "preconf_latency_pctl");
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
        // gamma: its only row (2023-01-01) is old, and still its latest known block time.
        assert_eq!(field(&u, "gamma", "block_time_s"), Value::Num(2.0));
        assert_eq!(field(&u, "gamma", "block_time_age_days"), Value::Int(406));
        // zeta: 1.0 s @ 2023-12-01 is newer than 3.0 s @ 2023-06-01.
        assert_eq!(field(&u, "zeta", "block_time_s"), Value::Num(1.0));
        assert_eq!(
            field(&u, "zeta", "speed_date"),
            Value::Date(d("2023-12-01"))
        );
        // Percentiles among universe chains (eth's 12 s is L1): alpha 2.0 vs [gamma 2.0,
        // zeta 1.0] -> 50, zeta 1.0 vs [2.0, 2.0] -> 0; preconf alpha 200 vs [100] -> 100,
        // beta 100 vs [200] -> 0.
        assert_eq!(field(&u, "alpha", "block_time_pctl"), Value::Num(50.0));
        assert_eq!(field(&u, "gamma", "block_time_pctl"), Value::Num(50.0));
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
