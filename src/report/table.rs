//! The terminal table: a row per chain sorted by score (overall, score, one column per rule,
//! the deciding reason), then the sector verdict and a footer with the stamps and counts.
//! Colour (ANSI) only when the caller says the output is a terminal without NO_COLOR.

use super::{counts_line, deciding_verdict, score_text, stamps_line};
use crate::evaluate::{ScreenResult, Status};
use crate::rules::RuleScope;
use std::fmt::Write as _;

fn paint(status: Status, text: &str, color: bool) -> String {
    if !color {
        return text.to_string();
    }
    let code = match status {
        Status::Pass => "32",
        Status::Fail => "31",
        Status::Skip => "33",
        Status::Error => "1;35",
    };
    format!("\x1b[{code}m{text}\x1b[0m")
}

pub fn render(result: &ScreenResult, color: bool) -> String {
    let rules: Vec<&str> = result
        .rules
        .iter()
        .filter(|r| r.scope == RuleScope::Chain)
        .map(|r| r.id.as_str())
        .collect();
    let mut header = vec!["chain".to_string(), "overall".into(), "score".into()];
    header.extend(rules.iter().map(|r| r.to_string()));
    header.push("deciding reason".into());
    let mut rows: Vec<Vec<(Option<Status>, String)>> = Vec::new();
    for chain in &result.chains {
        let mut row = vec![
            (None, chain.slug.clone()),
            (Some(chain.overall), chain.overall.to_string()),
            (None, score_text(chain.score)),
        ];
        for rule in &rules {
            let cell = chain.verdicts.iter().find(|v| v.rule == *rule);
            row.push(cell.map_or((None, "-".into()), |v| {
                (Some(v.status), v.status.to_string())
            }));
        }
        let reason = deciding_verdict(chain, &result.rules)
            .map_or(String::new(), |v| format!("{}: {}", v.rule, v.reason));
        row.push((None, reason));
        rows.push(row);
    }
    let widths: Vec<usize> = (0..header.len() - 1)
        .map(|i| {
            rows.iter()
                .map(|r| r[i].1.chars().count())
                .chain([header[i].chars().count()])
                .max()
                .unwrap_or(0)
        })
        .collect();
    let mut out = String::new();
    let line = |cells: Vec<(Option<Status>, String)>, out: &mut String| {
        let last = cells.len() - 1;
        for (i, (status, text)) in cells.into_iter().enumerate() {
            if i == last {
                out.push_str(&text);
            } else {
                let pad = " ".repeat(widths[i] - text.chars().count() + 2);
                let shown = status.map_or(text.clone(), |s| paint(s, &text, color));
                out.push_str(&shown);
                out.push_str(&pad);
            }
        }
        let trimmed = out.trim_end().len();
        out.truncate(trimmed);
        out.push('\n');
    };
    line(header.into_iter().map(|h| (None, h)).collect(), &mut out);
    for row in rows {
        line(row, &mut out);
    }
    if let Some(sector) = &result.sector {
        let _ = writeln!(
            out,
            "\nsector: {} (score {})",
            paint(sector.overall, sector.overall.as_str(), color),
            score_text(sector.score)
        );
        for v in &sector.verdicts {
            let _ = writeln!(
                out,
                "  {} {}: {}",
                paint(v.status, v.status.as_str(), color),
                v.rule,
                v.reason
            );
        }
    }
    let _ = writeln!(out, "\n{}", stamps_line(result));
    let _ = writeln!(out, "{}", counts_line(result));
    out
}
