//! moat: an investment-screening rules engine for Ethereum Layer-2 networks.
//!
//! The pipeline, one module per stage: `dataset` (load + validate) → `features` (as-of cut,
//! derived metrics) → `rules` (compile sandboxed Rhai) → `evaluate` (verdicts, scores) →
//! `report` (table, JSON, CSV, Markdown). `cli` only declares arguments and calls them.

pub mod cli;
pub mod dataset;
pub mod evaluate;
pub mod features;
pub mod locate;
pub mod report;
pub mod rules;

use chrono::NaiveDate;

/// The screen pipeline: cut the dataset at `as_of` into the feature universe, then evaluate
/// every selected rule on every selected chain.
pub fn screen(
    ds: &dataset::Dataset,
    pack: &rules::RulePack,
    as_of: NaiveDate,
    features: &features::FeatureOptions,
    options: &evaluate::ScreenOptions,
) -> anyhow::Result<evaluate::ScreenResult> {
    let universe = features::compute(ds, as_of, features)?;
    evaluate::screen(pack, &universe, options)
}
