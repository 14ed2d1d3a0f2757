//! [`CollectionRevision`]: O(1) validators for collections and their pages, kept by revision.

use sha2::{Digest, Sha256};

use crate::entity_tag::EntityTag;
use crate::precondition::ResourceState;
use crate::versioned::Versioned;

/// The domain of a collection's tag (see the encoding in [`CollectionRevision`]'s docs).
const COLLECTION_DOMAIN: &[u8] = b"etag-rs/collection-revision/v1\0";

/// The domain of a page's tag.
const PAGE_DOMAIN: &[u8] = b"etag-rs/collection-page/v1\0";

/// A collection's revision: the epoch of its counter and the count every write increments, the
/// source of validators for collections that cost O(1) per request: a tag kept by *revision*,
/// and the tags of the collection's pages.
///
/// It is [`Versioned`]: its tag is [`etag`](Self::etag), and it has no modification date (a
/// deletion would not move the newest item's date, so a date could not tell a client that the
/// collection changed).
///
/// Tagging a collection from its items ([`Versioned`] for a `Vec`) means reading and hashing
/// every item on every conditional request: a 304 for `GET /orders` costs as much as the 200, and
/// a `POST /orders` carrying a precondition holds the write lock while it lists the collection.
/// A *revision* costs one row instead. Keep a counter per collection, and increment it **inside
/// the transaction of every write** that creates, replaces, changes or deletes an item, so that
/// nothing can commit a change without moving the counter, and a reader that reads the counter and
/// the items in one snapshot sees both or neither. Then:
///
/// - the collection's tag is [`CollectionRevision::etag`], read from the counter alone;
/// - a page's tag is [`CollectionRevision::page_etag`], from the counter and the page's bounds,
///   so a conditional GET of a page is decided before its items are read;
/// - a precondition sent with a POST to the collection is evaluated against
///   [`CollectionRevision::state`] with [`Preconditions::check_state`], in the transaction that
///   holds the counter: no listing, no hashing, and a lock held for one row read.
///
/// A page's tag moves whenever *any* item of the collection changes, even one on another page:
/// that costs a client a 200 it could have been spared, never a stale 304.
///
/// The counter alone would make two collections (two databases, a database recreated after a
/// reset) that happen to reach the same count share a tag, and a client cache would then take one
/// for the other. So a revision also carries an *epoch*: an opaque text chosen when the counter
/// is created (a random id stored next to it), part of every tag.
///
/// # The encoding (a stable contract)
///
/// Like derived tags, these tags are compared across processes and releases, so their encoding is
/// fixed and pinned by golden vectors. Integers below are 8 bytes little-endian; text is its
/// length (8 bytes little-endian) followed by its UTF-8 bytes. The tag is SHA-256 over the bytes,
/// cut to 128 bits and printed as 32 lowercase hex digits ([`EntityTag::from_digest`]), strong.
///
/// | tag | bytes hashed |
/// |---|---|
/// | collection | `etag-rs/collection-revision/v1\0`, epoch (text), revision |
/// | page | `etag-rs/collection-page/v1\0`, epoch (text), revision, `00` (first page) or `01` then the cursor (text), limit |
///
/// ```
/// use etag_core::{CollectionRevision, Preconditions, PreconditionError};
/// use http::{HeaderMap, HeaderValue, Method, header::IF_MATCH};
///
/// // Read in the writer's transaction: the counter row, not the collection.
/// let current = CollectionRevision::new("9f0c6a1e", 41);
///
/// let mut headers = HeaderMap::new();
/// let tag = current.etag().to_string();
/// headers.insert(IF_MATCH, HeaderValue::from_str(&tag).expect("a tag is a header value"));
/// let pre = Preconditions::parse(&Method::POST, &headers)?;
/// let checked = pre.check_state(&current.state())?;      // the client saw revision 41
/// # drop(checked);
///
/// // Any write bumps the counter, and the client's tag is stale.
/// let next = CollectionRevision::new("9f0c6a1e", 42);
/// assert!(pre.check_state(&next.state()).is_err());
///
/// // Pages have their own tags, all of which move with the revision.
/// assert_ne!(current.page_etag(None, 50), current.page_etag(Some("o-50"), 50));
/// assert_ne!(current.page_etag(None, 50), next.page_etag(None, 50));
/// # Ok::<(), PreconditionError>(())
/// ```
///
/// [`Preconditions::check_state`]: crate::Preconditions::check_state
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct CollectionRevision {
    epoch: String,
    revision: u64,
}

