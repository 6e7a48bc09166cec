//! The sandboxed Rhai engine every rule is compiled and evaluated with. It starts from a raw
//! engine (no file module resolver, no stdout printing), adds only the standard library and the
//! rule API, forbids `eval`, `import`, explicit `curry` and `sleep`, and bounds operations, call
//! depth, sizes, printed output and wall time (see `limits`). One engine is built per rule pack
//! and shared read-only by every worker thread; a second one, the locator, is the same engine
//! with rhai's debugger reporting every step, used only to re-run an evaluation that failed
//! without saying where (see [`last_position`]).

use super::api;
use super::limits::{self, Limits};
use super::memory;
use rhai::debugger::{DebuggerCommand, DebuggerEvent};
use rhai::packages::{Package, StandardPackage};
use rhai::{Dynamic, Engine, Position};
use std::cell::RefCell;
use std::time::{Duration, Instant};

/// How often (in operations) the time an evaluation has taken is checked: often enough to stop
/// within a fraction of a millisecond, rarely enough that reading the clock costs nothing
/// measurable (an evaluation of the shipped rules never gets to the first check).
const DEADLINE_CHECK_EVERY: u64 = 256;

/// Names a rule may not use, refused when the rule compiles: they would load code (`eval`,
/// `import`, `export`), or grow a function pointer with copies of values that no size check
/// sees (`curry`; a closure captures by reference instead). `sleep`, which would block the
/// thread beyond any deadline, is replaced by a function that fails (see `api::sandbox`).
pub const REFUSED: &[&str] = &["eval", "import", "export", "curry"];

/// The levels of calls rhai counts on the way from the evaluator to a rule's entry function
/// (the evaluator calls it through an evaluation context, which keeps function resolutions
/// between evaluations; see `evaluate::run`): the engine allows that many more, so that a rule
/// nests exactly `Limits::max_call_levels` calls.
pub(crate) const CALL_LEVELS_ON_THE_WAY: usize = 2;

/// A bare rhai engine, created after rhai's hashing is made the same in every process: rhai
/// names a closure after a hash of its body (`Fn(anon$…)`), and with its default seed, drawn at
/// random per process, a rule could print that name or compare it and get a different verdict
/// on every run. Every engine moat makes comes from here, so the seed is set before any hash.
pub(crate) fn new_raw() -> Engine {
    static SEED: std::sync::Once = std::sync::Once::new();
    // Any fixed value does; these are the first digits of pi.
    SEED.call_once(|| {
        let _ = rhai::config::hashing::set_hashing_seed(Some([
            0x243f_6a88_85a3_08d3,
            0x1319_8a2e_0370_7344,
            0xa409_3822_299f_31d0,
            0x082e_fa98_ec4e_6c89,
        ]));
    });
    Engine::new_raw()
}

/// Build the engine for a rule pack.
pub(crate) fn build(limits: &Limits) -> Engine {
    let mut engine = new_raw();
    // The standard library built straight into the module the engine keeps (rather than as a
    // package, then copied to replace its sandboxed functions), and indexed once.
    let mut std = rhai::Module::new();
    <StandardPackage as Package>::init(&mut std);
    std.register_lazy_functions();
    api::sandbox::replace_in(&mut std, limits);
    std.build_index();
    engine.register_global_module(std.into());
    for name in REFUSED {
        engine.disable_symbol(*name);
    }
    engine
        .set_strict_variables(true)
        .set_fail_on_invalid_map_property(true)
        // Fast operators would bypass the overloads that make `() > 1` an error instead of false.
        .set_fast_operators(false)
        .set_max_operations(limits.max_operations)
        .set_max_call_levels(limits.max_call_levels + CALL_LEVELS_ON_THE_WAY)
        .set_max_expr_depths(limits.max_expr_depth, limits.max_function_expr_depth)
        // No rhai size limits: rhai measures a whole value after every call that may change it
        // (a push onto an array of n items walks the n items), so a loop of pushes costs n².
        // Sizes are bounded by the rule API's checks and memory by `MAX_MEMORY` instead.
        .set_max_variables(limits.max_variables)
        .set_max_functions(limits.max_functions)
        .set_max_modules(0)
        // Rules are optimised when they load, after their sizes are checked (`loader`).
        .set_optimization_level(rhai::OptimizationLevel::None);
    engine.on_progress(|_| {
        // The evaluation's own count of operations: rhai counts the operations of a function
        // a native function calls (the comparer of `sort`, the test of `filter`) in a copy of
        // its state that it drops, so by its count alone a rule looping inside such functions
        // never reached the limit, and only its time limit stopped it, at a different place in
        // every run.
        let (done, max) = OPERATIONS.with(|c| {
            let (done, max) = c.get();
            c.set((done + 1, max));
            (done + 1, max)
        });
        if done > max {
            return Some(Dynamic::from(OPERATIONS_TOKEN));
        }
        // At every operation the memory, from its watch alone; the deadline from the guard.
        if memory::over() {
            return Some(Dynamic::from(MEMORY_TOKEN));
        }
        if !done.is_multiple_of(DEADLINE_CHECK_EVERY) {
            return None;
        }
        GUARD.with(|g| {
            let mut g = g.borrow_mut();
            let g = g.as_mut()?;
            g.out_of_time().then(|| Dynamic::from(g.kind.token()))
        })
    });
    engine.on_print(capture);
    engine.on_debug(|text, _source, pos| match pos.line() {
        Some(line) => capture(&format!("line {line}: {text}")),
        None => capture(text),
    });
    api::register(&mut engine);
    api::sandbox::register_unsharing(&mut engine);
    engine
}

