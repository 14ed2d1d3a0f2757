//! Several server processes on one database: no lost updates, every conflict a 412, no 5xx, a
//! clean shutdown, and data that survives a restart. On SQLite two processes share a file; on
//! PostgreSQL four share a database, as several hosts behind a load balancer would.

mod support;

use std::process::Command;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use http::{Method, StatusCode};
use serde_json::{Value, json};
use support::{DbArg, Shop, TestDb, on_both_backends};
use tokio::sync::Barrier;

/// A bound on attempts per write, so a livelock fails the test instead of hanging it.
const MAX_ATTEMPTS: usize = 2_000;

/// How hard a race is run: how many processes, and how many concurrent conflicting writers
/// each making how many writes.
#[derive(Clone, Copy)]
struct Race {
    shops: usize,
    clients: usize,
    writes_per_client: usize,
}

impl Race {
    /// Two processes on one SQLite file; four on one PostgreSQL database with 64 writers.
    fn on(db: &TestDb) -> Self {
        match db {
            TestDb::Sqlite { .. } => Self {
                shops: 2,
                clients: 16,
                writes_per_client: 5,
            },
            TestDb::Postgres(_) => Self {
                shops: 4,
                clients: 64,
                writes_per_client: 1,
            },
        }
    }

    /// The successful writes the race makes.
    fn writes(self) -> usize {
        self.clients * self.writes_per_client
    }
}

/// `count` shop processes started at the same moment on one fresh database, so they also race
/// to create and migrate it.
fn shops(db: &TestDb, count: usize) -> Arc<Vec<Shop>> {
    std::thread::scope(|scope| {
        let starting: Vec<_> = (0..count)
            .map(|_| scope.spawn(|| Shop::start(db)))
            .collect();
        let shops = starting
            .into_iter()
            .map(|shop| shop.join().expect("a shop starts"))
            .collect();
        Arc::new(shops)
    })
}

#[derive(Default)]
struct Tally {
    written: AtomicUsize,
    conflicts: AtomicUsize,
}

/// Read → append one item → PUT with If-Match, through alternating servers, until the write
/// wins. Any status other than 200 or 412 (a 5xx above all) fails the test.
async fn append(shops: &[Shop], path: &str, item: Value, client: usize, tally: &Tally) {
    for attempt in 0..MAX_ATTEMPTS {
        let shop = &shops[(client + attempt) % shops.len()];
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
async fn no_lost_updates(shops: Arc<Vec<Shop>>, path: String, race: Race) -> Value {
    let tally = Arc::new(Tally::default());
    let start = Arc::new(Barrier::new(race.clients));
    let mut clients = Vec::new();
    for client in 0..race.clients {
        let (shops, path, tally, start) = (
            Arc::clone(&shops),
            path.clone(),
            Arc::clone(&tally),
            Arc::clone(&start),
        );
        clients.push(tokio::spawn(async move {
            start.wait().await;
            for write in 0..race.writes_per_client {
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
    assert_eq!(written, race.writes());

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
    // Every server sees the same final state.
    for shop in shops.iter() {
        assert_eq!(shop.get(&path, &[]).await.etag(), last.etag());
    }
    state
}

async fn no_lost_updates_on_a_cart_through_several_processes(db: TestDb) {
    let race = Race::on(&db);
    let shops = shops(&db, race.shops);
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
    no_lost_updates(Arc::clone(&shops), path.clone(), race).await;
    // One version per successful write, after the create's version 1.
    let version = format!("\"{}\"", 1 + race.writes());
    assert_eq!(shops[1].get(&path, &[]).await.etag(), version);
}

async fn no_lost_updates_on_an_order_through_several_processes(db: TestDb) {
    let race = Race::on(&db);
    let shops = shops(&db, race.shops);
    let created = shops[1]
        .json(
            Method::PUT,
            "/orders/shared",
            &[("if-none-match", "*")],
            &json!({"customer": "ada", "items": []}),
        )
        .await;
    created.assert_status(StatusCode::CREATED);
    let state = no_lost_updates(shops, "/orders/shared".to_owned(), race).await;
    assert_eq!(state["customer"], "ada");
}

async fn shuts_down_on_sigterm_and_keeps_its_data(db: TestDb) {
    // Configured through the environment alone.
    let mut command = Command::new(env!("CARGO_BIN_EXE_shop"));
    command
        .env("SHOP_ADDR", "127.0.0.1:0")
        .env("SHOP_DB", db.db_arg());
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
    if let Some(path) = db.sqlite_path() {
        assert!(path.exists(), "the database file is where SHOP_DB says");
    }

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

on_both_backends!(
    multi_thread: no_lost_updates_on_a_cart_through_several_processes,
    no_lost_updates_on_an_order_through_several_processes,
    shuts_down_on_sigterm_and_keeps_its_data,
);
