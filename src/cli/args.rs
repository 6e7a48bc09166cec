//! The top-level command line: `moat <command>`. Each subcommand's own arguments live in its
//! module, next to the code that runs it.

use super::backtest::BacktestArgs;
use super::completions::CompletionsArgs;
use super::data::DataCommand;
use super::diff::DiffArgs;
use super::explain::ExplainArgs;
use super::memo::MemoArgs;
use super::rules_cmd::RulesCommand;
use super::screen::ScreenArgs;
use chrono::NaiveDate;
use clap::{Parser, Subcommand, ValueEnum};
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
Exit codes: 0 ran; 1 ran, but a rule ERRORed (screen, explain, memo, backtest) or a test case \
failed (rules test); 2 bad usage, rules or data, including the problems `rules check` and `data check` \
find."
)]
pub struct Cli {
    /// When to colour the output: on a terminal (auto; never with NO_COLOR set), always (even in a pipe), or never
    #[arg(long, value_enum, global = true, default_value_t = ColorWhen::Auto, value_name = "WHEN")]
    pub color: ColorWhen,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ColorWhen {
    Auto,
    Always,
    Never,
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
    /// Replay the screen over history: every flip of every verdict, with its reason
    ///
    /// Each date sees exactly what `moat screen --as-of` that date sees. Exits 0, or 1 when
    /// some rule ERRORed at some date, 2 for bad usage, rules or data.
    Backtest(BacktestArgs),
    /// What changed between two screens (as-of dates or saved JSON results)
    Diff(DiffArgs),
    /// Write investment memos: per chain and for the sector, Markdown and HTML, with charts
    ///
    /// Each chain memo carries the verdicts with their reasons and evidence, the chain's
    /// facts and position among peers, its ecosystem, what would change the verdict, charts,
    /// the sources and the stamps. Templates are editable (--write-templates, --template).
    /// Exits 0, or 1 when some rule ERRORed (the memos are written), 2 for bad usage, rules,
    /// data or templates.
    Memo(MemoArgs),
    /// Datasets: check one, show a chain's features, pull fresh data, generate a synthetic one
    Data {
        #[command(subcommand)]
        command: DataCommand,
    },
    /// Print a shell completion script (bash, zsh, fish, elvish, powershell)
    ///
    /// e.g. `moat completions bash > ~/.local/share/bash-completion/completions/moat`, or
    /// `moat completions zsh > "${fpath[1]}/_moat"`.
    Completions(CompletionsArgs),
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

/// `--as-of DATE` and `--allow-future`, shared by every command that judges at a date.
#[derive(Debug, Clone, clap::Args)]
pub struct AsOfArg {
    /// Judge as of this date (YYYY-MM-DD): only data dated on or before it is seen [default: the dataset's vintage]
    #[arg(long, value_name = "DATE", value_parser = DateParser)]
    pub as_of: Option<NaiveDate>,
    /// Allow an as-of date after the dataset's vintage (when its data was retrieved): the
    /// result then judges data that may be stale as if it were current
    #[arg(long)]
    pub allow_future: bool,
}

/// The message for a command-line text that is not a date (exactly `YYYY-MM-DD`), quoted as
/// messages quote a value: a control character written as `<U+001B>`, never dropped.
pub fn not_a_date(s: &str) -> String {
    use crate::dataset::date;
    date::not_a_date(&crate::diagnostics::escaped(s), date::FORM)
}

/// The value parser of every date option (`--as-of`, `--from`, `--to`, `--since`). A function
/// parser's error is quoted by clap with the value as given, and its output drops an escape
/// sequence (`\x1b]0;…\x07`) from a pipe and sends it to a terminal: this one says the whole
/// message, the value escaped as the README says.
#[derive(Clone, Copy, Debug)]
pub struct DateParser;

impl clap::builder::TypedValueParser for DateParser {
    type Value = NaiveDate;

    fn parse_ref(
        &self,
        cmd: &clap::Command,
        arg: Option<&clap::Arg>,
        value: &std::ffi::OsStr,
    ) -> Result<NaiveDate, clap::Error> {
        let text = value.to_string_lossy();
        crate::dataset::date::parse_ymd(&text).ok_or_else(|| {
            let arg = arg.map_or_else(|| "a date".to_string(), |a| format!("'{a}'"));
            clap::Error::raw(
                clap::error::ErrorKind::ValueValidation,
                // As clap ends its own messages (a raw message gets no ending of clap's).
                format!(
                    "invalid value '{}' for {arg}: {}\n\nFor more information, try '--help'.\n",
                    crate::diagnostics::escaped(&text),
                    not_a_date(&text)
                ),
            )
            .with_cmd(cmd)
        })
    }
}
