//! A Parquet table file's columns as cells. Parquet columns are typed, so each column's type is
//! checked once against the type its values must have (a `date` column holds dates or strings,
//! an `amount` numbers or strings, …): a column of the wrong type is one problem, not one per
//! row. Strings are read as CSV text is; dates must be writable `YYYY-MM-DD`, as in CSV.
//! Read through `polars_io`'s `ParquetReader` (see Cargo.toml for why not polars' own feature).
//!
//! Each column's Arrow type is looked at before anything is read: polars is given only the
//! columns of types it converts (others would make it panic, as dictionaries, decimals, maps
//! and structs do in the build moat uses); a dictionary-encoded column (pandas' Categorical,
//! pyarrow's `dictionary_encode()`) is read as the values it encodes, and a column of any other
//! type is reported, unread, as a column of the wrong type.
//!
//! The size limit applies to the data decoded: estimated from the file's metadata before any of
//! it is read, then measured on the columns read, before a cell is checked (a dictionary-encoded
//! page holds each distinct value once, so a file of a few KB can still decode to gigabytes).

use super::cell::Cell;
use super::limits::{MAX_FILE_BYTES, TABLE_FILE, open_regular, size_in_words};
use super::problem::Problem;
use super::schema::ColType;
use polars::prelude::*;
use polars_io::parquet::read::FileMetadata;
use polars_io::prelude::{ParquetReader, SerReader};
use std::path::Path;

/// The key under which a Parquet file keeps the Arrow schema it was written from.
const ARROW_SCHEMA_KEY: &str = "ARROW:schema";

pub struct ParquetTable {
    pub header: Vec<String>,
    height: usize,
    /// Each field's column, or, for a column of a type polars cannot read, that type in words.
    columns: Vec<Result<Column, String>>,
}

/// The most a Parquet file's data may take decoded, and why, for the message past it.
#[derive(Clone, Copy, Debug)]
pub struct DataLimit {
    pub bytes: u64,
    /// What sets the limit, after "expected at most N bytes".
    pub why: &'static str,
}

impl DataLimit {
    /// The limit of one table file.
    pub const FILE: DataLimit = DataLimit {
        bytes: MAX_FILE_BYTES,
        why: "the most moat reads from one table file",
    };
}

/// The bytes the data of the Parquet file at `path` takes decoded, as its metadata gives them
/// (at least 16 a cell); `None` if it has no metadata moat can read (its reading says why).
pub fn estimated_bytes(path: &Path) -> Option<u64> {
    let (file, _) = open_regular(path, "", TABLE_FILE).ok()?;
    // A corrupt footer can make the decoder panic: then the reading says why.
    crate::contain::contained_decoding(|| {
        let metadata = ParquetReader::new(file).get_metadata().ok()?.clone();
        Some(metadata_bytes(&metadata))
    })
    .ok()
    .flatten()
}

/// The data's size as `metadata` gives it: Parquet is compressed and encoded (a column of one
/// repeated value takes a few bytes), so each cell counts at least the 16 bytes a string takes
/// in memory.
fn metadata_bytes(metadata: &FileMetadata) -> u64 {
    let columns = metadata.schema_descr.columns().len() as u64;
    metadata
        .row_groups
        .iter()
        .map(|g| (g.total_byte_size() as u64).max(16 * g.num_rows() as u64 * columns))
        .sum()
}

/// Read `path` if its data takes at most `limit` decoded; `shown` names it in problems.
pub fn read(path: &Path, shown: &str, limit: DataLimit) -> Result<ParquetTable, Problem> {
    // The decoder answers some corrupt files with a panic (a thrift field out of range, a
    // slice past its end), on this thread or its own: that is a file it cannot read.
    crate::contain::contained_decoding(|| read_file(path, shown, limit)).unwrap_or_else(|panic| {
        Err(Problem::file(
            shown,
            format!(
                "not a readable Parquet file: the decoder failed on it ({}): expected a Parquet file as written by pyarrow, polars or pandas",
                crate::diagnostics::escaped(&panic)
            ),
        ))
    })
}

