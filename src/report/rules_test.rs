//! `moat rules test` as text, in the manner of `cargo test`: a line per case, the failures
//! with expected against got and the evidence, the rules without a case, line coverage, and a
//! closing `N passed, M failed` line that CI reads. Text from rules and cases is shown without
//! what could act on a terminal (`escape::shown`).

use super::escape::{one_line, shown};
use crate::authoring::testing::{CaseResult, Outcome, Report, RuleCoverage, ranges};
use crate::diagnostics::plural;
use std::fmt::Write as _;

/// The text output.
pub fn render(r: &Report) -> String {
    let mut out = String::new();
    let files = r
        .cases
        .iter()
        .map(|c| c.file.as_str())
        .collect::<std::collections::BTreeSet<_>>()
        .len();
    let _ = writeln!(
        out,
        "running {} from {}\n",
        plural(r.cases.len(), "case"),
        plural(files, "file")
    );
    for c in &r.cases {
        let verdict = match c.status {
            Outcome::Ok => "ok",
            Outcome::Failed => "FAILED",
        };
        let _ = writeln!(out, "test {} ... {verdict}", one_line(&c.id()));
    }
    let failures: Vec<&CaseResult> = r
        .cases
        .iter()
        .filter(|c| c.status == Outcome::Failed)
        .collect();
    if !failures.is_empty() {
        out.push_str("\nfailures:\n");
        for c in failures {
            out.push('\n');
            out.push_str(&failure_block(c));
        }
    }
    if !r.rules_without_cases.is_empty() {
        let _ = writeln!(
            out,
            "\nrules without a case: {}",
            r.rules_without_cases.join(", ")
        );
    }
    out.push('\n');
    for cov in &r.coverage {
        out.push_str(&coverage_line(cov));
        out.push('\n');
    }
    let _ = writeln!(
        out,
        "\n{} passed, {} failed",
        r.totals.passed, r.totals.failed
    );
    shown(&out).into_owned()
}

/// One failed case: where it is, what it judged, expected against got, and what the rule read.
pub fn failure_block(c: &CaseResult) -> String {
    let mut b = String::new();
    let _ = writeln!(b, "---- {} ----", one_line(&c.id()));
    let _ = writeln!(b, "case:     {}:{}", c.file, c.line);
    let subject = match (&c.chain, c.synthetic) {
        (Some(slug), false) => format!("chain {slug}"),
        (Some(slug), true) => format!("synthetic chain {slug}"),
        (None, _) => "the sector".to_string(),
    };
    let _ = writeln!(b, "judging:  {subject} as of {}", c.as_of);
    let _ = match &c.reason_contains {
        Some(fragment) => writeln!(
            b,
            "expected: {}, reason containing {fragment:?}",
            c.expected
        ),
        None => writeln!(b, "expected: {}", c.expected),
    };
    let _ = writeln!(b, "got:      {}: {}", c.got, one_line(&c.reason));
    if let Some(hint) = &c.hint {
        let _ = writeln!(b, "hint:     {}", one_line(hint));
    }
    if let Some(at) = &c.location {
        let _ = writeln!(b, "at:       {at}");
    }
    if c.evidence.is_empty() {
        b.push_str("evidence: none\n");
    } else {
        b.push_str("evidence:\n");
        for e in &c.evidence {
            let _ = writeln!(
                b,
                "  {} = {}",
                one_line(&e.field),
                one_line(&e.value.to_string())
            );
        }
    }
    if !c.params.is_empty() {
        b.push_str("params:\n");
        for (name, value) in &c.params {
            let _ = writeln!(b, "  {name} = {value}");
        }
    }
    if !c.output.is_empty() {
        b.push_str("output:\n");
        for line in &c.output {
            let _ = writeln!(b, "  {line}");
        }
    }
    shown(&b).into_owned()
}

/// `coverage: token_existence 31/34 lines; not run: 12, 40-41`
pub fn coverage_line(c: &RuleCoverage) -> String {
    let head = format!(
        "coverage: {} {}/{} lines",
        one_line(&c.rule),
        c.covered,
        c.lines
    );
    if c.broken {
        format!("{head} (the rule does not compile)")
    } else if c.cases == 0 {
        format!("{head} (no case)")
    } else if c.not_run.is_empty() {
        head
    } else {
        format!("{head}; not run: {}", ranges(&c.not_run))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn coverage(cases: usize, lines: usize, not_run: Vec<usize>, broken: bool) -> RuleCoverage {
        RuleCoverage {
            rule: "r".into(),
            file: "rules/r.rhai".into(),
            cases,
            lines,
            covered: lines - not_run.len(),
            not_run,
            broken,
        }
    }

    #[test]
    fn coverage_lines_say_what_was_not_run() {
        assert_eq!(
            coverage_line(&coverage(2, 34, vec![12, 40, 41], false)),
            "coverage: r 31/34 lines; not run: 12, 40-41"
        );
        assert_eq!(
            coverage_line(&coverage(1, 3, vec![], false)),
            "coverage: r 3/3 lines"
        );
        assert_eq!(
            coverage_line(&coverage(0, 3, vec![1, 2, 3], false)),
            "coverage: r 0/3 lines (no case)"
        );
        assert_eq!(
            coverage_line(&coverage(1, 0, vec![], true)),
            "coverage: r 0/0 lines (the rule does not compile)"
        );
    }
}
