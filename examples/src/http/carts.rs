//! `/carts` and `/carts/{id}`.

use axum::extract::{Path, State};
use etag_core::{
    ExpectedVersion, NoContent, PreconditionError, Preconditions, ProblemDetails, ResourceState,
    SwapRefused, Tagged, Written, conditional,
};
use http::Uri;

use super::conditions::{collection_guard, collection_proof, created_at};
use super::extract::{MergePatch, ValidJson};
use super::openapi::{Busy, CartPatch, DeleteRefusals, JsonBody, ListedCart, PatchBody};
use super::pages::{PageQuery, listing, page_state};
use crate::cache::{Entry, Kind, Lookahead};
use crate::db::{DbError, WriteError};
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
#[utoipa::path(method(get, head), path = "/carts", tag = "carts",
    params(("limit" = Option<u32>, Query, minimum = 1, maximum = 1000, description = "Entries per page (default 100)."),
        ("after" = Option<String>, Query, description = "Start after this id (from the `Link: rel=\"next\"` of the page before).")),
    responses((status = 200, description = "A page of carts, in id order, with `Link: rel=\"next\"` while more follow.", body = Vec<ListedCart>),
        (status = 400, description = "A malformed page query.", body = ProblemDetails, content_type = "application/problem+json"), Busy))]
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
/// A cart loaded from the database fills the cache, with the ticket of the precheck's miss
/// (taken before the read); after a hit the entry is current and nothing is filled.
#[conditional(precheck = Entry::new(store.cache(), Kind::Cart, &id)
    .precheck(store.carts().version(&id), &lookahead)
    .await
    .map_err(ApiError::from))]
#[utoipa::path(method(get, head), path = "/carts/{id}", tag = "carts", params(("id" = String, Path, description = "The cart's id.")),
    responses((status = 200, description = "The cart.", body = Cart),
        (status = 404, description = "No such cart.", body = ProblemDetails, content_type = "application/problem+json"), Busy))]
pub(crate) async fn get(
    State(store): State<Store>,
    Path(id): Path<String>,
    lookahead: Lookahead,
) -> Result<Cart, ApiError> {
    let entry = Entry::new(store.cache(), Kind::Cart, &id);
    let ticket = entry.fill_ticket(lookahead).await;
    let cart = store.carts().get(&id).await?;
    let cart = cart.ok_or_else(|| ApiError::not_found(KIND, &id))?;
    entry.fill(ticket, cart.version, &cart).await;
    Ok(cart)
}

/// How many times a write goes round when other writers keep creating or changing the cart
/// between its steps (each round means another write landed); then 503.
const ROUNDS: usize = 8;

/// `PUT /carts/{id}`: replaces the cart, or creates it with `If-None-Match: *` (201).
///
/// `require` answers 428 before the body is read when the request carries no precondition. The
/// replace is one compare-and-swap on the versions the client named: the database checks them
/// in the statement that writes, and its outcome is the proof (or 412). A missing cart is
/// created if the preconditions allow it on a missing resource.
///
/// With a validator cache, a request whose entity-tag precondition the cache already shows
/// to fail is answered 412 from it, before the body is read ([`Entry::write_precheck`]).
#[conditional(require, precheck = Entry::new(store.cache(), Kind::Cart, &id)
    .write_precheck(&pre)
    .await)]
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
    let written = async {
        let expected = pre.expected_version::<u64>()?;
        let carts = store.carts();
        for _ in 0..ROUNDS {
            match carts.swap(&id, &expected, body.clone()).await {
                Ok((cart, checked)) => return Ok(checked.ok(cart)),
                Err(WriteError::Rejected(SwapRefused::Missing)) => {
                    let checked = pre.check_missing()?;
                    if let Some(cart) = carts.create_at(&id, body.clone()).await? {
                        return Ok(created_at(checked, cart, uri.path()));
                    }
                    // Another client created it since: swap again, checking against its cart.
                }
                Err(other) => return Err(refusal(other, &id)),
            }
        }
        Err(DbError::Busy.into())
    }
    .await;
    pending
        .finish(written, |written| committed(written.body()))
        .await
}

/// A committed cart's revision (its version) and validators, to publish.
fn committed(cart: &Cart) -> Option<(u64, ResourceState)> {
    Some((cart.version, ResourceState::of(cart)))
}

