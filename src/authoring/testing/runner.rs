//! Running the cases: read every case file, compute the universe once per as-of date, check
//! every chain a case names against the universe of its date, and only when every case is
//! sound evaluate each one on an engine that records the lines it executes. A synthetic chain
//! is inserted into a copy of the real universe of its date, so the rule sees the real chains
//! as its peers; their derived fields (ranks, shares, percentiles) are not recomputed.

use super::case::{self, Case, PackView, Parsed, Subject};
use super::coverage;
use super::report::{CaseResult, Outcome, Report, RuleCoverage, Totals};
use super::values::ParamsOf;
use crate::dataset::Dataset;
use crate::diagnostics::Diagnostic;
use crate::error::Error;
use crate::evaluate::{Budget, evaluate_rule_within, on_evaluation_stack};
use crate::features::{self, ChainFeatures, Series, Universe, Value, catalog};
use crate::rules::RulePack;
use crate::rules::api::params::ParamTable;
use crate::rules::files;
use crate::rules::pack::SourceFile;
use crate::rules::screen_file::{self, SCREEN_FILE};
use anyhow::Context as _;
use chrono::NaiveDate;
use std::collections::btree_map::Entry;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::sync::Arc;

/// Where the cases of a rule pack live, relative to the pack.
pub const TESTS_DIR: &str = "tests";

/// Run every case of `<dir>/tests/*.toml` against `pack` (loaded from `dir`) and `ds`.
/// `Err` with every problem when some case file has one (no case is run then); a case that
/// gets another verdict than it expects is a failure inside the report.
pub fn run(pack: RulePack, dir: &Path, ds: &Dataset) -> crate::Result<Report> {
    Ok(run_cases(pack, dir, ds)?)
}

fn run_cases(mut pack: RulePack, dir: &Path, ds: &Dataset) -> anyhow::Result<Report> {
    let params = screen_params(dir)?;
    let (files, mut parsed) = read_cases(dir, &pack, &params)?;
    let vintage = ds.manifest.vintage_date();
    for c in &mut parsed.cases {
        c.as_of.get_or_insert(vintage);
    }
    for r in &mut parsed.unchecked {
        r.as_of.get_or_insert(vintage);
    }
    let dates = parsed.cases.iter().map(|c| c.as_of);
    let dates = dates.chain(parsed.unchecked.iter().map(|r| r.as_of));
    let options = pack.feature_options();
    let mut universes: BTreeMap<NaiveDate, Universe> = BTreeMap::new();
    for date in dates.flatten() {
        if let Entry::Vacant(slot) = universes.entry(date) {
            let u = features::compute(ds, date, &options)
                .with_context(|| format!("cannot compute the universe as of {date}"))?;
            slot.insert(u);
        }
    }
    let universe_of = |as_of: Option<NaiveDate>| &universes[&as_of.unwrap_or(vintage)];

    let slugs = dataset_slugs(ds)?;
    let mut problems = parsed.problems;
    // As `moat screen` refuses such a date unless told to allow it.
    let future = |as_of: Option<NaiveDate>| {
        as_of.filter(|d| *d > vintage).map(|d| {
            format!(
                "`as_of` {d} is after the dataset's vintage {vintage}, when its data was retrieved: a case judges a date the data can speak for"
            )
        })
    };
    // A date after the vintage is pointed at where `as_of` is written.
    let place =
        |future: &Option<String>, as_of_at: Option<(usize, usize)>, at| match (future, as_of_at) {
            (Some(_), Some(as_of_at)) => as_of_at,
            _ => at,
        };
    let named = parsed.cases.iter().map(|c| {
        let future = future(c.as_of);
        let mut at = place(&future, c.as_of_at, c.subject_at);
        let problem = future.or_else(|| {
            let (message, series) = subject_problem(c, universe_of(c.as_of), &slugs)?;
            // A point of a series is placed at the series.
            if let Some(series_at) = series.and_then(|name| c.series_at.get(&name)) {
                at = *series_at;
            }
            Some(message)
        });
        (&c.file, at, problem)
    });
    let unchecked = parsed.unchecked.iter().map(|r| {
        let future = future(r.as_of);
        let at = place(&future, r.as_of_at, r.at);
        let problem = future.or_else(|| {
            let slug = r.slug.as_ref()?;
            chain_problem(slug, universe_of(r.as_of), &slugs)
        });
        (&r.file, at, problem)
    });
    for (file, (line, column), problem) in named.chain(unchecked) {
        if let Some(message) = problem {
            let text = files
                .iter()
                .find(|f| &f.path == file)
                .map_or("", |f| &f.text);
            problems.push(Diagnostic::at(file, text, line, column, message));
        }
    }
    if !problems.is_empty() {
        problems.sort_by(|a, b| (&a.file, a.line, a.column).cmp(&(&b.file, b.line, b.column)));
        let summary = format!(
            "{} in the test cases; no case was run",
            crate::diagnostics::plural(problems.len(), "problem")
        );
        return Err(Error::problems(problems, summary).into());
    }

    let mut engine = crate::rules::engine::build(&pack.limits);
    coverage::instrument(&mut engine);
    pack.engine = engine;
    // One time budget for the whole run, as for a screen: a runaway rule's later cases are
    // ERROR without running. The cases run on a thread with the evaluation stack (coverage
    // is recorded on the thread that evaluates).
    let budget = Budget::new(&pack, parsed.cases.len());
    let mut results = Vec::new();
    let mut executed: BTreeMap<String, BTreeSet<usize>> = BTreeMap::new();
    on_evaluation_stack(|| -> anyhow::Result<()> {
        for c in &parsed.cases {
            let (result, lines) = run_case(&mut pack, &params, universe_of(c.as_of), c, &budget)?;
            executed.entry(c.rule.clone()).or_default().extend(lines);
            results.push(result);
        }
        Ok(())
    })??;
    Ok(report(&pack, results, &executed))
}

