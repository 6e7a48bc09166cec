//! moat: an investment-screening rules engine for Ethereum Layer-2 networks.
//!
//! The pipeline, one module per stage: `dataset` (load + validate) → `features` (as-of cut,
//! derived metrics) → `rules` (compile sandboxed Rhai) → `evaluate` (verdicts, scores) →
//! `report` (table, JSON, CSV, Markdown). `cli` only declares arguments and calls them.

pub mod dataset;
pub mod features;
pub mod cli;
pub mod locate;
