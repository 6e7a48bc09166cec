//! `moat rules doc`: the rule API reference, generated from the engine itself.
//!
//! ```text
//! moat rules doc                        # Markdown on stdout (the README's "Rule API reference")
//! moat rules doc --definitions DIR      # Rhai definition files for the Rhai language server
//! ```
//! The Markdown lists the entry functions, every chain field (type and meaning, from the
//! feature catalog), every helper (signature, return, meaning) and every return form. The
//! definition files (`moat.d.rhai`, `std.d.rhai`) give editors completion and hover help; they
//! are written atomically, one file at a time, and nothing else in DIR is touched.

use super::Outcome;
use super::output::print;
use crate::authoring::doc;
use std::path::PathBuf;

#[derive(Debug, clap::Args)]
pub struct DocArgs {
    /// Write Rhai definition files (*.d.rhai) for editors into DIR (created if missing) instead
    /// of printing the reference
    #[arg(long, value_name = "DIR")]
    pub definitions: Option<PathBuf>,
}

pub fn run(args: DocArgs) -> crate::Result<Outcome> {
    match args.definitions {
        None => print(&doc::markdown())?,
        Some(dir) => {
            let written = doc::write_definitions(&dir)?;
            print(&format!(
                "wrote {} to {}\n",
                written.join(", "),
                dir.display()
            ))?;
        }
    }
    Ok(Outcome::Clean)
}
