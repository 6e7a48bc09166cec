//! What the dataset already holds, as far as a pull needs it: its chains and the keys that
//! match them to the sources (`defillama_name`, `l2beat_id`), the weekly TVL points, the
//! latest observation of each attribute per chain, and the source keys in use. Read from the
//! loaded, validated frames, so a pull starts only from a dataset that `moat data check`
//! accepts.

use crate::dataset::Dataset;
use crate::dataset::frame::{dates, nums, texts};
use crate::dataset::vocabulary::{
    DA_KINDS, DA_OBSERVED, PROOF_SYSTEM_KINDS, PROOF_SYSTEM_OBSERVED, STACK_KINDS, STACK_OBSERVED,
    STAGE_KINDS, STAGE_OBSERVED, TOKEN_LIVE_KINDS, TOKEN_OBSERVED,
};
use chrono::NaiveDate;
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// A chain attribute L2BEAT reports and the dataset records as dated events.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Attr {
    Stage,
    Stack,
    Da,
    ProofSystem,
    Token,
}

impl Attr {
    pub const ALL: [Attr; 5] = [
        Attr::Stage,
        Attr::Stack,
        Attr::Da,
        Attr::ProofSystem,
        Attr::Token,
    ];

    /// The event kinds that state the attribute's value.
    pub fn kinds(self) -> &'static [&'static str] {
        match self {
            Attr::Stage => STAGE_KINDS,
            Attr::Stack => STACK_KINDS,
            Attr::Da => DA_KINDS,
            Attr::ProofSystem => PROOF_SYSTEM_KINDS,
            Attr::Token => TOKEN_LIVE_KINDS,
        }
    }

    /// The kind a pull writes: an observation at the retrieval date.
    pub fn observed(self) -> &'static str {
        match self {
            Attr::Stage => STAGE_OBSERVED,
            Attr::Stack => STACK_OBSERVED,
            Attr::Da => DA_OBSERVED,
            Attr::ProofSystem => PROOF_SYSTEM_OBSERVED,
            Attr::Token => TOKEN_OBSERVED,
        }
    }
}

#[derive(Clone, Debug, Default)]
pub struct Chain {
    pub slug: String,
    pub name: String,
    pub layer: Option<String>,
    pub host: Option<String>,
    pub category: Option<String>,
    pub defillama_name: Option<String>,
    pub l2beat_id: Option<String>,
}

#[derive(Debug, Default)]
pub struct Known {
    pub chains: Vec<Chain>,
    /// Weekly TVL per chain slug.
    pub tvl: HashMap<String, BTreeMap<NaiveDate, f64>>,
    /// The latest value of each attribute per chain slug, on or before the retrieval date.
    pub latest: HashMap<(String, Attr), String>,
    pub source_keys: BTreeSet<String>,
}

impl Known {
    pub fn read(ds: &Dataset, retrieved: NaiveDate) -> anyhow::Result<Known> {
        let column = |name| texts(&ds.chains, name);
        let (slugs, names, layers, hosts) = (
            column("slug")?,
            column("name")?,
            column("layer")?,
            column("host")?,
        );
        let (categories, llama, l2beat) = (
            column("category")?,
            column("defillama_name")?,
            column("l2beat_id")?,
        );
        let chains = (0..slugs.len())
            .map(|i| Chain {
                slug: slugs[i].clone().unwrap_or_default(),
                name: names[i].clone().unwrap_or_default(),
                layer: layers[i].clone(),
                host: hosts[i].clone(),
                category: categories[i].clone(),
                defillama_name: llama[i].clone(),
                l2beat_id: l2beat[i].clone(),
            })
            .collect();

        let mut tvl: HashMap<String, BTreeMap<NaiveDate, f64>> = HashMap::new();
        let (days, on, amounts) = (
            dates(&ds.tvl, "date")?,
            texts(&ds.tvl, "chain")?,
            nums(&ds.tvl, "tvl_usd")?,
        );
        for ((day, chain), amount) in days.into_iter().zip(on).zip(amounts) {
            if let (Some(day), Some(chain), Some(amount)) = (day, chain, amount) {
                tvl.entry(chain).or_default().insert(day, amount);
            }
        }

        // Events are sorted by date (stably), so the last one seen on or before the date is
        // the latest.
        let mut latest = HashMap::new();
        let (days, on) = (dates(&ds.events, "date")?, texts(&ds.events, "chain")?);
        let (kinds, values) = (texts(&ds.events, "kind")?, texts(&ds.events, "value")?);
        for i in 0..days.len() {
            let (Some(day), Some(chain), Some(kind), Some(value)) =
                (days[i], &on[i], &kinds[i], &values[i])
            else {
                continue;
            };
            if day > retrieved {
                continue;
            }
            if let Some(attr) = Attr::ALL
                .iter()
                .find(|a| a.kinds().contains(&kind.as_str()))
            {
                latest.insert((chain.clone(), *attr), value.clone());
            }
        }

        let source_keys = texts(&ds.sources, "key")?.into_iter().flatten().collect();
        Ok(Known {
            chains,
            tvl,
            latest,
            source_keys,
        })
    }

    pub fn by_l2beat_id(&self, id: &str) -> Option<&Chain> {
        self.chains
            .iter()
            .find(|c| c.l2beat_id.as_deref() == Some(id))
    }

    /// A chain a source names (a host chain, `Base`): by slug, L2BEAT id, DefiLlama name or
    /// name, ignoring case.
    pub fn named(&self, name: &str) -> Option<&Chain> {
        self.chains.iter().find(|c| {
            [
                Some(c.slug.as_str()),
                c.l2beat_id.as_deref(),
                c.defillama_name.as_deref(),
                Some(c.name.as_str()),
            ]
            .into_iter()
            .flatten()
            .any(|n| n.eq_ignore_ascii_case(name))
        })
    }

    /// A source key not yet used: `base`, else `base-2`, `base-3`, ….
    pub fn fresh_key(&self, base: &str) -> String {
        (1..)
            .map(|n| {
                if n == 1 {
                    base.to_string()
                } else {
                    format!("{base}-{n}")
                }
            })
            .find(|k| !self.source_keys.contains(k))
            .expect("an unused key")
    }
}
