//! The validator cache against a real Redis: ordering, marks, expiry, concurrency and faults.
//!
//! The shared Redis comes from `REDIS_URL` (default `redis://127.0.0.1:6379`); each test uses its
//! own key prefix and deletes its keys. Fault tests start their own `redis-server` on a free port
//! and stop it by its process id. Under `CI=true` a missing Redis fails the test; elsewhere the
//! test says loudly that it skipped.
#![cfg(feature = "redis")]

use std::net::TcpListener;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant, SystemTime};

use etag_core::cache::{CacheOptions, Cached, FillTicket, Lookup, Update, ValidatorCache, redis};
use etag_core::{EntityTag, ResourceState};

fn state(revision: u64) -> ResourceState {
    ResourceState::present(
        EntityTag::from_version(revision),
        Some(SystemTime::UNIX_EPOCH + Duration::new(1_700_000_000 + revision, 5)),
    )
}

fn skip_or_fail(what: &str) {
    if std::env::var("CI").is_ok_and(|ci| ci == "true") {
        panic!("{what} (CI=true: a missing service fails the test)");
    }
    eprintln!("\n*** SKIPPED: {what} ***\n");
}

fn unique_prefix(test: &str) -> String {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let nanos = SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    format!(
        "etag-test:{test}:{}:{nanos}:{}:",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    )
}

/// A cache on the shared Redis under a fresh prefix, or `None` (after saying so) without one.
struct Shared {
    cache: ValidatorCache,
    raw: redis::aio::MultiplexedConnection,
}

impl Shared {
    async fn connect(
        test: &str,
        options: impl FnOnce(CacheOptions) -> CacheOptions,
    ) -> Option<Self> {
        let url = std::env::var("REDIS_URL").unwrap_or_else(|_| "redis://127.0.0.1:6379".into());
        let raw = match raw_connection(&url).await {
            Ok(raw) => raw,
            Err(error) => {
                skip_or_fail(&format!("no Redis at {url}: {error}"));
                return None;
            }
        };
        let options = options(CacheOptions {
            timeout: Duration::from_millis(500),
            ..CacheOptions::new(unique_prefix(test))
        });
        let cache = ValidatorCache::open(&url, options)
            .await
            .expect("a valid URL");
        Some(Self { cache, raw })
    }

    /// Deletes every key under the test's prefix.
    async fn cleanup(mut self) {
        let pattern = format!("{}*", self.cache.options().prefix);
        let keys: Vec<String> = redis::cmd("KEYS")
            .arg(&pattern)
            .query_async(&mut self.raw)
            .await
            .expect("KEYS");
        if !keys.is_empty() {
            let () = redis::cmd("DEL")
                .arg(&keys)
                .query_async(&mut self.raw)
                .await
                .expect("DEL");
        }
    }
}

async fn raw_connection(url: &str) -> redis::RedisResult<redis::aio::MultiplexedConnection> {
    let client = redis::Client::open(url)?;
    let connect = client.get_multiplexed_async_connection();
    match tokio::time::timeout(Duration::from_secs(2), connect).await {
        Ok(conn) => conn,
        Err(_) => Err(redis::RedisError::from((
            redis::ErrorKind::Io,
            "connect timed out",
        ))),
    }
}

fn miss(lookup: Lookup) -> FillTicket {
    match lookup {
        Lookup::Miss(ticket) => ticket,
        other => panic!("expected a miss, got {other:?}"),
    }
}

fn hit(lookup: Lookup) -> Cached {
    match lookup {
        Lookup::Hit(cached) => cached,
        other => panic!("expected a hit, got {other:?}"),
    }
}

