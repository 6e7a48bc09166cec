//! Which verdict decided a chain's overall result, so a one-line report can say why: the first
//! failed gate; else, when the score missed the pass mark, the heaviest verdict that did not
//! pass; else the heaviest PASS. Ties go to rule order. Part of the result, so every output
//! says the same.

use super::result::{ChainResult, Deciding};
use super::verdict::{Status, Verdict};
use crate::rules::pack::CompiledRule;

pub fn deciding(chain: &ChainResult, rules: &[&CompiledRule]) -> Option<Deciding> {
    deciding_by(chain, |id| {
        rules
            .iter()
            .find(|r| r.info.id == id)
            .map_or(0.0, |r| r.info.weight)
    })
}

/// The same, with each rule's weight given by `weight_of` its id (a saved result's rules).
pub fn deciding_by(chain: &ChainResult, weight_of: impl Fn(&str) -> f64) -> Option<Deciding> {
    let weight = |v: &Verdict| weight_of(&v.rule);
    let verdict = if let Some(gate) = chain.gates_failed.first() {
        chain.verdicts.iter().find(|v| &v.rule == gate)
    } else {
        let wanted = |v: &&Verdict| match chain.overall {
            Status::Pass => v.status == Status::Pass,
            _ => matches!(v.status, Status::Fail | Status::Error),
        };
        let mut best: Option<&Verdict> = None;
        for v in chain.verdicts.iter().filter(wanted) {
            if best.is_none_or(|b| weight(v) > weight(b)) {
                best = Some(v);
            }
        }
        best.or_else(|| chain.verdicts.first())
    }?;
    Some(Deciding {
        rule: verdict.rule.clone(),
        status: verdict.status,
        reason: verdict.reason.clone(),
    })
}
