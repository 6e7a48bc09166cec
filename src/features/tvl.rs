//! A chain's DefiLlama TVL at the as-of date: its latest level, its size relative to the
//! universe in one common week, and how it moved. Ranks and shares must compare chains in the
//! same week (chains report on different days, some stop reporting), so they are taken in the
//! reference week `tvl_week`, the latest TVL date on or before `as_of` among universe chains.
//!
//! Semantics (only points of universe chains dated on or before `as_of` are seen):
//! - `tvl_usd` / `tvl_date`: the chain's latest point; `tvl_age_days`: days from it to `as_of`
//!   (how stale it is); `tvl_weeks`: its number of points.
//! - `tvl_rank`: rank by TVL among universe chains with a point at `tvl_week` (1 = largest;
//!   ties broken by slug ascending); Missing for a chain without a point at `tvl_week`.
//! - `tvl_share`: its TVL at `tvl_week` / the sum over universe chains at `tvl_week`; Missing
//!   likewise, or when the sum is 0.
//! - `tvl_change_{4,13,52}w`: tvl(tvl_date) / tvl(tvl_date − 7·N days) − 1; Missing when that
//!   exact earlier point does not exist or is 0.

use super::cut::Cut;
use super::index::Point;
use super::universe::ChainFeatures;
use super::value::Value;
use chrono::{Duration, NaiveDate};

/// Fields produced (besides slug).
#[cfg(test)]
pub const FIELDS: &[&str] = &[
    "tvl_usd",
    "tvl_date",
    "tvl_age_days",
    "tvl_weeks",
    "tvl_rank",
    "tvl_share",
    "tvl_change_4w",
    "tvl_change_13w",
    "tvl_change_52w",
];

/// The horizons of the `tvl_change_<N>w` fields, in weeks.
const CHANGE_WEEKS: [i64; 3] = [4, 13, 52];

/// Fill the TVL fields; returns the reference week.
pub fn fill(cut: &Cut, chains: &mut [ChainFeatures]) -> Option<NaiveDate> {
    let mut tvl_week: Option<NaiveDate> = None;
    for (c, &i) in chains.iter_mut().zip(&cut.members) {
        let points = cut.points(&cut.index.tvl[i]);
        c.set("tvl_weeks", Value::Int(points.len() as i64));
        let Some(last) = points.last() else { continue };
        tvl_week = tvl_week.max(Some(last.date));
        c.set("tvl_usd", Value::Num(last.value));
        c.set("tvl_date", Value::Date(last.date));
        c.set("tvl_age_days", Value::Int(cut.age_days(last.date)));
        for weeks in CHANGE_WEEKS {
            let change = at(points, last.date - Duration::days(7 * weeks))
                .filter(|past| *past != 0.0)
                .map(|past| last.value / past - 1.0);
            c.set(&format!("tvl_change_{weeks}w"), Value::num(change));
        }
    }
    let week = tvl_week?;
    // Ranks and shares among the members with a point in the reference week.
    let mut in_week: Vec<(usize, f64)> = chains
        .iter()
        .enumerate()
        .filter_map(|(k, _)| {
            let i = cut.members[k];
            at(cut.points(&cut.index.tvl[i]), week).map(|v| (k, v))
        })
        .collect();
    in_week.sort_by(|a, b| {
        b.1.total_cmp(&a.1)
            .then_with(|| chains[a.0].slug.cmp(&chains[b.0].slug))
    });
    let total: f64 = in_week.iter().map(|(_, v)| v).sum();
    for (rank, (k, value)) in in_week.into_iter().enumerate() {
        chains[k].set("tvl_rank", Value::Int(rank as i64 + 1));
        let share = (total > 0.0).then(|| value / total);
        chains[k].set("tvl_share", Value::num(share));
    }
    Some(week)
}

/// The value of the point dated exactly `date` (points sorted by date).
pub fn at(points: &[Point], date: NaiveDate) -> Option<f64> {
    let k = points.partition_point(|p| p.date < date);
    points.get(k).filter(|p| p.date == date).map(|p| p.value)
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
