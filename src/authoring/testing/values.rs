//! The values a case gives: the fields of a synthetic chain, checked against the feature
//! catalogue (name and type), and parameter overrides, checked against the rule's screen.toml
//! params (name and type), so a typo or a wrong type is an error, not a silently different
//! test.

use crate::diagnostics::did_you_mean;
use crate::features::catalog::{self, Kind};
use crate::features::{Series, Value};
use chrono::NaiveDate;
use serde::Deserialize as _;
use std::collections::BTreeMap;
use toml::Spanned;
use toml::de::{DeValue, ValueDeserializer};

/// Every rule's params as screen.toml gives them, by rule id.
pub type ParamsOf = BTreeMap<String, toml::Table>;

/// What is wrong with one `key = value` of a case: the key (reported at the key) or the value
/// (reported at the value).
#[derive(Debug, PartialEq)]
pub enum Problem {
    Key(String),
    Value(String),
}

/// A field of a synthetic chain: a catalogue field with a value of its type.
pub fn field(name: &str, value: &Spanned<DeValue>) -> Result<Value, Problem> {
    let fields = catalog::fields();
    let Some(field) = fields.iter().find(|f| f.name == name) else {
        let message = match did_you_mean(name, fields.iter().map(|f| f.name.as_str())) {
            Some(s) => format!("unknown field `{name}`: did you mean `{s}`?"),
            None => format!("unknown field `{name}` (`moat rules doc` lists every field)"),
        };
        return Err(Problem::Key(message));
    };
    let v = to_toml(value)?;
    let checked = match (field.kind, &v) {
        (Kind::Bool, toml::Value::Boolean(b)) => Some(Value::Bool(*b)),
        (Kind::Int, toml::Value::Integer(i)) => Some(Value::Int(*i)),
        (Kind::Num, toml::Value::Integer(i)) => Some(Value::Num(*i as f64)),
        (Kind::Num, toml::Value::Float(x)) if x.is_finite() => Some(Value::Num(*x)),
        (Kind::Text, toml::Value::String(s)) if s.is_empty() => {
            return Err(Problem::Value(format!(
                "`{name}` is empty: leave the field out to make it missing"
            )));
        }
        (Kind::Text, toml::Value::String(s)) => {
            // As a dataset's cells: a name or slug is shown on terminals and in memos.
            if let Some((_, c)) = crate::diagnostics::unprintable(s) {
                return Err(Problem::Value(format!(
                    "`{name}` holds the character {}: a field's text is plain text on one line",
                    crate::diagnostics::code_point(c)
                )));
            }
            Some(Value::Text(s.clone()))
        }
        (Kind::Date, toml::Value::String(text))
            if let Some(why) = crate::dataset::date::impossible(text) =>
        {
            return Err(Problem::Value(format!(
                "`{name}`: \"{text}\" is not a date: {why}"
            )));
        }
        (Kind::Date, _) => date(value.get_ref()).ok().map(Value::Date),
        _ => None,
    };
    let checked = checked.ok_or_else(|| {
        Problem::Value(format!(
            "`{name}` must be {}, found {}",
            kind_name(field.kind),
            describe(&v)
        ))
    })?;
    if let Value::Text(text) = &checked
        && let Some(allowed) = catalog::vocabulary(name)
        && !allowed.contains(&text.as_str())
    {
        let hint = crate::diagnostics::suggestion(text, allowed.iter().copied())
            .map_or(String::new(), |s| format!("; {s}"));
        return Err(Problem::Value(format!(
            "`{name}` is \"{text}\": no dataset gives that; expected one of {}{hint}",
            allowed.join(", ")
        )));
    }
    if let Value::Text(slug) = &checked
        && name == "slug"
        && let Some(message) = crate::dataset::slug_message(slug)
    {
        return Err(Problem::Value(format!("`slug`: {message}")));
    }
    match out_of_range(name, &checked) {
        Some(expected) => Err(Problem::Value(format!(
            "`{name}` is {}: no dataset gives that; expected {expected}",
            describe(&v)
        ))),
        None => Ok(checked),
    }
}

/// What a field's value must be that `value` is not, where the data bounds it: an amount (TVL, block time, latency) not below 0, a share from 0 to 1,
/// a percentile from 0 to 100, a change not below -1 (all of it lost), a rank or a family size
/// from 1, any other count or age from 0. A case of a chain no dataset could hold tests
/// nothing a screen will meet.
fn out_of_range(name: &str, value: &Value) -> Option<&'static str> {
    match value {
        Value::Int(i) if name.ends_with("rank") || name == "stack_family_size" => {
            (*i < 1).then_some("a number from 1")
        }
        Value::Int(i) => (*i < 0).then_some("a number from 0"),
        Value::Num(x) if matches!(name, "tvl_usd" | "block_time_s" | "preconf_latency_ms") => {
            (*x < 0.0).then_some("an amount from 0")
        }
        Value::Num(x) if name.ends_with("_share") => {
            (!(0.0..=1.0).contains(x)).then_some("a share from 0 to 1")
        }
        Value::Num(x) if name.ends_with("_pctl") => {
            (!(0.0..=100.0).contains(x)).then_some("a percentile from 0 to 100")
        }
        Value::Num(x) if name.starts_with("tvl_change_") => {
            (*x < -1.0).then_some("a change from -1 (all of it lost)")
        }
        _ => None,
    }
}

