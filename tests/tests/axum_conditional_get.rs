//! Conditional GET / HEAD / OPTIONS through a real `Router` (RFC 9110 §13.1, §13.2, §15.4.5), for
//! the `#[conditional]` handler and for the hand-written one on the plain extractors alike.

mod support;

use std::sync::atomic::Ordering;

use http::{Method, StatusCode};
use support::app::{CREATED_AT, Shop, router};
use support::client::{Reply, get, send};

/// The same resource behind `#[conditional]` and behind the plain extractors.
const ORDER_URIS: [&str; 2] = ["/orders/1", "/plain/orders/1"];

/// `CREATED_AT` as an HTTP date, and one second either side.
const AT: &str = "Tue, 14 Nov 2023 22:13:20 GMT";
const BEFORE: &str = "Tue, 14 Nov 2023 22:13:19 GMT";
const AFTER: &str = "Tue, 14 Nov 2023 22:13:21 GMT";

async fn get_each(headers: &[(&str, &str)]) -> Vec<Reply> {
    let mut replies = Vec::new();
    for uri in ORDER_URIS {
        let app = router(Shop::with_order(1, 3));
        replies.push(get(&app, uri, headers).await);
    }
    replies
}

async fn assert_status(headers: &[(&str, &str)], expected: StatusCode) {
    for (reply, uri) in get_each(headers).await.iter().zip(ORDER_URIS) {
        assert_eq!(reply.status, expected, "GET {uri} with {headers:?}");
    }
}

#[tokio::test]
async fn unconditional_get_sends_the_body_and_its_validators() {
    for reply in get_each(&[]).await {
        assert_eq!(reply.status, StatusCode::OK);
        assert_eq!(reply.header("etag"), Some("\"3\""));
        assert_eq!(reply.header("last-modified"), Some(AT));
        assert_eq!(reply.header("content-type"), Some("application/json"));
        assert_eq!(reply.header("cache-control"), Some("private, max-age=60"));
        assert_eq!(
            reply.json(),
            serde_json::json!({"id": 1, "version": 3, "items": ["apple"]})
        );
    }
    // The creation date is what `AT` says.
    assert_eq!(
        httpdate::parse_http_date(AT).expect("valid date"),
        std::time::UNIX_EPOCH + std::time::Duration::from_secs(CREATED_AT)
    );
}

#[tokio::test]
async fn not_modified_keeps_exactly_the_headers_rfc_9110_allows() {
    for reply in get_each(&[("if-none-match", "\"3\"")]).await {
        assert_eq!(reply.status, StatusCode::NOT_MODIFIED);
        assert!(reply.body.is_empty(), "a 304 has no body");
        // §15.4.5: Cache-Control, Content-Location, Date, ETag, Expires, Vary; Last-Modified
        // helps caches; no Content-Type and no Content-Length (not even `0`).
        assert_eq!(
            reply.header_names(),
            [
                "cache-control",
                "content-location",
                "date",
                "etag",
                "expires",
                "last-modified",
                "vary"
            ]
        );
        assert_eq!(reply.header("etag"), Some("\"3\""));
        assert_eq!(reply.header("last-modified"), Some(AT));
        assert_eq!(reply.header("vary"), Some("Accept-Encoding"));
        assert_eq!(reply.header("content-location"), Some("/orders/canonical"));
        assert_eq!(reply.header("date"), Some("Wed, 15 Nov 2023 00:00:00 GMT"));
        assert_eq!(
            reply.header("expires"),
            Some("Thu, 01 Jan 2099 00:00:00 GMT")
        );
    }
}

#[tokio::test]
async fn if_none_match_uses_weak_comparison() {
    assert_status(&[("if-none-match", "W/\"3\"")], StatusCode::NOT_MODIFIED).await;
    assert_status(&[("if-none-match", "\"2\"")], StatusCode::OK).await;
    assert_status(&[("if-none-match", "W/\"2\"")], StatusCode::OK).await;
    // Opaque tags are case-sensitive; `"03"` is not `"3"`.
    assert_status(&[("if-none-match", "\"03\"")], StatusCode::OK).await;
}

