//! moat: an investment-screening rules engine for Ethereum Layer-2 networks.
//!
//! The pipeline, one module per stage: `dataset` (load + validate) → `features` (as-of cut,
//! derived metrics) → `rules` (the rule language: compile sandboxed Rhai) → `evaluate`
//! (verdicts, scores, stamps) → `report` (every output). The rule author's tools (`authoring`:
//! check, test, new, doc, explain) and the memos (`memo`: typed memo values) sit above
//! `evaluate`; `history` (backtests, diffs) too; `diagnostics` and `error` say what went wrong,
//! the same way for every stage; `cli` only declares arguments and calls the functions below,
//! one per job. `pull` brings fresh data into a dataset, validated as `moat data check`
//! validates before it replaces anything.

pub mod authoring;
pub mod cli;
pub mod contain;
pub mod dataset;
pub mod diagnostics;
pub mod error;
pub mod evaluate;
pub mod features;
pub mod history;
pub mod locate;
pub mod memo;
pub mod pull;
pub mod report;
pub mod rules;
pub mod synth;

pub use error::{Error, Result};

use anyhow::Context as _;
use authoring::explain::Explanation;
use chrono::NaiveDate;
use dataset::{Dataset, Summary};
use diagnostics::plural;
use evaluate::{ScreenOptions, ScreenResult};
use features::Universe;
use rules::RulePack;
use std::path::Path;

/// Load and validate the dataset in `dir` (the directory holding `dataset.toml`); every
/// problem of every file at once when it does not load.
pub fn load_dataset(dir: &Path) -> Result<Dataset> {
    Ok(dataset::load(dir)?)
}

/// Load the rule pack in `dir` (`screen.toml` and `*.rhai`); every problem at once when it
/// does not load. Rules whose code does not compile stay in the pack (their verdicts are
/// ERROR): `RulePack::problems` lists them.
pub fn load_rules(dir: &Path) -> Result<RulePack> {
    rules::load(dir).map_err(|d| {
        let summary = format!(
            "{} in {}; the rule pack was not loaded",
            plural(d.0.len(), "problem"),
            authoring::check::shown_dir(dir)
        );
        Error::problems(d, summary)
    })
}

/// The date to judge at: `given`, else the dataset's vintage. A date after the vintage (when
/// the data was retrieved) is refused unless `allow_future`: nothing after the vintage is
/// known, so such a result would judge stale data as current.
pub fn as_of(ds: &Dataset, given: Option<NaiveDate>, allow_future: bool) -> Result<NaiveDate> {
    date_within(ds, given, allow_future, "the as-of date")
}

/// [`as_of`] for a date named `what` in the message (`--to`, `--from` of a backtest).
pub fn date_within(
    ds: &Dataset,
    given: Option<NaiveDate>,
    allow_future: bool,
    what: &str,
) -> Result<NaiveDate> {
    let vintage = ds.manifest.vintage_date();
    match given {
        None => Ok(vintage),
        Some(d) if d > vintage && !allow_future => Err(anyhow::anyhow!(
            "{what} {d} is after the vintage of dataset {} ({vintage}, when its data was retrieved): nothing after {vintage} is known, so a result at {d} would judge stale data as current; pass --allow-future to run it anyway, or pull fresh data",
            ds.manifest.name
        )
        .into()),
        Some(d) => Ok(d),
    }
}

/// The universe at `as_of`: every chain that exists then, with the fields `pack`'s rules read
/// (its leadership window), from data dated on or before `as_of` only.
pub fn universe(ds: &Dataset, pack: &RulePack, as_of: NaiveDate) -> Result<Universe> {
    Ok(features::compute(ds, as_of, &pack.feature_options())?)
}

/// Screen: every selected rule of `pack` on every selected chain at `as_of`.
pub fn screen(
    ds: &Dataset,
    pack: &RulePack,
    as_of: NaiveDate,
    options: &ScreenOptions,
) -> Result<ScreenResult> {
    let universe = universe(ds, pack, as_of)?;
    screen_universe(ds, pack, universe, options)
}

