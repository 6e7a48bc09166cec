//! `dataset.toml`: what a dataset directory holds. Its name, its vintage (the date its sources
//! were last observed: the default as-of date), and one entry per table with the file path and
//! the column types, which must match the table definitions in `schema.rs`.

use super::problem::Problem;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::Path;

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
    /// Relative to the dataset directory; `.csv` or `.parquet` decides the reader.
    pub path: String,
    /// Column name → type (`text`, `date`, `usd`, `number`, `bool`, `chain`, `category`).
    pub columns: BTreeMap<String, String>,
}

impl Manifest {
    pub fn vintage_date(&self) -> NaiveDate {
        NaiveDate::parse_from_str(&self.vintage, "%Y-%m-%d")
            .expect("vintage is checked at load time")
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

/// Read and parse the manifest; a problem names the file and, for TOML errors, line and column.
pub fn read(dir: &Path) -> Result<Manifest, Problem> {
    let path = dir.join(MANIFEST_FILE);
    let file = path.display().to_string();
    let text = std::fs::read_to_string(&path)
        .map_err(|e| Problem::file(&file, format!("cannot read the dataset manifest: {e}")))?;
    let manifest: Manifest = toml::from_str(&text).map_err(|e| {
        let (line, column) = e.span().map(|s| line_col(&text, s.start)).unwrap_or((0, 0));
        Problem::at(&file, line, column, e.message().to_string())
    })?;
    if NaiveDate::parse_from_str(&manifest.vintage, "%Y-%m-%d").is_err() {
        let (line, column) = text
            .find("vintage")
            .map(|p| line_col(&text, p))
            .unwrap_or((0, 0));
        return Err(Problem::at(
            &file,
            line,
            column,
            format!(
                "vintage {:?} is not a date: expected YYYY-MM-DD",
                manifest.vintage
            ),
        ));
    }
    Ok(manifest)
}

/// 1-based line and column of a byte offset.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, column)
}
