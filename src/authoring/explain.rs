//! `moat explain`: why one chain got its verdicts, rule by rule. For each chain rule (or the
//! one named): the verdict and its reason, every value the rule read (the evidence the engine
//! recorded), the parameters it used, what would have to change for a FAIL to pass (when the
//! rule says), and for an ERROR the place in the rule file. A sector rule is explained only
//! when named. The result is a typed value; `report::explain` renders it.

use crate::diagnostics::snippet;
use crate::error::Error;
use crate::evaluate::{self, ChainResult, Stamps, Status, Verdict};
use crate::features::Universe;
use crate::rules::{RuleInfo, RulePack, RuleScope};
use serde::Serialize;
use std::collections::BTreeMap;

/// What `moat explain` shows: the JSON output, and what the text is rendered from.
#[derive(Debug, Serialize)]
pub struct Explanation {
    pub stamps: Stamps,
    /// The chain's result as a screen gives it: `overall`, `score`, `gates_failed` and
    /// `errors` over every chain rule; `verdicts` only those explained.
    pub chain: ChainResult,
    /// The sector's verdict, when `--rule` names a sector rule; else empty.
    pub sector: Vec<Verdict>,
    /// The rules explained, in order.
    pub rules: Vec<RuleInfo>,
    /// Sector rules not explained (they judge the universe, not this chain).
    #[serde(skip)]
    pub other_sector_rules: Vec<String>,
    /// Verdict counts over every chain rule (PASS, FAIL, SKIP, ERROR), for the header.
    #[serde(skip)]
    pub counts: [usize; 4],
    /// What would flip each explained chain verdict (`--what-if`), in verdict order.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub what_if: Option<Vec<super::whatif::WhatIf>>,
    /// For each ERROR verdict's rule: its location as the user reaches the file
    /// (`rules/x.rhai:7:13`) and the source line with a caret under the column.
    #[serde(skip)]
    pub carets: BTreeMap<String, (String, Option<String>)>,
}

impl Explanation {
    /// Whether an explained rule ERRORed (exit 1).
    pub fn errored(&self) -> bool {
        self.chain
            .verdicts
            .iter()
            .chain(&self.sector)
            .any(|v| v.status == Status::Error)
    }
}

/// Explain `chain` (a member of `universe`) with every chain rule of `pack`, or only `rule`;
/// with `what_if`, also search what would flip each verdict.
pub fn explain(
    pack: &RulePack,
    universe: &Universe,
    chain: &str,
    rule: Option<&str>,
    what_if: bool,
) -> Result<Explanation, Error> {
    let only = rule
        .map(|id| {
            pack.rule(id)
                .ok_or_else(|| anyhow::anyhow!("{}", evaluate::unknown_rule(pack, id)))
        })
        .transpose()?;
    let mut result = evaluate::evaluate_chain(pack, universe, chain)?;
    let mut counts = [0; 4];
    for v in &result.verdicts {
        counts[status_index(v.status)] += 1;
    }
    let mut sector = Vec::new();
    if let Some(rule) = only {
        result.verdicts.retain(|v| v.rule == rule.id);
        if rule.scope == RuleScope::Sector {
            sector.push(evaluate::evaluate_rule(pack, universe, &rule.id, None)?);
        }
    }
    let rules: Vec<RuleInfo> = match only {
        Some(rule) => vec![rule.clone()],
        None => pack
            .rules()
            .filter(|r| r.scope == RuleScope::Chain)
            .cloned()
            .collect(),
    };
    let other_sector_rules = match only {
        Some(_) => Vec::new(),
        None => pack
            .rules()
            .filter(|r| r.scope == RuleScope::Sector)
            .map(|r| r.id.clone())
            .collect(),
    };
    let carets = result
        .verdicts
        .iter()
        .chain(&sector)
        .filter_map(|v| Some((v.rule.clone(), caret(pack, v)?)))
        .collect();
    let what_if = what_if
        .then(|| {
            result
                .verdicts
                .iter()
                .map(|v| super::whatif::search(pack, universe, chain, v))
                .chain(
                    sector
                        .iter()
                        .map(|v| Ok(super::whatif::WhatIf::of_sector(v))),
                )
                .collect::<anyhow::Result<Vec<_>>>()
        })
        .transpose()?;
    Ok(Explanation {
        what_if,
        stamps: evaluate::stamps(pack, universe)?,
        chain: result,
        sector,
        rules,
        other_sector_rules,
        counts,
        carets,
    })
}

fn status_index(status: Status) -> usize {
    match status {
        Status::Pass => 0,
        Status::Fail => 1,
        Status::Skip => 2,
        Status::Error => 3,
    }
}

/// An ERROR verdict's place as the user reaches the file, with its source line and a caret.
fn caret(pack: &RulePack, v: &Verdict) -> Option<(String, Option<String>)> {
    let location = v.location.as_deref()?;
    let mut parts = location.rsplitn(3, ':');
    let column: usize = parts.next()?.parse().ok()?;
    let line: usize = parts.next()?.parse().ok()?;
    let file = parts.next()?;
    let text = pack
        .rule(&v.rule)
        .filter(|r| r.file == file && line > 0)
        .and_then(|_| pack.source(&v.rule))
        .and_then(|source| source.lines().nth(line - 1))
        .map(|text| snippet(text, line, column));
    Some((pack.shown(location), text))
}
