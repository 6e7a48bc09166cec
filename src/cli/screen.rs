//! `moat screen`: every rule on every chain at a date, scored, as a table, JSON, CSV or
//! Markdown.
//!
//! ```text
//! moat screen [--data DIR] [--rules DIR] [--as-of DATE] [--only RULE,..] [--chains SLUG,..]
//!             [--format table|json|csv|markdown] [--threads N]
//! ```
//! Exit 0 when the screen ran, 1 when some rule ERRORed (the other verdicts still stand),
//! 2 for bad usage, rules or data.

use super::args::{DataArg, RulesArg, parse_date};
use super::inputs::{load_dataset, load_rules};
use super::output::{print, use_color};
use super::{EXIT_BAD_INPUT, EXIT_FINDINGS, EXIT_OK};
use crate::evaluate::ScreenOptions;
use crate::features::FeatureOptions;
use crate::report::{self, Format};
use chrono::NaiveDate;

#[derive(Debug, clap::Args)]
pub struct ScreenArgs {
    #[command(flatten)]
    pub data: DataArg,
    #[command(flatten)]
    pub rules: RulesArg,
    /// Screen as of this date (YYYY-MM-DD): only data dated on or before it is seen [default: the dataset's vintage]
    #[arg(long, value_name = "DATE", value_parser = parse_date)]
    pub as_of: Option<NaiveDate>,
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

pub fn run(args: ScreenArgs) -> anyhow::Result<u8> {
    let ds = load_dataset(&args.data)?;
    let pack = load_rules(&args.rules)?;
    let as_of = args.as_of.unwrap_or_else(|| ds.manifest.vintage_date());
    let options = ScreenOptions {
        dataset: ds.manifest.name.clone(),
        vintage: ds.manifest.vintage.clone(),
        chains: args.chains,
        rules: args.only,
        threads: args.threads.map(usize::from),
    };
    let result = match crate::screen(
        &ds,
        &pack,
        as_of,
        &FeatureOptions {
            window_weeks: pack.window_weeks(),
        },
        &options,
    ) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("{}", super::output::render_error(&e));
            return Ok(EXIT_BAD_INPUT);
        }
    };
    print(&report::render(
        &result,
        args.format,
        args.format == Format::Table && use_color(),
    )?)?;
    Ok(if result.errors() > 0 {
        EXIT_FINDINGS
    } else {
        EXIT_OK
    })
}
