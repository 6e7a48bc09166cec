//! What a pull adds, decided from what the dataset holds (`Known`) and what the sources
//! answered, before anything is written: chains to add (`--add-new`), which TVL histories to
//! fetch, the new weekly points, the new observations, and everything to report (unknown
//! chains, chains a source no longer has, values that do not map, attributes that differ
//! from chains.csv). Nothing already in the dataset is changed: points and events are only
//! added, chains.csv rows only appended.

use super::defillama::{ChainEntry, DailyTvl};
use super::known::{Attr, Known};
use super::l2beat::Project;
use super::mapping::{self, Mapped};
use super::weekly::weekly;
use chrono::NaiveDate;
use std::collections::BTreeSet;

/// A chain to append to chains.csv, with what L2BEAT says about it.
#[derive(Clone, Debug, PartialEq)]
pub struct NewChain {
    pub slug: String,
    pub name: String,
    pub layer: Option<String>,
    pub host: Option<String>,
    pub category: Option<String>,
    pub defillama_name: Option<String>,
    pub l2beat_id: String,
}

/// A row to append to events.csv.
#[derive(Clone, Debug, PartialEq)]
pub struct EventRow {
    pub date: NaiveDate,
    pub chain: String,
    pub kind: &'static str,
    pub value: String,
    pub note: String,
    pub source: String,
}

/// What a pull found that it did not write, or kept as it was.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Report {
    /// L2BEAT projects the dataset has no chain for (`id (name)`), not added.
    pub unknown_l2beat: Vec<String>,
    /// Projects `--add-new` could not add, with why.
    pub not_added: Vec<String>,
    /// Upcoming L2BEAT projects, skipped.
    pub upcoming: usize,
    /// DefiLlama chains no dataset chain is matched to, with their TVL (largest first).
    pub unknown_defillama: Vec<(String, f64)>,
    /// Dataset chains (slugs) whose DefiLlama name DefiLlama no longer has: series kept.
    pub gone_defillama: Vec<String>,
    /// Dataset chains (slugs) whose L2BEAT id L2BEAT no longer lists.
    pub gone_l2beat: Vec<String>,
    /// Values outside the vocabulary: nothing was written for them.
    pub unmapped: Vec<String>,
    /// Attributes L2BEAT now gives differently from chains.csv, which has no dated
    /// observation for them (category, layer, host): reported, chains.csv kept.
    pub differs: Vec<String>,
    /// Fetched weeks already in the dataset whose value DefiLlama now gives differently.
    pub revised_points: usize,
    /// Projects with a TVS, which the format has no dated column for.
    pub tvs_read: usize,
}

