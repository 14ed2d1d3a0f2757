//! The `If-Range` field (RFC 9110 §13.1.5).

use std::time::SystemTime;

use http::HeaderValue;

use super::date::{http_date, parse_http_date};
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

    /// The field value, for a client to send: the tag, or the date as an IMF-fixdate. `None` for
    /// [`Invalid`](Self::Invalid), and for a date HTTP cannot express (before 1970, after 9999).
    ///
    /// ```
    /// use std::time::{Duration, UNIX_EPOCH};
    /// use etag_core::{EntityTag, IfRange};
    ///
    /// let tag = IfRange::Tag(EntityTag::strong("v7").expect("a valid tag"));
    /// assert_eq!(tag.to_header_value().expect("a tag"), "\"v7\"");
    /// let date = IfRange::Date(UNIX_EPOCH + Duration::from_secs(784_111_777));
    /// assert_eq!(date.to_header_value().expect("in range"), "Sun, 06 Nov 1994 08:49:37 GMT");
    /// assert_eq!(IfRange::Invalid.to_header_value(), None);
    /// ```
    pub fn to_header_value(&self) -> Option<HeaderValue> {
        match self {
            Self::Tag(tag) => Some(tag.to_header_value()),
            Self::Date(time) => http_date(*time),
            Self::Invalid => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    #[test]
    fn what_it_writes_reads_back_as_the_same_field() {
        let fields = [
            IfRange::Tag(EntityTag::strong("a").expect("valid")),
            IfRange::Tag(EntityTag::weak("b").expect("valid")),
            IfRange::Date(SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000)),
        ];
        for field in fields {
            let value = field.to_header_value().expect("expressible");
            assert_eq!(IfRange::parse(value.as_bytes()), field);
        }
    }
}
