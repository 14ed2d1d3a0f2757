//! The end of a write that stayed in conflict through every retry: 503 with `Retry-After`.

use std::fmt;
use std::time::Duration;

/// The database kept refusing a transaction as conflicting (or had no free connection) through
/// every attempt [`retry`](super::retry) allowed. Nothing was written.
///
/// It is the server's state, not the client's fault: answer `503 Service Unavailable` with
/// `Retry-After` (with the `axum` feature it is an `IntoResponse` that does, as
/// `application/problem+json`), never a 500, and never a 412 (the client's precondition was
/// not found false).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Busy {
    attempts: u32,
    retry_after: Duration,
}

impl Busy {
    /// A transaction that ran `attempts` times, and the wait to tell the client.
    pub fn new(attempts: u32, retry_after: Duration) -> Self {
        Self {
            attempts,
            retry_after,
        }
    }

    /// How many times the transaction ran.
    pub fn attempts(&self) -> u32 {
        self.attempts
    }

    /// How long the client should wait before it tries again, in whole seconds when sent as
    /// `Retry-After` (at least one).
    pub fn retry_after(&self) -> Duration {
        self.retry_after
    }

    /// The `Retry-After` value: whole seconds, rounded up, at least 1.
    pub fn retry_after_secs(&self) -> u64 {
        let secs = self.retry_after.as_secs();
        let rounded = if self.retry_after.subsec_nanos() > 0 {
            secs.saturating_add(1)
        } else {
            secs
        };
        rounded.max(1)
    }
}

impl fmt::Display for Busy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "the database stayed busy through {} attempts; nothing was written",
            self.attempts
        )
    }
}

impl std::error::Error for Busy {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_after_is_rounded_up_to_whole_seconds_and_never_zero() {
        assert_eq!(Busy::new(1, Duration::ZERO).retry_after_secs(), 1);
        assert_eq!(
            Busy::new(1, Duration::from_millis(1001)).retry_after_secs(),
            2
        );
        assert_eq!(Busy::new(1, Duration::from_secs(3)).retry_after_secs(), 3);
    }
}
