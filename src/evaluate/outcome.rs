//! Reading what a rule returned. Only a verdict counts: `pass(..)`, `fail(..)`, `skip(..)` or
//! the same as a map. A bool or a number is refused rather than guessed at, so a rule that
//! forgot to say why cannot pass.

use super::verdict::Status;
use rhai::Dynamic;
use serde::Deserialize;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Returned {
    status: String,
    reason: String,
    #[serde(default)]
    hint: Option<String>,
}

/// What a verdict-shaped return value says.
#[derive(Debug, PartialEq)]
pub struct Outcome {
    pub status: Status,
    pub reason: String,
    pub hint: Option<String>,
}

const EXPECTED: &str = "rule must return pass(..), fail(..) or skip(..)";

/// Check and read a rule's return value; `Err` is the ERROR message.
pub fn read(value: &Dynamic) -> Result<Outcome, String> {
    if !value.is_map() {
        return Err(format!("{EXPECTED}; got {}", describe(value)));
    }
    // Each key said by name: serde's message names types as Rust does and no key.
    if let Some(map) = value.read_lock::<rhai::Map>() {
        for (key, v) in map.iter() {
            let required = matches!(key.as_str(), "status" | "reason");
            if !required && key.as_str() != "hint" {
                return Err(format!(
                    "{EXPECTED}; got a map with the key `{}` (a verdict map holds status, reason and, for a FAIL, hint)",
                    crate::diagnostics::escaped(key)
                ));
            }
            let allowed = v.is_string() || (key.as_str() == "hint" && v.is_unit());
            if !allowed {
                return Err(format!(
                    "{EXPECTED}; got a map whose {key} is {}: expected a string",
                    describe(v)
                ));
            }
        }
        for key in ["status", "reason"] {
            if !map.contains_key(key) {
                return Err(format!(
                    "{EXPECTED}; got a map without {key} (a verdict map holds status, reason and, for a FAIL, hint)"
                ));
            }
        }
    }
    let r: Returned = rhai::serde::from_dynamic(value).map_err(|e| {
        format!(
            "{EXPECTED}; got a map that is not a verdict ({})",
            plain(&e.to_string())
        )
    })?;
    let status = match r.status.as_str() {
        "PASS" => Status::Pass,
        "FAIL" => Status::Fail,
        "SKIP" => Status::Skip,
        other => {
            return Err(format!(
                "{EXPECTED}; got a map with status \"{other}\" (expected \"PASS\", \"FAIL\" or \"SKIP\")"
            ));
        }
    };
    if blank(&r.reason) {
        return Err(format!(
            "the rule returned {} with an empty reason: say why, with the numbers",
            status.as_str()
        ));
    }
    let hint = r.hint.filter(|h| !blank(h));
    if hint.is_some() && status != Status::Fail {
        // As `pass(reason, hint)` and `skip(reason, hint)` are not forms: a hint is what would
        // have to change to pass, which only a FAIL has.
        return Err(format!(
            "the rule returned {} with a hint: a hint says what would have to change for the chain to pass, so only a FAIL has one (leave it out, or make it ())",
            status.as_str()
        ));
    }
    Ok(Outcome {
        status,
        reason: r.reason,
        hint,
    })
}

/// Whether `text` shows nothing: white space and characters that are never drawn (zero-width
/// spaces and joiners, the byte-order mark, soft hyphens, variation selectors and the other
/// default-ignorable code points), so that a reason of `"\u{200B}"` is as empty as `" "`.
fn blank(text: &str) -> bool {
    text.chars().all(|c| {
        c.is_whitespace()
            || matches!(
                c,
                '\u{00AD}'
                    | '\u{034F}'
                    | '\u{061C}'
                    | '\u{115F}'
                    | '\u{1160}'
                    | '\u{17B4}'
                    | '\u{17B5}'
                    | '\u{180B}'..='\u{180F}'
                    | '\u{200B}'..='\u{200F}'
                    | '\u{202A}'..='\u{202E}'
                    | '\u{2060}'..='\u{206F}'
                    | '\u{3164}'
                    | '\u{FE00}'..='\u{FE0F}'
                    | '\u{FEFF}'
                    | '\u{FFA0}'
                    | '\u{1D173}'..='\u{1D17A}'
                    | '\u{E0000}'..='\u{E0FFF}'
            )
    })
}

fn describe(value: &Dynamic) -> String {
    match value.type_name() {
        "()" => "() (nothing: does every path end in a verdict?)".to_string(),
        "bool" => format!("bool ({value})"),
        "i64" => format!("int ({value})"),
        "f64" => format!("float ({value})"),
        "string" | "ImmutableString" => format!("string ({value:?})"),
        "array" => "array".to_string(),
        other => crate::rules::api::api_type_name(other).to_string(),
    }
}

