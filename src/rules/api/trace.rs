//! What one evaluation read: the evidence behind its verdict. Every field read, helper result
//! and parameter goes through here, so authors never type evidence and it cannot go stale. The
//! missing values a rule read are kept too, to name them when one is used in arithmetic.

use crate::features::Value;
use crate::rules::limits::{
    MAX_EVIDENCE, MAX_LABEL_BYTES, MAX_PARAMS_LISTED, MAX_VALUE_BYTES, bounded_owned,
};
use std::collections::BTreeMap;

/// Missing reads kept for naming the culprit of an error: the latest ones matter.
const MAX_MISSING: usize = 64;
use std::sync::{Arc, Mutex, MutexGuard};

/// One value a rule read: `tvl_usd`, `arbitrum.stack`, `peers.median("tvl_usd")`, …
#[derive(Clone, Debug, PartialEq)]
pub struct Reading {
    pub label: String,
    pub value: Value,
}

/// A value that was missing when read (a field, or a helper with nothing to return).
#[derive(Clone, Debug, PartialEq)]
pub struct MissingRead {
    /// How the value was written, e.g. `chain.tvl_change_52w`.
    pub label: String,
    /// The chain it is missing for, when it belongs to one.
    pub subject: Option<String>,
    /// Text that appears on the source line that used the value (the field or helper name).
    pub needle: String,
    /// How to guard against it, e.g. `test it with chain.has("tvl_change_52w")`.
    pub advice: String,
}

#[derive(Debug, Default)]
pub struct TraceData {
    /// First-read order, one entry per label.
    pub readings: Vec<Reading>,
    pub missing: Vec<MissingRead>,
    /// Parameters read, with their screen.toml values.
    pub params: BTreeMap<String, serde_json::Value>,
    /// While > 0 (inside a helper's callback over many chains), readings are not recorded,
    /// except of the judged chain.
    quiet: u32,
    /// Readings not recorded because the verdict already had `MAX_EVIDENCE`.
    dropped: usize,
    /// Parameters not listed because the verdict already had `MAX_PARAMS_LISTED`.
    params_dropped: std::collections::BTreeSet<String>,
}

impl TraceData {
    /// The readings, with a last entry saying how many were not kept when some were not.
    pub fn evidence(&mut self) -> Vec<Reading> {
        let mut readings = std::mem::take(&mut self.readings);
        if self.dropped > 0 {
            readings.push(Reading {
                label: "…".to_string(),
                value: Value::Text(format!(
                    "{} more readings not kept (at most {MAX_EVIDENCE} per verdict)",
                    self.dropped
                )),
            });
        }
        readings
    }

    /// The parameters read, with a last entry `…` saying how many were not listed when some
    /// were not.
    pub fn params(&mut self) -> BTreeMap<String, serde_json::Value> {
        let mut params = std::mem::take(&mut self.params);
        if !self.params_dropped.is_empty() {
            params.insert(
                "…".to_string(),
                serde_json::Value::String(format!(
                    "{} more parameters read, not listed (at most {MAX_PARAMS_LISTED} per verdict)",
                    self.params_dropped.len()
                )),
            );
        }
        params
    }
}

/// The recorder shared by the values handed to one evaluation.
#[derive(Clone, Debug, Default)]
pub struct Trace(Arc<Mutex<TraceData>>);

impl Trace {
    fn lock(&self) -> MutexGuard<'_, TraceData> {
        self.0.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub fn read(&self, label: impl Into<String>, value: Value) {
        self.read_with(|| (label.into(), value));
    }

    /// [`read`](Self::read), even inside a helper's callback over many chains: a reading of
    /// the judged chain, which the verdict depends on wherever the rule made it.
    pub fn read_always(&self, label: String, value: Value) {
        Self::record(&mut self.lock(), label, value);
    }

    /// [`read`](Self::read), with the label and value built only when they are recorded (not
    /// inside a helper's callback over many chains).
    pub fn read_with(&self, reading: impl FnOnce() -> (String, Value)) {
        let mut t = self.lock();
        if t.quiet > 0 {
            return;
        }
        let (label, value) = reading();
        Self::record(&mut t, label, value);
    }

    /// [`read_with`](Self::read_with) for a field of the judged chain (`of` is `None`; the
    /// label is the field's name) or of another (`of` is its slug; the label `slug.field`): a
    /// field read again, as rules often do (`has` before the read), is found by the parts of its
    /// label, so its label and value are built only when it is first read.
    pub fn read_field(&self, of: Option<&str>, field: &str, value: impl FnOnce() -> Value) {
        let mut t = self.lock();
        // The judged chain's fields are recorded even inside a callback (`read_always`).
        if t.quiet > 0 && of.is_some() {
            return;
        }
        let is_this = |label: &str| match of {
            None => label == field,
            Some(slug) => label
                .strip_prefix(slug)
                .and_then(|rest| rest.strip_prefix('.'))
                .is_some_and(|rest| rest == field),
        };
        if t.readings.iter().any(|r| is_this(&r.label)) {
            return;
        }
        let label = match of {
            None => field.to_string(),
            Some(slug) => format!("{slug}.{field}"),
        };
        Self::record(&mut t, label, value());
    }

    /// Keep a reading unless its label was read before or the evidence is full.
    fn record(t: &mut TraceData, label: String, value: Value) {
        // Labels and values embed what the rule passed (a helper's arguments, a field's
        // text): both are cut to their bounds, and past `MAX_EVIDENCE` only counted.
        let label = bounded_owned(label, MAX_LABEL_BYTES);
        // At most `MAX_EVIDENCE` labels: a scan is cheaper than hashing.
        if t.readings.iter().any(|r| r.label == label) {
            return;
        }
        if t.readings.len() >= MAX_EVIDENCE {
            t.dropped += 1;
            return;
        }
        let value = match value {
            Value::Text(text) => Value::Text(bounded_owned(text, MAX_VALUE_BYTES)),
            other => other,
        };
        t.readings.push(Reading { label, value });
    }

