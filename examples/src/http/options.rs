//! `OPTIONS` on every route: 204 with the methods the route allows.

use std::future::{Ready, ready};

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
    /// The handler answering OPTIONS for a route that allows these methods.
    ///
    /// It reads nothing from the request: OPTIONS ignores every precondition, even a malformed
    /// one (RFC 9110 §13.2.1), and describes the route whether or not the resource exists.
    pub(crate) fn handler(self) -> impl Fn() -> Ready<Response> + Clone + Send + Sync + 'static {
        move || ready(self.response())
    }

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
