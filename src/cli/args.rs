//! The top-level command line: `moat <command>`. Each subcommand's own arguments live in its
//! module, next to the code that runs it.

use super::data::DataCommand;
use super::explain::ExplainArgs;
use super::rules_cmd::RulesCommand;
use super::screen::ScreenArgs;
use chrono::NaiveDate;
use clap::{Parser, Subcommand};
use std::path::PathBuf;

#[derive(Debug, Parser)]
#[command(
    name = "moat",
    version,
    about = "Screen Ethereum L2 networks for investment moats with rules you can read, test and change",
    long_about = "moat loads chain metrics (attributes, weekly TVL, dated events, ecosystem links) and runs \
screening rules written in Rhai against every chain, answering PASS, FAIL, SKIP or ERROR with reasons \
and the evidence behind them.\n\n\
Defaults: the dataset is --data, else $MOAT_DATA, else ./datasets/l2, else the dataset shipped \
with moat; the rules are --rules, else $MOAT_RULES, else ./rules, else the shipped rule pack.\n\n\
Exit codes: 0 ran; 1 ran but a rule ERRORed or a check failed; 2 bad usage, rules or data."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Screen every chain with every rule at a date: verdicts, reasons, scores
    ///
    /// Exits 0 when the screen ran, 1 when some rule ERRORed (every other verdict still
    /// stands), 2 for bad usage, rules or data.
    Screen(ScreenArgs),
    /// Write, check, test, list and document screening rules
    Rules {
        #[command(subcommand)]
        command: RulesCommand,
    },
    /// Explain one chain's verdicts: reasons, every field read, parameters, what would pass
    Explain(ExplainArgs),
    /// Check a dataset or show one chain's features
    Data {
        #[command(subcommand)]
        command: DataCommand,
    },
}

/// `--data DIR`, shared by every command that reads a dataset.
#[derive(Debug, Clone, clap::Args)]
pub struct DataArg {
    /// Dataset directory holding dataset.toml [default: $MOAT_DATA, ./datasets/l2, or the shipped dataset]
    #[arg(long, value_name = "DIR")]
    pub data: Option<PathBuf>,
}

/// `--rules DIR`, shared by every command that reads a rule pack.
#[derive(Debug, Clone, clap::Args)]
pub struct RulesArg {
    /// Rule directory holding screen.toml and *.rhai [default: $MOAT_RULES, ./rules, or the shipped rule pack]
    #[arg(long, value_name = "DIR")]
    pub rules: Option<PathBuf>,
}

/// Parse an as-of date; clap shows the message with the argument name.
pub fn parse_date(s: &str) -> Result<NaiveDate, String> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .map_err(|_| format!("\"{s}\" is not a date: expected YYYY-MM-DD, e.g. 2024-12-15"))
}
