//! What changed between two screens: verdicts that flipped (chain, rule, from → to, with both
//! reasons), chains whose overall verdict or score moved, chains that entered or left the
//! universe, and the sector's verdicts; with both sides' stamps, and notes when the two were
//! made with different rule packs or datasets (then a change may come from the rules or the
//! data, not from time). A backtest's flips are the diffs of consecutive dates.

use crate::evaluate::{ScreenResult, Stamps, Status, Tally, Verdict};
use crate::rules::RuleInfo;
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

/// At most this many problems of a saved result are named; the rest are counted.
const SHOWN_PROBLEMS: usize = 10;

/// What makes `result` (read from a saved JSON file) other than a screen moat writes, each
/// problem naming its field: dates that are not `YYYY-MM-DD`, a pass mark or score outside
/// 0..1, a chain listed twice, a rule listed twice, a verdict of a rule the result does not
/// list, or two of one rule, or none of one it lists; an overall, score, failed gates, error
/// count or deciding verdict other than the verdicts give. A diff of such a file would drop
/// or misread entries silently.
pub fn saved_problems(result: &ScreenResult) -> Vec<String> {
    use crate::diagnostics::escaped;
    let mut out = Vec::new();
    let s = &result.stamps;
    let date = |field: &str, value: &str, out: &mut Vec<String>| {
        if crate::dataset::date::parse_ymd(value).is_none() {
            out.push(format!(
                "stamps.{field} is \"{}\": expected a date YYYY-MM-DD",
                escaped(value)
            ));
        }
    };
    date("as_of", &s.as_of, &mut out);
    date("vintage", &s.vintage, &mut out);
    if let Some(newest) = &s.tvl_newest {
        date("tvl_newest", newest, &mut out);
    }
    let share = |field: String, value: f64, out: &mut Vec<String>| {
        if !(0.0..=1.0).contains(&value) {
            out.push(format!("{field} is {value}: expected a number from 0 to 1"));
        }
    };
    share("stamps.pass_mark".into(), s.pass_mark, &mut out);
    let mut rules: BTreeMap<&str, usize> = BTreeMap::new();
    for (i, r) in result.rules.iter().enumerate() {
        if let Some(first) = listed_before(&mut rules, &r.id, i) {
            out.push(format!(
                "rules[{i}].id \"{}\" is listed twice (first at rules[{first}]): expected each rule once",
                escaped(&r.id)
            ));
        }
    }
    let scope_of: BTreeMap<&str, crate::rules::RuleScope> = result
        .rules
        .iter()
        .map(|r| (r.id.as_str(), r.scope))
        .collect();
    let info: BTreeMap<&str, &RuleInfo> = result
        .rules
        .iter()
        .rev()
        .map(|r| (r.id.as_str(), r))
        .collect();
    // Each chain has one verdict of every chain rule listed, the sector one of every sector
    // rule: a verdict taken out would read as no change.
    let complete = |at: &str,
                    verdicts: &[Verdict],
                    scope: crate::rules::RuleScope,
                    out: &mut Vec<String>| {
        for (id, s) in &scope_of {
            if *s == scope && !verdicts.iter().any(|v| v.rule == *id) {
                out.push(format!(
                    "{at}.verdicts has no verdict of rule \"{}\": expected one of every {} rule listed under \"rules\"",
                    escaped(id),
                    if scope == crate::rules::RuleScope::Chain { "chain" } else { "sector" }
                ));
            }
        }
    };
    let verdicts = |at: &str, verdicts: &[Verdict], out: &mut Vec<String>| {
        let mut seen: BTreeMap<&str, usize> = BTreeMap::new();
        for (j, v) in verdicts.iter().enumerate() {
            if !rules.contains_key(v.rule.as_str()) {
                out.push(format!(
                    "{at}.verdicts[{j}].rule \"{}\" is not among the result's rules: expected one of the ids listed under \"rules\"",
                    escaped(&v.rule)
                ));
            } else if let Some(first) = listed_before(&mut seen, &v.rule, j) {
                out.push(format!(
                    "{at}.verdicts[{j}] is a second verdict of rule \"{}\" (first at {at}.verdicts[{first}]): expected one verdict per rule",
                    escaped(&v.rule)
                ));
            }
        }
    };
    let mut chains: BTreeMap<&str, usize> = BTreeMap::new();
    for (i, c) in result.chains.iter().enumerate() {
        if let Some(first) = listed_before(&mut chains, &c.slug, i) {
            out.push(format!(
                "chains[{i}].slug \"{}\" is listed twice (first at chains[{first}]): expected each chain once",
                escaped(&c.slug)
            ));
        }
        if let Some(score) = c.score {
            share(format!("chains[{i}].score"), score, &mut out);
        }
        let at = format!("chains[{i}]");
        let before = out.len();
        verdicts(&at, &c.verdicts, &mut out);
        complete(&at, &c.verdicts, crate::rules::RuleScope::Chain, &mut out);
        // The overall, score, gates, errors and deciding verdict follow from the verdicts:
        // checked once the verdicts themselves are whole.
        if out.len() == before {
            recounted(&at, &c.tally(), &c.verdicts, &info, s.pass_mark, &mut out);
            let weight = |id: &str| info.get(id).map_or(0.0, |r| r.weight);
            let decides = crate::evaluate::deciding_by(c, weight);
            if c.deciding != decides {
                let said = |d: &Option<crate::evaluate::Deciding>| match d {
                    Some(d) => format!("rule \"{}\" ({})", escaped(&d.rule), d.status),
                    None => "null".to_string(),
                };
                out.push(format!(
                    "{at}.deciding is {}: expected {} with that verdict's reason, the verdict that decides the chain's overall",
                    said(&c.deciding),
                    said(&decides)
                ));
            }
        }
    }
    let sector_rules: Vec<&str> = scope_of
        .iter()
        .filter(|(_, s)| **s == crate::rules::RuleScope::Sector)
        .map(|(id, _)| *id)
        .collect();
    if result.sector.is_none() && !sector_rules.is_empty() {
        let ids: Vec<String> = sector_rules
            .iter()
            .map(|id| format!("\"{}\"", escaped(id)))
            .collect();
        out.push(format!(
            "sector is missing or null, but \"rules\" lists the sector rule {}: expected the sector's verdicts",
            ids.join(", ")
        ));
    }
    if let Some(sector) = &result.sector {
        if let Some(score) = sector.score {
            share("sector.score".into(), score, &mut out);
        }
        let before = out.len();
        verdicts("sector", &sector.verdicts, &mut out);
        complete(
            "sector",
            &sector.verdicts,
            crate::rules::RuleScope::Sector,
            &mut out,
        );
        if out.len() == before {
            recounted(
                "sector",
                &sector.tally(),
                &sector.verdicts,
                &info,
                s.pass_mark,
                &mut out,
            );
        }
    }
    if out.len() > SHOWN_PROBLEMS {
        let more = out.len() - SHOWN_PROBLEMS;
        out.truncate(SHOWN_PROBLEMS);
        out.push(format!("… and {more} more"));
    }
    out
}

