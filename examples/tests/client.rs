//! `etag_core::client` against the real shop (one and two processes on one SQLite file), and
//! against tiny scripted servers for the answers the shop never gives on its own (428 to a write,
//! 503, 412 forever, a missing or malformed `ETag`).

mod support;

use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime};

use axum::Router;
use axum::body::Bytes;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use etag_core::EntityTag;
use etag_core::client::{ClientError, ConditionalClient, RetryPolicy, Snapshot, reqwest};
use etag_examples::model::{CartBody, LineItem};
use http::{HeaderMap, StatusCode};
use serde_json::{Value, json};
use support::{Shop, temp_db};

const TASKS: usize = 16;
const INCREMENTS_PER_TASK: u32 = 10;

fn http() -> reqwest::Client {
    // Loopback only: never route the tests through a proxy from the environment.
    reqwest::Client::builder()
        .no_proxy()
        .timeout(Duration::from_secs(60))
        .build()
        .expect("a reqwest client")
}

/// A client for contended loops: enough attempts that 16 writers all get through, short delays.
fn contended_client() -> ConditionalClient {
    ConditionalClient::new(http()).with_retry(
        RetryPolicy::default()
            .with_max_attempts(1_000)
            .with_delays(Duration::from_millis(1), Duration::from_millis(50)),
    )
}

fn fast_client(max_attempts: u32) -> ConditionalClient {
    ConditionalClient::new(http()).with_retry(
        RetryPolicy::default()
            .with_max_attempts(max_attempts)
            .with_delays(Duration::from_millis(1), Duration::from_millis(5)),
    )
}

fn apple_cart(qty: u32) -> CartBody {
    CartBody {
        owner: "ada".to_owned(),
        items: vec![LineItem {
            sku: "apple".to_owned(),
            qty,
        }],
    }
}

fn add_apple(mut cart: CartBody) -> Result<CartBody, String> {
    let apple = cart
        .items
        .iter_mut()
        .find(|item| item.sku == "apple")
        .ok_or("no apple in the cart")?;
    apple.qty += 1;
    Ok(cart)
}

/// `TASKS` tasks each increment the apples in `urls[task % len]` (one cart, through one or more
/// servers) `INCREMENTS_PER_TASK` times through the update loop; returns the attempts used.
async fn increment_concurrently(urls: Vec<String>) -> u32 {
    let client = contended_client();
    let start = Arc::new(tokio::sync::Barrier::new(TASKS));
    let mut tasks = Vec::new();
    for task in 0..TASKS {
        let (client, start) = (client.clone(), Arc::clone(&start));
        let url = urls[task % urls.len()].clone();
        tasks.push(tokio::spawn(async move {
            start.wait().await;
            let mut attempts = 0;
            for _ in 0..INCREMENTS_PER_TASK {
                let written = client
                    .update::<CartBody>(url.as_str())
                    .apply(add_apple)
                    .await
                    .unwrap_or_else(|error| panic!("task {task}: {error}"));
                assert_eq!(written.status, StatusCode::OK);
                attempts += written.attempts;
            }
            attempts
        }));
    }
    let mut attempts = 0;
    for task in tasks {
        attempts += task.await.expect("a client task completes");
    }
    attempts
}

