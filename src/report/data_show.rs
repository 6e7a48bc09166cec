//! `moat data show`: one chain's fields at a date, exactly what rules see, as an aligned table
//! (every field of the catalogue in its order, `missing` where the data says nothing, then a
//! line per series) or as JSON.

use crate::features::catalog;
use crate::features::{ChainFeatures, Universe};
use std::fmt::Write as _;

pub fn table(universe: &Universe, chain: &ChainFeatures) -> String {
    let mut t = String::new();
    let name = chain.get("name").map(|v| v.to_string()).unwrap_or_default();
    let data = &universe.data;
    let _ = writeln!(
        t,
        "{} ({name}) as of {}; dataset {} {} (vintage {}); TVL reference week {}; leadership window {} weeks",
        chain.slug,
        universe.as_of,
        data.name,
        super::short_hash(&data.hash),
        data.vintage,
        universe.tvl_week.map_or("none".into(), |d| d.to_string()),
        universe.window_weeks,
    );
    let fields = catalog::fields();
    let width = fields.iter().map(|f| f.name.len()).max().unwrap_or(0);
    for field in fields {
        let value = chain
            .get(&field.name)
            .map(|v| v.to_string())
            .unwrap_or_else(|| "missing".into());
        let _ = writeln!(t, "  {:<width$}  {value}", field.name);
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
    t
}

pub fn json(universe: &Universe, chain: &ChainFeatures) -> anyhow::Result<String> {
    let data = &universe.data;
    let json = serde_json::json!({
        "chain": chain.slug,
        "as_of": universe.as_of.to_string(),
        "dataset": data.name,
        "vintage": data.vintage,
        "dataset_hash": data.hash,
        "window_weeks": universe.window_weeks,
        "tvl_week": universe.tvl_week.map(|d| d.to_string()),
        "fields": chain.fields,
    });
    Ok(serde_json::to_string_pretty(&json)? + "\n")
}
