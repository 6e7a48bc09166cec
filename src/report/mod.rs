//! The report stage: every output moat prints, rendered from typed values. A `ScreenResult` as
//! a terminal table, JSON, CSV, Markdown or an HTML page (`html`); memos through their
//! templates (`memo`, `template`) with their charts (`chart`); an explanation; a chain's
//! features (`data show`); a dataset's summary (`data check`); a rule pack's list; a test run.
//! Nothing here recomputes a verdict or a score, and nothing here sees polars or rhai.
//! Renderings are deterministic strings, printed in one go by the caller or written to files
//! whole (`files`); colour is marked here and kept or dropped by the stream (`style`).

pub mod backtest;
pub mod chart;
mod csv;
pub mod data_check;
pub mod data_show;
pub mod diff;
pub mod escape;
pub mod explain;
pub mod files;
pub mod heatmap;
pub mod html;
mod markdown;
pub mod memo;
pub mod rules_list;
pub mod rules_new;
pub mod rules_test;
pub mod style;
mod table;
pub mod template;

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
    /// One self-contained HTML page: sortable table, verdict colours, sector verdict, stamps
    Html,
}

/// Render a screen. `width` is the terminal's, for the table: its lines then fit it (`None`:
/// whole rows, for pipes and files).
pub fn render(
    result: &ScreenResult,
    format: Format,
    width: Option<usize>,
) -> anyhow::Result<String> {
    Ok(match format {
        Format::Table => table::render(result, width),
        Format::Json => json(result)?,
        Format::Csv => csv::render(result)?,
        Format::Markdown => markdown::render(result),
        Format::Html => html::screen(
            result,
            &template::Templates::builtin()?,
            &Default::default(),
        )?,
    })
}

/// A screen as pretty JSON ending in a newline, in room made for it at once (below).
fn json(result: &ScreenResult) -> anyhow::Result<String> {
    /// More than a verdict takes written out (the shipped screen's take about 1 KB).
    const ROOM_PER_VERDICT: usize = 2048;
    let verdicts = result
        .chains
        .iter()
        .map(|c| c.verdicts.len())
        .sum::<usize>()
        + result.sector.as_ref().map_or(0, |s| s.verdicts.len());
    pretty_json(result, (verdicts + 32).saturating_mul(ROOM_PER_VERDICT))
}

/// `value` as pretty JSON ending in a newline, written into `room` bytes reserved at once:
/// grown from nothing, the buffer of a large output is copied a dozen times on the way, each
/// time into memory the process has not touched yet. The room not written to is never touched,
/// so it costs no memory; where it cannot be had at once, the buffer grows as it would have.
pub fn pretty_json<T: serde::Serialize>(value: &T, room: usize) -> anyhow::Result<String> {
    let mut out = Vec::new();
    let _ = out.try_reserve(room);
    serde_json::to_writer_pretty(&mut out, value)?;
    out.push(b'\n');
    Ok(String::from_utf8(out)?)
}

/// `0.8333` → `0.83`; `None` (every verdict SKIP) → `-`.
pub fn score_text(score: Option<f64>) -> String {
    score.map_or("-".into(), |s| format!("{s:.2}"))
}

/// Counts of overall and per-verdict statuses (the chains' and the sector's), for footers.
pub fn counts_line(result: &ScreenResult) -> String {
    use crate::evaluate::Status;
    let pass = result
        .chains
        .iter()
        .filter(|c| c.overall == Status::Pass)
        .count();
    let mut by_status = [0usize; 4];
    // The sector's verdicts count too: an ERROR of a sector rule is one the exit code counts.
    let sector = result.sector.iter().flat_map(|s| &s.verdicts);
    for v in result.chains.iter().flat_map(|c| &c.verdicts).chain(sector) {
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
    stamps_text(&result.stamps)
}

/// The stamps in one line: `L2 moat screen as of 2026-08-22 | dataset l2 3fa2b1c09e8d
/// (vintage 2026-08-22) | rule pack 1a17f5d5a471 | pass mark 0.60 | moat 0.1.0`.
pub fn stamps_text(s: &crate::evaluate::Stamps) -> String {
    format!(
        "{} as of {} | dataset {} {} (vintage {}) | rule pack {} | pass mark {:.2} | moat {}",
        s.screen,
        s.as_of,
        s.dataset,
        short_hash(&s.dataset_hash),
        s.vintage,
        short_hash(&s.rule_pack_hash),
        s.pass_mark,
        s.moat_version
    )
}

/// How old the data is: `newest TVL point 2026-04-19, 125 days before the as-of date`.
pub fn staleness_text(s: &crate::evaluate::Stamps) -> String {
    match (&s.tvl_newest, s.tvl_age_days) {
        (Some(d), Some(0)) => format!("newest TVL point {d}, the as-of date"),
        (Some(d), Some(1)) => format!("newest TVL point {d}, 1 day before the as-of date"),
        (Some(d), Some(n)) => format!("newest TVL point {d}, {n} days before the as-of date"),
        _ => "no TVL point on or before the as-of date".to_string(),
    }
}

/// The first 12 hex digits of a hash, as stamps show it.
pub fn short_hash(hash: &str) -> &str {
    &hash[..hash.len().min(12)]
}
