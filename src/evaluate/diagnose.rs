//! Turning a Rhai runtime error into an ERROR verdict a rule author can act on: plain words
//! instead of "Function not found: > ((), f64)", the missing field named, the limit that was
//! hit and its size, and the position in the rule when the error carries one (the caller
//! finds the line of those that do not).

use crate::rules::Limits;
use crate::rules::api::ApiError;
use crate::rules::api::reference;
use crate::rules::api::trace::MissingRead;
use crate::rules::engine::{DeadlineKind, MEMORY_TOKEN, OPERATIONS_TOKEN};
use rhai::{EvalAltResult, Position};

/// What the translation needs to know about the evaluation that failed.
pub struct Context<'a> {
    pub source: &'a str,
    pub limits: &'a Limits,
    /// The time budgets in milliseconds: (one rule in a screen, the whole screen).
    pub budgets: (u128, u128),
    /// Missing values the rule read, oldest first.
    pub missing: &'a [MissingRead],
}

/// The ERROR message and the (line, column) the error carries, if any. An error whose message
/// names a name the rule wrote (see `named`) is placed at that name, as `moat rules check`
/// places it, not at the `.` or `[` before it where rhai does.
pub fn explain(err: &EvalAltResult, ctx: &Context) -> (String, Option<(usize, usize)>) {
    let (inner, pos) = innermost(err);
    let mut at = pos.line().map(|l| (l, pos.position().unwrap_or(1)));
    let source_line = at
        .and_then(|(line, _)| ctx.source.lines().nth(line.saturating_sub(1)))
        .unwrap_or("");
    let mut text = message(inner, ctx, source_line);
    if let Some(read_only) = at.and_then(|(_, column)| assigned_param(&text, source_line, column)) {
        text = read_only;
    }
    if let (Some((_, column)), Some(name)) = (at.as_mut(), named(&text)) {
        *column = name_column(source_line, name, *column);
    }
    (text, at)
}

/// The name the rule wrote that an error is about, for the errors whose message names one: an
/// unknown field, series or peers property, a parameter read undefined or changed, an unknown
/// link kind.
pub fn named(message: &str) -> Option<&str> {
    [
        "unknown field `",
        "unknown series `",
        "peers has no property `",
    ]
    .iter()
    .find_map(|prefix| message.strip_prefix(prefix))
    .or_else(|| {
        message
            .strip_prefix("param `")
            .filter(|rest| rest.contains("` is not defined for rule `"))
    })
    .or_else(|| {
        message
            .strip_prefix("`params.")
            .filter(|rest| rest.contains("` cannot be changed: parameters are read-only"))
    })
    // `chain.links("kind"): no link kind `kind`: …`.
    .or_else(|| {
        message
            .split_once("): no link kind `")
            .map(|(_, rest)| rest)
    })?
    .split('`')
    .next()
    .filter(|name| !name.is_empty())
}

/// The 1-based column of `name` (as a whole word) on `line`: the first occurrence at or after
/// `column`, else the last one before it, else `column`.
pub fn name_column(line: &str, name: &str, column: usize) -> usize {
    let word = |c: char| c.is_ascii_alphanumeric() || c == '_';
    let starts: Vec<usize> = line
        .match_indices(name)
        .filter(|(i, _)| {
            !line[..*i].chars().next_back().is_some_and(word)
                && !line[i + name.len()..].chars().next().is_some_and(word)
        })
        .map(|(i, _)| line[..i].chars().count() + 1)
        .collect();
    starts
        .iter()
        .find(|&&c| c >= column)
        .or(starts.last())
        .copied()
        .unwrap_or(column)
}

