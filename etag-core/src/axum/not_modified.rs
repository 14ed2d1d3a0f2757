//! The 304 Not Modified response (RFC 9110 §15.4.5).

use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::SystemTime;

use axum::body::{Body, Bytes};
use axum::response::Response;
use http::header::{CONTENT_LOCATION, HeaderName};
use http::{HeaderMap, StatusCode};
use http_body::{Frame, SizeHint};

use super::validators::insert_validators;
use crate::entity_tag::EntityTag;

/// A 304 response: no body, the validators, and those of `headers` a 304 keeps.
///
/// RFC 9110 §15.4.5: a 304 carries the fields a 200 would have carried among `Cache-Control`,
/// `Content-Location`, `Date`, `ETag`, `Expires` and `Vary`, and no representation metadata such
/// as `Content-Type` or `Content-Length`. We keep every header except `Content-*` ones (but
/// `Content-Location`), so application headers such as `Cache-Control` pass through.
pub(crate) fn not_modified(
    etag: &EntityTag,
    last_modified: Option<SystemTime>,
    mut headers: HeaderMap,
) -> Response {
    drop_representation_metadata(&mut headers);
    insert_validators(&mut headers, etag, last_modified);
    let mut response = Response::new(Body::new(NoBody));
    *response.status_mut() = StatusCode::NOT_MODIFIED;
    *response.headers_mut() = headers;
    response
}

fn drop_representation_metadata(headers: &mut HeaderMap) {
    let dropped: Vec<HeaderName> = headers
        .keys()
        .filter(|name| is_representation_metadata(name))
        .cloned()
        .collect();
    for name in dropped {
        headers.remove(name);
    }
}

/// `Content-Type`, `Content-Length`, `Content-Encoding`, `Content-Language`, `Content-Range`…
/// describe a body a 304 does not have. `Content-Location` identifies the resource and stays.
fn is_representation_metadata(name: &HeaderName) -> bool {
    name.as_str().starts_with("content-") && *name != CONTENT_LOCATION
}

/// An empty body that does not claim an exact length.
///
/// axum's router fills in `Content-Length` from a body's exact size hint; for a 304 that would be
/// `Content-Length: 0`, which RFC 9110 §8.6 forbids unless the 200 would have been empty too. An
/// inexact hint leaves the header out, and hyper never writes a body for a 304.
struct NoBody;

impl http_body::Body for NoBody {
    type Data = Bytes;
    type Error = std::convert::Infallible;

    fn poll_frame(
        self: Pin<&mut Self>,
        _cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Self::Data>, Self::Error>>> {
        Poll::Ready(None)
    }

    fn is_end_stream(&self) -> bool {
        true
    }

    fn size_hint(&self) -> SizeHint {
        SizeHint::default()
    }
}
