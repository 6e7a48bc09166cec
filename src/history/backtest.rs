//! A backtest: the screen replayed at a schedule of dates, each date seeing exactly what
//! `moat screen --as-of` that date sees. [`Recorder`] takes each date's `ScreenResult` in
//! order and keeps what a backtest reports: the verdict matrix (date × chain × rule, with the
//! overall verdict and score), the **flips** (every change between consecutive dates: the
//! [`diff`](super::diff) of their screens, with the reasons before and after), the sector
//! verdict at each date, and a summary per chain.

use super::diff::diff;
use super::schedule::Every;
use crate::evaluate::{ScreenResult, Stamps, Status};
use chrono::NaiveDate;
use serde::Serialize;
use std::collections::BTreeMap;

/// What makes a backtest re-creatable: the stamps of its last date (the rule pack, dataset and
/// moat version are the same for every date) and its schedule.
#[derive(Clone, Debug, Serialize)]
pub struct RunStamps {
    pub screen: String,
    pub dataset: String,
    pub vintage: String,
    pub rule_pack_hash: String,
    pub pass_mark: f64,
    pub moat_version: String,
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub every: String,
    pub dates: usize,
}

/// One chain at one date.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ChainAt {
    pub slug: String,
    pub overall: Status,
    pub score: Option<f64>,
    /// (rule, status), in rule order.
    pub verdicts: Vec<(String, Status)>,
}

/// The screen at one date.
#[derive(Clone, Debug, Serialize)]
pub struct DateAt {
    pub date: NaiveDate,
    /// The content hash of what was seen at this date.
    pub dataset_hash: String,
    pub tvl_newest: Option<String>,
    pub chains: Vec<ChainAt>,
    pub sector: Option<SectorAt>,
}

#[derive(Clone, Debug, Serialize)]
pub struct SectorAt {
    pub overall: Status,
    pub score: Option<f64>,
    /// (rule, status, reason).
    pub verdicts: Vec<(String, Status, String)>,
}

/// One change between two consecutive dates.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Flip {
    /// The date the new verdict is first seen.
    pub date: NaiveDate,
    /// The previous date of the schedule.
    pub since: NaiveDate,
    /// The chain; `None` for the sector.
    pub chain: Option<String>,
    /// A rule id, `overall` for the overall verdict, or `universe` for a chain entering
    /// (`from` "out", `to` "in") or leaving the universe.
    pub rule: String,
    pub from: String,
    pub to: String,
    pub reason_before: Option<String>,
    pub reason_after: Option<String>,
}

/// A chain over the whole backtest.
#[derive(Clone, Debug, Serialize)]
pub struct ChainSummary {
    pub slug: String,
    /// Dates it was judged (in the universe) and dates it passed overall.
    pub dates_judged: usize,
    pub dates_pass: usize,
    /// Flips of its overall verdict or any rule.
    pub flips: usize,
    pub first_pass: Option<NaiveDate>,
    pub last_pass: Option<NaiveDate>,
}

#[derive(Clone, Debug, Serialize)]
pub struct Backtest {
    pub stamps: RunStamps,
    pub dates: Vec<DateAt>,
    pub flips: Vec<Flip>,
    /// By slug.
    pub summary: Vec<ChainSummary>,
}

/// Builds a [`Backtest`] from the screens of its dates, in date order.
pub struct Recorder {
    every: Every,
    last: Option<(NaiveDate, ScreenResult)>,
    first: Option<NaiveDate>,
    dates: Vec<DateAt>,
    flips: Vec<Flip>,
}

impl Recorder {
    pub fn new(every: Every) -> Recorder {
        Recorder {
            every,
            last: None,
            first: None,
            dates: Vec::new(),
            flips: Vec::new(),
        }
    }

    /// Add the screen at `date` (after every earlier date).
    pub fn push(&mut self, date: NaiveDate, result: ScreenResult) {
        self.first.get_or_insert(date);
        if let Some((since, before)) = &self.last {
            self.flips.extend(flips(*since, date, before, &result));
        }
        self.dates.push(at(date, &result));
        self.last = Some((date, result));
    }

