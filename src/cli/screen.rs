//! `moat screen`: every rule on every chain at a date, scored, as a table, JSON, CSV or
//! Markdown.
//!
//! ```text
//! moat screen [--data DIR] [--rules DIR] [--as-of DATE] [--only RULE,..] [--chains SLUG,..]
//!             [--format table|json|csv|markdown] [--threads N]
//! ```
//! Exit 0 when the screen ran, 1 when some rule ERRORed (the other verdicts still stand),
//! 2 for bad usage, rules or data.

use super::Outcome;
use super::args::{AsOfArg, DataArg, RulesArg};
use super::inputs::{as_of, load_dataset, load_rules};
use super::output::{print, terminal_width};
use crate::evaluate::ScreenOptions;
use crate::report::{self, Format};

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
    /// Evaluation threads [default: one per core]; the output is identical for any number
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..))]
    pub threads: Option<u16>,
}

pub fn run(args: ScreenArgs) -> crate::Result<Outcome> {
    let ds = load_dataset(&args.data)?;
    let pack = load_rules(&args.rules)?;
    let options = ScreenOptions {
        chains: args.chains,
        rules: args.only,
        threads: args.threads.map(usize::from),
    };
    let result = crate::screen(&ds, &pack, as_of(&ds, &args.as_of)?, &options)?;
    let width = (args.format == Format::Table)
        .then(terminal_width)
        .flatten();
    print(&report::render(&result, args.format, width)?)?;
    Ok(Outcome::findings_if(result.errors() > 0))
}
