//! Conditional writes on SQL databases through sqlx: the version a client named as values to
//! bind, the statement's outcome as the write's proof (or 404 / 412), and bounded retries of
//! the conflicts a database reports, ending in 503 with `Retry-After`.
//!
//! Two patterns keep an update from being lost (the crate docs' SQL guide walks through both with
//! a real schema, as complete axum handlers):
//!
//! - **Compare-and-swap on a version column.** The database checks:
//!   `UPDATE … SET …, version = version + 1 WHERE id = $1 AND <the version the client named>`.
//!   [`Preconditions::expected_version`](crate::Preconditions::expected_version) gives that
//!   version, [`ExpectedVersion::version_match`](crate::ExpectedVersion::version_match) the
//!   values to bind, and [`conclude`] turns the row count into the [`Checked`](crate::Checked)
//!   proof, or into 412 (the row is at another version) or 404 (there is no row).
//! - **A transaction with the check inside.** Lock the row (`SELECT … FOR UPDATE` on PostgreSQL
//!   and MySQL, `BEGIN IMMEDIATE` on SQLite), check it with
//!   [`Preconditions::check`](crate::Preconditions::check), write, commit; run the whole
//!   transaction with [`retry`], which runs it again after a deadlock, a serialization failure or
//!   a lock timeout ([`is_retryable`]) and ends in [`Busy`] (503) when they persist.
//!
//! [`WriteError`] is a ready error type for such handlers, with the right status for each
//! outcome.
//!
//! The feature `sqlx` works with every database sqlx supports. The driver features
//! `sqlx-postgres`, `sqlx-sqlite` and `sqlx-mysql` add [`RowsWritten`] for the driver's query
//! result, and (`sqlx-mysql`) MySQL's lock wait timeout to the retryable errors.
//!
//! The same compare-and-swap, on each database:
//!
#![cfg_attr(
    all(
        feature = "sqlx-postgres",
        feature = "sqlx-sqlite",
        feature = "sqlx-mysql"
    ),
    doc = "```no_run"
)]
#![cfg_attr(
    not(all(
        feature = "sqlx-postgres",
        feature = "sqlx-sqlite",
        feature = "sqlx-mysql"
    )),
    doc = "```ignore"
)]
//! use etag_core::sql::{WriteError, conclude};
//! use etag_core::{Checked, Preconditions};
//! use sqlx::{MySqlConnection, PgConnection, SqliteConnection};
//!
//! // PostgreSQL: arrays bind natively.
//! async fn rename_pg(tx: &mut PgConnection, pre: &Preconditions, id: i64, name: &str)
//!     -> Result<Checked, WriteError>
//! {
//!     let expected = pre.expected_version::<i64>()?;
//!     let condition = expected.version_match();
//!     let updated = sqlx::query(
//!         "UPDATE carts SET name = $2, version = version + 1
//!          WHERE id = $1 AND (version = ANY($3)) = $4",
//!     )
//!     .bind(id).bind(name).bind(condition.versions()).bind(condition.member())
//!     .execute(&mut *tx)
//!     .await?;
//!     let lookup = sqlx::query("SELECT 1 FROM carts WHERE id = $1").bind(id).fetch_optional(&mut *tx);
//!     conclude(&expected, &updated, lookup).await
//! }
//!
//! // SQLite: the versions as a JSON array, read with `json_each`.
//! async fn rename_sqlite(tx: &mut SqliteConnection, pre: &Preconditions, id: i64, name: &str)
//!     -> Result<Checked, WriteError>
//! {
//!     let expected = pre.expected_version::<i64>()?;
//!     let condition = expected.version_match();
//!     let updated = sqlx::query(
//!         "UPDATE carts SET name = ?2, version = version + 1
//!          WHERE id = ?1 AND (version IN (SELECT value FROM json_each(?3))) = ?4",
//!     )
//!     .bind(id).bind(name).bind(condition.json()).bind(condition.member())
//!     .execute(&mut *tx)
//!     .await?;
//!     let lookup = sqlx::query("SELECT 1 FROM carts WHERE id = ?1").bind(id).fetch_optional(&mut *tx);
//!     conclude(&expected, &updated, lookup).await
//! }
//!
//! // MySQL and MariaDB: `JSON_CONTAINS`. The statement always bumps the version, so the row
//! // count is right whether the connection counts matched rows (sqlx does) or changed ones.
//! async fn rename_mysql(tx: &mut MySqlConnection, pre: &Preconditions, id: i64, name: &str)
//!     -> Result<Checked, WriteError>
//! {
//!     let expected = pre.expected_version::<i64>()?;
//!     let condition = expected.version_match();
//!     let updated = sqlx::query(
//!         "UPDATE carts SET name = ?, version = version + 1
//!          WHERE id = ? AND JSON_CONTAINS(?, CAST(version AS CHAR)) = ?",
//!     )
//!     .bind(name).bind(id).bind(condition.json()).bind(condition.member())
//!     .execute(&mut *tx)
//!     .await?;
//!     let lookup = sqlx::query("SELECT 1 FROM carts WHERE id = ?").bind(id).fetch_optional(&mut *tx);
//!     conclude(&expected, &updated, lookup).await
//! }
//! ```

mod busy;
mod classify;
mod conclude;
mod error;
mod retry;
mod version_match;

pub use busy::Busy;
pub use classify::{Retryable, is_retryable};
pub use conclude::{RowsWritten, conclude};
pub use error::WriteError;
pub use retry::{RetryPolicy, retry};
pub use version_match::VersionMatch;
