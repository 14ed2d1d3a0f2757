//! Conditional writes through a real `Router`: 428, 412, 400, creates, the early answers that cost
//! no body parsing, and the guard against a `#[conditional]` write that forgot its check.

mod support;

use http::{Method, StatusCode};
use support::app::{Shop, router};
use support::client::{get, put, send};

const BODY: &str = r#"{"items": ["apple", "pear"]}"#;

/// The same write behind `#[conditional(require)]` and behind the plain extractors.
const ORDER_URIS: [&str; 2] = ["/orders/1", "/plain/orders/1"];

#[tokio::test]
async fn a_write_without_a_precondition_is_428_before_the_body_is_parsed() {
    let shop = Shop::with_order(1, 3);
    let app = router(shop.clone());
    let reply = put(&app, "/orders/1", &[], BODY).await;
    assert_eq!(reply.status, StatusCode::PRECONDITION_REQUIRED);
    assert_eq!(
        reply.header("content-type"),
        Some("application/problem+json")
    );
    let problem = reply.json();
    assert_eq!(problem["status"], 428);
    assert_eq!(problem["title"], "Precondition Required");
    assert!(
        problem["detail"]
            .as_str()
            .is_some_and(|detail| detail.contains("If-Match"))
    );
    assert_eq!(Shop::count(&shop.counters.bodies_parsed), 0);
    assert_eq!(Shop::count(&shop.counters.handler_runs), 0);

    // Only dates that cannot be used do not count: an invalid one is no precondition.
    let reply = put(&app, "/orders/1", &[("if-unmodified-since", "soon")], BODY).await;
    assert_eq!(reply.status, StatusCode::PRECONDITION_REQUIRED);
    assert_eq!(Shop::count(&shop.counters.bodies_parsed), 0);

    // The plain extractor answers the same, once its handler runs.
    let reply = put(&app, "/plain/orders/1", &[], BODY).await;
    assert_eq!(reply.status, StatusCode::PRECONDITION_REQUIRED);
}

#[tokio::test]
async fn malformed_preconditions_on_a_write_are_400_before_the_body_is_parsed() {
    let shop = Shop::with_order(1, 3);
    let app = router(shop.clone());
    for (name, value, header) in [
        ("if-match", "3", "If-Match"),
        ("if-match", "\"3\", *", "If-Match"),
        // On a write, a bad If-None-Match is not skipped: it would switch the guard off.
        ("if-none-match", "nonsense", "If-None-Match"),
        ("if-none-match", "", "If-None-Match"),
    ] {
        let reply = put(&app, "/orders/1", &[(name, value)], BODY).await;
        assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{name}: {value}");
        assert_eq!(
            reply.header("content-type"),
            Some("application/problem+json")
        );
        let problem = reply.json();
        assert_eq!(problem["status"], 400);
        assert_eq!(problem["header"], header);
        assert!(problem["detail"].as_str().is_some_and(|d| !d.is_empty()));
    }
    assert_eq!(Shop::count(&shop.counters.bodies_parsed), 0);
    assert_eq!(Shop::count(&shop.counters.handler_runs), 0);
}

