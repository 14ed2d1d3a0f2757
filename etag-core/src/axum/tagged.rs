//! [`Tagged`]: a JSON response that carries its validators and answers conditional GETs.

use std::time::SystemTime;

use axum::Json;
use axum::body::Body;
use axum::response::{IntoResponse, Response};
use http::header::{CONTENT_TYPE, HeaderName, HeaderValue};
use http::{HeaderMap, StatusCode};
use serde::Serialize;

use super::not_modified::not_modified;
use super::validators::insert_validators;
use crate::entity_tag::EntityTag;
use crate::method::is_get_or_head;
use crate::precondition::{PreconditionError, Preconditions, ResourceState};
use crate::problem::ProblemDetails;
use crate::versioned::Versioned;

/// A `Versioned + Serialize` value as a JSON response with `ETag` and `Last-Modified`.
///
/// Call [`evaluate`](Self::evaluate) with the request's [`Preconditions`] to answer a GET or HEAD
/// conditionally: when `If-None-Match` (or `If-Modified-Since`) matches, the response is a 304
/// that never serializes the value, keeps `ETag`, `Last-Modified`, `Cache-Control`, `Expires`,
/// `Vary`, `Content-Location` and `Date`, and drops `Content-Type` / `Content-Length`
/// (RFC 9110 §15.4.5). A failed `If-Match` gives 412. HEAD gets the GET's headers and no body (the
/// router strips it).
///
/// ```
/// use axum::{Router, extract::Path, routing::get};
/// use etag_core::{EntityTag, Preconditions, Tagged, Versioned};
/// use http::{HeaderValue, header::CACHE_CONTROL};
/// use serde::Serialize;
///
/// #[derive(Serialize)]
/// struct Order { id: u64, version: u64 }
///
/// impl Versioned for Order {
///     fn etag(&self) -> EntityTag { EntityTag::from_version(self.version) }
/// }
///
/// async fn get_order(pre: Preconditions, Path(id): Path<u64>) -> Tagged<Order> {
///     let order = Order { id, version: 3 }; // from your store
///     Tagged::new(order)
///         .with_header(CACHE_CONTROL, HeaderValue::from_static("private, max-age=0"))
///         .evaluate(&pre)
/// }
///
/// let app: Router = Router::new().route("/orders/{id}", get(get_order));
/// ```
///
/// After a write, return the new state with its status and headers; the client's next `If-Match`
/// is the `ETag` it receives:
///
/// ```
/// # use etag_core::{EntityTag, Tagged, Versioned};
/// # #[derive(serde::Serialize)] struct Order { id: u64, version: u64 }
/// # impl Versioned for Order { fn etag(&self) -> EntityTag { EntityTag::from_version(self.version) } }
/// use http::{HeaderValue, StatusCode, header::LOCATION};
///
/// let created = Tagged::new(Order { id: 7, version: 1 })
///     .with_status(StatusCode::CREATED)
///     .with_header(LOCATION, HeaderValue::from_static("/orders/7"));
/// ```
#[derive(Debug, Clone)]
#[must_use = "a Tagged value does nothing until it is returned as a response"]
pub struct Tagged<T> {
    value: T,
    status: StatusCode,
    headers: HeaderMap,
    /// The validators of `value` and what the request's preconditions decided, once
    /// [`evaluate`](Self::evaluate) has computed them; the response reuses them rather than
    /// hashing the value a second time.
    evaluated: Option<Evaluated>,
}

#[derive(Debug, Clone)]
struct Evaluated {
    etag: EntityTag,
    last_modified: Option<SystemTime>,
    refusal: Option<PreconditionError>,
}

impl Evaluated {
    /// The validators of `value`, and what `pre` (if any) decides about them.
    fn of<T: Versioned>(value: &T, pre: Option<&Preconditions>) -> Self {
        let etag = value.etag();
        let last_modified = value.last_modified();
        // The tag is inline (a derived tag's 32 digits, a version number): copying it is cheap.
        let refusal = pre.and_then(|pre| {
            pre.evaluate(&ResourceState::present(etag.clone(), last_modified))
                .err()
        });
        Self {
            etag,
            last_modified,
            refusal,
        }
    }
}

impl<T> Tagged<T> {
    /// A `200 OK` response for `value`.
    pub fn new(value: T) -> Self {
        Self {
            value,
            status: StatusCode::OK,
            headers: HeaderMap::new(),
            evaluated: None,
        }
    }

