//! The universe as rules see it: the feature stage's `Universe` plus, built once per screen,
//! every field already converted to a Rhai value, a name → column index for field lookups and
//! "did you mean", the run-length history of TVL leaders, and (lazily) a by-date index of each
//! series for the peer-comparison helpers. Shared read-only by every evaluation via `Arc`.

use crate::diagnostics::did_you_mean;
use crate::features::catalog::{self, Kind};
use crate::features::{ChainFeatures, Universe, Value};
use crate::rules::limits::MAX_VALUE_BYTES;
use chrono::NaiveDate;
use polars::prelude::PlHashMap;
use rayon::prelude::*;
use rhai::Dynamic;
use std::collections::BTreeMap;
use std::sync::{Arc, OnceLock};

/// The names chains give (`of` each) that are not `known`, in the order they first appear; a
/// large universe's chains are looked through on the threads of the rayon pool.
fn unseen<'a, N: AsRef<str> + ?Sized + 'a, I: Iterator<Item = &'a N>>(
    chains: &'a [ChainFeatures],
    known: impl Fn(&str) -> bool + Sync,
    of: impl Fn(&'a ChainFeatures) -> I + Sync,
) -> Vec<String> {
    let per_chain = |c: &'a ChainFeatures| {
        of(c)
            .map(AsRef::as_ref)
            .filter(|n| !known(n))
            .collect::<Vec<&str>>()
    };
    let found: Vec<Vec<&str>> = if chains.len() >= 2 * PAR_CHAINS {
        chains
            .par_iter()
            .with_min_len(PAR_CHAINS)
            .map(per_chain)
            .collect()
    } else {
        chains.iter().map(per_chain).collect()
    };
    let mut out: Vec<String> = Vec::new();
    for name in found.into_iter().flatten() {
        if !out.iter().any(|o| o == name) {
            out.push(name.to_string());
        }
    }
    out
}

/// Free rows on the threads of the pool this runs in.
fn par_drop<T: Send>(rows: Vec<T>) {
    rows.into_par_iter().with_min_len(PAR_CHAINS).for_each(drop);
}

/// Chains a thread takes at a time when a world is built or freed: fewer are not worth
/// handing to another thread.
const PAR_CHAINS: usize = 256;

/// One uninterrupted stretch of weeks with the same #1 chain by TVL.
#[derive(Clone, Debug, PartialEq)]
pub struct LeaderRun {
    pub slug: String,
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub weeks: usize,
}

/// For one series: each date → (chain index, value) of every chain with a point that day.
pub type DateIndex = BTreeMap<NaiveDate, Vec<(usize, f64)>>;

/// For one series: each date → the values of every chain with a point that day, sorted.
pub type SortedIndex = BTreeMap<NaiveDate, Vec<f64>>;

