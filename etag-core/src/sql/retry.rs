//! Running a transaction again after a conflict: bounded, with jittered backoff.

use std::future::Future;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use super::Busy;
use super::classify::Retryable;

/// How often [`retry`] runs a transaction and how long it waits in between.
///
/// The waits grow exponentially from `first_delay` up to `max_delay`, with "equal jitter" (half
/// of each wait fixed, half random), so writers that collided once do not collide again in
/// lockstep. The default: 6 attempts, waits from 5 ms to 200 ms (under half a second in all),
/// and `Retry-After: 1` once they are spent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// How many times the transaction runs at most (the first run included); at least 1.
    pub attempts: u32,
    /// The wait after the first failed attempt.
    pub first_delay: Duration,
    /// The longest wait between two attempts.
    pub max_delay: Duration,
    /// What [`Busy::retry_after`] tells the client once every attempt failed.
    pub retry_after: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            attempts: 6,
            first_delay: Duration::from_millis(5),
            max_delay: Duration::from_millis(200),
            retry_after: Duration::from_secs(1),
        }
    }
}

impl RetryPolicy {
    /// The wait after failed attempt number `failed` (0 for the first), jittered.
    pub fn backoff(&self, failed: u32) -> Duration {
        let exponential = self
            .first_delay
            .saturating_mul(1_u32 << failed.min(16))
            .min(self.max_delay);
        let half = exponential / 2;
        half + half.mul_f64(jitter_fraction())
    }
}

/// Runs `attempt` (one whole transaction: begin, read, check, write, commit) and runs it again,
/// after a jittered wait, while it fails with a [retryable](Retryable) error, up to
/// `policy.attempts` times; then ends with [`Busy`] (503 with `Retry-After`).
///
/// Any other outcome (success, a 412, a 404, a final database error) is returned as it is. A
/// retried attempt was rolled back by the database, so nothing is ever written twice; and
/// because every attempt checks the preconditions again on the state it reads, a conflict
/// never turns into a lost update.
///
/// Each attempt must be complete in itself: begin its own transaction inside the closure (a
/// transaction that failed with a serialization error is finished and cannot go on).
///
/// ```no_run
/// use etag_core::sql::{RetryPolicy, WriteError, retry};
/// use sqlx::PgPool;
///
/// async fn add_item(pool: &PgPool, cart: i64) -> Result<i64, WriteError> {
///     retry(&RetryPolicy::default(), || async move {
///         let mut tx = pool.begin().await?;
///         let version: i64 = sqlx::query_scalar(
///             "UPDATE carts SET items = items + 1, version = version + 1 WHERE id = $1
///              RETURNING version",
///         )
///         .bind(cart)
///         .fetch_one(&mut *tx)
///         .await?;
///         tx.commit().await?;
///         Ok(version)
///     })
///     .await
/// }
/// ```
pub async fn retry<T, E, F, Fut>(policy: &RetryPolicy, mut attempt: F) -> Result<T, E>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, E>>,
    E: Retryable + From<Busy>,
{
    let attempts = policy.attempts.max(1);
    let mut failed = 0;
    loop {
        match attempt().await {
            Err(error) if error.is_retryable() => {
                failed += 1;
                if failed >= attempts {
                    return Err(Busy::new(failed, policy.retry_after).into());
                }
                tokio::time::sleep(policy.backoff(failed - 1)).await;
            }
            outcome => return outcome,
        }
    }
}

/// A fraction in [0, 1) that differs between calls, threads and processes. Its quality does not
/// matter, only that colliding retries spread out; std's randomly keyed hasher gives that
/// without a dependency.
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
    use std::sync::atomic::{AtomicU32, Ordering};

    use super::*;

    #[derive(Debug, PartialEq)]
    enum Failure {
        Conflict,
        Final,
        Busy(u32),
    }

    impl Retryable for Failure {
        fn is_retryable(&self) -> bool {
            *self == Self::Conflict
        }
    }

    impl From<Busy> for Failure {
        fn from(busy: Busy) -> Self {
            Self::Busy(busy.attempts())
        }
    }

    fn quick(attempts: u32) -> RetryPolicy {
        RetryPolicy {
            attempts,
            first_delay: Duration::from_millis(1),
            max_delay: Duration::from_millis(2),
            ..RetryPolicy::default()
        }
    }

    #[tokio::test]
    async fn conflicts_are_retried_until_an_attempt_succeeds() {
        let runs = AtomicU32::new(0);
        let outcome = retry(&quick(5), || async {
            match runs.fetch_add(1, Ordering::SeqCst) {
                0 | 1 => Err(Failure::Conflict),
                run => Ok(run),
            }
        })
        .await;
        assert_eq!(outcome, Ok(2));
    }

    #[tokio::test]
    async fn conflicts_through_every_attempt_end_busy() {
        let runs = AtomicU32::new(0);
        let outcome: Result<(), _> = retry(&quick(3), || async {
            runs.fetch_add(1, Ordering::SeqCst);
            Err(Failure::Conflict)
        })
        .await;
        assert_eq!(outcome, Err(Failure::Busy(3)));
        assert_eq!(runs.load(Ordering::SeqCst), 3);
    }

    #[tokio::test]
    async fn final_errors_are_not_retried() {
        let runs = AtomicU32::new(0);
        let outcome: Result<(), _> = retry(&quick(3), || async {
            runs.fetch_add(1, Ordering::SeqCst);
            Err(Failure::Final)
        })
        .await;
        assert_eq!(outcome, Err(Failure::Final));
        assert_eq!(runs.load(Ordering::SeqCst), 1);
    }

    #[test]
    fn backoff_grows_and_stays_capped() {
        let policy = RetryPolicy::default();
        assert!(policy.backoff(0) <= policy.first_delay);
        assert!(policy.backoff(30) <= policy.max_delay);
        assert!(policy.backoff(30) >= policy.max_delay / 2);
    }
}
