//! What a pull did, for the user: the chains it updated, the points and observations it
//! added, what it found and did not write (unknown chains, chains a source no longer has,
//! values outside the vocabulary), and how long it took.

use super::plan::Report;
use std::fmt;
use std::time::Duration;

/// How many DefiLlama chains unknown to the dataset are named (largest TVL first).
const UNKNOWN_SHOWN: usize = 10;

#[derive(Clone, Debug, Default)]
pub struct PullSummary {
    pub dataset: String,
    /// UTC, RFC 3339, to the second.
    pub retrieved_at: String,
    pub took: Duration,
    pub requests: usize,
    pub retried: usize,
    /// Slugs with a new point or observation, or added.
    pub chains_updated: Vec<String>,
    pub new_points: usize,
    pub points_range: Option<(chrono::NaiveDate, chrono::NaiveDate)>,
    pub new_observations: usize,
    pub new_chains: Vec<String>,
    /// Source keys added to sources.csv.
    pub sources_added: Vec<String>,
    pub vintage: (String, String),
    /// Repairs of an earlier, interrupted pull; a failed cleanup after the swap.
    pub notes: Vec<String>,
    pub report: Report,
}

fn list(items: &[String]) -> String {
    if items.is_empty() {
        "none".into()
    } else {
        items.join(", ")
    }
}

impl fmt::Display for PullSummary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let r = &self.report;
        for note in &self.notes {
            writeln!(f, "note: {note}")?;
        }
        writeln!(
            f,
            "pulled into {} in {:.1}s: {} requests ({} retried), retrieved {}",
            self.dataset,
            self.took.as_secs_f64(),
            self.requests,
            self.retried,
            self.retrieved_at
        )?;
        writeln!(
            f,
            "chains updated: {} ({})",
            self.chains_updated.len(),
            list(&self.chains_updated)
        )?;
        let range = self
            .points_range
            .map(|(a, b)| format!(", {a} .. {b}"))
            .unwrap_or_default();
        writeln!(f, "new weekly TVL points: {}{range}", self.new_points)?;
        if r.revised_points > 0 {
            writeln!(
                f,
                "  {} points already in the dataset differ from what DefiLlama serves now; kept as they were",
                r.revised_points
            )?;
        }
        writeln!(f, "new observations: {}", self.new_observations)?;
        if !self.new_chains.is_empty() {
            writeln!(
                f,
                "new chains: {} ({})",
                self.new_chains.len(),
                list(&self.new_chains)
            )?;
        }
        writeln!(
            f,
            "unknown chains: {} in L2BEAT, {} in DefiLlama",
            r.unknown_l2beat.len(),
            r.unknown_defillama.len()
        )?;
        if !r.unknown_l2beat.is_empty() {
            writeln!(
                f,
                "  L2BEAT (not added; --add-new adds them): {}",
                list(&r.unknown_l2beat)
            )?;
        }
        for n in &r.not_added {
            writeln!(f, "  not added: {n}")?;
        }
        if !r.unknown_defillama.is_empty() {
            let shown: Vec<String> = r
                .unknown_defillama
                .iter()
                .take(UNKNOWN_SHOWN)
                .map(|(n, _)| n.clone())
                .collect();
            let more = r.unknown_defillama.len().saturating_sub(UNKNOWN_SHOWN);
            let more = if more > 0 {
                format!(" and {more} more")
            } else {
                String::new()
            };
            writeln!(
                f,
                "  DefiLlama (no chain of the dataset has this defillama_name; largest TVL first): {}{more}",
                shown.join(", ")
            )?;
        }
        if !r.gone_defillama.is_empty() || !r.gone_l2beat.is_empty() {
            writeln!(f, "chains the sources no longer have (their data is kept):")?;
            if !r.gone_defillama.is_empty() {
                writeln!(f, "  DefiLlama: {}", list(&r.gone_defillama))?;
            }
            if !r.gone_l2beat.is_empty() {
                writeln!(f, "  L2BEAT: {}", list(&r.gone_l2beat))?;
            }
        }
        if r.upcoming > 0 {
            writeln!(f, "upcoming L2BEAT projects skipped: {}", r.upcoming)?;
        }
        for u in &r.unmapped {
            writeln!(f, "not mapped: {u}")?;
        }
        for d in &r.differs {
            writeln!(f, "differs from chains.csv (kept): {d}")?;
        }
        if r.tvs_read > 0 {
            writeln!(
                f,
                "TVS: read for {} projects, not stored (the format has no dated TVS column)",
                r.tvs_read
            )?;
        }
        if !self.sources_added.is_empty() {
            writeln!(f, "sources added: {}", list(&self.sources_added))?;
        }
        let (old, new) = &self.vintage;
        if old == new {
            writeln!(
                f,
                "vintage: {new} (unchanged: already on or after the retrieval date)"
            )
        } else {
            writeln!(f, "vintage: {old} -> {new}")
        }
    }
}
