//! The shop's validator cache (`shop --cache redis://…`): carts' and orders' validators in Redis,
//! so that a poll's 304, or the 412 of a write whose `If-Match` is already stale, is answered
//! without the database.
//!
//! This module is the shop's side of [`etag_core::cache`], whose guide states the protocols and
//! the guarantee in each fault. The shop follows them like this:
//!
//! - **Keys**: `cart:{id}` and `order:{id}` under the prefix `etag-shop:{database}:`, where
//!   `{database}` is the random identity the shop's schema stores in the database itself
//!   (table `shop_identity`), so that every shop process on one database shares the entries,
//!   whatever URL or path it was given, and shops on different databases never collide.
//! - **Revisions**: a cart's version column; an order's row in `order_revisions`, bumped by every
//!   order write in its transaction and kept across a delete.
//! - **GET**: the precheck asks the cache ([`Entry::precheck`]); a hit decides the 304 or 412,
//!   anything else falls through to the database precheck. What the lookup learned is left in a
//!   [`Lookahead`] for the handler: after a hit it loads without filling (the entry is current),
//!   after a miss it [fills](Entry::fill) with the miss's ticket (taken before its read). A GET
//!   without preconditions skips the precheck, and the handler looks up for itself, so every
//!   200 makes one Redis call when the entry is current and two when it fills it.
//! - **Writes**: the precheck asks the cache ([`Entry::write_precheck`]); a hit whose validators
//!   fail the request's entity-tag preconditions answers 412 before the body is read. Anything
//!   else goes on: [`Entry::begin_write`] before the transaction, [`PendingWrite::finish`] after
//!   it, publishing on success and abandoning on any failure. The precondition check stays
//!   inside the transaction; the cache can refuse a write early, never let one through.

use std::convert::Infallible;
use std::future::Future;
use std::sync::OnceLock;

use axum::extract::FromRequestParts;
use etag_core::cache::{
    CacheOptions, Cached, FillTicket, Lookup, ValidatorCache, WriteMark, redis,
};
use etag_core::{Preconditions, ResourceState, Versioned};

/// The environment variable that, set to `1` **in tests only**, makes the process exit right
/// after its first write commits, before publishing the write to the cache: the crash between
/// commit and publish that the concurrency tests stage. Never set it in production; the shop
/// logs a warning at start when it is set.
pub const EXIT_BEFORE_PUBLISH_VAR: &str = "SHOP_TEST_ONLY_EXIT_BEFORE_PUBLISH";

/// The kind of resource a cache key names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// `/carts/{id}`.
    Cart,
    /// `/orders/{id}`.
    Order,
}

impl Kind {
    fn name(self) -> &'static str {
        match self {
            Self::Cart => "cart",
            Self::Order => "order",
        }
    }
}

/// The shop's connection to the validator cache. Cheap to clone.
#[derive(Debug, Clone)]
pub struct ShopCache {
    cache: ValidatorCache,
    exit_before_publish: bool,
}

impl ShopCache {
    /// A cache at `url` (`redis://host:port/db`) for the database whose identity is
    /// `database_id` ([`Store::database_id`](crate::store::Store::database_id)). Connects on first
    /// use, so the shop starts while Redis is down; fails only for a malformed URL.
    pub async fn open(url: &str, database_id: &str) -> Result<Self, redis::RedisError> {
        let cache = ValidatorCache::open(url, CacheOptions::new(prefix(database_id))).await?;
        let exit_before_publish = std::env::var(EXIT_BEFORE_PUBLISH_VAR).is_ok_and(|v| v == "1");
        if exit_before_publish {
            tracing::warn!(
                "{EXIT_BEFORE_PUBLISH_VAR} is set: this process exits after its first write \
                 commits (a test-only fault; never set it in production)"
            );
        }
        Ok(Self {
            cache,
            exit_before_publish,
        })
    }

    /// The prefix of every Redis key this shop uses.
    pub fn prefix(&self) -> &str {
        &self.cache.options().prefix
    }

    /// The cache itself, for code that follows the protocols on its own.
    pub fn validator_cache(&self) -> &ValidatorCache {
        &self.cache
    }
}

