//! Bad requests of every kind: always a 4xx with a problem+json body, never a 5xx.

mod support;

use http::{Method, StatusCode};
use serde_json::json;
use support::{Shop, TestDb, on_both_backends};

fn order() -> serde_json::Value {
    json!({"customer": "ada", "items": [{"sku": "apple", "qty": 2}]})
}

async fn malformed_conditional_headers_are_400_naming_the_header(db: TestDb) {
    let shop = Shop::start(&db);
    let created = shop.json(Method::POST, "/orders", &[], &order()).await;
    let path = created.header("location").expect("a Location").to_owned();
    for (name, value) in [
        ("if-match", "no-quotes"),
        ("if-match", "w/\"lowercase-weak\""),
        ("if-match", "\"unterminated"),
        ("if-none-match", "bare"),
    ] {
        let problem = shop
            .json(Method::PUT, &path, &[(name, value)], &order())
            .await
            .assert_problem(StatusCode::BAD_REQUEST);
        assert_eq!(
            problem["header"]
                .as_str()
                .map(str::to_ascii_lowercase)
                .as_deref(),
            Some(name),
            "{problem}"
        );
    }
    // A malformed If-Match is never ignored, not even on a read.
    shop.get(&path, &[("if-match", "nope")])
        .await
        .assert_problem(StatusCode::BAD_REQUEST);
    // On a read, unusable If-None-Match members are skipped: serving 200 is never wrong.
    shop.get(&path, &[("if-none-match", "nope")])
        .await
        .assert_status(StatusCode::OK);
}

