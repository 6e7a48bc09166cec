//! `moat rules doc`: the rule API reference (`rules::api::reference`) rendered for authors, as
//! Markdown (what the command prints and the README embeds) and as Rhai definition files for
//! editors running the Rhai language server.

mod definitions;
#[cfg(test)]
mod tests;

pub use definitions::{DefinitionFile, definition_files};

use crate::rules::api::reference::{FIELDS_AFTER, REFERENCE};
use anyhow::Context;
use std::io::Write;
use std::path::Path;

/// The reference as Markdown (what `moat rules doc` prints and the README embeds): every
/// section above, with the chain fields of the feature catalog after the `chain` section.
pub fn markdown() -> String {
    let mut out = String::new();
    for s in REFERENCE {
        out.push_str(&format!(
            "### {}\n\n{}\n\n| expression | returns | meaning |\n|---|---|---|\n",
            s.title, s.intro
        ));
        for h in s.helpers {
            out.push_str(&format!(
                "| `{}` | {} | {} |\n",
                cell(h.signature),
                cell(h.returns),
                cell(h.doc)
            ));
        }
        out.push('\n');
        if s.title == FIELDS_AFTER {
            out.push_str(&fields_markdown());
        }
    }
    out.truncate(out.trim_end().len());
    out.push('\n');
    out
}

fn fields_markdown() -> String {
    let mut out = String::from(
        "### chain fields\n\nRead as `chain.<field>`, and the same on each member of `peers.chains`; `()` when the data says nothing.\n\n| field | type | meaning |\n|---|---|---|\n",
    );
    for f in crate::features::catalog::fields() {
        out.push_str(&format!(
            "| `{}` | {} | {} |\n",
            f.name,
            f.kind.rhai_name(),
            cell(&f.meaning)
        ));
    }
    out.push('\n');
    out
}

/// Escape what would break a Markdown table cell.
fn cell(text: &str) -> String {
    text.replace('|', "\\|")
}

/// Write every definition file into `dir`, each through a temporary file in the same
/// directory renamed over the old one, so an editor never reads half a file. Returns the
/// file names written.
pub fn write_definitions(dir: &Path) -> anyhow::Result<Vec<&'static str>> {
    std::fs::create_dir_all(dir)
        .with_context(|| format!("cannot create the definitions directory {}", dir.display()))?;
    let mut written = Vec::new();
    for file in definition_files() {
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
