//! How many times to try, and how long to wait in between: bounded, exponential, jittered.

use std::hash::{BuildHasher, Hasher, RandomState};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, SystemTime};

/// The bounds of a retry loop.
///
/// Every answer that is worth retrying (a 412 in an update loop, a 503 anywhere) uses one
/// attempt; when `max_attempts` are used up the loop ends with the last error. Between attempts
/// the client waits a jittered, exponentially growing delay: at attempt `n` (from 1) a random
/// duration in `[cap / 2, cap]`, where `cap = min(max_delay, base_delay × 2^(n-1))`. The jitter
/// keeps clients that lost the same race from colliding again in lockstep; the lower half keeps
/// them from retrying at once. A 503's `Retry-After` replaces the delay, capped at
/// `max_retry_after`.
///
/// ```
/// use std::time::Duration;
/// use etag_core::client::RetryPolicy;
///
/// let policy = RetryPolicy::default()
///     .with_max_attempts(5)
///     .with_delays(Duration::from_millis(20), Duration::from_secs(1));
/// assert_eq!(policy.max_attempts(), 5);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetryPolicy {
    max_attempts: u32,
    base_delay: Duration,
    max_delay: Duration,
    max_retry_after: Duration,
}

impl Default for RetryPolicy {
    /// 10 attempts, delays from 10 ms up to 1 s, `Retry-After` honoured up to 30 s.
    fn default() -> Self {
        Self {
            max_attempts: 10,
            base_delay: Duration::from_millis(10),
            max_delay: Duration::from_secs(1),
            max_retry_after: Duration::from_secs(30),
        }
    }
}

impl RetryPolicy {
    /// At most `max_attempts` tries in all (at least 1: a value of 0 counts as 1).
    #[must_use]
    pub fn with_max_attempts(mut self, max_attempts: u32) -> Self {
        self.max_attempts = max_attempts.max(1);
        self
    }

    /// The first delay's cap, and the cap it grows to (`max_delay` is raised to `base_delay` if
    /// smaller).
    #[must_use]
    pub fn with_delays(mut self, base_delay: Duration, max_delay: Duration) -> Self {
        self.base_delay = base_delay;
        self.max_delay = max_delay.max(base_delay);
        self
    }

    /// The longest `Retry-After` the client waits; a server asking for longer is retried after
    /// this long.
    #[must_use]
    pub fn with_max_retry_after(mut self, max_retry_after: Duration) -> Self {
        self.max_retry_after = max_retry_after;
        self
    }

    /// The bound on attempts.
    pub fn max_attempts(&self) -> u32 {
        self.max_attempts
    }

    /// The cap on the first delay.
    pub fn base_delay(&self) -> Duration {
        self.base_delay
    }

    /// The cap delays grow to.
    pub fn max_delay(&self) -> Duration {
        self.max_delay
    }

    /// The longest `Retry-After` honoured.
    pub fn max_retry_after(&self) -> Duration {
        self.max_retry_after
    }

    /// The delay before the attempt after `attempt` (counting from 1), with fresh jitter.
    pub fn delay(&self, attempt: u32) -> Duration {
        self.delay_with(attempt, jitter())
    }

    /// The wait after a 503: the server's `Retry-After` (capped), or the backoff delay.
    pub(crate) fn unavailable_delay(
        &self,
        attempt: u32,
        retry_after: Option<Duration>,
    ) -> Duration {
        match retry_after {
            Some(wait) => wait.min(self.max_retry_after),
            None => self.delay(attempt),
        }
    }

