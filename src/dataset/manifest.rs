//! `dataset.toml`: what a dataset directory holds. Its name, its vintage (the date its sources
//! were last observed: the default as-of date), and one entry per table with the file path and
//! the column types, which must match the table definitions in `schema.rs`. A file path must
//! stay inside the dataset directory (relative, no `..`, no symbolic link out of it), so that a
//! manifest can never make moat read, or quote a line of, a file elsewhere.

use super::cell::{PLAIN_TEXT, escaped, unprintable};
use super::problem::{DataErrors, Problem};
use crate::diagnostics::{LineIndex, code_point, line_col};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::{Component, Path};
use toml::Spanned;

pub const MANIFEST_FILE: &str = "dataset.toml";

#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    pub name: String,
    #[serde(default)]
    pub description: String,
    /// The date the data was retrieved (`YYYY-MM-DD`).
    pub vintage: String,
    pub files: BTreeMap<String, FileEntry>,
    /// What loading the dataset found that is not an error: rows dated after the vintage
    /// (which no screen at the vintage sees). `moat data check` shows them as warnings.
    #[serde(skip)]
    pub warnings: Vec<Problem>,
    /// Where each entry is in the file, to place the problems found with it later.
    #[serde(skip)]
    pub places: EntryPlaces,
}

/// Where the entries of `dataset.toml` are: the file's text, the key of each `[files.x]`
/// table and, in it, its `columns` value and each column's name and type.
#[derive(Clone, Debug, Default)]
pub struct EntryPlaces {
    file: String,
    text: String,
    tables: BTreeMap<String, TablePlaces>,
}

#[derive(Clone, Debug, Default)]
struct TablePlaces {
    key: usize,
    columns: Option<usize>,
    /// Each declared column: where its name and its type start.
    names: BTreeMap<String, (usize, usize)>,
}

/// A part of a `[files.x]` entry a problem is about.
#[derive(Clone, Copy, Debug)]
pub enum Spot<'a> {
    /// The table's key (`[files.x]`).
    Table(&'a str),
    /// Its `columns` value (the key when there is none).
    Columns(&'a str),
    /// The name of a declared column.
    ColumnName(&'a str, &'a str),
    /// The type of a declared column.
    ColumnType(&'a str, &'a str),
}

impl EntryPlaces {
    /// A problem at `spot` of the manifest, placed at its line and column (a problem of the
    /// file when the manifest was not read from a file).
    pub fn problem(&self, spot: Spot, message: String) -> Problem {
        let table = |key: &str| self.tables.get(key);
        let offset = match spot {
            Spot::Table(key) => table(key).map(|t| t.key),
            Spot::Columns(key) => table(key).map(|t| t.columns.unwrap_or(t.key)),
            Spot::ColumnName(key, col) => table(key).and_then(|t| Some(t.names.get(col)?.0)),
            Spot::ColumnType(key, col) => table(key).and_then(|t| Some(t.names.get(col)?.1)),
        };
        match offset {
            Some(offset) => placed(&self.file, &self.text, offset, message),
            None => Problem::file(&self.file, message),
        }
    }

    /// A problem at byte `offset` of the manifest (`[files.x] path` values keep their own
    /// spans).
    pub fn problem_at(&self, offset: usize, message: String) -> Problem {
        if self.text.is_empty() {
            return Problem::file(&self.file, message);
        }
        placed(&self.file, &self.text, offset, message)
    }
}

/// A problem at byte `offset` of `text` (the manifest `file`), with its line for the caret.
fn placed(file: &str, text: &str, offset: usize, message: String) -> Problem {
    let (line, column) = line_col(text, offset);
    let index = LineIndex::new(text.as_bytes());
    Problem::at(
        file,
        line,
        column,
        Some(index.line_text(text.as_bytes(), line)),
        message,
    )
}

#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileEntry {
    /// Relative to the dataset directory, inside it; `.csv` or `.parquet` decides the reader.
    /// (With its place in the manifest, to point at it.)
    pub path: Spanned<String>,
    /// Column name → type (`text`, `date`, `usd`, `number`, `bool`, `chain`, `category`).
    pub columns: BTreeMap<String, String>,
}

