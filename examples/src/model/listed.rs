//! An entry of a collection listing: a resource together with its id.

use std::time::SystemTime;

use etag_core::{EntityTag, Versioned};
use serde::Serialize;

/// A resource as it appears in a listing such as `GET /orders`: `{"id": …, <fields>}`.
///
/// Its tag covers the id as well as the resource's own tag, so the listing's tag (which combines
/// the entries' tags in order) changes when an order is deleted and another one with the same
/// content appears under a different id.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Listed<T> {
    /// The resource's id, the last segment of its URL.
    pub id: String,
    /// The resource.
    #[serde(flatten)]
    pub value: T,
}

/// The state an entry's tag is derived from: the id and the resource's own tag (whatever fields
/// or version that tag covers), so the entry tag follows the resource's rules.
#[derive(Serialize, Versioned)]
struct EntryState<'a> {
    id: &'a str,
    tag: &'a EntityTag,
}

impl<T: Versioned> Versioned for Listed<T> {
    fn etag(&self) -> EntityTag {
        let inner = self.value.etag();
        let tag = EntryState {
            id: &self.id,
            tag: &inner,
        }
        .etag();
        // A weak resource tag makes the entry (and so the listing) weak too.
        if inner.is_weak() {
            tag.into_weak()
        } else {
            tag
        }
    }

    fn last_modified(&self) -> Option<SystemTime> {
        self.value.last_modified()
    }
}

/// A collection listing such as `GET /orders`: a JSON array of [`Listed`] entries.
///
/// Its tag combines the entries' tags in order, so it changes whenever an entry is created,
/// changed or deleted. It has no `Last-Modified`: the newest entry's date would not move when an
/// entry is deleted, so a date could not tell a client that the listing changed.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(transparent)]
pub struct Collection<T>(pub Vec<Listed<T>>);

impl<T: Versioned> Versioned for Collection<T> {
    fn etag(&self) -> EntityTag {
        Self::tag_of(&self.0)
    }
}

impl<T: Versioned> Collection<T> {
    /// The tag a listing of `entries` has.
    pub fn tag_of(entries: &[Listed<T>]) -> EntityTag {
        entries.etag()
    }
}