    pub fn finish(self) -> Option<Backtest> {
        let (to, last) = self.last?;
        let s: &Stamps = &last.stamps;
        let mut summary: BTreeMap<String, ChainSummary> = BTreeMap::new();
        for d in &self.dates {
            for c in &d.chains {
                let e = summary.entry(c.slug.clone()).or_insert(ChainSummary {
                    slug: c.slug.clone(),
                    dates_judged: 0,
                    dates_pass: 0,
                    flips: 0,
                    first_pass: None,
                    last_pass: None,
                });
                e.dates_judged += 1;
                if c.overall == Status::Pass {
                    e.dates_pass += 1;
                    e.first_pass.get_or_insert(d.date);
                    e.last_pass = Some(d.date);
                }
            }
        }
        for f in &self.flips {
            if let Some(e) = f.chain.as_ref().and_then(|c| summary.get_mut(c))
                && f.rule != "universe"
            {
                e.flips += 1;
            }
        }
        Some(Backtest {
            stamps: RunStamps {
                screen: s.screen.clone(),
                dataset: s.dataset.clone(),
                vintage: s.vintage.clone(),
                rule_pack_hash: s.rule_pack_hash.clone(),
                pass_mark: s.pass_mark,
                moat_version: s.moat_version.clone(),
                from: self.first.unwrap_or(to),
                to,
                every: self.every.as_str().to_string(),
                dates: self.dates.len(),
            },
            dates: self.dates,
            flips: self.flips,
            summary: summary.into_values().collect(),
        })
    }
}

fn at(date: NaiveDate, r: &ScreenResult) -> DateAt {
    let mut chains: Vec<ChainAt> = r
        .chains
        .iter()
        .map(|c| ChainAt {
            slug: c.slug.clone(),
            overall: c.overall,
            score: c.score,
            verdicts: c
                .verdicts
                .iter()
                .map(|v| (v.rule.clone(), v.status))
                .collect(),
        })
        .collect();
    chains.sort_by(|a, b| a.slug.cmp(&b.slug));
    DateAt {
        date,
        dataset_hash: r.stamps.dataset_hash.clone(),
        tvl_newest: r.stamps.tvl_newest.clone(),
        chains,
        sector: r.sector.as_ref().map(|s| SectorAt {
            overall: s.overall,
            score: s.score,
            verdicts: s
                .verdicts
                .iter()
                .map(|v| (v.rule.clone(), v.status, v.reason.clone()))
                .collect(),
        }),
    }
}

/// The changes from the screen at `since` to the one at `date`, as flips.
fn flips(
    since: NaiveDate,
    date: NaiveDate,
    before: &ScreenResult,
    after: &ScreenResult,
) -> Vec<Flip> {
    let d = diff(before, after);
    let flip = |chain: Option<String>, rule: &str, from: String, to: String| Flip {
        date,
        since,
        chain,
        rule: rule.to_string(),
        from,
        to,
        reason_before: None,
        reason_after: None,
    };
    let mut out = Vec::new();
    for slug in &d.entered {
        out.push(flip(
            Some(slug.clone()),
            "universe",
            "out".into(),
            "in".into(),
        ));
    }
    for slug in &d.left {
        out.push(flip(
            Some(slug.clone()),
            "universe",
            "in".into(),
            "out".into(),
        ));
    }
    for o in d.overall.iter().filter(|o| o.from != o.to) {
        out.push(Flip {
            reason_before: o.deciding_before.clone(),
            reason_after: o.deciding_after.clone(),
            ..flip(
                Some(o.chain.clone()),
                "overall",
                o.from.to_string(),
                o.to.to_string(),
            )
        });
    }
    if let Some((from, to)) = d.sector {
        out.push(flip(None, "overall", from.to_string(), to.to_string()));
    }
    for c in d.verdicts {
        out.push(Flip {
            reason_before: Some(c.reason_before),
            reason_after: Some(c.reason_after),
            ..flip(c.chain, &c.rule, c.from.to_string(), c.to.to_string())
        });
    }
    // Chains by slug (the sector last), then universe, overall, rules.
    let rank = |f: &Flip| match f.rule.as_str() {
        "universe" => 0,
        "overall" => 1,
        _ => 2,
    };
    out.sort_by(|a, b| {
        (a.chain.is_none(), &a.chain, rank(a)).cmp(&(b.chain.is_none(), &b.chain, rank(b)))
    });
    out
}