/// Screen a universe already cut (a backtest cuts one index at many dates). Chains asked for
/// that are not in the universe at that date (not launched yet, shut down) are listed with
/// why in `not_screened`, and the others are screened; every chain named is in
/// `chains_asked`. A slug the dataset does not know, or an L1, is an error.
pub fn screen_universe(
    ds: &Dataset,
    pack: &RulePack,
    universe: Universe,
    options: &ScreenOptions,
) -> Result<ScreenResult> {
    let mut options = options.clone();
    let mut not_screened = Vec::new();
    // Every chain named, those not in the universe at this date too.
    let chains_asked = options.chains.as_deref().map(evaluate::asked);
    if let Some(chains) = &mut options.chains {
        let known = dataset::frame::texts(&ds.chains, "slug").map_err(anyhow::Error::from)?;
        let l1 = dataset::frame::texts(&ds.chains, "layer").map_err(anyhow::Error::from)?;
        let rows: std::collections::HashMap<&str, usize> = known
            .iter()
            .enumerate()
            .filter_map(|(i, s)| Some((s.as_deref()?, i)))
            .collect();
        for slug in chains.iter() {
            let row = rows.get(slug.as_str()).copied();
            let is_l1 = row.is_some_and(|i| l1[i].as_deref() == Some("L1"));
            if row.is_none() || is_l1 {
                return Err(
                    anyhow::anyhow!("{}", ds.why_not_screened(slug, universe.as_of)?).into(),
                );
            }
        }
        // The chains named that are not in the universe at this date: why, in one pass.
        let absent: Vec<&str> = chains
            .iter()
            .map(String::as_str)
            .filter(|slug| universe.chain(slug).is_none())
            .collect();
        not_screened = ds.not_screened(&absent, universe.as_of)?;
        chains.retain(|slug| universe.chain(slug).is_some());
    }
    let mut result = evaluate::screen_owned(pack, universe, &options)?;
    result.not_screened = not_screened;
    result.chains_asked = chains_asked;
    Ok(result)
}

/// Why `chain` got its verdicts at `as_of` (every chain rule, or only `rule`), and with
/// `what_if` what would flip each.
pub fn explain(
    ds: &Dataset,
    pack: &RulePack,
    chain: &str,
    as_of: NaiveDate,
    rule: Option<&str>,
    what_if: bool,
) -> Result<Explanation> {
    let universe = universe(ds, pack, as_of)?;
    if universe.chain(chain).is_none() {
        return Err(anyhow::anyhow!("{}", ds.why_not_screened(chain, as_of)?).into());
    }
    authoring::explain::explain(pack, &universe, chain, rule, what_if)
}

/// Replay the screen at every date of `every` from `from` to `to` (both checked like an as-of
/// date): the data is indexed and the rules compiled once, and each date sees exactly what a
/// screen as of that date sees. `progress` is called after each date with (done, total).
pub fn backtest(
    ds: &Dataset,
    pack: &RulePack,
    (from, to, every): (NaiveDate, NaiveDate, history::Every),
    options: &ScreenOptions,
    progress: &mut dyn FnMut(usize, usize),
) -> Result<history::Backtest> {
    if from > to {
        return Err(anyhow::anyhow!(
            "--from {from} is after --to {to}: expected the first date of the backtest, then its last"
        )
        .into());
    }
    let dates = every.dates(from, to);
    if dates.is_empty() {
        return Err(anyhow::anyhow!(
            "no date to screen: the schedule {every} from {from} to {to} holds none"
        )
        .into());
    }
    if dates.len() > history::MAX_DATES {
        return Err(anyhow::anyhow!(
            "the schedule {every} from {from} to {to} holds {} dates: expected at most {} (a century of weeks); give a later --from, an earlier --to or a longer --every",
            dates.len(),
            history::MAX_DATES
        )
        .into());
    }
    let index = features::Index::new(ds)?;
    let mut recorder = history::Recorder::new(every);
    // A rule out of its time budget at one date is not run again at the later ones.
    let options = &ScreenOptions {
        spent_before: Some(Default::default()),
        ..options.clone()
    };
    for (i, date) in dates.iter().enumerate() {
        let universe = index.universe(*date, &pack.feature_options())?;
        recorder.push(*date, screen_universe(ds, pack, universe, options)?);
        progress(i + 1, dates.len());
    }
    Ok(recorder.finish().expect("at least one date"))
}

/// The memos of `chains` (every screened chain when `None`) at `as_of`: the whole universe is
/// screened (peers' verdicts appear in each memo), and "a year ago" is read from the universe
/// 52 weeks earlier. A chain that is not screened at `as_of` is an error naming why, for
/// every such chain at once.
pub fn memo(
    ds: &Dataset,
    pack: &RulePack,
    as_of: NaiveDate,
    chains: Option<&[String]>,
) -> Result<Vec<memo::ChainMemo>> {
    let index = features::Index::new(ds)?;
    let universe = index.universe(as_of, &pack.feature_options())?;
    let slugs: Vec<String> = match chains {
        Some(chains) => chains.to_vec(),
        None => universe.chains.iter().map(|c| c.slug.clone()).collect(),
    };
    let mut absent = Vec::new();
    for slug in &slugs {
        if universe.chain(slug).is_none() {
            absent.push(ds.why_not_screened(slug, as_of)?);
        }
    }
    if !absent.is_empty() {
        return Err(Error::messages(&absent, "no memo was written"));
    }
    // "A year ago" is 52 weeks before the TVL week the memo reads now (its TVL, rank and
    // share), as the 52-week change and the sector memo count it, not before the as-of date,
    // which may be weeks after the last TVL point.
    let year_ago = index.universe(
        memo::year_before(universe.tvl_week.unwrap_or(as_of)),
        &pack.feature_options(),
    )?;
    let result = evaluate::screen(pack, &universe, &ScreenOptions::default())?;
    let weekly = memo::Weekly::new(&universe);
    let mut run = authoring::whatif::RunBound::new();
    slugs
        .iter()
        .map(|slug| {
            let what_if = holding_back(pack, &universe, &result, slug, &mut run)?;
            Ok(memo::chain_memo(
                &result, &universe, &year_ago, &weekly, slug, &what_if,
            )?)
        })
        .collect()
}

