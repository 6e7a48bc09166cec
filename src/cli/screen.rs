//! `moat screen`: every rule on every chain at a date, scored, as a table, JSON, CSV,
//! Markdown or an HTML page, printed or written to a file.
//!
//! ```text
//! moat screen [--data DIR] [--rules DIR] [--as-of DATE] [--only RULE,..] [--chains SLUG,..]
//!             [--format table|json|csv|markdown|html] [--out FILE] [--template DIR] [--threads N]
//! ```
//! With `--out FILE` the rendering is written to FILE whole (an existing file is replaced only
//! by a complete new one); the HTML page then links the memos (`<slug>.html`, `sector.html`)
//! that are beside FILE. Without it, the rendering goes to stdout (HTML too, without links).
//! Exit 0 when the screen ran, 1 when some rule ERRORed (the other verdicts still stand),
//! 2 for bad usage, rules or data.

use super::Outcome;
use super::args::{AsOfArg, DataArg, RulesArg};
use super::inputs::{as_of, load_both};
use super::output::{eprint, print, terminal_width};
use crate::diagnostics::Diagnostic;
use crate::evaluate::ScreenOptions;
use crate::report::files::write_file;
use crate::report::template::Templates;
use crate::report::{self, Format};
use crate::rules::RuleScope;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

#[derive(Debug, clap::Args)]
pub struct ScreenArgs {
    #[command(flatten)]
    pub data: DataArg,
    #[command(flatten)]
    pub rules: RulesArg,
    #[command(flatten)]
    pub as_of: AsOfArg,
    /// Apply only these rules (comma-separated ids); scores use only them
    #[arg(long, value_name = "RULE,..", value_delimiter = ',')]
    pub only: Option<Vec<String>>,
    /// Judge only these chains (comma-separated slugs); peers are still the whole universe
    #[arg(long, value_name = "SLUG,..", value_delimiter = ',')]
    pub chains: Option<Vec<String>>,
    /// Output format
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
    /// Write the output to FILE instead of stdout (replaced only by a complete new file); an HTML page links the memos beside FILE
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// Render the HTML page with the templates in DIR (as `moat memo --template`)
    #[arg(long, value_name = "DIR")]
    pub template: Option<PathBuf>,
    /// Evaluation threads, 1 to 256 [default: one per core]; the output is identical for any number
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..=256))]
    pub threads: Option<u16>,
}

pub fn run(args: ScreenArgs) -> crate::Result<Outcome> {
    if args.template.is_some() && args.format != Format::Html {
        return Err(anyhow::anyhow!("--template applies to --format html only").into());
    }
    let templates = (args.format == Format::Html)
        .then(|| Templates::load(args.template.as_deref()))
        .transpose()?;
    let (ds, pack) = load_both(&args.data, &args.rules)?;
    let options = ScreenOptions {
        chains: args.chains,
        rules: args.only,
        threads: args.threads.map(usize::from),
        ..Default::default()
    };
    let as_of = as_of(&ds, &args.as_of)?;
    let result = crate::screen(&ds, &pack, as_of, &options)?;
    // An empty universe is a screen all the same (a backtest's early dates are), but at a date
    // asked for it is almost always one too early: said so, with where the data starts.
    let judges_chains = result.rules.iter().any(|r| r.scope == RuleScope::Chain);
    if result.chains.is_empty() && result.chains_asked.is_none() && judges_chains {
        let first = crate::tvl_span(&ds)
            .map(|(first, _)| format!(" (its first TVL point is {first})"))
            .unwrap_or_default();
        let message = format!(
            "no chain of dataset {} is in the universe as of {as_of}: none had launched by then, or every one had shut down{first}; give a later --as-of",
            ds.manifest.name
        );
        eprint(&Diagnostic::file("", message).warning().styled());
    }
    let text = match &templates {
        Some(templates) => {
            let memos = args
                .out
                .as_deref()
                .map(|page| memos_beside(page, &result.stamps.memo_key()))
                .unwrap_or_default();
            report::html::screen(&result, templates, &memos)?
        }
        None => {
            let width = (args.format == Format::Table && args.out.is_none())
                .then(terminal_width)
                .flatten();
            report::render(&result, args.format, width)?
        }
    };
    // A file is no terminal: the table's colours go into it only when asked for.
    let text = if args.out.is_some()
        && args.format == Format::Table
        && anstream::ColorChoice::global() != anstream::ColorChoice::Always
    {
        report::style::plain(&text)
    } else {
        text
    };
    match &args.out {
        Some(path) => {
            write_file(path, &text)?;
            eprint(&format!("wrote {}", path.display()));
        }
        None => print(&text)?,
    }
    let outcome = Outcome::findings_if(result.errors() > 0);
    // The process ends now: freeing the dataset, the rule pack and the result piece by piece
    // would only delay its end (the system takes the memory back whole).
    std::mem::forget((ds, pack, result, text));
    Ok(outcome)
}

/// The HTML files beside `page` (other than itself): the memos it may link to. A memo written
/// for another date, dataset or rule pack (its `moat-memo` meta tag is not `key`) is not
/// linked, and a note on stderr says so; an HTML file without the tag (a memo of an older moat,
/// or of templates that leave it out) is linked as before.
fn memos_beside(page: &Path, key: &str) -> BTreeSet<String> {
    let dir = page
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let own = page.file_name();
    let mut stale = Vec::new();
    let memos = std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .filter(|e| Some(e.file_name().as_os_str()) != own)
        .filter_map(|e| e.file_name().into_string().ok())
        .filter(|name| name.ends_with(".html"))
        .filter(|name| match memo_key(&dir.join(name)) {
            Some(theirs) if theirs != key => {
                stale.push((name.clone(), theirs));
                false
            }
            _ => true,
        })
        .collect();
    stale.sort();
    if let Some((first, theirs)) = stale.first() {
        let more = match stale.len() {
            1 => String::new(),
            n => format!(" and {} more", n - 1),
        };
        let as_of = theirs.split(' ').next().unwrap_or_default();
        eprint(&format!(
            "note: {first}{more} beside the page not linked: written for another date, dataset or rule pack ({first} as of {as_of}); write them again with `moat memo` and the same --as-of, --data and --rules"
        ));
    }
    memos
}

/// The `moat-memo` meta tag of the HTML file at `path`, read from its first few kilobytes (a
/// regular file only: opening a FIFO would wait for a writer).
fn memo_key(path: &Path) -> Option<String> {
    use std::io::Read;
    if !std::fs::metadata(path).ok()?.is_file() {
        return None;
    }
    let mut head = Vec::new();
    std::fs::File::open(path)
        .ok()?
        .take(4096)
        .read_to_end(&mut head)
        .ok()?;
    let head = String::from_utf8_lossy(&head);
    let tag = "<meta name=\"moat-memo\" content=\"";
    let start = head.find(tag)? + tag.len();
    let end = head[start..].find('"')?;
    Some(head[start..start + end].to_string())
}
