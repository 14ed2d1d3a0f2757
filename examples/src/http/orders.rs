//! `/orders` and `/orders/{id}`.

use axum::extract::{Path, State};
use etag_core::{
    NoContent, Preconditions, ProblemDetails, ResourceState, Tagged, Written, conditional,
};
use http::Uri;

use super::conditions::{
    check_existing, check_put, collection_guard, collection_proof, created_at, once_dates_settle,
    put_response,
};
use super::extract::{MergePatch, ValidJson};
use super::openapi::{Busy, DeleteRefusals, JsonBody, ListedOrder, OrderPatch, PatchBody};
use super::pages::{PageQuery, listing, page_state};
use crate::cache::{Entry, Kind, Lookahead};
use crate::error::ApiError;
use crate::merge_patch;
use crate::model::{Listed, Order, OrderBody, Page};
use crate::store::{Revised, Store, Written as StoreWritten};

const KIND: &str = "order";

/// `GET /orders` (and HEAD), one page at a time: `?limit=N&after=<id>` (see [`PageQuery`]),
/// with `Link: <…>; rel="next"` while more follow.
///
/// The precheck reads only the collection's revision (one row), so a client whose copy is
/// current gets its 304 without a single order being read. `/orders` itself is tagged by the
/// revision (the tag a POST's precondition is checked against); a page with bounds by the
/// revision and its bounds.
#[conditional(precheck = page_state(store.orders().revision().await, &query))]
#[utoipa::path(method(get, head), path = "/orders", tag = "orders",
    params(("limit" = Option<u32>, Query, minimum = 1, maximum = 1000, description = "Entries per page (default 100)."),
        ("after" = Option<String>, Query, description = "Start after this id (from the `Link: rel=\"next\"` of the page before).")),
    responses((status = 200, description = "A page of orders, in id order, with `Link: rel=\"next\"` while more follow.", body = Vec<ListedOrder>),
        (status = 400, description = "A malformed page query.", body = ProblemDetails, content_type = "application/problem+json"), Busy))]
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
///
/// With a cache, the new order is published after the commit. Its id is new, so no reader can
/// have cached anything of it before: the mark is taken just before the publish.
#[conditional]
#[utoipa::path(post, path = "/orders", tag = "orders",
    request_body(content = OrderBody, content_type = "application/json"),
    responses((status = 201, description = "Created under a server-chosen id.", body = Order,
        headers(("Location" = String, description = "The new order's URL."))), JsonBody))]
pub(crate) async fn create(
    State(store): State<Store>,
    pre: Preconditions,
    ValidJson(body): ValidJson<OrderBody>,
) -> Result<Written<Order>, ApiError> {
    let (guard, unconditional) = collection_guard(pre);
    let written = store.orders().create_guarded(body, guard).await?;
    let proof = collection_proof(written.proof, unconditional)?;
    let Revised {
        value: Listed { id, value },
        revision,
    } = written.value;
    let pending = Entry::new(store.cache(), Kind::Order, &id)
        .begin_write()
        .await;
    let value = pending
        .finish(Ok::<_, ApiError>(value), |order| committed(revision, order))
        .await?;
    Ok(created_at(proof, value, &format!("/orders/{id}")))
}

/// `GET /orders/{id}` (and HEAD): 304 when `If-None-Match` / `If-Modified-Since` say the client
/// is current.
///
/// The precheck asks the validator cache, if there is one, and else reads only the order's
/// stored tag and date, so a client that is current gets its 304 (and a failed `If-Match` its
/// 412) before the order is loaded and hashed. When the order is missing the precheck gives
/// `None` and the body answers 404; otherwise the body loads the order (and its revision, to
/// fill the cache with the ticket of the precheck's miss, taken before the read) and the
/// response carries the tag computed from it, which equals the stored one.
#[conditional(precheck = Entry::new(store.cache(), Kind::Order, &id)
    .precheck(store.orders().validators(&id), &lookahead)
    .await
    .map_err(ApiError::from))]
#[utoipa::path(method(get, head), path = "/orders/{id}", tag = "orders", params(("id" = String, Path, description = "The order's id.")),
    responses((status = 200, description = "The order.", body = Order),
        (status = 404, description = "No such order.", body = ProblemDetails, content_type = "application/problem+json"), Busy))]
pub(crate) async fn get(
    State(store): State<Store>,
    Path(id): Path<String>,
    lookahead: Lookahead,
) -> Result<Order, ApiError> {
    let entry = Entry::new(store.cache(), Kind::Order, &id);
    let ticket = entry.fill_ticket(lookahead).await;
    let order = store.orders().get_revised(&id).await?;
    let Revised {
        value: order,
        revision,
    } = order.ok_or_else(|| ApiError::not_found(KIND, &id))?;
    entry.fill(ticket, revision, &order).await;
    Ok(order)
}

/// `PUT /orders/{id}`: replaces the order, or creates it with `If-None-Match: *` (201).
///
/// `require` answers 428 before the body is read when the request carries no precondition; the
/// check itself runs inside the write, against the state it replaces. A write guarded by a date
/// alone that meets an order changed less than a second ago runs again once that second is over
/// ([`once_dates_settle`]).
///
/// With a validator cache, a request whose entity-tag precondition the cache already shows
/// to fail is answered 412 from it, before the body is read ([`Entry::write_precheck`]).
#[conditional(require, precheck = Entry::new(store.cache(), Kind::Order, &id)
    .write_precheck(&pre)
    .await)]
