//! Where the keys go, how long entries and write marks live, and how long a Redis call may take.

use std::time::Duration;

/// The settings of a [`ValidatorCache`](super::ValidatorCache).
///
/// Start from [`CacheOptions::new`] and change what you need:
///
/// ```
/// use std::time::Duration;
/// use etag_core::cache::CacheOptions;
///
/// let options = CacheOptions {
///     ttl: Duration::from_secs(600),
///     timeout: Duration::from_millis(20),
///     ..CacheOptions::new("shop:")
/// };
/// assert_eq!(options.write_ttl, CacheOptions::DEFAULT_WRITE_TTL);
/// ```
///
/// [`ValidatorCache::new`](super::ValidatorCache::new) raises every duration to at least one
/// millisecond and lowers `write_ttl` to at most `ttl`; [`options`](super::ValidatorCache::options)
/// shows the values in force.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CacheOptions {
    /// Every Redis key of the cache starts with it: choose one per application (and per kind of
    /// resource, if their keys may clash), such as `"shop:"`.
    pub prefix: String,
    /// How long an entry lives after it was last written: the longest that a fault the cache
    /// cannot see (a lost publish while Redis was unreachable, Redis emptied while a write was in
    /// flight) can leave an outdated entry. Also the longest a
    /// [`FillTicket`](super::FillTicket) stays valid.
    pub ttl: Duration,
    /// How long a write mark lives unless its write publishes or abandons first: how long a
    /// process that died between [`begin_write`](super::ValidatorCache::begin_write) and
    /// [`publish`](super::WriteMark::publish) keeps fills of that key refused (readers load from
    /// the database meanwhile). Choose it longer than your slowest write.
    pub write_ttl: Duration,
    /// The longest one cache call may take, reconnecting included; past it the call gives the
    /// database-path answer and logs a warning.
    pub timeout: Duration,
}

impl CacheOptions {
    /// Default [`ttl`](Self::ttl): five minutes.
    pub const DEFAULT_TTL: Duration = Duration::from_secs(300);
    /// Default [`write_ttl`](Self::write_ttl): thirty seconds.
    pub const DEFAULT_WRITE_TTL: Duration = Duration::from_secs(30);
    /// Default [`timeout`](Self::timeout): fifty milliseconds.
    pub const DEFAULT_TIMEOUT: Duration = Duration::from_millis(50);

    /// The defaults with this key prefix.
    pub fn new(prefix: impl Into<String>) -> Self {
        Self {
            prefix: prefix.into(),
            ttl: Self::DEFAULT_TTL,
            write_ttl: Self::DEFAULT_WRITE_TTL,
            timeout: Self::DEFAULT_TIMEOUT,
        }
    }

    /// The options in force: every duration at least a millisecond (Redis would delete a key
    /// given a zero TTL), and a write mark never outliving the entry whose fills it holds back.
    pub(super) fn normalized(mut self) -> Self {
        let floor = Duration::from_millis(1);
        self.ttl = self.ttl.max(floor);
        self.write_ttl = self.write_ttl.max(floor).min(self.ttl);
        self.timeout = self.timeout.max(floor);
        self
    }

    pub(super) fn ttl_millis(&self) -> u64 {
        saturating_u64(self.ttl.as_millis())
    }

    pub(super) fn ttl_micros(&self) -> u64 {
        saturating_u64(self.ttl.as_micros())
    }

    pub(super) fn write_ttl_micros(&self) -> u64 {
        saturating_u64(self.write_ttl.as_micros())
    }
}

fn saturating_u64(value: u128) -> u64 {
    u64::try_from(value).unwrap_or(u64::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn write_ttl_never_exceeds_ttl() {
        let options = CacheOptions {
            ttl: Duration::from_secs(5),
            write_ttl: Duration::from_secs(60),
            ..CacheOptions::new("p:")
        }
        .normalized();
        assert_eq!(options.write_ttl, Duration::from_secs(5));
    }

    #[test]
    fn zero_durations_become_one_millisecond() {
        let options = CacheOptions {
            ttl: Duration::ZERO,
            write_ttl: Duration::ZERO,
            timeout: Duration::ZERO,
            ..CacheOptions::new("p:")
        }
        .normalized();
        assert_eq!(options.ttl_millis(), 1);
        assert_eq!(options.write_ttl_micros(), 1000);
        assert_eq!(options.timeout, Duration::from_millis(1));
    }
}
