//! What the client holds: a value with the tag it was read under, and what a write answered.

use http::StatusCode;

use crate::EntityTag;

/// A resource's value together with the entity tag the server sent with it.
///
/// The tag is what a later write sends in `If-Match`; hold the two together so a write can never
/// pair a value with another version's tag.
#[derive(Debug, Clone, PartialEq)]
pub struct Snapshot<T> {
    /// The decoded representation.
    pub value: T,
    /// The tag of exactly that representation.
    pub etag: EntityTag,
}

impl<T> Snapshot<T> {
    /// Pairs a value with its tag (for example one a cache or an earlier read returned).
    pub fn new(value: T, etag: EntityTag) -> Self {
        Self { value, etag }
    }
}

/// A successful write's answer.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Written<T> {
    /// The 2xx status (200 replaced, 201 created, 204 no content, …).
    pub status: StatusCode,
    /// The new state's tag, if the server sent one.
    pub etag: Option<EntityTag>,
    /// The new state, if the response had a body.
    pub value: Option<T>,
    /// How many attempts it took (1 when the first write succeeded).
    pub attempts: u32,
}

impl<T> Written<T> {
    /// The new state and its tag, when the server sent both: ready for the next conditional
    /// write without another read.
    pub fn into_snapshot(self) -> Option<Snapshot<T>> {
        Some(Snapshot::new(self.value?, self.etag?))
    }
}
