//! A Parquet table file's columns as cells. Parquet columns are typed, so each column's type is
//! checked once against the type its values must have (a `date` column holds dates or strings,
//! an `amount` numbers or strings, …): a column of the wrong type is one problem, not one per
//! row. Strings are read as CSV text is; dates must be writable `YYYY-MM-DD`, as in CSV. Read
//! through `polars_io`'s `ParquetReader` (see Cargo.toml for why not polars' own feature).

use super::cell::Cell;
use super::limits::{TABLE_FILE, open_regular};
use super::problem::Problem;
use super::schema::ColType;
use polars::prelude::*;
use polars_io::prelude::{ParquetReader, SerReader};
use std::path::Path;

pub struct ParquetTable {
    pub header: Vec<String>,
    df: DataFrame,
}

/// Read `path`; `shown` names it in problems.
pub fn read(path: &Path, shown: &str) -> Result<ParquetTable, Problem> {
    let (file, _) = open_regular(path, shown, TABLE_FILE)?;
    let df = ParquetReader::new(file)
        .finish()
        .map_err(|e| Problem::file(shown, format!("not a readable Parquet file: {e}")))?;
    let header = df
        .get_column_names()
        .iter()
        .map(|n| n.to_string())
        .collect();
    Ok(ParquetTable { header, df })
}

/// One column ready to give its cells, in the form its schema type reads.
pub enum Prepared {
    Null(usize),
    Text(StringChunked),
    Date(Int32Chunked),
    Num(Float64Chunked),
    Bool(BooleanChunked),
    /// The column's type cannot hold the column's values: it was reported once.
    Wrong(usize),
}

impl ParquetTable {
    pub fn height(&self) -> usize {
        self.df.height()
    }

    /// The column at `field` ready to be read as `ty`, or the problem with its type.
    pub fn prepare(&self, field: usize, ty: ColType) -> Result<Prepared, String> {
        let column = &self.df.columns()[field];
        let dtype = column.dtype();
        let wrong = || {
            format!(
                "{}: the Parquet column has type {dtype}: expected {} ({})",
                self.header[field],
                parquet_types(ty),
                ty.expected()
            )
        };
        let cast = |to: &DataType| column.cast(to).map_err(|e| format!("{}: {e}", wrong()));
        Ok(match (dtype, ty) {
            (DataType::Null, _) => Prepared::Null(column.len()),
            (DataType::String, _) => {
                Prepared::Text(column.str().map_err(|e| e.to_string())?.clone())
            }
            (DataType::Date, ColType::Date) => {
                Prepared::Date(column.date().map_err(|e| e.to_string())?.physical().clone())
            }
            (d, ColType::Amount | ColType::Number) if d.is_primitive_numeric() => Prepared::Num(
                cast(&DataType::Float64)?
                    .f64()
                    .map_err(|e| e.to_string())?
                    .clone(),
            ),
            (DataType::Boolean, ColType::Bool) => {
                Prepared::Bool(column.bool().map_err(|e| e.to_string())?.clone())
            }
            _ => return Err(wrong()),
        })
    }

    /// The value at `row` of the column at `field` as text, to quote it in a message.
    pub fn value_text(&self, field: usize, row: usize) -> String {
        let column = &self.df.columns()[field];
        column
            .slice(row as i64, 1)
            .cast(&DataType::String)
            .ok()
            .and_then(|c| c.str().ok().and_then(|s| s.get(0).map(str::to_string)))
            .unwrap_or_default()
    }
}

impl Prepared {
    /// The cells, one per row.
    pub fn cells(&self) -> Box<dyn Iterator<Item = Cell<'_>> + '_> {
        match self {
            Prepared::Null(n) => Box::new(std::iter::repeat_n(Cell::Empty, *n)),
            Prepared::Wrong(n) => Box::new(std::iter::repeat_n(Cell::Skip, *n)),
            Prepared::Text(ca) => Box::new(ca.iter().map(|v| v.map_or(Cell::Empty, Cell::text))),
            Prepared::Date(ca) => Box::new(ca.iter().map(|v| v.map_or(Cell::Empty, Cell::Date))),
            Prepared::Num(ca) => Box::new(ca.iter().map(|v| v.map_or(Cell::Empty, Cell::Num))),
            Prepared::Bool(ca) => Box::new(ca.iter().map(|v| v.map_or(Cell::Empty, Cell::Bool))),
        }
    }
}

/// The Parquet types a column of type `ty` may have.
fn parquet_types(ty: ColType) -> &'static str {
    match ty {
        ColType::Date => "date or str",
        ColType::Amount | ColType::Number => "a float, an integer or str",
        ColType::Bool => "bool or str",
        _ => "str",
    }
}