#[utoipa::path(put, path = "/orders/{id}", tag = "orders", params(("id" = String, Path, description = "The order's id.")),
    request_body(content = OrderBody, content_type = "application/json"),
    responses((status = 200, description = "Replaced.", body = Order),
        (status = 201, description = "Created (`If-None-Match: *`).", body = Order,
            headers(("Location" = String, description = "The order's URL."))), JsonBody))]
pub(crate) async fn put(
    State(store): State<Store>,
    Path(id): Path<String>,
    uri: Uri,
    pre: Preconditions,
    ValidJson(body): ValidJson<OrderBody>,
) -> Result<Written<Order>, ApiError> {
    let pending = Entry::new(store.cache(), Kind::Order, &id)
        .begin_write()
        .await;
    let written = once_dates_settle(|| {
        let (orders, id, pre, body) = (store.orders(), id.clone(), pre.clone(), body.clone());
        async move {
            let written = orders
                .upsert_revised(&id, move |current| {
                    let checked = check_put(&pre, current)?;
                    Ok((body.clone(), checked))
                })
                .await?;
            Ok(written)
        }
    })
    .await;
    let written = pending.finish(written, revised_committed).await?;
    Ok(put_response(written.value, uri.path()))
}

/// A committed order's revision and validators, to publish.
fn committed(revision: u64, order: &Order) -> Option<(u64, ResourceState)> {
    Some((revision, ResourceState::of(order)))
}

/// [`committed`] for a write that returned its revision.
fn revised_committed<P>(written: &Revised<StoreWritten<Order, P>>) -> Option<(u64, ResourceState)> {
    committed(written.revision, &written.value.value)
}

/// `PATCH /orders/{id}` with an `application/merge-patch+json` body.
///
/// Not `require` on the attribute: a PATCH of a missing order is a 404 whatever the headers, so
/// the 428 for a missing precondition is decided inside the write, once the order is found.
///
/// With a validator cache, a request whose entity-tag precondition the cache already shows
/// to fail is answered 412 from it, before the body is read ([`Entry::write_precheck`]).
#[conditional(precheck = Entry::new(store.cache(), Kind::Order, &id)
    .write_precheck(&pre)
    .await)]
#[utoipa::path(patch, path = "/orders/{id}", tag = "orders", params(("id" = String, Path, description = "The order's id.")),
    request_body(content = OrderPatch, content_type = "application/merge-patch+json"),
    responses((status = 200, description = "Patched.", body = Order),
        (status = 404, description = "No such order.", body = ProblemDetails, content_type = "application/problem+json"), PatchBody))]
pub(crate) async fn patch(
    State(store): State<Store>,
    Path(id): Path<String>,
    pre: Preconditions,
    MergePatch(patch): MergePatch,
) -> Result<Written<Order>, ApiError> {
    let pre = pre.required();
    let pending = Entry::new(store.cache(), Kind::Order, &id)
        .begin_write()
        .await;
    let written = once_dates_settle(|| {
        let (orders, id, pre, patch) = (store.orders(), id.clone(), pre.clone(), patch.clone());
        async move {
            let written = orders
                .upsert_revised(&id.clone(), move |current| {
                    let (current, checked) = check_existing(&pre, current, KIND, &id)?;
                    Ok((merge_patch::patched(&current.body, &patch)?, checked))
                })
                .await?;
            Ok(written)
        }
    })
    .await;
    let written = pending.finish(written, revised_committed).await?.value;
    Ok(written.proof.ok(written.value))
}

/// `DELETE /orders/{id}`: 204, no body.
///
/// The check runs inside the delete, and a missing order is a 404 whatever the headers, so the
/// 428 for a missing precondition is decided there too, once the order is found.
///
/// With a validator cache, a request whose entity-tag precondition the cache already shows
/// to fail is answered 412 from it, before the body is read ([`Entry::write_precheck`]).
#[conditional(precheck = Entry::new(store.cache(), Kind::Order, &id)
    .write_precheck(&pre)
    .await)]
#[utoipa::path(delete, path = "/orders/{id}", tag = "orders", params(("id" = String, Path, description = "The order's id.")),
    responses((status = 204, description = "Deleted."),
        (status = 404, description = "No such order.", body = ProblemDetails, content_type = "application/problem+json"), DeleteRefusals))]
pub(crate) async fn delete(
    State(store): State<Store>,
    Path(id): Path<String>,
    pre: Preconditions,
) -> Result<Written<NoContent>, ApiError> {
    let pre = pre.required();
    let pending = Entry::new(store.cache(), Kind::Order, &id)
        .begin_write()
        .await;
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
    .await;
    let (deleted, _) = pending
        .finish(deleted, |(_, revision)| {
            revision.map(|revision| (revision, ResourceState::Missing))
        })
        .await?;
    Ok(deleted.proof.no_content())
}
