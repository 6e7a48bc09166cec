//! `moat rules test`: the rule pack's own test cases, kept beside the rules in
//! `<rules>/tests/*.toml`. Rhai has no test runner, so this is one in the spirit of `opa test`:
//! each case names a rule, what it judges (a real chain at a date, a synthetic chain given
//! field by field, or the sector), optional parameter overrides and the verdict it expects,
//! optionally with a fragment of the reason. Cases are checked whole before any runs (`case`,
//! `values`), run against the real dataset (`runner`) on an engine that records the lines each
//! rule executes (`coverage`), and reported as typed values (`report`; `report::rules_test` renders the text).

mod case;
mod coverage;
mod report;
mod runner;
mod values;

pub use case::{Case, KEYS, Subject};
pub use coverage::ranges;
pub use report::{CaseResult, Outcome, Report, RuleCoverage, Totals};
pub use runner::{TESTS_DIR, run};
