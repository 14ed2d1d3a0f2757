//! The store's SQL for SQLite: reading and writing rows inside [`Database`]'s transactions.
//!
//! [`Database`]: crate::db::sqlite::Database

pub(super) mod carts;
pub(super) mod orders;
pub(super) mod products;

use etag_core::{CollectionRevision, EntityTag};
use rusqlite::types::Type;

use super::codec::{etag_text, items_from_json, items_to_json};
use crate::db::DbError;
use crate::db::sqlite::Database;
use crate::model::LineItem;

/// The database's identity (schema 4's `shop_identity`).
pub(super) async fn database_id(db: &Database) -> Result<String, DbError> {
    db.read(|conn| conn.query_row("SELECT id FROM shop_identity", [], |row| row.get(0)))
        .await
}

/// Line items as a column value.
fn items_to_sql(items: &[LineItem]) -> rusqlite::Result<String> {
    items_to_json(items).map_err(|error| rusqlite::Error::ToSqlConversionFailure(error.into()))
}

/// Decodes the JSON array of column `index`; a corrupt value is a database error, not a panic.
fn items_from_sql(index: usize, text: &str) -> rusqlite::Result<Vec<LineItem>> {
    items_from_json(text)
        .map_err(|error| rusqlite::Error::FromSqlConversionFailure(index, Type::Text, error.into()))
}

/// An entity tag as a column value.
fn etag_to_sql(tag: &EntityTag) -> rusqlite::Result<String> {
    etag_text(tag).map_err(|error| rusqlite::Error::ToSqlConversionFailure(error.into()))
}

/// Tries `insert` with fresh random ids until one is free. 64 random bits make a collision
/// vanishingly rare; the loop only guarantees that one never surfaces as an error.
fn with_fresh_id<T>(
    tx: &rusqlite::Transaction<'_>,
    mut insert: impl FnMut(&str) -> rusqlite::Result<T>,
) -> rusqlite::Result<(String, T)> {
    const ATTEMPTS: usize = 4;
    let mut last_error = None;
    for _ in 0..ATTEMPTS {
        let id: String = tx
            .prepare_cached("SELECT lower(hex(randomblob(8)))")?
            .query_row([], |row| row.get(0))?;
        match insert(&id) {
            Ok(value) => return Ok((id, value)),
            Err(error)
                if error.sqlite_error_code() == Some(rusqlite::ErrorCode::ConstraintViolation) =>
            {
                last_error = Some(error);
            }
            Err(error) => return Err(error),
        }
    }
    Err(last_error.unwrap_or(rusqlite::Error::QueryReturnedNoRows))
}

/// Counts a write of the collection `name` (`orders`, `carts`) in the transaction that makes
/// it, so the collection's revision moves with every committed change (see
/// [`CollectionRevision`]).
fn bump_revision(tx: &rusqlite::Transaction<'_>, name: &str) -> rusqlite::Result<()> {
    tx.prepare_cached("UPDATE collection_revisions SET revision = revision + 1 WHERE name = ?1")?
        .execute([name])
        .map(drop)
}

/// The current revision of the collection `name`.
fn read_revision(conn: &rusqlite::Connection, name: &str) -> rusqlite::Result<CollectionRevision> {
    conn.prepare_cached("SELECT epoch, revision FROM collection_revisions WHERE name = ?1")?
        .query_row([name], |row| {
            let revision: i64 = row.get(1)?;
            Ok(CollectionRevision::new(
                row.get::<_, String>(0)?,
                u64::try_from(revision).unwrap_or(0),
            ))
        })
}
