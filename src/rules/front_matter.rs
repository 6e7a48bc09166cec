//! The `//!` header of a rule file: `key: value` lines naming the rule, with indented
//! continuation lines. The header is what memos quote (title, why) and what screen.toml refers
//! to (id), so every key is checked here and an unknown key is an error, not a silent no-op.

use crate::diagnostics::{Diagnostic, code_point, did_you_mean, unprintable};
use serde::Serialize;

/// Whether a rule judges one chain at a time or the whole sector.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RuleScope {
    /// `fn rule(chain, params, peers)`, called once per chain.
    Chain,
    /// `fn sector(peers, params)`, called once per screen.
    Sector,
}

impl RuleScope {
    pub fn as_str(self) -> &'static str {
        match self {
            RuleScope::Chain => "chain",
            RuleScope::Sector => "sector",
        }
    }

    /// The entry function a rule file of this scope must define, and its parameters.
    pub fn entry(self) -> (&'static str, &'static [&'static str]) {
        match self {
            RuleScope::Chain => ("rule", &["chain", "params", "peers"]),
            RuleScope::Sector => ("sector", &["peers", "params"]),
        }
    }
}

/// The parsed header of one rule file.
#[derive(Clone, Debug, PartialEq)]
pub struct FrontMatter {
    pub id: String,
    pub title: String,
    pub category: String,
    pub why: String,
    pub scope: RuleScope,
}

const KEYS: &[&str] = &["id", "title", "category", "why", "scope"];
const REQUIRED: &[&str] = &["id", "title", "category", "why"];

/// Parse the leading `//!` lines of `source`; every problem is returned, each with its place.
pub fn parse(file: &str, source: &str) -> Result<FrontMatter, Vec<Diagnostic>> {
    let mut errors = Vec::new();
    // (key, value, line, value column)
    let mut entries: Vec<(String, String, usize, usize)> = Vec::new();
    // Keys of lines refused for a character they hold: there, not missing.
    let mut refused: Vec<String> = Vec::new();
    for (i, raw) in source.lines().enumerate() {
        let line_no = i + 1;
        let Some(rest) = raw.trim_start().strip_prefix("//!") else {
            break;
        };
        // Memos, lists and terminals show the header as it is written.
        if let Some((at, c)) = unprintable(raw) {
            errors.push(Diagnostic::at(
                file,
                source,
                line_no,
                at + 1,
                format!(
                    "the rule header holds the character {}: a header is plain text on each line",
                    code_point(c)
                ),
            ));
            if let Some((key, _)) = rest.split_once(':') {
                refused.push(key.trim().to_string());
            }
            continue;
        }
        let indent = raw.len() - raw.trim_start().len() + 3;
        if rest.trim().is_empty() {
            continue;
        }
        let body = rest.strip_prefix(' ').unwrap_or(rest);
        if body.starts_with([' ', '\t']) {
            match entries.last_mut() {
                Some(last) => {
                    last.1.push(' ');
                    last.1.push_str(body.trim());
                }
                None => errors.push(Diagnostic::at(
                    file,
                    source,
                    line_no,
                    indent + 1,
                    "a continuation line needs a `key: value` line before it",
                )),
            }
            continue;
        }
        let offset = indent + (rest.len() - body.len());
        let Some((key, value)) = body.split_once(':') else {
            errors.push(Diagnostic::at(
                file,
                source,
                line_no,
                offset + 1,
                format!(
                    "expected `key: value` in the rule header, found `{}`",
                    body.trim()
                ),
            ));
            continue;
        };
        let key = key.trim();
        if !KEYS.contains(&key) {
            let hint = did_you_mean(key, KEYS.iter().copied())
                .map(|k| format!(": did you mean `{k}`?"))
                .unwrap_or_default();
            errors.push(Diagnostic::at(
                file,
                source,
                line_no,
                offset + 1,
                format!(
                    "unknown key `{key}` in the rule header (expected {}){hint}",
                    list(KEYS)
                ),
            ));
            continue;
        }
        if entries.iter().any(|(k, ..)| k == key) {
            errors.push(Diagnostic::at(
                file,
                source,
                line_no,
                offset + 1,
                format!("`{key}` is given twice in the rule header"),
            ));
            continue;
        }
        let value_col = offset + key.len() + 2 + (value.len() - value.trim_start().len());
        entries.push((
            key.to_string(),
            value.trim().to_string(),
            line_no,
            value_col,
        ));
    }

    let get = |k: &str| entries.iter().find(|(key, ..)| key == k);
    for key in REQUIRED {
        match get(key) {
            None if refused.iter().any(|k| k == key) => {}
            None => errors.push(Diagnostic::file(
                file,
                format!("the rule header has no `{key}:` line (a rule file starts with `//! id:`, `//! title:`, `//! category:` and `//! why:` lines)"),
            )),
            Some((_, value, line, col)) if value.is_empty() => {
                errors.push(Diagnostic::at(file, source, *line, *col, format!("`{key}` is empty")))
            }
            Some(_) => {}
        }
    }
    if let Some((_, id, line, col)) = get("id")
        && !id.is_empty()
        && !valid_id(id)
    {
        errors.push(Diagnostic::at(
            file,
            source,
            *line,
            *col,
            format!(
                "rule id `{id}` must be lowercase letters, digits and `_`, starting with a letter"
            ),
        ));
    }
    if let Some((_, id, line, col)) = get("id")
        && RESERVED_IDS.contains(&id.as_str())
    {
        errors.push(Diagnostic::at(
            file,
            source,
            *line,
            *col,
            format!(
                "rule id `{id}` is reserved: a backtest's flips name a chain's overall verdict `overall` and its entering or leaving the universe `universe`, beside the rules' ids; choose another id"
            ),
        ));
    }
    let scope = match get("scope").map(|(_, v, line, col)| (v.as_str(), *line, *col)) {
        None | Some(("chain", ..)) => RuleScope::Chain,
        Some(("sector", ..)) => RuleScope::Sector,
        Some((other, line, col)) => {
            errors.push(Diagnostic::at(
                file,
                source,
                line,
                col,
                format!("scope must be `chain` or `sector`, found `{other}`"),
            ));
            RuleScope::Chain
        }
    };
    if !errors.is_empty() {
        return Err(errors);
    }
    let value = |k: &str| get(k).map(|(_, v, ..)| v.clone()).unwrap_or_default();
    Ok(FrontMatter {
        id: value("id"),
        title: value("title"),
        category: value("category"),
        why: value("why"),
        scope,
    })
}

