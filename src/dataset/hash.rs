//! The dataset's content hash, as seen at an as-of date. Every result is stamped with it, so
//! two results from different data never share stamps; and it covers exactly the rows that can
//! be seen at the as-of date, so that rows dated later (which cannot change a result at that
//! date) cannot change its stamps either.
//!
//! A row can be seen from its date: `date` for TVL points, events, links and metrics, `asof`
//! for speed rows (undated speed rows are never used, so never hashed). A chains row is seen
//! from the first of its own `launch_date` and `stage_asof` and the first date any seen row
//! names the chain (a TVL point, an event, a link end, a metric, a speed row, an L3 it hosts);
//! a sources row from the first seen row that cites it. The hash at `D` is sha256 over the
//! manifest's name and vintage, then every row seen at `D` as its typed values (so the same
//! data in CSV or Parquet hashes the same), ordered by date, then table, then file order.
//! Built once per dataset, so each as-of date costs one lookup, and on a thread of its own
//! ([`ContentHash::start`]): a screen indexes, cuts features and evaluates while it is built,
//! and waits for it only to write its stamps.

use super::Dataset;
use super::cell::day_date;
use super::frame::text_refs;
use chrono::NaiveDate;
use polars::prelude::{
    BooleanType, DataFrame, DataType, Float64Type, Int32Type, PolarsDataType, PolarsResult,
    StringType,
};
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};
use std::thread::JoinHandle;

/// Rows copied out before they are hashed, at a time (see `ContentHash::build`).
const BATCH_ROWS: usize = 4096;

