//! The names a rule reads, checked twice: in its source (every branch, see `scan`) and in the
//! ERROR verdicts of evaluating it on every chain (names built at run time or handed to
//! helpers, `peers.median("tvl")`). Both passes give the evaluator's own words and point at
//! the name itself; a place found by both is reported once. Along the way it records which
//! parameters each rule reads, for the unread-parameter warning.

use super::params::ParamSettings;
use super::scan::{self, Read};
use crate::diagnostics::Diagnostic;
use crate::evaluate::{self, ScreenOptions, Status, Verdict};
use crate::features::Universe;
use crate::rules::api::ApiError;
use crate::rules::api::params::{ParamTable, Params};
use crate::rules::api::peers::{self, Peers};
use crate::rules::api::trace::Trace;
use crate::rules::api::world::World;
use crate::rules::front_matter;
use crate::rules::pack::{RulePack, SourceFile};
use anyhow::Context as _;
use rhai::EvalAltResult;
use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::sync::Arc;

/// What the two passes found.
#[derive(Default)]
pub struct Names {
    seen: HashSet<(String, usize, usize)>,
    /// Unknown names, one per place, the first found winning.
    pub problems: Vec<Diagnostic>,
    /// Rule id → the parameters it reads (in its source or while evaluating).
    pub reads: BTreeMap<String, BTreeSet<String>>,
    /// Rules that read parameters by computed names (`params[name]`).
    pub computed: BTreeSet<String>,
    /// Rule id → its file, for every file whose header reads.
    pub declared: BTreeMap<String, String>,
}

impl Names {
    /// Check the names in the source of every rule file whose header reads.
    pub fn scan(
        &mut self,
        files: &[SourceFile],
        settings: Option<&ParamSettings>,
        world: &Arc<World>,
    ) {
        for file in files {
            let Ok(header) = front_matter::parse(&file.path, &file.text) else {
                continue; // the loader reports the header
            };
            let id = header.id;
            self.declared
                .entry(id.clone())
                .or_insert_with(|| file.path.clone());
            let table = settings.and_then(|s| s.table(&id));
            let found = scan::scan(&file.text, header.scope);
            if found.computed_params {
                self.computed.insert(id.clone());
            }
            // A parameter the rule tests with `params.has("name")` is optional to it: its reads
            // are checked by evaluating (an ERROR there if a chain reads it undefined).
            let tested: HashSet<String> = found
                .references
                .iter()
                .filter(|r| r.read == Read::ParamTest)
                .map(|r| r.name.clone())
                .collect();
            for r in found.references {
                let message = match r.read {
                    Read::Field => world.field(&r.name).err(),
                    Read::Series => world.series_slot(&r.name).err(),
                    Read::Peers => unknown_peers_property(world, &r.name),
                    Read::LinkKind => unknown_link_kind(&r.name),
                    // Said for every rule and name: "not defined, add it to screen.toml" would
                    // send the author to define what the rule must not change.
                    Read::ParamWrite => Some(crate::rules::api::params::read_only(&r.name, &id)),
                    Read::Param | Read::ParamTest => {
                        self.read_param(&id, &r.name);
                        match (&table, r.read) {
                            (Some(t), Read::Param) if !tested.contains(&r.name) => {
                                unknown_param(t, &r.name)
                            }
                            _ => None,
                        }
                    }
                };
                if let Some(message) = message {
                    self.push(file, r.line, r.column, message);
                }
            }
        }
    }

    /// Evaluate every rule of `pack` on every chain (and the sector) and keep the unknown
    /// names its ERROR verdicts report; every other ERROR is a problem too, at its place,
    /// with the chains it happened on (a screen would ERROR there).
    pub fn evaluate(
        &mut self,
        pack: &RulePack,
        universe: &Universe,
        files: &[SourceFile],
    ) -> anyhow::Result<()> {
        let result = evaluate::screen(pack, universe, &ScreenOptions::default())
            .context("evaluating the rules on every chain")?;
        let verdicts = result
            .chains
            .iter()
            .flat_map(|c| c.verdicts.iter().map(move |v| (Some(c.slug.as_str()), v)))
            .chain(
                result
                    .sector
                    .iter()
                    .flat_map(|s| s.verdicts.iter().map(|v| (None, v))),
            );
        // Other ERRORs by place, and at one place by what they say (the chain's slug left out:
        // "missing for degate3" and "missing for loopring" are one problem, a type mismatch on
        // other chains another): the first message of each, and the chains it happened on.
        type Said = Vec<(String, String, Vec<String>)>;
        let mut errors: BTreeMap<(String, usize, usize), Said> = BTreeMap::new();
        for (chain, v) in verdicts {
            for name in v.params.keys() {
                self.read_param(&v.rule, name);
            }
            if let Some((file, line, column, message)) = unknown_name_error(v, files) {
                self.push(file, line, column, message);
            } else if v.status == Status::Error
                // A rule that does not compile is reported once, by the loader.
                && pack.compiled(&v.rule).is_some_and(|r| r.broken.is_none())
                && let Some((file, line, column)) = place(v, files)
            {
                let said = errors.entry((file.path.clone(), line, column)).or_default();
                let on = chain.unwrap_or("the sector").to_string();
                let kind = match chain {
                    Some(slug) => without_slug(&v.reason, slug),
                    None => v.reason.clone(),
                };
                // The same words on another chain are the same problem too: a message that
                // names a peer is written with the slug of the chain it was judged on.
                match said
                    .iter_mut()
                    .find(|(k, first, _)| *k == kind || *first == v.reason)
                {
                    Some((_, _, chains)) => chains.push(on),
                    None => said.push((kind, v.reason.clone(), vec![on])),
                }
            }
        }
        let shown = |chains: &[String]| match chains.len() {
            1 => chains[0].clone(),
            n if n <= 3 => crate::rules::format::list(chains),
            n => format!("{}, {} and {} more", chains[0], chains[1], n - 2),
        };
        for ((path, line, column), mut said) in errors {
            let Some(file) = files.iter().find(|f| f.path == path) else {
                continue;
            };
            // The problem of most chains first (the first seen, between equals).
            said.sort_by_key(|(_, _, chains)| std::cmp::Reverse(chains.len()));
            let mut message = String::new();
            for (i, (_, first, chains)) in said.iter().enumerate() {
                if i == 0 {
                    message = format!("{first} (a screen gives ERROR here: on {})", shown(chains));
                } else {
                    message.push_str(&format!("; and on {}: {first}", shown(chains)));
                }
            }
            self.push(file, line, column, message);
        }
        Ok(())
    }

