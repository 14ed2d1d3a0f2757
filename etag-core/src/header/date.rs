//! The date fields `If-Modified-Since` / `If-Unmodified-Since` (RFC 9110 §13.1.3-4) and the date
//! form of `If-Range`: HTTP-dates read in any of their three forms, written as IMF-fixdates.

use std::time::{Duration, SystemTime};

use http::{HeaderMap, HeaderName, HeaderValue};

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

/// The last second an HTTP-date can express: 9999-12-31T23:59:59Z.
const LAST_HTTP_DATE: Duration = Duration::from_secs(253_402_300_799);

/// `time` as an IMF-fixdate, or `None` when HTTP dates cannot express it (before 1970 or after
/// the year 9999).
pub(crate) fn http_date(time: SystemTime) -> Option<HeaderValue> {
    let since_epoch = time.duration_since(SystemTime::UNIX_EPOCH).ok()?;
    if since_epoch > LAST_HTTP_DATE {
        return None;
    }
    HeaderValue::from_str(&httpdate::fmt_http_date(time)).ok()
}

/// An HTTP-date, exactly (no surrounding whitespace), or `None`.
pub(crate) fn parse_http_date(value: &[u8]) -> Option<SystemTime> {
    let text = std::str::from_utf8(value).ok()?;
    httpdate::parse_http_date(text).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_imf_fixdate_and_reads_it_back() {
        let time = SystemTime::UNIX_EPOCH + Duration::from_secs(784_111_777);
        let value = http_date(time).expect("in range");
        assert_eq!(value, "Sun, 06 Nov 1994 08:49:37 GMT");
        assert_eq!(parse_http_date(value.as_bytes()), Some(time));
    }

    #[test]
    fn out_of_range_dates_are_none_not_panics() {
        assert_eq!(
            http_date(SystemTime::UNIX_EPOCH - Duration::from_secs(1)),
            None
        );
        assert_eq!(
            http_date(SystemTime::UNIX_EPOCH + LAST_HTTP_DATE + Duration::from_secs(1)),
            None
        );
        assert!(http_date(SystemTime::UNIX_EPOCH + LAST_HTTP_DATE).is_some());
    }
}
