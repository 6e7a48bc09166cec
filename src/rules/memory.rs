//! The memory a rule evaluation uses, as the bytes its thread allocated and has not freed since
//! the evaluation started. Every value a rule can grow (strings, arrays, maps, closures and what
//! they capture, evidence labels) is allocated on the thread that evaluates it, so one counter
//! bounds them all, whatever path grows them; the engine checks it at every operation, which
//! costs two reads of thread-local counters. The counters are jemalloc's (`thread.allocatedp`,
//! `thread.deallocatedp`), which is why jemalloc is the program's allocator.

use std::cell::Cell;
use tikv_jemalloc_ctl::thread::{ThreadLocal, allocatedp, deallocatedp};

#[global_allocator]
static ALLOCATOR: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

thread_local! {
    /// This thread's allocated and deallocated byte counters (`None` if jemalloc cannot say).
    static COUNTERS: Option<(ThreadLocal<u64>, ThreadLocal<u64>)> =
        allocatedp::read().ok().zip(deallocatedp::read().ok());
    /// Bytes allocated by work that runs inside an evaluation on its behalf but not for it
    /// (building a shared index of the universe on first use): not charged to the evaluation.
    static EXEMPT: Cell<i64> = const { Cell::new(0) };
}

/// Bytes this thread holds now (allocated minus freed, since the thread started), less what
/// was exempted: the difference of two readings is what was allocated in between.
pub fn held() -> i64 {
    raw(COUNTERS.with(|c| *c)) - EXEMPT.with(Cell::get)
}

/// Allocated minus freed bytes, as the counters say now (0 if jemalloc cannot say).
#[inline]
fn raw(counters: Counters) -> i64 {
    counters.map_or(0, |(a, d)| a.get().wrapping_sub(d.get()) as i64)
}

/// This thread's counters, found once (a copy cannot leave the thread: it is not `Send`).
type Counters = Option<(ThreadLocal<u64>, ThreadLocal<u64>)>;

thread_local! {
    /// While an evaluation runs on this thread: the counters, and the reading of allocated
    /// minus freed bytes past which it holds more than its limit (what the thread held when it
    /// started, plus the limit, plus what was exempted since). Read at every operation, so it
    /// is laid out for that: one cell, nothing to subtract. `i64::MAX` when none is watched.
    static WATCH: Cell<(Counters, i64)> = const { Cell::new((None, i64::MAX)) };
}

/// The watch of the evaluation this one is nested in, put back by [`unwatch`].
pub struct Outer {
    watch: (Counters, i64),
    exempt: i64,
}

/// Watch the memory of an evaluation starting on this thread now: [`over`] says whether it
/// holds more than `limit` bytes. Returns the watch it replaces, for [`unwatch`].
pub fn watch(limit: usize) -> Outer {
    let counters = COUNTERS.with(|c| *c);
    let ceiling = raw(counters).saturating_add(i64::try_from(limit).unwrap_or(i64::MAX));
    Outer {
        watch: WATCH.with(|w| w.replace((counters, ceiling))),
        exempt: EXEMPT.with(Cell::get),
    }
}

/// End the watch [`watch`] started, putting back the one it replaced (whose ceiling rises by
/// what was exempted in between, as it would have had it been running).
pub fn unwatch(outer: Outer) {
    let exempted = EXEMPT.with(Cell::get) - outer.exempt;
    let (counters, ceiling) = outer.watch;
    WATCH.with(|w| w.set((counters, ceiling.saturating_add(exempted))));
}

/// Whether the evaluation being watched on this thread holds more than its limit.
#[inline]
pub fn over() -> bool {
    let (counters, ceiling) = WATCH.with(Cell::get);
    counters.is_some() && raw(counters) > ceiling
}

/// Run `f` without charging what it allocates to the evaluation running on this thread.
pub fn exempt<R>(f: impl FnOnce() -> R) -> R {
    let before = held();
    let out = f();
    let grown = held() - before;
    EXEMPT.with(|e| e.set(e.get() + grown));
    WATCH.with(|w| {
        let (counters, ceiling) = w.get();
        w.set((counters, ceiling.saturating_add(grown)));
    });
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn held_follows_allocations_on_this_thread() {
        let before = held();
        let block = vec![0u8; 1 << 20];
        let during = held();
        assert!(during - before >= 1 << 20, "{before} → {during}");
        drop(block);
        assert!(held() - before < 1 << 16);
        let kept = exempt(|| vec![0u8; 1 << 20]);
        assert!(held() - before < 1 << 16);
        drop(kept);
    }

    #[test]
    fn a_watch_sees_its_evaluation_pass_its_limit_less_what_was_exempted() {
        assert!(!over(), "nothing is watched");
        // 1 MiB and a margin for the size classes.
        let outer = watch((1 << 20) + (1 << 16));
        let small = vec![1u8; 1 << 19];
        assert!(!over());
        let inner = watch(1 << 18);
        let big = vec![1u8; 1 << 19];
        assert!(over(), "the inner evaluation holds 512 KiB of 256 KiB");
        unwatch(inner);
        assert!(!over(), "the outer one holds 1 MiB of 1 MiB and the margin");
        let more = vec![1u8; 1 << 18];
        assert!(over(), "and now more");
        let index = exempt(|| vec![1u8; 1 << 20]);
        drop(more);
        assert!(!over(), "what was exempted is not charged");
        let nested = watch(1 << 18);
        let shared = exempt(|| vec![1u8; 1 << 20]);
        unwatch(nested);
        assert!(!over(), "nor what a nested evaluation exempted");
        drop((small, big, index, shared));
        unwatch(outer);
        assert!(!over(), "nothing is watched");
    }
}
