//! `/carts` and `/carts/{id}`.

use axum::extract::{Path, State};
use etag_core::{NoContent, Preconditions, ProblemDetails, ResourceState, Written, conditional};
use http::Uri;

use super::conditions::{
    check_existing, check_put, collection_guard, collection_proof, created_at, put_response,
};
use super::extract::{MergePatch, ValidJson};
use super::openapi::{Busy, CartPatch, DeleteRefusals, JsonBody, ListedCart, PatchBody};
use crate::cache::{Entry, Kind};
use crate::error::ApiError;
use crate::merge_patch;
use crate::model::{Cart, CartBody, Collection, Listed};
use crate::store::Store;

const KIND: &str = "cart";

/// `GET /carts`: every cart, with a tag that changes whenever any cart changes.
#[conditional]
#[utoipa::path(method(get, head), path = "/carts", tag = "carts",
    responses((status = 200, description = "Every cart, with its id.", body = Vec<ListedCart>), Busy))]
pub(crate) async fn list(State(store): State<Store>) -> Result<Collection<Cart>, ApiError> {
    Ok(Collection(store.carts().list().await?))
}

/// `POST /carts`: creates a cart under a server-chosen id (201, `Location`, `ETag`).
///
/// Preconditions, when sent, are about the collection: they are checked against its listing
/// inside the create.
///
/// With a cache, the new cart is published after the commit. Its id is new, so no reader can
/// have cached anything of it before: the mark is taken just before the publish.
#[conditional]
#[utoipa::path(post, path = "/carts", tag = "carts",
    request_body(content = CartBody, content_type = "application/json"),
    responses((status = 201, description = "Created under a server-chosen id.", body = Cart,
        headers(("Location" = String, description = "The new cart's URL."))), JsonBody))]
pub(crate) async fn create(
    State(store): State<Store>,
    pre: Preconditions,
    ValidJson(body): ValidJson<CartBody>,
) -> Result<Written<Cart>, ApiError> {
    let (guard, unconditional) = collection_guard(pre);
    let written = store.carts().create_guarded(body, guard).await?;
    let proof = collection_proof(written.proof, unconditional)?;
    let Listed { id, value } = written.value;
    let entry = Entry::new(store.cache(), Kind::Cart, &id);
    let published = entry.begin_write().await;
    let value = published
        .finish(Ok::<_, ApiError>(value), committed)
        .await?;
    Ok(created_at(proof, value, &format!("/carts/{id}")))
}

/// `GET /carts/{id}` (and HEAD): 304 when `If-None-Match` says the client is current.
///
/// The precheck asks the validator cache, if there is one, and else reads only the version
/// column, so a matching `If-None-Match` is answered with 304 before the cart itself is loaded.
/// A cart loaded from the database fills the cache, with a ticket taken before the read.
#[conditional(precheck = Entry::new(store.cache(), Kind::Cart, &id)
    .precheck(store.carts().version(&id))
    .await
    .map_err(ApiError::from))]
#[utoipa::path(method(get, head), path = "/carts/{id}", tag = "carts", params(("id" = String, Path, description = "The cart's id.")),
    responses((status = 200, description = "The cart.", body = Cart),
        (status = 404, description = "No such cart.", body = ProblemDetails, content_type = "application/problem+json"), Busy))]
pub(crate) async fn get(
    State(store): State<Store>,
    Path(id): Path<String>,
) -> Result<Cart, ApiError> {
    let entry = Entry::new(store.cache(), Kind::Cart, &id);
    let ticket = entry.ticket().await;
    let cart = store.carts().get(&id).await?;
    let cart = cart.ok_or_else(|| ApiError::not_found(KIND, &id))?;
    entry.fill(ticket, cart.version, &cart).await;
    Ok(cart)
}

