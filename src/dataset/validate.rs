//! Loading a dataset: the manifest, then every table file read straight into typed columns
//! (`table.rs`), every problem of every file collected, and the frames built only when there is
//! none. Tables are read so that the keys a table's references name (the chains' slugs, the
//! sources' keys) are known before it; problems are still listed file by file in the order of
//! `TABLES`, each file's reading and header problems first, then every file's cell problems.

use super::Dataset;
use super::frame;
use super::limits::{MAX_DATASET_BYTES, size_in_words};
use super::manifest::{self, MANIFEST_FILE, Manifest, Spot};
use super::parquet::{self, DataLimit};
use super::problem::{DataErrors, Problem};
use super::schema::{TABLES, Table, TableKind, reference_target};
use super::table::{self, TableRead, Targets};
use std::collections::BTreeMap;
use std::path::Path;

/// The TVL and metrics tables are sorted side by side only when both files are this large.
const LARGE_FILE_BYTES: u64 = 16 << 20;

/// The files of a wave are read on two threads, in two groups of about the same size, when the
/// smaller group is at least this large: starting a thread costs more than reading less, and
/// a wave of one large file and small ones is read on one thread (a second thread's
/// allocations would add to the peak memory of the large file for nothing).
const THREAD_WORTH_BYTES: u64 = 128 << 10;

/// Which files (by position) to read on a second thread: the larger files go one by one to
/// the lighter group, and the group without the largest file is read beside the other when
/// it is worth a thread; else none.
fn split_by_size(sizes: &[u64]) -> Vec<usize> {
    let mut order: Vec<usize> = (0..sizes.len()).collect();
    order.sort_by_key(|&i| std::cmp::Reverse(sizes[i]));
    let (mut here, mut there) = ((0u64, Vec::new()), (0u64, Vec::new()));
    for i in order {
        let lighter = if here.0 <= there.0 {
            &mut here
        } else {
            &mut there
        };
        lighter.0 += sizes[i];
        lighter.1.push(i);
    }
    if there.0 >= THREAD_WORTH_BYTES {
        there.1
    } else {
        Vec::new()
    }
}

