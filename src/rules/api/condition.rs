//! The `(field, op, value)` and `(field, "has" | "missing")` conditions of `peers.count`,
//! `peers.filter` and `peers.share`, decided in Rust. A chain whose field is missing never
//! matches a comparison (not even `!=`), only `"missing"`; comparing a field with a value of
//! another type is an error rather than a silent `false`.

use super::date::Date;
use crate::features::Value;
use rhai::Dynamic;
use std::cmp::Ordering;

#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Op {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    In,
    /// The field has a value (no operand).
    Has,
    /// The field has no value (no operand).
    Missing,
}

pub const OPS: &str = "`==`, `!=`, `<`, `<=`, `>`, `>=`, `in`, or without a value `has`, `missing`";

impl Op {
    pub fn parse(s: &str) -> Result<Op, String> {
        Ok(match s {
            "==" => Op::Eq,
            "!=" => Op::Ne,
            "<" => Op::Lt,
            "<=" => Op::Le,
            ">" => Op::Gt,
            ">=" => Op::Ge,
            "in" => Op::In,
            "has" => Op::Has,
            "missing" => Op::Missing,
            _ => return Err(format!("unknown operator `{s}` (use one of {OPS})")),
        })
    }

    /// Whether the operator tests presence and takes no value.
    pub fn is_unary(self) -> bool {
        matches!(self, Op::Has | Op::Missing)
    }
}

/// Whether `value` (a chain's field) satisfies `op target`. `Err` explains a type mismatch.
pub fn matches(value: &Value, op: Op, target: &Dynamic) -> Result<bool, String> {
    match op {
        Op::Has => return Ok(!value.is_missing()),
        Op::Missing => return Ok(value.is_missing()),
        _ => {}
    }
    if value.is_missing() {
        return Ok(false);
    }
    if op == Op::In {
        let Some(items) = target.read_lock::<rhai::Array>() else {
            return Err(format!(
                "`in` needs an array of values, found {}",
                super::api_type_name(target.type_name())
            ));
        };
        for item in items.iter() {
            if matches(value, Op::Eq, item)? {
                return Ok(true);
            }
        }
        return Ok(false);
    }
    let ordering = compare(value, target)?;
    Ok(match op {
        Op::Eq => ordering == Some(Ordering::Equal),
        Op::Ne => ordering != Some(Ordering::Equal),
        Op::Lt => ordering == Some(Ordering::Less),
        Op::Le => matches!(ordering, Some(Ordering::Less | Ordering::Equal)),
        Op::Gt => ordering == Some(Ordering::Greater),
        Op::Ge => matches!(ordering, Some(Ordering::Greater | Ordering::Equal)),
        Op::In | Op::Has | Op::Missing => unreachable!("handled above"),
    })
}

fn compare(value: &Value, target: &Dynamic) -> Result<Option<Ordering>, String> {
    let mismatch = |what: &str| {
        Err(format!(
            "the field holds {what} but is compared with {}",
            describe(target)
        ))
    };
    match value {
        Value::Int(_) | Value::Num(_) => {
            let x = value.as_f64().unwrap_or(f64::NAN);
            match target
                .as_float()
                .ok()
                .or_else(|| target.as_int().ok().map(|i| i as f64))
            {
                Some(y) => Ok(x.partial_cmp(&y)),
                None => mismatch("numbers"),
            }
        }
        Value::Text(t) => match target.read_lock::<rhai::ImmutableString>() {
            Some(s) => Ok(Some(t.as_str().cmp(s.as_str()))),
            None => mismatch("strings"),
        },
        Value::Date(d) => {
            if let Some(other) = target.read_lock::<Date>() {
                return Ok(Some(d.cmp(&other.0)));
            }
            match target.read_lock::<rhai::ImmutableString>() {
                Some(s) => match crate::dataset::date::parse_ymd(s.as_str()) {
                    Some(other) => Ok(Some(d.cmp(&other))),
                    None => Err(format!(
                        "the field holds dates but is compared with \"{}\", which is not a date (\"YYYY-MM-DD\")",
                        s.as_str()
                    )),
                },
                None => mismatch("dates"),
            }
        }
        Value::Bool(b) => match target.as_bool() {
            Ok(t) => Ok(Some(b.cmp(&t))),
            Err(_) => mismatch("true/false"),
        },
        Value::Missing => Ok(None),
    }
}

/// A Rhai value as written in a rule, for labels and messages: `"op_stack"`, `3`, `[1, 2]`.
pub fn describe(v: &Dynamic) -> String {
    match v.read_lock::<Date>() {
        Some(d) => format!("date(\"{}\")", *d),
        None => format!("{v:?}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_compare_across_int_and_float() {
        assert!(matches(&Value::Int(3), Op::Le, &Dynamic::from(3.0_f64)).unwrap());
        assert!(matches(&Value::Num(2.5), Op::Gt, &Dynamic::from(2_i64)).unwrap());
    }

    #[test]
    fn missing_never_matches() {
        assert!(!matches(&Value::Missing, Op::Ne, &Dynamic::from("x")).unwrap());
    }

    #[test]
    fn in_matches_any_item() {
        let arr: rhai::Array = vec![Dynamic::from("chain"), Dynamic::from("app")];
        assert!(matches(&Value::Text("app".into()), Op::In, &Dynamic::from(arr)).unwrap());
    }

    #[test]
    fn has_and_missing_take_no_value() {
        assert!(matches(&Value::Num(1.0), Op::Has, &Dynamic::UNIT).unwrap());
        assert!(!matches(&Value::Missing, Op::Has, &Dynamic::UNIT).unwrap());
        assert!(matches(&Value::Missing, Op::Missing, &Dynamic::UNIT).unwrap());
        assert!(Op::parse("has").unwrap().is_unary());
    }

    #[test]
    fn dates_compare_with_dates_and_date_strings() {
        let d = Value::Date(chrono::NaiveDate::from_ymd_opt(2024, 3, 1).unwrap());
        let later = Date(chrono::NaiveDate::from_ymd_opt(2024, 12, 15).unwrap());
        assert!(matches(&d, Op::Lt, &Dynamic::from(later)).unwrap());
        assert!(matches(&d, Op::Ge, &Dynamic::from("2024-02-29")).unwrap());
        let err = matches(&d, Op::Ge, &Dynamic::from("March")).unwrap_err();
        assert!(err.contains("not a date"), "{err}");
        let err = matches(&d, Op::Ge, &Dynamic::from(3_i64)).unwrap_err();
        assert!(err.contains("holds dates"), "{err}");
    }

    #[test]
    fn type_mismatch_is_an_error() {
        let err = matches(&Value::Text("1".into()), Op::Ge, &Dynamic::from(1_i64)).unwrap_err();
        assert_eq!(err, "the field holds strings but is compared with 1");
    }
}