fn read_file(path: &Path, shown: &str, limit: DataLimit) -> Result<ParquetTable, Problem> {
    let max_data_bytes = limit.bytes;
    let (file, _) = open_regular(path, shown, TABLE_FILE)?;
    let unreadable =
        |e: PolarsError| Problem::file(shown, format!("not a readable Parquet file: {e}"));
    let too_much = |data_bytes: u64| {
        Problem::file(
            shown,
            format!(
                "the file holds about {data_bytes} bytes of data decoded: expected at most {max_data_bytes} bytes ({}), {}",
                size_in_words(max_data_bytes),
                limit.why
            ),
        )
    };
    // The same file, opened once, for the second reader (of dictionary-encoded columns).
    let again = file
        .try_clone()
        .map_err(|e| Problem::file(shown, format!("cannot read: {e}")))?;
    let mut reader = ParquetReader::new(file);
    // A small file can hold far more than the size limit allows: the limit applies to the
    // data as the metadata gives it, before any of it is read.
    let metadata = reader.get_metadata().map_err(unreadable)?.clone();
    let data_bytes = metadata_bytes(&metadata);
    if data_bytes > max_data_bytes {
        return Err(too_much(data_bytes));
    }
    let schema = reader.schema().map_err(unreadable)?;
    let header: Vec<String> = schema.iter_names().map(|n| n.to_string()).collect();
    let height = metadata.num_rows;
    let mut read: Vec<Result<Column, String>> = schema
        .iter_values()
        .map(|f| Err(arrow_type_name(&f.dtype)))
        .collect();
    // Polars converts only some Arrow types (others make it panic): the columns of the types it
    // reads, and the dictionary-encoded ones, read apart (below).
    let plain: Vec<usize> = (0..header.len())
        .filter(|&i| readable(&schema.get_at_index(i).expect("a field").1.dtype))
        .collect();
    let encoded: Vec<usize> = (0..header.len())
        .filter(|&i| {
            matches!(
                schema.get_at_index(i).expect("a field").1.dtype,
                ArrowDataType::Dictionary(..)
            )
        })
        .collect();
    if !plain.is_empty() {
        let df = reader
            .with_projection(Some(plain.clone()))
            .finish()
            .map_err(unreadable)?;
        for i in plain {
            read[i] = Ok(df.column(&header[i]).map_err(unreadable)?.clone());
        }
    }
    // A dictionary-encoded column is read as the Parquet schema says its values are (strings,
    // numbers, dates): without the Arrow schema, which is what asks for a dictionary.
    if !encoded.is_empty() {
        let mut plain_metadata: FileMetadata = (*metadata).clone();
        if let Some(pairs) = &mut plain_metadata.key_value_metadata {
            pairs.retain(|kv| kv.key != ARROW_SCHEMA_KEY);
        }
        let mut values_reader = ParquetReader::new(again);
        values_reader.set_metadata(std::sync::Arc::new(plain_metadata));
        let values_schema = values_reader.schema().map_err(unreadable)?;
        let of_values: Vec<usize> = encoded
            .iter()
            .filter_map(|&i| {
                let at = values_schema.index_of(header[i].as_str())?;
                readable(&values_schema.get_at_index(at)?.1.dtype).then_some(at)
            })
            .collect();
        if !of_values.is_empty() {
            let df = values_reader
                .with_projection(Some(of_values.clone()))
                .finish()
                .map_err(unreadable)?;
            for at in of_values {
                let name = values_schema.get_at_index(at).expect("a field").0;
                let i = header.iter().position(|h| h == name).expect("same fields");
                read[i] = Ok(df.column(name).map_err(unreadable)?.clone());
            }
        }
    }
    // The data as read: a dictionary-encoded page holds each distinct value once, so the
    // metadata's sizes can be far below what its strings are once decoded.
    let text_bytes: u64 = read
        .iter()
        .filter_map(|c| c.as_ref().ok()?.str().ok())
        .flat_map(|s| s.downcast_iter().map(|a| a.total_bytes_len() as u64))
        .sum();
    let data_bytes = text_bytes + 16 * height as u64 * header.len() as u64;
    if data_bytes > max_data_bytes {
        return Err(too_much(data_bytes));
    }
    Ok(ParquetTable {
        header,
        height,
        columns: read,
    })
}

/// Whether polars (in the build moat uses) converts a column of Arrow type `dtype`.
fn readable(dtype: &ArrowDataType) -> bool {
    use ArrowDataType as A;
    match dtype {
        A::Null
        | A::Boolean
        | A::Int8
        | A::Int16
        | A::Int32
        | A::Int64
        | A::UInt32
        | A::UInt64
        | A::Float32
        | A::Float64
        | A::Utf8
        | A::LargeUtf8
        | A::Utf8View
        | A::Binary
        | A::LargeBinary
        | A::BinaryView
        | A::FixedSizeBinary(_)
        | A::Date32
        | A::Date64
        | A::Timestamp(..)
        | A::Time32(_)
        | A::Time64(_)
        | A::Duration(_) => true,
        A::List(field) | A::LargeList(field) => readable(&field.dtype),
        _ => false,
    }
}