/// `params.foo += 1` with `foo` undefined: rhai reads the parameter before it changes it, and
/// that read's error ("not defined: add it to screen.toml") would send the author to define
/// what the rule must not change. Said as the change it is, as for a defined parameter.
fn assigned_param(message: &str, source_line: &str, column: usize) -> Option<String> {
    let (name, rest) = message.strip_prefix("param `")?.split_once('`')?;
    let rule = rest
        .strip_prefix(" is not defined for rule `")?
        .split('`')
        .next()?;
    let at: String = source_line.chars().skip(column.checked_sub(1)?).collect();
    let after = at
        .strip_prefix(&format!(".{name}"))
        .or_else(|| at.strip_prefix(&format!("[\"{name}\"]")))?;
    if after.starts_with(|c: char| c.is_ascii_alphanumeric() || c == '_') {
        return None;
    }
    let after = after.trim_start();
    let assigns = (after.starts_with('=') && !after.starts_with("=="))
        || [
            "**=", "<<=", ">>=", "+=", "-=", "*=", "/=", "%=", "&=", "|=", "^=",
        ]
        .iter()
        .any(|op| after.starts_with(op));
    assigns.then(|| crate::rules::api::params::read_only(name, rule))
}

/// Whether the error is a rule running out of operations or time.
pub fn ran_away(err: &EvalAltResult) -> bool {
    matches!(
        innermost(err).0,
        EvalAltResult::ErrorTooManyOperations(_) | EvalAltResult::ErrorTerminated(..)
    )
}

/// Whether the error is the operations limit.
pub fn out_of_operations(err: &EvalAltResult) -> bool {
    match innermost(err).0 {
        EvalAltResult::ErrorTooManyOperations(_) => true,
        EvalAltResult::ErrorTerminated(token, _) => token.to_string() == OPERATIONS_TOKEN,
        _ => false,
    }
}

/// The message of an evaluation that a time budget did not let run (or stopped).
pub fn out_of_budget(kind: DeadlineKind, ctx: &Context) -> String {
    match kind {
        DeadlineKind::ScreenBudget => format!(
            "the screen exceeded its time budget ({} ms, `screen_time_budget_ms` in screen.toml): this evaluation was stopped or did not run",
            ctx.budgets.1
        ),
        _ => format!(
            "rule exceeded its time budget for this screen ({} ms, `rule_time_budget_ms` in screen.toml): this evaluation was stopped or did not run",
            ctx.budgets.0
        ),
    }
}

/// The innermost error (inside nested function and closure calls) and the most specific
/// position known: its own, else the nearest enclosing call site.
fn innermost(err: &EvalAltResult) -> (&EvalAltResult, Position) {
    let mut current = err;
    let mut pos = err.position();
    while let EvalAltResult::ErrorInFunctionCall(_, _, inner, _)
    | EvalAltResult::ErrorInModule(_, inner, _) = current
    {
        current = inner;
        if !current.position().is_none() {
            pos = current.position();
        }
    }
    (current, pos)
}