fn plain(serde_message: &str) -> String {
    let text = serde_message
        .strip_prefix("Syntax error: ")
        .unwrap_or(serde_message);
    text.split(" (line ").next().unwrap_or(text).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn map(pairs: &[(&str, Dynamic)]) -> Dynamic {
        Dynamic::from(
            pairs
                .iter()
                .map(|(k, v)| ((*k).into(), v.clone()))
                .collect::<rhai::Map>(),
        )
    }

    #[test]
    fn reads_a_verdict_map() {
        let m = map(&[
            ("status", "FAIL".into()),
            ("reason", "too small".into()),
            ("hint", "grow".into()),
        ]);
        assert_eq!(
            read(&m).unwrap(),
            Outcome {
                status: Status::Fail,
                reason: "too small".into(),
                hint: Some("grow".into())
            }
        );
    }

    /// A reason of white space or of characters that are never drawn is empty; a hint of them
    /// is none; a reason with something to read beside them is kept as it is.
    #[test]
    fn a_reason_that_shows_nothing_is_empty() {
        for reason in [
            "",
            " \t\n",
            "\u{200B}\u{200B}",
            "\u{FEFF}",
            "\u{2060} \u{00AD}",
        ] {
            let m = map(&[("status", "SKIP".into()), ("reason", reason.into())]);
            assert_eq!(
                read(&m).unwrap_err(),
                "the rule returned SKIP with an empty reason: say why, with the numbers",
                "{reason:?}"
            );
        }
        let m = map(&[
            ("status", "PASS".into()),
            ("reason", "ok\u{200B}".into()),
            ("hint", "\u{200B}".into()),
        ]);
        let read = read(&m).unwrap();
        assert_eq!((read.reason.as_str(), read.hint), ("ok\u{200B}", None));
    }

    #[test]
    fn refuses_other_values_with_their_type() {
        assert_eq!(
            read(&Dynamic::from(true)).unwrap_err(),
            "rule must return pass(..), fail(..) or skip(..); got bool (true)"
        );
        assert_eq!(
            read(&Dynamic::from(0.5_f64)).unwrap_err(),
            "rule must return pass(..), fail(..) or skip(..); got float (0.5)"
        );
        assert_eq!(
            read(&Dynamic::from("ok")).unwrap_err(),
            "rule must return pass(..), fail(..) or skip(..); got string (\"ok\")"
        );
        assert_eq!(
            read(&Dynamic::UNIT).unwrap_err(),
            "rule must return pass(..), fail(..) or skip(..); got () (nothing: does every path end in a verdict?)"
        );
    }

    #[test]
    fn refuses_a_bad_status_or_shape() {
        let m = map(&[("status", "OK".into()), ("reason", "x".into())]);
        assert_eq!(
            read(&m).unwrap_err(),
            "rule must return pass(..), fail(..) or skip(..); got a map with status \"OK\" (expected \"PASS\", \"FAIL\" or \"SKIP\")"
        );
        let m = map(&[("status", "PASS".into())]);
        assert_eq!(
            read(&m).unwrap_err(),
            "rule must return pass(..), fail(..) or skip(..); got a map without reason (a verdict map holds status, reason and, for a FAIL, hint)"
        );
        // Each key by name, its value's type as a rule knows it.
        let m = map(&[("status", "PASS".into()), ("reason", Dynamic::from(42_i64))]);
        assert_eq!(
            read(&m).unwrap_err(),
            "rule must return pass(..), fail(..) or skip(..); got a map whose reason is int (42): expected a string"
        );
        let m = map(&[
            ("status", "PASS".into()),
            ("reason", "x".into()),
            ("why", "y".into()),
        ]);
        assert_eq!(
            read(&m).unwrap_err(),
            "rule must return pass(..), fail(..) or skip(..); got a map with the key `why` (a verdict map holds status, reason and, for a FAIL, hint)"
        );
    }

    /// Only a FAIL says what would make the chain pass: a hint on a PASS or a SKIP is refused,
    /// as `pass(reason, hint)` is not a form; an empty or `()` hint is no hint.
    #[test]
    fn a_hint_belongs_to_a_fail() {
        for status in ["PASS", "SKIP"] {
            let m = map(&[
                ("status", status.into()),
                ("reason", "x".into()),
                ("hint", "h".into()),
            ]);
            assert_eq!(
                read(&m).unwrap_err(),
                format!(
                    "the rule returned {status} with a hint: a hint says what would have to change for the chain to pass, so only a FAIL has one (leave it out, or make it ())"
                )
            );
            for none in [Dynamic::UNIT, " ".into()] {
                let m = map(&[
                    ("status", status.into()),
                    ("reason", "x".into()),
                    ("hint", none),
                ]);
                assert_eq!(read(&m).unwrap().hint, None);
            }
        }
        let m = map(&[
            ("status", "FAIL".into()),
            ("reason", "x".into()),
            ("hint", "h".into()),
        ]);
        assert_eq!(read(&m).unwrap().hint.as_deref(), Some("h"));
    }
}
