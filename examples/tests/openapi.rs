//! The shop's OpenAPI document: served at `/openapi.json`, valid by a real OpenAPI validator
//! (`openapi-spec-validator`, from ci/requirements.txt), covering every route and method, with
//! the conditional headers and answers each handler's `#[conditional]` enforces.

use std::process::Command;

use axum::body::{Body, to_bytes};
use http::{Request, StatusCode};
use serde_json::Value;
use tower::ServiceExt;

/// Every route and method the router answers.
const OPERATIONS: &[(&str, &str)] = &[
    ("/orders", "get"),
    ("/orders", "head"),
    ("/orders", "post"),
    ("/orders", "options"),
    ("/orders/{id}", "get"),
    ("/orders/{id}", "head"),
    ("/orders/{id}", "put"),
    ("/orders/{id}", "patch"),
    ("/orders/{id}", "delete"),
    ("/orders/{id}", "options"),
    ("/carts", "get"),
    ("/carts", "head"),
    ("/carts", "post"),
    ("/carts", "options"),
    ("/carts/{id}", "get"),
    ("/carts/{id}", "head"),
    ("/carts/{id}", "put"),
    ("/carts/{id}", "patch"),
    ("/carts/{id}", "delete"),
    ("/carts/{id}", "options"),
    ("/products/{sku}", "get"),
    ("/products/{sku}", "head"),
    ("/products/{sku}", "put"),
    ("/products/{sku}", "options"),
    ("/openapi.json", "get"),
];

async fn served_document() -> (Vec<u8>, Value) {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let store = etag_examples::store::Store::open(dir.path().join("shop.db"))
        .await
        .expect("the store opens");
    let request = Request::get("/openapi.json")
        .body(Body::empty())
        .expect("a request");
    let response = etag_examples::http::router(store)
        .oneshot(request)
        .await
        .expect("the router answers");
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()["content-type"], "application/json");
    let bytes = to_bytes(response.into_body(), usize::MAX)
        .await
        .expect("the body")
        .to_vec();
    let spec = serde_json::from_slice(&bytes).expect("the document is JSON");
    (bytes, spec)
}

fn parameter<'a>(operation: &'a Value, name: &str) -> Option<&'a Value> {
    operation["parameters"]
        .as_array()?
        .iter()
        .find(|parameter| parameter["name"] == name)
}

#[tokio::test]
async fn a_real_validator_accepts_the_document() {
    let (bytes, spec) = served_document().await;
    assert_eq!(spec["openapi"], "3.1.0");
    let dir = tempfile::tempdir().expect("a temporary directory");
    let path = dir.path().join("openapi.json");
    std::fs::write(&path, bytes).expect("written");
    let run = Command::new("python3")
        .args(["-m", "openapi_spec_validator"])
        .arg(&path)
        .output();
    let installed = run.as_ref().is_ok_and(|output| {
        !String::from_utf8_lossy(&output.stderr).contains("No module named openapi_spec_validator")
    });
    if !installed {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "openapi-spec-validator is missing: pip install -r ci/requirements.txt"
        );
        eprintln!(
            "\n!!! SKIPPED: openapi-spec-validator is not installed \
             (pip install -r ci/requirements.txt)\n"
        );
        return;
    }
    let output = run.expect("the validator ran");
    assert!(
        output.status.success(),
        "the validator refused the document:\n{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}

#[tokio::test]
async fn every_route_and_method_is_documented_with_a_unique_id() {
    let (_, spec) = served_document().await;
    let mut ids = Vec::new();
    for (path, method) in OPERATIONS {
        let operation = &spec["paths"][path][method];
        assert!(operation.is_object(), "{method} {path} is documented");
        ids.push(operation["operationId"].as_str().expect("an id").to_owned());
    }
    let documented: usize = spec["paths"]
        .as_object()
        .expect("paths")
        .values()
        .map(|item| item.as_object().expect("a path item").len())
        .sum();
    assert_eq!(
        documented,
        OPERATIONS.len(),
        "no operation the router lacks"
    );
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), OPERATIONS.len(), "operation ids are unique");
}

#[tokio::test]
async fn reads_document_revalidation_and_writes_their_preconditions() {
    let (_, spec) = served_document().await;
    let get = &spec["paths"]["/orders/{id}"]["get"];
    assert!(parameter(get, "If-None-Match").is_some());
    assert!(parameter(get, "If-Modified-Since").is_some());
    assert!(parameter(get, "If-Match").is_none());
    assert!(get["responses"]["304"]["headers"]["ETag"].is_object());
    assert!(get["responses"]["200"]["headers"]["ETag"].is_object());
    assert!(get["responses"]["200"]["headers"]["Last-Modified"].is_object());
    assert!(spec["paths"]["/orders/{id}"]["head"]["responses"]["200"]["content"].is_null());

    // `require`: the 428 and an If-Match that says a precondition is needed.
    let put = &spec["paths"]["/products/{sku}"]["put"];
    let if_match = parameter(put, "If-Match").expect("If-Match");
    assert!(
        if_match["description"]
            .as_str()
            .expect("text")
            .contains("428")
    );
    assert!(parameter(put, "If-Unmodified-Since").is_some());
    assert!(parameter(put, "If-None-Match").is_some());
    for status in ["400", "412", "428"] {
        let schema = &put["responses"][status]["content"]["application/problem+json"]["schema"];
        assert!(schema.is_object(), "PUT documents {status} as a problem");
    }
    assert!(put["responses"]["201"]["headers"]["ETag"].is_object());
    assert!(put["responses"]["201"]["headers"]["Location"].is_object());

    // A DELETE answers 204 without a representation, and so without its validators.
    let delete = &spec["paths"]["/carts/{id}"]["delete"];
    assert!(delete["responses"]["204"]["headers"]["ETag"].is_null());
    assert!(delete["responses"]["412"].is_object());

    // The bodies are described, not left as any JSON.
    let order = &spec["components"]["schemas"]["OrderBody"];
    assert_eq!(order["required"], serde_json::json!(["customer", "items"]));
}
