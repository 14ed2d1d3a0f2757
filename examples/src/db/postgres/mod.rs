//! The PostgreSQL backend: a bounded connection pool, migrations, transactions and retries.
//!
//! Many shop processes, on many hosts, may share one database. Each keeps a pool of at most
//! [`MAX_CONNECTIONS`] connections; a request that finds none free within [`ACQUIRE_TIMEOUT`]
//! fails as busy (503). Every connection is opened with a `statement_timeout` and a
//! `lock_timeout`, so a statement stuck behind a lock (a crashed client, a long migration)
//! becomes a retryable error instead of a request that hangs, and with an
//! `idle_in_transaction_session_timeout`, so a connection that stops in the middle of a
//! transaction cannot hold its row locks for long.
//!
//! Writes run in `READ COMMITTED` transactions (PostgreSQL's default, set explicitly so a
//! changed server default cannot change the store's reasoning). The store's modules say why
//! that cannot lose an update: each write either holds the row it replaces (`SELECT … FOR
//! UPDATE`) or ends in a compare-and-swap on it, and creating a missing row is an `INSERT … ON
//! CONFLICT DO NOTHING` that tells the loser it lost.
//!
//! Retried, a bounded number of times with jittered backoff: serialization failures (`40001`),
//! deadlocks (`40P01`), locks not granted within the lock timeout (`55P03`), statements cancelled
//! by the statement timeout (`57014`), a pool with no free connection, and a compare-and-swap
//! that found the row changed. Then the write ends as [`DbError::Busy`] (503 with
//! `Retry-After`); a retried transaction was rolled back, so nothing of it is ever half-written.

mod create;
mod migrations;

use std::future::Future;
use std::str::FromStr;
use std::time::Duration;

use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};
use sqlx::{PgTransaction, Postgres, Transaction};

use super::location::without_password;
use super::{Abort, DbError, Failure, Retries, RetryPolicy, WriteError};

/// The most connections one shop process opens. Several processes share the server's
/// `max_connections` (100 by default): four shops take 40.
pub(crate) const MAX_CONNECTIONS: u32 = 10;

/// How long a request waits for a free connection before it fails as busy.
pub(crate) const ACQUIRE_TIMEOUT: Duration = Duration::from_secs(5);

/// The server-side timeouts of every connection: how long one statement may run, how long it may
/// wait for a lock, and how long a connection may sit idle inside a transaction.
const SESSION_SETTINGS: [(&str, &str); 3] = [
    ("statement_timeout", "5s"),
    ("lock_timeout", "2s"),
    ("idle_in_transaction_session_timeout", "30s"),
];

/// A pool of connections to one PostgreSQL database; cheap to clone, shared by all requests.
#[derive(Clone, Debug)]
pub(crate) struct Database {
    pool: PgPool,
}

impl Database {
    /// Connects to the database at `url`, creating it if the server has none of that name, and
    /// brings its schema up to date.
    ///
    /// Fails when the server cannot be reached: a shop that starts must be able to serve.
    pub(crate) async fn connect(url: &str) -> Result<Self, DbError> {
        let open_error = |source: sqlx::Error| DbError::Open {
            database: without_password(url),
            source: source.into(),
        };
        let options = PgConnectOptions::from_str(url)
            .map_err(open_error)?
            .application_name("etag-shop")
            .options(SESSION_SETTINGS);
        let pool_options = PgPoolOptions::new()
            .max_connections(MAX_CONNECTIONS)
            .acquire_timeout(ACQUIRE_TIMEOUT);
        let pool = match pool_options.clone().connect_with(options.clone()).await {
            Err(error) if create::is_missing_database(&error) => {
                create::create_database(&options)
                    .await
                    .map_err(open_error)?;
                pool_options.connect_with(options).await
            }
            connected => connected,
        }
        .map_err(open_error)?;
        let db = Self { pool };
        db.read(|| migrations::migrate(&db.pool)).await?;
        Ok(db)
    }

