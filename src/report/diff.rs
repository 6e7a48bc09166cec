//! `moat diff` rendered: a stamps line for each side, notes on what differs besides the date
//! (rule packs, datasets or their contents, pass marks, rules run, chains asked for), then
//! chains that entered or left, verdicts that changed with both reasons, and overall and score
//! changes; or the same as JSON.

use super::escape::{one_line, shown};
use super::{score_text, stamps_text};
use crate::history::Diff;
use std::fmt::Write as _;

pub fn text(d: &Diff) -> String {
    let mut out = String::new();
    // A saved result's text is whatever its file says: each line stays one line.
    let _ = writeln!(out, "before: {}", one_line(&stamps_text(&d.before)));
    let _ = writeln!(out, "after:  {}", one_line(&stamps_text(&d.after)));
    for note in &d.notes {
        let _ = writeln!(out, "note: {}", one_line(note));
    }
    if d.is_empty() {
        let _ = writeln!(out, "\nno change");
        return out;
    }
    if !d.entered.is_empty() {
        let _ = writeln!(
            out,
            "\nentered the universe: {}",
            one_line(&d.entered.join(", "))
        );
    }
    if !d.left.is_empty() {
        let _ = writeln!(out, "\nleft the universe: {}", one_line(&d.left.join(", ")));
    }
    if let Some((from, to)) = d.sector {
        let _ = writeln!(out, "\nsector: {from} → {to}");
    }
    if !d.verdicts.is_empty() {
        let _ = writeln!(out, "\nverdicts that changed: {}", d.verdicts.len());
        for c in &d.verdicts {
            let _ = writeln!(
                out,
                "  {} {}: {} → {}\n    before: {}\n    after:  {}",
                one_line(c.chain.as_deref().unwrap_or("sector")),
                one_line(&c.rule),
                c.from,
                c.to,
                one_line(&c.reason_before),
                one_line(&c.reason_after)
            );
        }
    }
    if !d.overall.is_empty() {
        let _ = writeln!(out, "\noverall and score changes: {}", d.overall.len());
        for o in &d.overall {
            let _ = writeln!(
                out,
                "  {}: {} {} → {} {}",
                one_line(&o.chain),
                o.from,
                score_text(o.score_before),
                o.to,
                score_text(o.score_after)
            );
        }
    }
    // Reasons and names as a terminal should show them.
    shown(&out).into_owned()
}

pub fn json(d: &Diff) -> anyhow::Result<String> {
    Ok(serde_json::to_string_pretty(d)? + "\n")
}
