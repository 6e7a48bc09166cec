//! Loader tests that need files in both formats: the mini fixture as CSV, and the same tables
//! written to Parquet, must give equal frames; Parquet problems are placed by row, and a column
//! of the wrong Parquet type is one problem.

use super::*;
use polars::prelude::{Column, DataType, IntoColumn, NamedFrom, ParquetWriter, Series, df};
use std::fs;

fn mini() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/mini")
}

/// Copy the mini fixture into a temp dir, with the tvl table written as Parquet from `tvl`.
fn with_parquet_tvl(tvl: &mut DataFrame) -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    for entry in fs::read_dir(mini()).unwrap() {
        let entry = entry.unwrap();
        fs::copy(entry.path(), tmp.path().join(entry.file_name())).unwrap();
    }
    fs::remove_file(tmp.path().join("tvl_weekly.csv")).unwrap();
    let file = fs::File::create(tmp.path().join("tvl_weekly.parquet")).unwrap();
    ParquetWriter::new(file).finish(tvl).unwrap();
    let manifest = tmp.path().join("dataset.toml");
    let text = fs::read_to_string(&manifest)
        .unwrap()
        .replace("tvl_weekly.csv", "tvl_weekly.parquet");
    fs::write(manifest, text).unwrap();
    tmp
}

#[test]
fn parquet_and_csv_load_to_equal_frames() {
    let from_csv = load(&mini()).unwrap();
    let mut tvl = from_csv.tvl.clone();
    let tmp = with_parquet_tvl(&mut tvl);
    let from_parquet = load(tmp.path()).unwrap();
    assert!(from_parquet.tvl.equals_missing(&from_csv.tvl));
    assert_eq!(from_parquet.tvl.height(), 45);
}

#[test]
fn parquet_problems_name_the_row_and_column() {
    let mut tvl = df!(
        "date" => ["2024-11-03", "2024-11-10", "not a date"],
        "chain" => ["base", "nowhere", "base"],
        "tvl_usd" => [1.0, -2.0, 3.0],
    )
    .unwrap();
    let tmp = with_parquet_tvl(&mut tvl);
    let errors = load(tmp.path()).unwrap_err();
    let file = tmp.path().join("tvl_weekly.parquet").display().to_string();
    let lines: Vec<String> = errors.problems.iter().map(|p| p.to_string()).collect();
    assert_eq!(
        lines,
        vec![
            format!(
                "{file}: error: row 2: chain: \"nowhere\" is not a known chain: expected a chain slug defined in the chains table ({})",
                tmp.path().join("chains.csv").display()
            ),
            format!(
                "{file}: error: row 2: tvl_usd: \"-2.0\" is negative: expected a finite number >= 0"
            ),
            format!(
                "{file}: error: row 3: date: \"not a date\" is not a date: expected a date YYYY-MM-DD"
            ),
        ]
    );
}

/// A column whose Parquet type cannot hold its values is one problem, naming the column, its
/// type and the types it may have; the other columns are still checked row by row.
#[test]
fn a_parquet_column_of_the_wrong_type_is_one_problem() {
    let mut tvl = df!(
        "date" => [20_000.5, 20_007.5, 20_014.5],
        "chain" => [1i64, 2, 3],
        "tvl_usd" => [1.0, -2.0, 3.0],
    )
    .unwrap();
    let tmp = with_parquet_tvl(&mut tvl);
    let errors = load(tmp.path()).unwrap_err();
    let file = tmp.path().join("tvl_weekly.parquet").display().to_string();
    let lines: Vec<String> = errors.problems.iter().map(|p| p.to_string()).collect();
    assert_eq!(
        lines,
        vec![
            format!(
                "{file}: error: date: the Parquet column has type f64: expected date or str (a date YYYY-MM-DD)"
            ),
            format!(
                "{file}: error: chain: the Parquet column has type i64: expected str (a chain slug defined in the chains table)"
            ),
            format!(
                "{file}: error: row 2: tvl_usd: \"-2.0\" is negative: expected a finite number >= 0"
            ),
        ]
    );
}

/// Parquet dates are dates only if they can be written `YYYY-MM-DD`, as in CSV; integer
/// amounts are numbers.
#[test]
fn parquet_dates_are_as_strict_as_csv_dates() {
    let days = Series::new("date".into(), [20_000i32, 3_000_000, -800_000])
        .cast(&DataType::Date)
        .unwrap();
    let mut tvl = DataFrame::new_infer_height(vec![
        days.into_column(),
        Column::new("chain".into(), ["base", "base", "base"]),
        Column::new("tvl_usd".into(), [1i64, 2, -3]),
    ])
    .unwrap();
    let tmp = with_parquet_tvl(&mut tvl);
    let errors = load(tmp.path()).unwrap_err();
    let file = tmp.path().join("tvl_weekly.parquet").display().to_string();
    let lines: Vec<String> = errors.problems.iter().map(|p| p.to_string()).collect();
    assert_eq!(
        lines,
        vec![
            format!(
                "{file}: error: row 2: date: \"+10183-09-21\" is not a date: expected a date YYYY-MM-DD"
            ),
            format!(
                "{file}: error: row 3: date: \"-0221-09-04\" is not a date: expected a date YYYY-MM-DD"
            ),
            format!(
                "{file}: error: row 3: tvl_usd: \"-3\" is negative: expected a finite number >= 0"
            ),
        ]
    );
}

/// Parquet tables load with the same checks whatever their column types: integer amounts and
/// string dates give the frame float amounts and dates give.
#[test]
fn parquet_integers_and_strings_load_as_numbers_and_dates() {
    let mut typed = df!(
        "date" => ["2024-11-03", "2024-11-10"],
        "chain" => ["base", "base"],
        "tvl_usd" => [1.0, 2.0],
    )
    .unwrap();
    let mut loose = df!(
        "date" => ["2024-11-03", " 2024-11-10 "],
        "chain" => ["base", "base"],
        "tvl_usd" => [1i32, 2],
    )
    .unwrap();
    let a = load(with_parquet_tvl(&mut typed).path()).unwrap();
    let b = load(with_parquet_tvl(&mut loose).path()).unwrap();
    assert!(a.tvl.equals_missing(&b.tvl));
    assert_eq!(a.tvl.height(), 2);
}
