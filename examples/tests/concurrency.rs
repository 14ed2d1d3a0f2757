//! Several server processes on one database file: no lost updates, every conflict a 412, a clean
//! shutdown, and data that survives a restart.

mod support;

use std::process::Command;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use http::{Method, StatusCode};
use serde_json::{Value, json};
use support::{Shop, temp_db};
use tokio::sync::Barrier;

const CLIENTS: usize = 16;
const WRITES_PER_CLIENT: usize = 5;
/// A bound on attempts per write, so a livelock fails the test instead of hanging it.
const MAX_ATTEMPTS: usize = 2_000;

/// Two shop processes started at the same moment on one fresh database file, so they also race
/// to create and migrate it.
fn two_shops() -> (tempfile::TempDir, Arc<[Shop; 2]>) {
    let (dir, db) = temp_db();
    let other_db = db.clone();
    let first = std::thread::spawn(move || Shop::start(&db));
    let second = Shop::start(&other_db);
    let first = first.join().expect("the first shop starts");
    (dir, Arc::new([first, second]))
}

#[derive(Default)]
struct Tally {
    written: AtomicUsize,
    conflicts: AtomicUsize,
}

/// Read → append one item → PUT with If-Match, through alternating servers, until the write
/// wins. Any status other than 200 or 412 fails the test.
async fn append(shops: &[Shop; 2], path: &str, item: Value, client: usize, tally: &Tally) {
    for attempt in 0..MAX_ATTEMPTS {
        let shop = &shops[(client + attempt) % 2];
        let current = shop.get(path, &[]).await;
        current.assert_status(StatusCode::OK);
        let mut body = current.json();
        body["items"]
            .as_array_mut()
            .expect("an items array")
            .push(item.clone());
        let reply = shop
            .json(Method::PUT, path, &[("if-match", &current.etag())], &body)
            .await;
        match reply.status {
            StatusCode::OK => {
                tally.written.fetch_add(1, Ordering::Relaxed);
                return;
            }
            StatusCode::PRECONDITION_FAILED => {
                reply.assert_problem(StatusCode::PRECONDITION_FAILED);
                tally.conflicts.fetch_add(1, Ordering::Relaxed);
            }
            other => panic!(
                "a write answered {other}: {}",
                String::from_utf8_lossy(&reply.body)
            ),
        }
    }
    panic!("client {client} made no progress in {MAX_ATTEMPTS} attempts");
}

/// Runs the read-modify-write workload against `path` and checks that every write landed.
async fn no_lost_updates(shops: Arc<[Shop; 2]>, path: String) -> Value {
    let tally = Arc::new(Tally::default());
    let start = Arc::new(Barrier::new(CLIENTS));
    let mut clients = Vec::new();
    for client in 0..CLIENTS {
        let (shops, path, tally, start) = (
            Arc::clone(&shops),
            path.clone(),
            Arc::clone(&tally),
            Arc::clone(&start),
        );
        clients.push(tokio::spawn(async move {
            start.wait().await;
            for write in 0..WRITES_PER_CLIENT {
                let item = json!({"sku": format!("c{client}-w{write}"), "qty": 1});
                append(&shops, &path, item, client, &tally).await;
            }
        }));
    }
    for client in clients {
        client.await.expect("a client task completes");
    }

    let written = tally.written.load(Ordering::Relaxed);
    let conflicts = tally.conflicts.load(Ordering::Relaxed);
    eprintln!("{written} writes, {conflicts} conflicts answered 412");
    assert_eq!(written, CLIENTS * WRITES_PER_CLIENT);

    let last = shops[0].get(&path, &[]).await;
    let state = last.json();
    let mut skus: Vec<String> = state["items"]
        .as_array()
        .expect("an items array")
        .iter()
        .map(|item| item["sku"].as_str().expect("a sku").to_owned())
        .collect();
    assert_eq!(
        skus.len(),
        written,
        "every successful write is in the final state"
    );
    skus.sort();
    skus.dedup();
    assert_eq!(skus.len(), written, "and each exactly once");
    // Both servers see the same final state.
    assert_eq!(shops[1].get(&path, &[]).await.etag(), last.etag());
    state
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_lost_updates_on_a_cart_through_two_processes() {
    let (_dir, shops) = two_shops();
    let created = shops[0]
        .json(
            Method::POST,
            "/carts",
            &[],
            &json!({"owner": "ada", "items": []}),
        )
        .await;
    created.assert_status(StatusCode::CREATED);
    let path = created.header("location").expect("a Location").to_owned();
    no_lost_updates(Arc::clone(&shops), path.clone()).await;
    // One version per successful write, after the create's version 1.
    let version = format!("\"{}\"", 1 + CLIENTS * WRITES_PER_CLIENT);
    assert_eq!(shops[1].get(&path, &[]).await.etag(), version);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_lost_updates_on_an_order_through_two_processes() {
    let (_dir, shops) = two_shops();
    let created = shops[1]
        .json(
            Method::PUT,
            "/orders/shared",
            &[("if-none-match", "*")],
            &json!({"customer": "ada", "items": []}),
        )
        .await;
    created.assert_status(StatusCode::CREATED);
    let state = no_lost_updates(shops, "/orders/shared".to_owned()).await;
    assert_eq!(state["customer"], "ada");
}

#[tokio::test]
async fn shuts_down_on_sigterm_and_keeps_its_data() {
    let (_dir, db) = temp_db();
    // Configured through the environment alone.
    let mut command = Command::new(env!("CARGO_BIN_EXE_shop"));
    command.env("SHOP_ADDR", "127.0.0.1:0").env("SHOP_DB", &db);
    let mut shop = Shop::spawn(command);
    let created = shop
        .json(
            Method::POST,
            "/orders",
            &[],
            &json!({"customer": "ada", "items": []}),
        )
        .await;
    created.assert_status(StatusCode::CREATED);
    let path = created.header("location").expect("a Location").to_owned();
    assert!(db.exists(), "the database file is where SHOP_DB says");

    let signalled = Command::new("kill")
        .arg("-TERM")
        .arg(shop.pid().to_string())
        .status()
        .expect("kill runs");
    assert!(signalled.success());
    let status = shop
        .wait_for_exit(Duration::from_secs(10))
        .expect("the shop exits after SIGTERM");
    assert!(status.success(), "a graceful shutdown exits 0: {status}");

    let restarted = Shop::start(&db);
    let fetched = restarted.get(&path, &[]).await;
    fetched.assert_status(StatusCode::OK);
    assert_eq!(fetched.etag(), created.etag());
}
