//! Benchmark-only routes on the shop's store, mounted next to the shop's own API under `/bench`.
//!
//! The compared handlers sit on one router with the same state and middleware, so the only
//! difference between two variants of a scenario is the handler:
//! - `/bench/hand-written/orders/{id}`: plain axum, validators set by hand, body from
//!   `serde_json::to_vec` (the same work as the attribute);
//! - `/bench/hand-written-json/orders/{id}`: the same with axum's `Json` response;
//! - `/bench/conditional/orders/{id}` and `/bench/conditional/carts/{id}`: `#[conditional]`
//!   without a precheck, deciding after loading the resource and computing its tag;
//! - `/bench/precheck/orders/{id}`: `#[conditional(precheck = …)]` deciding from the order's
//!   stored tag and date, exactly as the shop's own `GET /orders/{id}` does;
//! - `/bench/early-tag/carts/{id}`: `#[conditional(precheck = …)]` reading only the version;
//! - `/bench/body-hash/orders/{id}`: the peer, a body-hashing ETag middleware (`body_hash`);
//! - `PUT` on the hand-written, conditional and precheck order routes: `bench_writes`.
//!
//! The shop's own routes carry its middleware (request log, revalidation headers); these do
//! not, so that two variants differ in their handler alone.

use axum::Json;
use axum::Router;
use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::header::{CONTENT_TYPE, ETAG, LAST_MODIFIED};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use etag_core::{
    PreconditionError, Preconditions, ProblemDetails, ResourceState, Versioned, conditional,
};
use etag_examples::db::DbError;
use etag_examples::model::{Cart, Order};
use etag_examples::store::Store;

/// What the bench handlers share: the shop's store.
#[derive(Clone)]
pub(crate) struct BenchState {
    pub(crate) store: Store,
}

/// The bench routes, to merge into the shop's router.
pub(crate) fn routes(state: BenchState) -> Router {
    Router::new()
        .route("/bench/hand-written/orders/{id}", get(hand_written_order))
        .route(
            "/bench/hand-written-json/orders/{id}",
            get(hand_written_json_order),
        )
        .route("/bench/conditional/orders/{id}", get(conditional_order))
        .route("/bench/precheck/orders/{id}", get(precheck_order))
        .route("/bench/conditional/carts/{id}", get(conditional_cart))
        .route("/bench/early-tag/carts/{id}", get(early_tag_cart))
        .with_state(state.clone())
        .merge(super::bench_writes::routes(state.clone()))
        .merge(super::body_hash::routes(state))
}

/// A GET as one writes it without the attribute, serializing with `serde_json::to_vec` as
/// `#[conditional]` does: the same work, so the two differ only in the attribute's plumbing.
async fn hand_written_order(
    State(state): State<BenchState>,
    method: Method,
    request_headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    hand_written(
        &state,
        &method,
        &request_headers,
        &id,
        |order, mut headers| match serde_json::to_vec(&order) {
            Ok(body) => {
                headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
                let mut response = Response::new(Body::from(body));
                *response.headers_mut() = headers;
                response
            }
            Err(error) => {
                eprintln!("loadgen: an order failed to serialize: {error}");
                StatusCode::INTERNAL_SERVER_ERROR.into_response()
            }
        },
    )
    .await
}

/// The same hand-written GET answering with axum's `Json`, as most axum code does: it shows what
/// the choice of serializer alone costs on a large body.
async fn hand_written_json_order(
    State(state): State<BenchState>,
    method: Method,
    request_headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    hand_written(&state, &method, &request_headers, &id, |order, headers| {
        (headers, Json(order)).into_response()
    })
    .await
}

/// Parse the conditional headers, load the order, compute its validators, answer 304 or encode
/// the order with `encode` under `ETag` and `Last-Modified`. The evaluation is etag-core's, so
/// every variant gives the same answers.
async fn hand_written(
    state: &BenchState,
    method: &Method,
    request_headers: &HeaderMap,
    id: &str,
    encode: impl FnOnce(Order, HeaderMap) -> Response,
) -> Response {
    let pre = match Preconditions::parse(method, request_headers) {
        Ok(pre) => pre,
        Err(error) => return error.into_response(),
    };
    let order = match state.store.orders().get(id).await {
        Ok(Some(order)) => order,
        Ok(None) => return not_found(),
        Err(error) => return internal_error(&error),
    };
    let etag = order.etag();
    let last_modified = order.last_modified();
    let mut headers = HeaderMap::new();
    headers.insert(ETAG, etag.to_header_value());
    if let Some(date) = last_modified
        .map(httpdate::fmt_http_date)
        .and_then(|date| HeaderValue::from_str(&date).ok())
    {
        headers.insert(LAST_MODIFIED, date);
    }
    match pre.evaluate(&ResourceState::present(etag, last_modified)) {
        Ok(()) => encode(order, headers),
        Err(PreconditionError::NotModified { .. }) => {
            (StatusCode::NOT_MODIFIED, headers).into_response()
        }
        Err(refusal) => refusal.into_response(),
    }
}

/// The same GET under `#[conditional]`: the handler only loads the order.
#[conditional]
async fn conditional_order(
    State(state): State<BenchState>,
    Path(id): Path<String>,
) -> Result<Order, ReadError> {
    load(state.store.orders().get(&id).await)
}

/// The same GET under `#[conditional(precheck = …)]`, as the shop's `GET /orders/{id}` has it:
/// the order's stored tag and date decide a 304 (or a failed `If-Match`'s 412) before the body
/// loads the order; a 200 reads both, the validators and then the order.
#[conditional(precheck = state.store.orders().validators(&id).await.map_err(ReadError::Database))]
async fn precheck_order(
    State(state): State<BenchState>,
    Path(id): Path<String>,
) -> Result<Order, ReadError> {
    load(state.store.orders().get(&id).await)
}

/// A cart under `#[conditional]`, loaded in full before the 304 is decided.
#[conditional]
async fn conditional_cart(
    State(state): State<BenchState>,
    Path(id): Path<String>,
) -> Result<Cart, ReadError> {
    load(state.store.carts().get(&id).await)
}

/// The same cart under `#[conditional(precheck = …)]`: the version column alone (the store's
/// `Carts::version`) decides a 304 before the handler body loads anything.
#[conditional(precheck = state.store.carts().version(&id).await.map_err(ReadError::Database))]
async fn early_tag_cart(
    State(state): State<BenchState>,
    Path(id): Path<String>,
) -> Result<Cart, ReadError> {
    load(state.store.carts().get(&id).await)
}

/// Why a bench read answers with an error.
pub(crate) enum ReadError {
    NotFound,
    Database(DbError),
}

impl IntoResponse for ReadError {
    fn into_response(self) -> Response {
        match self {
            Self::NotFound => not_found(),
            Self::Database(error) => internal_error(&error),
        }
    }
}

pub(crate) fn load<T>(found: Result<Option<T>, DbError>) -> Result<T, ReadError> {
    found
        .map_err(ReadError::Database)?
        .ok_or(ReadError::NotFound)
}

fn not_found() -> Response {
    ProblemDetails::new(StatusCode::NOT_FOUND, "No such resource.").into_response()
}

pub(crate) fn internal_error(error: &DbError) -> Response {
    eprintln!("loadgen: a bench route's database call failed: {error}");
    ProblemDetails::new(StatusCode::INTERNAL_SERVER_ERROR, "The database failed.").into_response()
}