impl Manifest {
    pub fn vintage_date(&self) -> NaiveDate {
        super::date::parse_ymd(&self.vintage).expect("vintage is checked at load time")
    }

    /// A manifest for in-memory datasets (unit tests, synthetic chains).
    pub fn synthetic(vintage: NaiveDate) -> Manifest {
        Manifest {
            name: "synthetic".into(),
            description: String::new(),
            vintage: vintage.format("%Y-%m-%d").to_string(),
            files: BTreeMap::new(),
            warnings: Vec::new(),
            places: EntryPlaces::default(),
        }
    }
}

/// Read and parse the manifest; a problem names the file and, for TOML errors and file paths,
/// line and column.
pub fn read(dir: &Path) -> Result<Manifest, DataErrors> {
    let path = dir.join(MANIFEST_FILE);
    let file = path.display().to_string();
    let bytes =
        super::limits::read_regular(&path, &file, super::limits::MANIFEST).map_err(|p| {
            let why = p
                .message
                .strip_prefix("cannot read: ")
                .unwrap_or(&p.message);
            Problem::file(&file, format!("cannot read the dataset manifest: {why}"))
        })?;
    let text = String::from_utf8(bytes).map_err(|_| {
        Problem::file(
            &file,
            "cannot read the dataset manifest: it is not valid UTF-8",
        )
    })?;
    let at = |offset: usize, message: String| placed(&file, &text, offset, message);
    // Every key of the wrong type, unknown or missing, named at once.
    let shape = super::manifest_shape::problems(&text);
    if !shape.is_empty() {
        let mut errors = DataErrors::default();
        for (offset, message) in shape {
            errors.push(at(offset, message));
        }
        return Err(errors);
    }
    // The places of the top-level values, read apart so that `Manifest` keeps plain strings.
    let places: Places = toml::from_str(&text).unwrap_or_default();
    let mut manifest: Manifest = toml::from_str(&text).map_err(|e| match e.span() {
        Some(span) => at(span.start, e.message().to_string()),
        None => Problem::file(&file, e.message().to_string()),
    })?;
    let vintage_at = places.vintage.as_ref().map_or(0, |v| v.span().start);
    let mut errors = DataErrors::default();
    match super::date::parse_ymd(&manifest.vintage) {
        None => errors.push(at(
            vintage_at,
            format!(
                "vintage {}",
                super::date::not_a_date(&escaped(&manifest.vintage), "YYYY-MM-DD")
            ),
        )),
        Some(vintage) => {
            // A vintage is when the data was retrieved: never after today (a day later is
            // allowed, for a dataset retrieved where the date is already tomorrow).
            let today = chrono::Utc::now().date_naive();
            if vintage > today + chrono::Duration::days(1) {
                errors.push(at(
                    vintage_at,
                    format!(
                        "vintage {vintage} is after today ({today}, UTC): expected the date the data was retrieved, which cannot be in the future"
                    ),
                ));
            }
        }
    }
    // Text fields are shown as written (the screen's footer, report titles): plain text only.
    for (field, value, place) in [
        ("name", &manifest.name, &places.name),
        ("description", &manifest.description, &places.description),
    ] {
        let span = place.as_ref().map_or(0..0, |p| p.span());
        // The name heads every output: a dataset without one could not be told apart.
        if field == "name" && value.trim().is_empty() && place.is_some() {
            errors.push(at(
                span.start,
                "name is empty: expected the dataset's name, which every output shows".to_string(),
            ));
        }
        if let Some((i, c)) = unprintable(value) {
            errors.push(at(
                char_offset(&text, span, c),
                format!(
                    "{field} holds {} at character {}: expected {PLAIN_TEXT}",
                    code_point(c),
                    i + 1
                ),
            ));
        }
    }
    for (key, entry) in &manifest.files {
        if let Some((i, c)) = unprintable(entry.path.get_ref()) {
            errors.push(at(
                char_offset(&text, entry.path.span(), c),
                format!(
                    "[files.{}] path holds {} at character {}: expected a file name without control or bidirectional formatting characters",
                    escaped(key),
                    code_point(c),
                    i + 1
                ),
            ));
            continue;
        }
        if entry.path.get_ref().trim().is_empty() {
            errors.push(at(
                entry.path.span().start,
                format!(
                    "[files.{key}] path is empty: expected the table's file, relative to the dataset directory"
                ),
            ));
            continue;
        }
        if entry.path.get_ref().trim() != entry.path.get_ref() {
            errors.push(at(
                entry.path.span().start,
                format!(
                    "[files.{key}] path {:?} has white space around it: expected the file's name alone",
                    entry.path.get_ref()
                ),
            ));
            continue;
        }
        if let Some(why) = outside(dir, entry.path.get_ref()) {
            let message = format!(
                "[files.{key}] path {:?} {why}: expected a path relative to the dataset directory, inside it",
                entry.path.get_ref()
            );
            errors.push(at(entry.path.span().start, message));
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    manifest.places = EntryPlaces {
        tables: toml::from_str::<FilesPlaces>(&text)
            .unwrap_or_default()
            .files
            .into_iter()
            .map(|(key, entry)| {
                let columns = entry.get_ref().columns.as_ref();
                let names = columns.map_or_else(BTreeMap::new, |c| {
                    c.get_ref()
                        .iter()
                        .map(|(name, ty)| {
                            (name.get_ref().clone(), (name.span().start, ty.span().start))
                        })
                        .collect()
                });
                let places = TablePlaces {
                    key: key.span().start,
                    columns: columns.map(|c| c.span().start),
                    names,
                };
                (key.into_inner(), places)
            })
            .collect(),
        file,
        text,
    };
    Ok(manifest)
}

/// Where the manifest's top-level values are (each read as any TOML value).
#[derive(Default, Deserialize)]
struct Places {
    name: Option<Spanned<toml::Value>>,
    description: Option<Spanned<toml::Value>>,
    vintage: Option<Spanned<toml::Value>>,
}

/// The `[files.x]` tables' places, read apart from [`Places`] so that an entry of an odd shape
/// loses only these.
#[derive(Default, Deserialize)]
struct FilesPlaces {
    #[serde(default)]
    files: BTreeMap<Spanned<String>, Spanned<FilePlaces>>,
}

#[derive(Default, Deserialize)]
struct FilePlaces {
    columns: Option<Spanned<BTreeMap<Spanned<String>, Spanned<toml::Value>>>>,
}

/// Where `c` is written in the value at `span` of `text`: the character itself, or, when the
/// string writes it as an escape (`\u001B`), the value's start.
fn char_offset(text: &str, span: std::ops::Range<usize>, c: char) -> usize {
    text.get(span.clone())
        .and_then(|value| value.find(c))
        .map_or(span.start, |i| span.start + i)
}

/// Why `path` (from the manifest of `dir`) would read a file outside `dir`, if it would.
fn outside(dir: &Path, path: &str) -> Option<&'static str> {
    let relative = Path::new(path);
    if relative.has_root() || relative.is_absolute() {
        return Some("is absolute");
    }
    if relative.components().any(|c| c == Component::ParentDir) {
        return Some("goes up with `..`");
    }
    // A symbolic link (of the file or a folder on its way) may still lead out; a file that does
    // not exist is reported as missing when the tables are read.
    let (Ok(dir), Ok(file)) = (dir.canonicalize(), dir.join(relative).canonicalize()) else {
        return None;
    };
    (!file.starts_with(&dir))
        .then_some("leads outside the dataset directory through a symbolic link")
}
