//! The chain memo: everything an investment committee reads about one chain, as typed values
//! built from the screen's result for it, the universe at the as-of date (and 52 weeks
//! earlier), the chain's series and its link facts. Sections follow the memo: header (stamps,
//! verdict), summary, what it is, moat analysis, position among peers, ecosystem, token,
//! security, what would change the verdict, charts, appendix (every verdict, the sources, the
//! stamps).

use super::changes::{Change, changes};
use super::chart::{Chart, Line, Measure};
use super::ecosystem::{Ecosystem, ecosystem};
use super::facts::{self, Fact};
use super::position::{Position, position};
use super::verdicts::{RuleVerdict, Summary, rule_verdicts, summary};
use super::weekly::Weekly;
use crate::evaluate::{ScreenResult, Stamps};
use crate::features::{ChainFeatures, Universe, Value};
use serde::Serialize;
use std::collections::BTreeSet;

/// Peers drawn beside the chain in the TVL chart.
const CHART_PEERS: usize = 3;

/// A source key and what it is (the dataset's sources table).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SourceRow {
    pub key: String,
    /// `None` when the sources table does not list the key.
    pub source: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ChainMemo {
    pub stamps: Stamps,
    pub slug: String,
    pub name: String,
    /// The token's symbol; `None` when the chain has none live at the as-of date.
    pub token: Option<String>,
    pub summary: Summary,
    /// What it is.
    pub profile: Vec<Fact>,
    /// The rule categories, in rule order: the parts of the moat analysis.
    pub categories: Vec<String>,
    /// Every chain rule's verdict, in rule order.
    pub verdicts: Vec<RuleVerdict>,
    pub position: Position,
    pub ecosystem: Ecosystem,
    /// Token and value accrual.
    pub token_facts: Vec<Fact>,
    pub security_facts: Vec<Fact>,
    /// What would change the verdict.
    pub changes: Vec<Change>,
    pub charts: Vec<Chart>,
    /// Every source the facts, evidence and links above cite, by key.
    pub sources: Vec<SourceRow>,
}

/// The memo of `slug`, a chain `result` judged, at `universe`'s date; `year_ago` is the
/// universe 52 weeks earlier, `weekly` the ranking built from `universe`, and `what_if` the
/// engine's search for what would flip the verdicts that hold the chain back.
pub fn chain_memo(
    result: &ScreenResult,
    universe: &Universe,
    year_ago: &Universe,
    weekly: &Weekly,
    slug: &str,
    what_if: &[crate::authoring::whatif::WhatIf],
) -> anyhow::Result<ChainMemo> {
    let judged = result
        .chain(slug)
        .ok_or_else(|| anyhow::anyhow!("the screen did not judge {slug}"))?;
    let chain = universe
        .chain(slug)
        .ok_or_else(|| anyhow::anyhow!("{slug} is not in the universe at {}", universe.as_of))?;
    let verdicts = rule_verdicts(&result.rules, &judged.verdicts, universe, Some(chain));
    let mut categories: Vec<String> = Vec::new();
    for v in &verdicts {
        if !categories.contains(&v.category) {
            categories.push(v.category.clone());
        }
    }
    let profile = facts::profile(chain);
    let token_facts = facts::token(chain);
    let security_facts = facts::security(chain);
    let ecosystem = ecosystem(universe, chain);
    let position = position(result, universe, year_ago, slug);
    let sources = cited(
        universe,
        [&profile, &token_facts, &security_facts],
        &verdicts,
        &ecosystem,
    );
    Ok(ChainMemo {
        stamps: result.stamps.clone(),
        slug: slug.to_string(),
        name: judged.name.clone(),
        token: match chain.get("token") {
            Some(Value::Text(t)) => Some(t.clone()),
            _ => None,
        },
        summary: summary(judged, &verdicts, result.stamps.pass_mark),
        profile,
        categories,
        changes: changes(&verdicts, what_if),
        verdicts,
        charts: charts(universe, weekly, chain, &judged.name),
        position,
        ecosystem,
        token_facts,
        security_facts,
        sources,
    })
}

