//! Bounded retries, shared by both backends: how often, how long, and when to give up.
//!
//! The backends decide *what* is worth retrying (SQLite's `SQLITE_BUSY`; PostgreSQL's
//! serialization failures, deadlocks, lock and statement timeouts); this module decides how long
//! and for how many times. Both wait asynchronously, between attempts: no retry ever sleeps on a
//! database worker thread.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use super::error::{BoxError, DbError};

/// How often and how long to retry.
#[derive(Debug, Clone, Copy)]
pub(crate) struct RetryPolicy {
    /// Retries after transient failures.
    pub(crate) max_transient_retries: u32,
    /// The first backoff delay; doubled on each retry up to `max_delay`, with jitter.
    pub(crate) first_delay: Duration,
    pub(crate) max_delay: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_transient_retries: 5,
            first_delay: Duration::from_millis(5),
            max_delay: Duration::from_millis(250),
        }
    }
}

/// The retries of one operation so far.
#[derive(Debug)]
pub(crate) struct Retries {
    policy: RetryPolicy,
    transient: u32,
}

impl Retries {
    /// No retries yet.
    pub(crate) fn new(policy: RetryPolicy) -> Self {
        Self {
            policy,
            transient: 0,
        }
    }

    /// How long to wait before the attempt after one that failed with the transient `error`,
    /// or [`DbError::Busy`] when the retries are spent.
    pub(crate) fn delay(&mut self, error: BoxError) -> Result<Duration, DbError> {
        if self.transient >= self.policy.max_transient_retries {
            tracing::warn!(%error, retries = self.transient, "giving up on a busy database");
            return Err(DbError::Busy);
        }
        let delay = self.policy.backoff(self.transient);
        self.transient += 1;
        tracing::debug!(%error, ?delay, "transient database failure; retrying");
        Ok(delay)
    }
}

impl RetryPolicy {
    /// Exponential backoff with "equal jitter": half the delay fixed, half random, so that
    /// processes that collided once do not collide again in lockstep.
    pub(crate) fn backoff(&self, retry: u32) -> Duration {
        let exponential = self
            .first_delay
            .saturating_mul(1 << retry.min(16))
            .min(self.max_delay);
        let half = exponential / 2;
        half + half.mul_f64(jitter_fraction())
    }
}

/// A fraction in [0, 1) that differs between threads and processes; quality is irrelevant here,
/// only that colliding retries spread out.
fn jitter_fraction() -> f64 {
    use std::hash::{BuildHasher, RandomState};
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |since| since.subsec_nanos());
    let mixed = RandomState::new().hash_one((nanos, std::thread::current().id()));
    (mixed >> 11) as f64 / (1_u64 << 53) as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    fn transient() -> BoxError {
        "locked".into()
    }

    #[test]
    fn transient_failures_are_retried_a_bounded_number_of_times() {
        let policy = RetryPolicy {
            max_transient_retries: 2,
            ..RetryPolicy::default()
        };
        let mut retries = Retries::new(policy);
        assert!(retries.delay(transient()).is_ok());
        assert!(retries.delay(transient()).is_ok());
        assert!(matches!(retries.delay(transient()), Err(DbError::Busy)));
    }

    #[test]
    fn backoff_grows_and_stays_capped() {
        let policy = RetryPolicy::default();
        assert!(policy.backoff(0) <= Duration::from_millis(5));
        assert!(policy.backoff(30) <= policy.max_delay);
        assert!(policy.backoff(30) >= policy.max_delay / 2);
    }
}
