//! `moat explain` as text: a header with the chain, the stamps and the overall verdict, then
//! one section per rule: verdict, title, why, reason, what would pass, the error's place with
//! its source line and a caret, every value read, the parameters used, printed lines. Text
//! from rules, the dataset or screen.toml is shown without what could act on a terminal
//! (`escape`), and on one line where the layout needs it.

use super::escape::{one_line, shown};
use super::style::paint_status;
use super::{score_text, staleness_text, stamps_text};
use crate::authoring::explain::Explanation;
use crate::evaluate::Verdict;
use crate::features::value::format_num;
use crate::rules::{RuleInfo, RuleScope};
use std::fmt::Write as _;

/// Width of the text block after a label (`  reason  …`).
const TEXT_WIDTH: usize = 88;
/// Labels are padded to this width, after a two-space indent.
const LABEL: usize = 9;

pub fn render(e: &Explanation) -> String {
    let mut out = String::new();
    let c = &e.chain;
    let s = &e.stamps;
    let _ = writeln!(
        out,
        "{} ({}) as of {}",
        one_line(&c.slug),
        one_line(&c.name),
        s.as_of
    );
    let _ = writeln!(out, "{}", one_line(&stamps_text(s)));
    let _ = writeln!(out, "{}", staleness_text(s));
    let gates = if c.gates_failed.is_empty() {
        "none".to_string()
    } else {
        one_line(&c.gates_failed.join(", ")).into_owned()
    };
    let [pass, fail, skip, error] = e.counts;
    let _ = writeln!(
        out,
        "overall {}, score {}; gates failed: {gates}; verdicts: {pass} PASS, {fail} FAIL, {skip} SKIP, {error} ERROR",
        paint_status(c.overall),
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
            out.push_str(&render_verdict(rule, v, e));
        }
    }
    if !e.other_sector_rules.is_empty() {
        let _ = writeln!(
            out,
            "\nSector rules judge the whole universe, not one chain: {}. `moat explain {} --rule {}` shows the sector's verdict.",
            one_line(&e.other_sector_rules.join(", ")),
            one_line(&c.slug),
            one_line(&e.other_sector_rules[0])
        );
    }
    out
}

fn render_verdict(rule: &RuleInfo, v: &Verdict, e: &Explanation) -> String {
    let mut out = String::new();
    let scope = match rule.scope {
        RuleScope::Sector => "sector rule, ",
        RuleScope::Chain => "",
    };
    let gate = if rule.gate { ", gate" } else { "" };
    let _ = writeln!(out, "{}  {}", one_line(&rule.id), paint_status(v.status));
    let _ = writeln!(
        out,
        "  {} ({scope}category {}, weight {}{gate})",
        one_line(&rule.title),
        one_line(&rule.category),
        format_num(rule.weight)
    );
    labelled(&mut out, "why", &format!("\"{}\"", rule.why));
    labelled(&mut out, "reason", &v.reason);
    if let Some(hint) = &v.hint {
        labelled(&mut out, "to pass", hint);
    }
    if let Some((location, snippet)) = e.carets.get(&v.rule) {
        labelled(&mut out, "at", location);
        for line in snippet.iter().flat_map(|s| s.lines()) {
            let _ = writeln!(out, "{}{}", " ".repeat(LABEL + 2), shown(line));
        }
    }
    let read: Vec<(String, String)> = v
        .evidence
        .iter()
        .map(|e| {
            // A flagged source is said beside the value it gave.
            let value = match (&e.source, e.flags.is_empty()) {
                (Some(source), false) => format!("{}  ({}: {source})", e.value, e.flags.join(", ")),
                _ => e.value.to_string(),
            };
            (e.field.clone(), value)
        })
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
    if let Some(w) = e.what_if.iter().flatten().find(|w| w.rule == v.rule) {
        let lines = w.lines();
        for (i, line) in lines.iter().enumerate() {
            labelled(&mut out, if i == 0 { "what if" } else { "" }, line);
        }
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

/// `  label   text`, the text wrapped under itself.
fn labelled(out: &mut String, label: &str, text: &str) {
    let indent = " ".repeat(LABEL + 2);
    let mut first = true;
    for line in wrap(&shown(text), TEXT_WIDTH) {
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
    let rows: Vec<(String, String)> = rows
        .iter()
        .map(|(k, v)| (one_line(k).into_owned(), one_line(v).into_owned()))
        .collect();
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
