//! `moat data show`: one chain's fields at a date, exactly what rules see, as an aligned table
//! (every field of the catalogue in its order, `missing` where the data says nothing, each
//! dated value with its date and source, the ecosystem link facts that touch the chain, then a
//! line per series) or as JSON (the same, where each dated value comes from as `provenance`).

use crate::features::catalog;
use crate::features::{ChainFeatures, Link, Provenance, Universe};
use std::fmt::Write as _;

pub fn table(universe: &Universe, chain: &ChainFeatures) -> anyhow::Result<String> {
    let mut t = String::new();
    let name = chain.get("name").map(|v| v.to_string()).unwrap_or_default();
    let data = &universe.data;
    let _ = writeln!(
        t,
        "{} ({name}) as of {}; dataset {} {} (vintage {}); TVL reference week {}; leadership window {} weeks",
        chain.slug,
        universe.as_of,
        data.name,
        super::short_hash(&data.hash.get()?),
        data.vintage,
        universe.tvl_week.map_or("none".into(), |d| d.to_string()),
        universe.window_weeks,
    );
    let fields = catalog::fields();
    let width = fields.iter().map(|f| f.name.len()).max().unwrap_or(0);
    let rows: Vec<(&str, String, Option<String>)> = fields
        .iter()
        .map(|field| {
            let value = chain
                .get(&field.name)
                .map(|v| v.to_string())
                .unwrap_or_else(|| "missing".into());
            let from = chain.provenance.get(field.name.as_str()).map(observed);
            (field.name.as_str(), value, from)
        })
        .collect();
    // Where each dated value comes from, in a column of its own after the values that have one.
    let values = rows
        .iter()
        .filter(|(_, _, from)| from.is_some())
        .map(|(_, value, _)| value.chars().count())
        .max()
        .unwrap_or(0);
    for (name, value, from) in rows {
        match from {
            Some(from) => {
                let _ = writeln!(t, "  {name:<width$}  {value:<values$}  {from}");
            }
            None => {
                let _ = writeln!(t, "  {name:<width$}  {value}");
            }
        }
    }
    if !chain.links.is_empty() {
        let _ = writeln!(t, "  ecosystem links ({}):", chain.links.len());
        for l in &chain.links {
            let _ = writeln!(t, "    {}", link_line(l));
        }
    }
    for (name, series) in &chain.series {
        if let (Some(first), Some(last)) = (series.first(), series.last()) {
            let _ = writeln!(
                t,
                "  series {name}: {} points, {} .. {}",
                series.len(),
                first.0,
                last.0
            );
        }
    }
    Ok(t)
}

/// Where a dated value comes from: `2025-10-04  page-xpool-eu, flagged WEAK SOURCE` (the
/// observation's date, its source's key, and that source's quality flags when it has any).
fn observed(p: &Provenance) -> String {
    let date = p
        .date
        .map_or_else(|| "undated".to_string(), |d| d.to_string());
    let mut text = format!("{date:<10}  {}", p.source.as_deref().unwrap_or("no source"));
    if !p.flags.is_empty() {
        text.push_str(&format!(", flagged {}", p.flags.join(", ")));
    }
    text
}

/// `2024-01-31 spawned_token  Farcaster (/degen channel) [optimism] → DEGEN [base]; born in
/// base; sources page-paragraph-xyz-2 page-paragraph-xyz-3`
pub fn link_line(l: &Link) -> String {
    let on = |chain: &Option<String>| chain.as_ref().map_or(String::new(), |c| format!(" [{c}]"));
    let mut line = format!(
        "{} {:<14} {}{} → {}{}",
        l.date,
        l.kind,
        l.from_project,
        on(&l.from_chain),
        l.to_project,
        on(&l.to_chain)
    );
    if let Some(e) = &l.ecosystem {
        line.push_str(&format!("; born in {e}"));
    }
    if !l.flags.is_empty() {
        line.push_str(&format!("; {}", l.flags.join(", ")));
    }
    line.push_str(&format!("; sources {}", l.sources.join(" ")));
    line
}

pub fn json(universe: &Universe, chain: &ChainFeatures) -> anyhow::Result<String> {
    let data = &universe.data;
    let json = serde_json::json!({
        "chain": chain.slug,
        "as_of": universe.as_of.to_string(),
        "dataset": data.name,
        "vintage": data.vintage,
        "dataset_hash": data.hash.get()?,
        "window_weeks": universe.window_weeks,
        "tvl_week": universe.tvl_week.map(|d| d.to_string()),
        "fields": chain.fields,
        "provenance": chain.provenance,
        "links": chain.links,
    });
    Ok(serde_json::to_string_pretty(&json)? + "\n")
}