/// Every function name a rule can call (the standard library's and the rule API's, operators
/// excepted), for the did-you-mean of an unknown function.
pub fn function_names() -> &'static std::collections::BTreeSet<String> {
    static NAMES: std::sync::OnceLock<std::collections::BTreeSet<String>> =
        std::sync::OnceLock::new();
    NAMES.get_or_init(|| {
        build(&Limits::default())
            .gen_fn_signatures(true)
            .iter()
            .filter_map(|s| s.split('(').next())
            .map(|n| {
                n.trim()
                    .trim_start_matches("get ")
                    .trim_start_matches("set ")
                    .to_string()
            })
            .filter(|n| {
                n.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
                    && !n.contains('$')
                    && n != "to_debug"
            })
            .collect()
    })
}

/// The pack's engine with rhai's debugger recording the position of every statement it steps
/// on, so that an evaluation re-run on it leaves behind where it was when it stopped.
pub(crate) fn build_locator(limits: &Limits) -> Engine {
    let mut engine = build(limits);
    // `register_debugger` is marked deprecated only to say that the API may change.
    #[allow(deprecated)]
    engine.register_debugger(
        |_, debugger| debugger,
        |_context, event, node, _source, position| {
            // The innermost statement running (a call, an assignment, the loop itself) rather
            // than the literal or variable read last within it; an expression only when it
            // is on another line (a rule's last expression, its return value).
            if matches!(event, DebuggerEvent::Start | DebuggerEvent::Step) && !position.is_none() {
                GUARD.with(|g| {
                    if let Some(g) = g.borrow_mut().as_mut()
                        && (node.is_stmt() || position.line() != g.last_position.line())
                    {
                        g.last_position = position;
                    }
                });
            }
            Ok(DebuggerCommand::StepInto)
        },
    );
    engine
}

/// The token of rhai's `ErrorTerminated` when an evaluation holds more than its memory limit.
pub const MEMORY_TOKEN: &str = "memory";

/// The token of rhai's `ErrorTerminated` when an evaluation ran more operations than its limit
/// (counted across the functions that native functions call; see `build`).
pub const OPERATIONS_TOKEN: &str = "operations";

/// Why an evaluation's deadline is what it is: its own time limit, or what was left of a
/// time budget when it started.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DeadlineKind {
    Evaluation,
    RuleBudget,
    ScreenBudget,
}

impl DeadlineKind {
    /// The token carried by rhai's `ErrorTerminated`, read back by `diagnose`.
    pub fn token(self) -> &'static str {
        match self {
            DeadlineKind::Evaluation => "deadline",
            DeadlineKind::RuleBudget => "rule budget",
            DeadlineKind::ScreenBudget => "screen budget",
        }
    }
}

/// What one guarded evaluation leaves behind besides its result.
#[derive(Debug, Default)]
pub struct Leftovers {
    /// Lines printed with `print`/`debug`, cut at the output bounds with a marker line.
    pub output: Vec<String>,
    /// The last position stepped on (only on the locator engine).
    pub last_position: Position,
}

struct Guard {
    started: Instant,
    time: Duration,
    kind: DeadlineKind,
    /// From the first time check on: the thread's CPU time then, and the wall time taken until
    /// then.
    cpu_from: Option<(Duration, Duration)>,
    output: Vec<String>,
    output_bytes: usize,
    dropped_lines: usize,
    last_position: Position,
}

impl Guard {
    /// The guard of an evaluation starting now, allowed `time`.
    fn new(time: Duration, kind: DeadlineKind) -> Guard {
        Guard {
            started: Instant::now(),
            time,
            kind,
            cpu_from: None,
            output: Vec::new(),
            output_bytes: 0,
            dropped_lines: 0,
            last_position: Position::NONE,
        }
    }

    /// Whether the evaluation has taken its time. Its own time limit and its rule's budget
    /// count wall time up to the first check and the thread's CPU time from then on: wall time
    /// also counts the time the thread waited for a core, which a busy machine or more threads
    /// than cores multiply, and a rule well within its limit in work would run out of it. The
    /// screen's budget is a bound on the screen's wall time, and counts wall time.
    fn out_of_time(&mut self) -> bool {
        let taken = match (self.kind, self.cpu_from) {
            (DeadlineKind::ScreenBudget, _) => self.started.elapsed(),
            (_, Some((cpu, wall))) => wall + thread_cpu_time().saturating_sub(cpu),
            (_, None) => {
                let wall = self.started.elapsed();
                self.cpu_from = Some((thread_cpu_time(), wall));
                wall
            }
        };
        taken >= self.time
    }
}