/// A series of a synthetic chain: `tvl_usd` or a metric name, and `[[date, value], …]` with
/// dates `YYYY-MM-DD`, each once, and finite numbers; sorted by date.
pub fn series(name: &str, value: &Spanned<DeValue>) -> Result<Series, Problem> {
    let names = crate::features::series_names();
    if !names.contains(&name) {
        let message = match did_you_mean(name, names.iter().copied()) {
            Some(s) => format!("unknown series `{name}`: did you mean `{s}`?"),
            None => format!("unknown series `{name}` (series: {})", names.join(", ")),
        };
        return Err(Problem::Key(message));
    }
    let shape = || {
        Problem::Value(format!(
            "`{name}` must be a list of [date, value] pairs, e.g. [[\"2024-12-15\", 1.5e9]]"
        ))
    };
    let DeValue::Array(points) = value.get_ref() else {
        return Err(shape());
    };
    let mut out: Series = Vec::new();
    for p in points.iter() {
        let DeValue::Array(pair) = p.get_ref() else {
            return Err(shape());
        };
        let pair: Vec<_> = pair.iter().collect();
        let [d, v] = pair[..] else {
            return Err(shape());
        };
        let date = date(d.get_ref()).map_err(|found| {
            Problem::Value(format!("`{name}`: {found} is not a date YYYY-MM-DD"))
        })?;
        let x = match to_toml(v)? {
            toml::Value::Integer(i) => i as f64,
            toml::Value::Float(x) if x.is_finite() => x,
            other => {
                return Err(Problem::Value(format!(
                    "`{name}`: the value on {date} must be a number, found {}",
                    describe(&other)
                )));
            }
        };
        out.push((date, x));
    }
    out.sort_by_key(|(d, _)| *d);
    if let Some(w) = out.windows(2).find(|w| w[0].0 == w[1].0) {
        return Err(Problem::Value(format!(
            "`{name}` has two values on {}: one point per date",
            w[0].0
        )));
    }
    Ok(out)
}

/// A parameter override: a param the rule's screen.toml entry has, with a value of its type.
/// An integer given for a float param becomes a float, as screen.toml would have it. An
/// `optional` parameter (one the rule tests with `params.has`) that screen.toml leaves
/// undefined takes any value.
pub fn param(
    rule: &str,
    all: &ParamsOf,
    name: &str,
    value: &Spanned<DeValue>,
    optional: bool,
) -> Result<toml::Value, Problem> {
    let empty = toml::Table::new();
    let table = all.get(rule).unwrap_or(&empty);
    let Some(default) = table.get(name) else {
        if optional {
            return to_toml(value);
        }
        let hint = match did_you_mean(name, table.keys().map(String::as_str)) {
            Some(s) => format!(": did you mean `{s}`?"),
            None if table.is_empty() => format!(": [rules.{rule}.params] in screen.toml is empty"),
            None => format!(
                " (its params: {})",
                table.keys().cloned().collect::<Vec<_>>().join(", ")
            ),
        };
        return Err(Problem::Key(format!(
            "rule `{rule}` has no param `{name}`{hint}"
        )));
    };
    let v = to_toml(value)?;
    match (default, v) {
        (toml::Value::Float(_), toml::Value::Integer(i)) => Ok(toml::Value::Float(i as f64)),
        // A rule sees a TOML date as its "YYYY-MM-DD" text: the text written so is the same.
        (toml::Value::Datetime(_), toml::Value::String(text))
            if crate::dataset::date::parse_ymd(&text).is_some()
                && let Ok(day) = text.parse::<toml::value::Datetime>() =>
        {
            Ok(toml::Value::Datetime(day))
        }
        (d, v) if same_type(d, &v) => Ok(v),
        (d, v) => Err(Problem::Value(format!(
            "param `{name}` is {} in screen.toml, found {}",
            describe_type(d),
            describe(&v)
        ))),
    }
}