    /// Answers with `status` instead of 200 (for example `201 Created` after a create). With
    /// 204 or 205 the response has no body and no `Content-Type`, only the validators and the
    /// headers set here; with 304 it is the evaluator's own 304.
    pub fn with_status(mut self, status: StatusCode) -> Self {
        self.status = status;
        self
    }

    /// Sets a response header (`Location`, `Cache-Control`, `Vary`, …), replacing any earlier
    /// value. `ETag` and `Last-Modified` always come from the value.
    pub fn with_header(mut self, name: HeaderName, value: HeaderValue) -> Self {
        self.headers.insert(name, value);
        self
    }

    /// The response headers set so far, to add several values of one field.
    pub fn headers_mut(&mut self) -> &mut HeaderMap {
        &mut self.headers
    }

    /// The status the response will have when no precondition intervenes.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The value.
    pub fn value(&self) -> &T {
        &self.value
    }

    /// The value, giving up the response settings.
    pub fn into_inner(self) -> T {
        self.value
    }
}

impl<T: Versioned> Tagged<T> {
    /// Evaluates the request's preconditions against this value, which must be the current state
    /// of the resource, to answer a GET or HEAD with 304 (or 412) when they say so. Call it after
    /// [`with_status`](Self::with_status).
    ///
    /// Preconditions only apply to a response that would otherwise be a 2xx (RFC 9110 §13.2.1),
    /// so a non-2xx status is left alone. For other methods this changes nothing: a write checks
    /// the state it is about to replace, inside the write ([`Preconditions::check`]), and this
    /// value is the state after the write.
    pub fn evaluate(mut self, pre: &Preconditions) -> Self {
        if is_get_or_head(pre.method()) && self.status.is_success() {
            self.evaluated = Some(Evaluated::of(&self.value, Some(pre)));
        }
        self
    }
}

impl<T: Versioned + Serialize> IntoResponse for Tagged<T> {
    fn into_response(self) -> Response {
        self.into_response_refusing_with(IntoResponse::into_response)
    }
}

impl<T: Versioned + Serialize> Tagged<T> {
    /// The response, with `refuse` answering a precondition that stopped it (under
    /// `#[conditional(error = E)]`, through the handler's error type).
    pub(crate) fn into_response_refusing_with(
        self,
        refuse: fn(PreconditionError) -> Response,
    ) -> Response {
        // A derived tag hashes every selected field: compute it once per response.
        let Evaluated {
            etag,
            last_modified,
            refusal,
        } = match self.evaluated {
            Some(evaluated) => evaluated,
            None => Evaluated::of(&self.value, None),
        };
        match refusal {
            Some(PreconditionError::NotModified { .. }) => {
                not_modified(&etag, last_modified, self.headers)
            }
            Some(refusal) => refuse(refusal),
            // A 304 set by hand is answered like the evaluator's: the same headers kept.
            None if self.status == StatusCode::NOT_MODIFIED => {
                not_modified(&etag, last_modified, self.headers)
            }
            None => full_response(&self.value, self.status, self.headers, &etag, last_modified),
        }
    }
}

pub(crate) fn full_response<T: Serialize>(
    value: &T,
    status: StatusCode,
    mut headers: HeaderMap,
    etag: &EntityTag,
    last_modified: Option<SystemTime>,
) -> Response {
    let body = if has_no_content(status) {
        // Nothing is sent, so nothing is serialized or labelled.
        headers.remove(CONTENT_TYPE);
        Body::empty()
    } else {
        match serde_json::to_vec(value) {
            Ok(body) => {
                if !headers.contains_key(CONTENT_TYPE) {
                    headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
                }
                Body::from(body)
            }
            Err(error) => {
                tracing::error!(%error, "etag_core::Tagged: the response value failed to serialize");
                return ProblemDetails::new(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "The server could not serialize the response.",
                )
                .into_response();
            }
        }
    };
    insert_validators(&mut headers, etag, last_modified);
    let mut response = Response::new(body);
    *response.status_mut() = status;
    *response.headers_mut() = headers;
    response
}

/// Statuses that never carry content: 204 No Content and 205 Reset Content (RFC 9110 §15.3.5,
/// §15.3.6). (A 304 is answered by `not_modified`.)
fn has_no_content(status: StatusCode) -> bool {
    matches!(status, StatusCode::NO_CONTENT | StatusCode::RESET_CONTENT)
}