/// The sources cited anywhere in the memo, sorted by key.
fn cited(
    universe: &Universe,
    facts: [&Vec<Fact>; 3],
    verdicts: &[RuleVerdict],
    ecosystem: &Ecosystem,
) -> Vec<SourceRow> {
    let mut keys: BTreeSet<&str> = BTreeSet::new();
    keys.extend(
        facts
            .iter()
            .flat_map(|f| f.iter())
            .filter_map(|f| f.source.as_deref()),
    );
    keys.extend(
        verdicts
            .iter()
            .flat_map(|v| &v.evidence)
            .filter_map(|e| e.source.as_deref()),
    );
    keys.extend(
        ecosystem
            .links
            .iter()
            .flat_map(|l| l.sources.iter().map(String::as_str)),
    );
    keys.into_iter()
        .map(|key| SourceRow {
            key: key.to_string(),
            source: universe.sources.get(key).cloned(),
        })
        .collect()
}

fn name_of(c: &ChainFeatures) -> String {
    match c.get("name") {
        Some(Value::Text(n)) => n.clone(),
        _ => c.slug.clone(),
    }
}

/// The chain's TVL against its nearest peers, its rank over time, its share of L2/L3 TVL.
fn charts(universe: &Universe, weekly: &Weekly, chain: &ChainFeatures, name: &str) -> Vec<Chart> {
    let tvl = |c: &ChainFeatures| c.series.get("tvl_usd").cloned().unwrap_or_default();
    let mut lines = vec![Line {
        label: name.to_string(),
        emphasis: true,
        points: tvl(chain),
    }];
    // The nearest by TVL at the as-of date, the nearest first (ties by slug).
    if let Some(own) = chain
        .get("tvl_usd")
        .and_then(Value::as_f64)
        .filter(|x| *x > 0.0)
    {
        let mut peers: Vec<(&ChainFeatures, f64)> = universe
            .chains
            .iter()
            .filter(|c| c.slug != chain.slug && c.get("tvl_rank").is_some_and(|r| !r.is_missing()))
            .filter_map(|c| {
                let x = c
                    .get("tvl_usd")
                    .and_then(Value::as_f64)
                    .filter(|x| *x > 0.0)?;
                Some((c, (x / own).ln().abs()))
            })
            .collect();
        peers.sort_by(|a, b| a.1.total_cmp(&b.1).then_with(|| a.0.slug.cmp(&b.0.slug)));
        lines.extend(peers.iter().take(CHART_PEERS).map(|(c, _)| Line {
            label: name_of(c),
            emphasis: false,
            points: tvl(c),
        }));
    }
    let ranked = universe
        .chains
        .iter()
        .filter(|c| c.get("tvl_rank").is_some_and(|r| !r.is_missing()))
        .count();
    vec![
        Chart {
            id: "tvl".into(),
            title: format!("TVL of {name} and its nearest peers by TVL"),
            y_label: "TVL (USD)".into(),
            measure: Measure::Usd,
            lines,
        },
        Chart {
            id: "rank".into(),
            title: format!("{name}'s TVL rank (1 = largest; {ranked} chains ranked now)"),
            y_label: "rank by TVL".into(),
            measure: Measure::Rank,
            lines: vec![Line {
                label: name.to_string(),
                emphasis: true,
                points: weekly.ranks(&chain.slug),
            }],
        },
        Chart {
            id: "share".into(),
            title: format!("{name}'s share of L2/L3 TVL"),
            y_label: "share of L2/L3 TVL".into(),
            measure: Measure::Share,
            lines: vec![Line {
                label: name.to_string(),
                emphasis: true,
                points: weekly.shares(&chain.slug),
            }],
        },
    ]
}
