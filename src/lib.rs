//! moat: an investment-screening rules engine for Ethereum Layer-2 networks.
//!
//! The pipeline, one module per stage: `dataset` (load + validate) → `features` (as-of cut,
//! derived metrics) → `rules` (the rule language: compile sandboxed Rhai) → `evaluate`
//! (verdicts, scores, stamps) → `report` (every output). The rule author's tools (`authoring`:
//! check, test, new, doc, explain) sit above `evaluate`; `diagnostics` and `error` say what went
//! wrong, the same way for every stage; `cli` only declares arguments and calls the functions
//! below, one per job. `pull` brings fresh data into a dataset, validated as `moat data check`
//! validates before it replaces anything.

pub mod authoring;
pub mod cli;
pub mod dataset;
pub mod diagnostics;
pub mod error;
pub mod evaluate;
pub mod features;
pub mod locate;
pub mod pull;
pub mod report;
pub mod rules;

pub use error::{Error, Result};

use anyhow::Context as _;
use authoring::explain::Explanation;
use chrono::NaiveDate;
use dataset::{Dataset, NotScreened, Summary};
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
    if let Some(chains) = &options.chains {
        for slug in chains {
            if universe.chain(slug).is_none() {
                return Err(anyhow::anyhow!("{}", ds.why_not_screened(slug, as_of)?).into());
            }
        }
    }
    Ok(evaluate::screen(pack, &universe, options)?)
}

/// Why `chain` got its verdicts at `as_of` (every chain rule, or only `rule`).
pub fn explain(
    ds: &Dataset,
    pack: &RulePack,
    chain: &str,
    as_of: NaiveDate,
    rule: Option<&str>,
) -> Result<Explanation> {
    let universe = universe(ds, pack, as_of)?;
    if universe.chain(chain).is_none() {
        return Err(anyhow::anyhow!("{}", ds.why_not_screened(chain, as_of)?).into());
    }
    authoring::explain::explain(pack, &universe, chain, rule)
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
    for (slug, layer) in slugs.iter().zip(&layers) {
        let Some(slug) = slug else { continue };
        if layer.as_deref() != Some("L1") && universe.chain(slug).is_none() {
            summary.not_screened.push(NotScreened {
                chain: slug.clone(),
                reason: ds.why_not_screened(slug, vintage)?,
            });
        }
    }
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
