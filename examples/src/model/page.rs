//! One page of a collection listing (`GET /orders?limit=N&after=<id>`) and its validators.

use etag_core::{CollectionRevision, EntityTag, ResourceState, Versioned};
use serde::{Serialize, Serializer};

use super::Listed;

/// Items per page when the request names no `limit`.
pub const DEFAULT_PAGE_LIMIT: usize = 100;

/// The most items one page may hold; a larger `limit` is a 400.
pub const MAX_PAGE_LIMIT: usize = 1_000;

/// Which page of a collection a request asks for: the items after the cursor `after` (an id,
/// exclusive; `None` from the first), at most `limit` of them, in id order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageBounds {
    /// The id the page starts after.
    pub after: Option<String>,
    /// How many items at most.
    pub limit: usize,
    /// Whether the request named its bounds. `GET /orders` without a query is the collection
    /// itself (showing its first page): its tag is the collection's revision tag, the one a
    /// POST's precondition is checked against. A URL with bounds is a page of its own, tagged
    /// from the revision and the bounds.
    pub explicit: bool,
}

impl Default for PageBounds {
    fn default() -> Self {
        Self {
            after: None,
            limit: DEFAULT_PAGE_LIMIT,
            explicit: false,
        }
    }
}

impl PageBounds {
    /// The tag of this page at `revision`.
    pub fn etag(&self, revision: &CollectionRevision) -> EntityTag {
        if self.explicit {
            revision.page_etag(self.after.as_deref(), self.limit as u64)
        } else {
            revision.etag()
        }
    }

    /// This page at `revision` as a precondition sees it: present, tagged, undated.
    pub fn state(&self, revision: &CollectionRevision) -> ResourceState {
        ResourceState::present(self.etag(revision), None)
    }
}

/// One page of a collection, read in one snapshot with the collection's revision: a JSON array
/// of [`Listed`] entries, tagged by [`PageBounds::etag`].
///
/// It has no `Last-Modified`: a deletion would not move the newest entry's date.
#[derive(Debug, Clone, PartialEq)]
pub struct Page<T> {
    /// The collection's revision when the page was read.
    pub revision: CollectionRevision,
    /// The bounds it was read with.
    pub bounds: PageBounds,
    /// The entries, in id order.
    pub entries: Vec<Listed<T>>,
    /// Whether entries follow this page.
    pub more: bool,
}

impl<T> Page<T> {
    /// The cursor of the next page (the last id here), when there is one.
    pub fn next_after(&self) -> Option<&str> {
        self.more
            .then(|| self.entries.last().map(|last| last.id.as_str()))
            .flatten()
    }
}

impl<T> Versioned for Page<T> {
    fn etag(&self) -> EntityTag {
        self.bounds.etag(&self.revision)
    }
}

impl<T: Serialize> Serialize for Page<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.entries.serialize(serializer)
    }
}
