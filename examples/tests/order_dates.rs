//! Date preconditions on orders, at the one-second resolution of HTTP dates (RFC 9110 §5.6.7).
//!
//! Each test starts right after a second begins, so that writes it makes without waiting land in
//! one second: the case where dates could mislead. The assertions hold however the writes fall
//! across seconds, so the tests never depend on timing to pass.

mod support;

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use http::{Method, StatusCode};
use serde_json::{Value, json};
use support::{Reply, Shop, TestDb, on_both_backends};

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

async fn a_client_holding_the_current_date_can_write_with_it_again_and_again(db: TestDb) {
    let shop = Shop::start(&db);
    start_of_a_fresh_second().await;
    let path = create(&shop, "o-1").await;
    let mut last = shop.get(&path, &[]).await;
    for qty in 2..5 {
        let written = shop
            .json(
                Method::PUT,
                &path,
                &[("if-unmodified-since", &last.last_modified())],
                &order(qty),
            )
            .await;
        written.assert_status(StatusCode::OK);
        let (date, last_modified) = dates(&written);
        assert!(last_modified <= date, "never a future date: {written:?}");
        last = written;
    }
    // A write guarded by a tag, then one guarded by the date that write returned.
    let tagged = shop
        .json(Method::PUT, &path, &[("if-match", &last.etag())], &order(7))
        .await;
    tagged.assert_status(StatusCode::OK);
    shop.json(
        Method::PUT,
        &path,
        &[("if-unmodified-since", &tagged.last_modified())],
        &order(8),
    )
    .await
    .assert_status(StatusCode::OK);
    assert_eq!(shop.get(&path, &[]).await.json(), order(8));
}

async fn two_clients_guarding_with_the_same_date_cannot_both_write(db: TestDb) {
    let shop = Shop::start(&db);
    start_of_a_fresh_second().await;
    let path = create(&shop, "o-1").await;
    let seen = shop.get(&path, &[]).await.last_modified();

    // Alice writes first: her write lands in a later second than the state both clients read.
    let alice = shop
        .json(
            Method::PUT,
            &path,
            &[("if-unmodified-since", &seen)],
            &order(2),
        )
        .await;
    alice.assert_status(StatusCode::OK);
    assert_ne!(alice.last_modified(), seen);
    // Bob read the same state and guards with the same date: refused, Alice's write stays.
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

async fn last_modified_is_never_later_than_the_response(db: TestDb) {
    let shop = Shop::start(&db);
    start_of_a_fresh_second().await;
    let path = create(&shop, "o-1").await;
    let mut current = shop.get(&path, &[]).await;
    for qty in 2..8 {
        let written = shop
            .json(
                Method::PUT,
                &path,
                &[("if-match", &current.etag())],
                &order(qty),
            )
            .await;
        written.assert_status(StatusCode::OK);
        let (date, last_modified) = dates(&written);
        assert!(last_modified <= date, "RFC 9110 §8.8.2.1: {written:?}");
        current = shop.get(&path, &[]).await;
        let (date, last_modified) = dates(&current);
        assert!(last_modified <= date, "RFC 9110 §8.8.2.1: {current:?}");
    }
}

async fn if_modified_since_compares_whole_seconds(db: TestDb) {
    let shop = Shop::start(&db);
    start_of_a_fresh_second().await;
    let path = create(&shop, "o-1").await;
    let read = shop.get(&path, &[]).await;
    let (etag, seen) = (read.etag(), read.last_modified());
    shop.get(&path, &[("if-modified-since", &seen)])
        .await
        .assert_not_modified(&etag);

    // A change in a later second is seen by the old date; the new date revalidates.
    start_of_a_fresh_second().await;
    let written = shop
        .json(Method::PUT, &path, &[("if-match", &etag)], &order(2))
        .await;
    written.assert_status(StatusCode::OK);
    let changed = shop.get(&path, &[("if-modified-since", &seen)]).await;
    changed.assert_status(StatusCode::OK);
    assert_eq!(changed.json(), order(2));
    shop.send(Method::HEAD, &path, &[("if-modified-since", &seen)], None)
        .await
        .assert_status(StatusCode::OK);
    shop.get(&path, &[("if-modified-since", &written.last_modified())])
        .await
        .assert_not_modified(&written.etag());
}

async fn a_re_created_order_is_never_dated_before_the_deleted_one(db: TestDb) {
    let shop = Shop::start(&db);
    let path = create(&shop, "o-1").await;
    let read = shop.get(&path, &[]).await;
    let (etag, seen) = (read.etag(), read.last_modified());
    shop.send(Method::DELETE, &path, &[("if-match", &etag)], None)
        .await
        .assert_status(StatusCode::NO_CONTENT);
    let re_created = shop
        .json(Method::PUT, &path, &[("if-none-match", "*")], &order(5))
        .await;
    re_created.assert_status(StatusCode::CREATED);
    let parse = |text: &str| httpdate::parse_http_date(text).expect("an HTTP date");
    assert!(parse(&re_created.last_modified()) >= parse(&seen));
    assert_ne!(re_created.etag(), etag);
}

on_both_backends!(
    a_client_holding_the_current_date_can_write_with_it_again_and_again,
    two_clients_guarding_with_the_same_date_cannot_both_write,
    last_modified_is_never_later_than_the_response,
    if_modified_since_compares_whole_seconds,
    a_re_created_order_is_never_dated_before_the_deleted_one,
);
