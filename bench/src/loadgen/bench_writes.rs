//! Benchmark-only `PUT` routes for the stale write of scenario 8, next to the GETs of
//! `bench_routes` and on the same router: each replaces an order, checking `If-Match` against the
//! order it replaces inside the store's write transaction, as the shop's `PUT /orders/{id}` does
//! (without its validator cache).
//! - `PUT /bench/hand-written/orders/{id}`: plain axum; the headers parsed and the check made by
//!   hand with etag-core;
//! - `PUT /bench/conditional/orders/{id}`: `#[conditional(require)]`; the body is read and parsed
//!   before the write's check can refuse it;
//! - `PUT /bench/precheck/orders/{id}`: the same with `precheck = …` on the order's stored tag
//!   and date, so a stale `If-Match` is answered 412 before the body is read.
//!
//! The body-hash middleware's `PUT` (`body_hash`) checks nothing and overwrites.

use axum::Json;
use axum::Router;
use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::header::{CONTENT_TYPE, ETAG};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::put;
use etag_core::{Checked, PreconditionError, Preconditions, Versioned, Written, conditional};
use etag_examples::db::{DbError, WriteError};
use etag_examples::model::{Order, OrderBody};
use etag_examples::store::Written as StoreWritten;

use super::bench_routes::{BenchState, internal_error};

/// The PUT routes, merged into `bench_routes::routes`.
pub(crate) fn routes(state: BenchState) -> Router {
    Router::new()
        .route(
            "/bench/hand-written/orders/{id}",
            put(hand_written_put_order),
        )
        .route("/bench/conditional/orders/{id}", put(conditional_put_order))
        .route("/bench/precheck/orders/{id}", put(precheck_put_order))
        .with_state(state)
}

/// A PUT as one writes it without the attribute: the same parse, check and write, by hand.
async fn hand_written_put_order(
    State(state): State<BenchState>,
    method: Method,
    headers: HeaderMap,
    uri: Uri,
    Path(id): Path<String>,
    Json(body): Json<OrderBody>,
) -> Response {
    let pre = match Preconditions::parse(&method, &headers).map(Preconditions::required) {
        Ok(pre) => pre,
        Err(error) => return error.into_response(),
    };
    if let Err(missing) = pre.check_required() {
        return missing.into_response();
    }
    let written = match replace(&state, &id, pre, body).await {
        Ok(written) => written,
        Err(refused) => return refused.into_response(),
    };
    let status = if written.created {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    match serde_json::to_vec(&written.value) {
        Ok(json) => {
            let mut response = Response::new(Body::from(json));
            *response.status_mut() = status;
            let headers = response.headers_mut();
            headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
            headers.insert(ETAG, written.value.etag().to_header_value());
            if written.created
                && let Ok(location) = HeaderValue::from_str(uri.path())
            {
                headers.insert(axum::http::header::LOCATION, location);
            }
            response
        }
        Err(error) => {
            eprintln!("loadgen: an order failed to serialize: {error}");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}

/// The same PUT under `#[conditional(require)]`: the body is parsed before anything can refuse
/// a stale `If-Match`, which only the write's own check does.
#[conditional(require)]
async fn conditional_put_order(
    State(state): State<BenchState>,
    uri: Uri,
    Path(id): Path<String>,
    pre: Preconditions,
    Json(body): Json<OrderBody>,
) -> Result<Written<Order>, WriteRefused> {
    put_checked(&state, &id, uri.path(), pre, body).await
}

/// The same PUT with a precheck on the order's stored tag and date, as the shop's GET has it: a
/// stale `If-Match` is answered 412 before the body is read. A precheck that passes decides
/// nothing; the write still checks against the order it replaces.
#[conditional(require, precheck = state.store.orders().validators(&id).await.map_err(WriteRefused::Database))]
async fn precheck_put_order(
    State(state): State<BenchState>,
    uri: Uri,
    Path(id): Path<String>,
    pre: Preconditions,
    Json(body): Json<OrderBody>,
) -> Result<Written<Order>, WriteRefused> {
    put_checked(&state, &id, uri.path(), pre, body).await
}

/// Replaces (or creates) order `id` with `body`, if `pre` holds for the order it replaces.
async fn replace(
    state: &BenchState,
    id: &str,
    pre: Preconditions,
    body: OrderBody,
) -> Result<StoreWritten<Order, Checked>, WriteRefused> {
    let written = state
        .store
        .orders()
        .upsert(id, move |current| {
            let checked = match current {
                Some(current) => pre.check(current)?,
                None => pre.check_missing()?,
            };
            Ok::<_, PreconditionError>((body.clone(), checked))
        })
        .await?;
    Ok(written)
}

/// What both attribute routes do: [`replace`], then 200 with the new order, or 201 at `path`
/// for a create.
async fn put_checked(
    state: &BenchState,
    id: &str,
    path: &str,
    pre: Preconditions,
    body: OrderBody,
) -> Result<Written<Order>, WriteRefused> {
    let written = replace(state, id, pre, body).await?;
    Ok(if written.created {
        written.proof.created(written.value, path)
    } else {
        written.proof.ok(written.value)
    })
}

/// Why a bench write answers with an error.
pub(crate) enum WriteRefused {
    Precondition(PreconditionError),
    Database(DbError),
}

impl From<PreconditionError> for WriteRefused {
    fn from(refused: PreconditionError) -> Self {
        Self::Precondition(refused)
    }
}

impl From<WriteError<PreconditionError>> for WriteRefused {
    fn from(error: WriteError<PreconditionError>) -> Self {
        match error {
            WriteError::Rejected(refused) => Self::Precondition(refused),
            WriteError::Db(error) => Self::Database(error),
        }
    }
}

impl IntoResponse for WriteRefused {
    fn into_response(self) -> Response {
        match self {
            Self::Precondition(refused) => refused.into_response(),
            Self::Database(error) => internal_error(&error),
        }
    }
}
