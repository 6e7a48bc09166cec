//! "What would change the verdict": each verdict that holds the chain back (a FAIL or ERROR,
//! and a gate that did not pass, since a skipped gate fails the chain too) with a list of what
//! it needs. Each need says where it comes from, so that needs from several places read as one
//! list: today the rule's own hint, or for an ERROR the rule's place to fix. The engine's
//! what-if flips (`authoring::whatif`, found by re-evaluating the rule with a field changed)
//! are one more kind of need added in [`needs`], and nothing else changes: templates list
//! `needs` whatever their source.

use super::verdicts::RuleVerdict;
use crate::evaluate::Status;
use serde::Serialize;

/// Where a need comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum NeedSource {
    /// The rule's `fail(reason, hint)`.
    Hint,
    /// The rule broke: it must be fixed before it can judge.
    Error,
    /// A gate skipped for want of data: the data must be there.
    Data,
}

/// One thing that would change the verdict.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Need {
    pub source: NeedSource,
    pub text: String,
}

/// A verdict that holds the chain back, and what would change it.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Change {
    pub rule: String,
    pub title: String,
    pub gate: bool,
    pub weight: f64,
    pub status: Status,
    pub reason: String,
    /// Empty when nothing says what it needs (a FAIL without a hint).
    pub needs: Vec<Need>,
}

/// The verdicts that hold the chain back, in rule order, gates first.
pub fn changes(verdicts: &[RuleVerdict]) -> Vec<Change> {
    let mut out: Vec<Change> = verdicts
        .iter()
        .filter(|v| match v.status {
            Status::Fail | Status::Error => true,
            Status::Skip => v.gate,
            Status::Pass => false,
        })
        .map(|v| Change {
            rule: v.rule.clone(),
            title: v.title.clone(),
            gate: v.gate,
            weight: v.weight,
            status: v.status,
            reason: v.reason.clone(),
            needs: needs(v),
        })
        .collect();
    out.sort_by_key(|c| !c.gate);
    out
}

/// What one verdict needs. The place where what-if flips join the list.
fn needs(v: &RuleVerdict) -> Vec<Need> {
    let mut out = Vec::new();
    if let Some(hint) = &v.hint {
        out.push(Need {
            source: NeedSource::Hint,
            text: hint.clone(),
        });
    }
    match v.status {
        Status::Error => out.push(Need {
            source: NeedSource::Error,
            text: match &v.location {
                Some(at) => format!("the rule must be fixed at {at}"),
                None => "the rule must be fixed".to_string(),
            },
        }),
        Status::Skip => out.push(Need {
            source: NeedSource::Data,
            text: "the data the gate needs (see its reason)".to_string(),
        }),
        Status::Pass | Status::Fail => {}
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn verdict(rule: &str, gate: bool, status: Status, hint: Option<&str>) -> RuleVerdict {
        RuleVerdict {
            rule: rule.into(),
            title: rule.into(),
            category: "c".into(),
            why: String::new(),
            weight: 1.0,
            gate,
            status,
            reason: format!("{rule} reason"),
            hint: hint.map(String::from),
            location: (status == Status::Error).then(|| "r.rhai:3:7".to_string()),
            evidence: Vec::new(),
        }
    }

    #[test]
    fn what_holds_a_chain_back_gates_first() {
        let verdicts = [
            verdict("passes", true, Status::Pass, None),
            verdict("fails", false, Status::Fail, Some("more TVL")),
            verdict("skipped", false, Status::Skip, None),
            verdict("broken", false, Status::Error, None),
            verdict("skipped_gate", true, Status::Skip, None),
            verdict("silent", false, Status::Fail, None),
        ];
        let found = changes(&verdicts);
        let listed: Vec<(&str, Vec<(NeedSource, &str)>)> = found
            .iter()
            .map(|c| {
                let needs = c
                    .needs
                    .iter()
                    .map(|n| (n.source, n.text.as_str()))
                    .collect();
                (c.rule.as_str(), needs)
            })
            .collect();
        assert_eq!(
            listed,
            vec![
                (
                    "skipped_gate",
                    vec![(NeedSource::Data, "the data the gate needs (see its reason)")]
                ),
                ("fails", vec![(NeedSource::Hint, "more TVL")]),
                (
                    "broken",
                    vec![(NeedSource::Error, "the rule must be fixed at r.rhai:3:7")]
                ),
                ("silent", vec![]),
            ]
        );
    }
}
