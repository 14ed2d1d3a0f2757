//! Many clients doing read → modify → PUT with `If-Match` on one resource, concurrently: every
//! write lands exactly once (no lost update) and every conflict is a 412, never a 5xx.

mod support;

use std::collections::HashSet;
use std::sync::Arc;

use http::StatusCode;
use support::app::{Shop, router};
use support::client::{get, put};
use tokio::sync::Barrier;

const CLIENTS: usize = 12;
const WRITES_PER_CLIENT: usize = 8;
/// A client that keeps losing gives up after this many tries; reaching it fails the test.
const MAX_TRIES_PER_WRITE: usize = 1_000;

/// One client: for each of its writes, read the order, append an item, and write it back under
/// `If-Match`; on 412 read again and retry. Returns how many 412s it met.
///
/// Every client reads the first state before any of them writes (`all_have_read`), so the first
/// round is a guaranteed race: one write wins, and every other client must get a 412.
async fn client(
    app: axum::Router,
    uri: &'static str,
    client: usize,
    all_have_read: Arc<Barrier>,
) -> usize {
    let mut conflicts = 0;
    for write in 0..WRITES_PER_CLIENT {
        let mut tries = 0;
        loop {
            tries += 1;
            assert!(tries <= MAX_TRIES_PER_WRITE, "client {client} starved");
            let current = get(&app, uri, &[]).await;
            assert_eq!(current.status, StatusCode::OK);
            let etag = current
                .header("etag")
                .expect("GET sends an ETag")
                .to_owned();
            let mut items: Vec<String> =
                serde_json::from_value(current.json()["items"].clone()).expect("items");
            items.push(format!("client {client} write {write}"));
            if write == 0 && tries == 1 {
                all_have_read.wait().await;
            }
            // Give the other clients a chance to write in between: the race we guard against.
            tokio::task::yield_now().await;
            let body = serde_json::json!({ "items": items }).to_string();
            let reply = put(&app, uri, &[("if-match", &etag)], &body).await;
            match reply.status {
                StatusCode::OK => break,
                StatusCode::PRECONDITION_FAILED => {
                    assert_eq!(reply.json()["header"], "If-Match");
                    conflicts += 1;
                }
                other => panic!("a conflicting write must be a 412, got {other}"),
            }
        }
    }
    conflicts
}

async fn no_lost_updates(uri: &'static str) {
    let app = router(Shop::with_order(1, 0));
    let all_have_read = Arc::new(Barrier::new(CLIENTS));
    let tasks: Vec<_> = (0..CLIENTS)
        .map(|id| tokio::spawn(client(app.clone(), uri, id, Arc::clone(&all_have_read))))
        .collect();
    let mut conflicts = 0;
    for task in tasks {
        conflicts += task.await.expect("a client task panicked");
    }

    let last = get(&app, uri, &[]).await;
    let writes = CLIENTS * WRITES_PER_CLIENT;
    assert_eq!(last.header("etag"), Some(format!("\"{writes}\"").as_str()));
    let items: Vec<String> = serde_json::from_value(last.json()["items"].clone()).expect("items");
    let distinct: HashSet<&String> = items.iter().collect();
    assert_eq!(items.len(), 1 + writes, "every write landed exactly once");
    assert_eq!(distinct.len(), items.len(), "no write landed twice");
    for client in 0..CLIENTS {
        for write in 0..WRITES_PER_CLIENT {
            assert!(distinct.contains(&format!("client {client} write {write}")));
        }
    }
    // Each 412 was a write that would have been lost without the check. The first round alone
    // has one winner and `CLIENTS - 1` losers, so a run without them tested no race at all.
    assert!(
        conflicts >= CLIENTS - 1,
        "{uri}: only {conflicts} conflicts; the clients never raced"
    );
    println!("{uri}: {writes} writes, {conflicts} conflicts answered with 412");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_writers_lose_nothing_with_the_attribute() {
    no_lost_updates("/orders/1").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_writers_lose_nothing_with_the_plain_extractors() {
    no_lost_updates("/plain/orders/1").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_writers_lose_nothing_with_a_precheck() {
    no_lost_updates("/prechecked/orders/1").await;
}