/// A dated table: its frame, its tag in the hash, its date column, the columns naming chains
/// and the columns citing sources.
type DatedTable<'a> = (&'a DataFrame, u8, &'a str, &'a [&'a str], &'a [&'a str]);

/// Hash states after each date that has rows, for `at` (`default()`: of nothing, a
/// placeholder until built).
#[derive(Clone, Default)]
pub struct ContentHash {
    /// (date, state after every row dated on or before it), ascending.
    prefixes: Vec<(NaiveDate, Sha256)>,
    /// State before any row (manifest identity only).
    empty: Sha256,
}

impl std::fmt::Debug for ContentHash {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ContentHash")
            .field("dates", &self.prefixes.len())
            .finish()
    }
}

/// One column of a frame of one chunk, read in place (a copy of every cell first would double
/// what the hash holds).
enum Cells<'a> {
    Days(&'a Arr<Int32Type>),
    Num(&'a Arr<Float64Type>),
    Flag(&'a Arr<BooleanType>),
    Text(&'a Arr<StringType>),
}

/// The arrow array behind a column of one chunk of type `T`.
type Arr<T> = <T as PolarsDataType>::Array;

impl Cells<'_> {
    /// Append the cell of `row` to `out`: a marker for missing, else its bytes length-prefixed.
    fn feed(&self, row: usize, out: &mut Vec<u8>) {
        match self {
            Cells::Days(a) => {
                let valid = a.validity().is_none_or(|v| v.get_bit(row));
                fixed(out, valid.then(|| a.value(row).to_le_bytes()))
            }
            Cells::Num(a) => {
                let valid = a.validity().is_none_or(|v| v.get_bit(row));
                fixed(out, valid.then(|| a.value(row).to_bits().to_le_bytes()))
            }
            Cells::Flag(a) => fixed(out, a.get(row).map(|b| [u8::from(b)])),
            Cells::Text(a) => match a.get(row) {
                None => out.push(0),
                Some(text) => {
                    out.push(1);
                    out.extend_from_slice(&(text.len() as u32).to_le_bytes());
                    out.extend_from_slice(text.as_bytes());
                }
            },
        }
    }
}

/// A fixed-size value as [`Cells::feed`] writes any value (marker, length, bytes), with sizes
/// the compiler knows: a few stores rather than a copy call per cell.
#[inline(always)]
fn fixed<const N: usize>(out: &mut Vec<u8>, value: Option<[u8; N]>) {
    match value {
        None => out.push(0),
        Some(bytes) => {
            out.push(1);
            out.extend_from_slice(&(N as u32).to_le_bytes());
            out.extend_from_slice(&bytes);
        }
    }
}

/// Every column of a frame of one chunk, typed, and at most how many bytes its cells take
/// written out.
fn columns(df: &DataFrame) -> PolarsResult<(Vec<Cells<'_>>, usize)> {
    let rows = df.height();
    // Each cell's marker and length, and the tag of each row.
    let mut size = rows * (1 + 5 * df.width());
    let mut cells = Vec::new();
    for c in df.columns() {
        cells.push(match c.dtype() {
            DataType::Date => {
                size += 4 * rows;
                Cells::Days(c.date()?.physical().downcast_as_array())
            }
            DataType::Float64 => {
                size += 8 * rows;
                Cells::Num(c.f64()?.downcast_as_array())
            }
            DataType::Boolean => {
                size += rows;
                Cells::Flag(c.bool()?.downcast_as_array())
            }
            _ => {
                let texts = c.str()?.downcast_as_array();
                size += texts.total_bytes_len();
                Cells::Text(texts)
            }
        });
    }
    Ok((cells, size))
}

impl ContentHash {
    /// Build the hash of `ds` on a thread of its own, for [`Building::at`] to wait for when a
    /// stamp is first needed: the rest of a screen (indexing, features, evaluation) does not
    /// need it, so it runs beside them. Built here and now if no thread can be started.
    pub fn start(ds: &Dataset) -> Building {
        // A dataset's frames share their columns: the copy costs a few pointers.
        let copy = ds.clone();
        let thread = std::thread::Builder::new()
            .name("content hash".into())
            .spawn(move || ContentHash::build(&copy));
        let inner = match thread {
            Ok(handle) => Inner {
                thread: Mutex::new(Some(handle)),
                built: OnceLock::new(),
            },
            Err(_) => Inner {
                thread: Mutex::new(None),
                built: OnceLock::from(ContentHash::build(ds).map_err(|e| e.to_string())),
            },
        };
        Building(Arc::new(inner))
    }

    pub fn build(ds: &Dataset) -> PolarsResult<ContentHash> {
        // Each frame in one chunk, so that its columns are read as arrays (a frame built by
        // the loader is one chunk already, and is not copied).
        let mut ds = ds.clone();
        for df in [
            &mut ds.chains,
            &mut ds.sources,
            &mut ds.tvl,
            &mut ds.events,
            &mut ds.links,
            &mut ds.metrics,
            &mut ds.speed,
        ] {
            df.rechunk_mut();
        }
        let ds = &ds;
        // Per table, (visible from, row) of every row seen at some date, in file order.
        let mut seen: [Vec<(i32, u32)>; 7] = Default::default();
        let mut first_seen: HashMap<&str, i32> = HashMap::new();
        let mut cite: HashMap<&str, i32> = HashMap::new();
        fn note<'a>(map: &mut HashMap<&'a str, i32>, key: &'a str, day: i32) {
            map.entry(key)
                .and_modify(|d| *d = (*d).min(day))
                .or_insert(day);
        }
        // The end of a run of one cell: a chain first seen (kind 0), or sources cited.
        fn flush<'a>(kind: usize, cell: &'a str, day: i32, maps: [&mut HashMap<&'a str, i32>; 2]) {
            let [first_seen, cite] = maps;
            if kind == 0 {
                note(first_seen, cell, day);
            } else {
                for key in cell.split_whitespace() {
                    note(cite, key, day);
                }
            }
        }

        let dated: [DatedTable; 5] = [
            (&ds.tvl, 2, "date", &["chain"], &[]),
            (&ds.events, 3, "date", &["chain"], &["source"]),
            (
                &ds.links,
                4,
                "date",
                &["from_chain", "to_chain"],
                &["sources"],
            ),
            (&ds.metrics, 5, "date", &["chain"], &["source"]),
            (&ds.speed, 6, "asof", &["chain"], &["source"]),
        ];
        for (df, tag, date_col, chain_cols, source_cols) in dated {
            let days = days(df, date_col)?;
            let cells = [present(df, chain_cols)?, present(df, source_cols)?];
            // Tables are sorted by chain (and hold long runs of one source): a run of the
            // same cell needs its earliest date only.
            let mut runs: [Vec<Option<(&str, i32)>>; 2] =
                [vec![None; cells[0].len()], vec![None; cells[1].len()]];
            for (i, day) in days.into_iter().enumerate() {
                for kind in 0..2 {
                    for (k, column) in cells[kind].iter().enumerate() {
                        let (Some(day), Some(cell)) = (day, column.get(i)) else {
                            continue;
                        };
                        match &mut runs[kind][k] {
                            Some((run, d)) if *run == cell => *d = (*d).min(day),
                            other => {
                                if let Some((run, d)) = other.replace((cell, day)) {
                                    flush(kind, run, d, [&mut first_seen, &mut cite]);
                                }
                            }
                        }
                    }
                }
                if let Some(day) = day {
                    seen[tag as usize].push((day, i as u32));
                }
            }
            for (kind, runs) in runs.iter().enumerate() {
                for &(run, d) in runs.iter().flatten() {
                    flush(kind, run, d, [&mut first_seen, &mut cite]);
                }
            }
        }

        let slugs = text_refs(&ds.chains, "slug")?;
        let hosts = text_refs(&ds.chains, "host")?;
        let launch = days(&ds.chains, "launch_date")?;
        let snapshot = days(&ds.chains, "stage_asof")?;
        for (i, slug) in slugs.iter().enumerate() {
            if let Some(slug) = slug {
                for d in [launch[i], snapshot[i]].into_iter().flatten() {
                    note(&mut first_seen, slug, d);
                }
            }
        }
        // An L3 seen makes its host seen; hosts of hosts too (a short chain of slugs).
        for _ in 0..slugs.len().min(8) {
            let mut changed = false;
            for (slug, host) in slugs.iter().zip(&hosts) {
                let (Some(slug), Some(host)) = (slug, host) else {
                    continue;
                };
                if let Some(&d) = first_seen.get(slug)
                    && first_seen.get(host).is_none_or(|&h| d < h)
                {
                    first_seen.insert(host, d);
                    changed = true;
                }
            }
            if !changed {
                break;
            }
        }
        let chain_sources = text_refs(&ds.chains, "sources")?;
        for (i, slug) in slugs.iter().enumerate() {
            let Some(day) = slug.and_then(|s| first_seen.get(s)).copied() else {
                continue;
            };
            for key in chain_sources[i].into_iter().flat_map(str::split_whitespace) {
                note(&mut cite, key, day);
            }
            seen[0].push((day, i as u32));
        }
        let keys = text_refs(&ds.sources, "key")?;
        for (i, key) in keys.iter().enumerate() {
            if let Some(&day) = key.and_then(|k| cite.get(k)) {
                seen[1].push((day, i as u32));
            }
        }
        let rows = in_date_order(&seen);

        let tables: [Written; 7] = [
            written(0, &ds.chains)?,
            written(1, &ds.sources)?,
            written(2, &ds.tvl)?,
            written(3, &ds.events)?,
            written(4, &ds.links)?,
            written(5, &ds.metrics)?,
            written(6, &ds.speed)?,
        ];
        let mut state = Sha256::new();
        for part in [&ds.manifest.name, &ds.manifest.vintage] {
            state.update((part.len() as u64).to_le_bytes());
            state.update(part.as_bytes());
        }
        let empty = state.clone();
        let mut prefixes: Vec<(NaiveDate, Sha256)> = Vec::new();
        // In batches: the batch's rows copied out, then hashed. Each row is read from a place
        // far from the last one (rows are in date order, tables by chain), so nearly every
        // row misses the cache; a loop that does nothing but copy keeps many of those misses
        // in flight at once, where one that hashed each row in turn would wait for each.
        let mut buf: Vec<u8> = Vec::with_capacity(BATCH_ROWS * 64);
        let mut ends: Vec<(usize, i32)> = Vec::new();
        for (b, batch) in rows.chunks(BATCH_ROWS).enumerate() {
            buf.clear();
            ends.clear();
            for (k, &(day, tag, row)) in batch.iter().enumerate() {
                buf.extend_from_slice(tables[tag as usize].row(row as usize));
                if rows
                    .get(b * BATCH_ROWS + k + 1)
                    .is_none_or(|next| next.0 != day)
                {
                    ends.push((buf.len(), day));
                }
            }
            let mut from = 0;
            for &(end, day) in &ends {
                state.update(&buf[from..end]);
                from = end;
                prefixes.push((day_date(day), state.clone()));
            }
            state.update(&buf[from..]);
        }
        Ok(ContentHash { prefixes, empty })
    }

    /// sha256 (hex) of what can be seen at `as_of`.
    pub fn at(&self, as_of: NaiveDate) -> String {
        let n = self.prefixes.partition_point(|(d, _)| *d <= as_of);
        let state = match n {
            0 => self.empty.clone(),
            n => self.prefixes[n - 1].1.clone(),
        };
        state
            .finalize()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect()
    }
}

/// Every `(day, table, row)` of `seen` (rows by table, each in file order) sorted, by counting
/// the rows of each day: one pass to count and one to place, where a sort of millions of rows
/// compares each many times. A span of days far wider than the rows (a few rows centuries
/// apart) is sorted instead.
fn in_date_order(seen: &[Vec<(i32, u32)>; 7]) -> Vec<(i32, u8, u32)> {
    let total: usize = seen.iter().map(Vec::len).sum();
    let all = || {
        seen.iter()
            .enumerate()
            .flat_map(|(tag, rows)| rows.iter().map(move |&(d, r)| (d, tag as u8, r)))
    };
    let Some((lo, hi)) = all().fold(None, |span: Option<(i32, i32)>, (d, ..)| {
        Some(span.map_or((d, d), |(lo, hi)| (lo.min(d), hi.max(d))))
    }) else {
        return Vec::new();
    };
    let span = (i64::from(hi) - i64::from(lo)) as usize + 1;
    if span > 4 * total + 1024 {
        let mut rows: Vec<(i32, u8, u32)> = all().collect();
        rows.sort_unstable();
        return rows;
    }
    // next[d]: where the next row of day `lo + d` goes.
    let mut next = vec![0usize; span + 1];
    for (d, _, _) in all() {
        next[(d - lo) as usize + 1] += 1;
    }
    for d in 1..=span {
        next[d] += next[d - 1];
    }
    let mut rows = vec![(0, 0, 0); total];
    for row in all() {
        let slot = &mut next[(row.0 - lo) as usize];
        rows[*slot] = row;
        *slot += 1;
    }
    rows
}

/// A table's rows written out in file order as they are hashed: the table's tag, then each
/// cell (see [`Col::feed`]).
struct Written {
    bytes: Vec<u8>,
    /// Where each row starts in `bytes`, and the end.
    starts: Vec<usize>,
}

impl Written {
    fn row(&self, row: usize) -> &[u8] {
        &self.bytes[self.starts[row]..self.starts[row + 1]]
    }
}

fn written(tag: u8, df: &DataFrame) -> PolarsResult<Written> {
    if df.height() == 0 {
        return Ok(Written {
            bytes: Vec::new(),
            starts: vec![0],
        });
    }
    let (cols, size) = columns(df)?;
    let mut bytes = Vec::with_capacity(size);
    let mut starts = Vec::with_capacity(df.height() + 1);
    for row in 0..df.height() {
        starts.push(bytes.len());
        bytes.push(tag);
        for col in &cols {
            col.feed(row, &mut bytes);
        }
    }
    starts.push(bytes.len());
    Ok(Written { bytes, starts })
}

/// A date column as days since 1970-01-01.
fn days(df: &DataFrame, name: &str) -> PolarsResult<Vec<Option<i32>>> {
    Ok(df.column(name)?.date()?.physical().iter().collect())
}

/// The hash of a dataset being built on its own thread (see [`ContentHash::start`]); a copy
/// shares it.
#[derive(Clone)]
pub struct Building(Arc<Inner>);

struct Inner {
    thread: Mutex<Option<JoinHandle<PolarsResult<ContentHash>>>>,
    built: OnceLock<Result<ContentHash, String>>,
}

impl Building {
    /// The stamp of what can be seen at `as_of`, read when first needed.
    pub fn at(&self, as_of: NaiveDate) -> HashAt {
        HashAt(Stamp::Building(self.clone(), as_of))
    }

    /// The hash, waiting for its thread if it is still at work (a panic there is resumed
    /// here).
    fn get(&self) -> Result<&ContentHash, String> {
        self.0
            .built
            .get_or_init(|| {
                let handle = self
                    .0
                    .thread
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .take();
                match handle.map(JoinHandle::join) {
                    Some(Ok(built)) => built.map_err(|e| e.to_string()),
                    Some(Err(panic)) => std::panic::resume_unwind(panic),
                    None => Err("the content hash's thread was lost".to_string()),
                }
            })
            .as_ref()
            .map_err(Clone::clone)
    }
}

/// The content hash of a dataset at an as-of date, as every result is stamped with it: known,
/// or still being built (then [`HashAt::get`] waits for it).
#[derive(Clone, Default)]
pub struct HashAt(Stamp);

#[derive(Clone)]
enum Stamp {
    Known(String),
    Building(Building, NaiveDate),
}

impl Default for Stamp {
    fn default() -> Self {
        Stamp::Known(String::new())
    }
}

impl HashAt {
    /// sha256 (hex).
    pub fn get(&self) -> anyhow::Result<String> {
        match &self.0 {
            Stamp::Known(hash) => Ok(hash.clone()),
            Stamp::Building(building, as_of) => building
                .get()
                .map(|h| h.at(*as_of))
                .map_err(|e| anyhow::anyhow!("cannot hash the dataset's content: {e}")),
        }
    }
}

impl From<String> for HashAt {
    fn from(hash: String) -> Self {
        HashAt(Stamp::Known(hash))
    }
}

impl PartialEq for HashAt {
    fn eq(&self, other: &Self) -> bool {
        self.get().ok() == other.get().ok()
    }
}

impl std::fmt::Debug for HashAt {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.get() {
            Ok(hash) => write!(f, "{hash:?}"),
            Err(e) => write!(f, "({e})"),
        }
    }
}

impl serde::Serialize for HashAt {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let hash = self.get().map_err(serde::ser::Error::custom)?;
        s.serialize_str(&hash)
    }
}

