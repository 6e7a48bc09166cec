//! The dataset read once into plain, sorted structures, so that cutting it at any as-of date
//! costs binary searches and small loops, not a query plan: every chain's events, TVL points,
//! metric points and speed rows sorted by date, the ecosystem links as facts, and the weekly
//! TVL table. Built once per dataset (a backtest cuts it at hundreds of dates); polars is read
//! here and nowhere after.
//!
//! Rows keep their file order (`row`) so that ties between observations of the same date are
//! broken the same way every time. A note's quality flags (`PROXY`, `DOUBTFUL`, `WEAK SOURCE`,
//! `CONFLICT`, written in capitals in the note, the dataset's convention) are read here.

use crate::dataset::frame::{date_cells, dates, num_cells, nums, text_cells, texts};
use crate::dataset::vocabulary::{LAYER_L1, MAINNET_LAUNCH, METRICS, SHUTDOWN, STAGE_KINDS};
use crate::dataset::{Building, ContentHash, Dataset, Dict};
use anyhow::{Context, Result};
use chrono::NaiveDate;
use polars::prelude::DataFrame;
use std::collections::{BTreeMap, HashMap};

/// The quality flags a note can carry, as the data writes them.
pub const FLAGS: &[&str] = &["PROXY", "DOUBTFUL", "WEAK SOURCE", "CONFLICT"];
/// Flags that mean the row does not measure what its column means (a stand-in date or value,
/// a doubtful or weak source): another row is preferred when there is one.
pub const WEAK_FLAGS: &[&str] = &["PROXY", "DOUBTFUL", "WEAK SOURCE"];

/// One row of the chains table.
#[derive(Clone, Debug)]
pub struct ChainRow {
    pub slug: String,
    pub name: Option<String>,
    pub layer: Option<String>,
    pub host: Option<String>,
    pub category: Option<String>,
    pub raas: Option<String>,
    pub stack: Option<String>,
    pub da: Option<String>,
    pub proof_system: Option<String>,
    pub stage: Option<String>,
    pub stage_asof: Option<NaiveDate>,
    pub launch_date: Option<NaiveDate>,
    pub superchain_2024: Option<bool>,
    pub token_origin: Option<String>,
    pub sources: Vec<String>,
    /// The date the row's attributes were observed: `stage_asof`, else the vintage.
    pub snapshot: NaiveDate,
}

impl ChainRow {
    pub fn is_l1(&self) -> bool {
        self.layer.as_deref() == Some(LAYER_L1)
    }
}

/// One event of one chain.
#[derive(Clone, Debug)]
pub struct Event {
    pub date: NaiveDate,
    pub kind: String,
    pub value: Option<String>,
    pub source: String,
    pub flags: Vec<&'static str>,
    pub row: usize,
}

/// One dated value of a series (TVL week, metric day).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Point {
    pub date: NaiveDate,
    pub value: f64,
    /// The row in its file (ties of the same date: the first row wins).
    pub row: usize,
}

/// One dated speed row.
#[derive(Clone, Debug)]
pub struct SpeedRow {
    pub asof: NaiveDate,
    pub block_time_s: Option<f64>,
    pub preconf_latency_ms: Option<f64>,
    pub source: String,
    pub flags: Vec<&'static str>,
    pub row: usize,
}

