//! The service under test: orders in memory behind an `RwLock`, `Versioned` by hand.

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, SystemTime};

use axum::extract::{FromRequest, Path, Request, State};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use etag_core::{
    EntityTag, IfMatch, IfNoneMatch, PreconditionError, Preconditions, ResourceState, Tagged,
    Versioned, Written, conditional,
};
use http::header::{CACHE_CONTROL, CONTENT_LOCATION, EXPIRES, VARY};
use http::{HeaderValue, StatusCode};
use serde::{Deserialize, Serialize};
use tokio::sync::RwLock;

/// The modification time of every order created by [`Shop::with_order`]: 2023-11-14T22:13:20Z.
pub(crate) const CREATED_AT: u64 = 1_700_000_000;

#[derive(Debug, Clone, Serialize)]
pub(crate) struct Order {
    pub(crate) id: u64,
    pub(crate) version: u64,
    pub(crate) items: Vec<String>,
    #[serde(skip)]
    pub(crate) updated_at: SystemTime,
}

impl Versioned for Order {
    fn etag(&self) -> EntityTag {
        EntityTag::from_version(self.version)
    }
    fn last_modified(&self) -> Option<SystemTime> {
        Some(self.updated_at)
    }
}

/// A weakly tagged view, to test weak comparison end to end.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Summary {
    pub(crate) id: u64,
    pub(crate) item_count: usize,
    #[serde(skip)]
    pub(crate) version: u64,
}

impl Versioned for Summary {
    fn etag(&self) -> EntityTag {
        EntityTag::from_version(self.version).into_weak()
    }
}

#[derive(Debug, Deserialize)]
pub(crate) struct OrderInput {
    pub(crate) items: Vec<String>,
}

/// Counters that prove what did or did not run.
#[derive(Default)]
pub(crate) struct Counters {
    /// Bodies parsed by [`CountedJson`].
    pub(crate) bodies_parsed: AtomicUsize,
    /// Handler bodies that ran.
    pub(crate) handler_runs: AtomicUsize,
    /// Prechecks that ran.
    pub(crate) prechecks: AtomicUsize,
}

#[derive(Clone)]
pub(crate) struct Shop {
    pub(crate) orders: Arc<RwLock<HashMap<u64, Order>>>,
    pub(crate) counters: Arc<Counters>,
}

impl Shop {
    pub(crate) fn new() -> Self {
        Self {
            orders: Arc::default(),
            counters: Arc::default(),
        }
    }

    /// A shop holding order `id` at `version`, with one item.
    pub(crate) fn with_order(id: u64, version: u64) -> Self {
        let shop = Self::new();
        let order = Order {
            id,
            version,
            items: vec!["apple".to_owned()],
            updated_at: SystemTime::UNIX_EPOCH + Duration::from_secs(CREATED_AT),
        };
        shop.orders
            .try_write()
            .expect("a new shop is not shared yet")
            .insert(id, order);
        shop
    }

    pub(crate) fn count(counter: &AtomicUsize) -> usize {
        counter.load(Ordering::SeqCst)
    }

    /// The cheap read: only the version (what a `SELECT version FROM orders` would give).
    pub(crate) async fn version_of(&self, id: u64) -> Option<Version> {
        self.counters.prechecks.fetch_add(1, Ordering::SeqCst);
        let orders = self.orders.read().await;
        orders.get(&id).map(|order| Version {
            version: order.version,
            updated_at: order.updated_at,
        })
    }
}

impl Shop {
    /// The cheap read as a service would write it against a database: a missing order is an
    /// error to answer as is (404), without running the handler.
    pub(crate) async fn state_of(&self, id: u64) -> Result<ResourceState, ApiError> {
        match self.version_of(id).await {
            Some(version) => Ok(ResourceState::of(&version)),
            None => Err(ApiError::NotFound),
        }
    }
}

/// The validators of an order without the order.
pub(crate) struct Version {
    pub(crate) version: u64,
    pub(crate) updated_at: SystemTime,
}

impl Versioned for Version {
    fn etag(&self) -> EntityTag {
        EntityTag::from_version(self.version)
    }
    fn last_modified(&self) -> Option<SystemTime> {
        Some(self.updated_at)
    }
}

/// The service's own error type, with the precondition outcomes mapped into it.
#[derive(Debug)]
pub(crate) enum ApiError {
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
            Self::NotFound => (StatusCode::NOT_FOUND, "no such order").into_response(),
            Self::Precondition(error) => error.into_response(),
        }
    }
}

