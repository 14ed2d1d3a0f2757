//! The shapes the guide shows: a GET, a precheck, every write (PUT replace and create, PATCH,
//! POST, DELETE, 202), the user's error type, a renamed `Preconditions` import. The generated
//! code must not trip any lint of the user's crate.

#![deny(warnings, unused, rust_2018_idioms, unreachable_pub)]

use std::time::SystemTime;

use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use etag_core::Preconditions as Pre;
use etag_core::{EntityTag, NoContent, PreconditionError, Versioned, Written, conditional};
use http::StatusCode;

#[derive(Clone, serde::Serialize, serde::Deserialize)]
struct Order {
    version: u64,
    items: Vec<String>,
}

impl Versioned for Order {
    fn etag(&self) -> EntityTag {
        EntityTag::from_version(self.version)
    }
    fn last_modified(&self) -> Option<SystemTime> {
        None
    }
}

#[derive(Clone)]
struct Db;

impl Db {
    async fn load(&self, _id: u64) -> Option<Order> {
        None
    }
    async fn version_of(&self, _id: u64) -> Result<Option<EntityTag>, StatusCode> {
        Ok(None)
    }
}

enum ApiError {
    NotFound,
    Precondition(PreconditionError),
}

impl From<PreconditionError> for ApiError {
    fn from(error: PreconditionError) -> Self {
        Self::Precondition(error)
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        match self {
            Self::NotFound => StatusCode::NOT_FOUND.into_response(),
            Self::Precondition(error) => error.into_response(),
        }
    }
}

type Type = u64;

/// Doc comments and other attributes stay on the handler.
#[conditional]
#[allow(clippy::unused_async)]
pub async fn get_order(State(db): State<Db>, Path(id): Path<u64>) -> Result<Order, StatusCode> {
    db.load(id).await.ok_or(StatusCode::NOT_FOUND)
}

#[conditional(precheck = db.version_of(id).await)]
async fn get_order_fast(State(db): State<Db>, Path(id): Path<Type>) -> Result<Order, StatusCode> {
    let Some(order) = db.load(id).await else {
        return Err(StatusCode::NOT_FOUND);
    };
    Ok(order)
}

/// PUT: replace (200) or create (201).
#[conditional(require, crate = "etag_core", error = ApiError)]
async fn put_order(
    State(db): State<Db>,
    Path(id): Path<u64>,
    pre: Pre,
    Json(mut input): Json<Order>,
) -> Result<Written<Order>, ApiError> {
    Ok(match db.load(id).await {
        Some(current) => {
            let checked = pre.check(&current)?;
            input.version = current.version + 1;
            checked.ok(input)
        }
        None => {
            let checked = pre.check_missing()?;
            input.version = 1;
            checked.created(input, format!("/orders/{id}"))
        }
    })
}

/// PATCH: a missing order is a 404 whatever the headers.
#[conditional(error = ApiError)]
async fn patch_order(
    State(db): State<Db>,
    Path(id): Path<u64>,
    pre: Pre,
) -> Result<Written<Order>, ApiError> {
    let mut current = db.load(id).await.ok_or(ApiError::NotFound)?;
    let checked = pre.required().check(&current)?;
    current.version += 1;
    Ok(checked.ok(current))
}

/// POST: create under a server id, preconditions (if any) about the collection.
#[conditional]
async fn create_order(pre: Pre, Json(mut input): Json<Order>) -> Result<Written<Order>, ApiError> {
    let checked = pre.check_unconditional().ok_or(ApiError::NotFound)?;
    input.version = 1;
    Ok(checked.created(input, "/orders/1"))
}

/// DELETE: 204, no body; a write answered without a representation may also be a 202.
#[conditional(require, error = ApiError)]
async fn delete_order(
    State(db): State<Db>,
    Path(id): Path<u64>,
    pre: Pre,
) -> Result<Written<NoContent>, ApiError> {
    let current = db.load(id).await.ok_or(ApiError::NotFound)?;
    let checked = pre.check(&current)?;
    Ok(if current.items.is_empty() {
        checked.no_content()
    } else {
        checked.accepted()
    })
}

fn main() {
    let _app: Router = Router::new()
        .route(
            "/orders/{id}",
            get(get_order)
                .put(put_order)
                .patch(patch_order)
                .delete(delete_order),
        )
        .route("/orders", post(create_order))
        .route("/fast/orders/{id}", get(get_order_fast))
        .with_state(Db);
}
