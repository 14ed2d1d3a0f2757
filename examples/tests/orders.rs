//! The HTTP contract of `/orders`, against the real binary.

mod support;

use http::{Method, StatusCode};
use serde_json::json;
use support::{Shop, TestDb, on_both_backends};

fn order() -> serde_json::Value {
    json!({"customer": "ada", "items": [{"sku": "apple", "qty": 2}], "note": "ring twice"})
}

/// Creates an order with POST and returns its path and ETag.
async fn create(shop: &Shop) -> (String, String) {
    let created = shop.json(Method::POST, "/orders", &[], &order()).await;
    created.assert_status(StatusCode::CREATED);
    let location = created.header("location").expect("a Location").to_owned();
    (location, created.etag())
}

async fn post_creates_with_location_etag_and_last_modified(db: TestDb) {
    let shop = Shop::start(&db);
    let created = shop.json(Method::POST, "/orders", &[], &order()).await;
    created.assert_status(StatusCode::CREATED);
    let location = created.header("location").expect("a Location");
    assert!(location.starts_with("/orders/"), "{location}");
    let etag = created.etag();
    assert!(etag.starts_with('"'), "a strong tag: {etag}");
    assert_eq!(created.json(), order());

    let fetched = shop.get(location, &[]).await;
    fetched.assert_status(StatusCode::OK);
    assert_eq!(fetched.etag(), etag);
    assert_eq!(fetched.last_modified(), created.last_modified());
    assert_eq!(fetched.json(), order());
}

async fn tag_comes_from_the_fields_not_the_id(db: TestDb) {
    let shop = Shop::start(&db);
    let (first, first_tag) = create(&shop).await;
    let (second, second_tag) = create(&shop).await;
    assert_ne!(first, second);
    assert_eq!(first_tag, second_tag, "equal content, equal tag");
}

async fn conditional_get_answers_304(db: TestDb) {
    let shop = Shop::start(&db);
    let (path, etag) = create(&shop).await;
    let weak = format!("W/{etag}");
    for if_none_match in [
        etag.as_str(),
        weak.as_str(),
        "*",
        &format!("\"other\", {etag}"),
    ] {
        let reply = shop.get(&path, &[("if-none-match", if_none_match)]).await;
        reply.assert_not_modified(&etag);
    }
    let head = shop
        .send(Method::HEAD, &path, &[("if-none-match", &etag)], None)
        .await;
    head.assert_not_modified(&etag);
    shop.get(&path, &[("if-none-match", "\"other\"")])
        .await
        .assert_status(StatusCode::OK);

    let last_modified = shop.get(&path, &[]).await.last_modified();
    shop.get(&path, &[("if-modified-since", &last_modified)])
        .await
        .assert_not_modified(&etag);
    shop.get(
        &path,
        &[("if-modified-since", "Sun, 06 Nov 1994 08:49:37 GMT")],
    )
    .await
    .assert_status(StatusCode::OK);
    // A failed If-Match on a GET is a 412.
    shop.get(&path, &[("if-match", "\"other\"")])
        .await
        .assert_problem(StatusCode::PRECONDITION_FAILED);
}

async fn put_replaces_only_with_a_current_precondition(db: TestDb) {
    let shop = Shop::start(&db);
    let (path, etag) = create(&shop).await;
    let changed = json!({"customer": "ada", "items": [{"sku": "pear", "qty": 1}]});

    shop.json(Method::PUT, &path, &[], &changed)
        .await
        .assert_problem(StatusCode::PRECONDITION_REQUIRED);
    shop.json(Method::PUT, &path, &[("if-match", "\"stale\"")], &changed)
        .await
        .assert_problem(StatusCode::PRECONDITION_FAILED);
    shop.json(Method::PUT, &path, &[("if-none-match", "*")], &changed)
        .await
        .assert_problem(StatusCode::PRECONDITION_FAILED);

    let replaced = shop
        .json(Method::PUT, &path, &[("if-match", &etag)], &changed)
        .await;
    replaced.assert_status(StatusCode::OK);
    assert_ne!(replaced.etag(), etag);
    assert_eq!(replaced.json(), changed, "a PUT replaces: the note is gone");

    // The tag the client held is stale now: the second writer loses.
    shop.json(Method::PUT, &path, &[("if-match", &etag)], &order())
        .await
        .assert_problem(StatusCode::PRECONDITION_FAILED);
    assert_eq!(shop.get(&path, &[]).await.json(), changed);
}

