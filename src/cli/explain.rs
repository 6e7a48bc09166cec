//! `moat explain`: why one chain got its verdicts, rule by rule.
//!
//! ```text
//! moat explain <chain> [--rule ID] [--as-of DATE] [--data DIR] [--rules DIR] [--format text|json]
//! ```
//! For each chain rule (or the one named): the verdict and its reason, every value the rule
//! read (the evidence the engine recorded), the parameters it used, what would have to change
//! for a FAIL to pass (when the rule says), and for an ERROR the place in the rule file with
//! the source line and a caret. The header gives the chain, the as-of date, the dataset
//! vintage, the overall verdict and the score. A sector rule is explained only when named.
//! Exit 0, 1 when an explained rule ERRORed, 2 for an unknown chain or rule, an L1 chain, or
//! bad data or rules.

use super::args::{DataArg, RulesArg, parse_date};
use super::inputs::load_dataset;
use super::inputs::load_rules;
use super::output::{print, use_color};
use super::{EXIT_FINDINGS, EXIT_OK};
use crate::dataset::Dataset;
use crate::evaluate::{self, ChainResult, Stamps, Status, Verdict};
use crate::features::{self, FeatureOptions};
use crate::report::score_text;
use crate::rules::diagnostic::{did_you_mean, snippet};
use crate::rules::{RuleInfo, RulePack, RuleScope};
use anyhow::{Context, bail};
use chrono::NaiveDate;
use clap::ValueEnum;
use serde::Serialize;
use std::fmt::Write as _;

#[derive(Debug, clap::Args)]
pub struct ExplainArgs {
    /// Chain slug, e.g. base, arbitrum, optimism
    pub chain: String,
    /// Explain only this rule (its id); naming a sector rule shows the sector's verdict
    #[arg(long, value_name = "ID")]
    pub rule: Option<String>,
    /// Explain as of this date (YYYY-MM-DD): only data dated on or before it is seen [default: the dataset's vintage]
    #[arg(long, value_name = "DATE", value_parser = parse_date)]
    pub as_of: Option<NaiveDate>,
    #[command(flatten)]
    pub data: DataArg,
    #[command(flatten)]
    pub rules: RulesArg,
    /// Output format
    #[arg(long, value_enum, default_value_t = ExplainFormat::Text)]
    pub format: ExplainFormat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ExplainFormat {
    /// Readable sections, one per rule
    Text,
    /// The chain's result (verdicts with evidence and parameters), the rules and the stamps
    Json,
}

/// What `moat explain` shows: the JSON output, and what the text is rendered from.
#[derive(Debug, Serialize)]
struct Explanation<'a> {
    stamps: Stamps,
    /// The chain's result as a screen gives it: `overall`, `score`, `gates_failed` and
    /// `errors` over every chain rule; `verdicts` only those explained.
    chain: ChainResult,
    /// The sector's verdict, when `--rule` names a sector rule; else empty.
    sector: Vec<Verdict>,
    /// The rules explained, in order.
    rules: Vec<&'a RuleInfo>,
    /// Sector rules not explained (they judge the universe, not this chain).
    #[serde(skip)]
    other_sector_rules: Vec<&'a str>,
    /// Verdict counts over every chain rule, for the header.
    #[serde(skip)]
    counts: [usize; 4],
}

pub fn run(args: ExplainArgs) -> anyhow::Result<u8> {
    let ds = load_dataset(&args.data)?;
    let pack = load_rules(&args.rules)?;
    let only = args
        .rule
        .as_deref()
        .map(|id| find_rule(&pack, id))
        .transpose()?;
    let as_of = args.as_of.unwrap_or_else(|| ds.manifest.vintage_date());
    let options = FeatureOptions {
        window_weeks: pack.window_weeks(),
    };
    let universe = features::compute(&ds, as_of, &options)
        .with_context(|| format!("computing features as of {as_of}"))?;
    if universe.chain(&args.chain).is_none() {
        bail!("{}", ds.why_not_screened(&args.chain, as_of)?);
    }
    let explanation = explain(&ds, &pack, &universe, &args.chain, only)?;
    match args.format {
        ExplainFormat::Json => print(&(serde_json::to_string_pretty(&explanation)? + "\n"))?,
        ExplainFormat::Text => print(&render(&explanation, &pack, use_color()))?,
    }
    let errored = explanation
        .chain
        .verdicts
        .iter()
        .chain(&explanation.sector)
        .any(|v| v.status == Status::Error);
    Ok(if errored { EXIT_FINDINGS } else { EXIT_OK })
}

