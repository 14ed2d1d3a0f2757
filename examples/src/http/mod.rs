//! The HTTP API: routes, handlers per resource, and the response rules they share.

mod body_limit;
mod carts;
mod conditions;
mod extract;
mod middleware;
mod options;
mod orders;
mod products;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::get;
use http::Uri;

pub use extract::{MergePatch, ValidJson};

use crate::error::ApiError;
use crate::store::Store;

/// The largest request body accepted; larger ones get 413.
pub const MAX_BODY_BYTES: usize = 64 * 1024;

/// The shop's routes over `store`:
///
/// | route | methods |
/// |---|---|
/// | `/orders` | GET, HEAD, POST, OPTIONS |
/// | `/orders/{id}` | GET, HEAD, PUT, PATCH, DELETE, OPTIONS |
/// | `/carts` | GET, HEAD, POST, OPTIONS |
/// | `/carts/{id}` | GET, HEAD, PUT, PATCH, DELETE, OPTIONS |
/// | `/products/{sku}` | GET, HEAD, PUT, OPTIONS |
///
/// OPTIONS answers 204 with `Allow` on every route, whatever the preconditions.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let dir = tempfile::tempdir()?;
/// let store = etag_examples::store::Store::open(dir.path().join("shop.db")).await?;
/// let app: axum::Router = etag_examples::http::router(store);
/// # Ok(())
/// # }
/// ```
pub fn router(store: Store) -> Router {
    Router::new()
        .route(
            "/orders",
            get(orders::list)
                .post(orders::create)
                .options(options::COLLECTION.handler()),
        )
        .route(
            "/orders/{id}",
            get(orders::get)
                .put(orders::put)
                .patch(orders::patch)
                .delete(orders::delete)
                .options(options::ITEM.handler()),
        )
        .route(
            "/carts",
            get(carts::list)
                .post(carts::create)
                .options(options::COLLECTION.handler()),
        )
        .route(
            "/carts/{id}",
            get(carts::get)
                .put(carts::put)
                .patch(carts::patch)
                .delete(carts::delete)
                .options(options::ITEM.handler()),
        )
        .route(
            "/products/{sku}",
            get(products::get)
                .put(products::put)
                .options(options::PRODUCT.handler()),
        )
        .fallback(no_route)
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .layer(axum::middleware::from_fn(middleware::revalidate_reads))
        .layer(axum::middleware::map_response(
            middleware::problem_for_every_error,
        ))
        .layer(axum::middleware::map_response(
            body_limit::close_after_unread_body,
        ))
        .layer(axum::middleware::from_fn(
            body_limit::reject_declared_oversize,
        ))
        .layer(axum::middleware::from_fn(middleware::log_request))
        .with_state(store)
}

async fn no_route(uri: Uri) -> ApiError {
    ApiError::NoRoute {
        path: uri.path().to_owned(),
    }
}