/// A date written as `"YYYY-MM-DD"` or as a TOML date; `Err` describes what was found.
pub fn date(value: &DeValue) -> Result<NaiveDate, String> {
    let parse = crate::dataset::date::parse_ymd;
    match value {
        // Quoted as a message quotes text: a control or bidi character as its code point.
        DeValue::String(s) => {
            parse(s).ok_or_else(|| format!("\"{}\"", crate::diagnostics::escaped(s)))
        }
        DeValue::Datetime(d) if d.time.is_none() && d.offset.is_none() => {
            parse(&d.to_string()).ok_or_else(|| d.to_string())
        }
        other => Err(format!(
            "{} {}",
            article(other.type_str()),
            other.type_str()
        )),
    }
}

fn to_toml(value: &Spanned<DeValue>) -> Result<toml::Value, Problem> {
    toml::Value::deserialize(ValueDeserializer::from(value.clone()))
        .map_err(|e| Problem::Value(e.message().trim_end().to_string()))
}

/// Same TOML type, numbers of either kind alike; arrays alike when their items are.
fn same_type(a: &toml::Value, b: &toml::Value) -> bool {
    use toml::Value as T;
    match (a, b) {
        (T::Integer(_) | T::Float(_), T::Integer(_) | T::Float(_)) => true,
        (T::Array(xs), T::Array(ys)) => match xs.first() {
            Some(x) => ys.iter().all(|y| same_type(x, y)),
            None => true,
        },
        _ => a.type_str() == b.type_str(),
    }
}

fn kind_name(kind: Kind) -> &'static str {
    match kind {
        Kind::Bool => "a boolean (true or false)",
        Kind::Int => "an integer",
        Kind::Num => "a number",
        Kind::Text => "a string",
        Kind::Date => "a date \"YYYY-MM-DD\"",
    }
}

fn describe_type(v: &toml::Value) -> String {
    match v {
        toml::Value::Integer(_) | toml::Value::Float(_) => "a number".to_string(),
        toml::Value::Array(items) => match items.first() {
            Some(first) => format!("an array of {}s", first.type_str()),
            None => "an array".to_string(),
        },
        // What a date param takes: a TOML date or its text (the rule reads the text).
        toml::Value::Datetime(_) => "a date (a TOML date or its \"YYYY-MM-DD\" text)".to_string(),
        other => article(other.type_str()).to_string() + " " + other.type_str(),
    }
}

/// A value of a case file as a message shows it.
pub fn describe_de(value: &Spanned<DeValue>) -> String {
    match to_toml(value) {
        Ok(v) => describe(&v),
        Err(_) => format!(
            "{} {}",
            article(value.get_ref().type_str()),
            value.get_ref().type_str()
        ),
    }
}

/// A value as a message shows it: `a string "abc"`, `an integer 5`.
fn describe(v: &toml::Value) -> String {
    let shown = match v {
        toml::Value::Table(_) => "{…}".to_string(),
        other => other.to_string(),
    };
    format!("{} {} {shown}", article(v.type_str()), v.type_str())
}

