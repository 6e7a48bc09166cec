//! The evaluate stage: every rule of a pack against every chain of a universe (in parallel),
//! plus the sector rules once, giving verdicts with evidence, per-chain scores and the stamps
//! that make a result reproducible. The output is the same whatever the thread count: each
//! evaluation is independent and results are sorted before they are returned.

mod budget;
mod deciding;
mod diagnose;
mod outcome;
mod result;
mod run;
mod score;
mod verdict;

#[cfg(test)]
pub(crate) mod tests;

pub use budget::{Budget, SpentRules};
pub use deciding::deciding_by;
pub(crate) use diagnose::named as named_in_error;
pub use result::{ChainResult, Deciding, ScreenResult, SectorResult, Stamps};
pub use score::{Tally, tally as score};
pub use verdict::{Evidence, Status, Verdict};

use crate::diagnostics::unknown;
use crate::features::{Universe, Value};
use crate::rules::api::world::World;
use crate::rules::pack::CompiledRule;
use crate::rules::{RulePack, RuleScope};
use anyhow::{Context as _, bail};
use rayon::prelude::*;
use run::{Slate, Target};
use std::sync::Arc;

/// Stack for evaluation threads. Rule recursion is bounded by `MAX_CALL_LEVELS`, but a value
/// nested a hundred thousand levels deep (`a = [a]` in a loop, bounded only by operations and
/// memory) is dropped, compared and printed by recursion in rhai: the stack must hold that
/// depth. Only the pages used are ever touched.
const STACK_SIZE: usize = 256 << 20;

/// How to run a screen.
#[derive(Clone, Debug, Default)]
pub struct ScreenOptions {
    /// Judge only these chains (slugs); peers are still the whole universe.
    pub chains: Option<Vec<String>>,
    /// Apply only these rules (ids).
    pub rules: Option<Vec<String>>,
    /// Worker threads (`None`: one per core). The result does not depend on it.
    pub threads: Option<usize>,
    /// Rules that ran out of their time budget in an earlier screen of the same run (a
    /// backtest's earlier dates), shared with it: they are refused without running, and the
    /// rules that run out in this screen are added.
    pub spent_before: Option<Arc<SpentRules>>,
}

/// Run the screen: every selected chain rule against every selected chain, then the sector
/// rules. `Err` only for bad options (an unknown chain or rule id, a thread pool that cannot
/// start); rule failures are ERROR verdicts inside the result.
pub fn screen(
    pack: &RulePack,
    universe: &Universe,
    options: &ScreenOptions,
) -> anyhow::Result<ScreenResult> {
    screen_owned(pack, universe.clone(), options)
}

/// [`screen`] a universe handed over (not copied): what a screen that cut it does.
pub fn screen_owned(
    pack: &RulePack,
    universe: Universe,
    options: &ScreenOptions,
) -> anyhow::Result<ScreenResult> {
    let pool = pool(options.threads.unwrap_or(0))?;
    let world = World::of_on(universe, &pool);
    screen_world(pack, world, options)
}

/// The chains from which a screen on more than one thread gives each thread its own copy of
/// the rule pack ([`RulePack::copy`]). The copies are compiled on their threads side by side,
/// about 3 ms each for the shipped pack; on two threads at 10,000 chains they took the
/// evaluation's CPU time from 5–13% more than on one thread to 3–7% more (README,
/// "Performance"). At 1,000 chains a screen's evaluation takes about 67 ms on one thread, so
/// from 2,000 the copy is a few percent of each thread's work; the shipped screen of 130
/// chains is far below the mark.
pub(crate) const OWN_PACK_FROM_CHAINS: usize = 2_000;

