//! A validator cache in Redis: prechecks answer 304s and early 412s from it without touching
//! the database, and a stale entry can cost a round trip, never a wrong answer that outlives a
//! write's response.
//!
//! Feature `redis`. Each resource key has an entry holding the validators of one revision of the
//! resource: its entity tag, `Last-Modified` and whether it exists. The revision is a `u64` that
//! every write bumps **in the database** (a cart's version column, an order's revision column);
//! the cache orders everything by it and never trusts a hash or a clock for that.
//!
//! # The cache never decides a write
//!
//! A hit may answer a conditional GET with 304, or refuse a write early with 412 when the
//! client's `If-Match` is already stale. A write that passes the precheck still evaluates its
//! preconditions inside its database transaction (`pre.check(&current)`): the cache can be
//! behind, and only the database knows the state the write replaces. A stale entry therefore
//! costs at most a 412 that the client resolves by reading again, never a lost update.
//!
//! # The protocols
//!
//! **Read**: [`lookup`](ValidatorCache::lookup) the key. A [`Lookup::Hit`] is the current state
//! as of the last write's response; anything else means "not known": load from the database,
//! then [`fill`](ValidatorCache::fill) with the [`FillTicket`] the miss gave (or one from
//! [`ticket`](ValidatorCache::ticket), taken before the database read).
//!
//! **Write**: [`begin_write`](ValidatorCache::begin_write) before the transaction commits; after
//! it, [`publish`](WriteMark::publish) the committed revision's validators, or
//! [`abandon`](WriteMark::abandon) if nothing was written. Send the response after the publish.
//!
//! Every update is a compare-and-set on the revision inside one Lua script, so none can roll the
//! entry back: a publish stores only a revision at least the stored one, a fill only a greater
//! one. Taking a mark invalidates the entry's validators (its revision stays, as a floor) and,
//! while any mark of the key lives, lookups answer [`Lookup::Pending`] and fills are refused. A
//! fill is also refused when any write of the key was in flight at any moment since its ticket
//! was issued, so a reader that loaded the old state just before a write committed cannot store
//! it, even if that write's publish never arrives. Marks carry their own deadlines (the
//! [`write_ttl`](CacheOptions::write_ttl)), so concurrent writers compose and each releases only
//! its own.
//!
//! # The guarantee, fault by fault
//!
//! In normal operation, and in each fault below unless it says otherwise: **a lookup that starts
//! after a write's response was sent never returns validators older than that write.**
//!
//! - **Redis down or slow**: every call gives up after the [`timeout`](CacheOptions::timeout),
//!   logs a `tracing` warning and gives the database-path answer ([`Lookup::Unavailable`],
//!   [`Update::Unavailable`]); nothing returns an error for the handler to turn into a 5xx. The
//!   connection reconnects by itself. If a write's mark and publish both fail while a lookup
//!   still reaches Redis (a partial outage), that lookup may see the write's predecessor for at
//!   most the [`ttl`](CacheOptions::ttl) after that entry was stored.
//! - **Redis restarted and emptied**: entries and marks are gone; lookups miss and the cache
//!   refills. Tickets issued before the restart are refused. A write that was in flight across
//!   the restart publishes as usual; if it dies before publishing, a reader may fill the state
//!   before it and keep it for at most the TTL.
//! - **Redis restarted with old data from a persistence file, or a replica promoted**: every
//!   entry records the `run_id` of the server process that wrote it, and only that process
//!   trusts it; restored or replicated entries are misses. Restored marks still hold readers on
//!   the database path until their deadlines.
//! - **The app process killed between commit and publish**: the entry was invalidated when the
//!   mark was taken, so no reader gets the old validators; lookups answer `Pending` until the
//!   mark expires after the write TTL, then miss, and the next fill stores the committed state.
//! - **A write slower than the write TTL**: its mark expires first; lookups miss meanwhile (the
//!   entry stays invalidated), and fills are refused for tickets issued before the mark expired,
//!   whose readers may have read before the commit.
//! - **Redis evicts keys** (a `maxmemory-policy` other than `noeviction`): an evicted entry takes
//!   its revision floor and its record of recent writes with it, so a fill from a read that
//!   overlapped a write whose publish was lost may store the old state for at most the TTL. Give
//!   the cache a Redis (or database number, with a memory budget) that does not evict.
//!
//! Writes made around the cache (a migration, another service) do not take marks: their changes
//! show only once the entries they touched expire, after at most the TTL. Route every write
//! through the protocol, or shorten the TTL accordingly.
//!
//! The revision of a key must never go backwards, not even when the resource is deleted and
//! created again: keep the counter (a tombstone row, a sequence), or use a new key. Cache a
//! resource that was never created with revision 0 and [`ResourceState::Missing`].
//!
//! # Key layout and TTL
//!
//! For a key `K` and the prefix `P` of the [`CacheOptions`]:
//!
//! - `P{K}:v`, a hash: `srv` (the `run_id` of the server that wrote it), `rev` (the revision in
//!   decimal), `st` (`p` present, `m` missing; absent while invalidated), `tag` (the entity tag
//!   as sent in a header), `lm` (`Last-Modified`, seconds and nanoseconds since the epoch) and
//!   `busy` (the last moment a write was in flight, server clock in µs). It expires
//!   [`ttl`](CacheOptions::ttl) after its last change; lookups do not extend it.
//! - `P{K}:w`, a sorted set of write marks scored by deadline; it expires with its last mark.
//!
//! The braces make `K` the hash tag, so both keys of a resource share a Redis Cluster slot (the
//! connection itself is a single-node [`ConnectionManager`]). Scripts read the server's `TIME`
//! and `INFO server` (for `run_id`): Redis 7 or Valkey, or Redis 5 and later with effects
//! replication (their default). Clocks of the app hosts play no part.
//!
//! # Example
//!
//! A store whose carts carry a `version` column that every write bumps:
//!
//! ```no_run
//! use etag_core::cache::{CacheOptions, Lookup, ValidatorCache};
//! use etag_core::{EntityTag, PreconditionError, Preconditions, ResourceState, Versioned};
//!
//! struct Cart { version: u64, items: Vec<String> }
//!
//! impl Versioned for Cart {
//!     fn etag(&self) -> EntityTag { EntityTag::from_version(self.version) }
//! }
//!
//! /// The user's own database layer (a mutex here; a transaction in a real store).
//! struct Store { cart: tokio::sync::Mutex<Cart> }
//!
//! /// GET: answer 304 from the cache when it knows, else load and fill.
//! async fn get_cart(
//!     cache: &ValidatorCache,
//!     store: &Store,
//!     pre: &Preconditions,
//! ) -> Result<Option<Vec<String>>, PreconditionError> {
//!     let key = "cart:1";
//!     let ticket = match cache.lookup(key).await {
//!         // A hit answers the conditional GET (304) without touching the database.
//!         Lookup::Hit(cached) => {
//!             pre.evaluate(cached.state())?;
//!             None
//!         }
//!         Lookup::Miss(ticket) => Some(ticket),
//!         Lookup::Pending | Lookup::Unavailable => None,
//!     };
//!     let cart = store.cart.lock().await;
//!     if let Some(ticket) = ticket {
//!         cache.fill(key, ticket, cart.version, &ResourceState::of(&*cart)).await;
//!     }
//!     pre.evaluate(&ResourceState::of(&*cart))?;
//!     Ok(Some(cart.items.clone()))
//! }
//!
//! /// PUT: mark, write and check inside the transaction, then publish (or abandon).
//! async fn put_cart(
//!     cache: &ValidatorCache,
//!     store: &Store,
//!     pre: &Preconditions,
//!     items: Vec<String>,
//! ) -> Result<EntityTag, PreconditionError> {
//!     let key = "cart:1";
//!     // An early 412 from the cache saves the transaction; it never replaces the check below.
//!     if let Some(cached) = cache.lookup(key).await.into_hit() {
//!         pre.evaluate(cached.state())?;
//!     }
//!     let mark = cache.begin_write(key).await;
//!     let mut cart = store.cart.lock().await; // BEGIN
//!     if let Err(stale) = pre.check(&*cart) {
//!         drop(cart); // ROLLBACK
//!         mark.abandon().await;
//!         return Err(stale);
//!     }
//!     cart.items = items;
//!     cart.version += 1;
//!     let (revision, state) = (cart.version, ResourceState::of(&*cart));
//!     drop(cart); // COMMIT
//!     mark.publish(revision, &state).await;
//!     Ok(cart_tag(revision))
//! }
//! # fn cart_tag(version: u64) -> EntityTag { EntityTag::from_version(version) }
//!
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! let cache = ValidatorCache::open("redis://127.0.0.1:6379/0", CacheOptions::new("shop:")).await?;
//! # let _ = cache; Ok(()) }
//! ```
//!
//! With `#[conditional]`, the precheck is `precheck = cache.lookup(&key).await.into_hit()`
//! (`Option<Cached>`, where `None` runs the handler); add `.filter(Cached::exists)` where the
//! method would not create a missing resource, so the handler answers its 404. The handler body
//! takes a [`ticket`](ValidatorCache::ticket) before its database read and fills after it.