async fn put_to_a_missing_order_creates_only_with_if_none_match_star(db: TestDb) {
    let shop = Shop::start(&db);
    shop.json(Method::PUT, "/orders/o-1", &[], &order())
        .await
        .assert_problem(StatusCode::PRECONDITION_REQUIRED);
    shop.json(Method::PUT, "/orders/o-1", &[("if-match", "*")], &order())
        .await
        .assert_problem(StatusCode::PRECONDITION_FAILED);
    shop.json(
        Method::PUT,
        "/orders/o-1",
        &[("if-match", "\"abc\"")],
        &order(),
    )
    .await
    .assert_problem(StatusCode::PRECONDITION_FAILED);
    shop.get("/orders/o-1", &[])
        .await
        .assert_problem(StatusCode::NOT_FOUND);

    let created = shop
        .json(
            Method::PUT,
            "/orders/o-1",
            &[("if-none-match", "*")],
            &order(),
        )
        .await;
    created.assert_status(StatusCode::CREATED);
    assert_eq!(created.header("location"), Some("/orders/o-1"));
    let etag = created.etag();
    shop.get("/orders/o-1", &[])
        .await
        .assert_status(StatusCode::OK);
    assert_eq!(shop.get("/orders/o-1", &[]).await.etag(), etag);

    // Create-only: a second create finds it there.
    shop.json(
        Method::PUT,
        "/orders/o-1",
        &[("if-none-match", "*")],
        &order(),
    )
    .await
    .assert_problem(StatusCode::PRECONDITION_FAILED);
}

async fn if_unmodified_since_guards_orders(db: TestDb) {
    let shop = Shop::start(&db);
    let (path, _) = create(&shop).await;
    let last_modified = shop.get(&path, &[]).await.last_modified();
    shop.json(
        Method::PUT,
        &path,
        &[("if-unmodified-since", "Sun, 06 Nov 1994 08:49:37 GMT")],
        &order(),
    )
    .await
    .assert_problem(StatusCode::PRECONDITION_FAILED);
    shop.json(
        Method::PUT,
        &path,
        &[("if-unmodified-since", &last_modified)],
        &order(),
    )
    .await
    .assert_status(StatusCode::OK);
}

async fn patch_applies_a_merge_patch(db: TestDb) {
    let shop = Shop::start(&db);
    let (path, etag) = create(&shop).await;
    let patch = json!({"note": null, "items": [{"sku": "apple", "qty": 5}]});

    shop.merge_patch(&path, &[], &patch)
        .await
        .assert_problem(StatusCode::PRECONDITION_REQUIRED);
    shop.merge_patch(&path, &[("if-match", "\"stale\"")], &patch)
        .await
        .assert_problem(StatusCode::PRECONDITION_FAILED);
    let wrong_type = shop
        .json(Method::PATCH, &path, &[("if-match", &etag)], &patch)
        .await;
    wrong_type.assert_problem(StatusCode::UNSUPPORTED_MEDIA_TYPE);
    assert_eq!(
        wrong_type.header("accept-patch"),
        Some("application/merge-patch+json")
    );

    let patched = shop
        .merge_patch(&path, &[("if-match", &etag)], &patch)
        .await;
    patched.assert_status(StatusCode::OK);
    assert_eq!(
        patched.json(),
        json!({"customer": "ada", "items": [{"sku": "apple", "qty": 5}]})
    );
    assert_ne!(patched.etag(), etag);
    assert_eq!(shop.get(&path, &[]).await.etag(), patched.etag());

    // A patch that leaves an invalid order is refused, and changes nothing.
    let current = patched.etag();
    for invalid in [
        json!({"customer": null}),
        json!({"items": [{"sku": "a", "qty": 0}]}),
    ] {
        shop.merge_patch(&path, &[("if-match", &current)], &invalid)
            .await
            .assert_problem(StatusCode::UNPROCESSABLE_ENTITY);
    }
    assert_eq!(shop.get(&path, &[]).await.etag(), current);
}