/// `Json<T>` has the validators of the `T` inside.
impl<T: Versioned> Versioned for Json<T> {
    fn etag(&self) -> EntityTag {
        self.0.etag()
    }

    fn last_modified(&self) -> Option<SystemTime> {
        self.0.last_modified()
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use http::header::{CONTENT_LENGTH, ETAG, LAST_MODIFIED};
    use http::{HeaderMap, Method, header};
    use http_body::Body as _;

    use super::*;

    #[derive(Serialize)]
    struct Doc<T>(T);

    impl<T> Versioned for Doc<T> {
        fn etag(&self) -> EntityTag {
            EntityTag::from_version(9_u8)
        }
        fn last_modified(&self) -> Option<SystemTime> {
            Some(SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(784_111_777))
        }
    }

    fn get_with(name: header::HeaderName, value: &'static str) -> Preconditions {
        let mut headers = HeaderMap::new();
        headers.insert(name, HeaderValue::from_static(value));
        Preconditions::parse(&Method::GET, &headers).expect("valid headers")
    }

    #[test]
    fn a_value_that_fails_to_serialize_is_a_500_problem_not_a_panic() {
        // JSON object keys must be strings; a tuple key cannot serialize.
        let map: BTreeMap<(u8, u8), u8> = BTreeMap::from([((1, 2), 3)]);
        let response = Tagged::new(Doc(map)).into_response();
        assert_eq!(response.status(), StatusCode::INTERNAL_SERVER_ERROR);
        assert_eq!(response.headers()[CONTENT_TYPE], crate::PROBLEM_JSON);
        assert!(response.headers().get(ETAG).is_none());
    }

    #[test]
    fn a_status_without_content_sends_validators_and_no_body() {
        for status in [StatusCode::NO_CONTENT, StatusCode::RESET_CONTENT] {
            let response = Tagged::new(MustNotSerialize)
                .with_status(status)
                .with_header(CONTENT_TYPE, HeaderValue::from_static("application/json"))
                .into_response();
            assert_eq!(response.status(), status);
            assert_eq!(response.headers()[ETAG], "\"9\"");
            assert!(response.headers().get(CONTENT_TYPE).is_none(), "{status}");
            assert_eq!(response.body().size_hint().exact(), Some(0));
        }
        // A 304 set by hand is the evaluator's 304: representation metadata dropped, no
        // `Content-Length` added for the empty body.
        let response = Tagged::new(MustNotSerialize)
            .with_status(StatusCode::NOT_MODIFIED)
            .with_header(CONTENT_TYPE, HeaderValue::from_static("application/json"))
            .with_header(header::CONTENT_LANGUAGE, HeaderValue::from_static("en"))
            .into_response();
        assert_eq!(response.status(), StatusCode::NOT_MODIFIED);
        assert_eq!(response.headers()[ETAG], "\"9\"");
        for dropped in [CONTENT_TYPE, header::CONTENT_LANGUAGE, CONTENT_LENGTH] {
            assert!(response.headers().get(&dropped).is_none(), "{dropped}");
        }
    }

    #[test]
    fn status_headers_and_validators_are_set() {
        let response = Tagged::new(Doc("x"))
            .with_status(StatusCode::CREATED)
            .with_header(header::LOCATION, HeaderValue::from_static("/docs/1"))
            .into_response();
        assert_eq!(response.status(), StatusCode::CREATED);
        assert_eq!(response.headers()[header::LOCATION], "/docs/1");
        assert_eq!(response.headers()[ETAG], "\"9\"");
        assert_eq!(
            response.headers()[LAST_MODIFIED],
            "Sun, 06 Nov 1994 08:49:37 GMT"
        );
        assert_eq!(response.headers()[CONTENT_TYPE], "application/json");
    }

    #[test]
    fn not_modified_drops_representation_metadata_but_keeps_content_location() {
        let response = Tagged::new(Doc("x"))
            .with_header(
                CONTENT_TYPE,
                HeaderValue::from_static("application/vnd.doc+json"),
            )
            .with_header(header::CONTENT_LANGUAGE, HeaderValue::from_static("en"))
            .with_header(
                header::CONTENT_LOCATION,
                HeaderValue::from_static("/docs/1"),
            )
            .with_header(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"))
            .evaluate(&get_with(header::IF_NONE_MATCH, "W/\"9\""))
            .into_response();
        assert_eq!(response.status(), StatusCode::NOT_MODIFIED);
        let headers = response.headers();
        assert!(headers.get(CONTENT_TYPE).is_none());
        assert!(headers.get(header::CONTENT_LANGUAGE).is_none());
        assert!(headers.get(CONTENT_LENGTH).is_none());
        assert_eq!(headers[header::CONTENT_LOCATION], "/docs/1");
        assert_eq!(headers[header::CACHE_CONTROL], "no-cache");
        assert_eq!(headers[ETAG], "\"9\"");
        assert_eq!(
            response.body().size_hint().exact(),
            None,
            "no Content-Length: 0 from axum"
        );
    }

    /// A value that fails the test if anything serializes it.
    struct MustNotSerialize;

    impl Serialize for MustNotSerialize {
        fn serialize<S: serde::Serializer>(&self, _: S) -> Result<S::Ok, S::Error> {
            panic!("a response without content must not serialize the value");
        }
    }

    impl Versioned for MustNotSerialize {
        fn etag(&self) -> EntityTag {
            EntityTag::from_version(9_u8)
        }
    }

    /// Counts, in a counter it shares with the test, how often its tag is computed.
    #[derive(Serialize)]
    struct Counted {
        #[serde(skip)]
        calls: std::sync::Arc<std::sync::atomic::AtomicUsize>,
        name: &'static str,
    }

    impl Versioned for Counted {
        fn etag(&self) -> EntityTag {
            self.calls
                .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            EntityTag::from_version(9_u8)
        }
    }

    #[test]
    fn the_tag_is_computed_once_per_response() {
        for (pre, status) in [
            (
                get_with(header::IF_NONE_MATCH, "\"9\""),
                StatusCode::NOT_MODIFIED,
            ),
            (get_with(header::IF_NONE_MATCH, "\"8\""), StatusCode::OK),
            (
                get_with(header::IF_MATCH, "\"8\""),
                StatusCode::PRECONDITION_FAILED,
            ),
        ] {
            let calls = std::sync::Arc::default();
            let response = Tagged::new(Counted {
                calls: std::sync::Arc::clone(&calls),
                name: "x",
            })
            .evaluate(&pre)
            .into_response();
            assert_eq!(response.status(), status);
            assert_eq!(
                calls.load(std::sync::atomic::Ordering::Relaxed),
                1,
                "{status}"
            );
        }
    }

    #[test]
    fn preconditions_do_not_apply_to_a_non_2xx_response() {
        // RFC 9110 §13.2.1: a response that would not be 2xx ignores the preconditions.
        let response = Tagged::new(Doc("x"))
            .with_status(StatusCode::ACCEPTED)
            .evaluate(&get_with(header::IF_NONE_MATCH, "*"))
            .into_response();
        assert_eq!(
            response.status(),
            StatusCode::NOT_MODIFIED,
            "2xx still evaluates"
        );
        for status in [StatusCode::NOT_FOUND, StatusCode::GONE] {
            let response = Tagged::new(Doc("x"))
                .with_status(status)
                .evaluate(&get_with(header::IF_NONE_MATCH, "*"))
                .into_response();
            assert_eq!(response.status(), status);
        }
    }

    #[test]
    fn not_modified_never_serializes_the_value() {
        let response = Tagged::new(MustNotSerialize)
            .evaluate(&get_with(header::IF_NONE_MATCH, "\"9\""))
            .into_response();
        assert_eq!(response.status(), StatusCode::NOT_MODIFIED);
    }

    #[test]
    fn evaluate_leaves_writes_alone() {
        let mut headers = HeaderMap::new();
        headers.insert(header::IF_MATCH, HeaderValue::from_static("\"1\""));
        let put = Preconditions::parse(&Method::PUT, &headers).expect("valid headers");
        // The value is the state after the write: its tag is not the one the client sent, and
        // that must not turn a successful write into a 412.
        let response = Tagged::new(Doc("x")).evaluate(&put).into_response();
        assert_eq!(response.status(), StatusCode::OK);
        let failed = Tagged::new(Doc("x"))
            .evaluate(&get_with(header::IF_MATCH, "\"1\""))
            .into_response();
        assert_eq!(failed.status(), StatusCode::PRECONDITION_FAILED);
    }
}
