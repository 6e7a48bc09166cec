//! Dates in rules: every date field, `peers.as_of`, the dates of series points, leaders and
//! links are `Date` values, not strings, so a rule can count the days between two dates, add
//! days or weeks, and compare dates. A date prints as `YYYY-MM-DD` (so `${chain.token_date}`
//! reads as before) and compares with a `"YYYY-MM-DD"` string too. Subtracting two date strings
//! used to give a string without a word; mixing a date with a number is an ERROR that says so.

use super::api_error;
use chrono::{Datelike, Duration, NaiveDate};
use rhai::{Engine, EvalAltResult, FLOAT, INT, ImmutableString};
use std::fmt;

type Res<T> = Result<T, Box<EvalAltResult>>;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date(pub NaiveDate);

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0.format("%Y-%m-%d"))
    }
}

/// `date("2024-12-15")`.
fn parse(s: &str) -> Res<Date> {
    crate::dataset::date::parse_ymd(s).map(Date).ok_or_else(|| {
        api_error(match crate::dataset::date::impossible(s) {
            // "February 2026 has 28 days", "there is no month 13".
            Some(why) => format!("date(\"{s}\"): not a date: {why}"),
            None => format!(
                "date(\"{s}\"): not a date: expected \"YYYY-MM-DD\", e.g. date(\"2024-12-15\")"
            ),
        })
    })
}

/// A string counted in days from or to a date must be a date.
fn counted(s: &str, op: &str) -> Res<Date> {
    crate::dataset::date::parse_ymd(s).map(Date).ok_or_else(|| {
        api_error(format!(
            "`{op}` counts days between a date and \"{s}\", which is not a date: write dates as \"YYYY-MM-DD\""
        ))
    })
}

/// A string compared with a date must be a date.
fn other(s: &str, op: &str) -> Res<Date> {
    crate::dataset::date::parse_ymd(s).map(Date).ok_or_else(|| {
        api_error(format!(
            "`{op}` compares a date with \"{s}\", which is not a date: write dates as \"YYYY-MM-DD\""
        ))
    })
}

/// `d` moved by `n` days (`per` 1) or weeks (`per` 7), within the dates moat writes (years
/// 0000 to 9999): past them a date would print as `+10000-01-01`, which no date field, data
/// file or `date()` accepts.
fn shifted(d: Date, n: INT, per: INT) -> Res<Date> {
    n.checked_mul(per)
        .and_then(Duration::try_days)
        .and_then(|by| d.0.checked_add_signed(by))
        .filter(|out| (0..=9999).contains(&out.year()))
        .map(Date)
        .ok_or_else(|| {
            let (by, unit) = match per {
                7 => (i128::from(n), "week"),
                _ => (i128::from(n) * i128::from(per), "day"),
            };
            let s = if by.abs() == 1 { "" } else { "s" };
            api_error(format!(
                "{d} moved by {by} {unit}{s} is outside the years 0000 to 9999, the dates moat can write"
            ))
        })
}

fn with_number(op: &str) -> Box<EvalAltResult> {
    api_error(format!(
        "`{op}` mixes a date with a number: compare dates with dates (date(\"YYYY-MM-DD\")), and add or subtract whole days (an int) or use add_days/add_weeks"
    ))
}

fn missing(op: &str, a: &str, b: &str) -> Box<EvalAltResult> {
    EvalAltResult::ErrorFunctionNotFound(format!("{op} ({a}, {b})"), rhai::Position::NONE).into()
}