/// One ecosystem link fact (rows repeating a fact are merged).
#[derive(Clone, Debug)]
pub struct LinkFact {
    pub date: NaiveDate,
    pub kind: String,
    pub from_project: String,
    pub from_chain: Option<String>,
    pub to_project: String,
    pub to_chain: Option<String>,
    pub note: Option<String>,
    /// Every row that records the fact, by date: its date, source keys and flags (a row dated
    /// later adds its sources only from its date on).
    pub records: Vec<(NaiveDate, Vec<String>, Vec<&'static str>)>,
}

pub struct Index {
    pub name: String,
    pub vintage: NaiveDate,
    pub content: Building,
    pub chains: Vec<ChainRow>,
    pub by_slug: HashMap<String, usize>,
    /// Per chain, by (date, row).
    pub events: Vec<Vec<Event>>,
    /// Per chain, its TVL points by date.
    pub tvl: Vec<Vec<Point>>,
    /// Per chain, per metric of `METRICS` (same order), its points by (date, row).
    pub metrics: Vec<Vec<Vec<Point>>>,
    /// The source key of each metrics row, by `Point::row`.
    pub metric_sources: Interned,
    /// Per chain, its dated speed rows by (asof, row).
    pub speed: Vec<Vec<SpeedRow>>,
    /// Link facts by date (then file order of their first row).
    pub links: Vec<LinkFact>,
    /// The sources table: key → what the source is.
    pub sources: std::sync::Arc<BTreeMap<String, String>>,
    /// Every TVL date with the chains that have a point that day, by (value desc, slug).
    pub weeks: Vec<(NaiveDate, Vec<(usize, f64)>)>,
    /// The earliest evidence that the chain exists (launch date, stage date, first TVL point,
    /// mainnet or stage event), and the first shutdown.
    pub exists_since: Vec<Option<NaiveDate>>,
    pub shutdown: Vec<Option<NaiveDate>>,
}

impl std::fmt::Debug for Index {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Index")
            .field("name", &self.name)
            .field("chains", &self.chains.len())
            .finish()
    }
}

/// Text of a column of many rows and few values, each value kept once (a loader's
/// dictionary, which also remembers the value given last).
#[derive(Debug, Default)]
pub struct Interned {
    dict: Dict,
    /// Per row, its value's code in `dict` (`EMPTY`: empty cell).
    rows: Vec<u32>,
}

const EMPTY: u32 = u32::MAX;

impl Interned {
    fn of<'a>(cells: impl Iterator<Item = Option<&'a str>>) -> Interned {
        let mut dict = Dict::open();
        let rows = cells
            .map(|cell| cell.and_then(|text| dict.code(text)).unwrap_or(EMPTY))
            .collect();
        Interned { dict, rows }
    }

    /// The text of row `row`; `None` for an empty cell or a row past the end.
    pub fn get(&self, row: usize) -> Option<&str> {
        match *self.rows.get(row)? {
            EMPTY => None,
            code => Some(self.dict.value(code)),
        }
    }
}

/// A chain's slot by slug, remembering the last slug asked for: rows sorted by chain ask for
/// the same one many times in a row.
struct Runs<'a> {
    by_slug: &'a HashMap<String, usize>,
    last: Option<(&'a str, Option<usize>)>,
}

impl<'a> Runs<'a> {
    fn new(by_slug: &'a HashMap<String, usize>) -> Runs<'a> {
        Runs {
            by_slug,
            last: None,
        }
    }

    fn slot(&mut self, slug: Option<&'a str>) -> Option<usize> {
        let slug = slug?;
        match self.last {
            Some((last, slot)) if last == slug => slot,
            _ => {
                let slot = self.by_slug.get(slug).copied();
                self.last = Some((slug, slot));
                slot
            }
        }
    }
}

/// The flags written in a note.
pub fn flags(note: Option<&str>) -> Vec<&'static str> {
    let Some(note) = note else {
        return Vec::new();
    };
    FLAGS.iter().copied().filter(|f| note.contains(f)).collect()
}

impl Index {
    /// The index of `ds`. Its content hash (a pass over every row in date order) is built on
    /// a thread of its own, and waited for only when a stamp is first read.
    pub fn new(ds: &Dataset) -> Result<Index> {
        let content = ContentHash::start(ds);
        build(ds, content).with_context(|| format!("indexing dataset {}", ds.manifest.name))
    }

    pub fn chain(&self, slug: &str) -> Option<usize> {
        self.by_slug.get(slug).copied()
    }
}

