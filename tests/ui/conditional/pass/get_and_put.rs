//! The shapes the guide shows: a GET, a PUT with `require`, a precheck, a `Tagged` return. The
//! generated code must not trip any lint of the user's crate.

#![deny(warnings, unused, rust_2018_idioms, unreachable_pub)]

use std::time::SystemTime;

use axum::extract::{Path, State};
use axum::routing::get;
use axum::{Json, Router};
use etag_core::{EntityTag, PreconditionError, Preconditions, Tagged, Versioned, conditional};
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

/// Doc comments and other attributes stay on the handler.
#[conditional]
#[allow(clippy::unused_async)]
pub async fn get_order(State(db): State<Db>, Path(id): Path<u64>) -> Result<Order, StatusCode> {
    db.load(id).await.ok_or(StatusCode::NOT_FOUND)
}

#[conditional(precheck = db.version_of(id).await)]
async fn get_order_fast(State(db): State<Db>, Path(id): Path<u64>) -> Result<Order, StatusCode> {
    let Some(order) = db.load(id).await else {
        return Err(StatusCode::NOT_FOUND);
    };
    Ok(order)
}

#[conditional(require, crate = "etag_core")]
async fn put_order(
    State(db): State<Db>,
    Path(id): Path<u64>,
    pre: Preconditions,
    Json(mut input): Json<Order>,
) -> Result<Tagged<Order>, PreconditionError> {
    let current = db.load(id).await.unwrap_or(Order { version: 0, items: vec![] });
    pre.check(&current)?;
    input.version = current.version + 1;
    Ok(Tagged::new(input).with_status(StatusCode::OK))
}

fn main() {
    let _app: Router = Router::new()
        .route("/orders/{id}", get(get_order).put(put_order))
        .route("/fast/orders/{id}", get(get_order_fast))
        .with_state(Db);
}
