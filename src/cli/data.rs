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
use super::args::{AsOfArg, DataArg, RulesArg};
use super::data_pull::PullArgs;
use super::inputs::{as_of, load_both, load_dataset};
use super::output::{eprint, print};
use crate::report;
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
        #[command(flatten)]
        as_of: AsOfArg,
        /// Output format
        #[arg(long, value_enum, default_value_t = ShowFormat::Table)]
        format: ShowFormat,
    },
    /// Generate a synthetic dataset of any size with the shapes of the real one
    ///
    /// Heavy-tailed TVL that moves and churns ranks, stack families, L3s, launches and
    /// shutdowns, dated observations, tokens, links and metrics; the same seed gives the same
    /// bytes. For measuring moat at scale (see the README's performance section).
    Synth {
        /// Number of chains (80% L2, 20% L3)
        #[arg(long, value_name = "N")]
        chains: usize,
        /// Number of weekly TVL points of the history
        #[arg(long, value_name = "W")]
        weeks: usize,
        /// Seed of the generator
        #[arg(long, value_name = "S", default_value_t = 1)]
        seed: u64,
        /// Directory to create (it must not exist)
        #[arg(long, value_name = "DIR")]
        out: std::path::PathBuf,
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
            let ds = match load_dataset(&data) {
                Ok(ds) => ds,
                Err(e) => {
                    // A program reading the JSON gets the problems as JSON too (and people
                    // the text on stderr, as always).
                    if matches!(format, CheckFormat::Json) {
                        print(&problems_json(&e))?;
                    }
                    return Err(e);
                }
            };
            let summary = crate::check_dataset(&ds)?;
            // Warnings on stderr, as `rules check` writes them (and in the JSON, `warnings`).
            if matches!(format, CheckFormat::Text) {
                for w in &ds.manifest.warnings {
                    eprint(&w.diagnostic().warning().styled());
                }
            }
            match format {
                CheckFormat::Json => print(
                    &(serde_json::to_string_pretty(&Valid {
                        valid: true,
                        summary: &summary,
                    })
                    .map_err(anyhow::Error::from)?
                        + "\n"),
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
            let (ds, pack) = load_both(&data, &rules)?;
            let (universe, i) = crate::chain_features(&ds, &pack, &chain, as_of(&ds, &date)?)?;
            let features = &universe.chains[i];
            match format {
                ShowFormat::Json => print(&report::data_show::json(&universe, features)?)?,
                ShowFormat::Table => print(&report::data_show::table(&universe, features)?)?,
            }
        }
        DataCommand::Synth {
            chains,
            weeks,
            seed,
            out,
        } => {
            let w = crate::synth::write(
                crate::synth::Spec {
                    chains,
                    weeks,
                    seed,
                },
                &out,
            )?;
            print(&format!(
                "wrote {}: {} chains, {} TVL points, {} events, {} links, {} metric points\n",
                w.dir.display(),
                w.chains,
                w.tvl_points,
                w.events,
                w.links,
                w.metric_points
            ))?;
        }
        DataCommand::Pull(args) => super::data_pull::run(args)?,
    }
    Ok(Outcome::Clean)
}

/// A valid dataset's summary as `data check --format json` writes it: `"valid": true` first,
/// so a program tells the two documents apart by one field.
#[derive(serde::Serialize)]
struct Valid<'a> {
    valid: bool,
    #[serde(flatten)]
    summary: &'a crate::dataset::Summary,
}

/// The problems of a dataset that did not load, as `data check --format json` writes them:
/// `{"valid": false, "problems": [{file, line, column, message}, …], "summary": "…"}`, `line`
/// and `column` left out for a problem about a whole file, `file` too for one about no file
/// (an error that is not a list of problems is written as one such problem).
fn problems_json(e: &crate::Error) -> String {
    let (problems, summary): (Vec<serde_json::Value>, Option<String>) = match e {
        crate::Error::Problems {
            diagnostics,
            summary,
        } => (
            diagnostics
                .0
                .iter()
                .map(|d| {
                    let mut p = serde_json::Map::new();
                    if !d.file.is_empty() {
                        p.insert("file".into(), d.file.clone().into());
                    }
                    if d.line > 0 {
                        p.insert("line".into(), d.line.into());
                        p.insert("column".into(), d.column.into());
                    }
                    p.insert("message".into(), d.message.clone().into());
                    serde_json::Value::Object(p)
                })
                .collect(),
            summary.clone(),
        ),
        crate::Error::Other(_) => {
            let text = e.to_string();
            let message = text.strip_prefix("error: ").unwrap_or(&text).to_string();
            (
                vec![serde_json::json!({ "message": message })],
                Some("the dataset was not loaded".to_string()),
            )
        }
    };
    let doc = serde_json::json!({ "valid": false, "problems": problems, "summary": summary });
    serde_json::to_string_pretty(&doc).unwrap_or_default() + "\n"
}
