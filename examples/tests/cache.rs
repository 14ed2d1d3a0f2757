//! The validator cache in Redis (`shop --cache`), through several shop processes on one
//! database: no GET that starts after a write's response was received answers (304 or 200) for
//! a state older than that write, and no update is lost; also with Redis restarted in the middle
//! and with a shop process dying between a write's commit and its publish.
//!
//! Redis is `REDIS_URL` (default `redis://127.0.0.1:6379`); each test's keys carry the prefix of
//! its own fresh database and are deleted at the end. The restart test runs its own
//! `redis-server` on a free port and stops it by its process id. Without Redis these tests fail
//! under `CI=true` and elsewhere say loudly that they were skipped.

mod support;

use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use etag_core::cache::redis::{self, AsyncCommands};
use etag_examples::cache::{EXIT_BEFORE_PUBLISH_VAR, prefix};
use etag_examples::store::Store;
use http::StatusCode;
use serde_json::{Value, json};
use support::{DbArg, Shop, TestDb, on_both_backends};

const DEFAULT_REDIS_URL: &str = "redis://127.0.0.1:6379";

/// Increments per writer and resource, and writers per resource.
const WRITERS: usize = 4;
const WRITES_PER_WRITER: usize = 8;
/// A bound on attempts per write, so a livelock fails the test instead of hanging it.
const MAX_ATTEMPTS: usize = 500;

/// The shared Redis, if reachable; `None` after a loud notice when not (a failure under CI).
async fn shared_redis() -> Option<String> {
    let url = std::env::var("REDIS_URL").unwrap_or_else(|_| DEFAULT_REDIS_URL.to_owned());
    match ping(&url).await {
        Ok(()) => Some(url),
        Err(error) if std::env::var("CI").is_ok_and(|ci| ci == "true") => {
            panic!("Redis at {url} is unreachable ({error}); CI=true requires it")
        }
        Err(error) => {
            eprintln!(
                "\n!!!!!!!! SKIPPED: this validator-cache test did not run !!!!!!!!\n\
                 Redis at {url} is unreachable: {error}\n\
                 Start one (`redis-server`) or point REDIS_URL at one. Under CI=true this is a \
                 failure.\n"
            );
            None
        }
    }
}

async fn ping(url: &str) -> Result<(), String> {
    let client = redis::Client::open(url).map_err(|e| e.to_string())?;
    let connect = client.get_multiplexed_async_connection();
    let mut conn = tokio::time::timeout(Duration::from_secs(2), connect)
        .await
        .map_err(|_| "no answer within 2 s".to_owned())?
        .map_err(|e| e.to_string())?;
    redis::cmd("PING")
        .query_async::<String>(&mut conn)
        .await
        .map(drop)
        .map_err(|e| e.to_string())
}

/// A `redis-server` of this test's own on a free port, killed by its pid when dropped.
struct OwnRedis {
    child: Child,
    port: u16,
}

