//! What a test run found, as typed values (the JSON output; `report::rules_test` renders the
//! text).

use crate::evaluate::{Evidence, Status};
use serde::Serialize;
use std::collections::BTreeMap;

#[derive(Clone, Debug, Serialize)]
pub struct Report {
    /// Every case, in file order (files sorted by name).
    pub cases: Vec<CaseResult>,
    /// Rules of the pack that no case names.
    pub rules_without_cases: Vec<String>,
    /// One entry per rule of the pack, in pack order.
    pub coverage: Vec<RuleCoverage>,
    pub totals: Totals,
}

/// Whether a case gave what it expected.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Outcome {
    Ok,
    Failed,
}

#[derive(Clone, Debug, Serialize)]
pub struct CaseResult {
    pub name: String,
    pub rule: String,
    /// The case file and the line of its `[[case]]`.
    pub file: String,
    pub line: usize,
    /// The chain judged (a synthetic chain's slug); `None` for a sector rule.
    pub chain: Option<String>,
    pub synthetic: bool,
    pub as_of: String,
    pub status: Outcome,
    pub expected: Status,
    pub reason_contains: Option<String>,
    pub got: Status,
    pub reason: String,
    pub hint: Option<String>,
    /// For an ERROR: where in the rule file.
    pub location: Option<String>,
    pub evidence: Vec<Evidence>,
    /// The parameters the rule read, overrides included.
    pub params: BTreeMap<String, serde_json::Value>,
    /// What the rule printed.
    pub output: Vec<String>,
}

impl CaseResult {
    /// `rule::name`, as the case lines and failures name it.
    pub fn id(&self) -> String {
        format!("{}::{}", self.rule, self.name)
    }
}

#[derive(Clone, Debug, Serialize)]
pub struct RuleCoverage {
    pub rule: String,
    pub file: String,
    /// Cases that ran the rule.
    pub cases: usize,
    /// Lines with code in the rule's functions, and how many of them some case executed.
    pub lines: usize,
    pub covered: usize,
    /// The lines no case executed.
    pub not_run: Vec<usize>,
    /// The rule does not compile (it has no lines to cover).
    pub broken: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Totals {
    pub passed: usize,
    pub failed: usize,
}

impl Report {
    pub fn failed(&self) -> bool {
        self.totals.failed > 0
    }
}