    fn read_param(&mut self, rule: &str, name: &str) {
        self.reads
            .entry(rule.to_string())
            .or_default()
            .insert(name.to_string());
    }

    fn push(&mut self, file: &SourceFile, line: usize, column: usize, message: String) {
        if self.seen.insert((file.path.clone(), line, column)) {
            self.problems.push(Diagnostic::at(
                &file.path, &file.text, line, column, message,
            ));
        }
    }
}

/// The message for `chain.links("<kind>")` when `kind` is not a link kind, as the evaluation
/// gives it.
fn unknown_link_kind(kind: &str) -> Option<String> {
    let kinds = crate::dataset::vocabulary::LINK_KINDS;
    if kinds.contains(&kind) {
        return None;
    }
    let hint = crate::diagnostics::suggestion(kind, kinds.iter().copied())
        .map_or(String::new(), |s| format!(": {s}"));
    Some(format!(
        "chain.links(\"{kind}\"): no link kind `{kind}`{hint} (kinds: {})",
        kinds.join(", ")
    ))
}

/// The message for `peers.<name>` when `name` is not a property.
fn unknown_peers_property(world: &Arc<World>, name: &str) -> Option<String> {
    if peers::PROPERTIES.contains(&name) {
        return None;
    }
    let mut p = Peers::all(world.clone(), Trace::default());
    p.property(name.into()).err().map(|e| api_message(&e))
}

/// The message for `params.<name>` when the rule's table does not define it.
fn unknown_param(table: &Arc<ParamTable>, name: &str) -> Option<String> {
    let mut p = Params::new(table.clone(), Trace::default());
    if p.has(name) {
        return None;
    }
    p.get(name.into()).err().map(|e| api_message(&e))
}

fn api_message(err: &EvalAltResult) -> String {
    match err {
        EvalAltResult::ErrorRuntime(value, _) => value
            .read_lock::<ApiError>()
            .map_or_else(|| value.to_string(), |e| e.0.clone()),
        other => other.to_string(),
    }
}

/// The rule file, line and column of an ERROR verdict's location.
fn place<'f>(v: &Verdict, files: &'f [SourceFile]) -> Option<(&'f SourceFile, usize, usize)> {
    let mut parts = v.location.as_deref()?.rsplitn(3, ':');
    let column: usize = parts.next()?.parse().ok()?;
    let line: usize = parts.next()?.parse().ok()?;
    let path = parts.next()?;
    let file = files.iter().find(|f| f.file_name() == path)?;
    Some((file, line, column))
}

/// An ERROR verdict about an unknown field, series, peers property or link kind, or about a
/// parameter read undefined or changed: the evaluation places it at the name, as the scan does.
fn unknown_name_error<'f>(
    v: &Verdict,
    files: &'f [SourceFile],
) -> Option<(&'f SourceFile, usize, usize, String)> {
    if v.status != Status::Error {
        return None;
    }
    evaluate::named_in_error(&v.reason)?;
    let (file, line, column) = place(v, files)?;
    Some((file, line, column, v.reason.clone()))
}

/// `reason` with each mention of the chain `slug` as a word of its own (not inside another
/// word: `ink` in "kinds" is no mention of the chain ink) replaced by a NUL: what an error says
/// whichever chain it happened on.
fn without_slug(reason: &str, slug: &str) -> String {
    if slug.is_empty() {
        return reason.to_string();
    }
    let word = |c: char| c.is_ascii_alphanumeric() || c == '_' || c == '-';
    let mut out = String::with_capacity(reason.len());
    let mut rest = reason;
    while let Some(at) = rest.find(slug) {
        let (before, after) = (&rest[..at], &rest[at + slug.len()..]);
        let alone = !before.chars().next_back().is_some_and(word)
            && !after.chars().next().is_some_and(word);
        out.push_str(before);
        out.push_str(if alone { "\u{0}" } else { slug });
        rest = after;
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_slug_is_left_out_only_where_it_is_a_word() {
        assert_eq!(
            without_slug("missing for ink; kinds: ink-2, ink.", "ink"),
            "missing for \u{0}; kinds: ink-2, \u{0}."
        );
        assert_eq!(without_slug("ink", "ink"), "\u{0}");
        assert_eq!(without_slug("no mention", "ink"), "no mention");
    }
}