mod entry;
mod options;
mod outcome;
mod script;
mod write;

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, LazyLock};
use std::time::Duration;

use redis::aio::{ConnectionManager, ConnectionManagerConfig};
use redis::{FromRedisValue, ScriptInvocation};

use crate::ResourceState;

pub use entry::Cached;
pub use options::CacheOptions;
pub use outcome::{FillTicket, Lookup, Update};
pub use write::WriteMark;

/// The `redis` crate this cache is built on, for building a [`ConnectionManager`] of the same
/// version.
pub use redis;

use script::{SCRIPTS, redis_keys};

/// Validators of many resources in one Redis, shared by every process that serves them.
///
/// Cheap to clone (the connection is shared and multiplexed). See the [module guide](self) for
/// the protocols and the guarantee in each fault.
#[derive(Debug, Clone)]
pub struct ValidatorCache {
    conn: ConnectionManager,
    options: Arc<CacheOptions>,
}

impl ValidatorCache {
    /// A cache on an existing connection. Its own timeouts should not exceed
    /// [`CacheOptions::timeout`], which bounds every call anyway.
    pub fn new(conn: ConnectionManager, options: CacheOptions) -> Self {
        Self {
            conn,
            options: Arc::new(options.normalized()),
        }
    }

    /// A cache on a new connection to `url` (`redis://host:port/db`, `rediss://…`,
    /// `redis+unix:///path`), made on first use, so the service starts while Redis is down; it
    /// reconnects by itself. Fails only for a malformed URL.
    pub async fn open(url: &str, options: CacheOptions) -> Result<Self, redis::RedisError> {
        let client = redis::Client::open(url)?;
        let options = options.normalized();
        let config = ConnectionManagerConfig::new()
            .set_connection_timeout(Some(options.timeout))
            .set_response_timeout(Some(options.timeout))
            // Retry soon after an outage: a call never waits longer than the timeout anyway.
            .set_min_delay(Duration::from_millis(20))
            .set_max_delay(Duration::from_millis(500))
            .set_number_of_retries(3);
        let conn = ConnectionManager::new_lazy_with_config(client, config)?;
        Ok(Self::new(conn, options))
    }

