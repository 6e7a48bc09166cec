//! CSV: one row per chain × rule (and per sector rule, with `scope` = `sector` and no chain),
//! with the stamps on every row so a file can be concatenated with others. Evidence and
//! parameters are JSON objects in one cell each. A text cell that a spreadsheet would take for
//! a formula gets a `'` in front (`escape::csv_text`); the numbers (`tvl_age_days`, `score`,
//! `weight`) are written as they are.

use super::escape::csv_text;
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

/// The columns holding numbers, never neutralised as text.
const NUMERIC: &[&str] = &["tvl_age_days", "score", "weight"];

/// `record` with every text cell neutralised.
fn neutralised<'a>(
    record: [&'a str; HEADER.len()],
) -> impl Iterator<Item = std::borrow::Cow<'a, str>> {
    record.into_iter().zip(HEADER).map(|(cell, column)| {
        if NUMERIC.contains(column) {
            std::borrow::Cow::Borrowed(cell)
        } else {
            csv_text(cell)
        }
    })
}

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
        w.write_record(
            neutralised([
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
            ])
            .collect::<Vec<_>>()
            .iter()
            .map(|c| c.as_bytes()),
        )?;
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

#[cfg(test)]
mod tests {
    use super::*;

    /// Every text column is neutralised, and the numbers are not (a negative score stays a
    /// number).
    #[test]
    fn text_cells_are_neutralised_and_numbers_are_not() {
        let mut record = [""; HEADER.len()];
        for (i, cell) in record.iter_mut().enumerate() {
            *cell = if NUMERIC.contains(&HEADER[i]) {
                "-1.5"
            } else {
                "=1+1"
            };
        }
        let cells: Vec<_> = neutralised(record).collect();
        for (cell, column) in cells.iter().zip(HEADER) {
            let expected = if NUMERIC.contains(column) {
                "-1.5"
            } else {
                "'=1+1"
            };
            assert_eq!(cell, expected, "{column}");
        }
    }
}