/// Every rule's params, from screen.toml as the pack was loaded from it.
fn screen_params(dir: &Path) -> anyhow::Result<ParamsOf> {
    let path = dir.join(SCREEN_FILE);
    let shown = path.display().to_string();
    let text = files::read_text(&path, &shown, files::SCREEN_SETTINGS)
        .map_err(|d| Error::problems(vec![d], "screen.toml does not load"))?;
    let settings = screen_file::parse(&shown, &text)
        .map_err(|d| Error::problems(d, "screen.toml does not load"))?;
    Ok(settings
        .rules
        .into_iter()
        .map(|(id, s)| (id, s.params))
        .collect())
}

type Read = (Vec<SourceFile>, Parsed);

/// Every `*.toml` of `<dir>/tests`, by file name, with its checked cases and its problems.
fn read_cases(dir: &Path, pack: &RulePack, params: &ParamsOf) -> anyhow::Result<Read> {
    let tests = dir.join(TESTS_DIR);
    let mut paths: Vec<_> = match std::fs::read_dir(&tests) {
        Ok(entries) => entries
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|x| x == "toml"))
            .collect(),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Vec::new(),
        Err(e) => {
            return Err(e).with_context(|| format!("cannot read {}", tests.display()));
        }
    };
    paths.sort();
    let view = PackView {
        scopes: pack.rules().map(|r| (r.id.as_str(), r.scope)).collect(),
        params,
        optional: pack
            .rules
            .iter()
            .map(|r| {
                let optional = crate::authoring::check::optional_params(&r.source, r.info.scope);
                (r.info.id.as_str(), optional)
            })
            .collect(),
    };
    let (mut files, mut all) = (Vec::new(), Parsed::default());
    for path in paths {
        let shown = path.display().to_string();
        let text = match files::read_text(&path, &shown, files::CASE_FILE) {
            Ok(text) => text,
            Err(problem) => {
                all.problems.push(problem);
                continue;
            }
        };
        let parsed = case::parse_file(&shown, &text, &view);
        all.cases.extend(parsed.cases);
        all.unchecked.extend(parsed.unchecked);
        all.problems.extend(parsed.problems);
        files.push(SourceFile::new(shown, text));
    }
    Ok((files, all))
}

fn dataset_slugs(ds: &Dataset) -> anyhow::Result<Vec<String>> {
    Ok(crate::dataset::frame::texts(&ds.chains, "slug")
        .context("cannot read the chains' slugs")?
        .into_iter()
        .flatten()
        .collect())
}

/// Why the chain a case names cannot be judged at its date, if it cannot, with the series it
/// is about (if one is).
fn subject_problem(
    c: &Case,
    universe: &Universe,
    slugs: &[String],
) -> Option<(String, Option<String>)> {
    let date = universe.as_of;
    match &c.subject {
        Subject::Sector => None,
        Subject::Chain(slug) => chain_problem(slug, universe, slugs).map(|m| (m, None)),
        Subject::Synthetic { slug, series, .. } => {
            if universe.chain(slug).is_some() {
                return Some((
                    format!(
                        "the synthetic chain's slug `{slug}` is a real chain as of {date}: give it another `slug` under [case.fields]"
                    ),
                    None,
                ));
            }
            // A rule sees nothing dated after its as-of date, a synthetic chain's series
            // included.
            series.iter().find_map(|(name, points)| {
                let (day, _) = points.iter().find(|(day, _)| *day > date)?;
                Some((
                    format!(
                        "series `{name}` has a point dated {day}, after the case's as-of date {date}: a rule sees nothing dated after it; leave the point out or move `as_of`"
                    ),
                    Some(name.clone()),
                ))
            })
        }
    }
}