/// Statistics of a peer set by (field, statistic), computed once and reused.
pub type PeerStats = PlHashMap<(String, &'static str), Option<f64>>;

#[derive(Clone)]
pub struct World {
    pub universe: Universe,
    names: Vec<String>,
    kinds: Vec<Option<Kind>>,
    /// Hashed with polars' hasher (aHash), not SipHash: every field a rule reads looks its
    /// column up here.
    index: PlHashMap<String, usize>,
    /// Each chain's place in `universe.chains`, by slug.
    by_slug: PlHashMap<String, usize>,
    raw: Vec<Vec<Value>>,
    dynamic: Vec<Vec<Dynamic>>,
    series_names: Vec<String>,
    by_date: Vec<OnceLock<DateIndex>>,
    sorted: Vec<OnceLock<SortedIndex>>,
    /// Each field's numeric values over every chain, sorted (built on first use).
    sorted_fields: Vec<OnceLock<Vec<f64>>>,
    pub leader_runs: Vec<LeaderRun>,
    /// `leader_runs` as the evidence of `peers.leader_runs` and `peers.leaders` (see
    /// [`runs_summary`]), written once per world rather than at every read.
    pub leader_summary: String,
    /// Every chain's index, in order: the members of `peers` (shared by every evaluation).
    pub all: Arc<Vec<usize>>,
    /// Statistics of `all`, shared by every evaluation of the screen: a median of the whole
    /// universe is computed once, not once per chain.
    pub all_stats: Arc<std::sync::Mutex<PeerStats>>,
}

impl World {
    /// The world of a universe the caller keeps (it is copied).
    pub fn new(universe: &Universe) -> Arc<World> {
        World::of(universe.clone())
    }

    /// The world of a universe the caller hands over (a screen that cut it for itself).
    pub fn of(universe: Universe) -> Arc<World> {
        let mut names: Vec<String> = Vec::new();
        let mut kinds = Vec::new();
        let mut index: PlHashMap<String, usize> = PlHashMap::default();
        for f in catalog::fields() {
            index.insert(f.name.clone(), names.len());
            names.push(f.name.clone());
            kinds.push(Some(f.kind));
        }
        // Fields a test or a case gives that the catalog does not list.
        for name in unseen(
            &universe.chains,
            |n| index.contains_key(n),
            |c| c.fields.keys(),
        ) {
            index.insert(name.clone(), names.len());
            names.push(name);
            kinds.push(None);
        }
        let row_of = |c: &ChainFeatures| {
            let mut row = vec![Value::Missing; names.len()];
            for (name, value) in &c.fields {
                row[index[name.as_ref()]] = value.clone();
            }
            row
        };
        let dynamic_of = |row: &Vec<Value>| row.iter().map(to_dynamic).collect::<Vec<_>>();
        // A large universe row by row on the threads of the rayon pool it is built in (a
        // screen's), a small one here.
        let (raw, dynamic): (Vec<Vec<Value>>, Vec<Vec<Dynamic>>) =
            if universe.chains.len() >= 2 * PAR_CHAINS {
                let raw: Vec<_> = universe
                    .chains
                    .par_iter()
                    .with_min_len(PAR_CHAINS)
                    .map(row_of)
                    .collect();
                let dynamic = raw
                    .par_iter()
                    .with_min_len(PAR_CHAINS)
                    .map(dynamic_of)
                    .collect();
                (raw, dynamic)
            } else {
                let raw: Vec<_> = universe.chains.iter().map(row_of).collect();
                let dynamic = raw.iter().map(dynamic_of).collect();
                (raw, dynamic)
            };
        let mut series_names = vec!["tvl_usd".to_string()];
        series_names.extend(
            crate::dataset::vocabulary::METRICS
                .iter()
                .map(|(m, _)| m.to_string()),
        );
        let more = unseen(
            &universe.chains,
            |n| series_names.iter().any(|s| s == n),
            |c| c.series.keys(),
        );
        series_names.extend(more);
        let by_date = series_names.iter().map(|_| OnceLock::new()).collect();
        let sorted = series_names.iter().map(|_| OnceLock::new()).collect();
        let sorted_fields = names.iter().map(|_| OnceLock::new()).collect();
        let by_slug = universe
            .chains
            .iter()
            .enumerate()
            .map(|(i, c)| (c.slug.clone(), i))
            .collect();
        let runs = leader_runs(&universe.leaders);
        Arc::new(World {
            all: Arc::new((0..universe.chains.len()).collect()),
            by_slug,
            all_stats: Arc::default(),
            leader_summary: runs_summary(&runs),
            leader_runs: runs,
            universe,
            names,
            kinds,
            index,
            raw,
            dynamic,
            series_names,
            by_date,
            sorted,
            sorted_fields,
        })
    }

    /// [`World::of`] on the threads of `pool` when the universe is large; a small one is built
    /// here (handing work to a pool and waiting for it costs more than building it).
    pub fn of_on(universe: Universe, pool: &rayon::ThreadPool) -> Arc<World> {
        if universe.chains.len() >= 2 * PAR_CHAINS {
            pool.install(|| World::of(universe))
        } else {
            World::of(universe)
        }
    }

    /// Free a world no evaluation holds any more, a large one's rows on the threads of `pool`
    /// (a world of 10,000 chains takes tens of milliseconds to free on one thread).
    pub fn free_on(world: Arc<World>, pool: &rayon::ThreadPool) {
        let Ok(world) = Arc::try_unwrap(world) else {
            return;
        };
        if world.len() < 2 * PAR_CHAINS {
            return;
        }
        let World {
            universe,
            raw,
            dynamic,
            ..
        } = world;
        pool.install(|| {
            rayon::join(
                || par_drop(universe.chains),
                || rayon::join(|| par_drop(raw), || par_drop(dynamic)),
            )
        });
    }

    pub fn len(&self) -> usize {
        self.universe.chains.len()
    }

    pub fn is_empty(&self) -> bool {
        self.universe.chains.is_empty()
    }

    pub fn slug(&self, chain: usize) -> &str {
        &self.universe.chains[chain].slug
    }

    pub fn chain_index(&self, slug: &str) -> Option<usize> {
        self.by_slug.get(slug).copied()
    }

    /// The column of a field, or the "unknown field" message with a suggestion.
    pub fn field(&self, name: &str) -> Result<usize, String> {
        self.index.get(name).copied().ok_or_else(|| {
            match did_you_mean(name, self.names.iter().map(String::as_str)) {
                Some(s) => format!("unknown field `{name}`: did you mean `{s}`?"),
                None => format!("unknown field `{name}` (`moat rules doc` lists every field)"),
            }
        })
    }

    pub fn kind(&self, field: usize) -> Option<Kind> {
        self.kinds[field]
    }

    pub fn raw(&self, chain: usize, field: usize) -> &Value {
        &self.raw[chain][field]
    }

    /// Give one chain's field another value (for "what would flip this verdict"), returning
    /// the old one; `None` for a field the world does not hold.
    pub fn set_field(&mut self, chain: usize, name: &str, value: Value) -> Option<Value> {
        let f = *self.index.get(name)?;
        self.all_stats = Arc::default();
        self.sorted_fields[f] = OnceLock::new();
        self.dynamic[chain][f] = to_dynamic(&value);
        let fields = &mut self.universe.chains[chain].fields;
        match fields.get_mut(name) {
            Some(slot) => *slot = value.clone(),
            None => {
                fields.insert(name.to_string().into(), value.clone());
            }
        }
        Some(std::mem::replace(&mut self.raw[chain][f], value))
    }

    pub fn dynamic(&self, chain: usize, field: usize) -> Dynamic {
        self.dynamic[chain][field].clone()
    }

    /// Check a series name (`tvl_usd` or a metric), with a suggestion when it is unknown.
    pub fn series_slot(&self, name: &str) -> Result<usize, String> {
        self.series_names
            .iter()
            .position(|s| s == name)
            .ok_or_else(|| {
                let known = self.series_names.join("`, `");
                match did_you_mean(name, self.series_names.iter().map(String::as_str)) {
                    Some(s) => format!("unknown series `{name}`: did you mean `{s}`?"),
                    None => format!("unknown series `{name}` (series: `{known}`)"),
                }
            })
    }

    pub fn series(&self, chain: usize, name: &str) -> &[(NaiveDate, f64)] {
        self.universe.chains[chain]
            .series
            .get(name)
            .map_or(&[], Vec::as_slice)
    }

    /// Every chain's points of one series, grouped by date (built on first use).
    pub fn by_date(&self, slot: usize) -> &DateIndex {
        self.by_date[slot].get_or_init(|| {
            let name = &self.series_names[slot];
            let mut index = DateIndex::new();
            for (i, chain) in self.universe.chains.iter().enumerate() {
                for (date, value) in chain.series.get(name).into_iter().flatten() {
                    index.entry(*date).or_default().push((i, *value));
                }
            }
            index
        })
    }

    /// Every chain's numeric values of one field, sorted (built on first use): where a value
    /// stands among the whole universe is a binary search.
    pub fn sorted_field(&self, field: usize) -> &[f64] {
        self.sorted_fields[field].get_or_init(|| {
            let mut values: Vec<f64> = self
                .raw
                .iter()
                .filter_map(|row| row[field].as_f64())
                .collect();
            values.sort_by(f64::total_cmp);
            values
        })
    }

    /// Every chain's values of one series on each date, sorted (built on first use): how many
    /// chains a value beats that day is a binary search.
    pub fn sorted_by_date(&self, slot: usize) -> &SortedIndex {
        self.sorted[slot].get_or_init(|| {
            self.by_date(slot)
                .iter()
                .map(|(date, points)| {
                    let mut values: Vec<f64> = points.iter().map(|(_, v)| *v).collect();
                    values.sort_by(f64::total_cmp);
                    (*date, values)
                })
                .collect()
        })
    }
}

/// A field value as a rule sees it: dates as `Date`, Missing as `()`.
pub fn to_dynamic(value: &Value) -> Dynamic {
    match value {
        Value::Missing => Dynamic::UNIT,
        Value::Bool(b) => Dynamic::from(*b),
        Value::Int(i) => Dynamic::from(*i),
        Value::Num(x) => Dynamic::from(*x),
        Value::Text(s) => Dynamic::from(s.clone()),
        Value::Date(d) => Dynamic::from(super::date::Date(*d)),
    }
}

fn leader_runs(leaders: &[(NaiveDate, String)]) -> Vec<LeaderRun> {
    let mut runs: Vec<LeaderRun> = Vec::new();
    for (date, slug) in leaders {
        match runs.last_mut() {
            Some(run) if &run.slug == slug => {
                run.to = *date;
                run.weeks += 1;
            }
            _ => runs.push(LeaderRun {
                slug: slug.clone(),
                from: *date,
                to: *date,
                weeks: 1,
            }),
        }
    }
    runs
}

/// Leader runs as one evidence value of at most `MAX_VALUE_BYTES`: each run as
/// `base 71 weeks to 2026-04-19`, oldest first; when they do not all fit, the oldest are left out
/// and counted in front (`3 earlier runs; arbitrum 33 weeks to 2024-12-08; …`), since the
/// latest runs say most about a leadership now. The last run is always there.
pub fn runs_summary(runs: &[LeaderRun]) -> String {
    let parts: Vec<String> = runs
        .iter()
        .map(|r| {
            let unit = if r.weeks == 1 { "week" } else { "weeks" };
            format!("{} {} {unit} to {}", r.slug, r.weeks, r.to)
        })
        .collect();
    let earlier = |k: usize| match k {
        0 => String::new(),
        1 => "1 earlier run; ".to_string(),
        k => format!("{k} earlier runs; "),
    };
    // The fewest runs left out that let the rest fit, from the latest run back: the bytes of
    // the runs kept and their separators, plus the count in front.
    let mut kept = 0;
    let mut skip = parts.len().saturating_sub(1);
    for k in (0..parts.len()).rev() {
        kept += parts[k].len() + if k + 1 < parts.len() { 2 } else { 0 };
        if k + 1 < parts.len() && kept + earlier(k).len() > MAX_VALUE_BYTES {
            break;
        }
        skip = k;
    }
    earlier(skip) + parts[skip..].join("; ").as_str()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_long_leader_history_keeps_its_latest_runs() {
        let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        let run = |slug: &str, to: &str, weeks| LeaderRun {
            slug: slug.into(),
            from: d(to),
            to: d(to),
            weeks,
        };
        assert_eq!(runs_summary(&[]), "");
        let two = [
            run("arbitrum", "2024-12-08", 33),
            run("base", "2026-04-19", 71),
        ];
        assert_eq!(
            runs_summary(&two),
            "arbitrum 33 weeks to 2024-12-08; base 71 weeks to 2026-04-19"
        );
        let five = [
            run("optimism", "2021-09-12", 6),
            run("arbitrum", "2022-07-31", 46),
            run("optimism", "2022-08-14", 2),
            run("arbitrum", "2024-12-08", 120),
            run("base", "2026-04-19", 1),
        ];
        let text = runs_summary(&five);
        assert_eq!(
            text,
            "3 earlier runs; arbitrum 120 weeks to 2024-12-08; base 1 week to 2026-04-19"
        );
        assert!(text.len() <= MAX_VALUE_BYTES);
    }

    #[test]
    fn leader_runs_compress_weeks() {
        let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        let leaders = vec![
            (d("2024-12-01"), "arbitrum".to_string()),
            (d("2024-12-08"), "arbitrum".to_string()),
            (d("2024-12-15"), "base".to_string()),
        ];
        let runs = leader_runs(&leaders);
        assert_eq!(runs.len(), 2);
        assert_eq!((runs[0].weeks, runs[0].to), (2, d("2024-12-08")));
        assert_eq!(runs[1].slug, "base");
    }

    /// A universe of `n` chains; chain `i` has field `extra_<i % 3>` besides the catalog's
    /// when `i` is a multiple of 7.
    fn crowd(n: usize) -> Universe {
        let empty = catalog::empty_row();
        let chains = (0..n)
            .map(|i| {
                let mut fields = empty.clone();
                fields.insert("tvl_usd".into(), Value::Num(i as f64));
                if i % 7 == 0 {
                    fields.insert(format!("extra_{}", i % 3).into(), Value::Int(i as i64));
                }
                ChainFeatures {
                    slug: format!("c{i:05}"),
                    fields,
                    ..Default::default()
                }
            })
            .collect();
        Universe {
            as_of: NaiveDate::from_ymd_opt(2026, 1, 1).unwrap(),
            data: Default::default(),
            tvl_week: None,
            window_weeks: 104,
            leaders: vec![],
            chains,
            sources: Default::default(),
        }
    }

    #[test]
    fn a_large_world_is_built_and_freed_on_the_pool_as_a_small_one_is_here() {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(2)
            .build()
            .unwrap();
        let (small, large) = (crowd(2 * PAR_CHAINS - 1), crowd(4 * PAR_CHAINS));
        let large = World::of_on(large, &pool);
        let small = World::of_on(small, &pool);
        for world in [&small, &large] {
            // Fields the catalog does not list, in the order chains first give them.
            let extra: Vec<&str> = world
                .names
                .iter()
                .filter(|n| n.starts_with("extra_"))
                .map(String::as_str)
                .collect();
            assert_eq!(extra, ["extra_0", "extra_1", "extra_2"]);
            let tvl = world.field("tvl_usd").unwrap();
            let extra_1 = world.field("extra_1").unwrap();
            for i in [0, 7, 8, world.len() - 1] {
                assert_eq!(world.raw(i, tvl), &Value::Num(i as f64));
                let want = if i % 7 == 0 && i % 3 == 1 {
                    Value::Int(i as i64)
                } else {
                    Value::Missing
                };
                assert_eq!(world.raw(i, extra_1), &want);
                assert_eq!(world.chain_index(&format!("c{i:05}")), Some(i));
            }
        }
        World::free_on(large, &pool);
        World::free_on(small, &pool);
    }
}