/// `Json` that counts the bodies it parses, to prove an early answer parsed none.
pub(crate) struct CountedJson<T>(pub T);

impl<T: serde::de::DeserializeOwned> FromRequest<Shop> for CountedJson<T> {
    type Rejection = Response;

    async fn from_request(request: Request, shop: &Shop) -> Result<Self, Self::Rejection> {
        shop.counters.bodies_parsed.fetch_add(1, Ordering::SeqCst);
        let Json(value) = Json::<T>::from_request(request, shop)
            .await
            .map_err(IntoResponse::into_response)?;
        Ok(Self(value))
    }
}

fn cache_headers(tagged: Tagged<Order>) -> Tagged<Order> {
    tagged
        .with_header(
            CACHE_CONTROL,
            HeaderValue::from_static("private, max-age=60"),
        )
        .with_header(
            EXPIRES,
            HeaderValue::from_static("Thu, 01 Jan 2099 00:00:00 GMT"),
        )
        .with_header(VARY, HeaderValue::from_static("Accept-Encoding"))
        .with_header(
            CONTENT_LOCATION,
            HeaderValue::from_static("/orders/canonical"),
        )
        .with_header(
            http::header::DATE,
            HeaderValue::from_static("Wed, 15 Nov 2023 00:00:00 GMT"),
        )
}

// ---- With the attribute -------------------------------------------------------------------

/// GET/HEAD: 304 or 200 decided from the returned value.
#[conditional]
async fn get_order(
    State(shop): State<Shop>,
    Path(id): Path<u64>,
) -> Result<Tagged<Order>, ApiError> {
    shop.counters.handler_runs.fetch_add(1, Ordering::SeqCst);
    let orders = shop.orders.read().await;
    let order = orders.get(&id).cloned().ok_or(ApiError::NotFound)?;
    Ok(cache_headers(Tagged::new(order)))
}

/// A weakly tagged resource, returned as an `Option` of a bare `Versioned + Serialize` value
/// (`None` is the library's 404).
#[conditional]
async fn get_summary(State(shop): State<Shop>, Path(id): Path<u64>) -> Option<Summary> {
    let orders = shop.orders.read().await;
    orders.get(&id).map(|order| Summary {
        id,
        item_count: order.items.len(),
        version: order.version,
    })
}

/// `Option<Tagged<_>>`: headers on the found order, the library's 404 for `None`.
#[conditional]
async fn get_order_or_none(State(shop): State<Shop>, Path(id): Path<u64>) -> Option<Tagged<Order>> {
    let orders = shop.orders.read().await;
    orders
        .get(&id)
        .cloned()
        .map(|order| cache_headers(Tagged::new(order)))
}

/// GET with the cheap precheck: a 304 or 412 never runs the body.
#[conditional(precheck = shop.version_of(id).await)]
async fn get_order_prechecked(
    State(shop): State<Shop>,
    Path(id): Path<u64>,
) -> Result<Order, ApiError> {
    shop.counters.handler_runs.fetch_add(1, Ordering::SeqCst);
    let orders = shop.orders.read().await;
    orders.get(&id).cloned().ok_or(ApiError::NotFound)
}

/// PUT: 428 without a precondition, 412 when stale, 201 on create with `If-None-Match: *`.
#[conditional(require)]
async fn put_order(
    State(shop): State<Shop>,
    Path(id): Path<u64>,
    pre: Preconditions,
    CountedJson(input): CountedJson<OrderInput>,
) -> Result<Written<Order>, ApiError> {
    shop.counters.handler_runs.fetch_add(1, Ordering::SeqCst);
    write_order(&shop, id, &pre, input).await
}

/// GET with a precheck that answers a missing order itself.
#[conditional(precheck = shop.state_of(id).await)]
async fn get_order_strict(
    State(shop): State<Shop>,
    Path(id): Path<u64>,
) -> Result<Order, ApiError> {
    shop.counters.handler_runs.fetch_add(1, Ordering::SeqCst);
    let orders = shop.orders.read().await;
    orders.get(&id).cloned().ok_or(ApiError::NotFound)
}

/// PUT with a precheck too: a stale `If-Match` is answered before the write lock is taken.
#[conditional(require, precheck = shop.version_of(id).await)]
async fn put_order_prechecked(
    State(shop): State<Shop>,
    Path(id): Path<u64>,
    pre: Preconditions,
    CountedJson(input): CountedJson<OrderInput>,
) -> Result<Written<Order>, ApiError> {
    shop.counters.handler_runs.fetch_add(1, Ordering::SeqCst);
    write_order(&shop, id, &pre, input).await
}

