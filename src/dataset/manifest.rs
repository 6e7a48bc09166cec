//! `dataset.toml`: what a dataset directory holds. Its name, its vintage (the date its sources
//! were last observed: the default as-of date), and one entry per table with the file path and
//! the column types, which must match the table definitions in `schema.rs`. A file path must
//! stay inside the dataset directory (relative, no `..`, no symbolic link out of it), so that a
//! manifest can never make moat read, or quote a line of, a file elsewhere.

use super::problem::{DataErrors, Problem};
use crate::diagnostics::{LineIndex, line_col};
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
    let at = |offset: usize, message: String| {
        let (line, column) = line_col(&text, offset);
        let index = LineIndex::new(text.as_bytes());
        Problem::at(
            &file,
            line,
            column,
            Some(index.line_text(text.as_bytes(), line)),
            message,
        )
    };
    let manifest: Manifest = toml::from_str(&text).map_err(|e| match e.span() {
        Some(span) => at(span.start, e.message().to_string()),
        None => Problem::file(&file, e.message().to_string()),
    })?;
    if super::date::parse_ymd(&manifest.vintage).is_none() {
        let message = format!(
            "vintage {:?} is not a date: expected YYYY-MM-DD",
            manifest.vintage
        );
        return Err(match text.find("vintage") {
            Some(offset) => at(offset, message),
            None => Problem::file(&file, message),
        }
        .into());
    }
    let mut errors = DataErrors::default();
    for (key, entry) in &manifest.files {
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
    Ok(manifest)
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