fn message(err: &EvalAltResult, ctx: &Context, source_line: &str) -> String {
    let l = ctx.limits;
    match err {
        EvalAltResult::ErrorFunctionNotFound(sig, _) => function_not_found(sig, ctx, source_line),
        // rhai says "argument #1 of function 'push'": a closure that captured a variable was
        // handed to a function changing that variable (`let f = || a; a.push(f)`).
        EvalAltResult::ErrorDataRace(what, _) => format!(
            "{what} is a value shared with the variable the call changes (a closure that captured it): a value cannot be changed while it is read, nor hold itself; give the closure a copy (`let copy = a; let f = || copy;`)"
        ),
        EvalAltResult::ErrorMismatchDataType(expected, actual, _) if actual == "()" => {
            missing_used(&format!("where {expected} was expected"), ctx, source_line)
        }
        EvalAltResult::ErrorRuntime(value, _) => match value.read_lock::<ApiError>() {
            Some(e) => e.0.clone(),
            None if value.is_unit()
                || value
                    .read_lock::<rhai::ImmutableString>()
                    .is_some_and(|s| s.trim().is_empty()) =>
            {
                "the rule threw an error without a message (`throw;` or an empty text): throw a text that says what went wrong".to_string()
            }
            // What a rule throws may be any value: its text is cut as a reason is.
            None => format!(
                "the rule threw an error: {}",
                crate::rules::limits::displayed(
                    &Thrown(value),
                    crate::rules::limits::MAX_REASON_BYTES
                )
            ),
        },
        EvalAltResult::ErrorTooManyOperations(_) => {
            format!(
                "the rule exceeded the limit of {} operations (an endless loop?)",
                l.max_operations
            )
        }
        EvalAltResult::ErrorStackOverflow(_) => {
            format!(
                "the rule exceeded the limit of {} nested function calls (runaway recursion?)",
                l.max_call_levels
            )
        }
        EvalAltResult::ErrorDataTooLarge(what, _) => {
            format!("the rule exceeded a size limit: {what}")
        }
        EvalAltResult::ErrorTerminated(token, _) => {
            let token = token.to_string();
            if token == OPERATIONS_TOKEN {
                format!(
                    "the rule exceeded the limit of {} operations (an endless loop?)",
                    l.max_operations
                )
            } else if token == MEMORY_TOKEN {
                format!(
                    "the rule used more than its {} MiB of memory (a value growing without end?)",
                    l.max_memory >> 20
                )
            } else if token == DeadlineKind::RuleBudget.token() {
                out_of_budget(DeadlineKind::RuleBudget, ctx)
            } else if token == DeadlineKind::ScreenBudget.token() {
                out_of_budget(DeadlineKind::ScreenBudget, ctx)
            } else {
                format!(
                    "the rule ran longer than its time limit of {} ms",
                    l.time_limit.as_millis()
                )
            }
        }
        EvalAltResult::ErrorTooManyVariables(_) => {
            format!("the rule defined more than {} variables", l.max_variables)
        }
        EvalAltResult::ErrorPropertyNotFound(p, _) => format!("the map has no property `{p}`"),
        // `x.stack` where `x` is `()`: a missing value (a chain not in the universe yet).
        EvalAltResult::ErrorDotExpr(text, _) if text.ends_with("for type '()'") => {
            let prop = text
                .strip_prefix("Unknown property '")
                .and_then(|rest| rest.split_once('\''))
                .map_or("a property", |(prop, _)| prop);
            missing_used(&format!("to read `.{prop}`"), ctx, source_line)
        }
        EvalAltResult::ErrorVariableNotFound(v, _) => format!("unknown variable `{v}`"),
        // `if x`, `!x`, `x && y` with `x` not a bool.
        EvalAltResult::ErrorMismatchDataType(expected, actual, _) if expected == "bool" => {
            format!(
                "a condition must be true or false, and this one is {}: compare it instead (`x != \"\"`, `n > 0`, `chain.has(\"field\")`)",
                kind(actual)
            )
        }
        EvalAltResult::ErrorMismatchDataType(expected, actual, _) => {
            format!("expected {}, found {}", kind(expected), kind(actual))
        }
        other => {
            let text = other.to_string();
            read_only(&text).unwrap_or_else(|| without_position(&text))
        }
    }
}

/// `No writable property 'x' - a setter is not registered for type 'Chain' …`: what the rule
/// tried to change, said as what it is.
fn read_only(text: &str) -> Option<String> {
    let rest = text.strip_prefix("No writable property '")?;
    let (property, rest) = rest.split_once('\'')?;
    let on = rest
        .split_once("for type '")
        .and_then(|(_, t)| t.split_once('\''))
        .map(|(t, _)| t)?;
    Some(match on {
        "Chain" => format!(
            "`chain.{property}` cannot be changed: a chain's fields are read-only (copy the value into a variable: `let x = chain.{property};`)"
        ),
        "Params" => crate::rules::api::params::read_only(property, "<id>"),
        "Peers" => format!("`peers.{property}` cannot be changed: peers are read-only"),
        other => format!("`.{property}` cannot be set on {}", kind(other)),
    })
}

