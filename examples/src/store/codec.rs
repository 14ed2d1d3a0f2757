//! Conversions between model values and the columns both backends store them in.

use std::string::FromUtf8Error;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use etag_core::EntityTag;

use crate::model::LineItem;

/// Line items are stored as a JSON array.
pub(super) fn items_to_json(items: &[LineItem]) -> Result<String, serde_json::Error> {
    serde_json::to_string(items)
}

/// Decodes stored line items; a corrupt value is an error, not a panic.
pub(super) fn items_from_json(text: &str) -> Result<Vec<LineItem>, serde_json::Error> {
    serde_json::from_str(text)
}

/// An entity tag as stored: its exact wire form (`"…"` or `W/"…"`), which
/// [`EntityTag::parse`] reads back to the same tag.
///
/// A tag whose opaque bytes are not UTF-8 (legal `obs-text`) has no exact text form and is
/// refused rather than stored altered; the shop's tags are hex digests and versions, so this
/// never happens in practice.
pub(crate) fn etag_text(tag: &EntityTag) -> Result<String, FromUtf8Error> {
    String::from_utf8(tag.to_header_value().as_bytes().to_vec())
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

/// A stored version (a `BIGINT` / `INTEGER` column) as the model's `u64`; the schema keeps it
/// positive.
pub(super) fn version_from_sql(version: i64) -> u64 {
    u64::try_from(version).unwrap_or(0)
}

/// The model's version as a column value.
pub(super) fn version_to_sql(version: u64) -> i64 {
    i64::try_from(version).unwrap_or(i64::MAX)
}