#[tokio::test]
async fn if_match_guards_the_write_and_a_stale_tag_gets_412() {
    for uri in ORDER_URIS {
        let app = router(Shop::with_order(1, 3));
        let reply = put(&app, uri, &[("if-match", "\"3\"")], BODY).await;
        assert_eq!(reply.status, StatusCode::OK, "{uri}");
        assert_eq!(reply.header("etag"), Some("\"4\""));
        assert!(reply.header("last-modified").is_some());
        assert_eq!(reply.json()["items"], serde_json::json!(["apple", "pear"]));

        // The same tag again is stale now: the second writer did not see the first write.
        let stale = put(&app, uri, &[("if-match", "\"3\"")], r#"{"items": []}"#).await;
        assert_eq!(stale.status, StatusCode::PRECONDITION_FAILED, "{uri}");
        assert_eq!(
            stale.header("content-type"),
            Some("application/problem+json")
        );
        let problem = stale.json();
        assert_eq!(problem["status"], 412);
        assert_eq!(problem["header"], "If-Match");
        assert!(
            problem["detail"]
                .as_str()
                .is_some_and(|detail| detail.contains("GET the current state"))
        );
        let current = get(&app, uri, &[]).await;
        assert_eq!(
            current.json()["items"],
            serde_json::json!(["apple", "pear"])
        );
    }
}

#[tokio::test]
async fn if_match_on_a_write_compares_strongly_and_accepts_lists_and_star() {
    let app = router(Shop::with_order(1, 3));
    let weak = put(&app, "/orders/1", &[("if-match", "W/\"3\"")], BODY).await;
    assert_eq!(weak.status, StatusCode::PRECONDITION_FAILED);
    let listed = put(
        &app,
        "/orders/1",
        &[("if-match", "\"1\""), ("if-match", "\"2\", \"3\"")],
        BODY,
    )
    .await;
    assert_eq!(listed.status, StatusCode::OK);
    let star = put(&app, "/orders/1", &[("if-match", "*")], BODY).await;
    assert_eq!(star.status, StatusCode::OK);
    assert_eq!(star.header("etag"), Some("\"5\""));
}

#[tokio::test]
async fn if_unmodified_since_satisfies_require_and_guards_the_write() {
    let app = router(Shop::with_order(1, 3));
    let stale = put(
        &app,
        "/orders/1",
        &[("if-unmodified-since", "Tue, 14 Nov 2023 22:13:19 GMT")],
        BODY,
    )
    .await;
    assert_eq!(stale.status, StatusCode::PRECONDITION_FAILED);
    assert_eq!(stale.json()["header"], "If-Unmodified-Since");
    let fresh = put(
        &app,
        "/orders/1",
        &[("if-unmodified-since", "Tue, 14 Nov 2023 22:13:20 GMT")],
        BODY,
    )
    .await;
    assert_eq!(fresh.status, StatusCode::OK);
}

#[tokio::test]
async fn if_none_match_star_creates_only_when_missing() {
    for uri in ["/orders/7", "/plain/orders/7"] {
        let app = router(Shop::new());
        let created = put(&app, uri, &[("if-none-match", "*")], BODY).await;
        assert_eq!(created.status, StatusCode::CREATED, "{uri}");
        assert_eq!(created.header("location"), Some("/orders/7"));
        assert_eq!(created.header("etag"), Some("\"1\""));

        let again = put(&app, uri, &[("if-none-match", "*")], BODY).await;
        assert_eq!(again.status, StatusCode::PRECONDITION_FAILED, "{uri}");
        assert_eq!(again.json()["header"], "If-None-Match");
    }
}

#[tokio::test]
async fn if_match_on_a_missing_resource_fails() {
    for uri in ["/orders/7", "/plain/orders/7"] {
        let app = router(Shop::new());
        for tag in ["*", "\"1\""] {
            let reply = put(&app, uri, &[("if-match", tag)], BODY).await;
            assert_eq!(reply.status, StatusCode::PRECONDITION_FAILED, "{uri} {tag}");
        }
        assert_eq!(get(&app, uri, &[]).await.status, StatusCode::NOT_FOUND);
    }
}

#[tokio::test]
async fn the_precheck_refuses_a_stale_write_before_the_handler_runs() {
    let shop = Shop::with_order(1, 3);
    let app = router(shop.clone());
    let reply = put(&app, "/prechecked/orders/1", &[("if-match", "\"2\"")], BODY).await;
    assert_eq!(reply.status, StatusCode::PRECONDITION_FAILED);
    assert_eq!(Shop::count(&shop.counters.prechecks), 1);
    assert_eq!(Shop::count(&shop.counters.handler_runs), 0);
    // The body extractor comes last in the handler, yet the precheck ran first: the stale
    // write's body was never parsed.
    assert_eq!(Shop::count(&shop.counters.bodies_parsed), 0);
    let version = shop.orders.read().await.get(&1).map(|order| order.version);
    assert_eq!(version, Some(3), "the stale write must not have happened");

    // A current tag passes the precheck, and the handler still checks inside its write.
    let reply = put(&app, "/prechecked/orders/1", &[("if-match", "\"3\"")], BODY).await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.header("etag"), Some("\"4\""));
    assert_eq!(Shop::count(&shop.counters.handler_runs), 1);
    assert_eq!(Shop::count(&shop.counters.bodies_parsed), 1);

    // A malformed body is still answered as its extractor answers it, after the precheck.
    let reply = put(&app, "/prechecked/orders/1", &[("if-match", "\"4\"")], "{").await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    assert_eq!(Shop::count(&shop.counters.handler_runs), 1);
}

