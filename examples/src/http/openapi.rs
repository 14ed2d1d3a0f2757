//! The shop's OpenAPI 3.1 document, served at `GET /openapi.json`.
//!
//! Each handler carries its `#[utoipa::path]` beside its code. What `#[conditional]` enforces
//! (the conditional headers, 304 / 400 / 412 / 428, `ETag` and `Last-Modified` on success) is
//! added by the attribute itself; each handler states only its own answers: its success, its
//! 404, the body errors of its extractor (`JsonBody`, `PatchBody`) and the 503 of a busy database.

use std::collections::BTreeMap;
use std::sync::LazyLock;

use axum::response::{IntoResponse, Response};
use etag_core::{PROBLEM_JSON, ProblemDetails};
use http::StatusCode;
use http::header::{CONTENT_TYPE, HeaderValue};
use utoipa::openapi::response::{Response as ApiResponse, ResponseBuilder};
use utoipa::openapi::{ContentBuilder, HeaderBuilder, ObjectBuilder, RefOr, Type};
use utoipa::{IntoResponses, Modify, OpenApi, ToSchema};

use serde::Serialize;

use crate::error::MERGE_PATCH_JSON;
use crate::model::{Cart, Order};

/// The document: every route and method of [`router`](super::router).
#[derive(OpenApi)]
#[openapi(
    info(
        title = "etag-rs example shop",
        description = "Orders, carts and products with entity tags: every read answers 304 to a \
                       client whose copy is current, every write to an existing resource needs \
                       a precondition (428) and fails with 412 when the client's copy is stale."
    ),
    paths(
        super::orders::list,
        super::orders::create,
        super::orders::get,
        super::orders::put,
        super::orders::patch,
        super::orders::delete,
        super::carts::list,
        super::carts::create,
        super::carts::get,
        super::carts::put,
        super::carts::patch,
        super::carts::delete,
        super::products::get,
        super::products::put,
        super::options::orders,
        super::options::carts,
        super::options::order,
        super::options::cart,
        super::options::product,
        document,
    ),
    components(schemas(ProblemDetails)),
    modifiers(&OperationIds)
)]
pub struct ShopApi;

/// Gives every operation a unique id from its method and path (`get_orders_id`, `head_orders_id`),
/// and makes each HEAD bodiless.
///
/// Handler names repeat across resources (`orders::get`, `carts::get`), and a `method(get, head)`
/// path shares one operation between the two methods, whose ids OpenAPI requires to be unique.
/// A HEAD response has no content, whatever its GET would have.
struct OperationIds;

impl Modify for OperationIds {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        for (path, item) in &mut openapi.paths.paths {
            let words: Vec<&str> = path
                .split('/')
                .map(|segment| segment.trim_matches(['{', '}']))
                .filter(|segment| !segment.is_empty())
                .collect();
            let name = words.join("_").replace('.', "_");
            let operations = [
                ("get", &mut item.get),
                ("head", &mut item.head),
                ("put", &mut item.put),
                ("post", &mut item.post),
                ("patch", &mut item.patch),
                ("delete", &mut item.delete),
                ("options", &mut item.options),
            ];
            for (method, operation) in operations {
                let Some(operation) = operation else { continue };
                operation.operation_id = Some(format!("{method}_{name}"));
                if method == "head" {
                    for response in operation.responses.responses.values_mut() {
                        if let RefOr::T(response) = response {
                            response.content.clear();
                        }
                    }
                }
            }
        }
    }
}

/// The document as JSON, built once.
static DOCUMENT: LazyLock<Vec<u8>> = LazyLock::new(|| {
    // A document of strings and numbers always serializes; an empty body would fail every check
    // that reads it, which is how a regression here would show.
    ShopApi::openapi()
        .to_json()
        .map(String::into_bytes)
        .unwrap_or_default()
});

/// `GET /openapi.json`: this document.
#[utoipa::path(
    get,
    path = "/openapi.json",
    tag = "meta",
    responses((status = 200, description = "The OpenAPI 3.1 document of this service.",
               content_type = "application/json", body = Object))
)]
pub(crate) async fn document() -> Response {
    let mut response = DOCUMENT.clone().into_response();
    response
        .headers_mut()
        .insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    response
}

/// A problem+json response.
fn problem(description: &str) -> RefOr<ApiResponse> {
    let schema = RefOr::Ref(utoipa::openapi::Ref::from_schema_name(
        ProblemDetails::name(),
    ));
    RefOr::T(
        ResponseBuilder::new()
            .description(description)
            .content(
                PROBLEM_JSON,
                ContentBuilder::new().schema(Some(schema)).build(),
            )
            .build(),
    )
}

fn status(code: StatusCode) -> String {
    code.as_str().to_owned()
}

/// The refusals of a JSON request body (`ValidJson`), and the database being busy.
pub(crate) struct JsonBody;

impl IntoResponses for JsonBody {
    fn responses() -> BTreeMap<String, RefOr<ApiResponse>> {
        let mut responses = busy();
        responses.insert(
            status(StatusCode::BAD_REQUEST),
            problem("The body is not valid JSON, or a conditional header is malformed."),
        );
        responses.insert(
            status(StatusCode::PAYLOAD_TOO_LARGE),
            problem("The body is larger than 64 KiB."),
        );
        responses.insert(
            status(StatusCode::UNSUPPORTED_MEDIA_TYPE),
            problem("The body is not sent as `application/json`."),
        );
        responses.insert(
            status(StatusCode::UNPROCESSABLE_ENTITY),
            problem("The body has the wrong shape, or a value is out of range (an empty name, a zero quantity)."),
        );
        responses
    }
}