/// The key prefix of the database with this identity.
pub fn prefix(database_id: &str) -> String {
    format!("etag-shop:{database_id}:")
}

/// The cache key of one resource, below the prefix: `cart:{id}` or `order:{id}`.
pub fn key(kind: Kind, id: &str) -> String {
    format!("{}:{id}", kind.name())
}

/// One resource's entry, or nothing when the shop runs without a cache (then every method does
/// nothing and costs nothing).
#[derive(Debug)]
pub struct Entry<'a> {
    cache: Option<&'a ShopCache>,
    key: String,
}

impl<'a> Entry<'a> {
    /// The entry of the resource `kind`/`id` in `cache`, if there is a cache.
    pub fn new(cache: Option<&'a ShopCache>, kind: Kind, id: &str) -> Self {
        Self {
            cache,
            key: key(kind, id),
        }
    }

    /// A GET's precheck: the cached validators of a present resource, or else what `stored`
    /// (the database precheck) gives. A miss, a pending write, an unreachable Redis and a
    /// resource cached as deleted all fall through to the database, which also answers the 404.
    /// What the lookup learned is left in `lookahead` for the handler's [`fill_ticket`].
    ///
    /// [`fill_ticket`]: Self::fill_ticket
    pub async fn precheck<T: Versioned, E>(
        &self,
        stored: impl Future<Output = Result<Option<T>, E>>,
        lookahead: &Lookahead,
    ) -> Result<Option<ResourceState>, E> {
        if let Some(shop) = self.cache {
            match shop.cache.lookup(&self.key).await {
                Lookup::Hit(hit) => {
                    lookahead.leave(Looked::Current);
                    let state = hit.into_state();
                    if let ResourceState::Present { .. } = state {
                        return Ok(Some(state));
                    }
                    // Cached as deleted: the database decides (its 404), and a fill could
                    // change nothing at the entry's own revision.
                }
                Lookup::Miss(ticket) => lookahead.leave(Looked::Miss(ticket)),
                // A fill would be refused, or Redis would not answer it either.
                Lookup::Pending | Lookup::Unavailable => lookahead.leave(Looked::Unfillable),
            }
        }
        Ok(stored.await?.as_ref().map(ResourceState::of))
    }

    /// A write's precheck: the cached validators of a present resource, so that a request whose
    /// `If-Match` is already stale (or whose `If-None-Match` matches) is answered 412 before its
    /// body is read or the database touched. The write still checks inside its transaction, so a
    /// hit that passes decides nothing.
    ///
    /// `None` leaves every decision to the handler: without a cache, on a miss, a pending write,
    /// an unreachable Redis, a resource cached as deleted (only the database answers its 404 or
    /// creates it), and whenever an `If-Unmodified-Since` counts (there is no `If-Match`): its
    /// refusal of a state changed within the same second is one the handler waits out rather
    /// than sends (a date cannot tell that state from the one the client holds).
    pub async fn write_precheck(&self, pre: &Preconditions) -> Option<Cached> {
        // Without `If-Match`, an `If-Unmodified-Since` counts (RFC 9110 §13.2.2).
        if pre.if_match().is_none()
            && (pre.if_none_match().is_none() || pre.if_unmodified_since().is_some())
        {
            return None;
        }
        self.cache?
            .cache
            .lookup(&self.key)
            .await
            .into_hit()
            .filter(Cached::exists)
    }

    /// The ticket for filling the entry from a database read that starts after this returns, if
    /// a fill could change anything: the one the precheck's miss left in `lookahead`, or (when
    /// no precheck ran, for a request without preconditions) the one a lookup made now gives.
    /// None after a hit: the entry holds the revision the read will find (a fill at the same
    /// revision changes nothing), or a newer write has marked it and would refuse the fill.
    pub async fn fill_ticket(&self, lookahead: Lookahead) -> Option<FillTicket> {
        let shop = self.cache?;
        let looked = match lookahead.into_looked() {
            Some(looked) => looked,
            None => match shop.cache.lookup(&self.key).await {
                Lookup::Miss(ticket) => Looked::Miss(ticket),
                Lookup::Hit(_) => Looked::Current,
                Lookup::Pending | Lookup::Unavailable => Looked::Unfillable,
            },
        };
        match looked {
            Looked::Miss(ticket) => Some(ticket),
            Looked::Current | Looked::Unfillable => None,
        }
    }

