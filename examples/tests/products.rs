//! The HTTP contract of `/products/{sku}`: a weak tag over the whole body, guarded by dates.

mod support;

use http::{Method, StatusCode};
use serde_json::json;
use support::{Shop, temp_db};

fn apple(stock: u32) -> serde_json::Value {
    json!({"name": "Apple", "price": 0.5, "stock": stock})
}

async fn create(shop: &Shop) -> support::Reply {
    let created = shop
        .json(
            Method::PUT,
            "/products/apple",
            &[("if-none-match", "*")],
            &apple(10),
        )
        .await;
    created.assert_status(StatusCode::CREATED);
    created
}

#[tokio::test]
async fn put_creates_with_if_none_match_star() {
    let (_dir, db) = temp_db();
    let shop = Shop::start(&db);
    shop.get("/products/apple", &[])
        .await
        .assert_problem(StatusCode::NOT_FOUND);
    shop.json(Method::PUT, "/products/apple", &[], &apple(10))
        .await
        .assert_problem(StatusCode::PRECONDITION_REQUIRED);
    shop.json(
        Method::PUT,
        "/products/apple",
        &[("if-match", "*")],
        &apple(10),
    )
    .await
    .assert_problem(StatusCode::PRECONDITION_FAILED);

    let created = create(&shop).await;
    assert_eq!(created.header("location"), Some("/products/apple"));
    assert!(
        created.etag().starts_with("W/\""),
        "weak: {}",
        created.etag()
    );
    created.last_modified();
    let fetched = shop.get("/products/apple", &[]).await;
    assert_eq!(fetched.json(), apple(10));
    assert_eq!(fetched.etag(), created.etag());

    shop.json(
        Method::PUT,
        "/products/apple",
        &[("if-none-match", "*")],
        &apple(1),
    )
    .await
    .assert_problem(StatusCode::PRECONDITION_FAILED);
}

#[tokio::test]
async fn a_stock_only_write_moves_the_tag_and_the_date() {
    let (_dir, db) = temp_db();
    let shop = Shop::start(&db);
    let created = create(&shop).await;
    let restocked = shop
        .json(
            Method::PUT,
            "/products/apple",
            &[("if-match", "*")],
            &apple(99),
        )
        .await;
    restocked.assert_status(StatusCode::OK);
    // A cache holding the old body must not get a 304 for it: the stock is in the body.
    assert_ne!(restocked.etag(), created.etag(), "stock is in the tag");
    assert_ne!(restocked.last_modified(), created.last_modified());
    shop.get("/products/apple", &[("if-none-match", &created.etag())])
        .await
        .assert_status(StatusCode::OK);

    let repriced = shop
        .json(
            Method::PUT,
            "/products/apple",
            &[("if-match", "*")],
            &json!({"name": "Apple", "price": 0.75, "stock": 99}),
        )
        .await;
    repriced.assert_status(StatusCode::OK);
    assert_ne!(repriced.etag(), created.etag());
}

#[tokio::test]
async fn a_weak_tag_never_satisfies_if_match() {
    let (_dir, db) = temp_db();
    let shop = Shop::start(&db);
    let created = create(&shop).await;
    let weak = created.etag();
    let strong = weak.trim_start_matches("W/").to_owned();
    for tag in [weak.as_str(), strong.as_str()] {
        shop.json(
            Method::PUT,
            "/products/apple",
            &[("if-match", tag)],
            &apple(3),
        )
        .await
        .assert_problem(StatusCode::PRECONDITION_FAILED);
    }
}

#[tokio::test]
async fn if_unmodified_since_is_exact_even_within_one_second() {
    let (_dir, db) = temp_db();
    let shop = Shop::start(&db);
    let created = create(&shop).await;
    let read_at = created.last_modified();

    // Written straight after the create, very likely within the same second: the store moves
    // this write to the next second so the date still tells the states apart.
    let first = shop
        .json(
            Method::PUT,
            "/products/apple",
            &[("if-unmodified-since", &read_at)],
            &apple(9),
        )
        .await;
    first.assert_status(StatusCode::OK);
    assert_ne!(first.last_modified(), read_at);

    // A client that read the created state and writes now is stale.
    shop.json(
        Method::PUT,
        "/products/apple",
        &[("if-unmodified-since", &read_at)],
        &apple(8),
    )
    .await
    .assert_problem(StatusCode::PRECONDITION_FAILED);
    assert_eq!(shop.get("/products/apple", &[]).await.json(), apple(9));

    shop.get(
        "/products/apple",
        &[("if-modified-since", &first.last_modified())],
    )
    .await
    .assert_not_modified(&first.etag());
}

#[tokio::test]
async fn only_get_head_and_put_are_allowed() {
    let (_dir, db) = temp_db();
    let shop = Shop::start(&db);
    create(&shop).await;
    for method in [Method::DELETE, Method::POST, Method::PATCH] {
        let reply = shop
            .send(method, "/products/apple", &[("if-match", "*")], None)
            .await;
        reply.assert_problem(StatusCode::METHOD_NOT_ALLOWED);
        let allow = reply.header("allow").expect("an Allow header");
        assert!(allow.contains("PUT") && allow.contains("GET"), "{allow}");
    }
}

#[tokio::test]
async fn invalid_products_are_422() {
    let (_dir, db) = temp_db();
    let shop = Shop::start(&db);
    for body in [
        json!({"name": "Apple", "price": -1, "stock": 1}),
        json!({"name": "", "price": 1, "stock": 1}),
        json!({"name": "Apple", "price": 1, "stock": -1}),
        json!({"name": "Apple", "price": "1", "stock": 1}),
        json!({"name": "Apple", "stock": 1}),
    ] {
        shop.json(
            Method::PUT,
            "/products/apple",
            &[("if-none-match", "*")],
            &body,
        )
        .await
        .assert_problem(StatusCode::UNPROCESSABLE_ENTITY);
    }
}
