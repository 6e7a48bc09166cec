//! `moat rules list`: what a rule pack holds, one line per rule, so the weights and gates a
//! screen applies can be read without opening screen.toml and every rule file.
//!
//! ```text
//! moat rules list [--rules DIR] [--format table|json]
//! ```
//! Exit 0, or 2 when the pack does not load.

use super::Outcome;
use super::args::RulesArg;
use super::inputs::load_rules;
use super::output::print;
use crate::report;
use crate::rules::RuleInfo;
use clap::ValueEnum;

#[derive(Debug, clap::Args)]
pub struct ListArgs {
    #[command(flatten)]
    pub rules: RulesArg,
    /// Output format
    #[arg(long, value_enum, default_value_t = ListFormat::Table)]
    pub format: ListFormat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ListFormat {
    Table,
    Json,
}

pub fn run(args: ListArgs) -> crate::Result<Outcome> {
    let pack = load_rules(&args.rules)?;
    let rules: Vec<&RuleInfo> = pack.rules().collect();
    match args.format {
        ListFormat::Json => {
            print(&(serde_json::to_string_pretty(&rules).map_err(anyhow::Error::from)? + "\n"))?
        }
        ListFormat::Table => print(&report::rules_list::table(&pack))?,
    }
    Ok(Outcome::Clean)
}
