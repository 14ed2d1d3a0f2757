//! What can go wrong in the database layer, and how a transaction body says "stop".

use std::fmt;
use std::path::PathBuf;
use std::time::Duration;

/// A failure of the database itself (not a rejected request).
#[derive(Debug)]
#[non_exhaustive]
pub enum DbError {
    /// SQLite stayed locked through every retry: the service is overloaded (503).
    Busy,
    /// The database file could not be opened.
    Open {
        /// The file.
        path: PathBuf,
        /// SQLite's error.
        source: rusqlite::Error,
    },
    /// Any other SQLite error.
    Sqlite(rusqlite::Error),
    /// A stored value could not be decoded, or a database task failed.
    Internal(String),
}

impl fmt::Display for DbError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Busy => f.write_str("the database stayed locked through every retry"),
            Self::Open { path, source } => {
                write!(f, "cannot open database {}: {source}", path.display())
            }
            Self::Sqlite(error) => write!(f, "database error: {error}"),
            Self::Internal(message) => f.write_str(message),
        }
    }
}

impl std::error::Error for DbError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::Open { source, .. } | Self::Sqlite(source) => Some(source),
            Self::Busy | Self::Internal(_) => None,
        }
    }
}

impl From<rusqlite::Error> for DbError {
    fn from(error: rusqlite::Error) -> Self {
        Self::Sqlite(error)
    }
}

/// How the body of a write transaction ends early.
#[derive(Debug)]
pub enum Abort<R> {
    /// The request is refused (a failed precondition, a missing resource…): roll back and return
    /// `R` to the caller.
    Reject(R),
    /// SQLite failed; retried when it is a lock error, else reported.
    Sql(rusqlite::Error),
    /// Roll back, wait this long, and run the whole transaction again.
    RetryAfter(Duration),
}

impl<R> From<rusqlite::Error> for Abort<R> {
    fn from(error: rusqlite::Error) -> Self {
        Self::Sql(error)
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
