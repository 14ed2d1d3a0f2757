//! What the cache answers: a lookup's result, the ticket a fill needs, and an update's outcome.

use super::Cached;

/// The result of [`ValidatorCache::lookup`](super::ValidatorCache::lookup).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Lookup {
    /// Valid validators: the resource was in this state when they were stored, and no write has
    /// begun since.
    Hit(Cached),
    /// Nothing usable is cached; load from the database, then
    /// [`fill`](super::ValidatorCache::fill) with this ticket.
    Miss(FillTicket),
    /// A write of this resource is in flight: load from the database. A fill now would be
    /// refused, so there is no ticket.
    Pending,
    /// Redis failed or did not answer within the timeout (a warning was logged): load from the
    /// database.
    Unavailable,
}

impl Lookup {
    /// The cached validators of a hit; `None` ("not known, run the handler") otherwise. This is
    /// what a `#[conditional(precheck = …)]` expression returns.
    pub fn into_hit(self) -> Option<Cached> {
        match self {
            Self::Hit(cached) => Some(cached),
            Self::Miss(_) | Self::Pending | Self::Unavailable => None,
        }
    }

    /// The ticket of a miss, for the fill after the database read.
    pub fn ticket(&self) -> Option<FillTicket> {
        match self {
            Self::Miss(ticket) => Some(ticket.clone()),
            Self::Hit(_) | Self::Pending | Self::Unavailable => None,
        }
    }
}

/// Permission to fill: the Redis server's clock and identity when a reader started, taken before
/// its database read.
///
/// A fill with it is refused if any write of the key was in flight at any moment since, so a
/// reader can never store what it read before a write committed, even when that write's publish
/// was lost. It is valid for the entry [`ttl`](super::CacheOptions::ttl), and only on the server
/// process that issued it (a restarted or failed-over Redis refuses it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FillTicket {
    pub(super) issued_micros: u64,
    pub(super) server: String,
}

/// What became of a [`fill`](super::ValidatorCache::fill) or a
/// [`publish`](super::WriteMark::publish). Informational: whatever it says, the request goes on
/// as it would without a cache.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Update {
    /// The validators were stored.
    Stored,
    /// Not stored: the cache holds a newer revision (for a fill: a newer or the same one).
    Outdated,
    /// Not stored: a write of the key was in flight since the fill's ticket was issued, or Redis
    /// restarted since, or the ticket is older than the TTL. Only fills are refused this way.
    Interrupted,
    /// Redis failed or did not answer within the timeout (a warning was logged). After a
    /// publish, the entry stays invalidated, or, if Redis missed the mark too, outdated for at
    /// most the TTL.
    Unavailable,
}
