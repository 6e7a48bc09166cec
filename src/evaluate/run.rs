//! One evaluation: one compiled rule against one chain (or the sector). Builds the values the
//! rule sees around a fresh evidence trace, calls the entry function without re-running the
//! file's top level, within the sandbox's bounds and the run's time budgets, and turns whatever
//! happens into a verdict. Nothing here returns `Err` and nothing a rule does escapes as a
//! panic: a rule that breaks is an ERROR verdict and the screen goes on.
//!
//! An error that does not say where it happened (a limit reached, a value that is not a
//! verdict, a panic) is located by running the same evaluation again on the pack's locator
//! engine, which records every step: the last step before it stopped is the line that ran
//! away. Only failed evaluations pay for this; their time counts in the rule's budget.

use super::budget::{self, Budget};
use super::diagnose::{self, Context};
use super::outcome;
use super::verdict::{Evidence, Status, Verdict};
use crate::contain::contained;
use crate::rules::DeadlineKind;
use crate::rules::RulePack;
use crate::rules::api::chain::Chain;
use crate::rules::api::params::Params;
use crate::rules::api::peers::Peers;
use crate::rules::api::sandbox::sharing;
use crate::rules::api::trace::Trace;
use crate::rules::api::world::World;
use crate::rules::engine::Leftovers;
use crate::rules::limits::{MAX_HINT_BYTES, MAX_REASON_BYTES, bounded_owned};
use crate::rules::pack::CompiledRule;
use rhai::{Caches, Dynamic, Engine, EvalAltResult, EvalContext, Position, Scope};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Time the re-run of an evaluation stopped by time may take on the locator engine: enough to
/// be inside whatever loop it was spinning in. Any other failed evaluation is re-run until it
/// fails the same way (the operations limit is reached at the same step), within four times
/// what its first run took or the evaluation time limit, whichever is longer: the locator
/// engine is slower than the screen's (its debugger stops at every step), on a loaded machine
/// the pace of the two runs differs more, and a re-run cut short would point wherever it
/// happened to be.
const LOCATE_TIME: Duration = Duration::from_millis(50);

/// What a rule is evaluated against.
#[derive(Clone, Copy, Debug)]
pub enum Target {
    Chain(usize),
    Sector,
}

/// How an evaluation ended when it did not return a value.
enum Failure {
    Rhai(Box<EvalAltResult>),
    /// A panic inside the engine or the rule API, with its message.
    Panic(String),
}

