//! `/orders` and `/orders/{id}`.

use axum::extract::{Path, State};
use etag_core::{NoContent, Preconditions, Tagged, Written, conditional};
use http::Uri;

use super::conditions::{
    check_existing, check_put, collection_guard, collection_proof, created_at, once_dates_settle,
    put_response,
};
use super::extract::{MergePatch, ValidJson};
use super::pages::{PageQuery, listing, page_state};
use crate::error::ApiError;
use crate::merge_patch;
use crate::model::{Listed, Order, OrderBody, Page};
use crate::store::Store;

const KIND: &str = "order";

/// `GET /orders` (and HEAD), one page at a time: `?limit=N&after=<id>` (see [`PageQuery`]),
/// with `Link: <…>; rel="next"` while more follow.
///
/// The precheck reads only the collection's revision (one row), so a client whose copy is
/// current gets its 304 without a single order being read. `/orders` itself is tagged by the
/// revision (the tag a POST's precondition is checked against); a page with bounds by the
/// revision and its bounds.
#[conditional(precheck = page_state(store.orders().revision().await, &query))]
pub(crate) async fn list(
    State(store): State<Store>,
    query: PageQuery,
) -> Result<Tagged<Page<Order>>, ApiError> {
    let page = store.orders().page(query.0).await?;
    Ok(listing(page, "/orders"))
}

/// `POST /orders`: creates an order under a server-chosen id (201, `Location`, `ETag`).
///
/// Preconditions, when sent, are about the collection: they are checked against its revision
/// tag (the `ETag` of `GET /orders`) inside the create, which reads one row for it.
#[conditional]
pub(crate) async fn create(
    State(store): State<Store>,
    pre: Preconditions,
    ValidJson(body): ValidJson<OrderBody>,
) -> Result<Written<Order>, ApiError> {
    let (guard, unconditional) = collection_guard(pre);
    let written = store.orders().create_guarded(body, guard).await?;
    let proof = collection_proof(written.proof, unconditional)?;
    let Listed { id, value } = written.value;
    Ok(created_at(proof, value, &format!("/orders/{id}")))
}

/// `GET /orders/{id}` (and HEAD): 304 when `If-None-Match` / `If-Modified-Since` say the client
/// is current.
///
/// The precheck reads only the order's stored tag and date, so a client that is current gets
/// its 304 (and a failed `If-Match` its 412) before the order is loaded and hashed. When the
/// order is missing the precheck gives `None` and the body answers 404; otherwise the body loads
/// the order and the response carries the tag computed from it, which equals the stored one.
#[conditional(precheck = store.orders().validators(&id).await.map_err(ApiError::from))]
pub(crate) async fn get(
    State(store): State<Store>,
    Path(id): Path<String>,
) -> Result<Order, ApiError> {
    let order = store.orders().get(&id).await?;
    order.ok_or_else(|| ApiError::not_found(KIND, &id))
}

/// `PUT /orders/{id}`: replaces the order, or creates it with `If-None-Match: *` (201).
///
/// `require` answers 428 before the body is read when the request carries no precondition; the
/// check itself runs inside the write, against the state it replaces. A write guarded by a date
/// alone that meets an order changed less than a second ago runs again once that second is over
/// ([`once_dates_settle`]).
#[conditional(require)]
pub(crate) async fn put(
    State(store): State<Store>,
    Path(id): Path<String>,
    uri: Uri,
    pre: Preconditions,
    ValidJson(body): ValidJson<OrderBody>,
) -> Result<Written<Order>, ApiError> {
    let written = once_dates_settle(|| {
        let (orders, id, pre, body) = (store.orders(), id.clone(), pre.clone(), body.clone());
        async move {
            let written = orders
                .upsert(&id, move |current| {
                    let checked = check_put(&pre, current)?;
                    Ok((body.clone(), checked))
                })
                .await?;
            Ok(written)
        }
    })
    .await?;
    Ok(put_response(written, uri.path()))
}

/// `PATCH /orders/{id}` with an `application/merge-patch+json` body.
///
/// Not `require` on the attribute: a PATCH of a missing order is a 404 whatever the headers, so
/// the 428 for a missing precondition is decided inside the write, once the order is found.
#[conditional]
pub(crate) async fn patch(
    State(store): State<Store>,
    Path(id): Path<String>,
    pre: Preconditions,
    MergePatch(patch): MergePatch,
) -> Result<Written<Order>, ApiError> {
    let pre = pre.required();
    let written = once_dates_settle(|| {
        let (orders, id, pre, patch) = (store.orders(), id.clone(), pre.clone(), patch.clone());
        async move {
            let written = orders
                .upsert(&id.clone(), move |current| {
                    let (current, checked) = check_existing(&pre, current, KIND, &id)?;
                    Ok((merge_patch::patched(&current.body, &patch)?, checked))
                })
                .await?;
            Ok(written)
        }
    })
    .await?;
    Ok(written.proof.ok(written.value))
}

/// `DELETE /orders/{id}`: 204, no body.
///
/// The check runs inside the delete, and a missing order is a 404 whatever the headers, so the
/// 428 for a missing precondition is decided there too, once the order is found.
#[conditional]
pub(crate) async fn delete(
    State(store): State<Store>,
    Path(id): Path<String>,
    pre: Preconditions,
) -> Result<Written<NoContent>, ApiError> {
    let pre = pre.required();
    let deleted = once_dates_settle(|| {
        let (orders, id, pre) = (store.orders(), id.clone(), pre.clone());
        async move {
            let deleted = orders
                .delete(&id.clone(), move |current| {
                    check_existing(&pre, current, KIND, &id).map(|(_, checked)| checked)
                })
                .await?;
            Ok(deleted)
        }
    })
    .await?;
    Ok(deleted.proof.no_content())
}