/// Decide the chains: which L2BEAT projects are new (added with `add_new`), which TVL
/// histories to fetch (slug, DefiLlama name), and what is unknown or gone.
pub fn chains(
    known: &Known,
    l2beat: Option<&[Project]>,
    defillama: Option<&[ChainEntry]>,
    add_new: bool,
    report: &mut Report,
) -> (Vec<NewChain>, Vec<(String, String)>) {
    let mut added: Vec<NewChain> = Vec::new();
    if let Some(projects) = l2beat {
        let ids: BTreeSet<&str> = projects.iter().map(|p| p.id.as_str()).collect();
        for c in &known.chains {
            if let Some(id) = &c.l2beat_id
                && !ids.contains(id.as_str())
            {
                report.gone_l2beat.push(c.slug.clone());
            }
        }
        for p in projects {
            report.tvs_read += usize::from(p.tvs.is_some());
            if p.upcoming {
                report.upcoming += 1;
                continue;
            }
            if known.by_l2beat_id(&p.id).is_some() {
                continue;
            }
            let shown = format!("{} ({})", p.id, p.name);
            if !add_new {
                report.unknown_l2beat.push(shown);
            } else if p.archived {
                report
                    .not_added
                    .push(format!("{shown}: archived by L2BEAT"));
            } else if let Some(c) = known.chains.iter().find(|c| c.slug == p.slug) {
                report.not_added.push(format!(
                    "{shown}: the slug {:?} is taken by the dataset's {:?} (its l2beat_id is {:?})",
                    p.slug,
                    c.name,
                    c.l2beat_id.as_deref().unwrap_or("")
                ));
            } else {
                added.push(new_chain(known, p, defillama, report));
            }
        }
        resolve_hosts(known, projects, &mut added, report);
    }

    let mut targets = Vec::new();
    if let Some(list) = defillama {
        let served: BTreeSet<&str> = list.iter().map(|c| c.name.as_str()).collect();
        let matched = known
            .chains
            .iter()
            .filter_map(|c| Some((c.slug.clone(), c.defillama_name.clone()?)))
            .chain(
                added
                    .iter()
                    .filter_map(|c| Some((c.slug.clone(), c.defillama_name.clone()?))),
            );
        for (slug, name) in matched {
            if served.contains(name.as_str()) {
                targets.push((slug, name));
            } else {
                report.gone_defillama.push(slug);
            }
        }
        let used: BTreeSet<&str> = targets.iter().map(|(_, n)| n.as_str()).collect();
        report.unknown_defillama = list
            .iter()
            .filter(|c| !used.contains(c.name.as_str()))
            .filter(|c| {
                // A dataset chain DefiLlama still lists under its name is not unknown.
                !known
                    .chains
                    .iter()
                    .any(|k| k.defillama_name.as_deref() == Some(&c.name))
            })
            .map(|c| (c.name.clone(), c.tvl))
            .collect();
        report
            .unknown_defillama
            .sort_by(|a, b| b.1.total_cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    }
    (added, targets)
}

fn new_chain(
    known: &Known,
    p: &Project,
    defillama: Option<&[ChainEntry]>,
    report: &mut Report,
) -> NewChain {
    let mut value = |m: Mapped| match m {
        Mapped::Value { value, .. } => Some(value),
        Mapped::Absent => None,
        Mapped::Unknown { field, raw } => {
            report.unmapped.push(format!(
                "{}: {field} {raw:?} is not in moat's vocabulary; left empty in chains.csv",
                p.slug
            ));
            None
        }
    };
    let (layer, category) = (value(mapping::layer(p)), value(mapping::category(p)));
    // DefiLlama names a chain as L2BEAT does more often than not; a chain matched to no
    // DefiLlama name gets no TVL (its `defillama_name` can be set by hand).
    let taken = |name: &str| {
        known
            .chains
            .iter()
            .any(|c| c.defillama_name.as_deref() == Some(name))
    };
    let defillama_name = defillama.and_then(|list| {
        list.iter()
            .find(|c| c.name.eq_ignore_ascii_case(&p.name) && !taken(&c.name))
            .map(|c| c.name.clone())
    });
    NewChain {
        slug: p.slug.clone(),
        name: p.name.clone(),
        layer,
        host: None,
        category,
        defillama_name,
        l2beat_id: p.id.clone(),
    }
}

/// A new chain's host, named by L2BEAT (`hostChain`: "Base", "Ethereum"), as a slug of the
/// dataset or of another new chain. L2BEAT lists an L2 without `hostChain` in its 2024 shape:
/// an L2 there is a chain on Ethereum.
fn resolve_hosts(known: &Known, projects: &[Project], added: &mut [NewChain], report: &mut Report) {
    let new_names: Vec<(String, String, String)> = added
        .iter()
        .map(|c| (c.slug.clone(), c.name.clone(), c.l2beat_id.clone()))
        .collect();
    for chain in added.iter_mut() {
        let Some(p) = projects.iter().find(|p| p.id == chain.l2beat_id) else {
            continue;
        };
        let host_name = match (&p.host, chain.layer.as_deref()) {
            (Some(h), _) => h.clone(),
            (None, Some("L2")) => "Ethereum".to_string(),
            (None, _) => continue,
        };
        let slug = known.named(&host_name).map(|c| c.slug.clone()).or_else(|| {
            new_names
                .iter()
                .find(|(s, n, id)| {
                    [s, n, id]
                        .iter()
                        .any(|x| x.eq_ignore_ascii_case(&host_name))
                        && *s != chain.slug
                })
                .map(|(s, _, _)| s.clone())
        });
        match slug {
            Some(s) => chain.host = Some(s),
            None => report.unmapped.push(format!(
                "{}: hostChain {host_name:?} is not a chain of the dataset; host left empty",
                chain.slug
            )),
        }
    }
}

/// The weekly points to add: per chain, the finished weeks on or after `since` that the
/// dataset does not have. A chain whose history DefiLlama answered 404 for is gone (kept).
pub fn points(
    known: &Known,
    histories: &[(String, Option<Vec<DailyTvl>>)],
    retrieved: NaiveDate,
    since: Option<NaiveDate>,
    report: &mut Report,
) -> Vec<(NaiveDate, String, f64)> {
    let mut rows = Vec::new();
    for (slug, history) in histories {
        let Some(days) = history else {
            report.gone_defillama.push(slug.clone());
            continue;
        };
        let have = known.tvl.get(slug);
        for (week, tvl) in weekly(days, retrieved) {
            if since.is_some_and(|s| week < s) {
                continue;
            }
            let tvl = tvl.round();
            match have.and_then(|h| h.get(&week)) {
                Some(old) => report.revised_points += usize::from(*old != tvl),
                None => rows.push((week, slug.clone(), tvl)),
            }
        }
    }
    rows.sort_by(|a, b| (a.0, &a.1).cmp(&(b.0, &b.1)));
    rows
}

/// The note of an observation: where it was read and in L2BEAT's own words.
fn note(attr: Attr, from: &str, archived: bool) -> String {
    let field = match attr {
        Attr::Stage => "stage",
        Attr::Stack => "provider",
        Attr::Da => "DA badges",
        Attr::ProofSystem => "State Validation risk",
        Attr::Token => "associatedTokens",
    };
    let archived = if archived {
        " (archived by L2BEAT)"
    } else {
        ""
    };
    format!("L2BEAT scaling summary: {field} {from:?}{archived}")
}

/// What L2BEAT says today about each chain it is matched to, as observations dated
/// `retrieved`: one per attribute whose value differs from the chain's latest observation
/// (so a repeated pull adds nothing). Attributes chains.csv alone holds are compared, and a
/// difference is reported.
pub fn observations(
    known: &Known,
    projects: &[Project],
    added: &[NewChain],
    retrieved: NaiveDate,
    source: &str,
    report: &mut Report,
) -> Vec<EventRow> {
    let mut rows = Vec::new();
    for p in projects.iter().filter(|p| !p.upcoming) {
        let slug = match known.by_l2beat_id(&p.id) {
            Some(c) => {
                compare_snapshot(known, c, p, report);
                c.slug.clone()
            }
            None => match added.iter().find(|c| c.l2beat_id == p.id) {
                Some(c) => c.slug.clone(),
                None => continue,
            },
        };
        for attr in Attr::ALL {
            let mapped = match attr {
                Attr::Stage => mapping::stage(p),
                Attr::Stack => mapping::stack(p),
                Attr::Da => mapping::da(p),
                Attr::ProofSystem => mapping::proof_system(p),
                Attr::Token => mapping::token(p),
            };
            match mapped {
                Mapped::Value { value, from } => {
                    if known.latest.get(&(slug.clone(), attr)) == Some(&value) {
                        continue;
                    }
                    rows.push(EventRow {
                        date: retrieved,
                        chain: slug.clone(),
                        kind: attr.observed(),
                        value,
                        note: note(attr, &from, p.archived),
                        source: source.to_string(),
                    });
                }
                Mapped::Absent => {}
                Mapped::Unknown { field, raw } => report.unmapped.push(format!(
                    "{slug}: {field} {raw:?} is not in moat's vocabulary; no {} written",
                    attr.observed()
                )),
            }
        }
    }
    rows
}

/// Category, layer and host live only in chains.csv (the format has no dated observation for
/// them): a difference is reported, never written over the row.
fn compare_snapshot(known: &Known, c: &super::known::Chain, p: &Project, report: &mut Report) {
    let mut differs = |what: &str, now: &str, was: Option<&String>| {
        if let Some(was) = was
            && was != now
        {
            report.differs.push(format!(
                "{}: L2BEAT now says {what} {now}, chains.csv says {was}",
                c.slug
            ));
        }
    };
    for (what, mapped, was) in [
        ("category", mapping::category(p), c.category.as_ref()),
        ("layer", mapping::layer(p), c.layer.as_ref()),
    ] {
        match mapped {
            Mapped::Value { value, .. } => differs(what, &value, was),
            Mapped::Absent => {}
            Mapped::Unknown { field, raw } => report.unmapped.push(format!(
                "{}: {field} {raw:?} is not in moat's vocabulary; chains.csv's {what} kept",
                c.slug
            )),
        }
    }
    if let Some(host) = &p.host
        && let Some(h) = known.named(host)
    {
        differs("host", &h.slug, c.host.as_ref());
    }
}
