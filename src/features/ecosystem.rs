//! Ecosystem interconnection, the one candidate moat of the thesis: L3s built on a chain, and
//! projects, tokens and chains that were born in its ecosystem or moved into it. This module
//! counts them at the as-of date and hands the link facts themselves to rules and memos.
//! Counts are counts of what the dataset records (0 when it records nothing), not estimates
//! of the true number.
//!
//! A link is a fact: rows that repeat one (the same kind, reaching the same project on the
//! same chain) count once, dated at the earliest (see `index::link_facts`).
//!
//! Semantics: `l3_count` = universe members with layer `L3` whose `host` is this chain (so an
//! L3 counts only once it exists and while it has not shut down). `links_out` / `links_in` =
//! link facts dated on or before `as_of` whose `from_chain` / `to_chain` is this chain (a
//! link within one chain counts in both). `spawned` = tokens and chains born in this chain's
//! ecosystem: `spawned_token` facts whose token lives here (`to_chain`), and `spawned_chain`
//! facts whose new chain settles here (the `host` of `to_chain`, an L3 born on its L2). The
//! parent project's home chain (`from_chain`, e.g. OP Mainnet for Farcaster, whose contracts
//! live there) is not credited: DEGEN, Degen Chain and Clanker grew in Base's ecosystem.

use super::cut::Cut;
use super::universe::{ChainFeatures, Link};
use super::value::Value;
use crate::dataset::vocabulary::{LAYER_L3, SPAWNED_CHAIN, SPAWNED_TOKEN};
use std::collections::HashMap;

/// Fields produced (besides slug).
#[cfg(test)]
pub const FIELDS: &[&str] = &["l3_count", "links_out", "links_in", "spawned"];

/// The items in first-seen order, each once.
fn unique(items: impl Iterator<Item = String>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for item in items {
        if !out.contains(&item) {
            out.push(item);
        }
    }
    out
}

pub fn fill(cut: &Cut, chains: &mut [ChainFeatures]) {
    let index = cut.index;
    let mut l3: HashMap<&str, i64> = HashMap::new();
    for &i in &cut.members {
        let row = &index.chains[i];
        if row.layer.as_deref() == Some(LAYER_L3)
            && let Some(host) = row.host.as_deref()
        {
            *l3.entry(host).or_default() += 1;
        }
    }
    let host_of = |slug: &str| index.chain(slug).and_then(|i| index.chains[i].host.clone());
    let visible = &index.links[..index.links.partition_point(|l| l.date <= cut.as_of)];
    let links: Vec<Link> = visible
        .iter()
        .map(|f| Link {
            date: f.date,
            kind: f.kind.clone(),
            from_project: f.from_project.clone(),
            from_chain: f.from_chain.clone(),
            to_project: f.to_project.clone(),
            to_chain: f.to_chain.clone(),
            ecosystem: match f.kind.as_str() {
                SPAWNED_TOKEN => f.to_chain.clone(),
                SPAWNED_CHAIN => f.to_chain.as_deref().and_then(host_of),
                _ => None,
            },
            note: f.note.clone(),
            sources: unique(
                f.records
                    .iter()
                    .filter(|r| r.0 <= cut.as_of)
                    .flat_map(|r| r.1.iter().cloned()),
            ),
            flags: unique(
                f.records
                    .iter()
                    .filter(|r| r.0 <= cut.as_of)
                    .flat_map(|r| r.2.iter().map(|f| f.to_string())),
            ),
        })
        .collect();
    // The links of each chain (as either end or as the ecosystem), in date order: found by
    // slug rather than by scanning every link for every chain.
    let mut of_chain: HashMap<&str, Vec<usize>> = HashMap::new();
    for (i, l) in links.iter().enumerate() {
        let ends = [&l.from_chain, &l.to_chain, &l.ecosystem];
        for (k, end) in ends.iter().enumerate() {
            if let Some(slug) = end.as_deref()
                && !ends[..k].iter().any(|e| e.as_deref() == Some(slug))
            {
                of_chain.entry(slug).or_default().push(i);
            }
        }
    }
    for c in chains.iter_mut() {
        let slug = c.slug.as_str();
        let is = |chain: &Option<String>| chain.as_deref() == Some(slug);
        let mine: Vec<Link> = of_chain
            .get(slug)
            .map(|at| at.iter().map(|&i| links[i].clone()).collect())
            .unwrap_or_default();
        let count = |f: &dyn Fn(&Link) -> bool| mine.iter().filter(|l| f(l)).count() as i64;
        let out = count(&|l| is(&l.from_chain));
        let into = count(&|l| is(&l.to_chain));
        let spawned = count(&|l| is(&l.ecosystem));
        c.set("l3_count", Value::Int(l3.get(slug).copied().unwrap_or(0)));
        c.set("links_out", Value::Int(out));
        c.set("links_in", Value::Int(into));
        c.set("spawned", Value::Int(spawned));
        c.links = mine;
    }
}

#[cfg(test)]
mod tests {
    use super::super::fixture::{at, field};
    use crate::features::Value;

    #[test]
    fn l3s_and_links_are_counted_at_the_as_of_date() {
        // Links up to 2024-02-20: alpha->alpha launched_on (2023-10-01), alpha->alpha
        // spawned_token (2023-11-01), (none)->beta launched_on (2023-12-01), alpha->gamma
        // spawned_chain (2024-01-20), eth->beta forked_to (2024-02-15). beta->alpha
        // migrated_to is dated 2024-03-01.
        let u = at("2024-02-20");
        assert_eq!(field(&u, "alpha", "links_out"), Value::Int(3));
        assert_eq!(field(&u, "alpha", "links_in"), Value::Int(2));
        assert_eq!(field(&u, "alpha", "spawned"), Value::Int(2));
        assert_eq!(field(&u, "beta", "links_out"), Value::Int(0));
        assert_eq!(field(&u, "beta", "links_in"), Value::Int(2));
        assert_eq!(field(&u, "gamma", "links_in"), Value::Int(1));
        assert_eq!(field(&u, "zeta", "links_in"), Value::Int(0));
        assert_eq!(field(&u, "zeta", "spawned"), Value::Int(0));
        // gamma (L3 on alpha) is a member from 2024-01-12.
        assert_eq!(field(&u, "alpha", "l3_count"), Value::Int(1));
        assert_eq!(field(&u, "beta", "l3_count"), Value::Int(0));
        assert_eq!(field(&at("2024-01-11"), "alpha", "l3_count"), Value::Int(0));

        let u = at("2024-03-01");
        assert_eq!(field(&u, "beta", "links_out"), Value::Int(1));
        assert_eq!(field(&u, "alpha", "links_in"), Value::Int(3));
    }
}