impl CollectionRevision {
    /// The revision `revision` of the counter whose epoch is `epoch`.
    pub fn new(epoch: impl Into<String>, revision: u64) -> Self {
        Self {
            epoch: epoch.into(),
            revision,
        }
    }

    /// The epoch: what tells this counter apart from another that reached the same count.
    pub fn epoch(&self) -> &str {
        &self.epoch
    }

    /// The count of writes.
    pub fn revision(&self) -> u64 {
        self.revision
    }

    /// The collection's tag: strong, and different for every revision and every epoch.
    pub fn etag(&self) -> EntityTag {
        EntityTag::from_digest(&self.hasher(COLLECTION_DOMAIN).finalize())
    }

    /// The tag of one page of the collection at this revision: the items after the cursor
    /// `after` (`None` for the first page), at most `limit` of them.
    ///
    /// Pass the bounds the page was actually read with (the limit after defaults and caps are
    /// applied), so that two requests for the same items share a tag.
    pub fn page_etag(&self, after: Option<&str>, limit: u64) -> EntityTag {
        let mut hasher = self.hasher(PAGE_DOMAIN);
        match after {
            None => hasher.update([0]),
            Some(cursor) => {
                hasher.update([1]);
                update_text(&mut hasher, cursor);
            }
        }
        hasher.update(limit.to_le_bytes());
        EntityTag::from_digest(&hasher.finalize())
    }

    /// The collection as a present resource with this revision's tag and no date: what a
    /// precondition sent with a POST to the collection is evaluated against.
    pub fn state(&self) -> ResourceState {
        ResourceState::present(self.etag(), None)
    }

    fn hasher(&self, domain: &[u8]) -> Sha256 {
        let mut hasher = Sha256::new();
        hasher.update(domain);
        update_text(&mut hasher, &self.epoch);
        hasher.update(self.revision.to_le_bytes());
        hasher
    }
}

impl Versioned for CollectionRevision {
    fn etag(&self) -> EntityTag {
        CollectionRevision::etag(self)
    }
}

/// Text as its length (8 bytes little-endian) and its bytes: self-delimiting, so an epoch and a
/// cursor can never run together.
fn update_text(hasher: &mut Sha256, text: &str) {
    hasher.update((text.len() as u64).to_le_bytes());
    hasher.update(text.as_bytes());
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Golden vectors: these tags are a stable contract. A change here breaks every client
    /// cache and every in-flight `If-Match` that holds one. (Computed independently of this
    /// code, from the encoding in the type's docs.)
    #[test]
    fn golden_vectors() {
        let revision = CollectionRevision::new("9f0c6a1e", 41);
        let cases = [
            (revision.etag(), "97af4aad4d717b943879a403ab21f0bd"),
            (
                revision.page_etag(None, 50),
                "51118db3dd070d9c239f6b2895013911",
            ),
            (
                revision.page_etag(Some("o-50"), 50),
                "dbb1e42f3e0117a6298dc914f99e99af",
            ),
            (
                CollectionRevision::new("", 0).etag(),
                "632accc9ff4831a6a81f97a0d95ccbd5",
            ),
        ];
        for (tag, expected) in cases {
            assert_eq!(tag.to_string(), format!("\"{expected}\""));
        }
    }

    #[test]
    fn tags_tell_revisions_epochs_and_bounds_apart() {
        let base = CollectionRevision::new("a", 1);
        let tags = [
            base.etag(),
            CollectionRevision::new("a", 2).etag(),
            CollectionRevision::new("b", 1).etag(),
            base.page_etag(None, 10),
            base.page_etag(None, 11),
            base.page_etag(Some(""), 10),
            base.page_etag(Some("x"), 10),
            CollectionRevision::new("a", 2).page_etag(Some("x"), 10),
        ];
        for (i, a) in tags.iter().enumerate() {
            assert!(!a.is_weak());
            for b in &tags[i + 1..] {
                assert_ne!(a, b);
            }
        }
        // The epoch and the cursor are length-prefixed: moving bytes between them changes the tag.
        assert_ne!(
            CollectionRevision::new("ab", 1).page_etag(Some("c"), 1),
            CollectionRevision::new("a", 1).page_etag(Some("bc"), 1)
        );
    }

    #[test]
    fn the_state_is_present_and_undated() {
        let revision = CollectionRevision::new("e", 3);
        assert_eq!(
            revision.state(),
            ResourceState::present(revision.etag(), None)
        );
        assert_eq!(Versioned::etag(&revision), revision.etag());
        assert_eq!(revision.last_modified(), None);
    }
}
