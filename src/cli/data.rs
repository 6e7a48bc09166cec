//! `moat data check` and `moat data show`.
//!
//! ```text
//! moat data check [--data DIR] [--format text|json]
//! moat data show <chain> [--data DIR] [--as-of DATE] [--window-weeks N] [--format table|json]
//! ```
//! `check` loads and validates every file and summarises what the dataset holds; `show` prints
//! one chain's attributes and every feature at a date, exactly what rules see.

use super::EXIT_OK;
use super::args::{DataArg, parse_date};
use super::inputs::load_dataset;
use super::output::print;
use crate::dataset::{self, Summary};
use crate::features::catalog;
use crate::features::{self, FeatureOptions};
use anyhow::{Context, bail};
use chrono::NaiveDate;
use clap::{Subcommand, ValueEnum};
use std::fmt::Write as _;

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
    /// Show one chain's attributes and every feature at a date (what rules see)
    Show {
        /// Chain slug, e.g. base, arbitrum, optimism
        chain: String,
        #[command(flatten)]
        data: DataArg,
        /// Evaluate as of this date (YYYY-MM-DD); only data dated on or before it is used [default: the dataset's vintage]
        #[arg(long, value_name = "DATE", value_parser = parse_date)]
        as_of: Option<NaiveDate>,
        /// Length of the TVL-leadership window, in weeks
        #[arg(long, value_name = "N", default_value_t = 52)]
        window_weeks: i64,
        /// Output format
        #[arg(long, value_enum, default_value_t = ShowFormat::Table)]
        format: ShowFormat,
    },
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

pub fn run(command: DataCommand) -> anyhow::Result<u8> {
    match command {
        DataCommand::Check { data, format } => check(&data, format),
        DataCommand::Show {
            chain,
            data,
            as_of,
            window_weeks,
            format,
        } => show(&chain, &data, as_of, window_weeks, format),
    }
}

fn check(data: &DataArg, format: CheckFormat) -> anyhow::Result<u8> {
    let ds = load_dataset(data)?;
    let summary = dataset::summarize(&ds)?;
    match format {
        CheckFormat::Json => print(&(serde_json::to_string_pretty(&summary)? + "\n"))?,
        CheckFormat::Text => print(&render_summary(&summary))?,
    }
    Ok(EXIT_OK)
}

fn render_summary(s: &Summary) -> String {
    let mut t = String::new();
    let screened: usize = s
        .chains
        .iter()
        .filter(|(l, _)| *l != "L1")
        .map(|(_, n)| n)
        .sum();
    let by_layer: Vec<String> = s.chains.iter().map(|(l, n)| format!("{n} {l}")).collect();
    let _ = writeln!(t, "dataset {} ({}): valid", s.name, s.dir);
    let _ = writeln!(t, "vintage {}", s.vintage);
    let _ = writeln!(
        t,
        "chains  {} ({}); {} screened, {} with a TVL series",
        s.chains.values().sum::<usize>(),
        by_layer.join(", "),
        screened,
        s.chains_with_tvl
    );
    let _ = writeln!(t, "\nfiles");
    for f in &s.files {
        let range = match (f.first_date, f.last_date) {
            (Some(a), Some(b)) => format!("{a} .. {b}"),
            _ => "undated".into(),
        };
        let _ = writeln!(
            t,
            "  {:<8} {:<22} {:>6} rows  {range}",
            f.table, f.path, f.rows
        );
    }
    let _ = writeln!(
        t,
        "\nscreened chains without a TVL series: {}",
        s.without_tvl.len()
    );
    if !s.without_tvl.is_empty() {
        let _ = writeln!(t, "  {}", wrap(&s.without_tvl.join(", "), 96, "  "));
    }
    let _ = writeln!(
        t,
        "TVL series that stop before the last week: {}",
        s.stopped_early.len()
    );
    for st in &s.stopped_early {
        let _ = writeln!(t, "  {} (last point {})", st.chain, st.last_date);
    }
    let _ = writeln!(t, "\nmissing values (empty cells mean unknown)");
    for m in &s.missing {
        let _ = writeln!(
            t,
            "  {:<8} {:<20} {:>6} of {}",
            m.table, m.column, m.missing, m.rows
        );
    }
    t
}

fn wrap(text: &str, width: usize, indent: &str) -> String {
    let mut out = String::new();
    let mut line = 0;
    for word in text.split(' ') {
        if line > 0 && line + word.len() + 1 > width {
            out.push('\n');
            out.push_str(indent);
            line = 0;
        } else if line > 0 {
            out.push(' ');
            line += 1;
        }
        out.push_str(word);
        line += word.len();
    }
    out
}

fn show(
    chain: &str,
    data: &DataArg,
    as_of: Option<NaiveDate>,
    window_weeks: i64,
    format: ShowFormat,
) -> anyhow::Result<u8> {
    let ds = load_dataset(data)?;
    let as_of = as_of.unwrap_or_else(|| ds.manifest.vintage_date());
    if window_weeks < 1 {
        bail!("--window-weeks must be at least 1, got {window_weeks}");
    }
    let universe = features::compute(&ds, as_of, &FeatureOptions { window_weeks })
        .with_context(|| format!("computing features as of {as_of}"))?;
    let Some(features) = universe.chain(chain) else {
        bail!("{}", ds.why_not_screened(chain, as_of)?);
    };
    match format {
        ShowFormat::Json => {
            let json = serde_json::json!({
                "chain": chain,
                "as_of": as_of.to_string(),
                "dataset": ds.manifest.name,
                "vintage": ds.manifest.vintage,
                "tvl_week": universe.tvl_week.map(|d| d.to_string()),
                "fields": features.fields,
            });
            print(&(serde_json::to_string_pretty(&json)? + "\n"))?;
        }
        ShowFormat::Table => {
            let mut t = String::new();
            let name = features
                .get("name")
                .map(|v| v.to_string())
                .unwrap_or_default();
            let _ = writeln!(
                t,
                "{chain} ({name}) as of {as_of}; dataset {} vintage {}; TVL reference week {}",
                ds.manifest.name,
                ds.manifest.vintage,
                universe.tvl_week.map_or("none".into(), |d| d.to_string())
            );
            let width = catalog::fields()
                .iter()
                .map(|f| f.name.len())
                .max()
                .unwrap_or(0);
            for field in catalog::fields() {
                let value = features
                    .get(&field.name)
                    .map(|v| v.to_string())
                    .unwrap_or_else(|| "missing".into());
                let _ = writeln!(t, "  {:<width$}  {value}", field.name);
            }
            for (name, series) in &features.series {
                if let (Some(first), Some(last)) = (series.first(), series.last()) {
                    let _ = writeln!(
                        t,
                        "  series {name}: {} points, {} .. {}",
                        series.len(),
                        first.0,
                        last.0
                    );
                }
            }
            print(&t)?;
        }
    }
    Ok(EXIT_OK)
}
