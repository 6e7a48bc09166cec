//! What `moat data check` reports about a valid dataset: chains by layer, each file's rows and
//! date range, chains without a TVL series, series that stop before the others, series with
//! weeks missing inside them, and how many values are missing per column. Plain values, rendered by the CLI as text or JSON.

use super::Dataset;
use super::cell::{day_date, days_since_epoch};
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
    /// Chains without any TVL point: every chain that is not L1 here, only the chains screened
    /// at the vintage once the pipeline, which knows the universe, has kept them.
    pub without_tvl: Vec<String>,
    /// Chains whose TVL series ends before the dataset's last TVL week on or before the
    /// vintage (points after the vintage are left out on both sides: no screen at the vintage
    /// sees them).
    pub stopped_early: Vec<StoppedSeries>,
    /// Chains whose TVL series misses weeks between its first and last point (every point,
    /// after the vintage too), with each run of missing weeks.
    pub gaps: Vec<GappedSeries>,
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

/// A chain's TVL series with weeks missing inside it.
#[derive(Debug, Serialize)]
pub struct GappedSeries {
    pub chain: String,
    /// Weeks missing in all its gaps together.
    pub weeks_missing: usize,
    pub gaps: Vec<Gap>,
}

/// A run of weeks missing between two points of a series: the first and the last week missing
/// (a week after the point before it, a week before the point after it).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Gap {
    pub first: NaiveDate,
    pub last: NaiveDate,
    pub weeks: usize,
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
    let tvl = tvl_series(ds)?;
    let with_tvl: BTreeSet<&String> = tvl.keys().collect();
    let without_tvl = slugs
        .iter()
        .zip(&layers)
        .filter(|(_, l)| l.as_deref() != Some("L1"))
        .filter_map(|(s, _)| s.clone())
        .filter(|s| !with_tvl.contains(s))
        .collect();
    // Measured at the vintage: a week after it is one no screen at the vintage sees.
    let latest = tvl.values().filter_map(|t| t.last_at_vintage).max();
    let stopped_early = tvl
        .iter()
        .filter_map(|(c, t)| Some((c, t.last_at_vintage?)))
        .filter(|(_, d)| Some(*d) < latest)
        .map(|(c, d)| StoppedSeries {
            chain: c.clone(),
            last_date: day_date(d),
        })
        .collect();
    let gaps = tvl
        .iter()
        .filter(|(_, t)| !t.gaps.is_empty())
        .map(|(c, t)| GappedSeries {
            chain: c.clone(),
            weeks_missing: t.gaps.iter().map(|g| g.weeks).sum(),
            gaps: t.gaps.clone(),
        })
        .collect();
    Ok(Summary {
        name: ds.manifest.name.clone(),
        vintage: ds.manifest.vintage.clone(),
        dir: ds.dir.display().to_string(),
        chains,
        chains_with_tvl: tvl.len(),
        screened: 0,
        not_screened: Vec::new(),
        files,
        without_tvl,
        stopped_early,
        gaps,
        missing,
        warnings: ds.manifest.warnings.iter().map(DataWarning::of).collect(),
    })
}

/// One chain's TVL series as the summary needs it.
#[derive(Default)]
struct TvlSeries {
    /// Its last point on or before the vintage (days since 1970-01-01).
    last_at_vintage: Option<i32>,
    gaps: Vec<Gap>,
}

/// Each chain's TVL series: its last point at the vintage and its gaps. Read in place: a TVL
/// table can have millions of rows, and only a few chains; the table is sorted by chain, then
/// date, so a chain's points are one run, in order.
fn tvl_series(ds: &Dataset) -> anyhow::Result<BTreeMap<String, TvlSeries>> {
    let vintage = days_since_epoch(ds.manifest.vintage_date());
    let chains = ds.tvl.column("chain")?.str()?;
    let days = ds.tvl.column("date")?.date()?.physical();
    let mut series: BTreeMap<String, TvlSeries> = BTreeMap::new();
    let mut run: Option<(&str, i32)> = None;
    for (c, d) in chains.iter().zip(days.iter()) {
        let (Some(c), Some(d)) = (c, d) else { continue };
        let prev = match run {
            Some((chain, prev)) if chain == c => Some(prev),
            _ => None,
        };
        if prev.is_none() && !series.contains_key(c) {
            series.insert(c.to_string(), TvlSeries::default());
        }
        let s = series.get_mut(c).expect("inserted above");
        if d <= vintage {
            s.last_at_vintage = s.last_at_vintage.max(Some(d));
        }
        if let Some(gap) = prev.and_then(|p| gap_between(p, d)) {
            s.gaps.push(gap);
        }
        run = Some((c, d));
    }
    Ok(series)
}

/// The weeks missing between two consecutive points of a weekly series, `a` before `b`
/// (days since 1970-01-01), if any: the weeks between them rounded to the nearest, so that a
/// point a day off its weekday (which `data check` warns about) is not a gap.
fn gap_between(a: i32, b: i32) -> Option<Gap> {
    let weeks = usize::try_from((b - a + 3) / 7).ok()?.checked_sub(1)?;
    (weeks > 0).then(|| Gap {
        first: day_date(a + 7),
        last: day_date(b - 7),
        weeks,
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
