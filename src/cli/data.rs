//! `moat data check` and `moat data show`.
//!
//! ```text
//! moat data check [--data DIR] [--format text|json]
//! moat data show <chain> [--data DIR] [--rules DIR] [--as-of DATE] [--format table|json]
//! moat data pull [--data DIR] [--source all|defillama|l2beat] [--since DATE] [--add-new] …
//! ```
//! `check` loads and validates every file and summarises what the dataset holds; `show` prints
//! one chain's attributes and every feature at a date, exactly what the pack's rules see (its
//! leadership window included). `pull` fetches fresh data into a dataset (`data_pull`).

use super::Outcome;
use super::args::{DataArg, RulesArg, parse_date};
use super::data_pull::PullArgs;
use super::inputs::{as_of, load_dataset, load_rules};
use super::output::print;
use crate::report;
use chrono::NaiveDate;
use clap::{Subcommand, ValueEnum};

#[derive(Debug, Subcommand)]
pub enum DataCommand {
    /// Load and validate the dataset; summarise chains, files, date ranges and gaps
    ///
    /// Exits 0 when every file is valid, 2 with every problem listed (file:line:column: what
    /// is wrong and what was expected) otherwise.
    Check {
        #[command(flatten)]
        data: DataArg,
        /// Output format
        #[arg(long, value_enum, default_value_t = CheckFormat::Text)]
        format: CheckFormat,
    },
    /// Show one chain's attributes and every feature at a date: what the rules see
    ///
    /// The fields are computed as the rule pack's rules see them (its leadership window from
    /// screen.toml), so they match `moat explain` and `moat screen`.
    Show {
        /// Chain slug, e.g. base, arbitrum, optimism
        chain: String,
        #[command(flatten)]
        data: DataArg,
        #[command(flatten)]
        rules: RulesArg,
        /// Evaluate as of this date (YYYY-MM-DD); only data dated on or before it is used [default: the dataset's vintage]
        #[arg(long, value_name = "DATE", value_parser = parse_date)]
        as_of: Option<NaiveDate>,
        /// Output format
        #[arg(long, value_enum, default_value_t = ShowFormat::Table)]
        format: ShowFormat,
    },
    /// Fetch fresh TVL (DefiLlama) and attributes (L2BEAT) into a dataset, never losing the old one
    ///
    /// The new dataset is built beside the old one, validated as `moat data check` validates,
    /// and swapped in only then; on any failure the dataset is left byte for byte as it was
    /// and the message names the request or step that failed. Never writes into the dataset
    /// shipped with moat unless it is named with --data.
    Pull(PullArgs),
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum CheckFormat {
    Text,
    Json,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum ShowFormat {
    Table,
    Json,
}

pub fn run(command: DataCommand) -> crate::Result<Outcome> {
    match command {
        DataCommand::Check { data, format } => {
            let ds = load_dataset(&data)?;
            let summary = crate::check_dataset(&ds)?;
            match format {
                CheckFormat::Json => print(
                    &(serde_json::to_string_pretty(&summary).map_err(anyhow::Error::from)? + "\n"),
                )?,
                CheckFormat::Text => print(&report::data_check::render(&summary))?,
            }
        }
        DataCommand::Show {
            chain,
            data,
            rules,
            as_of: date,
            format,
        } => {
            let ds = load_dataset(&data)?;
            let pack = load_rules(&rules)?;
            let (universe, i) = crate::chain_features(&ds, &pack, &chain, as_of(&ds, date))?;
            let features = &universe.chains[i];
            match format {
                ShowFormat::Json => print(&report::data_show::json(&universe, features)?)?,
                ShowFormat::Table => print(&report::data_show::table(&universe, features))?,
            }
        }
        DataCommand::Pull(args) => super::data_pull::run(args)?,
    }
    Ok(Outcome::Clean)
}
