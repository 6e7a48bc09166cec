//! What `moat data check` reports about a valid dataset: chains by layer, each file's rows and
//! date range, chains without a TVL series, series that stop before the others, and how many
//! values are missing per column. Plain values, rendered by the CLI as text or JSON.

use super::Dataset;
use super::cell::day_date;
use super::frame::texts;
use super::problem::{Place, Problem};
use super::schema::{ColType, TABLES, TableKind};
use chrono::NaiveDate;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

#[derive(Debug, Serialize)]
pub struct Summary {
    pub name: String,
    pub vintage: String,
    pub dir: String,
    /// Chains per layer (`L1`, `L2`, `L3`, `unknown`).
    pub chains: BTreeMap<String, usize>,
    pub chains_with_tvl: usize,
    /// Chains screened at the vintage (the universe a screen at the vintage judges); filled
    /// by the pipeline, which knows the universe.
    pub screened: usize,
    /// Chains that are not L1 context chains but are not screened at the vintage (shut down,
    /// or no evidence of a launch), with why.
    pub not_screened: Vec<NotScreened>,
    pub files: Vec<FileSummary>,
    /// Screened chains (not L1) without any TVL point.
    pub without_tvl: Vec<String>,
    /// Chains whose TVL series ends before the dataset's last TVL week.
    pub stopped_early: Vec<StoppedSeries>,
    /// Columns with empty (unknown) values.
    pub missing: Vec<MissingValues>,
    /// What is not an error but may not be what was meant: dates after the vintage.
    pub warnings: Vec<DataWarning>,
}

/// A warning about the data, where it is: `line` and `column` in a CSV file, `row` in a
/// Parquet file.
#[derive(Debug, Serialize)]
pub struct DataWarning {
    pub file: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub column: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub row: Option<usize>,
    pub message: String,
}

impl DataWarning {
    fn of(p: &Problem) -> DataWarning {
        let (line, column, row) = match p.place {
            Place::File => (None, None, None),
            Place::Line { line, column } => (Some(line), Some(column), None),
            Place::Row { row } => (None, None, Some(row)),
        };
        DataWarning {
            file: p.file.clone(),
            line,
            column,
            row,
            message: p.message.clone(),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, serde::Deserialize)]
pub struct NotScreened {
    pub chain: String,
    pub reason: String,
}

#[derive(Debug, Serialize)]
pub struct FileSummary {
    pub table: String,
    pub path: String,
    pub rows: usize,
    pub first_date: Option<NaiveDate>,
    pub last_date: Option<NaiveDate>,
}

#[derive(Debug, Serialize)]
pub struct StoppedSeries {
    pub chain: String,
    pub last_date: NaiveDate,
}

#[derive(Debug, Serialize)]
pub struct MissingValues {
    pub table: String,
    pub column: String,
    pub missing: usize,
    pub rows: usize,
}

pub fn summarize(ds: &Dataset) -> anyhow::Result<Summary> {
    let layers = texts(&ds.chains, "layer")?;
    let slugs = texts(&ds.chains, "slug")?;
    let mut chains = BTreeMap::new();
    for l in &layers {
        *chains
            .entry(l.clone().unwrap_or_else(|| "unknown".into()))
            .or_insert(0) += 1;
    }
    let mut files = Vec::new();
    let mut missing = Vec::new();
    for table in TABLES {
        let df = frame_of(ds, table.kind);
        let date_col = table
            .columns
            .iter()
            .find(|c| c.ty == ColType::Date && c.name != "stage_asof");
        let (first_date, last_date) = match date_col {
            Some(c) => {
                let days = df.column(c.name)?.date()?.physical();
                (
                    days.iter().flatten().min().map(day_date),
                    days.iter().flatten().max().map(day_date),
                )
            }
            None => (None, None),
        };
        files.push(FileSummary {
            table: table.key.to_string(),
            path: ds.manifest.files[table.key].path.get_ref().clone(),
            rows: df.height(),
            first_date,
            last_date,
        });
        for c in df.columns() {
            if c.null_count() > 0 {
                missing.push(MissingValues {
                    table: table.key.to_string(),
                    column: c.name().to_string(),
                    missing: c.null_count(),
                    rows: df.height(),
                });
            }
        }
    }
    // Read in place: a TVL table can have millions of rows, and only a few chains.
    let tvl_chains = ds.tvl.column("chain")?.str()?;
    let tvl_days = ds.tvl.column("date")?.date()?.physical();
    let mut last_day: BTreeMap<&str, i32> = BTreeMap::new();
    // The table is sorted by chain: one map entry per run of a chain's rows.
    let mut run: Option<(&str, i32)> = None;
    for (c, d) in tvl_chains.iter().zip(tvl_days.iter()) {
        let (Some(c), Some(d)) = (c, d) else { continue };
        match &mut run {
            Some((chain, max)) if *chain == c => *max = (*max).max(d),
            _ => {
                if let Some((chain, max)) = run.replace((c, d)) {
                    let e = last_day.entry(chain).or_insert(max);
                    *e = (*e).max(max);
                }
            }
        }
    }
    if let Some((chain, max)) = run {
        let e = last_day.entry(chain).or_insert(max);
        *e = (*e).max(max);
    }
    let last: BTreeMap<String, NaiveDate> = last_day
        .into_iter()
        .map(|(c, d)| (c.to_string(), day_date(d)))
        .collect();
    let latest = last.values().max().copied();
    let with_tvl: BTreeSet<&String> = last.keys().collect();
    let without_tvl = slugs
        .iter()
        .zip(&layers)
        .filter(|(_, l)| l.as_deref() != Some("L1"))
        .filter_map(|(s, _)| s.clone())
        .filter(|s| !with_tvl.contains(s))
        .collect();
    let stopped_early = last
        .iter()
        .filter(|(_, d)| Some(**d) < latest)
        .map(|(c, d)| StoppedSeries {
            chain: c.clone(),
            last_date: *d,
        })
        .collect();
    Ok(Summary {
        name: ds.manifest.name.clone(),
        vintage: ds.manifest.vintage.clone(),
        dir: ds.dir.display().to_string(),
        chains,
        chains_with_tvl: last.len(),
        screened: 0,
        not_screened: Vec::new(),
        files,
        without_tvl,
        stopped_early,
        missing,
        warnings: ds.manifest.warnings.iter().map(DataWarning::of).collect(),
    })
}

pub fn frame_of(ds: &Dataset, kind: TableKind) -> &polars::prelude::DataFrame {
    match kind {
        TableKind::Chains => &ds.chains,
        TableKind::Sources => &ds.sources,
        TableKind::Tvl => &ds.tvl,
        TableKind::Events => &ds.events,
        TableKind::Links => &ds.links,
        TableKind::Metrics => &ds.metrics,
        TableKind::Speed => &ds.speed,
    }
}
