//! CSV: one row per chain × rule (and per sector rule, with `scope` = `sector` and no chain),
//! with the stamps on every row so a file can be concatenated with others. Evidence and
//! parameters are JSON objects in one cell each.

use crate::evaluate::{Deciding, ScreenResult, Verdict};
use crate::features::Value;

const HEADER: &[&str] = &[
    "as_of",
    "dataset",
    "vintage",
    "dataset_hash",
    "rule_pack_hash",
    "moat_version",
    "tvl_newest",
    "tvl_age_days",
    "scope",
    "chain",
    "name",
    "overall",
    "score",
    "deciding_rule",
    "deciding_reason",
    "rule",
    "weight",
    "gate",
    "status",
    "reason",
    "hint",
    "location",
    "evidence",
    "params",
];

pub fn render(result: &ScreenResult) -> anyhow::Result<String> {
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::Any(b'\n'))
        .from_writer(Vec::new());
    w.write_record(HEADER)?;
    let s = &result.stamps;
    let mut row = |scope: &str,
                   chain: &str,
                   name: &str,
                   overall: &str,
                   score: Option<f64>,
                   deciding: Option<&Deciding>,
                   v: &Verdict|
     -> anyhow::Result<()> {
        let rule = result.rules.iter().find(|r| r.id == v.rule);
        let evidence: serde_json::Map<String, serde_json::Value> = v
            .evidence
            .iter()
            .map(|e| {
                (
                    e.field.clone(),
                    serde_json::to_value(&e.value).unwrap_or(serde_json::Value::Null),
                )
            })
            .collect();
        w.write_record([
            s.as_of.as_str(),
            &s.dataset,
            &s.vintage,
            &s.dataset_hash,
            &s.rule_pack_hash,
            &s.moat_version,
            s.tvl_newest.as_deref().unwrap_or(""),
            &s.tvl_age_days.map_or(String::new(), |n| n.to_string()),
            scope,
            chain,
            name,
            overall,
            &score.map_or(String::new(), |x| x.to_string()),
            deciding.map_or("", |d| d.rule.as_str()),
            deciding.map_or("", |d| d.reason.as_str()),
            &v.rule,
            &rule.map_or(String::new(), |r| Value::Num(r.weight).to_string()),
            &rule.map_or(String::new(), |r| r.gate.to_string()),
            v.status.as_str(),
            &v.reason,
            v.hint.as_deref().unwrap_or(""),
            v.location.as_deref().unwrap_or(""),
            &serde_json::to_string(&evidence)?,
            &serde_json::to_string(&v.params)?,
        ])?;
        Ok(())
    };
    for chain in &result.chains {
        for v in &chain.verdicts {
            row(
                "chain",
                &chain.slug,
                &chain.name,
                chain.overall.as_str(),
                chain.score,
                chain.deciding.as_ref(),
                v,
            )?;
        }
    }
    if let Some(sector) = &result.sector {
        for v in &sector.verdicts {
            row(
                "sector",
                "",
                "",
                sector.overall.as_str(),
                sector.score,
                None,
                v,
            )?;
        }
    }
    Ok(String::from_utf8(w.into_inner()?)?)
}
