//! Cross-cutting response rules: problem+json for every error, revalidation for every read, and
//! a log line per request.

use std::time::Instant;

use axum::body::{Body, to_bytes};
use axum::extract::Request;
use axum::middleware::Next;
use axum::response::Response;
use etag_core::{PROBLEM_JSON, ProblemDetails};
use http::header::{CACHE_CONTROL, CONTENT_LENGTH, CONTENT_TYPE, HeaderValue};
use http::{HeaderMap, Method, StatusCode};

/// Error bodies longer than this are not worth quoting as a problem's detail.
const MAX_QUOTED_ERROR: usize = 4096;

/// Rewrites error responses that are not yet problem+json (axum's own 405, path and body
/// rejections that did not go through [`ApiError`](crate::error::ApiError)) into RFC 9457
/// problems, keeping their status and headers (such as `Allow` on a 405).
pub(crate) async fn problem_for_every_error(response: Response) -> Response {
    let status = response.status();
    if !(status.is_client_error() || status.is_server_error()) || is_problem(response.headers()) {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let quoted = to_bytes(body, MAX_QUOTED_ERROR)
        .await
        .ok()
        .and_then(|bytes| String::from_utf8(bytes.to_vec()).ok())
        .filter(|text| !text.trim().is_empty());
    let detail = quoted.unwrap_or_else(|| default_detail(status).to_owned());
    parts.headers.remove(CONTENT_LENGTH);
    parts
        .headers
        .insert(CONTENT_TYPE, HeaderValue::from_static(PROBLEM_JSON));
    Response::from_parts(
        parts,
        Body::from(ProblemDetails::new(status, detail).to_json()),
    )
}

fn is_problem(headers: &HeaderMap) -> bool {
    headers
        .get(CONTENT_TYPE)
        .is_some_and(|value| value.as_bytes().starts_with(PROBLEM_JSON.as_bytes()))
}

fn default_detail(status: StatusCode) -> &'static str {
    match status {
        StatusCode::METHOD_NOT_ALLOWED => {
            "This method is not supported on this resource; the Allow header lists those that are."
        }
        StatusCode::NOT_FOUND => "There is no resource at this URL.",
        StatusCode::PAYLOAD_TOO_LARGE => "The request body is larger than this service accepts.",
        _ => "The request could not be handled.",
    }
}

/// Marks successful reads `Cache-Control: no-cache`: caches may store them but must revalidate
/// with the entity tag each time, which is what makes the 304 path pay off. Keeps any
/// `Cache-Control` a handler set.
pub(crate) async fn revalidate_reads(request: Request, next: Next) -> Response {
    let is_read = matches!(*request.method(), Method::GET | Method::HEAD);
    let mut response = next.run(request).await;
    let status = response.status();
    if is_read && (status == StatusCode::OK || status == StatusCode::NOT_MODIFIED) {
        response
            .headers_mut()
            .entry(CACHE_CONTROL)
            .or_insert(HeaderValue::from_static("no-cache"));
    }
    response
}

/// One structured log line per request.
pub(crate) async fn log_request(request: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = request.method().clone();
    let path = request.uri().path().to_owned();
    let response = next.run(request).await;
    let status = response.status().as_u16();
    let micros = started.elapsed().as_micros();
    if response.status().is_server_error() {
        tracing::warn!(%method, %path, status, micros, "request failed");
    } else {
        tracing::info!(%method, %path, status, micros, "request");
    }
    response
}