async fn bad_bodies_are_400_415_or_422(db: TestDb) {
    let shop = Shop::start(&db);
    const JSON: Option<&str> = Some("application/json");
    let cases = [
        (JSON, "{\"customer\":", StatusCode::BAD_REQUEST),
        (JSON, "", StatusCode::BAD_REQUEST),
        (JSON, "[1, 2]", StatusCode::UNPROCESSABLE_ENTITY),
        (JSON, "null", StatusCode::UNPROCESSABLE_ENTITY),
        (
            JSON,
            r#"{"customer":"ada","items":[{"sku":"a","qty":"2"}]}"#,
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            JSON,
            r#"{"customer":"ada","items":[{"sku":"a","qty":1.5}]}"#,
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (Some("text/plain"), "{}", StatusCode::UNSUPPORTED_MEDIA_TYPE),
        (None, "{}", StatusCode::UNSUPPORTED_MEDIA_TYPE),
    ];
    for (content_type, body, status) in cases {
        let mut headers = vec![("if-none-match", "*")];
        headers.extend(content_type.map(|value| ("content-type", value)));
        shop.send(Method::PUT, "/orders/x", &headers, Some(body))
            .await
            .assert_problem(status);
    }
    for invalid in [
        json!({"customer": "  ", "items": []}),
        json!({"customer": "ada", "items": [{"sku": "a", "qty": 0}]}),
        json!({"customer": "ada", "items": [{"sku": "", "qty": 1}]}),
        json!({"customer": "ada", "items": [{"sku": "a", "qty": -3}]}),
    ] {
        shop.json(Method::POST, "/orders", &[], &invalid)
            .await
            .assert_problem(StatusCode::UNPROCESSABLE_ENTITY);
    }
    shop.get("/orders/x", &[])
        .await
        .assert_problem(StatusCode::NOT_FOUND);
}

/// U+0000 cannot be stored in PostgreSQL text: the shop refuses it in bodies (422) and in URLs
/// (400) on both backends alike, where PostgreSQL alone would have failed with a 500.
async fn nul_characters_are_refused_on_every_backend(db: TestDb) {
    let shop = Shop::start(&db);
    for (method, path, body, field) in [
        (
            Method::POST,
            "/orders",
            json!({"customer": "a\u{0}b", "items": []}),
            "customer",
        ),
        (
            Method::POST,
            "/orders",
            json!({"customer": "ada", "items": [], "note": "\u{0}"}),
            "note",
        ),
        (
            Method::POST,
            "/carts",
            json!({"owner": "\u{0}ada", "items": []}),
            "owner",
        ),
        (
            Method::PUT,
            "/products/apple",
            json!({"name": "ap\u{0}ple", "price": 1.0, "stock": 1}),
            "name",
        ),
    ] {
        let problem = shop
            .json(method.clone(), path, &[("if-none-match", "*")], &body)
            .await
            .assert_problem(StatusCode::UNPROCESSABLE_ENTITY);
        let detail = problem["detail"].as_str().unwrap_or_default();
        assert!(
            detail.contains(field) && detail.contains("U+0000"),
            "{method} {path}: {problem}"
        );
    }
    let created = shop.json(Method::POST, "/orders", &[], &order()).await;
    let path = created.header("location").expect("a Location").to_owned();
    let patch = json!({"items": [{"sku": "ap\u{0}ple", "qty": 1}]});
    shop.merge_patch(&path, &[("if-match", &created.etag())], &patch)
        .await
        .assert_problem(StatusCode::UNPROCESSABLE_ENTITY);

    for (method, target) in [
        (Method::GET, "/carts/%00"),
        (Method::DELETE, "/orders/a%00b"),
        (Method::GET, "/orders?after=%00"),
        (Method::GET, "/products/x%00"),
    ] {
        shop.send(method, target, &[], None)
            .await
            .assert_problem(StatusCode::BAD_REQUEST);
    }
    let put = shop
        .json(
            Method::PUT,
            "/carts/a%00",
            &[("if-none-match", "*")],
            &json!({"owner": "ada", "items": []}),
        )
        .await;
    put.assert_problem(StatusCode::BAD_REQUEST);
    // Nothing was stored on the way, and the service answers as before.
    shop.get(&path, &[("if-none-match", &created.etag())])
        .await
        .assert_not_modified(&created.etag());
}

async fn oversized_bodies_are_413(db: TestDb) {
    let shop = Shop::start(&db);
    let huge = json!({"customer": "a".repeat(200 * 1024), "items": []});
    let reply = shop.json(Method::POST, "/orders", &[], &huge).await;
    reply.assert_problem(StatusCode::PAYLOAD_TOO_LARGE);
    // The body was read and discarded, so the client could read the answer and the connection
    // stays usable: the next request below goes over it.
    assert_eq!(reply.header("connection"), None);
    let patch = json!({"note": "n".repeat(200 * 1024)});
    let created = shop.json(Method::POST, "/orders", &[], &order()).await;
    let path = created.header("location").expect("a Location").to_owned();
    shop.merge_patch(&path, &[("if-match", &created.etag())], &patch)
        .await
        .assert_problem(StatusCode::PAYLOAD_TOO_LARGE);
}

async fn unknown_routes_and_methods_are_problems(db: TestDb) {
    let shop = Shop::start(&db);
    shop.get("/nowhere", &[])
        .await
        .assert_problem(StatusCode::NOT_FOUND);
    shop.get("/orders/a/b", &[])
        .await
        .assert_problem(StatusCode::NOT_FOUND);
    let reply = shop.send(Method::DELETE, "/orders", &[], None).await;
    reply.assert_problem(StatusCode::METHOD_NOT_ALLOWED);
    assert!(
        reply
            .header("allow")
            .is_some_and(|allow| allow.contains("POST"))
    );
}

async fn preconditions_on_a_post_apply_to_the_collection(db: TestDb) {
    let shop = Shop::start(&db);
    let listing = shop.get("/orders", &[]).await.etag();
    shop.json(Method::POST, "/orders", &[("if-match", &listing)], &order())
        .await
        .assert_status(StatusCode::CREATED);
    // The listing changed with that create, so the same precondition now fails.
    shop.json(Method::POST, "/orders", &[("if-match", &listing)], &order())
        .await
        .assert_problem(StatusCode::PRECONDITION_FAILED);
    shop.json(Method::POST, "/orders", &[("if-match", "bad")], &order())
        .await
        .assert_problem(StatusCode::BAD_REQUEST);
}

on_both_backends!(
    malformed_conditional_headers_are_400_naming_the_header,
    bad_bodies_are_400_415_or_422,
    nul_characters_are_refused_on_every_backend,
    oversized_bodies_are_413,
    unknown_routes_and_methods_are_problems,
    preconditions_on_a_post_apply_to_the_collection,
);