pub fn run<'p>(
    pack: &RulePack,
    rule: &'p CompiledRule,
    world: &Arc<World>,
    target: Target,
    slate: &mut Slate<'p>,
    budget: &Budget,
) -> Verdict {
    let error = |reason: String, location: String| Verdict {
        rule: rule.info.id.clone(),
        status: Status::Error,
        reason: bounded_owned(reason, MAX_REASON_BYTES),
        hint: None,
        evidence: Vec::new(),
        params: Default::default(),
        location: Some(location),
        output: Vec::new(),
    };
    let at = |(line, column): (usize, usize)| format!("{}:{line}:{column}", rule.info.file);
    if let Some(broken) = &rule.broken {
        return error(
            format!("the rule does not compile: {}", broken.message),
            at((broken.line, broken.column)),
        );
    }
    let spent = budget.of(rule);
    let (millis, screen_millis) = budget.millis();
    let ctx = |missing| Context {
        source: &rule.source,
        limits: &pack.limits,
        budgets: (millis, screen_millis),
        missing,
    };
    let (time, kind) = match budget.allowance(spent, pack.limits.time_limit) {
        Ok(allowed) => allowed,
        Err(kind) => {
            let location = spent
                .stopped_at
                .get()
                .cloned()
                .unwrap_or_else(|| at(rule.entry_at));
            return error(diagnose::out_of_budget(kind, &ctx(&[])), location);
        }
    };

    let started = Instant::now();
    let cpu_started = budget.precise(spent).then(budget::thread_cpu_time);
    let trace = Trace::default();
    let (scope, caches) = slate.of(rule);
    let (result, leftovers) = evaluate(
        &pack.engine,
        pack,
        rule,
        world,
        target,
        (scope, caches),
        &trace,
        time,
        kind,
    );
    let data = trace.take();
    let locate_here = |scope: &mut Scope<'static>, stopped_by_time: bool| {
        let time = if stopped_by_time {
            LOCATE_TIME.min(pack.limits.time_limit)
        } else {
            (started.elapsed() * 4).max(pack.limits.time_limit)
        };
        at(locate(pack, rule, world, target, scope, time).unwrap_or(rule.entry_at))
    };
    let (status, reason, hint, location) = match result {
        Ok(value) => match outcome::read(&value) {
            Ok(o) => (o.status, o.reason, o.hint, None),
            Err(message) => (
                Status::Error,
                message,
                None,
                Some(locate_here(scope, false)),
            ),
        },
        Err(Failure::Rhai(err)) => {
            let (message, place) = diagnose::explain(&err, &ctx(&data.missing));
            let by_time = matches!(*err, EvalAltResult::ErrorTerminated(..))
                || diagnose::ran_away(&err) && !diagnose::out_of_operations(&err);
            let location = place.map_or_else(|| locate_here(scope, by_time), at);
            (Status::Error, message, None, Some(location))
        }
        Err(Failure::Panic(message)) => (
            Status::Error,
            format!(
                "the rule made moat fail ({message}); this is a bug in moat, please report it with the rule"
            ),
            None,
            Some(locate_here(scope, false)),
        ),
    };
    let took = match cpu_started {
        Some(cpu) => budget::thread_cpu_time().saturating_sub(cpu),
        None => started.elapsed(),
    };
    budget.charge(spent, took);
    if let Some(location) = &location {
        let _ = spent.stopped_at.set(location.clone());
    }
    let mut data = data;
    Verdict {
        rule: rule.info.id.clone(),
        status,
        reason: bounded_owned(reason, MAX_REASON_BYTES),
        hint: hint.map(|h| bounded_owned(h, MAX_HINT_BYTES)),
        evidence: data
            .evidence()
            .into_iter()
            .map(|r| {
                let provenance = provenance(world, target, &r.label);
                Evidence {
                    source: provenance.and_then(|p| p.source.clone()),
                    flags: provenance.map(|p| p.flags.clone()).unwrap_or_default(),
                    field: r.label,
                    value: r.value,
                }
            })
            .collect(),
        params: data.params(),
        location,
        output: leftovers.output,
    }
}

/// Where the value behind an evidence label comes from: a field of the judged chain
/// (`token_status`) or of a peer (`base.token_status`); none for a helper's result.
fn provenance<'a>(
    world: &'a World,
    target: Target,
    label: &str,
) -> Option<&'a crate::features::Provenance> {
    if label.bytes().any(|b| matches!(b, b'(' | b'[' | b' ')) {
        return None;
    }
    let (chain, field) = match label.split_once('.') {
        Some((slug, field)) => (world.chain_index(slug)?, field),
        None => match target {
            Target::Chain(i) => (i, label),
            Target::Sector => return None,
        },
    };
    world.universe.chains[chain].provenance.get(field)
}

