//! `/carts` and `/carts/{id}`.

use axum::extract::{Path, State};
use etag_core::{NoContent, Preconditions, Tagged, Written, conditional};
use http::Uri;

use super::conditions::{
    check_existing, check_put, collection_guard, collection_proof, created_at, put_response,
};
use super::extract::{MergePatch, ValidJson};
use super::pages::{PageQuery, listing, page_state};
use crate::error::ApiError;
use crate::merge_patch;
use crate::model::{Cart, CartBody, Listed, Page};
use crate::store::Store;

const KIND: &str = "cart";

/// `GET /carts` (and HEAD), one page at a time: `?limit=N&after=<id>` (see [`PageQuery`]),
/// with `Link: <…>; rel="next"` while more follow.
///
/// The precheck reads only the collection's revision (one row), so a client whose copy is
/// current gets its 304 without a single cart being read. `/carts` itself is tagged by the
/// revision (the tag a POST's precondition is checked against); a page with bounds by the
/// revision and its bounds.
#[conditional(precheck = page_state(store.carts().revision().await, &query))]
pub(crate) async fn list(
    State(store): State<Store>,
    query: PageQuery,
) -> Result<Tagged<Page<Cart>>, ApiError> {
    let page = store.carts().page(query.0).await?;
    Ok(listing(page, "/carts"))
}

/// `POST /carts`: creates a cart under a server-chosen id (201, `Location`, `ETag`).
///
/// Preconditions, when sent, are about the collection: they are checked against its revision
/// tag (the `ETag` of `GET /carts`) inside the create, which reads one row for it.
#[conditional]
pub(crate) async fn create(
    State(store): State<Store>,
    pre: Preconditions,
    ValidJson(body): ValidJson<CartBody>,
) -> Result<Written<Cart>, ApiError> {
    let (guard, unconditional) = collection_guard(pre);
    let written = store.carts().create_guarded(body, guard).await?;
    let proof = collection_proof(written.proof, unconditional)?;
    let Listed { id, value } = written.value;
    Ok(created_at(proof, value, &format!("/carts/{id}")))
}

/// `GET /carts/{id}` (and HEAD): 304 when `If-None-Match` says the client is current.
///
/// The precheck reads only the version column, so a matching `If-None-Match` is answered with
/// 304 before the cart itself is loaded.
#[conditional(precheck = store.carts().version(&id).await.map_err(ApiError::from))]
pub(crate) async fn get(
    State(store): State<Store>,
    Path(id): Path<String>,
) -> Result<Cart, ApiError> {
    let cart = store.carts().get(&id).await?;
    cart.ok_or_else(|| ApiError::not_found(KIND, &id))
}

/// `PUT /carts/{id}`: replaces the cart, or creates it with `If-None-Match: *` (201).
///
/// `require` answers 428 before the body is read when the request carries no precondition; the
/// check itself runs inside the write, against the state it replaces.
#[conditional(require)]
pub(crate) async fn put(
    State(store): State<Store>,
    Path(id): Path<String>,
    uri: Uri,
    pre: Preconditions,
    ValidJson(body): ValidJson<CartBody>,
) -> Result<Written<Cart>, ApiError> {
    let written = store
        .carts()
        .upsert(&id, move |current| {
            let checked = check_put(&pre, current)?;
            Ok((body.clone(), checked))
        })
        .await?;
    Ok(put_response(written, uri.path()))
}

/// `PATCH /carts/{id}` with an `application/merge-patch+json` body.
///
/// Not `require` on the attribute: a PATCH of a missing cart is a 404 whatever the headers, so
/// the 428 for a missing precondition is decided inside the write, once the cart is found.
#[conditional]
pub(crate) async fn patch(
    State(store): State<Store>,
    Path(id): Path<String>,
    pre: Preconditions,
    MergePatch(patch): MergePatch,
) -> Result<Written<Cart>, ApiError> {
    let pre = pre.required();
    let written = store
        .carts()
        .upsert(&id.clone(), move |current| {
            let (current, checked) = check_existing(&pre, current, KIND, &id)?;
            Ok((merge_patch::patched(&current.body, &patch)?, checked))
        })
        .await?;
    Ok(written.proof.ok(written.value))
}

/// `DELETE /carts/{id}`: 204, no body.
///
/// The check runs inside the delete, and a missing cart is a 404 whatever the headers, so the
/// 428 for a missing precondition is decided there too, once the cart is found.
#[conditional]
pub(crate) async fn delete(
    State(store): State<Store>,
    Path(id): Path<String>,
    pre: Preconditions,
) -> Result<Written<NoContent>, ApiError> {
    let pre = pre.required();
    let deleted = store
        .carts()
        .delete(&id.clone(), move |current| {
            check_existing(&pre, current, KIND, &id).map(|(_, checked)| checked)
        })
        .await?;
    Ok(deleted.proof.no_content())
}
