//! The pull stage: fresh data from DefiLlama (chain TVL histories) and L2BEAT (what its
//! scaling summary says about each project today) written into a dataset, without ever
//! losing the old one. The stage reads the dataset (`known`), fetches (`http`, `defillama`,
//! `l2beat`, each response checked against its documented shape by `json`), decides what to
//! add (`plan`, with `mapping` onto the vocabulary and `weekly` resampling), writes it into a
//! staged copy beside the dataset (`write`), has the copy validated as `moat data check`
//! would, and only then swaps it in (`swap`). Any failure before the swap leaves the dataset
//! byte for byte as it was, and says which request or step failed.

mod defillama;
mod http;
mod json;
mod known;
mod l2beat;
mod mapping;
mod plan;
mod retry;
mod summary;
mod swap;
#[cfg(test)]
mod tests;
mod weekly;
mod write;

pub use http::{HttpOptions, user_agent};
pub use summary::PullSummary;

use crate::dataset::Manifest;
use anyhow::Context as _;
use chrono::NaiveDate;
use known::Known;
use plan::Report;
use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::time::Instant;

pub const DEFILLAMA_BASE: &str = defillama::DEFAULT_BASE;
pub const L2BEAT_BASE: &str = l2beat::DEFAULT_BASE;

/// Which sources a pull asks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Sources {
    DefiLlama,
    L2beat,
    All,
}

impl Sources {
    fn defillama(self) -> bool {
        matches!(self, Sources::DefiLlama | Sources::All)
    }
    fn l2beat(self) -> bool {
        matches!(self, Sources::L2beat | Sources::All)
    }
}

#[derive(Clone, Debug)]
pub struct PullOptions {
    pub sources: Sources,
    /// Merge only weekly points dated on or after this.
    pub since: Option<NaiveDate>,
    /// Add the chains L2BEAT lists that the dataset does not know.
    pub add_new: bool,
    pub defillama_base: String,
    pub l2beat_base: String,
    pub http: HttpOptions,
}

impl Default for PullOptions {
    fn default() -> Self {
        PullOptions {
            sources: Sources::All,
            since: None,
            add_new: false,
            defillama_base: DEFILLAMA_BASE.into(),
            l2beat_base: L2BEAT_BASE.into(),
            http: HttpOptions::default(),
        }
    }
}

/// Where a pull reports how far it is (a progress bar on a terminal, nothing elsewhere).
pub trait Progress {
    /// The number of requests the pull expects to make (it grows once the chain list is in).
    fn set_length(&self, requests: u64);
    /// A request starts.
    fn step(&self, what: &str);
    /// A wait before a retry, and why.
    fn note(&self, what: &str);
}

/// No progress shown.
pub struct Silent;

impl Progress for Silent {
    fn set_length(&self, _: u64) {}
    fn step(&self, _: &str) {}
    fn note(&self, _: &str) {}
}

/// The manifest's file name (the dataset's own constant is private to it).
const MANIFEST: &str = "dataset.toml";

/// The tables a pull writes, which must be CSV files (it appends rows to them).
const WRITTEN: &[&str] = &["chains", "sources", "tvl", "events"];

/// Pull into the dataset at `target`. `validate` must accept the staged dataset (the caller
/// passes what `moat data check` runs) before it replaces the old one.
pub fn pull(
    target: &Path,
    options: &PullOptions,
    validate: &dyn Fn(&Path) -> crate::Result<()>,
    progress: &dyn Progress,
) -> crate::Result<PullSummary> {
    let started = Instant::now();
    let now = chrono::Utc::now();
    let retrieved = now.date_naive();
    let retrieved_at = now.format("%Y-%m-%dT%H:%M:%SZ").to_string();
    if options.add_new && !options.sources.l2beat() {
        return Err(anyhow::anyhow!(
            "--add-new needs L2BEAT (--source l2beat or all): only L2BEAT says which chains are L2s and L3s"
        )
        .into());
    }
    if let Some(since) = options.since
        && since > retrieved
    {
        return Err(anyhow::anyhow!("--since {since} is after today ({retrieved})").into());
    }
    let dir = resolve(target)?;
    let _lock = swap::Lock::acquire(&dir)?;
    let mut notes = swap::recover(&dir)?;
    if !dir.join(MANIFEST).is_file() {
        return Err(anyhow::anyhow!("{}: no dataset here (no {})", dir.display(), MANIFEST).into());
    }
    let ds = crate::dataset::load(&dir)?;
    for key in WRITTEN {
        let path = ds
            .manifest
            .files
            .get(*key)
            .map(|f| f.path.get_ref().as_str());
        if let Some(path) = path
            && !path.ends_with(".csv")
        {
            return Err(anyhow::anyhow!(
                "{}: the {key} table is {path}; `moat data pull` appends to CSV tables only",
                dir.display()
            )
            .into());
        }
    }
    let unchanged = |e: anyhow::Error| -> crate::Error {
        anyhow::anyhow!("{e:#}\nthe dataset in {} was not changed", dir.display()).into()
    };
    let known = Known::read(&ds, retrieved).map_err(unchanged)?;
    let staging = swap::Staging::create(&dir).map_err(unchanged)?;
    let client = http::Client::new(options.http.clone());
    let context = Context {
        options,
        known: &known,
        manifest: &ds.manifest,
        staged: staging.path().to_path_buf(),
        retrieved,
        retrieved_at: &retrieved_at,
        client: &client,
        progress,
    };
    let mut summary = context.run().map_err(unchanged)?;
    validate(staging.path()).map_err(|e| match e {
        crate::Error::Problems {
            diagnostics,
            summary,
        } => crate::Error::Problems {
            diagnostics,
            summary: Some(format!(
                "{}; the pulled data does not make a valid dataset, so the dataset in {} was not changed",
                summary.unwrap_or_else(|| "problems found".into()),
                dir.display()
            )),
        },
        crate::Error::Other(e) => unchanged(e.context("validating the pulled dataset")),
    })?;
    notes.extend(
        staging
            .swap_into(&dir)
            .map_err(|e| crate::Error::from(anyhow::anyhow!("{e:#}")))?,
    );
    summary.dataset = dir.display().to_string();
    summary.notes = notes;
    summary.took = started.elapsed();
    summary.requests = client.requests.get();
    summary.retried = client.retried.get();
    Ok(summary)
}

