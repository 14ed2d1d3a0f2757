//! A ready error type for SQL-backed write handlers.

use std::fmt;

use crate::{PreconditionError, SwapRefused};

use super::{Busy, Retryable};

/// What a conditional write over sqlx can end with, short of success: a ready error type for
/// handlers that need no other (`Result<Written<T>, WriteError>`), and the model for your own.
///
/// With the `axum` feature it is an `IntoResponse` and can be `#[conditional(error = …)]`'s
/// type: a precondition's 400 / 412 / 428 as [`PreconditionError`] answers them, a missing row
/// 404, [`Busy`] 503 with `Retry-After`, and any other database error 500 (logged, with a body
/// that does not leak it). Every one is `application/problem+json`.
#[derive(Debug)]
#[non_exhaustive]
pub enum WriteError {
    /// A precondition failed (412) or was missing (428) or malformed (400).
    Precondition(PreconditionError),
    /// The row does not exist (404).
    NotFound,
    /// Another writer changed what this attempt read, and the attempt must run again to check
    /// the preconditions against it: a creating `INSERT … ON CONFLICT DO NOTHING` that found a
    /// row created since the attempt looked. Retryable; outside [`retry`](super::retry), 503.
    Conflict,
    /// The database stayed in conflict through every retry (503).
    Busy(Busy),
    /// Any other database error (500).
    Database(sqlx::Error),
}

impl fmt::Display for WriteError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Precondition(error) => error.fmt(f),
            Self::NotFound => f.write_str("the resource does not exist"),
            Self::Conflict => f.write_str("a concurrent write changed the resource"),
            Self::Busy(busy) => busy.fmt(f),
            Self::Database(error) => write!(f, "database error: {error}"),
        }
    }
}

impl std::error::Error for WriteError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::Precondition(error) => Some(error),
            Self::Busy(busy) => Some(busy),
            Self::Database(error) => Some(error),
            Self::NotFound | Self::Conflict => None,
        }
    }
}

impl From<PreconditionError> for WriteError {
    fn from(error: PreconditionError) -> Self {
        Self::Precondition(error)
    }
}

/// A compare-and-swap that wrote nothing: 412 when the row is at another version, 404 when it
/// is not there.
impl From<SwapRefused> for WriteError {
    fn from(refused: SwapRefused) -> Self {
        match refused {
            SwapRefused::Stale(error) => Self::Precondition(error),
            SwapRefused::Missing => Self::NotFound,
        }
    }
}

impl From<Busy> for WriteError {
    fn from(busy: Busy) -> Self {
        Self::Busy(busy)
    }
}

impl From<sqlx::Error> for WriteError {
    fn from(error: sqlx::Error) -> Self {
        Self::Database(error)
    }
}

impl Retryable for WriteError {
    fn is_retryable(&self) -> bool {
        match self {
            Self::Database(error) => error.is_retryable(),
            Self::Conflict => true,
            Self::Precondition(_) | Self::NotFound | Self::Busy(_) => false,
        }
    }
}
