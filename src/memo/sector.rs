//! The sector memo: the sector's verdict and its reasons (the answer to "does this sector have
//! moats, or is it an airline business?" in the words of the sector rules), how many chains
//! pass each rule, every change of the TVL #1 with its date, TVL concentration (HHI) over time,
//! and the top chains' shares. The leadership history is the whole history the universe's
//! series hold (`weekly`), not only the rules' window, which is stated beside it.

use super::chart::{Chart, Line, Measure};
use super::verdicts::{RuleVerdict, rule_verdicts};
use super::weekly::{Week, Weekly};
use crate::evaluate::{ScreenResult, Stamps, Status};
use crate::features::{Universe, Value};
use crate::rules::RuleScope;
use chrono::Datelike;
use serde::Serialize;

/// Chains in the top-shares table and chart.
pub const TOP: usize = 5;

/// How the chains fared on one chain rule.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct RuleCount {
    pub rule: String,
    pub title: String,
    pub category: String,
    pub gate: bool,
    pub weight: f64,
    pub pass: usize,
    pub fail: usize,
    pub skip: usize,
    pub error: usize,
}

/// An uninterrupted run of one #1.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct LeaderRun {
    pub slug: String,
    pub name: String,
    pub from: String,
    pub to: String,
    pub weeks: usize,
}

/// A week in which the #1 changed.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct LeaderChange {
    /// The first week the new #1 led.
    pub week: String,
    pub from: String,
    pub from_name: String,
    pub to: String,
    pub to_name: String,
    /// How long the one it replaced had led.
    pub after_weeks: usize,
}

/// The concentration of one week.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Concentration {
    pub week: String,
    /// Sum of squared percentage shares, 0..10,000.
    pub hhi: f64,
    /// 10,000 / HHI: as concentrated as this many chains of equal size.
    pub equivalent: f64,
    pub chains: usize,
    pub leader: String,
    pub leader_name: String,
    pub leader_share: f64,
}

/// One of the largest chains now.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct TopChain {
    pub slug: String,
    pub name: String,
    pub rank: usize,
    pub tvl: f64,
    pub share: Option<f64>,
    /// Its share in the latest week on or before 52 weeks before that week.
    pub share_year_ago: Option<f64>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SectorMemo {
    pub stamps: Stamps,
    /// The sector's verdict; `None` when the screen has no sector rule.
    pub overall: Option<Status>,
    pub score: Option<f64>,
    pub gates_failed: Vec<String>,
    /// Each sector rule's verdict, with its `why` and evidence.
    pub verdicts: Vec<RuleVerdict>,
    /// Chains screened, and how many passed overall.
    pub chains: usize,
    pub passing: usize,
    pub rule_counts: Vec<RuleCount>,
    /// The rules' leadership window (weeks) and the changes of the #1 within it.
    pub window_weeks: usize,
    pub window_changes: usize,
    /// The whole history: every run of the #1 and every change, oldest first.
    pub leader_runs: Vec<LeaderRun>,
    pub leader_changes: Vec<LeaderChange>,
    /// The first week, the last week of every year, and the latest week.
    pub concentration: Vec<Concentration>,
    pub top: Vec<TopChain>,
    pub charts: Vec<Chart>,
}

fn name_in(universe: &Universe, slug: &str) -> String {
    match universe.chain(slug).and_then(|c| c.get("name")) {
        Some(Value::Text(n)) => n.clone(),
        _ => slug.to_string(),
    }
}

fn concentration(universe: &Universe, week: &Week) -> Option<Concentration> {
    let hhi = week.hhi()?;
    let (leader, tvl) = week.ranked.first()?;
    Some(Concentration {
        week: week.date.to_string(),
        hhi,
        equivalent: 10_000.0 / hhi,
        chains: week.ranked.len(),
        leader: leader.clone(),
        leader_name: name_in(universe, leader),
        leader_share: tvl / week.total,
    })
}

/// The weeks the concentration table shows: the first, each year's last, and the latest.
fn milestones(weekly: &Weekly) -> Vec<&Week> {
    let weeks = &weekly.weeks;
    weeks
        .iter()
        .enumerate()
        .filter(|(i, w)| {
            *i == 0 || *i + 1 == weeks.len() || weeks[i + 1].date.year() != w.date.year()
        })
        .map(|(_, w)| w)
        .collect()
}

