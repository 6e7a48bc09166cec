//! One value of a chain's feature row. Missing is a value of its own: the data layer never
//! fills a gap by guess, and rules must test for it (`chain.has("x")`) before using it.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize, Serializer};
use std::fmt;

#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    Missing,
    Bool(bool),
    Int(i64),
    Num(f64),
    Text(String),
    Date(NaiveDate),
}

impl Value {
    pub fn is_missing(&self) -> bool {
        matches!(self, Value::Missing)
    }

    pub fn as_f64(&self) -> Option<f64> {
        match self {
            Value::Int(i) => Some(*i as f64),
            Value::Num(x) => Some(*x),
            _ => None,
        }
    }

    pub fn text(s: Option<&str>) -> Value {
        match s {
            Some(s) if !s.is_empty() => Value::Text(s.to_string()),
            _ => Value::Missing,
        }
    }

    pub fn num(x: Option<f64>) -> Value {
        x.map_or(Value::Missing, Value::Num)
    }

    pub fn int(x: Option<i64>) -> Value {
        x.map_or(Value::Missing, Value::Int)
    }

    pub fn date(d: Option<NaiveDate>) -> Value {
        d.map_or(Value::Missing, Value::Date)
    }
}

impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Missing => f.write_str("missing"),
            Value::Bool(b) => write!(f, "{b}"),
            Value::Int(i) => write!(f, "{i}"),
            Value::Num(x) => write!(f, "{}", format_num(*x)),
            Value::Text(s) => f.write_str(s),
            Value::Date(d) => write!(f, "{}", d.format("%Y-%m-%d")),
        }
    }
}

/// Shortest plain rendering of a float: integers without a fraction, others with up to 6
/// significant decimals, so tables and reasons stay readable and deterministic.
pub fn format_num(x: f64) -> String {
    if x.is_finite() && x.fract() == 0.0 && x.abs() < 1e15 {
        format!("{}", x as i64)
    } else {
        let s = format!("{x:.6}");
        let s = s.trim_end_matches('0').trim_end_matches('.');
        s.to_string()
    }
}

/// Read back from JSON (a result written by `moat screen --format json`): `null` is Missing,
/// integers are Int, other numbers Num, strings Text (dates stay text: a JSON date is a string).
impl<'de> Deserialize<'de> for Value {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Value, D::Error> {
        Ok(match serde_json::Value::deserialize(d)? {
            serde_json::Value::Null => Value::Missing,
            serde_json::Value::Bool(b) => Value::Bool(b),
            serde_json::Value::Number(n) => match n.as_i64() {
                Some(i) => Value::Int(i),
                None => Value::Num(n.as_f64().unwrap_or(f64::NAN)),
            },
            serde_json::Value::String(s) => Value::Text(s),
            other => Value::Text(other.to_string()),
        })
    }
}

impl Serialize for Value {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Value::Missing => s.serialize_none(),
            Value::Bool(b) => s.serialize_bool(*b),
            Value::Int(i) => s.serialize_i64(*i),
            Value::Num(x) => s.serialize_f64(*x),
            Value::Text(t) => s.serialize_str(t),
            Value::Date(d) => s.serialize_str(&d.format("%Y-%m-%d").to_string()),
        }
    }
}
