//! `moat data synth`: valid datasets of any size with the shapes of the real one, for
//! measuring moat at scale (a universe of every rollup and appchain will reach thousands).
//! Deterministic for a seed (PCG, a portable generator): the same arguments give the same
//! bytes.
//!
//! Shapes: TVL is heavy-tailed (log-normal starting sizes over four orders of magnitude) and
//! moves as a random walk with a drift per chain, so ranks churn and leaders change; stacks come
//! in families of very different sizes (a few huge families, many chains of their own); 80% of
//! chains are L2s and 20% L3s hosted mostly by the largest L2s; chains launch over the whole
//! span and 5% shut down; each chain has dated launch, stack, DA, proof-system and stage
//! observations, half of them a token, a twentieth a stack change; about one ecosystem link per
//! four chains; a third of the chains weekly fee and activity metrics; one block time each.

use crate::dataset::vocabulary::{CATEGORIES, DA, LINK_KINDS, PROOF_SYSTEMS, STAGES};
use crate::dataset::{MANIFEST_FILE, TABLES, TableKind};
use anyhow::{Context, Result, bail};
use chrono::{Duration, NaiveDate};
use rand::{RngExt, SeedableRng};
use rand_distr::{Distribution, LogNormal, Normal};
use rand_pcg::Pcg64Mcg;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// The last week of every synthetic dataset (a Sunday); its vintage.
const END: (i32, u32, u32) = (2025, 12, 28);
/// The longest history generated: 10,000 weeks (back to 1834).
const MAX_WEEKS: usize = 10_000;
/// The most chains generated: each has its own rows of attributes, events and links whatever
/// the weeks (1,000,000 chains of one week: 460 MB of CSV, 621 MB of memory, 4.3 s).
const MAX_CHAINS: usize = 1_000_000;
/// The most chain-weeks generated, which bounds the files' size.
const MAX_POINTS: usize = 100_000_000;
/// Stack families and their weights: a few huge families, and chains of their own.
const STACKS: &[(&str, f64)] = &[
    ("op_stack", 0.34),
    ("arbitrum_orbit", 0.26),
    ("zk_stack", 0.08),
    ("polygon_cdk", 0.06),
    ("starkex", 0.04),
    ("own", 0.22),
];

/// What to generate.
#[derive(Clone, Copy, Debug)]
pub struct Spec {
    pub chains: usize,
    pub weeks: usize,
    pub seed: u64,
}

/// What was written.
#[derive(Debug)]
pub struct Written {
    pub dir: PathBuf,
    pub chains: usize,
    pub tvl_points: usize,
    pub events: usize,
    pub links: usize,
    pub metric_points: usize,
}

/// Generate a dataset into `out`, which must not exist: it is built in a temporary directory
/// beside it and renamed into place whole, so a failed run leaves nothing behind.
pub fn write(spec: Spec, out: &Path) -> Result<Written> {
    if spec.chains == 0 || spec.weeks == 0 {
        bail!("--chains and --weeks must be at least 1");
    }
    if spec.weeks > MAX_WEEKS {
        bail!(
            "--weeks {}: expected at most {MAX_WEEKS} (the history ends on {}-{:02}-{:02} and reaches back about 190 years at most)",
            spec.weeks,
            END.0,
            END.1,
            END.2
        );
    }
    if spec.chains > MAX_CHAINS {
        bail!(
            "--chains {}: expected at most {MAX_CHAINS} (a million chains write about 460 MB of CSV, most of it their events)",
            spec.chains
        );
    }
    if spec.chains.saturating_mul(spec.weeks) > MAX_POINTS {
        bail!(
            "--chains {} --weeks {}: {} weekly TVL points, expected at most {MAX_POINTS} (about 3.5 GB of CSV); generate fewer chains or weeks",
            spec.chains,
            spec.weeks,
            spec.chains.saturating_mul(spec.weeks)
        );
    }
    if out.exists() {
        bail!(
            "{} already exists: moat data synth writes a new directory and never replaces one",
            out.display()
        );
    }
    let parent = out
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    std::fs::create_dir_all(parent)
        .with_context(|| format!("cannot create {}", parent.display()))?;
    let tmp = tempfile::Builder::new()
        .prefix(".moat-synth-")
        .tempdir_in(parent)
        .with_context(|| {
            format!(
                "cannot create a temporary directory in {}",
                parent.display()
            )
        })?;
    let tables = generate(spec);
    for (file, text) in &tables.files {
        std::fs::write(tmp.path().join(file), text)
            .with_context(|| format!("cannot write {file}"))?;
    }
    let tmp = tmp.keep();
    std::fs::rename(&tmp, out).with_context(|| {
        format!(
            "cannot move the new dataset into place at {}",
            out.display()
        )
    })?;
    Ok(Written {
        dir: out.to_path_buf(),
        chains: spec.chains,
        tvl_points: tables.tvl_points,
        events: tables.events,
        links: tables.links,
        metric_points: tables.metric_points,
    })
}