/// An Arrow type in words, as polars names the types it reads (`str`, `f64`, `list[i64]`).
fn arrow_type_name(dtype: &ArrowDataType) -> String {
    use ArrowDataType as A;
    match dtype {
        A::Null => "null".into(),
        A::Boolean => "bool".into(),
        A::Int8 => "i8".into(),
        A::Int16 => "i16".into(),
        A::Int32 => "i32".into(),
        A::Int64 => "i64".into(),
        A::Int128 => "i128".into(),
        A::UInt8 => "u8".into(),
        A::UInt16 => "u16".into(),
        A::UInt32 => "u32".into(),
        A::UInt64 => "u64".into(),
        A::UInt128 => "u128".into(),
        A::Float16 => "f16".into(),
        A::Float32 => "f32".into(),
        A::Float64 => "f64".into(),
        A::Utf8 | A::LargeUtf8 | A::Utf8View => "str".into(),
        A::Binary | A::LargeBinary | A::BinaryView | A::FixedSizeBinary(_) => "binary".into(),
        A::Date32 => "date".into(),
        A::Date64 | A::Timestamp(..) => "datetime".into(),
        A::Time32(_) | A::Time64(_) => "time".into(),
        A::Duration(_) => "duration".into(),
        A::Interval(_) => "interval".into(),
        A::Decimal(p, s) | A::Decimal32(p, s) | A::Decimal64(p, s) | A::Decimal256(p, s) => {
            format!("decimal({p}, {s})")
        }
        A::List(f) | A::LargeList(f) => format!("list[{}]", arrow_type_name(&f.dtype)),
        A::FixedSizeList(f, n) => format!("array[{}, {n}]", arrow_type_name(&f.dtype)),
        A::Struct(_) => "struct".into(),
        A::Map(..) => "map".into(),
        A::Dictionary(_, values, _) => format!("dictionary of {}", arrow_type_name(values)),
        A::Extension(_) => "extension".into(),
        A::Union(_) => "union".into(),
        A::Unknown => "unknown".into(),
    }
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
        self.height
    }

    /// The column at `field` ready to be read as `ty`, or the problem with its type.
    pub fn prepare(&self, field: usize, ty: ColType) -> Result<Prepared, String> {
        let wrong = |dtype: &dyn std::fmt::Display| {
            format!(
                "{}: the Parquet column has type {dtype}: expected {} ({})",
                self.header[field],
                parquet_types(ty),
                ty.expected()
            )
        };
        let column = match &self.columns[field] {
            Ok(column) => column,
            Err(unread) => return Err(wrong(&format!("{unread}, which moat cannot read"))),
        };
        let dtype = column.dtype();
        let cast = |to: &DataType| {
            column
                .cast(to)
                .map_err(|e| format!("{}: {e}", wrong(dtype)))
        };
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
            _ => return Err(wrong(dtype)),
        })
    }

    /// The value at `row` of the column at `field` as text, to quote it in a message.
    pub fn value_text(&self, field: usize, row: usize) -> String {
        let Ok(column) = &self.columns[field] else {
            return String::new();
        };
        // A date far out of chrono's range (about ±262,000 years) would make polars' cast
        // panic: written from its day count here.
        if column.dtype() == &DataType::Date {
            let day = column
                .slice(row as i64, 1)
                .date()
                .ok()
                .and_then(|d| d.physical().get(0));
            return match day {
                None => String::new(),
                Some(day) => day
                    .checked_add(super::cell::EPOCH_FROM_CE)
                    .and_then(chrono::NaiveDate::from_num_days_from_ce_opt)
                    .map_or_else(
                        || format!("day {day} counted from 1970-01-01"),
                        |d| d.format("%Y-%m-%d").to_string(),
                    ),
            };
        }
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
        let e = read(
            &path,
            "t.parquet",
            DataLimit {
                bytes: 64 * 1024,
                ..DataLimit::FILE
            },
        )
        .err()
        .unwrap();
        assert!(
            e.message.ends_with(
                "bytes of data decoded: expected at most 65536 bytes (64 KiB), the most moat reads from one table file"
            ),
            "{}",
            e.message
        );
        assert_eq!(
            read(&path, "t.parquet", DataLimit::FILE).unwrap().height(),
            100_000
        );
    }

    /// A dictionary-encoded column holds each distinct value once: a file of a few KB whose
    /// rows repeat one long note decodes to far more than its metadata's page sizes say, and is
    /// refused before a cell is read.
    #[test]
    fn the_size_limit_counts_dictionary_encoded_strings_decoded() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.parquet");
        let note = "x".repeat(60_000);
        let mut df = df!("note" => vec![note.as_str(); 2_000]).unwrap();
        ParquetWriter::new(std::fs::File::create(&path).unwrap())
            .finish(&mut df)
            .unwrap();
        let file_bytes = std::fs::metadata(&path).unwrap().len();
        assert!(file_bytes < 16 * 1024, "{file_bytes}");
        let e = read(
            &path,
            "t.parquet",
            DataLimit {
                bytes: 64 << 20,
                ..DataLimit::FILE
            },
        )
        .err()
        .unwrap();
        assert_eq!(
            e.message,
            "the file holds about 120032000 bytes of data decoded: expected at most 67108864 bytes (64 MiB), the most moat reads from one table file"
        );
        assert_eq!(
            read(&path, "t.parquet", DataLimit::FILE).unwrap().height(),
            2_000
        );
    }
}