fn build(ds: &Dataset, content: Building) -> Result<Index> {
    let vintage = ds.manifest.vintage_date();
    let chains = chain_rows(&ds.chains, vintage)?;
    let by_slug: HashMap<String, usize> = chains
        .iter()
        .enumerate()
        .map(|(i, c)| (c.slug.clone(), i))
        .collect();
    let n = chains.len();
    let slot = |slug: &Option<String>| slug.as_ref().and_then(|s| by_slug.get(s)).copied();

    let mut events: Vec<Vec<Event>> = vec![Vec::new(); n];
    {
        let (d, c, k, v, note, src) = (
            dates(&ds.events, "date")?,
            texts(&ds.events, "chain")?,
            texts(&ds.events, "kind")?,
            texts(&ds.events, "value")?,
            texts(&ds.events, "note")?,
            texts(&ds.events, "source")?,
        );
        for row in 0..d.len() {
            let (Some(date), Some(i), Some(kind)) = (d[row], slot(&c[row]), k[row].clone()) else {
                continue;
            };
            events[i].push(Event {
                date,
                kind,
                value: v[row].clone(),
                source: src[row].clone().unwrap_or_default(),
                flags: flags(note[row].as_deref()),
                row,
            });
        }
    }
    for e in &mut events {
        e.sort_by_key(|e| (e.date, e.row));
    }

    // The two long tables are read in place (no text is copied), and a chain's slot is looked
    // up once per run of its rows (both tables are sorted by chain).
    let mut runs = Runs::new(&by_slug);
    let mut tvl: Vec<Vec<Point>> = vec![Vec::new(); n];
    {
        let cells = date_cells(&ds.tvl, "date")?
            .zip(text_cells(&ds.tvl, "chain")?)
            .zip(num_cells(&ds.tvl, "tvl_usd")?);
        for (row, ((d, c), v)) in cells.enumerate() {
            if let (Some(date), Some(i), Some(value)) = (d, runs.slot(c), v) {
                tvl[i].push(Point { date, value, row });
            }
        }
    }
    for s in &mut tvl {
        s.sort_by_key(|p| (p.date, p.row));
    }

    let metric_slot: HashMap<&str, usize> = METRICS
        .iter()
        .enumerate()
        .map(|(i, (m, _))| (*m, i))
        .collect();
    let mut metrics: Vec<Vec<Vec<Point>>> = vec![vec![Vec::new(); METRICS.len()]; n];
    let metric_sources: Interned;
    {
        let cells = date_cells(&ds.metrics, "date")?
            .zip(text_cells(&ds.metrics, "chain")?)
            .zip(text_cells(&ds.metrics, "metric")?)
            .zip(num_cells(&ds.metrics, "value")?);
        let mut last_metric: Option<(&str, Option<usize>)> = None;
        for (row, (((d, c), m), v)) in cells.enumerate() {
            let metric = match (m, last_metric) {
                (Some(name), Some((last, slot))) if name == last => slot,
                (Some(name), _) => {
                    let slot = metric_slot.get(name).copied();
                    last_metric = Some((name, slot));
                    slot
                }
                (None, _) => None,
            };
            if let (Some(date), Some(i), Some(mi), Some(value)) = (d, runs.slot(c), metric, v) {
                metrics[i][mi].push(Point { date, value, row });
            }
        }
        metric_sources = Interned::of(text_cells(&ds.metrics, "source")?);
    }
    for chain in &mut metrics {
        for s in chain {
            s.sort_by_key(|p| (p.date, p.row));
        }
    }

    let mut speed: Vec<Vec<SpeedRow>> = vec![Vec::new(); n];
    {
        let (c, b, p, a, note, src) = (
            texts(&ds.speed, "chain")?,
            nums(&ds.speed, "block_time_s")?,
            nums(&ds.speed, "preconf_latency_ms")?,
            dates(&ds.speed, "asof")?,
            texts(&ds.speed, "note")?,
            texts(&ds.speed, "source")?,
        );
        for row in 0..c.len() {
            if let (Some(i), Some(asof)) = (slot(&c[row]), a[row]) {
                speed[i].push(SpeedRow {
                    asof,
                    block_time_s: b[row],
                    preconf_latency_ms: p[row],
                    source: src[row].clone().unwrap_or_default(),
                    flags: flags(note[row].as_deref()),
                    row,
                });
            }
        }
    }
    for s in &mut speed {
        s.sort_by_key(|r| (r.asof, r.row));
    }

    let links = link_facts(&ds.links)?;
    let sources: BTreeMap<String, String> = texts(&ds.sources, "key")?
        .into_iter()
        .zip(texts(&ds.sources, "source")?)
        .filter_map(|(k, s)| Some((k?, s.unwrap_or_default())))
        .collect();

    let mut by_date: BTreeMap<NaiveDate, Vec<(usize, f64)>> = BTreeMap::new();
    for (i, points) in tvl.iter().enumerate() {
        for p in points {
            by_date.entry(p.date).or_default().push((i, p.value));
        }
    }
    let weeks: Vec<(NaiveDate, Vec<(usize, f64)>)> = by_date
        .into_iter()
        .map(|(date, mut list)| {
            list.sort_by(|a, b| {
                b.1.total_cmp(&a.1)
                    .then_with(|| chains[a.0].slug.cmp(&chains[b.0].slug))
            });
            (date, list)
        })
        .collect();

    let mut exists_since: Vec<Option<NaiveDate>> = chains
        .iter()
        .map(|c| [c.launch_date, c.stage_asof].into_iter().flatten().min())
        .collect();
    let mut shutdown: Vec<Option<NaiveDate>> = vec![None; n];
    for i in 0..n {
        let mut evidence: Vec<NaiveDate> = events[i]
            .iter()
            .filter(|e| e.kind == MAINNET_LAUNCH || STAGE_KINDS.contains(&e.kind.as_str()))
            .map(|e| e.date)
            .collect();
        evidence.extend(tvl[i].first().map(|p| p.date));
        evidence.extend(exists_since[i]);
        exists_since[i] = evidence.into_iter().min();
        shutdown[i] = events[i]
            .iter()
            .find(|e| e.kind == SHUTDOWN)
            .map(|e| e.date);
    }

    Ok(Index {
        name: ds.manifest.name.clone(),
        vintage,
        content,
        chains,
        by_slug,
        events,
        tvl,
        metrics,
        metric_sources,
        speed,
        links,
        sources: std::sync::Arc::new(sources),
        weeks,
        exists_since,
        shutdown,
    })
}

