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
//! data in CSV or Parquet hashes the same), ordered by (date, table, values): the files' row
//! order does not matter. Built once per dataset, so each as-of date costs one lookup.

use super::Dataset;
use chrono::NaiveDate;
use polars::prelude::{DataFrame, DataType, PolarsResult};
use sha2::{Digest, Sha256};
use std::collections::HashMap;

/// A dated table: its frame, its tag in the hash, its date column, the columns naming chains
/// and the columns citing sources.
type DatedTable<'a> = (&'a DataFrame, u8, &'a str, &'a [&'a str], &'a [&'a str]);

/// Hash states after each date that has rows, for `at`.
#[derive(Clone)]
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

impl ContentHash {
    pub fn build(ds: &Dataset) -> PolarsResult<ContentHash> {
        let mut rows: Vec<(NaiveDate, u8, Vec<u8>)> = Vec::new();
        let mut first_seen: HashMap<String, NaiveDate> = HashMap::new();
        let mut cite: HashMap<String, NaiveDate> = HashMap::new();
        let note = |map: &mut HashMap<String, NaiveDate>, key: &str, date: NaiveDate| {
            map.entry(key.to_string())
                .and_modify(|d| *d = (*d).min(date))
                .or_insert(date);
        };

        let dated: [DatedTable; 5] = [
            (&ds.tvl, 2, "date", &["chain"], &[]),
            (&ds.events, 3, "date", &["chain"], &["source"]),
            (
                &ds.links,
                4,
                "date",
                &["from_chain", "to_chain"],
                &["source", "sources"],
            ),
            (&ds.metrics, 5, "date", &["chain"], &["source"]),
            (&ds.speed, 6, "asof", &["chain"], &["source"]),
        ];
        for (df, tag, date_col, chain_cols, source_cols) in dated {
            let dates = super::frame::dates(df, date_col)?;
            let text = row_texts(df)?;
            let chains = present(df, chain_cols)?;
            let sources = present(df, source_cols)?;
            for (i, date) in dates.into_iter().enumerate() {
                let Some(date) = date else { continue };
                for c in &chains {
                    if let Some(slug) = &c[i] {
                        note(&mut first_seen, slug, date);
                    }
                }
                for s in &sources {
                    for key in s[i].iter().flat_map(|k| k.split_whitespace()) {
                        note(&mut cite, key, date);
                    }
                }
                rows.push((date, tag, text[i].clone()));
            }
        }

        let slugs = super::frame::texts(&ds.chains, "slug")?;
        let hosts = super::frame::texts(&ds.chains, "host")?;
        let launch = super::frame::dates(&ds.chains, "launch_date")?;
        let snapshot = super::frame::dates(&ds.chains, "stage_asof")?;
        for i in 0..slugs.len() {
            if let Some(slug) = &slugs[i] {
                for d in [launch[i], snapshot[i]].into_iter().flatten() {
                    note(&mut first_seen, slug, d);
                }
            }
        }
        // An L3 seen makes its host seen; hosts of hosts too (a short chain of slugs).
        for _ in 0..slugs.len().min(8) {
            let mut changed = false;
            for i in 0..slugs.len() {
                let (Some(slug), Some(host)) = (&slugs[i], &hosts[i]) else {
                    continue;
                };
                if let Some(&d) = first_seen.get(slug)
                    && first_seen.get(host).is_none_or(|&h| d < h)
                {
                    first_seen.insert(host.clone(), d);
                    changed = true;
                }
            }
            if !changed {
                break;
            }
        }
        let chain_text = row_texts(&ds.chains)?;
        let chain_sources = super::frame::texts(&ds.chains, "sources")?;
        for i in 0..slugs.len() {
            let Some(date) = slugs[i].as_ref().and_then(|s| first_seen.get(s)).copied() else {
                continue;
            };
            for key in chain_sources[i].iter().flat_map(|k| k.split_whitespace()) {
                note(&mut cite, key, date);
            }
            rows.push((date, 0, chain_text[i].clone()));
        }
        let keys = super::frame::texts(&ds.sources, "key")?;
        let source_text = row_texts(&ds.sources)?;
        for (i, key) in keys.iter().enumerate() {
            if let Some(&date) = key.as_ref().and_then(|k| cite.get(k)) {
                rows.push((date, 1, source_text[i].clone()));
            }
        }
        rows.sort_unstable();

        let mut state = Sha256::new();
        for part in [&ds.manifest.name, &ds.manifest.vintage] {
            state.update((part.len() as u64).to_le_bytes());
            state.update(part.as_bytes());
        }
        let empty = state.clone();
        let mut prefixes: Vec<(NaiveDate, Sha256)> = Vec::new();
        for (i, (date, tag, text)) in rows.iter().enumerate() {
            state.update([*tag]);
            state.update((text.len() as u64).to_le_bytes());
            state.update(text);
            if rows.get(i + 1).is_none_or(|next| next.0 != *date) {
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

/// Each row of `df` as bytes: its typed values (dates as days, numbers as their bits, text
/// length-prefixed, a marker for missing), so that the same data hashes the same whatever
/// the file format, without formatting a number as text.
fn row_texts(df: &DataFrame) -> PolarsResult<Vec<Vec<u8>>> {
    let mut out = vec![Vec::new(); df.height()];
    for column in df.columns() {
        let mut put = |i: usize, bytes: Option<&[u8]>| match bytes {
            Some(b) => {
                out[i].push(1);
                out[i].extend_from_slice(&(b.len() as u32).to_le_bytes());
                out[i].extend_from_slice(b);
            }
            None => out[i].push(0),
        };
        match column.dtype() {
            DataType::Date => {
                for (i, v) in column.date()?.physical().iter().enumerate() {
                    put(i, v.map(i32::to_le_bytes).as_ref().map(|b| &b[..]));
                }
            }
            DataType::Float64 => {
                for (i, v) in column.f64()?.iter().enumerate() {
                    put(i, v.map(|x| x.to_bits().to_le_bytes()).as_ref().map(|b| &b[..]));
                }
            }
            DataType::Boolean => {
                for (i, v) in column.bool()?.iter().enumerate() {
                    put(i, v.map(|b| [u8::from(b)]).as_ref().map(|b| &b[..]));
                }
            }
            DataType::String => {
                for (i, v) in column.str()?.iter().enumerate() {
                    put(i, v.map(str::as_bytes));
                }
            }
            _ => {
                let text = column.cast(&DataType::String)?;
                for (i, v) in text.str()?.iter().enumerate() {
                    put(i, v.map(str::as_bytes));
                }
            }
        }
    }
    Ok(out)
}

/// The text columns of `names` that `df` has.
fn present(df: &DataFrame, names: &[&str]) -> PolarsResult<Vec<Vec<Option<String>>>> {
    names
        .iter()
        .filter(|n| df.get_column_names().iter().any(|c| c.as_str() == **n))
        .map(|n| super::frame::texts(df, n))
        .collect()
}
