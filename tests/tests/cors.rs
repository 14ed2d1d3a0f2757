//! CORS for conditional requests through tower-http's real `CorsLayer`, configured by
//! `conditional_cors`, in front of `#[conditional]` handlers.

mod support;

use axum::Router;
use etag_core::conditional_cors;
use http::{HeaderValue, Method, StatusCode};
use support::app::{Shop, router};
use support::client::{get, send};

const PAGE: &str = "https://shop.example";

fn app() -> Router {
    router(Shop::with_order(1, 3)).layer(conditional_cors([HeaderValue::from_static(PAGE)]))
}

/// The comma-separated members of a header, lowercased.
fn members(value: Option<&str>) -> Vec<String> {
    value
        .unwrap_or_default()
        .split(',')
        .map(|member| member.trim().to_ascii_lowercase())
        .filter(|member| !member.is_empty())
        .collect()
}

#[tokio::test]
async fn a_preflight_for_a_conditional_put_succeeds() {
    let reply = send(
        &app(),
        Method::OPTIONS,
        "/orders/1",
        &[
            ("origin", PAGE),
            ("access-control-request-method", "PUT"),
            ("access-control-request-headers", "if-match, content-type"),
        ],
        None,
    )
    .await;
    assert!(reply.status.is_success(), "{}", reply.status);
    assert_eq!(reply.header("access-control-allow-origin"), Some(PAGE));
    let headers = members(reply.header("access-control-allow-headers"));
    for needed in [
        "if-match",
        "if-none-match",
        "if-unmodified-since",
        "if-modified-since",
        "content-type",
    ] {
        assert!(
            headers.iter().any(|h| h == needed),
            "{needed} in {headers:?}"
        );
    }
    let methods = members(reply.header("access-control-allow-methods"));
    for needed in ["put", "patch", "delete", "post"] {
        assert!(
            methods.iter().any(|m| m == needed),
            "{needed} in {methods:?}"
        );
    }
}

#[tokio::test]
async fn the_page_can_read_the_validators() {
    let reply = get(&app(), "/orders/1", &[("origin", PAGE)]).await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.header("access-control-allow-origin"), Some(PAGE));
    let exposed = members(reply.header("access-control-expose-headers"));
    for needed in ["etag", "last-modified", "location"] {
        assert!(
            exposed.iter().any(|h| h == needed),
            "{needed} in {exposed:?}"
        );
    }
    assert_eq!(reply.header("etag"), Some("\"3\""));
}

#[tokio::test]
async fn a_conditional_put_from_the_page_is_evaluated_as_usual() {
    let app = app();
    let stale = send(
        &app,
        Method::PUT,
        "/orders/1",
        &[("origin", PAGE), ("if-match", "\"2\"")],
        Some(r#"{"items": []}"#),
    )
    .await;
    assert_eq!(stale.status, StatusCode::PRECONDITION_FAILED);
    assert_eq!(stale.header("access-control-allow-origin"), Some(PAGE));
    let fresh = send(
        &app,
        Method::PUT,
        "/orders/1",
        &[("origin", PAGE), ("if-match", "\"3\"")],
        Some(r#"{"items": []}"#),
    )
    .await;
    assert_eq!(fresh.status, StatusCode::OK);
    assert_eq!(fresh.header("etag"), Some("\"4\""));
}

#[tokio::test]
async fn other_origins_get_no_cors_headers() {
    let reply = get(&app(), "/orders/1", &[("origin", "https://evil.example")]).await;
    assert_eq!(reply.header("access-control-allow-origin"), None);
    let preflight = send(
        &app(),
        Method::OPTIONS,
        "/orders/1",
        &[
            ("origin", "https://evil.example"),
            ("access-control-request-method", "PUT"),
            ("access-control-request-headers", "if-match"),
        ],
        None,
    )
    .await;
    assert_eq!(preflight.header("access-control-allow-origin"), None);
}