/// `Function not found: > ((), f64)`: a missing value in an operator, a comparison of
/// mismatched types, or a genuinely unknown function.
fn function_not_found(sig: &str, ctx: &Context, source_line: &str) -> String {
    let (name, args) = sig.split_once(" (").unwrap_or((sig, ""));
    let args = args.strip_suffix(')').unwrap_or(args);
    let types: Vec<&str> = args.split(", ").filter(|t| !t.is_empty()).collect();
    if types.contains(&"()") {
        return missing_used(&format!("in `{name}`"), ctx, source_line);
    }
    let comparison = matches!(name, "<" | "<=" | ">" | ">=" | "==" | "!=");
    if comparison && types.len() == 2 {
        return format!(
            "`{name}` compares {} with {}: convert one side first (e.g. parse_int(..), to_string(..))",
            kind(types[0]),
            kind(types[1])
        );
    }
    let args: Vec<String> = types.iter().map(|t| kind(t)).collect();
    let args = args.join(", ");
    let known = crate::rules::engine::function_names();
    let own = defines(ctx.source, name);
    let operator = !name.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_');
    if !operator && !known.contains(name) && !own {
        let receiver = types.first().map(|t| kind(t)).unwrap_or_default();
        let hint = reference::closest_function(name, Some(&receiver), known)
            .map_or(String::new(), |s| {
                format!(": did you mean `{s}`?{}", reference::written(s))
            });
        return format!("unknown function `{name}` (called with {args}){hint}");
    }
    let forms = reference::written(name);
    // `has` is the rule API's, for chains and params: a map (a table parameter, a helper's
    // result) tests a key with `in`.
    let on_map = if name == "has" && types.first().is_some_and(|t| kind(t) == "map") {
        "; a map's keys are tested with `\"key\" in map`"
    } else {
        ""
    };
    format!("no function `{name}` takes ({args}){forms}{on_map}")
}

/// Whether the rule's source defines a function `name` (`fn name(`).
fn defines(source: &str, name: &str) -> bool {
    source.match_indices("fn ").any(|(i, _)| {
        source[i + 3..]
            .trim_start()
            .strip_prefix(name)
            .is_some_and(|rest| rest.trim_start().starts_with('('))
    })
}

fn kind(rhai_type: &str) -> String {
    match rhai_type {
        "i64" => "an int".into(),
        "f64" => "a float".into(),
        "string" | "ImmutableString" => "a string".into(),
        t if t.contains("ImmutableString") => "a string".into(),
        "bool" => "a bool".into(),
        "()" => "()".into(),
        other => crate::rules::api::api_type_name(other).to_string(),
    }
}

/// A missing value was used `how` (e.g. "in `>`"). Name the reads that most likely produced
/// it: missing reads mentioned on the failing line, else the latest one.
fn missing_used(how: &str, ctx: &Context, source_line: &str) -> String {
    let on_line: Vec<&MissingRead> = ctx
        .missing
        .iter()
        .filter(|m| mentions(source_line, &m.needle))
        .collect();
    let culprits: Vec<&MissingRead> = if on_line.is_empty() {
        // The value may have come through a variable: the missing values its assignment
        // read; a variable set from something no missing read explains (a helper that gave
        // `()`) is named itself rather than blaming the last missing value read elsewhere.
        let assigned = assignments(ctx.source, source_line);
        let through: Vec<&MissingRead> = ctx
            .missing
            .iter()
            .filter(|m| assigned.iter().any(|(_, expr)| mentions(expr, &m.needle)))
            .collect();
        if !through.is_empty() {
            through
        } else if let Some((name, expr)) = assigned.first() {
            return format!(
                "`{name}` is a missing value `()` (set from `{expr}`) and was used {how}: test it with `{name} == ()` and return skip(..)"
            );
        } else {
            ctx.missing.last().into_iter().collect()
        }
    } else {
        on_line
    };
    if culprits.is_empty() {
        return format!(
            "a missing value `()` was used {how}: test values with `== ()` (or chain.has(..)) and return skip(..)"
        );
    }
    let labels: Vec<&str> = culprits.iter().map(|m| m.label.as_str()).collect();
    let mut subjects: Vec<&str> = culprits
        .iter()
        .filter(|m| {
            m.subject
                .as_ref()
                .is_some_and(|s| !m.label.starts_with(&format!("{s}.")))
        })
        .filter_map(|m| m.subject.as_deref())
        .collect();
    subjects.dedup();
    let for_whom = if subjects.is_empty() {
        String::new()
    } else {
        format!(" for {}", subjects.join(" and "))
    };
    let advice: Vec<&str> = culprits.iter().map(|m| m.advice.as_str()).collect();
    let (is, was) = if labels.len() == 1 {
        ("is", "was")
    } else {
        ("are", "were")
    };
    format!(
        "{} {is} missing{for_whom} and {was} used {how}: {} and return skip(..)",
        labels.join(" and "),
        advice.join("; ")
    )
}

