//! The peer: what an axum user builds without this library, an ETag middleware that hashes the
//! response body (the approach of salvo's, loco's and actix-web's ETag middleware, written as an
//! `axum::middleware`), around a plain handler answering `Json(order)`.
//!
//! A GET runs the handler, buffers the body, hashes it with SHA-256, and answers 304 when the
//! request's `If-None-Match` names that hash. Such a middleware cannot check a write's `If-Match`
//! before the write (it learns the tag only from a body), so like those it lets writes through:
//! a stale `PUT` overwrites, which scenario 8 shows.

use std::fmt::Write as _;

use axum::Json;
use axum::Router;
use axum::body::{Body, to_bytes};
use axum::extract::{Path, Request, State};
use axum::http::header::{ETAG, IF_NONE_MATCH};
use axum::http::{HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use etag_examples::model::OrderBody;
use sha2::{Digest, Sha256};

use super::bench_routes::{BenchState, ReadError, load};

/// A body this large is not hashed (and so gets no `ETag`); the shop's are far smaller.
const MAX_HASHED_BODY: usize = 16 * 1024 * 1024;

/// `/bench/body-hash/orders/{id}`: GET and an unconditional PUT under the middleware.
pub(crate) fn routes(state: BenchState) -> Router {
    Router::new()
        .route(
            "/bench/body-hash/orders/{id}",
            get(get_order).put(put_order),
        )
        .layer(axum::middleware::from_fn(body_hash_etag))
        .with_state(state)
}

async fn get_order(
    State(state): State<BenchState>,
    Path(id): Path<String>,
) -> Result<Json<etag_examples::model::Order>, ReadError> {
    load(state.store.orders().get(&id).await).map(Json)
}

/// Writes whatever it is sent: the middleware has no tag to check `If-Match` against yet.
async fn put_order(
    State(state): State<BenchState>,
    Path(id): Path<String>,
    Json(body): Json<OrderBody>,
) -> Response {
    let written = state
        .store
        .orders()
        .upsert(&id, move |_| {
            Ok::<_, std::convert::Infallible>((body.clone(), ()))
        })
        .await;
    match written {
        Ok(written) => Json(written.value).into_response(),
        Err(error) => {
            eprintln!("loadgen: a body-hash PUT failed: {error}");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}

/// The middleware: hash a successful GET's body into a strong `ETag`, 304 on a match.
async fn body_hash_etag(request: Request, next: Next) -> Response {
    let is_get = request.method() == Method::GET;
    let if_none_match = request.headers().get(IF_NONE_MATCH).cloned();
    let response = next.run(request).await;
    if !is_get || response.status() != StatusCode::OK {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let Ok(bytes) = to_bytes(body, MAX_HASHED_BODY).await else {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    let digest = Sha256::digest(&bytes);
    let mut tag = String::with_capacity(2 + 2 * digest.len());
    tag.push('"');
    for byte in digest {
        let _ = write!(tag, "{byte:02x}");
    }
    tag.push('"');
    let Ok(etag) = HeaderValue::from_str(&tag) else {
        return Response::from_parts(parts, Body::from(bytes));
    };
    let matches = if_none_match.is_some_and(|value| {
        value
            .to_str()
            .is_ok_and(|list| list.split(',').any(|member| member.trim() == tag))
    });
    parts.headers.insert(ETAG, etag);
    if matches {
        parts.status = StatusCode::NOT_MODIFIED;
        parts.headers.remove(axum::http::header::CONTENT_TYPE);
        parts.headers.remove(axum::http::header::CONTENT_LENGTH);
        return Response::from_parts(parts, Body::empty());
    }
    Response::from_parts(parts, Body::from(bytes))
}
