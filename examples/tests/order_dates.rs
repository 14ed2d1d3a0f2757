//! Date preconditions on orders stay exact even when writes come faster than HTTP dates tick.
//!
//! `Last-Modified` has one-second resolution. Each test starts right after a second begins so
//! that its writes land within one second: that is the case that used to go wrong (a 304 for a
//! state the client had not seen, or a stale `If-Unmodified-Since` that overwrote a newer write).
//! The assertions hold however the writes fall across seconds, so the tests never depend on
//! timing to pass.

mod support;

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use http::{Method, StatusCode};
use serde_json::{Value, json};
use support::{Reply, Shop, temp_db};

fn order(qty: u32) -> Value {
    json!({"customer": "ada", "items": [{"sku": "apple", "qty": qty}]})
}

/// Sleeps until a few milliseconds into the next second, so what follows shares one second.
async fn start_of_a_fresh_second() {
    let since_epoch = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .expect("the clock is after 1970");
    let into_second = Duration::from_nanos(u64::from(since_epoch.subsec_nanos()));
    let margin = Duration::from_millis(5);
    tokio::time::sleep(Duration::from_secs(1) - into_second + margin).await;
}

/// Creates `/orders/{id}` with `If-None-Match: *`.
async fn create(shop: &Shop, id: &str) -> String {
    let path = format!("/orders/{id}");
    shop.json(Method::PUT, &path, &[("if-none-match", "*")], &order(1))
        .await
        .assert_status(StatusCode::CREATED);
    path
}

/// The `Date` and `Last-Modified` of a reply, parsed.
fn dates(reply: &Reply) -> (SystemTime, SystemTime) {
    let parse = |name: &str| {
        let value = reply.header(name).unwrap_or_else(|| panic!("a {name}"));
        httpdate::parse_http_date(value).unwrap_or_else(|_| panic!("an HTTP date: {value}"))
    };
    (parse("date"), parse("last-modified"))
}

#[tokio::test]
async fn if_modified_since_sees_a_write_within_the_same_second() {
    let (_dir, db) = temp_db();
    let shop = Shop::start(&db);
    start_of_a_fresh_second().await;
    let path = create(&shop, "o-1").await;
    let read = shop.get(&path, &[]).await;
    read.assert_status(StatusCode::OK);
    let (etag, seen) = (read.etag(), read.last_modified());

    let written = shop
        .json(Method::PUT, &path, &[("if-match", &etag)], &order(2))
        .await;
    written.assert_status(StatusCode::OK);

    // The client's copy is older than the order now: a full answer, never a 304.
    let revalidated = shop.get(&path, &[("if-modified-since", &seen)]).await;
    revalidated.assert_status(StatusCode::OK);
    assert_eq!(revalidated.json(), order(2));
    assert_eq!(revalidated.etag(), written.etag());
    // The same on HEAD.
    shop.send(Method::HEAD, &path, &[("if-modified-since", &seen)], None)
        .await
        .assert_status(StatusCode::OK);
}

#[tokio::test]
async fn a_stale_if_unmodified_since_loses_to_a_write_within_the_same_second() {
    let (_dir, db) = temp_db();
    let shop = Shop::start(&db);
    start_of_a_fresh_second().await;
    let path = create(&shop, "o-1").await;
    let read = shop.get(&path, &[]).await;
    let (etag, seen) = (read.etag(), read.last_modified());

    // Alice writes first, with the tag.
    shop.json(Method::PUT, &path, &[("if-match", &etag)], &order(2))
        .await
        .assert_status(StatusCode::OK);
    // Bob read the same state and guards with its date: refused, Alice's write stays.
    shop.json(
        Method::PUT,
        &path,
        &[("if-unmodified-since", &seen)],
        &order(3),
    )
    .await
    .assert_problem(StatusCode::PRECONDITION_FAILED);
    shop.merge_patch(
        &path,
        &[("if-unmodified-since", &seen)],
        &json!({"note": "x"}),
    )
    .await
    .assert_problem(StatusCode::PRECONDITION_FAILED);
    shop.send(
        Method::DELETE,
        &path,
        &[("if-unmodified-since", &seen)],
        None,
    )
    .await
    .assert_problem(StatusCode::PRECONDITION_FAILED);
    assert_eq!(shop.get(&path, &[]).await.json(), order(2));
}

