//! A verdict: what one rule said about one chain (or the sector), why, and the data behind it.
//! These types are the JSON output contract; field names are stable snake_case.

use crate::features::Value;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt;

/// The outcome of one rule. Serialized as `"PASS"`, `"FAIL"`, `"SKIP"`, `"ERROR"`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum Status {
    Pass,
    Fail,
    /// Not applicable, or not enough data; does not count in the score.
    Skip,
    /// The rule crashed, hit a limit, read an unknown field, used a missing value or returned
    /// something that is not a verdict. Never a PASS or FAIL; counts as not passing.
    Error,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Pass => "PASS",
            Status::Fail => "FAIL",
            Status::Skip => "SKIP",
            Status::Error => "ERROR",
        }
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One value a rule read, recorded by the engine (never typed by the rule author).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Evidence {
    /// A field of the judged chain (`tvl_usd`), a peer's field (`arbitrum.tvl_usd`), or a helper
    /// as it was called (`peers.median("tvl_usd")`, `chain.change("tvl_usd", 13)`).
    pub field: String,
    /// The value read; `null` when missing. Dates are `"YYYY-MM-DD"`.
    pub value: Value,
    /// For a field read from a dated observation: the key of its source in the dataset's
    /// sources table (absent for computed values such as TVL ranks, and for helpers).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// That source's quality flags (`PROXY`, `DOUBTFUL`, `WEAK SOURCE`, `CONFLICT`), so a
    /// reader never takes a weak fact for a firm one; absent when there are none.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub flags: Vec<String>,
}

/// What one rule said about one chain (or about the sector).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Verdict {
    /// The rule's id.
    pub rule: String,
    pub status: Status,
    /// The rule's sentence (PASS/FAIL/SKIP), or the error in plain words (ERROR).
    pub reason: String,
    /// For a FAIL: what would have to change to pass, when the rule says so.
    pub hint: Option<String>,
    /// Every value the rule read, in first-read order, each once.
    pub evidence: Vec<Evidence>,
    /// The parameters the rule read, with their values from screen.toml.
    pub params: BTreeMap<String, serde_json::Value>,
    /// For an ERROR: `file:line:column` in the rule file.
    pub location: Option<String>,
    /// Lines the rule printed with `print`/`debug` (for debugging rules; usually empty).
    pub output: Vec<String>,
}
