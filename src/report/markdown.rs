//! Markdown: the screen as a document section: a table of chains (overall, score, a column per
//! rule, the deciding reason), the sector's verdicts, and the stamps. Text from rules, the
//! dataset or screen.toml is shown literally: no raw HTML, no link (`escape::markdown`).

// A value is one cell wherever it stands (`escape::markdown` escapes `|` and newlines).
use super::escape::{markdown as text, markdown as cell};
use super::{counts_line, score_text, short_hash, staleness_text};
use crate::evaluate::ScreenResult;
use crate::rules::RuleScope;
use std::fmt::Write as _;

pub fn render(result: &ScreenResult) -> String {
    let rules: Vec<&str> = result
        .rules
        .iter()
        .filter(|r| r.scope == RuleScope::Chain)
        .map(|r| r.id.as_str())
        .collect();
    let headers: Vec<String> = rules.iter().map(|r| cell(r)).collect();
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
            headers.join(" | ")
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
        let _ = writeln!(out, "\n_{}_", text(&absent.reason));
    }
    if let Some(sector) = &result.sector {
        let _ = writeln!(
            out,
            "\n## Sector: {} (score {})\n",
            sector.overall,
            score_text(sector.score)
        );
        for v in &sector.verdicts {
            let _ = writeln!(
                out,
                "- **{}** {}: {}",
                v.status,
                text(&v.rule),
                text(&v.reason)
            );
        }
    }
    let _ = writeln!(
        out,
        "\n_{}_  \n_{}_  \n_{}_",
        stamps_markdown(&result.stamps),
        text(&staleness_text(&result.stamps)),
        text(&counts_line(result))
    );
    out
}

/// The stamps line (`stamps_text`) with its names escaped one by one: its own separators stay
/// `|`, and a `|` in a name is escaped as every value's is.
fn stamps_markdown(s: &crate::evaluate::Stamps) -> String {
    format!(
        "{} as of {} | dataset {} {} (vintage {}) | rule pack {} | pass mark {:.2} | moat {}",
        text(&s.screen),
        s.as_of,
        text(&s.dataset),
        short_hash(&s.dataset_hash),
        text(&s.vintage),
        short_hash(&s.rule_pack_hash),
        s.pass_mark,
        text(&s.moat_version)
    )
}