fn find_rule<'a>(pack: &'a RulePack, id: &str) -> anyhow::Result<&'a RuleInfo> {
    pack.rule(id).ok_or_else(|| {
        let hint = did_you_mean(id, pack.rules().map(|r| r.id.as_str()))
            .map_or(String::new(), |s| format!("; did you mean \"{s}\"?"));
        anyhow::anyhow!(
            "unknown rule \"{id}\" in rule pack \"{}\"{hint}",
            pack.name()
        )
    })
}

fn explain<'a>(
    ds: &Dataset,
    pack: &'a RulePack,
    universe: &features::Universe,
    chain: &str,
    only: Option<&'a RuleInfo>,
) -> anyhow::Result<Explanation<'a>> {
    let mut result = evaluate::evaluate_chain(pack, universe, chain)?;
    let mut counts = [0; 4];
    for v in &result.verdicts {
        counts[status_index(v.status)] += 1;
    }
    let mut sector = Vec::new();
    if let Some(rule) = only {
        result.verdicts.retain(|v| v.rule == rule.id);
        if rule.scope == RuleScope::Sector {
            sector.push(evaluate::evaluate_rule(pack, universe, &rule.id, None)?);
        }
    }
    let rules: Vec<&RuleInfo> = match only {
        Some(rule) => vec![rule],
        None => pack
            .rules()
            .filter(|r| r.scope == RuleScope::Chain)
            .collect(),
    };
    let other_sector_rules = match only {
        Some(_) => Vec::new(),
        None => pack
            .rules()
            .filter(|r| r.scope == RuleScope::Sector)
            .map(|r| r.id.as_str())
            .collect(),
    };
    Ok(Explanation {
        stamps: Stamps {
            screen: pack.name().to_string(),
            as_of: universe.as_of.format("%Y-%m-%d").to_string(),
            vintage: ds.manifest.vintage.clone(),
            dataset: ds.manifest.name.clone(),
            rule_pack_hash: pack.hash().to_string(),
            pass_mark: pack.pass_mark(),
        },
        chain: result,
        sector,
        rules,
        other_sector_rules,
        counts,
    })
}

fn status_index(status: Status) -> usize {
    match status {
        Status::Pass => 0,
        Status::Fail => 1,
        Status::Skip => 2,
        Status::Error => 3,
    }
}

/// Width of the text block after a label (`  reason  …`).
const TEXT_WIDTH: usize = 88;
/// Labels are padded to this width, after a two-space indent.
const LABEL: usize = 9;

fn render(e: &Explanation, pack: &RulePack, color: bool) -> String {
    let mut out = String::new();
    let c = &e.chain;
    let s = &e.stamps;
    let _ = writeln!(out, "{} ({}) as of {}", c.slug, c.name, s.as_of);
    let _ = writeln!(
        out,
        "dataset {} (vintage {}) | {} | rule pack {} | pass mark {:.2}",
        s.dataset,
        s.vintage,
        s.screen,
        &s.rule_pack_hash[..s.rule_pack_hash.len().min(12)],
        s.pass_mark
    );
    let gates = if c.gates_failed.is_empty() {
        "none".to_string()
    } else {
        c.gates_failed.join(", ")
    };
    let [pass, fail, skip, error] = e.counts;
    let _ = writeln!(
        out,
        "overall {}, score {}; gates failed: {gates}; verdicts: {pass} PASS, {fail} FAIL, {skip} SKIP, {error} ERROR",
        paint(c.overall, color),
        score_text(c.score)
    );
    for rule in &e.rules {
        let scope = rule.scope;
        let verdicts = if scope == RuleScope::Sector {
            &e.sector
        } else {
            &c.verdicts
        };
        if let Some(v) = verdicts.iter().find(|v| v.rule == rule.id) {
            out.push('\n');
            out.push_str(&render_verdict(rule, v, pack, color));
        }
    }
    if !e.other_sector_rules.is_empty() {
        let _ = writeln!(
            out,
            "\nSector rules judge the whole universe, not one chain: {}. `moat explain {} --rule {}` shows the sector's verdict.",
            e.other_sector_rules.join(", "),
            c.slug,
            e.other_sector_rules[0]
        );
    }
    out
}

