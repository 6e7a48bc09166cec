//! What a memo's chart shows, as plain values: a title, what the y axis measures, and dated
//! lines. `report::chart` draws them; the memo only decides which lines a chart holds.

use chrono::NaiveDate;
use serde::Serialize;

/// What the y axis measures, which says how its ticks read.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Measure {
    /// US dollars (`$1.2B`).
    Usd,
    /// A rank, 1 at the top.
    Rank,
    /// A fraction shown as a percent.
    Share,
    /// An index with no unit (HHI points).
    Index,
}

/// One dated line.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Line {
    /// The legend's text.
    pub label: String,
    /// The memo's own chain: drawn heavier than its peers.
    pub emphasis: bool,
    /// Oldest first.
    #[serde(skip)]
    pub points: Vec<(NaiveDate, f64)>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Chart {
    /// A short name, unique within the memo: the chart file is `<memo>-<id>.svg`.
    pub id: String,
    pub title: String,
    /// The y axis' label (the x axis is always the week).
    pub y_label: String,
    pub measure: Measure,
    pub lines: Vec<Line>,
}
