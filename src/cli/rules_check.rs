//! `moat rules check`: every problem of a rule pack at once, before a screen runs into them.
//! The rules are compiled and evaluated on every chain of a real dataset (at its vintage), so a
//! misspelt field or parameter is caught even when it sits in a branch the data never takes.
//!
//! ```text
//! moat rules check [--rules DIR] [--data DIR]
//! ```
//! Problems go to stderr, each as `file:line:column: message` with the source line and a caret,
//! then `N problems in DIR/`; exit 2. A clean pack prints `DIR/: N rules, no problems` on stdout
//! and exits 0. A parameter set in screen.toml that its rule never reads is a warning: printed,
//! counted, but the exit code stays 0. A dataset that does not load is reported and exits 2.

use super::args::{DataArg, RulesArg};
use super::output::print;
use super::{EXIT_BAD_INPUT, EXIT_OK};
use crate::rules::check;
use crate::{dataset, locate};

#[derive(Debug, clap::Args)]
pub struct CheckArgs {
    #[command(flatten)]
    pub rules: RulesArg,
    #[command(flatten)]
    pub data: DataArg,
}

pub fn run(args: CheckArgs) -> anyhow::Result<u8> {
    let rules = locate::rules_dir(args.rules.rules.as_deref());
    let data = locate::data_dir(args.data.data.as_deref());
    let ds = match dataset::load(&data) {
        Ok(ds) => ds,
        Err(errors) => {
            eprintln!(
                "{errors}\nerror: the rules in {} were not checked: they are evaluated on the chains of {}, which did not load",
                check::shown_dir(&rules),
                data.display()
            );
            return Ok(EXIT_BAD_INPUT);
        }
    };
    let report = check::check_dir(&rules, &ds)?;
    let mut problems = String::new();
    for p in &report.problems {
        problems.push_str(&format!("{p}\n"));
    }
    if report.errors() > 0 {
        eprintln!("{problems}{}", report.summary());
        return Ok(EXIT_BAD_INPUT);
    }
    eprint!("{problems}");
    print(&format!("{}\n", report.summary()))?;
    Ok(EXIT_OK)
}
