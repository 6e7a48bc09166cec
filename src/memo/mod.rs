//! The memo stage: investment memos as typed values, one stage above `evaluate` (like
//! `authoring`). A chain memo is built from the screen's result, the universe at the as-of
//! date and the universe 52 weeks earlier (for "a year ago"), the chain's series and its link
//! facts; the sector memo from the result and the universe. Nothing here decides what a rule
//! decides or recomputes a verdict or a score: it gathers, orders and words what the screen
//! and the feature stage already hold, and computes only what they do not keep (the weekly
//! ranking over the whole history, for the #1 changes, HHI and the charts). `report::memo`
//! renders the values through templates; `report::chart` draws the charts.

pub mod chain;
pub mod changes;
pub mod chart;
pub mod ecosystem;
pub mod facts;
pub mod position;
pub mod sector;
pub mod verdicts;
pub mod weekly;

pub use chain::{ChainMemo, chain_memo};
pub use chart::{Chart, Line, Measure};
pub use sector::{SectorMemo, sector_memo};
pub use weekly::Weekly;

use chrono::NaiveDate;

/// The date "a year ago" is read at: 52 weeks before `date`, the same weekday, so that weekly
/// points line up (the `tvl_change_52w` horizon).
pub fn year_before(date: NaiveDate) -> NaiveDate {
    date - chrono::Duration::weeks(52)
}