struct Tables {
    files: Vec<(&'static str, String)>,
    tvl_points: usize,
    events: usize,
    links: usize,
    metric_points: usize,
}

/// One generated chain.
struct Chain {
    slug: String,
    layer: &'static str,
    host: String,
    stack: &'static str,
    launch: usize,
    end: Option<usize>,
}

/// How much of a chain's drift is left after each week: a chain grows (or drains) fastest young
/// and its drift halves in about 69 weeks, so over a life it moves by at most about 100 weeks
/// of its first drift. A drift that never faded carried one chain of the 10,000 × 520 dataset
/// to $3 quadrillion, past what `moat data check` accepts as a real amount
/// (`dataset::cell::MAX_MAGNITUDE`).
const DRIFT_LEFT_EACH_WEEK: f64 = 0.99;

/// The most TVL a synthetic chain holds, whatever its walk: $1 trillion, about 190 times the
/// most any chain holds in the shipped data (Base's $5.3 billion). A guard the faded drift
/// seldom reaches.
const TVL_CEILING: f64 = 1e12;

/// A walk's next TVL, reflected off `TVL_CEILING` (in log terms: as far below it as the step
/// went above), so a chain at the top keeps moving instead of sticking to it.
fn under_ceiling(value: f64) -> f64 {
    if value > TVL_CEILING {
        TVL_CEILING * (TVL_CEILING / value)
    } else {
        value
    }
}

fn generate(spec: Spec) -> Tables {
    let mut rng = Pcg64Mcg::seed_from_u64(spec.seed);
    let end = NaiveDate::from_ymd_opt(END.0, END.1, END.2).expect("a valid date");
    let week = |w: usize| end - Duration::days(7 * (spec.weeks - 1 - w) as i64);
    let l2s = (spec.chains * 4).div_ceil(5);
    let size: LogNormal<f64> = LogNormal::new(16.0, 2.2).expect("valid parameters");
    let step: Normal<f64> = Normal::new(0.0, 0.06).expect("valid parameters");
    let drift: Normal<f64> = Normal::new(0.0, 0.008).expect("valid parameters");

    let mut chains: Vec<Chain> = Vec::with_capacity(spec.chains);
    for i in 0..spec.chains {
        let l2 = i < l2s;
        // Hosts of L3s: mostly the first (oldest, on average largest) L2s.
        let host = if l2 {
            "ethereum".to_string()
        } else {
            let k = ((rng.random::<f64>().powi(3)) * l2s as f64) as usize;
            slug(k.min(l2s - 1))
        };
        let launch = rng.random_range(0..spec.weeks.max(1) * 9 / 10 + 1);
        let host_launch = if l2 {
            0
        } else {
            chains[slug_index(&host)].launch
        };
        let launch = launch.max(host_launch).min(spec.weeks - 1);
        let end = (rng.random::<f64>() < 0.05 && launch + 2 < spec.weeks)
            .then(|| rng.random_range(launch + 1..spec.weeks));
        chains.push(Chain {
            slug: slug(i),
            layer: if l2 { "L2" } else { "L3" },
            host,
            stack: pick_weighted(&mut rng, STACKS),
            launch,
            end,
        });
    }

    let mut chains_csv = String::from(
        "slug,name,layer,host,category,stack,da,proof_system,stage,stage_asof,token,token_origin,launch_date,raas,superchain_2024,tvs_usd_2024_11_09,defillama_name,l2beat_id,sources,notes\n",
    );
    chains_csv
        .push_str("ethereum,Ethereum,L1,,,,,,,,,,,,,,,,synth,context chain (L1): not screened\n");
    let mut events = String::from("date,chain,kind,value,note,source\n");
    let mut n_events = 0;
    let mut tvl = String::from("date,chain,tvl_usd\n");
    let mut n_tvl = 0;
    let mut metrics = String::from("date,chain,metric,value,unit,source\n");
    let mut n_metrics = 0;
    let mut speed = String::from("chain,block_time_s,preconf_latency_ms,asof,note,source\n");
    for (i, c) in chains.iter().enumerate() {
        let launch = week(c.launch);
        let category = CATEGORIES[rng.random_range(0..CATEGORIES.len())];
        let da = if rng.random::<f64>() < 0.7 {
            DA[0]
        } else {
            DA[rng.random_range(0..DA.len())]
        };
        let proofs = PROOF_SYSTEMS[rng.random_range(0..PROOF_SYSTEMS.len())];
        let stage = STAGES[rng.random_range(0..STAGES.len())];
        let token = rng.random::<f64>() < 0.5;
        let _ = writeln!(
            chains_csv,
            "{},Chain {i},{},{},{category},{},{da},{proofs},{stage},{},{},{},{launch},,{},,,{},synth,",
            c.slug,
            c.layer,
            c.host,
            c.stack,
            end,
            if token {
                format!("T{i}")
            } else {
                String::new()
            },
            if token { "chain" } else { "" },
            if c.stack == "op_stack" { "yes" } else { "no" },
            c.slug,
        );
        let mut event = |date: NaiveDate, kind: &str, value: &str| {
            if date <= end {
                let _ = writeln!(events, "{date},{},{kind},{value},,synth", c.slug);
                n_events += 1;
            }
        };
        event(launch, "mainnet_launch", "");
        event(launch, "stack_observed", c.stack);
        event(launch, "da_observed", da);
        event(launch, "proof_system_observed", proofs);
        event(launch + Duration::days(7 * 26), "stage_observed", stage);
        if token {
            let at = launch + Duration::days(7 * rng.random_range(0..52));
            event(at, "token_launch", &format!("T{i}"));
        }
        if rng.random::<f64>() < 0.05 {
            let at = launch + Duration::days(7 * rng.random_range(1..104));
            event(at, "stack_change", pick_weighted(&mut rng, STACKS));
        }
        if let Some(w) = c.end {
            event(week(w), "shutdown", "");
        }

        // TVL: a random walk from a heavy-tailed start, until the chain shuts down.
        let mut value: f64 = size.sample(&mut rng);
        let mut mu = drift.sample(&mut rng);
        let last = c.end.unwrap_or(spec.weeks);
        let metered = rng.random::<f64>() < 0.33;
        let mut fee: f64 = LogNormal::new(-4.5, 1.0).expect("valid").sample(&mut rng);
        for w in c.launch..last {
            value = under_ceiling(value * (mu + step.sample(&mut rng)).exp());
            mu *= DRIFT_LEFT_EACH_WEEK;
            let _ = writeln!(tvl, "{},{},{:.0}", week(w), c.slug, value.max(0.0));
            n_tvl += 1;
            if metered {
                fee *= (step.sample(&mut rng) * 0.5).exp();
                let active = (value / 2_000.0).max(1.0).round();
                let _ = writeln!(
                    metrics,
                    "{},{},txcost_median_usd,{fee:.6},USD/tx,synth",
                    week(w),
                    c.slug
                );
                let _ = writeln!(
                    metrics,
                    "{},{},daa,{active},addresses,synth",
                    week(w),
                    c.slug
                );
                n_metrics += 2;
            }
        }
        let block = [0.25, 1.0, 2.0, 2.0, 12.0][rng.random_range(0..5)];
        let _ = writeln!(speed, "{},{block},,{launch},,synth", c.slug);
    }

    let mut links =
        String::from("date,from_project,from_chain,to_project,to_chain,kind,note,sources\n");
    let n_links = spec.chains / 4;
    for k in 0..n_links {
        let a = rng.random_range(0..chains.len());
        let b = rng.random_range(0..chains.len());
        let kind = LINK_KINDS[rng.random_range(0..LINK_KINDS.len())];
        let from = chains[a].launch.max(chains[b].launch);
        let date = week(rng.random_range(from..spec.weeks));
        let _ = writeln!(
            links,
            "{date},App {k},{},Project {k},{},{kind},,synth",
            chains[a].slug, chains[b].slug
        );
    }
    let sources = format!(
        "key,source\nsynth,moat data synth --chains {} --weeks {} --seed {}\n",
        spec.chains, spec.weeks, spec.seed
    );
    Tables {
        files: vec![
            (MANIFEST_FILE, manifest(spec, end)),
            (default_file(TableKind::Chains), chains_csv),
            (default_file(TableKind::Sources), sources),
            (default_file(TableKind::Tvl), tvl),
            (default_file(TableKind::Events), events),
            (default_file(TableKind::Links), links),
            (default_file(TableKind::Metrics), metrics),
            (default_file(TableKind::Speed), speed),
        ],
        tvl_points: n_tvl,
        events: n_events,
        links: n_links,
        metric_points: n_metrics,
    }
}

/// The file each table is written to (the names of the shipped dataset).
fn default_file(kind: TableKind) -> &'static str {
    match kind {
        TableKind::Chains => "chains.csv",
        TableKind::Sources => "sources.csv",
        TableKind::Tvl => "tvl_weekly.csv",
        TableKind::Events => "events.csv",
        TableKind::Links => "ecosystem_links.csv",
        TableKind::Metrics => "metrics_daily.csv",
        TableKind::Speed => "speed.csv",
    }
}

