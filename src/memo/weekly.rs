//! The weekly TVL ranking over the whole history up to the as-of date, rebuilt from the
//! universe's `tvl_usd` series: who was #1 each week and when that changed, each chain's rank
//! and share week by week, and how concentrated the sector was (HHI). The feature stage keeps
//! only the leadership window; memos tell the whole story, so they rank every week the series
//! hold.
//!
//! Semantics, the feature stage's (`features::leadership`, `features::tvl`): in each week the
//! universe chains with a point that week are ranked by TVL (1 = largest, ties broken by slug
//! ascending), and a share is a chain's TVL over the sum of that week's points. The universe is
//! the one at the as-of date, so a chain that had shut down by then is not in any week.

use crate::features::Universe;
use chrono::NaiveDate;
use std::collections::BTreeMap;

/// The name of the series the ranking is built from.
const TVL: &str = "tvl_usd";

/// One week's ranking.
#[derive(Clone, Debug, PartialEq)]
pub struct Week {
    pub date: NaiveDate,
    /// (slug, TVL), largest first, ties by slug.
    pub ranked: Vec<(String, f64)>,
    /// The sum of the week's points, added in ranking order (so the same bits every run).
    pub total: f64,
}

impl Week {
    /// A chain's (rank, share) this week; the share is `None` when the week's total is 0.
    pub fn standing(&self, slug: &str) -> Option<(usize, Option<f64>)> {
        let i = self.ranked.iter().position(|(s, _)| s == slug)?;
        Some((i + 1, self.share_of(self.ranked[i].1)))
    }

    fn share_of(&self, tvl: f64) -> Option<f64> {
        (self.total > 0.0).then(|| tvl / self.total)
    }

    /// Herfindahl-Hirschman index: the sum of squared percentage shares, 0..10,000 (10,000 =
    /// one chain holds everything). `None` when the week's total is 0.
    pub fn hhi(&self) -> Option<f64> {
        (self.total > 0.0).then(|| {
            self.ranked
                .iter()
                .map(|(_, tvl)| (100.0 * tvl / self.total).powi(2))
                .sum()
        })
    }
}

/// An uninterrupted run of one #1.
#[derive(Clone, Debug, PartialEq)]
pub struct Run {
    pub slug: String,
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub weeks: usize,
}

/// Every week with at least one point, oldest first.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Weekly {
    pub weeks: Vec<Week>,
}