    /// The options in force (durations normalized as [`CacheOptions`] says).
    pub fn options(&self) -> &CacheOptions {
        &self.options
    }

    /// The cached validators of `key`, or why there are none. Any failure is a
    /// [`Lookup::Unavailable`] within the timeout, never an error.
    pub async fn lookup(&self, key: &str) -> Lookup {
        self.query(key).await.0
    }

    /// A ticket for a fill after a database read that starts now: for a handler whose lookup
    /// happened elsewhere (a `#[conditional]` precheck) or was skipped. `None` while a write of
    /// the key is in flight (a fill would be refused) or when Redis fails.
    pub async fn ticket(&self, key: &str) -> Option<FillTicket> {
        self.query(key).await.1
    }

    /// One lookup script call: the lookup, and the ticket it issued (on a hit as on a miss).
    async fn query(&self, key: &str) -> (Lookup, Option<FillTicket>) {
        let [entry, marks] = redis_keys(&self.options.prefix, key);
        let mut invocation = SCRIPTS.lookup.prepare_invoke();
        invocation.key(entry).key(marks);
        let Some(reply) = self.call::<Vec<String>>("lookup", key, &invocation).await else {
            return (Lookup::Unavailable, None);
        };
        match reply.as_slice() {
            [kind] if kind == "pending" => (Lookup::Pending, None),
            [kind, now, server] if kind == "miss" => miss(key, now, server),
            [kind, now, server, rev, st, tag, lm] if kind == "hit" => {
                let (lookup, ticket) = miss(key, now, server);
                match (entry::decode(rev, st, tag, lm), ticket) {
                    (Some(cached), ticket) => (Lookup::Hit(cached), ticket),
                    (None, ticket) => {
                        tracing::warn!(key, "validator cache: unreadable entry, treated as a miss");
                        (lookup, ticket)
                    }
                }
            }
            _ => {
                tracing::warn!(key, ?reply, "validator cache: unexpected lookup reply");
                (Lookup::Unavailable, None)
            }
        }
    }

    /// Stores what a reader loaded from the database, at `revision`, if the cache holds nothing
    /// as new, no write of the key is in flight, and none was since `ticket` was issued (see
    /// [`FillTicket`]).
    pub async fn fill(
        &self,
        key: &str,
        ticket: FillTicket,
        revision: u64,
        state: &ResourceState,
    ) -> Update {
        let [entry, marks] = redis_keys(&self.options.prefix, key);
        let encoded = entry::encode(state);
        let mut invocation = SCRIPTS.fill.prepare_invoke();
        invocation
            .key(entry)
            .key(marks)
            .arg(ticket.issued_micros)
            .arg(ticket.server)
            .arg(entry::encode_revision(revision))
            .arg(encoded.st)
            .arg(encoded.tag)
            .arg(encoded.lm)
            .arg(self.options.ttl_millis())
            .arg(self.options.ttl_micros());
        self.update("fill", key, &invocation).await
    }

