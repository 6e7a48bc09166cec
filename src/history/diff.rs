//! What changed between two screens: verdicts that flipped (chain, rule, from → to, with both
//! reasons), chains whose overall verdict or score moved, chains that entered or left the
//! universe, and the sector's verdicts; with both sides' stamps, and notes when the two were
//! made with different rule packs or datasets (then a change may come from the rules or the
//! data, not from time). A backtest's flips are the diffs of consecutive dates.

use crate::evaluate::{ScreenResult, Stamps, Status, Verdict};
use serde::Serialize;
use std::collections::BTreeMap;

/// Scores closer than this are the same score (rounding of a weighted share).
const SCORE_EPSILON: f64 = 1e-9;

/// One verdict that changed.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Change {
    /// The chain, or `None` for a sector rule.
    pub chain: Option<String>,
    pub rule: String,
    pub from: Status,
    pub to: Status,
    pub reason_before: String,
    pub reason_after: String,
}

/// A chain whose overall verdict or score changed.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct OverallChange {
    pub chain: String,
    pub from: Status,
    pub to: Status,
    pub score_before: Option<f64>,
    pub score_after: Option<f64>,
    /// The reason that decided the overall verdict, before and after.
    pub deciding_before: Option<String>,
    pub deciding_after: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Diff {
    pub before: Stamps,
    pub after: Stamps,
    /// What differs besides the date: the rule pack, the dataset, the pass mark.
    pub notes: Vec<String>,
    /// Verdicts that changed, chains by slug then rules in the order of the screen, then the
    /// sector's rules.
    pub verdicts: Vec<Change>,
    /// Chains whose overall verdict or score changed, by slug.
    pub overall: Vec<OverallChange>,
    /// Chains judged after but not before, and the reverse, by slug.
    pub entered: Vec<String>,
    pub left: Vec<String>,
    /// The sector's overall verdict, when it changed.
    pub sector: Option<(Status, Status)>,
}

impl Diff {
    /// Whether nothing changed (stamps aside).
    pub fn is_empty(&self) -> bool {
        self.verdicts.is_empty()
            && self.overall.is_empty()
            && self.entered.is_empty()
            && self.left.is_empty()
            && self.sector.is_none()
    }
}

pub fn diff(before: &ScreenResult, after: &ScreenResult) -> Diff {
    let (b, a) = (&before.stamps, &after.stamps);
    let mut notes = Vec::new();
    if b.rule_pack_hash != a.rule_pack_hash {
        notes.push(format!(
            "the rule packs differ (rule pack {} before, {} after): a change may come from the rules, not the data",
            short(&b.rule_pack_hash),
            short(&a.rule_pack_hash)
        ));
    }
    if b.dataset != a.dataset || b.vintage != a.vintage {
        notes.push(format!(
            "the datasets differ ({} of {} before, {} of {} after): a change may come from the data's revision, not from time",
            b.dataset, b.vintage, a.dataset, a.vintage
        ));
    }
    if b.pass_mark != a.pass_mark {
        notes.push(format!(
            "the pass marks differ ({:.2} before, {:.2} after)",
            b.pass_mark, a.pass_mark
        ));
    }
    let old: BTreeMap<&str, _> = before.chains.iter().map(|c| (c.slug.as_str(), c)).collect();
    let new: BTreeMap<&str, _> = after.chains.iter().map(|c| (c.slug.as_str(), c)).collect();
    let order: Vec<&str> = after
        .rules
        .iter()
        .chain(&before.rules)
        .map(|r| r.id.as_str())
        .collect();
    let mut verdicts = Vec::new();
    let mut overall = Vec::new();
    for (slug, n) in &new {
        let Some(o) = old.get(slug) else { continue };
        verdicts.extend(changes(Some(slug), &o.verdicts, &n.verdicts, &order));
        let moved = match (o.score, n.score) {
            (Some(x), Some(y)) => (x - y).abs() > SCORE_EPSILON,
            (x, y) => x.is_some() != y.is_some(),
        };
        if o.overall != n.overall || moved {
            let reason = |c: &crate::evaluate::ChainResult| {
                c.deciding
                    .as_ref()
                    .map(|d| format!("{}: {}", d.rule, d.reason))
            };
            overall.push(OverallChange {
                chain: slug.to_string(),
                from: o.overall,
                to: n.overall,
                score_before: o.score,
                score_after: n.score,
                deciding_before: reason(o),
                deciding_after: reason(n),
            });
        }
    }
    let (no_sector, none) = (Vec::new(), Vec::new());
    let sector_before = before.sector.as_ref().map_or(&no_sector, |s| &s.verdicts);
    let sector_after = after.sector.as_ref().map_or(&none, |s| &s.verdicts);
    verdicts.extend(changes(None, sector_before, sector_after, &order));
    let sector = match (&before.sector, &after.sector) {
        (Some(x), Some(y)) if x.overall != y.overall => Some((x.overall, y.overall)),
        _ => None,
    };
    Diff {
        before: b.clone(),
        after: a.clone(),
        notes,
        verdicts,
        overall,
        entered: new
            .keys()
            .filter(|s| !old.contains_key(*s))
            .map(|s| s.to_string())
            .collect(),
        left: old
            .keys()
            .filter(|s| !new.contains_key(*s))
            .map(|s| s.to_string())
            .collect(),
        sector,
    }
}

/// The verdicts of one chain (or the sector) whose status changed, in `order`.
fn changes(
    chain: Option<&str>,
    before: &[Verdict],
    after: &[Verdict],
    order: &[&str],
) -> Vec<Change> {
    let mut out: Vec<(usize, Change)> = Vec::new();
    for n in after {
        let Some(o) = before.iter().find(|o| o.rule == n.rule) else {
            continue;
        };
        if o.status != n.status {
            let at = order
                .iter()
                .position(|r| *r == n.rule)
                .unwrap_or(usize::MAX);
            out.push((
                at,
                Change {
                    chain: chain.map(str::to_string),
                    rule: n.rule.clone(),
                    from: o.status,
                    to: n.status,
                    reason_before: o.reason.clone(),
                    reason_after: n.reason.clone(),
                },
            ));
        }
    }
    out.sort_by_key(|(at, _)| *at);
    out.into_iter().map(|(_, c)| c).collect()
}

fn short(hash: &str) -> &str {
    &hash[..hash.len().min(12)]
}