#[tokio::test]
async fn a_read_handler_routed_for_a_write_is_refused_before_its_body_runs() {
    // Both handlers return a read's type, so they hold no proof of a check: one never checks,
    // the other ignores a failed check. Neither may run for a PUT.
    for uri in ["/unchecked/orders/1", "/ignoring/orders/1"] {
        let shop = Shop::with_order(1, 3);
        let app = router(shop.clone());
        for headers in [
            vec![],
            vec![("if-match", "\"1\"")],
            vec![("if-match", "\"3\"")],
        ] {
            let reply = put(&app, uri, &headers, BODY).await;
            assert_eq!(
                reply.status,
                StatusCode::INTERNAL_SERVER_ERROR,
                "{uri} {headers:?}"
            );
            assert_eq!(
                reply.header("content-type"),
                Some("application/problem+json")
            );
            assert!(reply.header("etag").is_none());
            let problem = reply.json();
            assert_eq!(problem["status"], 500);
            assert!(
                problem["detail"]
                    .as_str()
                    .is_some_and(|detail| detail.contains("nothing was changed")),
                "{problem}"
            );
        }
        // The stale write did not happen: the order is still at version 3 with its one item.
        let reply = get(&app, "/orders/1", &[]).await;
        assert_eq!(reply.header("etag"), Some("\"3\""), "{uri}");
        assert_eq!(reply.json()["items"], serde_json::json!(["apple"]), "{uri}");
    }
}

#[tokio::test]
async fn options_on_a_write_route_ignores_preconditions() {
    let app = router(Shop::with_order(1, 3));
    let reply = send(
        &app,
        Method::OPTIONS,
        "/orders/1",
        &[("if-match", "\"1\"")],
        None,
    )
    .await;
    assert_eq!(reply.status, StatusCode::OK);
}

#[tokio::test]
async fn if_none_match_with_tags_on_a_write_fails_when_one_matches() {
    for uri in ORDER_URIS {
        let app = router(Shop::with_order(1, 3));
        // Weak comparison: W/"3" matches the current "3", so the write must not happen.
        for tags in ["\"3\"", "W/\"3\"", "\"1\", \"3\""] {
            let reply = put(&app, uri, &[("if-none-match", tags)], BODY).await;
            assert_eq!(
                reply.status,
                StatusCode::PRECONDITION_FAILED,
                "{uri} {tags}"
            );
            assert_eq!(reply.json()["header"], "If-None-Match");
        }
        let reply = put(&app, uri, &[("if-none-match", "\"2\"")], BODY).await;
        assert_eq!(reply.status, StatusCode::OK, "{uri}");
    }
}

#[tokio::test]
async fn if_match_is_evaluated_before_if_none_match_on_a_write() {
    let app = router(Shop::with_order(1, 3));
    let reply = put(
        &app,
        "/orders/1",
        &[("if-match", "\"2\""), ("if-none-match", "\"3\"")],
        BODY,
    )
    .await;
    assert_eq!(reply.status, StatusCode::PRECONDITION_FAILED);
    assert_eq!(reply.json()["header"], "If-Match");
}