#[tokio::test]
async fn if_none_match_lists_span_field_lines_and_respect_quotes() {
    assert_status(
        &[
            ("if-none-match", "\"1\", \"2\""),
            ("if-none-match", "\"3\""),
        ],
        StatusCode::NOT_MODIFIED,
    )
    .await;
    assert_status(
        &[("if-none-match", "\"a,b\", , \"3\"")],
        StatusCode::NOT_MODIFIED,
    )
    .await;
    assert_status(&[("if-none-match", "\"a,3\"")], StatusCode::OK).await;
    assert_status(&[("if-none-match", "*")], StatusCode::NOT_MODIFIED).await;
}

#[tokio::test]
async fn malformed_if_none_match_on_get_is_skipped_not_refused() {
    // Serving 200 is never wrong: the bad member is ignored, the good one still counts.
    assert_status(&[("if-none-match", "nonsense")], StatusCode::OK).await;
    assert_status(
        &[("if-none-match", "nonsense, \"3\"")],
        StatusCode::NOT_MODIFIED,
    )
    .await;
}

#[tokio::test]
async fn if_match_uses_strong_comparison_on_get() {
    assert_status(&[("if-match", "\"3\"")], StatusCode::OK).await;
    assert_status(&[("if-match", "*")], StatusCode::OK).await;
    assert_status(
        &[("if-match", "\"1\""), ("if-match", "\"3\"")],
        StatusCode::OK,
    )
    .await;
    assert_status(&[("if-match", "W/\"3\"")], StatusCode::PRECONDITION_FAILED).await;
    for reply in get_each(&[("if-match", "\"2\"")]).await {
        assert_eq!(reply.status, StatusCode::PRECONDITION_FAILED);
        assert_eq!(
            reply.header("content-type"),
            Some("application/problem+json")
        );
        let problem = reply.json();
        assert_eq!(problem["status"], 412);
        assert_eq!(problem["header"], "If-Match");
        assert_eq!(problem["title"], "Precondition Failed");
        assert_eq!(problem["type"], "about:blank");
    }
}

#[tokio::test]
async fn malformed_if_match_is_a_400_naming_the_header() {
    for reply in get_each(&[("if-match", "3")]).await {
        assert_eq!(reply.status, StatusCode::BAD_REQUEST);
        assert_eq!(
            reply.header("content-type"),
            Some("application/problem+json")
        );
        let problem = reply.json();
        assert_eq!(problem["status"], 400);
        assert_eq!(problem["header"], "If-Match");
        let detail = problem["detail"].as_str().expect("detail is text");
        assert!(
            detail.contains("If-Match") || detail.contains("if-match"),
            "{detail}"
        );
        assert!(detail.contains("double quotes"), "{detail}");
    }
    assert_status(&[("if-match", "\"3\", *")], StatusCode::BAD_REQUEST).await;
    assert_status(&[("if-match", "w/\"3\"")], StatusCode::BAD_REQUEST).await;
    assert_status(&[("if-match", " , ")], StatusCode::BAD_REQUEST).await;
}

#[tokio::test]
async fn dates_are_compared_at_second_precision() {
    assert_status(&[("if-modified-since", AT)], StatusCode::NOT_MODIFIED).await;
    assert_status(&[("if-modified-since", AFTER)], StatusCode::NOT_MODIFIED).await;
    assert_status(&[("if-modified-since", BEFORE)], StatusCode::OK).await;
    // The obsolete forms are accepted too (RFC 9110 §5.6.7).
    assert_status(
        &[("if-modified-since", "Tuesday, 14-Nov-23 22:13:20 GMT")],
        StatusCode::NOT_MODIFIED,
    )
    .await;
    assert_status(&[("if-unmodified-since", AT)], StatusCode::OK).await;
    assert_status(
        &[("if-unmodified-since", BEFORE)],
        StatusCode::PRECONDITION_FAILED,
    )
    .await;
}

#[tokio::test]
async fn invalid_or_repeated_dates_are_ignored() {
    assert_status(&[("if-modified-since", "yesterday")], StatusCode::OK).await;
    assert_status(
        &[("if-modified-since", AT), ("if-modified-since", AT)],
        StatusCode::OK,
    )
    .await;
    assert_status(&[("if-unmodified-since", "not a date")], StatusCode::OK).await;
}

