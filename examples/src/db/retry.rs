//! Bounded retries for the moments SQLite asks for them.

use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use rusqlite::ErrorCode;

use super::DbError;

/// Why one attempt did not finish.
#[derive(Debug)]
pub(crate) enum Attempt {
    /// A SQLite error: retried when it is `SQLITE_BUSY` or `SQLITE_LOCKED`.
    Sql(rusqlite::Error),
    /// The operation asked to run again after this delay.
    Wait(Duration),
}

impl From<rusqlite::Error> for Attempt {
    fn from(error: rusqlite::Error) -> Self {
        Self::Sql(error)
    }
}

/// How often and how long to retry.
#[derive(Debug, Clone, Copy)]
pub(crate) struct RetryPolicy {
    /// Retries after lock errors (each one already waited the connection's busy timeout).
    max_lock_retries: u32,
    /// The first backoff delay; doubled on each retry up to `max_delay`, with jitter.
    first_delay: Duration,
    max_delay: Duration,
    /// The total time requested waits ([`Attempt::Wait`]) may take.
    wait_budget: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_lock_retries: 5,
            first_delay: Duration::from_millis(5),
            max_delay: Duration::from_millis(250),
            wait_budget: Duration::from_secs(10),
        }
    }
}

impl RetryPolicy {
    /// Runs `attempt` until it succeeds, fails for good, or the retry budget is spent
    /// ([`DbError::Busy`]).
    pub(crate) fn run<T>(
        &self,
        mut attempt: impl FnMut() -> Result<T, Attempt>,
    ) -> Result<T, DbError> {
        let started = Instant::now();
        let mut lock_retries = 0;
        loop {
            match attempt() {
                Ok(value) => return Ok(value),
                Err(Attempt::Sql(error)) if is_lock_error(&error) => {
                    if lock_retries == self.max_lock_retries {
                        tracing::warn!(%error, lock_retries, "giving up on a locked database");
                        return Err(DbError::Busy);
                    }
                    let delay = self.backoff(lock_retries);
                    lock_retries += 1;
                    tracing::debug!(%error, ?delay, "database locked; retrying");
                    std::thread::sleep(delay);
                }
                Err(Attempt::Sql(error)) => return Err(DbError::Sqlite(error)),
                Err(Attempt::Wait(delay)) => {
                    if started.elapsed() + delay > self.wait_budget {
                        return Err(DbError::Busy);
                    }
                    std::thread::sleep(delay);
                }
            }
        }
    }

    /// Exponential backoff with "equal jitter": half the delay fixed, half random, so that
    /// processes that collided once do not collide again in lockstep.
    fn backoff(&self, retry: u32) -> Duration {
        let exponential = self
            .first_delay
            .saturating_mul(1 << retry.min(16))
            .min(self.max_delay);
        let half = exponential / 2;
        half + half.mul_f64(jitter_fraction())
    }
}

fn is_lock_error(error: &rusqlite::Error) -> bool {
    matches!(
        error.sqlite_error_code(),
        Some(ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked)
    )
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
    use rusqlite::ffi;

    fn busy() -> rusqlite::Error {
        rusqlite::Error::SqliteFailure(ffi::Error::new(ffi::SQLITE_BUSY), None)
    }

    #[test]
    fn retries_lock_errors_then_succeeds() {
        let mut calls = 0;
        let result = RetryPolicy::default().run(|| {
            calls += 1;
            if calls < 3 {
                Err(Attempt::Sql(busy()))
            } else {
                Ok(calls)
            }
        });
        assert_eq!(result.expect("third call succeeds"), 3);
    }

    #[test]
    fn gives_up_after_the_retry_budget() {
        let policy = RetryPolicy {
            max_lock_retries: 2,
            first_delay: Duration::from_millis(1),
            ..RetryPolicy::default()
        };
        let mut calls = 0;
        let result: Result<(), _> = policy.run(|| {
            calls += 1;
            Err(Attempt::Sql(busy()))
        });
        assert!(matches!(result, Err(DbError::Busy)));
        assert_eq!(calls, 3);
    }

    #[test]
    fn other_errors_are_not_retried() {
        let mut calls = 0;
        let result: Result<(), _> = RetryPolicy::default().run(|| {
            calls += 1;
            Err(Attempt::Sql(rusqlite::Error::QueryReturnedNoRows))
        });
        assert!(matches!(result, Err(DbError::Sqlite(_))));
        assert_eq!(calls, 1);
    }

    #[test]
    fn backoff_grows_and_stays_capped() {
        let policy = RetryPolicy::default();
        assert!(policy.backoff(0) <= Duration::from_millis(5));
        assert!(policy.backoff(30) <= policy.max_delay);
        assert!(policy.backoff(30) >= policy.max_delay / 2);
    }
}