    /// Stores what a GET read from the database at `revision`, if the cache allows it (nothing
    /// newer there, no write since the ticket was issued).
    pub async fn fill(&self, ticket: Option<FillTicket>, revision: u64, value: &impl Versioned) {
        if let (Some(shop), Some(ticket)) = (self.cache, ticket) {
            let update = shop
                .cache
                .fill(&self.key, ticket, revision, &ResourceState::of(value))
                .await;
            tracing::debug!(key = self.key, revision, ?update, "validator cache fill");
        }
    }

    /// Marks a write of the resource as in flight; call it before the write's transaction.
    pub async fn begin_write(&self) -> PendingWrite {
        match self.cache {
            Some(shop) => PendingWrite {
                mark: Some(shop.cache.begin_write(&self.key).await),
                exit_before_publish: shop.exit_before_publish,
            },
            None => PendingWrite {
                mark: None,
                exit_before_publish: false,
            },
        }
    }
}

/// What a GET's precheck learned from the cache, left for its handler (an argument of both:
/// the handler extracts it empty, [`Entry::precheck`] fills it, [`Entry::fill_ticket`] reads
/// it), so that the handler makes no Redis call the lookup already made.
#[derive(Debug, Default)]
pub struct Lookahead(OnceLock<Looked>);

/// What the lookup found, as far as filling goes.
#[derive(Debug)]
enum Looked {
    /// A hit (on a present or a deleted resource): the entry is current, a fill would change
    /// nothing.
    Current,
    /// A miss, with the ticket for filling after the database read.
    Miss(FillTicket),
    /// A write in flight or Redis unreachable: a fill would be refused or fail.
    Unfillable,
}

impl Lookahead {
    /// Records what the lookup found; the precheck runs once per request, so there is no second.
    fn leave(&self, looked: Looked) {
        let _ = self.0.set(looked);
    }

    fn into_looked(self) -> Option<Looked> {
        self.0.into_inner()
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Lookahead {
    type Rejection = Infallible;

    async fn from_request_parts(
        _parts: &mut http::request::Parts,
        _state: &S,
    ) -> Result<Self, Self::Rejection> {
        Ok(Self::default())
    }
}

/// A write in flight, marked in the cache (when there is one).
#[derive(Debug)]
pub struct PendingWrite {
    mark: Option<WriteMark>,
    exit_before_publish: bool,
}

impl PendingWrite {
    /// After the write's transaction: publishes the committed state when `result` is a success
    /// and `committed` gives its revision and state, else abandons the mark (leaving the entry
    /// invalidated, which is right whether or not anything committed). Returns `result`.
    pub async fn finish<T, E>(
        self,
        result: Result<T, E>,
        committed: impl FnOnce(&T) -> Option<(u64, ResourceState)>,
    ) -> Result<T, E> {
        let Some(mark) = self.mark else {
            return result;
        };
        match result.as_ref().ok().and_then(committed) {
            Some((revision, state)) => {
                if self.exit_before_publish {
                    tracing::warn!(
                        key = mark.key(),
                        revision,
                        "{EXIT_BEFORE_PUBLISH_VAR}: exiting between commit and publish"
                    );
                    // No unwinding, no destructors: the mark is neither published nor abandoned,
                    // as when the process is killed.
                    std::process::exit(86);
                }
                let update = mark.publish(revision, &state).await;
                tracing::debug!(revision, ?update, "validator cache publish");
            }
            None => mark.abandon().await,
        }
        result
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_name_the_database_and_the_resource() {
        assert_eq!(prefix("ab12"), "etag-shop:ab12:");
        assert_eq!(key(Kind::Cart, "c1"), "cart:c1");
        assert_eq!(key(Kind::Order, "c1"), "order:c1");
        assert_ne!(prefix("db-a"), prefix("db-b"));
    }
}
