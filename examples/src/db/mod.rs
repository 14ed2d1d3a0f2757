//! Database access for the shop's store: which database, what can fail, and bounded retries.
//!
//! Two backends sit behind the store ([`crate::store`]), chosen by a [`Location`]:
//!
//! - **SQLite** (a file path), for one host. SQLite is blocking, so every operation runs on
//!   tokio's blocking pool; writes run in `BEGIN IMMEDIATE` transactions, so the write lock is
//!   taken before the current state is read and the read, the precondition check and the write
//!   are one atomic step across every process sharing the file.
//! - **PostgreSQL** (a `postgres://` URL), for many hosts sharing one database, through a bounded
//!   sqlx pool. Writes run in `READ COMMITTED` transactions that hold the row they replace
//!   (`SELECT … FOR UPDATE`) or end in a version compare-and-swap; see the store's docs for why
//!   neither can lose an update.
//!
//! Either way, a transient failure (a lock not granted in time, a serialization failure or
//! deadlock, a cancelled statement, a compare-and-swap that found the row changed) is retried a
//! bounded number of times with jittered backoff and then reported as [`DbError::Busy`], which
//! the HTTP layer answers with 503 and `Retry-After`. Nothing here exposes a driver type: the
//! store's callers see [`DbError`] and [`WriteError`] only.

mod error;
mod location;
pub(crate) mod postgres;
mod retry;
pub(crate) mod sqlite;

pub(crate) use error::{Abort, Failure};
pub use error::{BoxError, DbError, WriteError};
pub use location::{InvalidLocation, Location, database_on_server};
pub(crate) use retry::{Retries, RetryPolicy};