macro_rules! compare {
    ($engine:ident, $($op:literal => $f:expr),*) => {
        $(
            $engine.register_fn($op, |a: Date, b: Date| -> bool { $f(a.cmp(&b)) });
            $engine.register_fn($op, |a: Date, b: ImmutableString| -> Res<bool> {
                Ok($f(a.cmp(&other(&b, $op)?)))
            });
            $engine.register_fn($op, |a: ImmutableString, b: Date| -> Res<bool> {
                Ok($f(other(&a, $op)?.cmp(&b)))
            });
            $engine.register_fn($op, |_: Date, _: INT| -> Res<bool> { Err(with_number($op)) });
            $engine.register_fn($op, |_: Date, _: FLOAT| -> Res<bool> { Err(with_number($op)) });
            $engine.register_fn($op, |_: INT, _: Date| -> Res<bool> { Err(with_number($op)) });
            $engine.register_fn($op, |_: FLOAT, _: Date| -> Res<bool> { Err(with_number($op)) });
        )*
    };
}

pub fn register(engine: &mut Engine) {
    engine
        .register_type_with_name::<Date>("Date")
        .register_fn("to_string", |d: &mut Date| d.to_string())
        .register_fn("to_debug", |d: &mut Date| format!("date(\"{d}\")"))
        .register_fn("date", |s: &str| parse(s))
        .register_get("year", |d: &mut Date| d.0.year() as INT)
        .register_get("month", |d: &mut Date| d.0.month() as INT)
        .register_get("day", |d: &mut Date| d.0.day() as INT)
        .register_fn("add_days", |d: Date, n: INT| shifted(d, n, 1))
        .register_fn("add_weeks", |d: Date, n: INT| shifted(d, n, 7))
        .register_fn("days_between", |a: Date, b: Date| {
            (b.0 - a.0).num_days() as INT
        })
        .register_fn("-", |a: Date, b: Date| (a.0 - b.0).num_days() as INT)
        // A "YYYY-MM-DD" string counts days with a date as the date it writes.
        .register_fn("-", |a: Date, b: &str| -> Res<INT> {
            Ok((a.0 - counted(b, "-")?.0).num_days() as INT)
        })
        .register_fn("-", |a: &str, b: Date| -> Res<INT> {
            Ok((counted(a, "-")?.0 - b.0).num_days() as INT)
        })
        .register_fn("days_between", |a: Date, b: &str| -> Res<INT> {
            Ok((counted(b, "days_between")?.0 - a.0).num_days() as INT)
        })
        .register_fn("days_between", |a: &str, b: Date| -> Res<INT> {
            Ok((b.0 - counted(a, "days_between")?.0).num_days() as INT)
        })
        .register_fn("+", |d: Date, n: INT| shifted(d, n, 1))
        .register_fn("-", |d: Date, n: INT| shifted(d, n, -1))
        .register_fn("+", |_: Date, _: FLOAT| -> Res<Date> {
            Err(with_number("+"))
        })
        .register_fn("-", |_: Date, _: FLOAT| -> Res<Date> {
            Err(with_number("-"))
        })
        .register_fn("+", |_: INT, _: Date| -> Res<Date> {
            Err(with_number("+"))
        })
        .register_fn("-", |_: INT, _: Date| -> Res<Date> {
            Err(with_number("-"))
        });
    // Text joined with a date, as it was when dates were strings.
    engine
        .register_fn("+", |a: ImmutableString, d: Date| format!("{a}{d}"))
        .register_fn("+", |d: Date, b: ImmutableString| format!("{d}{b}"));
    // Ordering a date against a missing value is the strict comparisons' error, not `false`.
    for op in ["<", "<=", ">", ">="] {
        engine.register_fn(op, move |_: Date, _: ()| -> Res<bool> {
            Err(missing(op, "Date", "()"))
        });
        engine.register_fn(op, move |_: (), _: Date| -> Res<bool> {
            Err(missing(op, "()", "Date"))
        });
    }
    compare!(engine,
        "==" => |o: std::cmp::Ordering| o.is_eq(),
        "!=" => |o: std::cmp::Ordering| o.is_ne(),
        "<" => |o: std::cmp::Ordering| o.is_lt(),
        "<=" => |o: std::cmp::Ordering| o.is_le(),
        ">" => |o: std::cmp::Ordering| o.is_gt(),
        ">=" => |o: std::cmp::Ordering| o.is_ge()
    );
}
