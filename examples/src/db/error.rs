//! What can go wrong in the database layer, in terms that do not depend on the database, and how
//! a transaction body says "stop".

use std::fmt;

/// Any error a database driver reports, kept as the source of a [`DbError`].
pub type BoxError = Box<dyn std::error::Error + Send + Sync + 'static>;

/// A failure of the database itself (not a rejected request).
#[derive(Debug)]
#[non_exhaustive]
pub enum DbError {
    /// The database stayed locked, or kept refusing the transaction as conflicting, through every
    /// retry: the service is overloaded (503 with `Retry-After`).
    Busy,
    /// The database could not be opened or reached.
    Open {
        /// The file or the server (without its password).
        database: String,
        /// The driver's error.
        source: BoxError,
    },
    /// Any other error the database reported.
    Backend(BoxError),
    /// A stored value could not be decoded, or a database task failed.
    Internal(String),
}

impl fmt::Display for DbError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Busy => f.write_str("the database stayed busy through every retry"),
            Self::Open { database, source } => {
                write!(f, "cannot open database {database}: {source}")
            }
            Self::Backend(error) => write!(f, "database error: {error}"),
            Self::Internal(message) => f.write_str(message),
        }
    }
}

impl std::error::Error for DbError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::Open { source, .. } | Self::Backend(source) => Some(source.as_ref()),
            Self::Busy | Self::Internal(_) => None,
        }
    }
}

/// A database failure inside one attempt, classified by the backend that saw it.
#[derive(Debug)]
pub(crate) enum Failure {
    /// Worth another attempt: a lock the database could not take in time, a serialization
    /// failure or deadlock, a statement cancelled by its timeout, no free connection, or a
    /// compare-and-swap that found the row changed since it was read.
    Transient(BoxError),
    /// Not worth another attempt.
    Fatal(DbError),
}

impl From<DbError> for Failure {
    fn from(error: DbError) -> Self {
        Self::Fatal(error)
    }
}

/// How the body of a write transaction ends early.
#[derive(Debug)]
pub(crate) enum Abort<R> {
    /// The request is refused (a failed precondition, a missing resource…): roll back and return
    /// `R` to the caller.
    Reject(R),
    /// The database failed: retried when the failure is transient, else reported.
    Failed(Failure),
}

impl<R> From<Failure> for Abort<R> {
    fn from(failure: Failure) -> Self {
        Self::Failed(failure)
    }
}

impl<R> From<DbError> for Abort<R> {
    fn from(error: DbError) -> Self {
        Self::Failed(Failure::Fatal(error))
    }
}

/// The outcome of a write that did not commit.
#[derive(Debug)]
pub enum WriteError<R> {
    /// The transaction body refused the request; nothing was written.
    Rejected(R),
    /// The database failed; nothing was written.
    Db(DbError),
}

impl<R> From<DbError> for WriteError<R> {
    fn from(error: DbError) -> Self {
        Self::Db(error)
    }
}

impl<R: fmt::Display> fmt::Display for WriteError<R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Rejected(reason) => write!(f, "write rejected: {reason}"),
            Self::Db(error) => error.fmt(f),
        }
    }
}

impl<R: fmt::Debug + fmt::Display> std::error::Error for WriteError<R> {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::Rejected(_) => None,
            Self::Db(error) => Some(error),
        }
    }
}