/// The CPU time the calling thread has run (a system call, about 0.4 µs).
pub fn thread_cpu_time() -> Duration {
    let t = rustix::time::clock_gettime(rustix::time::ClockId::ThreadCPUTime);
    Duration::new(
        u64::try_from(t.tv_sec).unwrap_or(0),
        u32::try_from(t.tv_nsec).unwrap_or(0),
    )
}

thread_local! {
    /// Operations of the evaluation running on this thread, and its limit (none outside one).
    static OPERATIONS: std::cell::Cell<(u64, u64)> = const { std::cell::Cell::new((0, u64::MAX)) };
    static GUARD: RefCell<Option<Guard>> = const { RefCell::new(None) };
    /// Operations of every evaluation that ended on this thread.
    static SPENT: std::cell::Cell<u64> = const { std::cell::Cell::new(0) };
}

/// Operations of every evaluation that ended on this thread so far: a measure of work that is
/// the same on every machine, for bounds that must decide the same way everywhere.
pub fn operations_spent() -> u64 {
    SPENT.with(std::cell::Cell::get)
}

/// Run `f` (one rule evaluation on this thread) within `time` (see [`Guard::out_of_time`]) and
/// the memory limit of `limits`, and return its result with what it printed. The engine's
/// callbacks are global, so the per-evaluation state lives in a thread-local while `f` runs.
pub(crate) fn guarded<R>(
    limits: &Limits,
    time: Duration,
    kind: DeadlineKind,
    f: impl FnOnce() -> R,
) -> (R, Leftovers) {
    let outer_watch = memory::watch(limits.max_memory);
    let fresh = Guard::new(time, kind);
    let outer = GUARD.with(|g| g.borrow_mut().replace(fresh));
    // 0 is no limit, as rhai reads it.
    let max = match limits.max_operations {
        0 => u64::MAX,
        max => max,
    };
    let outer_operations = OPERATIONS.with(|c| c.replace((0, max)));
    let result = f();
    let done = OPERATIONS.with(|c| c.replace(outer_operations)).0;
    SPENT.with(|c| c.set(c.get().saturating_add(done)));
    let mine = GUARD.with(|g| std::mem::replace(&mut *g.borrow_mut(), outer));
    memory::unwatch(outer_watch);
    let leftovers = mine.map_or_else(Leftovers::default, |mut g| {
        if g.dropped_lines > 0 {
            g.output.push(format!(
                "… {} more line(s) not kept (at most {} lines and {} bytes of output per evaluation)",
                g.dropped_lines,
                limits::MAX_OUTPUT_LINES,
                limits::MAX_OUTPUT_BYTES
            ));
        }
        Leftovers {
            output: g.output,
            last_position: g.last_position,
        }
    });
    (result, leftovers)
}

/// Keep a printed line within the output bounds: whole lines while they fit, the first line
/// that does not fit cut to what is left, then only a count.
fn capture(line: &str) {
    GUARD.with(|g| {
        let mut g = g.borrow_mut();
        let Some(g) = g.as_mut() else { return };
        let room = limits::MAX_OUTPUT_BYTES.saturating_sub(g.output_bytes);
        if g.output.len() >= limits::MAX_OUTPUT_LINES || room == 0 {
            g.dropped_lines += 1;
            return;
        }
        let kept = limits::bounded(line, room);
        // A line cut short fills the output: what follows is only counted.
        g.output_bytes = if kept.ends_with('…') && kept != line {
            limits::MAX_OUTPUT_BYTES
        } else {
            g.output_bytes + kept.len()
        };
        g.output.push(kept);
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn function_names_are_functions_not_the_getters_of_chain_fields() {
        let names = function_names();
        assert!(names.contains("has") && names.contains("pass"));
        assert!(!names.contains("tvl_usd") && !names.contains("stage"));
        // The getters are there (`chain.tvl_usd` finds one), by their internal name.
        let signatures = build(&Limits::default()).gen_fn_signatures(false);
        assert!(
            signatures.iter().any(|s| s.starts_with("get$tvl_usd(")),
            "{signatures:?}"
        );
    }

    /// An evaluation's own limit is not spent by the time its thread waits (here, sleeps, as a
    /// thread waiting for a core would); the screen's budget, a bound on wall time, is.
    #[test]
    fn an_evaluations_time_after_its_first_check_is_cpu_time() {
        let guard = |kind| Guard::new(Duration::from_millis(40), kind);
        let (mut own, mut screen) = (
            guard(DeadlineKind::Evaluation),
            guard(DeadlineKind::ScreenBudget),
        );
        assert!(!own.out_of_time() && !screen.out_of_time());
        std::thread::sleep(Duration::from_millis(80));
        assert!(!own.out_of_time(), "a wait is not charged");
        assert!(screen.out_of_time());
        let spin = Instant::now();
        while !own.out_of_time() {
            assert!(spin.elapsed() < Duration::from_secs(30), "work is charged");
        }
    }
}