#[tokio::test]
async fn evaluation_follows_rfc_9110_section_13_2_2() {
    // 1. If-Match comes first: it fails before If-None-Match could say 304.
    assert_status(
        &[("if-match", "\"2\""), ("if-none-match", "\"3\"")],
        StatusCode::PRECONDITION_FAILED,
    )
    .await;
    // 2. If-Unmodified-Since is ignored when If-Match is present.
    assert_status(
        &[("if-match", "\"3\""), ("if-unmodified-since", BEFORE)],
        StatusCode::OK,
    )
    .await;
    // 3. Without If-Match, If-Unmodified-Since (step 2) fails before If-None-Match (step 3).
    assert_status(
        &[("if-unmodified-since", BEFORE), ("if-none-match", "\"3\"")],
        StatusCode::PRECONDITION_FAILED,
    )
    .await;
    // 4. If-Modified-Since is ignored when If-None-Match is present, whichever way it points.
    assert_status(
        &[("if-none-match", "\"2\""), ("if-modified-since", AFTER)],
        StatusCode::OK,
    )
    .await;
    assert_status(
        &[("if-none-match", "\"3\""), ("if-modified-since", BEFORE)],
        StatusCode::NOT_MODIFIED,
    )
    .await;
}

#[tokio::test]
async fn head_gets_the_get_headers_without_a_body() {
    for uri in ORDER_URIS {
        let app = router(Shop::with_order(1, 3));
        let full = get(&app, uri, &[]).await;
        let head = send(&app, Method::HEAD, uri, &[], None).await;
        assert_eq!(head.status, StatusCode::OK);
        assert!(head.body.is_empty());
        assert_eq!(head.header_names(), full.header_names());
        assert_eq!(head.header("etag"), Some("\"3\""));
        assert_eq!(
            head.header("content-length"),
            Some(full.body.len().to_string().as_str())
        );

        let not_modified = send(&app, Method::HEAD, uri, &[("if-none-match", "\"3\"")], None).await;
        assert_eq!(not_modified.status, StatusCode::NOT_MODIFIED);
        assert!(not_modified.body.is_empty());
        assert!(not_modified.header("content-length").is_none());
    }
}

#[tokio::test]
async fn options_ignores_preconditions() {
    let app = router(Shop::with_order(1, 3));
    for headers in [
        [("if-match", "\"2\"")],
        [("if-none-match", "\"3\"")],
        [("if-unmodified-since", BEFORE)],
    ] {
        let reply = send(&app, Method::OPTIONS, "/orders/1", &headers, None).await;
        assert_eq!(reply.status, StatusCode::OK, "{headers:?}");
    }
}

#[tokio::test]
async fn a_missing_resource_is_404_whatever_the_preconditions() {
    for uri in ["/orders/9", "/plain/orders/9"] {
        let app = router(Shop::new());
        for headers in [[("if-match", "\"3\"")], [("if-none-match", "*")]] {
            let reply = get(&app, uri, &headers).await;
            assert_eq!(reply.status, StatusCode::NOT_FOUND, "{uri} {headers:?}");
        }
    }
}

#[tokio::test]
async fn a_handler_returning_none_is_a_404_whatever_the_preconditions() {
    // RFC 9110 §13.2.1: preconditions apply to a response that would otherwise be a 2xx; a
    // missing resource has no validators to send or to match `*` against.
    let app = router(Shop::with_order(1, 3));
    for headers in [
        vec![],
        vec![("if-none-match", "*")],
        vec![("if-match", "*")],
        vec![("if-none-match", "W/\"3\"")],
    ] {
        let reply = get(&app, "/summaries/2", &headers).await;
        assert_eq!(reply.status, StatusCode::NOT_FOUND, "{headers:?}");
        assert_eq!(
            reply.header("content-type"),
            Some("application/problem+json")
        );
        assert_eq!(reply.header("etag"), None, "{headers:?}");
    }
}

#[tokio::test]
async fn an_optional_tagged_read_keeps_its_headers_or_is_a_404() {
    let app = router(Shop::with_order(1, 3));
    let found = get(&app, "/optional/orders/1", &[("if-none-match", "\"3\"")]).await;
    assert_eq!(found.status, StatusCode::NOT_MODIFIED);
    assert_eq!(found.header("cache-control"), Some("private, max-age=60"));
    let missing = get(&app, "/optional/orders/2", &[("if-none-match", "*")]).await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    assert_eq!(
        missing.header("content-type"),
        Some("application/problem+json")
    );
}