pub fn sector_memo(result: &ScreenResult, universe: &Universe, weekly: &Weekly) -> SectorMemo {
    let verdicts = result
        .sector
        .as_ref()
        .map(|s| rule_verdicts(&result.rules, &s.verdicts, universe, None))
        .unwrap_or_default();
    let rule_counts = result
        .rules
        .iter()
        .filter(|r| r.scope == RuleScope::Chain)
        .map(|r| {
            let mut count = [0usize; 4];
            for v in result.chains.iter().flat_map(|c| &c.verdicts) {
                if v.rule == r.id {
                    count[match v.status {
                        Status::Pass => 0,
                        Status::Fail => 1,
                        Status::Skip => 2,
                        Status::Error => 3,
                    }] += 1;
                }
            }
            RuleCount {
                rule: r.id.clone(),
                title: r.title.clone(),
                category: r.category.clone(),
                gate: r.gate,
                weight: r.weight,
                pass: count[0],
                fail: count[1],
                skip: count[2],
                error: count[3],
            }
        })
        .collect();
    let runs = weekly.leader_runs();
    let leader_changes = runs
        .windows(2)
        .map(|w| LeaderChange {
            week: w[1].from.to_string(),
            from: w[0].slug.clone(),
            from_name: name_in(universe, &w[0].slug),
            to: w[1].slug.clone(),
            to_name: name_in(universe, &w[1].slug),
            after_weeks: w[0].weeks,
        })
        .collect();
    let latest = weekly.weeks.last();
    let year_before = latest.and_then(|w| weekly.at(super::year_before(w.date)));
    let top: Vec<TopChain> = latest
        .map(|w| {
            w.ranked
                .iter()
                .take(TOP)
                .enumerate()
                .map(|(i, (slug, tvl))| TopChain {
                    slug: slug.clone(),
                    name: name_in(universe, slug),
                    rank: i + 1,
                    tvl: *tvl,
                    share: w.standing(slug).and_then(|(_, s)| s),
                    share_year_ago: year_before
                        .and_then(|y| y.standing(slug))
                        .and_then(|(_, s)| s),
                })
                .collect()
        })
        .unwrap_or_default();
    let window_changes = universe
        .leaders
        .windows(2)
        .filter(|w| w[0].1 != w[1].1)
        .count();
    SectorMemo {
        stamps: result.stamps.clone(),
        overall: result.sector.as_ref().map(|s| s.overall),
        score: result.sector.as_ref().and_then(|s| s.score),
        gates_failed: result
            .sector
            .as_ref()
            .map(|s| s.gates_failed.clone())
            .unwrap_or_default(),
        verdicts,
        chains: result.chains.len(),
        passing: result
            .chains
            .iter()
            .filter(|c| c.overall == Status::Pass)
            .count(),
        rule_counts,
        window_weeks: universe.leaders.len(),
        window_changes,
        leader_runs: runs
            .iter()
            .map(|r| LeaderRun {
                slug: r.slug.clone(),
                name: name_in(universe, &r.slug),
                from: r.from.to_string(),
                to: r.to.to_string(),
                weeks: r.weeks,
            })
            .collect(),
        leader_changes,
        concentration: milestones(weekly)
            .into_iter()
            .filter_map(|w| concentration(universe, w))
            .collect(),
        charts: charts(weekly, &top),
        top,
    }
}

fn charts(weekly: &Weekly, top: &[TopChain]) -> Vec<Chart> {
    vec![
        Chart {
            id: "shares".into(),
            title: format!("Share of L2/L3 TVL of the {} largest chains now", top.len()),
            y_label: "share of L2/L3 TVL".into(),
            measure: Measure::Share,
            lines: top
                .iter()
                .map(|t| Line {
                    label: t.name.clone(),
                    emphasis: t.rank == 1,
                    points: weekly.shares(&t.slug),
                })
                .collect(),
        },
        Chart {
            id: "hhi".into(),
            title: "TVL concentration (HHI: 10,000 = one chain holds everything)".into(),
            y_label: "HHI".into(),
            measure: Measure::Index,
            lines: vec![Line {
                label: "HHI".into(),
                emphasis: true,
                points: weekly.hhi(),
            }],
        },
    ]
}