/// `PUT /carts/{id}`: replaces the cart, or creates it with `If-None-Match: *` (201).
///
/// `require` answers 428 before the body is read when the request carries no precondition; the
/// check itself runs inside the write, against the state it replaces.
#[conditional(require)]
#[utoipa::path(put, path = "/carts/{id}", tag = "carts", params(("id" = String, Path, description = "The cart's id.")),
    request_body(content = CartBody, content_type = "application/json"),
    responses((status = 200, description = "Replaced.", body = Cart),
        (status = 201, description = "Created (`If-None-Match: *`).", body = Cart,
            headers(("Location" = String, description = "The cart's URL."))), JsonBody))]
pub(crate) async fn put(
    State(store): State<Store>,
    Path(id): Path<String>,
    uri: Uri,
    pre: Preconditions,
    ValidJson(body): ValidJson<CartBody>,
) -> Result<Written<Cart>, ApiError> {
    let pending = Entry::new(store.cache(), Kind::Cart, &id)
        .begin_write()
        .await;
    let written = store
        .carts()
        .upsert(&id, move |current| {
            let checked = check_put(&pre, current)?;
            Ok((body.clone(), checked))
        })
        .await;
    let written = pending
        .finish(written, |written| committed(&written.value))
        .await?;
    Ok(put_response(written, uri.path()))
}

/// A committed cart's revision (its version) and validators, to publish.
fn committed(cart: &Cart) -> Option<(u64, ResourceState)> {
    Some((cart.version, ResourceState::of(cart)))
}

/// `PATCH /carts/{id}` with an `application/merge-patch+json` body.
///
/// Not `require` on the attribute: a PATCH of a missing cart is a 404 whatever the headers, so
/// the 428 for a missing precondition is decided inside the write, once the cart is found.
#[conditional]
#[utoipa::path(patch, path = "/carts/{id}", tag = "carts", params(("id" = String, Path, description = "The cart's id.")),
    request_body(content = CartPatch, content_type = "application/merge-patch+json"),
    responses((status = 200, description = "Patched.", body = Cart),
        (status = 404, description = "No such cart.", body = ProblemDetails, content_type = "application/problem+json"), PatchBody))]
pub(crate) async fn patch(
    State(store): State<Store>,
    Path(id): Path<String>,
    pre: Preconditions,
    MergePatch(patch): MergePatch,
) -> Result<Written<Cart>, ApiError> {
    let pre = pre.required();
    let pending = Entry::new(store.cache(), Kind::Cart, &id)
        .begin_write()
        .await;
    let written = store
        .carts()
        .upsert(&id.clone(), move |current| {
            let (current, checked) = check_existing(&pre, current, KIND, &id)?;
            Ok((merge_patch::patched(&current.body, &patch)?, checked))
        })
        .await;
    let written = pending
        .finish(written, |written| committed(&written.value))
        .await?;
    Ok(written.proof.ok(written.value))
}

/// `DELETE /carts/{id}`: 204, no body.
///
/// The check runs inside the delete, and a missing cart is a 404 whatever the headers, so the
/// 428 for a missing precondition is decided there too, once the cart is found.
#[conditional]
#[utoipa::path(delete, path = "/carts/{id}", tag = "carts", params(("id" = String, Path, description = "The cart's id.")),
    responses((status = 204, description = "Deleted."),
        (status = 404, description = "No such cart.", body = ProblemDetails, content_type = "application/problem+json"), DeleteRefusals))]
pub(crate) async fn delete(
    State(store): State<Store>,
    Path(id): Path<String>,
    pre: Preconditions,
) -> Result<Written<NoContent>, ApiError> {
    let pre = pre.required();
    let pending = Entry::new(store.cache(), Kind::Cart, &id)
        .begin_write()
        .await;
    let deleted = store
        .carts()
        .delete(&id.clone(), move |current| {
            check_existing(&pre, current, KIND, &id).map(|(_, checked)| checked)
        })
        .await;
    // The tombstone keeps the version after the deleted cart's: the revision of "missing".
    let deleted = pending
        .finish(deleted, |deleted| {
            let version = deleted.value.as_ref()?.version;
            Some((version.saturating_add(1), ResourceState::Missing))
        })
        .await?;
    Ok(deleted.proof.no_content())
}