/// The directory a pull works on: a symlink is followed (the real directory is swapped, not
/// the link); a missing one may be the leftover of a swap cut short, which `recover` repairs.
fn resolve(target: &Path) -> crate::Result<PathBuf> {
    let dir = if target.exists() {
        std::fs::canonicalize(target)
    } else {
        std::path::absolute(target)
    }
    .with_context(|| format!("finding {}", target.display()))?;
    Ok(dir)
}

struct Context<'a> {
    options: &'a PullOptions,
    known: &'a Known,
    manifest: &'a Manifest,
    staged: PathBuf,
    retrieved: NaiveDate,
    retrieved_at: &'a str,
    client: &'a http::Client,
    progress: &'a dyn Progress,
}

impl Context<'_> {
    /// Fetch, plan and write into the staged copy.
    fn run(&self) -> anyhow::Result<PullSummary> {
        let (options, known) = (self.options, self.known);
        let on_wait = |m: &str| self.progress.note(m);
        let sources = options.sources;
        let fixed = u64::from(sources.l2beat()) + u64::from(sources.defillama());
        self.progress.set_length(fixed);
        let projects = if sources.l2beat() {
            self.progress.step("L2BEAT scaling summary");
            Some(l2beat::summary(
                self.client,
                &options.l2beat_base,
                &on_wait,
            )?)
        } else {
            None
        };
        let chains = if sources.defillama() {
            self.progress.step("DefiLlama chain list");
            Some(defillama::chains(
                self.client,
                &options.defillama_base,
                &on_wait,
            )?)
        } else {
            None
        };
        let mut report = Report::default();
        let (added, targets) = plan::chains(
            known,
            projects.as_deref(),
            chains.as_deref(),
            options.add_new,
            &mut report,
        );
        self.progress.set_length(fixed + targets.len() as u64);
        let mut histories = Vec::new();
        for (slug, name) in targets {
            self.progress.step(&format!("DefiLlama TVL of {name}"));
            let history =
                defillama::history(self.client, &options.defillama_base, &name, &on_wait)?;
            histories.push((slug, history));
        }
        let points = plan::points(
            known,
            &histories,
            self.retrieved,
            options.since,
            &mut report,
        );

        let llama_key = sources
            .defillama()
            .then(|| known.fresh_key(&format!("defillama-pull-{}", self.retrieved)));
        let l2beat_key = sources
            .l2beat()
            .then(|| known.fresh_key(&format!("l2beat-pull-{}", self.retrieved)));
        let events = match (&projects, &l2beat_key) {
            (Some(p), Some(key)) => {
                plan::observations(known, p, &added, self.retrieved, key, &mut report)
            }
            _ => Vec::new(),
        };
        report.gone_defillama.sort();
        report.gone_defillama.dedup();
        self.write(
            &points,
            &events,
            &added,
            llama_key.as_deref(),
            l2beat_key.as_deref(),
        )?;

        let mut updated: BTreeSet<String> = points.iter().map(|p| p.1.clone()).collect();
        updated.extend(events.iter().map(|e| e.chain.clone()));
        updated.extend(added.iter().map(|c| c.slug.clone()));
        let old_vintage = self.manifest.vintage.clone();
        Ok(PullSummary {
            retrieved_at: self.retrieved_at.to_string(),
            chains_updated: updated.into_iter().collect(),
            new_points: points.len(),
            points_range: points.first().zip(points.last()).map(|(a, b)| (a.0, b.0)),
            new_observations: events.len(),
            new_chains: added.iter().map(|c| c.slug.clone()).collect(),
            sources_added: llama_key.into_iter().chain(l2beat_key).collect(),
            vintage: (old_vintage.clone(), self.vintage().to_string()),
            report,
            ..PullSummary::default()
        })
    }

    /// The new vintage: the retrieval date, unless the dataset's is already later.
    fn vintage(&self) -> String {
        let old = self.manifest.vintage_date();
        old.max(self.retrieved).format("%Y-%m-%d").to_string()
    }

    fn table(&self, key: &str) -> anyhow::Result<PathBuf> {
        let entry = self
            .manifest
            .files
            .get(key)
            .ok_or_else(|| anyhow::anyhow!("the manifest declares no {key} table"))?;
        Ok(self.staged.join(entry.path.get_ref()))
    }

    fn write(
        &self,
        points: &[(NaiveDate, String, f64)],
        events: &[plan::EventRow],
        added: &[plan::NewChain],
        llama_key: Option<&str>,
        l2beat_key: Option<&str>,
    ) -> anyhow::Result<()> {
        let version = env!("CARGO_PKG_VERSION");
        let at = self.retrieved_at;
        let mut sources = Vec::new();
        if let Some(key) = llama_key {
            let base = self.options.defillama_base.trim_end_matches('/');
            sources.push(row([
                ("key", key.to_string()),
                ("source", format!(
                    "DefiLlama {base}/v2/chains and {base}/v2/historicalChainTvl/{{chain}}, retrieved {at} by moat {version} data pull (weekly points: the last daily value of each week ending Sunday)"
                )),
            ]));
        }
        if let Some(key) = l2beat_key {
            let base = self.options.l2beat_base.trim_end_matches('/');
            sources.push(row([
                ("key", key.to_string()),
                ("source", format!(
                    "L2BEAT {base}/api/scaling/summary, retrieved {at} by moat {version} data pull"
                )),
            ]));
        }
        let chain_sources = |c: &plan::NewChain| {
            l2beat_key
                .into_iter()
                .chain(llama_key.filter(|_| c.defillama_name.is_some()))
                .collect::<Vec<_>>()
                .join(" ")
        };
        let chains: Vec<_> = added
            .iter()
            .map(|c| {
                let opt = |v: &Option<String>| v.clone().unwrap_or_default();
                row([
                    ("slug", c.slug.clone()),
                    ("name", c.name.clone()),
                    ("layer", opt(&c.layer)),
                    ("host", opt(&c.host)),
                    ("category", opt(&c.category)),
                    ("defillama_name", opt(&c.defillama_name)),
                    ("l2beat_id", c.l2beat_id.clone()),
                    ("sources", chain_sources(c)),
                    (
                        "notes",
                        format!(
                            "added by moat data pull on {} from L2BEAT; stage, stack, DA and proof system are in events",
                            self.retrieved
                        ),
                    ),
                ])
            })
            .collect();
        let tvl: Vec<_> = points
            .iter()
            .map(|(date, chain, tvl)| {
                row([
                    ("date", date.to_string()),
                    ("chain", chain.clone()),
                    ("tvl_usd", format!("{tvl:.0}")),
                ])
            })
            .collect();
        let events: Vec<_> = events
            .iter()
            .map(|e| {
                row([
                    ("date", e.date.to_string()),
                    ("chain", e.chain.clone()),
                    ("kind", e.kind.to_string()),
                    ("value", e.value.clone()),
                    ("note", e.note.clone()),
                    ("source", e.source.clone()),
                ])
            })
            .collect();
        write::append_rows(&self.table("sources")?, &sources)?;
        write::append_rows(&self.table("chains")?, &chains)?;
        write::append_rows(&self.table("tvl")?, &tvl)?;
        write::append_rows(&self.table("events")?, &events)?;
        write::set_vintage(&self.staged.join(MANIFEST), &self.vintage())?;
        let asked: Vec<&str> = [llama_key.map(|_| "DefiLlama"), l2beat_key.map(|_| "L2BEAT")]
            .into_iter()
            .flatten()
            .collect();
        let keys: Vec<&str> = llama_key.into_iter().chain(l2beat_key).collect();
        write::log_pull(
            &self.staged.join("README.md"),
            &self.manifest.name,
            &format!(
                "{at}, moat {version}, {}: {} new weekly TVL points, {} new observations, {} new chains (source keys {}).",
                asked.join(" and "),
                tvl.len(),
                events.len(),
                chains.len(),
                keys.join(", ")
            ),
        )
    }
}

fn row<const N: usize>(cells: [(&'static str, String); N]) -> HashMap<&'static str, String> {
    HashMap::from(cells)
}
