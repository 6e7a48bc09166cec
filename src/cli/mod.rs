//! The command line: argument declarations and the glue from each subcommand to the library.
//! Exit codes: 0 ran and produced results; 1 ran but a rule ERRORed or a check failed;
//! 2 bad usage, bad rules or bad data (the message names the file and place).

mod args;
mod data;
mod explain;
mod inputs;
mod output;
mod rules_check;
mod rules_cmd;
mod rules_doc;
mod rules_list;
mod rules_new;
mod rules_test;
mod screen;

pub use args::{Cli, Command};

use clap::Parser;
use std::process::ExitCode;

/// Exit codes shared by every subcommand.
pub const EXIT_OK: u8 = 0;
pub const EXIT_FINDINGS: u8 = 1;
pub const EXIT_BAD_INPUT: u8 = 2;

pub fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            if output::is_broken_pipe(&e) {
                return ExitCode::from(EXIT_OK);
            }
            if e.downcast_ref::<inputs::Reported>().is_some() {
                return ExitCode::from(EXIT_BAD_INPUT);
            }
            eprintln!("{}", output::render_error(&e));
            ExitCode::from(EXIT_BAD_INPUT)
        }
    }
}

pub fn run(cli: Cli) -> anyhow::Result<u8> {
    match cli.command {
        Command::Data { command } => data::run(command),
        Command::Screen(args) => screen::run(args),
        Command::Rules { command } => rules_cmd::run(command),
        Command::Explain(args) => explain::run(args),
    }
}