/// What a saved tally of `at` (a chain or the sector) says against what its `verdicts` give
/// under the result's rules and pass mark, each field that differs named.
fn recounted(
    at: &str,
    saved: &Tally,
    verdicts: &[Verdict],
    info: &BTreeMap<&str, &RuleInfo>,
    pass_mark: f64,
    out: &mut Vec<String>,
) {
    use crate::diagnostics::escaped;
    let weighed = verdicts.iter().filter_map(|v| {
        let rule = info.get(v.rule.as_str())?;
        Some((v, rule.weight, rule.gate))
    });
    let want = crate::evaluate::score(weighed, pass_mark);
    let number = |score: Option<f64>| score.map_or("null".to_string(), |x| x.to_string());
    let names = |ids: &[String]| {
        let quoted: Vec<String> = ids
            .iter()
            .map(|id| format!("\"{}\"", escaped(id)))
            .collect();
        format!("[{}]", quoted.join(", "))
    };
    if saved.gates_failed != want.gates_failed {
        out.push(format!(
            "{at}.gates_failed is {}: expected {}, the gates among its verdicts that are not PASS",
            names(&saved.gates_failed),
            names(&want.gates_failed)
        ));
    }
    let close = match (saved.score, want.score) {
        (Some(a), Some(b)) => (a - b).abs() <= 1e-9,
        (a, b) => a.is_none() && b.is_none(),
    };
    if !close {
        out.push(format!(
            "{at}.score is {}: expected {}, the weighted share of PASS among its verdicts that are not SKIP (null when all are)",
            number(saved.score),
            number(want.score)
        ));
    }
    if saved.errors != want.errors {
        out.push(format!(
            "{at}.errors is {}: expected {}, its verdicts that are ERROR",
            saved.errors, want.errors
        ));
    }
    if saved.overall != want.overall {
        let why = if !want.gates_failed.is_empty() {
            format!("a gate failed: {}", want.gates_failed.join(", "))
        } else {
            match want.score {
                Some(x) => format!("score {x} against the pass mark {pass_mark}"),
                None => "every verdict is SKIP".to_string(),
            }
        };
        out.push(format!(
            "{at}.overall is {}: expected {}, as its verdicts give ({why})",
            saved.overall, want.overall
        ));
    }
}

/// Where `key` was first listed, if it was; else it is noted as listed at `i`.
fn listed_before<'a>(seen: &mut BTreeMap<&'a str, usize>, key: &'a str, i: usize) -> Option<usize> {
    match seen.entry(key) {
        std::collections::btree_map::Entry::Occupied(first) => Some(*first.get()),
        std::collections::btree_map::Entry::Vacant(slot) => {
            slot.insert(i);
            None
        }
    }
}