/// Ids a rule may not take: the backtest names its own rows with them, beside the rules'.
pub const RESERVED_IDS: &[&str] = &["overall", "universe"];

/// `[a-z][a-z0-9_]*`
pub fn valid_id(id: &str) -> bool {
    let mut chars = id.chars();
    chars.next().is_some_and(|c| c.is_ascii_lowercase())
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

fn list(items: &[&str]) -> String {
    items
        .iter()
        .map(|k| format!("`{k}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = "//! id: token_existence\n//! title: Has a token\n//! category: token\n//! why: Without a token\n//!   there is nothing to invest in.\nfn rule(chain, params, peers) { pass(\"ok\") }\n";

    #[test]
    fn parses_keys_and_joins_continuation_lines() {
        let fm = parse("a.rhai", GOOD).unwrap();
        assert_eq!(fm.id, "token_existence");
        assert_eq!(fm.why, "Without a token there is nothing to invest in.");
        assert_eq!(fm.scope, RuleScope::Chain);
    }

    #[test]
    fn a_control_or_reordering_character_in_the_header_is_an_error_at_it() {
        for (bad, column, name) in [
            ("\u{1b}]0;x\u{7}", 21, "U+001B"),
            ("\u{202E}", 21, "U+202E"),
        ] {
            let src = GOOD.replace(
                "//! title: Has a token",
                &format!("//! title: Has a tok{bad}en"),
            );
            let errs = parse("a.rhai", &src).unwrap_err();
            assert_eq!(
                (errs[0].line, errs[0].column, errs[0].message.as_str()),
                (
                    2,
                    column,
                    format!("the rule header holds the character {name}: a header is plain text on each line").as_str()
                )
            );
            // The line refused is there: its key is not also said to be missing.
            assert_eq!(errs.len(), 1, "{errs:?}");
        }
    }

    #[test]
    fn sector_scope() {
        let src = GOOD.replace(
            "//! category: token",
            "//! category: sector\n//! scope: sector",
        );
        assert_eq!(parse("a.rhai", &src).unwrap().scope, RuleScope::Sector);
    }

    #[test]
    fn unknown_key_is_an_error_with_place_and_suggestion() {
        let src = GOOD.replace("//! title:", "//! titel:");
        let errs = parse("rules/a.rhai", &src).unwrap_err();
        let text: Vec<String> = errs.iter().map(|e| e.to_string()).collect();
        assert_eq!(
            text[0],
            "rules/a.rhai:2:5: error: unknown key `titel` in the rule header (expected `id`, `title`, `category`, `why`, `scope`): did you mean `title`?\n  |\n2 | //! titel: Has a token\n  |     ^"
        );
        assert_eq!(
            text[1],
            "rules/a.rhai: error: the rule header has no `title:` line (a rule file starts with `//! id:`, `//! title:`, `//! category:` and `//! why:` lines)"
        );
    }

    #[test]
    fn bad_id_and_bad_scope() {
        let src = GOOD.replace("token_existence", "Token-Existence").replace(
            "//! category: token",
            "//! category: token\n//! scope: universe",
        );
        let errs = parse("a.rhai", &src).unwrap_err();
        assert_eq!(
            errs[0].message,
            "rule id `Token-Existence` must be lowercase letters, digits and `_`, starting with a letter"
        );
        assert_eq!((errs[0].line, errs[0].column), (1, 9));
        assert_eq!(
            errs[1].message,
            "scope must be `chain` or `sector`, found `universe`"
        );
    }

    /// The ids the backtest names its own rows with are refused at the id.
    #[test]
    fn reserved_ids_are_refused() {
        for id in RESERVED_IDS {
            let errs = parse("a.rhai", &GOOD.replace("token_existence", id)).unwrap_err();
            assert_eq!((errs[0].line, errs[0].column), (1, 9));
            assert!(
                errs[0]
                    .message
                    .starts_with(&format!("rule id `{id}` is reserved: ")),
                "{}",
                errs[0].message
            );
        }
    }
}
