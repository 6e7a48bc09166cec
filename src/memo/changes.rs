//! "What would change the verdict": each verdict that holds the chain back (a FAIL or ERROR,
//! and a gate that did not pass, since a skipped gate fails the chain too) with a list of what
//! it needs. Each need says where it comes from, so that needs from several places read as one
//! list: the rule's own hint, the engine's what-if flips (`authoring::whatif`, found by
//! re-evaluating the rule with a field changed: "PASS if tvl_usd >= $100M (now $92.8M,
//! +7.8%)"), or for an ERROR the rule's place to fix. Templates list `needs` whatever their
//! source.

use super::verdicts::RuleVerdict;
use crate::authoring::whatif::WhatIf;
use crate::evaluate::Status;
use serde::Serialize;

/// Where a need comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum NeedSource {
    /// The rule's `fail(reason, hint)`.
    Hint,
    /// The engine's search for a change of the facts the rule read that flips the verdict.
    WhatIf,
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

/// The verdicts that hold the chain back, in rule order, gates first; `what_if` holds the
/// engine's search for the verdicts it was run for.
pub fn changes(verdicts: &[RuleVerdict], what_if: &[WhatIf]) -> Vec<Change> {
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
            needs: needs(v, what_if.iter().find(|w| w.rule == v.rule)),
        })
        .collect();
    out.sort_by_key(|c| !c.gate);
    out
}

/// What one verdict needs: the rule's hint, then what the engine found.
fn needs(v: &RuleVerdict, what_if: Option<&WhatIf>) -> Vec<Need> {
    let mut out = Vec::new();
    if let Some(hint) = &v.hint {
        out.push(Need {
            source: NeedSource::Hint,
            text: hint.clone(),
        });
    }
    // Only a change that makes the rule PASS is worth listing here (a FAIL that would SKIP
    // holds the chain back all the same).
    if let Some(w) = what_if {
        let mut texts = w.sentences(|f| f.status == Status::Pass, "makes it PASS");
        if w.cut_short && w.evaluations > 0 {
            texts.push(format!(
                "the search stopped after {} evaluations, before every field was tried",
                w.evaluations
            ));
        }
        out.extend(texts.into_iter().map(|text| Need {
            source: NeedSource::WhatIf,
            text,
        }));
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
        let found = changes(&verdicts, &[]);
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

#[cfg(test)]
mod what_if_tests {
    use super::*;
    use crate::authoring::whatif::{Condition, Flip};
    use crate::features::Value;

    fn flip(status: Status, field: &str, value: f64, now: f64) -> Flip {
        Flip {
            conditions: vec![Condition {
                field: field.into(),
                op: ">=".into(),
                value: Value::Num(value),
                now: Value::Num(now),
                change: Some(value / now - 1.0),
            }],
            status,
            reason: String::new(),
        }
    }

    fn failing(hint: Option<&str>) -> RuleVerdict {
        RuleVerdict {
            rule: "traction".into(),
            title: "Traction".into(),
            category: "traction".into(),
            why: String::new(),
            weight: 1.0,
            gate: true,
            status: Status::Fail,
            reason: "too little".into(),
            hint: hint.map(String::from),
            location: None,
            evidence: Vec::new(),
        }
    }

    fn search(flips: Vec<Flip>, cut_short: bool) -> WhatIf {
        WhatIf {
            rule: "traction".into(),
            status: Status::Fail,
            flips,
            fields_tried: vec!["tvl_usd".into(), "tvl_rank".into()],
            fields_not_varied: Vec::new(),
            evaluations: 300,
            not_searched: None,
            cut_short,
        }
    }

    fn texts(changes: &[Change]) -> Vec<(NeedSource, String)> {
        changes[0]
            .needs
            .iter()
            .map(|n| (n.source, n.text.clone()))
            .collect()
    }

    /// The engine's flips to PASS follow the rule's hint; a flip to another status is left
    /// out (it would hold the chain back all the same).
    #[test]
    fn the_engine_s_flips_to_pass_follow_the_hint() {
        let w = search(
            vec![
                flip(Status::Skip, "tvl_rank", 200.0, 8.0),
                flip(Status::Pass, "tvl_usd", 100e6, 92.8e6),
            ],
            false,
        );
        let found = changes(&[failing(Some("TVL would have to reach $100M"))], &[w]);
        assert_eq!(
            texts(&found),
            [
                (
                    NeedSource::Hint,
                    "TVL would have to reach $100M".to_string()
                ),
                (
                    NeedSource::WhatIf,
                    "PASS if tvl_usd >= $100M (now $92.8M, +7.8%)".to_string()
                ),
            ]
        );
    }

    /// Without a flip to PASS the memo says which fields were tried, and when the search was
    /// cut short.
    #[test]
    fn no_flip_to_pass_says_what_was_tried() {
        let w = search(vec![flip(Status::Skip, "tvl_rank", 200.0, 8.0)], true);
        let found = changes(&[failing(None)], &[w]);
        assert_eq!(
            texts(&found),
            [
                (
                    NeedSource::WhatIf,
                    "no change of one field it read (tvl_usd, tvl_rank) makes it PASS".to_string()
                ),
                (
                    NeedSource::WhatIf,
                    "the search stopped after 300 evaluations, before every field was tried"
                        .to_string()
                ),
            ]
        );
    }
}
