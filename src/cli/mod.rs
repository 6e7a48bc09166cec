//! The command line: argument declarations and the glue from each subcommand to the library.
//! Commands return an [`Outcome`] or the crate's one [`Error`](crate::Error); only `main` turns
//! them into exit codes: 0 ran and produced results; 1 ran but a rule ERRORed or a check
//! failed; 2 bad usage, bad rules or bad data (the message names the file and place).

mod args;
mod backtest;
mod completions;
mod data;
mod data_pull;
mod diff;
mod explain;
mod inputs;
mod memo;
mod output;
mod rules_check;
mod rules_cmd;
mod rules_doc;
mod rules_list;
mod rules_new;
mod rules_test;
mod screen;

pub use args::{Cli, ColorWhen, Command};

use clap::Parser;
use std::process::ExitCode;

/// How a command that ran went.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// Exit 0.
    Clean,
    /// Exit 1: some rule ERRORed, or a check or test failed; every other result stands.
    Findings,
}

impl Outcome {
    pub fn findings_if(found: bool) -> Outcome {
        if found {
            Outcome::Findings
        } else {
            Outcome::Clean
        }
    }
}

pub fn main() -> ExitCode {
    let cli = Cli::parse();
    anstream::ColorChoice::write_global(match cli.color {
        ColorWhen::Auto => anstream::ColorChoice::Auto,
        ColorWhen::Always => anstream::ColorChoice::Always,
        ColorWhen::Never => anstream::ColorChoice::Never,
    });
    match run(cli) {
        Ok(Outcome::Clean) => ExitCode::from(0),
        Ok(Outcome::Findings) => ExitCode::from(1),
        Err(e) if e.is_broken_pipe() => ExitCode::from(0),
        Err(e) => {
            output::eprint(&e.styled());
            ExitCode::from(2)
        }
    }
}

pub fn run(cli: Cli) -> crate::Result<Outcome> {
    match cli.command {
        Command::Data { command } => data::run(command),
        Command::Screen(args) => screen::run(args),
        Command::Rules { command } => rules_cmd::run(command),
        Command::Explain(args) => explain::run(args),
        Command::Memo(args) => memo::run(args),
        Command::Backtest(args) => backtest::run(args),
        Command::Diff(args) => diff::run(args),
        Command::Completions(args) => completions::run(args),
    }
}