impl Weekly {
    pub fn new(universe: &Universe) -> Weekly {
        let mut by_date: BTreeMap<NaiveDate, Vec<(String, f64)>> = BTreeMap::new();
        for chain in &universe.chains {
            for (date, tvl) in chain.series.get(TVL).into_iter().flatten() {
                by_date
                    .entry(*date)
                    .or_default()
                    .push((chain.slug.clone(), *tvl));
            }
        }
        let weeks = by_date
            .into_iter()
            .map(|(date, mut ranked)| {
                ranked.sort_by(|a, b| b.1.total_cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
                let total = ranked.iter().map(|(_, tvl)| tvl).sum();
                Week {
                    date,
                    ranked,
                    total,
                }
            })
            .collect();
        Weekly { weeks }
    }

    /// The runs of the #1, oldest first: each change of the #1 starts a new run.
    pub fn leader_runs(&self) -> Vec<Run> {
        let mut runs: Vec<Run> = Vec::new();
        for week in &self.weeks {
            let Some((leader, _)) = week.ranked.first() else {
                continue;
            };
            match runs.last_mut() {
                Some(run) if run.slug == *leader => {
                    run.to = week.date;
                    run.weeks += 1;
                }
                _ => runs.push(Run {
                    slug: leader.clone(),
                    from: week.date,
                    to: week.date,
                    weeks: 1,
                }),
            }
        }
        runs
    }

    /// A chain's rank in every week it has a point.
    pub fn ranks(&self, slug: &str) -> Vec<(NaiveDate, f64)> {
        self.per_week(|w| w.standing(slug).map(|(rank, _)| rank as f64))
    }

    /// A chain's share of the universe's TVL in every week it has a point (and a total > 0).
    pub fn shares(&self, slug: &str) -> Vec<(NaiveDate, f64)> {
        self.per_week(|w| w.standing(slug).and_then(|(_, share)| share))
    }

    /// The HHI of every week whose total is above 0.
    pub fn hhi(&self) -> Vec<(NaiveDate, f64)> {
        self.per_week(Week::hhi)
    }

    fn per_week(&self, f: impl Fn(&Week) -> Option<f64>) -> Vec<(NaiveDate, f64)> {
        self.weeks
            .iter()
            .filter_map(|w| Some((w.date, f(w)?)))
            .collect()
    }

    /// The latest week on or before `date`.
    pub fn at(&self, date: NaiveDate) -> Option<&Week> {
        let n = self.weeks.partition_point(|w| w.date <= date);
        n.checked_sub(1).map(|i| &self.weeks[i])
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::features::{ChainFeatures, Universe};

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn chain(slug: &str, points: &[(&str, f64)]) -> ChainFeatures {
        let mut c = ChainFeatures {
            slug: slug.into(),
            ..Default::default()
        };
        c.series.insert(
            TVL.into(),
            points.iter().map(|(date, v)| (d(date), *v)).collect(),
        );
        c
    }

    fn universe(chains: Vec<ChainFeatures>) -> Universe {
        Universe {
            as_of: d("2024-01-21"),
            data: Default::default(),
            tvl_week: None,
            window_weeks: 52,
            leaders: Vec::new(),
            chains,
            sources: Default::default(),
        }
    }

    #[test]
    fn ranks_shares_runs_and_hhi_by_hand() {
        // 01-07: a 60, b 40        -> a #1; shares .6/.4; HHI 3600 + 1600 = 5200
        // 01-14: a 50, b 50        -> tie: a (slug) #1; HHI 2500 + 2500 = 5000
        // 01-21: b 75, a 25, c 0   -> b #1; HHI 5625 + 625 + 0 = 6250
        let u = universe(vec![
            chain(
                "b",
                &[
                    ("2024-01-07", 40.0),
                    ("2024-01-14", 50.0),
                    ("2024-01-21", 75.0),
                ],
            ),
            chain(
                "a",
                &[
                    ("2024-01-07", 60.0),
                    ("2024-01-14", 50.0),
                    ("2024-01-21", 25.0),
                ],
            ),
            chain("c", &[("2024-01-21", 0.0)]),
        ]);
        let w = Weekly::new(&u);
        assert_eq!(w.weeks.len(), 3);
        assert_eq!(
            w.ranks("a"),
            vec![
                (d("2024-01-07"), 1.0),
                (d("2024-01-14"), 1.0),
                (d("2024-01-21"), 2.0)
            ]
        );
        assert_eq!(w.ranks("c"), vec![(d("2024-01-21"), 3.0)]);
        assert_eq!(
            w.shares("b"),
            vec![
                (d("2024-01-07"), 0.4),
                (d("2024-01-14"), 0.5),
                (d("2024-01-21"), 0.75)
            ]
        );
        assert_eq!(
            w.hhi(),
            vec![
                (d("2024-01-07"), 5200.0),
                (d("2024-01-14"), 5000.0),
                (d("2024-01-21"), 6250.0)
            ]
        );
        assert_eq!(
            w.leader_runs(),
            vec![
                Run {
                    slug: "a".into(),
                    from: d("2024-01-07"),
                    to: d("2024-01-14"),
                    weeks: 2
                },
                Run {
                    slug: "b".into(),
                    from: d("2024-01-21"),
                    to: d("2024-01-21"),
                    weeks: 1
                },
            ]
        );
        assert_eq!(w.at(d("2024-01-20")).map(|w| w.date), Some(d("2024-01-14")));
        assert_eq!(w.at(d("2024-01-06")), None);
    }

    /// Over the leadership window, the ranking reproduces the feature stage's leaders.
    #[test]
    fn the_window_matches_the_feature_stage() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/mini");
        let ds = crate::dataset::load(&dir).unwrap_or_else(|e| panic!("{e:?}"));
        let opts = crate::features::FeatureOptions { window_weeks: 4 };
        let u = crate::features::compute(&ds, d("2024-12-29"), &opts).unwrap();
        let w = Weekly::new(&u);
        let last: Vec<(NaiveDate, String)> = w.weeks[w.weeks.len() - 4..]
            .iter()
            .map(|w| (w.date, w.ranked[0].0.clone()))
            .collect();
        assert_eq!(last, u.leaders);
        for c in &u.chains {
            let week = w.at(u.tvl_week.unwrap()).unwrap();
            let standing = week.standing(&c.slug);
            assert_eq!(
                standing.map(|(r, _)| r as i64),
                c.get("tvl_rank").and_then(|v| match v {
                    crate::features::Value::Int(i) => Some(*i),
                    _ => None,
                }),
                "{}",
                c.slug
            );
            assert_eq!(
                standing.and_then(|(_, s)| s),
                c.get("tvl_share").and_then(crate::features::Value::as_f64),
                "{}",
                c.slug
            );
        }
    }
}