/// Why a chain of the dataset cannot be judged in `universe`, if it cannot.
fn chain_problem(slug: &str, universe: &Universe, slugs: &[String]) -> Option<String> {
    let date = universe.as_of;
    if universe.chain(slug).is_some() {
        None
    } else if slugs.iter().any(|s| s == slug) {
        Some(format!(
            "chain `{slug}` is not screened as of {date}: it is an L1, or it did not exist yet, or it had shut down (`moat data show {slug} --as-of {date}` shows it)"
        ))
    } else {
        Some(crate::diagnostics::unknown(
            "chain",
            slug,
            &format!("in dataset {}", universe.data.name),
            slugs.iter().map(String::as_str),
        ))
    }
}

/// Evaluate one case; the result and the lines of the rule it executed.
fn run_case(
    pack: &mut RulePack,
    params: &ParamsOf,
    universe: &Universe,
    c: &Case,
    budget: &Budget,
) -> anyhow::Result<(CaseResult, BTreeSet<usize>)> {
    let synthetic;
    let (universe, chain, is_synthetic) = match &c.subject {
        Subject::Chain(slug) => (universe, Some(slug.as_str()), false),
        Subject::Synthetic {
            slug,
            fields,
            series,
        } => {
            synthetic = with_synthetic(universe, slug, fields, series);
            (&synthetic, Some(slug.as_str()), true)
        }
        Subject::Sector => (universe, None, false),
    };
    let index = pack
        .rules
        .iter()
        .position(|r| r.info.id == c.rule)
        .context("the case's rule is in the pack")?;
    let mut merged = params.get(&c.rule).cloned().unwrap_or_default();
    merged.extend(c.params.clone());
    let overridden = Arc::new(ParamTable::from_toml(&c.rule, &merged));
    let saved = std::mem::replace(&mut pack.rules[index].params, overridden);
    let (verdict, lines) =
        coverage::recording(|| evaluate_rule_within(pack, universe, &c.rule, chain, budget));
    pack.rules[index].params = saved;
    let v = verdict.with_context(|| format!("case `{}` of {}", c.name, c.file))?;

    let ok = v.status == c.expect
        && c.reason_contains
            .as_ref()
            .is_none_or(|fragment| v.reason.contains(fragment.as_str()));
    let result = CaseResult {
        name: c.name.clone(),
        rule: c.rule.clone(),
        file: c.file.clone(),
        line: c.line,
        chain: chain.map(str::to_string),
        synthetic: is_synthetic,
        as_of: universe.as_of.format("%Y-%m-%d").to_string(),
        status: if ok { Outcome::Ok } else { Outcome::Failed },
        expected: c.expect,
        reason_contains: c.reason_contains.clone(),
        got: v.status,
        reason: v.reason,
        hint: v.hint,
        location: v.location,
        evidence: v.evidence,
        params: v.params,
        output: v.output,
    };
    Ok((result, lines))
}

/// A copy of `universe` with a chain made of `fields` (every other catalogue field missing)
/// and `series`, in slug order.
fn with_synthetic(
    universe: &Universe,
    slug: &str,
    fields: &BTreeMap<String, Value>,
    series: &BTreeMap<String, Series>,
) -> Universe {
    let mut u = universe.clone();
    let mut row = catalog::empty_row().clone();
    for (name, value) in fields {
        match row.get_mut(name.as_str()) {
            Some(slot) => *slot = value.clone(),
            None => {
                row.insert(name.clone().into(), value.clone());
            }
        }
    }
    let at = u.chains.partition_point(|c| c.slug.as_str() < slug);
    u.chains.insert(
        at,
        ChainFeatures {
            slug: slug.to_string(),
            fields: row,
            series: series.clone(),
            ..Default::default()
        },
    );
    u
}

fn report(
    pack: &RulePack,
    cases: Vec<CaseResult>,
    executed: &BTreeMap<String, BTreeSet<usize>>,
) -> Report {
    let coverage: Vec<RuleCoverage> = pack
        .rules
        .iter()
        .map(|r| {
            let id = &r.info.id;
            let coverable = coverage::coverable(&r.ast);
            let ran = executed.get(id).cloned().unwrap_or_default();
            let not_run: Vec<usize> = coverable.difference(&ran).copied().collect();
            RuleCoverage {
                rule: id.clone(),
                file: r.info.file.clone(),
                cases: cases.iter().filter(|c| &c.rule == id).count(),
                lines: coverable.len(),
                covered: coverable.len() - not_run.len(),
                not_run,
                broken: r.broken.is_some(),
            }
        })
        .collect();
    let failed = cases.iter().filter(|c| c.status == Outcome::Failed).count();
    Report {
        totals: Totals {
            passed: cases.len() - failed,
            failed,
        },
        rules_without_cases: coverage
            .iter()
            .filter(|c| c.cases == 0)
            .map(|c| c.rule.clone())
            .collect(),
        cases,
        coverage,
    }
}
