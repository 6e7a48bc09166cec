//! Panics turned into errors where moat runs code it cannot fully trust with its input: a
//! rule (rhai and the rule API, fed a hostile rule) and the Parquet decoder (polars, fed a
//! corrupt file, which it may answer with a panic on one of its own threads). The panic hook
//! stays silent for such a panic (no message, no backtrace on stderr): the caller reports it.

use std::cell::Cell;
use std::panic::{self, AssertUnwindSafe};
use std::sync::Once;
use std::sync::atomic::{AtomicUsize, Ordering};

thread_local! {
    /// Set while this thread runs contained code.
    static CONTAINING: Cell<bool> = const { Cell::new(false) };
}

/// Decoder runs in progress ([`contained_decoding`]): a panic of the decoder's own threads
/// (its source under a `polars-` crate) during one is theirs. Only those count, so that the
/// evaluations of a screen, contained one by one, touch no shared counter.
static DECODING: AtomicUsize = AtomicUsize::new(0);

/// Run `f`, turning a panic into `Err` with its message.
pub fn contained<R>(f: impl FnOnce() -> R) -> Result<R, String> {
    static HOOK: Once = Once::new();
    HOOK.call_once(|| {
        let previous = panic::take_hook();
        panic::set_hook(Box::new(move |info| {
            let decoder = DECODING.load(Ordering::SeqCst) > 0
                && info
                    .location()
                    .is_some_and(|l| l.file().contains("polars-"));
            if !CONTAINING.with(Cell::get) && !decoder {
                previous(info);
            }
        }));
    });
    let outer = CONTAINING.with(|e| e.replace(true));
    let result = panic::catch_unwind(AssertUnwindSafe(f));
    CONTAINING.with(|e| e.set(outer));
    result.map_err(|payload| {
        payload
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "a panic".to_string())
    })
}

/// [`contained`] for a run of the Parquet decoder, whose panics may come from its own threads.
pub fn contained_decoding<R>(f: impl FnOnce() -> R) -> Result<R, String> {
    DECODING.fetch_add(1, Ordering::SeqCst);
    let result = contained(f);
    DECODING.fetch_sub(1, Ordering::SeqCst);
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panic_is_contained_with_its_message() {
        assert_eq!(contained(|| 7), Ok(7));
        let caught = contained(|| -> i32 { panic!("comparison is not a total order") });
        assert_eq!(caught, Err("comparison is not a total order".to_string()));
        // The thread is no longer containing: its own panics are reported as usual.
        assert!(!CONTAINING.with(Cell::get));
    }
}
