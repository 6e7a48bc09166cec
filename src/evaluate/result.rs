//! The result of a screen: one scored card per chain, the sector's card, the rules that were
//! applied and the stamps that make a result reproducible. The JSON output contract (stable
//! snake_case names); every report format renders from these values.

use super::verdict::{Status, Verdict};
use crate::rules::RuleInfo;
use serde::{Deserialize, Serialize};

/// What makes a result comparable and re-creatable: printed in every table footer, JSON
/// document and memo header.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Stamps {
    /// The screen's name (screen.toml `name`).
    pub screen: String,
    /// The as-of date, `"YYYY-MM-DD"`: nothing dated later was seen.
    pub as_of: String,
    /// The dataset's vintage (when its sources were observed), `"YYYY-MM-DD"`.
    pub vintage: String,
    /// The dataset's name.
    pub dataset: String,
    /// The newest TVL point seen at `as_of` (the week ranks and shares are taken in), and how
    /// many days before `as_of` it is: how stale the data is. `null` without TVL data.
    pub tvl_newest: Option<String>,
    pub tvl_age_days: Option<i64>,
    /// sha256 (hex) of every row of the dataset that can be seen at `as_of` (rows dated later
    /// cannot change the result, so they do not change the stamp either).
    pub dataset_hash: String,
    /// sha256 (hex) of screen.toml and every rule file.
    pub rule_pack_hash: String,
    /// The score a chain needs to pass, 0..1.
    pub pass_mark: f64,
    /// The moat version that produced the result.
    pub moat_version: String,
}

impl Stamps {
    /// What a memo and a screen must share for the screen to link the memo: the as-of date,
    /// the dataset's content hash and the rule pack's hash.
    pub fn memo_key(&self) -> String {
        format!(
            "{} {} {}",
            self.as_of, self.dataset_hash, self.rule_pack_hash
        )
    }
}

/// The verdict that decided a chain's overall result (`deciding`), so a one-line report can
/// say why.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Deciding {
    pub rule: String,
    pub status: Status,
    pub reason: String,
}

/// One chain's verdicts and score.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ChainResult {
    pub slug: String,
    /// Display name (the `name` field; the slug when missing).
    pub name: String,
    /// `PASS` when every gate passed and the score reaches the pass mark, else `FAIL`.
    pub overall: Status,
    /// Weighted share of PASS among the verdicts that are not SKIP (ERROR counts as not
    /// passing), 0..1; `null` when every verdict is SKIP.
    pub score: Option<f64>,
    /// Ids of gate rules whose verdict is not PASS.
    pub gates_failed: Vec<String>,
    /// Number of ERROR verdicts.
    pub errors: usize,
    /// The verdict that decided `overall`: the first failed gate, else the heaviest verdict
    /// that did not pass (for a FAIL) or that passed (for a PASS).
    pub deciding: Option<Deciding>,
    /// One verdict per chain rule, in rule order (by file name).
    pub verdicts: Vec<Verdict>,
}

/// The sector's verdicts (rules with `scope: sector`), scored like a chain.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SectorResult {
    pub overall: Status,
    pub score: Option<f64>,
    pub gates_failed: Vec<String>,
    pub errors: usize,
    pub verdicts: Vec<Verdict>,
}

/// A whole screen.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ScreenResult {
    pub stamps: Stamps,
    /// The rules applied, in rule order.
    pub rules: Vec<RuleInfo>,
    /// Overall PASS first, then by score (highest first, `null` last), then slug; empty when
    /// the screen applied only sector rules.
    pub chains: Vec<ChainResult>,
    /// `null` when the screen has no sector rule (or none was selected).
    pub sector: Option<SectorResult>,
    /// Chains asked for (`--chains`) that are not in the universe at the as-of date, and why.
    #[serde(default)]
    pub not_screened: Vec<crate::dataset::NotScreened>,
    /// The chains the screen was asked to judge (`--chains`), by slug, each once: those in
    /// `chains` and those in `not_screened`. Absent when no chain was named: every chain of
    /// the universe was judged (and a result saved before this field reads as such).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub chains_asked: Option<Vec<String>>,
}

impl ChainResult {
    /// Its overall, score, failed gates and error count, as a tally.
    pub fn tally(&self) -> super::score::Tally {
        tally_of(self.overall, self.score, &self.gates_failed, self.errors)
    }
}

impl SectorResult {
    /// Its overall, score, failed gates and error count, as a tally.
    pub fn tally(&self) -> super::score::Tally {
        tally_of(self.overall, self.score, &self.gates_failed, self.errors)
    }
}

fn tally_of(
    overall: Status,
    score: Option<f64>,
    gates_failed: &[String],
    errors: usize,
) -> super::score::Tally {
    super::score::Tally {
        overall,
        score,
        gates_failed: gates_failed.to_vec(),
        errors,
    }
}

impl ScreenResult {
    /// Number of ERROR verdicts, chains and sector together (a non-zero count means exit 1).
    pub fn errors(&self) -> usize {
        self.chains.iter().map(|c| c.errors).sum::<usize>()
            + self.sector.as_ref().map_or(0, |s| s.errors)
    }

    pub fn chain(&self, slug: &str) -> Option<&ChainResult> {
        self.chains.iter().find(|c| c.slug == slug)
    }
}
