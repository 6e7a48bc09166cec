//! Which verdict decided a chain's overall result, so a one-line report can say why: the first
//! failed gate; else, when the score missed the pass mark, the heaviest verdict that did not
//! pass; else the heaviest PASS. Ties go to rule order.

use crate::evaluate::{ChainResult, Status, Verdict};
use crate::rules::RuleInfo;

pub fn deciding_verdict<'a>(chain: &'a ChainResult, rules: &[RuleInfo]) -> Option<&'a Verdict> {
    let weight = |v: &Verdict| {
        rules
            .iter()
            .find(|r| r.id == v.rule)
            .map_or(0.0, |r| r.weight)
    };
    if let Some(gate) = chain.gates_failed.first() {
        return chain.verdicts.iter().find(|v| &v.rule == gate);
    }
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
}
