//! Screens through time, one stage above `evaluate`: a backtest replays the screen at a
//! schedule of dates (`schedule`) and records every flip (`backtest`); a diff says what changed
//! between two screens, as dates or as saved JSON results (`diff`). The thesis is about time —
//! TVL leadership churns, verdicts flip — and these are the tools that show it.

pub mod backtest;
pub mod diff;
pub mod schedule;

pub use backtest::{Backtest, ChainSummary, Flip, Recorder};
pub use diff::{Diff, diff};
pub use schedule::{Every, MAX_DATES};