/// The refusals of a merge patch body (`MergePatch`), a missing precondition, and the database
/// being busy.
pub(crate) struct PatchBody;

impl IntoResponses for PatchBody {
    fn responses() -> BTreeMap<String, RefOr<ApiResponse>> {
        let mut responses = JsonBody::responses();
        let unsupported = ResponseBuilder::new()
            .description("The body is not sent as `application/merge-patch+json`.")
            .content(
                PROBLEM_JSON,
                ContentBuilder::new()
                    .schema(Some(RefOr::Ref(utoipa::openapi::Ref::from_schema_name(
                        ProblemDetails::name(),
                    ))))
                    .build(),
            )
            .header(
                "Accept-Patch",
                HeaderBuilder::new()
                    .schema(ObjectBuilder::new().schema_type(Type::String))
                    .description(Some(MERGE_PATCH_JSON))
                    .build(),
            )
            .build();
        responses.insert(
            status(StatusCode::UNSUPPORTED_MEDIA_TYPE),
            RefOr::T(unsupported),
        );
        responses.insert(
            status(StatusCode::UNPROCESSABLE_ENTITY),
            problem("The patched resource is not valid (an empty name, a zero quantity, a wrong shape)."),
        );
        responses.extend(precondition_required());
        responses
    }
}

/// 428 for a PATCH or DELETE without a precondition: decided inside the write, once the resource
/// is found (a missing one is a 404 whatever the headers), so the attribute's `require` is not
/// what enforces it.
fn precondition_required() -> BTreeMap<String, RefOr<ApiResponse>> {
    BTreeMap::from([(
        status(StatusCode::PRECONDITION_REQUIRED),
        problem("The write carried no precondition: send `If-Match` with the tag you read."),
    )])
}

/// 428 and 503 for a DELETE.
pub(crate) struct DeleteRefusals;

impl IntoResponses for DeleteRefusals {
    fn responses() -> BTreeMap<String, RefOr<ApiResponse>> {
        let mut responses = busy();
        responses.extend(precondition_required());
        responses
    }
}

/// 503 when the database stays locked through every retry.
pub(crate) struct Busy;

impl IntoResponses for Busy {
    fn responses() -> BTreeMap<String, RefOr<ApiResponse>> {
        busy()
    }
}

fn busy() -> BTreeMap<String, RefOr<ApiResponse>> {
    BTreeMap::from([(
        status(StatusCode::SERVICE_UNAVAILABLE),
        problem("The database is busy; retry after the `Retry-After` delay."),
    )])
}

/// A merge patch of an order (RFC 7396): the members to change; `note: null` removes the note.
#[derive(ToSchema)]
#[allow(dead_code)] // Only its schema is used: the handler reads any JSON value.
pub(crate) struct OrderPatch {
    /// Who placed the order; not empty.
    #[schema(pattern = r"\S", nullable = false)]
    customer: Option<String>,
    /// The new lines, replacing the old ones.
    #[schema(nullable = false)]
    items: Option<Vec<crate::model::LineItem>>,
    /// The note; `null` removes it.
    #[schema(nullable)]
    note: Option<String>,
}

/// A merge patch of a cart (RFC 7396): the members to change.
#[derive(ToSchema)]
#[allow(dead_code)] // Only its schema is used: the handler reads any JSON value.
pub(crate) struct CartPatch {
    /// Whose cart it is; not empty.
    #[schema(pattern = r"\S", nullable = false)]
    owner: Option<String>,
    /// The new lines, replacing the old ones.
    #[schema(nullable = false)]
    items: Option<Vec<crate::model::LineItem>>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_operation_has_an_id_and_a_response() {
        let spec = serde_json::to_value(ShopApi::openapi()).expect("serializes");
        assert_eq!(spec["openapi"], "3.1.0");
        let paths = spec["paths"].as_object().expect("paths");
        let mut operations = 0;
        for (path, item) in paths {
            for (method, operation) in item.as_object().expect("a path item") {
                operations += 1;
                assert!(
                    operation["responses"]
                        .as_object()
                        .is_some_and(|r| !r.is_empty()),
                    "{method} {path} documents its responses"
                );
            }
        }
        assert!(operations >= 20, "{operations} operations");
    }
}

/// An order in the listing `GET /orders`: its id and its fields (the shape of `Listed<Order>`).
#[derive(Serialize, ToSchema)]
#[allow(dead_code)] // Only its schema is used: the listing serializes `Listed<Order>`.
pub(crate) struct ListedOrder {
    /// The order's id, the last segment of its URL.
    id: String,
    #[serde(flatten)]
    order: Order,
}

/// A cart in the listing `GET /carts`: its id and its fields (the shape of `Listed<Cart>`).
#[derive(Serialize, ToSchema)]
#[allow(dead_code)] // Only its schema is used: the listing serializes `Listed<Cart>`.
pub(crate) struct ListedCart {
    /// The cart's id, the last segment of its URL.
    id: String,
    #[serde(flatten)]
    cart: Cart,
}