fn slug(i: usize) -> String {
    format!("chain-{i:05}")
}

fn slug_index(slug: &str) -> usize {
    slug.trim_start_matches("chain-").parse().unwrap_or(0)
}

fn pick_weighted(rng: &mut Pcg64Mcg, items: &[(&'static str, f64)]) -> &'static str {
    let total: f64 = items.iter().map(|(_, w)| w).sum();
    let mut x = rng.random::<f64>() * total;
    for (item, w) in items {
        if x < *w {
            return item;
        }
        x -= w;
    }
    items[items.len() - 1].0
}

/// The manifest: every table with its default file and the columns of the current format.
fn manifest(spec: Spec, end: NaiveDate) -> String {
    let mut out = format!(
        "# Generated by `moat data synth --chains {} --weeks {} --seed {}`.\n\nname = \"synth\"\ndescription = \"Synthetic dataset: {} chains over {} weeks (seed {}).\"\nvintage = \"{end}\"\n",
        spec.chains, spec.weeks, spec.seed, spec.chains, spec.weeks, spec.seed
    );
    for table in TABLES {
        let columns: Vec<String> = table
            .columns
            .iter()
            .map(|c| format!("{} = \"{}\"", c.name, c.ty.name()))
            .collect();
        let _ = write!(
            out,
            "\n[files.{}]\npath = \"{}\"\ncolumns = {{ {} }}\n",
            table.key,
            default_file(table.kind),
            columns.join(", ")
        );
    }
    out
}
