//! The precondition checks every handler runs inside its write, in one place.

use axum::response::IntoResponse;
use etag_core::{Preconditions, ResourceState, Tagged, Versioned};
use http::StatusCode;
use http::header::{HeaderValue, LOCATION};
use serde::Serialize;

use crate::error::ApiError;
use crate::model::{Collection, Listed};
use crate::store::Written;

/// For a PUT: checks against the current state, or, when there is none, as a create
/// (`If-Match` fails, `If-None-Match: *` passes).
pub(crate) fn check_put<T: Versioned>(
    pre: &Preconditions,
    current: Option<&T>,
) -> Result<(), ApiError> {
    match current {
        Some(current) => pre.check(current)?,
        None => pre.check_missing()?,
    }
    Ok(())
}

/// For a PATCH or DELETE: a missing resource is a 404 whatever the preconditions
/// (RFC 9110 §13.2.1); a present one must pass them.
pub(crate) fn check_existing<'a, T: Versioned>(
    pre: &Preconditions,
    current: Option<&'a T>,
    kind: &'static str,
    id: &str,
) -> Result<&'a T, ApiError> {
    let current = current.ok_or_else(|| ApiError::not_found(kind, id))?;
    pre.check(current)?;
    Ok(current)
}

/// For a POST to a collection: no precondition is required, but those sent are evaluated
/// against the collection (its listing's tag), inside the create.
pub(crate) fn collection_guard<T: Versioned>(
    pre: Preconditions,
) -> Option<impl FnMut(&[Listed<T>]) -> Result<(), ApiError> + Send + 'static> {
    let conditional = pre.is_conditional();
    let guard = move |entries: &[Listed<T>]| {
        let state = ResourceState::present(Collection::tag_of(entries), None);
        pre.evaluate(&state).map_err(ApiError::from)
    };
    conditional.then_some(guard)
}

/// The response to a PUT: 201 with `Location` when it created the resource, else 200; the new
/// validators either way.
pub(crate) fn put_response<T: Versioned + Serialize>(written: Written<T>, path: &str) -> Tagged<T> {
    if written.created {
        created(written.value, path)
    } else {
        Tagged::new(written.value)
    }
}

/// A 201 Created for the resource at `path`.
pub(crate) fn created<T: Versioned + Serialize>(value: T, path: &str) -> Tagged<T> {
    let tagged = Tagged::new(value).with_status(StatusCode::CREATED);
    match HeaderValue::from_str(path) {
        Ok(location) => tagged.with_header(LOCATION, location),
        // The path came from the request line or from a hex id, so it is a valid header value;
        // if not, the resource exists all the same and the client has the URL it used.
        Err(_) => tagged,
    }
}

/// 204 No Content, the answer to a successful DELETE.
pub(crate) fn deleted() -> impl IntoResponse {
    StatusCode::NO_CONTENT
}