    pub fn missing_of(
        &self,
        label: impl Into<String>,
        subject: Option<&str>,
        needle: &str,
        advice: impl Into<String>,
    ) {
        let read = MissingRead {
            label: label.into(),
            subject: subject.map(str::to_string),
            needle: needle.to_string(),
            advice: advice.into(),
        };
        let mut t = self.lock();
        t.missing.retain(|m| m.label != read.label);
        if t.missing.len() >= MAX_MISSING {
            t.missing.remove(0);
        }
        t.missing.push(read);
    }

    /// A parameter read, with its screen.toml value (`value` called only for a first read).
    pub fn param(&self, name: &str, value: impl FnOnce() -> serde_json::Value) {
        let mut t = self.lock();
        if !t.params.contains_key(name) {
            if t.params.len() >= MAX_PARAMS_LISTED {
                if !t.params_dropped.contains(name) {
                    t.params_dropped.insert(name.to_string());
                }
            } else {
                t.params.insert(name.to_string(), value());
            }
        }
    }

    /// Run `f` without recording readings (a helper's per-chain callback).
    pub fn quietly<R>(&self, f: impl FnOnce() -> R) -> R {
        self.lock().quiet += 1;
        let out = f();
        self.lock().quiet -= 1;
        out
    }

    pub fn take(&self) -> TraceData {
        std::mem::take(&mut *self.lock())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn evidence_is_bounded_with_a_marker() {
        let t = Trace::default();
        for i in 0..MAX_EVIDENCE + 5 {
            t.read(format!("f{i}"), Value::Int(1));
        }
        t.read("x".repeat(500), Value::Text("y".repeat(500)));
        let evidence = t.take().evidence();
        assert_eq!(evidence.len(), MAX_EVIDENCE + 1);
        assert_eq!(evidence[MAX_EVIDENCE].label, "…");
        assert_eq!(
            evidence[MAX_EVIDENCE].value,
            Value::Text(format!(
                "6 more readings not kept (at most {MAX_EVIDENCE} per verdict)"
            ))
        );
        let t = Trace::default();
        t.read("x".repeat(500), Value::Text("y".repeat(500)));
        let only = &t.take().evidence()[0];
        assert_eq!(only.label.len(), MAX_LABEL_BYTES);
        assert_eq!(
            only.value,
            Value::Text(format!("{}…", "y".repeat(MAX_VALUE_BYTES - 3)))
        );
    }

    /// A verdict lists at most `MAX_PARAMS_LISTED` parameters, each once, then says how many
    /// more were read.
    #[test]
    fn parameters_listed_are_bounded_with_a_marker() {
        let t = Trace::default();
        for round in 0..2 {
            for i in 0..MAX_PARAMS_LISTED + 3 {
                t.param(&format!("p{i:03}"), || serde_json::json!(round));
            }
        }
        let params = t.take().params();
        assert_eq!(params.len(), MAX_PARAMS_LISTED + 1);
        assert_eq!(params["p000"], serde_json::json!(0));
        assert_eq!(
            params["…"],
            serde_json::json!(format!(
                "3 more parameters read, not listed (at most {MAX_PARAMS_LISTED} per verdict)"
            ))
        );
    }

    /// The labels and values a trace keeps, in order.
    fn kept(t: &Trace) -> Vec<(String, Value)> {
        t.take()
            .evidence()
            .into_iter()
            .map(|r| (r.label, r.value))
            .collect()
    }

    #[test]
    fn readings_keep_first_read_order_without_duplicates() {
        let t = Trace::default();
        t.read("b", Value::Int(1));
        t.read("a", Value::Missing);
        t.read("b", Value::Int(2));
        t.quietly(|| t.read("c", Value::Int(3)));
        let labels = kept(&t);
        assert_eq!(
            labels,
            [
                ("b".to_string(), Value::Int(1)),
                ("a".to_string(), Value::Missing)
            ]
        );
    }

    #[test]
    fn a_field_read_again_is_one_reading_whoever_it_belongs_to() {
        let t = Trace::default();
        let built = std::cell::Cell::new(0);
        let value = |v| {
            built.set(built.get() + 1);
            Value::Int(v)
        };
        t.read_field(None, "tvl_usd", || value(1));
        t.read_field(Some("base"), "tvl_usd", || value(2));
        // The same labels again, through either way of reading: not built, not kept.
        t.read_field(None, "tvl_usd", || value(3));
        t.read_field(Some("base"), "tvl_usd", || value(4));
        t.read("base.tvl_usd", Value::Int(5));
        // Labels that share a prefix with a kept one are other readings.
        t.read_field(Some("bas"), "e.tvl_usd", || value(6));
        t.read_field(Some("base"), "tvl", || value(7));
        t.read_field(None, "base", || value(8));
        // Inside a callback over the peers, a peer's field is not kept; the judged chain's is.
        t.quietly(|| t.read_field(Some("base"), "stack", || value(9)));
        t.quietly(|| t.read_field(None, "stack", || value(10)));
        assert_eq!(built.get(), 6, "only first reads build their value");
        let labels = kept(&t);
        let expected = [
            ("tvl_usd", 1),
            ("base.tvl_usd", 2),
            ("bas.e.tvl_usd", 6),
            ("base.tvl", 7),
            ("base", 8),
            ("stack", 10),
        ];
        assert_eq!(
            labels,
            expected.map(|(l, v)| (l.to_string(), Value::Int(v)))
        );
    }
}