/// Call the rule's entry function on `engine` within the bounds, a panic included.
#[allow(clippy::too_many_arguments)]
fn evaluate(
    engine: &Engine,
    pack: &RulePack,
    rule: &CompiledRule,
    world: &Arc<World>,
    target: Target,
    (scope, caches): (&mut Scope<'static>, &mut Caches),
    trace: &Trace,
    time: Duration,
    kind: DeadlineKind,
) -> (Result<Dynamic, Failure>, Leftovers) {
    let params = Dynamic::from(Params::new(rule.params.clone(), trace.clone()));
    let peers = Dynamic::from(Peers::all(world.clone(), trace.clone()));
    scope.clear();
    crate::rules::guarded(&pack.limits, time, kind, || {
        // Outside `contained`, so that a panic does not skip putting the flag back.
        sharing(rule.shares_variables, || {
            contained(|| match target {
                Target::Chain(i) => {
                    let chain = Dynamic::from(Chain::subject(world.clone(), i, trace.clone()));
                    call(engine, rule, caches, scope, "rule", [chain, params, peers])
                }
                Target::Sector => call(engine, rule, caches, scope, "sector", [peers, params]),
            })
        })
        .map_err(Failure::Panic)
        .and_then(|r| r.map_err(Failure::Rhai))
    })
}

/// Where a failed evaluation was when it stopped: the last step of the same evaluation run
/// again on the locator engine, with a fresh trace and within `LOCATE_TIME`.
fn locate(
    pack: &RulePack,
    rule: &CompiledRule,
    world: &Arc<World>,
    target: Target,
    scope: &mut Scope<'static>,
    time: Duration,
) -> Option<(usize, usize)> {
    let trace = Trace::default();
    let (_, leftovers) = evaluate(
        pack.locator(),
        pack,
        rule,
        world,
        target,
        (scope, &mut Caches::new()),
        &trace,
        time,
        DeadlineKind::Evaluation,
    );
    position(leftovers.last_position)
}

/// Call the entry function `name` of the rule's script: what rhai's `call_fn` does (the
/// file's top level not run again, an `exit` the result, an error inside the entry function
/// reported as itself), but with `caches`, rhai's function resolutions, kept by the caller from
/// one evaluation of the rule to the next instead of resolved afresh in every evaluation.
/// The two calls rhai makes on the way to the entry function count as two levels of calls:
/// the engine allows `CALL_LEVELS_ON_THE_WAY` more (see `rules::engine`), so a rule recurses
/// exactly as deep as its limit says.
fn call<const N: usize>(
    engine: &Engine,
    rule: &CompiledRule,
    caches: &mut Caches,
    scope: &mut Scope,
    name: &str,
    mut args: [Dynamic; N],
) -> Result<Dynamic, Box<EvalAltResult>> {
    let mut global = engine.new_global_runtime_state();
    global.lib.push(rule.ast.shared_lib().clone());
    global.source = rule.ast_source.clone();
    let mut context = EvalContext::new(engine, &mut global, caches, scope, None);
    let mut refs: [&mut Dynamic; N] = args.each_mut();
    context
        .call_fn_raw(name, false, false, &mut refs)
        .or_else(|err| match *err {
            EvalAltResult::Exit(out, ..) => Ok(out),
            _ => Err(err),
        })
        .map_err(|err| match *err {
            EvalAltResult::ErrorInFunctionCall(f, _, inner, _) if f == name => inner,
            other => other.into(),
        })
}

/// What one thread keeps from one evaluation to the next within a run: the scope's storage,
/// and each rule's function resolutions (valid for as long as the rule and the engine are the
/// same, which a slate borrowing the rules guarantees).
#[derive(Default)]
pub struct Slate<'p> {
    scope: Scope<'static>,
    caches: Vec<(&'p CompiledRule, Caches)>,
}

impl<'p> Slate<'p> {
    pub fn new() -> Self {
        Self::default()
    }

    fn of(&mut self, rule: &'p CompiledRule) -> (&mut Scope<'static>, &mut Caches) {
        let at = match self.caches.iter().position(|(r, _)| std::ptr::eq(*r, rule)) {
            Some(at) => at,
            None => {
                self.caches.push((rule, Caches::new()));
                self.caches.len() - 1
            }
        };
        (&mut self.scope, &mut self.caches[at].1)
    }
}

fn position(p: Position) -> Option<(usize, usize)> {
    p.line().map(|l| (l, p.position().unwrap_or(1)))
}
