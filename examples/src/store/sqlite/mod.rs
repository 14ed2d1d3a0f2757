//! The store's SQL for SQLite: reading and writing rows inside [`Database`]'s transactions.
//!
//! [`Database`]: crate::db::sqlite::Database

pub(super) mod carts;
pub(super) mod orders;
pub(super) mod products;

use etag_core::EntityTag;
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