/// Creates the cart through the helper and checks the final state after the increments.
async fn no_lost_increments(shops: &[Shop]) {
    let urls: Vec<String> = shops
        .iter()
        .map(|shop| format!("http://{}/carts/shared", shop.addr))
        .collect();
    let created = contended_client()
        .create::<_, CartBody>(urls[0].as_str(), &apple_cart(1))
        .await
        .expect("the cart is created");
    assert_eq!(created.status, StatusCode::CREATED);
    assert_eq!(created.etag, Some(EntityTag::from_version(1u64)));

    let attempts = increment_concurrently(urls.clone()).await;
    let writes = TASKS as u32 * INCREMENTS_PER_TASK;
    eprintln!("{writes} increments took {attempts} attempts");
    assert!(attempts >= writes);

    for url in &urls {
        let last = contended_client()
            .get::<CartBody>(url.as_str())
            .await
            .expect("the cart reads");
        assert_eq!(
            last.value,
            apple_cart(1 + writes),
            "every increment landed once"
        );
        assert_eq!(last.etag, EntityTag::from_version(1 + u64::from(writes)));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn many_tasks_incrementing_one_cart_through_one_shop_lose_nothing() {
    let (_dir, db) = temp_db();
    let shop = Shop::start(&db);
    no_lost_increments(std::slice::from_ref(&shop)).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn many_tasks_incrementing_one_cart_through_two_shops_lose_nothing() {
    let (_dir, db) = temp_db();
    let shops = [Shop::start(&db), Shop::start(&db)];
    no_lost_increments(&shops).await;
}

#[tokio::test]
async fn the_example_binary_increments_and_creates_through_the_helper() {
    let (_dir, db) = temp_db();
    let shop = Shop::start(&db);
    let base = format!("http://{}", shop.addr);
    // Two processes race to create the cart and then increment it.
    let runs: Vec<_> = (0..2)
        .map(|_| {
            std::process::Command::new(env!("CARGO_BIN_EXE_shop_client"))
                .args([&base, "raced", "--sku", "pear", "--times", "5"])
                .env_remove("HTTP_PROXY")
                .env_remove("http_proxy")
                .env_remove("ALL_PROXY")
                .env_remove("all_proxy")
                .output()
        })
        .collect();
    for run in runs {
        let run = run.expect("shop_client runs");
        let stdout = String::from_utf8_lossy(&run.stdout);
        assert!(
            run.status.success(),
            "shop_client failed: {stdout}{}",
            String::from_utf8_lossy(&run.stderr)
        );
        assert!(stdout.contains("pear"), "it says what happened: {stdout}");
    }
    let cart = shop.get("/carts/raced", &[]).await;
    cart.assert_status(StatusCode::OK);
    assert_eq!(cart.json()["items"], json!([{"sku": "pear", "qty": 10}]));
}

#[tokio::test]
async fn a_missing_resource_ends_the_loop_as_not_found_without_running_the_change() {
    let (_dir, db) = temp_db();
    let shop = Shop::start(&db);
    let calls = AtomicUsize::new(0);
    let outcome = fast_client(5)
        .update::<CartBody>(format!("http://{}/carts/none", shop.addr))
        .apply(|cart| {
            calls.fetch_add(1, Ordering::Relaxed);
            add_apple(cart)
        })
        .await;
    let Err(ClientError::NotFound { problem }) = outcome else {
        panic!("expected NotFound, got {outcome:?}");
    };
    assert_eq!(problem.and_then(|problem| problem.status), Some(404));
    assert_eq!(calls.load(Ordering::Relaxed), 0);
}

#[tokio::test]
async fn a_write_from_a_deleted_snapshot_rereads_and_ends_as_not_found() {
    let (_dir, db) = temp_db();
    let shop = Shop::start(&db);
    let client = fast_client(5);
    let url = format!("http://{}/carts/gone", shop.addr);
    client
        .create::<_, CartBody>(url.as_str(), &apple_cart(1))
        .await
        .expect("created");
    let held: Snapshot<CartBody> = client.get(url.as_str()).await.expect("read");
    // A stale tag is refused, not deleted over.
    let stale = EntityTag::from_version(99u64);
    let refused = client.delete_if_unchanged(url.as_str(), &stale).await;
    assert!(
        matches!(refused, Err(ClientError::Changed { .. })),
        "{refused:?}"
    );
    let attempts = client
        .delete_if_unchanged(url.as_str(), &held.etag)
        .await
        .expect("deleted with the current tag");
    assert_eq!(attempts, 1);

    // The held tag names a cart that is gone: the PUT's If-Match fails (412), the loop reads
    // again, finds nothing, and stops there.
    let calls = AtomicUsize::new(0);
    let outcome = client
        .update::<CartBody>(url.as_str())
        .starting_from(held)
        .apply(|cart| {
            calls.fetch_add(1, Ordering::Relaxed);
            add_apple(cart)
        })
        .await;
    assert!(
        matches!(outcome, Err(ClientError::NotFound { .. })),
        "{outcome:?}"
    );
    assert_eq!(
        calls.load(Ordering::Relaxed),
        1,
        "only the held value was changed"
    );
}

#[tokio::test]
async fn create_only_reports_an_existing_resource_and_overwrites_nothing() {
    let (_dir, db) = temp_db();
    let shop = Shop::start(&db);
    let client = fast_client(5);
    let url = format!("http://{}/carts/once", shop.addr);
    client
        .create::<_, CartBody>(url.as_str(), &apple_cart(1))
        .await
        .expect("created");
    let second = client
        .create::<_, CartBody>(url.as_str(), &apple_cart(7))
        .await;
    let Err(ClientError::AlreadyExists { problem }) = second else {
        panic!("expected AlreadyExists, got {second:?}");
    };
    assert_eq!(problem.and_then(|problem| problem.status), Some(412));
    let current: Snapshot<CartBody> = client.get(url.as_str()).await.expect("read");
    assert_eq!(current.value, apple_cart(1));
}

#[tokio::test]
async fn a_weak_tag_is_refused_before_any_write() {
    // Every resource of the shop has a strong tag now; a server that sends a weak one.
    fn weak(_: usize, _: &Seen) -> Response {
        ([("etag", "W/\"1\"")], axum::Json(json!({"count": 1}))).into_response()
    }
    fn unreachable_put(_: usize, _: &Seen) -> Response {
        StatusCode::INTERNAL_SERVER_ERROR.into_response()
    }
    let (addr, seen) = scripted(weak, unreachable_put).await;
    let client = fast_client(5);
    let outcome = client
        .update::<Value>(url(addr).as_str())
        .apply(Ok::<_, String>)
        .await;
    let Err(ClientError::WeakETag { tag }) = outcome else {
        panic!("expected WeakETag, got {outcome:?}");
    };
    assert!(tag.is_weak());
    assert_eq!(
        seen.writes(),
        0,
        "no write with a tag If-Match can never match"
    );
}

#[tokio::test]
async fn merge_patch_goes_through_the_same_loop() {
    let (_dir, db) = temp_db();
    let shop = Shop::start(&db);
    let client = fast_client(5);
    let url = format!("http://{}/carts/patched", shop.addr);
    client
        .create::<_, CartBody>(url.as_str(), &apple_cart(1))
        .await
        .expect("created");
    let written = client
        .update::<CartBody>(url.as_str())
        .merge_patch()
        .apply(|cart| Ok::<_, String>(json!({"owner": format!("{} and bob", cart.owner)})))
        .await
        .expect("patched");
    assert_eq!(written.etag, Some(EntityTag::from_version(2u64)));
    let snapshot = written.into_snapshot().expect("a body and a tag");
    assert_eq!(snapshot.value.owner, "ada and bob");
}

// ---- Scripted servers -------------------------------------------------------------------------

/// What a scripted server saw.
#[derive(Default)]
struct Seen {
    gets: AtomicUsize,
    writes: AtomicUsize,
    /// `(If-Match, body)` of each write.
    written: Mutex<Vec<(Option<String>, Value)>>,
}

impl Seen {
    fn gets(&self) -> usize {
        self.gets.load(Ordering::Relaxed)
    }
    fn writes(&self) -> usize {
        self.writes.load(Ordering::Relaxed)
    }
}

type Script = fn(usize, &Seen) -> Response;

/// Serves `/thing` on 127.0.0.1 port 0: GET answers `get(n)` and PUT answers `put(n)`, `n`
/// counting that method's requests from 1.
async fn scripted(get_script: Script, put_script: Script) -> (SocketAddr, Arc<Seen>) {
    let seen = Arc::new(Seen::default());
    let (on_get, on_put) = (Arc::clone(&seen), Arc::clone(&seen));
    let router = Router::new().route(
        "/thing",
        get(move || {
            let seen = Arc::clone(&on_get);
            async move {
                let n = seen.gets.fetch_add(1, Ordering::Relaxed) + 1;
                get_script(n, &seen)
            }
        })
        .put(move |headers: HeaderMap, body: Bytes| {
            let seen = Arc::clone(&on_put);
            async move {
                let n = seen.writes.fetch_add(1, Ordering::Relaxed) + 1;
                let if_match = headers
                    .get("if-match")
                    .map(|value| value.to_str().expect("ASCII").to_owned());
                let body = serde_json::from_slice(&body).expect("a JSON body");
                seen.written
                    .lock()
                    .expect("not poisoned")
                    .push((if_match, body));
                put_script(n, &seen)
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("a port");
    let addr = listener.local_addr().expect("an address");
    tokio::spawn(async move { axum::serve(listener, router).await });
    (addr, seen)
}

fn url(addr: SocketAddr) -> String {
    format!("http://{addr}/thing")
}

/// A counter at version `n`, tagged `"n"`.
fn counter(n: usize) -> Response {
    (
        [("etag", format!("\"{n}\""))],
        axum::Json(json!({"count": n})),
    )
        .into_response()
}

fn ok(_: usize, _: &Seen) -> Response {
    StatusCode::OK.into_response()
}

fn counter_at_n(n: usize, _: &Seen) -> Response {
    counter(n)
}

fn increment(value: Value) -> Result<Value, String> {
    let count = value["count"].as_u64().ok_or("no count")?;
    Ok(json!({"count": count + 1}))
}

fn problem(status: StatusCode) -> Response {
    (
        status,
        [("content-type", "application/problem+json")],
        json!({"type": "about:blank", "title": "t", "status": status.as_u16(), "detail": "d"})
            .to_string(),
    )
        .into_response()
}

#[tokio::test]
async fn a_server_that_always_answers_412_stops_the_loop_at_its_bound() {
    let (addr, seen) = scripted(counter_at_n, |_, _| {
        problem(StatusCode::PRECONDITION_FAILED)
    })
    .await;
    let calls = AtomicUsize::new(0);
    let outcome = fast_client(4)
        .update::<Value>(url(addr))
        .apply(|value| {
            calls.fetch_add(1, Ordering::Relaxed);
            increment(value)
        })
        .await;
    assert!(
        matches!(outcome, Err(ClientError::ConflictExhausted { attempts: 4 })),
        "{outcome:?}"
    );
    assert_eq!(seen.writes(), 4);
    assert_eq!(
        seen.gets(),
        4,
        "one read before each write, none after the last"
    );
    assert_eq!(calls.load(Ordering::Relaxed), 4);
    // Each write carried the tag of the read before it and a body computed from that read,
    // never the stale body again.
    let written = seen.written.lock().expect("not poisoned").clone();
    for (index, (if_match, body)) in written.iter().enumerate() {
        let version = index + 1;
        assert_eq!(if_match.as_deref(), Some(format!("\"{version}\"").as_str()));
        assert_eq!(body, &json!({"count": version + 1}));
    }
}

#[tokio::test]
async fn a_428_ends_the_loop_as_precondition_required() {
    // The server sends no ETag; the caller allowed an unconditional write, and the server
    // insists on a precondition.
    let (addr, seen) = scripted(
        |_, _| axum::Json(json!({"count": 1})).into_response(),
        |_, _| problem(StatusCode::PRECONDITION_REQUIRED),
    )
    .await;
    let outcome = fast_client(5)
        .update::<Value>(url(addr))
        .allow_unconditional()
        .apply(increment)
        .await;
    let Err(ClientError::PreconditionRequired { problem }) = outcome else {
        panic!("expected PreconditionRequired, got {outcome:?}");
    };
    assert_eq!(problem.and_then(|problem| problem.status), Some(428));
    assert_eq!(seen.writes(), 1, "a 428 is never retried");
    let written = seen.written.lock().expect("not poisoned").clone();
    assert_eq!(written[0].0, None, "the write had no tag to send");
}

#[tokio::test]
async fn a_read_without_an_etag_is_never_written_back_unless_asked() {
    let (addr, seen) = scripted(|_, _| axum::Json(json!({"count": 1})).into_response(), ok).await;
    let outcome = fast_client(5)
        .update::<Value>(url(addr))
        .apply(increment)
        .await;
    assert!(
        matches!(outcome, Err(ClientError::MissingETag)),
        "{outcome:?}"
    );
    assert_eq!(seen.writes(), 0);
}

#[tokio::test]
async fn a_malformed_etag_is_a_typed_error() {
    let (addr, seen) = scripted(
        |_, _| ([("etag", "v1")], axum::Json(json!({"count": 1}))).into_response(),
        ok,
    )
    .await;
    let client = fast_client(5);
    let outcome = client.update::<Value>(url(addr)).apply(increment).await;
    let Err(ClientError::InvalidETag { value, .. }) = outcome else {
        panic!("expected InvalidETag, got {outcome:?}");
    };
    assert_eq!(value, "v1");
    assert_eq!(seen.writes(), 0);
    let read = client.get::<Value>(url(addr)).await;
    assert!(
        matches!(read, Err(ClientError::InvalidETag { .. })),
        "{read:?}"
    );
}

#[tokio::test]
async fn a_refusing_change_function_ends_the_loop_without_writing() {
    let (addr, seen) = scripted(counter_at_n, ok).await;
    let outcome = fast_client(5)
        .update::<Value>(url(addr))
        .apply(|_| Err::<Value, _>("no more"))
        .await;
    assert!(
        matches!(outcome, Err(ClientError::Refused("no more"))),
        "{outcome:?}"
    );
    assert_eq!(seen.writes(), 0);
}

/// 503 with `Retry-After: 1` on the first write, then success.
fn unavailable_once_seconds(n: usize, _: &Seen) -> Response {
    if n == 1 {
        let mut response = problem(StatusCode::SERVICE_UNAVAILABLE);
        response
            .headers_mut()
            .insert("retry-after", http::HeaderValue::from_static("1"));
        return response;
    }
    counter(2)
}

/// 503 with `Retry-After` two seconds ahead as an HTTP-date, then success.
fn unavailable_once_date(n: usize, _: &Seen) -> Response {
    if n == 1 {
        let date = httpdate::fmt_http_date(SystemTime::now() + Duration::from_secs(2));
        return (
            StatusCode::SERVICE_UNAVAILABLE,
            [("retry-after", date)],
            "busy",
        )
            .into_response();
    }
    counter(2)
}

#[tokio::test]
async fn a_503_waits_as_retry_after_says_and_resends_the_same_write() {
    for script in [
        unavailable_once_seconds as Script,
        unavailable_once_date as Script,
    ] {
        let (addr, seen) = scripted(counter_at_n, script).await;
        let started = Instant::now();
        let written = fast_client(5)
            .update::<Value>(url(addr))
            .apply(increment)
            .await
            .expect("the second write succeeds");
        // At least the second Retry-After asked for (an HTTP-date counts whole seconds, so two
        // seconds ahead is more than one from now); the backoff alone would be milliseconds.
        assert!(
            started.elapsed() >= Duration::from_millis(900),
            "{:?}",
            started.elapsed()
        );
        assert_eq!(written.attempts, 2);
        assert_eq!(written.etag, Some(EntityTag::from_version(2u64)));
        assert_eq!(
            seen.gets(),
            1,
            "a 503 did nothing, so nothing is read again"
        );
        let written = seen.written.lock().expect("not poisoned").clone();
        assert_eq!(written.len(), 2);
        assert_eq!(written[0], written[1], "the same write, resent");
    }
}

#[tokio::test]
async fn retry_after_is_capped_and_a_lasting_503_ends_within_the_bound() {
    let (addr, seen) = scripted(counter_at_n, |_, _| {
        let mut response = problem(StatusCode::SERVICE_UNAVAILABLE);
        response
            .headers_mut()
            .insert("retry-after", http::HeaderValue::from_static("3600"));
        response
    })
    .await;
    let client = ConditionalClient::new(http()).with_retry(
        RetryPolicy::default()
            .with_max_attempts(3)
            .with_max_retry_after(Duration::from_millis(50)),
    );
    let outcome = client.update::<Value>(url(addr)).apply(increment).await;
    let Err(ClientError::Unavailable { attempts, problem }) = outcome else {
        panic!("expected Unavailable, got {outcome:?}");
    };
    assert_eq!(attempts, 3);
    assert_eq!(problem.and_then(|problem| problem.status), Some(503));
    assert_eq!(seen.writes(), 3);
}

#[tokio::test]
async fn a_refused_connection_is_a_transport_error_that_applied_nothing() {
    // A port that was free a moment ago and has no listener now.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("a port");
    let addr = listener.local_addr().expect("an address");
    drop(listener);
    let client = fast_client(5);
    let outcome = client.create::<_, Value>(url(addr), &json!({})).await;
    assert!(
        matches!(
            outcome,
            Err(ClientError::Transport {
                write_may_have_applied: false,
                ..
            })
        ),
        "{outcome:?}"
    );
}

#[tokio::test]
async fn a_bad_url_is_a_typed_error() {
    let outcome = fast_client(1)
        .update::<Value>("not a url")
        .apply(increment)
        .await;
    assert!(
        matches!(outcome, Err(ClientError::InvalidUrl { .. })),
        "{outcome:?}"
    );
}
