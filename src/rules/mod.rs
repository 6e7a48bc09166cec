//! The rules stage: a folder of Rhai rule files plus `screen.toml`, loaded into a `RulePack`.
//! Each rule is compiled once on a sandboxed engine (no eval, no import, bounded operations,
//! depth, sizes and time), with its header (`//! id:`, title, category, why, scope) and its
//! settings (weight, gate, params). Loading reports every problem of every file at once as
//! `file:line:column: message`. Rhai never leaves this module and `evaluate`.

pub(crate) mod api;
pub mod check;
pub mod diagnostic;
mod engine;
pub mod front_matter;
pub mod limits;
mod loader;
pub mod pack;
pub mod screen_file;
pub mod testing;

pub use api::format;
pub use api::reference::{Helper, REFERENCE, Section, markdown as reference_markdown};
pub use diagnostic::{RuleError, RuleErrors};
pub use front_matter::RuleScope;
pub use limits::Limits;
pub use pack::{RuleInfo, RulePack, SourceFile};

pub(crate) use engine::guarded;

use std::path::Path;

/// Load the rule pack in `dir` (`screen.toml` and `*.rhai`) with the default limits.
pub fn load(dir: &Path) -> Result<RulePack, RuleErrors> {
    loader::load_dir(dir, Limits::default())
}

/// Load the rule pack in `dir` with explicit sandbox limits.
pub fn load_with(dir: &Path, limits: Limits) -> Result<RulePack, RuleErrors> {
    loader::load_dir(dir, limits)
}

/// Load a pack from files already in memory: `screen` is screen.toml, `rules` the rule files.
pub fn load_sources(
    screen: SourceFile,
    rules: Vec<SourceFile>,
    limits: Limits,
) -> Result<RulePack, RuleErrors> {
    loader::load_sources(screen, rules, limits)
}
