//! The SQLite backend: connections, migrations, transactions and retries.
//!
//! SQLite is blocking, so every operation runs on tokio's blocking pool with a connection taken
//! from a small pool of idle ones. Several processes may open the same file: the database runs in
//! WAL mode (readers never block the writer), each connection waits up to a busy timeout for a
//! lock, and an operation that still sees `SQLITE_BUSY` / `SQLITE_LOCKED` is retried a bounded
//! number of times with jittered exponential backoff. Writes run in `BEGIN IMMEDIATE`
//! transactions: the write lock is taken before the current state is read, so the read, the
//! precondition check and the write are one atomic step across every process.

mod connection;
mod migrations;

use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use rusqlite::{Connection, ErrorCode, Transaction, TransactionBehavior};

use super::{Abort, Again, DbError, Failure, Retries, RetryPolicy, WriteError};

/// Idle connections kept for reuse; more are opened on demand and closed when returned.
const MAX_IDLE_CONNECTIONS: usize = 8;

/// A handle on the shop's database file; cheap to clone, shared by all requests.
#[derive(Clone, Debug)]
pub(crate) struct Database {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    path: PathBuf,
    idle: Mutex<Vec<Connection>>,
}

impl Database {
    /// Opens (creating if needed) the database file and brings its schema up to date.
    pub(crate) async fn open(path: impl Into<PathBuf>) -> Result<Self, DbError> {
        let db = Self {
            inner: Arc::new(Inner {
                path: path.into(),
                idle: Mutex::new(Vec::new()),
            }),
        };
        db.blocking(|conn| run(|| migrations::migrate(conn).map_err(Failure::from)))
            .await?;
        Ok(db)
    }

    /// Runs a read on a pooled connection, retrying when SQLite reports a lock.
    ///
    /// A single statement reads a consistent snapshot; group several in a transaction yourself.
    pub(crate) async fn read<T, F>(&self, mut op: F) -> Result<T, DbError>
    where
        F: FnMut(&Connection) -> rusqlite::Result<T> + Send + 'static,
        T: Send + 'static,
    {
        self.blocking(move |conn| run(|| op(conn).map_err(Failure::from)))
            .await
    }