#[tokio::test]
async fn fill_then_hit_round_trips_present_and_missing_states() {
    let Some(shared) = Shared::connect("roundtrip", |o| o).await else {
        return;
    };
    let cache = &shared.cache;

    let ticket = miss(cache.lookup("cart:1").await);
    assert_eq!(
        cache.fill("cart:1", ticket, 3, &state(3)).await,
        Update::Stored
    );
    let cached = hit(cache.lookup("cart:1").await);
    assert_eq!((cached.revision(), cached.state()), (3, &state(3)));

    let ticket = miss(cache.lookup("cart:404").await);
    assert_eq!(
        cache
            .fill("cart:404", ticket, 0, &ResourceState::Missing)
            .await,
        Update::Stored
    );
    let cached = hit(cache.lookup("cart:404").await);
    assert_eq!(cached.state(), &ResourceState::Missing);
    assert!(!cached.exists());
    // Keys are separate: the first entry is untouched.
    assert_eq!(hit(cache.lookup("cart:1").await).revision(), 3);
    shared.cleanup().await;
}

#[tokio::test]
async fn an_older_publish_or_fill_never_wins() {
    let Some(shared) = Shared::connect("cas", |o| o).await else {
        return;
    };
    let cache = &shared.cache;
    let key = "order:9";

    // Two writes in flight; the database commits 3, then 5, but 5 publishes first.
    let slow = cache.begin_write(key).await;
    let fast = cache.begin_write(key).await;
    assert_eq!(fast.publish(5, &state(5)).await, Update::Stored);
    assert_eq!(slow.publish(3, &state(3)).await, Update::Outdated);
    assert_eq!(hit(cache.lookup(key).await).state(), &state(5));
    // The writer of a revision is its authority: publishing it again is fine.
    assert_eq!(
        cache.begin_write(key).await.publish(5, &state(5)).await,
        Update::Stored
    );

    // Fills need a strictly newer revision.
    let ticket = cache.ticket(key).await.expect("a ticket on a hit");
    assert_eq!(
        cache.fill(key, ticket.clone(), 5, &state(5)).await,
        Update::Outdated
    );
    assert_eq!(
        cache.fill(key, ticket.clone(), 4, &state(4)).await,
        Update::Outdated
    );
    assert_eq!(hit(cache.lookup(key).await).revision(), 5);
    assert_eq!(cache.fill(key, ticket, 6, &state(6)).await, Update::Stored);
    assert_eq!(hit(cache.lookup(key).await).state(), &state(6));
    shared.cleanup().await;
}

#[tokio::test]
async fn a_reader_that_read_before_a_commit_cannot_store_the_old_state() {
    let Some(shared) = Shared::connect("slow-reader", |o| o).await else {
        return;
    };
    let cache = &shared.cache;

    // Publish reaches Redis before the slow reader's fill: the revision decides.
    let ticket = miss(cache.lookup("a").await); // reader: miss, loads revision 1 ...
    let mark = cache.begin_write("a").await; // ... writer commits revision 2 ...
    assert_eq!(mark.publish(2, &state(2)).await, Update::Stored);
    assert_ne!(cache.fill("a", ticket, 1, &state(1)).await, Update::Stored); // ... fill too late
    assert_eq!(hit(cache.lookup("a").await).revision(), 2);

    // The writer commits but abandons (its publish lost): the write since the ticket decides,
    // although no revision was ever stored for the key.
    let ticket = miss(cache.lookup("b").await);
    let mark = cache.begin_write("b").await;
    mark.abandon().await;
    assert_eq!(
        cache.fill("b", ticket, 1, &state(1)).await,
        Update::Interrupted
    );
    // A reader that starts after the write stores what it reads.
    let ticket = miss(cache.lookup("b").await);
    assert_eq!(cache.fill("b", ticket, 2, &state(2)).await, Update::Stored);
    assert_eq!(hit(cache.lookup("b").await).revision(), 2);
    shared.cleanup().await;
}

#[tokio::test]
async fn pending_marks_send_readers_to_the_database_until_every_writer_is_done() {
    let Some(shared) = Shared::connect("pending", |o| o).await else {
        return;
    };
    let cache = &shared.cache;
    let key = "cart:2";
    assert_eq!(
        cache.begin_write(key).await.publish(1, &state(1)).await,
        Update::Stored
    );
    assert_eq!(hit(cache.lookup(key).await).revision(), 1);

    let first = cache.begin_write(key).await;
    let second = cache.begin_write(key).await;
    assert!(first.is_marked() && second.is_marked());
    assert_eq!(cache.lookup(key).await, Lookup::Pending);
    assert_eq!(cache.ticket(key).await, None);

    assert_eq!(first.publish(2, &state(2)).await, Update::Stored);
    // The second write is still in flight: its commit may be about to land.
    assert_eq!(cache.lookup(key).await, Lookup::Pending);
    assert_eq!(second.publish(3, &state(3)).await, Update::Stored);
    assert_eq!(hit(cache.lookup(key).await).revision(), 3);
    shared.cleanup().await;
}

