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
//! Built once per dataset (the typed columns are read in place, no row is copied), so each
//! as-of date costs one lookup.

use super::Dataset;
use chrono::NaiveDate;
use polars::prelude::{DataFrame, DataType, PolarsResult};
use sha2::{Digest, Sha256};
use std::collections::HashMap;

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

/// One column's values, borrowed from its frame.
enum Col<'a> {
    Days(Vec<Option<i32>>),
    Num(Vec<Option<f64>>),
    Flag(Vec<Option<bool>>),
    Text(Vec<Option<&'a str>>),
}

impl Col<'_> {
    /// Append the value of `row` to `out`: a marker for missing, else its bytes
    /// length-prefixed.
    fn feed(&self, row: usize, out: &mut Vec<u8>) {
        match self {
            Col::Days(v) => fixed(out, v[row].map(i32::to_le_bytes)),
            Col::Num(v) => fixed(out, v[row].map(|x| x.to_bits().to_le_bytes())),
            Col::Flag(v) => fixed(out, v[row].map(|b| [u8::from(b)])),
            Col::Text(v) => match v[row] {
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

/// A fixed-size value as [`Col::feed`] writes any value (marker, length, bytes), with sizes
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

/// Every column of a frame, typed.
fn columns(df: &DataFrame) -> PolarsResult<Vec<Col<'_>>> {
    df.columns()
        .iter()
        .map(|c| {
            Ok(match c.dtype() {
                DataType::Date => Col::Days(c.date()?.physical().iter().collect()),
                DataType::Float64 => Col::Num(c.f64()?.iter().collect()),
                DataType::Boolean => Col::Flag(c.bool()?.iter().collect()),
                _ => Col::Text(c.str()?.iter().collect()),
            })
        })
        .collect()
}

impl ContentHash {
    pub fn build(ds: &Dataset) -> PolarsResult<ContentHash> {
        // (visible from, table, row) for every row seen at some date.
        let mut rows: Vec<(NaiveDate, u8, u32)> = Vec::new();
        let mut first_seen: HashMap<&str, NaiveDate> = HashMap::new();
        let mut cite: HashMap<&str, NaiveDate> = HashMap::new();
        fn note<'a>(map: &mut HashMap<&'a str, NaiveDate>, key: &'a str, date: NaiveDate) {
            map.entry(key)
                .and_modify(|d| *d = (*d).min(date))
                .or_insert(date);
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
            let dates = super::frame::dates(df, date_col)?;
            let chains = present(df, chain_cols)?;
            let sources = present(df, source_cols)?;
            // Tables are sorted by chain (or hold runs of one source): a run of the same key
            // needs its earliest date only.
            let mut last: Vec<Option<(&str, NaiveDate)>> = vec![None; chains.len() + sources.len()];
            for (i, date) in dates.into_iter().enumerate() {
                let Some(date) = date else { continue };
                for (k, c) in chains.iter().enumerate() {
                    if let Some(slug) = c[i] {
                        match &mut last[k] {
                            Some((key, d)) if *key == slug => *d = (*d).min(date),
                            other => {
                                if let Some((key, d)) = other.take() {
                                    note(&mut first_seen, key, d);
                                }
                                *other = Some((slug, date));
                            }
                        }
                    }
                }
                for s in &sources {
                    for key in s[i].into_iter().flat_map(str::split_whitespace) {
                        note(&mut cite, key, date);
                    }
                }
                rows.push((date, tag, i as u32));
            }
            for (key, d) in last.into_iter().flatten() {
                note(&mut first_seen, key, d);
            }
        }

        let slugs: Vec<Option<&str>> = ds.chains.column("slug")?.str()?.iter().collect();
        let hosts: Vec<Option<&str>> = ds.chains.column("host")?.str()?.iter().collect();
        let launch = super::frame::dates(&ds.chains, "launch_date")?;
        let snapshot = super::frame::dates(&ds.chains, "stage_asof")?;
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
        let chain_sources: Vec<Option<&str>> = ds.chains.column("sources")?.str()?.iter().collect();
        for (i, slug) in slugs.iter().enumerate() {
            let Some(date) = slug.and_then(|s| first_seen.get(s)).copied() else {
                continue;
            };
            for key in chain_sources[i].into_iter().flat_map(str::split_whitespace) {
                note(&mut cite, key, date);
            }
            rows.push((date, 0, i as u32));
        }
        let keys: Vec<Option<&str>> = ds.sources.column("key")?.str()?.iter().collect();
        for (i, key) in keys.iter().enumerate() {
            if let Some(&date) = key.and_then(|k| cite.get(k)) {
                rows.push((date, 1, i as u32));
            }
        }
        rows.sort_unstable();

        let tables: [Vec<Col>; 7] = [
            columns(&ds.chains)?,
            columns(&ds.sources)?,
            columns(&ds.tvl)?,
            columns(&ds.events)?,
            columns(&ds.links)?,
            columns(&ds.metrics)?,
            columns(&ds.speed)?,
        ];
        let mut state = Sha256::new();
        for part in [&ds.manifest.name, &ds.manifest.vintage] {
            state.update((part.len() as u64).to_le_bytes());
            state.update(part.as_bytes());
        }
        let empty = state.clone();
        let mut prefixes: Vec<(NaiveDate, Sha256)> = Vec::new();
        let mut buf: Vec<u8> = Vec::with_capacity(256);
        for (k, (date, tag, row)) in rows.iter().enumerate() {
            buf.clear();
            buf.push(*tag);
            for col in &tables[*tag as usize] {
                col.feed(*row as usize, &mut buf);
            }
            state.update(&buf);
            if rows.get(k + 1).is_none_or(|next| next.0 != *date) {
                prefixes.push((*date, state.clone()));
            }
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

/// The text columns of `names` that `df` has, borrowed.
fn present<'a>(df: &'a DataFrame, names: &[&str]) -> PolarsResult<Vec<Vec<Option<&'a str>>>> {
    names
        .iter()
        .filter(|n| df.get_column_names().iter().any(|c| c.as_str() == **n))
        .map(|n| Ok(df.column(n)?.str()?.iter().collect()))
        .collect()
}
