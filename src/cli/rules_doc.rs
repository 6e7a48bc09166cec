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

use super::EXIT_OK;
use super::output::print;
use crate::rules;
use anyhow::Context;
use std::io::Write;
use std::path::{Path, PathBuf};

#[derive(Debug, clap::Args)]
pub struct DocArgs {
    /// Write Rhai definition files (*.d.rhai) for editors into DIR (created if missing) instead
    /// of printing the reference
    #[arg(long, value_name = "DIR")]
    pub definitions: Option<PathBuf>,
}

pub fn run(args: DocArgs) -> anyhow::Result<u8> {
    match args.definitions {
        None => print(&rules::reference_markdown())?,
        Some(dir) => {
            let written = write_definitions(&dir)?;
            print(&format!(
                "wrote {} to {}\n",
                written.join(", "),
                dir.display()
            ))?;
        }
    }
    Ok(EXIT_OK)
}

/// Write every definition file into `dir`, each through a temporary file in the same
/// directory renamed over the old one, so an editor never reads half a file. Returns the
/// file names written.
fn write_definitions(dir: &Path) -> anyhow::Result<Vec<&'static str>> {
    std::fs::create_dir_all(dir)
        .with_context(|| format!("cannot create the definitions directory {}", dir.display()))?;
    let mut written = Vec::new();
    for file in rules::api::reference::definition_files() {
        let path = dir.join(file.name);
        let context = || format!("cannot write {}", path.display());
        let prefix = format!(".{}.", file.name);
        let mut builder = tempfile::Builder::new();
        builder.prefix(&prefix);
        // A plain file as the user's umask allows, not the temporary file's owner-only mode.
        #[cfg(unix)]
        builder.permissions(std::os::unix::fs::PermissionsExt::from_mode(0o666));
        let mut tmp = builder.tempfile_in(dir).with_context(context)?;
        tmp.write_all(file.text.as_bytes()).with_context(context)?;
        tmp.as_file().sync_all().with_context(context)?;
        tmp.persist(&path)
            .map_err(|e| e.error)
            .with_context(context)?;
        written.push(file.name);
    }
    Ok(written)
}