/// `PATCH /carts/{id}` with an `application/merge-patch+json` body.
///
/// Not `require` on the attribute: a PATCH of a missing cart is a 404 whatever the headers, so
/// the 428 for a missing precondition is decided once the cart is found. The patch applies to
/// the cart read, so the compare-and-swap names exactly that cart's version (which passed the
/// client's preconditions): if another write landed in between, nothing is written and the
/// round starts again from what it wrote, where a stale `If-Match` is a 412.
///
/// With a validator cache, a request whose entity-tag precondition the cache already shows
/// to fail is answered 412 from it, before the body is read ([`Entry::write_precheck`]).
#[conditional(precheck = Entry::new(store.cache(), Kind::Cart, &id)
    .write_precheck(&pre)
    .await)]
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
    let written = async {
        let carts = store.carts();
        for _ in 0..ROUNDS {
            let current = carts.get(&id).await?;
            let current = current.ok_or_else(|| ApiError::not_found(KIND, &id))?;
            // 428 / 412 against the cart the patch applies to; the write's proof is the swap's.
            pre.check(&current).map(drop)?;
            let body = merge_patch::patched(&current.body, &patch)?;
            let read = ExpectedVersion::OneOf(vec![current.version]);
            match carts.swap(&id, &read, body).await {
                Ok((cart, checked)) => return Ok(checked.ok(cart)),
                // Changed or deleted since the read: decide again on what is there now.
                Err(WriteError::Rejected(_)) => {}
                Err(WriteError::Db(error)) => return Err(error.into()),
            }
        }
        Err(DbError::Busy.into())
    }
    .await;
    pending
        .finish(written, |written| committed(written.body()))
        .await
}

/// `DELETE /carts/{id}`: 204, no body; one compare-and-swap on the versions the client named.
///
/// A missing cart is a 404 whatever the headers, so the 428 for a missing precondition is
/// decided once the cart is known to exist.
///
/// With a validator cache, a request whose entity-tag precondition the cache already shows
/// to fail is answered 412 from it, before the body is read ([`Entry::write_precheck`]).
#[conditional(precheck = Entry::new(store.cache(), Kind::Cart, &id)
    .write_precheck(&pre)
    .await)]
#[utoipa::path(delete, path = "/carts/{id}", tag = "carts", params(("id" = String, Path, description = "The cart's id.")),
    responses((status = 204, description = "Deleted."),
        (status = 404, description = "No such cart.", body = ProblemDetails, content_type = "application/problem+json"), DeleteRefusals))]
pub(crate) async fn delete(
    State(store): State<Store>,
    Path(id): Path<String>,
    pre: Preconditions,
) -> Result<Written<NoContent>, ApiError> {
    let pending = Entry::new(store.cache(), Kind::Cart, &id)
        .begin_write()
        .await;
    let deleted = async {
        let carts = store.carts();
        let expected = match pre.required().expected_version::<u64>() {
            Ok(expected) => expected,
            Err(PreconditionError::Required) if carts.version(&id).await?.is_none() => {
                return Err(ApiError::not_found(KIND, &id));
            }
            Err(error) => return Err(error.into()),
        };
        match carts.swap_delete(&id, &expected).await {
            // The tombstone keeps the version after the deleted cart's: the revision of
            // "missing". It is known when the client named one version; after `If-Match: *` no
            // entry is published, and the mark taken before the write leaves readers on the
            // database until it expires.
            Ok(checked) => Ok((
                checked.no_content(),
                expected.single().map(|version| version.saturating_add(1)),
            )),
            Err(refused) => Err(refusal(refused, &id)),
        }
    }
    .await;
    let (deleted, _) = pending
        .finish(deleted, |(_, tombstone)| {
            tombstone.map(|version| (version, ResourceState::Missing))
        })
        .await?;
    Ok(deleted)
}

/// A compare-and-swap that wrote nothing, as the client's answer: 412 for a cart at another
/// version, 404 for none.
fn refusal(error: WriteError<SwapRefused>, id: &str) -> ApiError {
    match error {
        WriteError::Rejected(SwapRefused::Stale(error)) => error.into(),
        WriteError::Rejected(SwapRefused::Missing) => ApiError::not_found(KIND, id),
        WriteError::Db(error) => error.into(),
    }
}
