//! The sandboxed Rhai engine every rule is compiled and evaluated with. It starts from a raw
//! engine (no file module resolver, no stdout printing), adds only the standard library and the
//! rule API, forbids `eval` and `import`, and bounds operations, call depth, sizes and wall time.
//! One engine is built per rule pack and shared read-only by every worker thread.

use super::api;
use super::limits::Limits;
use rhai::packages::{Package, StandardPackage};
use rhai::{Dynamic, Engine};
use std::cell::RefCell;
use std::time::{Duration, Instant};

/// Lines of `print`/`debug` output kept per evaluation; the rest is dropped.
const MAX_OUTPUT_LINES: usize = 100;
/// How often (in operations) the wall-clock deadline is checked.
const DEADLINE_CHECK_EVERY: u64 = 256;

/// Build the engine for a rule pack.
pub(crate) fn build(limits: &Limits) -> Engine {
    let mut engine = Engine::new_raw();
    engine.register_global_module(StandardPackage::new().as_shared_module());
    engine
        .disable_symbol("eval")
        .disable_symbol("import")
        .disable_symbol("export")
        .set_strict_variables(true)
        .set_fail_on_invalid_map_property(true)
        // Fast operators would bypass the overloads that make `() > 1` an error instead of false.
        .set_fast_operators(false)
        .set_max_operations(limits.max_operations)
        .set_max_call_levels(limits.max_call_levels)
        .set_max_expr_depths(limits.max_expr_depth, limits.max_function_expr_depth)
        .set_max_string_size(limits.max_string_size)
        .set_max_array_size(limits.max_array_size)
        .set_max_map_size(limits.max_map_size)
        .set_max_variables(limits.max_variables)
        .set_max_functions(limits.max_functions)
        .set_max_modules(0);
    engine.on_progress(|ops| {
        if ops.is_multiple_of(DEADLINE_CHECK_EVERY) && past_deadline() {
            Some(Dynamic::from("deadline"))
        } else {
            None
        }
    });
    engine.on_print(|text| capture(text.to_string()));
    engine.on_debug(|text, _source, pos| {
        capture(if pos.is_none() {
            text.to_string()
        } else {
            format!("line {}: {text}", pos.line().unwrap_or(0))
        })
    });
    api::register(&mut engine);
    engine
}

/// What one guarded evaluation leaves behind besides its result.
struct Guard {
    deadline: Instant,
    output: Vec<String>,
}

thread_local! {
    static GUARD: RefCell<Option<Guard>> = const { RefCell::new(None) };
}

/// Run `f` (one rule evaluation on this thread) with a wall-clock deadline of `time`, and return
/// its result with the lines it printed. The engine's progress and print callbacks are global,
/// so the per-evaluation state lives in a thread-local while `f` runs.
pub(crate) fn guarded<R>(time: Duration, f: impl FnOnce() -> R) -> (R, Vec<String>) {
    let fresh = Guard {
        deadline: Instant::now() + time,
        output: Vec::new(),
    };
    let outer = GUARD.with(|g| g.borrow_mut().replace(fresh));
    let result = f();
    let mine = GUARD.with(|g| std::mem::replace(&mut *g.borrow_mut(), outer));
    (result, mine.map(|g| g.output).unwrap_or_default())
}

fn past_deadline() -> bool {
    GUARD.with(|g| {
        g.borrow()
            .as_ref()
            .is_some_and(|g| Instant::now() >= g.deadline)
    })
}

fn capture(line: String) {
    GUARD.with(|g| {
        if let Some(g) = g.borrow_mut().as_mut()
            && g.output.len() < MAX_OUTPUT_LINES
        {
            g.output.push(line);
        }
    });
}
