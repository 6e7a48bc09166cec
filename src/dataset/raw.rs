//! Reading a table file into untyped cells with their positions, so that every later check can
//! say exactly where a bad value sits. CSV goes through the `csv` crate (quoted fields), with
//! lines counted here from the bytes (`\n`, `\r\n` or `\r`, see `diagnostics::position`);
//! Parquet through polars, each column cast to text.

use super::problem::{Place, Problem};
use crate::diagnostics::LineIndex;
use crate::diagnostics::csv_field_column;
use polars::prelude::{DataType, ParquetReader, SerReader};
use std::path::Path;

pub struct RawTable {
    pub file: String,
    pub header: Vec<String>,
    pub rows: Vec<RawRow>,
    pub parquet: bool,
    /// A CSV file's bytes and where its lines start, to show a bad cell's line and column.
    text: Option<(Vec<u8>, LineIndex)>,
}

pub struct RawRow {
    /// 1-based line of the record (CSV) or data row (Parquet).
    pub pos: usize,
    /// One cell per header column; `None` is an empty cell (unknown).
    pub cells: Vec<Option<String>>,
}

impl RawTable {
    /// A problem in field `col` (0-based) of the record at `pos` (its line, or its Parquet row).
    pub fn problem(&self, pos: usize, col: usize, message: String) -> Problem {
        match &self.text {
            None => Problem::row(&self.file, pos, message),
            Some((bytes, index)) => {
                let line = index.line_text(bytes, pos);
                Problem {
                    file: self.file.clone(),
                    place: Place::Line {
                        line: pos,
                        column: csv_field_column(&line, col),
                    },
                    message,
                    source_line: Some(line),
                }
            }
        }
    }
}

/// Read `path`; structural problems (ragged rows, unreadable bytes) are returned alongside the
/// rows that could be read, so that cell checks still run on the rest.
pub fn read(path: &Path, shown: &str) -> Result<(RawTable, Vec<Problem>), Problem> {
    if !path.exists() {
        return Err(Problem::file(
            shown,
            "file not found (named in dataset.toml)",
        ));
    }
    match path.extension().and_then(|e| e.to_str()) {
        Some("csv") => read_csv(path, shown),
        Some("parquet") => read_parquet(path, shown).map(|t| (t, Vec::new())),
        _ => Err(Problem::file(
            shown,
            "unsupported file type: expected a .csv or .parquet file",
        )),
    }
}

fn read_csv(path: &Path, shown: &str) -> Result<(RawTable, Vec<Problem>), Problem> {
    let bytes =
        std::fs::read(path).map_err(|e| Problem::file(shown, format!("cannot read: {e}")))?;
    let index = LineIndex::new(&bytes);
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .from_reader(bytes.as_slice());
    let header: Vec<String> = reader
        .headers()
        .map_err(|e| Problem::file(shown, format!("cannot read the header line: {e}")))?
        .iter()
        .map(|h| h.trim().to_string())
        .collect();
    if header.iter().all(|h| h.is_empty()) {
        return Err(Problem::file(
            shown,
            "the file is empty: expected a header line and data rows",
        ));
    }
    let mut rows = Vec::new();
    let mut problems = Vec::new();
    let at = |offset: u64| index.line_of(offset as usize);
    let whole_line = |line: usize, message: String| {
        Problem::at(shown, line, 1, Some(index.line_text(&bytes, line)), message)
    };
    for record in reader.records() {
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                let line = e.position().map_or(0, |p| at(p.byte()));
                problems.push(whole_line(line, format!("unreadable record: {e}")));
                continue;
            }
        };
        let line = record.position().map_or(0, |p| at(p.byte()));
        if record.len() != header.len() {
            problems.push(whole_line(
                line,
                format!(
                    "found {} fields, expected {} (one per header column)",
                    record.len(),
                    header.len()
                ),
            ));
            continue;
        }
        let cells = record
            .iter()
            .map(|c| {
                if c.trim().is_empty() {
                    None
                } else {
                    Some(c.to_string())
                }
            })
            .collect();
        rows.push(RawRow { pos: line, cells });
    }
    drop(reader);
    Ok((
        RawTable {
            file: shown.to_string(),
            header,
            rows,
            parquet: false,
            text: Some((bytes, index)),
        },
        problems,
    ))
}

fn read_parquet(path: &Path, shown: &str) -> Result<RawTable, Problem> {
    let file =
        std::fs::File::open(path).map_err(|e| Problem::file(shown, format!("cannot open: {e}")))?;
    let df = ParquetReader::new(file)
        .finish()
        .map_err(|e| Problem::file(shown, format!("not a readable Parquet file: {e}")))?;
    let header: Vec<String> = df
        .get_column_names()
        .iter()
        .map(|n| n.to_string())
        .collect();
    let mut columns: Vec<Vec<Option<String>>> = Vec::with_capacity(header.len());
    for col in df.columns() {
        let text = col.cast(&DataType::String).map_err(|e| {
            Problem::file(
                shown,
                format!("column {}: cannot read as text: {e}", col.name()),
            )
        })?;
        let text = text
            .str()
            .map_err(|e| Problem::file(shown, e.to_string()))?
            .clone();
        columns.push(
            text.iter()
                .map(|v| v.filter(|s| !s.trim().is_empty()).map(str::to_string))
                .collect(),
        );
    }
    let rows = (0..df.height())
        .map(|i| RawRow {
            pos: i + 1,
            cells: columns.iter().map(|c| c[i].clone()).collect(),
        })
        .collect();
    Ok(RawTable {
        file: shown.to_string(),
        header,
        rows,
        parquet: true,
        text: None,
    })
}
