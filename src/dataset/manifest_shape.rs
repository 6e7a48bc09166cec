//! The shape of `dataset.toml` checked before it is read into a [`Manifest`]: every key of the
//! wrong type, unknown or missing is found in one pass and placed at its value (serde stops at
//! the first, and names no key for a value of the wrong type).
//!
//! [`Manifest`]: super::Manifest

use toml::Spanned;
use toml::de::{DeTable, DeValue};

/// The top-level keys and what each must be.
const TOP: &[(&str, Need)] = &[
    ("name", Need::Text),
    ("description", Need::Text),
    ("vintage", Need::Vintage),
    ("files", Need::Files),
];

#[derive(Clone, Copy, PartialEq)]
enum Need {
    Text,
    Vintage,
    Files,
}

/// Every problem with the manifest's shape, as (byte offset, message), in file order. Text
/// that is not TOML gives none here: the reader names its syntax error.
pub fn problems(text: &str) -> Vec<(usize, String)> {
    let Ok(root) = DeTable::parse(text) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for (key, value) in root.get_ref() {
        let name = key.get_ref().as_ref();
        match TOP.iter().find(|(k, _)| *k == name) {
            None => out.push((
                key.span().start,
                format!(
                    "unknown field `{}`, expected one of `name`, `description`, `vintage`, `files`",
                    crate::diagnostics::escaped(name)
                ),
            )),
            Some((_, Need::Files)) => files(text, value, &mut out),
            Some((_, need)) => top_value(text, name, value, *need, &mut out),
        }
    }
    for (key, need) in TOP {
        if *key != "description" && !root.get_ref().contains_key(*key) {
            let expected = match need {
                Need::Vintage => "vintage = \"YYYY-MM-DD\", the date the data was retrieved",
                Need::Files => "a [files.<table>] entry for each table",
                Need::Text => "name = \"…\", the dataset's name",
            };
            out.push((
                0,
                format!("the manifest has no `{key}`: expected {expected}"),
            ));
        }
    }
    out.sort_by_key(|(offset, _)| *offset);
    out
}

/// `name`, `description` or `vintage`: a quoted string.
fn top_value(
    text: &str,
    key: &str,
    value: &Spanned<DeValue>,
    need: Need,
    out: &mut Vec<(usize, String)>,
) {
    match value.get_ref() {
        DeValue::String(_) => {}
        // An unquoted date is named as such, not as a type mismatch.
        DeValue::Datetime(date) if need == Need::Vintage => out.push((
            value.span().start,
            format!(
                "vintage {date} is a TOML date: expected a quoted string \"YYYY-MM-DD\", as in vintage = \"{date}\""
            ),
        )),
        other => {
            let expected = if need == Need::Vintage {
                "a quoted string \"YYYY-MM-DD\""
            } else {
                "a quoted string"
            };
            out.push((
                value.span().start,
                format!("{key} is {}: expected {expected}", described(text, value, other)),
            ));
        }
    }
}

/// `[files]`: one table per data table, each with a string `path` and a table of string
/// `columns`.
fn files(text: &str, value: &Spanned<DeValue>, out: &mut Vec<(usize, String)>) {
    let DeValue::Table(tables) = value.get_ref() else {
        out.push((
            value.span().start,
            format!(
                "files is {}: expected a [files.<table>] entry for each table",
                described(text, value, value.get_ref())
            ),
        ));
        return;
    };
    for (key, entry) in tables {
        let table = crate::diagnostics::escaped(key.get_ref());
        let DeValue::Table(fields) = entry.get_ref() else {
            out.push((
                entry.span().start,
                format!(
                    "[files.{table}] is {}: expected a table with `path` and `columns`",
                    described(text, entry, entry.get_ref())
                ),
            ));
            continue;
        };
        for (field, value) in fields {
            match field.get_ref().as_ref() {
                "path" => {
                    if !matches!(value.get_ref(), DeValue::String(_)) {
                        out.push((
                            value.span().start,
                            format!(
                                "[files.{table}] path is {}: expected the table's file as a quoted string, as in path = \"{}.csv\"",
                                described(text, value, value.get_ref()),
                                key.get_ref()
                            ),
                        ));
                    }
                }
                "columns" => columns(text, &table, value, out),
                other => out.push((
                    field.span().start,
                    format!(
                        "[files.{table}] has an unknown key `{}`: expected `path` and `columns`",
                        crate::diagnostics::escaped(other)
                    ),
                )),
            }
        }
        for needed in ["path", "columns"] {
            if !fields.contains_key(needed) {
                let example = if needed == "path" {
                    format!("path = \"{}.csv\"", key.get_ref())
                } else {
                    "columns = { name = \"type\", … }".to_string()
                };
                out.push((
                    key.span().start,
                    format!("[files.{table}] has no `{needed}`: expected {example}"),
                ));
            }
        }
    }
    // A table without its entry, with the other problems rather than after they are fixed
    // (the same message as when it is the manifest's only problem).
    for table in crate::dataset::schema::TABLES {
        if !tables.contains_key(table.key) {
            out.push((
                0,
                format!(
                    "missing [files.{}] entry: expected the file holding {}",
                    table.key, table.what
                ),
            ));
        }
    }
}

/// A table's `columns`: each column's type as a quoted string.
fn columns(text: &str, table: &str, value: &Spanned<DeValue>, out: &mut Vec<(usize, String)>) {
    let DeValue::Table(columns) = value.get_ref() else {
        out.push((
            value.span().start,
            format!(
                "[files.{table}] columns is {}: expected a table of column name = \"type\"",
                described(text, value, value.get_ref())
            ),
        ));
        return;
    };
    for (name, ty) in columns {
        if !matches!(ty.get_ref(), DeValue::String(_)) {
            out.push((
                ty.span().start,
                format!(
                    "[files.{table}] column `{}` is {}: expected its type as a quoted string (text, date, amount, number, bool, category, metric, chain, source, sources)",
                    crate::diagnostics::escaped(name.get_ref()),
                    described(text, ty, ty.get_ref())
                ),
            ));
        }
    }
}

/// "an integer 3", "a table { a = 1 }": a value's TOML type with its article, and its text
/// as written (cut at 40 characters).
fn described(text: &str, value: &Spanned<DeValue>, kind: &DeValue) -> String {
    let type_name = match kind {
        DeValue::String(_) => "string",
        DeValue::Integer(_) => "integer",
        DeValue::Float(_) => "float",
        DeValue::Boolean(_) => "boolean",
        DeValue::Datetime(_) => "datetime",
        DeValue::Array(_) => "array",
        DeValue::Table(_) => "table",
    };
    let article = if type_name.starts_with(['a', 'e', 'i', 'o', 'u']) {
        "an"
    } else {
        "a"
    };
    let written = text.get(value.span()).unwrap_or("").trim();
    let mut shown: String = written.split_whitespace().collect::<Vec<_>>().join(" ");
    if shown.chars().count() > 40 {
        shown = shown.chars().take(39).chain(['…']).collect();
    }
    if shown.is_empty() {
        format!("{article} {type_name}")
    } else {
        format!(
            "{article} {type_name} {}",
            crate::diagnostics::escaped(&shown)
        )
    }
}
