//! `/carts` and `/carts/{id}`.

use axum::extract::{Path, State};
use axum::response::IntoResponse;
use etag_core::{Preconditions, Tagged};
use http::Uri;

use super::conditions::{
    check_existing, check_put, collection_guard, created, deleted, put_response,
};
use super::extract::{MergePatch, ValidJson};
use crate::error::ApiError;
use crate::merge_patch;
use crate::model::{Collection, Listed, Cart, CartBody};
use crate::store::Store;

const KIND: &str = "cart";

/// `GET /carts`: every cart, with a tag that changes whenever any cart changes.
pub(crate) async fn list(
    State(store): State<Store>,
    pre: Preconditions,
) -> Result<Tagged<Collection<Cart>>, ApiError> {
    let carts = store.carts().list().await?;
    Ok(Tagged::new(Collection(carts)).evaluate(&pre))
}

/// `POST /carts`: creates a cart under a server-chosen id (201, `Location`, `ETag`).
pub(crate) async fn create(
    State(store): State<Store>,
    pre: Preconditions,
    ValidJson(body): ValidJson<CartBody>,
) -> Result<Tagged<Cart>, ApiError> {
    let Listed { id, value } = store.carts().create(body, collection_guard(pre)).await?;
    Ok(created(value, &format!("/carts/{id}")))
}

/// `GET /carts/{id}` (and HEAD): 304 when `If-None-Match` says the client
/// is current.
pub(crate) async fn get(
    State(store): State<Store>,
    Path(id): Path<String>,
    pre: Preconditions,
) -> Result<Tagged<Cart>, ApiError> {
    let cart = store.carts().get(&id).await?;
    let cart = cart.ok_or_else(|| ApiError::not_found(KIND, &id))?;
    Ok(Tagged::new(cart).evaluate(&pre))
}

/// `PUT /carts/{id}`: replaces the cart, or creates it with `If-None-Match: *` (201).
pub(crate) async fn put(
    State(store): State<Store>,
    Path(id): Path<String>,
    uri: Uri,
    pre: Preconditions,
    ValidJson(body): ValidJson<CartBody>,
) -> Result<Tagged<Cart>, ApiError> {
    let pre = pre.required();
    pre.check_required()?;
    let written = store
        .carts()
        .upsert(&id, move |current| {
            check_put(&pre, current)?;
            Ok(body.clone())
        })
        .await?;
    Ok(put_response(written, uri.path()))
}

/// `PATCH /carts/{id}` with an `application/merge-patch+json` body.
pub(crate) async fn patch(
    State(store): State<Store>,
    Path(id): Path<String>,
    pre: Preconditions,
    MergePatch(patch): MergePatch,
) -> Result<Tagged<Cart>, ApiError> {
    let pre = pre.required();
    let written = store
        .carts()
        .upsert(&id.clone(), move |current| {
            let current = check_existing(&pre, current, KIND, &id)?;
            Ok(merge_patch::patched(&current.body, &patch)?)
        })
        .await?;
    Ok(Tagged::new(written.value))
}

/// `DELETE /carts/{id}`: 204.
pub(crate) async fn delete(
    State(store): State<Store>,
    Path(id): Path<String>,
    pre: Preconditions,
) -> Result<impl IntoResponse, ApiError> {
    let pre = pre.required();
    store
        .carts()
        .delete(&id.clone(), move |current| {
            check_existing(&pre, current, KIND, &id).map(drop)
        })
        .await?;
    Ok(deleted())
}
