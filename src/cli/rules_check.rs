//! `moat rules check`: every problem of a rule pack at once, before a screen runs into them.
//! The rules are compiled and evaluated on every chain of a real dataset (at its vintage), so a
//! misspelt field or parameter is caught even when it sits in a branch the data never takes.
//!
//! ```text
//! moat rules check [--rules DIR] [--data DIR]
//! ```
//! Problems go to stderr as diagnostics (`file:line:column: error: …` with the source line and
//! a caret), then `N problems in DIR/`; exit 2. A clean pack prints `DIR/: N rules, no
//! problems` on stdout and exits 0. A parameter set in screen.toml that its rule never reads is
//! a warning: printed, counted, but the exit code stays 0. A dataset that does not load is
//! reported and exits 2.

use super::Outcome;
use super::args::{DataArg, RulesArg};
use super::inputs::{data_dir, rules_dir};
use super::output::{eprint, print};
use crate::authoring::check;
use crate::diagnostics::Diagnostics;
use crate::error::Error;

#[derive(Debug, clap::Args)]
pub struct CheckArgs {
    #[command(flatten)]
    pub rules: RulesArg,
    #[command(flatten)]
    pub data: DataArg,
}

pub fn run(args: CheckArgs) -> crate::Result<Outcome> {
    let rules = rules_dir(&args.rules)?;
    let data = data_dir(&args.data)?;
    let ds = crate::load_dataset(&data).map_err(|e| match e {
        Error::Problems {
            diagnostics,
            summary,
        } => Error::Problems {
            diagnostics,
            summary: Some(format!(
                "{}\nerror: the rules in {} were not checked: they are evaluated on the chains of {}, which did not load",
                summary.unwrap_or_default(),
                check::shown_dir(&rules),
                data.display()
            )),
        },
        other => other,
    })?;
    let report = check::check_dir(&rules, &ds)?;
    if report.errors() > 0 {
        return Err(Error::problems(
            Diagnostics(report.problems.clone()),
            report.summary(),
        ));
    }
    for warning in &report.problems {
        eprint(&warning.styled());
    }
    print(&format!("{}\n", report.summary()))?;
    Ok(Outcome::Clean)
}
