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

/// A Parquet file's header is its schema: a missing or unknown column is a problem of the
/// file, not of its first row.
#[test]
fn parquet_header_problems_are_the_files() {
    let mut tvl = df!(
        "date" => ["2024-11-03"],
        "chian" => ["base"],
        "tvl_usd" => [1.0],
    )
    .unwrap();
    let tmp = with_parquet_tvl(&mut tvl);
    let errors = load(tmp.path()).unwrap_err();
    let file = tmp.path().join("tvl_weekly.parquet").display().to_string();
    let lines: Vec<String> = errors.problems.iter().map(|p| p.to_string()).collect();
    assert!(!lines.is_empty());
    for line in &lines {
        assert!(line.starts_with(&format!("{file}: error: ")), "{line}");
        assert!(!line.contains("row 1"), "{line}");
    }
    assert!(lines.iter().any(|l| l.contains("chian")), "{lines:?}");
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

/// A Parquet date beyond any calendar (day 2,147,483,647 of i32) is a problem like any bad
/// date, written from its day count: polars' own text of it panicked.
#[test]
fn parquet_dates_beyond_any_calendar_are_problems() {
    let days = Series::new("date".into(), [20_000i32, i32::MAX, -100_000_000])
        .cast(&DataType::Date)
        .unwrap();
    let mut tvl = DataFrame::new_infer_height(vec![
        days.into_column(),
        Column::new("chain".into(), ["base", "base", "base"]),
        Column::new("tvl_usd".into(), [1i64, 2, 3]),
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
                "{file}: error: row 2: date: \"day 2147483647 counted from 1970-01-01\" is not a date: expected a date YYYY-MM-DD"
            ),
            format!(
                "{file}: error: row 3: date: \"day -100000000 counted from 1970-01-01\" is not a date: expected a date YYYY-MM-DD"
            ),
        ]
    );
}

/// The mini fixture with its tvl table replaced by `tests/fixtures/parquet/<name>`.
fn with_parquet_fixture(name: &str) -> tempfile::TempDir {
    let tmp = with_parquet_tvl(&mut DataFrame::empty());
    let fixture = mini().join("../parquet").join(name);
    fs::copy(fixture, tmp.path().join("tvl_weekly.parquet")).unwrap();
    tmp
}

/// Dictionary-encoded string columns (pandas' Categorical) are read as the strings they
/// encode: the table is the one the CSV file gives.
#[test]
fn dictionary_encoded_parquet_columns_load_as_their_values() {
    let tmp = with_parquet_fixture("tvl-dictionary.parquet");
    let from_parquet = load(tmp.path()).unwrap();
    let from_csv = load(&mini()).unwrap();
    assert!(from_parquet.tvl.equals_missing(&from_csv.tvl));
    assert_eq!(from_parquet.tvl.height(), 45);
}

