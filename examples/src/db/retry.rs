//! Bounded retries, shared by both backends: how often, how long, and when to give up.
//!
//! The backends decide *what* is worth retrying (SQLite's `SQLITE_BUSY`; PostgreSQL's
//! serialization failures, deadlocks, lock and statement timeouts) and how to wait (a blocking
//! sleep on SQLite's worker thread, an async sleep for PostgreSQL); this module decides how long
//! and for how many times.

use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use super::error::{BoxError, DbError};

/// Why an attempt is to be run again.
#[derive(Debug)]
pub(crate) enum Again {
    /// A transient database failure: backed off, a bounded number of times.
    Transient(BoxError),
    /// The operation asked to run again after this delay (within the wait budget).
    Wait(Duration),
}

/// How often and how long to retry.
#[derive(Debug, Clone, Copy)]
pub(crate) struct RetryPolicy {
    /// Retries after transient failures.
    pub(crate) max_transient_retries: u32,
    /// The first backoff delay; doubled on each retry up to `max_delay`, with jitter.
    pub(crate) first_delay: Duration,
    pub(crate) max_delay: Duration,
    /// The total time requested waits ([`Again::Wait`]) may take.
    pub(crate) wait_budget: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_transient_retries: 5,
            first_delay: Duration::from_millis(5),
            max_delay: Duration::from_millis(250),
            wait_budget: Duration::from_secs(10),
        }
    }
}

/// The retries of one operation so far.
#[derive(Debug)]
pub(crate) struct Retries {
    policy: RetryPolicy,
    transient: u32,
    started: Instant,
}

impl Retries {
    /// No retries yet.
    pub(crate) fn new(policy: RetryPolicy) -> Self {
        Self {
            policy,
            transient: 0,
            started: Instant::now(),
        }
    }

    /// How long to wait before the next attempt, or [`DbError::Busy`] when the budget is spent.
    pub(crate) fn delay(&mut self, again: Again) -> Result<Duration, DbError> {
        match again {
            Again::Transient(error) => {
                if self.transient >= self.policy.max_transient_retries {
                    tracing::warn!(%error, retries = self.transient, "giving up on a busy database");
                    return Err(DbError::Busy);
                }
                let delay = self.policy.backoff(self.transient);
                self.transient += 1;
                tracing::debug!(%error, ?delay, "transient database failure; retrying");
                Ok(delay)
            }
            Again::Wait(delay) => {
                if self.started.elapsed() + delay > self.policy.wait_budget {
                    return Err(DbError::Busy);
                }
                Ok(delay)
            }
        }
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

    fn transient() -> Again {
        Again::Transient("locked".into())
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
    fn requested_waits_stay_within_the_budget() {
        let mut retries = Retries::new(RetryPolicy::default());
        assert_eq!(
            retries.delay(Again::Wait(Duration::from_millis(3))).ok(),
            Some(Duration::from_millis(3))
        );
        assert!(matches!(
            retries.delay(Again::Wait(Duration::from_secs(11))),
            Err(DbError::Busy)
        ));
    }

    #[test]
    fn backoff_grows_and_stays_capped() {
        let policy = RetryPolicy::default();
        assert!(policy.backoff(0) <= Duration::from_millis(5));
        assert!(policy.backoff(30) <= policy.max_delay);
        assert!(policy.backoff(30) >= policy.max_delay / 2);
    }
}