#[tokio::test]
async fn abandon_releases_the_mark_and_leaves_the_entry_to_refill() {
    let Some(shared) = Shared::connect("abandon", |o| o).await else {
        return;
    };
    let cache = &shared.cache;
    assert_eq!(
        cache.begin_write("k").await.publish(4, &state(4)).await,
        Update::Stored
    );
    let mark = cache.begin_write("k").await;
    assert_eq!(cache.lookup("k").await, Lookup::Pending);
    mark.abandon().await;
    let ticket = miss(cache.lookup("k").await);
    // The revision stays as a floor: an equal fill does not resurrect the entry.
    assert_eq!(
        cache.fill("k", ticket.clone(), 4, &state(4)).await,
        Update::Outdated
    );
    assert_eq!(cache.fill("k", ticket, 5, &state(5)).await, Update::Stored);
    assert_eq!(hit(cache.lookup("k").await).revision(), 5);

    // A mark dropped without publish or abandon is abandoned in the background.
    drop(cache.begin_write("k").await);
    let deadline = Instant::now() + Duration::from_secs(5);
    while cache.lookup("k").await == Lookup::Pending {
        assert!(
            Instant::now() < deadline,
            "a dropped mark was never released"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert!(matches!(cache.lookup("k").await, Lookup::Miss(_)));
    shared.cleanup().await;
}

#[tokio::test]
async fn a_stuck_mark_expires_after_the_write_ttl_and_the_entry_stays_invalid() {
    let Some(shared) = Shared::connect("stuck", |o| CacheOptions {
        write_ttl: Duration::from_millis(300),
        ..o
    })
    .await
    else {
        return;
    };
    let cache = &shared.cache;
    assert_eq!(
        cache.begin_write("k").await.publish(1, &state(1)).await,
        Update::Stored
    );
    let before_the_write = cache.ticket("k").await.expect("a ticket");

    // The process dies between commit (revision 2) and publish: no abandon, no drop.
    std::mem::forget(cache.begin_write("k").await);
    assert_eq!(cache.lookup("k").await, Lookup::Pending);
    tokio::time::sleep(Duration::from_millis(450)).await;

    // The old validators were invalidated by the mark: a miss, never revision 1.
    let ticket = miss(cache.lookup("k").await);
    // A reader that may have read before the commit is refused; a later one fills.
    assert_eq!(
        cache.fill("k", before_the_write, 1, &state(1)).await,
        Update::Interrupted
    );
    assert_eq!(cache.fill("k", ticket, 2, &state(2)).await, Update::Stored);
    assert_eq!(hit(cache.lookup("k").await).revision(), 2);
    shared.cleanup().await;
}

#[tokio::test]
async fn entries_expire_after_the_ttl() {
    let Some(shared) = Shared::connect("ttl", |o| CacheOptions {
        ttl: Duration::from_millis(300),
        ..o
    })
    .await
    else {
        return;
    };
    let cache = &shared.cache;
    assert_eq!(
        cache.begin_write("k").await.publish(1, &state(1)).await,
        Update::Stored
    );
    // Lookups do not extend the entry's life.
    for _ in 0..4 {
        hit(cache.lookup("k").await);
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    tokio::time::sleep(Duration::from_millis(250)).await;
    miss(cache.lookup("k").await);
    shared.cleanup().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_out_of_order_writers_and_readers_end_at_the_newest_revision() {
    let Some(shared) = Shared::connect("concurrent", |o| o).await else {
        return;
    };
    const WRITERS: u64 = 40;
    // A fixed shuffle (multiplying by a unit mod WRITERS) so publishes arrive out of order.
    let mut tasks = Vec::new();
    for i in 0..WRITERS {
        let revision = (i * 17) % WRITERS + 1;
        let writer = shared.cache.clone();
        tasks.push(tokio::spawn(async move {
            let mark = writer.begin_write("hot").await;
            tokio::task::yield_now().await;
            mark.publish(revision, &state(revision)).await
        }));
        let reader = shared.cache.clone();
        tasks.push(tokio::spawn(async move {
            // A reader that "loaded" an arbitrary older revision.
            if let Some(ticket) = reader.ticket("hot").await {
                reader
                    .fill("hot", ticket, revision / 2, &state(revision / 2))
                    .await
            } else {
                Update::Interrupted
            }
        }));
    }
    for task in tasks {
        assert_ne!(task.await.expect("no panic"), Update::Unavailable);
    }
    // Never an older state. A writer that began after the newest one published invalidated the
    // entry and could not publish its older revision, which leaves a miss: slower, never stale.
    match shared.cache.lookup("hot").await {
        Lookup::Hit(cached) => {
            assert_eq!(cached.revision(), WRITERS);
            assert_eq!(cached.state(), &state(WRITERS));
        }
        Lookup::Miss(_) => {}
        other => panic!("expected the newest revision or a miss, got {other:?}"),
    }
    // An older publish never wins after the storm either, and the next newer one does.
    assert_eq!(
        shared
            .cache
            .begin_write("hot")
            .await
            .publish(WRITERS - 1, &state(WRITERS - 1))
            .await,
        Update::Outdated
    );
    assert_eq!(
        shared
            .cache
            .begin_write("hot")
            .await
            .publish(WRITERS + 1, &state(WRITERS + 1))
            .await,
        Update::Stored
    );
    let cached = hit(shared.cache.lookup("hot").await);
    assert_eq!(cached.revision(), WRITERS + 1);
    shared.cleanup().await;
}

#[tokio::test]
async fn entries_of_another_server_process_are_not_trusted() {
    let Some(mut shared) = Shared::connect("foreign", |o| o).await else {
        return;
    };
    // What a restore from a persistence file (or a promoted replica) leaves: an entry whose
    // writer was another server process.
    let entry = format!("{}{{k}}:v", shared.cache.options().prefix);
    let () = redis::cmd("HSET")
        .arg(&entry)
        .arg(&[
            "srv",
            "0123456789abcdef",
            "rev",
            "9",
            "st",
            "p",
            "tag",
            "\"9\"",
        ])
        .query_async(&mut shared.raw)
        .await
        .expect("HSET");
    let ticket = miss(shared.cache.lookup("k").await);
    assert_eq!(
        shared.cache.fill("k", ticket, 2, &state(2)).await,
        Update::Stored
    );
    assert_eq!(hit(shared.cache.lookup("k").await).revision(), 2);
    shared.cleanup().await;
}

#[cfg(feature = "axum")]
#[test]
fn a_lookup_is_a_precheck_result() {
    fn precheck<T: etag_core::PrecheckResult>(_: fn() -> T) {}
    precheck(|| Lookup::Unavailable.into_hit());
    precheck(|| Lookup::Unavailable.into_hit().filter(Cached::exists));
}

/// A `redis-server` of this test on a free port, stopped by its process id.
struct OwnServer {
    child: Child,
    port: u16,
}

impl OwnServer {
    fn start(port: Option<u16>) -> Option<Self> {
        let port = port.unwrap_or_else(|| {
            TcpListener::bind("127.0.0.1:0")
                .and_then(|listener| listener.local_addr())
                .map(|addr| addr.port())
                .expect("a free port")
        });
        let child = Command::new("redis-server")
            .args(["--port", &port.to_string(), "--bind", "127.0.0.1"])
            .args(["--save", "", "--appendonly", "no", "--daemonize", "no"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn();
        match child {
            Ok(child) => Some(Self { child, port }),
            Err(error) => {
                skip_or_fail(&format!("cannot start redis-server: {error}"));
                None
            }
        }
    }

    fn url(&self) -> String {
        format!("redis://127.0.0.1:{}", self.port)
    }

    async fn wait_ready(&self) {
        let deadline = Instant::now() + Duration::from_secs(10);
        while raw_connection(&self.url()).await.is_err() {
            assert!(Instant::now() < deadline, "redis-server did not start");
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    fn signal(&self, signal: &str) {
        let status = Command::new("kill")
            .args([signal, &self.child.id().to_string()])
            .status()
            .expect("kill runs");
        assert!(status.success(), "kill {signal} failed");
    }

    fn stop(mut self) -> u16 {
        // SIGKILL to this child's pid only.
        let _ = self.child.kill();
        let _ = self.child.wait();
        self.port
    }
}

impl Drop for OwnServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A lookup that comes back within the timeout (plus scheduling slack) as "not known".
async fn assert_unavailable_in_time(cache: &ValidatorCache) {
    let started = Instant::now();
    let lookup = cache.lookup("k").await;
    let took = started.elapsed();
    assert_eq!(lookup, Lookup::Unavailable);
    assert!(
        took < cache.options().timeout + Duration::from_millis(250),
        "lookup took {took:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn redis_down_slow_and_restarted_degrades_to_the_database_and_recovers() {
    let Some(server) = OwnServer::start(None) else {
        return;
    };
    server.wait_ready().await;
    let options = CacheOptions {
        timeout: Duration::from_millis(100),
        ..CacheOptions::new("fault:")
    };
    let cache = ValidatorCache::open(&server.url(), options)
        .await
        .expect("a valid URL");
    assert_eq!(
        cache.begin_write("k").await.publish(1, &state(1)).await,
        Update::Stored
    );
    let old_ticket = cache.ticket("k").await.expect("a ticket");

    // Slow: the server stops answering (SIGSTOP), the connection stays open.
    server.signal("-STOP");
    assert_unavailable_in_time(&cache).await;
    let started = Instant::now();
    let mark = cache.begin_write("k").await;
    assert!(!mark.is_marked());
    assert_eq!(mark.publish(2, &state(2)).await, Update::Unavailable);
    assert!(started.elapsed() < Duration::from_millis(600));
    server.signal("-CONT");
    let deadline = Instant::now() + Duration::from_secs(10);
    // The late publish (sent before the timeout) may land: revision 2 either way, or revision 1.
    loop {
        match cache.lookup("k").await {
            Lookup::Hit(cached) => {
                assert!(cached.revision() >= 1);
                break;
            }
            other => assert!(
                Instant::now() < deadline,
                "no recovery after SIGCONT: {other:?}"
            ),
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }

    // Down: the process is gone.
    let port = server.stop();
    for _ in 0..3 {
        assert_unavailable_in_time(&cache).await;
    }
    let mark = cache.begin_write("k").await;
    assert!(!mark.is_marked());
    assert_eq!(mark.publish(3, &state(3)).await, Update::Unavailable);
    assert_eq!(
        cache.fill("k", old_ticket.clone(), 3, &state(3)).await,
        Update::Unavailable
    );

    // Restarted, empty, on the same port: the cache reconnects by itself.
    let server = OwnServer::start(Some(port)).expect("restart");
    server.wait_ready().await;
    let deadline = Instant::now() + Duration::from_secs(10);
    let ticket = loop {
        match cache.lookup("k").await {
            Lookup::Miss(ticket) => break ticket,
            Lookup::Unavailable => {
                assert!(Instant::now() < deadline, "the cache never reconnected");
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
            other => panic!("the restarted server is empty, got {other:?}"),
        }
    };
    // A ticket of the previous server process is refused; a new one works.
    assert_eq!(
        cache.fill("k", old_ticket, 3, &state(3)).await,
        Update::Interrupted
    );
    assert_eq!(cache.fill("k", ticket, 3, &state(3)).await, Update::Stored);
    assert_eq!(hit(cache.lookup("k").await).revision(), 3);
    assert_eq!(
        cache.begin_write("k").await.publish(4, &state(4)).await,
        Update::Stored
    );
    assert_eq!(hit(cache.lookup("k").await).revision(), 4);
    server.stop();
}
