//! The HTTP contract of `/products/{sku}`: a strong tag over every shown field, guarded by tags
//! or by dates.

mod support;

use http::{Method, StatusCode};
use serde_json::json;
use support::{Shop, TestDb, on_both_backends};

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

async fn put_creates_with_if_none_match_star(db: TestDb) {
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
        created.etag().starts_with('"'),
        "strong: {}",
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

async fn a_stock_only_write_moves_the_tag(db: TestDb) {
    let shop = Shop::start(&db);
    let created = create(&shop).await;
    let restocked = shop
        .json(
            Method::PUT,
            "/products/apple",
            &[("if-match", &created.etag())],
            &apple(99),
        )
        .await;
    restocked.assert_status(StatusCode::OK);
    assert_ne!(
        restocked.etag(),
        created.etag(),
        "stock is in the body, so in the tag"
    );
    // Dated by the clock: a tag-guarded write in the same second shares the date (only the tag
    // tells them apart), and a date never goes back.
    let date = |reply: &support::Reply| {
        httpdate::parse_http_date(&reply.last_modified()).expect("an HTTP date")
    };
    assert!(date(&restocked) >= date(&created));
    // A cache revalidating its copy with the old tag (and the old date, which If-None-Match
    // overrides) gets the new stock, not a 304.
    let revalidated = shop
        .get(
            "/products/apple",
            &[
                ("if-none-match", &created.etag()),
                ("if-modified-since", &created.last_modified()),
            ],
        )
        .await;
    revalidated.assert_status(StatusCode::OK);
    assert_eq!(revalidated.json(), apple(99));
    assert_eq!(revalidated.etag(), restocked.etag());
    shop.get("/products/apple", &[("if-none-match", &restocked.etag())])
        .await
        .assert_not_modified(&restocked.etag());
}

async fn if_match_guards_products(db: TestDb) {
    let shop = Shop::start(&db);
    let created = create(&shop).await;
    let first = shop
        .json(
            Method::PUT,
            "/products/apple",
            &[("if-match", &created.etag())],
            &apple(3),
        )
        .await;
    first.assert_status(StatusCode::OK);
    // The second client read the created state too: its tag is stale now.
    shop.json(
        Method::PUT,
        "/products/apple",
        &[("if-match", &created.etag())],
        &apple(4),
    )
    .await
    .assert_problem(StatusCode::PRECONDITION_FAILED);
    // A weakened copy of the current tag is not the current tag (strong comparison).
    let weakened = format!("W/{}", first.etag());
    shop.json(
        Method::PUT,
        "/products/apple",
        &[("if-match", &weakened)],
        &apple(5),
    )
    .await
    .assert_problem(StatusCode::PRECONDITION_FAILED);
    assert_eq!(shop.get("/products/apple", &[]).await.json(), apple(3));
}

async fn if_unmodified_since_is_exact_even_within_one_second(db: TestDb) {
    let shop = Shop::start(&db);
    let created = create(&shop).await;
    let read_at = created.last_modified();

    // Written straight after the create, very likely within the same second: the library refuses
    // a date-only write to a state that young, and the shop waits (asynchronously) for the second
    // to pass and writes then, so the new date still tells the states apart.
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

async fn only_get_head_and_put_are_allowed(db: TestDb) {
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

async fn invalid_products_are_422(db: TestDb) {
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

on_both_backends!(
    put_creates_with_if_none_match_star,
    a_stock_only_write_moves_the_tag,
    if_match_guards_products,
    if_unmodified_since_is_exact_even_within_one_second,
    only_get_head_and_put_are_allowed,
    invalid_products_are_422,
);
