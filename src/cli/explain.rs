//! `moat explain`: why one chain got its verdicts, rule by rule.
//!
//! ```text
//! moat explain <chain> [--rule ID] [--as-of DATE] [--data DIR] [--rules DIR] [--format text|json]
//! ```
//! Exit 0, 1 when an explained rule ERRORed, 2 for an unknown chain or rule, an L1 chain, or
//! bad data or rules.

use super::Outcome;
use super::args::{AsOfArg, DataArg, RulesArg};
use super::inputs::{as_of, load_both};
use super::output::print;
use crate::report;
use clap::ValueEnum;

#[derive(Debug, clap::Args)]
pub struct ExplainArgs {
    /// Chain slug, e.g. base, arbitrum, optimism
    pub chain: String,
    /// Explain only this rule (its id); naming a sector rule shows the sector's verdict
    #[arg(long, value_name = "ID")]
    pub rule: Option<String>,
    #[command(flatten)]
    pub as_of: AsOfArg,
    #[command(flatten)]
    pub data: DataArg,
    #[command(flatten)]
    pub rules: RulesArg,
    /// Also search what would flip each verdict: the rule evaluated again with one field it
    /// read changed at a time (numbers up and down to a threshold, each value of a category),
    /// for this chain only
    #[arg(long)]
    pub what_if: bool,
    /// Output format
    #[arg(long, value_enum, default_value_t = ExplainFormat::Text)]
    pub format: ExplainFormat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ExplainFormat {
    /// Readable sections, one per rule
    Text,
    /// The chain's result (verdicts with evidence and parameters), the rules and the stamps
    Json,
}

pub fn run(args: ExplainArgs) -> crate::Result<Outcome> {
    let (ds, pack) = load_both(&args.data, &args.rules)?;
    let date = as_of(&ds, &args.as_of)?;
    let explanation = crate::explain(
        &ds,
        &pack,
        &args.chain,
        date,
        args.rule.as_deref(),
        args.what_if,
    )?;
    match args.format {
        ExplainFormat::Json => print(
            &(serde_json::to_string_pretty(&explanation).map_err(anyhow::Error::from)? + "\n"),
        )?,
        ExplainFormat::Text => print(&report::explain::render(&explanation))?,
    }
    Ok(Outcome::findings_if(explanation.errored()))
}
