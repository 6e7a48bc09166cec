//! The data layer: a dataset directory (manifest + CSV/Parquet files) loaded into polars
//! frames with explicit schemas, after every cell has been validated. Loading never guesses:
//! an empty cell stays null, and every problem of every file is reported together with its
//! file, line, column, bad value and what was expected. Each file is parsed straight into typed
//! columns (no text is kept per cell), so a load takes a small multiple of the files' size.

mod cell;
mod csv_file;
pub mod date;
pub mod frame;
mod hash;
mod keys;
pub mod limits;
mod manifest;
mod manifest_shape;
mod parquet;
mod problem;
mod schema;
mod summary;
mod table;
mod validate;
pub mod vocabulary;

pub use cell::slug_message;
pub use hash::{Building, ContentHash, HashAt};
pub(crate) use keys::Dict;
pub use manifest::{MANIFEST_FILE, Manifest};
pub use problem::{DataErrors, Problem};
pub use schema::{TABLES, TableKind};
pub use summary::{Gap, GappedSeries, NotScreened, Summary, summarize};

use polars::prelude::DataFrame;
use std::path::{Path, PathBuf};

/// A loaded, validated dataset. Column names and polars dtypes of each frame:
///
/// - `chains`: slug, name, layer, host, category, stack, da, proof_system, stage, token,
///   token_origin, raas, defillama_name, l2beat_id, sources, notes (String, null = unknown);
///   stage_asof, launch_date (Date); superchain_2024 (Boolean); tvs_usd_2024_11_09 (Float64).
/// - `tvl`: date (Date), chain (String), tvl_usd (Float64); sorted by chain, date.
/// - `events`: date (Date), chain, kind, value, note, source (String); sorted by date, chain.
/// - `links`: date (Date), from_project, from_chain, to_project, to_chain, kind, note, sources (String: space-separated keys).
/// - `metrics`: date (Date), chain, metric (String), value (Float64), unit, source (String).
/// - `speed`: chain (String), block_time_s, preconf_latency_ms (Float64), asof (Date), note, source (String).
/// - `sources`: key, source (String).
#[derive(Clone, Debug)]
pub struct Dataset {
    pub dir: PathBuf,
    pub manifest: Manifest,
    pub chains: DataFrame,
    pub tvl: DataFrame,
    pub events: DataFrame,
    pub links: DataFrame,
    pub metrics: DataFrame,
    pub speed: DataFrame,
    pub sources: DataFrame,
}

impl Dataset {
    /// Why `slug` has no feature row at `as_of`, in words for the user: an unknown slug (with
    /// a suggestion), an L1 context chain (never screened), or a chain not yet launched or
    /// already shut down at that date.
    pub fn why_not_screened(&self, slug: &str, as_of: chrono::NaiveDate) -> anyhow::Result<String> {
        let mut reasons = self.not_screened(&[slug], as_of)?;
        Ok(reasons.pop().map(|n| n.reason).unwrap_or_default())
    }

    /// Each of `slugs` with [`Dataset::why_not_screened`], in one pass over the tables (a
    /// dataset check explains every chain it does not screen).
    pub fn not_screened(
        &self,
        slugs: &[&str],
        as_of: chrono::NaiveDate,
    ) -> anyhow::Result<Vec<NotScreened>> {
        let known = frame::texts(&self.chains, "slug")?;
        let layers = frame::texts(&self.chains, "layer")?;
        let row: std::collections::HashMap<&str, usize> = known
            .iter()
            .enumerate()
            .filter_map(|(i, s)| Some((s.as_deref()?, i)))
            .collect();
        let asked: std::collections::HashSet<&str> = slugs.iter().copied().collect();
        let dates = frame::dates(&self.events, "date")?;
        let chains = frame::texts(&self.events, "chain")?;
        let kinds = frame::texts(&self.events, "kind")?;
        let mut shutdown: std::collections::HashMap<&str, chrono::NaiveDate> =
            std::collections::HashMap::new();
        for k in 0..dates.len() {
            if let (Some(chain), Some(d)) = (chains[k].as_deref(), dates[k])
                && kinds[k].as_deref() == Some(vocabulary::SHUTDOWN)
                && d <= as_of
                && asked.contains(chain)
            {
                let first = shutdown.entry(chain).or_insert(d);
                *first = (*first).min(d);
            }
        }
        // For a chain shut down, the first sign that it had launched (any date): a shutdown
        // dated before it is most likely a wrong date, and the chain is never screened. The
        // signs are those of the universe's `exists_since` (`features::index`), read here from
        // the frames, as the shutdowns above are: the dataset stage cannot ask the features.
        let mut launched: std::collections::HashMap<&str, chrono::NaiveDate> =
            std::collections::HashMap::new();
        if !shutdown.is_empty() {
            let mut seen = |chain: Option<&str>, date: Option<chrono::NaiveDate>| {
                if let (Some(chain), Some(d)) = (chain, date)
                    && let Some((&key, _)) = shutdown.get_key_value(chain)
                {
                    let first = launched.entry(key).or_insert(d);
                    *first = (*first).min(d);
                }
            };
            for column in ["launch_date", "stage_asof"] {
                for (slug, d) in known.iter().zip(frame::dates(&self.chains, column)?) {
                    seen(slug.as_deref(), d);
                }
            }
            for k in 0..dates.len() {
                let kind = kinds[k].as_deref().unwrap_or_default();
                if kind == vocabulary::MAINNET_LAUNCH || vocabulary::STAGE_KINDS.contains(&kind) {
                    seen(chains[k].as_deref(), dates[k]);
                }
            }
            let tvl_chains = frame::texts(&self.tvl, "chain")?;
            for (chain, d) in tvl_chains.iter().zip(frame::dates(&self.tvl, "date")?) {
                seen(chain.as_deref(), d);
            }
        }
        Ok(slugs
            .iter()
            .map(|&slug| {
                let reason = match row.get(slug) {
                None => crate::diagnostics::unknown(
                    "chain",
                    slug,
                    &format!("in dataset {}", self.manifest.name),
                    known.iter().flatten().map(String::as_str),
                ),
                Some(&i) if layers[i].as_deref() == Some("L1") => format!(
                    "{slug} is an L1 context chain: it is never screened, so it has no features and no verdicts"
                ),
                Some(_) => match shutdown.get(slug) {
                    Some(d) => match launched.get(slug).filter(|first| *first > d) {
                        Some(first) => format!(
                            "{slug} is not in the universe as of {as_of}: it shut down on {d} (a shutdown event), before the first sign that it had launched ({first}), so it is never screened: is the shutdown's date right?"
                        ),
                        None => format!(
                            "{slug} is not in the universe as of {as_of}: it shut down on {d} (a shutdown event)"
                        ),
                    },
                    None => format!(
                        "{slug} is not in the universe as of {as_of}: nothing dated on or before it shows that it had launched (a launch date, a mainnet launch or stage event, a TVL point)"
                    ),
                },
                };
                NotScreened {
                    chain: slug.to_string(),
                    reason,
                }
            })
            .collect())
    }
}

/// Load and validate the dataset in `dir` (the directory holding `dataset.toml`).
pub fn load(dir: &Path) -> Result<Dataset, DataErrors> {
    validate::load_dataset(dir)
}

#[cfg(test)]
mod tests;
