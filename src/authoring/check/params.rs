//! The parameters screen.toml sets for each rule, with where each key is written. Read
//! leniently (any other mistake in screen.toml is the loader's to report), so parameter names
//! are still checked when, say, a weight is wrong. A parameter its rule never reads changes
//! nothing, but it is usually a misspelling or a leftover: a warning at its key.

use super::names::Names;
use crate::diagnostics::{Diagnostic, line_col};
use crate::rules::api::params::ParamTable;
use crate::rules::pack::SourceFile;
use std::collections::BTreeMap;
use std::sync::Arc;

/// A parameter key and where it is written.
struct ParamKey {
    name: String,
    line: usize,
    column: usize,
}

/// The `params` of every `[rules.<id>]` table of screen.toml.
pub struct ParamSettings {
    keys: BTreeMap<String, Vec<ParamKey>>,
    values: BTreeMap<String, toml::Table>,
}

impl ParamSettings {
    /// `None` when screen.toml is not TOML.
    pub fn read(screen: &SourceFile) -> Option<ParamSettings> {
        let text = &screen.text;
        let values: toml::Table = toml::from_str(text).ok()?;
        let spans = toml::de::DeTable::parse(text).ok()?;
        let rule_spans = spans
            .get_ref()
            .get("rules")
            .and_then(|r| r.get_ref().as_table());
        let mut out = ParamSettings {
            keys: BTreeMap::new(),
            values: BTreeMap::new(),
        };
        let rules = values.get("rules").and_then(toml::Value::as_table);
        for (id, rule) in rules.into_iter().flatten() {
            let params = rule
                .get("params")
                .and_then(toml::Value::as_table)
                .cloned()
                .unwrap_or_default();
            let keys = rule_spans
                .and_then(|r| r.get(id.as_str()))
                .and_then(|r| r.get_ref().get("params"))
                .and_then(|p| p.get_ref().as_table())
                .map(|p| {
                    p.iter()
                        .map(|(k, _)| {
                            let (line, column) = line_col(text, k.span().start);
                            ParamKey {
                                name: k.get_ref().to_string(),
                                line,
                                column,
                            }
                        })
                        .collect()
                })
                .unwrap_or_default();
            out.keys.insert(id.clone(), keys);
            out.values.insert(id.clone(), params);
        }
        Some(out)
    }

    /// The rule's parameters, when screen.toml has a `[rules.<id>]` table.
    pub fn table(&self, id: &str) -> Option<Arc<ParamTable>> {
        self.values
            .get(id)
            .map(|t| Arc::new(ParamTable::from_toml(id, t)))
    }

    /// A warning for every parameter its rule never reads. Rules without a file (the loader
    /// reports those) and rules that compute parameter names are left out.
    pub fn unread(&self, screen: &SourceFile, names: &Names) -> Vec<Diagnostic> {
        let mut out = Vec::new();
        for (id, keys) in &self.keys {
            let Some(rule_file) = names.declared.get(id) else {
                continue;
            };
            if names.computed.contains(id) {
                continue;
            }
            let reads = names.reads.get(id);
            for key in keys
                .iter()
                .filter(|k| !reads.is_some_and(|r| r.contains(&k.name)))
            {
                // A key holding a control or reordering character is an error of its own; its
                // name is shown here as symbols, as every message quotes one.
                let name = crate::diagnostics::displayable(key.name.clone());
                out.push(
                    Diagnostic::at(
                        &screen.path,
                        &screen.text,
                        key.line,
                        key.column,
                        format!(
                            "param `{name}` of rule `{id}` is never read: {rule_file} has no `params.{name}` (remove it, or read it)"
                        ),
                    )
                    .warning(),
                );
            }
        }
        out
    }
}
