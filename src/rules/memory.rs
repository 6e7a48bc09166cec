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
    Meter::here().held()
}

/// This thread's counters, found once: what the engine reads at every operation of an
/// evaluation (see `rules::engine`), without looking the thread's counters up each time.
#[derive(Clone, Copy)]
pub struct Meter(Option<(ThreadLocal<u64>, ThreadLocal<u64>)>);

impl Meter {
    /// The counters of the calling thread (a meter cannot leave it: it is not `Send`).
    pub fn here() -> Meter {
        Meter(COUNTERS.with(|c| *c))
    }

    /// [`held`], read through the counters found.
    #[inline]
    pub fn held(self) -> i64 {
        let raw = self
            .0
            .map_or(0, |(a, d)| a.get().wrapping_sub(d.get()) as i64);
        raw - EXEMPT.with(Cell::get)
    }
}

/// Run `f` without charging what it allocates to the evaluation running on this thread.
pub fn exempt<R>(f: impl FnOnce() -> R) -> R {
    let before = held();
    let out = f();
    let grown = held() - before;
    EXEMPT.with(|e| e.set(e.get() + grown));
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
}
