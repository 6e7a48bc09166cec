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

use super::cut::Cut;
use super::universe::ChainFeatures;
use super::value::Value;
use chrono::{Duration, NaiveDate};

/// Fields produced (besides slug).
#[cfg(test)]
pub const FIELDS: &[&str] = &[
    "window_weeks",
    "lead_weeks",
    "leader_changes",
    "best_rank",
    "worst_rank",
    "rank_changes",
];

/// One member's ranking over the window.
#[derive(Clone, Copy)]
struct Stats {
    led: i64,
    best: i64,
    worst: i64,
    changes: i64,
    /// The last (window week number, rank) it was ranked.
    last: Option<(usize, i64)>,
}

impl Default for Stats {
    fn default() -> Self {
        Stats {
            led: 0,
            best: i64::MAX,
            worst: 0,
            changes: 0,
            last: None,
        }
    }
}

/// Fill the leadership fields for the window of `window_weeks` ending at `tvl_week`; returns
/// (week, #1 slug) for each week of the window, oldest first.
pub fn fill(
    cut: &Cut,
    tvl_week: Option<NaiveDate>,
    window_weeks: i64,
    chains: &mut [ChainFeatures],
) -> Vec<(NaiveDate, String)> {
    let Some(end) = tvl_week else {
        return Vec::new();
    };
    let start = end - Duration::days(7 * window_weeks);
    let weeks = &cut.index.weeks;
    let from = weeks.partition_point(|(d, _)| *d <= start);
    let to = weeks.partition_point(|(d, _)| *d <= end);
    // Position of each member in `chains`, by chain index.
    let mut row: Vec<Option<usize>> = vec![None; cut.index.chains.len()];
    for (k, &i) in cut.members.iter().enumerate() {
        row[i] = Some(k);
    }
    let mut stats: Vec<Stats> = vec![Stats::default(); chains.len()];
    let mut leaders = Vec::new();
    let mut week_no = 0;
    for (date, ranking) in &weeks[from..to] {
        let ranked: Vec<usize> = ranking.iter().filter_map(|(i, _)| row[*i]).collect();
        if ranked.is_empty() {
            continue;
        }
        week_no += 1;
        leaders.push((*date, chains[ranked[0]].slug.clone()));
        for (r, &k) in ranked.iter().enumerate() {
            let rank = r as i64 + 1;
            let s = &mut stats[k];
            s.led += i64::from(rank == 1);
            s.best = s.best.min(rank);
            s.worst = s.worst.max(rank);
            if let Some((prev_week, prev_rank)) = s.last
                && prev_week + 1 == week_no
                && prev_rank != rank
            {
                s.changes += 1;
            }
            s.last = Some((week_no, rank));
        }
    }
    if leaders.is_empty() {
        return leaders;
    }
    let changes = leader_changes(&leaders);
    for (c, s) in chains.iter_mut().zip(stats) {
        c.set("window_weeks", Value::Int(leaders.len() as i64));
        c.set("leader_changes", Value::Int(changes));
        if s.last.is_some() {
            c.set("lead_weeks", Value::Int(s.led));
            c.set("best_rank", Value::Int(s.best));
            c.set("worst_rank", Value::Int(s.worst));
            c.set("rank_changes", Value::Int(s.changes));
        }
    }
    leaders
}

/// Consecutive pairs of `leaders` whose #1 differs.
pub fn leader_changes(leaders: &[(NaiveDate, String)]) -> i64 {
    leaders.windows(2).filter(|w| w[0].1 != w[1].1).count() as i64
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
