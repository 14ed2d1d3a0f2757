//! The HTTP API: routes, handlers per resource, and the response rules they share.

mod body_limit;
mod carts;
mod conditions;
mod extract;
mod middleware;
mod openapi;
mod options;
mod orders;
mod pages;
mod products;
mod request_target;

use axum::Router;
use axum::extract::{DefaultBodyLimit, Request};
use axum::routing::get;
use etag_core::{CodingTagsLayer, conditional_cors};
use http::{HeaderValue, Method, Uri, header};
use tower::ServiceExt;
use tower_http::compression::CompressionLayer;
use tower_http::compression::predicate::SizeAbove;
use tower_http::cors::CorsLayer;

pub use extract::{MergePatch, ValidJson};
pub use openapi::ShopApi;
pub use pages::PageQuery;

use crate::error::ApiError;
use crate::store::Store;

/// Bodies of at least this many bytes are compressed when the client accepts it. A proxy in
/// front weakens the strong tag of every response it compresses itself (nginx's
/// `gzip_min_length` defaults to 20 bytes, tower-http's own threshold is 32), so the shop
/// compresses every body a proxy might.
const COMPRESS_FROM_BYTES: u16 = 1;

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
/// | `/openapi.json` | GET, HEAD: the OpenAPI 3.1 document of all of them ([`ShopApi`]) |
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
    router_with_cors(store, Vec::new())
}

/// [`router`], compressing responses (gzip, br, zstd) with a strong tag per coding, and letting
/// pages on `cors_origins` make conditional requests (no CORS when the list is empty). A CORS
/// preflight (an OPTIONS with `Access-Control-Request-Method`) is answered by tower-http's CORS
/// layer; any other OPTIONS by the route, with its `Allow`, as without CORS.
///
/// The shop compresses itself so that a compressing proxy in front (nginx `gzip on`) leaves its
/// responses alone instead of weakening their tags, which would make every echoed `If-Match`
/// fail.
pub fn router_with_cors(store: Store, cors_origins: Vec<HeaderValue>) -> Router {
    let routes = Router::new()
        .route(
            "/orders",
            get(orders::list)
                .post(orders::create)
                .options(options::orders),
        )
        .route(
            "/orders/{id}",
            get(orders::get)
                .put(orders::put)
                .patch(orders::patch)
                .delete(orders::delete)
                .options(options::order),
        )
        .route(
            "/carts",
            get(carts::list).post(carts::create).options(options::carts),
        )
        .route(
            "/carts/{id}",
            get(carts::get)
                .put(carts::put)
                .patch(carts::patch)
                .delete(carts::delete)
                .options(options::cart),
        )
        .route(
            "/products/{sku}",
            get(products::get)
                .put(products::put)
                .options(options::product),
        )
        .route("/openapi.json", get(openapi::document))
        .fallback(no_route)
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .layer(axum::middleware::from_fn(request_target::refuse_nul))
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
        .layer(CodingTagsLayer::with_compression(
            CompressionLayer::new(),
            SizeAbove::new(COMPRESS_FROM_BYTES),
        ))
        .with_state(store);
    // Between server and client: outside every middleware that reads or rewrites bodies.
    let served = if cors_origins.is_empty() {
        routes
    } else {
        with_cors(routes, conditional_cors(cors_origins))
    };
    served.layer(axum::middleware::from_fn(middleware::log_request))
}

/// `routes` behind `cors` for everything but an OPTIONS that is not a CORS preflight: tower-http's
/// layer answers every OPTIONS itself, which would hide the routes' own (`Allow`).
fn with_cors(routes: Router, cors: CorsLayer) -> Router {
    let behind_cors = routes.clone().layer(cors);
    Router::new().fallback_service(tower::service_fn(move |request: Request| {
        let plain_options = request.method() == Method::OPTIONS
            && !request
                .headers()
                .contains_key(header::ACCESS_CONTROL_REQUEST_METHOD);
        let chosen = if plain_options {
            routes.clone()
        } else {
            behind_cors.clone()
        };
        chosen.oneshot(request)
    }))
}

async fn no_route(uri: Uri) -> ApiError {
    ApiError::NoRoute {
        path: uri.path().to_owned(),
    }
}
