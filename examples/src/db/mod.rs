//! SQLite access: connections, migrations, transactions and retries.
//!
//! SQLite is blocking, so every operation runs on tokio's blocking pool with a connection taken
//! from a small pool of idle ones. Several processes may open the same file: the database runs in
//! WAL mode (readers never block the writer), each connection waits up to a busy timeout for a
//! lock, and an operation that still sees `SQLITE_BUSY` / `SQLITE_LOCKED` is retried a bounded
//! number of times with jittered exponential backoff. Writes run in `BEGIN IMMEDIATE`
//! transactions: the write lock is taken before the current state is read, so the read, the
//! precondition check and the write are one atomic step across every process.

mod connection;
mod error;
mod migrations;
mod retry;

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use rusqlite::{Connection, Transaction, TransactionBehavior};

pub use error::{Abort, DbError, WriteError};
use retry::{Attempt, RetryPolicy};

/// Idle connections kept for reuse; more are opened on demand and closed when returned.
const MAX_IDLE_CONNECTIONS: usize = 8;

/// A handle on the shop's database file; cheap to clone, shared by all requests.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), etag_examples::db::DbError> {
/// use etag_examples::db::Database;
///
/// let dir = tempfile::tempdir().expect("a temporary directory");
/// let db = Database::open(dir.path().join("shop.db")).await?;
/// let tables: i64 = db
///     .read(|conn| conn.query_row("SELECT count(*) FROM sqlite_schema", [], |row| row.get(0)))
///     .await?;
/// assert!(tables >= 3);
/// # Ok(())
/// # }
/// ```
#[derive(Clone, Debug)]
pub struct Database {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    path: PathBuf,
    idle: Mutex<Vec<Connection>>,
}

impl Database {
    /// Opens (creating if needed) the database file and brings its schema up to date.
    pub async fn open(path: impl Into<PathBuf>) -> Result<Self, DbError> {
        let db = Self {
            inner: Arc::new(Inner {
                path: path.into(),
                idle: Mutex::new(Vec::new()),
            }),
        };
        db.blocking(|conn| {
            RetryPolicy::default().run(|| migrations::migrate(conn).map_err(Attempt::from))
        })
        .await?;
        Ok(db)
    }

    /// The database file.
    pub fn path(&self) -> &Path {
        &self.inner.path
    }

    /// Runs a read on a pooled connection, retrying when SQLite reports a lock.
    ///
    /// A single statement reads a consistent snapshot; group several in a transaction yourself.
    pub async fn read<T, F>(&self, mut op: F) -> Result<T, DbError>
    where
        F: FnMut(&Connection) -> rusqlite::Result<T> + Send + 'static,
        T: Send + 'static,
    {
        self.blocking(move |conn| RetryPolicy::default().run(|| op(conn).map_err(Attempt::from)))
            .await
    }

    /// Runs `op` in a `BEGIN IMMEDIATE` transaction and commits what it wrote when it returns
    /// `Ok`; `Err(Abort::Reject(_))` rolls back and hands the rejection to the caller.
    ///
    /// `op` may run more than once: after `SQLITE_BUSY` / `SQLITE_LOCKED`, or when it asks to be
    /// retried with [`Abort::RetryAfter`]. Each run starts a fresh transaction and reads the
    /// current state again, so it must decide from what it reads, never from an earlier run.
    pub async fn write<T, R, F>(&self, mut op: F) -> Result<T, WriteError<R>>
    where
        F: FnMut(&Transaction<'_>) -> Result<T, Abort<R>> + Send + 'static,
        T: Send + 'static,
        R: Send + 'static,
    {
        let outcome = self
            .blocking(move |conn| {
                RetryPolicy::default().run(|| {
                    let tx = Transaction::new_unchecked(conn, TransactionBehavior::Immediate)?;
                    match op(&tx) {
                        Ok(value) => {
                            tx.commit()?;
                            Ok(Ok(value))
                        }
                        // Dropping the transaction rolls it back: nothing was written.
                        Err(Abort::Reject(reason)) => Ok(Err(reason)),
                        Err(Abort::Sql(error)) => Err(Attempt::from(error)),
                        Err(Abort::RetryAfter(delay)) => Err(Attempt::Wait(delay)),
                    }
                })
            })
            .await
            .map_err(WriteError::Db)?;
        outcome.map_err(WriteError::Rejected)
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

impl Inner {
    fn checkout(&self) -> Result<Connection, DbError> {
        let pooled = self.idle.lock().ok().and_then(|mut idle| idle.pop());
        match pooled {
            Some(conn) => Ok(conn),
            None => RetryPolicy::default()
                .run(|| connection::open(&self.path).map_err(Attempt::from))
                .map_err(|error| match error {
                    DbError::Sqlite(error) => DbError::Open {
                        path: self.path.clone(),
                        source: error,
                    },
                    other => other,
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
