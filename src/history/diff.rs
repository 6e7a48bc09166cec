//! What changed between two screens: verdicts that flipped (chain, rule, from → to, with both
//! reasons), chains whose overall verdict or score moved, chains that entered or left the
//! universe, and the sector's verdicts; with both sides' stamps, and notes when the two were
//! made with different rule packs, datasets (or data of other contents) or pass marks (then a
//! change may come from the rules or the data, not from time), with different rules (`--only`)
//! or when a side judged only the chains asked for (`--chains`: a chain it was not asked for
//! is not compared). A backtest's flips are the diffs of consecutive dates.

use crate::evaluate::{ScreenResult, Stamps, Status, Tally, Verdict};
use crate::rules::{RuleInfo, RuleScope};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

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
    /// What differs besides the date: the rule pack, the dataset or its contents, the pass
    /// mark, the rules run, the chains judged.
    pub notes: Vec<String>,
    /// Verdicts that changed, chains by slug then rules in the order of the screen, then the
    /// sector's rules.
    pub verdicts: Vec<Change>,
    /// Chains whose overall verdict or score changed, by slug.
    pub overall: Vec<OverallChange>,
    /// Chains judged after but not before, and the reverse, by slug; a chain a side was not
    /// asked to judge (`--chains`) is in neither.
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
    } else if b.as_of == a.as_of && b.dataset_hash != a.dataset_hash {
        // At one as-of date both saw the same rows of one dataset: other hashes are other
        // contents. (At two dates the hashes differ anyway: each covers the rows seen then.)
        notes.push(format!(
            "the data's contents differ (dataset {} of {}, content {} before, {} after): a change may come from a revision of the data, not from time",
            b.dataset,
            b.vintage,
            short(&b.dataset_hash),
            short(&a.dataset_hash)
        ));
    }
    if b.pass_mark != a.pass_mark {
        notes.push(format!(
            "the pass marks differ ({:.2} before, {:.2} after)",
            b.pass_mark, a.pass_mark
        ));
    }
    notes.extend(rules_note(before, after));
    let (judged_before, judged_after) = (Judged::of(before), Judged::of(after));
    notes.extend(chains_notes(&judged_before, &judged_after, before, after));
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
        // A chain a side was not asked to judge is not out of its universe: only not compared.
        entered: new
            .keys()
            .filter(|s| !old.contains_key(*s) && judged_before.would_judge(s))
            .map(|s| s.to_string())
            .collect(),
        left: old
            .keys()
            .filter(|s| !new.contains_key(*s) && judged_after.would_judge(s))
            .map(|s| s.to_string())
            .collect(),
        sector,
    }
}

/// Which chains of its universe a side judged.
enum Judged<'a> {
    /// Every chain (no `--chains`).
    All,
    /// Only the chains asked for with `--chains`.
    Asked(BTreeSet<&'a str>),
    /// None: the side ran no chain rule (a screen of sector rules alone).
    NoChainRule,
}

impl<'a> Judged<'a> {
    fn of(r: &'a ScreenResult) -> Judged<'a> {
        if !r.rules.iter().any(|x| x.scope == RuleScope::Chain) {
            return Judged::NoChainRule;
        }
        match &r.chains_asked {
            Some(asked) => Judged::Asked(asked.iter().map(String::as_str).collect()),
            // Saved before `chains_asked` was written: only a screen with `--chains` lists
            // chains it could not screen, and it judged every other chain it was asked for.
            None if !r.not_screened.is_empty() => Judged::Asked(
                r.chains
                    .iter()
                    .map(|c| c.slug.as_str())
                    .chain(r.not_screened.iter().map(|n| n.chain.as_str()))
                    .collect(),
            ),
            None => Judged::All,
        }
    }

    /// Whether the side would have judged `slug` had it been in its universe.
    fn would_judge(&self, slug: &str) -> bool {
        match self {
            Judged::All => true,
            Judged::Asked(asked) => asked.contains(slug),
            Judged::NoChainRule => false,
        }
    }
}

/// At most this many slugs are named in a note; the rest are counted.
const NAMED_IN_NOTE: usize = 10;

/// `ids` joined with commas, the first [`NAMED_IN_NOTE`] of them, then how many more.
fn named<'a>(ids: impl IntoIterator<Item = &'a str>) -> String {
    let ids: Vec<&str> = ids.into_iter().collect();
    let mut out = ids
        .iter()
        .take(NAMED_IN_NOTE)
        .copied()
        .collect::<Vec<_>>()
        .join(", ");
    if ids.len() > NAMED_IN_NOTE {
        out.push_str(&format!(" and {} more", ids.len() - NAMED_IN_NOTE));
    }
    out
}

/// The note when a side judged only some chains (`--chains`, or no chain rule at all): the
/// chains the other side judged beyond them are not compared, neither entered nor left.
fn chains_notes(
    judged_before: &Judged,
    judged_after: &Judged,
    before: &ScreenResult,
    after: &ScreenResult,
) -> Vec<String> {
    let mut out = Vec::new();
    if let (Judged::Asked(x), Judged::Asked(y)) = (judged_before, judged_after)
        && x == y
    {
        out.push(format!(
            "both sides judged only the chains asked for with --chains ({}): no other chain is compared",
            named(x.iter().copied())
        ));
        return out;
    }
    for (side, judged, other) in [
        ("before", judged_before, after),
        ("after", judged_after, before),
    ] {
        match judged {
            Judged::All => {}
            Judged::Asked(asked) => out.push(format!(
                "the {side} side judged only the chains asked for with --chains ({}): a chain it was not asked for is not compared, and neither entered nor left the universe",
                named(asked.iter().copied())
            )),
            Judged::NoChainRule if !other.chains.is_empty() => out.push(format!(
                "the {side} side ran no chain rule and judged no chain: chains are not compared, and none entered or left the universe"
            )),
            Judged::NoChainRule => {}
        }
    }
    out
}

