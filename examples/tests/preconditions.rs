//! Precondition corner cases of RFC 9110 §13, across orders, carts and products.

mod support;

use http::{Method, StatusCode};
use serde_json::{Value, json};
use support::{Shop, TestDb, on_both_backends};

/// One resource of each kind, created with PUT `If-None-Match: *`: (path, body, ETag).
async fn one_of_each(shop: &Shop) -> Vec<(&'static str, Value, String)> {
    let resources = [
        (
            "/orders/o-1",
            json!({"customer": "ada", "items": [{"sku": "apple", "qty": 2}]}),
        ),
        (
            "/carts/c-1",
            json!({"owner": "ada", "items": [{"sku": "apple", "qty": 2}]}),
        ),
        (
            "/products/apple",
            json!({"name": "Apple", "price": 0.5, "stock": 3}),
        ),
    ];
    let mut created = Vec::new();
    for (path, body) in resources {
        let reply = shop
            .json(Method::PUT, path, &[("if-none-match", "*")], &body)
            .await;
        reply.assert_status(StatusCode::CREATED);
        created.push((path, body, reply.etag()));
    }
    created
}

async fn head_with_a_matching_if_none_match_is_304_with_the_etag_and_no_body(db: TestDb) {
    let shop = Shop::start(&db);
    for (path, _, etag) in one_of_each(&shop).await {
        let reply = shop
            .send(Method::HEAD, path, &[("if-none-match", &etag)], None)
            .await;
        reply.assert_not_modified(&etag);
        let full = shop.send(Method::HEAD, path, &[], None).await;
        full.assert_status(StatusCode::OK);
        assert!(full.body.is_empty(), "HEAD has no body");
        assert_eq!(full.header("etag"), Some(etag.as_str()));
    }
}

async fn if_none_match_may_span_several_header_lines(db: TestDb) {
    let shop = Shop::start(&db);
    for (path, _, etag) in one_of_each(&shop).await {
        let two_lines = [("if-none-match", "\"other\""), ("if-none-match", &etag)];
        shop.get(path, &two_lines).await.assert_not_modified(&etag);
        let reversed = [("if-none-match", &*etag), ("if-none-match", "\"other\"")];
        shop.get(path, &reversed).await.assert_not_modified(&etag);
        let neither = [
            ("if-none-match", "\"other\""),
            ("if-none-match", "\"another\", \"third\""),
        ];
        shop.get(path, &neither).await.assert_status(StatusCode::OK);
    }
}

async fn put_if_none_match_star_on_an_existing_resource_is_412_and_changes_nothing(db: TestDb) {
    let shop = Shop::start(&db);
    for (path, body, etag) in one_of_each(&shop).await {
        let other = match path {
            "/products/apple" => json!({"name": "Pear", "price": 0.7, "stock": 1}),
            "/orders/o-1" => json!({"customer": "bob", "items": []}),
            _ => json!({"owner": "bob", "items": []}),
        };
        shop.json(Method::PUT, path, &[("if-none-match", "*")], &other)
            .await
            .assert_problem(StatusCode::PRECONDITION_FAILED);
        let current = shop.get(path, &[]).await;
        assert_eq!(current.json(), body, "{path}");
        assert_eq!(current.etag(), etag, "{path}");
    }
}

async fn patch_and_delete_with_a_malformed_if_match_are_400(db: TestDb) {
    let shop = Shop::start(&db);
    for (path, body, etag) in one_of_each(&shop).await {
        if path.starts_with("/products/") {
            continue; // Products take neither PATCH nor DELETE.
        }
        for malformed in ["no-quotes", "\"unterminated", "W/ \"space\"", "\"a\" \"b\""] {
            let problem = shop
                .merge_patch(path, &[("if-match", malformed)], &json!({"items": []}))
                .await
                .assert_problem(StatusCode::BAD_REQUEST);
            assert_eq!(problem["header"], "If-Match", "{problem}");
            let problem = shop
                .send(Method::DELETE, path, &[("if-match", malformed)], None)
                .await
                .assert_problem(StatusCode::BAD_REQUEST);
            assert_eq!(problem["header"], "If-Match", "{problem}");
        }
        // A malformed member next to a good one on another line is still malformed.
        shop.send(
            Method::DELETE,
            path,
            &[("if-match", &etag), ("if-match", "bad")],
            None,
        )
        .await
        .assert_problem(StatusCode::BAD_REQUEST);
        let current = shop.get(path, &[]).await;
        assert_eq!(current.json(), body, "{path}");
        assert_eq!(current.etag(), etag, "{path}");
    }
}

async fn delete_with_a_stale_if_match_is_412_and_keeps_the_resource(db: TestDb) {
    let shop = Shop::start(&db);
    for (path, body, etag) in one_of_each(&shop).await {
        if path.starts_with("/products/") {
            continue; // Products cannot be deleted.
        }
        for stale in ["\"stale\"", "W/\"stale\"", "\"stale\", \"older\""] {
            shop.send(Method::DELETE, path, &[("if-match", stale)], None)
                .await
                .assert_problem(StatusCode::PRECONDITION_FAILED);
        }
        let weak = format!("W/{etag}");
        shop.send(Method::DELETE, path, &[("if-match", &weak)], None)
            .await
            .assert_problem(StatusCode::PRECONDITION_FAILED);
        let current = shop.get(path, &[]).await;
        current.assert_status(StatusCode::OK);
        assert_eq!(current.json(), body, "{path}");
        assert_eq!(current.etag(), etag, "{path}");
        // The current tag still deletes it.
        shop.send(Method::DELETE, path, &[("if-match", &etag)], None)
            .await
            .assert_status(StatusCode::NO_CONTENT);
        shop.get(path, &[])
            .await
            .assert_problem(StatusCode::NOT_FOUND);
    }
}

on_both_backends!(
    head_with_a_matching_if_none_match_is_304_with_the_etag_and_no_body,
    if_none_match_may_span_several_header_lines,
    put_if_none_match_star_on_an_existing_resource_is_412_and_changes_nothing,
    patch_and_delete_with_a_malformed_if_match_are_400,
    delete_with_a_stale_if_match_is_412_and_keeps_the_resource,
);
