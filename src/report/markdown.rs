//! Markdown: the screen as a document section: a table of chains (overall, score, a column per
//! rule, the deciding reason), the sector's verdicts, and the stamps.

use super::{counts_line, score_text, staleness_text, stamps_line};
use crate::evaluate::ScreenResult;
use crate::rules::RuleScope;
use std::fmt::Write as _;

/// Escape what would break a table cell.
fn cell(text: &str) -> String {
    text.replace('|', "\\|").replace('\n', " ")
}

pub fn render(result: &ScreenResult) -> String {
    let rules: Vec<&str> = result
        .rules
        .iter()
        .filter(|r| r.scope == RuleScope::Chain)
        .map(|r| r.id.as_str())
        .collect();
    let mut out = String::new();
    let _ = writeln!(
        out,
        "# {} (as of {})\n",
        cell(&result.stamps.screen),
        result.stamps.as_of
    );
    if !rules.is_empty() {
        let _ = writeln!(
            out,
            "| chain | overall | score | {} | deciding reason |",
            rules.join(" | ")
        );
        let _ = writeln!(out, "|---|---|---:|{}---|", "---|".repeat(rules.len()));
    }
    for chain in &result.chains {
        let statuses: Vec<&str> = rules
            .iter()
            .map(|r| {
                chain
                    .verdicts
                    .iter()
                    .find(|v| v.rule == *r)
                    .map_or("-", |v| v.status.as_str())
            })
            .collect();
        let reason = chain
            .deciding
            .as_ref()
            .map_or(String::new(), |d| format!("{}: {}", d.rule, d.reason));
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} |",
            cell(&chain.slug),
            chain.overall,
            score_text(chain.score),
            statuses.join(" | "),
            cell(&reason)
        );
    }
    for absent in &result.not_screened {
        let _ = writeln!(out, "\n_{}_", cell(&absent.reason));
    }
    if let Some(sector) = &result.sector {
        let _ = writeln!(
            out,
            "\n## Sector: {} (score {})\n",
            sector.overall,
            score_text(sector.score)
        );
        for v in &sector.verdicts {
            let _ = writeln!(out, "- **{}** {}: {}", v.status, v.rule, cell(&v.reason));
        }
    }
    let _ = writeln!(
        out,
        "\n_{}_  \n_{}_  \n_{}_",
        stamps_line(result),
        staleness_text(&result.stamps),
        counts_line(result)
    );
    out
}
