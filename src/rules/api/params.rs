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
    /// Each parameter as the rule reads it, as JSON, and as a verdict lists it (see
    /// [`listed`]).
    entries: BTreeMap<String, (Dynamic, serde_json::Value, serde_json::Value)>,
}

impl ParamTable {
    pub fn from_toml(rule: &str, table: &toml::Table) -> ParamTable {
        let entries = table
            .iter()
            .map(|(k, v)| {
                let json = toml_to_json(v);
                let shown = listed(&json);
                (k.clone(), (toml_to_dynamic(v), json, shown))
            })
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
            .map(|(k, (_, j, _))| (k.clone(), j.clone()))
            .collect()
    }
}

/// A parameter's value as a verdict lists it: itself when its JSON text is at most
/// `MAX_PARAM_BYTES`, else that text's start and its size, as a string. Every verdict of the
/// rule lists what it read, so a large value would be written once per chain; its whole value
/// is the rule's (`rules[].params` of a screen).
fn listed(json: &serde_json::Value) -> serde_json::Value {
    use crate::rules::limits::{MAX_PARAM_BYTES, MAX_VALUE_BYTES, bounded};
    let text = json.to_string();
    if text.len() <= MAX_PARAM_BYTES {
        return json.clone();
    }
    serde_json::Value::String(format!(
        "{} ({} bytes of JSON: the whole value is the rule's params)",
        bounded(&text, MAX_VALUE_BYTES),
        crate::rules::format::num(text.len() as f64)
    ))
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
            Some((value, _, shown)) => {
                self.trace.param(&name, || shown.clone());
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

    /// `params.<name> = v` and `params["name"] = v`, defined or not, and a parameter's value
    /// changed in place (`params.list.push(x)`): refused as read-only. Rhai also hands back a
    /// value a method was called on (`params.list.len()`) to this setter "in case it changed":
    /// the same value as the parameter's is let through.
    pub fn set(
        &mut self,
        name: ImmutableString,
        value: Dynamic,
    ) -> Result<(), Box<rhai::EvalAltResult>> {
        match self.table.entries.get(name.as_str()) {
            Some((stored, ..)) if same(stored, &value) => Ok(()),
            _ => Err(api_error(read_only(&name, &self.table.rule))),
        }
    }
}

/// The message for a change to the parameter `name` of `rule`.
pub fn read_only(name: &str, rule: &str) -> String {
    format!(
        "`params.{name}` cannot be changed: parameters are read-only, set in screen.toml under [rules.{rule}.params] (copy the value into a variable: `let x = params.{name};`)"
    )
}

/// Whether two values a parameter can hold (see [`toml_to_dynamic`]) are the same; a float is
/// compared by its bits, so that a NaN is the same as itself.
fn same(a: &Dynamic, b: &Dynamic) -> bool {
    if a.type_id() != b.type_id() {
        return false;
    }
    if let (Some(x), Some(y)) = (a.read_lock::<rhai::Array>(), b.read_lock::<rhai::Array>()) {
        return x.len() == y.len() && x.iter().zip(y.iter()).all(|(x, y)| same(x, y));
    }
    if let (Some(x), Some(y)) = (a.read_lock::<rhai::Map>(), b.read_lock::<rhai::Map>()) {
        return x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| same(v, w)));
    }
    if let (Ok(x), Ok(y)) = (a.as_float(), b.as_float()) {
        return x.to_bits() == y.to_bits();
    }
    if let (Ok(x), Ok(y)) = (a.as_int(), b.as_int()) {
        return x == y;
    }
    if let (Ok(x), Ok(y)) = (a.as_bool(), b.as_bool()) {
        return x == y;
    }
    match (
        a.read_lock::<ImmutableString>(),
        b.read_lock::<ImmutableString>(),
    ) {
        (Some(x), Some(y)) => *x == *y,
        _ => false,
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

#[cfg(test)]
mod tests {
    use super::*;

    /// A large parameter is listed with a verdict as its start and size; the rule reads it
    /// whole, and `rules[].params` shows it whole.
    #[test]
    fn a_large_parameter_is_listed_short() {
        let big = "x".repeat(2_000);
        let table: toml::Table =
            toml::from_str(&format!("small = [1, 2]\nbig = \"{big}\"\n")).unwrap();
        let t = ParamTable::from_toml("r", &table);
        let (value, json, shown) = &t.entries["big"];
        assert_eq!(value.clone().into_string().unwrap(), big);
        assert_eq!(json, &serde_json::Value::String(big.clone()));
        let shown = shown.as_str().unwrap();
        assert!(shown.starts_with("\"xxx"), "{shown}");
        assert!(
            shown.ends_with("… (2,002 bytes of JSON: the whole value is the rule's params)"),
            "{shown}"
        );
        assert_eq!(t.entries["small"].2, serde_json::json!([1, 2]));
        assert_eq!(t.to_json()["big"], serde_json::Value::String(big));
    }
}
