//! `moat rules test`: run the test cases kept beside the rules, with line coverage.
//!
//! ```text
//! moat rules test [--rules DIR] [--data DIR] [--format text|json]
//! ```
//! Exit 0 when every case gives the verdict it expects, 1 when some case does not, 2 for bad
//! rules, bad data or a bad case file (every problem is shown as a diagnostic).

use super::Outcome;
use super::args::{DataArg, RulesArg};
use super::inputs::{load_dataset, rules_dir};
use super::output::print;
use crate::authoring::testing;
use crate::report;

#[derive(Debug, clap::Args)]
pub struct TestArgs {
    #[command(flatten)]
    pub rules: RulesArg,
    #[command(flatten)]
    pub data: DataArg,
    /// Output format
    #[arg(long, value_enum, default_value_t = TestFormat::Text)]
    pub format: TestFormat,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum TestFormat {
    /// A line per case, failures, rules without a case, coverage, `N passed, M failed`
    Text,
    /// Cases, coverage and totals as one JSON document
    Json,
}

pub fn run(args: TestArgs) -> crate::Result<Outcome> {
    // A rule whose code does not compile is a bad rule here, not a rule whose verdicts are
    // ERROR: its cases could only fail, and its problem says why.
    let pack = crate::load_rules(&rules_dir(&args.rules)?)?;
    let broken: Vec<_> = pack.problems().cloned().collect();
    if !broken.is_empty() {
        let n = broken.len();
        return Err(crate::Error::problems(
            broken,
            format!(
                "{} in the rules; no case was run",
                crate::diagnostics::plural(n, "problem")
            ),
        ));
    }
    let ds = load_dataset(&args.data)?;
    let dir = rules_dir(&args.rules)?;
    let report = testing::run(pack, &dir, &ds)?;
    match args.format {
        TestFormat::Text => print(&report::rules_test::render(&report))?,
        TestFormat::Json => {
            print(&(serde_json::to_string_pretty(&report).map_err(anyhow::Error::from)? + "\n"))?
        }
    }
    Ok(Outcome::findings_if(report.failed()))
}