    /// Runs `op` in a `BEGIN IMMEDIATE` transaction and commits what it wrote when it returns
    /// `Ok`; `Err(Abort::Reject(_))` rolls back and hands the rejection to the caller.
    ///
    /// `op` may run more than once: after `SQLITE_BUSY` / `SQLITE_LOCKED`, or when it asks to be
    /// retried with [`Abort::RetryAfter`]. Each run starts a fresh transaction and reads the
    /// current state again, so it must decide from what it reads, never from an earlier run.
    pub(crate) async fn write<T, R, F>(&self, mut op: F) -> Result<T, WriteError<R>>
    where
        F: FnMut(&Transaction<'_>) -> Result<T, Abort<R>> + Send + 'static,
        T: Send + 'static,
        R: Send + 'static,
    {
        self.blocking(move |conn| {
            let mut retries = Retries::new(RetryPolicy::default());
            loop {
                let again = match attempt(conn, &mut op) {
                    Ok(value) => return Ok(Ok(value)),
                    // Dropping the transaction rolled it back: nothing was written.
                    Err(Abort::Reject(reason)) => return Ok(Err(reason)),
                    Err(Abort::Failed(Failure::Fatal(error))) => return Err(error),
                    Err(Abort::Failed(Failure::Transient(error))) => Again::Transient(error),
                    Err(Abort::RetryAfter(delay)) => Again::Wait(delay),
                };
                std::thread::sleep(retries.delay(again)?);
            }
        })
        .await
        .map_err(WriteError::Db)?
        .map_err(WriteError::Rejected)
    }

    /// Runs blocking work on a pooled connection on tokio's blocking pool.
    async fn blocking<T, F>(&self, work: F) -> Result<T, DbError>
    where
        F: FnOnce(&mut Connection) -> Result<T, DbError> + Send + 'static,
        T: Send + 'static,
    {
        let inner = Arc::clone(&self.inner);
        tokio::task::spawn_blocking(move || {
            let mut conn = inner.checkout()?;
            let result = work(&mut conn);
            inner.checkin(conn);
            result
        })
        .await
        .map_err(|join| DbError::Internal(format!("database task failed: {join}")))?
    }
}

/// One run of a write's body in its own `BEGIN IMMEDIATE` transaction, committed on `Ok`.
fn attempt<T, R>(
    conn: &mut Connection,
    op: &mut impl FnMut(&Transaction<'_>) -> Result<T, Abort<R>>,
) -> Result<T, Abort<R>> {
    let tx = Transaction::new_unchecked(conn, TransactionBehavior::Immediate)?;
    let value = op(&tx)?;
    tx.commit()?;
    Ok(value)
}

/// Runs `attempt` until it succeeds, fails for good, or the retry budget is spent
/// ([`DbError::Busy`]), sleeping between attempts (this runs on a blocking thread).
fn run<T>(mut attempt: impl FnMut() -> Result<T, Failure>) -> Result<T, DbError> {
    let mut retries = Retries::new(RetryPolicy::default());
    loop {
        match attempt() {
            Ok(value) => return Ok(value),
            Err(Failure::Fatal(error)) => return Err(error),
            Err(Failure::Transient(error)) => {
                std::thread::sleep(retries.delay(Again::Transient(error))?);
            }
        }
    }
}

impl Inner {
    fn checkout(&self) -> Result<Connection, DbError> {
        let pooled = self.idle.lock().ok().and_then(|mut idle| idle.pop());
        match pooled {
            Some(conn) => Ok(conn),
            None => run(|| connection::open(&self.path).map_err(Failure::from)).map_err(|error| {
                match error {
                    DbError::Backend(source) => DbError::Open {
                        database: self.path.display().to_string(),
                        source,
                    },
                    other => other,
                }
            }),
        }
    }

    /// Returns a connection to the pool, unless it is still inside a transaction (a failed
    /// rollback): such a connection is closed rather than handed to the next request.
    fn checkin(&self, conn: Connection) {
        if !conn.is_autocommit() {
            return;
        }
        if let Ok(mut idle) = self.idle.lock()
            && idle.len() < MAX_IDLE_CONNECTIONS
        {
            idle.push(conn);
        }
    }
}

/// `SQLITE_BUSY` and `SQLITE_LOCKED` are worth another attempt; anything else is not.
impl From<rusqlite::Error> for Failure {
    fn from(error: rusqlite::Error) -> Self {
        let locked = matches!(
            error.sqlite_error_code(),
            Some(ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked)
        );
        if locked {
            Self::Transient(error.into())
        } else {
            Self::Fatal(DbError::Backend(error.into()))
        }
    }
}

impl<R> From<rusqlite::Error> for Abort<R> {
    fn from(error: rusqlite::Error) -> Self {
        Self::Failed(Failure::from(error))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rusqlite::ffi;

    fn busy() -> rusqlite::Error {
        rusqlite::Error::SqliteFailure(ffi::Error::new(ffi::SQLITE_BUSY), None)
    }

    #[test]
    fn lock_errors_are_retried_then_succeed() {
        let mut calls = 0;
        let result = run(|| {
            calls += 1;
            if calls < 3 {
                Err(Failure::from(busy()))
            } else {
                Ok(calls)
            }
        });
        assert_eq!(result.expect("third call succeeds"), 3);
    }

    #[test]
    fn lock_errors_end_in_busy() {
        let mut calls = 0;
        let result: Result<(), _> = run(|| {
            calls += 1;
            Err(Failure::from(busy()))
        });
        assert!(matches!(result, Err(DbError::Busy)));
        assert_eq!(calls, 1 + RetryPolicy::default().max_transient_retries);
    }

    #[test]
    fn other_errors_are_not_retried() {
        let mut calls = 0;
        let result: Result<(), _> = run(|| {
            calls += 1;
            Err(Failure::from(rusqlite::Error::QueryReturnedNoRows))
        });
        assert!(matches!(result, Err(DbError::Backend(_))));
        assert_eq!(calls, 1);
    }

    #[tokio::test]
    async fn opening_creates_the_schema() {
        let dir = tempfile::tempdir().expect("a temporary directory");
        let db = Database::open(dir.path().join("shop.db"))
            .await
            .expect("the database opens");
        let tables: i64 = db
            .read(|conn| conn.query_row("SELECT count(*) FROM sqlite_schema", [], |row| row.get(0)))
            .await
            .expect("the schema reads");
        assert!(tables >= 3);
    }
}
