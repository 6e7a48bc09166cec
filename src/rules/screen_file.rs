//! `screen.toml`: the screen's settings beside the rule files. It names the screen, sets the
//! pass mark, and gives each rule its weight, whether it is a gate, and the parameters the rule
//! reads instead of hard-coding thresholds. Unknown keys are errors that name the key, its file
//! and its line:column, because a misspelt `wieght` silently ignored would change a screen.

use crate::diagnostics::{Diagnostic, code_point, line_col, unprintable};
use crate::features::options::MAX_WINDOW_WEEKS;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::time::Duration;
use toml::Spanned;

pub const SCREEN_FILE: &str = "screen.toml";

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawScreen {
    name: Spanned<String>,
    pass_mark: Spanned<f64>,
    #[serde(default)]
    window_weeks: Option<Spanned<i64>>,
    #[serde(default)]
    rule_time_budget_ms: Option<Spanned<i64>>,
    #[serde(default)]
    screen_time_budget_ms: Option<Spanned<i64>>,
    #[serde(default)]
    rules: BTreeMap<String, Spanned<RawRule>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRule {
    #[serde(default)]
    weight: Option<Spanned<f64>>,
    #[serde(default)]
    gate: bool,
    #[serde(default)]
    params: toml::Table,
}

/// The settings of one rule, with where its `[rules.<id>]` table starts for diagnostics.
#[derive(Clone, Debug)]
pub struct RuleSettings {
    pub weight: f64,
    pub gate: bool,
    pub params: toml::Table,
    pub line: usize,
    pub column: usize,
}

/// A parsed, checked screen.toml.
#[derive(Clone, Debug)]
pub struct ScreenSettings {
    pub name: String,
    pub pass_mark: f64,
    /// Length of the TVL-leadership window in weeks (default 52).
    pub window_weeks: i64,
    /// Time one rule's evaluations may take in one screen, all together
    /// (`rule_time_budget_ms`; `None`: the default, `limits::rule_time_budget`).
    pub rule_time_budget: Option<Duration>,
    /// Time all the evaluations of one screen may take (`screen_time_budget_ms`; `None`: the
    /// default, `limits::screen_time_budget`).
    pub screen_time_budget: Option<Duration>,
    pub rules: BTreeMap<String, RuleSettings>,
}

/// The largest weight: a score is a weighted mean, and weights near the largest float would
/// overflow its sums (every verdict PASS, yet a score that is not a number).
pub(crate) const MAX_WEIGHT: f64 = 1e6;

/// Why `pass_mark` cannot be `value`, if it cannot.
fn pass_mark_problem(value: f64) -> Option<String> {
    (!(0.0..=1.0).contains(&value)).then(|| {
        format!(
            "`pass_mark` must be between 0 and 1, found {}",
            crate::diagnostics::number(value)
        )
    })
}

/// Why rule `id`'s weight cannot be `value`, if it cannot.
fn weight_problem(id: &str, value: f64) -> Option<String> {
    (!(value > 0.0 && value <= MAX_WEIGHT)).then(|| {
        format!(
            "`rules.{id}.weight` must be a number greater than 0 and at most 1000000, found {}",
            crate::diagnostics::number(value)
        )
    })
}

/// Why `window_weeks` cannot be `value`, if it cannot.
fn window_problem(value: i64) -> Option<String> {
    (!(1..=MAX_WINDOW_WEEKS).contains(&value)).then(|| {
        format!("`window_weeks` must be from 1 to {MAX_WINDOW_WEEKS} (a century), found {value}")
    })
}

/// Why the time budget `key` cannot be `value` (milliseconds), if it cannot.
fn budget_problem(key: &str, value: i64) -> Option<String> {
    (value < 1).then(|| format!("`{key}` must be at least 1 (milliseconds), found {value}"))
}

/// Why the value of the number `key` (a top-level key, or `weight` of rule `rule`) cannot be
/// `value`, if it cannot: the checks of [`parse`], for values found beside a problem of shape.
fn value_problem(rule: Option<&str>, key: &str, value: &toml::Value) -> Option<String> {
    let number = value
        .as_float()
        .or_else(|| value.as_integer().map(|i| i as f64));
    match (rule, key) {
        (Some(id), "weight") => weight_problem(id, number?),
        (None, "pass_mark") => pass_mark_problem(number?),
        (None, "window_weeks") => window_problem(value.as_integer()?),
        (None, "rule_time_budget_ms" | "screen_time_budget_ms") => {
            budget_problem(key, value.as_integer()?)
        }
        _ => None,
    }
}

/// Every key of the wrong name or kind and every missing required key in `text`, which is
/// TOML, and every value of the right kind out of its range: reading into the settings stops
/// at the first, so when there are more they are found here, to report every one at once.
/// Empty when the TOML does not read; with the count of the values out of range among them.
fn shape_problems(file: &str, text: &str) -> (Vec<Diagnostic>, usize) {
    use toml::de::{DeTable, DeValue};
    type Kinds = &'static [(&'static str, &'static str)];
    const TOP: Kinds = &[
        ("name", "a string"),
        ("pass_mark", "a number"),
        ("window_weeks", "an integer"),
        ("rule_time_budget_ms", "an integer"),
        ("screen_time_budget_ms", "an integer"),
        ("rules", "a table"),
    ];
    const RULE: Kinds = &[
        ("weight", "a number"),
        ("gate", "true or false"),
        ("params", "a table"),
    ];
    let Ok(doc) = DeTable::parse(text) else {
        return (Vec::new(), 0);
    };
    // Of the problems, how many are of a value of the right kind (out of its range).
    let values_found = std::cell::Cell::new(0);
    // The same document with its values read, for the checks of a value of the right kind.
    let values: toml::Table = toml::from_str(text).unwrap_or_default();
    let mut out = Vec::new();
    // The problems of the values in each rule's params, beside the others.
    let mut params_found = Vec::new();
    let mut at = |span: std::ops::Range<usize>, message: String| {
        let (line, column) = line_col(text, span.start);
        out.push(Diagnostic::at(file, text, line, column, message));
    };
    let is = |value: &DeValue, kind: &str| match kind {
        "a string" => matches!(value, DeValue::String(_)),
        "a number" => matches!(value, DeValue::Float(_) | DeValue::Integer(_)),
        "an integer" => matches!(value, DeValue::Integer(_)),
        "true or false" => matches!(value, DeValue::Boolean(_)),
        _ => matches!(value, DeValue::Table(_)),
    };
    let check = |table: &DeTable,
                 kinds: Kinds,
                 rule: Option<&str>,
                 read: Option<&toml::Table>,
                 at: &mut dyn FnMut(_, String)| {
        let prefix = rule.map_or_else(String::new, |id| format!("rules.{id}."));
        let expected = kinds
            .iter()
            .map(|(k, _)| format!("`{k}`"))
            .collect::<Vec<_>>()
            .join(", ");
        for (key, value) in table.iter() {
            let name = key.get_ref().as_ref();
            match kinds.iter().find(|(k, _)| *k == name) {
                None => at(
                    key.span(),
                    format!(
                        "unknown field `{name}`, expected one of {expected} (at `{prefix}{name}`)"
                    ),
                ),
                Some((_, kind)) if !is(value.get_ref(), kind) => {
                    at(value.span(), format!("`{prefix}{name}` must be {kind}"))
                }
                Some(_) => {
                    let problem = read
                        .and_then(|t| t.get(name))
                        .and_then(|v| value_problem(rule, name, v));
                    if let Some(message) = problem {
                        values_found.set(values_found.get() + 1);
                        at(value.span(), message);
                    }
                }
            }
        }
    };
    let top = doc.get_ref();
    check(top, TOP, None, Some(&values), &mut at);
    if let Some(DeValue::Table(rules)) = top.get("rules").map(|r| r.get_ref()) {
        for (id, rule) in rules.iter() {
            let id = id.get_ref().as_ref();
            let read = values
                .get("rules")
                .and_then(|r| r.get(id))
                .and_then(toml::Value::as_table);
            match rule.get_ref() {
                DeValue::Table(t) => check(t, RULE, Some(id), read, &mut at),
                _ => at(rule.span(), format!("`rules.{id}` must be a table")),
            }
            if let Some(params) = read
                .and_then(|r| r.get("params"))
                .and_then(|p| p.as_table())
            {
                let found =
                    param_problems(file, text, id, params, line_col(text, rule.span().start));
                values_found.set(values_found.get() + found.len());
                params_found.extend(found);
            }
        }
    }
    out.extend(params_found);
    for required in ["name", "pass_mark"] {
        if !top.contains_key(required) {
            out.push(Diagnostic::file(
                file,
                format!("missing field `{required}`"),
            ));
        }
    }
    out.sort_by_key(|d| (d.line, d.column));
    (out, values_found.get())
}

/// Parse `text` (the contents of `file`); every problem names the file, line:column and key.
pub fn parse(file: &str, text: &str) -> Result<ScreenSettings, Vec<Diagnostic>> {
    let raw: RawScreen = toml::from_str(text).map_err(|e| {
        let (every, values) = shape_problems(file, text);
        if every.len() > 1 && every.len() > values {
            return every;
        }
        let ((line, column), mut message) =
            crate::diagnostics::toml_error(text, e.span(), e.message());
        let spans_text = e.span().is_some_and(|s| !s.is_empty());
        if let Some(key) = key_path(text, line).filter(|_| spans_text)
            && !message.contains(&format!("`{key}`"))
        {
            message = format!("{message} (at `{key}`)");
        }
        let mut out = vec![Diagnostic::at(file, text, line, column, message)];
        // No problem of shape was found: serde's is one its pass does not see, and the values
        // out of range are beside it.
        if every.len() == values {
            out.extend(every);
            out.sort_by_key(|d| (d.line, d.column));
        }
        out
    })?;

    let mut errors = Vec::new();
    // A problem at the start of a spanned value.
    let at = |span: std::ops::Range<usize>, message: String| {
        let (line, column) = line_col(text, span.start);
        Diagnostic::at(file, text, line, column, message)
    };
    // The name heads every output, a terminal's included.
    if let Some((_, c)) = unprintable(raw.name.get_ref()) {
        errors.push(at(
            raw.name.span(),
            format!(
                "`name` holds the character {}: a screen's name is plain text on one line",
                code_point(c)
            ),
        ));
    }
    if raw.name.get_ref().trim().is_empty() {
        errors.push(at(
            raw.name.span(),
            "`name` is empty: expected the screen's name, which heads every output".to_string(),
        ));
    }
    let pass_mark = *raw.pass_mark.get_ref();
    if let Some(message) = pass_mark_problem(pass_mark) {
        errors.push(at(raw.pass_mark.span(), message));
    }
    let mut rules = BTreeMap::new();
    for (id, spanned) in raw.rules {
        let (line, column) = line_col(text, spanned.span().start);
        let rule = spanned.into_inner();
        let weight = match rule.weight {
            None => 1.0,
            Some(w) => {
                let value = *w.get_ref();
                if let Some(message) = weight_problem(&id, value) {
                    errors.push(at(w.span(), message));
                }
                value
            }
        };
        errors.extend(param_problems(
            file,
            text,
            &id,
            &rule.params,
            (line, column),
        ));
        rules.insert(
            id,
            RuleSettings {
                weight,
                gate: rule.gate,
                params: rule.params,
                line,
                column,
            },
        );
    }
    let window_weeks = raw.window_weeks.as_ref().map_or(52, |w| *w.get_ref());
    if let Some(w) = &raw.window_weeks
        && let Some(message) = window_problem(*w.get_ref())
    {
        errors.push(at(w.span(), message));
    }
    let mut budget = |key: &str, value: &Option<Spanned<i64>>| {
        let ms = value.as_ref()?;
        match budget_problem(key, *ms.get_ref()) {
            None => Some(Duration::from_millis(*ms.get_ref() as u64)),
            Some(message) => {
                errors.push(at(ms.span(), message));
                None
            }
        }
    };
    let rule_time_budget = budget("rule_time_budget_ms", &raw.rule_time_budget_ms);
    let screen_time_budget = budget("screen_time_budget_ms", &raw.screen_time_budget_ms);
    if errors.is_empty() {
        Ok(ScreenSettings {
            name: raw.name.into_inner(),
            pass_mark,
            window_weeks,
            rule_time_budget,
            screen_time_budget,
            rules,
        })
    } else {
        Err(errors)
    }
}

/// The dotted key a TOML error on `line` is about: the enclosing `[table]` header plus the
/// `key =` on that line, e.g. `rules.traction.weight`.
fn key_path(text: &str, line: usize) -> Option<String> {
    let lines: Vec<&str> = text.lines().collect();
    let here = lines.get(line.checked_sub(1)?)?.trim();
    let key = here
        .split_once('=')
        .map(|(k, _)| k.trim().trim_matches('"').to_string());
    let table = lines[..line - 1]
        .iter()
        .rev()
        .map(|l| l.trim())
        .find(|l| l.starts_with('['))
        .map(|l| l.trim_matches(['[', ']']).trim().to_string());
    match (table, key) {
        (_, Some(key)) if here.starts_with('[') => Some(key),
        (Some(table), Some(key)) => Some(format!("{table}.{key}")),
        (None, Some(key)) => Some(key),
        (Some(table), None) if !here.starts_with('[') => Some(table),
        _ => None,
    }
}

/// One step of the way from a rule's `params` table to a key or value in it.
#[derive(Clone, Debug, PartialEq)]
enum Step {
    /// The value of a key.
    Value(String),
    /// The key itself (the problem is the key's).
    Key(String),
    /// An item of an array.
    Item(usize),
}

/// Every key or value of `params` (nested arrays and tables included) that `key` or `value`
/// finds wrong, in the table's order: its dotted path, what was found, and the way to it (for
/// its place).
fn every_in<T>(
    params: &toml::Table,
    key: &dyn Fn(&str) -> Option<T>,
    value: &dyn Fn(&toml::Value) -> Option<T>,
) -> Vec<(String, T, Vec<Step>)> {
    type Found<T> = Vec<(String, T, Vec<Step>)>;
    fn walk<T>(
        v: &toml::Value,
        path: &str,
        steps: &[Step],
        key: &dyn Fn(&str) -> Option<T>,
        value: &dyn Fn(&toml::Value) -> Option<T>,
        out: &mut Found<T>,
    ) {
        match v {
            toml::Value::Array(items) => {
                for (i, item) in items.iter().enumerate() {
                    let steps = [steps, &[Step::Item(i)]].concat();
                    walk(item, &format!("{path}[{i}]"), &steps, key, value, out);
                }
            }
            toml::Value::Table(t) => table(t, &format!("{path}."), steps, key, value, out),
            v => out.extend(value(v).map(|found| (path.to_string(), found, steps.to_vec()))),
        }
    }
    fn table<T>(
        t: &toml::Table,
        prefix: &str,
        steps: &[Step],
        key: &dyn Fn(&str) -> Option<T>,
        value: &dyn Fn(&toml::Value) -> Option<T>,
        out: &mut Found<T>,
    ) {
        for (k, v) in t {
            let path = format!("{prefix}{}", crate::diagnostics::displayable(k.clone()));
            match key(k) {
                Some(found) => out.push((path, found, [steps, &[Step::Key(k.clone())]].concat())),
                None => {
                    let steps = [steps, &[Step::Value(k.clone())]].concat();
                    walk(v, &path, &steps, key, value, out);
                }
            }
        }
    }
    let mut out = Vec::new();
    table(params, "", &[], key, value, &mut out);
    out
}

/// Where in `text` the key or value of `[rules.<id>.params]` that `steps` lead to is written.
fn param_span(text: &str, id: &str, steps: &[Step]) -> Option<std::ops::Range<usize>> {
    use toml::de::{DeTable, DeValue};
    fn entry<'a, 'i>(
        t: &'a DeTable<'i>,
        name: &str,
    ) -> Option<(
        &'a Spanned<toml::de::DeString<'i>>,
        &'a Spanned<DeValue<'i>>,
    )> {
        t.iter().find(|(k, _)| k.get_ref().as_ref() == name)
    }
    let doc = DeTable::parse(text).ok()?;
    let mut here = doc.get_ref();
    for name in ["rules", id, "params"] {
        let DeValue::Table(t) = entry(here, name)?.1.get_ref() else {
            return None;
        };
        here = t;
    }
    let mut span = None;
    let mut value: Option<&Spanned<DeValue>> = None;
    for step in steps {
        let table = match value.map(Spanned::get_ref) {
            None => Some(here),
            Some(DeValue::Table(t)) => Some(t),
            _ => None,
        };
        match step {
            Step::Value(name) => {
                let (_, v) = entry(table?, name)?;
                span = Some(v.span());
                value = Some(v);
            }
            Step::Key(name) => return Some(entry(table?, name)?.0.span()),
            Step::Item(i) => {
                let DeValue::Array(items) = value?.get_ref() else {
                    return None;
                };
                let v = items.get(*i)?;
                span = Some(v.span());
                value = Some(v);
            }
        }
    }
    span
}

/// Every problem of the values in rule `id`'s `params`, each at its key or value (at `table`,
/// the `[rules.<id>]` table's line and column, where it cannot be found): a key or string
/// holding a character a terminal would not show as written, and a float that is not a finite
/// number (`nan`, `inf`).
fn param_problems(
    file: &str,
    text: &str,
    id: &str,
    params: &toml::Table,
    table: (usize, usize),
) -> Vec<Diagnostic> {
    let unshown = |text: &str| unprintable(text).map(|(_, c)| c);
    let unprintable = every_in(params, &unshown, &|v| v.as_str().and_then(unshown))
        .into_iter()
        .map(|(key, c, steps)| {
            let message = format!(
                "`rules.{id}.params.{key}` holds the character {}: a parameter's text is plain text on one line, since reasons and every output show it",
                code_point(c)
            );
            (message, steps)
        });
    let non_finite = every_in(params, &|_| None, &|v| {
        v.as_float().filter(|x| !x.is_finite())
    })
    .into_iter()
    .map(|(key, x, steps)| {
        let why = if x.is_nan() {
            format!("every comparison with {x} is false")
        } else if x > 0.0 {
            format!("every number is below {x}")
        } else {
            format!("every number is above {x}")
        };
        let message = format!(
            "`rules.{id}.params.{key}` is {x}: expected a finite number ({why}, so a rule would judge every chain alike, as if the threshold were not there)"
        );
        (message, steps)
    });
    let mut out: Vec<Diagnostic> = unprintable
        .chain(non_finite)
        .map(|(message, steps)| {
            let (line, column) =
                param_span(text, id, &steps).map_or(table, |s| line_col(text, s.start));
            Diagnostic::at(file, text, line, column, message)
        })
        .collect();
    // In the file's order (the table's keys are in the order of their names).
    out.sort_by_key(|d| (d.line, d.column));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_empty_name_is_refused() {
        let text = GOOD.replace("name = \"L2 moat screen\"", "name = \"  \"");
        let errs = parse("screen.toml", &text).unwrap_err();
        assert_eq!(
            errs[0].to_string(),
            "screen.toml:1:8: error: `name` is empty: expected the screen's name, which heads every output\n  |\n1 | name = \"  \"\n  |        ^"
        );
    }

    #[test]
    fn every_parameter_that_is_not_a_finite_number_is_refused_even_beside_an_unknown_key() {
        let params = "[rules.traction.params]\nlow = nan\nhigh = inf\nfloor = -inf\n";
        let locations = |errs: &[Diagnostic]| -> Vec<String> {
            errs.iter()
                .map(|e| format!("{} {}", e.location(), e.message))
                .collect()
        };
        let errs = parse("screen.toml", &format!("{GOOD}{params}")).unwrap_err();
        let seen = locations(&errs);
        assert_eq!(seen.len(), 3, "{seen:#?}");
        assert!(seen[0].starts_with("screen.toml:12:7 `rules.traction.params.low` is NaN: expected a finite number (every comparison with NaN is false"), "{seen:#?}");
        assert!(seen[1].starts_with("screen.toml:13:8 `rules.traction.params.high` is inf: expected a finite number (every number is below inf"), "{seen:#?}");
        assert!(seen[2].starts_with("screen.toml:14:9 `rules.traction.params.floor` is -inf: expected a finite number (every number is above -inf"), "{seen:#?}");
        // Beside a problem of shape in the same rule, the values are still reported.
        let text = format!("{GOOD}wieght = 2\n{params}");
        let seen = locations(&parse("screen.toml", &text).unwrap_err());
        assert_eq!(seen.len(), 4, "{seen:#?}");
        assert!(
            seen[0].starts_with("screen.toml:11:1 unknown field `wieght`"),
            "{seen:#?}"
        );
        assert!(
            seen[1].starts_with("screen.toml:13:7 `rules.traction.params.low` is NaN"),
            "{seen:#?}"
        );
        assert!(
            seen[3].starts_with("screen.toml:15:9 `rules.traction.params.floor` is -inf"),
            "{seen:#?}"
        );
    }

    #[test]
    fn a_key_nested_past_the_readers_limit_is_placed_and_said_in_words() {
        let deep = vec!["a"; 100].join(".");
        let text = format!("{GOOD}[rules.traction.params]\n{deep} = 1\n");
        let errs = parse("screen.toml", &text).unwrap_err();
        assert_eq!(errs.len(), 1, "{errs:?}");
        assert_eq!(errs[0].location(), "screen.toml:12:1");
        assert!(
            errs[0]
                .message
                .starts_with("keys or values nested 80 levels deep or more"),
            "{}",
            errs[0]
        );
    }

    #[test]
    fn a_parameter_that_is_not_a_finite_number_is_refused_at_its_value() {
        for (written, shown, at) in [
            ("nan", "NaN", "12:15"),
            ("-inf", "-inf", "12:15"),
            ("[1.0, inf]", "inf", "12:21"),
            ("{ low = 1.0, high = nan }", "NaN", "12:35"),
        ] {
            let text = format!("{GOOD}[rules.traction.params]\nmin_tvl_usd = {written}\n");
            let errs = parse("screen.toml", &text).unwrap_err();
            let key = match written.chars().next() {
                Some('[') => "min_tvl_usd[1]",
                Some('{') => "min_tvl_usd.high",
                _ => "min_tvl_usd",
            };
            assert!(
                errs[0].message.starts_with(&format!(
                    "`rules.traction.params.{key}` is {shown}: expected a finite number"
                )),
                "{}",
                errs[0]
            );
            // At the value, not at the `[rules.traction]` header (10:1), where it was.
            assert_eq!(errs[0].location(), format!("screen.toml:{at}"), "{written}");
        }
    }

    const GOOD: &str = "name = \"L2 moat screen\"\npass_mark = 0.6\n\n[rules.token_existence]\nweight = 2.0\ngate = true\n[rules.token_existence.params]\naccepted_origins = [\"chain\", \"app\"]\n\n[rules.traction]\n";

    #[test]
    fn parses_weights_gates_params_and_defaults() {
        let s = parse("rules/screen.toml", GOOD).unwrap();
        assert_eq!(s.name, "L2 moat screen");
        assert_eq!(s.pass_mark, 0.6);
        let t = &s.rules["token_existence"];
        assert_eq!((t.weight, t.gate, t.line), (2.0, true, 4));
        assert!(t.params.contains_key("accepted_origins"));
        let tr = &s.rules["traction"];
        assert_eq!((tr.weight, tr.gate), (1.0, false));
    }

    #[test]
    fn unknown_key_names_the_key_file_and_place() {
        let text = GOOD.replace("weight = 2.0", "wieght = 2.0");
        let errs = parse("rules/screen.toml", &text).unwrap_err();
        assert_eq!(
            errs[0].to_string(),
            "rules/screen.toml:5:1: error: unknown field `wieght`, expected one of `weight`, `gate`, `params` (at `rules.token_existence.wieght`)\n  |\n5 | wieght = 2.0\n  | ^"
        );
    }

    #[test]
    fn wrong_type_names_the_key() {
        let text = GOOD.replace("weight = 2.0", "weight = \"heavy\"");
        let errs = parse("screen.toml", &text).unwrap_err();
        assert_eq!(errs[0].location(), "screen.toml:5:10");
        assert_eq!(
            errs[0].message,
            "invalid type: string \"heavy\", expected f64 (at `rules.token_existence.weight`)"
        );
    }

    #[test]
    fn a_name_with_control_characters_a_huge_weight_or_window_is_refused() {
        let text = GOOD
            .replace("\"L2 moat screen\"", "\"L2\\u001b[2J\"")
            .replace("weight = 2.0", "weight = 1e308")
            .replace(
                "pass_mark = 0.6",
                "pass_mark = 1e300\nwindow_weeks = 13783694",
            );
        let errs = parse("screen.toml", &text).unwrap_err();
        let msgs: Vec<&str> = errs.iter().map(|e| e.message.as_str()).collect();
        assert_eq!(
            msgs,
            [
                "`name` holds the character U+001B: a screen's name is plain text on one line",
                "`pass_mark` must be between 0 and 1, found 1e300",
                "`rules.token_existence.weight` must be a number greater than 0 and at most 1000000, found 1e308",
                "`window_weeks` must be from 1 to 5200 (a century), found 13783694",
            ]
        );
    }

    #[test]
    fn a_parameter_with_a_control_or_bidi_character_is_refused_by_its_key_at_it() {
        // Each at the string or key that holds it (all were at the `[rules.<id>]` header, 4:1).
        for (params, key, c, at) in [
            (
                "accepted_origins = [\"chain\", \"a\\u202Eb\"]",
                "accepted_origins[1]",
                "U+202E",
                "8:30",
            ),
            ("label = \"x\\u0007\"", "label", "U+0007", "8:9"),
            (
                "[rules.token_existence.params.nested]\nk = \"\\u001b[2J\"",
                "nested.k",
                "U+001B",
                "9:5",
            ),
            ("\"a\\u2066\" = 1", "a\u{FFFD}", "U+2066", "8:1"),
        ] {
            let text = GOOD.replace("accepted_origins = [\"chain\", \"app\"]", params);
            let errs = parse("screen.toml", &text).unwrap_err();
            assert_eq!(
                errs[0].message,
                format!(
                    "`rules.token_existence.params.{key}` holds the character {c}: a parameter's text is plain text on one line, since reasons and every output show it"
                ),
                "{params}"
            );
            assert_eq!(errs[0].location(), format!("screen.toml:{at}"), "{params}");
        }
    }

    #[test]
    fn every_misnamed_or_mistyped_key_and_missing_one_is_reported_at_once() {
        let text = "bogus_top = 1\npass_mark = \"high\"\n[rules.a]\nwieght = 2\ngate = \"yes\"\n[rules.b]\nweight = 1\n";
        let errs = parse("screen.toml", text).unwrap_err();
        let lines: Vec<String> = errs
            .iter()
            .map(|e| format!("{}:{} {}", e.line, e.column, e.message))
            .collect();
        assert_eq!(
            lines,
            [
                "0:0 missing field `name`",
                "1:1 unknown field `bogus_top`, expected one of `name`, `pass_mark`, `window_weeks`, `rule_time_budget_ms`, `screen_time_budget_ms`, `rules` (at `bogus_top`)",
                "2:13 `pass_mark` must be a number",
                "4:1 unknown field `wieght`, expected one of `weight`, `gate`, `params` (at `rules.a.wieght`)",
                "5:8 `rules.a.gate` must be true or false",
            ]
        );
    }

    #[test]
    fn bad_pass_mark_and_weight() {
        let text = GOOD
            .replace("pass_mark = 0.6", "pass_mark = 1.5")
            .replace("weight = 2.0", "weight = 0");
        let errs = parse("screen.toml", &text).unwrap_err();
        let msgs: Vec<&str> = errs.iter().map(|e| e.message.as_str()).collect();
        assert_eq!(
            msgs,
            [
                "`pass_mark` must be between 0 and 1, found 1.5",
                "`rules.token_existence.weight` must be a number greater than 0 and at most 1000000, found 0"
            ]
        );
    }

    /// A value out of its range is found beside a problem of shape, which stops the reading:
    /// every problem in one run.
    #[test]
    fn values_out_of_range_are_found_beside_a_key_of_the_wrong_kind() {
        let text = GOOD
            .replace("pass_mark = 0.6", "pass_mark = \"high\"\nwindow_weeks = 0")
            .replace("weight = 2.0", "weight = -1");
        let errs = parse("screen.toml", &text).unwrap_err();
        let msgs: Vec<String> = errs
            .iter()
            .map(|e| format!("{}:{} {}", e.line, e.column, e.message))
            .collect();
        assert_eq!(
            msgs,
            [
                "2:13 `pass_mark` must be a number",
                "3:16 `window_weeks` must be from 1 to 5200 (a century), found 0",
                "6:10 `rules.token_existence.weight` must be a number greater than 0 and at most 1000000, found -1",
            ]
        );
        // A problem of shape alone is said as the reader says it.
        let text = GOOD.replace("pass_mark = 0.6", "pass_mark = \"high\"");
        let errs = parse("screen.toml", &text).unwrap_err();
        assert_eq!(errs.len(), 1);
        assert!(errs[0].message.contains("(at `pass_mark`)"), "{}", errs[0]);
    }

    #[test]
    fn time_budgets_default_and_are_checked() {
        let s = parse("screen.toml", GOOD).unwrap();
        assert_eq!((s.rule_time_budget, s.screen_time_budget), (None, None));
        let text = GOOD.replace(
            "pass_mark = 0.6\n",
            "pass_mark = 0.6\nrule_time_budget_ms = 250\nscreen_time_budget_ms = 0\n",
        );
        let errs = parse("screen.toml", &text).unwrap_err();
        assert_eq!(
            errs[0].to_string(),
            "screen.toml:4:25: error: `screen_time_budget_ms` must be at least 1 (milliseconds), found 0\n  |\n4 | screen_time_budget_ms = 0\n  |                         ^"
        );
        let text = GOOD.replace(
            "pass_mark = 0.6\n",
            "pass_mark = 0.6\nrule_time_budget_ms = 250\n",
        );
        let s = parse("screen.toml", &text).unwrap();
        assert_eq!(s.rule_time_budget, Some(Duration::from_millis(250)));
    }

    #[test]
    fn missing_top_level_key() {
        let errs = parse("screen.toml", "name = \"x\"\n").unwrap_err();
        assert_eq!(
            errs[0].to_string(),
            "screen.toml:1:1: error: missing field `pass_mark`\n  |\n1 | name = \"x\"\n  | ^"
        );
    }
}