fn chain_rows(df: &DataFrame, vintage: NaiveDate) -> Result<Vec<ChainRow>> {
    let t = |c: &str| texts(df, c);
    let (slug, name, layer, host, category, raas) = (
        t("slug")?,
        t("name")?,
        t("layer")?,
        t("host")?,
        t("category")?,
        t("raas")?,
    );
    let (stack, da, proof, stage, origin, sources) = (
        t("stack")?,
        t("da")?,
        t("proof_system")?,
        t("stage")?,
        t("token_origin")?,
        t("sources")?,
    );
    let (stage_asof, launch) = (dates(df, "stage_asof")?, dates(df, "launch_date")?);
    let superchain: Vec<Option<bool>> = df.column("superchain_2024")?.bool()?.iter().collect();
    let mut out = Vec::with_capacity(slug.len());
    for i in 0..slug.len() {
        let Some(s) = slug[i].clone() else { continue };
        out.push(ChainRow {
            slug: s,
            name: name[i].clone(),
            layer: layer[i].clone(),
            host: host[i].clone(),
            category: category[i].clone(),
            raas: raas[i].clone(),
            stack: stack[i].clone(),
            da: da[i].clone(),
            proof_system: proof[i].clone(),
            stage: stage[i].clone(),
            stage_asof: stage_asof[i],
            launch_date: launch[i],
            superchain_2024: superchain[i],
            token_origin: origin[i].clone(),
            sources: sources[i]
                .iter()
                .flat_map(|s| s.split_whitespace().map(str::to_string))
                .collect(),
            snapshot: stage_asof[i].unwrap_or(vintage),
        });
    }
    Ok(out)
}

