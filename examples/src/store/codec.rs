//! Conversions between model values and SQLite columns.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use etag_core::EntityTag;
use rusqlite::types::Type;

use crate::model::LineItem;

/// Line items are stored as a JSON array.
pub(super) fn items_to_sql(items: &[LineItem]) -> rusqlite::Result<String> {
    serde_json::to_string(items)
        .map_err(|error| rusqlite::Error::ToSqlConversionFailure(error.into()))
}

/// Decodes the JSON array of column `index`; a corrupt value is a database error, not a panic.
pub(super) fn items_from_sql(index: usize, text: &str) -> rusqlite::Result<Vec<LineItem>> {
    serde_json::from_str(text)
        .map_err(|error| rusqlite::Error::FromSqlConversionFailure(index, Type::Text, error.into()))
}

/// An entity tag as stored: its exact wire form (`"…"` or `W/"…"`), which
/// [`EntityTag::parse`] reads back to the same tag.
///
/// A tag whose opaque bytes are not UTF-8 (legal `obs-text`) has no exact text form and is
/// refused rather than stored altered; the shop's tags are hex digests and versions, so this
/// never happens in practice.
pub(crate) fn etag_to_sql(tag: &EntityTag) -> rusqlite::Result<String> {
    String::from_utf8(tag.to_header_value().as_bytes().to_vec())
        .map_err(|error| rusqlite::Error::ToSqlConversionFailure(error.into()))
}

/// Milliseconds since the Unix epoch (0 for times before it, which the clock never gives).
pub(super) fn to_millis(time: SystemTime) -> i64 {
    time.duration_since(UNIX_EPOCH).map_or(0, |since| {
        i64::try_from(since.as_millis()).unwrap_or(i64::MAX)
    })
}

pub(super) fn from_millis(millis: i64) -> SystemTime {
    UNIX_EPOCH + Duration::from_millis(u64::try_from(millis).unwrap_or(0))
}

/// Whole seconds since the Unix epoch.
pub(super) fn to_seconds(time: SystemTime) -> i64 {
    time.duration_since(UNIX_EPOCH).map_or(0, |since| {
        i64::try_from(since.as_secs()).unwrap_or(i64::MAX)
    })
}

pub(super) fn from_seconds(seconds: i64) -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(u64::try_from(seconds).unwrap_or(0))
}

/// Tries `insert` with fresh random ids until one is free. 64 random bits make a collision
/// vanishingly rare; the loop only guarantees that one never surfaces as an error.
pub(super) fn with_fresh_id<T>(
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
