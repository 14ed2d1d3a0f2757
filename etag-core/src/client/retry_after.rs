//! `Retry-After` (RFC 9110 §10.2.3): a number of seconds, or an HTTP-date.

use std::time::{Duration, SystemTime};

use http::HeaderValue;

/// How long the server asks the client to wait, measured from `now`.
///
/// `None` when the value is neither form (the caller then falls back to its own backoff). A date
/// in the past means "now": zero.
pub(crate) fn parse(value: &HeaderValue, now: SystemTime) -> Option<Duration> {
    let text = value.to_str().ok()?.trim();
    if !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit()) {
        // More digits than a u64 holds is still "a very long time"; the policy caps it anyway.
        return Some(Duration::from_secs(text.parse().unwrap_or(u64::MAX)));
    }
    let date = httpdate::parse_http_date(text).ok()?;
    Some(date.duration_since(now).unwrap_or(Duration::ZERO))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(seconds: u64) -> SystemTime {
        SystemTime::UNIX_EPOCH + Duration::from_secs(seconds)
    }

    fn parsed(value: &'static str, now: SystemTime) -> Option<Duration> {
        parse(&HeaderValue::from_static(value), now)
    }

    #[test]
    fn seconds() {
        assert_eq!(parsed("0", at(0)), Some(Duration::ZERO));
        assert_eq!(parsed("120", at(0)), Some(Duration::from_secs(120)));
        assert_eq!(parsed(" 3 ", at(0)), Some(Duration::from_secs(3)));
        assert_eq!(
            parsed("99999999999999999999999", at(0)),
            Some(Duration::from_secs(u64::MAX))
        );
    }

    #[test]
    fn http_dates_count_from_now() {
        // 784111777 is Sun, 06 Nov 1994 08:49:37 GMT, RFC 9110's example date.
        let date = "Sun, 06 Nov 1994 08:49:37 GMT";
        assert_eq!(
            parsed(date, at(784_111_777 - 5)),
            Some(Duration::from_secs(5))
        );
        assert_eq!(parsed(date, at(784_111_777)), Some(Duration::ZERO));
        assert_eq!(parsed(date, at(784_111_777 + 60)), Some(Duration::ZERO));
        // The obsolete forms HTTP recipients must accept.
        assert_eq!(
            parsed("Sunday, 06-Nov-94 08:49:37 GMT", at(784_111_777 - 1)),
            Some(Duration::from_secs(1))
        );
    }

    #[test]
    fn anything_else_is_no_answer() {
        for value in ["", "-1", "1.5", "soon", "5 seconds", "Sun, 06 Nov 1994"] {
            assert_eq!(parsed(value, at(0)), None, "{value:?}");
        }
        let opaque = HeaderValue::from_bytes(b"\xff").expect("obs-text is a valid header value");
        assert_eq!(parse(&opaque, at(0)), None);
    }
}