pub fn load_dataset(dir: &Path) -> Result<Dataset, DataErrors> {
    let mut manifest = manifest::read(dir)?;
    let vintage = manifest.vintage_date();
    let mut errors = DataErrors::default();
    check_manifest_files(dir, &manifest, &mut errors);
    if !errors.is_empty() {
        return Err(errors);
    }
    let path_of = |key: &str| dir.join(manifest.files[key].path.get_ref());
    // Each file's size, read once (0 for a file that cannot be read: its reading says why).
    let size: BTreeMap<&str, u64> = TABLES
        .iter()
        .map(|t| {
            (
                t.key,
                std::fs::metadata(path_of(t.key)).map_or(0, |m| m.len()),
            )
        })
        .collect();
    let parquet_limits = match data_limits(dir, &manifest, &size) {
        Ok(limits) => limits,
        Err(problem) => {
            errors.push(problem);
            return Err(errors);
        }
    };
    let large = |key: &str| size[key] >= LARGE_FILE_BYTES;
    let mut targets = Targets::new();
    let mut reads: BTreeMap<TableKind, Result<TableRead, Problem>> = BTreeMap::new();
    // The tables of one wave name only keys read before it: a wave's files are read on two
    // threads when worth it (see `split_by_size`), and what each finds is kept by table, so
    // the result does not depend on which ends first.
    for wave in read_waves() {
        let paths: Vec<_> = wave.iter().map(|t| path_of(t.key)).collect();
        let read_one = |(table, path): (&&'static Table, &std::path::PathBuf)| {
            let shown = path.display().to_string();
            let entry = &manifest.files[table.key];
            // A file of another kind, and a missing file, are placed at the path that names
            // it, where a typo would be.
            if table::file_kind(path).is_none() {
                let message = format!(
                    "[files.{}] path {:?}: {} ({shown})",
                    table.key,
                    entry.path.get_ref(),
                    table::UNSUPPORTED
                );
                return (
                    table.kind,
                    Err(manifest.places.problem_at(entry.path.span().start, message)),
                );
            }
            if !path.exists() {
                let linked = std::fs::symlink_metadata(path).is_ok();
                let message = format!(
                    "[files.{}] path {:?}: {} ({shown}): expected the file holding {}",
                    table.key,
                    entry.path.get_ref(),
                    if linked {
                        "a symbolic link that leads to no file (to one missing, or round in a loop)"
                    } else {
                        "file not found"
                    },
                    table.what
                );
                return (
                    table.kind,
                    Err(manifest.places.problem_at(entry.path.span().start, message)),
                );
            }
            (
                table.kind,
                table::read(
                    table,
                    path,
                    &shown,
                    &targets,
                    vintage,
                    parquet_limits[table.key],
                ),
            )
        };
        let sizes: Vec<u64> = wave.iter().map(|t| size[t.key]).collect();
        let beside = split_by_size(&sizes);
        let pairs = || wave.iter().zip(&paths).enumerate();
        let done: Vec<(TableKind, Result<TableRead, Problem>)> = std::thread::scope(|s| {
            let there = (!beside.is_empty()).then(|| {
                let theirs: Vec<_> = pairs().filter(|(i, _)| beside.contains(i)).collect();
                s.spawn(move || {
                    theirs
                        .into_iter()
                        .map(|(_, p)| read_one(p))
                        .collect::<Vec<_>>()
                })
            });
            let mut done: Vec<_> = pairs()
                .filter(|(i, _)| !beside.contains(i))
                .map(|(_, p)| read_one(p))
                .collect();
            if let Some(there) = there {
                done.extend(
                    there
                        .join()
                        .unwrap_or_else(|panic| std::panic::resume_unwind(panic)),
                );
            }
            done
        });
        for (kind, mut read) in done {
            if let Ok(read) = &mut read
                && let Some(keys) = read.keys.take()
            {
                targets.insert(kind, keys);
            }
            reads.insert(kind, read);
        }
    }
    for table in TABLES {
        match reads.get_mut(&table.kind).expect("every table is read") {
            Err(p) => errors.push(p.clone()),
            Ok(read) => {
                errors.push_capped(std::mem::take(&mut read.structural));
                errors.push_capped(std::mem::take(&mut read.header));
            }
        }
    }
    for table in TABLES {
        if let Some(Ok(read)) = reads.get_mut(&table.kind) {
            read.cells.drain(..).for_each(|c| errors.push_capped(c));
        }
    }
    if !errors.is_empty() {
        errors.sort();
        return Err(errors);
    }
    for table in TABLES {
        if let Some(Ok(read)) = reads.get_mut(&table.kind) {
            manifest.warnings.append(&mut read.warnings);
        }
    }
    let mut take = |kind, by: &[&str]| {
        let columns = take_columns(&mut reads, kind);
        match by {
            [] => frame::build(columns),
            by => frame::build_sorted(columns, by),
        }
    };
    let chains = take(TableKind::Chains, &[]);
    let sources = take(TableKind::Sources, &[]);
    let events = take(TableKind::Events, &["date", "chain"]);
    let links = take(TableKind::Links, &[]);
    let speed = take(TableKind::Speed, &[]);
    // The two long tables are sorted side by side when they are large.
    let (tvl, metrics) = {
        let tvl = take_columns(&mut reads, TableKind::Tvl);
        let metrics = take_columns(&mut reads, TableKind::Metrics);
        if !(large("tvl") && large("metrics")) {
            (
                frame::build_sorted(tvl, &["chain", "date"]),
                frame::build_sorted(metrics, &["chain", "metric", "date"]),
            )
        } else {
            std::thread::scope(|s| {
                let tvl = s.spawn(move || frame::build_sorted(tvl, &["chain", "date"]));
                let metrics = frame::build_sorted(metrics, &["chain", "metric", "date"]);
                (
                    tvl.join()
                        .unwrap_or_else(|panic| std::panic::resume_unwind(panic)),
                    metrics,
                )
            })
        }
    };
    let dataset = Dataset {
        dir: dir.to_path_buf(),
        chains,
        sources,
        tvl,
        events,
        links,
        metrics,
        speed,
        manifest,
    };
    Ok(dataset)
}