/// The note when one side ran rules the other did not (`--only`, or another rule pack): their
/// verdicts are not compared, and overall verdicts and scores are taken over other rules.
fn rules_note(before: &ScreenResult, after: &ScreenResult) -> Option<String> {
    let only = |one: &ScreenResult, other: &ScreenResult| -> Vec<(String, RuleScope)> {
        one.rules
            .iter()
            .filter(|r| !other.rules.iter().any(|o| o.id == r.id))
            .map(|r| (r.id.clone(), r.scope))
            .collect()
    };
    let (only_before, only_after) = (only(before, after), only(after, before));
    if only_before.is_empty() && only_after.is_empty() {
        return None;
    }
    let mut sides = Vec::new();
    for (side, ids) in [("before", &only_before), ("after", &only_after)] {
        if !ids.is_empty() {
            sides.push(format!(
                "only the {side} side ran {} {}",
                if ids.len() == 1 {
                    "the rule"
                } else {
                    "the rules"
                },
                named(ids.iter().map(|(id, _)| id.as_str()))
            ));
        }
    }
    // Whose overall verdicts and scores, compared, rest on rules of one side only.
    let scoped = |scope| {
        only_before
            .iter()
            .chain(&only_after)
            .any(|(_, s)| *s == scope)
    };
    let chains = scoped(RuleScope::Chain) && !before.chains.is_empty() && !after.chains.is_empty();
    let sector = scoped(RuleScope::Sector) && before.sector.is_some() && after.sector.is_some();
    let whose = match (chains, sector) {
        (true, true) => {
            ", and the chains' and the sector's overall verdicts and scores are taken over different rules"
        }
        (true, false) => {
            ", and the chains' overall verdicts and scores are taken over different rules"
        }
        (false, true) => {
            ", and the sector's overall verdict and score are taken over different rules"
        }
        (false, false) => "",
    };
    Some(format!(
        "{}: their verdicts are not compared{whose}",
        sides.join("; ")
    ))
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
            out.push(format!(
                "{field} is {}: expected a number from 0 to 1",
                crate::diagnostics::number(value)
            ));
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
    // A weight screen.toml could not set: the scores it gives are not compared (each would
    // be a problem of its own, hiding the one that explains them).
    let mut weights_ok = true;
    for (i, r) in result.rules.iter().enumerate() {
        if !(r.weight > 0.0 && r.weight <= crate::rules::screen_file::MAX_WEIGHT) {
            weights_ok = false;
            out.push(format!(
                "rules[{i}].weight is {}: expected a number greater than 0 and at most 1000000, as screen.toml's weights are",
                crate::diagnostics::number(r.weight)
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
        if out.len() == before && weights_ok {
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
    if let Some(asked) = &result.chains_asked {
        asked_problems(result, asked, &mut out);
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
        if out.len() == before && weights_ok {
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

/// What makes a saved result's `chains_asked` other than the chains it judged and those it
/// could not screen: a chain asked for missing from both would read as one that left the
/// universe, a chain judged but not asked for as one not compared.
fn asked_problems(result: &ScreenResult, asked: &[String], out: &mut Vec<String>) {
    use crate::diagnostics::escaped;
    let mut seen: BTreeMap<&str, usize> = BTreeMap::new();
    for (i, slug) in asked.iter().enumerate() {
        if let Some(first) = listed_before(&mut seen, slug, i) {
            out.push(format!(
                "chains_asked[{i}] \"{}\" is listed twice (first at chains_asked[{first}]): expected each chain once",
                escaped(slug)
            ));
        }
    }
    let unasked = |at: String, slug: &str, out: &mut Vec<String>| {
        if !seen.contains_key(slug) {
            out.push(format!(
                "{at} \"{}\" is not among chains_asked: expected only the chains the screen was asked to judge",
                escaped(slug)
            ));
        }
    };
    for (i, c) in result.chains.iter().enumerate() {
        unasked(format!("chains[{i}].slug"), &c.slug, out);
    }
    for (i, n) in result.not_screened.iter().enumerate() {
        unasked(format!("not_screened[{i}].chain"), &n.chain, out);
    }
    // A screen of sector rules alone judges no chain, whichever were asked for.
    if result.rules.iter().any(|r| r.scope == RuleScope::Chain) {
        for (i, slug) in asked.iter().enumerate() {
            let judged = result.chains.iter().any(|c| &c.slug == slug);
            let not_screened = result.not_screened.iter().any(|n| &n.chain == slug);
            if !judged && !not_screened && seen.get(slug.as_str()) == Some(&i) {
                out.push(format!(
                    "chains_asked[{i}] \"{}\" is in neither chains nor not_screened: expected a result, or why there is none, for each chain asked for",
                    escaped(slug)
                ));
            }
        }
    }
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
    let number = |score: Option<f64>| score.map_or("null".to_string(), crate::diagnostics::number);
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
