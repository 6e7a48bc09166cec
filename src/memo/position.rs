//! "Position among peers": a chain's TVL, rank and share at the as-of date and 52 weeks
//! earlier (each read from the universe of that date, so "a year ago" sees only what was known
//! then), and two peer tables: the chains nearest in the TVL ranking, and the chains running
//! the same stack. Peers carry their overall verdict and score from the same screen.

use crate::evaluate::{ScreenResult, Status};
use crate::features::{ChainFeatures, Universe, Value};
use serde::Serialize;

/// Chains listed above and below the chain in the nearest-peers table.
pub const NEAREST: usize = 3;
/// Chains listed in the same-stack table (the largest by TVL).
pub const SAME_STACK: usize = 10;

/// Where a chain stood at one date.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Standing {
    /// The as-of date of the universe it was read from.
    pub as_of: String,
    /// Whether the chain was in the universe then (launched and not shut down).
    pub listed: bool,
    pub tvl: Option<f64>,
    pub tvl_date: Option<String>,
    pub rank: Option<i64>,
    /// Chains ranked in that week.
    pub ranked: usize,
    pub share: Option<f64>,
}

/// One row of a peers table.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Peer {
    pub slug: String,
    pub name: String,
    /// The memo's own chain.
    pub this: bool,
    pub stack: Option<String>,
    pub tvl: Option<f64>,
    pub rank: Option<i64>,
    pub share: Option<f64>,
    pub change_52w: Option<f64>,
    pub overall: Option<Status>,
    pub score: Option<f64>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Position {
    pub now: Standing,
    pub year_ago: Standing,
    /// The chains of a window of `2 * NEAREST + 1` ranks around it (shifted to stay whole at
    /// either end of the ranking), the chain included.
    pub nearest: Vec<Peer>,
    /// The chain's stack, and the chains running it (the chain included), largest first.
    pub stack: Option<String>,
    pub same_stack: Vec<Peer>,
    /// How many chains run the stack in all (`same_stack` holds at most `SAME_STACK`).
    pub same_stack_total: usize,
}

fn num(c: &ChainFeatures, field: &str) -> Option<f64> {
    c.get(field).and_then(Value::as_f64)
}

fn int(c: &ChainFeatures, field: &str) -> Option<i64> {
    match c.get(field) {
        Some(Value::Int(i)) => Some(*i),
        _ => None,
    }
}

fn text(c: &ChainFeatures, field: &str) -> Option<String> {
    match c.get(field) {
        Some(Value::Text(s)) => Some(s.clone()),
        _ => None,
    }
}

fn standing(universe: &Universe, slug: &str) -> Standing {
    let chain = universe.chain(slug);
    Standing {
        as_of: universe.as_of.to_string(),
        listed: chain.is_some(),
        tvl: chain.and_then(|c| num(c, "tvl_usd")),
        tvl_date: chain
            .and_then(|c| c.get("tvl_date"))
            .filter(|v| !v.is_missing())
            .map(|v| v.to_string()),
        rank: chain.and_then(|c| int(c, "tvl_rank")),
        ranked: universe
            .chains
            .iter()
            .filter(|c| int(c, "tvl_rank").is_some())
            .count(),
        share: chain.and_then(|c| num(c, "tvl_share")),
    }
}

fn peer(c: &ChainFeatures, this: &str, result: &ScreenResult) -> Peer {
    let judged = result.chain(&c.slug);
    Peer {
        slug: c.slug.clone(),
        name: text(c, "name").unwrap_or_else(|| c.slug.clone()),
        this: c.slug == this,
        stack: text(c, "stack"),
        tvl: num(c, "tvl_usd"),
        rank: int(c, "tvl_rank"),
        share: num(c, "tvl_share"),
        change_52w: num(c, "tvl_change_52w"),
        overall: judged.map(|j| j.overall),
        score: judged.and_then(|j| j.score),
    }
}

pub fn position(
    result: &ScreenResult,
    universe: &Universe,
    year_ago: &Universe,
    slug: &str,
) -> Position {
    let chain = universe.chain(slug);
    let mut ranked: Vec<(&ChainFeatures, i64)> = universe
        .chains
        .iter()
        .filter_map(|c| Some((c, int(c, "tvl_rank")?)))
        .collect();
    ranked.sort_by_key(|(_, rank)| *rank);
    let nearest = match chain.and_then(|c| int(c, "tvl_rank")) {
        Some(rank) => {
            let at = ranked.iter().position(|(_, r)| *r == rank).unwrap_or(0);
            // A full table also at the ends of the ranking.
            let span = 2 * NEAREST + 1;
            let start = at
                .saturating_sub(NEAREST)
                .min(ranked.len().saturating_sub(span));
            ranked[start..(start + span).min(ranked.len())]
                .iter()
                .map(|(c, _)| peer(c, slug, result))
                .collect()
        }
        None => Vec::new(),
    };
    let stack = chain.and_then(|c| text(c, "stack"));
    let mut same: Vec<&ChainFeatures> = universe
        .chains
        .iter()
        .filter(|c| stack.is_some() && text(c, "stack") == stack)
        .collect();
    same.sort_by(|a, b| {
        let tvl = |c: &ChainFeatures| num(c, "tvl_usd").unwrap_or(-1.0);
        tvl(b).total_cmp(&tvl(a)).then_with(|| a.slug.cmp(&b.slug))
    });
    let same_stack_total = same.len();
    // The largest, and the chain itself wherever it ranks.
    let same_stack = same
        .iter()
        .enumerate()
        .filter(|(i, c)| *i < SAME_STACK || c.slug == slug)
        .map(|(_, c)| peer(c, slug, result))
        .collect();
    Position {
        now: standing(universe, slug),
        year_ago: standing(year_ago, slug),
        nearest,
        stack,
        same_stack,
        same_stack_total,
    }
}