/// Check that the table files together are within [`MAX_DATASET_BYTES`], before any is read:
/// a CSV file by its size, a Parquet file by its data decoded as its metadata gives it. Each
/// Parquet file may then decode to its estimate plus an equal share of what is left (a
/// dictionary-encoded column is larger decoded than its metadata says), so that the data read
/// stays within the bound however many files there are: the limit each file is read with.
fn data_limits(
    dir: &Path,
    manifest: &Manifest,
    size: &BTreeMap<&'static str, u64>,
) -> Result<BTreeMap<&'static str, DataLimit>, Problem> {
    let path_of = |key: &str| dir.join(manifest.files[key].path.get_ref());
    let is_parquet = |key: &str| table::file_kind(&path_of(key)) == Some(table::FileKind::Parquet);
    let data: Vec<(&'static str, u64)> = TABLES
        .iter()
        .map(|t| {
            let bytes = if is_parquet(t.key) {
                parquet::estimated_bytes(&path_of(t.key)).unwrap_or(0)
            } else {
                size[t.key]
            };
            (t.key, bytes)
        })
        .collect();
    let total: u64 = data.iter().map(|(_, b)| b).sum();
    if total > MAX_DATASET_BYTES {
        let mut largest: Vec<(u64, &str)> = data
            .iter()
            .filter(|(_, b)| *b > 0)
            .map(|(key, b)| (*b, manifest.files[*key].path.get_ref().as_str()))
            .collect();
        largest.sort_by_key(|&(bytes, file)| (std::cmp::Reverse(bytes), file));
        let listed: Vec<String> = largest
            .iter()
            .map(|(b, file)| format!("{file} {}", approximate_size(*b)))
            .collect();
        return Err(Problem::file(
            &dir.join(MANIFEST_FILE).display().to_string(),
            format!(
                "the dataset's table files hold about {total} bytes of data together ({}): expected at most {MAX_DATASET_BYTES} bytes ({}), the most moat loads as one dataset",
                listed.join(", "),
                size_in_words(MAX_DATASET_BYTES)
            ),
        ));
    }
    let parquet_files = data.iter().filter(|(key, _)| is_parquet(key)).count() as u64;
    let share = (MAX_DATASET_BYTES - total) / parquet_files.max(1);
    Ok(data
        .into_iter()
        .map(|(key, bytes)| {
            let limit = if bytes.saturating_add(share) < DataLimit::FILE.bytes {
                DataLimit {
                    bytes: bytes + share,
                    why: SHARE,
                }
            } else {
                DataLimit::FILE
            };
            (key, limit)
        })
        .collect())
}

/// Why a Parquet file read within its share of the dataset's bound was refused.
const SHARE: &str = "its share of the bytes the dataset's table files may hold together, which the other files leave it";

/// "1.2 GiB", "340 MiB": a size in a message listing sizes.
fn approximate_size(bytes: u64) -> String {
    match bytes {
        b if b >= 1 << 30 => format!("{:.1} GiB", b as f64 / (1u64 << 30) as f64),
        b if b >= 1 << 20 => format!("{:.0} MiB", b as f64 / (1u64 << 20) as f64),
        b => format!("{:.0} KiB", (b as f64 / 1024.0).ceil()),
    }
}

