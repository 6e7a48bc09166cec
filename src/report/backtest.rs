//! `moat backtest` rendered: as text (the stamps of the run, every flip with its reason, the
//! sector's verdict at each change, and a summary per chain), as JSON (everything: the matrix,
//! the flips, the summary, the stamps), or as CSV (one row per date × chain × rule plus each
//! chain's overall verdict and the sector's, with the flip columns filled where the verdict
//! changed since the previous date; a text cell a spreadsheet would take for a formula gets a
//! `'` in front, as in the screen's CSV).

use super::escape::{csv_text, one_line, shown};
use super::short_hash;
use crate::history::{Backtest, Flip};
use std::collections::HashMap;
use std::fmt::Write as _;

pub fn text(b: &Backtest) -> String {
    let s = &b.stamps;
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{} backtest, every {} from {} to {} ({} date{}) | dataset {} (vintage {}) | rule pack {} | pass mark {:.2} | moat {}",
        s.screen,
        s.every,
        s.from,
        s.to,
        s.dates,
        if s.dates == 1 { "" } else { "s" },
        s.dataset,
        s.vintage,
        short_hash(&s.rule_pack_hash),
        s.pass_mark,
        s.moat_version
    );
    let _ = writeln!(out, "\nflips: {}", b.flips.len());
    let width = b
        .flips
        .iter()
        .map(|f| f.chain.as_deref().unwrap_or("sector").len())
        .max()
        .unwrap_or(0);
    let rule_width = b.flips.iter().map(|f| f.rule.len()).max().unwrap_or(0);
    for f in &b.flips {
        let _ = writeln!(
            out,
            "  {}  {:<width$}  {:<rule_width$}  {:>5} → {:<5}  {}",
            f.date,
            f.chain.as_deref().unwrap_or("sector"),
            f.rule,
            f.from,
            f.to,
            one_line(f.reason_after.as_deref().unwrap_or(""))
        );
    }
    let _ = writeln!(
        out,
        "\nsummary (dates judged, dates PASS overall, flips, first and last PASS)"
    );
    let width = b.summary.iter().map(|c| c.slug.len()).max().unwrap_or(0);
    let _ = writeln!(
        out,
        "  {:<width$}  judged  pass  flips  first PASS  last PASS",
        "chain"
    );
    for c in &b.summary {
        let date = |d: Option<chrono::NaiveDate>| d.map_or("-".to_string(), |d| d.to_string());
        let _ = writeln!(
            out,
            "  {:<width$}  {:>6}  {:>4}  {:>5}  {:<10}  {}",
            c.slug,
            c.dates_judged,
            c.dates_pass,
            c.flips,
            date(c.first_pass),
            date(c.last_pass)
        );
    }
    // Reasons and names as a terminal should show them.
    shown(&out).into_owned()
}

/// The whole backtest as pretty JSON, in room made for it at once (the shipped backtest's
/// 8 MB take about 112 bytes a verdict, flips and summaries included).
pub fn json(b: &Backtest) -> anyhow::Result<String> {
    const ROOM_PER_VERDICT: usize = 160;
    let verdicts: usize = b
        .dates
        .iter()
        .map(|d| {
            let chains: usize = d.chains.iter().map(|c| c.verdicts.len() + 4).sum();
            chains + d.sector.as_ref().map_or(0, |s| s.verdicts.len() * 4)
        })
        .sum();
    let room =
        (verdicts + b.flips.len() * 8 + b.summary.len() * 4 + 64).saturating_mul(ROOM_PER_VERDICT);
    super::pretty_json(b, room)
}

const HEADER: &[&str] = &[
    "date",
    "dataset",
    "vintage",
    "dataset_hash",
    "rule_pack_hash",
    "moat_version",
    "scope",
    "chain",
    "rule",
    "status",
    "score",
    "flipped_from",
    "reason_before",
    "reason_after",
];

pub fn csv(b: &Backtest) -> anyhow::Result<String> {
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::Any(b'\n'))
        .from_writer(Vec::new());
    w.write_record(HEADER)?;
    let s = &b.stamps;
    let flips: HashMap<(chrono::NaiveDate, Option<&str>, &str), &Flip> = b
        .flips
        .iter()
        .map(|f| ((f.date, f.chain.as_deref(), f.rule.as_str()), f))
        .collect();
    for d in &b.dates {
        let date = d.date.to_string();
        let mut row =
            |scope: &str, chain: Option<&str>, rule: &str, status: &str, score: Option<f64>| {
                let flip = flips.get(&(d.date, chain, rule));
                let score = score.map_or(String::new(), |x| x.to_string());
                let record = [
                    date.as_str(),
                    &s.dataset,
                    &s.vintage,
                    &d.dataset_hash,
                    &s.rule_pack_hash,
                    &s.moat_version,
                    scope,
                    chain.unwrap_or(""),
                    rule,
                    status,
                    &score,
                    flip.map_or("", |f| f.from.as_str()),
                    flip.and_then(|f| f.reason_before.as_deref()).unwrap_or(""),
                    flip.and_then(|f| f.reason_after.as_deref()).unwrap_or(""),
                ];
                // Every column but the score is text.
                let cells: Vec<std::borrow::Cow<str>> = record
                    .into_iter()
                    .zip(HEADER)
                    .map(|(cell, &column)| {
                        if column == "score" {
                            cell.into()
                        } else {
                            csv_text(cell)
                        }
                    })
                    .collect();
                w.write_record(cells.iter().map(|c| c.as_bytes()))
            };
        for c in &d.chains {
            row(
                "chain",
                Some(&c.slug),
                "overall",
                c.overall.as_str(),
                c.score,
            )?;
            for (rule, status) in &c.verdicts {
                row("chain", Some(&c.slug), rule, status.as_str(), None)?;
            }
        }
        // A chain entering or leaving the universe at this date: a row of rule `universe`,
        // status `in` or `out`, as the flips list it (a chain that left has no other row).
        for f in b
            .flips
            .iter()
            .filter(|f| f.date == d.date && f.rule == "universe")
        {
            row("chain", f.chain.as_deref(), "universe", &f.to, None)?;
        }
        if let Some(sector) = &d.sector {
            row(
                "sector",
                None,
                "overall",
                sector.overall.as_str(),
                sector.score,
            )?;
            for (rule, status, _) in &sector.verdicts {
                row("sector", None, rule, status.as_str(), None)?;
            }
        }
    }
    Ok(String::from_utf8(w.into_inner()?)?)
}
