//! The value an `If-Match` / `If-None-Match` field stands for, and how it matches a current tag.

use crate::entity_tag::EntityTag;

/// The value of an `If-Match` or `If-None-Match` field: `*`, or a list of entity tags.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TagCondition {
    /// `*`: any current representation.
    Any,
    /// One or more entity tags.
    Tags(Vec<EntityTag>),
}

impl TagCondition {
    /// `If-Match` semantics: does the current tag match, by strong comparison?
    /// `*` matches any current representation; nothing matches a missing resource.
    pub fn matches_strong(&self, current: Option<&EntityTag>) -> bool {
        match (self, current) {
            (_, None) => false,
            (Self::Any, Some(_)) => true,
            (Self::Tags(tags), Some(current)) => tags.iter().any(|tag| tag.strong_eq(current)),
        }
    }

    /// `If-None-Match` semantics: does the current tag match, by weak comparison?
    /// `*` matches any current representation; nothing matches a missing resource.
    pub fn matches_weak(&self, current: Option<&EntityTag>) -> bool {
        match (self, current) {
            (_, None) => false,
            (Self::Any, Some(_)) => true,
            (Self::Tags(tags), Some(current)) => tags.iter().any(|tag| tag.weak_eq(current)),
        }
    }
}
