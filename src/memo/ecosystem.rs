//! "Ecosystem": the link facts into and out of a chain as a dated list (on Base: Farcaster →
//! DEGEN → Degen Chain → Clanker), each with which way it points for this chain, and the L3s
//! it hosts. The facts are the feature stage's (`ChainFeatures::links`, counted once and
//! credited where the born thing lives); the memo only orders and words them.

use crate::features::{ChainFeatures, Link, Universe, Value};
use serde::Serialize;

/// One link fact, seen from the memo's chain.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct LinkRow {
    pub date: String,
    pub kind: String,
    /// The kind in words: `spawned a token`, `launched on`, `forked to`, ….
    pub verb: String,
    pub from_project: String,
    pub from_chain: Option<String>,
    pub to_project: String,
    pub to_chain: Option<String>,
    /// `born here` (a token or chain credited to this chain's ecosystem), `out` (from a
    /// project at home here), `in` (arriving here), `within` (both ends here), or `touches`.
    pub direction: String,
    pub note: Option<String>,
    pub sources: Vec<String>,
    pub flags: Vec<String>,
}

/// An L3 that settles on the chain.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct HostedL3 {
    pub slug: String,
    pub name: String,
    pub tvl: Option<f64>,
    pub launch_date: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Ecosystem {
    /// Oldest first.
    pub links: Vec<LinkRow>,
    /// Largest TVL first.
    pub l3s: Vec<HostedL3>,
    /// The feature stage's counts (`spawned`, `links_out`, `links_in`, `l3_count`).
    pub spawned: Option<i64>,
    pub links_out: Option<i64>,
    pub links_in: Option<i64>,
}

fn int(c: &ChainFeatures, field: &str) -> Option<i64> {
    match c.get(field) {
        Some(Value::Int(i)) => Some(*i),
        _ => None,
    }
}

fn verb(kind: &str) -> String {
    match kind {
        "launched_on" => "launched".into(),
        "spawned_token" => "spawned the token".into(),
        "spawned_chain" => "spawned the chain".into(),
        "forked_to" => "was forked as".into(),
        "migrated_to" => "migrated to".into(),
        "integrated" => "integrated with".into(),
        "acquired" => "acquired".into(),
        other => other.replace('_', " "),
    }
}

fn row(link: &Link, slug: &str) -> LinkRow {
    let here = |c: &Option<String>| c.as_deref() == Some(slug);
    let direction = if link.ecosystem.as_deref() == Some(slug) {
        "born here"
    } else if here(&link.from_chain) && here(&link.to_chain) {
        "within"
    } else if here(&link.from_chain) {
        "out"
    } else if here(&link.to_chain) {
        "in"
    } else {
        "touches"
    };
    LinkRow {
        date: link.date.to_string(),
        kind: link.kind.clone(),
        verb: verb(&link.kind),
        from_project: link.from_project.clone(),
        from_chain: link.from_chain.clone(),
        to_project: link.to_project.clone(),
        to_chain: link.to_chain.clone(),
        direction: direction.to_string(),
        note: link.note.clone(),
        sources: link.sources.clone(),
        flags: link.flags.clone(),
    }
}

pub fn ecosystem(universe: &Universe, chain: &ChainFeatures) -> Ecosystem {
    let mut l3s: Vec<HostedL3> = universe
        .chains
        .iter()
        .filter(|c| {
            c.get("layer") == Some(&Value::Text("L3".into()))
                && c.get("host") == Some(&Value::Text(chain.slug.clone()))
        })
        .map(|c| HostedL3 {
            slug: c.slug.clone(),
            name: match c.get("name") {
                Some(Value::Text(n)) => n.clone(),
                _ => c.slug.clone(),
            },
            tvl: c.get("tvl_usd").and_then(Value::as_f64),
            launch_date: c
                .get("launch_date")
                .filter(|v| !v.is_missing())
                .map(|v| v.to_string()),
        })
        .collect();
    l3s.sort_by(|a, b| {
        let tvl = |l: &HostedL3| l.tvl.unwrap_or(-1.0);
        tvl(b).total_cmp(&tvl(a)).then_with(|| a.slug.cmp(&b.slug))
    });
    Ecosystem {
        links: chain.links.iter().map(|l| row(l, &chain.slug)).collect(),
        l3s,
        spawned: int(chain, "spawned"),
        links_out: int(chain, "links_out"),
        links_in: int(chain, "links_in"),
    }
}