fn screen_world(
    pack: &RulePack,
    world: Arc<World>,
    options: &ScreenOptions,
) -> anyhow::Result<ScreenResult> {
    let universe = &world.universe;
    let rules = select_rules(pack, options.rules.as_deref())?;
    let chains = select_chains(universe, options.chains.as_deref())?;
    let chain_rules: Vec<&CompiledRule> = rules
        .iter()
        .copied()
        .filter(|r| r.info.scope == RuleScope::Chain)
        .collect();
    let sector_rules: Vec<&CompiledRule> = rules
        .iter()
        .copied()
        .filter(|r| r.info.scope == RuleScope::Sector)
        .collect();

    let pool = pool(options.threads.unwrap_or(0))?;
    // A screen of sector rules alone judges the sector, not each chain.
    let chains = if chain_rules.is_empty() {
        Vec::new()
    } else {
        chains
    };
    let budget = match &options.spent_before {
        Some(before) => Budget::after(pack, chains.len(), before),
        None => Budget::new(pack, chains.len()),
    };
    // Each thread's own copy of the pack on a large screen, with its chain rules.
    let copies: Vec<RulePack> =
        if pool.current_num_threads() > 1 && chains.len() >= OWN_PACK_FROM_CHAINS {
            pool.broadcast(|_| pack.copy())
                .into_iter()
                .collect::<Option<_>>()
                .unwrap_or_default()
        } else {
            Vec::new()
        };
    let copied_rules: Vec<Vec<&CompiledRule>> = copies
        .iter()
        .map(|copy| {
            chain_rules
                .iter()
                .filter_map(|r| copy.rules.iter().find(|c| c.info.id == r.info.id))
                .collect()
        })
        .collect();
    let (mut chain_results, sector) = pool.install(|| {
        let results: Vec<ChainResult> = chains
            .par_iter()
            .map_init(Slate::new, |slate, &i| {
                match rayon::current_thread_index().filter(|&t| t < copies.len()) {
                    Some(t) => {
                        chain_result(&copies[t], &copied_rules[t], &world, i, slate, &budget)
                    }
                    None => chain_result(pack, &chain_rules, &world, i, slate, &budget),
                }
            })
            .collect();
        let sector =
            (!sector_rules.is_empty()).then(|| sector_result(pack, &sector_rules, &world, &budget));
        (results, sector)
    });
    if let Some(before) = &options.spent_before {
        budget.pass_on(before, chains.len());
    }
    chain_results.sort_by(ranking);
    let result = ScreenResult {
        stamps: stamps(pack, universe)?,
        rules: rules.iter().map(|r| r.info.clone()).collect(),
        chains: chain_results,
        sector,
        not_screened: Vec::new(),
        chains_asked: options.chains.as_deref().map(asked),
    };
    World::free_on(world, &pool);
    Ok(result)
}

/// The chains named with `--chains`, by slug, each once: what a result says it was asked.
pub fn asked(chains: &[String]) -> Vec<String> {
    let mut out = chains.to_vec();
    out.sort_unstable();
    out.dedup();
    out
}

/// The evaluation threads for `threads` (0: one per core), started once per process and kept:
/// a backtest screens hundreds of dates, and a rule author re-runs screens in one session.
fn pool(threads: usize) -> anyhow::Result<Arc<rayon::ThreadPool>> {
    static POOLS: std::sync::Mutex<Vec<(usize, Arc<rayon::ThreadPool>)>> =
        std::sync::Mutex::new(Vec::new());
    let mut pools = POOLS.lock().unwrap_or_else(|e| e.into_inner());
    if let Some((_, pool)) = pools.iter().find(|(n, _)| *n == threads) {
        return Ok(pool.clone());
    }
    let n = if threads == 0 {
        std::thread::available_parallelism().map_or(1, |n| n.get())
    } else {
        threads
    };
    let refused = || {
        format!(
            "cannot start {n} evaluation threads, each with {} MiB of stack reserved (address space, not memory in use): give fewer with --threads",
            STACK_SIZE >> 20
        )
    };
    // Refused before any starts when the process's address space (`ulimit -v`) cannot hold
    // their stacks with room to spare: a pool that fails part way leaves the threads it started
    // holding the space, and another thread of the process then failing to set itself up
    // aborts the process instead of this error.
    if let Some(limit) = rustix::process::getrlimit(rustix::process::Resource::As).current {
        let stacks = (n as u64).saturating_mul(STACK_SIZE as u64);
        if stacks > limit / 2 {
            bail!(
                "{}: the address space is limited to {} MiB, and the stacks would take {} MiB of it",
                refused(),
                limit >> 20,
                stacks >> 20
            );
        }
    }
    let pool = Arc::new(
        rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .stack_size(STACK_SIZE)
            .build()
            .with_context(refused)?,
    );
    pools.push((threads, pool.clone()));
    Ok(pool)
}

