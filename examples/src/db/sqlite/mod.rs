//! The SQLite backend: connections, migrations, transactions and retries.
//!
//! SQLite is blocking, so every operation runs on tokio's blocking pool with a connection taken
//! from a small pool of idle ones. Several processes may open the same file: the database runs in
//! WAL mode (readers never block the writer), each connection waits up to a busy timeout for a
//! lock, and an operation that still sees `SQLITE_BUSY` / `SQLITE_LOCKED` is retried a bounded
//! number of times with jittered exponential backoff. Writes run in `BEGIN IMMEDIATE`
//! transactions: the write lock is taken before the current state is read, so the read, the
//! precondition check and the write are one atomic step across every process.
//!
//! A blocking thread only ever runs one attempt: the waits between attempts (the backoff) are
//! async sleeps, holding no thread and no connection. And within one process, writes take turns
//! *before* they take a thread ([`WRITE_TURN_TIMEOUT`]): SQLite lets one writer at a time hold
//! the file anyway, so a storm of writes to one resource queues as tasks, not as hundreds of
//! threads each blocked on the file lock, and reads keep their threads.

mod connection;
mod migrations;

use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use rusqlite::{Connection, ErrorCode, Transaction, TransactionBehavior};
use tokio::sync::Semaphore;

use super::{Abort, DbError, Failure, Retries, RetryPolicy, WriteError};

/// Idle connections kept for reuse; more are opened on demand and closed when returned.
const MAX_IDLE_CONNECTIONS: usize = 8;

/// How long a write waits for its turn among this process's writers before it is answered as
/// busy (503 with `Retry-After`): a storm of writes gets prompt refusals instead of a queue
/// that grows without bound.
pub(crate) const WRITE_TURN_TIMEOUT: Duration = Duration::from_secs(2);

/// A handle on the shop's database file; cheap to clone, shared by all requests.
#[derive(Clone, Debug)]
pub(crate) struct Database {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    path: PathBuf,
    idle: Mutex<Vec<Connection>>,
    /// One permit: the writer of this process that may run an attempt now.
    write_turn: Semaphore,
}

impl Database {
    /// Opens (creating if needed) the database file and brings its schema up to date.
    pub(crate) async fn open(path: impl Into<PathBuf>) -> Result<Self, DbError> {
        let db = Self {
            inner: Arc::new(Inner {
                path: path.into(),
                idle: Mutex::new(Vec::new()),
                write_turn: Semaphore::new(1),
            }),
        };
        db.on_connection(|conn| run(|| migrations::migrate(conn).map_err(Failure::from)))
            .await??;
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
        let mut retries = Retries::new(RetryPolicy::default());
        loop {
            let (returned, result) = self
                .on_connection(move |conn| {
                    let result = op(conn);
                    (op, result)
                })
                .await?;
            op = returned;
            match result.map_err(Failure::from) {
                Ok(value) => return Ok(value),
                Err(Failure::Fatal(error)) => return Err(error),
                Err(Failure::Transient(error)) => {
                    tokio::time::sleep(retries.delay(error)?).await;
                }
            }
        }
    }

    /// Runs `op` in a `BEGIN IMMEDIATE` transaction and commits what it wrote when it returns
    /// `Ok`; `Err(Abort::Reject(_))` rolls back and hands the rejection to the caller.
    ///
    /// `op` may run more than once, after `SQLITE_BUSY` / `SQLITE_LOCKED`. Each run starts a
    /// fresh transaction and reads the current state again, so it must decide from what it reads,
    /// never from an earlier run. Each run takes this process's write turn first and a blocking
    /// thread only for the attempt itself; the backoff between runs is an async sleep.
    pub(crate) async fn write<T, R, F>(&self, mut op: F) -> Result<T, WriteError<R>>
    where
        F: FnMut(&Transaction<'_>) -> Result<T, Abort<R>> + Send + 'static,
        T: Send + 'static,
        R: Send + 'static,
    {
        let mut retries = Retries::new(RetryPolicy::default());
        loop {
            let turn = tokio::time::timeout(WRITE_TURN_TIMEOUT, self.inner.write_turn.acquire())
                .await
                .map_err(|_| {
                    tracing::warn!(
                        waited = ?WRITE_TURN_TIMEOUT,
                        "a write found no turn among this process's writers; answering busy"
                    );
                    DbError::Busy
                })?
                .map_err(|closed| DbError::Internal(format!("write turns closed: {closed}")))?;
            let (returned, outcome) = self
                .on_connection(move |conn| {
                    let outcome = attempt(conn, &mut op);
                    (op, outcome)
                })
                .await?;
            drop(turn);
            op = returned;
            let error = match outcome {
                Ok(value) => return Ok(value),
                // Dropping the transaction rolled it back: nothing was written.
                Err(Abort::Reject(reason)) => return Err(WriteError::Rejected(reason)),
                Err(Abort::Failed(Failure::Fatal(error))) => return Err(WriteError::Db(error)),
                Err(Abort::Failed(Failure::Transient(error))) => error,
            };
            tokio::time::sleep(retries.delay(error)?).await;
        }
    }

    /// Runs blocking work on a pooled connection on tokio's blocking pool.
    async fn on_connection<T, F>(&self, work: F) -> Result<T, DbError>
    where
        F: FnOnce(&mut Connection) -> T + Send + 'static,
        T: Send + 'static,
    {
        let inner = Arc::clone(&self.inner);
        tokio::task::spawn_blocking(move || {
            let mut conn = inner.checkout()?;
            let result = work(&mut conn);
            inner.checkin(conn);
            Ok(result)
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
/// ([`DbError::Busy`]), sleeping between attempts on the calling thread.
///
/// Only for what runs once per process or per new connection (migrating on open, opening a
/// connection), never for a request's reads and writes, whose retries wait asynchronously.
fn run<T>(mut attempt: impl FnMut() -> Result<T, Failure>) -> Result<T, DbError> {
    let mut retries = Retries::new(RetryPolicy::default());
    loop {
        match attempt() {
            Ok(value) => return Ok(value),
            Err(Failure::Fatal(error)) => return Err(error),
            Err(Failure::Transient(error)) => {
                std::thread::sleep(retries.delay(error)?);
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
