//! The success response of a write, which only a [`Checked`] proof can build.

use std::time::SystemTime;

use axum::body::Body;
use axum::response::{IntoResponse, Response};
use http::header::LOCATION;
use http::{HeaderMap, HeaderName, HeaderValue, StatusCode};
use serde::Serialize;

use super::tagged::full_response;
use super::validators::insert_validators;
use crate::{Checked, EntityTag, ResourceState, Versioned};

/// The success response of a write: the new state with its validators, or no content.
///
/// Only a [`Checked`] proof builds one, so a write handler cannot answer success without having
/// evaluated the request's preconditions against the state it replaced:
///
/// | proof method | status | body | `ETag` / `Last-Modified` |
/// |---|---|---|---|
/// | [`checked.ok(state)`](Checked::ok) | 200 | the new state as JSON | the new state's |
/// | [`checked.created(state, location)`](Checked::created) | 201 + `Location` | the new state | the new state's |
/// | [`checked.no_content()`](Checked::no_content) | 204 | none | none ([`with_validators`](Written::with_validators) adds them) |
/// | [`checked.accepted()`](Checked::accepted) | 202 | none | none |
///
/// It is an `IntoResponse`, and what a `#[conditional]` write handler returns (alone or as the
/// `Ok` of a `Result`).
///
/// ```
/// use etag_core::{EntityTag, PreconditionError, Preconditions, Versioned, Written};
/// use http::{HeaderMap, HeaderValue, Method, StatusCode, header::IF_NONE_MATCH};
///
/// #[derive(serde::Serialize)]
/// struct Cart { version: u64 }
/// impl Versioned for Cart {
///     fn etag(&self) -> EntityTag { EntityTag::from_version(self.version) }
/// }
///
/// let mut headers = HeaderMap::new();
/// headers.insert(IF_NONE_MATCH, HeaderValue::from_static("*"));
/// let pre = Preconditions::parse(&Method::PUT, &headers)?;
///
/// let checked = pre.check_missing()?;          // a create: nothing is there yet
/// let written: Written<Cart> = checked.created(Cart { version: 1 }, "/carts/7");
/// assert_eq!(written.status(), StatusCode::CREATED);
/// # Ok::<(), PreconditionError>(())
/// ```
#[derive(Debug)]
#[must_use = "a Written response does nothing until it is returned"]
pub struct Written<T = NoContent> {
    body: T,
    status: StatusCode,
    headers: HeaderMap,
}

/// The body of a write answered without a representation (204, 202).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct NoContent;

impl Checked {
    /// `200 OK` with the new state and its `ETag` / `Last-Modified`.
    pub fn ok<T: Versioned + Serialize>(self, new_state: T) -> Written<T> {
        Written::new(new_state, StatusCode::OK)
    }

    /// `201 Created` with the new resource, its validators and `Location` (a path like
    /// `/orders/7`, or an absolute URI). A `location` that is not a valid header value (control
    /// characters) is left out rather than sent broken: the resource exists all the same.
    pub fn created<T, L>(self, new_state: T, location: L) -> Written<T>
    where
        T: Versioned + Serialize,
        L: TryInto<HeaderValue>,
    {
        let created = Written::new(new_state, StatusCode::CREATED);
        match location.try_into() {
            Ok(location) => created.with_header(LOCATION, location),
            Err(_) => created,
        }
    }

    /// `204 No Content`: no body, no `Content-Type` (a DELETE, or a write that sends no
    /// representation back).
    pub fn no_content(self) -> Written<NoContent> {
        Written::new(NoContent, StatusCode::NO_CONTENT)
    }

    /// `202 Accepted`: the write was taken and will be applied later; no body.
    pub fn accepted(self) -> Written<NoContent> {
        Written::new(NoContent, StatusCode::ACCEPTED)
    }
}

impl<T> Written<T> {
    fn new(body: T, status: StatusCode) -> Self {
        Self {
            body,
            status,
            headers: HeaderMap::new(),
        }
    }

    /// Sets a response header, replacing any earlier value. On a response with a body, `ETag`
    /// and `Last-Modified` always come from the new state.
    pub fn with_header(mut self, name: HeaderName, value: HeaderValue) -> Self {
        self.headers.insert(name, value);
        self
    }

    /// The response headers set so far, to add several values of one field.
    pub fn headers_mut(&mut self) -> &mut HeaderMap {
        &mut self.headers
    }

    /// The status the response will have.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The new state (or [`NoContent`]).
    pub fn body(&self) -> &T {
        &self.body
    }
}

impl Written<NoContent> {
    /// Adds the new state's `ETag` and `Last-Modified` to a response without a body, so that a
    /// client can go on writing with them (RFC 9110 §9.3.4 allows them on a 204 after PUT).
    pub fn with_validators<V: Versioned + ?Sized>(mut self, new_state: &V) -> Self {
        if let ResourceState::Present {
            etag,
            last_modified,
        } = ResourceState::of(new_state)
        {
            insert_validators(&mut self.headers, &etag, last_modified);
        }
        self
    }
}

impl<T: Versioned + Serialize> IntoResponse for Written<T> {
    fn into_response(self) -> Response {
        let (etag, last_modified): (EntityTag, Option<SystemTime>) =
            (self.body.etag(), self.body.last_modified());
        full_response(&self.body, self.status, self.headers, &etag, last_modified)
    }
}

impl IntoResponse for Written<NoContent> {
    fn into_response(self) -> Response {
        let mut response = Response::new(Body::empty());
        *response.status_mut() = self.status;
        *response.headers_mut() = self.headers;
        response
    }
}
