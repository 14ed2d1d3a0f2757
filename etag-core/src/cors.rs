//! CORS for conditional requests (feature `cors`): a tower-http [`CorsLayer`] that lets a page
//! on another origin read the validators and send the conditional headers.
//!
//! Without it a browser hides `ETag` and `Last-Modified` from the page (they are not CORS-safelisted
//! response headers), and a `PUT` with `If-Match` never gets past its preflight (`If-Match` is not
//! a safelisted request header). [`conditional_cors`] lists what conditional requests need:
//!
//! - exposed: [`EXPOSED_HEADERS`] (`ETag`, `Last-Modified`, `Location` of a created resource,
//!   `Retry-After` of a 503);
//! - allowed: [`ALLOWED_HEADERS`] (`If-Match`, `If-None-Match`, `If-Unmodified-Since`,
//!   `If-Modified-Since`, `Content-Type` for JSON bodies) and [`ALLOWED_METHODS`] (the reads and
//!   every write).
//!
//! tower-http's `CorsLayer` answers every `OPTIONS` request itself as a preflight; routes whose own
//! `OPTIONS` answer matters lose it behind the layer, unless only preflights (an `OPTIONS` with
//! `Access-Control-Request-Method`) are sent through it, as the example shop's router does.
//! Credentials are not allowed: conditional
//! requests do not need cookies, and allowing them is a separate decision.
//!
//! ```
//! use etag_core::conditional_cors;
//! use http::HeaderValue;
//! use http::header::{ACCESS_CONTROL_ALLOW_HEADERS, ORIGIN};
//! use http::{Method, Request, Response};
//! use tower::{ServiceBuilder, ServiceExt, service_fn};
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
//! let cors = conditional_cors([HeaderValue::from_static("https://shop.example")]);
//! let app = ServiceBuilder::new()
//!     .layer(cors)
//!     .service(service_fn(|_: Request<String>| async { Ok::<_, std::convert::Infallible>(Response::new(String::new())) }));
//!
//! let preflight = Request::builder()
//!     .method(Method::OPTIONS)
//!     .header(ORIGIN, "https://shop.example")
//!     .header("access-control-request-method", "PUT")
//!     .header("access-control-request-headers", "if-match, content-type")
//!     .body(String::new())?;
//! let response = app.oneshot(preflight).await?;
//! let allowed = response.headers()[ACCESS_CONTROL_ALLOW_HEADERS].to_str()?;
//! assert!(allowed.contains("if-match"));
//! # Ok(())
//! # }
//! ```

use std::time::Duration;

use http::header::{
    CONTENT_TYPE, ETAG, HeaderName, IF_MATCH, IF_MODIFIED_SINCE, IF_NONE_MATCH,
    IF_UNMODIFIED_SINCE, LAST_MODIFIED, LOCATION, RETRY_AFTER,
};
use http::{HeaderValue, Method};
use tower_http::cors::{AllowOrigin, CorsLayer};

/// The response headers a page may read: the validators, where a created resource is, and when
/// to retry.
pub const EXPOSED_HEADERS: [HeaderName; 4] = [ETAG, LAST_MODIFIED, LOCATION, RETRY_AFTER];

/// The request headers a page may send: the four preconditions and the body's type.
pub const ALLOWED_HEADERS: [HeaderName; 5] = [
    IF_MATCH,
    IF_NONE_MATCH,
    IF_UNMODIFIED_SINCE,
    IF_MODIFIED_SINCE,
    CONTENT_TYPE,
];

/// The methods a page may use: the reads and every write.
pub const ALLOWED_METHODS: [Method; 7] = [
    Method::GET,
    Method::HEAD,
    Method::POST,
    Method::PUT,
    Method::PATCH,
    Method::DELETE,
    Method::OPTIONS,
];

/// How long a browser may cache a preflight answer.
const PREFLIGHT_MAX_AGE: Duration = Duration::from_secs(600);

/// A `CorsLayer` for pages on `origins` (each `scheme://host[:port]`, as browsers send `Origin`)
/// that expose [`EXPOSED_HEADERS`] and allow [`ALLOWED_HEADERS`] and [`ALLOWED_METHODS`].
/// Requests from other origins get no CORS headers, so browsers keep them out. Extend it with
/// `CorsLayer`'s own methods (which replace a list: pass the constants along with your additions).
pub fn conditional_cors(origins: impl IntoIterator<Item = HeaderValue>) -> CorsLayer {
    CorsLayer::new()
        .allow_origin(AllowOrigin::list(origins))
        .allow_methods(ALLOWED_METHODS)
        .allow_headers(ALLOWED_HEADERS)
        .expose_headers(EXPOSED_HEADERS)
        .max_age(PREFLIGHT_MAX_AGE)
}
