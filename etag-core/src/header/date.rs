//! The date fields `If-Modified-Since` / `If-Unmodified-Since` (RFC 9110 §13.1.3-4) and the date
//! form of `If-Range`: HTTP-dates in any of their three forms.

use std::time::SystemTime;

use http::{HeaderMap, HeaderName};

use super::list::trim_ows;

/// A date field with exactly one line holding a valid HTTP-date (any of the three forms);
/// otherwise the field is ignored (RFC 9110 §13.1.3-4).
pub(crate) fn single_date(headers: &HeaderMap, name: &HeaderName) -> Option<SystemTime> {
    let mut lines = headers.get_all(name).iter();
    let line = lines.next()?;
    if lines.next().is_some() {
        return None;
    }
    parse_http_date(trim_ows(line.as_bytes()))
}

/// An HTTP-date, exactly (no surrounding whitespace), or `None`.
pub(crate) fn parse_http_date(value: &[u8]) -> Option<SystemTime> {
    let text = std::str::from_utf8(value).ok()?;
    httpdate::parse_http_date(text).ok()
}