/// The order of a screen: overall PASS first (a chain whose gates fail never sits above one
/// that passes), then score (highest first, no score last), then slug.
fn ranking(a: &ChainResult, b: &ChainResult) -> std::cmp::Ordering {
    let pass = |c: &ChainResult| c.overall == Status::Pass;
    let score = |c: &ChainResult| c.score.unwrap_or(f64::NEG_INFINITY);
    pass(b)
        .cmp(&pass(a))
        .then_with(|| score(b).total_cmp(&score(a)))
        .then_with(|| a.slug.cmp(&b.slug))
}

/// What makes a result of `pack` on `universe` comparable and re-creatable.
pub fn stamps(pack: &RulePack, universe: &Universe) -> anyhow::Result<Stamps> {
    let data = &universe.data;
    Ok(Stamps {
        screen: pack.name().to_string(),
        as_of: universe.as_of.format("%Y-%m-%d").to_string(),
        vintage: data.vintage.clone(),
        dataset: data.name.clone(),
        tvl_newest: universe.tvl_week.map(|d| d.format("%Y-%m-%d").to_string()),
        tvl_age_days: universe.tvl_week.map(|d| (universe.as_of - d).num_days()),
        dataset_hash: data.hash.get()?,
        rule_pack_hash: pack.hash().to_string(),
        pass_mark: pack.pass_mark(),
        moat_version: env!("CARGO_PKG_VERSION").to_string(),
    })
}

/// Every chain rule against one chain (for `moat explain <chain>`).
pub fn evaluate_chain(
    pack: &RulePack,
    universe: &Universe,
    slug: &str,
) -> anyhow::Result<ChainResult> {
    let i = select_chains(universe, Some(&[slug.to_string()]))?[0];
    let rules: Vec<&CompiledRule> = pack
        .rules
        .iter()
        .filter(|r| r.info.scope == RuleScope::Chain)
        .collect();
    let budget = Budget::new(pack, 1);
    on_evaluation_stack(|| {
        chain_result(
            pack,
            &rules,
            &World::new(universe),
            i,
            &mut Slate::new(),
            &budget,
        )
    })
}

/// Run `f` (evaluations) on a thread with the evaluation stack, whatever thread calls. `Err`
/// when the thread cannot start (its stack is address space the process may not have, under
/// `ulimit -v`), as for the screen's threads.
pub fn on_evaluation_stack<R: Send>(f: impl FnOnce() -> R + Send) -> anyhow::Result<R> {
    std::thread::scope(|s| {
        let thread = std::thread::Builder::new()
            .stack_size(STACK_SIZE)
            .spawn_scoped(s, f)
            .with_context(|| {
                format!(
                    "cannot start an evaluation thread with {} MiB of stack reserved (address space, not memory in use)",
                    STACK_SIZE >> 20
                )
            })?;
        Ok(thread
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic)))
    })
}

/// One rule against one chain, or a sector rule with `chain: None` (for `moat explain` and a
/// rule test runner).
pub fn evaluate_rule(
    pack: &RulePack,
    universe: &Universe,
    rule: &str,
    chain: Option<&str>,
) -> anyhow::Result<Verdict> {
    on_evaluation_stack(|| {
        evaluate_rule_within(pack, universe, rule, chain, &Budget::new(pack, 1))
    })?
}

/// [`evaluate_rule`] within the time budgets of a longer run (the cases of `rules test`), on
/// the calling thread, which must be one [`on_evaluation_stack`] started.
pub fn evaluate_rule_within(
    pack: &RulePack,
    universe: &Universe,
    rule: &str,
    chain: Option<&str>,
    budget: &Budget,
) -> anyhow::Result<Verdict> {
    let compiled = select_rules(pack, Some(&[rule.to_string()]))?[0];
    let world = World::new(universe);
    let target = match (compiled.info.scope, chain) {
        (RuleScope::Chain, Some(slug)) => {
            Target::Chain(select_chains(universe, Some(&[slug.to_string()]))?[0])
        }
        (RuleScope::Chain, None) => {
            bail!("rule `{rule}` judges one chain at a time: name the chain")
        }
        (RuleScope::Sector, None) => Target::Sector,
        (RuleScope::Sector, Some(_)) => {
            bail!("rule `{rule}` is a sector rule: it judges the whole universe, not one chain")
        }
    };
    Ok(run::run(
        pack,
        compiled,
        &world,
        target,
        &mut Slate::new(),
        budget,
    ))
}

