//! `moat rules <check|test|list|new|doc>`: the rule author's workflow. Each subcommand's
//! arguments and glue live in its own module; this file only dispatches.

use super::Outcome;
use super::{rules_check, rules_doc, rules_list, rules_new, rules_test};
use clap::Subcommand;

#[derive(Debug, Subcommand)]
pub enum RulesCommand {
    /// Compile every rule and screen.toml without running a screen; report every problem
    Check(rules_check::CheckArgs),
    /// Run the test cases kept beside the rules (rules/tests/*.toml), with line coverage
    Test(rules_test::TestArgs),
    /// List the rules: id, title, category, weight, gate, scope, file
    List(rules_list::ListArgs),
    /// Write a commented rule skeleton, its screen.toml entry and a test case file
    New(rules_new::NewArgs),
    /// Print the rule API reference (every chain field and helper), or write Rhai definitions
    Doc(rules_doc::DocArgs),
}

pub fn run(command: RulesCommand) -> crate::Result<Outcome> {
    match command {
        RulesCommand::Check(args) => rules_check::run(args),
        RulesCommand::Test(args) => rules_test::run(args),
        RulesCommand::List(args) => rules_list::run(args),
        RulesCommand::New(args) => rules_new::run(args),
        RulesCommand::Doc(args) => rules_doc::run(args),
    }
}