/// Columns of types polars cannot convert (it would panic) are never handed to it: each is
/// one problem naming the column, its type and the types it may have.
#[test]
fn parquet_columns_of_types_moat_cannot_read_are_one_problem_each() {
    for (name, expected) in [
        (
            "tvl-unreadable.parquet",
            [
                "date: the Parquet column has type struct, which moat cannot read: expected date or str (a date YYYY-MM-DD)",
                "chain: the Parquet column has type list[struct], which moat cannot read: expected str (a chain slug defined in the chains table)",
                "tvl_usd: the Parquet column has type decimal(20, 2), which moat cannot read: expected a float, an integer or str (a finite number >= 0)",
            ],
        ),
        (
            "tvl-unreadable-2.parquet",
            [
                "date: the Parquet column has type u16, which moat cannot read: expected date or str (a date YYYY-MM-DD)",
                "chain: the Parquet column has type list[f16], which moat cannot read: expected str (a chain slug defined in the chains table)",
                "tvl_usd: the Parquet column has type f16, which moat cannot read: expected a float, an integer or str (a finite number >= 0)",
            ],
        ),
    ] {
        let tmp = with_parquet_fixture(name);
        let errors = load(tmp.path()).unwrap_err();
        let file = tmp.path().join("tvl_weekly.parquet").display().to_string();
        let lines: Vec<String> = errors.problems.iter().map(|p| p.to_string()).collect();
        let expected: Vec<String> = expected
            .iter()
            .map(|m| format!("{file}: error: {m}"))
            .collect();
        assert_eq!(lines, expected, "{name}");
    }
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

/// The `VmRSS` / `VmHWM` line of this process's status, in KiB.
#[cfg(target_os = "linux")]
fn status_kib(key: &str) -> u64 {
    let status = fs::read_to_string("/proc/self/status").unwrap();
    let line = status.lines().find(|l| l.starts_with(key)).unwrap();
    line.split_whitespace().nth(1).unwrap().parse().unwrap()
}

/// A TVL file of about `mb` MB in the dataset `dir` (weekly points from year 1 of 100 chains
/// added to its chains file), valid.
fn write_large_tvl(dir: &std::path::Path, mb: usize) -> u64 {
    use std::io::Write;
    let chains: Vec<String> = (0..100).map(|i| format!("chain-{i:02}")).collect();
    let mut listed = fs::OpenOptions::new()
        .append(true)
        .open(dir.join("chains.csv"))
        .unwrap();
    for chain in &chains {
        writeln!(listed, "{chain},Chain {chain}{}", ",".repeat(18)).unwrap();
    }
    let path = dir.join("tvl_weekly.csv");
    let mut out = std::io::BufWriter::new(fs::File::create(&path).unwrap());
    writeln!(out, "date,chain,tvl_usd").unwrap();
    let (mut written, mut day, mut x) =
        (0, chrono::NaiveDate::from_ymd_opt(1, 1, 7).unwrap(), 1u64);
    while written < mb * 1_000_000 {
        for chain in &chains {
            x = x
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            let line = format!("{},{chain},{}\n", day.format("%Y-%m-%d"), x >> 30);
            written += line.len();
            out.write_all(line.as_bytes()).unwrap();
        }
        day += chrono::Duration::weeks(1);
    }
    out.flush().unwrap();
    fs::metadata(&path).unwrap().len()
}

/// Loading takes a small multiple of the file in memory: the typed columns, not a String per
/// cell. Measured in a process of its own (this test binary, run again for this test only), so
/// that no other test's memory counts: the growth of its peak resident memory over the load.
/// The file is 20 MB by default, quick in a debug build; `MOAT_LOAD_TEST_MB=200` measures a
/// 200 MB file (see the README's "Data format" section).
#[cfg(target_os = "linux")]
#[test]
fn a_large_file_loads_in_a_small_multiple_of_its_size() {
    const CHILD: &str = "MOAT_LOAD_TEST_DIR";
    if let Ok(dir) = std::env::var(CHILD) {
        // Once first, so that what polars sets up on first use does not count.
        load(&mini()).unwrap();
        let before = status_kib("VmRSS");
        let start = std::time::Instant::now();
        let ds = load(std::path::Path::new(&dir)).unwrap();
        let seconds = start.elapsed().as_secs_f64();
        println!(
            "load: {} TVL rows in {seconds:.2} s, peak memory +{} KiB",
            ds.tvl.height(),
            status_kib("VmHWM") - before
        );
        return;
    }
    let mb = std::env::var("MOAT_LOAD_TEST_MB").map_or(20, |v| v.parse().unwrap());
    let tmp = with_parquet_tvl(&mut DataFrame::empty());
    let dir = tmp.path();
    fs::remove_file(dir.join("tvl_weekly.parquet")).unwrap();
    let manifest = dir.join("dataset.toml");
    let text = fs::read_to_string(&manifest)
        .unwrap()
        .replace("tvl_weekly.parquet", "tvl_weekly.csv");
    fs::write(&manifest, text).unwrap();
    let bytes = write_large_tvl(dir, mb);
    let out = std::process::Command::new(std::env::current_exe().unwrap())
        .args([
            "--exact",
            "dataset::tests::a_large_file_loads_in_a_small_multiple_of_its_size",
            "--nocapture",
            "--test-threads=1",
        ])
        .env(CHILD, dir)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    let line = text
        .lines()
        .find_map(|l| l.find("load: ").map(|i| &l[i..]))
        .unwrap_or_else(|| panic!("{text}{}", String::from_utf8_lossy(&out.stderr)));
    let kib: u64 = line
        .rsplit('+')
        .next()
        .and_then(|s| s.trim_end_matches(" KiB").parse().ok())
        .unwrap();
    eprintln!("{bytes} bytes of CSV: {line}");
    assert!(
        kib * 1024 <= 3 * bytes,
        "loading {bytes} bytes took {kib} KiB more memory: more than 3x the file"
    );
}

/// A corrupt Parquet file is a problem of that file, never a panic: the decoder answers some
/// corruptions of its footer with a panic (a thrift field out of range, a slice past its end),
/// which the load turns into "not a readable Parquet file".
#[test]
fn a_corrupt_parquet_file_is_a_problem_not_a_panic() {
    let mut tvl = load(&mini()).unwrap().tvl.clone();
    let tmp = with_parquet_tvl(&mut tvl);
    let path = tmp.path().join("tvl_weekly.parquet");
    let good = fs::read(&path).unwrap();
    let mut failed = 0;
    for at in good.len().saturating_sub(300)..good.len() - 8 {
        for byte in [0x6B, 0xFF] {
            let mut bad = good.clone();
            bad[at] = byte;
            fs::write(&path, &bad).unwrap();
            if let Err(errors) = load(tmp.path()) {
                let text = errors.to_string();
                assert!(text.contains("tvl_weekly.parquet"), "{text}");
                if text.contains("the decoder failed on it") {
                    failed += 1;
                }
            }
        }
    }
    assert!(failed > 0, "no corruption made the decoder fail");
}