/// A write that returns a read's type (no proof of a check): refused before its body runs.
#[conditional]
async fn put_order_unchecked(
    State(shop): State<Shop>,
    Path(id): Path<u64>,
    Json(input): Json<OrderInput>,
) -> Result<Order, ApiError> {
    let mut orders = shop.orders.write().await;
    let order = orders.get_mut(&id).ok_or(ApiError::NotFound)?;
    order.items = input.items;
    order.version += 1;
    Ok(order.clone())
}

/// A write that checks but ignores a failed check, returning a read's type: refused before its
/// body runs. (Returning `Written` it would not compile: see `tests/ui/conditional/fail`.)
#[conditional]
async fn put_order_ignoring_the_check(
    State(shop): State<Shop>,
    Path(id): Path<u64>,
    pre: Preconditions,
    Json(input): Json<OrderInput>,
) -> Result<Order, ApiError> {
    let mut orders = shop.orders.write().await;
    let order = orders.get_mut(&id).ok_or(ApiError::NotFound)?;
    let _ignored = pre.check(&*order);
    order.items = input.items;
    order.version += 1;
    Ok(order.clone())
}

/// Check and write under one lock: the atomic step a SQL `UPDATE … WHERE version = ?` gives.
async fn write_order(
    shop: &Shop,
    id: u64,
    pre: &Preconditions,
    input: OrderInput,
) -> Result<Written<Order>, ApiError> {
    let mut orders = shop.orders.write().await;
    match orders.get_mut(&id) {
        Some(current) => {
            let checked = pre.check(&*current)?;
            current.items = input.items;
            current.version += 1;
            current.updated_at = SystemTime::now();
            Ok(checked.ok(current.clone()))
        }
        None => {
            let checked = pre.check_missing()?;
            let order = Order {
                id,
                version: 1,
                items: input.items,
                updated_at: SystemTime::now(),
            };
            orders.insert(id, order.clone());
            Ok(checked.created(order, format!("/orders/{id}")))
        }
    }
}

// ---- With the plain extractors ------------------------------------------------------------

async fn plain_get_order(
    pre: Preconditions,
    State(shop): State<Shop>,
    Path(id): Path<u64>,
) -> Result<Tagged<Order>, ApiError> {
    shop.counters.handler_runs.fetch_add(1, Ordering::SeqCst);
    let orders = shop.orders.read().await;
    let order = orders.get(&id).cloned().ok_or(ApiError::NotFound)?;
    Ok(cache_headers(Tagged::new(order)).evaluate(&pre))
}

async fn plain_put_order(
    pre: Preconditions,
    State(shop): State<Shop>,
    Path(id): Path<u64>,
    CountedJson(input): CountedJson<OrderInput>,
) -> Result<Written<Order>, ApiError> {
    let pre = pre.required();
    pre.check_required()?;
    shop.counters.handler_runs.fetch_add(1, Ordering::SeqCst);
    write_order(&shop, id, &pre, input).await
}

/// Echoes the parsed tag fields, to test the single-field extractors.
async fn echo_tag_fields(if_match: Option<IfMatch>, if_none_match: Option<IfNoneMatch>) -> String {
    format!("{if_match:?} | {if_none_match:?}")
}

async fn require_if_match(if_match: IfMatch) -> String {
    format!("{:?}", if_match.condition())
}

pub(crate) fn router(shop: Shop) -> Router {
    Router::new()
        .route(
            "/orders/{id}",
            get(get_order).put(put_order).options(get_order),
        )
        .route("/summaries/{id}", get(get_summary))
        .route("/optional/orders/{id}", get(get_order_or_none))
        .route(
            "/prechecked/orders/{id}",
            get(get_order_prechecked).put(put_order_prechecked),
        )
        .route("/strict/orders/{id}", get(get_order_strict))
        .route(
            "/ignoring/orders/{id}",
            axum::routing::put(put_order_ignoring_the_check),
        )
        .route(
            "/unchecked/orders/{id}",
            axum::routing::put(put_order_unchecked),
        )
        .route(
            "/plain/orders/{id}",
            get(plain_get_order).put(plain_put_order),
        )
        .route(
            "/plain/tag-fields",
            get(echo_tag_fields).put(echo_tag_fields),
        )
        .route("/plain/if-match", get(require_if_match))
        .with_state(shop)
}