    /// The delay for `attempt` given a jitter value in `[0, 1]` (as a fraction of `u64::MAX`).
    fn delay_with(&self, attempt: u32, unit: u64) -> Duration {
        let doublings = attempt.saturating_sub(1).min(31);
        let cap = self
            .base_delay
            .saturating_mul(1 << doublings)
            .min(self.max_delay);
        let half = cap / 2;
        let spread = (cap - half).as_nanos();
        // A Duration holds under 2^94 nanoseconds; scaling by the jitter's top 32 bits keeps the
        // product under 2^126, so it cannot overflow even for `Duration::MAX`.
        let fraction = u128::from(unit >> 32);
        let extra = spread * fraction / u128::from(u32::MAX);
        half + Duration::from_nanos(u64::try_from(extra).unwrap_or(u64::MAX))
    }
}

/// A jitter value, uniform enough for spreading retries: std's per-instance random hash keys over
/// a process-wide counter and the clock. Retries need spreading, not unpredictability, so a
/// random-number crate would be weight without benefit.
fn jitter() -> u64 {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let mut hasher = RandomState::new().build_hasher();
    hasher.write_u64(COUNTER.fetch_add(1, Ordering::Relaxed));
    let nanos = SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .map_or(0, |since| since.subsec_nanos());
    hasher.write_u32(nanos);
    hasher.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy() -> RetryPolicy {
        RetryPolicy::default().with_delays(Duration::from_millis(10), Duration::from_millis(200))
    }

    #[test]
    fn delays_grow_exponentially_between_half_and_full_cap() {
        let policy = policy();
        for (attempt, cap_ms) in [(1, 10), (2, 20), (3, 40), (4, 80), (5, 160)] {
            let cap = Duration::from_millis(cap_ms);
            assert_eq!(policy.delay_with(attempt, 0), cap / 2, "attempt {attempt}");
            assert_eq!(
                policy.delay_with(attempt, u64::MAX),
                cap,
                "attempt {attempt}"
            );
            let middle = policy.delay_with(attempt, u64::MAX / 2);
            assert!(
                middle > cap / 2 && middle < cap,
                "attempt {attempt}: {middle:?}"
            );
        }
    }

    #[test]
    fn delays_stop_growing_at_the_cap_even_for_huge_attempt_numbers() {
        let policy = policy();
        let cap = Duration::from_millis(200);
        for attempt in [6, 7, 40, u32::MAX] {
            assert_eq!(
                policy.delay_with(attempt, u64::MAX),
                cap,
                "attempt {attempt}"
            );
            assert_eq!(policy.delay_with(attempt, 0), cap / 2, "attempt {attempt}");
        }
        let huge = RetryPolicy::default().with_delays(Duration::MAX, Duration::MAX);
        assert!(huge.delay_with(u32::MAX, u64::MAX) >= Duration::MAX / 2);
    }

    #[test]
    fn fresh_jitter_spreads_delays_within_bounds() {
        let policy = policy();
        let delays: Vec<Duration> = (0..64).map(|_| policy.delay(3)).collect();
        for delay in &delays {
            assert!(*delay >= Duration::from_millis(20) && *delay <= Duration::from_millis(40));
        }
        let mut distinct = delays.clone();
        distinct.sort();
        distinct.dedup();
        assert!(distinct.len() > 32, "jitter varies: {distinct:?}");
    }

    #[test]
    fn retry_after_replaces_the_backoff_and_is_capped() {
        let policy = policy().with_max_retry_after(Duration::from_secs(5));
        assert_eq!(
            policy.unavailable_delay(1, Some(Duration::from_secs(2))),
            Duration::from_secs(2)
        );
        assert_eq!(
            policy.unavailable_delay(1, Some(Duration::from_secs(3600))),
            Duration::from_secs(5)
        );
        assert!(policy.unavailable_delay(1, None) <= Duration::from_millis(10));
    }

    #[test]
    fn at_least_one_attempt_and_a_consistent_delay_range() {
        let policy = RetryPolicy::default()
            .with_max_attempts(0)
            .with_delays(Duration::from_millis(50), Duration::from_millis(5));
        assert_eq!(policy.max_attempts(), 1);
        assert_eq!(policy.max_delay(), Duration::from_millis(50));
    }
}