#[tokio::test]
async fn a_weak_tag_never_matches_if_match() {
    let app = router(Shop::with_order(1, 3));
    let plain = get(&app, "/summaries/1", &[]).await;
    assert_eq!(plain.header("etag"), Some("W/\"3\""));
    assert_eq!(plain.json(), serde_json::json!({"id": 1, "item_count": 1}));
    let reply = get(&app, "/summaries/1", &[("if-none-match", "\"3\"")]).await;
    assert_eq!(reply.status, StatusCode::NOT_MODIFIED);
    assert_eq!(reply.header("etag"), Some("W/\"3\""));
    let reply = get(&app, "/summaries/1", &[("if-match", "W/\"3\"")]).await;
    assert_eq!(reply.status, StatusCode::PRECONDITION_FAILED);
}

#[tokio::test]
async fn precheck_answers_304_and_412_without_running_the_handler() {
    let shop = Shop::with_order(1, 3);
    let app = router(shop.clone());
    let runs = || Shop::count(&shop.counters.handler_runs);
    let prechecks = || Shop::count(&shop.counters.prechecks);

    let reply = get(&app, "/prechecked/orders/1", &[("if-none-match", "\"3\"")]).await;
    assert_eq!(reply.status, StatusCode::NOT_MODIFIED);
    assert_eq!(reply.header("etag"), Some("\"3\""));
    assert_eq!(reply.header("last-modified"), Some(AT));
    assert_eq!(
        (prechecks(), runs()),
        (1, 0),
        "the handler must not have run"
    );

    let reply = get(&app, "/prechecked/orders/1", &[("if-match", "\"2\"")]).await;
    assert_eq!(reply.status, StatusCode::PRECONDITION_FAILED);
    assert_eq!(
        (prechecks(), runs()),
        (2, 0),
        "the handler must not have run"
    );

    // A changed resource runs the handler, whose value gives the 200.
    let reply = get(&app, "/prechecked/orders/1", &[("if-none-match", "\"2\"")]).await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.header("etag"), Some("\"3\""));
    assert_eq!((prechecks(), runs()), (3, 1));

    // Not found by the precheck: the handler answers (404).
    let reply = get(&app, "/prechecked/orders/9", &[("if-none-match", "*")]).await;
    assert_eq!(reply.status, StatusCode::NOT_FOUND);
    assert_eq!((prechecks(), runs()), (4, 2));
}

#[tokio::test]
async fn without_a_precondition_the_precheck_is_skipped() {
    // Nothing can be answered early, so the cheap read would only be a second trip to the store.
    let shop = Shop::with_order(1, 3);
    let app = router(shop.clone());
    let reply = get(&app, "/prechecked/orders/1", &[]).await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.header("etag"), Some("\"3\""));
    assert_eq!(Shop::count(&shop.counters.prechecks), 0);
    assert_eq!(Shop::count(&shop.counters.handler_runs), 1);
}

#[tokio::test]
async fn a_malformed_header_is_answered_before_the_precheck() {
    let shop = Shop::with_order(1, 3);
    let app = router(shop.clone());
    let reply = get(&app, "/prechecked/orders/1", &[("if-match", "bad")]).await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    assert_eq!(shop.counters.prechecks.load(Ordering::SeqCst), 0);
    assert_eq!(shop.counters.handler_runs.load(Ordering::SeqCst), 0);
}

#[tokio::test]
async fn a_precheck_error_is_answered_as_is_without_the_handler() {
    let shop = Shop::with_order(1, 3);
    let app = router(shop.clone());
    let missing = get(&app, "/strict/orders/9", &[("if-none-match", "\"3\"")]).await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    assert_eq!(missing.body, b"no such order");
    assert_eq!(Shop::count(&shop.counters.handler_runs), 0);

    let fresh = get(&app, "/strict/orders/1", &[("if-none-match", "\"3\"")]).await;
    assert_eq!(fresh.status, StatusCode::NOT_MODIFIED);
    assert_eq!(Shop::count(&shop.counters.handler_runs), 0);

    let changed = get(&app, "/strict/orders/1", &[("if-none-match", "\"2\"")]).await;
    assert_eq!(changed.status, StatusCode::OK);
    assert_eq!(Shop::count(&shop.counters.handler_runs), 1);
}
