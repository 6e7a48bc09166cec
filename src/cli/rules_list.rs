//! `moat rules list`: what a rule pack holds, one line per rule, so the weights and gates a
//! screen applies can be read without opening screen.toml and every rule file.
//!
//! ```text
//! moat rules list [--rules DIR] [--format table|json]
//! ```
//! The table has one aligned row per rule (id, title, category, weight, gate, scope, file), in
//! rule order (by file name); JSON is an array of the same rules with their `why` and params.
//! Exit 0, or 2 when the pack does not load.

use super::EXIT_OK;
use super::args::RulesArg;
use super::inputs::load_rules;
use super::output::print;
use crate::rules::RuleInfo;
use clap::ValueEnum;

#[derive(Debug, clap::Args)]
pub struct ListArgs {
    #[command(flatten)]
    pub rules: RulesArg,
    /// Output format
    #[arg(long, value_enum, default_value_t = ListFormat::Table)]
    pub format: ListFormat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ListFormat {
    Table,
    Json,
}

pub fn run(args: ListArgs) -> anyhow::Result<u8> {
    let pack = load_rules(&args.rules)?;
    let rules: Vec<&RuleInfo> = pack.rules().collect();
    match args.format {
        ListFormat::Json => print(&(serde_json::to_string_pretty(&rules)? + "\n"))?,
        ListFormat::Table => print(&table(&rules))?,
    }
    Ok(EXIT_OK)
}

/// Columns padded to their widest cell; the weight is right-aligned.
fn table(rules: &[&RuleInfo]) -> String {
    let header = ["id", "title", "category", "weight", "gate", "scope", "file"];
    let rows: Vec<[String; 7]> = rules
        .iter()
        .map(|r| {
            [
                r.id.clone(),
                r.title.clone(),
                r.category.clone(),
                r.weight.to_string(),
                if r.gate { "yes" } else { "no" }.to_string(),
                r.scope.as_str().to_string(),
                r.file.clone(),
            ]
        })
        .collect();
    let widths: Vec<usize> = (0..header.len())
        .map(|i| {
            rows.iter()
                .map(|row| row[i].chars().count())
                .chain([header[i].len()])
                .max()
                .unwrap_or(0)
        })
        .collect();
    let line = |cells: Vec<&str>| {
        let padded: Vec<String> = cells
            .iter()
            .enumerate()
            .map(|(i, cell)| {
                let w = widths[i];
                if i == 3 {
                    format!("{cell:>w$}")
                } else {
                    format!("{cell:<w$}")
                }
            })
            .collect();
        padded.join("  ").trim_end().to_string() + "\n"
    };
    let mut out = line(header.to_vec());
    for row in &rows {
        out.push_str(&line(row.iter().map(String::as_str).collect()));
    }
    out
}
