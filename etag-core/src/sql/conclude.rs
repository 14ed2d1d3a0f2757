//! A compare-and-swap statement's outcome, turned into the proof, a 412 or a 404.

use std::future::Future;

use super::WriteError;
use crate::{Checked, ExpectedVersion};

/// How many rows a statement wrote, as its result reports it.
///
/// Implemented for the row a `… RETURNING` statement gave back (`Option<R>`: one row or none),
/// a count (`u64`), and with the driver features for sqlx's query results:
/// `PgQueryResult` (`sqlx-postgres`), `SqliteQueryResult` (`sqlx-sqlite`) and `MySqlQueryResult`
/// (`sqlx-mysql`).
///
/// MySQL and MariaDB count *changed* rows by default, so an `UPDATE` that sets every column to
/// the value it had counts 0, which would look like a conflict. sqlx's MySQL driver connects with
/// `CLIENT_FOUND_ROWS`, which counts *matched* rows instead; and a compare-and-swap that always
/// bumps the version (`version = version + 1`) changes its row whenever it matches, so it counts
/// right under either setting. Write it that way.
pub trait RowsWritten {
    /// The number of rows written.
    fn rows_written(&self) -> u64;
}

impl RowsWritten for u64 {
    fn rows_written(&self) -> u64 {
        *self
    }
}

impl<R> RowsWritten for Option<R> {
    fn rows_written(&self) -> u64 {
        u64::from(self.is_some())
    }
}

impl<T: RowsWritten + ?Sized> RowsWritten for &T {
    fn rows_written(&self) -> u64 {
        (**self).rows_written()
    }
}

#[cfg(feature = "sqlx-postgres")]
impl RowsWritten for sqlx::postgres::PgQueryResult {
    fn rows_written(&self) -> u64 {
        self.rows_affected()
    }
}

#[cfg(feature = "sqlx-sqlite")]
impl RowsWritten for sqlx::sqlite::SqliteQueryResult {
    fn rows_written(&self) -> u64 {
        self.rows_affected()
    }
}

#[cfg(feature = "sqlx-mysql")]
impl RowsWritten for sqlx::mysql::MySqlQueryResult {
    fn rows_written(&self) -> u64 {
        self.rows_affected()
    }
}

/// Turns a compare-and-swap statement's outcome into the [`Checked`] proof, or into why it
/// wrote nothing.
///
/// `written` is the statement's result; `lookup` is a query for the row by its id, not yet
/// awaited (`sqlx::query("SELECT 1 FROM carts WHERE id = $1").bind(id).fetch_optional(&mut
/// *tx)`): it only runs when nothing was written, to tell a stale version
/// ([`SwapRefused::Stale`](crate::SwapRefused::Stale), 412) from a missing row ([`SwapRefused::Missing`](crate::SwapRefused::Missing), 404, or for a
/// PUT that may create, go on to the insert). Run it in the statement's transaction.
///
/// This is [`ExpectedVersion::conclude`] with the existence check done for you. The error is a
/// [`WriteError`]: [`Precondition`](WriteError::Precondition) (412),
/// [`NotFound`](WriteError::NotFound), or the lookup's [`Database`](WriteError::Database)
/// error; a handler with its own error type converts it with a `From<WriteError>`.
///
/// ```no_run
/// use etag_core::sql::{WriteError, conclude};
/// use etag_core::{Checked, Preconditions};
/// use sqlx::PgPool;
///
/// async fn rename(pool: &PgPool, pre: &Preconditions, id: i64, name: &str)
///     -> Result<Checked, WriteError>
/// {
///     let expected = pre.expected_version::<i64>()?;
///     let condition = expected.version_match();
///     let mut tx = pool.begin().await?;
///     let updated = sqlx::query(
///         "UPDATE carts SET name = $2, version = version + 1
///          WHERE id = $1 AND (version = ANY($3)) = $4",
///     )
///     .bind(id).bind(name).bind(condition.versions()).bind(condition.member())
///     .execute(&mut *tx)
///     .await?;
///     let lookup = sqlx::query("SELECT 1 FROM carts WHERE id = $1").bind(id).fetch_optional(&mut *tx);
///     let checked = conclude(&expected, &updated, lookup).await?; // 412 or 404 when nothing changed
///     tx.commit().await?;
///     Ok(checked)
/// }
/// ```
pub async fn conclude<V, W, L, R>(
    expected: &ExpectedVersion<V>,
    written: W,
    lookup: L,
) -> Result<Checked, WriteError>
where
    W: RowsWritten,
    L: Future<Output = Result<Option<R>, sqlx::Error>>,
{
    let rows = written.rows_written();
    // Only a statement that wrote nothing needs to know whether the row is there.
    let exists = rows == 0 && lookup.await?.is_some();
    Ok(expected.conclude(rows, exists)?)
}
