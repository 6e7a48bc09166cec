//! Scoring: a chain's score is the weighted share of PASS among its verdicts that are not SKIP
//! (an ERROR counts as not passing: a broken rule must not flatter a chain), and it passes
//! overall only when every gate is PASS (a skipped or broken gate is not a pass) and the score
//! reaches the pass mark.

use super::verdict::{Status, Verdict};

/// Tolerance for `score >= pass_mark`, so 3/5 meets a pass mark of 0.6 despite rounding.
const EPSILON: f64 = 1e-9;

#[derive(Clone, Debug, PartialEq)]
pub struct Tally {
    pub overall: Status,
    pub score: Option<f64>,
    pub gates_failed: Vec<String>,
    pub errors: usize,
}

/// Score verdicts given each one's rule weight and gate flag.
pub fn tally<'a>(
    verdicts: impl IntoIterator<Item = (&'a Verdict, f64, bool)>,
    pass_mark: f64,
) -> Tally {
    let (mut passed, mut counted, mut errors) = (0.0, 0.0, 0);
    let mut gates_failed = Vec::new();
    for (v, weight, gate) in verdicts {
        if gate && v.status != Status::Pass {
            gates_failed.push(v.rule.clone());
        }
        match v.status {
            Status::Pass => {
                passed += weight;
                counted += weight;
            }
            Status::Fail => counted += weight,
            Status::Error => {
                counted += weight;
                errors += 1;
            }
            Status::Skip => {}
        }
    }
    let score = (counted > 0.0).then(|| passed / counted);
    let pass = gates_failed.is_empty() && score.is_some_and(|s| s + EPSILON >= pass_mark);
    Tally {
        overall: if pass { Status::Pass } else { Status::Fail },
        score,
        gates_failed,
        errors,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    fn v(rule: &str, status: Status) -> Verdict {
        Verdict {
            rule: rule.into(),
            status,
            reason: String::new(),
            hint: None,
            evidence: vec![],
            params: BTreeMap::new(),
            location: None,
            output: vec![],
        }
    }

    #[test]
    fn weighted_share_of_pass_among_non_skip() {
        let vs = [
            v("a", Status::Pass),
            v("b", Status::Fail),
            v("c", Status::Skip),
            v("d", Status::Pass),
        ];
        let t = tally(
            [
                (&vs[0], 2.0, false),
                (&vs[1], 2.0, false),
                (&vs[2], 5.0, false),
                (&vs[3], 1.0, false),
            ],
            0.6,
        );
        assert_eq!(t.score, Some(0.6));
        assert_eq!(t.overall, Status::Pass);
        assert_eq!(t.errors, 0);
    }

    #[test]
    fn error_counts_as_not_passing() {
        let vs = [v("a", Status::Pass), v("b", Status::Error)];
        let t = tally([(&vs[0], 1.0, false), (&vs[1], 1.0, false)], 0.6);
        assert_eq!((t.score, t.overall, t.errors), (Some(0.5), Status::Fail, 1));
    }

    #[test]
    fn every_gate_must_pass_even_with_a_high_score() {
        let vs = [
            v("gate_a", Status::Skip),
            v("b", Status::Pass),
            v("gate_c", Status::Fail),
        ];
        let t = tally(
            [
                (&vs[0], 1.0, true),
                (&vs[1], 5.0, false),
                (&vs[2], 0.1, true),
            ],
            0.5,
        );
        assert_eq!(t.gates_failed, ["gate_a", "gate_c"]);
        assert_eq!(t.overall, Status::Fail);
        assert!((t.score.unwrap() - 5.0 / 5.1).abs() < 1e-12);
    }

    #[test]
    fn all_skip_has_no_score_and_fails() {
        let vs = [v("a", Status::Skip)];
        let t = tally([(&vs[0], 1.0, false)], 0.0);
        assert_eq!((t.score, t.overall), (None, Status::Fail));
    }
}