fn render_verdict(rule: &RuleInfo, v: &Verdict, pack: &RulePack, color: bool) -> String {
    let mut out = String::new();
    let scope = match rule.scope {
        RuleScope::Sector => "sector rule, ",
        RuleScope::Chain => "",
    };
    let gate = if rule.gate { ", gate" } else { "" };
    let _ = writeln!(out, "{}  {}", rule.id, paint(v.status, color));
    let _ = writeln!(
        out,
        "  {} ({scope}category {}, weight {}{gate})",
        rule.title,
        rule.category,
        features::value::format_num(rule.weight)
    );
    labelled(&mut out, "why", &format!("\"{}\"", rule.why));
    labelled(&mut out, "reason", &v.reason);
    if let Some(hint) = &v.hint {
        labelled(&mut out, "to pass", hint);
    }
    if let Some(location) = &v.location {
        labelled(&mut out, "at", location);
        if let Some(snippet) = source_snippet(location, rule, pack) {
            for line in snippet.lines() {
                let _ = writeln!(out, "{}{line}", " ".repeat(LABEL + 2));
            }
        }
    }
    let read: Vec<(String, String)> = v
        .evidence
        .iter()
        .map(|e| (e.field.clone(), e.value.to_string()))
        .collect();
    table(&mut out, "read", &read, "nothing");
    let params: Vec<(String, String)> = v
        .params
        .iter()
        .map(|(k, value)| (k.clone(), format!("= {}", param_text(value))))
        .collect();
    table(&mut out, "params", &params, "none read");
    for line in &v.output {
        labelled(&mut out, "printed", line);
    }
    out
}

/// A parameter as screen.toml would write it: `["chain", "app"]`, `0.75`, `"x"`.
fn param_text(value: &serde_json::Value) -> String {
    match value {
        serde_json::Value::Array(items) => {
            let items: Vec<String> = items.iter().map(param_text).collect();
            format!("[{}]", items.join(", "))
        }
        serde_json::Value::Object(entries) => {
            let entries: Vec<String> = entries
                .iter()
                .map(|(k, v)| format!("{k} = {}", param_text(v)))
                .collect();
            format!("{{ {} }}", entries.join(", "))
        }
        other => other.to_string(),
    }
}

/// The rule file's line under an error location, with a caret at its column.
fn source_snippet(location: &str, rule: &RuleInfo, pack: &RulePack) -> Option<String> {
    let mut parts = location.rsplitn(3, ':');
    let column: usize = parts.next()?.parse().ok()?;
    let line: usize = parts.next()?.parse().ok()?;
    let file = parts.next()?;
    if file != rule.file || line == 0 {
        return None;
    }
    let text = pack.source(&rule.id)?.lines().nth(line - 1)?;
    Some(snippet(text, line, column))
}

/// `  label   text`, the text wrapped under itself.
fn labelled(out: &mut String, label: &str, text: &str) {
    let indent = " ".repeat(LABEL + 2);
    let mut first = true;
    for line in wrap(text, TEXT_WIDTH) {
        if first {
            let _ = writeln!(out, "  {label:<LABEL$}{line}");
            first = false;
        } else {
            let _ = writeln!(out, "{indent}{line}");
        }
    }
}

/// `  label   name  value` rows with aligned values, or `  label   empty`.
fn table(out: &mut String, label: &str, rows: &[(String, String)], empty: &str) {
    if rows.is_empty() {
        labelled(out, label, empty);
        return;
    }
    let width = rows
        .iter()
        .map(|(k, _)| k.chars().count())
        .max()
        .unwrap_or(0);
    for (i, (name, value)) in rows.iter().enumerate() {
        let head = if i == 0 { label } else { "" };
        let pad = " ".repeat(width - name.chars().count());
        let _ = writeln!(out, "  {head:<LABEL$}{name}{pad}  {value}");
    }
}

/// Greedy word wrap; a word longer than the width gets a line of its own.
fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        if !line.is_empty() && line.chars().count() + 1 + word.chars().count() > width {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    lines.push(line);
    lines
}

fn paint(status: Status, color: bool) -> String {
    if !color {
        return status.to_string();
    }
    let code = match status {
        Status::Pass => "32",
        Status::Fail => "31",
        Status::Skip => "33",
        Status::Error => "1;35",
    };
    format!("\x1b[{code}m{status}\x1b[0m")
}

#[cfg(test)]
mod tests {
    use super::wrap;

    #[test]
    fn wrap_keeps_words_whole() {
        assert_eq!(wrap("aa bb cc", 5), ["aa bb", "cc"]);
        assert_eq!(wrap("a verylongword b", 4), ["a", "verylongword", "b"]);
        assert_eq!(wrap("", 4), [""]);
    }
}