/// The links as facts: a fact is its kind, the project it reached and that project's chain;
/// rows that repeat a fact (the same fact from several sources, an announcement and a
/// launch) are one fact, dated at its earliest row, with the sources of all of them (each
/// known from its row's date).
fn link_facts(df: &DataFrame) -> Result<Vec<LinkFact>> {
    let t = |c: &str| texts(df, c);
    let (date, from_p, from_c, to_p, to_c, kind, note, sources) = (
        dates(df, "date")?,
        t("from_project")?,
        t("from_chain")?,
        t("to_project")?,
        t("to_chain")?,
        t("kind")?,
        t("note")?,
        t("sources")?,
    );
    let mut order: Vec<usize> = (0..date.len()).filter(|&i| date[i].is_some()).collect();
    order.sort_by_key(|&i| (date[i], i));
    let mut facts: Vec<LinkFact> = Vec::new();
    let mut seen: HashMap<(String, String, Option<String>), usize> = HashMap::new();
    for i in order {
        let (Some(d), Some(k), Some(tp)) = (date[i], kind[i].clone(), to_p[i].clone()) else {
            continue;
        };
        let key = (k.clone(), tp.trim().to_lowercase(), to_c[i].clone());
        let row_sources: Vec<String> = sources[i]
            .iter()
            .flat_map(|s| s.split_whitespace().map(str::to_string))
            .collect();
        if let Some(&f) = seen.get(&key) {
            facts[f]
                .records
                .push((d, row_sources, flags(note[i].as_deref())));
            continue;
        }
        seen.insert(key, facts.len());
        facts.push(LinkFact {
            date: d,
            kind: k,
            from_project: from_p[i].clone().unwrap_or_default(),
            from_chain: from_c[i].clone(),
            to_project: tp,
            to_chain: to_c[i].clone(),
            note: note[i].clone(),
            records: vec![(d, row_sources, flags(note[i].as_deref()))],
        });
    }
    Ok(facts)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn interned_text_reads_back_row_by_row() {
        let cells = [Some("a"), Some("a"), None, Some("b"), Some("a"), Some("b")];
        let interned = Interned::of(cells.into_iter());
        let back: Vec<Option<&str>> = (0..cells.len()).map(|r| interned.get(r)).collect();
        assert_eq!(back, cells);
        assert_eq!(interned.dict.values().collect::<Vec<_>>(), ["a", "b"]);
        assert_eq!(interned.get(cells.len()), None);
    }

    #[test]
    fn runs_look_up_a_slug_again_only_when_it_changes() {
        let by_slug: HashMap<String, usize> = [("base".to_string(), 3)].into();
        let mut runs = Runs::new(&by_slug);
        let asked = [Some("base"), Some("base"), None, Some("nope"), Some("base")];
        let slots: Vec<Option<usize>> = asked.iter().map(|s| runs.slot(*s)).collect();
        assert_eq!(slots, [Some(3), Some(3), None, None, Some(3)]);
    }

    #[test]
    fn flags_are_read_from_notes() {
        assert_eq!(flags(Some("WEAK SOURCE: blog says")), ["WEAK SOURCE"]);
        assert_eq!(flags(Some("PROXY ONLY (doubtful)")), ["PROXY"]);
        assert_eq!(
            flags(Some("RATIO CONFLICT and DOUBTFUL YEAR")),
            ["DOUBTFUL", "CONFLICT"]
        );
        assert!(flags(Some("a proxy, lower case")).is_empty());
        assert!(flags(None).is_empty());
    }
}