/// The engine's what-if search for each verdict that holds `slug` back in `result`: a FAIL,
/// or a gate SKIP (an ERROR needs the rule fixed, not other facts).
fn holding_back(
    pack: &RulePack,
    universe: &Universe,
    result: &ScreenResult,
    slug: &str,
    run: &mut authoring::whatif::RunBound,
) -> anyhow::Result<Vec<authoring::whatif::WhatIf>> {
    let gate = |rule: &str| result.rules.iter().any(|r| r.id == rule && r.gate);
    result
        .chain(slug)
        .map(|judged| judged.verdicts.as_slice())
        .unwrap_or_default()
        .iter()
        .filter(|v| match v.status {
            evaluate::Status::Fail => true,
            evaluate::Status::Skip => gate(&v.rule),
            evaluate::Status::Pass | evaluate::Status::Error => false,
        })
        .map(|v| authoring::whatif::search_within(pack, universe, slug, v, run))
        .collect()
}

/// The sector memo at `as_of`: the sector's verdicts, the chains' results per rule, and the
/// TVL leadership and concentration over the whole history up to `as_of`.
pub fn sector_memo(ds: &Dataset, pack: &RulePack, as_of: NaiveDate) -> Result<memo::SectorMemo> {
    let universe = universe(ds, pack, as_of)?;
    let result = evaluate::screen(pack, &universe, &ScreenOptions::default())?;
    Ok(memo::sector_memo(
        &result,
        &universe,
        &memo::Weekly::new(&universe),
    ))
}

/// The first and last dates of the dataset's TVL history (a backtest's default span).
pub fn tvl_span(ds: &Dataset) -> Result<(NaiveDate, NaiveDate)> {
    let dates = dataset::frame::dates(&ds.tvl, "date").map_err(anyhow::Error::from)?;
    let mut seen = dates.into_iter().flatten();
    let first = seen.next();
    let (first, last) = seen.fold((first, first), |(lo, hi), d| {
        (lo.min(Some(d)), hi.max(Some(d)))
    });
    match (first, last) {
        (Some(a), Some(b)) => Ok((a, b)),
        _ => Err(anyhow::anyhow!(
            "dataset {} has no TVL point to backtest over",
            ds.manifest.name
        )
        .into()),
    }
}

/// One chain's fields at `as_of`, as `pack`'s rules see them (`moat data show`): the universe
/// and the chain's index in it.
pub fn chain_features(
    ds: &Dataset,
    pack: &RulePack,
    chain: &str,
    as_of: NaiveDate,
) -> Result<(Universe, usize)> {
    let universe = universe(ds, pack, as_of)?;
    match universe.chains.iter().position(|c| c.slug == chain) {
        Some(i) => Ok((universe, i)),
        None => Err(anyhow::anyhow!("{}", ds.why_not_screened(chain, as_of)?).into()),
    }
}

/// What `moat data check` reports about a dataset that loaded: its summary, with the chains
/// a screen at the vintage judges (the same count `moat screen` gives).
pub fn check_dataset(ds: &Dataset) -> Result<Summary> {
    let mut summary = dataset::summarize(ds)?;
    let vintage = ds.manifest.vintage_date();
    let universe = features::compute(ds, vintage, &features::FeatureOptions::default())
        .with_context(|| format!("computing the universe at the vintage {vintage}"))?;
    summary.screened = universe.chains.len();
    let slugs = dataset::frame::texts(&ds.chains, "slug").map_err(anyhow::Error::from)?;
    let layers = dataset::frame::texts(&ds.chains, "layer").map_err(anyhow::Error::from)?;
    let absent: Vec<&str> = slugs
        .iter()
        .zip(&layers)
        .filter_map(|(slug, layer)| {
            let slug = slug.as_deref()?;
            (layer.as_deref() != Some("L1") && universe.chain(slug).is_none()).then_some(slug)
        })
        .collect();
    summary.not_screened = ds.not_screened(&absent, vintage)?;
    summary
        .without_tvl
        .retain(|slug| universe.chain(slug).is_some());
    Ok(summary)
}

/// `moat data pull`: fetch fresh data into the dataset at `dir`, staged beside it and swapped
/// in only once it passes everything `moat data check` checks; on any failure the dataset is
/// left byte for byte as it was.
pub fn pull_dataset(
    dir: &Path,
    options: &pull::PullOptions,
    progress: &dyn pull::Progress,
) -> Result<pull::PullSummary> {
    let validate = |staged: &Path| -> Result<()> {
        let ds = load_dataset(staged)?;
        check_dataset(&ds)?;
        Ok(())
    };
    pull::pull(dir, options, &validate, progress)
}