/// The variables `line` uses that `source` assigns (`let x = …;` or `x = …;`), each with the
/// expression of its last assignment, in the order the line names them. On a line that is an
/// assignment itself (`let a = s.to_chars();`), only its expression uses variables: the one it
/// sets holds nothing yet when the expression fails.
fn assignments<'a>(source: &'a str, line: &'a str) -> Vec<(&'a str, &'a str)> {
    let word = |c: char| c.is_ascii_alphanumeric() || c == '_';
    let used = {
        let l = line.trim_start();
        let l = l.strip_prefix("let ").map_or(l, str::trim_start);
        let name_end = l.find(|c: char| !word(c)).unwrap_or(l.len());
        let rest = l[name_end..].trim_start();
        match rest.strip_prefix('=') {
            Some(expr) if name_end > 0 && !expr.starts_with('=') => expr,
            _ => line,
        }
    };
    let mut out: Vec<(&str, &str)> = Vec::new();
    for name in used.split(|c: char| !word(c)) {
        if name.is_empty()
            || name.starts_with(|c: char| c.is_ascii_digit())
            || out.iter().any(|(n, _)| *n == name)
        {
            continue;
        }
        let last = source.lines().rev().find_map(|l| {
            let l = l.trim_start();
            let l = l.strip_prefix("let ").map_or(l, str::trim_start);
            let rest = l.strip_prefix(name)?.trim_start();
            let expr = rest.strip_prefix('=').filter(|r| !r.starts_with('='))?;
            Some(expr.trim().trim_end_matches(';').trim_end())
        });
        if let Some(expr) = last.filter(|e| !e.is_empty()) {
            out.push((name, expr));
        }
    }
    out
}

/// Whether `line` mentions `needle`: an identifier as a whole word, or a helper call prefix.
fn mentions(line: &str, needle: &str) -> bool {
    if needle.ends_with('(') {
        return line.contains(needle);
    }
    let word = |c: char| c.is_ascii_alphanumeric() || c == '_';
    line.match_indices(needle).any(|(i, _)| {
        let before = line[..i].chars().next_back();
        let after = line[i + needle.len()..].chars().next();
        !before.is_some_and(word) && !after.is_some_and(word)
    })
}

fn without_position(text: &str) -> String {
    let first = text.lines().next().unwrap_or(text);
    match first.rfind(" (line ") {
        Some(i) => first[..i].to_string(),
        None => first.to_string(),
    }
}

/// A thrown value written as `print` writes it: a date or a chain inside an array or a map
/// as its `to_debug` (`date("2024-01-01")`, `chain(base)`), not as the Rust type's path that
/// rhai's own display gives a value of a registered type.
struct Thrown<'a>(&'a rhai::Dynamic);

