//! Oversized request bodies: a 413 the client can actually read.
//!
//! A server that answers 413 without reading the body leaves the client still sending it; the
//! server then closes the connection, and the client may see a broken pipe instead of the answer,
//! or reuse the dead connection for its next request. Like Go's `net/http`, the shop reads and
//! discards a moderately oversized body before answering, so the connection stays usable, and
//! marks every other 413 `Connection: close` (RFC 9110 §15.5.14 lets the server close it).
//!
//! A client that sent `Expect: 100-continue` has not sent its body yet and waits for `100
//! Continue`, which hyper sends when the body is first read. Such a body is never read here: the
//! 413 goes out instead of the `100`, and the client uploads nothing (RFC 9110 §10.1.1).

use axum::extract::Request;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use etag_core::ProblemDetails;
use http::header::{CONNECTION, CONTENT_LENGTH, EXPECT, HeaderValue};
use http::{HeaderMap, StatusCode};
use http_body_util::{BodyExt, Limited};

use super::MAX_BODY_BYTES;

/// Oversized bodies up to this size are drained before the 413; larger ones close the connection.
const MAX_DRAINED_BYTES: usize = 1024 * 1024;

/// Answers 413 before routing when `Content-Length` declares a body over [`MAX_BODY_BYTES`].
/// Bodies without a declared length are stopped by the extractors' limit instead, and get
/// `Connection: close` from [`close_after_unread_body`].
pub(crate) async fn reject_declared_oversize(request: Request, next: Next) -> Response {
    let Some(declared) = declared_length(request.headers()) else {
        return next.run(request).await;
    };
    if declared <= MAX_BODY_BYTES as u64 {
        return next.run(request).await;
    }
    // Reading the body would send `100 Continue` and invite the upload this answer refuses.
    let drained = !expects_continue(request.headers())
        && declared <= MAX_DRAINED_BYTES as u64
        && Limited::new(request.into_body(), MAX_DRAINED_BYTES)
            .collect()
            .await
            .is_ok();
    let mut response = too_large(declared).into_response();
    if !drained {
        response
            .headers_mut()
            .insert(CONNECTION, HeaderValue::from_static("close"));
    }
    response
}

/// Marks a 413 that reaches the client with part of its body unread `Connection: close`, so the
/// client does not send its next request on a connection the server is about to drop.
pub(crate) async fn close_after_unread_body(mut response: Response) -> Response {
    if response.status() == StatusCode::PAYLOAD_TOO_LARGE {
        response
            .headers_mut()
            .insert(CONNECTION, HeaderValue::from_static("close"));
    }
    response
}

/// Whether the client waits for `100 Continue` before sending its body.
fn expects_continue(headers: &HeaderMap) -> bool {
    headers
        .get_all(EXPECT)
        .iter()
        .any(|value| value.as_bytes().eq_ignore_ascii_case(b"100-continue"))
}

fn declared_length(headers: &HeaderMap) -> Option<u64> {
    headers
        .get(CONTENT_LENGTH)?
        .to_str()
        .ok()?
        .trim()
        .parse()
        .ok()
}

fn too_large(declared: u64) -> ProblemDetails {
    ProblemDetails::new(
        StatusCode::PAYLOAD_TOO_LARGE,
        format!(
            "The request body is {declared} bytes; this service accepts at most {MAX_BODY_BYTES}."
        ),
    )
}
