//! The report stage: a `ScreenResult` rendered as a terminal table, JSON, CSV or Markdown.
//! Every format renders the same typed values; nothing here recomputes a verdict or a score,
//! and nothing here sees polars or rhai. Renderings are deterministic strings, written in one
//! go by the caller.

mod csv;
mod deciding;
mod markdown;
mod table;

pub use deciding::deciding_verdict;

use crate::evaluate::ScreenResult;

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Aligned columns for a terminal (coloured only on a terminal, never with NO_COLOR)
    Table,
    /// Every verdict with reason, evidence, parameters and the stamps
    Json,
    /// One row per chain × rule
    Csv,
    /// A Markdown table for documents and pull requests
    Markdown,
}

pub fn render(result: &ScreenResult, format: Format, color: bool) -> anyhow::Result<String> {
    Ok(match format {
        Format::Table => table::render(result, color),
        Format::Json => serde_json::to_string_pretty(result)? + "\n",
        Format::Csv => csv::render(result)?,
        Format::Markdown => markdown::render(result),
    })
}

/// `0.8333` → `0.83`; `None` (every verdict SKIP) → `-`.
pub fn score_text(score: Option<f64>) -> String {
    score.map_or("-".into(), |s| format!("{s:.2}"))
}

/// Counts of overall and per-verdict statuses, for footers.
pub fn counts_line(result: &ScreenResult) -> String {
    use crate::evaluate::Status;
    let pass = result
        .chains
        .iter()
        .filter(|c| c.overall == Status::Pass)
        .count();
    let mut by_status = [0usize; 4];
    for v in result.chains.iter().flat_map(|c| &c.verdicts) {
        by_status[match v.status {
            Status::Pass => 0,
            Status::Fail => 1,
            Status::Skip => 2,
            Status::Error => 3,
        }] += 1;
    }
    let n = result.chains.len();
    format!(
        "{n} {}: {pass} PASS, {} FAIL; verdicts: {} PASS, {} FAIL, {} SKIP, {} ERROR",
        if n == 1 { "chain" } else { "chains" },
        result.chains.len() - pass,
        by_status[0],
        by_status[1],
        by_status[2],
        by_status[3]
    )
}

/// The stamps line shared by the table footer and the Markdown report.
pub fn stamps_line(result: &ScreenResult) -> String {
    let s = &result.stamps;
    format!(
        "{} as of {} | dataset {} (vintage {}) | rule pack {} | pass mark {:.2}",
        s.screen,
        s.as_of,
        s.dataset,
        s.vintage,
        &s.rule_pack_hash[..s.rule_pack_hash.len().min(12)],
        s.pass_mark
    )
}