async fn patch_and_delete_of_a_missing_order_are_404_whatever_the_preconditions(db: TestDb) {
    let shop = Shop::start(&db);
    for headers in [
        vec![],
        vec![("if-match", "*")],
        vec![("if-match", "\"abc\"")],
        vec![("if-none-match", "*")],
    ] {
        shop.merge_patch("/orders/nope", &headers, &json!({"note": "x"}))
            .await
            .assert_problem(StatusCode::NOT_FOUND);
        shop.send(Method::DELETE, "/orders/nope", &headers, None)
            .await
            .assert_problem(StatusCode::NOT_FOUND);
        shop.get("/orders/nope", &headers)
            .await
            .assert_problem(StatusCode::NOT_FOUND);
    }
}

async fn delete_needs_a_current_precondition(db: TestDb) {
    let shop = Shop::start(&db);
    let (path, etag) = create(&shop).await;
    shop.send(Method::DELETE, &path, &[], None)
        .await
        .assert_problem(StatusCode::PRECONDITION_REQUIRED);
    shop.send(Method::DELETE, &path, &[("if-match", "\"stale\"")], None)
        .await
        .assert_problem(StatusCode::PRECONDITION_FAILED);
    let deleted = shop
        .send(Method::DELETE, &path, &[("if-match", &etag)], None)
        .await;
    deleted.assert_status(StatusCode::NO_CONTENT);
    assert!(deleted.body.is_empty());
    shop.get(&path, &[])
        .await
        .assert_problem(StatusCode::NOT_FOUND);
}

async fn the_list_tag_changes_whenever_any_order_changes(db: TestDb) {
    let shop = Shop::start(&db);
    let empty = shop.get("/orders", &[]).await;
    empty.assert_status(StatusCode::OK);
    assert_eq!(empty.json(), json!([]));
    let mut seen = vec![empty.etag()];

    let (path, etag) = create(&shop).await;
    let listed = shop.get("/orders", &[]).await;
    let id = path.trim_start_matches("/orders/");
    assert_eq!(listed.json()[0]["id"], id);
    assert_eq!(listed.json()[0]["customer"], "ada");
    seen.push(listed.etag());
    shop.get("/orders", &[("if-none-match", &listed.etag())])
        .await
        .assert_not_modified(&listed.etag());

    let patched = shop
        .merge_patch(&path, &[("if-match", &etag)], &json!({"note": "changed"}))
        .await;
    patched.assert_status(StatusCode::OK);
    let after_patch = shop
        .get("/orders", &[("if-none-match", &listed.etag())])
        .await;
    after_patch.assert_status(StatusCode::OK);
    seen.push(after_patch.etag());

    // Delete it and create an identical order under another id: still a different listing.
    shop.send(
        Method::DELETE,
        &path,
        &[("if-match", &patched.etag())],
        None,
    )
    .await
    .assert_status(StatusCode::NO_CONTENT);
    seen.push(shop.get("/orders", &[]).await.etag());
    let (_, _) = create(&shop).await;
    seen.push(shop.get("/orders", &[]).await.etag());
    assert_ne!(seen[1], seen[4], "same content, different id");

    for pair in seen.windows(2) {
        assert_ne!(pair[0], pair[1], "every change moves the tag: {seen:?}");
    }
    // The tag is the collection's revision, not a hash of its entries: an empty collection
    // after a create and a delete is a later revision than the first empty one, and costs a
    // client a 200 where a content hash would have given a 304 (never the other way round).
    assert_ne!(seen[0], seen[3], "every write moves the revision");
}

on_both_backends!(
    post_creates_with_location_etag_and_last_modified,
    tag_comes_from_the_fields_not_the_id,
    conditional_get_answers_304,
    put_replaces_only_with_a_current_precondition,
    put_to_a_missing_order_creates_only_with_if_none_match_star,
    if_unmodified_since_guards_orders,
    patch_applies_a_merge_patch,
    patch_and_delete_of_a_missing_order_are_404_whatever_the_preconditions,
    delete_needs_a_current_precondition,
    the_list_tag_changes_whenever_any_order_changes,
);
