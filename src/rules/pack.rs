//! A loaded rule pack: the screen settings, every rule compiled once with its header and
//! parameters, the sandboxed engine they run on, and the pack's hash. Rhai types stay inside
//! (`pub(crate)`); the rest of the program sees `RuleInfo` and plain accessors.

use super::api::params::ParamTable;
use super::front_matter::RuleScope;
use super::limits::Limits;
use crate::diagnostics::Diagnostic;
use crate::features::FeatureOptions;
use serde::Serialize;
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::fmt;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

/// What a screen says about one rule. Part of the JSON output (`rules` in a screen result).
#[derive(Clone, Debug, PartialEq, Serialize, serde::Deserialize)]
pub struct RuleInfo {
    /// Stable id from the header (`//! id:`), the key in screen.toml.
    pub id: String,
    pub title: String,
    pub category: String,
    /// Why the rule matters, as memos quote it.
    pub why: String,
    /// Weight in the chain's score (> 0).
    pub weight: f64,
    /// A gate must PASS for the chain (or sector) to PASS overall.
    pub gate: bool,
    /// `"chain"` or `"sector"`.
    pub scope: RuleScope,
    /// The rule file, relative to the rules directory (e.g. `token_existence.rhai`), so that
    /// results do not depend on where the pack lives or where moat runs.
    pub file: String,
    /// The rule's parameters from screen.toml.
    pub params: BTreeMap<String, serde_json::Value>,
}

/// One compiled rule.
pub(crate) struct CompiledRule {
    pub info: RuleInfo,
    pub ast: rhai::AST,
    /// The AST's source name as rhai keeps it in an evaluation, made once rather than in every
    /// evaluation.
    pub ast_source: Option<rhai::ImmutableString>,
    /// Whether an evaluation of the rule can share a variable (it has a closure that captures
    /// one): the sandbox's variable resolver has nothing to do for a rule that cannot.
    pub shares_variables: bool,
    pub params: Arc<ParamTable>,
    pub source: Arc<str>,
    /// Where the entry function is defined (1-based line, column): the location of an error
    /// whose line cannot be found any other way.
    pub entry_at: (usize, usize),
    /// Why the rule's code could not be compiled (a parse error, `eval`, `import`): such a
    /// rule stays in the pack and every verdict it gives is ERROR at this place.
    pub broken: Option<Diagnostic>,
}

/// A rule pack ready to evaluate: compile once, evaluate for every chain.
pub struct RulePack {
    /// The rules directory as the user named it (`rules`), for messages on the terminal.
    pub(crate) dir: String,
    pub(crate) name: String,
    pub(crate) pass_mark: f64,
    pub(crate) window_weeks: i64,
    pub(crate) rules: Vec<CompiledRule>,
    pub(crate) hash: String,
    pub(crate) engine: rhai::Engine,
    /// The same engine reporting every step: re-runs an evaluation that failed without saying
    /// where, to find the line (see `evaluate::run`). Built when first needed: most screens
    /// never need it.
    pub(crate) locator: std::sync::OnceLock<rhai::Engine>,
    pub(crate) limits: Limits,
    /// Time one rule's evaluations may take in one screen, together (screen.toml; `None`:
    /// the default for the screen's size).
    pub(crate) rule_time_budget: Option<Duration>,
    /// Time all the evaluations of one screen may take (screen.toml; `None`: the default).
    pub(crate) screen_time_budget: Option<Duration>,
    /// screen.toml and the rule files the pack was compiled from, for [`RulePack::copy`].
    pub(crate) sources: Arc<(SourceFile, Vec<SourceFile>)>,
}

impl RulePack {
    /// The pack compiled again from its sources: the same rules with an engine, syntax trees
    /// and parameter tables of their own. Rhai's values count their references, and every
    /// function call, string literal and parameter read of an evaluation raises and lowers
    /// counts held in the engine and the trees; threads evaluating one pack change the same
    /// counts and take turns with their cache lines, so a large screen gives each thread its
    /// own copy (see `evaluate::OWN_PACK_FROM_CHAINS`). `None` when the copy would differ from the pack (its
    /// parameters were changed after it was loaded, as `rules test` does for a case).
    pub(crate) fn copy(&self) -> Option<RulePack> {
        let (screen, files) = &*self.sources;
        let copy =
            super::loader::load_partial(screen.clone(), files.clone(), self.limits.clone()).pack?;
        let same = copy.hash == self.hash
            && copy.rules.len() == self.rules.len()
            && copy.rules.iter().zip(&self.rules).all(|(c, r)| {
                c.info == r.info
                    && c.broken.is_some() == r.broken.is_some()
                    && c.params.to_json() == r.params.to_json()
            });
        same.then_some(copy)
    }

    /// The locator engine, built on first use.
    pub(crate) fn locator(&self) -> &rhai::Engine {
        // Built by whichever evaluation needs it first: not that one's memory.
        self.locator
            .get_or_init(|| super::memory::exempt(|| super::engine::build_locator(&self.limits)))
    }

