//! `moat completions <shell>`: a completion script for the shell, generated from the command
//! line's own declaration (clap_complete), so it always matches the flags that exist.

use super::Outcome;
use super::args::Cli;
use super::output::print;
use clap::CommandFactory;
use clap_complete::Shell;

#[derive(Debug, clap::Args)]
pub struct CompletionsArgs {
    /// The shell to complete for
    pub shell: Shell,
}

pub fn run(args: CompletionsArgs) -> crate::Result<Outcome> {
    let mut script = Vec::new();
    clap_complete::generate(args.shell, &mut Cli::command(), "moat", &mut script);
    print(&String::from_utf8_lossy(&script))?;
    Ok(Outcome::Clean)
}