/// The typed columns of a table that validated.
fn take_columns(
    reads: &mut BTreeMap<TableKind, Result<TableRead, Problem>>,
    kind: TableKind,
) -> Vec<(&'static crate::dataset::schema::Column, frame::Values)> {
    let read = reads.remove(&kind).expect("every table is read");
    read.ok().and_then(|r| r.columns).expect("validated table")
}

/// The tables in waves: each wave holds the tables whose references name only tables of
/// earlier waves (or the table itself, checked after its last row), in the order of `TABLES`.
fn read_waves() -> Vec<Vec<&'static Table>> {
    let mut waves: Vec<Vec<&'static Table>> = Vec::new();
    let mut read: Vec<TableKind> = Vec::new();
    while read.len() < TABLES.len() {
        let wave: Vec<&'static Table> = TABLES
            .iter()
            .filter(|t| {
                !read.contains(&t.kind)
                    && t.columns.iter().all(|c| {
                        reference_target(c.ty)
                            .is_none_or(|(to, _, _)| to == t.kind || read.contains(&to))
                    })
            })
            .collect();
        assert!(!wave.is_empty(), "references between tables form no cycle");
        read.extend(wave.iter().map(|t| t.kind));
        waves.push(wave);
    }
    waves
}

/// Every table must be declared, with exactly the columns and types moat reads.
fn check_manifest_files(dir: &Path, manifest: &Manifest, errors: &mut DataErrors) {
    let shown = dir.join(MANIFEST_FILE).display().to_string();
    let places = &manifest.places;
    for table in TABLES {
        let Some(entry) = manifest.files.get(table.key) else {
            errors.push(Problem::file(
                &shown,
                format!(
                    "missing [files.{}] entry: expected the file holding {}",
                    table.key, table.what
                ),
            ));
            continue;
        };
        // A column written with its former name (and former type) is the current column.
        // Each column by its current name: its type, and its name as written.
        let mut declared: BTreeMap<String, (String, &str)> = BTreeMap::new();
        for (name, ty) in &entry.columns {
            let former = table.renamed.iter().find(|(old, _, _)| old == name);
            match former {
                Some((_, old_ty, new))
                    if ty == old_ty.name() && !entry.columns.contains_key(*new) =>
                {
                    let current = table.columns.iter().find(|c| c.name == *new);
                    let current_ty = current.map_or(ty.as_str(), |c| c.ty.name());
                    declared.insert(new.to_string(), (current_ty.to_string(), name));
                }
                _ => {
                    declared.insert(name.clone(), (ty.clone(), name));
                }
            }
        }
        for col in table.columns {
            match declared.get(col.name) {
                None => errors.push(places.problem(
                    Spot::Columns(table.key),
                    format!(
                        "[files.{}.columns] does not declare `{}`: expected `{} = \"{}\"`",
                        table.key,
                        col.name,
                        col.name,
                        col.ty.name()
                    ),
                )),
                Some((t, written)) if t != col.ty.name() => errors.push(places.problem(
                    Spot::ColumnType(table.key, written),
                    format!(
                        "[files.{}.columns] declares `{}` as \"{t}\": expected \"{}\"",
                        table.key,
                        col.name,
                        col.ty.name()
                    ),
                )),
                Some(_) => {}
            }
        }
        for (name, (_, written)) in &declared {
            if !table.columns.iter().any(|c| c.name == name) {
                errors.push(places.problem(
                    Spot::ColumnName(table.key, written),
                    format!(
                        "[files.{}.columns] declares unknown column `{name}`: expected only {}",
                        table.key,
                        column_list(table)
                    ),
                ));
            }
        }
    }
    // One file per table: two tables read from one file would each find the other's columns.
    let mut named: BTreeMap<std::path::PathBuf, &str> = BTreeMap::new();
    for table in TABLES {
        let Some(entry) = manifest.files.get(table.key) else {
            continue;
        };
        let file: std::path::PathBuf = Path::new(entry.path.get_ref())
            .components()
            .filter(|c| *c != std::path::Component::CurDir)
            .collect();
        if let Some(first) = named.insert(file, table.key) {
            errors.push(places.problem_at(
                entry.path.span().start,
                format!(
                    "[files.{first}] and [files.{}] both name {:?}: expected a file of its own for each table",
                    table.key,
                    entry.path.get_ref()
                ),
            ));
        }
    }
    for key in manifest.files.keys() {
        if !TABLES.iter().any(|t| t.key == key) {
            let keys: Vec<&str> = TABLES.iter().map(|t| t.key).collect();
            errors.push(places.problem(
                Spot::Table(key),
                format!(
                    "unknown table [files.{key}]: expected one of {}",
                    keys.join(", ")
                ),
            ));
        }
    }
}