#[tokio::test]
async fn every_write_in_a_burst_moves_the_date_on() {
    let (_dir, db) = temp_db();
    let shop = Shop::start(&db);
    start_of_a_fresh_second().await;
    let path = create(&shop, "o-1").await;
    let mut current = shop.get(&path, &[]).await;
    for qty in 2..8 {
        let seen = current.last_modified();
        let written = shop
            .json(
                Method::PUT,
                &path,
                &[("if-match", &current.etag())],
                &order(qty),
            )
            .await;
        written.assert_status(StatusCode::OK);
        // Never a Last-Modified later than the response itself (RFC 9110 §8.8.2.1).
        let (date, last_modified) = dates(&written);
        assert!(last_modified <= date, "{written:?}");

        shop.get(&path, &[("if-modified-since", &seen)])
            .await
            .assert_status(StatusCode::OK);
        shop.json(
            Method::PUT,
            &path,
            &[("if-unmodified-since", &seen)],
            &order(99),
        )
        .await
        .assert_problem(StatusCode::PRECONDITION_FAILED);
        current = shop.get(&path, &[]).await;
        assert_eq!(current.json(), order(qty));
        let (date, last_modified) = dates(&current);
        assert!(last_modified <= date, "{current:?}");
    }
}

#[tokio::test]
async fn the_current_date_still_answers_304_once_the_clock_has_caught_up() {
    let (_dir, db) = temp_db();
    let shop = Shop::start(&db);
    start_of_a_fresh_second().await;
    let path = create(&shop, "o-1").await;
    let etag = shop.get(&path, &[]).await.etag();
    let written = shop
        .json(Method::PUT, &path, &[("if-match", &etag)], &order(2))
        .await;
    written.assert_status(StatusCode::OK);

    // Two writes in one second: the second is dated a second on. Once that second has come, its
    // Last-Modified is exact again: it revalidates with a 304 and guards a write.
    start_of_a_fresh_second().await;
    let current = shop.get(&path, &[]).await;
    let last_modified = current.last_modified();
    shop.get(&path, &[("if-modified-since", &last_modified)])
        .await
        .assert_not_modified(&written.etag());
    shop.json(
        Method::PUT,
        &path,
        &[("if-unmodified-since", &last_modified)],
        &order(3),
    )
    .await
    .assert_status(StatusCode::OK);
}

#[tokio::test]
async fn a_re_created_order_is_newer_than_the_deleted_one() {
    let (_dir, db) = temp_db();
    let shop = Shop::start(&db);
    start_of_a_fresh_second().await;
    let path = create(&shop, "o-1").await;
    let read = shop.get(&path, &[]).await;
    let (etag, seen) = (read.etag(), read.last_modified());
    shop.send(Method::DELETE, &path, &[("if-match", &etag)], None)
        .await
        .assert_status(StatusCode::NO_CONTENT);
    shop.json(Method::PUT, &path, &[("if-none-match", "*")], &order(5))
        .await
        .assert_status(StatusCode::CREATED);

    // A client holding the deleted order's date must not mistake the new one for it.
    shop.get(&path, &[("if-modified-since", &seen)])
        .await
        .assert_status(StatusCode::OK);
    shop.json(
        Method::PUT,
        &path,
        &[("if-unmodified-since", &seen)],
        &order(9),
    )
    .await
    .assert_problem(StatusCode::PRECONDITION_FAILED);
    assert_eq!(shop.get(&path, &[]).await.json(), order(5));
}
