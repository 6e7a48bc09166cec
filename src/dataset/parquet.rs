//! A Parquet table file's columns as cells. Parquet columns are typed, so each column's type is
//! checked once against the type its values must have (a `date` column holds dates or strings,
//! an `amount` numbers or strings, …): a column of the wrong type is one problem, not one per
//! row. Strings are read as CSV text is; dates must be writable `YYYY-MM-DD`, as in CSV. The size
//! limit applies to the data decoded, estimated from the file's metadata. Read through `polars_io`'s
//! `ParquetReader` (see Cargo.toml for why not polars' own feature).

use super::cell::Cell;
use super::limits::{MAX_FILE_BYTES, TABLE_FILE, open_regular, size_in_words};
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
    read_within(path, shown, MAX_FILE_BYTES)
}

/// Read `path` if its data takes at most `max_data_bytes` uncompressed.
fn read_within(path: &Path, shown: &str, max_data_bytes: u64) -> Result<ParquetTable, Problem> {
    let (file, _) = open_regular(path, shown, TABLE_FILE)?;
    let unreadable =
        |e: PolarsError| Problem::file(shown, format!("not a readable Parquet file: {e}"));
    let mut reader = ParquetReader::new(file);
    // Parquet is compressed and encoded (a column of one repeated value takes a few bytes), so
    // a small file can hold far more than the size limit allows: the limit applies to the data
    // as the metadata gives it, before any of it is read, counting each cell at least the 16
    // bytes a string takes in memory.
    let metadata = reader.get_metadata().map_err(unreadable)?;
    let columns = metadata.schema_descr.columns().len() as u64;
    let data_bytes: u64 = metadata
        .row_groups
        .iter()
        .map(|g| (g.total_byte_size() as u64).max(16 * g.num_rows() as u64 * columns))
        .sum();
    if data_bytes > max_data_bytes {
        return Err(Problem::file(
            shown,
            format!(
                "the file holds about {data_bytes} bytes of data decoded: expected at most {max_data_bytes} bytes ({}), the most moat reads from one table file",
                size_in_words(max_data_bytes)
            ),
        ));
    }
    let df = reader.finish().map_err(unreadable)?;
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

#[cfg(test)]
mod tests {
    use super::*;

    /// The limit is on the data, not the file: a column of one repeated value compresses to
    /// almost nothing.
    #[test]
    fn the_size_limit_is_on_the_data_decoded() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.parquet");
        let mut df = df!("note" => vec!["the same note, again and again"; 100_000]).unwrap();
        ParquetWriter::new(std::fs::File::create(&path).unwrap())
            .finish(&mut df)
            .unwrap();
        let file_bytes = std::fs::metadata(&path).unwrap().len();
        assert!(file_bytes < 64 * 1024, "{file_bytes}");
        let e = read_within(&path, "t.parquet", 64 * 1024).err().unwrap();
        assert!(
            e.message.ends_with(
                "bytes of data decoded: expected at most 65536 bytes (64 KiB), the most moat reads from one table file"
            ),
            "{}",
            e.message
        );
        assert_eq!(read(&path, "t.parquet").unwrap().height(), 100_000);
    }
}
