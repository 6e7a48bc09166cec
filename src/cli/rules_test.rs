//! `moat rules test`: run the test cases kept beside the rules, with line coverage.
//!
//! ```text
//! moat rules test [--rules DIR] [--data DIR] [--format text|json]
//! ```
//! Exit 0 when every case gives the verdict it expects, 1 when some case does not, 2 for bad
//! rules, bad data or a bad case file (every problem is printed as `file:line:column`).

use super::args::{DataArg, RulesArg};
use super::inputs::load_dataset;
use super::inputs::load_rules;
use super::output::print;
use super::{EXIT_BAD_INPUT, EXIT_FINDINGS, EXIT_OK};
use crate::locate;
use crate::rules::{RuleErrors, testing};

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

pub fn run(args: TestArgs) -> anyhow::Result<u8> {
    let pack = load_rules(&args.rules)?;
    let ds = load_dataset(&args.data)?;
    let dir = locate::rules_dir(args.rules.rules.as_deref());
    let report = match testing::run(pack, &dir, &ds) {
        Ok(r) => r,
        Err(e) => match e.downcast_ref::<RuleErrors>() {
            Some(problems) => {
                eprintln!("{problems}");
                eprintln!("{}", summary(problems));
                return Ok(EXIT_BAD_INPUT);
            }
            None => return Err(e),
        },
    };
    match args.format {
        TestFormat::Text => print(&testing::render_text(&report))?,
        TestFormat::Json => print(&(serde_json::to_string_pretty(&report)? + "\n"))?,
    }
    Ok(if report.failed() {
        EXIT_FINDINGS
    } else {
        EXIT_OK
    })
}

fn summary(problems: &RuleErrors) -> String {
    match problems.0.len() {
        1 => "1 problem in the test cases; no case was run".to_string(),
        n => format!("{n} problems in the test cases; no case was run"),
    }
}
