//! The validators on a response: `ETag` and `Last-Modified`, an HTTP-date HTTP can express.

use std::convert::Infallible;
use std::time::SystemTime;

use axum::response::{IntoResponseParts, ResponseParts};
use http::HeaderMap;
use http::header::{ETAG, LAST_MODIFIED};

use crate::entity_tag::EntityTag;
use crate::header::http_date;
use crate::precondition::ResourceState;

/// Sets `ETag` and, when there is one that HTTP can express, `Last-Modified` (a time before
/// 1970 or after 9999 is simply not sent).
///
/// A modification time in the future is sent as the current time: RFC 9110 §8.8.2.1 forbids a
/// `Last-Modified` later than the message's origination. The evaluator still compares against the
/// value's own time, so a store that orders same-second writes by advancing it stays safe: until
/// the clock catches up, `If-Modified-Since` gets a 200 and `If-Unmodified-Since` a 412, never a
/// wrong 304 or a lost update.
pub(crate) fn insert_validators(
    headers: &mut HeaderMap,
    etag: &EntityTag,
    last_modified: Option<SystemTime>,
) {
    headers.insert(ETAG, etag.to_header_value());
    let not_in_future = last_modified.map(|time| time.min(SystemTime::now()));
    match not_in_future.and_then(http_date) {
        Some(date) => {
            headers.insert(LAST_MODIFIED, date);
        }
        None => {
            headers.remove(LAST_MODIFIED);
        }
    }
}

/// A present state sets its validators, `ETag` and `Last-Modified`, on a response of any body
/// type; `Missing` sets nothing. For handlers that answer HTML, bytes or a stream rather than the
/// JSON [`Tagged`](crate::Tagged) sends:
///
/// ```
/// use axum::response::{Html, IntoResponse, Response};
/// use etag_core::{EntityTag, PreconditionError, Preconditions, ResourceState};
///
/// struct Page { revision: u64, html: String }
///
/// async fn page(pre: Preconditions) -> Result<Response, PreconditionError> {
///     let page = Page { revision: 7, html: "<h1>Hello</h1>".into() };
///     let state = ResourceState::present(EntityTag::from_version(page.revision), None);
///     pre.evaluate(&state)?; // 304 or 412 when the conditional headers say so
///     Ok((state, Html(page.html)).into_response())
/// }
/// # let _ = axum::Router::<()>::new().route("/", axum::routing::get(page));
/// ```
impl IntoResponseParts for ResourceState {
    type Error = Infallible;

    fn into_response_parts(self, mut parts: ResponseParts) -> Result<ResponseParts, Self::Error> {
        if let Self::Present {
            etag,
            last_modified,
        } = &self
        {
            insert_validators(parts.headers_mut(), etag, *last_modified);
        }
        Ok(parts)
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use axum::response::IntoResponse;

    use super::*;

    #[test]
    fn a_state_sets_its_validators_on_any_response() {
        let time = SystemTime::UNIX_EPOCH + Duration::from_secs(784_111_777);
        let tag = EntityTag::strong("v7").expect("valid");
        let response = (ResourceState::present(tag, Some(time)), "plain text").into_response();
        assert_eq!(response.headers()[ETAG], "\"v7\"");
        assert_eq!(
            response.headers()[LAST_MODIFIED],
            "Sun, 06 Nov 1994 08:49:37 GMT"
        );
        assert_eq!(
            response.headers()[http::header::CONTENT_TYPE],
            "text/plain; charset=utf-8"
        );
        let missing = (ResourceState::Missing, "gone").into_response();
        assert!(missing.headers().get(ETAG).is_none());
        assert!(missing.headers().get(LAST_MODIFIED).is_none());
    }

    #[test]
    fn last_modified_is_never_later_than_now() {
        let mut headers = HeaderMap::new();
        let tag = EntityTag::strong("a").expect("valid");
        let before = SystemTime::now();
        let next_year = before + Duration::from_secs(365 * 24 * 3600);
        insert_validators(&mut headers, &tag, Some(next_year));
        let sent = headers
            .get(LAST_MODIFIED)
            .and_then(|value| value.to_str().ok())
            .and_then(|text| httpdate::parse_http_date(text).ok())
            .expect("a Last-Modified date");
        let after = SystemTime::now();
        let second = Duration::from_secs(1);
        assert!(sent + second > before && sent <= after, "sent {sent:?}");
    }
}
