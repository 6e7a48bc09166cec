//! The rules stage: the rule language. A folder of Rhai rule files plus `screen.toml`, loaded
//! into a `RulePack`: each rule compiled once on a sandboxed engine (no eval, no import,
//! bounded operations, depth, sizes and time), with its header (`//! id:`, title, category,
//! why, scope) and its settings (weight, gate, params), and the API rules call (`api`). Loading
//! reports every problem of every file at once as diagnostics. Rhai never leaves this module
//! and `evaluate`; the author's tools that run rules (check, test, doc) live in `authoring`.

pub(crate) mod api;

/// The universe as rules see it, built once per screen (public for the benchmarks).
pub use api::world::World;
pub(crate) mod engine;
pub mod files;
pub mod front_matter;
pub mod limits;
pub(crate) mod loader;
pub mod memory;
pub mod pack;
pub mod screen_file;

pub use api::format;
pub use api::reference::{Helper, REFERENCE, Section};
pub use front_matter::RuleScope;
pub use limits::Limits;
pub use pack::{RuleInfo, RulePack, SourceFile};

pub(crate) use engine::{DeadlineKind, guarded, thread_cpu_time};

use crate::diagnostics::Diagnostics;
use std::path::Path;

/// Load the rule pack in `dir` (`screen.toml` and `*.rhai`) with the default limits.
pub fn load(dir: &Path) -> Result<RulePack, Diagnostics> {
    loader::load_dir(dir, Limits::default())
}

/// Load the rule pack in `dir` with explicit sandbox limits.
pub fn load_with(dir: &Path, limits: Limits) -> Result<RulePack, Diagnostics> {
    loader::load_dir(dir, limits)
}

/// Load a pack from files already in memory: `screen` is screen.toml, `rules` the rule files.
pub fn load_sources(
    screen: SourceFile,
    rules: Vec<SourceFile>,
    limits: Limits,
) -> Result<RulePack, Diagnostics> {
    loader::load_sources(screen, rules, limits)
}
