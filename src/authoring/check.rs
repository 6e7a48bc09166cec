//! `moat rules check`: every problem of a rule pack, found without running a screen. Loading
//! finds what the files themselves get wrong (TOML and Rhai syntax, undefined variables, headers,
//! entry functions, duplicate ids, weights, rules missing from screen.toml or the reverse).
//! Names are checked twice: a static scan of each rule's source finds every `chain.<field>`,
//! `params.<name>` and `peers.<property>` in every branch, and evaluating each rule on every
//! chain of a real dataset finds the names a rule builds or passes to helpers
//! (`peers.median("tvl")`). One problem per place, each a diagnostic
//! (`file:line:column: error: …` with the source line and a caret). A parameter set in screen.toml that its rule never reads is a
//! warning: it changes nothing, but it is usually a misspelling.

mod calls;
mod discarded;
mod names;
mod params;
mod scan;

use crate::dataset::Dataset;
use crate::diagnostics::{Diagnostic, Severity, plural};
use crate::features::{self, FeatureOptions};
use crate::rules::Limits;
use crate::rules::api::world::World;
use crate::rules::loader;
use crate::rules::pack::{RulePack, SourceFile};
use names::Names;
use params::ParamSettings;
use std::path::Path;

/// The parameters a rule tests with `params.has("name")` (in any branch): optional ones, which
/// screen.toml may leave undefined and a test case may set.
pub(crate) fn optional_params(
    source: &str,
    scope: crate::rules::RuleScope,
) -> std::collections::BTreeSet<String> {
    scan::scan(source, scope)
        .references
        .into_iter()
        .filter(|r| r.read == scan::Read::ParamTest)
        .map(|r| r.name)
        .collect()
}

/// What `rules check` found in one rule directory.
#[derive(Clone, Debug)]
pub struct Report {
    /// The directory as shown, ending in `/` (e.g. `rules/`).
    pub dir: String,
    /// Number of rule files read.
    pub rules: usize,
    /// In file order (screen.toml, then the rule files by name), then by line and column.
    pub problems: Vec<Diagnostic>,
}

impl Report {
    pub fn errors(&self) -> usize {
        self.count(Severity::Error)
    }

    pub fn warnings(&self) -> usize {
        self.count(Severity::Warning)
    }

    fn count(&self, severity: Severity) -> usize {
        self.problems
            .iter()
            .filter(|p| p.severity == severity)
            .count()
    }

    /// The closing line: `rules/: 7 rules, no problems`, `3 problems in rules/`, …
    pub fn summary(&self) -> String {
        let warnings = match self.warnings() {
            0 => String::new(),
            n => plural(n, "warning"),
        };
        match (self.errors(), warnings.is_empty()) {
            (0, true) => format!("{}: {}, no problems", self.dir, plural(self.rules, "rule")),
            (0, false) => format!(
                "{}: {}, no problems, {warnings}",
                self.dir,
                plural(self.rules, "rule")
            ),
            (n, true) => format!("{} in {}", plural(n, "problem"), self.dir),
            (n, false) => format!("{} and {warnings} in {}", plural(n, "problem"), self.dir),
        }
    }
}

/// Check the rule pack in `dir` against the chains of `ds` at its vintage.
pub fn check_dir(dir: &Path, ds: &Dataset) -> anyhow::Result<Report> {
    let shown = shown_dir(dir);
    match loader::read_dir(dir) {
        Ok((screen, files)) => check_sources(&shown, screen, files, ds),
        Err(errors) => Ok(Report {
            dir: shown,
            rules: 0,
            problems: errors.0,
        }),
    }
}

/// A directory as reports show it: `rules/`.
pub fn shown_dir(dir: &Path) -> String {
    let mut shown = dir.display().to_string();
    if !shown.ends_with('/') {
        shown.push('/');
    }
    shown
}

/// Check a rule pack given as files (`screen` is screen.toml); `dir` is how its directory is
/// shown. `Err` only when the dataset's features cannot be computed or evaluation cannot start.
pub fn check_sources(
    dir: &str,
    screen: SourceFile,
    mut files: Vec<SourceFile>,
    ds: &Dataset,
) -> anyhow::Result<Report> {
    files.sort_by(|a, b| a.file_name().cmp(b.file_name()));
    let loaded = loader::load_partial(screen.clone(), files.clone(), Limits::default());
    let mut problems: Vec<Diagnostic> = (loaded.errors.into_iter()).chain(loaded.broken).collect();

    // The chains the rules are checked on: the dataset at its vintage, with the pack's
    // leadership window (the default one when screen.toml does not load).
    let options = loaded
        .pack
        .as_ref()
        .map_or_else(FeatureOptions::default, RulePack::feature_options);
    let universe = features::compute(ds, ds.manifest.vintage_date(), &options)?;
    let settings = ParamSettings::read(&screen);
    let mut names = Names::default();
    names.scan(&files, settings.as_ref(), &World::new(&universe));
    if let Some(pack) = &loaded.pack {
        names.evaluate(pack, &universe, &files)?;
    }
    if let Some(settings) = &settings {
        problems.extend(settings.unread(&screen, &names));
    }
    // Calls of unknown functions, found in every branch, before the evaluation's errors: an
    // evaluation that failed at the same place says the same thing less well.
    let mut placed = std::collections::BTreeSet::new();
    let asts = calls::parse_all(&files);
    for (file, ast) in files.iter().zip(&asts) {
        let Some(ast) = ast else { continue };
        for p in calls::unknown_calls(file, ast) {
            placed.insert((p.file.clone(), p.line, p.column));
            problems.push(p);
        }
    }
    problems.extend(
        (names.problems.into_iter())
            .filter(|p| !placed.contains(&(p.file.clone(), p.line, p.column))),
    );
    for (file, ast) in files.iter().zip(&asts) {
        let Some(ast) = ast else { continue };
        problems.extend(discarded::discarded_verdicts(file, ast));
        problems.extend(calls::function_warnings(file, ast));
    }

    // screen.toml first, then the rule files by name; whole-file problems before placed ones.
    problems.sort_by_key(|p| {
        let file = &p.file;
        let order = if *file == screen.path {
            0
        } else {
            files
                .iter()
                .position(|f| &f.path == file)
                .map_or(usize::MAX, |i| i + 1)
        };
        (order, p.line, p.column)
    });
    Ok(Report {
        dir: dir.to_string(),
        rules: files.len(),
        problems,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn summaries() {
        let report = |problems: Vec<Diagnostic>| Report {
            dir: "rules/".into(),
            rules: 7,
            problems,
        };
        let error = Diagnostic::file("a", "x");
        let warning = error.clone().warning();
        assert_eq!(report(vec![]).summary(), "rules/: 7 rules, no problems");
        assert_eq!(
            report(vec![warning.clone()]).summary(),
            "rules/: 7 rules, no problems, 1 warning"
        );
        assert_eq!(
            report(vec![error.clone(), error.clone(), warning]).summary(),
            "2 problems and 1 warning in rules/"
        );
        assert_eq!(report(vec![error]).summary(), "1 problem in rules/");
    }
}