impl OwnRedis {
    /// Starts one, or `None` (after a loud notice; a failure under CI) without `redis-server`.
    async fn start() -> Option<Self> {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|listener| listener.local_addr())
            .expect("a free port")
            .port();
        match Self::spawn(port).await {
            Ok(redis) => Some(redis),
            Err(error) if std::env::var("CI").is_ok_and(|ci| ci == "true") => {
                panic!("cannot run redis-server ({error}); CI=true requires it")
            }
            Err(error) => {
                eprintln!(
                    "\n!!!!!!!! SKIPPED: this Redis-restart test did not run !!!!!!!!\n\
                     cannot run redis-server: {error}. Under CI=true this is a failure.\n"
                );
                None
            }
        }
    }

    async fn spawn(port: u16) -> Result<Self, String> {
        Ok(Self {
            child: Self::spawn_child(port).await?,
            port,
        })
    }

    /// `redis-server` on `port`, without persistence, once it answers.
    async fn spawn_child(port: u16) -> Result<Child, String> {
        let mut child = Command::new("redis-server")
            .args(["--port", &port.to_string(), "--bind", "127.0.0.1"])
            .args(["--save", "", "--appendonly", "no"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| e.to_string())?;
        let deadline = Instant::now() + Duration::from_secs(10);
        while ping(&format!("redis://127.0.0.1:{port}")).await.is_err() {
            if Instant::now() > deadline {
                let _ = child.kill();
                let _ = child.wait();
                return Err(format!("redis-server on port {port} did not answer"));
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        Ok(child)
    }

    fn url(&self) -> String {
        format!("redis://127.0.0.1:{}", self.port)
    }

    /// Kills the server (by its pid) and starts an empty one on the same port.
    async fn restart(&mut self) {
        self.stop();
        self.child = Self::spawn_child(self.port)
            .await
            .expect("redis-server restarts");
    }

    fn stop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for OwnRedis {
    fn drop(&mut self) {
        self.stop();
    }
}

/// Deletes every key of the database's prefix when dropped.
struct Cleanup {
    url: String,
    prefix: String,
}

impl Cleanup {
    async fn of(url: &str, db: &TestDb) -> Self {
        let store = Store::connect(&db.location())
            .await
            .expect("the store opens");
        let id = store
            .database_id()
            .await
            .expect("the database has an identity");
        Self {
            url: url.to_owned(),
            prefix: prefix(&id),
        }
    }

    /// The entry hash of a cache key (`cart:ID`).
    fn entry(&self, key: &str) -> String {
        format!("{}{{{key}}}:v", self.prefix)
    }
}

impl Drop for Cleanup {
    fn drop(&mut self) {
        let (url, pattern) = (self.url.clone(), format!("{}*", self.prefix));
        let _ = std::thread::spawn(move || -> redis::RedisResult<()> {
            let mut conn = redis::Client::open(url)?.get_connection()?;
            let keys: Vec<String> = redis::cmd("KEYS").arg(&pattern).query(&mut conn)?;
            if !keys.is_empty() {
                redis::cmd("DEL").arg(keys).query::<()>(&mut conn)?;
            }
            Ok(())
        })
        .join();
    }
}

/// A shop process on `db` with the cache at `url`, and `env` set.
fn cached_shop(db: &TestDb, url: &str, env: &[(&str, &str)]) -> Shop {
    let mut command = Command::new(env!("CARGO_BIN_EXE_shop"));
    command
        .args(["--addr", "127.0.0.1:0", "--cache", url])
        .arg("--db")
        .arg(db.db_arg());
    command.envs(env.iter().copied());
    Shop::spawn(command)
}

async fn hash(url: &str, key: &str) -> std::collections::HashMap<String, String> {
    let client = redis::Client::open(url).expect("a Redis URL");
    let mut conn = client
        .get_multiplexed_async_connection()
        .await
        .expect("Redis connects");
    conn.hgetall(key).await.expect("HGETALL")
}

/// The wiring: a GET fills the entry (the cart's version is its revision), a 304 and a stale
/// write's 412 are answered from it (shown by an entry the test edits), and a write through the
/// shop replaces the entry whatever it held, because only the database lets a write through.
async fn answers_from_redis_and_writes_replace_the_entry(db: TestDb) {
    let Some(url) = shared_redis().await else {
        return;
    };
    let shop = cached_shop(&db, &url, &[]);
    let keys = Cleanup::of(&url, &db).await;
    let created = shop
        .json(
            http::Method::POST,
            "/carts",
            &[],
            &json!({"owner": "ada", "items": []}),
        )
        .await;
    created.assert_status(StatusCode::CREATED);
    let path = created.header("location").expect("a Location").to_owned();
    let id = path.trim_start_matches("/carts/");
    let entry = keys.entry(&format!("cart:{id}"));
    let stored = hash(&url, &entry).await;
    assert_eq!(
        stored.get("rev").map(String::as_str),
        Some("1"),
        "{stored:?}"
    );
    assert_eq!(
        stored.get("tag").map(String::as_str),
        Some("\"1\""),
        "{stored:?}"
    );

    shop.get(&path, &[("if-none-match", "\"1\"")])
        .await
        .assert_not_modified("\"1\"");

    // A GET that misses fills the entry again, with the ticket of its precheck's lookup.
    let mut conn = redis::Client::open(url.as_str())
        .expect("a Redis URL")
        .get_multiplexed_async_connection()
        .await
        .expect("Redis connects");
    let () = conn.del(&entry).await.expect("DEL");
    shop.get(&path, &[]).await.assert_status(StatusCode::OK);
    let stored = hash(&url, &entry).await;
    assert_eq!(
        (stored.get("rev"), stored.get("tag")),
        (Some(&"1".to_owned()), Some(&"\"1\"".to_owned())),
        "{stored:?}"
    );

    // An entry claiming another tag: only the cache can make the shop answer 304 for it.
    let () = conn.hset(&entry, "tag", "\"77\"").await.expect("HSET");
    shop.get(&path, &[("if-none-match", "\"77\"")])
        .await
        .assert_status(StatusCode::NOT_MODIFIED);

    // A write whose If-Match the entry shows to be stale is refused from the cache, before its
    // body is read: a malformed body gets the 412, not the 400 it would get from the handler.
    let refused = shop
        .send(
            http::Method::PUT,
            &path,
            &[("if-match", "\"1\""), ("content-type", "application/json")],
            Some("{"),
        )
        .await;
    refused.assert_problem(StatusCode::PRECONDITION_FAILED);
    // But the entry cannot let a write through: one naming the entry's tag is checked against
    // the database inside its transaction, refused there, and the failed write leaves the entry
    // invalidated.
    let body = json!({"owner": "ada", "items": [{"sku": "apple", "qty": 1}]});
    shop.json(http::Method::PUT, &path, &[("if-match", "\"77\"")], &body)
        .await
        .assert_problem(StatusCode::PRECONDITION_FAILED);
    let stored = hash(&url, &entry).await;
    assert_eq!(stored.get("tag"), None, "{stored:?}");
    // With the entry gone, the write with the database's tag goes through, and publishes.
    let put = shop
        .json(http::Method::PUT, &path, &[("if-match", "\"1\"")], &body)
        .await;
    put.assert_status(StatusCode::OK);
    assert_eq!(put.etag(), "\"2\"");
    shop.get(&path, &[("if-none-match", "\"77\"")])
        .await
        .assert_status(StatusCode::OK);
    let stored = hash(&url, &entry).await;
    assert_eq!(
        stored.get("rev").map(String::as_str),
        Some("2"),
        "{stored:?}"
    );

    // A delete publishes "missing" at the tombstone's version; the GET is a 404.
    let deleted = shop
        .send(http::Method::DELETE, &path, &[("if-match", "\"2\"")], None)
        .await;
    deleted.assert_status(StatusCode::NO_CONTENT);
    let stored = hash(&url, &entry).await;
    assert_eq!(
        stored.get("rev").map(String::as_str),
        Some("3"),
        "{stored:?}"
    );
    assert_eq!(
        stored.get("st").map(String::as_str),
        Some("m"),
        "{stored:?}"
    );
    shop.get(&path, &[("if-none-match", "\"2\"")])
        .await
        .assert_problem(StatusCode::NOT_FOUND);
}

/// A write guarded by `If-Unmodified-Since` (and an `If-None-Match` that passes) on an order
/// changed within the same second is one the shop waits out and then writes; the cache, which
/// knows the order's date, must not refuse it early with the 412 the handler would not send.
async fn a_date_guarded_write_on_a_fresh_order_is_not_refused_from_the_cache(db: TestDb) {
    let Some(url) = shared_redis().await else {
        return;
    };
    let shop = cached_shop(&db, &url, &[]);
    let keys = Cleanup::of(&url, &db).await;
    let order = json!({"customer": "ada", "items": [{"sku": "apple", "qty": 1}]});
    let created = shop.json(http::Method::POST, "/orders", &[], &order).await;
    created.assert_status(StatusCode::CREATED);
    let path = created.header("location").expect("a Location").to_owned();
    let id = path.trim_start_matches("/orders/");
    // POST published the new order, so the write's precheck would hit.
    let stored = hash(&url, &keys.entry(&format!("order:{id}"))).await;
    assert!(stored.contains_key("tag"), "{stored:?}");
    let date = created.last_modified();
    let headers = [
        ("if-none-match", "\"not-this-one\""),
        ("if-unmodified-since", date.as_str()),
    ];
    let changed = json!({"customer": "ada", "items": [{"sku": "apple", "qty": 2}]});
    let put = shop
        .json(http::Method::PUT, &path, &headers, &changed)
        .await;
    put.assert_status(StatusCode::OK);
}

/// What goes wrong in the middle of the race.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Fault {
    None,
    /// The test's own Redis is killed and started empty.
    RedisRestart,
    /// One more shop process exits between a write's commit and its publish.
    CrashBeforePublish,
}

/// What a client saw of one resource: every write's response, every poll.
#[derive(Default)]
struct Seen {
    /// (when the response was received, the new ETag, the count it holds).
    writes: Vec<(Instant, String, u64)>,
    /// (when the request was sent, the status, the ETag answered, the count of a 200's body).
    polls: Vec<(Instant, StatusCode, String, Option<u64>)>,
}

/// The count a resource's body holds: the quantity of its one line item, less one (a quantity
/// is positive).
fn count_of(body: &Value) -> u64 {
    let qty = body["items"][0]["qty"].as_u64();
    qty.and_then(|qty| qty.checked_sub(1))
        .unwrap_or_else(|| panic!("a body with one line item: {body}"))
}

fn body_with(path: &str, count: u64) -> Value {
    let items = json!([{"sku": "apple", "qty": count + 1}]);
    if path.starts_with("/carts") {
        json!({"owner": "ada", "items": items})
    } else {
        json!({"customer": "ada", "items": items})
    }
}

/// Read → increment → PUT with If-Match through rotating shops, until it wins; records the
/// winning response.
async fn increment(shops: &[Shop], path: &str, client: usize, seen: &Mutex<Seen>) {
    for attempt in 0..MAX_ATTEMPTS {
        let shop = &shops[(client + attempt) % shops.len()];
        let current = shop.get(path, &[]).await;
        current.assert_status(StatusCode::OK);
        let count = count_of(&current.json());
        let etag = current.etag();
        let put = shop
            .json(
                http::Method::PUT,
                path,
                &[("if-match", &etag)],
                &body_with(path, count + 1),
            )
            .await;
        match put.status {
            StatusCode::OK => {
                let received = Instant::now();
                seen.lock()
                    .expect("not poisoned")
                    .writes
                    .push((received, put.etag(), count + 1));
                return;
            }
            StatusCode::PRECONDITION_FAILED => continue,
            other => panic!(
                "a write answered {other}: {}",
                String::from_utf8_lossy(&put.body)
            ),
        }
    }
    panic!("no write won within {MAX_ATTEMPTS} attempts");
}

/// Polls with the last ETag it saw until `done`, recording each answer.
async fn poll(shops: &[Shop], path: &str, client: usize, seen: &Mutex<Seen>, done: &Flag) {
    let mut known: Option<String> = None;
    let mut round = 0;
    while !done.is_set() {
        let shop = &shops[(client + round) % shops.len()];
        round += 1;
        let headers: Vec<(&str, &str)> = known
            .as_deref()
            .map(|tag| vec![("if-none-match", tag)])
            .unwrap_or_default();
        let started = Instant::now();
        let reply = shop.get(path, &headers).await;
        let count = match reply.status {
            StatusCode::OK => Some(count_of(&reply.json())),
            StatusCode::NOT_MODIFIED => None,
            other => panic!("a poll answered {other}"),
        };
        let etag = reply.etag();
        known = Some(etag.clone());
        seen.lock()
            .expect("not poisoned")
            .polls
            .push((started, reply.status, etag, count));
    }
}

#[derive(Default)]
struct Flag(std::sync::atomic::AtomicBool);

impl Flag {
    fn set(&self) {
        self.0.store(true, std::sync::atomic::Ordering::SeqCst);
    }
    fn is_set(&self) -> bool {
        self.0.load(std::sync::atomic::Ordering::SeqCst)
    }
}

/// Every poll that started after a write's response reflects that write or a later one; every
/// ETag maps to one count (so a 304's tag is checked too).
fn assert_no_stale_answer(path: &str, seen: &Seen, initial: (String, u64)) {
    let mut count_of_tag = std::collections::HashMap::from([initial]);
    for (_, etag, count) in &seen.writes {
        count_of_tag.insert(etag.clone(), *count);
    }
    // A write whose shop died before answering is known only from the 200s that show it.
    for (_, _, etag, body_count) in &seen.polls {
        if let Some(count) = body_count {
            count_of_tag.entry(etag.clone()).or_insert(*count);
        }
    }
    let mut stale = Vec::new();
    for (started, status, etag, body_count) in &seen.polls {
        let required = seen
            .writes
            .iter()
            .filter(|(received, _, _)| received < started)
            .map(|(_, _, count)| *count)
            .max()
            .unwrap_or(0);
        let answered = body_count
            .or_else(|| count_of_tag.get(etag).copied())
            .unwrap_or_else(|| panic!("{path}: a poll answered an unknown ETag {etag}"));
        if let Some(count) = body_count {
            assert_eq!(
                count_of_tag.get(etag),
                Some(count),
                "{path}: a 200's ETag {etag} belongs to another state"
            );
        }
        if answered < required {
            stale.push(format!(
                "{status} for count {answered} after the write of {required}"
            ));
        }
    }
    assert!(stale.is_empty(), "{path}: stale answers: {stale:?}");
}

/// The race: shops on one database, writers incrementing a cart and an order through rotating
/// shops, pollers polling both, and `fault` in the middle.
async fn race(db: &TestDb, url: &str, fault: Fault, own_redis: Option<&mut OwnRedis>) {
    let keys = Cleanup::of(url, db).await;
    let shops: Arc<Vec<Shop>> = Arc::new((0..3).map(|_| cached_shop(db, url, &[])).collect());
    let first = &shops[0];
    let mut paths = Vec::new();
    let mut initial = Vec::new();
    for collection in ["/carts", "/orders"] {
        let created = first
            .json(
                http::Method::POST,
                collection,
                &[],
                &body_with(collection, 0),
            )
            .await;
        created.assert_status(StatusCode::CREATED);
        let path = created.header("location").expect("a Location").to_owned();
        initial.push((created.etag(), 0));
        paths.push(path);
    }

    let seen: Vec<Arc<Mutex<Seen>>> = paths.iter().map(|_| Arc::default()).collect();
    let done = Arc::new(Flag::default());
    let mut pollers = Vec::new();
    for (index, path) in paths.iter().enumerate() {
        for client in 0..3 {
            let (shops, path, seen, done) = (
                shops.clone(),
                path.clone(),
                seen[index].clone(),
                done.clone(),
            );
            pollers.push(tokio::spawn(async move {
                poll(&shops, &path, client, &seen, &done).await;
            }));
        }
    }
    let mut writers = Vec::new();
    for (index, path) in paths.iter().enumerate() {
        for client in 0..WRITERS {
            let (shops, path, seen) = (shops.clone(), path.clone(), seen[index].clone());
            writers.push(tokio::spawn(async move {
                for _ in 0..WRITES_PER_WRITER {
                    increment(&shops, &path, client, &seen).await;
                }
            }));
        }
    }

    // The fault, once some writes are through.
    tokio::time::sleep(Duration::from_millis(300)).await;
    let mut crashed_writes = 0;
    match fault {
        Fault::None => {}
        Fault::RedisRestart => {
            own_redis.expect("the test's own Redis").restart().await;
        }
        Fault::CrashBeforePublish => {
            let mut doomed = cached_shop(db, url, &[(EXIT_BEFORE_PUBLISH_VAR, "1")]);
            crash_on_write(&doomed, &paths[0]).await;
            let status = doomed
                .wait_for_exit(Duration::from_secs(10))
                .expect("the shop exits between commit and publish");
            assert_eq!(
                status.code(),
                Some(86),
                "the staged exit, not another failure"
            );
            crashed_writes = 1;
        }
    }

    for writer in writers {
        writer.await.expect("a writer finishes");
    }
    // Polls that start after the last write must see it.
    tokio::time::sleep(Duration::from_millis(200)).await;
    done.set();
    for poller in pollers {
        poller.await.expect("a poller finishes");
    }

    for (index, path) in paths.iter().enumerate() {
        let extra = if index == 0 { crashed_writes } else { 0 };
        let expected = u64::try_from(WRITERS * WRITES_PER_WRITER + extra).expect("small");
        for shop in shops.iter() {
            let last = shop
                .get(path, &[("if-none-match", &initial[index].0)])
                .await;
            last.assert_status(StatusCode::OK);
            assert_eq!(count_of(&last.json()), expected, "{path}: lost updates");
        }
        let seen = seen[index].lock().expect("not poisoned");
        assert!(seen.polls.len() > 10, "{path}: the pollers polled");
        let not_modified = seen
            .polls
            .iter()
            .filter(|poll| poll.1 == StatusCode::NOT_MODIFIED)
            .count();
        assert!(not_modified > 0, "{path}: some polls were current");
        eprintln!(
            "{path} ({fault:?}): {} writes, {} polls, {not_modified} answered 304",
            seen.writes.len(),
            seen.polls.len()
        );
        assert_no_stale_answer(path, &seen, initial[index].clone());
    }
    drop(keys);
}

/// Increments through the doomed shop until a write commits and the process exits: a 412 (a
/// race with the other writers) does not publish, so it tries again.
async fn crash_on_write(doomed: &Shop, path: &str) {
    let client = hyper_util::client::legacy::Client::builder(hyper_util::rt::TokioExecutor::new())
        .build_http::<http_body_util::Full<hyper::body::Bytes>>();
    for _ in 0..MAX_ATTEMPTS {
        let current = doomed.get(path, &[]).await;
        current.assert_status(StatusCode::OK);
        let count = count_of(&current.json());
        let request = http::Request::put(format!("http://{}{path}", doomed.addr))
            .header("content-type", "application/json")
            .header("if-match", current.etag())
            .body(http_body_util::Full::new(hyper::body::Bytes::from(
                body_with(path, count + 1).to_string(),
            )))
            .expect("a valid request");
        match client.request(request).await {
            Ok(response) if response.status() == StatusCode::PRECONDITION_FAILED => continue,
            Ok(response) => panic!("the doomed write answered {}", response.status()),
            // The connection closed without a response: the process exited after the commit.
            Err(_) => return,
        }
    }
    panic!("the doomed shop never committed a write");
}

async fn writers_and_pollers_never_see_an_older_state(db: TestDb) {
    let Some(url) = shared_redis().await else {
        return;
    };
    race(&db, &url, Fault::None, None).await;
}

async fn a_redis_restart_in_the_middle_serves_nothing_stale(db: TestDb) {
    let Some(mut redis) = OwnRedis::start().await else {
        return;
    };
    let url = redis.url();
    race(&db, &url, Fault::RedisRestart, Some(&mut redis)).await;
}

async fn a_shop_dying_between_commit_and_publish_serves_nothing_stale(db: TestDb) {
    let Some(url) = shared_redis().await else {
        return;
    };
    race(&db, &url, Fault::CrashBeforePublish, None).await;
}

on_both_backends!(
    multi_thread: answers_from_redis_and_writes_replace_the_entry,
    writers_and_pollers_never_see_an_older_state,
    a_redis_restart_in_the_middle_serves_nothing_stale,
    a_shop_dying_between_commit_and_publish_serves_nothing_stale,
    a_date_guarded_write_on_a_fresh_order_is_not_refused_from_the_cache,
);