fn article(type_name: &str) -> &'static str {
    if type_name.starts_with(['a', 'e', 'i', 'o', 'u']) {
        "an"
    } else {
        "a"
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use toml::de::DeTable;

    /// The value of `x` in `x = <text>`.
    fn check<T>(text: &str, f: impl FnOnce(&Spanned<DeValue>) -> T) -> T {
        let doc = format!("x = {text}");
        let table = DeTable::parse(&doc).unwrap().into_inner();
        f(table.get("x").unwrap())
    }

    #[test]
    fn fields_have_the_catalogue_type() {
        assert_eq!(check("5", |v| field("tvl_usd", v)), Ok(Value::Num(5.0)));
        assert_eq!(check("3", |v| field("tvl_rank", v)), Ok(Value::Int(3)));
        assert_eq!(
            check("\"2024-12-15\"", |v| field("launch_date", v)),
            Ok(Value::Date(NaiveDate::from_ymd_opt(2024, 12, 15).unwrap()))
        );
        assert_eq!(
            check("2024-12-15", |v| field("launch_date", v)),
            Ok(Value::Date(NaiveDate::from_ymd_opt(2024, 12, 15).unwrap()))
        );
        assert_eq!(
            check("\"lots\"", |v| field("tvl_usd", v)),
            Err(Problem::Value(
                "`tvl_usd` must be a number, found a string \"lots\"".into()
            ))
        );
        assert_eq!(
            check("1.5", |v| field("tvl_rank", v)),
            Err(Problem::Value(
                "`tvl_rank` must be an integer, found a float 1.5".into()
            ))
        );
        assert_eq!(
            check("\"\"", |v| field("token", v)),
            Err(Problem::Value(
                "`token` is empty: leave the field out to make it missing".into()
            ))
        );
        assert_eq!(
            check("1", |v| field("tvl_usdd", v)),
            Err(Problem::Key(
                "unknown field `tvl_usdd`: did you mean `tvl_usd`?".into()
            ))
        );
    }

    /// A value no dataset could give is refused at the value, with what the data allows; at
    /// the bounds it is taken.
    #[test]
    fn fields_hold_values_a_dataset_could_give() {
        let refused = |text: &str, name: &str| match check(text, |v| field(name, v)) {
            Err(Problem::Value(m)) => m,
            other => panic!("{name} = {text}: {other:?}"),
        };
        assert_eq!(
            refused("-5.0", "tvl_usd"),
            "`tvl_usd` is a float -5.0: no dataset gives that; expected an amount from 0"
        );
        assert_eq!(
            refused("7.0", "tvl_share"),
            "`tvl_share` is a float 7.0: no dataset gives that; expected a share from 0 to 1"
        );
        assert_eq!(
            refused("0", "tvl_rank"),
            "`tvl_rank` is an integer 0: no dataset gives that; expected a number from 1"
        );
        assert_eq!(
            refused("-1", "l3_count"),
            "`l3_count` is an integer -1: no dataset gives that; expected a number from 0"
        );
        assert_eq!(
            refused("101", "daa_pctl"),
            "`daa_pctl` is an integer 101: no dataset gives that; expected a percentile from 0 to 100"
        );
        assert_eq!(
            refused("-1.5", "tvl_change_13w"),
            "`tvl_change_13w` is a float -1.5: no dataset gives that; expected a change from -1 (all of it lost)"
        );
        assert_eq!(
            refused("\"2024-13-01\"", "token_date"),
            "`token_date`: \"2024-13-01\" is not a date: there is no month 13: expected a month from 01 to 12"
        );
        assert_eq!(
            refused("\"3\"", "stage"),
            "`stage` is \"3\": no dataset gives that; expected one of 0, 1, 2, na, under_review"
        );
        assert!(
            refused("\"Celestia\"", "da").ends_with("; did you mean `celestia`?"),
            "{}",
            refused("\"Celestia\"", "da")
        );
        assert!(
            refused("\"Not A Slug!\"", "slug")
                .starts_with("`slug`: \"Not A Slug!\" is not a slug: "),
            "{}",
            refused("\"Not A Slug!\"", "slug")
        );
        for (text, name) in [
            ("0", "tvl_usd"),
            ("1", "tvl_share"),
            ("1", "tvl_rank"),
            ("0", "l3_count"),
            ("100", "daa_pctl"),
            ("-1", "tvl_change_13w"),
            ("3.5", "tvl_change_4w"),
            ("-2e6", "onchain_profit_usd"),
            ("\"base\"", "slug"),
        ] {
            assert!(check(text, |v| field(name, v)).is_ok(), "{name} = {text}");
        }
    }

    #[test]
    fn params_must_exist_and_keep_their_type() {
        let all: ParamsOf = [(
            "t".to_string(),
            toml::from_str("min = 0.5\nlist = [\"a\"]\nn = 3").unwrap(),
        )]
        .into();
        assert_eq!(
            check("1", |v| param("t", &all, "min", v, false)),
            Ok(toml::Value::Float(1.0))
        );
        assert_eq!(
            check("[\"b\", \"c\"]", |v| param("t", &all, "list", v, false)),
            Ok(toml::Value::Array(vec!["b".into(), "c".into()]))
        );
        assert_eq!(
            check("[1]", |v| param("t", &all, "list", v, false)),
            Err(Problem::Value(
                "param `list` is an array of strings in screen.toml, found an array [1]".into()
            ))
        );
        assert_eq!(
            check("\"x\"", |v| param("t", &all, "n", v, false)),
            Err(Problem::Value(
                "param `n` is a number in screen.toml, found a string \"x\"".into()
            ))
        );
        let dated: ParamsOf = [(
            "t".to_string(),
            toml::from_str("since = 2024-01-01").unwrap(),
        )]
        .into();
        assert_eq!(
            check("\"2020-02-29\"", |v| param("t", &dated, "since", v, false)),
            Ok(toml::Value::Datetime("2020-02-29".parse().unwrap()))
        );
        assert!(check("\"2020-02-30\"", |v| param("t", &dated, "since", v, false)).is_err());
        assert_eq!(
            check("1", |v| param("t", &all, "mn", v, false)),
            Err(Problem::Key(
                "rule `t` has no param `mn` (its params: list, min, n)".into()
            ))
        );
        assert_eq!(
            check("1", |v| param("t", &all, "lists", v, false)),
            Err(Problem::Key(
                "rule `t` has no param `lists`: did you mean `list`?".into()
            ))
        );
        // An optional parameter (tested with `params.has`) screen.toml leaves out: any type.
        assert_eq!(
            check("\"x\"", |v| param("t", &all, "mode", v, true)),
            Ok(toml::Value::String("x".into()))
        );
    }
}
