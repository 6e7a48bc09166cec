//! When to try a request again and how long to wait first: 429 and 5xx answers and transient
//! network failures are retried with exponential backoff and jitter (so that many clients
//! that failed together do not all come back together), and a server's `Retry-After` is
//! honoured up to a cap (a server asking for an hour should not hang a pull for an hour).

use std::hash::{BuildHasher, Hasher};
use std::time::Duration;

/// The first backoff; attempt `n` (0-based) waits about `BASE * 2^n`.
const BASE: Duration = Duration::from_secs(1);
/// The longest backoff between two attempts.
const MAX_BACKOFF: Duration = Duration::from_secs(30);
/// The longest `Retry-After` honoured.
pub const MAX_RETRY_AFTER: Duration = Duration::from_secs(60);

/// Whether an HTTP status is worth another attempt: rate limiting and server errors.
pub fn retryable_status(status: u16) -> bool {
    status == 429 || (500..600).contains(&status)
}

/// The wait before attempt `attempt + 1` after attempt `attempt` (0-based) failed: half the
/// exponential step fixed, half random ("equal jitter"), so the wait grows but never
/// collapses to zero.
pub fn backoff(attempt: u32) -> Duration {
    let step = BASE
        .saturating_mul(1u32.checked_shl(attempt).unwrap_or(u32::MAX))
        .min(MAX_BACKOFF);
    let half = step / 2;
    half + half.mul_f64(random_unit())
}

/// The wait a `Retry-After` header asks for (delay-seconds or an HTTP date, RFC 9110
/// section 10.2.3), capped at [`MAX_RETRY_AFTER`]; `None` when the header is unreadable, so
/// that the caller falls back to its own backoff.
pub fn retry_after(header: &str, now: chrono::DateTime<chrono::Utc>) -> Option<Duration> {
    let header = header.trim();
    let wait = if let Ok(secs) = header.parse::<u64>() {
        Duration::from_secs(secs)
    } else {
        let at = chrono::DateTime::parse_from_rfc2822(header).ok()?;
        (at.with_timezone(&chrono::Utc) - now)
            .to_std()
            .unwrap_or(Duration::ZERO)
    };
    Some(wait.min(MAX_RETRY_AFTER))
}

/// A number in [0, 1) that differs from run to run: std's `RandomState` is seeded randomly
/// per instance, which is all the randomness jitter needs.
fn random_unit() -> f64 {
    let bits = std::collections::hash_map::RandomState::new()
        .build_hasher()
        .finish();
    (bits >> 11) as f64 / (1u64 << 53) as f64
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn backoff_doubles_within_its_jitter_band_and_is_capped() {
        for attempt in 0..8 {
            let step = (BASE * 2u32.pow(attempt)).min(MAX_BACKOFF);
            for _ in 0..20 {
                let d = backoff(attempt);
                assert!(d >= step / 2 && d <= step, "attempt {attempt}: {d:?}");
            }
        }
        assert!(backoff(40) <= MAX_BACKOFF);
    }

    #[test]
    fn jitter_varies() {
        let waits: std::collections::BTreeSet<Duration> = (0..20).map(|_| backoff(3)).collect();
        assert!(waits.len() > 1);
    }

    #[test]
    fn retry_after_reads_seconds_and_dates_and_is_capped() {
        let now = chrono::Utc.with_ymd_and_hms(2026, 5, 1, 12, 0, 0).unwrap();
        assert_eq!(retry_after("3", now), Some(Duration::from_secs(3)));
        assert_eq!(retry_after(" 0 ", now), Some(Duration::ZERO));
        assert_eq!(retry_after("86400", now), Some(MAX_RETRY_AFTER));
        assert_eq!(
            retry_after("Fri, 01 May 2026 12:00:05 GMT", now),
            Some(Duration::from_secs(5))
        );
        assert_eq!(
            retry_after("Fri, 01 May 2026 11:00:00 GMT", now),
            Some(Duration::ZERO)
        );
        assert_eq!(retry_after("soon", now), None);
        assert_eq!(retry_after("-1", now), None);
    }

    #[test]
    fn only_rate_limits_and_server_errors_are_retried() {
        assert!(retryable_status(429));
        assert!(retryable_status(500));
        assert!(retryable_status(503));
        assert!(!retryable_status(404));
        assert!(!retryable_status(400));
        assert!(!retryable_status(200));
    }
}
