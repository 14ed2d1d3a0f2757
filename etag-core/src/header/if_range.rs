//! The `If-Range` field (RFC 9110 §13.1.5).

use std::time::SystemTime;

use super::date::parse_http_date;
use super::list::trim_ows;
use crate::entity_tag::EntityTag;

/// The `If-Range` field (RFC 9110 §13.1.5).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IfRange {
    /// An entity tag: the range applies only if it strongly matches the current tag.
    Tag(EntityTag),
    /// An HTTP date: the range applies only if it equals the current modification time.
    Date(SystemTime),
    /// A value that is neither; the range never applies.
    Invalid,
}

impl IfRange {
    /// Reads one field value: an entity tag when it starts like one, else an HTTP-date, else
    /// [`Invalid`](Self::Invalid).
    pub(crate) fn parse(value: &[u8]) -> Self {
        let value = trim_ows(value);
        if value.starts_with(b"\"") || value.starts_with(b"W/") {
            return EntityTag::parse(value).map_or(Self::Invalid, Self::Tag);
        }
        parse_http_date(value).map_or(Self::Invalid, Self::Date)
    }
}
