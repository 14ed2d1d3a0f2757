//! A storm of writes to one resource: prompt answers, a bounded number of server threads, and
//! other resources still served.
//!
//! Two hundred concurrent `If-Match: *` PUTs to one product. Before, each product write that
//! landed in the same second as the previous one slept on a database thread until the next
//! second: one write per second, the blocking pool growing by a thread per waiting writer, and
//! unrelated reads stalling behind them. Now writes are dated by the clock and never sleep on a
//! database thread, and a process's SQLite writers take turns as tasks, not as threads.
//!
//! Timing bounds here are generous and relative to a baseline measured in the same run (a loaded
//! machine only makes the test slower, never wrong); the thread count is the sharp assertion.

mod support;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use http::{Method, StatusCode};
use serde_json::json;
use support::{Shop, TestDb, on_both_backends};

/// Concurrent writers in the storm.
const WRITERS: usize = 200;

/// More threads than this in the shop during the storm means writers are holding threads while
/// they wait. (An idle shop has its tokio workers, a few blocking threads and the log thread.)
const MAX_THREADS: usize = 48;

/// The threads of process `pid`, from `/proc` (Linux); `None` elsewhere.
fn threads_of(pid: u32) -> Option<usize> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status
        .lines()
        .find_map(|line| line.strip_prefix("Threads:"))
        .and_then(|count| count.trim().parse().ok())
}

async fn timed_get(shop: &Shop, path: &str) -> Duration {
    let started = Instant::now();
    shop.get(path, &[]).await.assert_status(StatusCode::OK);
    started.elapsed()
}

async fn a_write_storm_on_one_product_gets_prompt_answers_and_stalls_nothing_else(db: TestDb) {
    let shop = Arc::new(Shop::start(&db));
    for sku in ["apple", "pear"] {
        shop.json(
            Method::PUT,
            &format!("/products/{sku}"),
            &[("if-none-match", "*")],
            &json!({"name": sku, "price": 1.0, "stock": 1}),
        )
        .await
        .assert_status(StatusCode::CREATED);
    }
    let mut baseline = Duration::ZERO;
    for _ in 0..5 {
        baseline = baseline.max(timed_get(&shop, "/products/pear").await);
    }

    let storming = Arc::new(AtomicBool::new(true));
    let most_threads = Arc::new(AtomicUsize::new(0));
    let sampler = {
        let (storming, most_threads, pid) = (storming.clone(), most_threads.clone(), shop.pid());
        std::thread::spawn(move || {
            while storming.load(Ordering::SeqCst) {
                if let Some(threads) = threads_of(pid) {
                    most_threads.fetch_max(threads, Ordering::SeqCst);
                }
                std::thread::sleep(Duration::from_millis(5));
            }
        })
    };

    let started = Instant::now();
    let writers: Vec<_> = (0..WRITERS)
        .map(|stock| {
            let shop = shop.clone();
            tokio::spawn(async move {
                let body = json!({"name": "apple", "price": 1.0, "stock": stock});
                let reply = shop
                    .json(Method::PUT, "/products/apple", &[("if-match", "*")], &body)
                    .await;
                (reply.status, started.elapsed())
            })
        })
        .collect();
    // Let the storm build up, then read another product in the middle of it.
    tokio::time::sleep(Duration::from_millis(50)).await;
    let during = timed_get(&shop, "/products/pear").await;

    let mut ok = 0;
    let mut slowest = Duration::ZERO;
    for writer in writers {
        let (status, took) = writer.await.expect("the writer task ran");
        assert!(
            status == StatusCode::OK || status == StatusCode::SERVICE_UNAVAILABLE,
            "an If-Match: * write is written or refused as busy, got {status}"
        );
        ok += usize::from(status == StatusCode::OK);
        slowest = slowest.max(took);
    }
    storming.store(false, Ordering::SeqCst);
    sampler.join().expect("the sampler ran");

    let threads = most_threads.load(Ordering::SeqCst);
    eprintln!(
        "storm: {ok}/{WRITERS} written, slowest answer {slowest:?}, GET during it {during:?} \
         (baseline {baseline:?}), at most {threads} threads"
    );
    assert!(ok > 0, "writes to a contended product still go through");
    // Written one after the other, not one per second: most of them go through.
    assert!(ok >= WRITERS / 2, "only {ok} of {WRITERS} written");
    // The store refuses a write that found no turn within two seconds, so every answer comes
    // soon after; ten seconds leaves room for a slow machine.
    assert!(
        slowest < Duration::from_secs(10),
        "slowest answer {slowest:?}"
    );
    assert!(
        during < baseline * 50 + Duration::from_secs(1),
        "a GET of another product took {during:?} during the storm (baseline {baseline:?})"
    );
    if cfg!(target_os = "linux") {
        assert!(
            threads <= MAX_THREADS,
            "{threads} threads in the shop during the storm: writers hold threads while waiting"
        );
    }
}

on_both_backends!(a_write_storm_on_one_product_gets_prompt_answers_and_stalls_nothing_else);
