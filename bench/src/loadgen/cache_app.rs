//! Scenario 7's system under test: the shop without and with the Redis validator cache, two
//! instances of each on one database, seeded with a small and a large order.

use etag_core::cache::redis::{self, AsyncCommands};
use etag_examples::cache::{Kind, ShopCache, key, prefix};
use etag_examples::db::Location;
use etag_examples::store::Store;

use super::bench_app::{LARGE_ITEMS, SMALL_ITEMS, Seeded, put_order};
use super::driver::BoxError;
use super::server::RunningServer;

/// Instances of each kind: writers and pollers of one resource meet on several processes.
pub(crate) const INSTANCES_EACH: usize = 2;

/// The running instances.
pub(crate) struct CacheApp {
    uncached: Vec<RunningServer>,
    cached: Vec<RunningServer>,
    /// The small and the large order.
    pub(crate) orders: [Seeded; 2],
    redis_url: String,
    prefix: String,
}

impl CacheApp {
    /// Opens the database at `location`, seeds it, and starts the instances; the cached ones use
    /// Redis at `redis_url`, under the key prefix of this database (which no other run shares).
    pub(crate) async fn start(location: &Location, redis_url: &str) -> Result<Self, BoxError> {
        let store = Store::connect(location).await?;
        let orders = [
            put_order(&store, "cache-small", SMALL_ITEMS).await?,
            put_order(&store, "cache-large", LARGE_ITEMS).await?,
        ];
        let database_id = store.database_id().await?;
        let mut uncached = Vec::with_capacity(INSTANCES_EACH);
        let mut cached = Vec::with_capacity(INSTANCES_EACH);
        for _ in 0..INSTANCES_EACH {
            let store = Store::connect(location).await?;
            uncached.push(RunningServer::start(etag_examples::http::router(store))?);
            let cache = ShopCache::open(redis_url, &database_id).await?;
            let store = Store::connect(location).await?.with_cache(cache);
            cached.push(RunningServer::start(etag_examples::http::router(store))?);
        }
        Ok(Self {
            uncached,
            cached,
            orders,
            redis_url: redis_url.to_owned(),
            prefix: prefix(&database_id),
        })
    }

    /// Where the instances without the cache listen.
    pub(crate) fn uncached(&self) -> Vec<std::net::SocketAddr> {
        self.uncached.iter().map(RunningServer::addr).collect()
    }

    /// Where the instances with the cache listen.
    pub(crate) fn cached(&self) -> Vec<std::net::SocketAddr> {
        self.cached.iter().map(RunningServer::addr).collect()
    }

    /// The entity tag Redis holds for the order `id`, if it holds one.
    pub(crate) async fn cached_tag(&self, id: &str) -> Result<Option<String>, BoxError> {
        let mut conn = self.redis().await?;
        // The validators hash of the entry (`etag_core::cache`'s key layout: `P{K}:v`).
        let entry = format!("{}{{{}}}:v", self.prefix, key(Kind::Order, id));
        Ok(conn.hget(entry, "tag").await?)
    }

    /// Stops the instances and deletes every key this run stored in Redis.
    pub(crate) async fn remove(self) -> Result<(), BoxError> {
        let mut conn = self.redis().await?;
        let Self {
            uncached,
            cached,
            prefix,
            ..
        } = self;
        drop(uncached);
        drop(cached);
        // SCAN, not KEYS: the Redis may be shared, and KEYS blocks it for all its keys.
        let keys: Vec<String> = {
            let mut found = conn.scan_match::<_, String>(format!("{prefix}*")).await?;
            let mut keys = Vec::new();
            while let Some(key) = found.next_item().await {
                keys.push(key?);
            }
            keys
        };
        if !keys.is_empty() {
            let () = conn.del(keys).await?;
        }
        Ok(())
    }

    async fn redis(&self) -> Result<redis::aio::MultiplexedConnection, BoxError> {
        Ok(redis::Client::open(self.redis_url.as_str())?
            .get_multiplexed_async_connection()
            .await?)
    }
}
