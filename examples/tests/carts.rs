//! The HTTP contract of `/carts`: version tags, no `Last-Modified`.

mod support;

use http::{Method, StatusCode};
use serde_json::json;
use support::{Shop, TestDb, on_both_backends};

fn cart() -> serde_json::Value {
    json!({"owner": "ada", "items": [{"sku": "apple", "qty": 1}]})
}

async fn post_creates_version_one_without_last_modified(db: TestDb) {
    let shop = Shop::start(&db);
    let created = shop.json(Method::POST, "/carts", &[], &cart()).await;
    created.assert_status(StatusCode::CREATED);
    assert_eq!(created.etag(), "\"1\"");
    assert_eq!(created.header("last-modified"), None);
    let path = created.header("location").expect("a Location");
    assert!(path.starts_with("/carts/"), "{path}");
    let fetched = shop.get(path, &[]).await;
    fetched.assert_status(StatusCode::OK);
    assert_eq!(fetched.json(), cart());
    assert_eq!(fetched.etag(), "\"1\"");
    assert_eq!(fetched.header("last-modified"), None);
}

async fn every_write_moves_the_version(db: TestDb) {
    let shop = Shop::start(&db);
    let created = shop.json(Method::POST, "/carts", &[], &cart()).await;
    let path = created.header("location").expect("a Location").to_owned();

    let emptied = json!({"owner": "ada", "items": []});
    shop.json(Method::PUT, &path, &[], &emptied)
        .await
        .assert_problem(StatusCode::PRECONDITION_REQUIRED);
    let put = shop
        .json(Method::PUT, &path, &[("if-match", "\"1\"")], &emptied)
        .await;
    put.assert_status(StatusCode::OK);
    assert_eq!(put.etag(), "\"2\"");
    shop.json(Method::PUT, &path, &[("if-match", "\"1\"")], &cart())
        .await
        .assert_problem(StatusCode::PRECONDITION_FAILED);

    let patched = shop
        .merge_patch(&path, &[("if-match", "\"2\"")], &json!({"owner": "bob"}))
        .await;
    patched.assert_status(StatusCode::OK);
    assert_eq!(patched.etag(), "\"3\"");
    assert_eq!(patched.json(), json!({"owner": "bob", "items": []}));

    shop.get(&path, &[("if-none-match", "\"3\"")])
        .await
        .assert_not_modified("\"3\"");
    shop.get(&path, &[("if-none-match", "\"2\"")])
        .await
        .assert_status(StatusCode::OK);
}

async fn a_date_alone_cannot_guard_a_cart(db: TestDb) {
    let shop = Shop::start(&db);
    let created = shop.json(Method::POST, "/carts", &[], &cart()).await;
    let path = created.header("location").expect("a Location").to_owned();
    // Carts have no modification date, so If-Unmodified-Since is not a usable precondition.
    shop.json(
        Method::PUT,
        &path,
        &[("if-unmodified-since", "Sun, 06 Nov 2094 08:49:37 GMT")],
        &cart(),
    )
    .await
    .assert_problem(StatusCode::PRECONDITION_REQUIRED);
}

async fn a_recreated_cart_never_matches_an_old_tag(db: TestDb) {
    let shop = Shop::start(&db);
    let created = shop
        .json(Method::PUT, "/carts/c1", &[("if-none-match", "*")], &cart())
        .await;
    created.assert_status(StatusCode::CREATED);
    assert_eq!(created.header("location"), Some("/carts/c1"));
    assert_eq!(created.etag(), "\"1\"");
    shop.send(Method::DELETE, "/carts/c1", &[], None)
        .await
        .assert_problem(StatusCode::PRECONDITION_REQUIRED);
    shop.send(Method::DELETE, "/carts/c1", &[("if-match", "\"1\"")], None)
        .await
        .assert_status(StatusCode::NO_CONTENT);
    shop.get("/carts/c1", &[])
        .await
        .assert_problem(StatusCode::NOT_FOUND);
    shop.send(Method::DELETE, "/carts/c1", &[("if-match", "\"1\"")], None)
        .await
        .assert_problem(StatusCode::NOT_FOUND);

    shop.json(Method::PUT, "/carts/c1", &[("if-match", "\"1\"")], &cart())
        .await
        .assert_problem(StatusCode::PRECONDITION_FAILED);
    let recreated = shop
        .json(Method::PUT, "/carts/c1", &[("if-none-match", "*")], &cart())
        .await;
    recreated.assert_status(StatusCode::CREATED);
    assert_ne!(
        recreated.etag(),
        "\"1\"",
        "versions continue past the delete"
    );
    shop.json(Method::PUT, "/carts/c1", &[("if-match", "\"1\"")], &cart())
        .await
        .assert_problem(StatusCode::PRECONDITION_FAILED);
}

async fn the_cart_list_is_conditional_too(db: TestDb) {
    let shop = Shop::start(&db);
    let before = shop.get("/carts", &[]).await;
    before.assert_status(StatusCode::OK);
    shop.json(Method::POST, "/carts", &[], &cart())
        .await
        .assert_status(StatusCode::CREATED);
    let after = shop
        .get("/carts", &[("if-none-match", &before.etag())])
        .await;
    after.assert_status(StatusCode::OK);
    assert_eq!(after.json().as_array().map(Vec::len), Some(1));
    shop.get("/carts", &[("if-none-match", &after.etag())])
        .await
        .assert_not_modified(&after.etag());
}

on_both_backends!(
    post_creates_version_one_without_last_modified,
    every_write_moves_the_version,
    a_date_alone_cannot_guard_a_cart,
    a_recreated_cart_never_matches_an_old_tag,
    the_cart_list_is_conditional_too,
);