    /// Marks a write of `key` as in flight: call it before the database transaction commits,
    /// and send the write's response only after [`WriteMark::publish`]. Never fails: when Redis
    /// does not take the mark, [`WriteMark::is_marked`] says so and the write goes ahead.
    pub async fn begin_write(&self, key: &str) -> WriteMark {
        let [entry, marks] = redis_keys(&self.options.prefix, key);
        let id = mark_id();
        let mut invocation = SCRIPTS.begin.prepare_invoke();
        invocation
            .key(entry)
            .key(marks)
            .arg(&id)
            .arg(self.options.write_ttl_micros())
            .arg(self.options.ttl_millis());
        let marked = self
            .call::<String>("begin_write", key, &invocation)
            .await
            .is_some();
        WriteMark {
            cache: self.clone(),
            key: key.to_owned(),
            id,
            marked,
            finished: false,
        }
    }

    async fn publish_mark(
        &self,
        key: &str,
        id: &str,
        revision: u64,
        state: &ResourceState,
    ) -> Update {
        let [entry, marks] = redis_keys(&self.options.prefix, key);
        let encoded = entry::encode(state);
        let mut invocation = SCRIPTS.publish.prepare_invoke();
        invocation
            .key(entry)
            .key(marks)
            .arg(id)
            .arg(entry::encode_revision(revision))
            .arg(encoded.st)
            .arg(encoded.tag)
            .arg(encoded.lm)
            .arg(self.options.ttl_millis());
        self.update("publish", key, &invocation).await
    }

    async fn abandon_mark(&self, key: &str, id: &str) {
        let [entry, marks] = redis_keys(&self.options.prefix, key);
        let mut invocation = SCRIPTS.abandon.prepare_invoke();
        invocation
            .key(entry)
            .key(marks)
            .arg(id)
            .arg(self.options.ttl_millis());
        // A failure is logged by `call`; the mark then expires after the write TTL.
        let _ = self.call::<String>("abandon", key, &invocation).await;
    }

    async fn update(
        &self,
        op: &'static str,
        key: &str,
        invocation: &ScriptInvocation<'_>,
    ) -> Update {
        match self.call::<String>(op, key, invocation).await.as_deref() {
            Some("stored") => Update::Stored,
            Some("outdated") => Update::Outdated,
            Some("interrupted") => Update::Interrupted,
            Some(other) => {
                tracing::warn!(key, op, reply = other, "validator cache: unexpected reply");
                Update::Unavailable
            }
            None => Update::Unavailable,
        }
    }

    /// Runs one script within the timeout; `None`, after a warning, for any failure.
    async fn call<T: FromRedisValue>(
        &self,
        op: &'static str,
        key: &str,
        invocation: &ScriptInvocation<'_>,
    ) -> Option<T> {
        let mut conn = self.conn.clone();
        match tokio::time::timeout(
            self.options.timeout,
            invocation.invoke_async::<T>(&mut conn),
        )
        .await
        {
            Ok(Ok(reply)) => Some(reply),
            Ok(Err(error)) => {
                tracing::warn!(key, op, %error, "validator cache: Redis failed; using the database");
                None
            }
            Err(_) => {
                tracing::warn!(
                    key,
                    op,
                    timeout = ?self.options.timeout,
                    "validator cache: Redis did not answer in time; using the database"
                );
                None
            }
        }
    }
}

/// The miss and ticket of a reply's server time and identity.
fn miss(key: &str, now: &str, server: &str) -> (Lookup, Option<FillTicket>) {
    match now.parse() {
        Ok(issued_micros) => {
            let ticket = FillTicket {
                issued_micros,
                server: server.to_owned(),
            };
            (Lookup::Miss(ticket.clone()), Some(ticket))
        }
        Err(_) => {
            tracing::warn!(key, now, "validator cache: unreadable server time");
            (Lookup::Unavailable, None)
        }
    }
}

/// A mark id unique across processes: a random per-process part and a counter.
fn mark_id() -> String {
    use std::hash::{BuildHasher, Hasher};
    // `RandomState` is seeded from the OS per process: no extra dependency for 64 random bits.
    static PROCESS: LazyLock<u64> = LazyLock::new(|| {
        let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
        hasher.write_u32(std::process::id());
        hasher.finish()
    });
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    format!(
        "{:016x}-{}",
        *PROCESS,
        COUNTER.fetch_add(1, Ordering::Relaxed)
    )
}