/// The text columns of `names` that `df` (of one chunk) has.
fn present<'a>(df: &'a DataFrame, names: &[&str]) -> PolarsResult<Vec<&'a Arr<StringType>>> {
    names
        .iter()
        .filter(|n| df.get_column_names().iter().any(|c| c.as_str() == **n))
        .filter(|_| df.height() > 0)
        .map(|n| Ok(df.column(n)?.str()?.downcast_as_array()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Rows of seven tables in file order, with days drawn from `days`.
    fn tables(days: impl Fn(u32) -> i32) -> [Vec<(i32, u32)>; 7] {
        std::array::from_fn(|tag| {
            (0..50u32)
                .map(|row| (days(row * 7 + tag as u32), row))
                .collect()
        })
    }

    fn sorted(seen: &[Vec<(i32, u32)>; 7]) -> Vec<(i32, u8, u32)> {
        let mut rows: Vec<(i32, u8, u32)> = seen
            .iter()
            .enumerate()
            .flat_map(|(tag, rows)| rows.iter().map(move |&(d, r)| (d, tag as u8, r)))
            .collect();
        rows.sort_unstable();
        rows
    }

    #[test]
    fn counted_date_order_is_the_sorted_order() {
        // Days close together (counted) and centuries apart (sorted): the same order.
        let close = tables(|k| 19_000 + (k * 37 % 23) as i32);
        let far = tables(|k| {
            if k % 5 == 0 {
                -700_000
            } else {
                (k * 91 % 1000) as i32 * 300
            }
        });
        for seen in [close, far] {
            assert_eq!(in_date_order(&seen), sorted(&seen));
        }
        assert!(in_date_order(&Default::default()).is_empty());
    }

    #[test]
    fn a_hash_built_on_its_thread_is_the_one_built_here() {
        let ds = super::super::load(
            &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("datasets/l2"),
        )
        .unwrap();
        let here = ContentHash::build(&ds).unwrap();
        let building = ContentHash::start(&ds);
        for day in ["2019-01-01", "2023-06-30", "2024-12-15", "2030-01-01"] {
            let d: NaiveDate = day.parse().unwrap();
            assert_eq!(building.at(d).get().unwrap(), here.at(d));
        }
        // Dates before any row see the manifest only; later dates see more.
        let early = here.at("1990-01-01".parse().unwrap());
        assert_ne!(early, here.at("2024-12-15".parse().unwrap()));
    }
}