    /// A file of the pack (as `RuleInfo::file` or a verdict's location names it) as the user
    /// reaches it: `token_existence.rhai:7:3` → `rules/token_existence.rhai:7:3`.
    pub fn shown(&self, file: &str) -> String {
        if self.dir.is_empty() {
            file.to_string()
        } else {
            format!("{}/{file}", self.dir.trim_end_matches('/'))
        }
    }

    /// The screen's name (`name` in screen.toml).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The score a chain needs, 0..1 (`pass_mark` in screen.toml).
    pub fn pass_mark(&self) -> f64 {
        self.pass_mark
    }

    /// sha256 (hex) over screen.toml and every rule file, by file name: two results with the
    /// same hash were produced by the same rules and settings.
    pub fn hash(&self) -> &str {
        &self.hash
    }

    /// The rules, ordered by file name.
    pub fn rules(&self) -> impl Iterator<Item = &RuleInfo> {
        self.rules.iter().map(|r| &r.info)
    }

    pub fn rule(&self, id: &str) -> Option<&RuleInfo> {
        self.rules().find(|r| r.id == id)
    }

    /// The source text of a rule (for `moat explain` and error snippets).
    pub fn source(&self, id: &str) -> Option<&str> {
        self.rules
            .iter()
            .find(|r| r.info.id == id)
            .map(|r| &*r.source)
    }

    /// Length of the TVL-leadership window the rules judge, in weeks (`window_weeks` in
    /// screen.toml, default 52).
    pub fn window_weeks(&self) -> i64 {
        self.window_weeks
    }

    /// The feature options this pack's rules are judged with (its leadership window): every
    /// command that computes a universe for these rules uses them, so `data show`, `explain`
    /// and `screen` see the same fields.
    pub fn feature_options(&self) -> FeatureOptions {
        FeatureOptions {
            window_weeks: self.window_weeks,
        }
    }

    /// Rules whose code does not compile (they give ERROR verdicts); `rules check` reports
    /// them as problems.
    pub fn problems(&self) -> impl Iterator<Item = &Diagnostic> {
        self.rules.iter().filter_map(|r| r.broken.as_ref())
    }

    pub fn limits(&self) -> &Limits {
        &self.limits
    }

    /// The time budgets of a screen judging `chains` chains: one rule's evaluations
    /// together, and all of them (screen.toml's, else the defaults for that many chains).
    pub fn time_budgets(&self, chains: usize) -> (Duration, Duration) {
        let (rule, screen) = crate::rules::limits::default_budgets(chains);
        (
            self.rule_time_budget.unwrap_or(rule),
            self.screen_time_budget.unwrap_or(screen),
        )
    }

    pub(crate) fn compiled(&self, id: &str) -> Option<&CompiledRule> {
        self.rules.iter().find(|r| r.info.id == id)
    }
}

impl fmt::Debug for RulePack {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RulePack")
            .field("name", &self.name)
            .field("pass_mark", &self.pass_mark)
            .field(
                "rules",
                &self.rules().map(|r| r.id.as_str()).collect::<Vec<_>>(),
            )
            .field("hash", &self.hash)
            .finish()
    }
}

/// A file of the pack: its path as shown in messages, and its text.
#[derive(Clone, Debug)]
pub struct SourceFile {
    pub path: String,
    pub text: String,
}

impl SourceFile {
    pub fn new(path: impl Into<String>, text: impl Into<String>) -> SourceFile {
        SourceFile {
            path: path.into(),
            text: text.into(),
        }
    }

    pub fn file_name(&self) -> &str {
        Path::new(&self.path)
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or(&self.path)
    }
}

/// sha256 over screen.toml, then each rule file sorted by file name; each file contributes its
/// file name and its bytes (length-prefixed), so the hash does not depend on where the pack lives.
pub fn pack_hash(screen: &SourceFile, rules: &[SourceFile]) -> String {
    let mut sorted: Vec<&SourceFile> = rules.iter().collect();
    sorted.sort_by(|a, b| a.file_name().cmp(b.file_name()));
    let mut h = Sha256::new();
    for f in std::iter::once(screen).chain(sorted) {
        h.update(f.file_name().as_bytes());
        h.update([0u8]);
        h.update((f.text.len() as u64).to_le_bytes());
        h.update(f.text.as_bytes());
    }
    h.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hash_is_stable_and_ignores_directory_and_order() {
        let screen = SourceFile::new("rules/screen.toml", "name = \"x\"\n");
        let a = SourceFile::new("rules/a.rhai", "A");
        let b = SourceFile::new("rules/b.rhai", "B");
        let h1 = pack_hash(&screen, &[a.clone(), b.clone()]);
        let h2 = pack_hash(
            &SourceFile::new("/elsewhere/screen.toml", "name = \"x\"\n"),
            &[b, a],
        );
        assert_eq!(h1, h2);
        assert_eq!(h1.len(), 64);
        let h3 = pack_hash(&screen, &[SourceFile::new("rules/a.rhai", "A!")]);
        assert_ne!(h1, h3);
    }
}
