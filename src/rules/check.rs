//! `moat rules check`: every problem of a rule pack, found without running a screen. Loading
//! finds what the files themselves get wrong (TOML and Rhai syntax, undefined variables, headers,
//! entry functions, duplicate ids, weights, rules missing from screen.toml or the reverse).
//! Names are checked twice: a static scan of each rule's source finds every `chain.<field>`,
//! `params.<name>` and `peers.<property>` in every branch, and evaluating each rule on every
//! chain of a real dataset finds the names a rule builds or passes to helpers
//! (`peers.median("tvl")`). One problem per place, each as `file:line:column: message` with the
//! source line and a caret. A parameter set in screen.toml that its rule never reads is a
//! warning: it changes nothing, but it is usually a misspelling.

mod names;
mod params;
mod scan;

use super::diagnostic::{RuleError, snippet};
use super::limits::Limits;
use super::loader;
use super::pack::{RulePack, SourceFile};
use crate::dataset::Dataset;
use crate::features::{self, FeatureOptions, Universe};
use crate::rules::api::world::World;
use anyhow::Context as _;
use names::Names;
use params::ParamSettings;
use std::fmt;
use std::path::Path;

/// How bad a problem is: errors make `rules check` exit 2, warnings do not.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Severity {
    Error,
    Warning,
}

/// One problem at one place.
#[derive(Clone, Debug, PartialEq)]
pub struct Problem {
    pub severity: Severity,
    pub error: RuleError,
}

impl Problem {
    fn error(error: RuleError) -> Problem {
        Problem {
            severity: Severity::Error,
            error,
        }
    }
}

impl fmt::Display for Problem {
    /// An error renders as the loader renders it; a warning says so after its place, the
    /// way compilers do (`rules/screen.toml:12:1: warning: …`).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.severity == Severity::Error {
            return write!(f, "{}", self.error);
        }
        let e = &self.error;
        write!(f, "{}: warning: {}", e.location(), e.message)?;
        if let Some(text) = &e.source_line {
            write!(f, "\n{}", snippet(text, e.line, e.column))?;
        }
        Ok(())
    }
}

/// What `rules check` found in one rule directory.
#[derive(Clone, Debug)]
pub struct Report {
    /// The directory as shown, ending in `/` (e.g. `rules/`).
    pub dir: String,
    /// Number of rule files read.
    pub rules: usize,
    /// In file order (screen.toml, then the rule files by name), then by line and column.
    pub problems: Vec<Problem>,
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

fn plural(n: usize, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
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
            problems: errors.0.into_iter().map(Problem::error).collect(),
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
    let mut problems: Vec<Problem> = (loaded.errors.into_iter())
        .chain(loaded.broken)
        .map(Problem::error)
        .collect();

    let universe = universe(ds, loaded.pack.as_ref())?;
    let settings = ParamSettings::read(&screen);
    let mut names = Names::default();
    names.scan(&files, settings.as_ref(), &World::new(&universe));
    if let Some(pack) = &loaded.pack {
        names.evaluate(pack, &universe, &files)?;
    }
    if let Some(settings) = &settings {
        problems.extend(settings.unread(&screen, &names));
    }
    problems.extend(names.problems);

    // screen.toml first, then the rule files by name; whole-file problems before placed ones.
    problems.sort_by_key(|p| {
        let file = &p.error.file;
        let order = if *file == screen.path {
            0
        } else {
            files
                .iter()
                .position(|f| &f.path == file)
                .map_or(usize::MAX, |i| i + 1)
        };
        (order, p.error.line, p.error.column)
    });
    Ok(Report {
        dir: dir.to_string(),
        rules: files.len(),
        problems,
    })
}

/// The chains the rules are checked on: the dataset at its vintage, with the pack's
/// leadership window (the default one when screen.toml does not load).
fn universe(ds: &Dataset, pack: Option<&RulePack>) -> anyhow::Result<Universe> {
    let window_weeks = pack.map_or(FeatureOptions::default().window_weeks, |p| p.window_weeks());
    let as_of = ds.manifest.vintage_date();
    features::compute(ds, as_of, &FeatureOptions { window_weeks }).with_context(|| {
        format!(
            "computing the features of dataset {} as of {as_of} to check the rules on",
            ds.manifest.name
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn summaries() {
        let report = |problems: Vec<Problem>| Report {
            dir: "rules/".into(),
            rules: 7,
            problems,
        };
        let error = Problem::error(RuleError::file("a", "x"));
        let warning = Problem {
            severity: Severity::Warning,
            ..error.clone()
        };
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
