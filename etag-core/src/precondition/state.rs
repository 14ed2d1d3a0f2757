//! The current state of the target resource, as the evaluator sees it.

use std::time::{Duration, SystemTime};

use crate::entity_tag::EntityTag;
use crate::versioned::Versioned;

/// The current state of the target resource, as the evaluator sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ResourceState {
    /// No current representation: the request would create the resource.
    ///
    /// Only evaluate against `Missing` when the method would succeed on a missing resource (a PUT
    /// that creates). A GET, PATCH or DELETE of a missing resource is a 404 whatever the
    /// preconditions say (RFC 9110 §13.2.1): answer it without evaluating them.
    Missing,
    /// A current representation with these validators.
    Present {
        /// Its entity tag.
        etag: EntityTag,
        /// Its modification time, if it has one.
        last_modified: Option<SystemTime>,
    },
}

impl ResourceState {
    /// A present resource with the given validators.
    pub fn present(etag: EntityTag, last_modified: Option<SystemTime>) -> Self {
        Self::Present {
            etag,
            last_modified,
        }
    }

    /// The state of a present value: its validators.
    pub fn of<T: Versioned + ?Sized>(value: &T) -> Self {
        Self::present(value.etag(), value.last_modified())
    }

    /// `Missing` for `None`, the value's validators for `Some`.
    pub fn of_option<T: Versioned>(value: Option<&T>) -> Self {
        value.map_or(Self::Missing, Self::of)
    }

    /// The current tag; `None` for a missing resource.
    pub(crate) fn etag(&self) -> Option<&EntityTag> {
        match self {
            Self::Missing => None,
            Self::Present { etag, .. } => Some(etag),
        }
    }

    /// Whether the modification time can serve as a strong validator (RFC 9110 §8.8.2.2): a
    /// second or more before now, so no later change within the same second can share it.
    pub(crate) fn has_strong_date(&self) -> bool {
        match self {
            Self::Present {
                last_modified: Some(time),
                ..
            } => time
                .checked_add(Duration::from_secs(1))
                .is_some_and(|later| later <= SystemTime::now()),
            _ => false,
        }
    }

    /// When the modification time becomes a strong validator: a second after it.
    pub(crate) fn date_settles_at(&self) -> Option<SystemTime> {
        match self {
            Self::Present {
                last_modified: Some(time),
                ..
            } => time.checked_add(Duration::from_secs(1)),
            _ => None,
        }
    }

    /// The modification time, truncated to whole seconds as HTTP dates are.
    pub(crate) fn last_modified_seconds(&self) -> Option<SystemTime> {
        match self {
            Self::Present {
                last_modified: Some(time),
                ..
            } => Some(truncate_to_seconds(*time)),
            _ => None,
        }
    }
}

fn truncate_to_seconds(time: SystemTime) -> SystemTime {
    match time.duration_since(SystemTime::UNIX_EPOCH) {
        Ok(since) => SystemTime::UNIX_EPOCH + Duration::from_secs(since.as_secs()),
        // Before 1970: HTTP dates cannot express it anyway; compare as is.
        Err(_) => time,
    }
}
