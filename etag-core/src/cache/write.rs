//! The write protocol: a mark taken before the commit, released by publish or abandon after it.

use crate::ResourceState;

use super::{Update, ValidatorCache};

/// A write in flight, marked in the cache: from [`ValidatorCache::begin_write`], taken before the
/// database transaction commits.
///
/// While any mark of a key lives, lookups of that key answer [`Lookup::Pending`](super::Lookup)
/// and fills are refused, so readers take the database path; the entry's validators were
/// invalidated when the mark was taken. End it after the commit with [`publish`](Self::publish),
/// or with [`abandon`](Self::abandon) when the write did not happen (a failed precondition, an
/// error). A mark dropped without either is abandoned in the background (if a tokio runtime is
/// running), and a mark whose process died expires after the
/// [`write_ttl`](super::CacheOptions::write_ttl).
#[must_use = "publish the new validators after the commit, or abandon the mark"]
#[derive(Debug)]
pub struct WriteMark {
    pub(super) cache: ValidatorCache,
    pub(super) key: String,
    pub(super) id: String,
    pub(super) marked: bool,
    pub(super) finished: bool,
}

impl WriteMark {
    /// The resource key the mark is for.
    pub fn key(&self) -> &str {
        &self.key
    }

    /// Whether Redis took the mark. When it did not (Redis unreachable or slow; a warning was
    /// logged) the write goes ahead all the same, and the entry may answer with the old validators
    /// until this write publishes, or for at most the TTL if Redis misses the publish as well.
    pub fn is_marked(&self) -> bool {
        self.marked
    }

    /// After the commit: stores the validators of the committed `revision` unless the cache
    /// already holds a newer one (a later write published first), and releases the mark.
    ///
    /// `revision` is the value the write gave the resource's revision column inside its
    /// transaction; `state` what a reader would now load. Publishing is tried even when the mark
    /// was not taken, since Redis may be back.
    pub async fn publish(mut self, revision: u64, state: &ResourceState) -> Update {
        let update = self
            .cache
            .publish_mark(&self.key, &self.id, revision, state)
            .await;
        self.finished = true;
        update
    }

    /// The write did not happen (or its outcome is unknown): releases the mark and leaves the
    /// entry invalidated, so the next reader loads from the database and fills. Safe even if the
    /// write did commit.
    pub async fn abandon(mut self) {
        self.cache.abandon_mark(&self.key, &self.id).await;
        self.finished = true;
    }
}

impl Drop for WriteMark {
    /// An unfinished mark (an early return, a panic, a cancelled handler) is abandoned on the
    /// running tokio runtime, if any; otherwise it expires after the write TTL. Abandoning is
    /// safe whether or not the write committed.
    fn drop(&mut self) {
        if self.finished {
            return;
        }
        let Ok(runtime) = tokio::runtime::Handle::try_current() else {
            return;
        };
        let cache = self.cache.clone();
        let key = std::mem::take(&mut self.key);
        let id = std::mem::take(&mut self.id);
        runtime.spawn(async move { cache.abandon_mark(&key, &id).await });
    }
}