fn column_list(table: &Table) -> String {
    table
        .columns
        .iter()
        .map(|c| c.name)
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mini() -> std::path::PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/mini")
    }

    /// The files' sizes are given, not read: a test need not write gigabytes.
    fn sizes(big: &[(&'static str, u64)]) -> BTreeMap<&'static str, u64> {
        TABLES
            .iter()
            .map(|t| {
                let given = big.iter().find(|(k, _)| *k == t.key).map(|(_, b)| *b);
                (t.key, given.unwrap_or(1000))
            })
            .collect()
    }

    #[test]
    fn the_table_files_together_are_within_the_dataset_bound() {
        let dir = mini();
        let manifest = manifest::read(&dir).unwrap();
        const G: u64 = 1 << 30;
        let within = data_limits(&dir, &manifest, &sizes(&[("tvl", G), ("metrics", G / 2)]));
        assert!(within.is_ok());
        let over = data_limits(&dir, &manifest, &sizes(&[("tvl", G), ("metrics", G + 1)]))
            .unwrap_err()
            .to_string();
        assert!(
            over.ends_with(&format!(
                "dataset.toml: error: the dataset's table files hold about {} bytes of data together (metrics_daily.csv 1.0 GiB, tvl_weekly.csv 1.0 GiB, chains.csv 1 KiB, ecosystem_links.csv 1 KiB, events.csv 1 KiB, sources.csv 1 KiB, speed.csv 1 KiB): expected at most 2147483648 bytes (2 GiB), the most moat loads as one dataset",
                2 * G + 1 + 5000
            )),
            "{over}"
        );
    }

    #[test]
    fn a_wave_is_split_in_two_groups_of_about_its_size_when_worth_a_thread() {
        const K: u64 = 1 << 10;
        // The shipped wave: metrics alone, the rest beside it.
        assert_eq!(
            split_by_size(&[182 * K, 83 * K, 13 * K, 1440 * K, 10 * K]),
            vec![0, 1, 2, 4]
        );
        // Two large files, one per thread, the small one with the lighter.
        assert_eq!(
            split_by_size(&[100_000 * K, 75_000 * K, 3000 * K]),
            vec![1, 2]
        );
        // One large file and small ones, or small files only: one thread.
        assert!(split_by_size(&[200_000 * K, 20 * K, 10 * K]).is_empty());
        assert!(split_by_size(&[60 * K, 60 * K]).is_empty());
        assert!(split_by_size(&[]).is_empty());
    }

    #[test]
    fn waves_read_each_table_after_the_keys_it_names() {
        let waves: Vec<Vec<&str>> = read_waves()
            .iter()
            .map(|w| w.iter().map(|t| t.key).collect())
            .collect();
        assert_eq!(
            waves,
            [
                vec!["sources"],
                vec!["chains"],
                vec!["tvl", "events", "links", "metrics", "speed"]
            ]
        );
    }

    #[test]
    fn tables_are_read_after_the_keys_they_name() {
        let order: Vec<&str> = read_waves().iter().flatten().map(|t| t.key).collect();
        assert_eq!(
            order,
            [
                "sources", "chains", "tvl", "events", "links", "metrics", "speed"
            ]
        );
    }
}
