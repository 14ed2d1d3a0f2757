//! The precondition checks every handler runs inside its write, and the responses built from
//! their proofs, in one place.

use etag_core::{Checked, Preconditions, ResourceState, Versioned};
use serde::Serialize;

use crate::error::ApiError;
use crate::model::{Collection, Listed};
use crate::store::Written;

/// For a PUT: checks against the current state, or, when there is none, as a create
/// (`If-Match` fails, `If-None-Match: *` passes).
pub(crate) fn check_put<T: Versioned>(
    pre: &Preconditions,
    current: Option<&T>,
) -> Result<Checked, ApiError> {
    Ok(match current {
        Some(current) => pre.check(current)?,
        None => pre.check_missing()?,
    })
}

/// For a PATCH or DELETE: a missing resource is a 404 whatever the preconditions
/// (RFC 9110 §13.2.1); a present one must pass them.
pub(crate) fn check_existing<'a, T: Versioned>(
    pre: &Preconditions,
    current: Option<&'a T>,
    kind: &'static str,
    id: &str,
) -> Result<(&'a T, Checked), ApiError> {
    let current = current.ok_or_else(|| ApiError::not_found(kind, id))?;
    let checked = pre.check(current)?;
    Ok((current, checked))
}

/// For a POST to a collection: no precondition is required, but those sent are evaluated
/// against the collection (its listing's tag), inside the create.
///
/// A request without any needs no listing: its proof comes at once, and the store runs no
/// guard. So exactly one of the two is `Some`: the guard for the store, or the proof.
// The guard is an `impl FnMut`, which a type alias cannot name on stable Rust.
#[allow(clippy::type_complexity)]
pub(crate) fn collection_guard<T: Versioned>(
    pre: Preconditions,
) -> (
    Option<impl FnMut(&[Listed<T>]) -> Result<Checked, ApiError> + Send + 'static>,
    Option<Checked>,
) {
    if let Some(checked) = pre.check_unconditional() {
        return (None, Some(checked));
    }
    let guard = move |entries: &[Listed<T>]| {
        let state = ResourceState::present(Collection::tag_of(entries), None);
        pre.check_state(&state).map_err(ApiError::from)
    };
    (Some(guard), None)
}

/// The proof of a POST: the guard's, or the one given without a guard.
pub(crate) fn collection_proof(
    from_guard: Option<Checked>,
    unconditional: Option<Checked>,
) -> Result<Checked, ApiError> {
    from_guard.or(unconditional).ok_or_else(|| {
        ApiError::Internal("a POST was created with neither a guard nor a proof".to_owned())
    })
}

/// The response to a PUT: 201 with `Location` when it created the resource, else 200; the new
/// validators either way.
pub(crate) fn put_response<T: Versioned + Serialize>(
    written: Written<T, Checked>,
    path: &str,
) -> etag_core::Written<T> {
    let Written {
        value,
        created,
        proof,
    } = written;
    if created {
        created_at(proof, value, path)
    } else {
        proof.ok(value)
    }
}

/// A 201 Created for the resource at `path`.
pub(crate) fn created_at<T: Versioned + Serialize>(
    proof: Checked,
    value: T,
    path: &str,
) -> etag_core::Written<T> {
    proof.created(value, path)
}
