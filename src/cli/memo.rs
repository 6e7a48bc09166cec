//! `moat memo`: investment memos, one per chain and one for the sector, in Markdown (charts as
//! SVG files beside it) and HTML (one self-contained page), from editable templates.
//!
//! ```text
//! moat memo <CHAIN>... | --all | --sector [--as-of DATE] [--out DIR] [--format md|html|both]
//!           [--template DIR] [--data DIR] [--rules DIR]
//! moat memo --write-templates DIR
//! ```
//! Every file is rendered before any is written, and each is written whole (a failed run
//! leaves no partial memo). Exit 0, 1 when a rule ERRORed (the memos are written and say so),
//! 2 for bad usage, rules, data or templates.

use super::Outcome;
use super::args::{AsOfArg, DataArg, RulesArg};
use super::inputs::{as_of, load_both};
use super::output::print;
use crate::evaluate::Status;
use crate::report::files::{Existing, OutFile, write_all};
use crate::report::memo::{self as render, MemoFormat};
use crate::report::template::{self, Templates};
use std::path::PathBuf;

#[derive(Debug, clap::Args)]
#[command(group(
    clap::ArgGroup::new("what")
        .required(true)
        .multiple(true)
        .args(["chains", "all", "sector", "write_templates"])
))]
pub struct MemoArgs {
    /// Chains to write a memo for (slugs, e.g. base arbitrum)
    #[arg(value_name = "CHAIN", conflicts_with = "all")]
    pub chains: Vec<String>,
    /// A memo for every screened chain (an error when no chain is screened at the date)
    #[arg(long)]
    pub all: bool,
    /// The sector memo (`sector.md` / `sector.html`), alone or beside chain memos
    #[arg(long)]
    pub sector: bool,
    #[command(flatten)]
    pub as_of: AsOfArg,
    /// Directory the memos are written into (created when missing); existing memos are replaced
    #[arg(long, value_name = "DIR", default_value = "memos")]
    pub out: PathBuf,
    /// Markdown (charts as SVG files beside it), HTML (one self-contained page), or both
    #[arg(long, value_enum, default_value_t = MemoFormat::Both)]
    pub format: MemoFormat,
    /// Render with the templates in DIR: each file there replaces the built-in template of the same name
    #[arg(long, value_name = "DIR")]
    pub template: Option<PathBuf>,
    /// Write the built-in templates into DIR to edit (nothing is overwritten), and nothing else
    #[arg(long, value_name = "DIR", conflicts_with_all = ["chains", "all", "sector", "template"])]
    pub write_templates: Option<PathBuf>,
    #[command(flatten)]
    pub data: DataArg,
    #[command(flatten)]
    pub rules: RulesArg,
}

pub fn run(args: MemoArgs) -> crate::Result<Outcome> {
    if let Some(dir) = &args.write_templates {
        let written = template::write_defaults(dir)?;
        let mut out = String::new();
        for path in &written {
            out.push_str(&format!("wrote {}\n", path.display()));
        }
        out.push_str(&format!(
            "edit them, then render with `moat memo … --template {}`\n",
            dir.display()
        ));
        print(&out)?;
        return Ok(Outcome::Clean);
    }
    // Templates first: a mistake in them is found before any data is read.
    let templates = Templates::load(args.template.as_deref())?;
    let (ds, pack) = load_both(&args.data, &args.rules)?;
    let date = as_of(&ds, &args.as_of)?;
    let mut chains = args.chains.clone();
    let mut seen = std::collections::BTreeSet::new();
    chains.retain(|c| seen.insert(c.clone()));
    // As `moat memo <chain>` is refused for a chain not screened at the date: a memo of an
    // empty universe (--all, --sector) is a mistake of the date (or the data), not a run that
    // writes nothing, or a sector memo of no chain.
    let nothing_screened = |what: &str| {
        crate::Error::messages(
            &[format!(
                "no chain of dataset {} is screened as of {date} (none had launched by then, or every one had shut down): {what}; give a later --as-of",
                ds.manifest.name
            )],
            "no memo was written",
        )
    };
    let memos = if args.all {
        let memos = crate::memo(&ds, &pack, date, None)?;
        if memos.is_empty() {
            return Err(nothing_screened("--all has no memo to write"));
        }
        memos
    } else if chains.is_empty() {
        Vec::new()
    } else {
        crate::memo(&ds, &pack, date, Some(&chains))?
    };
    let sector = args
        .sector
        .then(|| crate::sector_memo(&ds, &pack, date))
        .transpose()?;
    if sector.as_ref().is_some_and(|s| s.chains == 0) {
        return Err(nothing_screened("a sector memo needs chains to judge"));
    }
    // Render everything before writing anything.
    let mut batches: Vec<Vec<OutFile>> = Vec::new();
    for memo in &memos {
        batches.push(render::chain(memo, &templates, args.format)?);
    }
    if let Some(sector) = &sector {
        batches.push(render::sector(sector, &templates, args.format)?);
    }
    let files: Vec<OutFile> = batches.iter().flatten().cloned().collect();
    write_all(&args.out, &files, Existing::Replace)?;
    let mut out = String::new();
    for batch in &batches {
        out.push_str(&written_line(&args.out, batch));
    }
    print(&out)?;
    let errored = memos
        .iter()
        .flat_map(|m| &m.verdicts)
        .chain(sector.iter().flat_map(|s| &s.verdicts))
        .any(|v| v.status == Status::Error);
    Ok(Outcome::findings_if(errored))
}

/// `wrote memos/base.md, memos/base.html and 3 charts`.
fn written_line(dir: &std::path::Path, batch: &[OutFile]) -> String {
    let mut parts: Vec<String> = batch
        .iter()
        .filter(|f| !f.name.ends_with(".svg"))
        .map(|f| dir.join(&f.name).display().to_string())
        .collect();
    let charts = batch.iter().filter(|f| f.name.ends_with(".svg")).count();
    if charts > 0 {
        parts.push(format!(
            "{charts} chart{}",
            if charts == 1 { "" } else { "s" }
        ));
    }
    format!("wrote {}\n", crate::rules::format::list(&parts))
}
