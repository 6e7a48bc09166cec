//! `params`: a rule's parameters from its `[rules.<id>.params]` table in screen.toml, so that
//! thresholds live in settings, not code. Reading a parameter the table does not define is an
//! error naming it (a typo must not silently become `()`), and every read is recorded with the
//! verdict.

use super::api_error;
use super::trace::Trace;
use crate::diagnostics::did_you_mean;
use rhai::{Dynamic, ImmutableString};
use std::collections::BTreeMap;
use std::sync::Arc;

/// One rule's parameters, converted once at load time for Rhai and for JSON output.
#[derive(Debug)]
pub struct ParamTable {
    rule: String,
    entries: BTreeMap<String, (Dynamic, serde_json::Value)>,
}

impl ParamTable {
    pub fn from_toml(rule: &str, table: &toml::Table) -> ParamTable {
        let entries = table
            .iter()
            .map(|(k, v)| (k.clone(), (toml_to_dynamic(v), toml_to_json(v))))
            .collect();
        ParamTable {
            rule: rule.to_string(),
            entries,
        }
    }

    /// All parameters as JSON values (what `moat rules` and memos show).
    pub fn to_json(&self) -> BTreeMap<String, serde_json::Value> {
        self.entries
            .iter()
            .map(|(k, (_, j))| (k.clone(), j.clone()))
            .collect()
    }
}

/// `params.<name>` is `params["name"]`: a getter for each parameter name the pack's screen.toml
/// declares (for any rule), so that rhai finds the property at once instead of building the
/// error of a missing getter before it falls back to the indexer. A name another rule declares
/// but this one does not is refused by [`Params::get`] as through the indexer.
pub fn register_getters<'a>(engine: &mut rhai::Engine, names: impl IntoIterator<Item = &'a str>) {
    let names: std::collections::BTreeSet<&str> = names.into_iter().collect();
    for name in names {
        let key = ImmutableString::from(name);
        engine.register_get(name, move |p: &mut Params| p.get(key.clone()));
    }
}

#[derive(Clone)]
pub struct Params {
    table: Arc<ParamTable>,
    trace: Trace,
}

impl Params {
    pub fn new(table: Arc<ParamTable>, trace: Trace) -> Params {
        Params { table, trace }
    }

    /// `params.<name>` / `params["name"]`
    pub fn get(&mut self, name: ImmutableString) -> Result<Dynamic, Box<rhai::EvalAltResult>> {
        match self.table.entries.get(name.as_str()) {
            Some((value, json)) => {
                self.trace.param(&name, || json.clone());
                Ok(value.clone())
            }
            None => {
                let rule = &self.table.rule;
                let hint = did_you_mean(&name, self.table.entries.keys().map(String::as_str))
                    .map(|s| format!(" (did you mean `{s}`?)"))
                    .unwrap_or_default();
                Err(api_error(format!(
                    "param `{name}` is not defined for rule `{rule}`{hint}: add `{name} = …` under [rules.{rule}.params] in screen.toml"
                )))
            }
        }
    }

    /// `params.has("name")`
    pub fn has(&mut self, name: &str) -> bool {
        self.table.entries.contains_key(name)
    }
}

fn toml_to_dynamic(v: &toml::Value) -> Dynamic {
    match v {
        toml::Value::String(s) => Dynamic::from(s.clone()),
        toml::Value::Integer(i) => Dynamic::from(*i),
        toml::Value::Float(x) => Dynamic::from(*x),
        toml::Value::Boolean(b) => Dynamic::from(*b),
        toml::Value::Datetime(d) => Dynamic::from(d.to_string()),
        toml::Value::Array(items) => {
            Dynamic::from(items.iter().map(toml_to_dynamic).collect::<rhai::Array>())
        }
        toml::Value::Table(t) => Dynamic::from(
            t.iter()
                .map(|(k, v)| (k.as_str().into(), toml_to_dynamic(v)))
                .collect::<rhai::Map>(),
        ),
    }
}

fn toml_to_json(v: &toml::Value) -> serde_json::Value {
    use serde_json::Value as J;
    match v {
        toml::Value::String(s) => J::String(s.clone()),
        toml::Value::Integer(i) => J::from(*i),
        toml::Value::Float(x) => serde_json::Number::from_f64(*x).map_or(J::Null, J::Number),
        toml::Value::Boolean(b) => J::Bool(*b),
        toml::Value::Datetime(d) => J::String(d.to_string()),
        toml::Value::Array(items) => J::Array(items.iter().map(toml_to_json).collect()),
        toml::Value::Table(t) => J::Object(
            t.iter()
                .map(|(k, v)| (k.clone(), toml_to_json(v)))
                .collect(),
        ),
    }
}
