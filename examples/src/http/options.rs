//! `OPTIONS` on every route: 204 with the methods the route allows.
//!
//! The handlers read nothing from the request: OPTIONS ignores every precondition, even a
//! malformed one (RFC 9110 §13.2.1), and describes the route whether or not the resource exists.

use axum::response::{IntoResponse, Response};
use http::StatusCode;
use http::header::{ALLOW, HeaderValue};

use crate::error::{ACCEPT_PATCH, MERGE_PATCH_JSON};

/// What a route allows, as OPTIONS describes it.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Allowed {
    /// The `Allow` value: every method the route answers, OPTIONS included.
    methods: &'static str,
    /// Whether the route takes PATCH, and so advertises its patch format (RFC 5789 §3.1).
    accepts_patch: bool,
}

/// `/orders/{id}` and `/carts/{id}`.
pub(crate) const ITEM: Allowed = Allowed {
    methods: "GET, HEAD, PUT, PATCH, DELETE, OPTIONS",
    accepts_patch: true,
};

/// `/orders` and `/carts`.
pub(crate) const COLLECTION: Allowed = Allowed {
    methods: "GET, HEAD, POST, OPTIONS",
    accepts_patch: false,
};

/// `/products/{sku}`.
pub(crate) const PRODUCT: Allowed = Allowed {
    methods: "GET, HEAD, PUT, OPTIONS",
    accepts_patch: false,
};

impl Allowed {
    /// 204 No Content with `Allow` (and `Accept-Patch` where PATCH is allowed).
    fn response(self) -> Response {
        let mut response = StatusCode::NO_CONTENT.into_response();
        let headers = response.headers_mut();
        headers.insert(ALLOW, HeaderValue::from_static(self.methods));
        if self.accepts_patch {
            headers.insert(ACCEPT_PATCH, HeaderValue::from_static(MERGE_PATCH_JSON));
        }
        response
    }
}

/// `OPTIONS /orders`.
#[utoipa::path(options, path = "/orders", tag = "meta",
    responses((status = 204, description = "The methods the route allows.",
        headers(("Allow" = String, description = "GET, HEAD, POST, OPTIONS")))))]
pub(crate) async fn orders() -> Response {
    COLLECTION.response()
}

/// `OPTIONS /carts`.
#[utoipa::path(options, path = "/carts", tag = "meta",
    responses((status = 204, description = "The methods the route allows.",
        headers(("Allow" = String, description = "GET, HEAD, POST, OPTIONS")))))]
pub(crate) async fn carts() -> Response {
    COLLECTION.response()
}

/// `OPTIONS /orders/{id}`.
#[utoipa::path(options, path = "/orders/{id}", tag = "meta",
    params(("id" = String, Path, description = "Any id: the route is described whether or not the order exists.")),
    responses((status = 204, description = "The methods the route allows.",
        headers(("Allow" = String, description = "GET, HEAD, PUT, PATCH, DELETE, OPTIONS"),
                ("Accept-Patch" = String, description = "application/merge-patch+json")))))]
pub(crate) async fn order() -> Response {
    ITEM.response()
}

/// `OPTIONS /carts/{id}`.
#[utoipa::path(options, path = "/carts/{id}", tag = "meta",
    params(("id" = String, Path, description = "Any id: the route is described whether or not the cart exists.")),
    responses((status = 204, description = "The methods the route allows.",
        headers(("Allow" = String, description = "GET, HEAD, PUT, PATCH, DELETE, OPTIONS"),
                ("Accept-Patch" = String, description = "application/merge-patch+json")))))]
pub(crate) async fn cart() -> Response {
    ITEM.response()
}

/// `OPTIONS /products/{sku}`.
#[utoipa::path(options, path = "/products/{sku}", tag = "meta",
    params(("sku" = String, Path, description = "Any SKU: the route is described whether or not the product exists.")),
    responses((status = 204, description = "The methods the route allows.",
        headers(("Allow" = String, description = "GET, HEAD, PUT, OPTIONS")))))]
pub(crate) async fn product() -> Response {
    PRODUCT.response()
}