impl std::fmt::Display for Thrown<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        fn item(
            v: &rhai::Dynamic,
            depth: usize,
            f: &mut std::fmt::Formatter<'_>,
        ) -> std::fmt::Result {
            // Values nested deeper are cut: a hostile rule can nest thousands deep.
            if depth > 16 {
                return f.write_str("…");
            }
            if let Some(d) = v.read_lock::<crate::rules::api::date::Date>() {
                write!(f, "date(\"{}\")", *d)
            } else if let Some(c) = v.read_lock::<crate::rules::api::chain::Chain>() {
                write!(f, "chain({})", c.slug())
            } else if let Some(items) = v.read_lock::<rhai::Array>() {
                f.write_str("[")?;
                for (i, x) in items.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    item(x, depth + 1, f)?;
                }
                f.write_str("]")
            } else if let Some(map) = v.read_lock::<rhai::Map>() {
                f.write_str("#{")?;
                for (i, (k, x)) in map.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{k:?}: ")?;
                    item(x, depth + 1, f)?;
                }
                f.write_str("}")
            } else if let Some(e) = v.read_lock::<ApiError>() {
                // A caught error, as its `to_debug` writes it.
                write!(f, "error({:?})", e.0)
            } else if v.is_string() {
                write!(f, "{v:?}")
            } else if let Some(name) = crate::rules::api::moat_type_name(v.type_name()) {
                // Peers, parameters: by the name the rule API gives the type, as `${value}`
                // writes it (rhai's text of them is the Rust path).
                f.write_str(name)
            } else {
                write!(f, "{v}")
            }
        }
        // A text thrown alone is written as it is; inside an array or a map, quoted.
        if self.0.is_string() {
            return write!(f, "{}", self.0);
        }
        item(self.0, 0, f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn name_column_points_at_the_name_after_the_dot() {
        assert_eq!(
            name_column("    let tvl = chain.tvl_usdd;", "tvl_usdd", 20),
            21
        );
        assert_eq!(
            name_column("peers.median(\"tvl\") + chain.tvl", "tvl", 6),
            15
        );
        assert_eq!(name_column("x.tvl_usd", "tvl", 1), 1);
    }

    fn read(label: &str, subject: &str, needle: &str) -> MissingRead {
        MissingRead {
            label: label.into(),
            subject: Some(subject.into()),
            needle: needle.into(),
            advice: format!("test it with chain.has(\"{needle}\")"),
        }
    }

    #[test]
    fn names_the_missing_field_on_the_failing_line() {
        let limits = Limits::default();
        let missing = [
            read("chain.token", "base", "token"),
            read("chain.tvl_change_52w", "base", "tvl_change_52w"),
            read("chain.stage", "base", "stage"),
        ];
        let ctx = Context {
            source: "",
            limits: &limits,
            budgets: (1000, 20000),
            missing: &missing,
        };
        assert_eq!(
            function_not_found("> ((), f64)", &ctx, "    if chain.tvl_change_52w > 0.1 {"),
            "chain.tvl_change_52w is missing for base and was used in `>`: test it with chain.has(\"tvl_change_52w\") and return skip(..)"
        );
        // Not on the line: the latest missing read.
        assert_eq!(
            function_not_found("+ (i64, ())", &ctx, "    x + y"),
            "chain.stage is missing for base and was used in `+`: test it with chain.has(\"stage\") and return skip(..)"
        );
        // Through a variable: the missing read its assignment made, or the variable itself
        // when its assignment read none (a helper that gave `()`), never the latest read.
        let source = "let t = chain.token;\nlet p = peers.percentile(chain, \"daa\");\nlet s = chain.stage;\n";
        let ctx = Context { source, ..ctx };
        assert_eq!(
            function_not_found("> ((), i64)", &ctx, "    if t > 5 {"),
            "chain.token is missing for base and was used in `>`: test it with chain.has(\"token\") and return skip(..)"
        );
        assert_eq!(
            function_not_found(">= ((), i64)", &ctx, "    if p >= 50 {"),
            "`p` is a missing value `()` (set from `peers.percentile(chain, \"daa\")`) and was used in `>=`: test it with `p == ()` and return skip(..)"
        );
        // On a line that assigns, the variable it sets is not the culprit: it holds nothing
        // yet (`pad` changes a string in place and gives `()`).
        let source =
            "let k = chain.slug.len();\nlet s = \"x\".pad(20, \"y\");\nlet a = s.to_chars();\n";
        let ctx = Context {
            source,
            missing: &[],
            ..ctx
        };
        assert_eq!(
            function_not_found("to_chars (())", &ctx, "    let a = s.to_chars();"),
            "`s` is a missing value `()` (set from `\"x\".pad(20, \"y\")`) and was used in `to_chars`: test it with `s == ()` and return skip(..)"
        );
    }

    #[test]
    fn mixed_type_comparisons_are_named() {
        let limits = Limits::default();
        let ctx = Context {
            source: "",
            limits: &limits,
            budgets: (1000, 20000),
            missing: &[],
        };
        assert_eq!(
            function_not_found(">= (string, i64)", &ctx, ""),
            "`>=` compares a string with an int: convert one side first (e.g. parse_int(..), to_string(..))"
        );
    }

    #[test]
    fn whole_word_mentions_only() {
        assert!(mentions("chain.tvl_usd > 1", "tvl_usd"));
        assert!(!mentions("chain.tvl_usd_x > 1", "tvl_usd"));
        assert!(mentions("chain.change(\"tvl_usd\", 13) > 0", "change("));
    }
}