    /// The pool, for reads.
    pub(crate) fn pool(&self) -> &PgPool {
        &self.pool
    }

    /// Starts a `READ COMMITTED` transaction on a pooled connection. Dropping it without
    /// committing rolls it back.
    pub(crate) async fn begin(&self) -> Result<PgTransaction<'static>, Failure> {
        Ok(self
            .pool
            .begin_with("BEGIN ISOLATION LEVEL READ COMMITTED")
            .await?)
    }

    /// Runs a read (each call of `op` one attempt), retrying transient failures.
    pub(crate) async fn read<T, F, Fut>(&self, mut op: F) -> Result<T, DbError>
    where
        F: FnMut() -> Fut,
        Fut: Future<Output = Result<T, sqlx::Error>>,
    {
        let mut retries = Retries::new(RetryPolicy::default());
        loop {
            match op().await.map_err(Failure::from) {
                Ok(value) => return Ok(value),
                Err(Failure::Fatal(error)) => return Err(error),
                Err(Failure::Transient(error)) => {
                    tokio::time::sleep(retries.delay(error)?).await;
                }
            }
        }
    }
}

/// The retries of one write: each attempt is a whole transaction, run again from the start.
///
/// ```text
/// let mut retrier = Retrier::new();
/// loop {
///     match attempt(&db, &mut decide).await {
///         Ok(done) => return Ok(done),
///         Err(abort) => retrier.after(abort).await?,
///     }
/// }
/// ```
#[derive(Debug)]
pub(crate) struct Retrier(Retries);

impl Retrier {
    /// No retries yet.
    pub(crate) fn new() -> Self {
        Self(Retries::new(RetryPolicy {
            // Conflicting writers to one row each cost the others at most a re-read: a
            // compare-and-swap that lost re-decides, and then answers 412 or wins.
            max_transient_retries: 8,
            ..RetryPolicy::default()
        }))
    }

    /// After a failed attempt (already rolled back): waits and returns `Ok` when it is worth
    /// another, else the error the write ends with.
    pub(crate) async fn after<R>(&mut self, abort: Abort<R>) -> Result<(), WriteError<R>> {
        let again = match abort {
            Abort::Reject(reason) => return Err(WriteError::Rejected(reason)),
            Abort::Failed(Failure::Fatal(error)) => return Err(WriteError::Db(error)),
            Abort::Failed(Failure::Transient(error)) => error,
        };
        tokio::time::sleep(self.0.delay(again)?).await;
        Ok(())
    }
}

/// Commits `tx`; a commit can fail like any statement (a serialization failure, a lost
/// connection), and then nothing was written.
pub(crate) async fn commit(tx: Transaction<'static, Postgres>) -> Result<(), Failure> {
    Ok(tx.commit().await?)
}

/// A compare-and-swap or `INSERT … ON CONFLICT DO NOTHING` that found another writer first: the
/// attempt rolls back and runs again on the state that writer committed.
pub(crate) fn lost_race() -> Failure {
    Failure::Transient("another writer changed the row first".into())
}

/// Which driver errors are worth another attempt.
impl From<sqlx::Error> for Failure {
    fn from(error: sqlx::Error) -> Self {
        // The library's classification: 40001, 40P01, 55P03, 57014 and a pool timeout.
        if etag_core::sql::is_retryable(&error) {
            Self::Transient(error.into())
        } else {
            Self::Fatal(DbError::Backend(error.into()))
        }
    }
}

impl<R> From<sqlx::Error> for Abort<R> {
    fn from(error: sqlx::Error) -> Self {
        Self::Failed(Failure::from(error))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pool_exhaustion_is_transient_and_a_missing_row_is_not() {
        assert!(matches!(
            Failure::from(sqlx::Error::PoolTimedOut),
            Failure::Transient(_)
        ));
        assert!(matches!(
            Failure::from(sqlx::Error::RowNotFound),
            Failure::Fatal(DbError::Backend(_))
        ));
    }
}