/// One chain rule against chain `chain` of a world already built (the what-if search varies
/// one field of the world between evaluations), on the calling thread, which must be one
/// [`on_evaluation_stack`] started; each evaluation has budgets of its own.
pub fn evaluate_in_world(
    pack: &RulePack,
    world: &Arc<World>,
    rule: &str,
    chain: usize,
) -> anyhow::Result<Verdict> {
    let compiled = select_rules(pack, Some(&[rule.to_string()]))?[0];
    if compiled.info.scope != RuleScope::Chain {
        bail!("rule `{rule}` is a sector rule: it judges the whole universe, not one chain");
    }
    Ok(run::run(
        pack,
        compiled,
        world,
        Target::Chain(chain),
        &mut Slate::new(),
        &Budget::new(pack, 1),
    ))
}

fn chain_result<'p>(
    pack: &RulePack,
    rules: &[&'p CompiledRule],
    world: &Arc<World>,
    i: usize,
    slate: &mut Slate<'p>,
    budget: &Budget,
) -> ChainResult {
    let verdicts: Vec<Verdict> = rules
        .iter()
        .map(|r| run::run(pack, r, world, Target::Chain(i), slate, budget))
        .collect();
    let t = tally(pack, rules, &verdicts);
    let chain = &world.universe.chains[i];
    let name = match chain.get("name") {
        Some(Value::Text(n)) => n.clone(),
        _ => chain.slug.clone(),
    };
    let mut result = ChainResult {
        slug: chain.slug.clone(),
        name,
        overall: t.overall,
        score: t.score,
        gates_failed: t.gates_failed,
        errors: t.errors,
        deciding: None,
        verdicts,
    };
    result.deciding = deciding::deciding(&result, rules);
    result
}

fn sector_result(
    pack: &RulePack,
    rules: &[&CompiledRule],
    world: &Arc<World>,
    budget: &Budget,
) -> SectorResult {
    let mut slate = Slate::new();
    let verdicts: Vec<Verdict> = rules
        .iter()
        .map(|r| run::run(pack, r, world, Target::Sector, &mut slate, budget))
        .collect();
    let t = tally(pack, rules, &verdicts);
    SectorResult {
        overall: t.overall,
        score: t.score,
        gates_failed: t.gates_failed,
        errors: t.errors,
        verdicts,
    }
}

/// Score the verdicts of `rules` (in the same order) with their weights and gates.
fn tally(pack: &RulePack, rules: &[&CompiledRule], verdicts: &[Verdict]) -> score::Tally {
    score::tally(
        verdicts
            .iter()
            .zip(rules)
            .map(|(v, r)| (v, r.info.weight, r.info.gate)),
        pack.pass_mark(),
    )
}

/// The one sentence for a rule id the pack does not have (`--only`, `--rule`, test cases).
pub fn unknown_rule(pack: &RulePack, id: &str) -> String {
    unknown(
        "rule",
        id,
        "in the rule pack",
        pack.rules().map(|r| r.id.as_str()),
    )
}

fn select_rules<'a>(
    pack: &'a RulePack,
    only: Option<&[String]>,
) -> anyhow::Result<Vec<&'a CompiledRule>> {
    let Some(only) = only else {
        return Ok(pack.rules.iter().collect());
    };
    for id in only {
        if pack.compiled(id).is_none() {
            bail!("{}", unknown_rule(pack, id));
        }
    }
    Ok(pack
        .rules
        .iter()
        .filter(|r| only.contains(&r.info.id))
        .collect())
}

fn select_chains(universe: &Universe, only: Option<&[String]>) -> anyhow::Result<Vec<usize>> {
    let Some(only) = only else {
        return Ok((0..universe.chains.len()).collect());
    };
    let mut out = Vec::new();
    for slug in only {
        match universe.chains.iter().position(|c| &c.slug == slug) {
            Some(i) => out.push(i),
            None => bail!(
                "{}",
                unknown(
                    "chain",
                    slug,
                    &format!("in the universe at {}", universe.as_of.format("%Y-%m-%d")),
                    universe.chains.iter().map(|c| c.slug.as_str()),
                )
            ),
        }
    }
    out.sort_unstable();
    out.dedup();
    Ok(out)
}
